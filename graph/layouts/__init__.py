"""Document layouts: one module per way of writing a task-allocation plan.

Each layout module exposes ``NAME``, ``score(text) -> float`` (0 = not this
layout, 1 = certainly) and ``parse(plan, registry, gazetteer) -> Plan``.
:func:`choose` picks the best-scoring layout for a text. Both layouts read a
document with the same one-pass reader (:mod:`fengong.layouts.body`), so a
document that mixes field lines and parentheticals is read whole whichever wins;
the layout recorded (``fg:layout``) is the style that dominates. A task list laid
out as a table (:mod:`~fengong.layouts.table`) is read by its own reader.

>>> choose("(一)目标。\\n牵头单位:财政厅\\n").NAME
'fieldlines'
>>> choose("1.推进A。（省发展改革委牵头，省财政厅配合）\\n").NAME
'inline'
"""

from __future__ import annotations

from types import ModuleType

from . import fieldlines, inline, table

__all__ = ["LAYOUTS", "choose", "get", "scores"]

#: Registered layouts, tried in order; the highest score wins (ties: first listed).
LAYOUTS: list[ModuleType] = [fieldlines, inline, table]


def get(name: str) -> ModuleType:
    """The layout module called *name*."""
    for layout in LAYOUTS:
        if layout.NAME == name:
            return layout
    raise KeyError(name)


def scores(text: str) -> dict[str, float]:
    """Every layout's score for *text*, by layout name.

    >>> scores("(一)目标。\\n牵头单位:财政厅\\n")
    {'fieldlines': 1.0, 'inline': 0.0, 'table': 0.0}
    """
    return {layout.NAME: layout.score(text) for layout in LAYOUTS}


def choose(text: str) -> ModuleType | None:
    """The layout that fits *text* best, or ``None`` when none fits at all."""
    best, best_score = None, 0.0
    for layout in LAYOUTS:
        s = layout.score(text)
        if s > best_score:
            best, best_score = layout, s
        if best_score >= 1.0:  # scores stop at 1 and ties go to the first listed: no later layout can win
            break
    return best
