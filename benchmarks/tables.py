"""Word tables for the benchmark corpus generator (:mod:`generate`).

Everything the generator draws from lives here as data: the jurisdictions
with their issuers and document-number prefixes, the agencies with the
surface forms each level of government writes them in, the collective
actors, and the phrases that tasks are made of. The generator only chooses.

Agency surface forms use ``{p}`` where the jurisdiction prefix goes
(自治区 / 省 / 市 / the full place name / nothing). The first form of each list
is the canonical one; the others are the variants real documents use
(发展改革委 / 发改委 / 发展和改革委员会 …).

>>> len(JURISDICTIONS) >= 30
True
>>> AGENCIES["drc"]["provincial"][0]
'{p}发展改革委'
"""

from __future__ import annotations

__all__ = ["JURISDICTIONS", "AGENCIES", "GX_AGENCIES", "COLLECTIVES", "SECTIONS", "TARGETS", "VERBS", "OBJECTS",
           "ELABORATIONS", "OUTPUTS", "ADDRESSEES"]

#: key (gazetteer key of the place), level, issuer, document-number prefix, the words that
#: stand before an agency name (written or not), and the full place name.
JURISDICTIONS = [
    {"key": "cn", "level": "national", "issuer": "国务院办公厅", "abbrev": "国办发", "place": "", "prefixes": [""]},
    {"key": "gx", "level": "gx", "issuer": "广西壮族自治区人民政府办公厅", "abbrev": "桂政办发", "place": "广西壮族自治区",
     "prefixes": ["自治区", "", "广西壮族自治区"]},
    {"key": "gd", "level": "provincial", "issuer": "广东省人民政府办公厅", "abbrev": "粤府办", "place": "广东省", "prefixes": ["省", "", "广东省"]},
    {"key": "js", "level": "provincial", "issuer": "江苏省人民政府办公厅", "abbrev": "苏政办发", "place": "江苏省", "prefixes": ["省", "", "江苏省"]},
    {"key": "zj", "level": "provincial", "issuer": "浙江省人民政府办公厅", "abbrev": "浙政办发", "place": "浙江省", "prefixes": ["省", "", "浙江省"]},
    {"key": "sd", "level": "provincial", "issuer": "山东省人民政府办公厅", "abbrev": "鲁政办发", "place": "山东省", "prefixes": ["省", "", "山东省"]},
    {"key": "ha", "level": "provincial", "issuer": "河南省人民政府办公厅", "abbrev": "豫政办", "place": "河南省", "prefixes": ["省", "", "河南省"]},
    {"key": "hb", "level": "provincial", "issuer": "湖北省人民政府办公厅", "abbrev": "鄂政办发", "place": "湖北省", "prefixes": ["省", "", "湖北省"]},
    {"key": "hn", "level": "provincial", "issuer": "湖南省人民政府办公厅", "abbrev": "湘政办发", "place": "湖南省", "prefixes": ["省", "", "湖南省"]},
    {"key": "sc", "level": "provincial", "issuer": "四川省人民政府办公厅", "abbrev": "川办发", "place": "四川省", "prefixes": ["省", "", "四川省"]},
    {"key": "fj", "level": "provincial", "issuer": "福建省人民政府办公厅", "abbrev": "闽政办", "place": "福建省", "prefixes": ["省", "", "福建省"]},
    {"key": "ah", "level": "provincial", "issuer": "安徽省人民政府办公厅", "abbrev": "皖政办", "place": "安徽省", "prefixes": ["省", "", "安徽省"]},
    {"key": "jx", "level": "provincial", "issuer": "江西省人民政府办公厅", "abbrev": "赣府厅发", "place": "江西省", "prefixes": ["省", "", "江西省"]},
    {"key": "he", "level": "provincial", "issuer": "河北省人民政府办公厅", "abbrev": "冀政办字", "place": "河北省", "prefixes": ["省", "", "河北省"]},
    {"key": "sn", "level": "provincial", "issuer": "陕西省人民政府办公厅", "abbrev": "陕政办发", "place": "陕西省", "prefixes": ["省", "", "陕西省"]},
    {"key": "yn", "level": "provincial", "issuer": "云南省人民政府办公厅", "abbrev": "云政办发", "place": "云南省", "prefixes": ["省", "", "云南省"]},
    {"key": "gz", "level": "provincial", "issuer": "贵州省人民政府办公厅", "abbrev": "黔府办发", "place": "贵州省", "prefixes": ["省", "", "贵州省"]},
    {"key": "hi", "level": "provincial", "issuer": "海南省人民政府办公厅", "abbrev": "琼府办", "place": "海南省", "prefixes": ["省", "", "海南省"]},
    {"key": "ln", "level": "provincial", "issuer": "辽宁省人民政府办公厅", "abbrev": "辽政办发", "place": "辽宁省", "prefixes": ["省", "", "辽宁省"]},
    {"key": "jl", "level": "provincial", "issuer": "吉林省人民政府办公厅", "abbrev": "吉政办发", "place": "吉林省", "prefixes": ["省", "", "吉林省"]},
    {"key": "hl", "level": "provincial", "issuer": "黑龙江省人民政府办公厅", "abbrev": "黑政办发", "place": "黑龙江省", "prefixes": ["省", "", "黑龙江省"]},
    {"key": "gs", "level": "provincial", "issuer": "甘肃省人民政府办公厅", "abbrev": "甘政办发", "place": "甘肃省", "prefixes": ["省", "", "甘肃省"]},
    {"key": "nm", "level": "provincial", "issuer": "内蒙古自治区人民政府办公厅", "abbrev": "内政办发", "place": "内蒙古自治区",
     "prefixes": ["自治区", "", "内蒙古自治区"]},
    {"key": "bj", "level": "provincial", "issuer": "北京市人民政府办公厅", "abbrev": "京政办发", "place": "北京市", "prefixes": ["市", "", "北京市"]},
    {"key": "sh", "level": "provincial", "issuer": "上海市人民政府办公厅", "abbrev": "沪府办发", "place": "上海市", "prefixes": ["市", "", "上海市"]},
    {"key": "cq", "level": "provincial", "issuer": "重庆市人民政府办公厅", "abbrev": "渝府办发", "place": "重庆市", "prefixes": ["市", "", "重庆市"]},
    {"key": "guangzhou", "level": "city", "issuer": "广州市人民政府办公厅", "abbrev": "穗府办", "place": "广州市", "prefixes": ["市", "", "广州市"]},
    {"key": "shenzhen", "level": "city", "issuer": "深圳市人民政府办公厅", "abbrev": "深府办", "place": "深圳市", "prefixes": ["市", "", "深圳市"]},
    {"key": "nanning", "level": "city", "issuer": "南宁市人民政府办公厅", "abbrev": "南府办", "place": "南宁市", "prefixes": ["市", "", "南宁市"]},
    {"key": "liuzhou", "level": "city", "issuer": "柳州市人民政府办公室", "abbrev": "柳政办", "place": "柳州市", "prefixes": ["市", "", "柳州市"]},
    {"key": "guilin", "level": "city", "issuer": "桂林市人民政府办公室", "abbrev": "市政办", "place": "桂林市", "prefixes": ["市", "", "桂林市"]},
]

#: Agencies by registry-style key: the surface forms at each level ({p} = prefix).
#: Municipalities (北京市 …) are provincial. Only forms that real plans use.
AGENCIES = {
    "drc": {"national": ["国家发展改革委", "发展改革委", "国家发改委"],
            "provincial": ["{p}发展改革委", "{p}发改委", "{p}发展和改革委员会"],
            "city": ["{p}发展改革委", "{p}发改委"]},
    "education": {"national": ["教育部"], "provincial": ["{p}教育厅"], "city": ["{p}教育局"]},
    "science-technology": {"national": ["科技部", "科学技术部"], "provincial": ["{p}科技厅", "{p}科学技术厅"], "city": ["{p}科技局"]},
    "industry": {"national": ["工业和信息化部", "工信部"], "provincial": ["{p}工业和信息化厅", "{p}工信厅"], "city": ["{p}工业和信息化局", "{p}工信局"]},
    "public-security": {"national": ["公安部"], "provincial": ["{p}公安厅"], "city": ["{p}公安局"]},
    "civil-affairs": {"national": ["民政部"], "provincial": ["{p}民政厅"], "city": ["{p}民政局"]},
    "justice": {"national": ["司法部"], "provincial": ["{p}司法厅"], "city": ["{p}司法局"]},
    "finance": {"national": ["财政部"], "provincial": ["{p}财政厅"], "city": ["{p}财政局"]},
    "human-resources": {"national": ["人力资源社会保障部", "人力资源和社会保障部", "人社部"],
                        "provincial": ["{p}人力资源社会保障厅", "{p}人社厅"], "city": ["{p}人力资源社会保障局", "{p}人社局"]},
    "natural-resources": {"national": ["自然资源部"], "provincial": ["{p}自然资源厅"], "city": ["{p}自然资源局"]},
    "ecology-environment": {"national": ["生态环境部"], "provincial": ["{p}生态环境厅"], "city": ["{p}生态环境局"]},
    "housing": {"national": ["住房城乡建设部", "住房和城乡建设部"], "provincial": ["{p}住房城乡建设厅", "{p}住房和城乡建设厅", "{p}住建厅"],
                "city": ["{p}住房城乡建设局", "{p}住建局"]},
    "transport": {"national": ["交通运输部"], "provincial": ["{p}交通运输厅"], "city": ["{p}交通运输局"]},
    "water-resources": {"national": ["水利部"], "provincial": ["{p}水利厅"], "city": ["{p}水务局"]},
    "agriculture-rural": {"national": ["农业农村部"], "provincial": ["{p}农业农村厅"], "city": ["{p}农业农村局"]},
    "commerce": {"national": ["商务部"], "provincial": ["{p}商务厅"], "city": ["{p}商务局"]},
    "culture-tourism": {"national": ["文化和旅游部", "文旅部"], "provincial": ["{p}文化和旅游厅"], "city": ["{p}文化广电旅游局"]},
    "health": {"national": ["国家卫生健康委", "卫生健康委"], "provincial": ["{p}卫生健康委", "{p}卫健委"], "city": ["{p}卫生健康委", "{p}卫健委"]},
    "emergency": {"national": ["应急管理部"], "provincial": ["{p}应急管理厅"], "city": ["{p}应急管理局"]},
    "audit": {"national": ["审计署"], "provincial": ["{p}审计厅"], "city": ["{p}审计局"]},
    "market-regulation": {"national": ["市场监管总局", "国家市场监管总局"], "provincial": ["{p}市场监管局", "{p}市场监督管理局"],
                          "city": ["{p}市场监管局", "{p}市场监督管理局"]},
    "statistics": {"national": ["统计局", "国家统计局"], "provincial": ["{p}统计局"], "city": ["{p}统计局"]},
    "taxation": {"national": ["税务总局", "国家税务总局"], "provincial": ["{p}税务局"], "city": ["{p}税务局"]},
}

#: The Guangxi government of 2014 (names as in 桂政办发〔2014〕94号, all in fengong's registry).
GX_AGENCIES = {
    "drc": ["{p}发展改革委", "{p}发改委"],
    "housing": ["{p}住房城乡建设厅", "{p}住建厅"],
    "statistics": ["{p}统计局"],
    "public-security": ["{p}公安厅"],
    "education": ["{p}教育厅"],
    "human-resources": ["{p}人力资源社会保障厅", "{p}人社厅"],
    "health": ["{p}卫生计生委", "{p}卫计委"],
    "transport": ["{p}交通运输厅"],
    "environment": ["{p}环境保护厅", "{p}环保厅"],
    "civil-affairs": ["{p}民政厅"],
    "land-resources": ["{p}国土资源厅"],
    "energy": ["{p}能源局"],
    "forestry": ["{p}林业厅"],
    "finance": ["{p}财政厅"],
    "financial-affairs": ["{p}金融办"],
    "water-resources": ["{p}水利厅"],
    "industry": ["{p}工业和信息化委", "{p}工信委"],
    "science-technology": ["{p}科技厅"],
    "culture": ["{p}文化厅"],
    "commerce": ["{p}商务厅"],
    "agriculture": ["{p}农业厅"],
    "tourism": ["{p}旅游发展委"],
    "ethnic-affairs": ["{p}民委"],
    "prices": ["{p}物价局"],
}

#: Collective actors by level: (registry key or None, surface form). Only gx and cn
#: collectives have registry keys.
COLLECTIVES = {
    "national": [(None, "各省级人民政府"), (None, "国务院有关部门"), (None, "各有关部门")],
    "gx": [("cities-all", "各市人民政府"), ("cities-counties-all", "各市、县(市、区)人民政府"),
           ("cities-counties-relevant", "相关市、县(市、区)人民政府"), ("departments-relevant", "自治区有关部门")],
    "provincial": [(None, "各地级以上市人民政府"), (None, "各市人民政府"), (None, "各市、县（市、区）人民政府"), (None, "省有关部门")],
    "city": [(None, "各区人民政府"), (None, "各区、县级市人民政府"), (None, "市有关部门")],
}

#: Section titles (the first section holds numeric targets, the last the work requirements).
SECTIONS = [
    "推进农业转移人口市民化", "优化城镇化空间布局", "推动新型城镇建设", "加强城镇规划建设和管理", "推动产城融合发展",
    "促进城乡发展一体化", "深化体制机制改革", "加强生态文明建设", "提升公共服务水平", "强化要素保障",
    "推进营商环境改革", "加快数字政府建设", "促进消费扩容提质", "推动外贸稳中提质",
]

#: Numeric targets: (text with {v} for the value, low, high, unit suffix written after {v}).
TARGETS = [
    ("常住人口城镇化率达到{v}%", 50, 70),
    ("户籍人口城镇化率达到{v}%", 30, 50),
    ("城镇公共供水普及率达到{v}%以上", 90, 99),
    ("城镇污水处理率达到{v}%", 85, 98),
    ("城市建成区绿化覆盖率达到{v}%", 35, 45),
    ("城镇新增就业人数{v}万人", 50, 400),
    ("城镇常住人口基本养老保险覆盖率达到{v}%以上", 85, 98),
    ("设区城市空气质量优良天数比例达到{v}%", 70, 90),
    ("城镇可再生能源消费比重达到{v}%以上", 10, 30),
    ("城镇绿色建筑占新建建筑比重达到{v}%", 30, 70),
]

VERBS = ["推进", "完善", "健全", "加快", "深化", "实施", "建立", "加强", "优化", "推动", "提升", "规范"]
OBJECTS = [
    "户籍制度改革", "城镇住房保障体系", "基本公共服务均等化", "农民工职业技能培训", "城镇基础设施建设", "城市综合交通体系",
    "城乡规划管理", "土地节约集约利用", "投融资体制改革", "城镇生态环境保护", "智慧城市建设", "特色小镇培育",
    "产业园区循环化改造", "社区治理体系", "公共文化服务体系", "养老服务体系", "医疗卫生服务体系", "义务教育资源配置",
    "城市地下综合管廊建设", "海绵城市建设", "棚户区改造", "政务服务一网通办", "市场主体培育", "农村人居环境整治",
]
ELABORATIONS = [
    "加大财政投入力度,完善配套政策措施", "建立健全工作协调机制,明确责任分工", "因地制宜制定具体办法,并向社会公布",
    "鼓励社会资本参与建设和运营", "开展试点示范,及时总结推广经验", "强化监督考核,确保各项措施落到实处",
    "逐步实现城乡均衡配置", "推进信息共享和业务协同", "严格执行国家标准和行业规范", "完善统计监测和评估制度",
]
#: Expected results: (wording with {y} for the year).
OUTPUTS = [
    "{y}年底前出台实施意见", "{y}年出台工作方案和政策措施", "{y}年底前完成试点工作", "到{y}年基本建立相关制度",
    "{y}年6月底前制定具体办法", "{y}年完成规划编制",
]
#: The addressee line of the covering notice, by level.
ADDRESSEES = {
    "national": "各省、自治区、直辖市人民政府,国务院各部委、各直属机构:",
    "gx": "各市、县人民政府,自治区人民政府各组成部门、各直属机构:",
    "provincial": "各地级以上市人民政府,省政府各部门、各直属机构:",
    "city": "各区人民政府,市政府各部门、各直属机构:",
}
