"""The command line: help, output formats, rejects on stderr, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from newsfigures.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_help_explains_commands_and_exit_codes():
    result = run("--help")
    assert result.exit_code == 0
    for word in ("extract", "ingest", "evaluate", "report", "Exit codes"):
        assert word in result.output
    assert "--out" in run("extract", "--help").output


def test_extract_writes_csv_and_parquet_and_reports_rejects(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("At least 600 people were killed in Mariupol, officials said.\n")
    (folder / "empty.txt").write_text("")
    csv_out, parquet_out, rejects = tmp_path / "f.csv", tmp_path / "f.parquet", tmp_path / "rejects.csv"
    result = run("extract", str(folder), "--out", str(csv_out), "--out", str(parquet_out),
                 "--rejects", str(rejects))
    assert result.exit_code == 0
    assert "rejected: error: empty.txt: the file is empty" in result.stderr
    figures = pd.read_csv(csv_out)
    assert list(figures["value"]) == [600] and pd.read_parquet(parquet_out).shape == figures.shape
    assert {"article", "char_start", "char_end", "surface", "quote", "metric", "attributed_to"} <= set(figures)
    assert list(pd.read_csv(rejects)["file"]) == ["empty.txt"]


def test_missing_input_is_a_usage_error(tmp_path):
    result = run("extract", str(tmp_path / "nope"), "--out", str(tmp_path / "f.csv"))
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr and "fix:" in result.stderr


def test_unknown_output_format_is_a_usage_error(tmp_path):
    (tmp_path / "a.txt").write_text("Eight people were killed.\n")
    result = run("extract", str(tmp_path / "a.txt"), "--out", str(tmp_path / "f.xlsx"))
    assert result.exit_code == 2 and ".csv or .parquet" in result.stderr


def test_console_script_is_installed_and_quiet_without_a_terminal(tmp_path):
    (tmp_path / "a.txt").write_text("Eight people were killed in Kyiv.\n")
    exe = Path(sys.executable).parent / "newsfigures"
    done = subprocess.run([str(exe), "extract", str(tmp_path), "--out", str(tmp_path / "f.csv")],
                          capture_output=True, text=True)
    assert done.returncode == 0
    assert "extract:" not in done.stderr and "%|" not in done.stderr      # no progress bar off a terminal
    assert "extracted 1 figures from 1 articles" in done.stderr


def test_dictionary_lists_every_figures_column():
    output = run("dictionary", "figures").output
    for column in ("char_start", "attributed_to", "qualifier", "rate"):
        assert f"`{column}`" in output


def test_the_committed_data_dictionary_matches_the_code():
    committed = (Path(__file__).resolve().parent.parent / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert run("dictionary").output.strip() in committed
