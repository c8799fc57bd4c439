"""The report's content, as Markdown blocks the Quarto document prints.

``reports/report.qmd`` calls these functions in its code cells (``output:
asis``), so Quarto and the fallback renderer show the same content. Article
text is untrusted: every string that comes from an article goes through
:func:`md_text`, which makes it literal text in Markdown, HTML and Typst.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from .charts import embed_snippet
from .config import Paths, load_params
from .tables import dictionary_markdown

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~^<>$@&%=:;\"'/?,])")


def md_text(value: Any) -> str:
    """Untrusted text as literal Markdown: every punctuation mark escaped, one line."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def _paths() -> Paths:
    return Paths()


def _metrics() -> list[str]:
    return list(load_params().get("analyse", {}).get("metrics", []))


def _read_figures(paths: Paths) -> pd.DataFrame:
    return pd.read_parquet(paths.figures)


def _read_articles(paths: Paths) -> pd.DataFrame:
    return pd.read_parquet(paths.articles)


def summary() -> str:
    """What the corpus reports: articles, publishers, date span, figures found."""
    paths = _paths()
    articles, figures = _read_articles(paths), _read_figures(paths)
    published = pd.to_datetime(articles["published"], errors="coerce").dropna()
    span = (f"{published.min():%d %B %Y} to {published.max():%d %B %Y}" if len(published) else "unknown dates")
    publishers = ", ".join(md_text(p) for p in sorted(articles["publisher"].dropna().unique())) or "unknown"
    lines = [
        f"This report covers **{len(articles)} articles** from {publishers}, published {span}. "
        f"The extractor found **{len(figures)} reported figures** in them.",
        "",
        "| metric | figures | articles |",
        "|---|---:|---:|",
    ]
    for metric, group in figures.groupby("metric"):
        lines.append(f"| {md_text(metric)} | {len(group)} | {group['article'].nunique()} |")
    return "\n".join(lines) + "\n"


def metric_sections() -> str:
    """One section per configured metric: its chart (interactive/static) and table."""
    paths = _paths()
    out: list[str] = []
    for metric in _metrics():
        folder = paths.analysis_dir(metric)
        title = metric.replace("_", " ").capitalize()
        out.append(f"## {title}\n")
        summary_file = folder / "summary.json"
        if not summary_file.exists():
            out.append(f"*No analysis was produced for {md_text(metric)}.*\n")
            continue
        info = json.loads(summary_file.read_text(encoding="utf-8"))
        out.append(f"{info['figures']} figures from {info['articles']} articles.\n")
        spec = json.loads((folder / "chart.vl.json").read_text(encoding="utf-8"))
        out.append(chart_block(spec, f"chart-{metric}", folder / "chart.png", f"Reported figures: {title}"))
        table = pd.read_csv(folder / "table.csv")
        out.append(figures_table(table))
    return "\n".join(out)


def chart_block(spec: dict, element_id: str, png: Path, caption: str) -> str:
    """Interactive chart for HTML, static PNG for every other format."""
    rel = _relative_to_reports(png)
    return (
        '::: {.content-visible when-format="html"}\n'
        "```{=html}\n" + embed_snippet(spec, element_id) + "\n```\n"
        ":::\n\n"
        '::: {.content-visible unless-format="html"}\n'
        f"![{md_text(caption)}]({rel}){{width=100%}}\n"
        ":::\n"
    )


def _relative_to_reports(path: Path) -> str:
    reports = _paths().reports
    try:
        return Path(path).resolve().relative_to(reports.resolve()).as_posix()
    except ValueError:
        import os

        return Path(os.path.relpath(Path(path).resolve(), reports.resolve())).as_posix()


def figures_table(table: pd.DataFrame, limit: int | None = None) -> str:
    """Figures with their quotes as a Markdown pipe table (text escaped)."""
    if table.empty:
        return "*No figures.*\n"
    rows = table if limit is None else table.head(limit)
    # Pandoc sizes wrapped pipe-table columns by the dashes under the header.
    lines = ["| published | publisher | as written | place | according to | quote |",
             "|----------|----------|----------|---------|-----------|" + "-" * 46 + "|"]
    for row in rows.itertuples():
        lines.append("| " + " | ".join(md_text(getattr(row, c, "")) for c in
                                       ("published", "publisher", "surface", "location", "attributed_to", "quote"))
                     + " |")
    return "\n".join(lines) + "\n"


def evaluation() -> str:
    """The scores of the evaluate stage against the hand-made gold."""
    path = _paths().processed / "scores.json"
    if not path.exists():
        return "*The evaluate stage has not run.*\n"
    scores = json.loads(path.read_text(encoding="utf-8"))
    det = scores["detection"]
    lines = [
        f"Against the hand-annotated gold ({scores['counts']['gold']} figures in the sample articles), "
        f"detection precision is **{det['precision']:.3f}**, recall **{det['recall']:.3f}**, "
        f"F1 **{det['f1']:.3f}**.",
        "",
        "| field | agreement on matched figures |",
        "|---|---:|",
    ]
    for name, value in scores["agreement"].items():
        lines.append(f"| {md_text(name)} | {value:.3f} |")
    return "\n".join(lines) + "\n"


def dictionaries() -> str:
    """Data dictionaries of the published tables."""
    return "### figures\n\n" + dictionary_markdown("figures") + "\n\n### articles\n\n" + dictionary_markdown("articles") + "\n"
