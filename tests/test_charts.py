"""Charts: offline HTML, static images, escaped specs, analysis outputs."""

from __future__ import annotations

import json

import pandas as pd

from newsfigures.analysis import select_figures, write_metric_analysis
from newsfigures.charts import safe_json, standalone_html, timeline

FIGURES = pd.DataFrame([
    {"article": "a.txt", "publisher": "Paper", "published": "2022-03-16", "metric": "killed", "value": 300,
     "value_low": None, "value_high": None, "qualifier": "about", "population": "people",
     "location": "Mariupol", "as_of": None, "attributed_to": "city council", "surface": "about 300",
     "quote": "About 300 people were killed </script><script>alert(1)</script>", "char_start": 0, "char_end": 9,
     "figure_id": "x1", "rate": None},
    {"article": "b.txt", "publisher": "Wire", "published": "2022-05-04", "metric": "killed", "value": 600,
     "value_low": None, "value_high": None, "qualifier": "at_least", "population": "people",
     "location": "Mariupol", "as_of": "2022-05-03", "attributed_to": "", "surface": "at least 600",
     "quote": "The attack killed at least 600.", "char_start": 5, "char_end": 17, "figure_id": "x2", "rate": None},
    {"article": "b.txt", "publisher": "Wire", "published": "2022-05-04", "metric": "trapped", "value": None,
     "value_low": 200, "value_high": 999, "qualifier": "vague", "population": "civilians",
     "location": "Kyiv", "as_of": None, "attributed_to": "", "surface": "hundreds",
     "quote": "Hundreds are trapped.", "char_start": 20, "char_end": 28, "figure_id": "x3", "rate": None},
])


def test_safe_json_cannot_close_a_script_element():
    text = safe_json({"quote": "</script><img src=x onerror=alert(1)> & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["quote"].startswith("</script>")


def test_standalone_html_is_offline_and_escaped():
    page = standalone_html(timeline(FIGURES, "Killed"), "Killed")
    assert "cdn.jsdelivr" not in page and "https://" not in page.split("<script")[0]
    assert "vegaEmbed" in page
    assert "</script><script>alert(1)" not in page


def test_select_figures_filters_metric_place_and_dates():
    assert list(select_figures(FIGURES, metric="killed")["figure_id"]) == ["x1", "x2"]
    assert list(select_figures(FIGURES, location="kyiv")["figure_id"]) == ["x3"]
    assert list(select_figures(FIGURES, start_date="2022-04-01", end_date="2022-05-04")["figure_id"]) == ["x2", "x3"]


def test_metric_analysis_writes_chart_table_and_summary(tmp_path):
    result = write_metric_analysis(select_figures(FIGURES, metric="killed"), "killed", tmp_path)
    for name in ("chart.html", "chart.png", "chart.svg", "chart.vl.json", "table.csv", "summary.json"):
        assert (tmp_path / name).stat().st_size > 0, name
    assert (tmp_path / "chart.png").read_bytes()[:4] == b"\x89PNG"
    assert "<svg" in (tmp_path / "chart.svg").read_text()
    assert json.loads((tmp_path / "summary.json").read_text())["largest"] == 600
    assert len(result.table) == 2


def test_empty_selection_still_gives_a_chart(tmp_path):
    write_metric_analysis(FIGURES.iloc[0:0], "missing", tmp_path)
    assert (tmp_path / "chart.png").stat().st_size > 0
