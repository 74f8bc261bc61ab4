"""Scale: the benchmark generator's centers elaborate to the structure they describe,
and template copies keep their ids apart. Expected counts are derived here from the
published CloudMatrix384 structure and the generator's documented fabric rules."""

from __future__ import annotations

import sys
from collections import Counter

import numpy as np
import pytest

from conftest import CASES, ROOT, compile_file

sys.path.insert(0, str(ROOT / "benchmarks"))
import centers  # noqa: E402


def test_template_copies_keep_cable_ids_apart() -> None:
    res = compile_file(CASES / "elaborate" / "nested_cables.sn", run_checks=False)
    assert res.design is not None, [d.message for d in res.diagnostics]
    L = res.design.links
    sns = 2 * 3                       # 2 pods of 3 supernodes
    backplane = L.medium < 0
    # per supernode: 2 nodes x 2 NPUs on the backplane, 2 nodes x 2 uplinks over optics
    assert int(backplane.sum()) == sns * 4
    assert (L.cable[backplane] == -1).all()
    optic = L.cable[~backplane]
    assert len(optic) == sns * 4
    # `bundle 2` on a 2-link module: one module per pair of uplinks of an L1 chip
    assert sorted(Counter(optic.tolist()).values()) == [2] * (sns * 2)
    owner = {int(c): int(a) for c, a in zip(optic, L.a[~backplane])}
    assert all(owner[int(c)] == int(a) for c, a in zip(optic, L.a[~backplane]))


@pytest.fixture(scope="module")
def center_1k(tmp_path_factory: pytest.TempPathFactory):
    spec = tmp_path_factory.mktemp("c1k") / "center.sn"
    centers.write_center(1000, spec)
    res = compile_file(spec, run_checks=False)
    assert res.design is not None, [d.message for d in res.diagnostics if d.is_error][:3]
    return res.design


def test_generated_1k_center_has_the_planned_structure(center_1k) -> None:
    d = center_1k
    roles = Counter(d.devices.role)
    nodes = 1000 // 8                                  # 125 nodes of 8 NPUs
    assert roles["npu"] == 1000 and roles["cpu"] == nodes * 4 and roles["l1"] == nodes * 7
    assert len(d.supernodes) == 3                      # 48 + 48 + 29 nodes
    assert roles["l2"] == 3 * 7 * 16
    # rail-optimized leaves: 125 nodes over 64-port leaves -> 2 leaves per rail (a power of two
    # that divides the 64 uplinks), 8 rails; as many spines as leaves; 16 planes x 1 core
    assert roles["leaf"] == 16 and roles["spine"] == 16 and roles["core"] == 16
    by_conn = Counter(d.connects[c].text.split(" ->")[0] for c in d.links.connect.tolist())
    assert by_conn["connect npu[i].ub[p]"] == 1000 * 7
    assert by_conn["connect server[n].l1[p].up[k]"] == nodes * 7 * 16
    assert sum(v for k, v in by_conn.items() if "rdma" in k) == 1000
    assert by_conn["connect rail[r].leaf[l].up"] == 16 * 64
    assert by_conn["connect tailpod.spine[j].up"] == 16 * 64
    assert len(d.links) == 1000 * 7 + nodes * 7 * 16 + 1000 + 2 * 16 * 64
    # 12 + 12 + ceil(29 / 4) compute racks, 4 comm racks per supernode, 32 pod switches
    # and 16 cores at 8 per network rack
    assert len(d.racks) == (12 + 12 + 8) + 3 * 4 + 32 // 8 + 16 // 8


def test_generated_1k_center_is_placed_and_every_medium_chosen(center_1k) -> None:
    L = center_1k.links
    optical = L.medium >= 0
    assert (L.length_mm[optical] > 0).all()            # every cabled link has a floor length
    assert not (L.medium == -2).any()                   # `medium auto` resolved everywhere
    assert (L.cable[optical] >= 0).all()
    # every leaf down port is used at most once, across all the NPU -> leaf connects
    pairs = np.stack([L.b, L.b_port], axis=1)
    assert len(np.unique(pairs, axis=0)) == len(pairs)
