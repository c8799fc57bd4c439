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


# Non-default parameters for each notebook, and a file each run must write.
NON_DEFAULT = {
    "metric": ({"metric": "trapped", "location": "Mariupol", "start_date": "2022-03-01", "end_date": "2022-04-30"},
               "analyses/trapped/chart.png"),
    "overview": ({"metric": "trapped", "min_reports": 1, "start_date": "2022-03-01"}, "analyses/overview/series.png"),
    "series": ({"series_key": "trapped--civilians--mariupol", "title": "Trapped in Mariupol",
                "end_date": "2022-03-31"}, "analyses/series/trapped--civilians--mariupol/chart.png"),
}
DEFAULT_OUTPUT = {"metric": "analyses/killed/chart.png", "overview": "analyses/overview/series.png",
                  "series": "analyses/series/killed--civilians--ukraine/chart.png"}


def run_notebook(project: Path, notebook: Path, out: Path, parameters: dict | None = None) -> None:
    pm.execute_notebook(str(project / "notebooks" / notebook.name), str(out), parameters=parameters or {},
                        kernel_name=KERNEL_NAME, cwd=str(project / "notebooks"), progress_bar=False)
    executed = json.loads(out.read_text(encoding="utf-8"))
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []


def test_every_notebook_has_a_test_case():
    assert {p.stem for p in NOTEBOOKS} == set(NON_DEFAULT) == set(DEFAULT_OUTPUT)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_with_defaults(notebook, processed_project, tmp_path):
    run_notebook(processed_project, notebook, tmp_path / notebook.name)
    assert (processed_project / "data" / "processed" / DEFAULT_OUTPUT[notebook.stem]).exists()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_with_other_parameters(notebook, processed_project, tmp_path):
    parameters, output = NON_DEFAULT[notebook.stem]
    run_notebook(processed_project, notebook, tmp_path / notebook.name, parameters)
    assert (processed_project / "data" / "processed" / output).exists()
