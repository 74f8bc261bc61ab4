"""Topology diagrams: DOT escaping, levels of detail, bundled edges, rack elevations, rendering."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from conftest import CASES, EXAMPLES, compile_file
from diagram_checks import dot_node_ids, svg_node_titles
from supernodec.emit import diagram_overview, dot as dotmod
from supernodec.emit.diagram_detail import supernode_graphs
from supernodec.emit.diagram_graph import Edge, Graph, Node, to_dot
from supernodec.emit.diagram_overview import overview_graph
from supernodec.emit.diagram_rack import rack_elevations

TRICKY = ["graph", "node", "edge", "strict", "subgraph", "digraph", 'say "hi"', "back\\slash", "trailing\\",
          "two\nlines", "ünïcödé 中文 ⚡", "a -- b", "{x}", "<html>", "cluster_1", "", " "]


def test_quoting() -> None:
    assert dotmod.q("graph") == '"graph"'
    assert dotmod.q('a"b') == '"a\\"b"'
    assert dotmod.q("x\\") == '"x\\\\"'
    assert dotmod.q("a\nb") == '"a\\nb"'
    assert dotmod.label_lines(["a", 'b"c']) == '"a\\nb\\"c"'


def test_tricky_names_render_and_stay_distinct() -> None:
    """Keywords, quotes, backslashes, newlines and Unicode as node IDs and labels: the DOT renders,
    the SVG parses, and every node is drawn once (its <title> is its ID for the printable ones)."""
    nodes = [Node(t, (t, "second line"), ("outer " + t,) if i % 2 else ()) for i, t in enumerate(TRICKY)]
    edges = [Edge(TRICKY[i], TRICKY[i + 1], i + 1, 4e11 * (i + 1)) for i in range(len(TRICKY) - 1)]
    g = Graph("graph", ("title with \"quotes\" and \\ backslash",), nodes, edges)
    text = to_dot(g)
    svg = dotmod.render_svg(text)
    titles = svg_node_titles(svg)
    assert len(titles) == len(TRICKY)
    plain = [t for t in TRICKY if "\\" not in t and "\n" not in t]
    assert set(plain) <= set(titles)
    assert sorted(dot_node_ids(text)) == sorted(titles)


def test_cloudmatrix384_overview_edges() -> None:
    """Each compute rack holds 4 nodes: 4 x 7 L1 x 16 uplinks = 448 links to the (unracked) L2 chips,
    448 x 28 GB/s = 12.544 TB/s per direction; inside, 4 x 8 NPUs x 7 planes = 224 board links."""
    g = overview_graph(compile_file(EXAMPLES / "cloudmatrix384.sn").design)
    assert g.title[0].endswith("(racks)")
    edges = {(e.a, e.b): e for e in g.edges}
    assert len(edges) == 12
    e = edges[("pod.compute[0]", "pod: l2 (unracked)")]
    assert (e.links, e.bps, e.medium) == (448, 448 * 28 * 8e9, "optic")
    assert "12.54 TB/s (100.4 Tb/s)" in to_dot(g)
    rack = next(n for n in g.nodes if n.id == "pod.compute[0]")
    assert "32 npu, 16 cpu, 28 l1" in rack.lines and "224 links inside" in rack.lines
    assert {n.cluster for n in g.nodes} == {("pod",)}


def test_cloudmatrix384_detail_folds_servers() -> None:
    """48 servers are drawn as server[0], server[1], server[2..46] (45 folded) and server[47]; the
    folded L1 chips reach each plane's 16 L2 chips with 45 x 16 = 720 links of 28 GB/s = 20.16 TB/s."""
    [(template, g)] = supernode_graphs(compile_file(EXAMPLES / "cloudmatrix384.sn").design)
    assert template == "CloudMatrix384" and g.title[0].endswith("(groups)")
    clusters = {n.cluster for n in g.nodes}
    assert {("server[0]",), ("server[1]",), ("server[2..46]",), ("server[47]",)} <= clusters
    assert {(f"plane[{p}]",) for p in range(7)} <= clusters
    e = next(e for e in g.edges if {e.a, e.b} == {"server[2..46].l1", "plane[3].l2"})
    assert (e.links, e.bps) == (45 * 16, 45 * 16 * 28 * 8e9)
    npu = next(e for e in g.edges if {e.a, e.b} == {"server[0].npu", "server[0].l1"})
    assert npu.links == 8 * 7 and npu.medium == "backplane"
    assert "server[2..46] (45 instances)" in to_dot(g)


def test_large_center_overview_summarises_within_budget() -> None:
    """450 supernodes: racks (450) and instances (451 nodes) exceed their budgets, so the overview
    draws one node per supernode plus the fabric; it renders and draws every node."""
    design = compile_file(CASES / "diagrams" / "many_supernodes.sn").design
    g = overview_graph(design)
    assert g.title[0].endswith("(fabrics)")
    assert len(g.nodes) == 450 + 1 and len(g.edges) == 450
    limit = diagram_overview.BUDGET["fabrics"]
    assert len(g.nodes) <= limit[0] and len(g.edges) <= limit[1]
    assert all(e.links == 4 for e in g.edges)                   # 4 NPUs per supernode, one RoCE port each
    text = to_dot(g)
    assert sorted(svg_node_titles(dotmod.render_svg(text))) == sorted(n.id for n in g.nodes)


def test_rack_elevation_positions() -> None:
    """rk[0] of the floor case: graph[0] U1, graph[1] U2, then the 2 U hosts from U3. A 2 U item at U3
    is drawn centred at (3 - 1 + 1) x 0.25 in = 0.75 in, 0.5 in tall; empty U above the hosts."""
    design = compile_file(CASES / "emit" / "floor_breakout" / "main.sn").design
    by_title = {re.search(r'label="([^"]*)"', d).group(1): d for _n, d in rack_elevations(design)}
    rk0 = next(d for t, d in by_title.items() if "rk[0]" in t)
    host0 = next(line for line in rk0.splitlines() if 'label="host[0]' in line)
    assert 'pos="0.000,0.750!"' in host0 and 'height="0.500"' in host0
    assert "host[0]\\n2 Nic" in host0                            # its 2 NICs, by part name
    empties = [int(m) for m in re.findall(r'"U(\d+) empty"', rk0)]
    assert sorted(empties) == list(range(11, 43))               # U1-U10 are taken
    cm = dict(rack_elevations(compile_file(EXAMPLES / "cloudmatrix384.sn").design))
    assert "pod.compute[0] and 11 more like it" in cm["huawei.ComputeRack"]


def test_native_dot_is_used_when_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\ncat > /dev/null\necho '<svg xmlns=\"http://www.w3.org/2000/svg\"/>'\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(dotmod.shutil, "which", lambda name: str(fake))
    assert dotmod.render_svg("graph { a }").strip() == b'<svg xmlns="http://www.w3.org/2000/svg"/>'


def test_without_a_renderer_dot_files_are_still_written(monkeypatch: pytest.MonkeyPatch) -> None:
    from supernodec.emit.diagrams import emit_diagrams

    def unavailable(_dot: str) -> bytes:
        raise dotmod.RenderUnavailable("no wasm backend")
    monkeypatch.setattr("supernodec.emit.diagrams.render_svg", unavailable)
    out = {a.path: a.data for a in emit_diagrams(compile_file(EXAMPLES / "cloudmatrix384.sn").design)}
    assert "diagrams/overview.dot" in out and not any(p.endswith(".svg") for p in out)
    assert b"no wasm backend" in out["diagrams/NOT-RENDERED.txt"]


def test_rack_types_are_capped_to_the_most_common(monkeypatch: pytest.MonkeyPatch) -> None:
    """The floor case has 3 racks of one part with 3 layouts; capped to 2 drawings, ties keep rack order."""
    from supernodec.emit import diagram_rack
    design = compile_file(CASES / "emit" / "floor_breakout" / "main.sn").design
    assert len(rack_elevations(design)) == 3
    monkeypatch.setattr(diagram_rack, "MAX_TYPES", 2)
    drawn = [re.search(r'label="[^"]*\\n([^"]*)"', d).group(1) for _n, d in rack_elevations(design)]
    assert drawn == ["rk[0]", "rk[1]"]
