"""Shared fixtures: paths, a compile helper and the golden-file switch."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# Upstream schemas are copied, unmodified, into tests/schemas (rows in tests/schemas/README.md),
# so a clean clone needs nothing beside it; `SHARED / "schemas"` points there.
SHARED = ROOT / "tests"
SCHEMAS = SHARED / "schemas"
CASES = ROOT / "tests" / "cases"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite golden output files")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def compile_file(path: Path | str, overrides: dict | None = None, run_checks: bool = True, **loader_kw):
    from supernodec.driver import Options, compile_spec
    from supernodec.loader import FileLoader
    return compile_spec(str(path), FileLoader(cwd=ROOT, **loader_kw), Options(overrides or {}, run_checks=run_checks))


def compile_text(tmp_path: Path, text: str, name: str = "spec.sn", **kw):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    from supernodec.driver import Options, compile_spec
    from supernodec.loader import FileLoader
    return compile_spec(str(p), FileLoader(cwd=tmp_path), Options(kw.get("overrides", {}), run_checks=kw.get("run_checks", True)))


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None):
    import subprocess
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "supernodec", *args], cwd=cwd or ROOT, capture_output=True,
                          text=True, env=e, timeout=600)
