"""Chinese numerals as used to number sections and items (一 … 六十六, 一百零二).

>>> to_int("六十六"), to_int("十"), to_int("一百零二"), to_int("２７")
(66, 10, 102, 27)
>>> to_numeral(66), to_numeral(10), to_numeral(102)
('六十六', '十', '一百零二')
"""

from __future__ import annotations

import unicodedata

__all__ = ["to_int", "to_numeral", "NUMERAL_CHARS", "FULLWIDTH_DIGITS"]

#: ``str.translate`` table of the full-width digits (０–９, as a Chinese keyboard types them) to
#: ASCII ones: one character for one, so offsets in the text survive it.
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
#: Characters that may make up a Chinese numeral (for regular expressions).
NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS)


def to_int(text: str) -> int:
    """Value of a Chinese or Arabic numeral; ``ValueError`` if it is neither."""
    folded = unicodedata.normalize("NFKC", text).strip()
    if folded.isdigit():
        return int(folded)
    if not folded or any(ch not in _DIGITS and ch not in _UNITS for ch in folded):
        raise ValueError(f"not a numeral: {text!r}")
    total, digit = 0, None
    for ch in folded:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
    return total + (digit or 0)


def to_numeral(n: int) -> str:
    """Chinese numeral for 1 ≤ n < 10000, written as documents number items."""
    if not 0 < n < 10000:
        raise ValueError(f"out of range: {n}")
    names = "零一二三四五六七八九"
    out, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d:
            if zero and out:
                out.append("零")
            out.append(("" if (unit == "十" and n < 20) else names[d]) + unit)
            zero = False
        elif out:
            zero = True
    return "".join(out)
