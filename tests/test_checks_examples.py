"""The constraint checks on the shipped examples, against figures derived here by hand.

CloudMatrix384 (arXiv 2506.12708 v2 s3.2-3.3, reference-systems.md s1): each NPU has 7 UB
ports of 56 GB/s (392 GB/s per direction); each L1 chip has 8 x 56 GB/s down and
16 x 28 GB/s up (448 : 448, non-blocking); two halves of 24 nodes exchange at most what one
half injects: 24 x 8 x 392 GB/s = 75,264 GB/s per direction. An NPU reaches any other
through L1, L2, L1: 3 switches of 100 ns (the catalog's assumption) with no cable
lengths known (the communication racks are not on a floor), so 300 ns.

Lowering the L1-L2 link count (14 L2 chips per plane) or the L1 uplink port count (14)
leaves 14 x 28 = 392 GB/s up against 448 GB/s down (8:7) and a bisection of
24 x 7 x 14 x 28 GB/s = 65,856 GB/s.

DGX H100 SuperPOD (reference-systems.md s4.1): every leaf of a full SU has 32 nodes down
and 32 links up (1:1); in the last SU, leaves 0-3 carry 31 nodes plus one UFM link (1:1)
and leaves 4-7 carry 31 nodes (31:32).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from conftest import EXAMPLES, compile_file, compile_text

GBps = 8 * 10**9


@pytest.fixture(scope="module")
def cm384():
    res = compile_file(EXAMPLES / "cloudmatrix384.sn")
    assert res.design is not None
    return res


def _decl(design, func: str):
    from supernodec.checks.common import declarations
    (decl,) = declarations(design, (func,))
    return decl


def test_cloudmatrix384_meets_its_published_figures(cm384) -> None:
    from supernodec.checks.bandwidth import halves, injection, switch_ratios
    from supernodec.checks.flow import max_flow
    from supernodec.checks.latency import evaluate
    assert cm384.diagnostics == []
    d = cm384.design
    rq = _decl(d, "bandwidth")[0]
    bw, ports = injection(d, rq.args[0].devices, "ub")
    assert set(bw.tolist()) == {392 * GBps} and set(ports.tolist()) == {7}
    r = switch_ratios(d, _decl(d, "oversubscription"))
    assert r.devices.size == 48 * 7 and r.down_text == "l1.down" and r.up_text == "l1.up"
    assert set(r.down.tolist()) == {8 * 56 * GBps} and set(r.up.tolist()) == {16 * 28 * GBps}
    sel, a, b = halves(_decl(d, "bisection")[0])
    assert a.size == b.size == 192
    assert max_flow(d, 0, len(d.devices), a, b).value == 24 * 8 * 392 * GBps == 75_264 * GBps
    _, worst = evaluate(d, _decl(d, "latency")[0], bound=None)
    assert worst.exact and worst.value == 3 * 100 * 10**6     # femtoseconds: 300 ns


CM_FEWER_L2 = ("l2: huawei.UBSwitchL2[16]", "l2: huawei.UBSwitchL2[14]",
               "connect server[n].l1[p].up[k] -> plane[p].l2[k].p[n]", "connect plane[p].l2[k].p[n] -> server[n].l1[p].up[k]")

L1_14 = """
switch L1Short {
  latency = 100 ns
  port down[8]: UB @ 56 GB/s form backplane
  port up[14]: UB @ 28 GB/s form OSFP
}
"""


def _variant(tmp_path: Path, *edits: str, prefix: str = "") -> tuple[list, str]:
    text = (EXAMPLES / "cloudmatrix384.sn").read_text(encoding="utf-8")
    for old, new in zip(edits[::2], edits[1::2]):
        assert text.count(old) == 1
        text = text.replace(old, new)
    res = compile_text(tmp_path, prefix + text, name="cm.sn")
    return res.diagnostics, prefix + text


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize("how", ["fewer L1-L2 links", "fewer L1 uplink ports"])
def test_cloudmatrix384_lowered_uplinks_fail_the_right_checks(tmp_path: Path, how: str) -> None:
    if how == "fewer L1-L2 links":
        diags, text = _variant(tmp_path, *CM_FEWER_L2)
    else:
        diags, text = _variant(tmp_path, "l1: huawei.UBSwitchL1[7]", "l1: L1Short[7]", prefix=L1_14)
    by_code = {d.code: d for d in diags}
    assert set(by_code) == {"SN0402", "SN0403"}, [d.message for d in diags]
    assert "oversubscribed 8:7 (1.143:1)" in by_code["SN0402"].message
    assert "448 GB/s (3,584 Gb/s) per direction : uplinks `l1.up` 392 GB/s (3,136 Gb/s)" in by_code["SN0402"].notes[0]
    assert "bisection of `npu` is 65,856 GB/s (526,848 Gb/s) per direction" in by_code["SN0403"].message
    assert "at least 75,264 GB/s" in by_code["SN0403"].message
    assert by_code["SN0402"].span.line == _line_of(text, "require oversubscription(")
    assert by_code["SN0403"].span.line == _line_of(text, "require bisection(")


def test_cloudmatrix384_tight_latency_bound_names_the_path(tmp_path: Path) -> None:
    diags, _ = _variant(tmp_path, "require latency(npu, npu) <= 1 us", "require latency(npu, npu) <= 299 ns")
    (d,) = diags
    assert d.code == "SN0501" and "is 300 ns, the requirement is at most 299 ns" in d.message
    assert "(4 links, 3 switches)" in d.notes[0] and "3 switches 300 ns" in d.notes[1]


@pytest.mark.parametrize("su", [1, 2, 3, 4])
def test_dgx_h100_superpod_leaves_are_not_oversubscribed(su: int) -> None:
    from supernodec.checks.bandwidth import switch_ratios
    res = compile_file(EXAMPLES / "dgx-h100-superpod.sn", {"su": Fraction(su)})
    assert res.design is not None and not [d for d in res.diagnostics if d.is_error]
    r = switch_ratios(res.design, _decl(res.design, "oversubscription"))
    assert r.up_text == "leaf.up"
    assert r.devices.size == 8 * su
    ratios = sorted(r.ratio(i) for i in range(r.devices.size))
    assert ratios == [Fraction(31, 32)] * 4 + [Fraction(1)] * (8 * su - 4)
    assert set(r.up.tolist()) == {32 * 400 * 10**9}


def test_oversubscription_reads_either_order(tmp_path: Path) -> None:
    from supernodec.checks.bandwidth import switch_ratios
    spec = """
accelerator G { port p: Ethernet @ 400 Gb/s }
switch Leaf { port down[4]: Ethernet @ 400 Gb/s; port up[2]: Ethernet @ 400 Gb/s }
switch Spine { port p[4]: Ethernet @ 400 Gb/s }
center c {
  g: G[8]
  leaf: Leaf[2]
  spine: Spine[2]
  connect g[i].p -> leaf[floor(i / 4)].down
  connect leaf[i].up[j] -> spine[j].p
  require oversubscription(leaf.up : leaf.down) <= 2:1
  require oversubscription(leaf.down : leaf.up) <= 2:1
}
"""
    res = compile_text(tmp_path, spec)
    assert res.diagnostics == []
    from supernodec.checks.common import declarations
    for decl in declarations(res.design, ("oversubscription",)):
        r = switch_ratios(res.design, decl)
        assert [r.ratio(i) for i in range(2)] == [Fraction(2)] * 2     # 4 x 400 down : 2 x 400 up
    assert np.all(r.up == 2 * 400 * 10**9)
