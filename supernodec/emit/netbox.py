"""NetBox: bulk-import CSVs and devicetype-library YAML (netbox/...).

Import order (NetBox resolves references by name, so each file needs the
earlier ones): `sites.csv`, `locations.csv` (halls), `racks.csv`,
`manufacturers.csv`, `device-types/<Vendor>/<model>.yaml`, `device-roles.csv`,
`devices.csv`, `cables.csv`.

- Devices: every host of `inventory.py` (compute nodes as parent devices,
  switches and other devices outside nodes), then every chip inside a node as
  a child device in the node's device bay (`parent`, `device_bay`). Names are
  the shared host labels (`names.py`). A device is given a rack position only
  when it has a height (NetBox refuses positions for 0 U devices); its U
  is still in the description.
- Cables: one row per link that has a medium (optic or cable); a physical
  cable carrying several links (a 400G module with two 224G UB links) gives
  several rows with the same label (`C<cable id>`), because a NetBox cable
  joins one interface per end in bulk import. Backplane/PCB links have no
  cable and are left out. Type from the medium class (DAC -> dac-passive,
  AEC/ACC -> dac-active, AOC -> aoc, SR -> mmf-om4, DR/FR/LR -> smf-os2).
- Status is `planned` everywhere; CSV cells are safe against formula injection.
"""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from ..ir.model import Design
from . import Artifact, Producer, chunked, emitter
from .inventory import Host, Inventory, inventory, location, rack_of
from .names import short_hash, slug
from .netbox_types import Types, build_types, manufacturer, relpath
from .safeio import csv_field, csv_lines, csv_table, dump_csv, dump_yaml
from .tabular import padded

STATUS = "planned"
DEFAULT_RACK_U = 42
_CABLE_TYPE = {"DAC": "dac-passive", "ACC": "dac-active", "AEC": "dac-active", "AOC": "aoc",
               "SR": "mmf-om4", "DR": "smf-os2", "FR": "smf-os2", "LR": "smf-os2", "ER": "smf-os2"}

CHUNK = 1 << 16   # rows formatted at a time
DEVICE_HEADER = ("name", "role", "manufacturer", "device_type", "status", "site", "location", "rack",
                 "position", "face", "parent", "device_bay", "description")
CABLE_HEADER = ("side_a_device", "side_a_type", "side_a_name", "side_b_device", "side_b_type", "side_b_name",
                "type", "status", "label", "length", "length_unit", "description")


def sites(inv: Inventory) -> bytes:
    d = inv.design
    return dump_csv(("name", "slug", "status", "description"),
                    [(d.name, slug(d.name), STATUS, f"supernodec design {d.name}")])


def locations(inv: Inventory) -> bytes:
    rows = [(inv.design.name, name, slug(f"{inv.design.name}-{name}"), STATUS, f"hall {h.name}")
            for h, name in zip(inv.design.halls, inv.hall_names)]
    return dump_csv(("site", "name", "slug", "status", "description"), rows)


def racks(inv: Inventory) -> bytes:
    d = inv.design
    rows = []
    for i, r in enumerate(d.racks):
        part = d.parts[r.part]
        loc = location(inv, i)
        notes = [f"{r.name}: {part.qname}"]
        if part.height is None:
            notes.append(f"height not declared, {DEFAULT_RACK_U} U assumed")
        if part.power_budget is not None:
            notes.append(f"power budget {int(part.power_budget)} W")
        if r.row is not None:
            notes.append(f"row {r.row} slot {r.slot}")
        rows.append((d.name, loc.get("hall", ""), inv.rack_names[i], STATUS, 19, part.height or DEFAULT_RACK_U,
                     "; ".join(notes)))
    return dump_csv(("site", "location", "name", "status", "width", "u_height", "description"), rows)


def manufacturers(types: Types) -> bytes:
    names = sorted({doc["manufacturer"] for doc in types.docs.values()})
    return dump_csv(("name", "slug"), [(n, slug(n)) for n in names])


def device_roles(inv: Inventory) -> bytes:
    roles = list(dict.fromkeys([h.role for h in inv.hosts] + list(inv.design.devices.role)))
    return dump_csv(("name", "slug", "color", "description"),
                    [(r, slug(r), short_hash(r, 6), f"member `{r}` of the design") for r in roles])


def _host_row(inv: Inventory, types: Types, i: int, h: Host) -> tuple[Any, ...]:
    loc = rack_of(inv, h)
    if h.is_node:
        t = types.node_types[types.node_type_of[i]]
        maker, model = t.manufacturer, t.model
    else:
        p = inv.design.parts[h.part]
        maker, model = manufacturer(p), types.part_model[h.part]
    positioned = h.height > 0 and h.u > 0
    desc = h.path + (f" (U{h.u})" if h.u > 0 and not positioned else "")
    return (h.hostname, h.role, maker, model, STATUS, inv.design.name, loc.get("hall"), loc.get("rack"),
            h.u if positioned else None, "front" if positioned else None, None, None, desc)


def _child_columns(inv: Inventory, types: Types, names: np.ndarray) -> list[np.ndarray]:
    """The rows of every chip inside a node, as columns of CSV text (groups of cells joined by `,`)."""
    design, D = inv.design, inv.design.devices
    nodes = inv.node_indices()
    dev = np.fromiter((d for i in nodes for d in inv.hosts[i].devices), np.int64)
    host = np.repeat(np.asarray(nodes, np.int64), [len(inv.hosts[i].devices) for i in nodes])
    part = D.part[dev] if len(dev) else np.zeros(0, np.int64)
    roles = csv_table(D.role)
    paths = csv_table(D.name)
    used = sorted(set(part.tolist()))
    per_part = np.empty(len(design.parts), dtype=object)
    for p in used:
        per_part[p] = ",".join(map(csv_field, (manufacturer(design.parts[p]), types.part_model[p], STATUS, design.name)))
    hosts = inv.hosts
    per_host = np.empty(len(hosts), dtype=object)
    for i in set(host.tolist()):
        loc = rack_of(inv, hosts[i])
        per_host[i] = ",".join(map(csv_field, (loc.get("hall"), loc.get("rack"), None, None)))
    child = np.isin(part, list(types.child_parts))
    parent = csv_table([h.hostname for h in hosts])
    bays = csv_table([relpath(hosts[h], D.name[d]) for h, d in zip(host[child].tolist(), dev[child].tolist())])
    bay = np.full(len(dev), ",", dtype=object)     # "parent,device_bay"
    bay[child] = parent[host[child]] + "," + bays
    return [names[dev], roles[dev], per_part[part], per_host[host], bay, paths[dev]]


def devices(inv: Inventory, types: Types, names: np.ndarray) -> Producer:
    """devices.csv; `names` is the CSV text of every device name (`csv_table(inv.device_names)`)."""
    hosts = [_host_row(inv, types, i, h) for i, h in enumerate(inv.hosts)]
    head = csv_lines([[c] for c in DEVICE_HEADER])
    host_text = csv_lines([csv_table(c) for c in zip(*hosts)]) if hosts else ""
    return chunked(_rows, [head, host_text], _child_columns(inv, types, names))


def _rows(first: list[str], cols: list[np.ndarray]) -> Iterator[str]:
    """`first`, then CSV lines of whole columns of cell text, a chunk at a time."""
    yield from first
    for s in range(0, len(cols[0]), CHUNK):
        yield csv_lines([c[s:s + CHUNK] for c in cols])


def port_names(design: Design) -> tuple[np.ndarray, np.ndarray]:
    """(offset per part, flat port names): the name of port k of part p is names[offset[p] + k]."""
    offs, names = [], []
    for p in design.parts:
        offs.append(len(names))
        names += [f"{g.name}[{i}]" for g in p.ports for i in range(g.count)]
    return np.asarray(offs, np.int64), np.asarray(names, dtype=object)


def length_table(mm: np.ndarray) -> np.ndarray:
    """Text of every length in cm up to the longest of `mm`: metres with 2 decimals ("48.53")."""
    top = int(mm.max(initial=0)) // 10 + 1
    return np.asarray([f"{c // 100}.{c % 100:02d}" for c in range(top + 1)], dtype=object)


def cables(inv: Inventory, names: np.ndarray) -> Producer:
    """cables.csv, written a chunk of rows at a time: every cell is gathered from a table of
    CSV text (devices, ports, media, lengths) escaped once per value."""
    d, L = inv.design, inv.design.links
    keep = np.flatnonzero(L.medium >= 0) if len(L) else np.zeros(0, np.int64)
    dev = names + ",dcim.interface"
    off, flat = port_names(d)
    port = csv_table(flat.tolist())
    part = d.devices.part
    width = len(str(int(L.cable[keep].max()))) if len(keep) else 1
    metres = length_table(L.length_mm[keep])
    kind = np.empty(len(d.parts), dtype=object)      # "type,status"
    tail = np.empty(2 * len(d.parts), dtype=object)  # "length_unit,description", unknown length first
    for m in set(L.medium[keep].tolist()):
        qname = csv_field(d.parts[m].qname)
        kind[m] = csv_field(_CABLE_TYPE.get(d.parts[m].medium_class or "")) + "," + STATUS
        tail[2 * m], tail[2 * m + 1] = "," + qname, "m," + qname
    head = csv_lines([[c] for c in CABLE_HEADER])

    def rows() -> Iterator[str]:
        yield head
        for s in range(0, len(keep), CHUNK):
            k = keep[s:s + CHUNK]
            a, b, med, mm = L.a[k], L.b[k], L.medium[k].astype(np.int64), L.length_mm[k].astype(np.int64)
            known = mm >= 0
            length = metres[np.where(known, (mm + 5) // 10, 0)]
            length[~known] = ""
            yield csv_lines([dev[a], port[off[part[a]] + L.a_port[k]], dev[b], port[off[part[b]] + L.b_port[k]],
                             kind[med], padded(L.cable[k], width, "C"), length, tail[2 * med + known]])
    return chunked(rows)


@emitter("netbox", cost=5, uses=(inventory,))
def emit_netbox(design: Design) -> list[Artifact]:
    inv = inventory(design)
    types = build_types(inv)
    names = csv_table(inv.device_names)
    out = [Artifact("netbox/sites.csv", sites(inv)), Artifact("netbox/locations.csv", locations(inv)),
           Artifact("netbox/racks.csv", racks(inv)), Artifact("netbox/manufacturers.csv", manufacturers(types)),
           Artifact("netbox/device-roles.csv", device_roles(inv)),
           Artifact("netbox/devices.csv", devices(inv, types, names)), Artifact("netbox/cables.csv", cables(inv, names))]
    out += [Artifact(f"netbox/device-types/{path}", dump_yaml(doc).encode()) for path, doc in types.docs.items()]
    return out
