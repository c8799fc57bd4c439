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


@pytest.fixture
def scratch_project(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the project's pipeline files and sample articles, as the root."""
    root = tmp_path / "project"
    root.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    shutil.copytree(RAW, root / "data" / "raw")
    (root / "data" / "processed").mkdir(parents=True)
    (root / "tests" / "gold").mkdir(parents=True)
    shutil.copy2(GOLD, root / "tests" / "gold" / "gold.csv")
    monkeypatch.setenv("NEWSFIGURES_ROOT", str(root))
    return root


@pytest.fixture
def processed_project(scratch_project: Path) -> Path:
    """The scratch project with ingest, extract and evaluate already run (no DVC)."""
    from newsfigures.config import Paths
    from newsfigures.evaluate import evaluate_files
    from newsfigures.ingest import ingest
    from newsfigures.pipeline import run_extract
    from newsfigures.tables import ARTICLE_COLUMNS, frame, write_table

    paths = Paths(scratch_project)
    result = ingest([paths.raw], progress=False)
    write_table(frame((a.as_row() for a in result.articles), ARTICLE_COLUMNS), paths.articles)
    run_extract([a.as_row() for a in result.articles], result.problems, [paths.figures], None, progress=False)
    evaluate_files(paths.figures, scratch_project / "tests" / "gold" / "gold.csv",
                   paths.processed / "scores.json")
    import pandas as pd

    from newsfigures.series import SERIES_COLUMNS, SUMMARY_COLUMNS, build_series, summarise

    series = build_series(pd.read_parquet(paths.figures))
    write_table(frame(series.to_dict("records"), SERIES_COLUMNS), paths.series)
    write_table(frame(summarise(series).to_dict("records"), SUMMARY_COLUMNS), paths.series_summary)
    return scratch_project
