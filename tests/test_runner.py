"""Scale: same bytes with any number of processes or on Dask; per-article cache; isolation."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RAW
from newsfigures import runner
from newsfigures.corpus import generate
from newsfigures.extract import Extractor
from newsfigures.pipeline import run_extract


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    generate(60, folder, RAW, seed=7, target_chars=2500)
    return folder


@pytest.fixture(autouse=True)
def small_groups(monkeypatch):
    # Several row groups and batches even on a small corpus.
    monkeypatch.setattr(runner, "ROW_GROUP", 97)
    monkeypatch.setattr(runner, "BATCH_ARTICLES", 16)
    monkeypatch.setattr(runner, "CHUNK_ARTICLES", 3)


def extract(corpus: Path, out: Path, **kwargs) -> tuple[bytes, bytes]:
    out.mkdir(parents=True, exist_ok=True)
    n_articles, n_figures, problems = run_extract([corpus], [out / "f.csv", out / "f.parquet"], None,
                                                  progress=False, **kwargs)
    assert n_articles == 60 and n_figures > 100 and problems == []
    return (out / "f.csv").read_bytes(), (out / "f.parquet").read_bytes()


def test_jobs_give_the_same_bytes_as_one_process(corpus, tmp_path):
    assert extract(corpus, tmp_path / "one") == extract(corpus, tmp_path / "three", jobs=3)


def test_dask_local_cluster_gives_the_same_bytes(corpus, tmp_path):
    assert extract(corpus, tmp_path / "local") == extract(corpus, tmp_path / "dask", engine="dask", jobs=2)


def test_cache_skips_unchanged_articles_and_rules_invalidate_it(corpus, tmp_path, monkeypatch):
    calls = []
    real = Extractor.core_figures

    def counting(self, text, published):
        calls.append(1)
        return real(self, text, published)

    monkeypatch.setattr(Extractor, "core_figures", counting)
    cache = tmp_path / "cache"
    first = extract(corpus, tmp_path / "a", cache_dir=cache)
    assert len(calls) == 60
    calls.clear()
    assert extract(corpus, tmp_path / "b", cache_dir=cache) == first
    assert calls == []                                       # every article came from the cache
    (corpus / "new.txt").write_text("Eight people were killed in Kyiv on Monday, police said.\n")
    try:
        n_articles, _, _ = run_extract([corpus], [tmp_path / "c.csv"], None, progress=False, cache_dir=cache)
        assert n_articles == 61 and len(calls) == 1          # only the new article is extracted
    finally:
        (corpus / "new.txt").unlink()
    calls.clear()
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "metrics.yaml").write_text("metrics:\n  killed: [slaughtered]\n")
    run_extract([corpus], [tmp_path / "d.csv"], None, progress=False, cache_dir=cache, rules_dir=str(rules))
    assert len(calls) == 60                                  # new rules, new extractor version: no hits


def test_an_article_failing_in_a_worker_is_reported(corpus, tmp_path, monkeypatch):
    real = Extractor.core_figures

    def flaky(self, text, published):
        if "a000005" in text or text.startswith("BOOM"):
            raise RuntimeError("boom")
        return real(self, text, published)

    monkeypatch.setattr(Extractor, "core_figures", flaky)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad.txt").write_text("BOOM 8 people were killed.\n")
    (folder / "good.txt").write_text("Eight people were killed in Kyiv.\n")
    n_articles, n_figures, problems = run_extract([folder], [tmp_path / "f.csv"], None, progress=False, jobs=2)
    assert (n_articles, n_figures) == (1, 1)
    assert [p.file for p in problems] == ["bad.txt"] and "boom" in problems[0].reason
