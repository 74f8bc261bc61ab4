"""A small graph value for the topology diagrams, and its DOT text.

Diagrams are built as `Graph` values (nodes in clusters, edges that already
bundle parallel links) and written by one function, so escaping and layout
attributes live in one place and tests can read the node set directly.

Grouping is vectorised: `group_edges` turns per-link group ids into one edge
per unordered group pair with its link count and summed capacity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ..units import RATE, Quantity, format_rate_both
from .dot import Raw, attrs, label_lines, q

FONT = "Helvetica"
MEDIUM_STYLE = {  # by the medium kind of the links an edge bundles
    "backplane": {"color": "gray45"},
    "optic": {"color": "#1f5fa8"},
    "cable": {"color": "#2a7a2a"},
    "mixed": {"color": "#7a4fa8"},
}
LEGEND = "edges: gray = backplane/PCB, blue = optical, green = copper cable, purple = mixed"


@dataclass(frozen=True)
class Node:
    id: str
    lines: tuple[str, ...]
    cluster: tuple[str, ...] = ()   # nested cluster path (outermost first)
    shape: str = "box"
    fill: str = "white"


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    links: int
    bps: float                       # summed capacity per direction (display only)
    medium: str = "backplane"        # backplane | optic | cable | mixed


@dataclass
class Graph:
    name: str
    title: tuple[str, ...]
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    cluster_labels: dict[tuple[str, ...], str] = field(default_factory=dict)
    rankdir: str = "TB"
    label_single: bool = True        # label edges that carry one link


def rate_text(bps: float) -> str:
    """Capacity per direction, 4 significant digits: "12.54 TB/s (100.4 Tb/s)"."""
    return format_rate_both(Quantity(Fraction(round(bps)), RATE))


def edge_label(e: Edge) -> list[str]:
    return [f"{e.links:,} link{'s' if e.links != 1 else ''}", rate_text(e.bps)]


def group_edges(ga: np.ndarray, gb: np.ndarray, cap: np.ndarray, kind: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Bundle links by unordered group pair.

    Returns (pairs_a, pairs_b, links, capacity, kind, internal) where internal
    counts the links inside each group (indexed by group id, length max+1).
    `kind` per link is 0 backplane, 1 optic, 2 cable; an edge gets 3 (mixed)
    when its links differ.
    """
    n = max(int(max(ga.max(initial=-1), gb.max(initial=-1))) + 1, 1)
    inside = ga == gb
    internal = np.bincount(ga[inside], minlength=n)
    lo, hi = np.minimum(ga, gb)[~inside].astype(np.int64), np.maximum(ga, gb)[~inside].astype(np.int64)
    key = lo * n + hi
    uniq, inv, count = np.unique(key, return_inverse=True, return_counts=True)
    capacity = np.bincount(inv, weights=cap[~inside].astype(np.float64), minlength=uniq.size)
    k = kind[~inside].astype(np.int64)
    kmin = np.full(uniq.size, 9, np.int64)
    kmax = np.full(uniq.size, -1, np.int64)
    np.minimum.at(kmin, inv, k)
    np.maximum.at(kmax, inv, k)
    merged = np.where(kmin == kmax, kmin, 3)
    return uniq // n, uniq % n, count, capacity, merged, internal


KIND_NAMES = ("backplane", "optic", "cable", "mixed")


def link_kinds(design: object) -> np.ndarray:
    """Per link: 0 backplane/PCB, 1 optic, 2 cable (by the medium part's kind)."""
    parts = design.parts  # type: ignore[attr-defined]
    medium = design.links.medium  # type: ignore[attr-defined]
    by_part = np.array([1 if p.kind == "optic" else 2 if p.kind == "cable" else 0 for p in parts] + [0], np.int8)
    return by_part[np.where(medium >= 0, medium, len(parts))]


def _cluster_tree(g: Graph) -> dict[tuple[str, ...], list[Node]]:
    tree: dict[tuple[str, ...], list[Node]] = {}
    for n in g.nodes:
        for depth in range(len(n.cluster)):
            tree.setdefault(n.cluster[:depth], [])
        tree.setdefault(n.cluster, []).append(n)
    return tree


def _node_line(n: Node) -> str:
    return f"  {q(n.id)} {attrs(label=label_lines(n.lines), shape=n.shape, fillcolor=n.fill)};"


def _write_cluster(g: Graph, tree: dict[tuple[str, ...], list[Node]], path: tuple[str, ...],
                   out: list[str], counter: list[int]) -> None:
    depth = len(path)
    pad = "  " * depth
    if path:
        counter[0] += 1
        out.append(f"{pad}subgraph {q(f'cluster_{counter[0]}')} {{")
        label = g.cluster_labels.get(path, path[-1])
        out.append(f"{pad}  graph {attrs(label=label, style='rounded', color='gray60', fontname=FONT)};")
    for n in tree.get(path, []):
        out.append(pad + _node_line(n))
    children = [p for p in tree if len(p) == depth + 1 and p[:depth] == path]   # in order of first node
    for child in children:
        _write_cluster(g, tree, child, out, counter)
    if path:
        out.append(f"{pad}}}")


def _stagger(g: Graph) -> dict[int, int]:
    """`minlen` per edge index, spreading the many leaves of one hub over a few ranks.

    Graphviz puts all leaves of a node on one rank, so a fabric with 40
    supernodes below it becomes a picture 40 nodes wide; like Graphviz's
    `unflatten`, leaf edges get minlen 1, 2, ... cyclically.
    """
    degree: dict[str, int] = {}
    for e in g.edges:
        degree[e.a] = degree.get(e.a, 0) + 1
        degree[e.b] = degree.get(e.b, 0) + 1
    leaves: dict[str, list[int]] = {}
    for i, e in enumerate(g.edges):
        if degree[e.b] == 1 and degree[e.a] > 1:
            leaves.setdefault(e.a, []).append(i)
        elif degree[e.a] == 1 and degree[e.b] > 1:
            leaves.setdefault(e.b, []).append(i)
    out: dict[int, int] = {}
    for edges in leaves.values():
        if len(edges) >= 6:
            rows = max(2, round(math.sqrt(len(edges) / 3)))
            out.update({i: 1 + k % rows for k, i in enumerate(edges)})
    return out


def _edge_line(g: Graph, e: Edge, minlen: int = 1) -> str:
    style = dict(MEDIUM_STYLE[e.medium])
    width = 1 + math.log10(max(e.links, 1)) / 2
    kw: dict[str, object] = {"penwidth": f"{width:.2f}", **style}
    if minlen > 1:
        kw["minlen"] = minlen
    if g.label_single or e.links > 1:
        kw["label"] = label_lines(edge_label(e))
        kw["fontcolor"] = style["color"]
    return f"  {q(e.a)} -- {q(e.b)} {attrs(**kw)};"  # type: ignore[arg-type]


def to_dot(g: Graph) -> str:
    """The graph as DOT: undirected (links are bidirectional), clusters nested by path."""
    out = [f"graph {q(g.name)} {{",
           f"  graph {attrs(label=label_lines(list(g.title) + [LEGEND]), labelloc='t', fontname=FONT, rankdir=g.rankdir, newrank='true', nodesep='0.25', ranksep='0.9')};",
           f"  node {attrs(fontname=FONT, fontsize=10, style='filled')};",
           f"  edge {attrs(fontname=FONT, fontsize=8)};"]
    tree = _cluster_tree(g)
    _write_cluster(g, tree, (), out, [0])
    stagger = _stagger(g)
    out += [_edge_line(g, e, stagger.get(i, 1)) for i, e in enumerate(g.edges)]
    out.append("}")
    return "\n".join(out) + "\n"


__all__ = ["Edge", "Graph", "KIND_NAMES", "Node", "Raw", "edge_label", "group_edges", "link_kinds", "rate_text",
           "to_dot"]
