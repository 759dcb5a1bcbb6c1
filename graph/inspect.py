"""How a document was read: check a new document before trusting its graph.

:func:`inspect_document` parses one document and reports the layout chosen
(with every layout's score), the header (title, number, issuer, date,
jurisdiction), the first-listed rule if the document states one, every task
with its roles, bases and due dates, and the warnings: names the registry does
not know, parentheticals and field lines that looked like assignments but were
not understood. A document that cannot be read at all gives a report with its
``error`` instead of raising, so the scores can still be shown.

>>> from fengong.build import bundled_path
>>> report = inspect_document(str(bundled_path()))
>>> report["layout"], report["counts"]["tasks"], report["counts"]["roles"]["participant"]
('fieldlines', 66, 163)
"""

from __future__ import annotations

import json
from collections import Counter

from . import FengongError, layouts
from .parse import parse_text
from .read import read_document
from .records import BASES, ROLES, Plan

__all__ = ["inspect_document", "inspect_text", "report_of", "format_text", "format_json"]


def inspect_document(path: str, layout: str | None = None) -> dict:
    """Read and parse *path* (``-`` for standard input) and report how it was read.

    Raises :class:`~fengong.FengongError` only when the file cannot be read as text.
    """
    text, encoding = read_document(path)
    return inspect_text(text, "<stdin>" if path == "-" else str(path), encoding, layout)


def inspect_text(text: str, source: str, encoding: str = "utf-8", layout: str | None = None) -> dict:
    """Parse decoded *text* and report how it was read (``error`` set if it could not be)."""
    scores = layouts.scores(text)
    try:
        plan = parse_text(text, source, encoding, layout=layout)
    except FengongError as exc:
        return {"source": source, "encoding": encoding, "layout": None, "scores": scores, "error": str(exc),
                "counts": {"tasks": 0}, "tasks": [], "warnings": []}
    except KeyError:
        raise FengongError(f"{source}: no layout called {layout!r} (known: {', '.join(scores)})") from None
    return report_of(plan, scores)


def report_of(plan: Plan, scores: dict[str, float] | None = None) -> dict:
    """The report of an already parsed plan (JSON-ready: strings, numbers, lists, dicts)."""
    roles = Counter(a.role for item in plan.items for a in item.assignments)
    bases = Counter(a.basis for item in plan.items for a in item.assignments)
    return {
        "source": plan.source,
        "encoding": plan.encoding,
        "layout": plan.layout,
        "scores": scores if scores is not None else layouts.scores(plan.text),
        "error": None,
        "title": plan.title,
        "document_number": plan.doc_number,
        "issuer": plan.issuer_name,
        "issuer_id": plan.issuer.id if plan.issuer else None,
        "issued": plan.issued.isoformat() if plan.issued else None,
        "jurisdiction": plan.jurisdiction,
        "rule": plan.rule,
        "sections": [{"number": s.number, "numeral": s.numeral, "title": s.title, "line": s.span.line_start}
                     for s in plan.sections],
        "counts": {
            "sections": len(plan.sections),
            "tasks": len(plan.items),
            "items": len({item.number for item in plan.items}),
            "assignments": sum(roles.values()),
            "roles": {role: roles.get(role, 0) for role in ROLES},
            "bases": {basis: bases.get(basis, 0) for basis in BASES},
            "actors": len({a.actor.id for item in plan.items for a in item.assignments}),
            "unknown_actors": len({a.actor.id for item in plan.items for a in item.assignments if not a.actor.known}),
            "deliverables": sum(len(item.deliverables) for item in plan.items),
            "warnings": len(plan.warnings),
        },
        "tasks": [_task(item) for item in plan.items],
        "warnings": list(plan.warnings),
    }


def _task(item) -> dict:
    return {
        "number": item.number,
        "sub_number": item.sub_number,
        "numeral": item.numeral,
        "kind": item.kind,
        "title": item.title,
        "lines": [item.span.line_start, item.span.line_end],
        "assignments": [
            {
                "surface": a.surface,
                "actor": a.actor.id,
                "name": a.actor.name_zh,
                "kind": a.actor.kind,
                "known": a.actor.known,
                "role": a.role,
                "basis": a.basis,
                "line": a.span.line_start,
                "char_start": a.span.char_start,
                "char_end": a.span.char_end,
            }
            for a in item.assignments
        ],
        "due": [
            {
                "text": d.text,
                "wording": d.due.wording if d.due else None,
                "date": d.due.end.isoformat() if d.due and d.due.end else None,
                "qualifier": d.due.qualifier if d.due else None,
            }
            for d in item.deliverables
        ],
        "completion": item.completion,
    }


def format_json(report: dict) -> str:
    """The report as indented JSON (UTF-8 text, Chinese kept as is)."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_text(report: dict) -> str:
    """The report for a reader: header, counts, one block per task, warnings.

    >>> from fengong.build import bundled_path
    >>> print(format_text(inspect_document(str(bundled_path()))).splitlines()[1])
    layout: fieldlines (scores: fieldlines 1.00, inline 0.00, table 0.00)
    """
    scores = ", ".join(f"{name} {score:.2f}" for name, score in report["scores"].items())
    out = [f"file: {report['source']} ({report['encoding']})"]
    if report.get("error"):
        out.append(f"layout: none fits (scores: {scores})")
        out.append(f"error: {report['error']}")
        return "\n".join(out) + "\n"
    c = report["counts"]
    out.append(f"layout: {report['layout']} (scores: {scores})")
    out.append(f"title: {report['title']}")
    out.append(
        f"document: {report['document_number'] or '(no number)'}, issued {report['issued'] or '(no date)'}"
        f" by {report['issuer'] or '(issuer not found)'}" + (f" [{report['issuer_id']}]" if report["issuer_id"] else "")
    )
    out.append(f"jurisdiction: {report['jurisdiction']}")
    if report["rule"]:
        out.append(f"rule: {report['rule']} (the first agency listed in each later list leads)")
    else:
        out.append("rule: none (agencies listed as equally responsible share the task)")
    out.append(
        f"sections {c['sections']}, tasks {c['tasks']} (numbered items {c['items']}), assignments {c['assignments']}: "
        + ", ".join(f"{k} {v}" for k, v in c["roles"].items())
    )
    out.append("bases: " + ", ".join(f"{k} {v}" for k, v in c["bases"].items())
               + f"; actors {c['actors']} ({c['unknown_actors']} not in the registry); deliverables {c['deliverables']}")
    out.append("")
    for t in report["tasks"]:
        number = f"{t['number']}" + (f"-{t['sub_number']}" if t["sub_number"] else "")
        lines = f"line {t['lines'][0]}" + (f"-{t['lines'][1]}" if t["lines"][1] != t["lines"][0] else "")
        out.append(f"{number:>6} ({t['numeral']}) {_short(t['title'])}  [{t['kind']}, {lines}]")
        for a in t["assignments"]:
            mark = "" if a["known"] else " (new)"
            out.append(f"         {a['role']:<12} {a['surface']} -> {a['actor']}{mark} [{a['basis']}]")
        for d in t["due"]:
            when = d["date"] or "no date"
            out.append(f"         due          {when} ({d['wording'] or 'no wording'}, {d['qualifier'] or '-'})")
        if not t["assignments"]:
            out.append("         (no agency named)")
    out.append("")
    out.append(f"warnings ({len(report['warnings'])}):" if report["warnings"] else "warnings: none")
    out.extend(f"  {w}" for w in report["warnings"])
    return "\n".join(out) + "\n"
