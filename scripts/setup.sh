#!/usr/bin/env bash
# Set up everything newsfigures needs, idempotently:
#   .venv with the locked dependencies (requirements.lock), the package itself,
#   the extractor core compiled with mypyc,
#   the project's Jupyter kernel "newsfigures" (found by JupyterLab and papermill),
#   and Quarto where it can be installed.
# Re-running is cheap: it reinstalls only when requirements.lock or pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# Which Python 3.11: $PYTHON when set. Otherwise, of the Python 3.11s found, the first
# whose interpreter is part of its executable (as Debian builds /usr/bin/python3.11)
# before one that loads it from libpython3.11.so (pyenv's default --enable-shared build):
# the compiled extractor calls into the interpreter all the time, and through a shared
# library each call costs more. Extraction took about 15 % less time on Debian's than
# on pyenv's; quantulum3, pure Python, about the same (README, Benchmarks).
# scripts/python_build.py answers: 0 built in, 2 a shared libpython, 3 cannot tell, 1 not 3.11.
PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  fallback=""
  for candidate in python3.11 /usr/bin/python3.11 /usr/local/bin/python3.11 python3 python; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    status=0; "$candidate" scripts/python_build.py 2>/dev/null || status=$?
    if [ "$status" = 0 ]; then PYTHON="$candidate"; break; fi
    if [ "$status" != 1 ] && [ -z "$fallback" ]; then fallback="$candidate"; fi
  done
  PYTHON="${PYTHON:-$fallback}"
fi
if [ -z "$PYTHON" ]; then
  echo "error: newsfigures needs Python 3.11 (none found on PATH)." >&2
  echo "  fix: install Python 3.11, or point PYTHON=/path/to/python3.11 at it" >&2
  exit 2
fi

VENV=.venv
STAMP="$VENV/.installed"
# A .venv made with another Python than the one chosen is made again (with the extractor
# compiled again against that Python).
FRESH=0
if [ -e "$VENV" ]; then
  made_with="$("$VENV/bin/python" -c 'import os, sys; print(os.path.realpath(sys._base_executable))' 2>/dev/null || echo "?")"
  chosen="$("$PYTHON" -c 'import os, sys; print(os.path.realpath(sys.executable))')"
  if [ "$made_with" != "$chosen" ]; then
    echo "setup: $VENV was made with $made_with; making it again with $chosen"
    rm -rf "$VENV"
    FRESH=1
  fi
fi
WANT="$(cat requirements.lock pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] && [ -x "$VENV/bin/newsfigures" ]; then
  echo "setup: environment is up to date ($VENV)"
else
  echo "setup: creating $VENV with $($PYTHON --version)"
  [ -d "$VENV" ] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
  # --compile-bytecode: .pyc files written once here, so imports stay fast even
  # where PYTHONDONTWRITEBYTECODE is set (otherwise pandas alone takes ~2 s to import).
  "$VENV/bin/uv" pip sync --quiet --compile-bytecode --python "$VENV/bin/python" requirements.lock
  "$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" --no-deps -e .
  echo "$WANT" > "$STAMP"
fi

# The extractor core compiled with mypyc from src/newsfigures (about 30 s, and only
# when those sources changed since the last build): extraction is about a fifth
# cheaper. The package checks on import that the build matches its sources, and
# runs the .py files otherwise (see src/newsfigures/native.py).
if [ "${NEWSFIGURES_PURE:-0}" != "0" ]; then
  echo "setup: NEWSFIGURES_PURE is set; the extractor core stays pure Python"
elif ! "$VENV/bin/python" -c "import sys; from newsfigures.native import build; sys.exit(build(force=$FRESH == 1))"; then
  echo "setup: the extractor core was not compiled; newsfigures runs as pure Python (same figures, slower)"
fi

# The Jupyter kernel JupyterLab lists and papermill runs (`-k newsfigures`).
"$VENV/bin/python" -m ipykernel install --sys-prefix --name newsfigures \
  --display-name "Python (newsfigures)" >/dev/null
echo "setup: Jupyter kernel 'newsfigures' registered in $VENV"

# Headless Chromium and poppler-utils let the tests check the report as a reader
# sees it (no script runs, no network request, charts in the PDF). Installed from
# Debian's packages when this runs as root with apt; elsewhere those tests skip.
if command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then
  echo "setup: chromium and poppler-utils found"
elif [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1 && [ "${NEWSFIGURES_SKIP_APT:-0}" != "1" ]; then
  echo "setup: installing chromium and poppler-utils (Debian packages)"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null
else
  echo "setup: chromium/poppler-utils missing; report browser and PDF checks will be skipped (install them to run those tests)"
fi

# Quarto renders the report where it is installed; the pip package downloads
# the binary while installing, which only works with internet access. Without
# it, `newsfigures report` uses its pandoc + Typst fallback.
if command -v quarto >/dev/null 2>&1 || [ -x "$VENV/bin/quarto" ]; then
  echo "setup: quarto found"
elif [ "${NEWSFIGURES_SKIP_QUARTO:-0}" != "1" ] && [ ! -f "$VENV/.quarto-tried" ]; then
  if timeout 300 "$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" quarto-cli >/dev/null 2>&1; then
    echo "setup: quarto installed into $VENV"
  else
    echo "setup: quarto could not be installed here (no download access); the report uses the pandoc + Typst fallback"
  fi
  touch "$VENV/.quarto-tried"
else
  echo "setup: quarto not available; the report uses the pandoc + Typst fallback"
fi
