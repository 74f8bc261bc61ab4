"""Resource limits that cannot be case files: timing, generated files, command-line limits.

The per-limit diagnostics are case files (`tests/cases/diagnostics/limits_*.sn`);
here are the ones that need a clock, a 20 MB file, 70 modules or the CLI.
The timing bounds are generous (5 s) on purpose: they guard against hangs and
out-of-memory runs, not against slowness.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

from conftest import compile_text, run_cli

from supernodec.driver import Options, compile_spec
from supernodec.elaborate import Limits
from supernodec.loader import FileLoader

TERA_LINKS = """switch S { port p[4]: UB @ 56 GB/s }
center c {
  a: S[1000000]
  b: S[1000000]
  connect a[*].p -> b[*].p
}
"""


def _codes(res) -> list[str]:  # type: ignore[no-untyped-def]
    return [d.code for d in res.diagnostics]


def test_a_spec_asking_for_10_to_the_12_links_fails_fast_without_memory(tmp_path: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    res = compile_text(tmp_path, TERA_LINKS)
    took = time.perf_counter() - t0
    grew_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert _codes(res) == ["SN0207"]
    assert "1,000,000,000,000 links" in res.diagnostics[0].message
    assert took < 5, f"took {took:.1f} s"           # measured ~0.3 s; the bound only catches hangs
    # 10^12 links of 8 int64 columns would be 64 TB; two million devices are ~0.3 GB
    assert grew_mb < 2000, f"peak RSS grew by {grew_mb:.0f} MB"


def test_command_line_limits_lower_the_defaults(tmp_path: Path) -> None:
    spec = tmp_path / "small.sn"
    spec.write_text("switch S { port p[4]: UB @ 56 GB/s }\ncenter c {\n  a: S[100]\n  connect a[i].p -> a[(i + 1) % 100].p\n}\n")
    ok = run_cli("check", str(spec), "--format", "short")
    assert ok.returncode == 0, ok.stderr
    dev = run_cli("check", str(spec), "--format", "short", "--max-devices", "50")
    assert dev.returncode == 1 and "SN0207" in dev.stderr and "limit of 50" in dev.stderr, dev.stderr
    links = run_cli("check", str(spec), "--format", "short", "--max-links", "10")
    assert links.returncode == 1 and "SN0207" in links.stderr and "the limit is 10" in links.stderr, links.stderr


def test_default_limits_admit_a_million_accelerators() -> None:
    """Sized from the 100k-NPU benchmark center (0.3 M devices, 2.4 M links, ~10 M ports)."""
    lim = Limits()
    assert lim.devices >= 3_000_000 and lim.links >= 24_000_000 and lim.ports >= 100_000_000


def test_template_nesting_depth_is_limited(tmp_path: Path) -> None:
    n = Limits().depth + 3
    lines = ["switch S { port p[4]: UB @ 56 GB/s }"]
    lines += [f"fabric T{k} {{ t: T{k + 1} }}" for k in range(n)] + [f"fabric T{n} {{ s: S[1] }}", "center c { t: T0 }"]
    res = compile_text(tmp_path, "\n".join(lines) + "\n")
    assert "SN0208" in _codes(res)
    assert any(f"deeper than {Limits().depth} levels" in d.message for d in res.diagnostics)


def test_import_depth_is_limited(tmp_path: Path) -> None:
    for k in range(70):
        (tmp_path / f"m{k}.sn").write_text(f'import "m{k + 1}"\n')
    (tmp_path / "m70.sn").write_text("switch S { port p[4]: UB @ 56 GB/s }\n")
    res = compile_spec("m0.sn", FileLoader(cwd=tmp_path), Options())
    assert [d.code for d in res.diagnostics if d.is_error] == ["SN0208"]
    assert "imports nest deeper than 64 modules" in res.diagnostics[0].message


def test_a_20_mb_file_is_refused_with_sn0007(tmp_path: Path) -> None:
    spec = tmp_path / "big.sn"
    spec.write_text("// " + "x" * 20_000_000 + "\n")
    out = run_cli("check", str(spec), "--format", "short")
    assert out.returncode == 1
    assert "SN0007" in out.stderr and "20,000,004 characters; the limit is 16,000,000" in out.stderr
    assert "Traceback" not in out.stderr


def test_invalid_utf8_is_sn0006(tmp_path: Path) -> None:
    spec = tmp_path / "latin1.sn"
    spec.write_bytes('switch S { vendor = "Gr\u00fcn" }\n'.encode("latin-1"))
    out = run_cli("check", str(spec), "--format", "short")
    assert out.returncode == 1
    # 'switch S { vendor = "Gr' is 23 bytes (6 + 1 + 1 + 1 + 1 + 1 + 6 + 1 + 1 + 1 + 1 + 2): the 0-based offset of the ü
    assert "SN0006" in out.stderr and "(byte 23)" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    spec = tmp_path / "sparse.sn"
    with spec.open("wb") as f:
        f.truncate(5_000_000_000)       # sparse: 5 GB that would not fit in memory as text
    t0 = time.perf_counter()
    res = compile_spec(str(spec), FileLoader(cwd=tmp_path), Options())
    assert time.perf_counter() - t0 < 5
    assert _codes(res) == ["SN0103"]
    assert "5,000,000,000 bytes; the limit is 64,000,000" in res.diagnostics[0].message
