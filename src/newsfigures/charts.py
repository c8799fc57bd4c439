"""Altair charts of reported figures, saved for the web (offline) and for print.

Every chart is written three ways: an HTML page that carries Vega inline
(works with no network), a PNG and an SVG (for the PDF report, which cannot
run JavaScript). Article text reaches charts through tooltips, so the spec is
escaped before it is put inside a ``<script>`` element.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

QUALIFIER_SHAPES = {
    "exact": "circle", "at_least": "triangle-up", "more_than": "triangle-up", "about": "diamond",
    "nearly": "triangle-down", "up_to": "triangle-down", "range": "square", "vague": "cross",
}
WIDTH, HEIGHT = 560, 260


def safe_json(spec: Any) -> str:
    """JSON that cannot close or open tags when placed inside a <script> element."""
    text = json.dumps(spec, ensure_ascii=False, sort_keys=True)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script, from vl-convert (no network)."""
    import vl_convert as vlc

    return vlc.javascript_bundle()


def plot_frame(figures: pd.DataFrame) -> pd.DataFrame:
    """Figures with the columns charts need: dates, a plotted value and bounds."""
    df = figures.copy()
    for column in ("value", "value_low", "value_high"):
        df[column] = pd.to_numeric(df.get(column), errors="coerce")
    df["report_date"] = pd.to_datetime(df.get("published"), errors="coerce")
    df["as_of_date"] = pd.to_datetime(df.get("as_of"), errors="coerce").fillna(df["report_date"])
    df["y"] = df["value"].fillna(df["value_low"])
    df["y_low"] = df["value_low"].fillna(df["value"])
    df["y_high"] = df["value_high"].fillna(df["value"])
    for column in ("publisher", "qualifier", "quote", "attributed_to", "location", "surface", "metric",
                   "population", "article"):
        if column not in df:
            df[column] = ""
        df[column] = df[column].astype("string").fillna("")
    if "series" not in df:
        df["series"] = df["metric"] + " · " + df["population"] + " · " + df["location"].replace("", "(no place)")
    df["series"] = df["series"].astype("string").fillna("")
    return df.dropna(subset=["report_date", "y"])


def _tooltip() -> list[alt.Tooltip]:
    return [
        alt.Tooltip("surface:N", title="as written"),
        alt.Tooltip("series:N", title="series"),
        alt.Tooltip("date_kind:N", title="date shown"),
        alt.Tooltip("date:T", title="date", format="%d %b %Y"),
        alt.Tooltip("publisher:N", title="publisher"),
        alt.Tooltip("attributed_to:N", title="according to"),
        alt.Tooltip("quote:N", title="quote"),
    ]


def timeline(figures: pd.DataFrame, title: str, color: str = "publisher") -> alt.Chart:
    """Value against report date (toggle: as-of date); bounds as intervals.

    Marker shape is the qualifier, colour the publisher (or another column),
    tooltips carry the quote and who gave the figure.
    """
    df = plot_frame(figures)
    keep = ["report_date", "as_of_date", "y", "y_low", "y_high", "publisher", "qualifier", "quote",
            "attributed_to", "location", "surface", "series", "metric", "population"]
    df = df[keep].copy()
    if df.empty:
        return empty_chart(title, "No figures for this selection.")
    df["report_date"] = df["report_date"].dt.strftime("%Y-%m-%d")
    df["as_of_date"] = df["as_of_date"].dt.strftime("%Y-%m-%d")
    date_kind = alt.param(
        name="date_kind_choice", value="report date",
        bind=alt.binding_radio(options=["report date", "as-of date"], name="x axis: "))
    base = (
        alt.Chart(df)
        .transform_fold(["report_date", "as_of_date"], as_=["date_kind_key", "date_text"])
        # Derived fields are not parsed as dates automatically: parse explicitly.
        .transform_calculate(date="toDate(datum.date_text)",
                             date_kind="datum.date_kind_key == 'report_date' ? 'report date' : 'as-of date'")
        .transform_filter("datum.date_kind == date_kind_choice")
    )
    x = alt.X("date:T", title="date", axis=alt.Axis(format="%d %b %Y", labelAngle=-30))
    y_scale = alt.Scale(type="log") if df["y_high"].max() / max(df["y_low"].min(), 1) > 50 else alt.Scale(zero=False)
    intervals = base.mark_rule(strokeWidth=3, opacity=0.5).encode(
        x=x, y=alt.Y("y_low:Q", scale=y_scale, title="people"), y2="y_high:Q",
        color=alt.Color(f"{color}:N", title=color), tooltip=_tooltip())
    points = base.mark_point(size=90, filled=True, opacity=0.9).encode(
        x=x, y=alt.Y("y:Q", scale=y_scale),
        color=alt.Color(f"{color}:N", title=color),
        shape=alt.Shape("qualifier:N", title="qualifier",
                        scale=alt.Scale(domain=list(QUALIFIER_SHAPES), range=list(QUALIFIER_SHAPES.values()))),
        tooltip=_tooltip())
    return (intervals + points).add_params(date_kind).properties(title=title, width=WIDTH, height=HEIGHT)


def empty_chart(title: str, message: str) -> alt.Chart:
    data = pd.DataFrame({"message": [message]})
    return (alt.Chart(data).mark_text(size=14, color="#666").encode(text="message:N")
            .properties(title=title, width=WIDTH, height=80))


def embed_snippet(chart: alt.TopLevelMixin | dict, element_id: str) -> str:
    """A <div> and a module script that draws the chart with the page's vegaEmbed."""
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    return (f'<div id="{element_id}" class="nf-chart"></div>\n'
            f'<script type="module">vegaEmbed("#{element_id}", {safe_json(spec)}, '
            '{"actions": false, "renderer": "svg"}).catch(console.error);</script>')


def standalone_html(chart: alt.TopLevelMixin | dict, title: str) -> str:
    """A complete page that works offline: Vega inline, spec escaped."""
    import html

    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title>"
            f"<script type=\"module\">{vega_bundle()}</script></head>\n<body>\n"
            f"{embed_snippet(chart, 'vis')}\n</body></html>\n")


def save_chart(chart: alt.TopLevelMixin, out_dir: Path, stem: str = "chart", title: str = "") -> dict[str, Path]:
    """Write <stem>.html (offline), .png, .svg and .vl.json; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    spec = chart.to_dict()
    paths = {kind: out_dir / f"{stem}.{kind}" for kind in ("html", "png", "svg")}
    paths["json"] = out_dir / f"{stem}.vl.json"
    paths["json"].write_text(json.dumps(spec, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    paths["html"].write_text(standalone_html(spec, title or stem), encoding="utf-8")
    import vl_convert as vlc

    paths["png"].write_bytes(vlc.vegalite_to_png(spec, scale=2))
    paths["svg"].write_text(vlc.vegalite_to_svg(spec), encoding="utf-8")
    return paths
