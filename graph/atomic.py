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
import re
import shutil
import signal
import stat
import tempfile
import threading
from pathlib import Path
from typing import BinaryIO, Iterator

from . import FengongError

__all__ = ["write_bytes", "write_text", "open_atomic", "OutputDir", "deferred_signals", "MANIFEST", "cannot_write"]

#: The list of the files an :class:`OutputDir` with ``owned`` wrote, kept in its target (hidden:
#: a server of the directory does not serve it), so that the next run removes only those.
MANIFEST = ".fengong-outputs"


def cannot_write(path, exc: OSError) -> FengongError:
    """The one-line error for *path* that could not be written.

    >>> str(cannot_write("out/plan.nq", OSError(28, "No space left on device")))
    'out/plan.nq: cannot write (No space left on device)'
    """
    return FengongError(f"{path}: cannot write ({exc.strerror or exc})")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# A process's own descriptors: they lead to what the shell opened (a pipe, a file opened with >>).
_DESCRIPTOR = re.compile(r"^/dev/(?:std(?:in|out|err)|fd/\d+)$|^/proc/[^/]+/fd/\d+$")

# mkstemp creates files readable by the owner only; outputs are meant to be shared and served.
_FILE_MODE = 0o666 & ~_umask()


@contextlib.contextmanager
def open_atomic(path: str | Path, buffering: int = -1) -> Iterator[BinaryIO]:
    """A binary file that replaces *path* when the ``with`` block ends without error
    (a temporary file beside it until then), for outputs written piece by piece.

    A symbolic link stays a link: the file it points to is replaced. A device, a pipe or
    a process's own descriptor (``-o /dev/null``, ``-o /dev/stdout``, ``-o >(gzip > x.gz)``)
    is written to as it is, appending (so ``>>`` keeps what the file held): renaming over
    it would put a regular file in its place (for root, over /dev/null).
    """
    shown = Path(path)
    if str(path).endswith(("/", os.sep)) or str(path) == "":
        raise FengongError(f"{path or repr('')}: not a file name (give one, e.g. {shown / 'out.html'})")
    try:
        mode = os.stat(path).st_mode  # through links
    except OSError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise FengongError(f"{shown}: is a directory")
    if _DESCRIPTOR.match(str(path)) or (mode is not None and not stat.S_ISREG(mode)):
        try:
            with open(path, "ab", buffering=buffering) as fh:
                yield fh
        except OSError as exc:
            raise cannot_write(shown, exc) from None
        return
    path = Path(os.path.realpath(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise cannot_write(shown, exc) from None
    try:
        with os.fdopen(fd, "wb", buffering=buffering) as fh:
            yield fh
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write *data* to *path* atomically (temporary file, then rename); a failure (a full
    disk) is one line naming *path*, and the file is as it was."""
    try:
        with open_atomic(path) as fh:
            fh.write(data)
    except OSError as exc:
        raise cannot_write(path, exc) from None


def write_text(path: str | Path, text: str, bom: bool = False) -> None:
    """Write *text* as UTF-8 (with a BOM for Excel when asked) atomically."""
    write_bytes(path, (("\ufeff" if bom else "") + text).encode("utf-8"))


@contextlib.contextmanager
def deferred_signals() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends, then deliver them to the handlers of before
    (in the main thread; elsewhere the block runs as it is).

    >>> import signal
    >>> with deferred_signals():
    ...     signal.getsignal(signal.SIGINT) is signal.default_int_handler
    False
    >>> signal.getsignal(signal.SIGINT) is signal.default_int_handler
    True
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.signal(s, lambda signum, frame: caught.append(signum)) for s in signals}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, signal.SIG_DFL if handler is None else handler)  # None: set outside Python
        for s in dict.fromkeys(caught):
            signal.raise_signal(s)


class OutputDir:
    """A staging directory whose files move into *target* only on success.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out"
    >>> with OutputDir(target) as stage:
    ...     _ = (stage / "x.txt").write_text("1", encoding="utf-8")
    >>> sorted(p.name for p in target.iterdir())
    ['x.txt']
    """

    def __init__(self, target: str | Path, owned=None):
        self.target = Path(target)
        self.stage: Path | None = None
        #: Whether a file of *target* (its path relative to it, with ``/``) is one this kind of
        #: output writes. When given, the files are listed in :data:`MANIFEST`, and those the
        #: previous run listed and this one does not write again are removed with the move, so
        #: nothing of an earlier run is left to pass for this one's.
        self.owned = owned
        #: Called once nothing is in the way of the files, just before they move (signals
        #: deferred): a build swaps its on-disk store in here, so both change or neither.
        self.before_move = None

    def __enter__(self) -> Path:
        target = self.target
        # click refuses a regular file as a directory, not a FIFO or a device (/dev/null).
        blocker = next((p for p in (target, *target.parents) if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            raise FengongError(f"{blocker}: not a directory" + ("" if blocker == target else f" (cannot write {target})"))
        # Staged inside an existing target, so the moves stay on its file system (a mount point).
        home = target if target.is_dir() else target.resolve().parent
        try:
            home.mkdir(parents=True, exist_ok=True)
            self.stage = Path(tempfile.mkdtemp(prefix=f".{target.name or 'out'}.", dir=home))
        except OSError as exc:
            raise cannot_write(target, exc) from None
        return self.stage

    def __exit__(self, exc_type, exc, tb) -> bool:
        assert self.stage is not None
        # Ctrl-C or SIGTERM between two renames would leave some outputs new and the rest old
        # (and one during the clean-up, the staging directory): it waits until they are done.
        with deferred_signals():
            self._finish(exc_type is None)
        if isinstance(exc, FengongError) and str(self.stage) in str(exc):
            # Name the output the user gave, not the staging directory (now removed).
            raise FengongError(str(exc).replace(str(self.stage), str(self.target))) from None
        return False

    def _finish(self, move: bool) -> None:
        try:
            if move:
                moves = [(src, self.target / src.relative_to(self.stage))
                         for src in sorted(self.stage.rglob("*")) if src.is_file()]
                self._check(moves)
                if self.before_move is not None:
                    self.before_move()
                for src, dest in moves:
                    try:
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        os.replace(src, dest)
                    except OSError as exc:
                        raise cannot_write(dest, exc) from None
                if self.owned is not None:
                    self._remove_stale([dest for _, dest in moves])
        finally:
            shutil.rmtree(self.stage, ignore_errors=True)

    def _remove_stale(self, written: list[Path]) -> None:
        """Remove the files that the previous run listed in :data:`MANIFEST` and this one did not
        write again (and directories they leave empty), then list this run's files. Without a
        list nothing is removed: a file fengong did not write is never touched."""
        manifest = self.target / MANIFEST
        names = {p.relative_to(self.target).as_posix() for p in written}
        try:
            earlier = manifest.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            earlier = []
        for name in earlier:
            # Only a plain relative path of the kind this output writes, never one leaving the target.
            if not name or name in names or name.startswith(("/", "\\")) or ".." in Path(name).parts or not self.owned(name):
                continue
            path = self.target / name
            if not path.is_file() or path.is_symlink():
                continue
            try:
                path.unlink()
            except OSError:
                continue  # left as it was: the new outputs are in place
            for parent in Path(name).parents:
                if str(parent) != ".":
                    try:
                        (self.target / parent).rmdir()  # only when empty
                    except OSError:
                        break
        try:
            write_text(manifest, "".join(f"{n}\n" for n in sorted(names)))
        except FengongError:
            pass  # the outputs are in place; the next run just removes nothing

    def _check(self, moves: list[tuple[Path, Path]]) -> None:
        """Refuse before the first file moves, so that the target stays whole: a directory
        where a file goes, or a file where a directory goes."""
        for _, dest in moves:
            if dest.is_dir():
                raise FengongError(f"{dest}: is a directory (in the way of the output file)")
            for parent in dest.relative_to(self.target).parents:
                where = self.target / parent
                if where.exists() and not where.is_dir():
                    raise FengongError(f"{where}: not a directory (in the way of the output {dest.name})")
