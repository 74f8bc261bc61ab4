"""Golden files of the deployment emitters (slurm, kubernetes, ansible, netbox) for every example,
and byte-identical output across runs and hash seeds.

Goldens live in tests/cases/emit/<example>/expected/<artifact path>; this test owns only the
slurm/, kubernetes/, ansible/ and netbox/ subfolders there. Refresh with
`pytest tests/test_emit_deploy_goldens.py --update-goldens` and review the diff.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CASES, EXAMPLES, ROOT
from deploy_checks import DEPLOY_CASES, compile_design, emit_files

EMITTERS = ("slurm", "kubernetes", "ansible", "netbox")
EXAMPLE_SPECS = sorted(EXAMPLES.glob("*.sn"))


def emitted(spec: Path) -> dict[str, bytes]:
    design = compile_design(spec)
    out: dict[str, bytes] = {}
    for name in EMITTERS:
        out.update(emit_files(design, name))
    return out


def golden_files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for name in EMITTERS if (root / name).is_dir()
            for p in sorted((root / name).rglob("*")) if p.is_file()}


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=[p.stem for p in EXAMPLE_SPECS])
def test_deploy_goldens(spec, update_goldens):
    root = CASES / "emit" / spec.stem / "expected"
    got = emitted(spec)
    if update_goldens:
        for rel, p in golden_files(root).items():
            if rel not in got:
                p.unlink()
        for rel, data in got.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
    want = golden_files(root)
    assert sorted(want) == sorted(got), "emitted files differ from the golden list (run --update-goldens)"
    for rel, p in want.items():
        assert p.read_bytes() == got[rel], f"{rel} differs from its golden (run --update-goldens and review)"


_DIGEST = """
import hashlib, sys
sys.path.insert(0, {tests!r})
from deploy_checks import compile_design, emit_files
d = compile_design({spec!r})
h = hashlib.sha256()
for name in {emitters!r}:
    for path, data in sorted(emit_files(d, name).items()):
        h.update(path.encode() + b"\\0" + data)
print(h.hexdigest())
"""


@pytest.mark.slow
def test_outputs_identical_across_hash_seeds():
    spec = str(DEPLOY_CASES / "dual_pod_roce.sn")
    code = _DIGEST.format(tests=str(ROOT / "tests"), spec=spec, emitters=EMITTERS)
    digests = set()
    for seed in ("0", "12345"):
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300,
                           env={**os.environ, "PYTHONHASHSEED": seed}, start_new_session=True)
        assert r.returncode == 0, r.stderr
        digests.add(r.stdout.strip())
    here = hashlib.sha256()
    design = compile_design(spec)
    for name in EMITTERS:
        for path, data in sorted(emit_files(design, name).items()):
            here.update(path.encode() + b"\0" + data)
    digests.add(here.hexdigest())
    assert len(digests) == 1
