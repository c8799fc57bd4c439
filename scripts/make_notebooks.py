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

overview = notebook([
    new_markdown_cell(
        "# How the figures changed: every series\n\n"
        "A *series* is the figures that count the same thing (same metric, population, place and named "
        "event). Each small chart is one series, in the order of the dates the figures refer to; the "
        "table below lists every report that revised a series up or down, or disagrees with another "
        "source for the same date.\n\n"
        "Run by `dvc repro` through papermill; open it in JupyterLab with the *Python (newsfigures)* kernel."),
    parameters(
        "# Keep one metric (empty: all metrics).\n"
        'metric = ""\n'
        "# Keep one place (empty: every place).\n"
        'location = ""\n'
        "# ISO dates: keep figures that refer to dates in this window (empty: no limit).\n"
        'start_date = ""\n'
        'end_date = ""\n'
        "# Series to show, comma-separated keys (empty: every series).\n"
        'series = ""\n'
        "# Show series with at least this many reports.\n"
        "min_reports = 2\n"
        "# Input table and output folder (empty: the project's data/processed paths).\n"
        'series_path = ""\n'
        'out_dir = ""'),
    new_code_cell(
        "from pathlib import Path\n\n"
        "import pandas as pd\n\n"
        "from newsfigures.analysis import select_series, write_overview\n"
        "from newsfigures.config import Paths\n\n"
        "paths = Paths()\n"
        "table = pd.read_parquet(series_path or paths.series)\n"
        "selected = select_series(table, metric=metric, location=location, start_date=start_date, end_date=end_date)\n"
        "if series:\n"
        "    selected = selected[selected['series_key'].isin([k.strip() for k in series.split(',')])]\n"
        "print(f\"{selected['series_key'].nunique()} series, {len(selected)} figures\")"),
    new_code_cell(
        "result = write_overview(selected, Path(out_dir) if out_dir else paths.analysis_dir('overview'),\n"
        "                        min_reports=int(min_reports))\n"
        "result.chart"),
    new_markdown_cell("## Latest, highest and conservative figure of each series"),
    new_code_cell("result.table[['series_label', 'reports', 'latest', 'highest', 'conservative', 'description']]"),
])

series = notebook([
    new_markdown_cell(
        "# One series, report by report\n\n"
        "Every report of one series, in order, each marked *up*, *down* or *unchanged* against the one "
        "before; *disagreement* flags a different value from another source for the same as-of date, and "
        "*conservative* the lowest sourced figure per date (as ACLED codes fatalities).\n\n"
        "Run by `dvc repro` for every series in `params.yaml` (`analyse.series`)."),
    parameters(
        "# Which series (a series_key from data/processed/series.csv).\n"
        'series_key = "killed--civilians--ukraine"\n'
        "# Title for the chart (empty: the series key).\n"
        'title = ""\n'
        "# Without a series_key: keep one metric and place instead.\n"
        'metric = ""\n'
        'location = ""\n'
        "# ISO dates: keep figures that refer to dates in this window (empty: no limit).\n"
        'start_date = ""\n'
        'end_date = ""\n'
        "# Input table and output folder (empty: the project's data/processed paths).\n"
        'series_path = ""\n'
        'out_dir = ""'),
    new_code_cell(
        "from pathlib import Path\n\n"
        "import pandas as pd\n\n"
        "from newsfigures.analysis import select_series, write_series_analysis\n"
        "from newsfigures.config import Paths\n\n"
        "paths = Paths()\n"
        "table = pd.read_parquet(series_path or paths.series)\n"
        "rows = select_series(table, series_key=series_key, metric=metric, location=location,\n"
        "                     start_date=start_date, end_date=end_date)\n"
        "name = series_key or f'{metric or \"all\"}--{location or \"all\"}'\n"
        "print(f'{len(rows)} reports in {name}')"),
    new_code_cell(
        "result = write_series_analysis(rows, name, title or name,\n"
        "                               Path(out_dir) if out_dir else paths.analysis_dir('series') / name)\n"
        "print(result.summary.get('description', 'No reports.'))\n"
        "result.chart"),
    new_markdown_cell("## The reports, with revisions"),
    new_code_cell("result.table"),
])

for name, nb in (("metric", metric), ("overview", overview), ("series", series)):
    nbformat.write(nb, HERE / f"{name}.ipynb")
    print("wrote", HERE / f"{name}.ipynb")
