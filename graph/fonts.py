"""Finding a font that draws Chinese for matplotlib.

matplotlib's default font (DejaVu Sans) has no CJK glyphs: Chinese labels come
out as boxes with only a warning. :func:`cjk_font` looks among the installed
fonts for a known CJK family (the preference order is :data:`CJK_FAMILIES`),
then for any installed font file whose name says it is CJK, and checks that the
font really maps a test character. :func:`require_cjk_font` turns "none found"
into a :class:`FengongError` telling the user what to install, so a chart never
silently shows boxes.

``FENGONG_CJK_FONT=/path/to/font.ttf`` forces a particular font file.

>>> font = cjk_font()
>>> font is None or font.covers("住房城乡建设厅")
True
>>> needs_cjk(["Guangxi Department of Finance"]), needs_cjk(["财政厅"])
(False, True)
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from . import FengongError

__all__ = ["CJK_FAMILIES", "CJK_FILE_HINTS", "FontChoice", "cjk_font", "require_cjk_font", "needs_cjk", "INSTALL_HINT"]

#: Families tried first, best first (Debian fonts-wqy-microhei, fonts-noto-cjk, Adobe Source Han,
#: and the usual Windows and macOS fonts).
CJK_FAMILIES = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Source Han Sans",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "Hiragino Sans GB",
    "Droid Sans Fallback",
    "AR PL UMing CN",
)
#: Substrings of font file names that suggest CJK coverage (checked when no family above is known).
CJK_FILE_HINTS = ("wqy", "notosanscjk", "notoserifcjk", "sourcehan", "simhei", "simsun", "msyh", "droidsansfallback", "uming", "ukai")

#: What to tell a user who has no CJK font.
INSTALL_HINT = "install a CJK font (Debian/Ubuntu: apt-get install fonts-wqy-microhei) or pass --lang en"

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_PROBE = "住房城乡建设厅"


def needs_cjk(texts: Iterable[str]) -> bool:
    """Whether any of *texts* contains a CJK character."""
    return any(_CJK.search(t or "") for t in texts)


@dataclass(frozen=True)
class FontChoice:
    """A font file and the family name matplotlib knows it by."""

    family: str
    path: str

    def covers(self, text: str) -> bool:
        """Whether the font has a glyph for every CJK character of *text*."""
        from matplotlib.ft2font import FT2Font

        font = FT2Font(self.path)
        return all(font.get_char_index(ord(ch)) for ch in text if _CJK.match(ch))


def _usable(family: str, path: str) -> FontChoice | None:
    choice = FontChoice(family, path)
    try:
        return choice if choice.covers(_PROBE) else None
    except (OSError, RuntimeError, ValueError):  # unreadable or unsupported font file
        return None


@functools.lru_cache(maxsize=1)
def cjk_font() -> FontChoice | None:
    """The installed CJK font to draw with, or None. Registers it with matplotlib."""
    from matplotlib import font_manager

    forced = os.environ.get("FENGONG_CJK_FONT")
    if forced:
        if not Path(forced).is_file():
            raise FengongError(f"{forced}: no such font file (FENGONG_CJK_FONT)")
        font_manager.fontManager.addfont(forced)
        family = font_manager.FontProperties(fname=forced).get_name()
        choice = _usable(family, forced)
        if choice is None:
            raise FengongError(f"{forced}: this font has no Chinese characters (FENGONG_CJK_FONT)")
        return choice

    known = {}
    for entry in font_manager.fontManager.ttflist:
        known.setdefault(entry.name, entry.fname)
    for family in CJK_FAMILIES:
        if family in known and (choice := _usable(family, known[family])):
            return choice
    # Fonts installed after matplotlib built its cache are not in ttflist: look at the files.
    for path in sorted(font_manager.findSystemFonts()):
        name = Path(path).name.lower().replace("-", "").replace("_", "")
        if any(hint in name for hint in CJK_FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
                family = font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError):
                continue
            if choice := _usable(family, path):
                return choice
    return None


def require_cjk_font(labels: Iterable[str]) -> FontChoice | None:
    """The CJK font when *labels* need one; raise :class:`FengongError` if none is installed.

    >>> require_cjk_font(["Guangxi Department of Finance"]) is None
    True
    """
    if not needs_cjk(labels):
        return None
    font = cjk_font()
    if font is None:
        raise FengongError(f"no font with Chinese characters found for the chart labels: {INSTALL_HINT}")
    return font
