"""Slurm: `slurm/topology.conf` (topology/tree), `slurm/topology-block.conf`, `slurm/nodes.conf`.

- A Slurm node is a compute node of `inventory.py` (the instance that holds the
  accelerators, e.g. `pod.server[3]`), named by `names.py` (`pod-server03`).
- topology.conf lists the group tree of `fabric.py` over single nodes: a leaf
  line per tier-1 group (`SwitchName=... Nodes=...`), a line per upper group
  (`Switches=...`). A group of several real switches is one Slurm switch
  (Slurm lets a node sit under one leaf only); a comment names its members.
- topology-block.conf has one block per supernode (scale-up domain) and
  `BlockSizes=` base, base*2, ... where base is the smallest block's node count
  (Slurm 23.11+ requires each size to be the one before times a power of two,
  and every block to hold at least the base). Not written for a design
  without supernodes. Install it as `topology.conf` with
  `TopologyPlugin=topology/block`.
- nodes.conf has the `NodeName=` lines: `Sockets=` (CPU devices), `Gres=gpu:TYPE:N`
  (accelerators; needs `GresTypes=gpu`), `Features=` (accelerator part and
  supernode) and `NodeAddr=` when a management address is declared. Core
  counts and RealMemory are not in the design: slurmd reports them.
"""

from __future__ import annotations

import re
from itertools import groupby
from typing import Iterable

from ..ir.model import Design
from . import Artifact, emitter
from .fabric import Tree, build_tree, tier_role
from .inventory import Host, Inventory, inventory
from .names import clean

_TAIL = re.compile(r"^(.*?)(\d+)$")


def hostlist(names: Iterable[str]) -> str:
    """Slurm hostlist expression of `names`: `pod0-server[00-47],pod1-server[00-47]`.

    Only the trailing number of a name is ranged, and names with different
    zero-padding widths go in different brackets, so every expression expands
    back to exactly the input set whatever Slurm version reads it.
    """
    keyed: dict[tuple[str, int], set[int]] = {}
    plain: set[str] = set()
    for n in names:
        m = _TAIL.match(n)
        if m is None:
            plain.add(n)
        else:
            keyed.setdefault((m.group(1), len(m.group(2))), set()).add(int(m.group(2)))
    out = sorted(plain)
    for (prefix, width), nums in sorted(keyed.items()):
        if any(len(str(x)) > width for x in nums):  # "n10" with width 2 but unpadded siblings: never ranged
            out += [f"{prefix}{x}" for x in sorted(nums)]
            continue
        ranges = _ranges(sorted(nums))
        if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
            out.append(f"{prefix}{ranges[0][0]:0{width}d}")
            continue
        body = ",".join(f"{a:0{width}d}" if a == b else f"{a:0{width}d}-{b:0{width}d}" for a, b in ranges)
        out.append(f"{prefix}[{body}]")
    return ",".join(out)


def _ranges(nums: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for _, run in groupby(enumerate(nums), key=lambda t: t[1] - t[0]):
        r = [x for _, x in run]
        out.append((r[0], r[-1]))
    return out


def node_tree(inv: Inventory) -> Tree:
    """The fabric tree over single compute nodes (unit id = host index)."""
    return build_tree(inv, {h: h for h in inv.node_indices()})


def topology_tree(inv: Inventory) -> str:
    lines = [f"# Slurm topology/tree for {inv.design.name}, written by supernodec."]
    if not inv.nodes:
        return "\n".join(lines + ["# The design has no compute nodes (no accelerators): nothing to list."]) + "\n"
    tree = node_tree(inv)
    kind = "scale-out" if tree.scale_out else "scale-up (the design has no scale-out switches)"
    lines += [f"# Fabric: {kind}; protocols {', '.join(tree.protocols)}.", "# slurm.conf: TopologyPlugin=topology/tree"]
    if not tree.tiers:
        lines.append(_virtual_switches(inv))
        return "\n".join(lines) + "\n"
    for tier_no, tier in enumerate(tree.tiers, 1):
        lines.append(f"# tier {tier_no}")
        below = tree.tiers[tier_no - 2] if tier_no > 1 else ()
        for g in tier:
            lines.append(f"# {g.name}: {len(g.switches)} switch(es) {tier_role(inv, g)}: "
                         f"{_path_summary([inv.hosts[h].path for h in g.switches])}")
            if tier_no == 1:
                lines.append(f"SwitchName={g.name} Nodes={hostlist(inv.hosts[u].hostname for u in g.children)}")
            else:
                lines.append(f"SwitchName={g.name} Switches={hostlist(below[c].name for c in g.children)}")
    if tree.uncovered:
        lines.append(f"# not under any switch: {hostlist(inv.hosts[u].hostname for u in tree.uncovered)}")
    return "\n".join(lines) + "\n"


def _virtual_switches(inv: Inventory) -> str:
    """No switch reaches a node: one virtual switch per supernode (else one for all nodes)."""
    out = ["# No switch links the compute nodes: one virtual switch per scale-up domain."]
    by_sn: dict[int, list[Host]] = {}
    for h in inv.nodes:
        by_sn.setdefault(h.supernode, []).append(h)
    for sn, hosts in sorted(by_sn.items()):
        name = inv.supernode_names[sn] if sn >= 0 else clean(inv.design.name) or "center"
        out.append(f"SwitchName={name} Nodes={hostlist(h.hostname for h in hosts)}")
    return "\n".join(out)


def _path_summary(paths: list[str], limit: int = 4) -> str:
    shown = ", ".join(paths[:limit])
    return shown + (f", ... ({len(paths)} in all)" if len(paths) > limit else "")


def block_sizes(counts: list[int]) -> list[int]:
    """base, 2*base, 4*base, ... up to the nodes of all blocks (base = the smallest block)."""
    base, total = min(counts), sum(counts)
    sizes = [base]
    while sizes[-1] * 2 <= total:
        sizes.append(sizes[-1] * 2)
    return sizes


def topology_block(inv: Inventory) -> str | None:
    blocks: dict[int, list[Host]] = {}
    for h in inv.nodes:
        if h.supernode >= 0:
            blocks.setdefault(h.supernode, []).append(h)
    if not blocks:
        return None
    lines = [f"# Slurm topology/block for {inv.design.name}, written by supernodec: one block per supernode.",
             "# Needs Slurm 23.11+; install as topology.conf with TopologyPlugin=topology/block."]
    for sn, hosts in sorted(blocks.items()):
        s = inv.design.supernodes[sn]
        lines.append(f"# {s.name}: {s.template}, {len(hosts)} nodes")
        lines.append(f"BlockName={inv.supernode_names[sn]} Nodes={hostlist(h.hostname for h in hosts)}")
    outside = [h.hostname for h in inv.nodes if h.supernode < 0]
    if outside:
        lines.append(f"# in no block (not in a supernode): {hostlist(outside)}")
    sizes = block_sizes([len(v) for v in blocks.values()])
    lines.append("BlockSizes=" + ",".join(str(x) for x in sizes))
    return "\n".join(lines) + "\n"


def _accel_type(qname: str) -> str:
    """GRES type and feature of an accelerator part; never empty (a part named `_`
    gave `Gres=gpu::1`), the same fallback as the Kubernetes label."""
    return clean(qname.rpartition(".")[2]) or "accelerator"


def node_attrs(inv: Inventory, h: Host) -> str:
    parts = inv.design.parts
    attrs = []
    sockets = sum(n for _, n in h.cpus)
    if sockets:
        attrs.append(f"Sockets={sockets}")
    gres = ",".join(f"gpu:{_accel_type(parts[p].qname)}:{n}" for p, n in h.accelerators)
    if gres:
        attrs.append(f"Gres={gres}")
    feats = [_accel_type(parts[p].qname) for p, _ in h.accelerators]
    if h.supernode >= 0:
        feats.append(inv.supernode_names[h.supernode])
    if feats:
        attrs.append("Features=" + ",".join(dict.fromkeys(feats)))
    return " ".join(attrs)


def nodes_conf(inv: Inventory) -> str:
    lines = [f"# Slurm node definitions for {inv.design.name}, written by supernodec.",
             "# Include from slurm.conf (`Include nodes.conf`); Gres=gpu needs GresTypes=gpu.",
             "# Cores, threads and RealMemory are not in the design: take them from `slurmd -C`."]
    runs: list[tuple[str, list[str]]] = []
    for h in inv.nodes:
        attrs = node_attrs(inv, h) + (f" NodeAddr={h.mgmt}" if h.mgmt else "")
        if runs and runs[-1][0] == attrs and not h.mgmt:
            runs[-1][1].append(h.hostname)
        else:
            runs.append((attrs, [h.hostname]))
    if any(h.mgmt and ":" in h.mgmt for h in inv.nodes):
        lines.append("# NodeAddr holds IPv6 addresses: slurm.conf needs CommunicationParameters=EnableIPv6.")
    for attrs, names in runs:
        lines.append(f"NodeName={hostlist(names)} {attrs}".rstrip() + " State=UNKNOWN")
    return "\n".join(lines) + "\n"


@emitter("slurm", cost=1, uses=(inventory,))
def emit_slurm(design: Design) -> list[Artifact]:
    inv = inventory(design)
    out = [Artifact("slurm/topology.conf", topology_tree(inv).encode()),
           Artifact("slurm/nodes.conf", nodes_conf(inv).encode())]
    block = topology_block(inv)
    if block is not None:
        out.insert(1, Artifact("slurm/topology-block.conf", block.encode()))
    return out
