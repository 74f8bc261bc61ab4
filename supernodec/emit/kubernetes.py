"""Kubernetes: Node labels, Volcano HyperNodes and Kueue Topology/ResourceFlavors.

One Node object per compute node (see `inventory.py`), named by its host name,
with labels:

- well-known: `kubernetes.io/hostname`, `topology.kubernetes.io/region` (the
  center) and `topology.kubernetes.io/zone` (the hall, when placed in one);
- ours, under `supernodec.io/`: `center`, `hall`, `row`, `rack`, `supernode`
  (the scale-up domain), `plane` (only when the node sits inside a `plane[k]`
  instance), `accelerator` and `accelerator-count`, and `tier-N` for every
  scale-out tier above the node (N = the Volcano tier of that HyperNode).

Tiers (Volcano's convention: a lower tier means more bandwidth): tier 1 is one
HyperNode per supernode with its Nodes as members; the tiers above are the
scale-out switch groups of `fabric.py` built over whole supernodes, so every
tier nests in the one above (a Volcano and Kueue requirement). Without
supernodes, tier 1 is the first scale-out tier. The scale-up switches never
make a tier of their own: they are inside the supernode.

Kueue gets one `Topology` whose levels are those labels, outermost first and
`kubernetes.io/hostname` last, and one `ResourceFlavor` per accelerator part
that selects its nodes by `supernodec.io/accelerator`. Names and label values
are host labels (`names.py`): DNS-1123 and at most 63 characters.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..ir.model import Design
from . import Artifact, emitter
from .fabric import SCALE_OUT, Tree, build_tree, pick_protocols, tier_role
from .inventory import Host, Inventory, inventory, rack_of
from .names import clean
from .safeio import dump_yaml_all

PREFIX = "supernodec.io/"
HOSTNAME = "kubernetes.io/hostname"
MAX_LEVELS = 16  # Kueue's limit on Topology.spec.levels


@dataclass(frozen=True)
class Tiers:
    """The HyperNode hierarchy: supernode tier (if any) plus the scale-out tiers above it."""

    has_supernodes: bool
    tree: Tree | None            # scale-out groups over units; None without a scale-out fabric
    unit_of: dict[int, int]      # node host index -> unit (supernode index, or n_sn + host index)

    @property
    def offset(self) -> int:
        """Volcano tier number of the first scale-out tier, minus one."""
        return 1 if self.has_supernodes else 0


def tiers(inv: Inventory) -> Tiers:
    n_sn = len(inv.design.supernodes)
    unit_of = {h: (inv.hosts[h].supernode if inv.hosts[h].supernode >= 0 else n_sn + h)
               for h in inv.node_indices()}
    _, scale_out = pick_protocols(inv)
    taken = set(inv.supernode_names)
    tree = build_tree(inv, unit_of, SCALE_OUT, taken) if scale_out else None
    return Tiers(has_supernodes=any(h.supernode >= 0 for h in inv.nodes), tree=tree, unit_of=unit_of)


def tier_labels(inv: Inventory, t: Tiers) -> dict[int, dict[str, str]]:
    """node host index -> {tier label: group name} for the scale-out tiers."""
    out: dict[int, dict[str, str]] = {h: {} for h in t.unit_of}
    if t.tree is None:
        return out
    by_unit: dict[int, list[int]] = {}
    for h, u in t.unit_of.items():
        by_unit.setdefault(u, []).append(h)
    for k, tier in enumerate(t.tree.tiers, 1):
        for g in tier:
            for u in g.units:
                for h in by_unit.get(u, ()):
                    out[h][f"{PREFIX}tier-{k + t.offset}"] = g.name
    return out


def node_labels(inv: Inventory, h: Host, extra: dict[str, str]) -> dict[str, str]:
    loc = rack_of(inv, h)
    labels = {HOSTNAME: h.hostname, "topology.kubernetes.io/region": loc["center"]}
    if "hall" in loc:
        labels["topology.kubernetes.io/zone"] = loc["hall"]
    for key in ("center", "hall", "row", "rack"):
        if key in loc:
            labels[PREFIX + key] = loc[key]
    if h.supernode >= 0:
        labels[PREFIX + "supernode"] = inv.supernode_names[h.supernode]
    if h.plane is not None:
        labels[PREFIX + "plane"] = str(h.plane)
    if h.accelerators:
        part, count = h.accelerators[0]
        labels[PREFIX + "accelerator"] = accelerator_value(inv.design, part)
        labels[PREFIX + "accelerator-count"] = str(count)
    labels.update(sorted(extra.items()))
    return labels


def accelerator_value(design: Design, part: int) -> str:
    return clean(design.parts[part].qname.rpartition(".")[2]) or "accelerator"


def node_objects(inv: Inventory, t: Tiers) -> list[dict[str, Any]]:
    extra = tier_labels(inv, t)
    out = []
    for i in inv.node_indices():
        h = inv.hosts[i]
        ann = {PREFIX + "instance": h.path}
        if h.mgmt:
            ann[PREFIX + "mgmt-address"] = h.mgmt
        out.append({"apiVersion": "v1", "kind": "Node",
                    "metadata": {"name": h.hostname, "labels": node_labels(inv, h, extra[i]), "annotations": ann},
                    "spec": {}})
    return out


def _hypernode(name: str, tier: int, tier_name: str, members: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "topology.volcano.sh/v1alpha1", "kind": "HyperNode",
            "metadata": {"name": name},
            "spec": {"tier": tier, "tierName": tier_name, "members": members}}


def _member(kind: str, name: str) -> dict[str, Any]:
    return {"type": kind, "selector": {"exactMatch": {"name": name}}}


def hypernodes(inv: Inventory, t: Tiers) -> list[dict[str, Any]]:
    out = []
    n_sn = len(inv.design.supernodes)
    sn_nodes: dict[int, list[str]] = {}
    for h in inv.nodes:
        if h.supernode >= 0:
            sn_nodes.setdefault(h.supernode, []).append(h.hostname)
    for sn, names in sorted(sn_nodes.items()):
        out.append(_hypernode(inv.supernode_names[sn], 1, "supernode", [_member("Node", n) for n in names]))
    if t.tree is None:
        return out
    for k, tier in enumerate(t.tree.tiers, 1):
        roles = Counter(tier_role(inv, g) for g in tier)
        tier_name = sorted(roles.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        below = t.tree.tiers[k - 2] if k > 1 else ()
        for g in tier:
            if k > 1:
                members = [_member("HyperNode", below[c].name) for c in g.children]
            else:
                members = [_member("HyperNode", inv.supernode_names[u]) if u < n_sn
                           else _member("Node", inv.hosts[u - n_sn].hostname) for u in g.children]
            out.append(_hypernode(g.name, k + t.offset, tier_name, members))
    return out


def topology_levels(t: Tiers) -> list[str]:
    levels = []
    if t.tree is not None:
        levels += [f"{PREFIX}tier-{k + t.offset}" for k in range(len(t.tree.tiers), 0, -1)]
    if t.has_supernodes:
        levels.append(PREFIX + "supernode")
    levels = levels[-(MAX_LEVELS - 1):]
    return levels + [HOSTNAME]


def kueue_objects(inv: Inventory, t: Tiers) -> list[dict[str, Any]]:
    name = clean(inv.design.name) or "center"
    out: list[dict[str, Any]] = [{"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "Topology",
                                  "metadata": {"name": name},
                                  "spec": {"levels": [{"nodeLabel": lv} for lv in topology_levels(t)]}}]
    accels = dict.fromkeys(h.accelerators[0][0] for h in inv.nodes if h.accelerators)
    for part in accels:
        value = accelerator_value(inv.design, part)
        out.append({"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "ResourceFlavor",
                    "metadata": {"name": clean(f"{name}-{value}")[:253]},
                    "spec": {"nodeLabels": {PREFIX + "accelerator": value}, "topologyName": name}})
    return out


@emitter("kubernetes", cost=2, uses=(inventory,))
def emit_kubernetes(design: Design) -> list[Artifact]:
    inv = inventory(design)
    t = tiers(inv)
    head = f"# {design.name}: written by supernodec\n"
    return [Artifact("kubernetes/nodes.yaml", (head + dump_yaml_all(node_objects(inv, t))).encode()),
            Artifact("kubernetes/volcano-hypernodes.yaml", (head + dump_yaml_all(hypernodes(inv, t))).encode()),
            Artifact("kubernetes/kueue.yaml", (head + dump_yaml_all(kueue_objects(inv, t))).encode())]
