"""The report: fallback rendering, content, and untrusted text kept literal."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from newsfigures.analysis import select_figures, write_metric_analysis
from newsfigures.config import Paths, load_params
from newsfigures.render import parse_qmd, render_report
from newsfigures.report import md_text


def test_parse_qmd_reads_front_matter_chunks_and_options():
    doc = parse_qmd("---\ntitle: T\njupyter: k\n---\n\nIntro\n\n```{python}\n#| output: asis\nprint('x')\n```\n\nEnd\n")
    assert doc.meta == {"title": "T", "jupyter": "k"}
    assert [kind for kind, _, _ in doc.parts] == ["markdown", "code", "markdown"]
    assert doc.parts[1][2] == {"output": "asis"}


def test_md_text_makes_markup_literal():
    assert md_text("*bold* <b>x</b> [link](y) #tag $x$ @ref") == (
        "\\*bold\\* \\<b\\>x\\<\\/b\\> \\[link\\]\\(y\\) \\#tag \\$x\\$ \\@ref")


@pytest.fixture
def analysed_project(processed_project):
    paths = Paths(processed_project)
    figures = pd.read_parquet(paths.figures)
    for metric in load_params(processed_project)["analyse"]["metrics"]:
        write_metric_analysis(select_figures(figures, metric=metric), metric, paths.analysis_dir(metric))
    return processed_project


def test_fallback_renders_html_and_pdf_with_every_metric(analysed_project):
    used, outputs = render_report("fallback", paths=Paths(analysed_project))
    assert used.startswith("fallback")
    html_path, pdf_path = analysed_project / "reports" / "report.html", analysed_project / "reports" / "report.pdf"
    assert outputs == [html_path, pdf_path]
    html = html_path.read_text(encoding="utf-8")
    assert pdf_path.read_bytes()[:5] == b"%PDF-"
    params = load_params(analysed_project)
    for metric in params["analyse"]["metrics"]:
        assert f'id="chart-{metric}"' in html                      # interactive chart per metric
    assert "<script src=" not in html and "cdn.jsdelivr" not in html   # self-contained, offline
    scores = json.loads((analysed_project / "data" / "processed" / "scores.json").read_text())
    assert f"{scores['detection']['f1']:.3f}" in html                # evaluation scores shown
    assert params["report"]["title"] in html
