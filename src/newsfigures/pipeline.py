"""Glue for the extract stage: inputs in, validated tables out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd

from .extract import ExtractOptions, extract_articles
from .ingest import Problem, ingest
from .tables import FIGURE_COLUMNS, PROBLEM_COLUMNS, frame, validate_figures, write_table


def read_articles_for_extract(paths: list[Path], progress: bool | None = None
                              ) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Articles from files and folders, or from an ingested articles.parquet."""
    articles: list[dict[str, Any]] = []
    problems: list[Problem] = []
    raw_paths: list[Path] = []
    for path in paths:
        if path.is_file() and path.suffix.lower() == ".parquet":
            df = pd.read_parquet(path)
            missing = {"id", "file", "text"} - set(df.columns)
            if missing:
                problems.append(Problem(str(path), f"not an articles table (no {', '.join(sorted(missing))} column)",
                                        fix="give the articles.parquet written by `newsfigures ingest`"))
                continue
            df = df.astype(object).where(df.notna(), None)
            articles.extend(df.to_dict("records"))
        else:
            raw_paths.append(path)
    if raw_paths:
        result = ingest(raw_paths, progress=progress)
        articles.extend(a.as_row() for a in result.articles)
        problems.extend(result.problems)
    return articles, problems


def run_extract(articles: list[dict[str, Any]], problems: list[Problem], outs: list[Path],
                rejects_out: Path | None, rules_dir: str | None = None,
                default_country: str | None = "Ukraine", progress: bool | None = None) -> tuple[int, int]:
    """Extract, validate, then write: a table that fails its checks is never written."""
    options = ExtractOptions(default_country=default_country, rules_dir=rules_dir)
    failed_before = len(problems)
    rows = list(extract_articles(articles, options, progress=progress, total=len(articles), problems=problems))
    for problem in problems[failed_before:]:
        print(f"rejected: {problem}", file=sys.stderr)
    figures = frame(rows, FIGURE_COLUMNS)
    validate_figures(figures, {a["id"]: a["text"] for a in articles})
    for out in outs:
        write_table(figures, out)
    if rejects_out is not None:
        write_table(frame((p.as_row() for p in problems), PROBLEM_COLUMNS), rejects_out)
    return len(articles), len(figures)
