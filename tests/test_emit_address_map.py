"""`address-map.json`: a small golden, and the CloudMatrix384 map derived by hand.

CloudMatrix384 maps 384 NPUs (128 GB = 128 x 10^9 bytes each) then 192 CPUs (512 GB)
aligned to 1 GiB: an NPU window takes ceil(128e9 / 2^30) = 120 GiB of address space, a
CPU window ceil(512e9 / 2^30) = 477 GiB, so the total is 384 x 120 GiB + 191 x 477 GiB +
512e9 bytes, well inside 52 bits.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import CASES, EXAMPLES, compile_file

GiB = 2**30
CASE = CASES / "address_map" / "two_pods"


def _emit(spec: Path) -> dict[str, bytes]:
    from supernodec.emit import EMITTERS, load_all
    load_all()
    res = compile_file(spec)
    assert res.design is not None and not res.diagnostics, [d.message for d in res.diagnostics]
    return {a.path: a.data for a in EMITTERS["address-map"](res.design)}


def test_golden(update_goldens: bool) -> None:
    out = _emit(CASE / "main.sn")
    golden = CASE / "expected" / "address-map.json"
    if update_goldens:
        golden.write_bytes(out["address-map.json"])
    assert out == {"address-map.json": golden.read_bytes()}
    doc = json.loads(golden.read_bytes())
    for m in doc["maps"]:
        assert [w["base"] for w in m["windows"]] == [0, 128 * GiB, 256 * GiB]
        assert m["total_bytes"] == 304 * GiB and m["limit_bytes"] == 2**40 and m["fits"]


def test_cloudmatrix384_map() -> None:
    doc = json.loads(_emit(EXAMPLES / "cloudmatrix384.sn")["address-map.json"])
    (m,) = doc["maps"]
    w = m["windows"]
    assert len(w) == 384 + 192 and m["width_bits"] == 52 and m["align_bytes"] == GiB
    assert w[1]["base"] == 120 * GiB and w[384]["base"] == 384 * 120 * GiB
    assert w[385]["base"] - w[384]["base"] == 477 * GiB
    assert m["total_bytes"] == 384 * 120 * GiB + 191 * 477 * GiB + 512 * 10**9
    assert all(a["base"] + a["size"] <= b["base"] for a, b in zip(w, w[1:]))


def test_no_map_no_file() -> None:
    assert _emit(CASES / "diagnostics" / "ports_ok.sn") == {}
