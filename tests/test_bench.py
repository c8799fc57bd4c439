"""The benchmark command runs end to end on a tiny corpus and writes its table."""

from __future__ import annotations

import json
import time

from click.testing import CliRunner

from conftest import RAW
from newsfigures.cli import main


def test_bench_writes_results_and_a_markdown_table(tmp_path):
    out = tmp_path / "results.json"
    result = CliRunner().invoke(main, ["bench", "--sizes", "30", "--jobs", "1", "--workdir", str(tmp_path / "work"),
                                       "--source", str(RAW), "--out", str(out), "--baseline-sentences", "20",
                                       "--incremental-size", "30", "--report-series", "0", "--repeat", "2"],
                                catch_exceptions=False)
    assert result.exit_code == 0
    results = json.loads(out.read_text())
    row = results["extraction"][0]
    assert row["articles_in"] == 30 and row["figures"] > 0 and row["peak_mib"] > 0
    assert len(row["seconds_runs"]) == 2 and row["seconds"] == min(row["seconds_runs"])
    assert results["baseline"]["quantulum3_us_per_sentence"] > 0
    assert results["incremental"][0]["one_added_seconds"] > 0
    table = out.with_suffix(".md").read_text()
    assert "MB/s per core" in table and "quantulum3" in table and "cores" in table
    assert " / ".join(str(s) for s in row["seconds_runs"]) in table and "fastest of the runs" in table
    assert results["machine"]["interpreter"] in table          # which Python build the times are from


def test_a_short_pass_is_timed_in_groups_that_last_long_enough() -> None:
    """The baseline times passes as timeit does: a pass much shorter than the minimum is run
    many times per timing, and the time given is per pass."""
    from newsfigures.bench import _per_pass

    calls: list[int] = []

    def work() -> int:
        calls.append(1)
        return 7

    seconds, found = _per_pass(work, repeat=2, at_least=0.01)
    assert found == 7
    assert len(calls) > 100                 # the first call, then two timings of many calls
    assert 0 < seconds < 0.001
    slow_calls: list[int] = []
    seconds, _ = _per_pass(lambda: slow_calls.append(time.sleep(0.02)) or 1, repeat=2, at_least=0.01)
    assert len(slow_calls) == 3 and seconds >= 0.02        # long enough alone: one call a timing


def test_the_sides_of_a_comparison_are_timed_in_turn() -> None:
    """Each round times every side once: a drift in the machine's speed reaches both."""
    from newsfigures.bench import _in_turn

    order: list[str] = []
    results = _in_turn([lambda: order.append("a") or 1, lambda: order.append("b") or time.sleep(0.02) or 2],
                       repeat=3, at_least=0.01)
    assert [found for _, found in results] == [1, 2]
    assert order[:2] == ["a", "b"]                              # each called once first
    rounds = "".join(order[2:])
    assert rounds.count("b") == 3 and rounds.endswith("b") and "bb" not in rounds    # a's group, b, a's group, b…
    assert results[1][0] >= 0.02 and results[0][0] < results[1][0]


def test_the_interpreter_recorded_is_where_the_dynamic_loader_finds_it() -> None:
    """The machine record says whether this Python's interpreter is a shared libpython (the
    extractor runs slower there): as ldd lists the executable's libraries."""
    import os
    import shutil
    import subprocess
    import sys

    import pytest

    from newsfigures.bench import interpreter

    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    if shutil.which("ldd") is None or not os.path.exists("/proc/self/maps"):
        pytest.skip("needs ldd and /proc (Linux)")
    libraries = subprocess.run(["ldd", base], capture_output=True, text=True).stdout
    found = interpreter()
    assert found.startswith(base + ", interpreter in ")
    assert found.endswith("the executable") == ("libpython3" not in libraries)
