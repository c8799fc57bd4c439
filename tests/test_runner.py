"""Scale: same bytes with any number of processes or on Dask; per-article cache; isolation."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RAW
from newsfigures import runner
from newsfigures.corpus import generate
from newsfigures.extract import Extractor
from newsfigures.pipeline import run_extract


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    generate(60, folder, RAW, seed=7, target_chars=2500)
    return folder


@pytest.fixture(autouse=True)
def small_groups(monkeypatch):
    # Several row groups and batches even on a small corpus.
    monkeypatch.setattr(runner, "ROW_GROUP", 97)
    monkeypatch.setattr(runner, "BATCH_ARTICLES", 16)
    monkeypatch.setattr(runner, "CHUNK_ARTICLES", 3)


def extract(corpus: Path, out: Path, **kwargs) -> tuple[bytes, bytes]:
    out.mkdir(parents=True, exist_ok=True)
    n_articles, n_figures, problems = run_extract([corpus], [out / "f.csv", out / "f.parquet"], None,
                                                  progress=False, **kwargs)
    assert n_articles == 60 and n_figures > 100 and problems == []
    return (out / "f.csv").read_bytes(), (out / "f.parquet").read_bytes()


def test_jobs_give_the_same_bytes_as_one_process(corpus, tmp_path):
    assert extract(corpus, tmp_path / "one") == extract(corpus, tmp_path / "three", jobs=3)


def test_dask_local_cluster_gives_the_same_bytes(corpus, tmp_path):
    assert extract(corpus, tmp_path / "local") == extract(corpus, tmp_path / "dask", engine="dask", jobs=2)


def test_cache_skips_unchanged_articles_and_rules_invalidate_it(corpus, tmp_path, monkeypatch):
    calls = []
    real = Extractor.core_figures

    def counting(self, text, published):
        calls.append(1)
        return real(self, text, published)

    monkeypatch.setattr(Extractor, "core_figures", counting)
    cache = tmp_path / "cache"
    first = extract(corpus, tmp_path / "a", cache_dir=cache)
    assert len(calls) == 60
    calls.clear()
    assert extract(corpus, tmp_path / "b", cache_dir=cache) == first
    assert calls == []                                       # every article came from the cache
    (corpus / "new.txt").write_text("Eight people were killed in Kyiv on Monday, police said.\n")
    try:
        n_articles, _, _ = run_extract([corpus], [tmp_path / "c.csv"], None, progress=False, cache_dir=cache)
        assert n_articles == 61 and len(calls) == 1          # only the new article is extracted
    finally:
        (corpus / "new.txt").unlink()
    calls.clear()
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "metrics.yaml").write_text("metrics:\n  killed: [slaughtered]\n")
    run_extract([corpus], [tmp_path / "d.csv"], None, progress=False, cache_dir=cache, rules_dir=str(rules))
    assert len(calls) == 60                                  # new rules, new extractor version: no hits


def test_an_article_failing_in_a_worker_is_reported(corpus, tmp_path, monkeypatch):
    real = Extractor.core_figures

    def flaky(self, text, published):
        if "a000005" in text or text.startswith("BOOM"):
            raise RuntimeError("boom")
        return real(self, text, published)

    monkeypatch.setattr(Extractor, "core_figures", flaky)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad.txt").write_text("BOOM 8 people were killed.\n")
    for i, town in enumerate(["Kyiv", "Lviv", "Odesa", "Sumy"]):     # enough for two chunks: a real worker pool
        (folder / f"good{i}.txt").write_text(f"Eight people were killed in {town}.\n")
    n_articles, n_figures, problems = run_extract([folder], [tmp_path / "f.csv"], None, progress=False, jobs=2)
    assert (n_articles, n_figures) == (4, 4)
    assert [p.file for p in problems] == ["bad.txt"] and "boom" in problems[0].reason


def test_a_warm_run_never_builds_the_gazetteer(corpus, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = extract(corpus, tmp_path / "a", cache_dir=cache)

    def refuse(*args, **kwargs):
        raise AssertionError("a run served from the cache built the gazetteer")

    monkeypatch.setattr("newsfigures.extract.Gazetteer", refuse)
    assert extract(corpus, tmp_path / "b", cache_dir=cache, jobs=2) == first


def test_cache_key_comes_from_the_content_hash(tmp_path):
    import hashlib

    cache = runner.FigureCache(tmp_path, "v1")
    text = "Eight people were killed in Kyiv."
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert cache.key({"content_hash": digest, "published": "2022-03-01"}) == cache.key(
        {"text": text, "published": "2022-03-01"})
    assert cache.key({"text": text, "published": "2022-03-02"}) != cache.key({"text": text, "published": "2022-03-01"})
    assert runner.FigureCache(tmp_path / "b", "v2").key({"text": text}) != cache.key({"text": text})
    cache.close()


def test_tables_written_by_arrow_read_back_with_the_contract_dtypes(tmp_path):
    import pandas as pd
    import pyarrow as pa

    from newsfigures.tables import FIGURE_COLUMNS, all_tables, arrow_schema, frame

    for columns in all_tables().values():      # the same schema pandas would write, without pandas
        assert arrow_schema(columns).equals(pa.Schema.from_pandas(frame([], columns), preserve_index=False),
                                            check_metadata=True)
    rows = [{"article": "a.txt", "char_start": 3, "char_end": 6, "surface": "600", "value": 600,
             "quote": 'He said, "600\nwere killed"', "location": ""},
            {"article": "b.txt", "char_start": 0, "char_end": 4, "surface": "some", "value": None,
             "value_low": 2.0}]                  # a float count: coerced as tables.frame does
    writer = runner.TableWriter([tmp_path / "f.parquet", tmp_path / "f.csv"], FIGURE_COLUMNS)
    writer.add(rows)
    writer.close()
    table = pd.read_parquet(tmp_path / "f.parquet")
    assert str(table["value"].dtype) == "Int64" and list(table.columns) == list(FIGURE_COLUMNS)
    assert table["value"].tolist()[0] == 600 and pd.isna(table["value"].tolist()[1])
    assert table["value_low"].tolist()[1] == 2
    csv = pd.read_csv(tmp_path / "f.csv")
    assert csv["quote"][0] == 'He said, "600\nwere killed"' and list(csv.columns) == list(FIGURE_COLUMNS)
    assert (tmp_path / "f.csv").read_text().splitlines()[0] == ",".join(FIGURE_COLUMNS)


def test_row_groups_are_cut_by_text_size_the_same_way_however_rows_arrive(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from newsfigures.tables import ARTICLE_COLUMNS

    monkeypatch.setattr(runner, "ROW_GROUP_TEXT", 1000)
    from datetime import date

    rows = [{"id": f"a{i}", "file": f"a{i}.txt", "text": "x" * (150 + 37 * i), "n_chars": 150 + 37 * i}
            for i in range(40)]
    rows[5]["published"] = date(2022, 3, 1)      # not yet a string: counted as no text, coerced on writing
    whole = runner.TableWriter(tmp_path / "whole.parquet", ARTICLE_COLUMNS)
    whole.add(rows)
    whole.close()
    single = runner.TableWriter(tmp_path / "single.parquet", ARTICLE_COLUMNS)
    for row in rows:
        single.add([row])
    single.close()
    assert (tmp_path / "whole.parquet").read_bytes() == (tmp_path / "single.parquet").read_bytes()
    meta = pq.ParquetFile(tmp_path / "whole.parquet").metadata
    groups = [meta.row_group(g).num_rows for g in range(meta.num_row_groups)]
    assert sum(groups) == 40 and len(groups) > 10        # each group stops at the row that passes 1000 chars
    read = list(runner.iter_parquet_articles(tmp_path / "whole.parquet", batch_rows=3))
    assert [r["text"] for r in read] == [r["text"] for r in rows]
    assert read[5]["published"] == "2022-03-01"


def test_the_gazetteer_is_kept_on_disk_between_runs(tmp_path, monkeypatch):
    from newsfigures import places
    from newsfigures.rules import load_rules

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    rules = load_rules()
    places._gazetteer.cache_clear()
    built = places._gazetteer(rules.digest, rules)
    assert list((tmp_path / "newsfigures").glob(f"gazetteer-{rules.digest}-*.pickle"))
    places._gazetteer.cache_clear()
    monkeypatch.setattr(places, "_build_gazetteer", lambda rules: pytest.fail("rebuilt despite the stored copy"))
    assert places._gazetteer(rules.digest, rules) == built
    places._gazetteer.cache_clear()


def test_every_module_that_decides_figures_is_a_dependency_of_the_extract_stage():
    """Every module in the extractor version is a dependency of the extract stage, so DVC re-runs
    the stage when any of them changes (caseless.py was missing until this test)."""
    import yaml

    from conftest import ROOT
    from newsfigures import extract, native

    package = Path(extract.__file__).parent
    assert {p.name for p in package.glob("*.py")} >= set(native.EXTRACTOR_MODULES)
    deps = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]["extract"]["deps"]
    missing = [name for name in native.EXTRACTOR_MODULES if f"src/newsfigures/{name}" not in deps]
    assert not missing, f"add {missing} to the extract stage's deps in dvc.yaml"


def test_a_change_to_the_extractor_code_is_a_new_extractor_version(tmp_path):
    import shutil

    from newsfigures import extract, native

    package = Path(extract.__file__).parent
    for name in native.EXTRACTOR_MODULES:
        shutil.copy(package / name, tmp_path / name)
    assert extract.code_digest(tmp_path) == extract.code_digest() and extract.code_digest() in Extractor().version
    with open(tmp_path / "fields.py", "a") as handle:
        handle.write("\n# a changed rule of thumb\n")
    assert extract.code_digest(tmp_path) != extract.code_digest()      # so the cache misses


def _pid_and_square(n: int) -> tuple[int, int]:
    import os

    return os.getpid(), n * n


def _pid_then_sleep(path: str, seconds: float) -> None:
    import os
    import time

    Path(path + ".tmp").write_text(str(os.getpid()))
    os.replace(path + ".tmp", path)
    time.sleep(seconds)


def _until(condition, what: str, seconds: float = 60) -> None:
    """Wait for ``condition()``, failing with ``what`` after ``seconds`` (never hanging)."""
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def _task_and_its_worker(pool, marker: Path, seconds: float):
    """Start a task that sleeps ``seconds`` and wait until it runs: (its result, its worker's pid)."""
    task = pool.apply_async(_pid_then_sleep, (str(marker), seconds))
    _until(marker.exists, "the task never started")
    return task, int(marker.read_text())


def _whole_again(pool, dead: int) -> None:
    """Wait until the pool has replaced its dead worker: two live workers, neither of them it."""
    _until(lambda: (dead not in {w.pid for w in pool._pool} and len(pool._pool) == 2
                    and all(w.is_alive() for w in pool._pool)), "the dead worker was never replaced")


def test_the_quiet_pool_returns_in_order_and_its_handler_ends_on_close():
    pool = runner._quiet_pool(2)
    try:
        assert [sq for _, sq in pool.map(_pid_and_square, range(20), chunksize=1)] == [n * n for n in range(20)]
    finally:
        pool.close()
        pool.join()
    assert not pool._worker_handler.is_alive()


def test_the_quiet_pool_replaces_a_dead_worker(tmp_path):
    import os
    import signal

    pool = runner._quiet_pool(2)
    try:
        # Killed in the middle of a task. (An idle worker may be the one holding the task
        # queue's read lock, waiting for work: killed, it would take the lock with it and
        # stall every worker, a hazard of multiprocessing's own pool, not of this one.)
        _, victim = _task_and_its_worker(pool, tmp_path / "pid", 120)
        os.kill(victim, signal.SIGKILL)
        # Its handler still watches the workers: the dead one is replaced and work goes on.
        _whole_again(pool, victim)
        results = pool.map_async(_pid_and_square, range(40), chunksize=1).get(timeout=60)
        assert [sq for _, sq in results] == [n * n for n in range(40)]
        assert victim not in {pid for pid, _ in results}
    finally:
        pool.terminate()        # the killed task's result never comes: close() would wait for it
        pool.join()


def test_batches_in_flight_keep_articles_in_order(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "IN_FLIGHT", 1)
    one = extract(corpus, tmp_path / "one")
    monkeypatch.setattr(runner, "IN_FLIGHT", 5)
    assert extract(corpus, tmp_path / "many", jobs=2) == one


# Run in a fresh interpreter: pandas is imported in this one. Writes a table of good rows, then
# one that needs the writer's pandas fallback (a date object), then converts a categorical as a
# library caller might; prints what came of it.
_PROBE_RUN = r"""
import json, sys
from pathlib import Path
from newsfigures import runner
from newsfigures.tables import FIGURE_COLUMNS
out = Path(sys.argv[1])
if sys.argv[2] == "skip":
    runner.skip_pandas_probe()
good = [{"article": "a.txt", "sentence_index": 0, "char_start": 3, "char_end": 6, "surface": "600", "value": 600,
         "quote": "600 died"},
        {"article": "b.txt", "sentence_index": 1, "char_start": 0, "char_end": 4, "surface": "some", "value": None,
         "value_low": 2}]
writer = runner.TableWriter([out / "good.parquet", out / "good.csv"], FIGURE_COLUMNS)
writer.add(good)
writer.close()
after_good = "pandas" in sys.modules
import datetime
odd = [dict(good[1], published=datetime.date(2022, 3, 21))]    # not a string: through tables.frame (pandas)
writer = runner.TableWriter([out / "odd.parquet", out / "odd.csv"], FIGURE_COLUMNS)
writer.add(odd)
writer.close()
import pandas as pd
import pyarrow as pa
print(json.dumps({"pandas_after_good": after_good,
                  "categorical": str(pa.array(pd.Categorical(["x", "y", "x"])).type),
                  "nan_is_null": pa.array(pd.Series([1.0, float("nan")])).null_count == 1}))
"""


def _probe_run(tmp_path: Path, mode: str) -> tuple[dict, dict[str, bytes]]:
    import json
    import subprocess
    import sys

    out = tmp_path / mode
    out.mkdir()
    done = subprocess.run([sys.executable, "-c", _PROBE_RUN, str(out), mode], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_the_command_line_writes_tables_without_importing_pandas_and_the_same_bytes(tmp_path):
    skipped, skipped_files = _probe_run(tmp_path, "skip")
    usual, usual_files = _probe_run(tmp_path, "usual")
    assert usual["pandas_after_good"] is True          # what pyarrow does when left alone
    assert skipped["pandas_after_good"] is False
    assert set(skipped_files) == {"good.parquet", "good.csv", "odd.parquet", "odd.csv"}
    assert skipped_files == usual_files                # the fallback through pandas included
    # After the fallback's pandas entry point, pyarrow reads pandas objects as it always does.
    assert skipped == dict(usual, pandas_after_good=False)
    assert skipped["categorical"].startswith("dictionary") and skipped["nan_is_null"]


def test_the_probe_hook_refuses_pandas_to_its_own_thread_only():
    import threading

    hook = runner._NoPandasInThisThread()
    with pytest.raises(ImportError):
        hook.find_spec("pandas")
    with pytest.raises(ImportError):
        hook.find_spec("pandas.core.api")
    assert hook.find_spec("pandas_datareader") is None and hook.find_spec("numpy") is None
    seen: list[object] = []
    other = threading.Thread(target=lambda: seen.append(hook.find_spec("pandas")))
    other.start()
    other.join()
    assert seen == [None]


def test_the_extract_and_ingest_commands_skip_the_probe(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from newsfigures import cli

    calls: list[str] = []
    monkeypatch.setattr(runner, "skip_pandas_probe", lambda: calls.append("skip"))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("At least 12 people were killed in Kharkiv on Tuesday, officials said.\n")
    assert CliRunner().invoke(cli.main, ["ingest", str(folder), "--out", str(tmp_path / "a.parquet")]).exit_code == 0
    assert CliRunner().invoke(cli.main, ["extract", str(folder), "--out", str(tmp_path / "f.csv")]).exit_code == 0
    assert calls == ["skip", "skip"]


class _LoggedEngine:
    """Runs nothing: logs when work is started and waited for (no figures for any article)."""

    def __init__(self, elsewhere: bool) -> None:
        self.elsewhere = elsewhere
        self.log: list[str] = []

    def submit(self, chunks):
        self.log.append("start")

        def wait():
            self.log.append("wait")
            return [[] for chunk in chunks for _ in chunk]
        return wait


@pytest.mark.parametrize("elsewhere", [True, False])
def test_the_writer_prepares_once_while_work_elsewhere_is_first_waited_for(elsewhere):
    engine = _LoggedEngine(elsewhere)
    articles = [{"text": f"article {i}", "published": None} for i in range(40)]     # batches of 16, 16, 8
    out = list(runner.extract_stream(articles, engine, meanwhile=lambda: engine.log.append("prepare")))
    assert [a["text"] for a, _ in out] == [a["text"] for a in articles]
    if elsewhere:       # all three batches are with the workers before the first wait
        assert engine.log == ["start", "start", "start", "prepare", "wait", "wait", "wait"]
    else:               # work done here: nothing queued, nothing to overlap
        assert engine.log == ["start", "wait", "start", "wait", "start", "wait"]


# A worker that dies mid-run (here it kills itself on one article, as the out-of-memory killer
# would) must end the run with a plain error, never leave it waiting: run in a fresh interpreter
# under a timeout, through the API or the command line.
_KILLED_RUN = r"""
import os, signal, sys
from pathlib import Path
from newsfigures import runner
from newsfigures.extract import Extractor
parent = os.getpid()
real = Extractor.core_figures
def dying(self, text, published):
    if text.startswith("POISON") and os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(self, text, published)
Extractor.core_figures = dying
runner.BATCH_ARTICLES, runner.CHUNK_ARTICLES = 8, 2
folder, out, how = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
if how == "api":
    from newsfigures.pipeline import run_extract
    try:
        run_extract([folder], [out / "f.csv", out / "f.parquet"], None, progress=False, jobs=2)
    except runner.WorkerDied as exc:
        print("WorkerDied:", exc)
else:
    from newsfigures.cli import main
    main(["extract", str(folder), "--out", str(out / "f.csv"), "--jobs", "2"])
"""


@pytest.mark.parametrize("how", ["api", "cli"])
def test_a_worker_killed_mid_run_ends_it_with_a_plain_error_and_writes_nothing(tmp_path, how):
    import subprocess
    import sys

    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    out.mkdir()
    for i in range(30):
        (folder / f"a{i:02d}.txt").write_text(f"At least {i + 2} people were killed in Kharkiv, officials said.\n")
    (folder / "a15.txt").write_text("POISON: 12 people were killed.\n")
    done = subprocess.run([sys.executable, "-c", _KILLED_RUN, str(folder), str(out), how],
                          capture_output=True, text=True, timeout=120)
    said = "a worker process was killed by SIGKILL (most often the out-of-memory killer)"
    if how == "api":
        assert done.returncode == 0 and done.stdout.startswith("WorkerDied: " + said), done.stderr
    else:
        assert done.returncode == 1
        assert f"error: {said}" in done.stderr and "fix: run again with fewer --jobs" in done.stderr
    assert list(out.iterdir()) == []                    # no table, not even a partial one


def test_a_workers_end_is_said_in_plain_words():
    assert runner._worker_death(-9).startswith("a worker process was killed by SIGKILL (most often the out-of")
    assert "was killed by SIGSEGV in the middle" in runner._worker_death(-11)
    assert "exited with code 1 in the middle" in runner._worker_death(1)


def test_closing_the_engine_never_waits_on_a_worker_that_died_idle(tmp_path):
    import os
    import signal
    import threading

    from newsfigures.extract import ExtractOptions

    engine = runner.Engine(ExtractOptions(), jobs=2)
    wait = engine.submit([[("Eight people were killed in Kyiv.", None)], [("Two died in Lviv.", None)]])
    assert [len(rows) for rows in wait()] == [1, 1]
    # While one worker naps, the other is the only one waiting for work, so it holds the task
    # queue's read lock. Killed there, it keeps the lock, and the napper, done, waits for it
    # for ever: a graceful close() would never return.
    napping, napper = _task_and_its_worker(engine.pool, tmp_path / "pid", 1)
    holder = next(w.pid for w in engine.workers if w.pid != napper)
    os.kill(holder, signal.SIGKILL)
    napping.get(timeout=30)
    pool = engine.pool
    _whole_again(pool, holder)
    left = list(pool._pool)
    closing = threading.Thread(target=engine.close, daemon=True)
    closing.start()
    closing.join(timeout=30)
    assert not closing.is_alive(), "close() is waiting on a dead worker's lock"
    for worker in left:                          # and no worker is left behind
        worker.join(timeout=10)
        assert worker.exitcode is not None


_INTERRUPTED_RUN = r"""
import sys, time
from newsfigures.extract import Extractor
real = Extractor.core_figures
def slow(self, text, published):
    time.sleep(0.02)                             # a run that lasts long enough to be interrupted
    return real(self, text, published)
Extractor.core_figures = slow
from newsfigures.cli import main
main(["extract", sys.argv[1], "--out", sys.argv[2], "--jobs", "2", "--no-progress"])
"""


def test_ctrl_c_stops_a_parallel_run_at_once_and_writes_nothing(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    out.mkdir()
    for i in range(400):
        (folder / f"a{i:03d}.txt").write_text(f"At least {i + 2} people were killed in Kharkiv, officials said.\n")
    run = subprocess.Popen([sys.executable, "-c", _INTERRUPTED_RUN, str(folder), str(out / "f.parquet")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        time.sleep(2.5)                          # workers busy: 400 articles take them about 4 s
        assert run.poll() is None, run.communicate()[1]
        os.killpg(run.pid, signal.SIGINT)        # Ctrl-C: the whole process group gets it
        start = time.monotonic()
        _, err = run.communicate(timeout=60)
        took = time.monotonic() - start
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    assert run.returncode == 1 and err.strip().endswith("Aborted!")
    assert "Traceback" not in err                # the workers leave Ctrl-C to the parent
    assert took < 3, took                        # no wait for the lost work, nor for a lock
    assert list(out.iterdir()) == []
