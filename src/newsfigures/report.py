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
from typing import Any, Callable

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


def _series_config() -> dict[str, dict]:
    return dict(load_params().get("analyse", {}).get("series", {}) or {})


def _link(url: Any, file: Any) -> str:
    """A link back to the article: its URL when it is http(s), else its file in data/raw."""
    from urllib.parse import quote

    text = md_text(file)
    if isinstance(url, str) and re.match(r"^https?://[^\s<>\"']+$", url):
        return f"[{text}](<{url}>)"
    if isinstance(file, str) and file:
        path = _relative_to_reports(_paths().raw / file.split(":")[0])
        return f"[{text}]({quote(path)})"
    return text


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
        info = _summary(folder)
        if info is None:
            out.append(f"*No analysis was produced for {md_text(metric)}.*\n")
            continue
        out.append(f"{info['figures']} figures from {info['articles']} articles.\n")
        out += _chart_and_table(folder, f"chart-{metric}", f"Reported figures: {title}", figures_table)
    return "\n".join(out)


def _summary(folder: Path) -> dict | None:
    """An analysis folder's summary.json, or None when that analysis was not produced."""
    path = folder / "summary.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _chart_and_table(folder: Path, element_id: str, caption: str, table: Callable[[pd.DataFrame], str]) -> list[str]:
    """An analysis folder's chart (interactive and static) and its table, as the report prints them."""
    spec = json.loads((folder / "chart.vl.json").read_text(encoding="utf-8"))
    return [chart_block(spec, element_id, folder / "chart.png", caption), table(pd.read_csv(folder / "table.csv"))]


def series_sections() -> str:
    """Per configured series: how it changed, its chart, and its reports."""
    paths = _paths()
    out: list[str] = []
    for name, config in _series_config().items():
        folder = paths.analysis_dir("series") / name
        title = config.get("title") or config.get("key") or name
        out.append(f"## {md_text(title)}\n")
        info = _summary(folder)
        if info is None:
            out.append(f"*No analysis was produced for this series ({md_text(config.get('key'))}).*\n")
            continue
        if not info.get("reports"):
            out.append(f"*No figure in the corpus belongs to this series ({md_text(config.get('key'))}).*\n")
            continue
        out.append(f"{md_text(info.get('description'))} Latest: **{md_text(info.get('latest'))}**; highest: "
                   f"**{md_text(info.get('highest'))}**; conservative (lowest sourced figure for the latest "
                   f"date): **{md_text(info.get('conservative') or 'none sourced')}**. Series key: "
                   f"`{config.get('key')}`.\n")
        out += _chart_and_table(folder, f"series-{_slug_id(name)}", title, series_table)
    return "\n".join(out)


def _slug_id(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


SERIES_TABLE_LIMIT = 40


def series_table(table: pd.DataFrame) -> str:
    """A series' reports; a long series shows its first and last reports."""
    if table.empty:
        return "*No reports.*\n"
    note = ""
    if len(table) > SERIES_TABLE_LIMIT:
        half = SERIES_TABLE_LIMIT // 2
        note = (f"\n*{len(table) - SERIES_TABLE_LIMIT} reports in the middle are not printed; "
                "the series table has them all.*\n")
        table = pd.concat([table.head(half), table.tail(half)])
    lines = ["| date | publisher | as written | change | according to | quote |",
             "|---------|----------|-----------|----------|------------|" + "-" * 44 + "|"]
    for row in table.itertuples():
        change = row.revision + (" · disagrees" if bool(row.disagreement) else "") + (" · conservative" if bool(row.conservative) else "")
        lines.append("| " + " | ".join(md_text(v) for v in (row.date, row.publisher, row.surface, change,
                                                            row.attributed_to, row.quote)) + " |")
    return "\n".join(lines) + "\n" + note


def overview_section() -> str:
    """All series with enough reports, as small multiples."""
    folder = _paths().analysis_dir("overview")
    if not (folder / "series.vl.json").exists():
        return "*The overview has not been produced.*\n"
    spec = json.loads((folder / "series.vl.json").read_text(encoding="utf-8"))
    info = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return (f"{info['series']} series have two or more reports. Each small chart is one series, in the "
            "order of the dates its figures refer to.\n\n"
            + chart_block(spec, "overview-series", folder / "series.png", "All series"))


def disagreements() -> str:
    """Reports that disagree with another source about the same date."""
    path = _paths().series
    if not path.exists():
        return "*The series stage has not run.*\n"
    series = pd.read_parquet(path)
    rows = series[series["disagreement"].astype(bool)]
    if rows.empty:
        return ("No two sources give different values for the same as-of date in this corpus. Changes "
                "between reports are revisions over time, listed with each series above.\n")
    lines = ["| series | as of | as written | according to | publisher | quote |",
             "|----------|--------|----------|-----------|----------|" + "-" * 44 + "|"]
    for row in rows.sort_values(["series_key", "as_of"]).itertuples():
        lines.append("| " + " | ".join(md_text(v) for v in (row.series_label, row.as_of, row.surface,
                                                            row.attributed_to, row.publisher, row.quote)) + " |")
    return "\n".join(lines) + "\n"


def appendix() -> str:
    """Every figure with its quote and a link back to its article."""
    paths = _paths()
    figures = _read_figures(paths)
    articles = _read_articles(paths).set_index("file")
    limit = int((load_params().get("report") or {}).get("appendix_limit", 500))
    shown = figures.sort_values(["article", "char_start"]).head(limit)
    lines = ["| article | characters | as written | metric | place | as of | according to | quote |",
             "|----------|--------|--------|--------|--------|--------|----------|" + "-" * 40 + "|"]
    for row in shown.itertuples():
        url = articles["url"].get(row.article) if "url" in articles and row.article in articles.index else None
        lines.append("| " + " | ".join([_link(url, row.article), f"{row.char_start}–{row.char_end}"]
                                       + [md_text(v) for v in (row.surface, row.metric, row.location, row.as_of,
                                                               row.attributed_to, row.quote)]) + " |")
    head = (f"All {len(figures)} figures" if len(shown) == len(figures) else
            f"The first {len(shown)} of {len(figures)} figures (all of them are in "
            f"[figures.csv]({_relative_to_reports(paths.figures_csv)}); `report.appendix_limit` in params.yaml sets how many are printed)")
    return (head + ". *characters* are the offsets of the figure in the article's text as read "
            "(`data/processed/articles.parquet`).\n\n" + "\n".join(lines) + "\n")


def caveats() -> str:
    """What the extractor misses, from the evaluation and from known limits."""
    path = _paths().processed / "evaluation_errors.csv"
    counts = ""
    if path.exists():
        errors = pd.read_csv(path)
        kinds = errors["kind"].value_counts()
        fields = errors[errors["kind"] == "field"]["field"].value_counts()
        counts = (f"On the sample gold it missed {int(kinds.get('miss', 0))} figures and raised "
                  f"{int(kinds.get('false_alarm', 0))} false alarms; field disagreements by field: "
                  + (", ".join(f"{md_text(k)} {v}" for k, v in fields.items()) or "none") + ". ")
    return (counts + "Known limits: places are resolved from the sentence and the article's last named "
            "place, so a figure about a place named several paragraphs earlier can get the wrong one; "
            "relative dates in wire roundups that reprint older items resolve against the roundup's date; "
            "speakers named only in an earlier sentence are followed through quotes and pronouns, not "
            "further; publication dates of the sample articles were inferred from their content "
            "(`published_source` in the articles table).\n")


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
    return "\n".join(f"## {name}\n\n{dictionary_markdown(name)}\n"
                     for name in ("figures", "series", "series_summary", "articles"))
