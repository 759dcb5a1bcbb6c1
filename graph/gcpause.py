"""Pausing Python's cyclic garbage collector while many acyclic objects are made.

Reading a large graph makes hundreds of thousands to millions of rows, strings and
small records and no reference cycles; the cyclic collector would only re-scan
them (1–1.7 s of a 1,000-document build). Reference counting still frees them.

>>> import gc
>>> with cycles_uncollected():
...     gc.isenabled()
False
>>> gc.isenabled()
True

It decorates a function as well (:func:`fengong.analysis.analyze`, the views' contexts):

>>> @cycles_uncollected()
... def count():
...     return gc.isenabled()
>>> count(), gc.isenabled()
(False, True)
"""

from __future__ import annotations

import contextlib
import gc
import threading

__all__ = ["cycles_uncollected"]

# The collector is one switch for the whole process: pauses that overlap in several threads
# are counted, and the first one in decides what the last one out restores.
_lock = threading.Lock()
_state = {"depth": 0, "was_enabled": False}


@contextlib.contextmanager
def cycles_uncollected():
    """Pause the cyclic collector for the block or the decorated call (it stays off if it was off already).

    The pause is process-wide; overlapping pauses (in several threads) end with the last one.
    """
    with _lock:
        if _state["depth"] == 0:
            _state["was_enabled"] = gc.isenabled()
            gc.disable()
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            if _state["depth"] == 0 and _state["was_enabled"]:
                gc.enable()
