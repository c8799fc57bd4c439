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


def select_figures(figures: pd.DataFrame, metric: str | None = None, location: str = "",
                   start_date: str = "", end_date: str = "") -> pd.DataFrame:
    """Figures of one metric, place and publication window (empty filters keep all)."""
    df = figures
    if metric:
        df = df[df["metric"] == metric]
    if location:
        df = df[df["location"].fillna("").str.lower() == location.lower()]
    published = pd.to_datetime(df["published"], errors="coerce")
    if start_date:
        df = df[published >= pd.Timestamp(start_date)]
        published = published[df.index]
    if end_date:
        df = df[published <= pd.Timestamp(end_date)]
    return df.copy()


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
