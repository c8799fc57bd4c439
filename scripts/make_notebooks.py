"""Regenerate the analysis notebooks' source (no outputs) from this script.

Notebooks are for reading and exploring; the logic they call lives in the
``newsfigures`` package. Run: python scripts/make_notebooks.py
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent.parent / "notebooks"

KERNEL = {"display_name": "Python (newsfigures)", "language": "python", "name": "newsfigures"}


def notebook(cells):
    nb = new_notebook(cells=cells, metadata={"kernelspec": KERNEL, "language_info": {"name": "python"}})
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    return nb


def parameters(source: str):
    cell = new_code_cell(source)
    cell.metadata["tags"] = ["parameters"]
    return cell


metric = notebook([
    new_markdown_cell(
        "# Reported figures for one metric\n\n"
        "How the figures of one metric (killed, injured, evacuated, trapped, ...) were reported "
        "across articles: each point is one figure from one article, at the date the article was "
        "published (switch to the as-of date above the chart). Bounds of vague quantities and ranges "
        "are drawn as vertical intervals; the marker shape is the qualifier.\n\n"
        "Run by `dvc repro` through papermill for every metric in `params.yaml` (`analyse.metrics`); "
        "open it in JupyterLab with the *Python (newsfigures)* kernel to explore."),
    parameters(
        "# One of the metrics in ANNOTATION.md.\n"
        'metric = "killed"\n'
        "# Keep only this place (empty: every place).\n"
        'location = ""\n'
        "# ISO dates: keep figures published in this window (empty: no limit).\n"
        'start_date = ""\n'
        'end_date = ""\n'
        "# Input table and output folder (empty: the project's data/processed paths).\n"
        'figures_path = ""\n'
        'out_dir = ""'),
    new_code_cell(
        "from pathlib import Path\n\n"
        "import pandas as pd\n\n"
        "from newsfigures.analysis import select_figures, write_metric_analysis\n"
        "from newsfigures.config import Paths\n\n"
        "paths = Paths()\n"
        "figures = pd.read_parquet(figures_path or paths.figures)\n"
        "selected = select_figures(figures, metric=metric, location=location,\n"
        "                          start_date=start_date, end_date=end_date)\n"
        "print(f\"{len(selected)} of {len(figures)} figures are '{metric}'\")"),
    new_code_cell(
        "result = write_metric_analysis(selected, metric, Path(out_dir) if out_dir else paths.analysis_dir(metric))\n"
        "result.chart"),
    new_markdown_cell("## The figures, with their quotes"),
    new_code_cell("result.table"),
])

nbformat.write(metric, HERE / "metric.ipynb")
print("wrote", HERE / "metric.ipynb")
