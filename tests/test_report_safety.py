"""Article text is untrusted: it must reach both report formats as plain text."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from browser import load, pdf_text, squash
from conftest import make_project, run_stages
from newsfigures.config import Paths
from newsfigures.render import render_report

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"


def hostile_report(tmp_path: Path, monkeypatch) -> Path:
    root = make_project(tmp_path / "project", raw=HOSTILE)
    params = yaml.safe_load((root / "params.yaml").read_text())
    params["analyse"]["series"] = {"hostile": {"key": "killed--people--kyiv",
                                               "title": "Deaths <script>alert(3)</script> #strong[x] in Kyiv"}}
    (root / "params.yaml").write_text(yaml.safe_dump(params))
    monkeypatch.setenv("NEWSFIGURES_ROOT", str(root))
    run_stages(root, analyses=True)
    render_report("fallback", paths=Paths(root))
    return root


def test_injected_markup_stays_text_in_html_and_pdf(tmp_path, monkeypatch):
    root = hostile_report(tmp_path, monkeypatch)
    page = root / "reports" / "report.html"
    html = page.read_text(encoding="utf-8")

    # Nothing from the article became markup in the file ...
    assert "<script>document.body" not in html and "<img src=x" not in html.replace('"', "")
    assert 'href="javascript:' not in html and "<b>Press</b>" not in html
    assert "&lt;script&gt;document.body.setAttribute" in html        # ... it is shown as text
    assert "\\u003c/script\\u003e\\u003cscript\\u003e" in html          # chart data is escaped JSON

    # ... and nothing ran in a browser.
    run = load(page)
    assert not re.search(r"<body[^>]*data-pwned", run.dom)
    assert run.console == []
    assert [u for u in run.requests if u != page.resolve().as_uri() and not u.startswith("data:")] == []

    # The PDF shows the same characters literally (Typst did not interpret them).
    text = pdf_text(root / "reports" / "report.pdf")
    for literal in ("</script><script>document.body.setAttribute('data-pwned','close')</script>",
                    "<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">",
                    "#set page(fill: red) $x^2$ @fig <label> // not a comment \\ backslash",
                    "**city council**", "[statement](javascript:", "Evil <b>Press</b> *Co*", "#strong[x]"):
        assert squash(literal) in text, literal
