"""Writing outputs so that a failure never leaves a half-written file.

Every file fengong writes goes through :func:`write_bytes` / :func:`write_text`
(write a temporary file beside the target, then ``os.replace``), or is
produced inside an :class:`OutputDir` whose files replace the targets only
after everything has been written.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_text(d / "a.txt", "城镇化")
>>> (d / "a.txt").read_text(encoding="utf-8")
'城镇化'
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

from . import FengongError

__all__ = ["write_bytes", "write_text", "open_atomic", "OutputDir"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp creates files readable by the owner only; outputs are meant to be shared and served.
_FILE_MODE = 0o666 & ~_umask()


@contextlib.contextmanager
def open_atomic(path: str | Path, buffering: int = -1) -> Iterator[BinaryIO]:
    """A binary file that replaces *path* when the ``with`` block ends without error
    (a temporary file beside it until then), for outputs written piece by piece."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise FengongError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb", buffering=buffering) as fh:
            yield fh
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write *data* to *path* atomically (temporary file, then rename)."""
    with open_atomic(path) as fh:
        fh.write(data)


def write_text(path: str | Path, text: str, bom: bool = False) -> None:
    """Write *text* as UTF-8 (with a BOM for Excel when asked) atomically."""
    write_bytes(path, (("\ufeff" if bom else "") + text).encode("utf-8"))


class OutputDir:
    """A staging directory whose files move into *target* only on success.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out"
    >>> with OutputDir(target) as stage:
    ...     _ = (stage / "x.txt").write_text("1", encoding="utf-8")
    >>> sorted(p.name for p in target.iterdir())
    ['x.txt']
    """

    def __init__(self, target: str | Path):
        self.target = Path(target)
        self.stage: Path | None = None

    def __enter__(self) -> Path:
        parent = self.target.resolve().parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self.stage = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.", dir=parent))
        except OSError as exc:
            raise FengongError(f"{self.target}: cannot write ({exc.strerror or exc})") from None
        return self.stage

    def __exit__(self, exc_type, exc, tb) -> bool:
        assert self.stage is not None
        try:
            if exc_type is None:
                self.target.mkdir(parents=True, exist_ok=True)
                for src in sorted(self.stage.rglob("*")):
                    if src.is_file():
                        dest = self.target / src.relative_to(self.stage)
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        os.replace(src, dest)
        finally:
            shutil.rmtree(self.stage, ignore_errors=True)
        return False
