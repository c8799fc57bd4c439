"""Every notebook runs top to bottom with its default parameters, in the project's kernel."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import papermill as pm
import pytest

from conftest import ROOT
from newsfigures.config import KERNEL_NAME

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_project_kernel_is_registered_for_jupyterlab():
    listed = subprocess.run([sys.executable, "-m", "jupyter", "kernelspec", "list", "--json"],
                            capture_output=True, text=True, check=True)
    specs = json.loads(listed.stdout)["kernelspecs"]
    assert KERNEL_NAME in specs, "run `make setup` to register the kernel"
    assert Path(specs[KERNEL_NAME]["spec"]["argv"][0]).exists()


def test_notebooks_are_committed_without_outputs():
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        assert all(not c.get("outputs") and not c.get("execution_count") for c in cells if c["cell_type"] == "code")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_with_defaults(notebook, processed_project, tmp_path):
    out = tmp_path / notebook.name
    pm.execute_notebook(str(processed_project / "notebooks" / notebook.name), str(out),
                        kernel_name=KERNEL_NAME, cwd=str(processed_project / "notebooks"), progress_bar=False)
    executed = json.loads(out.read_text(encoding="utf-8"))
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    assert (processed_project / "data" / "processed" / "analyses" / "killed" / "chart.png").exists()
