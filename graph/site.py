"""The browsable site of a build: interactive views and an index page.

>>> callable(write_site)
True
"""

from __future__ import annotations

import html
from pathlib import Path

from .atomic import write_text

__all__ = ["write_site"]


def write_site(result, stage: Path) -> None:
    """Write ``index.html`` (and the views, when available) into *stage*."""
    write_text(Path(stage) / "index.html", "<!doctype html><meta charset='utf-8'><title>fengong</title><p>%s</p>" % html.escape("fengong"))
