"""Breakouts with a `leg` module: BOM counts, far-end form, reach, the catalog field and the shipped pairs.

Every expected number below is derived by hand from the spec text in this file.
"""

from __future__ import annotations

import json
from dataclasses import replace
from fractions import Fraction

import numpy as np

from conftest import compile_text
from supernodec.checks.ports import breakout_legs, far_medium
from supernodec.checks.reach import too_long
from supernodec.emit.bom import emit_bom

PARTS = """
switch Sw { port p[4]: Ethernet @ 800 Gb/s lanes 8 form OSFP }
nic Nic { port p: Ethernet @ 400 Gb/s lanes 4 form NICFORM }
optic Leg { class = "DR"; rate = 400 Gb/s; reach = LEGREACH; form = "QSFP112"; power = 8 W; price = 300.50 USD }
optic Twin { class = "DR"; rate = 800 Gb/s; reach = 500 m; form = "OSFP"; links_per_module = 2
             power = 16 W; price = 1000 USD; leg = Leg }
optic Plain { class = "DR"; rate = 800 Gb/s; reach = 500 m; form = "OSFP"; links_per_module = 2
              power = 16 W; price = 1000 USD }
optic Heir extends Twin { price = 1200 USD }
"""


def spec(connect: str, nic_form: str = "QSFP112", leg_reach: str = "500 m", nics: int = 8) -> str:
    parts = PARTS.replace("NICFORM", nic_form).replace("LEGREACH", leg_reach)
    return parts + f"center c {{\n  sw: Sw\n  nic: Nic[{nics}]\n  {connect}\n}}\n"


def codes(res) -> list[str]:
    return [d.code for d in res.diagnostics]


def bom(res) -> dict:
    doc = json.loads(emit_bom(res.design)[1].data)
    return doc


def test_split_with_leg_counts_one_module_per_port_and_one_leg_module_per_leg(tmp_path) -> None:
    res = compile_text(tmp_path, spec("connect sw.p -> nic[*].p split 2 medium Twin"))
    assert not [d for d in res.diagnostics if d.is_error], res.diagnostics
    doc = bom(res)
    q = {ln["part"]: ln for ln in doc["lines"]}
    # 4 switch ports split 2: 4 twin modules at the switch, 8 leg modules at the 8 NICs
    assert q["spec.Twin"]["quantity"] == 4 and q["spec.Leg"]["quantity"] == 8
    assert q["spec.Twin"]["extended_price"] == "4000.00"          # 4 x 1000
    assert q["spec.Leg"]["extended_price"] == "2404.00"           # 8 x 300.50
    assert (q["spec.Twin"]["power_total_w"], q["spec.Leg"]["power_total_w"]) == (64, 64)   # 4 x 16, 8 x 8
    optic = [t for t in doc["totals"]["by_category"] if t["category"] == "optic"][0]
    assert (optic["quantity"], optic["extended_price"], optic["power_w"]) == (12, "6404.00", 128)


def test_split_without_leg_counts_one_plus_n_of_the_medium(tmp_path) -> None:
    res = compile_text(tmp_path, spec("connect sw.p -> nic[*].p split 2 medium Plain", nic_form="OSFP"))
    q = {ln["part"]: ln for ln in bom(res)["lines"]}
    assert q["spec.Plain"]["quantity"] == 4 * (1 + 2) and "spec.Leg" not in q


def test_a_bundle_is_not_a_breakout_and_takes_no_leg_module(tmp_path) -> None:
    # sw.p[k] -> nic[k].p, two links per module: 2 modules, 2 ends each = 4 twins, no leg modules
    res = compile_text(tmp_path, spec("connect sw.p[k] -> nic[k].p bundle 2 medium Twin", nic_form="OSFP", nics=4))
    assert not breakout_legs(res.design).any()
    q = {ln["part"]: ln for ln in bom(res)["lines"]}
    assert q["spec.Twin"]["quantity"] == 4 and "spec.Leg" not in q


def test_leg_is_inherited_by_extends(tmp_path) -> None:
    res = compile_text(tmp_path, spec("connect sw.p -> nic[*].p split 2 medium Heir"))
    q = {ln["part"]: ln for ln in bom(res)["lines"]}
    assert (q["spec.Heir"]["quantity"], q["spec.Heir"]["extended_price"]) == (4, "4800.00")   # 4 x 1200
    assert q["spec.Leg"]["quantity"] == 8


def test_far_end_form_is_the_leg_modules(tmp_path) -> None:
    ok = compile_text(tmp_path, spec("connect sw.p -> nic[*].p split 2 medium Twin"))
    assert "SN0607" not in codes(ok)
    legs = [ok.design.parts[int(m)].qname for m in far_medium(ok.design)]
    assert legs == ["spec.Leg"] * 8
    # OSFP NICs do not take the QSFP112 leg module, though they match the twin module's form
    bad = compile_text(tmp_path, spec("connect sw.p -> nic[*].p split 2 medium Twin", nic_form="OSFP"))
    msgs = [d.message for d in bad.diagnostics if d.code == "SN0607"]
    assert msgs and "`spec.Leg` is QSFP112" in msgs[0]
    # and without a leg, QSFP112 NICs do not take the OSFP twin module
    plain = compile_text(tmp_path, spec("connect sw.p -> nic[*].p split 2 medium Plain"))
    assert "SN0607" in codes(plain)


def test_reach_of_a_leg_is_the_shorter_of_the_two_modules(tmp_path) -> None:
    res = compile_text(tmp_path, spec("connect sw.p -> nic[*].p split 2 medium Twin", leg_reach="50 m"))
    L = res.design.links
    for length_mm, expect in ((50_000, False), (50_001, True), (400_000, True)):
        d = replace(res.design, links=replace(L, length_mm=np.full(len(L), length_mm, dtype=np.int32)))
        assert too_long(d).tolist() == [expect] * 8, length_mm


def test_shipped_linkx_breakout_pairs(tmp_path) -> None:
    text = """import "nvidia"
switch Sw { port p[2]: InfiniBand @ 800 Gb/s lanes 8 form OSFP }
nic Nic { port p: InfiniBand @ 400 Gb/s lanes 4 form OSFP }
center c {
  sw: Sw[2]
  nic: Nic[4]
  more: Nic[4]
  connect sw[0].p -> nic[*].p split 2 medium nvidia.MMS4X00_NM
  connect sw[1].p -> more[*].p split 2 medium nvidia.MMA4Z00_NS
}
"""
    res = compile_text(tmp_path, text)
    assert not [d for d in res.diagnostics if d.is_error], res.diagnostics
    parts = {p.qname: p for p in res.design.parts}
    for twin, leg in (("nvidia.MMS4X00_NM", "nvidia.MMS4X00_NS400"), ("nvidia.MMA4Z00_NS", "nvidia.MMA4Z00_NS400")):
        t = parts[twin]
        lp = res.design.parts[t.leg]
        assert lp.qname == leg and lp.rate * 2 == t.rate and lp.reach == t.reach and lp.medium_class == t.medium_class
    q = {ln["part"]: ln for ln in bom(res)["lines"]}
    # 2 ports split 2: 2 x MMS4X00-NM at 1200 USD, 4 x MMS4X00-NS400 at 800 USD (nvidia.sn)
    assert (q["nvidia.MMS4X00_NM"]["quantity"], q["nvidia.MMS4X00_NM"]["extended_price"]) == (2, "2400.00")
    assert (q["nvidia.MMS4X00_NS400"]["quantity"], q["nvidia.MMS4X00_NS400"]["extended_price"]) == (4, "3200.00")
    assert Fraction(q["nvidia.MMS4X00_NS400"]["power_total_w"]) == 4 * 9
    assert (q["nvidia.MMA4Z00_NS"]["quantity"], q["nvidia.MMA4Z00_NS400"]["quantity"]) == (2, 4)


def test_stats_media_counts_agree_with_the_bom(tmp_path) -> None:
    from supernodec.ir.flat import media_counts
    res = compile_text(tmp_path, spec("connect sw.p -> nic[*].p split 2 medium Twin"))
    assert res.design is not None and not [d for d in res.diagnostics if d.is_error]
    names = {p.qname: i for i, p in enumerate(res.design.parts)}
    counts = media_counts(res.design)
    # the same hand count as the BOM test: 4 twin modules at the switch ports, 8 leg modules at the NICs
    assert (counts[names["spec.Twin"]], counts[names["spec.Leg"]]) == (4, 8)
    # without `leg`, a split counts 1 + N of the medium: 4 x (1 + 2) = 12
    res = compile_text(tmp_path, spec("connect sw.p -> nic[*].p split 2 medium Plain", nic_form="OSFP"))
    counts = media_counts(res.design)
    assert counts[{p.qname: i for i, p in enumerate(res.design.parts)}["spec.Plain"]] == 12


def test_ir_json_and_catalog_show_name_the_leg_module(tmp_path) -> None:
    import jsonschema

    from supernodec.catalog_cli import show_part
    from supernodec.emit import load_all
    from supernodec.schemas import schema
    res = compile_text(tmp_path, spec("connect sw.p -> nic[*].p split 2 medium Twin"))
    ir = json.loads([a for a in load_all()["ir"](res.design) if a.path == "ir.json"][0].data)
    jsonschema.validate(ir, schema("ir"))
    by_name = {p["name"]: p for p in ir["parts"]}
    assert by_name["spec.Twin"]["leg"] == "spec.Leg"          # written as `leg = Leg` in PARTS
    assert "leg" not in by_name["spec.Plain"]                  # only when set
    twin = {p.qname: p for p in res.design.parts}["spec.Twin"]
    assert "leg module       spec.Leg" in show_part(twin)
