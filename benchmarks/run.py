"""Time fengong's stages as whole processes on generated corpora; write results.json and BENCHMARKS.md.

For each corpus size (documents made by :mod:`generate`), every stage runs as
its own ``python -m fengong …`` process, ``--repeat`` times, inside a fresh
wrapper process that reports the wall-clock time and the peak resident memory
of that one command (``getrusage(RUSAGE_CHILDREN)`` is a maximum over every
child a process ever had, so each measurement gets a new wrapper).

Stages: ``calibrate`` (a fixed piece of fengong's CPU work, to compare runs made on
different days), ``build`` (the default build, views included), ``build --store`` (the
on-disk store the other stages read), every library query on the embedded
store, each query again on the graph file with Oxigraph and with rdflib's
Memory store (``--engine memory``, the baseline: its time is shown as a ratio),
the largest query (task-overview) in the other output formats, ``analyze``, ``matrix``
and ``viz --view agencies``. A stage whose command does
not exist yet is reported as "not available".

Usage::

    python benchmarks/run.py --sizes 1,100,1000 --repeat 3
    python benchmarks/run.py --sizes 100 --repeat 1 --no-baseline     # quick look
    python benchmarks/run.py --sizes 1000 --profile                   # + a cProfile of the slowest stage
    python benchmarks/run.py --betweenness-error 100                  # sampled vs exact betweenness

Results for sizes not run are kept from the previous results.json.

>>> summarise([{"wall": 2.0, "rss_mb": 10, "status": "ok"}, {"wall": 1.0, "rss_mb": 12, "status": "ok"}])["median"]
1.5
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import DEFAULT_SEED, generate_corpus  # noqa: E402

__all__ = ["main", "measure", "summarise", "stages_for", "FLOORS", "QUERY_PARAMS", "render_markdown"]

#: Floors for the 1,000-document corpus on the reference machine: stage → (seconds, MiB or None).
FLOORS = {
    "build": (30.0, 2048.0),
    "query": (2.0, None),  # every library query on the embedded (on-disk) store
    "analyze": (30.0, None),
    "viz agencies": (10.0, None),
}
#: Values for the library queries' parameters on the generated corpora.
QUERY_PARAMS = {"agency": "住房城乡建设厅", "city": "南宁", "task": "十七", "year": "2018", "min": "3"}
MARK_START, MARK_END = "<!-- results:start -->", "<!-- results:end -->"

# The wrapper: runs one command, reports wall time and that command's peak RSS.
_WRAPPER = r"""
import json, resource, subprocess, sys, threading, time
argv, timeout, out, err = json.loads(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(out, "wb") as o, open(err, "wb") as e:
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=o, stderr=e)
    # A blocking wait, with a timer to kill: Popen.wait(timeout) polls every 50 ms.
    timer = threading.Timer(timeout, proc.kill) if timeout else None
    if timer:
        timer.start()
    code = proc.wait()
    wall = time.perf_counter() - start
    killed = timer is not None and not timer.is_alive() and code < 0
    if timer:
        timer.cancel()
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "code": None if killed else code, "maxrss_kb": ru.ru_maxrss, "cpu": ru.ru_utime + ru.ru_stime}))
"""


def fengong(*args: str) -> list[str]:
    return [sys.executable, "-m", "fengong", *args]


def measure(argv: list[str], work: Path, timeout: float = 0.0) -> dict:
    """Run *argv* once in a fresh wrapper; wall seconds, peak RSS (MiB), exit status, stderr tail."""
    out, err = work / "last.stdout", work / "last.stderr"
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, json.dumps(argv), str(timeout), str(out), str(err)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"the measuring wrapper failed: {proc.stderr}")
    r = json.loads(proc.stdout)
    tail = err.read_text("utf-8", "replace").strip().splitlines()[-3:]
    if r["code"] is None:
        status = "timeout"
    elif r["code"] == 0:
        status = "ok"
    elif r["code"] == 2 and any(re.search(r"No such (command|option)|no such option|Usage:", t) for t in tail):
        status = "not available"
    else:
        status = "failed"
    return {"wall": round(r["wall"], 3), "cpu": round(r["cpu"], 3), "rss_mb": round(r["maxrss_kb"] / 1024, 1),
            "status": status, "stderr": tail if status != "ok" else []}


def summarise(runs: list[dict]) -> dict:
    """Median, min, max of the successful runs' wall times; the largest peak memory."""
    ok = [r for r in runs if r["status"] == "ok"]
    status = "ok" if len(ok) == len(runs) else next(r["status"] for r in runs if r["status"] != "ok")
    walls = [r["wall"] for r in ok]
    return {
        "status": status,
        "median": round(statistics.median(walls), 3) if walls else None,
        "min": round(min(walls), 3) if walls else None,
        "max": round(max(walls), 3) if walls else None,
        "rss_mb": max((r["rss_mb"] for r in runs), default=None),
        "runs": len(runs),
        "stderr": next((r["stderr"] for r in runs if r["stderr"]), []),
    }


def library_queries() -> list:
    try:
        from fengong.querylib import list_queries
    except ImportError:
        return []
    return list_queries()


def query_args(info) -> list[str]:
    args = []
    for p in info.params:
        if p.name in QUERY_PARAMS:
            args += ["-p", f"{p.name}={QUERY_PARAMS[p.name]}"]
    return args


#: A fixed piece of fengong's own CPU work, the same at every size: the bundled plan parsed
#: 30 times in one process. This machine's speed varies from day to day; compare this
#: figure between two runs before comparing any other.
CALIBRATE = ("from fengong.build import bundled_path; from fengong.parse import parse_file; "
             "p = str(bundled_path()); [parse_file(p) for _ in range(30)]")


def stages_for(corpus: Path, work: Path, baseline: bool) -> list[dict]:
    """The stages to time on one corpus, in order (later stages read what earlier ones wrote)."""
    out, out_store, st = work / "out", work / "out-store", work / "st"
    trig = str(out / "plan.trig")
    stages = [
        {"name": "calibrate", "kind": "calibrate", "argv": [sys.executable, "-c", CALIBRATE]},
        {"name": "build", "kind": "build", "argv": fengong("build", str(corpus), "-o", str(out))},
        {"name": "build --format all", "kind": "build", "argv": fengong("build", str(corpus), "-o", str(work / "out-all"), "--format", "all")},
        {"name": "build --store", "kind": "build", "argv": fengong("build", str(corpus), "-o", str(out_store), "--store", str(st), "--no-views")},
        {"name": "load (oxigraph)", "kind": "load", "argv": fengong("query", "-e", "ASK { }", "--graph", trig)},
    ]
    if baseline:
        stages.append({"name": "load (rdflib)", "kind": "load", "engine": "memory",
                       "argv": fengong("query", "-e", "ASK { }", "--graph", trig, "--engine", "memory")})
    for info in library_queries():
        # --timeout 0: no limit inside fengong; the runner's own timeout stops a stage.
        args = ["query", info.name, *query_args(info), "-f", "csv", "--timeout", "0"]
        stages.append({"name": f"query {info.name}", "kind": "query", "query": info.name, "argv": fengong(*args, "--store", str(st))})
        stages.append({"name": f"query {info.name} (file)", "kind": "query-file", "query": info.name, "argv": fengong(*args, "--graph", trig)})
        if baseline:
            stages.append({"name": f"query {info.name} (rdflib)", "kind": "query-memory", "engine": "memory", "query": info.name,
                           "argv": fengong(*args, "--graph", trig, "--engine", "memory")})
    # The largest SELECT of the library in each output format (the query stages write CSV).
    stages += [{"name": f"query task-overview -f {fmt}", "kind": "format",
                "argv": fengong("query", "task-overview", "-f", fmt, "--timeout", "0", "--store", str(st))}
               for fmt in ("table", "tsv", "json", "md")]
    stages += [
        {"name": "analyze", "kind": "analyze", "argv": fengong("analyze", "--store", str(st), "--format", "json", "-o", str(work / "analysis.json"))},
        {"name": "matrix", "kind": "matrix", "argv": fengong("matrix", "--store", str(st), "-o", str(work / "matrix.csv"))},
        {"name": "viz agencies", "kind": "viz", "argv": fengong("viz", "--view", "agencies", "--store", str(st), "-o", str(work / "agencies.html"))},
    ]
    return stages


def corpus_stats(corpus: Path, work: Path) -> dict:
    """Size of a corpus and of its graph, and how its parse compares with the generator's truth."""
    from truth import compare

    from fengong.store import open_store

    truth = json.loads((corpus / "truth.json").read_text("utf-8"))
    stats = {"documents": len(truth["documents"]), "tasks": truth["tasks"],
             "bytes": sum(p.stat().st_size for p in corpus.glob("*.txt"))}
    if (work / "st").is_dir():
        store = open_store(store_dir=work / "st")
        stats["triples"] = len(store)
        stats["parse_check"] = compare(store, truth).summary()
    return stats


def run_size(size: int, args, work_root: Path, previous: dict | None = None) -> dict:
    corpus = work_root / f"corpus-{size}"
    if not (corpus / "truth.json").is_file() or json.loads((corpus / "truth.json").read_text("utf-8")).get("seed") != args.seed \
            or len(list(corpus.glob("*.txt"))) != size:
        shutil.rmtree(corpus, ignore_errors=True)
        t = time.perf_counter()
        generate_corpus(size, corpus, args.seed)
        log(f"[{size}] generated {size} documents in {time.perf_counter() - t:.1f} s")
    work = work_root / f"work-{size}"
    results: dict[str, dict] = {}
    if args.only:
        # Re-measure some stages only: keep the outputs and the other stages' figures.
        results = dict(previous.get("stages", {}))
        if not (work / "st").is_dir():
            raise SystemExit(f"--only needs the outputs of a full run in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    memory_ok = True
    for stage in stages_for(corpus, work, args.baseline):
        if args.only and not re.search(args.only, stage["name"]):
            continue
        if stage.get("engine") == "memory" and not memory_ok:
            results[stage["name"]] = {"status": "skipped", "note": "rdflib could not load the graph in time", "kind": stage["kind"]}
            continue
        repeat = args.baseline_repeat if stage.get("engine") == "memory" else args.repeat
        timeout = args.baseline_timeout if stage.get("engine") == "memory" else (
            args.query_timeout if stage["kind"].startswith("query") else args.timeout)
        runs = []
        for _ in range(repeat):
            runs.append(measure(stage["argv"], work, timeout))
            if runs[-1]["status"] in ("not available", "timeout", "failed"):
                break
        summary = summarise(runs)
        summary.update(kind=stage["kind"], command=" ".join(shorten(a, corpus, work) for a in stage["argv"][2:]))
        if "query" in stage:
            summary["query"] = stage["query"]
        results[stage["name"]] = summary
        if summary["status"] == "timeout":
            summary["limit"] = timeout
        if stage["name"] == "load (rdflib)" and summary["status"] != "ok":
            memory_ok = False
        log(f"[{size}] {stage['name']}: {fmt_summary(summary)}")
    inproc = previous.get("inprocess") if previous else None
    if args.inprocess and (not args.only or inproc is None):
        inproc = inprocess_queries(work, args.repeat, args.query_timeout)
        log(f"[{size}] queries in one process: " + ", ".join(
            f"{k} open {v.get('open')} s" for k, v in inproc.items()))
    return {"corpus": corpus_stats(corpus, work), "stages": results, "inprocess": inproc}


def shorten(arg: str, corpus: Path, work: Path) -> str:
    return arg.replace(str(corpus), "CORPUS").replace(str(work), "WORK")


def fmt_summary(s: dict) -> str:
    if s["status"] != "ok":
        return f"{s['status']} {' | '.join(s.get('stderr') or [])}"
    return f"median {s['median']:.2f} s (min {s['min']:.2f}, max {s['max']:.2f}), peak {s['rss_mb']:.0f} MiB"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def machine() -> dict:
    """The machine and the software the figures were measured with."""
    from importlib.metadata import PackageNotFoundError, version

    def ver(name):
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")), platform.processor()) \
        if Path("/proc/cpuinfo").exists() else platform.processor()
    mem = next((int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")), 0) \
        if Path("/proc/meminfo").exists() else 0
    return {
        "nproc": os.cpu_count(),
        "ram_gib": round(mem / 1024 / 1024, 1),
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": {n: ver(n) for n in ("fengong", "pyoxigraph", "rdflib", "networkx", "numpy", "scipy", "pyvis", "click")},
    }


# -- library queries inside one process ------------------------------------------------------

_INPROCESS = r"""
import json, os, statistics, sys, time
from fengong.querylib import list_queries, run_query
from fengong.store import open_store
source, kind, repeat, params, limit, done = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4]), float(sys.argv[5]), set(json.loads(sys.argv[6]))
t = time.perf_counter()
store = open_store(store_dir=source) if kind == "store" else open_store(source)
print(json.dumps({"open": round(time.perf_counter() - t, 3)}), flush=True)
for info in list_queries():
    if info.name in done:
        continue
    p = {k: v for k, v in params.items() if info.param(k)}
    times, rows, status = [], None, "ok"
    for _ in range(repeat):
        t = time.perf_counter()
        try:
            rows = len(run_query(store, info, p, timeout=limit).rows)
        except Exception as exc:
            status = "timeout" if "time limit" in str(exc) else "failed"
            break
        times.append(time.perf_counter() - t)
    print(json.dumps({"query": info.name, "status": status, "rows": rows, "limit": limit,
                      "median": round(statistics.median(times), 4) if times else None,
                      "max": round(max(times), 4) if times else None}), flush=True)
    if status != "ok":
        os._exit(0)  # the engine thread cannot be stopped: leave, and let a new process go on
"""


def inprocess_queries(work: Path, repeat: int, limit: float) -> dict:
    """Every library query timed inside one process after one load: the engine's own
    latency, on the in-memory store (graph file) and on the on-disk store. A query
    past *limit* ends its process (its engine thread would go on eating a core);
    the rest are timed in a new one."""
    out = {}
    for kind, source in (("memory", work / "out" / "plan.trig"), ("store", work / "st")):
        result: dict = {"queries": {}}
        names = {q.name for q in library_queries()}
        while set(result["queries"]) != names:
            proc = subprocess.run([sys.executable, "-c", _INPROCESS, str(source), kind, str(repeat), json.dumps(QUERY_PARAMS),
                                   str(limit), json.dumps(sorted(result["queries"]))], capture_output=True, text=True)
            lines = [json.loads(l) for l in proc.stdout.splitlines() if l.strip()]
            if not lines:
                result["error"] = proc.stderr[-500:]
                break
            result.setdefault("open", lines[0]["open"])
            for line in lines[1:]:
                result["queries"][line.pop("query")] = line
            if len(lines) == 1:
                result["error"] = proc.stderr[-500:]
                break
        out[kind] = result
    return out


# -- profile and betweenness error -------------------------------------------------------


def profile_stage(results: dict, work_root: Path, size: int, top: int = 25) -> dict | None:
    """cProfile the slowest non-baseline stage at *size*: the functions where its time goes."""
    stages = results["sizes"][str(size)]["stages"]
    timed = [(s["median"], name) for name, s in stages.items() if s.get("median") and s["kind"] not in ("query-memory", "load")]
    if not timed:
        return None
    _, name = max(timed)
    corpus, work = work_root / f"corpus-{size}", work_root / f"work-{size}"
    stage = next(s for s in stages_for(corpus, work, False) if s["name"] == name)
    prof = work / "profile.out"
    argv = [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "fengong", *stage["argv"][3:]]
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import pstats

    st = pstats.Stats(str(prof))
    total = st.total_tt
    rows = []
    for (file, line, func), (cc, nc, tt, ct, callers) in st.stats.items():
        rows.append({"function": f"{shorten_path(file)}:{line}({func})", "calls": nc, "tottime": round(tt, 3), "cumtime": round(ct, 3)})
    return {
        "stage": name, "size": size, "total": round(total, 2),
        "by_tottime": sorted(rows, key=lambda r: -r["tottime"])[:top],
        "by_cumtime": sorted(rows, key=lambda r: -r["cumtime"])[:top],
    }


def shorten_path(path: str) -> str:
    for marker in ("site-packages/", "/graph/", "/lib/python3"):
        if marker in path:
            return ("fengong/" if marker == "/graph/" else "") + path.split(marker, 1)[1]
    return path


def betweenness_error(size: int, work_root: Path, ks=(7, 10, 14, 20)) -> dict:
    """Sampled betweenness (per component, as ``analyze`` samples above its exact limit) against exact.

    The corpora's components are far below the exact limit, so sampling is forced
    (exact limit 10) with *ks* sources per component.
    """
    from scipy.stats import spearmanr

    from fengong.analysis import analyze, load_rules
    from fengong.store import open_store

    st = open_store(store_dir=work_root / f"work-{size}" / "st")
    rules = load_rules()["betweenness"]
    t = time.perf_counter()
    exact = {a.iri: a.betweenness for a in analyze(st, exact_max_nodes=10**9).all_agencies}
    t_exact = time.perf_counter() - t
    nodes = sorted(exact)
    e = [exact[n] for n in nodes]
    decile = max(1, len(nodes) // 10)
    top_exact = set(sorted(nodes, key=lambda n: -exact[n])[:decile])
    top10_exact = set(sorted(nodes, key=lambda n: -exact[n])[:10])
    sampled = []
    for k in ks:
        t = time.perf_counter()
        est = {a.iri: a.betweenness for a in analyze(st, exact_max_nodes=10, k=k, seed=rules["seed"]).all_agencies}
        seconds = time.perf_counter() - t
        s = [est[n] for n in nodes]
        errors = [abs(a - b) for a, b in zip(e, s)]
        sampled.append({
            "k": k, "seconds": round(seconds, 2),
            "max_abs_error": round(max(errors), 5), "mean_abs_error": round(statistics.fmean(errors), 6),
            "spearman": round(float(spearmanr(e, s).statistic), 4),
            "top_decile_overlap": round(len(top_exact & set(sorted(nodes, key=lambda n: -est[n])[:decile])) / decile, 3),
            "top10_same": len(top10_exact & set(sorted(nodes, key=lambda n: -est[n])[:10])),
        })
    return {
        "size": size, "agencies": len(nodes),
        "exact_max_nodes": rules["exact_max_nodes"], "k": rules["k"], "seed": rules["seed"],
        "seconds_exact": round(t_exact, 2), "max_exact": round(max(e), 5), "sampled": sampled,
    }


# -- BENCHMARKS.md --------------------------------------------------------------------------


def _s(x) -> str:
    return "–" if x is None else (f"{x:.2f}" if x < 100 else f"{x:.0f}")


def _cell(s: dict | None) -> str:
    if not s:
        return "–"
    if s["status"] == "timeout" and s.get("limit"):
        return f"> {s['limit']:g} (stopped)"
    if s["status"] != "ok":
        return s["status"]
    return _s(s["median"])


def _inproc(q: dict | None) -> str:
    if not q:
        return "–"
    if q["status"] == "timeout":
        return f"> {q['limit']:g} (stopped)"
    if q["status"] != "ok":
        return q["status"]
    return f"{q['median']:.3f}"


def render_markdown(results: dict) -> str:
    """The tables between the results markers of BENCHMARKS.md."""
    m = results["machine"]
    lines = [
        f"Measured {results['date']} on {m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, {m['os']}; "
        f"Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v) + ".",
        "",
        "Reproduce (from the repository root): " + ", ".join(
            sorted({f"`{results['sizes'][n].get('command', results['command'])}`" for n in results["sizes"]})),
        "",
        "Times are wall-clock seconds of the whole `fengong …` process (median of the runs, with min–max); "
        "memory is the peak resident set of that process.",
        "",
    ]
    sizes = sorted(results["sizes"], key=int)
    lines += ["### Corpora", "", "| documents | tasks | text | triples | parse check against the generator's truth |", "|---:|---:|---:|---:|---|"]
    for n in sizes:
        c = results["sizes"][n]["corpus"]
        lines.append(f"| {c['documents']:,} | {c['tasks']:,} | {c['bytes'] / 1e6:.1f} MB | {c.get('triples', 0):,} | {c.get('parse_check', '–')} |")
    for n in sizes:
        for note in results["sizes"][n].get("remeasured", []):
            lines.append(f"\n{int(n):,} documents: stages matching `{note.split(': ', 1)[1]}` re-measured on {note.split(': ', 1)[0]} "
                         "(`--only`), on the same outputs.")
    lines += ["", "### Stages", ""]
    header = "| stage | " + " | ".join(f"{int(n):,} doc{'s' if int(n) != 1 else ''}: median (min–max) s, peak MiB" for n in sizes) + " | growth 100→1,000 | floor (1,000 docs) |"
    lines += [header, "|---|" + "---:|" * len(sizes) + "---:|---|"]
    names = [k for k in results["sizes"][sizes[-1]]["stages"] if results["sizes"][sizes[-1]]["stages"][k]["kind"] in ("calibrate", "build", "load", "analyze", "matrix", "viz", "format")]
    names.sort(key=lambda k: k != "calibrate")  # first: it says how fast the machine was
    for name in names:
        row = [name]
        for n in sizes:
            s = results["sizes"][n]["stages"].get(name)
            row.append(_cell(s) if not s or s["status"] != "ok" else f"{_s(s['median'])} ({_s(s['min'])}–{_s(s['max'])}), {s['rss_mb']:.0f}")
        row.append(growth(results, name))
        row.append(floor_text(results, name))
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "### Library queries", "",
              "Each query as a whole process: on the on-disk store (`--store`), and on the graph file (`--graph out/plan.trig`) "
              "with Oxigraph and with rdflib's Memory store; *rdflib ÷ Oxigraph* compares the two engines on the same file (both "
              "times include reading the file: see *load* in the stages table). *In one process* is the engine alone: the graph is "
              "loaded once (in memory from the file, or the on-disk store opened) and each query timed on it (median of the runs), "
              "as `fengong serve` or a notebook would see it.", ""]
    for n in sizes:
        stages = results["sizes"][n]["stages"]
        queries = [s["query"] for k, s in stages.items() if s["kind"] == "query"]
        if not queries:
            continue
        inproc = results["sizes"][n].get("inprocess") or {}
        mem, disk = (inproc.get("memory") or {}).get("queries", {}), (inproc.get("store") or {}).get("queries", {})
        lines += [f"**{int(n):,} document{'s' if int(n) != 1 else ''}**", "",
                  "| query | --store s (max) | file, Oxigraph s | file, rdflib s | rdflib ÷ Oxigraph | in one process: memory s | on disk s |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for q in queries:
            a, b, c = stages.get(f"query {q}"), stages.get(f"query {q} (file)"), stages.get(f"query {q} (rdflib)")
            ratio = "–"
            if b and c and b["status"] == "ok" and c["status"] == "ok":
                ratio = f"{c['median'] / b['median']:.1f}×"
            elif c and c["status"] == "timeout" and c.get("limit") and b and b.get("median"):
                ratio = f"> {c['limit'] / b['median']:.0f}×"
            store = _cell(a) if not a or a["status"] != "ok" else f"{_s(a['median'])} ({_s(a['max'])})"
            lines.append(f"| {q} | {store} | {_cell(b)} | {_cell(c)} | {ratio} | {_inproc(mem.get(q))} | {_inproc(disk.get(q))} |")
        lines.append("")
    return "\n".join(lines)


def growth(results: dict, name: str) -> str:
    a, b = results["sizes"].get("100", {}).get("stages", {}).get(name), results["sizes"].get("1000", {}).get("stages", {}).get(name)
    if not a or not b or a["status"] != "ok" or b["status"] != "ok":
        return "–"
    exponent = math.log(b["median"] / a["median"]) / math.log(10)
    return f"×{b['median'] / a['median']:.1f} (n^{exponent:.2f})"


def floor_text(results: dict, name: str) -> str:
    key = name if name in FLOORS else None
    if key is None:
        return ""
    secs, mib = FLOORS[key]
    s = results["sizes"].get("1000", {}).get("stages", {}).get(name)
    want = f"≤ {secs:g} s" + (f", ≤ {mib / 1024:g} GB" if mib else "")
    if not s or s["status"] != "ok":
        return want
    ok = s["median"] <= secs and (mib is None or s["rss_mb"] <= mib)
    return f"{want}: {'met' if ok else '**missed**'}"


def write_markdown(results: dict, path: Path) -> None:
    text = path.read_text("utf-8") if path.exists() else f"# Benchmarks\n\n{MARK_START}\n{MARK_END}\n"
    if MARK_START not in text:
        text += f"\n{MARK_START}\n{MARK_END}\n"
    head, rest = text.split(MARK_START, 1)
    _, tail = rest.split(MARK_END, 1)
    body = render_markdown(results)
    extra = ""
    if results.get("betweenness_error", {}).get("sampled"):  # (results of older runners had another shape)
        b = results["betweenness_error"]
        extra += (f"\n### Sampled betweenness against exact ({b['size']} documents)\n\n"
                  f"{b['agencies']:,} actors; exact {b['seconds_exact']} s. `analyze` is exact for components of up to "
                  f"{b['exact_max_nodes']:,} agencies and samples k={b['k']} sources (seed {b['seed']}) of a bigger one; "
                  "here sampling is forced in every component:\n\n"
                  "| k per component | s | max abs error | mean abs error | Spearman | top decile | top 10 |\n"
                  "|---:|---:|---:|---:|---:|---:|---:|\n")
        extra += "".join(f"| {r['k']} | {r['seconds']} | {r['max_abs_error']} | {r['mean_abs_error']} | {r['spearman']} | "
                         f"{r['top_decile_overlap']:.0%} | {r['top10_same']}/10 |\n" for r in b["sampled"])
    if results.get("profile"):
        p = results["profile"]
        extra += (f"\n### Profile: `{p['stage']}` on {p['size']:,} documents ({p['total']} s under cProfile)\n\n"
                  "| function | calls | own s | cumulative s |\n|---|---:|---:|---:|\n")
        extra += "\n".join(f"| `{r['function']}` | {r['calls']:,} | {r['tottime']} | {r['cumtime']} |" for r in p["by_cumtime"][:25]) + "\n"
    _write(path, f"{head}{MARK_START}\n{body}{extra}\n{MARK_END}{tail}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1,100,1000", help="comma-separated corpus sizes in documents (default 1,100,1000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per stage (default 3)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--work", default=None, help="working directory for corpora and outputs (default: a temporary one under /tmp)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds before a fengong stage is stopped (default 1800)")
    ap.add_argument("--no-baseline", dest="baseline", action="store_false", help="skip rdflib's Memory store")
    ap.add_argument("--baseline-repeat", type=int, default=None, help="runs per rdflib stage (default: --repeat)")
    ap.add_argument("--baseline-timeout", type=float, default=600, help="seconds before an rdflib stage is stopped (default 600)")
    ap.add_argument("--query-timeout", type=float, default=120, help="seconds before a query stage is stopped (default 120)")
    ap.add_argument("--no-inprocess", dest="inprocess", action="store_false",
                    help="skip timing the library queries inside one process")
    ap.add_argument("--only", metavar="REGEX", help="re-measure only the stages whose name matches, keeping the rest of the results")
    ap.add_argument("--profile", action="store_true", help="cProfile the slowest stage of the largest size")
    ap.add_argument("--betweenness-error", type=int, metavar="SIZE", help="measure sampled against exact betweenness on this corpus size")
    ap.add_argument("--render", action="store_true", help="only rewrite BENCHMARKS.md from results.json")
    ap.add_argument("--results", default=str(HERE / "results.json"))
    ap.add_argument("--markdown", default=str(ROOT / "BENCHMARKS.md"))
    args = ap.parse_args(argv)
    args.baseline_repeat = args.baseline_repeat or args.repeat
    if args.render:
        write_markdown(json.loads(Path(args.results).read_text("utf-8")), Path(args.markdown))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    work_root = Path(args.work) if args.work else Path(tempfile.gettempdir()) / "fengong-bench"
    work_root.mkdir(parents=True, exist_ok=True)
    results_path = Path(args.results)
    results = json.loads(results_path.read_text("utf-8")) if results_path.exists() else {"sizes": {}}
    results.update(machine=machine(), date=datetime.now(timezone.utc).strftime("%Y-%m-%d"),
                   command="python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    for size in sizes:
        previous = results["sizes"].get(str(size), {})
        results["sizes"][str(size)] = run_size(size, args, work_root, previous)
        if args.only:
            results["sizes"][str(size)]["command"] = previous.get("command", results["command"])
            results["sizes"][str(size)]["date"] = previous.get("date", results["date"])
            results["sizes"][str(size)]["remeasured"] = list(dict.fromkeys(previous.get("remeasured", []) + [f"{results['date']}: {args.only}"]))
        else:
            results["sizes"][str(size)]["command"] = results["command"]
            results["sizes"][str(size)]["date"] = results["date"]
        save(results, results_path, Path(args.markdown))
    if args.betweenness_error:
        if not (work_root / f"work-{args.betweenness_error}" / "st").is_dir():
            results["sizes"][str(args.betweenness_error)] = run_size(args.betweenness_error, args, work_root)
        results["betweenness_error"] = betweenness_error(args.betweenness_error, work_root)
        log(f"betweenness: {results['betweenness_error']}")
    if args.profile and sizes:
        results["profile"] = profile_stage(results, work_root, max(sizes))
    save(results, results_path, Path(args.markdown))
    return 0


def save(results: dict, path: Path, markdown: Path) -> None:
    _write(path, json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    write_markdown(results, markdown)


def _write(path: Path, text: str) -> None:
    """UTF-8, atomically: a temporary file beside *path*, then a rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


if __name__ == "__main__":
    sys.exit(main())
