"""Paths and parameters: the one place that knows where things live.

Every stage, notebook and test asks this module for a path instead of
spelling it out, so moving a folder is a one-line change.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent
RULES_DIR = PACKAGE_DIR / "rules"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
KERNEL_NAME = "newsfigures"


def user_cache_dir() -> Path:
    """Where work that outlives a run is kept for the next one (the gazetteer, the article
    index's compiled patterns): $XDG_CACHE_HOME/newsfigures, else ~/.cache/newsfigures."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsfigures"


CACHE_KEEP = 4      # files of one kind kept in the user cache: the newest, for checkouts in turn


def store_in_cache(name: str, data: bytes) -> None:
    """Write ``data`` to the user cache as ``name`` (a kind, "-", a key: "gazetteer-…"),
    whole or not at all, and drop all but the CACHE_KEEP newest files of that kind: each new
    build or rules change has a new key, and old files would otherwise pile up. A cache that
    cannot be written is no error: the caller builds the thing again next time."""
    folder = user_cache_dir()
    kind = name.split("-", 1)[0]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{name}.{os.getpid()}.partial"
        partial.write_bytes(data)
        partial.replace(folder / name)
        same_kind = sorted(folder.glob(f"{kind}-*"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in same_kind[CACHE_KEEP:]:
            if not old.name.endswith(".partial"):
                old.unlink(missing_ok=True)
    except OSError:
        pass


def project_root(start: Path | None = None) -> Path:
    """The nearest folder upwards holding ``dvc.yaml`` (or $NEWSFIGURES_ROOT).

    Notebooks run with their own folder as working directory (JupyterLab,
    papermill, Quarto), so paths are resolved from the project root instead.
    """
    env = os.environ.get("NEWSFIGURES_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "dvc.yaml").exists() and (folder / "params.yaml").exists():
            return folder
    return here


class Paths:
    """The project's folders and pipeline files, relative to one root."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = (root or project_root()).resolve()
        self.raw = self.root / "data" / "raw"
        self.processed = self.root / "data" / "processed"
        self.notebooks = self.root / "notebooks"
        self.reports = self.root / "reports"
        self.params_file = self.root / "params.yaml"
        self.manifest = self.raw / "articles.csv"
        self.articles = self.processed / "articles.parquet"
        self.article_rejects = self.processed / "article_rejects.csv"
        self.figures = self.processed / "figures.parquet"
        self.figures_csv = self.processed / "figures.csv"
        self.series = self.processed / "series.parquet"
        self.series_csv = self.processed / "series.csv"
        self.series_summary = self.processed / "series_summary.csv"
        self.analyses = self.processed / "analyses"
        self.executed = self.reports / "notebooks"

    def analysis_dir(self, name: str) -> Path:
        return self.analyses / name


def load_params(root: Path | None = None) -> dict[str, Any]:
    """``params.yaml`` as a dict (empty when the file is absent)."""
    path = Paths(root).params_file
    if not path.exists():
        return {}
    return _read_yaml(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _read_yaml(path: str, _mtime: int) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}
