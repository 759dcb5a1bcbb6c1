"""A tiny synthetic plan whose texts try to break out of HTML and JavaScript (for the view tests).

Written as TriG rather than as a document, so that the escaping tests do not
depend on how the parser treats angle brackets.
"""

from __future__ import annotations

from fengong.store import OxigraphStore

__all__ = ["PAYLOAD", "NAME_PAYLOAD", "xss_store"]

#: Task text: ends the script element, opens an element with a handler, mixes quotes and U+2028.
PAYLOAD = "加强领导</script><img src=x onerror=alert(1)>\"双引号\"'单引号'\u2028第二段&amp;"
#: An agency name that tries attribute injection.
NAME_PAYLOAD = "\"><svg onload=alert(2)>测试办"

_TRIG = """
@prefix fg: <https://w3id.org/fengong/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/fengong/id/> .

<https://w3id.org/fengong/id/graph/shared> {
  <https://w3id.org/fengong/id/agency/gx-housing> a fg:Agency, fg:Actor ;
      skos:prefLabel "广西壮族自治区住房和城乡建设厅"@zh, "Guangxi Department of Housing and Urban-Rural Development"@en ;
      fg:shortLabel "住房城乡建设厅"@zh ; skos:altLabel "住建厅"@zh ; org:classification fg:Department .
  <https://w3id.org/fengong/id/agency/x-evil> a fg:Agency, fg:Actor ;
      skos:prefLabel NAME@zh, "Evil </script> office"@en ; fg:shortLabel NAME@zh ; org:classification fg:Office .
  <https://w3id.org/fengong/id/place/450100> a fg:Place ; skos:prefLabel "南宁市"@zh, "Nanning"@en ;
      fg:divisionCode "450100" ; fg:placeType fg:Prefecture .
}

<https://w3id.org/fengong/id/plan/xss-1> {
  <https://w3id.org/fengong/id/plan/xss-1> a fg:Plan ; dcterms:title "测试方案</title><script>alert(3)</script>"@zh ;
      fg:sourceFile "xss.txt" ; fg:hasSection <https://w3id.org/fengong/id/section/xss-1-1> .
  <https://w3id.org/fengong/id/section/xss-1-1> a fg:Section ; fg:number 1 ; dcterms:title "总则<b>"@zh ;
      dcterms:isPartOf <https://w3id.org/fengong/id/plan/xss-1> .
  <https://w3id.org/fengong/id/task/xss-1-1> a fg:Task ; fg:number 1 ; fg:numeral "一" ;
      rdfs:label "(一) PAYLOAD"@zh ; dcterms:title "PAYLOAD"@zh ; fg:text "PAYLOAD"@zh ;
      fg:inSection <https://w3id.org/fengong/id/section/xss-1-1> ; dcterms:isPartOf <https://w3id.org/fengong/id/plan/xss-1> ;
      fg:dueBy "2015-12-31"^^xsd:date ; fg:dueYear 2015 ;
      fg:hasDeliverable <https://w3id.org/fengong/id/deliverable/xss-1-1-1> ;
      fg:mentionsPlace <https://w3id.org/fengong/id/place/450100> .
  <https://w3id.org/fengong/id/deliverable/xss-1-1-1> a fg:Deliverable ; fg:text "出台<b>办法</b></script>"@zh ;
      fg:dueBy "2015-12-31"^^xsd:date ; fg:dueYear 2015 ; fg:dueWording "2015年底" .
  <https://w3id.org/fengong/id/agency/gx-housing> fg:leads <https://w3id.org/fengong/id/task/xss-1-1> .
  <https://w3id.org/fengong/id/agency/x-evil> fg:participatesIn <https://w3id.org/fengong/id/task/xss-1-1> .
  <https://w3id.org/fengong/id/assignment/xss-1-1-lead-1> a fg:Assignment ; prov:agent <https://w3id.org/fengong/id/agency/gx-housing> ;
      fg:task <https://w3id.org/fengong/id/task/xss-1-1> ; prov:hadRole fg:LeadRole ; fg:basis fg:ExplicitField ; fg:position 1 .
  <https://w3id.org/fengong/id/assignment/xss-1-1-participant-1> a fg:Assignment ; prov:agent <https://w3id.org/fengong/id/agency/x-evil> ;
      fg:task <https://w3id.org/fengong/id/task/xss-1-1> ; prov:hadRole fg:ParticipantRole ; fg:basis fg:ExplicitField ; fg:position 1 .
}
"""


def _turtle_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\u2028", "\\u2028") + '"'


def xss_store() -> OxigraphStore:
    """An in-memory store holding the synthetic plan."""
    trig = _TRIG.replace('"PAYLOAD"', _turtle_string(PAYLOAD)).replace('"(一) PAYLOAD"', _turtle_string("(一) " + PAYLOAD))
    trig = trig.replace("NAME@zh", _turtle_string(NAME_PAYLOAD) + "@zh")
    st = OxigraphStore()
    st.load_bytes(trig.encode("utf-8"), "trig")
    return st
