"""Hosts of a design as operators see them: the common input of the deployment emitters.

Slurm, Kubernetes, Ansible and NetBox all talk about *machines*, while the IR
talks about devices (chips). This module decides, once, which devices make up
one machine, and names every machine, rack and device (see `names.py`).

What a compute node is (Slurm's "node", Kubernetes' Node, an Ansible host):
the template instance that holds accelerators. For every accelerator device,

1. the deepest *placed* instance (a `place X in rack` target) that strictly
   contains it, e.g. `pod.server[3]` of a CloudMatrix384; else
2. its parent instance path, unless that parent is a supernode or the center
   (accelerators declared straight in a supernode have no server around them); else
3. the accelerator itself is the node.

Every device under a node path belongs to that node (its CPUs, NICs, on-board
switch chips). Every other device (switches, power shelves, cooling, ...) is a
host of its own. Media are not hosts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from ..ir.model import Design
from .names import Namer, bounded, clean, split_segment


@dataclass(frozen=True)
class Host:
    path: str                    # instance path: "pod.server[3]" or "pod.plane[0].l2[5]"
    hostname: str                # "pod-server03"
    role: str                    # member name: "server", "l2"
    is_node: bool                # holds accelerators (a compute node)
    devices: tuple[int, ...]     # device ids of the host, ascending
    part: int                    # Design.parts index for a single-device host, -1 for nodes
    rack: int                    # Design.racks index, -1 = unplaced
    u: int                       # lowest U, -1 = unplaced
    height: int                  # U occupied, 0 = not declared
    supernode: int               # Design.supernodes index, -1 = none
    mgmt: str | None             # management address (`mgmt` statement)
    accelerators: tuple[tuple[int, int], ...]  # (part, count), most numerous first
    cpus: tuple[tuple[int, int], ...]
    plane: int | None            # index of an enclosing `plane[...]` instance, if any


@dataclass(frozen=True)
class Inventory:
    design: Design
    hosts: tuple[Host, ...]
    device_host: np.ndarray      # device id -> host index
    device_names: tuple[str, ...]  # unique host label of every device (NetBox device names)
    rack_names: tuple[str, ...]
    supernode_names: tuple[str, ...]
    hall_names: tuple[str, ...]

    @property
    def nodes(self) -> tuple[Host, ...]:
        return tuple(h for h in self.hosts if h.is_node)

    def node_indices(self) -> list[int]:
        return [i for i, h in enumerate(self.hosts) if h.is_node]


_CACHE: list[tuple[Design, Inventory]] = []


def inventory(design: Design) -> Inventory:
    """The inventory of `design` (the last few are cached: several emitters ask for it)."""
    for d, inv in _CACHE:
        if d is design:
            return inv
    inv = _build(design)
    _CACHE.append((design, inv))
    del _CACHE[:-4]
    return inv


def _node_paths(design: Design) -> dict[int, str]:
    """accelerator device id -> path of the node that holds it."""
    D = design.devices
    placed = {p.name for p in design.placements}
    barren = {s.name for s in design.supernodes} | {""}
    accel = [i for i, p in enumerate(design.parts) if p.kind == "accelerator"]
    ids = np.flatnonzero(np.isin(D.part, accel)) if accel else np.zeros(0, np.int64)
    memo: dict[str, str | None] = {}
    out: dict[int, str] = {}
    for d in ids.tolist():
        name = D.name[d]
        parent = name.rpartition(".")[0]
        if parent not in memo:
            memo[parent] = _deepest_placed(parent, placed) or (None if parent in barren else parent)
        out[d] = memo[parent] or name
    return out


def _deepest_placed(path: str, placed: set[str]) -> str | None:
    while path:
        if path in placed:
            return path
        path = path.rpartition(".")[0]
    return None


def _owner(name: str, nodes: set[str], memo: dict[str, str | None]) -> str | None:
    """The node path that contains the device `name` (or is it), else None."""
    if name in nodes:
        return name
    parent = name.rpartition(".")[0]
    got = memo.get(parent, "?")
    if got == "?":
        got = None
        p = parent
        while p:
            if p in nodes:
                got = p
                break
            p = p.rpartition(".")[0]
        memo[parent] = got
    return got


def _group_devices(design: Design) -> list[tuple[str, list[int], bool]]:
    """(path, device ids, is_node) for every host, in order of its first device."""
    nodes = set(_node_paths(design).values())
    memo: dict[str, str | None] = {}
    order: dict[str, tuple[list[int], bool]] = {}
    for d, name in enumerate(design.devices.name):
        owner = _owner(name, nodes, memo)
        key = owner if owner is not None else name
        if key not in order:
            order[key] = ([], owner is not None)
        order[key][0].append(d)
    return [(k, v[0], v[1]) for k, v in order.items()]


def _plane(path: str) -> int | None:
    if "plane" not in path:
        return None
    for seg in path.split("."):
        ident, idx = split_segment(seg)
        if ident == "plane" and len(idx) == 1:
            return idx[0]
    return None


class _Columns:
    """The device columns as Python lists, read per host without numpy's per-call cost."""

    def __init__(self, design: Design):
        D = design.devices
        self.part, self.rack, self.u = D.part.tolist(), D.rack.tolist(), D.u.tolist()
        self.supernode = D.supernode.tolist()
        self.kind = [p.kind for p in design.parts]
        self.qname = [p.qname for p in design.parts]

    def counts(self, devs: list[int], kind: str) -> tuple[tuple[int, int], ...]:
        if len(devs) == 1:       # most hosts are one switch or one device
            p = self.part[devs[0]]
            return ((p, 1),) if self.kind[p] == kind else ()
        c = Counter(p for p in map(self.part.__getitem__, devs) if self.kind[p] == kind)
        return tuple(sorted(c.items(), key=lambda kv: (-kv[1], self.qname[kv[0]])))


def _make_host(design: Design, cols: _Columns, path: str, devs: list[int], is_node: bool,
               placements: dict[str, tuple[int, int, int]], hostname: str) -> Host:
    D = design.devices
    first = devs[0]
    rack, u, height = placements.get(path, (-1, -1, 0))
    part = -1 if is_node else cols.part[first]
    if rack < 0:
        placed = [d for d in devs if cols.rack[d] >= 0]
        if placed:
            rack = cols.rack[placed[0]]
            u = min(cols.u[d] for d in placed)
    if not is_node and height == 0:
        height = design.parts[part].height or 0
    mgmt = next((D.mgmt[d] for d in devs if d in D.mgmt), None) if D.mgmt else None
    return Host(path=path, hostname=hostname, role=split_segment(path.rpartition(".")[2])[0], is_node=is_node,
                devices=tuple(devs), part=part, rack=rack, u=u, height=height, supernode=cols.supernode[first],
                mgmt=mgmt, accelerators=cols.counts(devs, "accelerator"), cpus=cols.counts(devs, "cpu"),
                plane=_plane(path))


def _build(design: Design) -> Inventory:
    groups = _group_devices(design)
    host_paths = [g[0] for g in groups]
    namer = Namer(list(design.devices.name) + [r.name for r in design.racks] + host_paths)
    dev_names = namer.unique(list(dict.fromkeys(host_paths + list(design.devices.name))))
    placements = {p.name: (p.rack, p.u, p.height) for p in design.placements}
    cols = _Columns(design)
    hosts = tuple(_make_host(design, cols, path, devs, is_node, placements, dev_names[path])
                  for path, devs, is_node in groups)
    device_host = np.full(len(design.devices), -1, np.int32)
    for i, h in enumerate(hosts):
        device_host[list(h.devices)] = i
    rack_map = namer.unique([r.name for r in design.racks])
    sn_map = namer.unique([s.name or design.name for s in design.supernodes])
    return Inventory(design=design, hosts=hosts, device_host=device_host,
                     device_names=tuple(dev_names[n] for n in design.devices.name),
                     rack_names=tuple(rack_map[r.name] for r in design.racks),
                     supernode_names=tuple(sn_map[s.name or design.name] for s in design.supernodes),
                     hall_names=tuple(namer.raw(h.name) or "hall" for h in design.halls))


def rack_of(inv: Inventory, h: Host) -> dict[str, str]:
    """Location labels of a host: center, hall, row, rack (only the known ones)."""
    return location(inv, h.rack)


def location(inv: Inventory, rack: int) -> dict[str, str]:
    """Location labels of a rack index (-1 = unplaced: the center only)."""
    out = {"center": bounded(clean(inv.design.name) or "center", inv.design.name)}
    if rack < 0:
        return out
    r = inv.design.racks[rack]
    if r.hall is not None:
        halls = [x.name for x in inv.design.halls]
        out["hall"] = inv.hall_names[halls.index(r.hall)] if r.hall in halls else (clean(r.hall) or "hall")
    if r.row is not None:
        out["row"] = bounded(clean(r.row) or "row", r.row)
    out["rack"] = inv.rack_names[rack]
    return out
