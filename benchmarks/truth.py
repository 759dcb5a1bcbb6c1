"""Compare a built graph with the generator's ground truth (``truth.json``).

For every generated document and task, the leads and participants the graph
holds (surface form as written, in list order, and the actor they resolved to)
are checked against what the generator wrote. Three kinds of disagreement are
counted:

* **task** — a document parsed into a different number of tasks;
* **surface** — a task whose leads or participants, as written, differ (a name
  cut wrongly, a role swapped, a name lost);
* **agency** — in jurisdictions that fengong's registry covers (``gx``, ``cn``),
  a name resolved to another agency than the one meant.

It also measures how consistently names resolve everywhere: within a
document, every mention of one agency should be one actor (*split* otherwise)
and one actor should never stand for two agencies (*merged*).

>>> Report(documents=1, tasks_expected=2, tasks_found=2).ok
True
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

__all__ = ["Report", "compare", "parsed_assignments", "REGISTRY_JURISDICTIONS", "AGENCY_BASE"]

#: Jurisdictions whose agencies fengong's registry lists: there the agency key must match.
REGISTRY_JURISDICTIONS = ("gx", "cn")
AGENCY_BASE = "https://w3id.org/fengong/id/agency/"
_ROLE = {"https://w3id.org/fengong/ontology#LeadRole": "lead",
         "https://w3id.org/fengong/ontology#ResponsibleRole": "lead",
         "https://w3id.org/fengong/ontology#ParticipantRole": "participant"}

ASSIGNMENTS = """
SELECT ?doc ?number ?role ?surface ?agent ?position WHERE {
  ?plan a fg:Plan ; fg:sourceFile ?file ; fg:documentNumber ?doc .
  ?task a fg:Task ; dcterms:isPartOf ?plan ; fg:number ?number ; prov:qualifiedAssociation ?asg .
  ?asg prov:hadRole ?role ; fg:surfaceForm ?surface ; prov:agent ?agent ; fg:position ?position .
}"""
TASKS = """
SELECT ?doc (COUNT(DISTINCT ?task) AS ?n) WHERE {
  ?plan a fg:Plan ; fg:sourceFile ?file ; fg:documentNumber ?doc .
  ?task a fg:Task ; dcterms:isPartOf ?plan .
} GROUP BY ?doc"""


@dataclass
class Report:
    """How far the parsed graph is from the ground truth."""

    documents: int = 0
    tasks_expected: int = 0
    tasks_found: int = 0
    mentions: int = 0
    task_errors: list[tuple[str, int, int]] = field(default_factory=list)  # (doc, expected, found)
    surface_errors: list[tuple] = field(default_factory=list)  # (doc, task, role, expected, found)
    agency_errors: list[tuple] = field(default_factory=list)  # (doc, task, surface, expected IRI, found IRI)
    split: int = 0  # (document, agency) pairs resolved to more than one actor
    merged: int = 0  # (document, actor) pairs standing for more than one agency
    pairs: int = 0  # (document, agency) pairs seen

    @property
    def ok(self) -> bool:
        return not (self.task_errors or self.surface_errors or self.agency_errors)

    def summary(self) -> str:
        return (f"{self.documents} documents, {self.tasks_found}/{self.tasks_expected} tasks, {self.mentions} mentions: "
                f"{len(self.task_errors)} task-count, {len(self.surface_errors)} surface, {len(self.agency_errors)} agency "
                f"disagreements; {self.split} of {self.pairs} agencies split, {self.merged} actors merged")


def parsed_assignments(store) -> dict[tuple[str, int], dict[str, list[tuple[str, str]]]]:
    """(document number, task number) → role → [(surface, agent IRI)] in list order."""
    rows = store.query(ASSIGNMENTS).dicts()
    out: dict[tuple[str, int], dict[str, list]] = defaultdict(lambda: {"lead": [], "participant": []})
    for r in sorted(rows, key=lambda r: (r["doc"], int(r["number"]), r["role"], int(r["position"]))):
        out[(r["doc"], int(r["number"]))][_ROLE.get(r["role"], r["role"])].append((r["surface"], r["agent"]))
    return out


def compare(store, truth: dict) -> Report:
    """Check the graph in *store* against *truth* (the generator's ``truth.json``)."""
    found = parsed_assignments(store)
    task_counts = {r["doc"]: int(r["n"]) for r in store.query(TASKS).dicts()}
    report = Report()
    for doc in truth["documents"]:
        number, jur = doc["doc_number"], doc["jurisdiction"]
        report.documents += 1
        report.tasks_expected += len(doc["tasks"])
        report.tasks_found += task_counts.get(number, 0)
        if task_counts.get(number, 0) != len(doc["tasks"]):
            report.task_errors.append((number, len(doc["tasks"]), task_counts.get(number, 0)))
        actors_of: dict[str, set[str]] = defaultdict(set)
        agencies_of: dict[str, set[str]] = defaultdict(set)
        for task in doc["tasks"]:
            got = found.get((number, task["number"]), {"lead": [], "participant": []})
            for role, key in (("lead", "leads"), ("participant", "participants")):
                want = task[key]
                report.mentions += len(want)
                if [m["surface"] for m in want] != [s for s, _ in got[role]]:
                    report.surface_errors.append((number, task["number"], role, [m["surface"] for m in want], [s for s, _ in got[role]]))
                    continue
                for m, (_, agent) in zip(want, got[role]):
                    actors_of[m["agency"]].add(agent)
                    agencies_of[agent].add(m["agency"])
                    if jur in REGISTRY_JURISDICTIONS and not m["agency"].startswith("collective:"):
                        expected = f"{AGENCY_BASE}{jur}-{m['agency']}"
                        if agent != expected:
                            report.agency_errors.append((number, task["number"], m["surface"], expected, agent))
        report.pairs += len(actors_of)
        report.split += sum(1 for s in actors_of.values() if len(s) > 1)
        report.merged += sum(1 for s in agencies_of.values() if len(s) > 1)
    return report
