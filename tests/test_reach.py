"""Reach and `medium auto` on a hall layout, with the shipped optics catalog.

Two leaves sit high in rack rk[0] (row A, slot 0); spine[0] in rk[1] next to it (slot 1,
0.6 m pitch); spine[1] in rk[2], in row B 20 m away. Every switch is at U40 of a 42U rack,
so each end runs (42 - 40 + 1) x 44.45 mm up to the tray, plus 0.3 m of tray height, and
every cable gets 0.5 m of slack (the defaults):

    to spine[0]:  0.6 m + 2 x 0.13335 m + 2 x 0.3 m + 0.5 m = 1.9667 m  -> 1,967 mm
    to spine[1]: 20 m   + 2 x 0.13335 m + 2 x 0.3 m + 0.5 m = 21.3667 m -> 21,367 mm

The DAC (3 m, in-rack only) cannot serve either: the adjacent rack is out for it
(max_racks 1) and row B is out of reach. The cheapest medium allowed next door is the
ACC (5 m, two racks); across the aisle it is the SR4 module (50 m), cheaper per part
than the AOC, DR4 and FR4.
"""

from __future__ import annotations

from pathlib import Path

from conftest import compile_text

LAYOUT = """
import "optics"
switch Leaf {{ height = 1 U; port up[4]: Ethernet @ 400 Gb/s form OSFP }}
switch Spine {{ height = 1 U; port p[4]: Ethernet @ 400 Gb/s form OSFP }}
rack R {{ height = 42 U }}

center c {{
  hall h {{ row A[4] pitch 0.6 m at 0 m; row B[4] pitch 0.6 m at 20 m }}
  leaf: Leaf[2]
  spine: Spine[2]
  rk: R[3]
  place leaf[i] in rk[0] at 40 + i
  place spine[0] in rk[1] at 40
  place spine[1] in rk[2] at 40
  place rk[0] in h.A
  place rk[1] in h.A
  place rk[2] in h.B
  connect leaf[i].up -> spine[*].p stripe medium {medium}
}}
"""


def _links(design):
    L = design.links
    names = design.devices.name
    return [(names[int(L.a[k])], names[int(L.b[k])], int(L.medium[k]), int(L.length_mm[k])) for k in range(len(L))]


def test_medium_auto_picks_an_optic_for_exactly_the_far_row(tmp_path: Path) -> None:
    res = compile_text(tmp_path, LAYOUT.format(medium="auto"))
    assert res.diagnostics == [], [d.message for d in res.diagnostics]
    d = res.design
    acc, sr4 = d.part_index("optics.OSFP400_ACC"), d.part_index("optics.OSFP400_SR4")
    links = _links(d)
    assert len(links) == 8                                  # 2 leaves x 4 uplinks, striped over 2 spines
    near = [x for x in links if x[1] == "spine[0]"]
    far = [x for x in links if x[1] == "spine[1]"]
    assert len(near) == len(far) == 4
    assert {m for _, _, m, _ in near} == {acc} and {m for _, _, m, _ in far} == {sr4}
    # leaf[1] sits at U41: its vertical run is one U shorter
    assert sorted({n for _, _, _, n in near}) == [1923, 1967] and sorted({n for _, _, _, n in far}) == [21323, 21367]


def test_forced_dac_names_the_length_and_the_rack_span(tmp_path: Path) -> None:
    res = compile_text(tmp_path, LAYOUT.format(medium="optics.OSFP400_DAC"))
    by_code = {x.code: x for x in res.diagnostics}
    assert set(by_code) == {"SN0610", "SN0611"}, [x.message for x in res.diagnostics]
    far = by_code["SN0610"]
    assert far.message == "link `leaf[0].up[1]` -> `spine[1].p[0]` is 21.367 m long, but `optics.OSFP400_DAC` reaches 3 m"
    assert "4 of the 8 links of this connect" in far.label
    assert "use `optics.OSFP400_SR4`" in far.hint
    near = by_code["SN0611"]
    assert "may span 1 rack" in near.message and "spanning 2 racks" in near.message
    assert "`optics.OSFP400_ACC`" in near.hint
    assert far.span.line == near.span.line == LAYOUT.splitlines().index(
        "  connect leaf[i].up -> spine[*].p stripe medium {medium}") + 1
