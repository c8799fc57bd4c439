"""The compiled extractor core: built with mypyc from the very same sources, used only while it matches them.

The extractor modules are plain Python and stay the reference. ``make setup``
compiles them with mypyc (:func:`build`), which makes
extraction about a fifth cheaper, and records a digest of the sources it
compiled. On import, the package compares that digest with the sources on
disk: when a source file has been edited since (or ``NEWSFIGURES_PURE=1`` is
set, or nothing was built), the ``.py`` files are imported instead of the
compiled modules, so stale compiled code can never run, nor fill the figure
cache under the new code's version.

This module is never compiled itself.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Sequence

PACKAGE_DIR = Path(__file__).resolve().parent
# The code that decides what a figure is: compiled by mypyc, and hashed into the
# extractor version so cached figures made by other code are never reused.
EXTRACTOR_MODULES = ("caseless.py", "extract.py", "fields.py", "numbers.py", "places.py", "rules.py", "sentences.py")
MANIFEST = PACKAGE_DIR / "_native.json"
PURE_ENV = "NEWSFIGURES_PURE"


def code_digest(folder: Path | None = None) -> str:
    """A digest of the extractor's source files (in ``folder``, by default this package)."""
    digest = hashlib.sha256()
    here = folder or PACKAGE_DIR
    for name in EXTRACTOR_MODULES:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    return digest.hexdigest()[:12]


def _build_tag() -> str:
    return f"{sys.implementation.cache_tag}-{sys.platform}"


def _read_manifest() -> dict:
    try:
        return json.loads(MANIFEST.read_text())
    except (OSError, ValueError):
        return {}


def _compiled_files(folder: Path, name: str) -> list[Path]:
    """The extension modules Python would import for ``name`` (a .py file's name) in ``folder``."""
    stem = name.removesuffix(".py")
    return [folder / (stem + suffix) for suffix in importlib.machinery.EXTENSION_SUFFIXES
            if (folder / (stem + suffix)).exists()]


def _mismatch(manifest: dict) -> str | None:
    """Why the compiled modules on disk are not the sources on disk; None when they are."""
    if not manifest or not all(_compiled_files(PACKAGE_DIR, name) for name in EXTRACTOR_MODULES):
        return "not compiled; `make setup` compiles it"
    if manifest.get("tag") != _build_tag():
        return f"compiled for {manifest.get('tag')}, this is {_build_tag()}; run `make setup`"
    if manifest.get("digest") != code_digest():
        return "sources edited since they were compiled; `make setup` recompiles"
    return None


def decide() -> tuple[bool, str]:
    """(use the compiled modules?, why): the answer the import guard acts on."""
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return False, f"pure Python ({PURE_ENV} is set)"
    manifest = _read_manifest()
    why = _mismatch(manifest)
    if why is not None:
        return False, f"pure Python ({why})"
    return True, f"compiled with mypyc (sources {manifest['digest']})"


class _SourceFirst(importlib.abc.MetaPathFinder):
    """Imports the extractor modules from their ``.py`` files, past any compiled module beside them."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = {f"{__package__}.{name.removesuffix('.py')}": PACKAGE_DIR / name for name in names}

    def find_spec(self, fullname, path=None, target=None):  # type: ignore[no-untyped-def]
        source = self.names.get(fullname)
        if source is None:
            return None
        loader = importlib.machinery.SourceFileLoader(fullname, str(source))
        return importlib.util.spec_from_file_location(fullname, source, loader=loader)


_STATE: dict[str, object] = {}


def install_guard() -> None:
    """Run once, on the package's import, before any extractor module is imported."""
    if "compiled" in _STATE:
        return
    compiled, why = decide()
    _STATE.update(compiled=compiled, why=why)
    if not compiled and not any(isinstance(f, _SourceFirst) for f in sys.meta_path):
        sys.meta_path.insert(0, _SourceFirst(EXTRACTOR_MODULES))


def status() -> str:
    """One line for people: which extractor code this process runs, and why."""
    install_guard()
    return str(_STATE["why"])


def index_status() -> str:
    """One line for people: whether the article index (caseless.ArticleIndex) runs."""
    from . import caseless               # after install_guard: the extractor's own import of hyperscan

    found = caseless.hyperscan_version()
    return f"hyperscan {found}" if found else "off (hyperscan is not installed: every pattern scans; same figures, slower)"


def in_use() -> bool:
    """True when this process runs the compiled extractor modules."""
    install_guard()
    return bool(_STATE["compiled"])


def build(force: bool = False, quiet: bool = False) -> int:
    """Compile the extractor modules with mypyc into the package folder; 0 on success.

    Compiles a copy of the package, so the digest written is the digest of exactly
    what was compiled, even if a file is edited meanwhile."""
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr))
    manifest = _read_manifest()
    if not force and _mismatch(manifest) is None:
        say(f"native: compiled core is up to date (sources {manifest['digest']})")
        return 0
    if shutil.which("cc") is None and shutil.which("gcc") is None and not os.environ.get("CC"):
        say("native: no C compiler found (cc/gcc); newsfigures runs as pure Python, about a fifth slower.\n"
            "  fix: install gcc (Debian: apt-get install gcc python3-dev), then run `make setup` again")
        return 1
    with tempfile.TemporaryDirectory(prefix="newsfigures-native-") as tmp:
        work = Path(tmp)
        shutil.copytree(PACKAGE_DIR, work / "newsfigures",
                        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", "_native.json"))
        compiled_digest = code_digest(work / "newsfigures")
        command = [sys.executable, "-m", "mypyc", "--ignore-missing-imports",
                   *[f"newsfigures/{name}" for name in EXTRACTOR_MODULES]]
        say(f"native: compiling {len(EXTRACTOR_MODULES)} extractor modules with mypyc (about 30 s)")
        done = subprocess.run(command, cwd=work, capture_output=True, text=True,
                              env={**os.environ, "MYPYC_OPT_LEVEL": "3"})
        if done.returncode != 0:
            say(done.stdout[-3000:] + done.stderr[-3000:])
            say("native: mypyc failed; newsfigures runs as pure Python.\n"
                "  fix: mypyc reports the type errors above; correct them in src/newsfigures and run `make setup`")
            return 1
        MANIFEST.unlink(missing_ok=True)          # no manifest while the files are half-replaced
        for old in [p for name in EXTRACTOR_MODULES for p in _compiled_files(PACKAGE_DIR, name)]:
            old.unlink()
        built = [p for name in EXTRACTOR_MODULES for p in _compiled_files(work / "newsfigures", name)]
        for lib in built:
            shutil.copy2(lib, PACKAGE_DIR / lib.name)
        groups = sorted(work.glob("*__mypyc.*"))     # the shared library the modules above load
        for lib in groups:
            shutil.copy2(lib, PACKAGE_DIR.parent / lib.name)
        MANIFEST.write_text(json.dumps({"digest": compiled_digest, "tag": _build_tag(),
                                        "modules": [p.name for p in built], "shared": [p.name for p in groups]},
                                       indent=1) + "\n")
    say(f"native: compiled core built (sources {compiled_digest})")
    return 0
