"""Group figures that count the same thing into series, and mark how they changed.

"The same thing" is the same metric, population, location and named event.
For people who leave, flee, are trapped or evacuated, "people", "residents"
and "civilians" count the same group; for deaths and injuries they do not
("people killed" may include soldiers). Within a series, reports are ordered
by the date they refer to (as-of date, else publication date), then by
publication date and position, and each is marked against the one before:
up, down or unchanged. Different values for the same as-of date from
different sources are disagreements. The conservative view follows ACLED's
practice for fatalities: per date, the lowest figure that names its source.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from .rules import load_rules

# Metrics where "people" and "civilians" name the same group.
CIVILIAN_METRICS = {"trapped", "evacuated", "fled_abroad", "displaced", "deported", "missing", "rescued"}
CIVILIAN_WORDS = {"people", "civilians", "residents"}

SERIES_COLUMNS: dict[str, tuple[str, str]] = {
    "series_key": ("string", "Readable key: metric--population--location[--event], lower case."),
    "series_label": ("string", "The series in words, e.g. 'trapped: civilians in Mariupol'."),
    "position": ("int64", "Order of the report within its series (0 = first)."),
    "date": ("string", "The date the figure refers to: as_of if stated, else the publication date."),
    "published": ("string", "Publication date of the article."),
    "as_of": ("string", "As-of date stated or implied by the article, if any."),
    "publisher": ("string", "Publisher of the article."),
    "attributed_to": ("string", "Who gave the figure."),
    "surface": ("string", "The figure as written."),
    "value": ("Int64", "The number; empty for ranges and vague quantities."),
    "value_low": ("Int64", "Lower bound of a range or vague quantity."),
    "value_high": ("Int64", "Upper bound of a range or vague quantity."),
    "qualifier": ("string", "exact, at_least, more_than, about, nearly, up_to, range or vague."),
    "point": ("float64", "The value compared across reports: value, else the geometric mean of the bounds."),
    "revision": ("string", "Against the previous report in the series: first, up, down or unchanged."),
    "change": ("float64", "point minus the previous report's point (empty for the first)."),
    "disagreement": ("bool", "True when another source gives a different value for the same as-of date."),
    "conservative": ("bool", "True for the lowest figure that names its source, per date (ACLED-style)."),
    "metric": ("string", "The metric (figures.metric)."),
    "population": ("string", "Who is counted, as extracted (figures.population)."),
    "location": ("string", "The place (figures.location)."),
    "event": ("string", "The named event (figures.event), if any."),
    "quote": ("string", "The sentence the figure is in."),
    "article": ("string", "The article's file (figures.article)."),
    "char_start": ("int64", "Offset of the figure in the article text."),
    "char_end": ("int64", "End offset of the figure in the article text."),
    "figure_id": ("string", "The figure's id (figures.figure_id)."),
}

SUMMARY_COLUMNS: dict[str, tuple[str, str]] = {
    "series_key": ("string", "The series (series.series_key)."),
    "series_label": ("string", "The series in words."),
    "reports": ("int64", "How many figures the series holds."),
    "articles": ("int64", "From how many articles."),
    "first_date": ("string", "Earliest date a figure refers to."),
    "last_date": ("string", "Latest date a figure refers to."),
    "latest": ("string", "The latest report, as written."),
    "latest_point": ("float64", "Its compared value."),
    "highest": ("string", "The highest report, as written."),
    "highest_point": ("float64", "Its compared value."),
    "conservative": ("string", "The lowest sourced report for the latest date that has one, as written."),
    "conservative_point": ("float64", "Its compared value."),
    "revisions_up": ("int64", "Reports higher than the one before."),
    "revisions_down": ("int64", "Reports lower than the one before."),
    "disagreements": ("int64", "Figures that disagree with another source for the same as-of date."),
    "description": ("string", "One sentence on how the figure changed."),
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "none"


def population_class(metric: str, population: str | None) -> str:
    population = (population or "people").lower()
    if metric in CIVILIAN_METRICS and population in CIVILIAN_WORDS:
        return "civilians"
    return population


def series_key(metric: str, population: str | None, location: str | None, event: str | None) -> str:
    parts = [metric, population_class(metric, population), _slug(location or "no place")]
    if event and isinstance(event, str):
        parts.append(_slug(event))
    return "--".join(parts)


def series_label(metric: str, population: str | None, location: str | None, event: str | None,
                 event_names: dict[str, str] | None = None) -> str:
    label = f"{metric.replace('_', ' ')}: {population_class(metric, population)}"
    label += f" in {location}" if location else ""
    if event and isinstance(event, str):
        label += f" ({(event_names or {}).get(event, event)})"
    return label


def point_value(row: dict[str, Any]) -> float | None:
    """One comparable number per figure: the value, else the geometric mean of its bounds."""
    value = row.get("value")
    if value is not None and not pd.isna(value):
        return float(value)
    low, high = row.get("value_low"), row.get("value_high")
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return None
    return math.sqrt(float(low) * float(high)) if low > 0 else (float(low) + float(high)) / 2


def build_series(figures: pd.DataFrame, event_names: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per figure, with its series, order, revision and disagreement marks."""
    if event_names is None:
        event_names = load_rules().event_names
    df = figures.copy()
    for column in ("event", "as_of", "attributed_to", "location", "population", "publisher"):
        if column not in df:
            df[column] = None
        df[column] = df[column].astype(object).where(df[column].notna(), None)
    if df.empty:
        return pd.DataFrame(columns=list(SERIES_COLUMNS))
    df["series_key"] = [series_key(r.metric, r.population, r.location, r.event) for r in df.itertuples()]
    df["series_label"] = [series_label(r.metric, r.population, r.location, r.event, event_names)
                          for r in df.itertuples()]
    df["date"] = df["as_of"].fillna(df["published"])
    df["point"] = [point_value(r) for r in df.to_dict("records")]
    df = df.sort_values(["series_key", "date", "published", "article", "char_start"], na_position="last")
    parts = []
    for _, group in df.groupby("series_key", sort=True):
        group = group.copy()
        group["position"] = range(len(group))
        previous = group["point"].shift(1)
        group["change"] = group["point"] - previous
        group["revision"] = [
            "first" if i == 0 else ("unchanged" if pd.isna(c) or c == 0 else ("up" if c > 0 else "down"))
            for i, c in enumerate(group["change"])]
        group["disagreement"] = _disagreements(group)
        group["conservative"] = _conservative(group)
        parts.append(group)
    out = pd.concat(parts)
    return out.reindex(columns=list(SERIES_COLUMNS)).reset_index(drop=True)


def _source(row: pd.Series) -> str:
    return str(row.get("attributed_to") or row.get("publisher") or "")


def _disagreements(group: pd.DataFrame) -> list[bool]:
    flags = []
    for _, row in group.iterrows():
        if not row.get("as_of"):
            flags.append(False)
            continue
        same_day = group[group["as_of"] == row["as_of"]]
        others = same_day[(same_day.apply(_source, axis=1) != _source(row)) & (same_day["point"] != row["point"])]
        flags.append(len(others) > 0)
    return flags


def _conservative(group: pd.DataFrame) -> list[bool]:
    chosen: set[Any] = set()
    sourced = group[group["attributed_to"].notna() & group["point"].notna()]
    for _, day in sourced.groupby("date"):
        lows = day["value"].fillna(day["value_low"]).astype(float)
        chosen.add(lows.idxmin())
    return [index in chosen for index in group.index]


def summarise(series: pd.DataFrame) -> pd.DataFrame:
    """One row per series: reports, latest, highest, conservative, and a description."""
    rows = []
    for key, group in series.groupby("series_key", sort=True):
        group = group.sort_values("position")
        latest = group.iloc[-1]
        valued = group[group["point"].notna()]
        highest = valued.loc[valued["point"].idxmax()] if len(valued) else latest
        conservative = group[group["conservative"]]
        cons = conservative[conservative["date"] == conservative["date"].max()].iloc[0] if len(conservative) else None
        rows.append({
            "series_key": key,
            "series_label": latest["series_label"],
            "reports": len(group),
            "articles": group["article"].nunique(),
            "first_date": group["date"].min(),
            "last_date": group["date"].max(),
            "latest": latest["surface"],
            "latest_point": latest["point"],
            "highest": highest["surface"],
            "highest_point": highest["point"],
            "conservative": None if cons is None else cons["surface"],
            "conservative_point": None if cons is None else cons["point"],
            "revisions_up": int((group["revision"] == "up").sum()),
            "revisions_down": int((group["revision"] == "down").sum()),
            "disagreements": int(group["disagreement"].sum()),
            "description": describe(group),
        })
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def _as_written(row: pd.Series) -> str:
    return " ".join(str(row["surface"]).split())


def _when(date: Any) -> str:
    try:
        return pd.Timestamp(date).strftime("%-d %B %Y")
    except (ValueError, TypeError):
        return "an unknown date"


def describe(group: pd.DataFrame) -> str:
    """'rose from about 300 to at least 600 between 16 March 2022 and 4 May 2022'."""
    group = group.sort_values("position")
    first, last = group.iloc[0], group.iloc[-1]
    if len(group) == 1:
        return f"One report: {_as_written(first)} ({_when(first['date'])})."
    a, b = first["point"], last["point"]
    if pd.isna(a) or pd.isna(b) or a == b:
        verb = "stayed at" if a == b else "went from"
    else:
        verb = "rose from" if b > a else "fell from"
    if verb == "stayed at":
        return (f"{len(group)} reports; stayed at {_as_written(last)} between {_when(first['date'])} "
                f"and {_when(last['date'])}.")
    return (f"{len(group)} reports; {verb} {_as_written(first)} to {_as_written(last)} between "
            f"{_when(first['date'])} and {_when(last['date'])}.")
