"""Ansible: `ansible/inventory.yaml` for the `yaml` inventory plugin.

Hosts are the machines of `inventory.py`: every compute node and every device
outside the nodes (switches, power shelves, ...). All host variables sit
under `all.hosts`; the groups only list host names:

- `hall_<hall>`, `rack_<rack>`, `supernode_<supernode>`, `role_<member name>`,
  and `compute` (every compute node, the Slurm nodes);
- host vars: `instance` (the instance path), `device_role`, `part` (single
  devices), `hall`, `row`, `rack`, `rack_u` (lowest U), `supernode`, `plane`,
  `accelerators`, and `ansible_host` when a `mgmt` address is declared.

Group names use `[a-z0-9_]` only (Ansible warns on `-`). Strings are quoted
whenever YAML could read them as something else (see `safeio.py`).
"""

from __future__ import annotations

from typing import Any, Iterator

from ..ir.model import Design
from . import Artifact, chunked, emitter
from .inventory import Host, Inventory, inventory, rack_of
from .names import group_name
from .safeio import dump_yaml

CHUNK = 1 << 12   # hosts written at a time


def host_vars(inv: Inventory, h: Host) -> dict[str, Any]:
    v: dict[str, Any] = {"instance": h.path, "device_role": h.role}
    if h.part >= 0:
        v["part"] = inv.design.parts[h.part].qname
    loc = rack_of(inv, h)
    for key in ("hall", "row", "rack"):
        if key in loc:
            v[key] = loc[key]
    if h.u >= 0:
        v["rack_u"] = h.u
    if h.supernode >= 0:
        v["supernode"] = inv.supernode_names[h.supernode]
    if h.plane is not None:
        v["plane"] = h.plane
    if h.accelerators:
        v["accelerators"] = {inv.design.parts[p].qname: n for p, n in h.accelerators}
    if h.mgmt:
        v["ansible_host"] = h.mgmt
    return v


def _groups(inv: Inventory) -> dict[str, list[str]]:
    """group name -> host names, in a fixed order: halls, racks, supernodes, roles, compute."""
    keyed: list[tuple[str, str, str]] = []   # (kind, key, host)
    for h in inv.hosts:
        loc = rack_of(inv, h)
        if "hall" in loc:
            keyed.append(("hall", loc["hall"], h.hostname))
        if "rack" in loc:
            keyed.append(("rack", loc["rack"], h.hostname))
        if h.supernode >= 0:
            keyed.append(("supernode", inv.supernode_names[h.supernode], h.hostname))
        keyed.append(("role", h.role, h.hostname))
    out: dict[str, list[str]] = {}
    for kind in ("hall", "rack", "supernode", "role"):
        for k, key, host in keyed:
            if k == kind:
                out.setdefault(group_name(key, kind), []).append(host)
    out["compute"] = [h.hostname for h in inv.nodes]
    return {g: hosts for g, hosts in out.items() if hosts}


def inventory_doc(inv: Inventory) -> dict[str, Any]:
    children = {g: {"hosts": {h: None for h in hosts}} for g, hosts in _groups(inv).items()}
    return {"all": {"vars": {"supernodec_center": inv.design.name},
                    "hosts": {h.hostname: host_vars(inv, h) for h in inv.hosts},
                    "children": children}}


@emitter("ansible", cost=2, uses=(inventory,))
def emit_ansible(design: Design) -> list[Artifact]:
    return [Artifact("ansible/inventory.yaml", chunked(_chunks, inventory(design)))]


def _chunks(inv: Inventory) -> Iterator[str]:
    """The text of `dump_yaml(inventory_doc(inv))` after a comment line, a chunk of hosts at a time."""
    memo: dict[str, str] = {}
    yield f"# Ansible inventory for {inv.design.name}, written by supernodec.\n"
    groups = _groups(inv)
    if not inv.hosts or not groups:    # an empty mapping is written inline: the whole small document
        yield dump_yaml(inventory_doc(inv), memo)
        return
    yield dump_yaml({"all": {"vars": {"supernodec_center": inv.design.name}}}, memo) + "  hosts:\n"
    for s in range(0, len(inv.hosts), CHUNK):
        yield dump_yaml({h.hostname: host_vars(inv, h) for h in inv.hosts[s:s + CHUNK]}, memo, "    ")
    yield "  children:\n"
    for g, hosts in groups.items():
        yield dump_yaml({g: {"hosts": {h: None for h in hosts}}}, memo, "    ")
