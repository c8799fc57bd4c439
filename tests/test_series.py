"""Series: grouping, ordering, revisions, disagreements and the conservative view."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import RAW
from newsfigures.series import build_series, describe, population_class, series_key, summarise


def fig(value=None, low=None, high=None, *, metric="killed", population="civilians", location="Ukraine",
        event=None, published="2022-03-21", as_of=None, source=None, publisher="Paper", qualifier="exact",
        article="a.txt", start=0, surface=None):
    return {"metric": metric, "population": population, "location": location, "event": event,
            "published": published, "as_of": as_of, "attributed_to": source, "publisher": publisher,
            "value": value, "value_low": low, "value_high": high, "qualifier": qualifier, "article": article,
            "char_start": start, "char_end": start + 3, "surface": surface or str(value),
            "quote": "q", "figure_id": f"{article}{start}"}


def test_same_metric_population_place_and_event_make_one_series():
    rows = build_series(pd.DataFrame([
        fig(300, event="drama-theatre", location="Mariupol", population="people"),
        fig(600, event="drama-theatre", location="Mariupol", population="people", start=9),
        fig(2300, location="Mariupol", population="people"),            # the city's toll, not the theatre's
        fig(100_000, metric="trapped", population="people", location="Mariupol"),
        fig(300_000, metric="trapped", population="civilians", location="Mariupol", start=5),
        fig(20, population="soldiers"),
    ]))
    assert sorted(rows["series_key"].unique()) == [
        "killed--people--mariupol", "killed--people--mariupol--drama-theatre", "killed--soldiers--ukraine",
        "trapped--civilians--mariupol"]


def test_people_and_civilians_merge_only_where_they_mean_the_same_group():
    assert population_class("trapped", "people") == population_class("trapped", "civilians") == "civilians"
    assert population_class("killed", "people") == "people" != population_class("killed", "civilians")
    assert series_key("fled_abroad", "residents", "Poland", None) == "fled_abroad--civilians--poland"


def test_reports_are_ordered_by_date_and_revisions_marked():
    rows = build_series(pd.DataFrame([
        fig(902, as_of="2022-03-19", qualifier="at_least", start=1),
        fig(847, as_of="2022-03-18", qualifier="at_least", start=2),
        fig(902, published="2022-03-22", start=3),
        fig(None, 200, 999, published="2022-03-23", qualifier="vague", surface="hundreds", start=4),
    ]))
    assert list(rows["point"].round()) == [847, 902, 902, 447]
    assert list(rows["revision"]) == ["first", "up", "unchanged", "down"]
    assert list(rows["change"].fillna(0)) == [0, 55, 0, pytest.approx((200 * 999) ** 0.5 - 902, abs=0.01)]


def test_disagreements_need_the_same_as_of_date_and_another_source():
    rows = build_series(pd.DataFrame([
        fig(300, as_of="2022-03-16", source="city council", start=1),
        fig(600, as_of="2022-03-16", source="AP investigation", start=2),
        fig(600, as_of="2022-03-17", source="AP investigation", start=3),
        fig(650, as_of="2022-03-17", source="AP investigation", start=4),    # same source: a revision
    ]))
    assert list(rows["disagreement"]) == [True, True, False, False]


def test_conservative_view_is_the_lowest_sourced_figure_per_date():
    rows = build_series(pd.DataFrame([
        fig(300, as_of="2022-03-16", source="city council", start=1),
        fig(200, as_of="2022-03-16", start=2),                    # lower, but names no source
        fig(600, as_of="2022-03-16", source="AP", start=3),
        fig(650, as_of="2022-03-17", source="AP", start=4),
    ]))
    assert list(rows["conservative"]) == [True, False, False, True]
    summary = summarise(rows).iloc[0]
    assert (summary["latest"], summary["highest"], summary["conservative"]) == ("650", "650", "650")
    assert summary["revisions_up"] == 2 and summary["revisions_down"] == 1


def test_description_says_how_the_figure_changed():
    rows = build_series(pd.DataFrame([
        fig(300, as_of="2022-03-16", qualifier="about", surface="about 300", start=1),
        fig(600, published="2022-05-04", qualifier="at_least", surface="at least 600", start=2)]))
    assert describe(rows) == "2 reports; rose from about 300 to at least 600 between 16 March 2022 and 4 May 2022."


def test_the_four_sample_series_hold_their_figures_in_order(extractor):
    """Issue #4: theatre deaths, civilians trapped in Mariupol, UN civilian deaths, refugees abroad."""
    manifest = pd.read_csv(RAW / "articles.csv").set_index("file")
    figures = []
    for path in sorted(RAW.glob("*.txt")):
        figures += extractor.figures({"id": path.stem, "file": path.name, "text": path.read_text(encoding="utf-8"),
                                      "published": manifest.loc[path.name, "published"],
                                      "publisher": manifest.loc[path.name, "publisher"]})
    rows = build_series(pd.DataFrame(figures))

    def surfaces(key):
        return list(rows[rows["series_key"] == key].sort_values("position")["surface"])

    assert surfaces("killed--people--mariupol--drama-theatre") == ["at least 600"]
    assert surfaces("killed--civilians--ukraine") == ["at least 847", "At least 902"]
    assert list(rows[rows["series_key"] == "killed--civilians--ukraine"]["revision"]) == ["first", "up"]
    assert surfaces("fled_abroad--civilians--ukraine") == ["about 3.2 million", "nearly 3.4 million",
                                                            "More than three million"]
    trapped = surfaces("trapped--civilians--mariupol")
    for surface in ("300,000", "tens of thousands", "Hundreds of thousands", "More than 100,000"):
        assert surface in trapped
    assert trapped[-1] == "More than 100,000"          # the ITV report, a month later, comes last
