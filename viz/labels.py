"""Words on the pages: the bilingual chrome table and the ontology's own labels.

The chrome (buttons, legend, filter names, fact names in tooltips) is the
table :data:`CHROME`, one entry per key with a Chinese and an English text.
Names of node types, agency kinds, place types and roles are not repeated
here: they are the ``rdfs:label`` / ``skos:prefLabel`` of the ontology terms
(``ontology/plan.ttl``), read once.

>>> chrome("search", "en")
'Search by name…'
>>> term_label("Agency", "zh"), term_label("Agency", "en")
('单位', 'Agency')
>>> chrome("nodes_edges", "zh", nodes=3, edges=2)
'3 个节点，2 条连线'
"""

from __future__ import annotations

import functools
from importlib import resources

__all__ = ["LANGS", "CHROME", "chrome", "chrome_table", "term_label"]

#: Languages of the chrome.
LANGS = ("zh", "en")

#: key → (Chinese, English). ``{name}`` fields are filled by :func:`chrome`.
CHROME: dict[str, tuple[str, str]] = {
    # page titles
    "title_full": ("全部任务、单位与地区", "Tasks, agencies and places"),
    "title_agencies": ("单位协作网络", "Agency collaboration network"),
    "title_agency": ("{name}：任务与合作单位", "{name}: tasks and partners"),
    "title_section": ("第{number}部分 {title}", "Section {number}: {title}"),
    "title_city": ("{name}：相关任务与单位", "{name}: tasks and agencies"),
    "title_index": ("分工方案知识图谱", "Task-allocation knowledge graph"),
    "n_plans": ("{n} 个方案", "{n} plans"),
    "nodes_edges": ("{nodes} 个节点，{edges} 条连线", "{nodes} nodes, {edges} links"),
    # controls
    "search": ("搜索名称…", "Search by name…"),
    "find": ("查找", "Find"),
    "found": ("已找到：{name}", "Found: {name}"),
    "not_found": ("未找到：{query}", "Not found: {query}"),
    "fit": ("适应窗口", "Fit"),
    "reset": ("重置", "Reset"),
    "group_sections": ("按部分分组", "Group by section"),
    "ungroup_sections": ("取消分组", "Ungroup"),
    "home": ("← 全部视图", "← All views"),
    "laying_out": ("正在布局…", "Laying out…"),
    "details": ("详情", "Details"),
    "details_hint": ("点击节点查看详情；悬停显示提示。", "Click a node for details; hover for a tooltip."),
    "filter_type": ("类型", "Type"),
    "filter_section": ("部分", "Section"),
    "filter_role": ("角色", "Role"),
    "filter_year": ("完成年份", "Due year"),
    "all": ("全部", "All"),
    "legend": ("图例", "Legend"),
    "yes": ("是", "yes"),
    # legend lines
    "edge_leads": ("牵头（粗实线）", "leads (thick solid line)"),
    "edge_participates": ("参加（虚线）", "participates (dashed line)"),
    "edge_deliverable": ("预期成果（细线）", "deliverable (thin line)"),
    "edge_place": ("提及地区（点线）", "mentions place (dotted line)"),
    "edge_collaborates": ("共同承担任务（线宽 = 任务数）", "shared tasks (line width = number of tasks)"),
    "size_load": ("节点大小 = 任务负荷", "node size = load"),
    "colour_kind": ("颜色 = 单位类别", "colour = kind of agency"),
    "mark_overloaded": ("红色粗边框 = 任务过重", "thick red border = overloaded"),
    "mark_bottleneck": ("菱形 = 协调瓶颈", "diamond = coordination bottleneck"),
    "edges_capped": (
        "连线过密：只画出最强的 {shown} 条（共 {total} 条），每个单位先保留其最强的连线",
        "dense network: the {shown} strongest of {total} links are drawn, each agency's strongest first",
    ),
    "agencies_capped": (
        "只画出负荷最高的 {shown} 个单位（共 {total} 个）；其余单位仍可搜索",
        "{shown} of {total} agencies shown, those with the highest load; search finds the others",
    ),
    "not_drawn": (
        "{name} 不在图中（只画出负荷最高的单位）；可用 {command} 查看",
        "{name} is not drawn (only the agencies with the highest load are); draw it with {command}",
    ),
    "positions_fixed": ("节点较多：位置已预先计算，物理模拟关闭", "many nodes: positions precomputed, physics off"),
    "page_omitted": ("{nodes} 个节点，过大未生成；可用 {command} 生成", "{nodes} nodes: too large, not written; draw it with {command}"),
    "page_corpus": ("语料较大，网站只绘制单位视图；可用 {command} 生成", "not written for a corpus (the site draws the agencies view); draw it with {command}"),
    # fact names in tooltips and the details panel
    "fact_number": ("编号", "Number"),
    "fact_type": ("类型", "Type"),
    "fact_section": ("部分", "Section"),
    "fact_plan": ("方案", "Plan"),
    "fact_text": ("全文", "Full text"),
    "fact_leads": ("牵头单位", "Leads"),
    "fact_participants": ("参加单位", "Participants"),
    "fact_deliverables": ("预期成果", "Deliverables"),
    "fact_due": ("完成时间", "Due"),
    "fact_task": ("所属任务", "Task"),
    "fact_tasks": ("任务", "Tasks"),
    "fact_kind": ("类别", "Kind"),
    "fact_short": ("简称", "Short name"),
    "fact_lead_count": ("牵头任务", "Tasks led"),
    "fact_participation_count": ("参加任务", "Tasks joined"),
    "fact_load": ("负荷", "Load"),
    "fact_betweenness": ("中介中心性", "Betweenness"),
    "fact_constraint": ("结构洞约束", "Burt's constraint"),
    "fact_overloaded": ("任务过重", "Overloaded"),
    "fact_bottleneck": ("协调瓶颈", "Bottleneck"),
    "fact_reasons": ("依据", "Reasons"),
    "fact_partners": ("合作单位数", "Partners"),
    "fact_code": ("区划代码", "Division code"),
    "fact_place_type": ("地区类型", "Place type"),
    "fact_shared_tasks": ("共同任务", "Shared tasks"),
    "fact_weight": ("协作权重（按角色加权）", "Tie weight (weighted by role)"),
    "fact_basis": ("依据", "Basis"),
    # index page
    "index_views": ("交互视图", "Interactive views"),
    "index_reports": ("报告", "Reports"),
    "index_report": ("分析报告", "Analysis report"),
    "index_matrix": ("协作矩阵", "Collaboration matrix"),
    "index_data": ("数据文件", "Data files"),
    "index_sections": ("各部分", "Sections"),
    "index_offline": ("所有页面均可离线打开。", "Every page opens offline."),
}


def chrome(key: str, lang: str, **fields) -> str:
    """The chrome text *key* in *lang* (``zh`` or ``en``), with ``{fields}`` filled."""
    text = CHROME[key][LANGS.index(lang)]
    return text.format(**fields) if fields else text


def chrome_table(lang: str) -> dict[str, str]:
    """Every chrome text in *lang*, unformatted (the page's scripts fill the fields)."""
    i = LANGS.index(lang)
    return {key: texts[i] for key, texts in CHROME.items()}


@functools.lru_cache(maxsize=1)
def _ontology_labels() -> dict[tuple[str, str], str]:
    import pyoxigraph as ox

    store = ox.Store()
    store.load((resources.files("fengong.ontology") / "plan.ttl").read_bytes(), ox.RdfFormat.TURTLE)
    query = """
      PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
      PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
      SELECT ?term ?label WHERE { ?term rdfs:label|skos:prefLabel ?label
        FILTER(STRSTARTS(STR(?term), "https://w3id.org/fengong/ontology#")) }"""
    labels = {}
    for row in store.query(query):
        local = row["term"].value.rsplit("#", 1)[-1]
        labels[(local, row["label"].language or "")] = row["label"].value
    return labels


def term_label(local: str, lang: str) -> str:
    """The ontology's label of ``fg:<local>`` in *lang* (English capitalised); *local* if it has none."""
    text = _ontology_labels().get((local, lang))
    if text is None:
        return local
    return text[:1].upper() + text[1:] if lang == "en" else text
