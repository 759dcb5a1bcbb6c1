"""Text from documents, made safe to print for a reader.

A plan's text may hold control characters (ESC, BEL, the one-byte CSI U+009B) that a
terminal would obey: clear the screen, set its title, send keys back. What fengong
prints for a reader — warnings, errors, the text reports of ``inspect``, ``analyze``,
``matrix --agency`` and ``validate`` — goes through :func:`printable`, which writes
them as ``\\x1b``-style escapes, as the server's request log does. Data formats (CSV,
TSV, JSON, RDF, HTML) carry the text as it is.

>>> printable("公安厅\\x1b]0;title\\x07 \\x9b31m")
'公安厅\\\\x1b]0;title\\\\x07 \\\\x9b31m'
"""

from __future__ import annotations

__all__ = ["printable", "first_line"]

#: C0 controls but tab and line feed, DEL, and the C1 controls: as ``\\xNN``.
_ESCAPES = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if c not in (0x09, 0x0A)}
#: The same for one line: line breaks and tabs as ``\\n``, ``\\r``, ``\\t``.
_ONE_LINE = {**_ESCAPES, 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}


def printable(text: str, one_line: bool = False) -> str:
    r"""*text* with its control characters written as escapes; with *one_line*, line
    breaks and tabs too.

    >>> print(printable("a\tb\nc\rd", one_line=True))
    a\tb\nc\rd
    >>> printable("行一\n行二\r") == "行一\n行二\\x0d"
    True
    """
    return text.translate(_ONE_LINE if one_line else _ESCAPES)


def first_line(exc: BaseException) -> str:
    """The first line of *exc*'s message (libraries put a whole report in some), or its
    type's name when it has none.

    >>> first_line(ValueError("bad query\\n  at line 3")), first_line(ValueError()), first_line(OSError("\\nCorruption: x"))
    ('bad query', 'ValueError', 'Corruption: x')
    """
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
