"""How this Python is built, for scripts/setup.sh's choice of interpreter (run by each candidate).

Exit status: 0, Python 3.11 with the interpreter in its executable (Debian's /usr/bin/python3.11
and other distributions' builds); 2, Python 3.11 that loads the interpreter from a shared
libpython (pyenv's and many hand builds' ``--enable-shared``); 3, Python 3.11 where this cannot be
told (no /proc: macOS, Windows); 1, not Python 3.11.

Why it matters: mypyc-compiled code calls the interpreter's C API at every step. Within a shared
libpython each of those calls goes through the PLT and cannot be inlined, and the extractor took
about 18 % longer on pyenv's build than on Debian's (README, Benchmarks). Standard library only.
"""
import sys


def main() -> int:
    if sys.version_info[:2] != (3, 11):
        return 1
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            mapped = maps.read()
    except OSError:
        return 3
    return 2 if "libpython3" in mapped else 0


if __name__ == "__main__":
    sys.exit(main())
