"""NetBox device types (devicetype-library YAML) for the parts and nodes of a design.

- Every catalog device part that a design uses gets a device type: its port
  groups become interfaces named like the IR ports (`up[3]`), typed by
  protocol, rate and form (`interface_type`); NVLink/UB/PCIe have no NetBox
  type, so they are `other` with the protocol and rate in the label.
- A part whose devices all sit inside compute nodes is a `child` type (0 U),
  installed in a device bay of its node.
- Each distinct node composition (the devices under a node, by relative path
  and part) gets a `parent` device type with one device bay per child device,
  named by the relative path (`npu[0]`). Its model names the composition; its
  manufacturer is the parts' common vendor, else "Generic".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..ir.model import Design, Part, PortGroup
from .inventory import Host, Inventory
from .names import slug

GENERIC = "Generic"

# (protocol family, Gb/s per port, form) -> NetBox interface type; form None = any form
_ETH: dict[tuple[int, str | None], str] = {
    (1, None): "1000base-t", (10, "RJ45"): "10gbase-t", (10, None): "10gbase-x-sfpp",
    (25, None): "25gbase-x-sfp28", (50, None): "50gbase-x-sfp56",
    (100, "QSFP-DD"): "100gbase-x-qsfpdd", (100, None): "100gbase-x-qsfp28",
    (200, "QSFP-DD"): "200gbase-x-qsfpdd", (200, None): "200gbase-x-qsfp56",
    (400, "QSFP-DD"): "400gbase-x-qsfpdd", (400, "QSFP112"): "400gbase-x-qsfp112",
    (400, "OSFP"): "400gbase-x-osfp", (400, None): "400gbase-x-osfp",
    (800, "QSFP-DD"): "800gbase-x-qsfpdd", (800, None): "800gbase-x-osfp",
}
_IB = {100: "infiniband-edr", 200: "infiniband-hdr", 400: "infiniband-ndr", 800: "infiniband-xdr",
       56: "infiniband-fdr", 40: "infiniband-qdr"}


def interface_type(g: PortGroup) -> str:
    gbps = g.rate / 10**9
    if g.protocol == "InfiniBand" and gbps in _IB:
        return _IB[int(gbps)]
    if g.protocol in ("Ethernet", "RoCE") and gbps.denominator == 1 and g.form != "backplane":
        n = int(gbps)
        return _ETH.get((n, g.form)) or _ETH.get((n, None)) or "other"
    return "other"


def rate_text(rate: Fraction) -> str:
    gbps = rate / 10**9
    return f"{int(gbps) if gbps.denominator == 1 else float(gbps):g} Gb/s"


def interfaces(p: Part) -> list[dict[str, Any]]:
    out = []
    for g in p.ports:
        t = interface_type(g)
        for i in range(g.count):
            out.append({"name": f"{g.name}[{i}]", "type": t, "label": f"{g.protocol} {rate_text(g.rate)}"})
    return out


def manufacturer(p: Part) -> str:
    """The vendor, without leading formula characters (so CSV and YAML spell it the same)."""
    return p.vendor.lstrip("=+-@\t\r ").strip() or GENERIC


@dataclass(frozen=True)
class NodeType:
    key: tuple[tuple[str, int], ...]   # (relative path, part) of the bay devices
    model: str
    manufacturer: str
    height: int


@dataclass(frozen=True)
class Types:
    part_model: dict[int, str]         # device part -> model name
    child_parts: frozenset[int]        # parts installed in device bays
    node_types: tuple[NodeType, ...]
    node_type_of: dict[int, int]       # node host index -> index into node_types
    docs: dict[str, dict[str, Any]]    # file path under netbox/device-types -> YAML document


def relpath(node: Host, device_name: str) -> str:
    return device_name[len(node.path) + 1:] if device_name != node.path else device_name.rpartition(".")[2]


def _models(design: Design, used: list[int]) -> dict[int, str]:
    short = {p: design.parts[p].qname.rpartition(".")[2] for p in used}
    clash = {(manufacturer(design.parts[p]), s) for p, s in short.items()
             if sum(1 for q, t in short.items() if t == s and manufacturer(design.parts[q]) == manufacturer(design.parts[p])) > 1}
    return {p: design.parts[p].qname if (manufacturer(design.parts[p]), s) in clash else s for p, s in short.items()}


def _child_parts(inv: Inventory) -> frozenset[int]:
    D = inv.design.devices
    inside: dict[int, bool] = {}
    for h in inv.hosts:
        for d in h.devices:
            p = int(D.part[d])
            inside[p] = inside.get(p, True) and h.is_node
    return frozenset(p for p, v in inside.items() if v)


def _node_model(inv: Inventory, h: Host, key: tuple[tuple[str, int], ...]) -> tuple[str, str]:
    parts = inv.design.parts
    counts: dict[int, int] = {}
    for _, p in key:
        counts[p] = counts.get(p, 0) + 1
    comp = ", ".join(f"{n}x {parts[p].qname.rpartition('.')[2]}" for p, n in counts.items())
    vendors = {manufacturer(parts[p]) for p in counts}
    return f"{h.role} node ({comp})", (vendors.pop() if len(vendors) == 1 else GENERIC)


def build_types(inv: Inventory) -> Types:
    design, D = inv.design, inv.design.devices
    used = sorted({int(p) for p in D.part.tolist()})
    models = _models(design, used)
    child = _child_parts(inv)
    keys: dict[tuple[tuple[str, int], ...], int] = {}
    node_types: list[NodeType] = []
    node_type_of: dict[int, int] = {}
    for i in inv.node_indices():
        h = inv.hosts[i]
        key = tuple((relpath(h, D.name[d]), int(D.part[d])) for d in h.devices if int(D.part[d]) in child)
        if key not in keys:
            model, maker = _node_model(inv, h, key)
            if any(t.model == model and t.manufacturer == maker for t in node_types):
                model = f"{model} #{len(node_types) + 1}"
            keys[key] = len(node_types)
            node_types.append(NodeType(key=key, model=model, manufacturer=maker, height=h.height))
        elif h.height > node_types[keys[key]].height:
            t = node_types[keys[key]]
            node_types[keys[key]] = NodeType(t.key, t.model, t.manufacturer, h.height)
        node_type_of[i] = keys[key]
    docs: dict[str, dict[str, Any]] = {}
    for p in used:
        docs[type_path(manufacturer(design.parts[p]), models[p])] = part_doc(design.parts[p], models[p], p in child)
    for t in node_types:
        docs[type_path(t.manufacturer, t.model)] = node_doc(t)
    return Types(part_model=models, child_parts=child, node_types=tuple(node_types),
                 node_type_of=node_type_of, docs=dict(sorted(docs.items())))


_FILE = re.compile(r"[^A-Za-z0-9._-]+")


def type_path(maker: str, model: str) -> str:
    return f"{_FILE.sub('-', maker).strip('-.') or GENERIC}/{_FILE.sub('-', model).strip('-.') or 'model'}.yaml"


def part_doc(p: Part, model: str, child: bool) -> dict[str, Any]:
    height = 0 if child else (p.height or 0)
    doc: dict[str, Any] = {"manufacturer": manufacturer(p), "model": model, "slug": slug(f"{manufacturer(p)}-{model}")}
    if p.part_number:
        doc["part_number"] = p.part_number
    doc.update({"u_height": height, "is_full_depth": height > 0})
    if child:
        doc["subdevice_role"] = "child"
    notes = [p.description or p.qname]
    if p.power is not None:
        notes.append(f"power {rate_free(p.power)} W")
    doc["comments"] = "; ".join(notes)
    if p.ports:
        doc["interfaces"] = interfaces(p)
    return doc


def rate_free(x: Fraction) -> str:
    return str(int(x)) if x.denominator == 1 else f"{float(x):g}"


def node_doc(t: NodeType) -> dict[str, Any]:
    return {"manufacturer": t.manufacturer, "model": t.model, "slug": slug(f"{t.manufacturer}-{t.model}"),
            "u_height": t.height, "is_full_depth": t.height > 0, "subdevice_role": "parent",
            "comments": "compute node composed by supernodec; its chips are child devices in the bays",
            "device-bays": [{"name": rel} for rel, _ in t.key]}
