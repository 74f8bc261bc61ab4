"""The NVIDIA examples reproduce the published structures (reference-systems.md s3 and s4.1).

Expected numbers are derived here from the published structure, not read from the
program: GB200 NVL72 from the DGX GB200 user guide and SuperPOD RA (trays, chips,
links per GPU); DGX H100 SuperPOD from RA-11333-001 Table 4 and the rules of s4.1.
"""

from __future__ import annotations

import json
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest

from conftest import EXAMPLES, compile_file, run_cli

GBps = 8 * 10**9      # bit/s in one GB/s


# ---------------------------------------------------------------------------- GB200 NVL72
COMPUTE_TRAYS, GPUS_PER_TRAY, CPUS_PER_TRAY, NICS_PER_TRAY = 18, 4, 2, 4    # DGX GB200 user guide
SWITCH_TRAYS, CHIPS_PER_TRAY = 9, 2                                         # SuperPOD GB200 RA
LINKS_PER_GPU, NVLINK5_GBPS_PER_DIRECTION = 18, 50                           # one link per chip; 100 GB/s bidi


@pytest.fixture(scope="module")
def nvl72():
    res = compile_file(EXAMPLES / "gb200-nvl72.sn", run_checks=False)
    assert res.design is not None and not [d for d in res.diagnostics if d.is_error], [d.message for d in res.diagnostics]
    r = run_cli("stats", "--json", "examples/gb200-nvl72.sn")
    assert r.returncode == 0, r.stderr
    return res.design, json.loads(r.stdout)


def test_gb200_counts(nvl72) -> None:
    design, stats = nvl72
    gpus = COMPUTE_TRAYS * GPUS_PER_TRAY
    assert gpus == 72
    assert stats["accelerators"] == gpus and stats["devices_by_part"]["nvidia.B200"] == gpus
    assert stats["devices"]["cpu"] == COMPUTE_TRAYS * CPUS_PER_TRAY == 36
    assert stats["devices_by_part"]["nvidia.NVLinkSwitch"] == SWITCH_TRAYS * CHIPS_PER_TRAY == 18
    assert stats["supernodes"] == 1 and stats["racks"] == 1


def _gpu_switch_links(design):
    part = design.devices.part
    kind_of = np.array([p.qname for p in design.parts])
    a, b = kind_of[part[design.links.a]], kind_of[part[design.links.b]]
    return np.flatnonzero((a == "nvidia.B200") & (b == "nvidia.NVLinkSwitch"))


def test_gb200_gpu_switch_links_and_bandwidth(nvl72) -> None:
    design, stats = nvl72
    gpus, chips = COMPUTE_TRAYS * GPUS_PER_TRAY, SWITCH_TRAYS * CHIPS_PER_TRAY
    links = _gpu_switch_links(design)
    assert len(links) == gpus * LINKS_PER_GPU == 1296
    # every GPU reaches every chip exactly once
    pairs = Counter(zip(design.links.a[links].tolist(), design.links.b[links].tolist()))
    assert len(pairs) == gpus * chips and set(pairs.values()) == {1}
    # 1.8 TB/s bidirectional per GPU = 18 links x 50 GB/s x 2 directions
    from supernodec.ir.flat import link_capacity
    cap = link_capacity(design)[links]
    per_gpu = Counter()
    for dev, c in zip(design.links.a[links].tolist(), cap.tolist()):
        per_gpu[dev] += c
    assert set(per_gpu.values()) == {LINKS_PER_GPU * NVLINK5_GBPS_PER_DIRECTION * GBps}
    assert Fraction(2 * next(iter(per_gpu.values())), GBps) == 1800           # "1.8TB/s bidirectional"
    # the rack's NVLink fabric: 72 x 1.8 TB/s = 129.6 TB/s bidirectional ("130 TB/s")
    assert 2 * stats["bandwidth"]["NVLink"] == 129_600 * GBps


def test_gb200_scale_out_nic_ports(nvl72) -> None:
    design, stats = nvl72
    cx7 = design.parts[design.part_index("nvidia.ConnectX7")]
    ib_ports = sum(g.count for g in cx7.ports if g.protocol == "InfiniBand")
    assert stats["devices_by_part"]["nvidia.ConnectX7"] * ib_ports == COMPUTE_TRAYS * NICS_PER_TRAY == 72
    assert cx7.ports[0].rate * 72 == 28_800 * 10**9                          # 28.8 Tb/s scale-out per rack


# ---------------------------------------------------------------------------- DGX H100 SuperPOD
# RA-11333-001 Table 4, as published: SU -> (nodes, GPUs, leaves, spines, compute+UFM cables, spine-leaf cables)
TABLE_4 = {1: (31, 248, 8, 4, 252, 256), 2: (63, 504, 16, 8, 508, 512),
           3: (95, 760, 24, 16, 764, 768), 4: (127, 1016, 32, 16, 1020, 1024)}
SWITCH_PORTS = 64     # QM9700: 32 twin-port OSFP cages x 2 logical NDR ports


def derived_row(su: int) -> tuple[int, ...]:
    """The rules of s4.1: 32 node positions per SU less one for UFM, a leaf per rail per SU
    (32 down, 32 up), 4 UFM links, and the smallest spine count that divides 32 (equal links
    from every leaf to every spine) and has ports for every uplink."""
    nodes = 32 * su - 1
    leaves = 8 * su
    spines = min(s for s in range(1, 33) if 32 % s == 0 and SWITCH_PORTS * s >= 32 * leaves)
    return nodes, 8 * nodes, leaves, spines, 8 * nodes + 4, 32 * leaves


@pytest.mark.parametrize("su", [1, 2, 3, 4])
def test_superpod_reproduces_table_4(su: int) -> None:
    assert derived_row(su) == TABLE_4[su]           # the derivation rules agree with the table
    args = ["stats", "--json", "examples/dgx-h100-superpod.sn"] + ([] if su == 4 else ["-D", f"su={su}"])
    r = run_cli(*args)
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    nodes, gpus, leaves, spines, compute_cables, spine_cables = TABLE_4[su]
    assert s["parameters"]["su"] == su
    assert s["accelerators"] == gpus == s["devices_by_part"]["nvidia.H100SXM"]
    assert s["devices_by_part"]["nvidia.Xeon8480C"] == 2 * nodes
    assert s["devices_by_part"]["nvidia.QM9700_Leaf"] == leaves
    assert s["devices_by_part"]["nvidia.QM9700"] == spines
    assert s["devices_by_part"]["nvidia.UFMAppliance"] == 4
    # one 400G NDR link per cable: node and UFM links on SR8 modules, leaf-spine on FibreHub DR8
    assert s["links_by_medium"]["optics.OSFP800_SR8"] == compute_cables
    assert s["links_by_medium"]["fibrehub.FH_OSFP_800G_DR8"] == spine_cables


def test_superpod_leaves_are_not_oversubscribed() -> None:
    """Every leaf has at least as much uplink as downlink capacity in use (1:1 at most)."""
    res = compile_file(EXAMPLES / "dgx-h100-superpod.sn", {"su": Fraction(3)}, run_checks=False)
    d = res.design
    assert d is not None
    leaf_part = d.part_index("nvidia.QM9700_Leaf")
    p = d.parts[leaf_part]
    down = Counter()
    up = Counter()
    for end, port in ((d.links.a, d.links.a_port), (d.links.b, d.links.b_port)):
        for dev, prt in zip(end.tolist(), port.tolist()):
            if d.devices.part[dev] == leaf_part:
                (down if p.port_group_of(prt)[0].name == "down" else up)[dev] += 1
    assert len(up) == 24 and set(up.values()) == {32}
    assert all(down[leaf] <= up[leaf] for leaf in up) and sum(down.values()) == 8 * 95 + 4
    req = [r for r in d.requires if r.func == "oversubscription"]
    assert len(req) == 1 and req[0].bound == 1 and req[0].op == "<="
    assert [a.text for a in req[0].args] == ["leaf.down", "leaf.up"]


def test_examples_use_only_shipped_catalogs_and_the_partner() -> None:
    import re
    allowed = {"huawei", "nvidia", "optics", "racks", "partners/fibrehub"}
    for f in ("cloudmatrix384.sn", "gb200-nvl72.sn", "dgx-h100-superpod.sn", "small-cluster.sn"):
        imports = set(re.findall(r'^import "([^"]+)"', (EXAMPLES / f).read_text(), re.M))
        assert imports and imports <= allowed, (f, imports)
    partner = (EXAMPLES / "partners" / "fibrehub.sn").read_text()
    assert "extends optics.OSFP800_DR8" in partner


def test_small_cluster_picks_media_by_length() -> None:
    res = compile_file(EXAMPLES / "small-cluster.sn", run_checks=False)
    d = res.design
    assert d is not None and not [x for x in res.diagnostics if x.is_error]
    names = {i: p.qname for i, p in enumerate(d.parts)}
    fabric = d.links.medium >= 0
    chosen = Counter((d.devices.role[a], names[m]) for a, m in zip(d.links.a[fabric].tolist(), d.links.medium[fabric].tolist()))
    # leaves and spines share the network rack: the 150 USD 3 m DAC reaches; nodes are one row away
    # (1.2 m of floor plus two vertical runs of ~2 m): beyond 3 m DAC and 5 m ACC, so the cheapest
    # module that reaches, the 50 m SR4 (500 USD), beats the 100 m AOC (600 USD)
    assert chosen == {("leaf", "optics.OSFP400_DAC"): 2 * 2 * 8, ("nic", "optics.OSFP400_SR4"): 4 * 8}
    role = np.array(d.devices.role)[d.links.a]
    assert (d.links.length_mm[fabric & (role == "nic")] > 5000).all()
    assert (d.links.length_mm[fabric & (role == "leaf")] <= 3000).all()
