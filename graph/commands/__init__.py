"""One module per CLI command; each holds a click command and little else.

:class:`Seconds` is the type of every time-limit option: a finite number of
seconds, refused with a one-line error otherwise (``inf`` or ``nan`` would pass
a plain float range and fail deep inside a timer).

>>> Seconds().convert("2.5", None, None), Seconds(allow_zero=True).convert("0", None, None)
(2.5, 0.0)
"""

from __future__ import annotations

import math

import click

from .. import MAX_SECONDS

__all__ = ["Seconds", "igraph_without_matplotlib"]


class Seconds(click.ParamType):
    """A time limit in seconds: finite, above zero (or zero, meaning none, when *allow_zero*),
    at most *maximum*."""

    name = "seconds"

    def __init__(self, allow_zero: bool = False, maximum: float = MAX_SECONDS):
        self.allow_zero = allow_zero
        self.maximum = maximum

    def convert(self, value, param, ctx):
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        low = "0 or more" if self.allow_zero else "more than 0"
        if not math.isfinite(seconds) or seconds < 0 or (seconds == 0 and not self.allow_zero) or seconds > self.maximum:
            self.fail(f"{value!r}: give a number of seconds, {low} and at most {self.maximum:g}", param, ctx)
        return seconds


def igraph_without_matplotlib() -> None:
    """Import python-igraph (the page layout of `build` and `viz`, the betweenness of a big
    graph in `analyze`) without matplotlib, which it imports for plotting.

    That import costs 0.5–1 s of CPU (igraph alone: ~0.06 s) and no command plots
    with igraph; a library caller may plot later, so only the commands do this.
    """
    import sys

    if "igraph" in sys.modules or "matplotlib" in sys.modules:
        return
    sys.modules["matplotlib"] = None  # makes ``import matplotlib`` fail: igraph then leaves plotting out
    try:
        import igraph  # noqa: F401
    except ImportError:
        pass  # the callers fall back to networkx
    finally:
        del sys.modules["matplotlib"]
