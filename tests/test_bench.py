"""The benchmark command runs end to end on a tiny corpus and writes its table."""

from __future__ import annotations

import json

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
