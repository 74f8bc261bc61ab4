"""The switch hierarchy above the compute nodes, as schedulers want it (a tree of groups).

Schedulers model the network as a tree: Slurm's `topology/tree` (leaf switches
list nodes, upper switches list switches, and a node may sit under only one
leaf), Volcano's HyperNode tiers and Kueue's topology levels. Real fabrics are
multi-rooted and multi-homed (a rail-optimised node reaches 8 leaf switches;
every leaf reaches every spine), so the tree here is made of *groups*:

- tier 1: the switch hosts with a direct link to a unit (a node, or for the
  Kubernetes tiers a whole supernode); two such switches are in one group when
  they reach a common unit (connected components of the switch-unit graph);
- tier k+1: the not yet used switches linked to tier-k switches; two are in one
  group when they reach a common tier-k group; repeated until no switch is left.

Each group lists the groups (or units) below it, and every unit and group has
exactly one parent, as a tree needs. Links between switches of one tier are
ignored. Which links count: the scale-out protocols (InfiniBand, Ethernet,
RoCE) when any of them reaches a node from a switch outside the nodes; else the
scale-up protocols (UB, NVLink) -- the CloudMatrix384 example has no scale-out
network, so its tree is the L2 UB switch tier. Components are computed with
scipy's C-backed `connected_components`, not Python loops.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from ..ir.csgraph import connected_components

from ..ir.flat import link_protocol
from ..ir.model import PROTOCOLS
from .inventory import Inventory
from .names import MAX_LABEL, bounded, clean, split_segment

SCALE_OUT = ("InfiniBand", "Ethernet", "RoCE")
SCALE_UP = ("UB", "NVLink")


@dataclass(frozen=True)
class Group:
    name: str                    # unique among all groups of the tree
    tier: int                    # 1 = next to the units
    switches: tuple[int, ...]    # host indices of the switches in the group
    children: tuple[int, ...]    # tier 1: unit ids; above: group indices of the tier below
    units: tuple[int, ...]       # every unit under the group, ascending


@dataclass(frozen=True)
class Tree:
    protocols: tuple[str, ...]   # the link protocols the tree was built from
    scale_out: bool
    tiers: tuple[tuple[Group, ...], ...]   # tiers[0] = tier 1
    uncovered: tuple[int, ...]   # units under no switch


_EDGES: list[tuple[Inventory, tuple[str, ...], np.ndarray]] = []


def host_edges(inv: Inventory, protocols: tuple[str, ...]) -> np.ndarray:
    """Distinct (host a, host b) pairs, a < b, linked by a link of one of `protocols`, sorted
    (the last few are cached: Slurm and Kubernetes ask for the same ones)."""
    for i, p, e in _EDGES:
        if i is inv and p == protocols:
            return e
    e = _host_edges(inv, protocols)
    e.flags.writeable = False
    _EDGES.append((inv, protocols, e))
    del _EDGES[:-4]
    return e


def _host_edges(inv: Inventory, protocols: tuple[str, ...]) -> np.ndarray:
    L = inv.design.links
    if len(L) == 0:
        return np.zeros((0, 2), np.int64)
    codes = [PROTOCOLS.index(p) for p in protocols]
    keep = np.isin(link_protocol(inv.design), codes)
    ha = inv.device_host[L.a[keep]].astype(np.int64)
    hb = inv.device_host[L.b[keep]].astype(np.int64)
    lo, hi = np.minimum(ha, hb), np.maximum(ha, hb)
    n = max(len(inv.hosts), 1)
    key = np.unique((lo * n + hi)[lo != hi])      # one sort of int64 keys, not of rows
    return np.stack([key // n, key % n], axis=1)


def _switch_mask(inv: Inventory) -> np.ndarray:
    parts = inv.design.parts
    return np.array([(not h.is_node) and parts[h.part].kind == "switch" for h in inv.hosts], bool)


def pick_protocols(inv: Inventory) -> tuple[tuple[str, ...], bool]:
    """Scale-out protocols if a scale-out link joins a node to a switch host, else scale-up."""
    sw = _switch_mask(inv)
    node = np.array([h.is_node for h in inv.hosts], bool)
    e = host_edges(inv, SCALE_OUT)
    if len(e) and ((sw[e[:, 0]] & node[e[:, 1]]) | (sw[e[:, 1]] & node[e[:, 0]])).any():
        return SCALE_OUT, True
    return SCALE_UP, False


def build_tree(inv: Inventory, unit_of: dict[int, int], protocols: tuple[str, ...] | None = None,
               taken: set[str] | None = None) -> Tree:
    """The group tree over `unit_of` (node host index -> unit id); see the module doc."""
    scale_out = True
    if protocols is None:
        protocols, scale_out = pick_protocols(inv)
    else:
        scale_out = protocols == SCALE_OUT
    sw = _switch_mask(inv)
    e = host_edges(inv, protocols)
    e = np.concatenate([e, e[:, ::-1]])
    taken = set() if taken is None else taken
    tiers: list[tuple[Group, ...]] = []
    # tier 1: switch -> unit edges
    unit_arr = np.full(len(inv.hosts), -1, np.int64)
    for h, u in unit_of.items():
        unit_arr[h] = u
    m = sw[e[:, 0]] & (unit_arr[e[:, 1]] >= 0)
    used = np.zeros(len(inv.hosts), bool)
    pairs = np.stack([e[m, 0], unit_arr[e[m, 1]]], axis=1)
    groups = _components(inv, pairs, used, taken, tier=1, unit_sets=None) if len(pairs) else ()
    while groups:
        tiers.append(groups)
        group_of = np.full(len(inv.hosts), -1, np.int64)
        for gi, g in enumerate(groups):
            group_of[list(g.switches)] = gi
        m = sw[e[:, 0]] & ~used[e[:, 0]] & (group_of[e[:, 1]] >= 0)
        if not m.any():
            break
        pairs = np.stack([e[m, 0], group_of[e[m, 1]]], axis=1)
        groups = _components(inv, pairs, used, taken, tier=len(tiers) + 1, unit_sets=[g.units for g in groups])
    covered = set(u for g in tiers[0] for u in g.units) if tiers else set()
    uncovered = tuple(sorted(set(unit_of.values()) - covered))
    return Tree(protocols=protocols, scale_out=scale_out, tiers=tuple(tiers), uncovered=uncovered)


def _components(inv: Inventory, pairs: np.ndarray, used: np.ndarray, taken: set[str], tier: int,
                unit_sets: list[tuple[int, ...]] | None) -> tuple[Group, ...]:
    """Groups of switches that share a child: components of the switch-child graph."""
    n = int(pairs[:, 1].max()) + 1
    key = np.unique(pairs[:, 0] * n + pairs[:, 1])   # distinct rows, sorted, in one 1-D sort
    pairs = np.stack([key // n, key % n], axis=1)
    sws, s_idx = np.unique(pairs[:, 0], return_inverse=True)
    chs, c_idx = np.unique(pairs[:, 1], return_inverse=True)
    n = len(sws) + len(chs)
    g = coo_matrix((np.ones(len(pairs)), (s_idx, c_idx + len(sws))), shape=(n, n))
    _, label = connected_components(g, directed=False)
    members: dict[int, list[int]] = {}
    for i, s in enumerate(sws.tolist()):
        members.setdefault(int(label[i]), []).append(int(s))
    kids: dict[int, list[int]] = {}
    for j, c in enumerate(chs.tolist()):
        kids.setdefault(int(label[len(sws) + j]), []).append(int(c))
    out = []
    for lab in sorted(members, key=lambda k: min(members[k])):
        switches = tuple(sorted(members[lab]))
        children = tuple(sorted(kids[lab]))
        used[list(switches)] = True
        units = children if unit_sets is None else tuple(sorted(u for c in children for u in unit_sets[c]))
        out.append(Group(name=_unique(group_label(inv, switches), taken), tier=tier, switches=switches,
                         children=children, units=units))
    return tuple(out)


def group_label(inv: Inventory, switches: tuple[int, ...]) -> str:
    """A switch's own host name; for several, their common path with varying indices dropped.

    `pod.plane[0..6].l2[0..15]` -> `pod-plane-l2`; `su[3].leaf[0..7]` -> `su3-leaf`.
    """
    if len(switches) == 1:
        return inv.hosts[switches[0]].hostname
    split = [[split_segment(s) for s in inv.hosts[h].path.split(".")] for h in switches]
    depth = min(len(s) for s in split)
    parts: list[str] = []
    for k in range(depth):
        idents = {s[k][0] for s in split}
        if len(idents) > 1:
            parts.append("mixed")
            break
        ident = clean(next(iter(idents))) or "x"
        idx = {s[k][1] for s in split}
        if len(idx) == 1 and next(iter(idx)):
            ident = ident + ("-" if ident[-1].isdigit() else "") + "-".join(str(i) for i in next(iter(idx)))
        parts.append(ident)
    if any(len(s) != depth for s in split) and parts[-1] != "mixed":
        parts.append("mixed")
    return bounded("-".join(parts), ",".join(inv.hosts[h].path for h in switches))


def _unique(name: str, taken: set[str]) -> str:
    out, k = name, 2
    while out in taken:
        out = bounded(f"{name}-{k}", f"{name}#{k}", MAX_LABEL)
        k += 1
    taken.add(out)
    return out


def tier_role(inv: Inventory, g: Group) -> str:
    """The most common member name of a group's switches ("leaf", "spine", "l2")."""
    c = Counter(inv.hosts[h].role for h in g.switches)
    return clean(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]) or "switch"
