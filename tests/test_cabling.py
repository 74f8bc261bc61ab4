"""Cabling plan: one row per physical cable (per leg for breakouts), lengths and bins by hand."""

from __future__ import annotations

import csv
import io
import math

import pytest

from conftest import CASES, EXAMPLES, compile_file
from supernodec.emit.cabling import COLUMNS, cabling_csv

U = 0.04445   # m per rack unit


def rows_of(spec) -> list[dict[str, str]]:
    res = compile_file(spec)
    assert res.design is not None
    return list(csv.DictReader(io.StringIO(cabling_csv(res.design).decode("utf-8"))))


@pytest.fixture(scope="module")
def cm384() -> list[dict[str, str]]:
    return rows_of(EXAMPLES / "cloudmatrix384.sn")


def test_cloudmatrix384_one_row_per_l1_l2_cable(cm384) -> None:
    """48 nodes x 7 L1 chips x 16 uplinks = 5,376 L1-L2 links; `bundle 2` puts two on one 400G module
    pair, so 2,688 cables and 2,688 rows. The 2,688 NPU-L1 links are on the board (medium -1): no rows."""
    assert len(cm384) == 48 * 7 * 16 // 2 == 2688
    assert {r["medium"] for r in cm384} == {"huawei.UB400G"}
    assert {r["links"] for r in cm384} == {"2"} and {(r["leg"], r["legs"]) for r in cm384} == {("1", "1")}
    # every L1 uplink appears exactly once: A ports are joined with "+" in link order
    ends = [(r["a_device"], p) for r in cm384 for p in r["a_port"].split("+")]
    assert len(ends) == len(set(ends)) == 5376
    assert all(d.split(".")[-1].startswith("l1[") for d, _ in ends)
    # the L2 chips are in no rack in the example: B rack and U empty, length unknown
    assert {(r["b_rack"], r["b_u"], r["length_m"], r["length_bin"]) for r in cm384} == {("", "", "", "unknown")}
    assert len({r["cable_id"] for r in cm384}) == 2688


def test_rows_sorted_by_a_end(cm384) -> None:
    res = compile_file(EXAMPLES / "cloudmatrix384.sn")
    index = {n: i for i, n in enumerate(res.design.devices.name)}
    keys = [(index[r["a_device"]], r["a_port"]) for r in cm384]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)


@pytest.fixture(scope="module")
def floor() -> list[dict[str, str]]:
    return rows_of(CASES / "emit" / "floor_breakout" / "main.sn")


def test_header_and_label(floor) -> None:
    assert tuple(floor[0].keys()) == COLUMNS
    r = next(r for r in floor if r["a_device"] == "graph[0]" and r["a_port"] == "down[0]")
    assert r["label"] == f"{r['cable_id']} graph[0]:down[0] > host[0].nic[1]:p[0]"


def test_same_rack_copper_lengths(floor) -> None:
    """graph[0] at U1 and host[i] (2 U each, stacked from U3 after graph[0..1]) in rk[0]:
    |dU| x 44.45 mm + 0.5 m slack, rounded up to the mm, in the 1 m bin."""
    dac = sorted((r for r in floor if r["medium"] == "main.DAC"), key=lambda r: r["b_device"])
    for i, r in enumerate(dac):
        u_host = 3 + 2 * i
        mm = math.ceil(round(((u_host - 1) * U + 0.5) * 1000, 6))   # 588.9 -> 589 mm for host[0]
        assert (r["b_device"], r["b_u"], r["length_m"], r["length_bin"]) == \
            (f"host[{i}].nic[1]", str(u_host), f"{mm / 1000:.3f}", "1 m")


def test_bundle_between_rows(floor) -> None:
    """graph[1] (rk[0] U2, row A slot 0) to edge (rk[2] U1, row B slot 3 = 1.8 m, 30 m away):
    floor 31.8 m + up both racks ((42-2+1) + (42-1+1)) U + 2 x 0.3 m tray + 0.5 m slack = 36.58935 m."""
    dr = [r for r in floor if r["a_device"] == "graph[1]"]
    assert len(dr) == 4                                     # 8 links, two per cable
    assert [r["a_port"] for r in dr] == ["up[0]+up[1]", "up[2]+up[3]", "up[4]+up[5]", "up[6]+up[7]"]
    assert {(r["b_device"], r["links"], r["length_m"], r["length_bin"]) for r in dr} == {("edge", "2", "36.590", "50 m")}
    assert round(31.8 + 83 * U + 0.6 + 0.5, 5) == 36.58935


def test_breakout_one_row_per_leg(floor) -> None:
    """`split 2`: big.p[0] breaks out to host[0] and host[1], one row per leg, same cable id.
    big is in rk[1] (row A slot 1, 0.6 m from rk[0]) at U1; host[0].nic[0] at U3 of rk[0]:
    0.6 m + ((42-1+1) + (42-3+1)) U + 0.6 m tray + 0.5 m slack = 5.3449 m."""
    legs = [r for r in floor if r["a_device"] == "big"]
    assert [(r["a_port"], r["leg"], r["legs"], r["b_device"]) for r in legs] == [
        ("p[0]", "1", "2", "host[0].nic[0]"), ("p[0]", "2", "2", "host[1].nic[0]"),
        ("p[1]", "1", "2", "host[2].nic[0]"), ("p[1]", "2", "2", "host[3].nic[0]")]
    assert legs[0]["cable_id"] == legs[1]["cable_id"] != legs[2]["cable_id"]
    assert legs[0]["label"].startswith(legs[0]["cable_id"] + ".1 ")
    assert legs[0]["length_m"] == "5.345" and round(0.6 + 82 * U + 0.6 + 0.5, 4) == 5.3449
    assert {r["length_bin"] for r in legs} == {"10 m"}


def test_no_backplane_rows_and_empty_plan() -> None:
    from supernodec.emit.cabling import cabling_csv as emit
    res = compile_file(EXAMPLES / "cloudmatrix384.sn")
    import dataclasses
    import numpy as np
    L = res.design.links
    board_only = dataclasses.replace(res.design, links=dataclasses.replace(L, medium=np.full(len(L), -1, np.int32)))
    assert emit(board_only).decode() == ",".join(COLUMNS) + "\n"


def test_text_that_needs_quoting_is_quoted_and_defused() -> None:
    """Names come from identifiers, but a medium class is free text: a class with a comma and quotes,
    and a device name that reads as a formula, still give a CSV with the same rows and safe cells."""
    import dataclasses
    design = compile_file(CASES / "emit" / "floor_breakout" / "main.sn").design
    plain = list(csv.DictReader(io.StringIO(cabling_csv(design).decode("utf-8"))))
    parts = tuple(dataclasses.replace(p, medium_class='D,"AC') if p.qname == "main.DAC" else p for p in design.parts)
    names = tuple("=cmd|calc" if n == "graph[0]" else n for n in design.devices.name)
    odd = dataclasses.replace(design, parts=parts, devices=dataclasses.replace(design.devices, name=names))
    rows = list(csv.DictReader(io.StringIO(cabling_csv(odd).decode("utf-8"))))
    assert len(rows) == len(plain)
    dac = [r for r in rows if r["medium"] == "main.DAC"]
    assert {r["class"] for r in dac} == {'D,"AC'} and {r["a_device"] for r in dac} == {"'=cmd|calc"}
    same = [(r["cable_id"], r["length_m"], r["b_device"]) for r in rows]
    assert same == [(r["cable_id"], r["length_m"], r["b_device"]) for r in plain]
