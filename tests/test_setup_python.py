"""scripts/python_build.py: how setup tells a Python whose interpreter is in its executable from
one that loads it from a shared libpython (and so which Python 3.11 it makes .venv with)."""
import builtins
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "python_build.py"


def _script():
    spec = importlib.util.spec_from_file_location("python_build", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc (Linux)")
def test_tells_this_python_as_the_dynamic_loader_sees_it():
    # ldd names libpython3.11.so among the executable's libraries exactly when the interpreter
    # lives there, not in the executable: the script reads the same from the running process.
    base = Path(getattr(sys, "_base_executable", sys.executable)).resolve()
    ldd = subprocess.run(["ldd", str(base)], capture_output=True, text=True)
    if ldd.returncode != 0:
        pytest.skip("ldd cannot read this Python's executable")
    status = subprocess.run([sys.executable, str(SCRIPT)]).returncode
    assert status == (2 if "libpython3" in ldd.stdout else 0)


def test_a_python_other_than_3_11_is_refused(monkeypatch):
    script = _script()
    monkeypatch.setattr(sys, "version_info", (3, 12, 0, "final", 0))
    assert script.main() == 1


def test_without_proc_it_cannot_tell(monkeypatch):
    script = _script()

    def no_proc(*args, **kwargs):
        raise FileNotFoundError("/proc/self/maps")

    monkeypatch.setattr(builtins, "open", no_proc)
    assert script.main() == 3
