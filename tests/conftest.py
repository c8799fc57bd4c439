"""Shared fixtures: the sample corpus, tiny article folders, a scratch project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
GOLD = ROOT / "tests" / "gold" / "gold.csv"
PROJECT_FILES = ["dvc.yaml", "params.yaml", "notebooks", "reports/report.qmd", "reports/_quarto.yml",
                 "reports/_typst-header.typ"]


@pytest.fixture
def extractor():
    from newsfigures.extract import Extractor

    return Extractor()


@pytest.fixture
def figures_of(extractor):
    """Figures of one piece of text, as dicts, with a publication date."""

    def run(text: str, published: str | None = "2022-03-21") -> list[dict]:
        return extractor.figures({"id": "t", "file": "t.txt", "text": text, "published": published,
                                  "publisher": "Test"})

    return run


def make_project(root: Path, raw: Path = RAW) -> Path:
    """A copy of the project's pipeline files with ``raw`` as data/raw."""
    root.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    shutil.copytree(raw, root / "data" / "raw")
    (root / "data" / "processed").mkdir(parents=True)
    (root / "tests" / "gold").mkdir(parents=True)
    shutil.copy2(GOLD, root / "tests" / "gold" / "gold.csv")
    return root


def run_stages(root: Path, analyses: bool = False) -> Path:
    """What dvc repro does, through the package's functions (fast, no DVC)."""
    import pandas as pd

    from newsfigures.analysis import (select_figures, select_series, write_metric_analysis, write_overview,
                                      write_series_analysis)
    from newsfigures.config import Paths, load_params
    from newsfigures.evaluate import evaluate_files
    from newsfigures.pipeline import run_extract, run_ingest, run_series

    paths = Paths(root)
    run_ingest([paths.raw], paths.articles, None, progress=False)
    run_extract([paths.articles], [paths.figures], None, progress=False)
    evaluate_files(paths.figures, root / "tests" / "gold" / "gold.csv", paths.processed / "scores.json",
                   paths.processed / "evaluation_errors.csv")
    run_series(paths.figures, [paths.series], [paths.series_summary])
    if analyses:
        params = load_params(root)["analyse"]
        figures = pd.read_parquet(paths.figures)
        for metric in params["metrics"]:
            write_metric_analysis(select_figures(figures, metric=metric), metric, paths.analysis_dir(metric))
        series = pd.read_parquet(paths.series)
        write_overview(series, paths.analysis_dir("overview"), params.get("min_reports", 2))
        for name, config in params["series"].items():
            write_series_analysis(select_series(series, config["key"]), config["key"], config["title"],
                                  paths.analysis_dir("series") / name)
    return root


@pytest.fixture
def scratch_project(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the project's pipeline files and sample articles, as the root."""
    root = make_project(tmp_path / "project")
    monkeypatch.setenv("NEWSFIGURES_ROOT", str(root))
    return root


@pytest.fixture
def processed_project(scratch_project: Path) -> Path:
    """The scratch project with ingest, extract, evaluate and series run (no DVC)."""
    return run_stages(scratch_project)


@pytest.fixture
def analysed_project(scratch_project: Path) -> Path:
    """The scratch project with every stage but the report run (no DVC)."""
    return run_stages(scratch_project, analyses=True)
