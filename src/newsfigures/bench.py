"""Benchmarks: throughput, memory, incremental runs, the quantulum3 baseline, report scale.

Every measurement runs the real command in a fresh process, on a synthetic
corpus recombined from real articles (:mod:`newsfigures.corpus`), and is
written to a JSON file and a Markdown table with the machine it ran on.
"""

from __future__ import annotations

import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

# Run extraction in a child process and report its wall time and peak memory
# (its own and its worker processes').
_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from newsfigures.pipeline import run_extract
from newsfigures.runner import skip_pandas_probe
skip_pandas_probe()                      # as `newsfigures extract` does
args = json.loads(sys.argv[1])
start = time.perf_counter()
n_articles, n_figures, problems = run_extract([Path(args["corpus"])], [Path(p) for p in args["outs"]], None,
    progress=False, jobs=args["jobs"], engine=args["engine"], cache_dir=Path(args["cache"]) if args["cache"] else None)
elapsed = time.perf_counter() - start
peak_kib = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"seconds": elapsed, "articles": n_articles, "figures": n_figures, "peak_mib": peak_kib / 1024}))
"""


def machine() -> dict[str, Any]:
    from .native import index_status, status

    info = {"python": platform.python_version(), "interpreter": interpreter(), "platform": platform.platform(),
            "cores": os.cpu_count(), "extractor": status(), "article_index": index_status()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().split()[1]
        info["memory_gib"] = round(int(mem) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


def interpreter() -> str:
    """This Python's executable, and where its interpreter lives: in the executable, or in a
    shared libpython, where the compiled extractor took about 18 % longer (scripts/python_build.py)."""
    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    try:
        maps = Path("/proc/self/maps").read_text(errors="replace")
    except OSError:
        return base
    shared = sorted({line.split()[-1] for line in maps.splitlines() if "libpython3" in line})
    return f"{base}, interpreter in " + (shared[0] if shared else "the executable")


def run_child(corpus: Path, outs: list[Path], jobs: int, engine: str = "local", cache: Path | None = None) -> dict:
    args = json.dumps({"corpus": str(corpus), "outs": [str(o) for o in outs], "jobs": jobs, "engine": engine,
                       "cache": str(cache) if cache else None})
    done = subprocess.run([sys.executable, "-c", _CHILD, args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark run failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def corpus_for(n: int, workdir: Path, source: Path, seed: int = 0) -> tuple[Path, int]:
    from .corpus import generate

    folder = workdir / f"corpus-{n}"
    stamp = folder / ".generated"
    if stamp.exists():
        return folder, int(stamp.read_text())
    size = generate(n, folder, source, seed=seed)
    stamp.write_text(str(size))
    return folder, size


def extraction(n: int, workdir: Path, source: Path, jobs: int, repeat: int = 1) -> dict[str, Any]:
    """Extraction timed ``repeat`` times in fresh processes. Rates come from the fastest run, as
    timeit reports (on a shared machine the slower runs measure other work too); every run's
    time is kept beside it, and the peak memory is the largest of any run."""
    folder, size = corpus_for(n, workdir, source)
    out = workdir / f"out-{n}-{jobs}"
    out.mkdir(exist_ok=True)
    runs = [run_child(folder, [out / "figures.parquet", out / "figures.csv"], jobs) for _ in range(max(1, repeat))]
    result = min(runs, key=lambda r: r["seconds"])
    mb = size / 1e6
    return {"articles_in": n, "mb": round(mb, 1), "jobs": jobs, "seconds": round(result["seconds"], 2),
            "seconds_runs": [round(r["seconds"], 2) for r in runs],
            "articles_per_s": round(result["articles"] / result["seconds"], 1),
            "mb_per_s": round(mb / result["seconds"], 2),
            "mb_per_s_per_core": round(mb / result["seconds"] / jobs, 2),
            "figures": result["figures"], "peak_mib": round(max(r["peak_mib"] for r in runs), 1)}


def stage_command(articles: Path, outs: list[Path], jobs: int, cache: Path) -> float:
    """Wall time of the extract stage's own command line (as dvc.yaml runs it), start-up included."""
    cli = Path(sys.executable).with_name("newsfigures")
    command = [str(cli) if cli.exists() else "newsfigures", "extract", str(articles)]
    for out in outs:
        command += ["--out", str(out)]
    command += ["--jobs", str(jobs), "--cache-dir", str(cache), "--no-progress"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"benchmark run failed: {done.stderr[-2000:]}")
    return elapsed


def incremental(n: int, workdir: Path, source: Path, jobs: int) -> dict[str, Any]:
    """Time the extract stage, as DVC runs it (``newsfigures extract articles.parquet`` with
    the cache, process start-up included), after adding one article to an n-article corpus.
    Ingest is its own stage and is not timed."""
    from .pipeline import run_ingest

    folder, _ = corpus_for(n, workdir, source)
    cache = workdir / f"cache-{n}"
    articles = workdir / f"articles-{n}.parquet"
    outs = [workdir / f"inc-{n}.parquet", workdir / f"inc-{n}.csv"]
    run_ingest([folder], articles, None, progress=False)
    if cache.exists():
        import shutil

        shutil.rmtree(cache)                  # cold means an empty cache
    cold = stage_command(articles, outs, jobs, cache)
    extra = folder / "zz-added.txt"
    # A new text each run, so the added article is never already in the cache.
    extra.write_text(f"At least 12 people were killed in Kharkiv on Tuesday, officials said. (run {time.time_ns()})\n",
                     encoding="utf-8")
    try:
        run_ingest([folder], articles, None, progress=False)
        warm = stage_command(articles, outs, jobs, cache)
    finally:
        extra.unlink()
    return {"articles_in": n, "cold_seconds": round(cold, 2), "one_added_seconds": round(warm, 2)}


def _per_pass(work: Any, repeat: int, at_least: float = 0.2) -> tuple[float, Any]:
    """(seconds per call of ``work()``, what it returned), as ``timeit`` measures: calls grouped
    so that each timing lasts at least ``at_least`` seconds (a 15 ms pass timed alone is at the
    mercy of a moment's stall on a shared VM), the fastest of ``repeat`` timings."""
    return _in_turn([work], repeat, at_least)[0]


def _in_turn(works: list[Any], repeat: int, at_least: float = 0.2) -> list[tuple[float, Any]]:
    """:func:`_per_pass` of each of ``works``, timed in turn: one timing of each, then the next
    round, so a VM whose speed drifts over the minutes a comparison takes slows every side
    alike (timed one after the other, the side timed while it was faster would gain)."""
    numbers: list[int] = []
    found: list[Any] = []
    for work in works:
        start = time.perf_counter()
        found.append(work())
        once = time.perf_counter() - start
        numbers.append(max(1, int(at_least / max(once, 1e-9)) + 1) if once < at_least else 1)
    best: list[float] = [float("inf")] * len(works)
    for _ in range(max(1, repeat)):
        for k, work in enumerate(works):
            start = time.perf_counter()
            for _ in range(numbers[k]):
                work()
            best[k] = min(best[k], (time.perf_counter() - start) / numbers[k])
    return list(zip(best, found))


def baseline(workdir: Path, source: Path, sentences: int, seed: int = 0, repeat: int = 1) -> dict[str, Any]:
    """newsfigures against quantulum3, per sentence, on the same sentences: each pass over them
    timed as ``timeit`` does (see :func:`_per_pass`), the two in turn (see :func:`_in_turn`),
    the fastest of ``repeat`` timings each. Every timing lasts at least a second, about one
    quantulum3 pass: timings of equal length meet a VM's bursts of slowness alike (the fastest
    of a few short timings of one side against long ones of the other favours the short)."""
    from quantulum3 import parser

    from .corpus import sample_sentences
    from .extract import Extractor

    folder, _ = corpus_for(1000, workdir, source)
    pool = sample_sentences(folder)
    sample = random.Random(seed).sample(pool, min(sentences, len(pool)))
    extractor = Extractor()
    for text in sample[:20]:                       # warm both up
        extractor.core_figures(text, "2022-03-21")
        parser.parse(text)
    (ours_s, ours), (theirs_s, theirs) = _in_turn([
        lambda: sum(len(extractor.core_figures(text, "2022-03-21")) for text in sample),
        lambda: sum(len(parser.parse(text)) for text in sample)], repeat, at_least=1.0)
    return {"sentences": len(sample), "newsfigures_us_per_sentence": round(ours_s / len(sample) * 1e6, 1),
            "quantulum3_us_per_sentence": round(theirs_s / len(sample) * 1e6, 1),
            "speedup": round(theirs_s / ours_s, 1), "newsfigures_figures": ours, "quantulum3_quantities": theirs}


def report_scale(workdir: Path, source: Path, n_series: int = 100) -> dict[str, Any]:
    """Render the report with ``n_series`` configured series (fallback renderer)."""
    import shutil

    import yaml

    from .analysis import select_series, write_series_analysis
    from .config import Paths, project_root
    from .render import render_report

    root = workdir / "report-project"
    if root.exists():
        shutil.rmtree(root)
    here = project_root(Path(__file__).resolve().parent)
    for name in ("dvc.yaml", "params.yaml", "reports/report.qmd", "reports/_quarto.yml", "reports/_typst-header.typ"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(here / name, root / name)
    folder, _ = corpus_for(1000, workdir, source)
    paths = Paths(root)
    from .pipeline import run_extract, run_ingest, run_series

    run_ingest([folder], paths.articles, None, progress=False)
    run_extract([paths.articles], [paths.figures], None, progress=False, jobs=os.cpu_count() or 1)
    series = run_series(paths.figures, [paths.series], [paths.series_summary])
    keys = series["series_key"].value_counts().index[:n_series]
    params = yaml.safe_load(paths.params_file.read_text())
    params["analyse"]["metrics"] = []
    params["analyse"]["series"] = {f"s{i}": {"key": key, "title": key} for i, key in enumerate(keys)}
    paths.params_file.write_text(yaml.safe_dump(params))
    for name, config in params["analyse"]["series"].items():
        write_series_analysis(select_series(series, config["key"]), config["key"], config["title"],
                              paths.analysis_dir("series") / name)
    os.environ["NEWSFIGURES_ROOT"] = str(root)
    start = time.perf_counter()
    render_report("fallback", paths=paths)
    return {"series": len(keys), "report_seconds": round(time.perf_counter() - start, 1)}


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [f"Machine: {m.get('cpu', '?')}, {m.get('cores')} cores, {m.get('memory_gib', '?')} GiB, "
             f"Python {m['python']} ({m.get('interpreter', 'interpreter not recorded')}). Run: {results['when']}.", "",
             f"Extractor: {m.get('extractor', 'pure Python')}; article index: {m.get('article_index', 'not recorded')}.", "",
             "Seconds: the fastest of the runs listed (rates come from it); peak memory: the largest of them.", "",
             "| articles | MB | jobs | seconds | every run (s) | articles/s | MB/s | MB/s per core | peak memory (MiB) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results.get("extraction", []):
        runs = " / ".join(str(s) for s in r.get("seconds_runs", [r["seconds"]]))
        lines.append(f"| {r['articles_in']:,} | {r['mb']} | {r['jobs']} | {r['seconds']} | {runs} | "
                     f"{r['articles_per_s']} | {r['mb_per_s']} | {r['mb_per_s_per_core']} | {r['peak_mib']} |")
    for r in results.get("incremental", []):
        lines += ["", f"Incremental: {r['articles_in']:,} articles extracted cold in {r['cold_seconds']} s; "
                      f"after adding one article, the extract stage command took {r['one_added_seconds']} s "
                      "(warm cache, wall time including start-up)."]
    b = results.get("baseline")
    if b:
        lines += ["", f"Baseline, same {b['sentences']} sentences: newsfigures {b['newsfigures_us_per_sentence']} µs "
                      f"per sentence, quantulum3 {b['quantulum3_us_per_sentence']} µs: **{b['speedup']}×**."]
    r = results.get("report")
    if r:
        lines += ["", f"Report with {r['series']} series (fallback renderer): {r['report_seconds']} s."]
    return "\n".join(lines) + "\n"


def run(sizes: list[int], jobs: list[int], workdir: Path, source: Path, out: Path, baseline_sentences: int,
        incremental_size: int | None, report_series: int | None, repeat: int = 1) -> dict[str, Any]:
    workdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"machine": machine(), "when": time.strftime("%Y-%m-%d %H:%M"), "extraction": []}
    for n in sizes:
        for j in jobs:
            row = extraction(n, workdir, source, j, repeat)
            results["extraction"].append(row)
            print(json.dumps(row), file=sys.stderr)
    if incremental_size:
        results["incremental"] = [incremental(incremental_size, workdir, source, max(jobs))]
        print(json.dumps(results["incremental"]), file=sys.stderr)
    if baseline_sentences:
        results["baseline"] = baseline(workdir, source, baseline_sentences, repeat=repeat)
        print(json.dumps(results["baseline"]), file=sys.stderr)
    if report_series:
        results["report"] = report_scale(workdir, source, report_series)
        print(json.dumps(results["report"]), file=sys.stderr)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(markdown(results), encoding="utf-8")
    return results
