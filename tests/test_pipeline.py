"""End to end: `dvc repro` in a fresh copy of the project renders the report, then does nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def tracked_files() -> list[str]:
    done = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [line for line in done.stdout.splitlines() if line]


def test_dvc_repro_in_a_fresh_copy(tmp_path):
    copy = tmp_path / "newsfigures"
    for name in tracked_files():
        if not (ROOT / name).exists():
            continue
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               DVC_NO_ANALYTICS="1", GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t")
    env.pop("NEWSFIGURES_ROOT", None)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(list(args), cwd=copy, env=env, capture_output=True, text=True)

    for args in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "copy"]):
        assert run(*args).returncode == 0
    first = run("dvc", "repro")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "renderer:" in first.stdout
    for name in ("report.html", "report.pdf"):
        assert (copy / "reports" / name).stat().st_size > 10_000
    for name in ("articles.parquet", "figures.parquet", "figures.csv", "scores.json"):
        assert (copy / "data" / "processed" / name).exists()

    status = run("dvc", "status")
    assert status.returncode == 0 and "up to date" in status.stdout
    second = run("dvc", "repro")
    assert second.returncode == 0 and "Running stage" not in second.stdout
