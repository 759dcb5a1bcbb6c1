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
import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from . import FengongError
from .atomic import OutputDir
from .model import build_store
from .parse import parse_file
from .read import iter_documents
from .records import Plan
from .store import OxigraphStore

__all__ = ["BUNDLED_PLAN", "bundled_path", "bundled_dataset", "parse_documents", "build", "BuildResult", "OUTPUTS", "summary"]

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


@dataclass
class BuildResult:
    plans: list[Plan]
    store: OxigraphStore
    out_dir: Path | None
    files: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def warnings(self) -> list[str]:
        return [w for p in self.plans for w in p.warnings]


def _progress_printer(stream) -> Callable[[int, int, str], None]:
    start = time.monotonic()

    def show(done: int, total: int, path: str) -> None:
        if total < 2:
            return
        elapsed = time.monotonic() - start
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (total - done) / rate if rate else 0.0
        end = "\n" if done == total else "\r"
        stream.write(f"parsed {done}/{total} documents, {rate:.1f}/s, {left:.0f} s left{' ' * 8}{end}")
        stream.flush()

    return show


def build(
    paths: list[str] | None,
    out_dir: str | Path | None = "out",
    store_dir: str | Path | None = None,
    progress_stream=None,
    extra: Callable[[BuildResult, Path], None] | None = None,
) -> BuildResult:
    """Parse *paths* (the bundled plan when empty), build the graph, write the outputs.

    *extra* is called with the result and the staging directory so that other
    outputs (views, report) land in the same atomic move.
    """
    started = time.monotonic()
    progress = _progress_printer(progress_stream) if progress_stream else None
    with _sigterm_interrupts():
        plans = parse_documents(list(paths) if paths else [str(bundled_path())], progress=progress)
        _stage(progress_stream, len(plans), "building the graph")
        # Outputs are written from the in-memory store even with --store: reading
        # back through RocksDB from Python was the slowest step of a big build.
        store = OxigraphStore(store=build_store(plans))
        quad_lines = store.sorted_lines() if (store_dir is not None or out_dir is not None) else None
        if store_dir is not None:
            _stage(progress_stream, len(plans), f"writing the store {store_dir}/")
            _build_on_disk(quad_lines, Path(store_dir))
        result = BuildResult(plans, store, Path(out_dir) if out_dir else None)
        if out_dir is not None:
            _stage(progress_stream, len(plans), f"writing {out_dir}/")
            with OutputDir(out_dir) as stage:
                write_outputs(store, stage, quad_lines)
                if extra:
                    extra(result, stage)
                result.files = sorted(str(p.relative_to(stage)) for p in stage.rglob("*") if p.is_file())
    result.seconds = time.monotonic() - started
    return result


def _stage(stream, documents: int, what: str) -> None:
    # Only big builds say what they are doing between the parse progress and the summary.
    if stream is not None and documents > 1:
        stream.write(f"{what}…\n")
        stream.flush()


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


def _build_on_disk(quad_lines: bytes, store_dir: Path) -> OxigraphStore:
    """Write an on-disk Oxigraph store atomically: build beside it, then swap directories.

    *quad_lines* is the dataset as sorted N-Quads: Oxigraph's bulk loader takes
    it about twice as fast as inserting quad objects one by one.
    """
    import os
    import shutil
    import tempfile

    parent = store_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{store_dir.name}.", dir=parent))
    try:
        disk = ox.Store(str(tmp / "db"))
        disk.bulk_load(quad_lines, format=ox.RdfFormat.N_QUADS)
        disk.flush()
        del disk
        old = None
        if store_dir.exists():
            old = parent / f".{store_dir.name}.old"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(store_dir, old)
        os.replace(tmp / "db", store_dir)
        if old:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return OxigraphStore(store_dir, read_only=True)


def write_outputs(store: OxigraphStore, stage: Path, quad_lines: bytes | None = None) -> None:
    """Write every file of :data:`OUTPUTS` into *stage*."""
    import networkx as nx

    from .network import to_networkx

    # Sorted statements are made once per kind and shared by the formats.
    quads = quad_lines if quad_lines is not None else store.sorted_lines()
    triples = store.sorted_lines(union=True)
    (stage / "plan.ttl").write_bytes(store.dump(ox.RdfFormat.TURTLE, union=True, lines=triples))
    (stage / "plan.trig").write_bytes(store.dump(ox.RdfFormat.TRIG, lines=quads))
    (stage / "plan.nq").write_bytes(quads)
    (stage / "plan.nt").write_bytes(triples)
    (stage / "plan.jsonld").write_bytes(store.dump(ox.RdfFormat.JSON_LD, lines=quads))
    del quads, triples
    g = to_networkx(store)
    nx.write_graphml(g, stage / "graph.graphml", encoding="utf-8")
    nx.write_gexf(g, stage / "graph.gexf", encoding="utf-8")


def summary(result: BuildResult) -> str:
    """Counts by kind, for the user (printed on stderr by the CLI)."""
    q = """SELECT
      (COUNT(DISTINCT ?plan) AS ?plans)
      (COUNT(DISTINCT ?task) AS ?tasks)
      (COUNT(DISTINCT ?target) AS ?targets)
      WHERE { ?plan a fg:Plan ; fg:sourceFile ?f . OPTIONAL { ?task dcterms:isPartOf ?plan ; a fg:Task }
              OPTIONAL { ?target dcterms:isPartOf ?plan ; a fg:Target } }"""
    counts = result.store.query(q).dicts()[0]
    kinds = result.store.query(
        """SELECT ?type (COUNT(DISTINCT ?x) AS ?n) WHERE {
             VALUES ?type { fg:Agency fg:CollectiveActor fg:Post fg:Deliverable fg:Indicator fg:Place fg:Assignment }
             ?x a ?type } GROUP BY ?type"""
    ).dicts()
    by = {r["type"].rsplit("#", 1)[-1]: r["n"] for r in kinds}
    roles = {
        r["edge"].rsplit("#", 1)[-1]: r["n"]
        for r in result.store.query(
            "SELECT ?edge (COUNT(*) AS ?n) WHERE { VALUES ?edge { fg:leads fg:participatesIn } ?a ?edge ?t } GROUP BY ?edge"
        ).dicts()
    }
    lines = [
        f"plans {counts['plans']}, tasks {counts['tasks']} (targets {counts['targets']})",
        f"agencies {by.get('Agency', 0)}, collective actors {by.get('CollectiveActor', 0)}, posts {by.get('Post', 0)}",
        f"lead edges {roles.get('leads', 0)}, participation edges {roles.get('participatesIn', 0)}",
        f"deliverables {by.get('Deliverable', 0)}, indicators {by.get('Indicator', 0)}, places {by.get('Place', 0)}",
        f"triples {len(result.store)}, warnings {len(result.warnings)}, {result.seconds:.2f} s",
    ]
    if result.out_dir is not None:
        lines.append(f"wrote {len(result.files)} files to {result.out_dir}/")
    return "\n".join(lines)
