"""What the analysis notebooks compute, kept here so it is tested and reused."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd

from .charts import save_chart, timeline

TABLE_COLUMNS = ["published", "publisher", "surface", "value", "value_low", "value_high", "qualifier",
                 "population", "location", "as_of", "attributed_to", "rate", "quote", "article",
                 "char_start", "char_end", "figure_id"]


@dataclass
class MetricAnalysis:
    chart: alt.TopLevelMixin
    table: pd.DataFrame
    summary: dict


def _filtered(df: pd.DataFrame, date_column: str, metric: str | None = "", location: str = "",
              start_date: str = "", end_date: str = "") -> pd.DataFrame:
    """Rows of one metric and place whose ``date_column`` falls in a window (empty filters keep all)."""
    if metric:
        df = df[df["metric"] == metric]
    if location:
        df = df[df["location"].fillna("").str.lower() == location.lower()]
    dates = pd.to_datetime(df[date_column], errors="coerce")
    keep = pd.Series(True, index=df.index)
    if start_date:
        keep &= dates >= pd.Timestamp(start_date)
    if end_date:
        keep &= dates <= pd.Timestamp(end_date)
    return df[keep].copy()


def select_figures(figures: pd.DataFrame, metric: str | None = None, location: str = "",
                   start_date: str = "", end_date: str = "") -> pd.DataFrame:
    """Figures of one metric, place and publication window (empty filters keep all)."""
    return _filtered(figures, "published", metric, location, start_date, end_date)


def write_metric_analysis(figures: pd.DataFrame, metric: str, out_dir: Path) -> MetricAnalysis:
    """Chart (HTML, PNG, SVG), table (CSV) and summary (JSON) of one metric."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    title = f"Reported figures: {metric.replace('_', ' ')}"
    chart = timeline(figures, title)
    save_chart(chart, out_dir, "chart", title)
    table = figures.reindex(columns=TABLE_COLUMNS).sort_values(["published", "article", "char_start"],
                                                               na_position="last")
    table.to_csv(out_dir / "table.csv", index=False)
    values = pd.to_numeric(figures["value"], errors="coerce")
    summary = {
        "metric": metric,
        "figures": int(len(figures)),
        "articles": int(figures["article"].nunique()) if len(figures) else 0,
        "publishers": sorted(figures["publisher"].dropna().unique().tolist()) if len(figures) else [],
        "largest": int(values.max()) if values.notna().any() else None,
        "first_published": str(figures["published"].dropna().min()) if figures["published"].notna().any() else None,
        "last_published": str(figures["published"].dropna().max()) if figures["published"].notna().any() else None,
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return MetricAnalysis(chart, table.reset_index(drop=True), summary)


def select_series(series: pd.DataFrame, series_key: str = "", metric: str = "", location: str = "",
                  start_date: str = "", end_date: str = "") -> pd.DataFrame:
    """Series rows for one key (or a metric and place), within a window of the dates they refer to."""
    if series_key:
        series = series[series["series_key"] == series_key]
    return _filtered(series, "date", metric, location, start_date, end_date)


SERIES_TABLE_COLUMNS = ["position", "date", "published", "as_of", "publisher", "attributed_to", "surface",
                        "qualifier", "point", "revision", "change", "disagreement", "conservative", "quote",
                        "article", "char_start", "char_end", "figure_id"]


def write_series_analysis(rows: pd.DataFrame, series_key: str, title: str, out_dir: Path) -> MetricAnalysis:
    """One series: its timeline chart, its reports with revisions, and a summary."""
    from .series import summarise

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = rows.assign(series=rows.get("series_label", series_key))
    chart = timeline(figures, title or series_key)
    save_chart(chart, out_dir, "chart", title or series_key)
    table = rows.reindex(columns=SERIES_TABLE_COLUMNS).sort_values("position")
    table.to_csv(out_dir / "table.csv", index=False)
    summary_rows = summarise(rows).to_dict("records") if len(rows) else []
    summary = {"series_key": series_key, "title": title, **(summary_rows[0] if summary_rows else {"reports": 0})}
    summary = {k: (None if isinstance(v, float) and v != v else v) for k, v in summary.items()}
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")
    return MetricAnalysis(chart, table.reset_index(drop=True), summary)


def write_overview(series: pd.DataFrame, out_dir: Path, min_reports: int = 2) -> MetricAnalysis:
    """All series with at least ``min_reports`` reports: small multiples and the revisions table."""
    from .charts import revisions_table, small_multiples
    from .series import summarise

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = series.groupby("series_key")["series_key"].transform("size") if len(series) else series.get("series_key")
    shown = series[counts >= min_reports] if len(series) else series
    multiples = small_multiples(shown, title=f"Series with {min_reports} or more reports")
    save_chart(multiples, out_dir, "series", "All series")
    revisions = revisions_table(shown)
    save_chart(revisions, out_dir, "revisions", "Revisions and disagreements")
    changed = shown[(shown["revision"].isin(["up", "down"])) | shown["disagreement"].astype(bool)] if len(shown) else shown
    changed.reindex(columns=["series_key", "series_label"] + SERIES_TABLE_COLUMNS).to_csv(out_dir / "revisions.csv", index=False)
    summary_table = summarise(shown) if len(shown) else pd.DataFrame()
    summary_table.to_csv(out_dir / "series_summary.csv", index=False)
    summary = {"series": int(shown["series_key"].nunique()) if len(shown) else 0,
               "figures": int(len(shown)), "revisions": int(len(changed))}
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return MetricAnalysis(multiples, summary_table, summary)
