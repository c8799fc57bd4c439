"""Render the Quarto report: with Quarto when installed, else a real fallback.

Quarto runs a document's code cells in a Jupyter kernel, hands the Markdown
to pandoc, and for PDF hands pandoc's Typst to Typst. The fallback does the
same with the same engines: nbclient (Jupyter) for the cells, pandoc from
``pypandoc_binary`` for HTML and Typst source, and the ``typst`` wheel for the
PDF. Quarto's conditional content (``.content-visible``) is honoured by a Lua
filter, so one ``report.qmd`` serves both renderers.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .charts import vega_bundle
from .config import KERNEL_NAME, TEMPLATES_DIR, Paths, load_params

_CHUNK = re.compile(r"^```\{python\}[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


class RenderError(RuntimeError):
    """Rendering failed; the message says at which step."""


@dataclass
class QmdDocument:
    meta: dict
    parts: list[tuple[str, str, dict]] = field(default_factory=list)  # (kind, text, options)


def parse_qmd(text: str) -> QmdDocument:
    """Front matter, then Markdown and ```{python} chunks in order (with #| options)."""
    meta: dict = {}
    front = _FRONT.match(text)
    if front:
        meta = yaml.safe_load(front.group(1)) or {}
        text = text[front.end():]
    doc = QmdDocument(meta)
    pos = 0
    for match in _CHUNK.finditer(text):
        doc.parts.append(("markdown", text[pos:match.start()], {}))
        source = match.group(1)
        options = {}
        for line in source.splitlines():
            option = re.match(r"#\|\s*([\w-]+):\s*(.*)$", line)
            if option:
                options[option.group(1)] = yaml.safe_load(option.group(2))
        doc.parts.append(("code", source, options))
        pos = match.end()
    doc.parts.append(("markdown", text[pos:], {}))
    return doc


def execute_chunks(doc: QmdDocument, cwd: Path, kernel: str | None = None, timeout: int = 600) -> list[str]:
    """Run the code chunks in one Jupyter kernel; return each chunk's Markdown."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    cells = [nbformat.v4.new_code_cell(text) for kind, text, _ in doc.parts if kind == "code"]
    nb = nbformat.v4.new_notebook(cells=cells)
    client = NotebookClient(nb, kernel_name=kernel or doc.meta.get("jupyter") or KERNEL_NAME,
                            timeout=timeout, resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        raise RenderError(f"a code cell of the report failed:\n{exc}") from exc
    options = [opts for kind, _, opts in doc.parts if kind == "code"]
    return [_cell_markdown(cell, opts) for cell, opts in zip(nb.cells, options)]


def _cell_markdown(cell, options: dict) -> str:
    asis = options.get("output") == "asis"
    pieces = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            text = output.get("text", "")
        elif output.get("output_type") in ("display_data", "execute_result"):
            data = output.get("data", {})
            text = data.get("text/markdown") or data.get("text/plain", "")
        else:
            continue
        pieces.append(text if asis else f"```\n{text}\n```\n")
    return "".join(pieces)


def assemble(doc: QmdDocument, results: list[str]) -> str:
    """The document as plain pandoc Markdown, cells replaced by their output."""
    body: list[str] = []
    it = iter(results)
    for kind, text, _ in doc.parts:
        body.append(text if kind == "markdown" else "\n" + next(it) + "\n")
    meta = {k: v for k, v in doc.meta.items() if k in ("title", "subtitle", "author", "date", "abstract")}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + "".join(body)


def _pandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def _run(args: list[str], cwd: Path, step: str) -> None:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RenderError(f"{step} failed (exit {result.returncode}): {result.stderr.strip()[:2000]}")


def write_vega_header(paths: Paths) -> Path:
    """reports/_build/vega.html: Vega inline once, for every chart in the page."""
    header = paths.reports / "_build" / "vega.html"
    header.parent.mkdir(parents=True, exist_ok=True)
    content = f'<script type="module">{vega_bundle()}</script>\n'
    if not header.exists() or header.read_text(encoding="utf-8") != content:
        header.write_text(content, encoding="utf-8")
    return header


def render_fallback(paths: Paths, formats: tuple[str, ...], title: str | None = None) -> list[Path]:
    qmd = paths.reports / "report.qmd"
    doc = parse_qmd(qmd.read_text(encoding="utf-8"))
    if title:
        doc.meta["title"] = title
    markdown = assemble(doc, execute_chunks(doc, paths.reports))
    build = paths.reports / "_build"
    build.mkdir(parents=True, exist_ok=True)
    source = build / "report.md"
    source.write_text(markdown, encoding="utf-8")
    lua = str(TEMPLATES_DIR / "content_visible.lua")
    outputs: list[Path] = []
    if "html" in formats:
        out = paths.reports / "report.html"
        _run([_pandoc(), str(source), "-f", "markdown", "-t", "html5", "--standalone", "--embed-resources",
              "--toc", "--lua-filter", lua, "-H", str(TEMPLATES_DIR / "report.css"),
              "-H", str(write_vega_header(paths)), "--resource-path", str(paths.reports),
              "-o", str(out)], paths.reports, "pandoc (HTML)")
        outputs.append(out)
    if "pdf" in formats:
        import typst

        typ = paths.reports / ".report.typ"      # beside report.qmd so image paths resolve
        try:
            _run([_pandoc(), str(source), "-f", "markdown", "-t", "typst", "--standalone", "--toc",
                  "--lua-filter", lua, "-H", str(paths.reports / "_typst-header.typ"), "-o", str(typ)],
                 paths.reports, "pandoc (Typst)")
            out = paths.reports / "report.pdf"
            try:
                typst.compile(str(typ), output=str(out), root=str(paths.root))
            except Exception as exc:  # typst raises its own error type
                raise RenderError(f"typst failed: {exc}") from exc
        finally:
            typ.unlink(missing_ok=True)
        outputs.append(out)
    return outputs


def render_quarto(paths: Paths, formats: tuple[str, ...], title: str | None = None) -> list[Path]:
    quarto = shutil.which("quarto")
    if quarto is None:
        raise RenderError("quarto is not on PATH")
    write_vega_header(paths)
    env = dict(os.environ, QUARTO_PYTHON=sys.executable)
    outputs = []
    for fmt, target in (("html", "html"), ("pdf", "typst")):
        if fmt not in formats:
            continue
        args = [quarto, "render", "report.qmd", "--to", target]
        if title:
            args += ["-M", f"title:{title}"]
        result = subprocess.run(args, cwd=paths.reports, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RenderError(f"quarto render --to {target} failed: {result.stderr.strip()[-2000:]}")
        outputs.append(paths.reports / f"report.{fmt}")
    return outputs


def render_report(renderer: str = "auto", formats: tuple[str, ...] = ("html", "pdf"),
                  paths: Paths | None = None) -> tuple[str, list[Path]]:
    """Render with the chosen renderer; return which one ran and what it wrote."""
    paths = paths or Paths()
    title = (load_params(paths.root).get("report") or {}).get("title")
    if renderer == "quarto" or (renderer == "auto" and shutil.which("quarto")):
        return "quarto", render_quarto(paths, formats, title)
    return "fallback (nbclient + pandoc + typst)", render_fallback(paths, formats, title)
