"""Document layouts: one module per way of writing a task-allocation plan.

Each layout module exposes ``NAME``, ``score(text) -> float`` (0 = not this
layout, 1 = certainly) and ``parse(plan, registry, gazetteer) -> Plan``.
:func:`choose` picks the best-scoring layout for a text.

>>> choose("(一)目标。\\n牵头单位:财政厅\\n").NAME
'fieldlines'
"""

from __future__ import annotations

from types import ModuleType

from . import fieldlines

__all__ = ["LAYOUTS", "choose", "get"]

#: Registered layouts, tried in order; the highest score wins (ties: first listed).
LAYOUTS: list[ModuleType] = [fieldlines]


def get(name: str) -> ModuleType:
    """The layout module called *name*."""
    for layout in LAYOUTS:
        if layout.NAME == name:
            return layout
    raise KeyError(name)


def choose(text: str) -> ModuleType | None:
    """The layout that fits *text* best, or ``None`` when none fits at all."""
    best, best_score = None, 0.0
    for layout in LAYOUTS:
        s = layout.score(text)
        if s > best_score:
            best, best_score = layout, s
    return best
