"""Connection patterns, placement and floor lengths on a small hand-checked center
(`tests/cases/elaborate/patterns.sn`); every expected value is derived in the test."""

from __future__ import annotations

from collections import Counter

import pytest

from conftest import CASES, compile_file

U = 0.04445  # m per rack unit


@pytest.fixture(scope="module")
def design():
    res = compile_file(CASES / "elaborate" / "patterns.sn", run_checks=False)
    assert res.design is not None, [d.message for d in res.diagnostics]
    return res.design


def links(d, a_prefix: str):
    L = d.links
    out = []
    for i in range(len(L)):
        a = d.devices.name[L.a[i]]
        if a.startswith(a_prefix):
            pa, pb = d.parts[d.devices.part[L.a[i]]], d.parts[d.devices.part[L.b[i]]]
            out.append((a, pa.port_name(int(L.a_port[i])), d.devices.name[L.b[i]], pb.port_name(int(L.b_port[i])),
                        int(L.medium[i]), int(L.lanes[i]), int(L.cable[i]), int(L.length_mm[i])))
    return out


def test_stripe_spreads_uplinks_evenly(design) -> None:
    up = links(design, "f.leaf")
    # 4 leaves x 8 uplinks, striped over 2 spines: 4 links from every leaf to every spine
    assert len(up) == 32
    per_pair = Counter((a, b) for a, _, b, *_ in up)
    assert set(per_pair.values()) == {4} and len(per_pair) == 8
    # round robin: consecutive uplinks alternate spines
    assert [b for a, _, b, *_ in up[:4]] == ["f.spine[0]", "f.spine[1]", "f.spine[0]", "f.spine[1]"]
    # every spine port is used exactly once
    assert len({(b, bp) for _, _, b, bp, *_ in up}) == 32


def test_medium_auto_picks_the_cheapest_that_reaches(design) -> None:
    dr8 = design.part_index("patterns.DR8")
    up = links(design, "f.leaf")
    assert {m for *_, m, _l, _c, _len in up} == {dr8}   # 30 m between rows: DAC (3 m) cannot reach
    # leaf[0] at U1 of rk[0] (row A slot 0: x=0, y=0); spine[0] at U1 of rk[2] (row B slot 3: x=1.8 m, y=30 m)
    floor = 1.8 + 30.0
    vertical = (42 - 1 + 1) * U + (42 - 1 + 1) * U + 2 * 0.3     # both ends up to the tray
    expected_mm = round((floor + vertical + 0.5) * 1000 + 0.4999)  # + 0.5 m slack, rounded up
    assert up[0][7] == expected_mm


def test_ring_by_index_arithmetic(design) -> None:
    ring = links(design, "ring")
    assert [(a, b) for a, _, b, *_ in ring] == [(f"ring[{i}]", f"ring[{(i + 1) % 6}]") for i in range(6)]
    assert all(m == -1 and length == -1 for *_, m, _l, _c, length in ring)


def test_breakout_split(design) -> None:
    br = links(design, "big")
    # split 2: each 800G port (8 lanes) carries two 4-lane links on one breakout cable
    assert [(ap, b) for _, ap, b, *_ in br] == [("p[0]", "host[0].nic[0]"), ("p[0]", "host[1].nic[0]"),
                                              ("p[1]", "host[2].nic[0]"), ("p[1]", "host[3].nic[0]")]
    assert {lanes for *_, lanes, _c, _len in br} == {4}
    assert br[0][6] == br[1][6] != br[2][6] == br[3][6]


def test_placement_and_floor(design) -> None:
    racks = {r.name: r for r in design.racks}
    assert (racks["rk[0]"].row, racks["rk[0]"].slot) == ("A", 0)
    assert (racks["rk[1]"].row, racks["rk[1]"].slot) == ("A", 1)     # next free slot of row A
    assert (racks["rk[2]"].row, racks["rk[2]"].slot) == ("B", 3)
    us = {p.name: (p.u, p.height) for p in design.placements}
    assert us["host[0]"] == (1, 2) and us["host[3]"] == (7, 2)        # 2U hosts stacked from U1
    assert us["f.spine[1]"] == (3, 2)


def test_conditionals_and_management(design) -> None:
    assert "extra" in design.devices.name and "other" not in design.devices.name
    mg = {design.devices.name[k]: v for k, v in design.devices.mgmt.items()}
    assert mg == {f"host[{i}].nic[0]": f"10.0.{i}.1" for i in range(4)}


def test_medium_auto_respects_the_medium_protocol() -> None:
    # UBOnly (100 USD) is cheaper than Generic (500 USD) but carries UB only
    res = compile_file(CASES / "elaborate" / "medium_protocol.sn", run_checks=False)
    d = res.design
    names = [d.parts[m].qname for m in d.links.medium.tolist()]
    assert names == ["medium_protocol.UBOnly", "medium_protocol.Generic"]
