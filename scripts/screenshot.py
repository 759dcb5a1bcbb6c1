#!/usr/bin/env python
"""Screenshot of the agencies view for the README: ``python scripts/screenshot.py [-o docs/agencies.png]``.

Draws the agencies view of the bundled plan (or ``--graph FILE``), opens it in
headless Chromium with the network blocked, waits for the layout to settle and
saves a PNG. Needs Chromium, a CJK font (fonts-wqy-microhei) and Playwright.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from fengong.atomic import write_bytes
from fengong.store import open_store
from fengong.viz.browser import offline_browser, open_view, png_colours
from fengong.viz.page import write_view
from fengong.viz.views import build_view, load_context

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", default=str(ROOT / "docs" / "agencies.png"))
    ap.add_argument("--view", default="agencies")
    ap.add_argument("--lang", default="zh", choices=("zh", "en"))
    ap.add_argument("--graph", help="RDF file (default: the bundled plan)")
    ap.add_argument("--width", type=int, default=1600)
    ap.add_argument("--height", type=int, default=1000)
    ap.add_argument("--search", help="type this into the search box before the shot")
    args = ap.parse_args(argv)

    view = build_view(load_context(open_store(args.graph)), args.view, args.lang)
    with tempfile.TemporaryDirectory() as tmp:
        page_path = write_view(view, Path(tmp) / f"{view.slug}.html")
        with offline_browser() as browser, open_view(browser, page_path, args.width, args.height) as (page, report):
            if args.search:
                page.fill("#fg-search", args.search)
                page.press("#fg-search", "Enter")
                page.wait_for_timeout(700)
            png = page.screenshot(full_page=False)
    problems = report.blocked + report.failed + report.errors + report.console_errors
    if problems:
        print("screenshot: the page misbehaved:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    write_bytes(args.output, png)
    print(f"{args.output}: {len(view.nodes)} nodes, {len(view.edges)} edges, {png_colours(png)} colours, "
          f"ready in {report.seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
