"""Bytes to text: encodings, not layouts.

Government sites publish UTF-8, UTF-8 with a BOM, UTF-16 and very often
GBK/GB18030. :func:`decode` tries them in a fixed order and refuses binary
junk with a :class:`~fengong.FengongError` that names the file and the reason.

>>> decode("种植".encode("gb18030"), "a.txt")
('种植', 'gb18030')
>>> decode(b"\\xef\\xbb\\xbf(\\xe4\\xb8\\x80)", "b.txt")
('(一)', 'utf-8-sig')
>>> decode("（一）城镇化\\n".encode("utf-16-be"), "c.txt")
('（一）城镇化\\n', 'utf-16-be')
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from . import FengongError

__all__ = ["decode", "read_document", "iter_documents", "DOCUMENT_SUFFIXES"]

#: File endings treated as documents when a directory is given.
DOCUMENT_SUFFIXES = (".txt", ".text", ".md")


# Control characters other than tab (9), newline (10), form feed (12) and CR (13).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _looks_binary(text: str) -> bool:
    # Control characters other than tab/newline/CR/form feed do not occur in prose.
    bad = len(_CONTROL.findall(text))
    return bad > max(2, len(text) // 200)


def _plausible_share(data: bytes, encoding: str) -> float:
    """Share of characters a Chinese document is made of: CJK, its punctuation, ASCII, spaces."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return 0.0
    ok = sum(
        1
        for ch in text
        if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
        or " " <= ch <= "~" or ch in "\n\t\r“”‘’—…·"
    )
    return ok / max(1, len(text))


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode document bytes; return ``(text, encoding)``.

    Raises :class:`FengongError` for an empty file or one that is not text.
    """
    if not data.strip():
        raise FengongError(f"{name}: empty file")
    candidates: list[str]
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    elif b"\x00" in data:
        # Prose in UTF-8 or GB18030 has no NUL bytes; UTF-16 without a BOM does (newlines, ASCII).
        # Junk with NULs decodes as UTF-16 too, so the text must also look like a document.
        candidates = [enc for enc in ("utf-16-le", "utf-16-be") if _plausible_share(data, enc) >= 0.9]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        if not text.strip():  # only spaces, ideographic spaces or a BOM
            raise FengongError(f"{name}: empty file")
        return text.replace("\r\n", "\n").replace("\r", "\n"), encoding
    raise FengongError(f"{name}: not a text document (binary data or unknown encoding)")


def read_document(path: str | Path) -> tuple[str, str]:
    """Read one document from *path* (``-`` for standard input).

    >>> read_document("/no/such/file.txt")
    Traceback (most recent call last):
    ...
    fengong.FengongError: /no/such/file.txt: no such file
    """
    if str(path) == "-":
        return decode(sys.stdin.buffer.read(), "<stdin>")
    p = Path(path)
    if not p.exists():
        raise FengongError(f"{path}: no such file")
    if p.is_dir():
        raise FengongError(f"{path}: is a directory")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise FengongError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return decode(data, str(path))


def _documents_under(directory: Path) -> list[str]:
    """The documents in *directory* and its subdirectories (symlinked directories not
    followed, hidden ones skipped); a subdirectory that cannot be read is an error, not
    silently left out of the build."""

    def refuse(exc: OSError) -> None:
        raise FengongError(f"{exc.filename}: cannot read directory ({exc.strerror or exc})")

    found = []
    for root, dirs, files in os.walk(directory, onerror=refuse):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            f = Path(root) / name
            if not name.startswith(".") and f.suffix.lower() in DOCUMENT_SUFFIXES and f.is_file():
                found.append(str(f))
    return found


def iter_documents(paths: list[str]) -> list[str]:
    """Expand directories into the documents they hold, sorted; keep files as given.

    A directory with no documents is an error, as is a missing path. Hidden files and
    directories (``.git``, editors' and sync tools' copies) are not documents, and a
    document named twice (a file and its directory, a symlink to it, ``-`` twice) is read once.
    """
    out: list[str] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = path if path == "-" else os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            out.append(path)

    for path in paths:
        p = Path(path)
        if path != "-" and not p.exists():
            raise FengongError(f"{path}: no such file or directory")
        if p.is_dir():
            found = sorted(_documents_under(p))
            if not found:
                raise FengongError(
                    f"{path}: no documents in directory (looked for {', '.join(DOCUMENT_SUFFIXES)})"
                )
            for f in found:
                add(f)
        else:
            add(path)
    return out
