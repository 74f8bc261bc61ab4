"""One detail diagram per supernode template: its devices and planes in clusters.

Instances of a template have the same structure, so the first instance is
drawn. Clusters follow the instance path (`server[3]`, `plane[2]`, nested for
nested templates); parallel links between the same two nodes are one edge
labelled with their count and summed capacity. Links that leave the instance
(scale-out) end on one "outside" node.

Levels of detail, the finest that fits the budget wins:

1. `devices`: one node per device;
2. `groups`: one node per role inside each innermost instance ("npu x 8" in
   `server[3]`);
3. `roles`: one node per role path with indices folded (`server[*].npu`).
"""

from __future__ import annotations

import re

import numpy as np

from ..ir.flat import link_capacity
from ..ir.model import Design, Supernode
from .diagram_graph import KIND_NAMES, Edge, Graph, Node, group_edges, link_kinds

BUDGET = {"devices": (300, 900), "groups": (400, 1200)}
_INDEX = re.compile(r"\[[^\]]*\]")
KIND_FILL = {"accelerator": "#e8f4e8", "cpu": "#fdf6e3", "switch": "#eef3fb", "nic": "#f6eefb"}


FOLD_ABOVE = 8    # arrays longer than this show their first two, last one, and one folded node between
_ONE_INDEX = re.compile(r"^(.*)\[(\d+)\]$")


def _components(name: str, prefix: str) -> tuple[str, ...]:
    rel = name[len(prefix) + 1:] if prefix and name.startswith(prefix + ".") else name
    return tuple(rel.split("."))


def _array_sizes(paths: list[tuple[str, ...]]) -> dict[tuple[tuple[str, ...], str], int]:
    """(parent path, member name) -> array length, for singly indexed instance components."""
    sizes: dict[tuple[tuple[str, ...], str], int] = {}
    for comps in paths:
        for k, c in enumerate(comps[:-1]):
            m = _ONE_INDEX.match(c)
            if m:
                key = (comps[:k], m.group(1))
                sizes[key] = max(sizes.get(key, 0), int(m.group(2)) + 1)
    return sizes


def _fold(comps: tuple[str, ...], sizes: dict[tuple[tuple[str, ...], str], int]) -> tuple[str, ...]:
    """Fold middle instances of long arrays: server[13] of 48 -> server[2..46]."""
    out = list(comps)
    for k, c in enumerate(comps):
        m = _ONE_INDEX.match(c)
        n = sizes.get((comps[:k], m.group(1)), 0) if m else 0
        if m and n > FOLD_ABOVE and 2 <= int(m.group(2)) <= n - 2:
            out[k] = f"{m.group(1)}[2..{n - 2}]"
    return tuple(out)


def _node_key(level: str, comps: tuple[str, ...], sizes: dict) -> tuple[tuple[str, ...], str]:
    """(cluster path, node id) of a device at a level of detail."""
    if level == "devices":
        return comps[:-1], ".".join(comps)
    role = _INDEX.sub("", comps[-1])
    if level == "groups":
        cluster = _fold(comps[:-1], sizes)
        return cluster, ".".join(cluster + (role,))
    folded = tuple(_INDEX.sub("[*]", c) for c in comps[:-1])
    return folded, ".".join(folded + (role,))


def _grouping(design: Design, s: Supernode, level: str) -> tuple[np.ndarray, list[Node]]:
    """Per device of the instance: its node index; and the nodes."""
    D = design.devices
    index: dict[str, int] = {}
    nodes: list[Node] = []
    members: list[list[int]] = []
    paths = [_components(D.name[i], s.name) for i in range(s.first_device, s.end_device)]
    sizes = _array_sizes(paths) if level == "groups" else {}
    ids = np.empty(len(paths), np.int64)
    for j, comps in enumerate(paths):
        cluster, nid = _node_key(level, comps, sizes)
        k = index.get(nid)
        if k is None:
            k = index[nid] = len(nodes)
            nodes.append(Node(nid, (), cluster))
            members.append([])
        members[k].append(s.first_device + j)
        ids[j] = k
    return ids, [_label(design, level, nd, m) for nd, m in zip(nodes, members)]


def _label(design: Design, level: str, nd: Node, members: list[int]) -> Node:
    part = design.parts[int(design.devices.part[members[0]])]
    last = nd.id.rsplit(".", 1)[-1]
    if level == "devices":
        lines: tuple[str, ...] = (last, part.qname)
        shape = "box"
    else:
        lines = (f"{last} x {len(members):,}", part.qname)
        shape = "box" if len(members) == 1 else "box3d"
    return Node(nd.id, lines, nd.cluster, shape=shape, fill=KIND_FILL.get(part.kind, "white"))


def _links_of(design: Design, s: Supernode) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Links touching the instance: indices, and local device index of each end (-1 = outside)."""
    L = design.links
    ina = (L.a >= s.first_device) & (L.a < s.end_device)
    inb = (L.b >= s.first_device) & (L.b < s.end_device)
    sel = np.flatnonzero(ina | inb)
    la = np.where(ina[sel], L.a[sel] - s.first_device, -1)
    lb = np.where(inb[sel], L.b[sel] - s.first_device, -1)
    return sel, la.astype(np.int64), lb.astype(np.int64)


def detail_graph(design: Design, s: Supernode, count: int) -> Graph:
    sel, la, lb = _links_of(design, s)
    cap = link_capacity(design)[sel] if sel.size else np.zeros(0, np.int64)
    kinds = link_kinds(design)[sel]
    for level in ("devices", "groups", "roles"):
        limit = BUDGET.get(level, (1 << 62, 1 << 62))
        if level != "roles" and _node_count(design, s, level) > limit[0]:
            continue
        ids, nodes = _grouping(design, s, level)
        outside = len(nodes)
        ga = np.where(la >= 0, ids[np.maximum(la, 0)], outside) if sel.size else la
        gb = np.where(lb >= 0, ids[np.maximum(lb, 0)], outside) if sel.size else lb
        pa, pb, links, capacity, kind, _internal = group_edges(ga, gb, cap, kinds)
        if len(pa) > limit[1]:
            continue
        if (ga == outside).any() or (gb == outside).any():
            nodes.append(Node(f"outside {s.name}", (f"outside {s.name}",), (), shape="ellipse", fill="#f0f0f0"))
        names = [n.id for n in nodes]
        edges = [Edge(names[x], names[y], c, w, KIND_NAMES[k]) for x, y, c, w, k in
                 zip(pa.tolist(), pb.tolist(), links.tolist(), capacity.tolist(), kind.tolist())]
        title = (f"{s.template}: supernode detail ({level})",
                 f"instance {s.name} shown; {count:,} instance{'s' if count != 1 else ''} of this template; "
                 f"{s.end_device - s.first_device:,} devices, {sel.size:,} links")
        return Graph(f"supernode {s.template}", title, nodes, edges, _cluster_labels(nodes), rankdir="LR", label_single=level != "devices")
    raise AssertionError("the roles level has no budget")


def _node_count(design: Design, s: Supernode, level: str) -> int:
    if level == "devices":
        return s.end_device - s.first_device
    return len(_grouping(design, s, level)[1])


def _cluster_labels(nodes: list[Node]) -> dict[tuple[str, ...], str]:
    """Folded clusters say how many instances they stand for: "server[2..46] (45 instances)"."""
    out = {}
    for n in nodes:
        for k in range(len(n.cluster)):
            m = re.match(r"^.*\[(\d+)\.\.(\d+)\]$", n.cluster[k])
            if m:
                out[n.cluster[: k + 1]] = f"{n.cluster[k]} ({int(m.group(2)) - int(m.group(1)) + 1} instances)"
    return out


def supernode_graphs(design: Design) -> list[tuple[str, Graph]]:
    """(template, graph) per supernode template, in order of first instance."""
    first: dict[str, Supernode] = {}
    count: dict[str, int] = {}
    for s in design.supernodes:
        first.setdefault(s.template, s)
        count[s.template] = count.get(s.template, 0) + 1
    return [(t, detail_graph(design, s, count[t])) for t, s in first.items()]
