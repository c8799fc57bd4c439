"""The ingest and extract stages: inputs in, validated tables out, streamed."""

from __future__ import annotations

import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterable, Iterator

from .extract import ExtractOptions
from .ingest import Article, Problem, iter_ingest
from .runner import Engine, FigureCache, TableWriter, extract_stream, extractor_for, iter_parquet_articles
from .tables import ARTICLE_COLUMNS, FIGURE_COLUMNS, METRICS, PROBLEM_COLUMNS, QUALIFIERS, ValidationError


def iter_inputs(paths: list[Path], problems: list[Problem], progress: bool | None = None) -> Iterator[dict[str, Any]]:
    """Articles from files and folders, or from an ingested articles.parquet, streamed."""
    raw_paths: list[Path] = []
    for path in paths:
        if path.is_file() and path.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            missing = {"id", "file", "text"} - set(pq.ParquetFile(path).schema_arrow.names)
            if missing:
                problems.append(Problem(str(path), f"not an articles table (no {', '.join(sorted(missing))} column)",
                                        fix="give the articles.parquet written by `newsfigures ingest`"))
                continue
            yield from iter_parquet_articles(path)
        else:
            raw_paths.append(path)
    if raw_paths:
        for article in _reported(iter_ingest(raw_paths, progress=progress), problems):
            yield article.as_row()


def _reported(items: Iterable[Article | Problem], problems: list[Problem]) -> Iterator[Article]:
    """The articles of an ingest stream; its problems are listed and said on stderr as they come."""
    for item in items:
        if isinstance(item, Problem):
            problems.append(item)
            _say(item)
        else:
            yield item


def _say(problem: Problem) -> None:
    label = "rejected" if problem.level == "error" else problem.level
    print(f"{label}: {problem}", file=sys.stderr)


def check_rows(article: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """The figures contract, per article, before anything is written."""
    text = article.get("text") or ""
    for row in rows:
        if text[row["char_start"]:row["char_end"]] != row["surface"]:
            raise ValidationError(f"{article.get('file')}: surface {row['surface']!r} is not at "
                                  f"{row['char_start']}:{row['char_end']}")
        if row["metric"] not in METRICS or row["qualifier"] not in QUALIFIERS:
            raise ValidationError(f"{article.get('file')}: unknown metric or qualifier in {row['surface']!r}")
        if row["value"] is None and row["value_low"] is None:
            raise ValidationError(f"{article.get('file')}: {row['surface']!r} has neither value nor bounds")


def run_extract(paths: list[Path], outs: list[Path], rejects_out: Path | None, rules_dir: str | None = None,
                default_country: str | None = "Ukraine", progress: bool | None = None, jobs: int = 1,
                engine: str = "local", scheduler: str | None = None, cache_dir: Path | None = None
                ) -> tuple[int, int, list[Problem]]:
    """Extract, check, write. A table that breaks its contract is never put in place."""
    from tqdm import tqdm

    if "numpy" not in sys.modules:
        # Nothing here does linear algebra: OpenBLAS's threads (numpy comes with pyarrow) would
        # only spin beside the extraction workers, on the same cores. A user's setting wins.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    options = ExtractOptions(default_country=default_country, rules_dir=rules_dir)
    extractor = extractor_for(asdict(options))
    problems: list[Problem] = []
    writer = TableWriter(list(outs), FIGURE_COLUMNS)
    runner = Engine(options, jobs=jobs, engine=engine, scheduler=scheduler)
    cache = FigureCache(cache_dir, extractor.version) if cache_dir else None
    n_articles = n_figures = 0
    try:
        stream = extract_stream(iter_inputs(paths, problems, progress), runner, cache, meanwhile=writer.prepare)
        for article, core in tqdm(stream, desc="extract", unit="article", disable=None if progress is None else not progress):
            if isinstance(core, str):
                problem = Problem(str(article.get("file")), core, fix="report this as a bug with the article attached")
                problems.append(problem)
                _say(problem)
                continue
            check_rows(article, core)
            writer.add_columns(extractor.attach_columns(article, core, writer.names), len(core))
            n_articles += 1
            n_figures += len(core)
        writer.close()
    except BaseException:
        writer.abort()
        raise
    finally:
        runner.close()
        if cache:
            cache.close()
    if rejects_out is not None:
        write_problems(problems, rejects_out)
    return n_articles, n_figures, problems


def write_problems(problems: list[Problem], path: Path) -> None:
    writer = TableWriter(path, PROBLEM_COLUMNS)
    writer.add([p.as_row() for p in problems])
    writer.close()


def run_ingest(paths: list[Path], out: Path, problems_out: Path | None, progress: bool | None = None
               ) -> tuple[int, list[Problem]]:
    """Articles into a table written in row groups; problems listed and returned."""
    problems: list[Problem] = []
    writer = TableWriter(out, ARTICLE_COLUMNS)
    count = 0
    try:
        for article in _reported(iter_ingest(paths, progress=progress), problems):
            writer.add([article.as_row()])
            count += 1
        writer.close()
    except BaseException:
        writer.abort()
        raise
    if problems_out:
        write_problems(problems, problems_out)
    return count, problems


def run_series(figures: Path, outs: list[Path], summary_outs: list[Path]) -> Any:
    """The series stage: figures (.parquet or .csv) grouped into series, written with their summary.
    Returns the series rows."""
    import pandas as pd

    from .series import SERIES_COLUMNS, SUMMARY_COLUMNS, build_series, summarise
    from .tables import frame, write_table

    table = pd.read_parquet(figures) if figures.suffix.lower() == ".parquet" else pd.read_csv(figures)
    rows = build_series(table)
    for out in outs:
        write_table(frame(rows.to_dict("records"), SERIES_COLUMNS), out)
    summary = summarise(rows)
    for out in summary_outs:
        write_table(frame(summary.to_dict("records"), SUMMARY_COLUMNS), out)
    return rows
