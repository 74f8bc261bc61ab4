"""The grammar and catalogs ship inside the wheel and load from the installed package."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_grammar_loads_from_installed_wheel(tmp_path: Path) -> None:
    wheel_dir = tmp_path / "wheel"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                        "-w", str(wheel_dir), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    wheel = next(wheel_dir.glob("supernodec-*.whl"))
    import zipfile
    names = zipfile.ZipFile(wheel).namelist()
    assert "supernodec/grammar/supernodec.lark" in names
    assert "supernodec/catalogs/huawei.sn" in names
    assert "supernodec/schemas/ir.schema.json" in names
    # install into a fresh venv that sees the dependencies of ours, then parse from outside the repo
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=False, with_pip=False).create(env_dir)
    site = subprocess.run([sys.executable, "-c", "import lark, sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True).stdout.strip()
    py = env_dir / "bin" / "python"
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = ("import sys; sys.path[:0] = [sys.argv[1]]; sys.path.append(sys.argv[2]);"
            "import supernodec.syntax.parser as p; assert sys.argv[1] in p.__file__, p.__file__;"
            "m, d = p.parse_module('x.sn', 'switch S { port p[4]: UB @ 56 GB/s }\\n'); assert m and not d; print('ok')")
    r = subprocess.run([str(py), "-c", code, str(target), site], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr
