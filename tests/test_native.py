"""The compiled extractor core: built by setup, used only while it matches its sources, same figures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import RAW
from newsfigures import native

HAS_COMPILER = bool(shutil.which("cc") or shutil.which("gcc") or os.environ.get("CC"))
MODULES = [name.removesuffix(".py") for name in native.EXTRACTOR_MODULES]
WHERE = "import json, newsfigures, importlib; from newsfigures import native; " \
        "print(json.dumps({'files': {m: importlib.import_module('newsfigures.' + m).__file__ for m in %r}, " \
        "'status': native.status()}))" % MODULES


def _imports(src: Path, **env: str) -> dict:
    """Which file each extractor module is imported from, in a fresh process whose package is ``src``."""
    done = subprocess.run([sys.executable, "-c", WHERE], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(src), native.PURE_ENV: "", **env})
    return json.loads(done.stdout)


def _copy_package(tmp_path: Path) -> Path:
    """A copy of the installed package, compiled modules and their shared library included."""
    src = tmp_path / "src"
    shutil.copytree(native.PACKAGE_DIR, src / "newsfigures", ignore=shutil.ignore_patterns("__pycache__"))
    for name in json.loads(native.MANIFEST.read_text())["shared"]:
        shutil.copy2(native.PACKAGE_DIR.parent / name, src / name)
    return src


@pytest.mark.skipif(not HAS_COMPILER, reason="no C compiler here, so setup could not compile the core")
def test_setup_compiled_the_extractor_and_this_process_runs_it():
    """`make setup` built the core from the current sources; the tests below depend on it."""
    assert native.MANIFEST.exists(), "run `make setup` (it compiles the extractor core with mypyc)"
    assert native.decide() == (True, native.status()), native.status()
    from newsfigures import extract, fields

    assert native.in_use() and Path(fields.__file__).suffix == ".so" and Path(extract.__file__).suffix == ".so"


def _need_build() -> None:
    if not native.in_use():
        pytest.skip(f"the compiled core is not in use here: {native.status()}")


def test_an_edited_source_is_run_as_python_never_its_stale_compiled_module(tmp_path):
    _need_build()
    src = _copy_package(tmp_path)
    before = _imports(src)
    assert all(path.endswith(".so") for path in before["files"].values()), before
    with open(src / "newsfigures" / "fields.py", "a") as handle:
        handle.write("\nEDITED_AFTER_THE_BUILD = True\n")
    after = _imports(src)
    # All seven go back to source, not only the edited one: compiled modules call each other directly.
    assert all(path.endswith(".py") for path in after["files"].values()), after
    assert "edited since they were compiled" in after["status"]
    check = subprocess.run([sys.executable, "-c", "from newsfigures import fields; print(fields.EDITED_AFTER_THE_BUILD)"],
                           capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(src)})
    assert check.stdout.strip() == "True", check.stderr        # the edit is what runs


def test_pure_python_on_request_and_when_the_build_is_missing_or_foreign(tmp_path):
    _need_build()
    src = _copy_package(tmp_path)
    asked = _imports(src, **{native.PURE_ENV: "1"})
    assert all(path.endswith(".py") for path in asked["files"].values()) and "is set" in asked["status"]
    manifest = src / "newsfigures" / "_native.json"
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "tag": "cpython-399-elsewhere"}))
    foreign = _imports(src)
    assert all(path.endswith(".py") for path in foreign["files"].values()) and "compiled for" in foreign["status"]
    manifest.unlink()
    missing = _imports(src)
    assert all(path.endswith(".py") for path in missing["files"].values()) and "not compiled" in missing["status"]


def test_compiled_and_pure_python_give_the_same_figures(tmp_path):
    """The sample corpus and 150 generated articles, row for row, in both builds."""
    _need_build()
    from newsfigures.corpus import generate

    generate(150, tmp_path / "gen", RAW, seed=7)
    folders = [RAW, tmp_path / "gen"]
    script = ("import json, sys; from pathlib import Path; from newsfigures import extract, native\n"
              "print(native.in_use(), Path(extract.__file__).suffix)\n"
              "ex = extract.Extractor()\n"
              "for folder in sys.argv[1:]:\n"
              "    for p in sorted(Path(folder).glob('*.txt')):\n"
              "        for row in ex.core_figures(p.read_text(), '2022-03-21'):\n"
              "            print(json.dumps(row, sort_keys=True))\n")
    runs = {}
    for pure in ("", "1"):
        done = subprocess.run([sys.executable, "-c", script, *map(str, folders)], capture_output=True, text=True,
                              check=True, env={**os.environ, native.PURE_ENV: pure})
        runs[pure] = done.stdout.splitlines()
    assert runs[""][0] == "True .so" and runs["1"][0] == "False .py"      # both builds really ran
    assert len(runs[""]) > 500
    assert runs[""][1:] == runs["1"][1:]
