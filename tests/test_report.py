"""The report: fallback rendering, content, and untrusted text kept literal."""

from __future__ import annotations

import json

import pytest

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


def test_report_in_chromium_is_offline_quiet_and_draws_every_chart(analysed_project):
    from browser import load

    render_report("fallback", formats=("html",), paths=Paths(analysed_project))
    page = analysed_project / "reports" / "report.html"
    run = load(page)
    assert run.console == []                                           # no errors, no warnings
    assert [u for u in run.requests if u != page.resolve().as_uri() and not u.startswith("data:")] == []
    params = load_params(analysed_project)["analyse"]
    charts = len(params["metrics"]) + len(params["series"]) + 1        # + the overview
    assert run.dom.count('class="nf-chart vega-embed') == charts       # vega-embed drew each one


def test_pdf_has_the_static_charts(analysed_project):
    import shutil
    import subprocess

    render_report("fallback", formats=("pdf",), paths=Paths(analysed_project))
    if shutil.which("pdfimages") is None:
        pytest.skip("pdfimages is not installed (Debian's poppler-utils)")
    listing = subprocess.run(["pdfimages", "-list", str(analysed_project / "reports" / "report.pdf")],
                             capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    params = load_params(analysed_project)["analyse"]
    assert len(listing) >= len(params["metrics"]) + len(params["series"]) + 1


def test_quarto_renders_the_same_report_where_installed(analysed_project):
    import shutil

    if shutil.which("quarto") is None:
        pytest.skip("quarto is not on PATH (its pip package downloads the binary at install; the fallback is tested above)")
    used, outputs = render_report("quarto", paths=Paths(analysed_project))
    assert used == "quarto"
    html = (analysed_project / "reports" / "report.html").read_text(encoding="utf-8")
    for metric in load_params(analysed_project)["analyse"]["metrics"]:
        assert f'id="chart-{metric}"' in html
    assert (analysed_project / "reports" / "report.pdf").read_bytes()[:5] == b"%PDF-"
