"""`connect` options against the ports: `split` with a written port index, `lanes`."""

from __future__ import annotations

from pathlib import Path

from conftest import compile_text

SPEC = """switch Sw { port p[2]: Ethernet @ 800 Gb/s lanes 8 }
nic N { port q: Ethernet @ 400 Gb/s lanes 4 }
cable Y { class = "DAC"; rate = 800 Gb/s; reach = 3 m; links_per_module = 2 }
center c {
  a: Sw
  b: N[2]
  connect a.p[1] -> b[j].q medium Y split 2
}
"""


def test_split_with_a_written_port_breaks_that_port_out(tmp_path: Path) -> None:
    res = compile_text(tmp_path, SPEC)
    assert [d.code for d in res.diagnostics] == [], [d.message for d in res.diagnostics]
    d = res.design
    names = list(d.devices.name)
    L = d.links
    # by hand: both legs leave port 1 of `a` (p[1]) on one cable, 8 lanes / 2 legs = 4 lanes
    # each, to the one `q` port (port 0) of b[0] and of b[1]
    assert [names[i] for i in L.a] == ["a", "a"]
    assert L.a_port.tolist() == [1, 1]
    assert sorted(names[i] for i in L.b) == ["b[0]", "b[1]"]
    assert L.b_port.tolist() == [0, 0]
    assert L.lanes.tolist() == [4, 4]
    assert L.cable[0] == L.cable[1]


def test_lanes_beyond_the_port_name_both_numbers(tmp_path: Path) -> None:
    text = "switch Sw { port p[2]: Ethernet @ 800 Gb/s lanes 8 }\ncenter c { a: Sw; b: Sw; connect a.p -> b.p lanes 16 }\n"
    res = compile_text(tmp_path, text)
    [d] = res.diagnostics
    assert d.code == "SN0205" and "16" in d.message and "has 8" in d.message
    assert res.design is None
