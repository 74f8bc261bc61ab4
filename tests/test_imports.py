"""Every module of the package imports on its own, first in a fresh interpreter state: an
import cycle that only works in one order (a tool or a plugin importing `supernodec.catalog`
first) fails here, not in a user's script."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

PROBE = r"""
import importlib, pkgutil, sys
import supernodec
names = sorted(m.name for m in pkgutil.walk_packages(supernodec.__path__, "supernodec.")
               if not m.name.endswith(".__main__"))   # a script, run by `python -m`
failed = []
for name in names:
    for k in [k for k in sys.modules if k == "supernodec" or k.startswith("supernodec.")]:
        del sys.modules[k]
    try:
        importlib.import_module(name)
    except Exception as e:  # noqa: BLE001 - reported by the test
        failed.append(f"{name}: {type(e).__name__}: {e}")
print(len(names))
print("\n".join(failed))
"""


def test_every_module_imports_first() -> None:
    r = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=600,
                       check=False)
    assert r.returncode == 0, r.stderr[-3000:]
    lines = r.stdout.splitlines()
    assert int(lines[0]) > 50, "the probe found too few modules to mean anything"
    failures = [ln for ln in lines[1:] if ln]
    assert not failures, "\n".join(failures)
