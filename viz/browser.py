"""Open view pages in headless Chromium with the network cut off (tests, screenshots, benchmarks).

Needs Python Playwright (the ``test`` extra) and a Chromium binary (Debian's
``/usr/bin/chromium``; Playwright's own browser download is not used). Every
request that is not ``file://`` or ``data:`` is aborted and recorded, so a page
that would fetch anything from a CDN is caught.

>>> find_chromium() is None or find_chromium().endswith(("chromium", "chromium-browser", "google-chrome"))
True
"""

from __future__ import annotations

import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CHROMIUM_ARGS", "find_chromium", "offline_browser", "PageReport", "open_view", "png_colours"]

#: Flags for a quiet, sandbox-free, GPU-free Chromium that phones nobody.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-default-apps", "--disable-sync", "--metrics-recording-only"]


def find_chromium() -> str | None:
    """Path of a Chromium binary on PATH, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@contextmanager
def offline_browser(chromium: str | None = None):
    """A Playwright Chromium browser (context manager); raises RuntimeError without Chromium."""
    from playwright.sync_api import sync_playwright

    path = chromium or find_chromium()
    if not path:
        raise RuntimeError("no Chromium found (apt-get install chromium fonts-wqy-microhei)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageReport:
    """What happened while a page loaded."""

    blocked: list[str] = field(default_factory=list)  # non-file requests, all aborted
    failed: list[str] = field(default_factory=list)  # requests that failed
    errors: list[str] = field(default_factory=list)  # uncaught page errors
    console_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0  # until the graph was laid out and drawn


@contextmanager
def open_view(browser, path: str | Path, width: int = 1400, height: int = 900, timeout: float = 60.0):
    """Open the page at *path* offline; yield (page, report) once ``window.fengong.ready``."""
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1,
                                  service_workers="block")
    page = context.new_page()
    report = PageReport()

    def route(r):
        url = r.request.url
        if url.startswith(("file://", "data:")):
            r.continue_()
        else:
            report.blocked.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda req: report.failed.append(req.url))
    page.on("pageerror", lambda exc: report.errors.append(str(exc)))
    page.on("console", lambda msg: report.console_errors.append(msg.text) if msg.type == "error" else None)
    started = time.monotonic()
    try:
        page.goto(Path(path).resolve().as_uri())
        # Polled with evaluate: wait_for_function evals a string, which the page's CSP forbids.
        while not page.evaluate("() => Boolean(window.fengong && window.fengong.ready)"):
            if report.errors:  # a script error: the page will never be ready
                raise RuntimeError(f"{path}: {report.errors}")
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"{path}: not ready after {timeout:.0f} s ({report.errors or report.console_errors})")
            page.wait_for_timeout(100)
        report.seconds = time.monotonic() - started
        yield page, report
    finally:
        context.close()


def png_colours(data: bytes) -> int:
    """Number of distinct RGB colours in a PNG screenshot: 1 means a blank page.

    >>> import io
    >>> from PIL import Image
    >>> img = Image.new("RGB", (4, 2), "white"); img.putpixel((1, 1), (255, 0, 0))
    >>> buf = io.BytesIO(); img.save(buf, "PNG"); png_colours(buf.getvalue())
    2
    """
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        rgb = img.convert("RGB")
        return len(rgb.getcolors(maxcolors=rgb.width * rgb.height))
