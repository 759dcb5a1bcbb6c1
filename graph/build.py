"""Documents to a built graph on disk: parse every document, model it, write the outputs.

The outputs go to a staging directory and move into place only when all of them
are written (:class:`fengong.atomic.OutputDir`), so a failed or interrupted
build leaves an earlier build as it was.

>>> plans = parse_documents([str(bundled_path())])
>>> len(plans[0].items)
66
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import signal
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from . import FengongError
from .atomic import OutputDir, cannot_write, deferred_signals
from .gcpause import cycles_uncollected  # millions of rows, no cycles (the workers inherit it)
from .model import build_store
from .parse import claim_slug, parse_file
from .read import iter_documents
from .records import Plan
from .store import OxigraphStore, Store
from .stream import RDF_FORMATS, DatasetWriter, process_document

__all__ = ["BUNDLED_PLAN", "bundled_path", "bundled_dataset", "parse_documents", "build", "BuildResult", "OUTPUTS",
           "FORMAT_FILES", "choose_formats", "summary", "FULL_SITE_MAX_DOCUMENTS"]

#: The plan fengong ships with (桂政办发〔2014〕94号).
BUNDLED_PLAN = "guangxi-urbanization-2014-94.txt"

#: Files written by ``fengong build`` and what each holds.
OUTPUTS = {
    "plan.ttl": "Turtle, every plan merged into one graph",
    "plan.trig": "TriG, one named graph per plan plus the shared actors and places",
    "plan.nq": "N-Quads, as plan.trig",
    "plan.nt": "N-Triples, as plan.ttl",
    "plan.jsonld": "JSON-LD, with named graphs",
    "graph.graphml": "GraphML of tasks, actors, places and deliverables (yEd, Gephi, Cytoscape)",
    "graph.gexf": "GEXF of the same graph (Gephi)",
}


#: The pages of a build's site, beside the RDF files (and every file under ``views/``).
SITE_PAGES = ("index.html", "report.html", "matrix.html")


def is_build_output(name: str) -> bool:
    """Whether *name* (relative to an output directory) is a file ``fengong build`` writes: one
    that the previous build listed (:data:`fengong.atomic.MANIFEST`) and this build does not
    write again is removed.

    >>> is_build_output("plan.ttl"), is_build_output("views/section-3.html"), is_build_output("notes.md")
    (True, True, False)
    """
    return name in OUTPUTS or name in SITE_PAGES or name.startswith("views/")


def bundled_path() -> Path:
    """Path of the bundled Guangxi plan inside the installed package."""
    return Path(str(resources.files("fengong.data") / BUNDLED_PLAN))


@functools.lru_cache(maxsize=1)
def bundled_dataset() -> bytes:
    """The bundled plan's dataset as N-Quads (built once per process)."""
    store = build_store(parse_documents([str(bundled_path())]))
    buf = io.BytesIO()
    ox.serialize(store, buf, ox.RdfFormat.N_QUADS)
    return buf.getvalue()


#: Fewest documents worth a process pool: below this, starting workers costs more than it saves.
PARALLEL_MIN_DOCUMENTS = 8


def parse_documents(paths: list[str], progress: Callable[[int, int, str], None] | None = None,
                    workers: int | None = None, **kwargs) -> list[Plan]:
    """Parse every document (directories expanded); stop at the first bad one.

    Many documents are parsed by a pool of *workers* processes (default: one
    per core); the plans come back in the order of the files.
    """
    files = iter_documents(paths)
    workers = workers or os.cpu_count() or 1
    if workers > 1 and len(files) >= PARALLEL_MIN_DOCUMENTS:
        return _parse_in_pool(files, workers, progress, kwargs)
    plans = []
    for i, path in enumerate(files, start=1):
        plans.append(parse_file(path, **kwargs))
        if progress:
            progress(i, len(files), path)
    return plans


def _worker_signals() -> None:
    # Ctrl-C reaches the whole process group: the parent alone decides to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _parse_in_pool(files: list[str], workers: int, progress, kwargs: dict) -> list[Plan]:
    import concurrent.futures as cf
    import multiprocessing

    # fork: the workers start at once with fengong already imported (no threads run yet).
    ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    plans: list[Plan | None] = [None] * len(files)
    failures: dict[int, BaseException] = {}
    with cf.ProcessPoolExecutor(max_workers=min(workers, len(files)), mp_context=ctx, initializer=_worker_signals) as pool:
        index = {pool.submit(parse_file, path, **kwargs): i for i, path in enumerate(files)}
        try:
            for done, future in enumerate(cf.as_completed(index), start=1):
                i = index[future]
                try:
                    plans[i] = future.result()
                except FengongError as exc:
                    failures[i] = exc
                    for f in index:
                        f.cancel()
                    break
                if progress:
                    progress(done, len(files), files[i])
        except BaseException:
            for f in index:
                f.cancel()
            raise
    if failures:
        # Report the first bad document in file order, as the sequential parse would.
        raise failures[min(failures)]
    return plans  # type: ignore[return-value]


#: Formats ``fengong build`` can write (``--format``), by name.
FORMAT_FILES = {**{name: file for name, (file, _, _) in RDF_FORMATS.items()},
                "graphml": "graph.graphml", "gexf": "graph.gexf"}

#: Up to this many documents the default (``auto``) writes every format; above it, TriG and
#: N-Quads only: the other files hold the same statements and, for a corpus, cost more time and
#: disk than they are worth (``--format all`` writes them anyway).
AUTO_ALL_MAX_DOCUMENTS = 100
AUTO_CORPUS_FORMATS = ("trig", "nq")

#: Up to this many documents a build gathers every query of the site; above it, only those a
#: corpus site reads (report, matrix, agencies view: a corpus's full and section views are
#: listed with the command that draws them), unless GraphML or GEXF need the full projection.
FULL_SITE_MAX_DOCUMENTS = 100


def choose_formats(formats, documents: int) -> tuple[str, ...]:
    """The formats to write: *formats* as given (``all`` and ``auto`` expanded), in a fixed order.

    >>> choose_formats(None, 1)
    ('ttl', 'trig', 'nq', 'nt', 'jsonld', 'graphml', 'gexf')
    >>> choose_formats(["auto"], 1000)
    ('trig', 'nq')
    >>> choose_formats(["nq", "ttl"], 1000)
    ('ttl', 'nq')
    """
    asked = set(formats or ("auto",))
    if "auto" in asked:
        asked.discard("auto")
        asked |= set(FORMAT_FILES if documents <= AUTO_ALL_MAX_DOCUMENTS else AUTO_CORPUS_FORMATS)
    if "all" in asked:
        asked = set(FORMAT_FILES)
    unknown = asked - set(FORMAT_FILES)
    if unknown:
        raise FengongError(f"unknown output format {sorted(unknown)[0]!r} (choose from {', '.join(FORMAT_FILES)}, all, auto)")
    return tuple(f for f in FORMAT_FILES if f in asked)


@dataclass
class BuildResult:
    """What a build made. ``store`` (the whole dataset in an Oxigraph store) is loaded on first use;
    ``site_store`` answers the site's queries from rows gathered document by document."""

    documents: int
    out_dir: Path | None
    store_dir: Path | None = None
    files: list[str] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    quads: int = 0
    formats: tuple[str, ...] = ()
    site_store: Store | None = None
    _store: OxigraphStore | None = None
    _nquads: list[bytes] | None = None

    @property
    def store(self) -> OxigraphStore:
        if self._store is None:
            if self._nquads is not None:
                st = OxigraphStore()
                st.ox.bulk_load(b"".join(self._nquads), format=ox.RdfFormat.N_QUADS)
                self._store = st
            elif self.store_dir is not None:
                self._store = OxigraphStore(self.store_dir, read_only=True)
            elif self.out_dir is not None and (self.out_dir / "plan.nq").is_file():
                st = OxigraphStore()
                st.load_file(self.out_dir / "plan.nq")
                self._store = st
            else:
                raise FengongError("this build kept no graph (write plan.nq or use --store)")
        return self._store


def _progress_printer(stream) -> Callable[[int, int, str], None]:
    """Documents done, rate and time left, on one rewritten line on a terminal (twice a
    second at most), else a line every few seconds."""
    start = time.monotonic()
    tty = getattr(stream, "isatty", lambda: False)()
    every = 0.5 if tty else 5.0
    last = [0.0]

    def show(done: int, total: int, path: str) -> None:
        now = time.monotonic()
        if total < 2 or (done < total and now - last[0] < every):
            return
        last[0] = now
        elapsed = now - start
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (total - done) / rate if rate else 0.0
        end = "\n" if done == total or not tty else "\r"
        stream.write(f"parsed {done}/{total} documents, {rate:.1f}/s, {left:.0f} s left{' ' * 8 if tty else ''}{end}")
        stream.flush()

    return show


def _parts(files: list[str], formats: tuple[str, ...], gather: bool, full: bool, workers: int | None):
    """Each document's :class:`DocumentPart`, in file order (a process pool for many documents)."""
    work = functools.partial(process_document, formats=formats, gather=gather, full=full)
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(files) < PARALLEL_MIN_DOCUMENTS or "-" in files:
        for path in files:
            yield work(path)
        return
    import concurrent.futures as cf
    import gc
    import multiprocessing

    import pypinyin  # noqa: F401 - loaded once, shared by the forked workers (else ~0.2 s of CPU each)

    # fork: the workers start at once with fengong already imported (no threads run yet).
    ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    gc.freeze()  # what is loaded now is never garbage: the workers' collections skip it
    pool = cf.ProcessPoolExecutor(max_workers=min(workers, len(files)), mp_context=ctx, initializer=_worker_signals)
    try:
        # map keeps file order, so the first bad document in file order is the one reported.
        yield from pool.map(work, files, chunksize=max(1, min(8, len(files) // (8 * workers))))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def build(
    paths: list[str] | None,
    out_dir: str | Path | None = "out",
    store_dir: str | Path | None = None,
    progress_stream=None,
    extra: Callable[[BuildResult, Path], None] | None = None,
    formats=None,
    workers: int | None = None,
) -> BuildResult:
    """Parse *paths* (the bundled plan when empty), build the graph, write the outputs.

    Documents are parsed, modelled and serialised one by one (by a pool of
    processes when there are many) and appended to the output files, so the
    whole dataset is never held in memory. *formats* are names of
    :data:`FORMAT_FILES` (default ``auto``: see :func:`choose_formats`). *extra*
    is called with the result and the staging directory so that other outputs
    (views, report) land in the same atomic move; it reads the graph through
    ``result.site_store``. The modules an *extra* names in its ``imports``
    attribute are imported while a pool of workers parses, not after.
    """
    started = time.monotonic()
    progress = _progress_printer(progress_stream) if progress_stream else None
    if store_dir is not None:
        _check_store_dir(Path(store_dir), Path(out_dir) if out_dir is not None else None)
    files = iter_documents(list(paths) if paths else [str(bundled_path())])
    chosen = choose_formats(formats, len(files)) if out_dir is not None else ()
    rdf = [f for f in chosen if f in RDF_FORMATS]
    keep = out_dir is None and store_dir is None
    need_nq = keep or store_dir is not None
    networks = "graphml" in chosen or "gexf" in chosen
    gather = extra is not None or networks
    full = networks or len(files) <= FULL_SITE_MAX_DOCUMENTS
    result = BuildResult(len(files), Path(out_dir) if out_dir is not None else None,
                         Path(store_dir) if store_dir is not None else None, formats=chosen)
    staged = StagedStore(Path(store_dir)) if store_dir is not None else None
    with _sigterm_interrupts(), cycles_uncollected(), contextlib.ExitStack() as stack:
        if staged is not None:
            stack.callback(staged.discard)  # entered first, so run last: after the outputs moved
        output = OutputDir(out_dir, owned=is_build_output) if out_dir is not None else None
        stage = stack.enter_context(output) if output is not None else None
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=".fengong-")))
        where = {"nq": scratch / "plan.nq"} if need_nq and "nq" not in rdf else {}
        writer = DatasetWriter(stage or scratch, rdf + (["nq"] if where else []), keep=keep, paths=where)
        stack.callback(writer.abort)
        rows: dict[str, tuple[list[str], list]] = {}
        counts: Counter = Counter()
        seen: dict[str, tuple[str, str]] = {}
        warm = None
        for done, part in enumerate(_parts(files, tuple(writer.formats), gather, full, workers), start=1):
            if done == 1 and len(files) >= PARALLEL_MIN_DOCUMENTS:
                warm = _import_meanwhile(getattr(extra, "imports", ()))
            claim_slug(seen, part.slug, part.source, part.number)
            writer.add(part)
            counts.update(part.counts)
            result.warnings.extend(part.warnings)
            for q, (names, values) in part.rows.items():
                rows.setdefault(q, (names, []))[1].extend(values)
            if progress:
                progress(done, len(files), part.source)
        if warm is not None:
            warm.join()  # before any fork: a child must not inherit a held import lock
        tail = writer.tail()
        writer.close(tail)
        result.quads = writer.quads
        shared = OxigraphStore()
        shared.ox.extend(tail)
        result.counts = _counts(counts, shared, len(files), writer.quads)
        if gather:
            from .rowstore import RowStore

            result.site_store = RowStore(shared, rows, writer.quads, full=full)
        if keep:
            result._nquads = writer.kept
        if staged is not None:
            _stage(progress_stream, len(files), f"writing the store {store_dir}/")
            # Loaded now, put in place only with the output files: a build that fails or is
            # interrupted later (writing the site, say) leaves the earlier store and outputs alike.
            staged.load(writer.paths["nq"])
        if stage is not None:
            _stage(progress_stream, len(files), f"writing {out_dir}/")
            if "graphml" in chosen or "gexf" in chosen:
                _write_networks(result.site_store, stage, chosen)
            if extra:
                extra(result, stage)
            result.files = sorted(str(p.relative_to(stage)) for p in stage.rglob("*") if p.is_file())
            if staged is not None:
                output.before_move = staged.commit  # swapped in with the files, once they can all move
        elif staged is not None:
            staged.commit()
    if staged is not None:
        result._store = OxigraphStore(store_dir, read_only=True)
    result.seconds = time.monotonic() - started
    return result


def _counts(counts: Counter, shared: OxigraphStore, documents: int, quads: int) -> dict:
    kinds = shared.query(
        """SELECT ?type (COUNT(DISTINCT ?x) AS ?n) WHERE {
             VALUES ?type { fg:Agency fg:CollectiveActor fg:Post fg:Place } ?x a ?type } GROUP BY ?type"""
    ).dicts()
    by = {r["type"].rsplit("#", 1)[-1]: int(r["n"]) for r in kinds}
    return {"plans": documents, "tasks": counts["tasks"], "targets": counts["targets"],
            "agencies": by.get("Agency", 0), "collectives": by.get("CollectiveActor", 0), "posts": by.get("Post", 0),
            "leads": counts["leads"], "participations": counts["participations"],
            "deliverables": counts["deliverables"], "indicators": counts["indicators"], "places": by.get("Place", 0),
            "triples": quads}


def _stage(stream, documents: int, what: str) -> None:
    # Only big builds say what they are doing between the parse progress and the summary.
    if stream is not None and documents > 1:
        stream.write(f"{what}…\n")
        stream.flush()


def _import_meanwhile(modules) -> threading.Thread | None:
    """Import *modules* (names, or functions that import) in a thread: a second or so of the
    site's imports, done while the workers parse instead of after. Started once the pool has
    forked its workers."""
    if not modules:
        return None

    def load() -> None:
        import importlib

        for name in modules:
            try:
                name() if callable(name) else importlib.import_module(name)
            except ImportError:
                pass  # optional: whoever needs it reports it

    thread = threading.Thread(target=load, name="fengong imports", daemon=True)
    thread.start()
    return thread


@contextlib.contextmanager
def _sigterm_interrupts():
    """Make SIGTERM stop a build the way Ctrl-C does, so staging directories are removed.

    (Python's default SIGTERM ends the process at once, skipping every ``finally``.)
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _is_store_dir(path: Path) -> bool:
    """Whether *path* holds an on-disk Oxigraph store (RocksDB's CURRENT and MANIFEST files)."""
    return (path / "CURRENT").is_file() and any(path.glob("MANIFEST-*"))


def _check_store_dir(store_dir: Path, out_dir: Path | None) -> None:
    """Refuse a ``--store`` directory that a build must not replace, before any work is done:
    the store replaces the directory whole, so it must be empty or a store already."""
    if store_dir.exists():
        if not store_dir.is_dir():
            raise FengongError(f"{store_dir}: not a directory (--store)")
        if any(store_dir.iterdir()) and not _is_store_dir(store_dir):
            raise FengongError(f"{store_dir}: not an on-disk store and not empty; --store replaces the whole "
                               f"directory, so give a new or empty one")
    if out_dir is not None:
        store, out = store_dir.resolve(), out_dir.resolve()
        if store == out or out in store.parents or store in out.parents:
            raise FengongError(f"{store_dir}: --store and --output ({out_dir}) must be separate directories, "
                               f"neither inside the other")


class StagedStore:
    """An on-disk Oxigraph store written atomically: :meth:`load` builds it beside
    *store_dir*, :meth:`commit` swaps it into place, :meth:`discard` removes what was not
    committed.

    The N-Quads file is read by Oxigraph's bulk loader; the store is then compacted
    (``Store.optimize``): the bulk loader leaves dozens of unmerged files, and a compacted
    store returns terms about twice as fast (at 1,000 documents the agencies view took
    8.2 s instead of 11.7, responsibility-graph 9.9 s instead of 23.4), for about 10 s
    more here and 1.6 GB on disk instead of 0.9.
    """

    def __init__(self, store_dir: Path):
        self.store_dir = store_dir
        self.parent = store_dir.resolve().parent
        self.tmp: Path | None = None

    def load(self, nquads: Path) -> None:
        """Bulk-load *nquads* into a new store beside *store_dir* (not yet in its place)."""
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.store_dir.name}.", dir=self.parent))
        except OSError as exc:
            raise cannot_write(self.store_dir, exc) from None
        _load_store(nquads, self.tmp / "db", self.store_dir)

    def commit(self) -> None:
        """Put the new store in place of the earlier one (with signals deferred: Ctrl-C between
        the two renames would leave no store)."""
        import shutil

        assert self.tmp is not None, "commit() before load()"
        store_dir, old = self.store_dir, None
        with deferred_signals():
            try:
                if store_dir.exists():
                    old = self.parent / f".{store_dir.name}.old"
                    shutil.rmtree(old, ignore_errors=True)
                    os.replace(store_dir, old)
                try:
                    os.replace(self.tmp / "db", store_dir)
                except OSError:
                    if old:
                        os.replace(old, store_dir)  # the earlier store back in place
                    raise
            except OSError as exc:  # a mount point, say, cannot be swapped
                raise FengongError(f"{store_dir}: cannot replace the store ({exc.strerror or exc})") from None
        if old:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        """Remove the staging directory (and the new store in it, unless committed)."""
        import shutil

        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


#: What loads the on-disk store, run as ``python -c`` (arguments: the N-Quads file, the store
#: directory). Oxigraph's bulk load is one call into Rust that looks at no signal: run in the
#: build's own process it kept Ctrl-C waiting until the whole store was written (tens of
#: seconds at 1,000 documents). A child process is killed instead. Not a fork: RocksDB's
#: threads, started by any store this process opened before, do not survive one, and the
#: child's load then hangs.
STORE_LOADER = """
import sys
import pyoxigraph as ox
store = ox.Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
store.optimize()
store.flush()
"""


def _load_store(nquads: Path, db: Path, store_dir: Path) -> None:
    """Bulk-load *nquads* into a new store at *db* and compact it, in a child process that an
    interrupt (Ctrl-C, SIGTERM) kills at once; a failure is one line naming *store_dir*."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", STORE_LOADER, str(nquads), str(db)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _, err = proc.communicate()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    if proc.returncode != 0:
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        raise FengongError(f"{store_dir}: cannot write the store ({last[0]})")


def _write_networks(store: Store, stage: Path, formats: tuple[str, ...]) -> None:
    """graph.graphml and graph.gexf: the NetworkX projection of the graph."""
    from .graphfiles import write_gexf, write_graphml
    from .network import to_networkx

    g = to_networkx(store)
    if "graphml" in formats:
        write_graphml(g, stage / "graph.graphml")
    if "gexf" in formats:
        write_gexf(g, stage / "graph.gexf")


def summary(result: BuildResult) -> str:
    """Counts by kind, for the user (printed on stderr by the CLI)."""
    c = result.counts
    lines = [
        f"plans {c['plans']}, tasks {c['tasks']} (targets {c['targets']})",
        f"agencies {c['agencies']}, collective actors {c['collectives']}, posts {c['posts']}",
        f"lead edges {c['leads']}, participation edges {c['participations']}",
        f"deliverables {c['deliverables']}, indicators {c['indicators']}, places {c['places']}",
        f"triples {c['triples']}, warnings {len(result.warnings)}, {result.seconds:.2f} s",
    ]
    if result.out_dir is not None:
        lines.append(f"wrote {len(result.files)} files to {result.out_dir}/")
    return "\n".join(lines)
