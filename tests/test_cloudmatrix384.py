"""CloudMatrix384 (reference-systems.md s1): counts derived here from the published structure.

Published structure (arXiv 2506.12708 v2, s3.2-3.3): 48 nodes; per node 8 Ascend 910C,
4 Kunpeng CPUs and 7 L1 UB switch chips (one per plane); 7 planes x 16 L2 chips of
48 ports x 28 GB/s; every L1 chip links once to each of the 16 L2 chips of its plane;
each NPU has 392 GB/s UB per direction (7 x 56 GB/s, one port per plane).
"""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np

from conftest import EXAMPLES, compile_file, run_cli

NODES, NPU_PER_NODE, CPU_PER_NODE, PLANES, L2_PER_PLANE, L2_PORTS = 48, 8, 4, 7, 16, 48
GB = 8 * 10**9  # bits in a gigabyte


def expected(nodes: int) -> dict:
    npus = nodes * NPU_PER_NODE
    l1 = nodes * PLANES
    return {
        "npus": npus, "cpus": nodes * CPU_PER_NODE, "l1": l1, "l2": PLANES * L2_PER_PLANE,
        "npu_l1_links": npus * PLANES,               # one link per NPU per plane
        "l1_l2_links": l1 * L2_PER_PLANE,            # every L1 chip to the 16 L2 chips of its plane
        "injection_GBps": npus * 392,                # 392 GB/s per NPU per direction
    }


def stats(*args: str) -> dict:
    r = run_cli("stats", "--json", str(EXAMPLES / "cloudmatrix384.sn"), *args)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def npu_injection_bps(design) -> int:
    from supernodec.ir.flat import link_capacity
    kinds = np.array([p.kind == "accelerator" for p in design.parts])
    touch = kinds[design.devices.part[design.links.a]] | kinds[design.devices.part[design.links.b]]
    return int(link_capacity(design)[touch].astype(object).sum())


def test_published_counts() -> None:
    e = expected(NODES)
    s = stats()
    assert s["accelerators"] == e["npus"] == 384
    assert s["devices"]["cpu"] == e["cpus"] == 192
    assert s["devices_by_part"]["huawei.UBSwitchL1"] == e["l1"] == 336
    assert s["devices_by_part"]["huawei.UBSwitchL2"] == e["l2"] == 112
    assert s["links_by_medium"]["backplane"] == e["npu_l1_links"] == 2688
    assert s["links_by_medium"]["huawei.UB400G"] == e["l1_l2_links"] == 5376
    assert e["l1_l2_links"] == e["l2"] * L2_PORTS   # every L2 port used (s1.3 cross-check)
    assert s["links"] == 2688 + 5376


def test_npu_injection() -> None:
    res = compile_file(EXAMPLES / "cloudmatrix384.sn")
    assert res.ok, [d.message for d in res.diagnostics]
    assert npu_injection_bps(res.design) == expected(NODES)["injection_GBps"] * GB == 150_528 * GB


def test_nodes_override_halves_the_design() -> None:
    full, half = expected(48), expected(24)
    s = stats("-D", "nodes=24")
    assert s["accelerators"] == half["npus"] == full["npus"] // 2
    assert s["devices_by_part"]["huawei.UBSwitchL1"] == half["l1"]
    assert s["links_by_medium"]["backplane"] == half["npu_l1_links"]
    assert s["links_by_medium"]["huawei.UB400G"] == half["l1_l2_links"]
    assert s["devices_by_part"]["huawei.UBSwitchL2"] == full["l2"]     # planes keep their L2 chips
    res = compile_file(EXAMPLES / "cloudmatrix384.sn", {"nodes": Fraction(24)})
    d = res.design
    l2 = d.part_index("huawei.UBSwitchL2")
    used = np.isin(d.links.b, np.flatnonzero(d.devices.part == l2))
    # each L2 chip now uses 24 of its 48 ports: port use halves
    assert used.sum() == 112 * 24


def test_override_past_port_count_is_a_diagnostic() -> None:
    r = run_cli("check", str(EXAMPLES / "cloudmatrix384.sn"), "-D", "nodes=52", "--format", "short")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "SN0204" in r.stderr and "index 48 is out of range" in r.stderr   # L2 has ports p[0..47]


def test_override_type_checked() -> None:
    r = run_cli("check", str(EXAMPLES / "cloudmatrix384.sn"), "-D", "nodes=24 GB/s", "--format", "short")
    assert r.returncode == 1 and "SN0210" in r.stderr
    r = run_cli("check", str(EXAMPLES / "cloudmatrix384.sn"), "-D", "node=24")
    assert r.returncode == 1 and "SN0210" in r.stderr and "did you mean `nodes`" in r.stderr
