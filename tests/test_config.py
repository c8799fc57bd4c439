"""The user cache keeps a few files of each kind, written whole."""

from __future__ import annotations

import os

from newsfigures import config


def test_the_cache_keeps_the_newest_files_of_a_kind_and_no_others(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = tmp_path / "newsfigures"
    config.store_in_cache("index-aaa.hsdb", b"other kind")
    (folder / "gazetteer-busy.pickle.123.partial").write_bytes(b"another process, writing")
    for n in range(6):
        config.store_in_cache(f"gazetteer-{n}.pickle", bytes([n]) * 10)
        os.utime(folder / f"gazetteer-{n}.pickle", (1_000_000 + n, 1_000_000 + n))   # written in turn
    os.utime(folder / "gazetteer-busy.pickle.123.partial", (1, 1))                      # the oldest
    config.store_in_cache("gazetteer-6.pickle", b"newest")
    kept = sorted(p.name for p in folder.iterdir())
    # The CACHE_KEEP newest of the kind stay (a file being written by another process is
    # never removed), and other kinds are left alone.
    assert config.CACHE_KEEP == 4
    assert kept == ["gazetteer-3.pickle", "gazetteer-4.pickle", "gazetteer-5.pickle", "gazetteer-6.pickle",
                    "gazetteer-busy.pickle.123.partial", "index-aaa.hsdb"]
    assert (folder / "gazetteer-6.pickle").read_bytes() == b"newest"
    assert (folder / "index-aaa.hsdb").exists() and (folder / "gazetteer-busy.pickle.123.partial").exists()
    assert not list(folder.glob(f"*.{os.getpid()}.partial"))


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path, monkeypatch):
    (tmp_path / "blocked").write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "blocked"))
    config.store_in_cache("gazetteer-x.pickle", b"data")            # nothing raised, nothing written
    assert (tmp_path / "blocked").read_text().startswith("a file")
