"""Load a page in headless Chromium (Debian's package) and report what it did.

Returns the DOM after scripts ran, the console messages, and every network
request the page itself made (Chromium's own background traffic is left out:
page requests carry the file:// isolation key).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=8000"]


@dataclass
class PageRun:
    dom: str
    console: list[str]
    requests: list[str]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("headless Chromium is not installed (make setup installs Debian's chromium where it can)")


def load(page: Path) -> PageRun:
    exe = chromium()
    with tempfile.TemporaryDirectory() as tmp:
        netlog = Path(tmp) / "net.json"
        done = subprocess.run([exe, *FLAGS, f"--user-data-dir={tmp}/profile", f"--log-net-log={netlog}",
                               "--dump-dom", page.resolve().as_uri()],
                              capture_output=True, text=True, timeout=120)
        console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
        requests: list[str] = []
        if netlog.exists():
            log = json.loads(netlog.read_text(encoding="utf-8", errors="replace") or "{}")
            for event in log.get("events", []):
                params = event.get("params", {})
                if "url" in params and "file://" in str(params.get("network_isolation_key", "")):
                    requests.append(params["url"])
    return PageRun(done.stdout, console, sorted(set(requests)))


def squash(text: str) -> str:
    """Text without whitespace and hyphens: table cells wrap lines, and pdftotext
    drops the hyphen where a word was broken across lines."""
    return re.sub(r"[\s\-\u00ad]+", "", text)


def pdf_text(pdf: Path) -> str:
    """The PDF's text in reading order, squashed (see :func:`squash`)."""
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext is not installed (Debian's poppler-utils; make setup installs it where it can)")
    done = subprocess.run([exe, str(pdf), "-"], capture_output=True, text=True, check=True)
    return squash(done.stdout)
