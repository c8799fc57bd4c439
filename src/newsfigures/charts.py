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


def small_multiples(series: pd.DataFrame, columns: int = 3, title: str = "All series") -> alt.Chart:
    """One small timeline per series (independent y scales), for the overview."""
    if series.empty:
        return empty_chart(title, "No series for this selection.")
    df = series.copy()
    df["date_value"] = pd.to_datetime(df["date"], errors="coerce").dt.strftime("%Y-%m-%d")
    df["y"] = pd.to_numeric(df["point"], errors="coerce")
    df["y_low"] = pd.to_numeric(df["value_low"], errors="coerce").fillna(df["y"])
    df["y_high"] = pd.to_numeric(df["value_high"], errors="coerce").fillna(df["y"])
    keep = ["series_label", "date_value", "y", "y_low", "y_high", "publisher", "qualifier", "surface",
            "attributed_to", "quote", "revision"]
    df = df[keep].dropna(subset=["y", "date_value"]).fillna("")
    base = alt.Chart(df).transform_calculate(when="toDate(datum.date_value)")
    x = alt.X("when:T", title=None, axis=alt.Axis(format="%d %b", labelAngle=-30))
    tooltip = [alt.Tooltip("surface:N", title="as written"), alt.Tooltip("when:T", title="date"),
               alt.Tooltip("publisher:N"), alt.Tooltip("attributed_to:N", title="according to"),
               alt.Tooltip("revision:N"), alt.Tooltip("quote:N")]
    line = base.mark_line(color="#999", strokeDash=[3, 2]).encode(x=x, y=alt.Y("y:Q", title=None))
    rule = base.mark_rule(strokeWidth=3, opacity=0.5).encode(x=x, y="y_low:Q", y2="y_high:Q",
                                                             color=alt.Color("publisher:N"))
    points = base.mark_point(filled=True, size=60).encode(
        x=x, y="y:Q", color=alt.Color("publisher:N", title="publisher"),
        shape=alt.Shape("qualifier:N", scale=alt.Scale(domain=list(QUALIFIER_SHAPES),
                                                      range=list(QUALIFIER_SHAPES.values()))),
        tooltip=tooltip)
    return (alt.layer(line, rule, points, data=df).properties(width=220, height=130)
            .facet(facet=alt.Facet("series_label:N", title=None, header=alt.Header(labelLimit=260)),
                   columns=columns)
            .resolve_scale(y="independent", x="independent")
            .properties(title=title))


def revisions_table(series: pd.DataFrame, title: str = "Revisions and disagreements") -> alt.Chart:
    """The reports that changed a series or disagree with another source, as a table."""
    df = series[(series["revision"].isin(["up", "down"])) | (series["disagreement"].astype(bool))].copy()
    if df.empty:
        return empty_chart(title, "No revisions or disagreements.")
    df["what"] = df["revision"].where(~df["disagreement"].astype(bool), df["revision"] + " · disagrees")
    df["source"] = df["attributed_to"].fillna(df["publisher"]).fillna("")
    df = df.sort_values(["series_label", "position"]).head(60)
    df["row"] = range(len(df))
    columns = [("series_label", "series", 0), ("date", "date", 300), ("surface", "as written", 390),
               ("what", "change", 520), ("source", "according to", 640)]
    layers = []
    for field, header, x in columns:
        layers.append(alt.Chart(df).mark_text(align="left", baseline="middle", fontSize=11, limit=280 if x == 0 else 120)
                      .encode(y=alt.Y("row:O", axis=None), text=f"{field}:N",
                              tooltip=[alt.Tooltip("quote:N")])
                      .transform_calculate(x=str(x)).encode(x=alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, 800])))
                      .properties(title=header if x == 0 else ""))
    return alt.layer(*layers).properties(title=title, width=800, height=max(40, 18 * len(df)))
