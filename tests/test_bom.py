"""Bill of materials: quantities equal the IR's counts (property), CloudMatrix384 optics, money and safety."""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CASES, EXAMPLES, compile_file
from supernodec.emit.bom import build_bom, emit_bom
from supernodec.ir.model import Design, Devices, Links, Part, PortGroup, Rack
from supernodec.stats import design_stats

PORTS = 8


@st.composite
def designs(draw) -> Design:
    """Small random designs built directly as IR: devices, racks, links on media with bundles and splits."""
    n_dev_parts = draw(st.integers(1, 3))
    money = st.integers(0, 10**7).map(lambda c: Fraction(c, 100))
    parts = [Part(f"t.D{i}", draw(st.sampled_from(["accelerator", "switch", "nic", "cpu"])),
                  vendor=draw(st.sampled_from(["A", "B", "=evil"])), price=draw(st.none() | money),
                  currency=draw(st.sampled_from(["USD", "CNY"])),
                  power=draw(st.none() | st.integers(0, 2000).map(Fraction)),
                  ports=(PortGroup("p", PORTS, Fraction(400 * 10**9), "Ethernet"),)) for i in range(n_dev_parts)]
    media = [Part(f"t.M{i}", draw(st.sampled_from(["optic", "cable"])), vendor="A", price=draw(st.none() | money),
                  power=draw(st.none() | st.integers(0, 20).map(Fraction))) for i in range(draw(st.integers(1, 2)))]
    parts += media + [Part("t.R", "rack", vendor="A", height=42)]
    dev_part = np.array(draw(st.lists(st.integers(0, n_dev_parts - 1), min_size=2, max_size=12)), np.int32)
    n = len(dev_part)
    links = _links(draw, n, n_dev_parts, len(media))
    racks = tuple(Rack(f"r[{i}]", len(parts) - 1) for i in range(draw(st.integers(0, 3))))
    devices = Devices(tuple(f"d[{i}]" for i in range(n)), ("d",) * n, dev_part, np.full(n, -1, np.int32),
                      np.full(n, -1, np.int16), np.full(n, -1, np.int32))
    return Design("g", tuple(parts), devices, links, racks)


def _links(draw, n: int, first_medium: int, n_media: int) -> Links:
    """Cables of 1-3 links: a bundle (distinct A ports) or a split (one A port, several legs)."""
    a, ap, b, bp, med, cab, length = [], [], [], [], [], [], []
    for c in range(draw(st.integers(0, 10))):
        m = draw(st.integers(-1, n_media - 1))
        legs, split = draw(st.integers(1, 3)), draw(st.booleans())
        mm = draw(st.integers(-1, 150_000))
        src = draw(st.integers(0, n - 1))
        for k in range(legs):
            a.append(src)
            ap.append(0 if split else k)
            b.append(draw(st.integers(0, n - 1)))
            bp.append(draw(st.integers(0, PORTS - 1)))
            med.append(first_medium + m if m >= 0 else -1)
            cab.append(c if m >= 0 else -1)
            length.append(mm if k == 0 else draw(st.integers(-1, 150_000)))
    i32 = lambda v: np.array(v, np.int32)  # noqa: E731
    return Links(i32(a), i32(ap), i32(b), i32(bp), i32(med), np.ones(len(a), np.int16), i32(cab),
                 np.zeros(len(a), np.int32), i32(length))


@settings(max_examples=150, deadline=None)
@given(designs())
def test_bom_quantities_equal_ir_counts(design: Design) -> None:
    bom = build_bom(design)
    per_part: dict[str, int] = {}
    for ln in bom.lines:
        per_part[ln.part] = per_part.get(ln.part, 0) + ln.quantity
    assert per_part == design_stats(design)["devices_by_part"]
    # optics: one module per cable end; a cable whose links share one A port is a breakout to N legs
    L = design.links
    expected_modules = 0
    for c in set(L.cable[L.medium >= 0].tolist()):
        sel = L.cable == c
        if design.parts[int(L.medium[sel][0])].kind != "optic":
            continue
        a_ports = set(zip(L.a[sel].tolist(), L.a_port[sel].tolist()))
        legs = int(sel.sum())
        expected_modules += 1 + legs if len(a_ports) == 1 and legs > 1 else 2
    assert sum(ln.quantity for ln in bom.lines if ln.category == "optic") == expected_modules
    # extended prices sum to the totals, per currency (never converted), exactly
    for cur in {ln.currency for ln in bom.lines}:
        priced = sum((ln.extended for ln in bom.lines if ln.currency == cur and ln.unit_price is not None), Fraction(0))
        sums = [sum((t.extended for t in ts if t.currency == cur), Fraction(0))
                for ts in (bom.total, bom.by_vendor, bom.by_category)]
        assert sums == [priced] * 3
    assert len({t.currency for t in bom.total}) == len(bom.total)
    assert sum(t.quantity for t in bom.total) == sum(ln.quantity for ln in bom.lines)


@settings(max_examples=40, deadline=None)
@given(designs())
def test_bom_csv_is_safe_and_parses(design: Design) -> None:
    text = emit_bom(design)[0].data.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert all(len(r) == len(rows[0]) for r in rows)
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r)


def test_cloudmatrix384_counts_5376_ub_optical_modules() -> None:
    """reference-systems.md s1.3: 48 nodes x 7 L1 chips x 16 uplinks = 5,376 L1-L2 links; the catalog's
    400G UB module carries two links (`bundle 2`), so 2,688 cables, and one module per end: 5,376."""
    res = compile_file(EXAMPLES / "cloudmatrix384.sn")
    links = 48 * 7 * 16
    cables = links // 2
    modules = 2 * cables
    assert (links, cables, modules) == (5376, 2688, 5376)
    lines = [ln for ln in build_bom(res.design).lines if ln.part == "huawei.UB400G"]
    assert sum(ln.quantity for ln in lines) == modules
    assert all(ln.unit == "module" and ln.category == "optic" for ln in lines)
    # priced at the catalog's 400 USD and 9 W per module
    assert sum(ln.extended for ln in lines) == modules * 400
    assert sum(ln.power_total for ln in lines) == modules * 9


def test_floor_breakout_case_by_hand() -> None:
    """tests/cases/emit/floor_breakout: counts, bins and money derived from the spec by hand."""
    res = compile_file(CASES / "emit" / "floor_breakout" / "main.sn")
    doc = json.loads(emit_bom(res.design)[1].data)
    q = {(ln["part"], ln["length_bin"]): ln for ln in doc["lines"]}
    # 4 DR8 cables bundle the 8 leaf[1]-edge links two by two (rows A to B, 36.59 m: 50 m bin): 8 modules;
    # big's 2 split ports each break out to 2 legs (5.1-5.4 m: 10 m bin): 1 + 2 modules each, 6 in all
    assert q[("main.DR8", "50 m")]["quantity"] == 8 and q[("main.DR8", "10 m")]["quantity"] == 6
    assert q[("main.DR8", "10 m")]["extended_price"] == "5401.50"           # 6 x 900.25
    assert q[("main.DAC", "1 m")]["quantity"] == 4                          # same-rack runs, 0.59-0.86 m
    assert q[("main.Nic", None)]["quantity"] == 5 * 2                       # host[4] + strict, 2 NICs each
    leaf = q[("main.Leaf", None)]
    assert (leaf["quantity"], leaf["extended_price"], leaf["power_total_w"]) == (3, "36001.50", 1500)
    total = 10 * 1000 + 30000 + 3 * Fraction("12000.50") + 14 * Fraction("900.25") + 4 * 100
    assert doc["totals"]["total"] == [{"currency": "USD", "quantity": 10 + 1 + 3 + 14 + 4 + 3,
                                      "extended_price": f"{float(total):.2f}", "unpriced_lines": 1,
                                      "power_w": 10 * 20 + 900 + 3 * 500 + 14 * 17}]


def test_csv_md_xlsx_defuse_formulas() -> None:
    from openpyxl import load_workbook
    res = compile_file(CASES / "emit" / "floor_breakout" / "main.sn")
    out = {a.path: a.data for a in emit_bom(res.design)}
    rows = list(csv.reader(io.StringIO(out["bom.csv"].decode("utf-8"))))
    desc = {r[4]: r[5] for r in rows[1:] if r[0].isdigit()}
    vendors = {r[4]: r[2] for r in rows[1:] if r[0].isdigit()}
    assert desc["main.Leaf"] == "'=HYPERLINK(\"http://x\",\"leaf\")" and vendors["main.Big"] == "'+Acme"
    ws = load_workbook(io.BytesIO(out["bom.xlsx"]))["BOM"]
    cells = {c.value: c.data_type for r in ws.iter_rows() for c in r if isinstance(c.value, str)}
    assert cells["=HYPERLINK(\"http://x\",\"leaf\")"] == "s"      # text, never a formula
