"""Validate fengong graphs against the packaged SHACL shapes.

The shapes (``ontology/shapes.ttl``, installed as ``fengong.ontology``) check
that a graph follows the data model in ``docs/model.md``: every task has one
number, numeral, ``@zh`` text, section and plan; every assignment names one
actor, task, role and basis; dates are ``xsd:date``; division codes have six
digits; and so on.

Validation runs pySHACL with ``inference="none"``. RDFS inference makes it
roughly 64 times slower and is not needed: :mod:`fengong.model` writes an
explicit ``rdf:type`` for every fengong class of a node (a target is typed
``fg:Target`` *and* ``fg:Task``), and the shapes check that it does. SHACL-AF
is switched on (``advanced=True``) because the graph-wide checks (due dates,
unique task numbers, assignment edges) select their offenders with one
``sh:SPARQLTarget`` query each.

A :class:`rdflib.Dataset` (one named graph per plan) is validated as the union
of all its graphs, so an agency shared by several plans is checked once, with
all its labels together.

Example::

    >>> from rdflib import Graph
    >>> from fengong.validate import validate
    >>> result = validate(Graph())          # nothing to check
    >>> result.conforms
    True
    >>> print(result.text)
    Conforms: no violations.

Only ``sh:Violation`` results make a graph non-conforming; ``sh:Warning``
results (cross-checks such as an assignment without its direct ``fg:leads``
edge) are reported but leave ``conforms`` true.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from importlib.resources import files
from typing import NamedTuple

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import RDF, RDFS, SH, SKOS, DCTERMS
from rdflib.term import Node

__all__ = [
    "ValidatorError",
    "ValidationIssue",
    "ValidationResult",
    "load_ontology",
    "load_shapes",
    "validate",
]

FG = Namespace("https://w3id.org/fengong/ontology#")
FGSH = Namespace("https://w3id.org/fengong/shapes#")

ONTOLOGY_RESOURCE = "plan.ttl"
SHAPES_RESOURCE = "shapes.ttl"

#: Prefixes used to print short names in reports (those of docs/model.md first).
PREFIXES: dict[str, str] = {
    "fgplan": "https://w3id.org/fengong/id/plan/",
    "fgsec": "https://w3id.org/fengong/id/section/",
    "fgtask": "https://w3id.org/fengong/id/task/",
    "fgagency": "https://w3id.org/fengong/id/agency/",
    "fgplace": "https://w3id.org/fengong/id/place/",
    "fgdeliv": "https://w3id.org/fengong/id/deliverable/",
    "fgind": "https://w3id.org/fengong/id/indicator/",
    "fgasg": "https://w3id.org/fengong/id/assignment/",
    "fg": str(FG),
    "fgsh": str(FGSH),
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": str(SH),
}

_SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_LABEL_WIDTH = 24


class ValidatorError(RuntimeError):
    """Validation could not run (e.g. a malformed shape); not the same as non-conformance."""


class ValidationIssue(NamedTuple):
    """One SHACL result: ``(focus, path, message, severity)``.

    ``focus`` is the node that failed (an rdflib term, usually a URIRef);
    ``path`` is the property path in short form (``"fg:number"``,
    ``"^prov:qualifiedAssociation"``) or ``None`` when the constraint is on the
    node itself; ``message`` is the shape's English message; ``severity`` is
    ``"Violation"``, ``"Warning"`` or ``"Info"``.

    >>> from rdflib import URIRef
    >>> issue = ValidationIssue(URIRef("https://w3id.org/fengong/id/task/x-1"),
    ...                         "fg:number", "A task must have ...", "Violation")
    >>> focus, path, message, severity = issue
    >>> path
    'fg:number'
    """

    focus: Node
    path: str | None
    message: str
    severity: str


@dataclass
class ValidationResult:
    """The outcome of :func:`validate`.

    ``conforms`` is true when there is no ``sh:Violation`` (warnings allowed).
    ``results`` lists every SHACL result as a :class:`ValidationIssue`, sorted
    by shape, focus node and path. ``text`` is a readable report with one line
    per result, grouped by node shape, focus nodes shown by short name and
    label. ``report_graph`` is pySHACL's raw report graph.

    >>> from rdflib import Graph
    >>> r = validate(Graph())
    >>> (r.conforms, r.results, r.violations)
    (True, [], [])
    """

    conforms: bool
    results: list[ValidationIssue] = field(default_factory=list)
    text: str = ""
    report_graph: Graph | None = field(default=None, repr=False, compare=False)

    @property
    def violations(self) -> list[ValidationIssue]:
        """The results of severity ``"Violation"``."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationIssue]:
        """The results of severity ``"Warning"``."""
        return [r for r in self.results if r.severity == "Warning"]


# ---------------------------------------------------------------------------
# Packaged files
# ---------------------------------------------------------------------------


def _read_resource(name: str) -> Graph:
    resource = files("fengong.ontology").joinpath(name)
    graph = Graph()
    graph.parse(data=resource.read_text(encoding="utf-8"), format="turtle")
    return graph


def load_shapes() -> Graph:
    """Return a fresh graph holding the packaged SHACL shapes (``shapes.ttl``).

    >>> shapes = load_shapes()
    >>> from rdflib.namespace import SH
    >>> (FGSH.TaskShape, SH.targetClass, FG.Task) in shapes
    True
    """
    return _read_resource(SHAPES_RESOURCE)


def load_ontology() -> Graph:
    """Return a fresh graph holding the packaged OWL ontology (``plan.ttl``).

    >>> onto = load_ontology()
    >>> from rdflib.namespace import RDFS
    >>> (FG.Target, RDFS.subClassOf, FG.Task) in onto
    True
    """
    return _read_resource(ONTOLOGY_RESOURCE)


@functools.lru_cache(maxsize=1)
def _default_shapes() -> Graph:
    # Parsed once per process; never handed out, so never mutated.
    return load_shapes()


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


def _as_graph(data: Graph) -> Graph:
    """Return ``data`` itself, or for a Dataset the union of all its graphs."""
    if isinstance(data, ConjunctiveGraph):  # rdflib.Dataset is a subclass
        union = Graph()
        for prefix, namespace in data.namespaces():
            union.bind(prefix, namespace, override=False)
        for s, p, o, _ in data.quads((None, None, None, None)):
            union.add((s, p, o))
        return union
    if isinstance(data, Graph):
        return data
    raise TypeError(f"validate() needs an rdflib Graph or Dataset, not {type(data).__name__}")


def validate(
    data: Graph,
    shapes: Graph | None = None,
    ontology: Graph | None = None,
) -> ValidationResult:
    """Validate ``data`` against the fengong shapes and return a :class:`ValidationResult`.

    ``data`` is an :class:`rdflib.Graph` or an :class:`rdflib.Dataset`; a
    Dataset is validated as the union of all its graphs (default and named).
    ``shapes`` defaults to the packaged shapes (:func:`load_shapes`).
    ``ontology``, if given, is mixed into a copy of the data before validation
    (pySHACL's ``ont_graph``) so that ``sh:class`` and ``sh:targetClass`` can
    follow ``rdfs:subClassOf``; graphs written by :mod:`fengong.model` do not
    need it because they carry explicit types. No inference is run either way.

    If pySHACL cannot run the shapes (e.g. a malformed SPARQL constraint) a
    :class:`ValidatorError` is raised; other errors propagate. A non-conforming
    graph is a normal result, not an error.

    >>> from rdflib import Graph, Literal, URIRef
    >>> from rdflib.namespace import RDF
    >>> g = Graph()
    >>> task = URIRef("https://w3id.org/fengong/id/task/x-2014-1-1")
    >>> g.add((task, RDF.type, FG.Task))  # doctest: +ELLIPSIS
    <Graph ...>
    >>> result = validate(g)
    >>> result.conforms
    False
    >>> "fgtask:x-2014-1-1" in result.text and "fg:number" in result.text
    True
    """
    import pyshacl  # imported lazily: it is slow to import

    data_graph = _as_graph(data)
    shapes_graph = _default_shapes() if shapes is None else shapes
    _, report_graph, _ = pyshacl.validate(
        data_graph,
        shacl_graph=shapes_graph,
        ont_graph=ontology,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        advanced=True,  # SHACL-AF: the graph-wide checks use sh:SPARQLTarget
        meta_shacl=False,
        inplace=False,
        debug=False,
    )
    if not isinstance(report_graph, Graph):  # pySHACL returns a ValidationFailure object
        raise ValidatorError(str(getattr(report_graph, "message", report_graph)))
    details = _collect(report_graph, shapes_graph)
    details.sort(key=lambda d: (d.group_order, d.group, _sort_key(d.issue.focus), d.issue.path or "", d.issue.message))
    results = [d.issue for d in details]
    conforms = not any(r.severity == "Violation" for r in results)
    text = _render(details, data_graph, conforms)
    return ValidationResult(conforms=conforms, results=results, text=text, report_graph=report_graph)


# ---------------------------------------------------------------------------
# Report reading and rendering
# ---------------------------------------------------------------------------


class _Detail(NamedTuple):
    issue: ValidationIssue
    group: str  # readable name of the node shape the result belongs to
    group_order: int
    component: str  # e.g. "MinCount", "SPARQL"
    value: Node | None


def _collect(report: Graph, shapes: Graph) -> list[_Detail]:
    parents = _parent_shapes(shapes)
    order = {shape: i for i, shape in enumerate(_node_shape_order(shapes))}
    details = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path_node = report.value(result, SH.resultPath)
        severity = _SEVERITY_NAMES.get(report.value(result, SH.resultSeverity), "Violation")
        source = report.value(result, SH.sourceShape)
        component = report.value(result, SH.sourceConstraintComponent)
        value = report.value(result, SH.value)
        message = _pick_message(report.objects(result, SH.resultMessage))
        node_shape = parents.get(source, source)
        group = _shape_name(shapes, node_shape) if node_shape is not None else "(unknown shape)"
        if not message:
            message = f"{_component_name(component)} constraint failed"
        issue = ValidationIssue(
            focus=focus,
            path=_path_text(report, path_node) if path_node is not None else None,
            message=message,
            severity=severity,
        )
        details.append(
            _Detail(issue, group, order.get(node_shape, len(order)), _component_name(component), value)
        )
    return details


def _parent_shapes(shapes: Graph) -> dict[Node, Node]:
    """Map each property shape to the node shape that uses it."""
    parents: dict[Node, Node] = {}
    for node_shape, prop in shapes.subject_objects(SH.property):
        parents.setdefault(prop, node_shape)
    for node_shape, constraint in shapes.subject_objects(SH.sparql):
        parents.setdefault(constraint, node_shape)
    return parents


def _node_shape_order(shapes: Graph) -> list[Node]:
    """Node shapes in a stable order (by IRI), used to order report groups."""
    found = set(shapes.subjects(RDF.type, SH.NodeShape))
    for predicate in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode):
        found.update(s for s in shapes.subjects(predicate, None) if (s, RDF.type, SH.PropertyShape) not in shapes)
    return sorted(found, key=str)


def _shape_name(shapes: Graph, shape: Node) -> str:
    names = list(shapes.objects(shape, SH.name))
    english = [n for n in names if isinstance(n, Literal) and n.language in (None, "en")]
    chinese = [n for n in names if isinstance(n, Literal) and n.language and n.language.startswith("zh")]
    base = str(english[0]) if english else _short(shape)
    if chinese:
        base = f"{base} · {chinese[0]}"
    return f"{base} ({_short(shape)})" if isinstance(shape, URIRef) else base


def _pick_message(messages) -> str:
    by_lang: dict[str | None, str] = {}
    for m in messages:
        if isinstance(m, Literal):
            by_lang.setdefault(m.language, str(m))
    for lang in ("en", None):
        if lang in by_lang:
            return by_lang[lang]
    return next(iter(by_lang.values()), "")


def _component_name(component: Node | None) -> str:
    if component is None:
        return "?"
    name = str(component).rsplit("#", 1)[-1]
    return name.removesuffix("ConstraintComponent") or name


def _short(node: Node | None) -> str:
    """Short name of a term: ``fgtask:gzbf-2014-94-17``, ``"text"@zh``, ``_:b0``."""
    if node is None:
        return "-"
    if isinstance(node, URIRef):
        text = str(node)
        best = None
        for prefix, namespace in PREFIXES.items():
            if text.startswith(namespace) and (best is None or len(namespace) > len(PREFIXES[best])):
                best = prefix
        if best is not None:
            return f"{best}:{text[len(PREFIXES[best]):]}"
        return f"<{text}>"
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        lexical = str(node)
        if len(lexical) > 40:
            lexical = lexical[:39] + "…"
        if node.language:
            return f'"{lexical}"@{node.language}'
        if node.datatype is not None:
            return f'"{lexical}"^^{_short(node.datatype)}'
        return f'"{lexical}"'
    return str(node)


def _path_text(graph: Graph, path: Node) -> str:
    """Render a SHACL property path from ``graph`` in SPARQL-like syntax."""
    if isinstance(path, URIRef):
        return _short(path)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(graph, inverse)
    for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            return f"({_path_text(graph, inner)}){suffix}"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_text(graph, p) for p in graph.items(alternatives)) + ")"
    if (path, RDF.first, None) in graph:
        return "/".join(_path_text(graph, p) for p in graph.items(path))
    return "(path)"


def _label(graph: Graph, node: Node) -> str | None:
    """A human label for ``node``: prefLabel, rdfs:label, title or surface form (zh first)."""
    for predicate in (SKOS.prefLabel, RDFS.label, DCTERMS.title, FG.surfaceForm):
        labels = sorted((o for o in graph.objects(node, predicate) if isinstance(o, Literal)), key=str)
        if not labels:
            continue
        chosen = next((o for o in labels if (o.language or "").startswith("zh")), labels[0])
        text = str(chosen)
        return text if len(text) <= _LABEL_WIDTH else text[: _LABEL_WIDTH - 1] + "…"
    return None


def _focus_text(graph: Graph, node: Node) -> str:
    short = _short(node)
    label = _label(graph, node) if node is not None else None
    return f"{short} “{label}”" if label else short


def _sort_key(node: Node | None) -> str:
    return "" if node is None else str(node)


def _render(details: list[_Detail], data: Graph, conforms: bool) -> str:
    counts: dict[str, int] = defaultdict(int)
    for d in details:
        counts[d.issue.severity] += 1
    if not details:
        return "Conforms: no violations."
    summary = ", ".join(
        f"{counts[s]} {s.lower()}{'s' if counts[s] != 1 else ''}"
        for s in ("Violation", "Warning", "Info")
        if counts[s]
    )
    lines = [f"{'Conforms' if conforms else 'Does not conform'}: {summary}."]
    groups: dict[str, list[_Detail]] = {}
    for d in details:
        groups.setdefault(d.group, []).append(d)
    for group, items in groups.items():
        lines.append("")
        lines.append(f"{group}: {len(items)}")
        for d in items:
            issue = d.issue
            where = issue.path if issue.path else "(node)"
            extra = f" [{d.component}"
            if d.value is not None and d.value != issue.focus:
                extra += f"; value {_short(d.value)}"
            extra += "]"
            lines.append(f"  {issue.severity}  {_focus_text(data, issue.focus)}  {where}: {issue.message}{extra}")
    return "\n".join(lines)
