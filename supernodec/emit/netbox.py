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
from . import Artifact, emitter
from .inventory import Host, Inventory, inventory, location, rack_of
from .names import short_hash, slug
from .netbox_types import Types, build_types, manufacturer, relpath
from .safeio import dump_csv, dump_csv_columns, dump_yaml

STATUS = "planned"
DEFAULT_RACK_U = 42
_CABLE_TYPE = {"DAC": "dac-passive", "ACC": "dac-active", "AEC": "dac-active", "AOC": "aoc",
               "SR": "mmf-om4", "DR": "smf-os2", "FR": "smf-os2", "LR": "smf-os2", "ER": "smf-os2"}

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


def _child_rows(inv: Inventory, types: Types) -> Iterator[tuple[Any, ...]]:
    D = inv.design.devices
    for h in inv.nodes:
        loc = rack_of(inv, h)
        for d in h.devices:
            p = int(D.part[d])
            child = p in types.child_parts
            yield (inv.device_names[d], D.role[d], manufacturer(inv.design.parts[p]), types.part_model[p], STATUS,
                   inv.design.name, loc.get("hall"), loc.get("rack"), None, None,
                   h.hostname if child else None, relpath(h, D.name[d]) if child else None, D.name[d])


def devices(inv: Inventory, types: Types) -> bytes:
    rows = [_host_row(inv, types, i, h) for i, h in enumerate(inv.hosts)]
    return dump_csv(DEVICE_HEADER, rows + list(_child_rows(inv, types)))


def port_names(design: Design) -> tuple[np.ndarray, np.ndarray]:
    """(offset per part, flat port names): the name of port k of part p is names[offset[p] + k]."""
    offs, names = [], []
    for p in design.parts:
        offs.append(len(names))
        names += [f"{g.name}[{i}]" for g in p.ports for i in range(g.count)]
    return np.asarray(offs, np.int64), np.asarray(names, dtype=object)


def lengths_m(mm: np.ndarray) -> list[str | None]:
    """Link lengths in metres with 2 decimals, rounded half up (-1 mm = unknown -> empty)."""
    cm = (mm.astype(np.int64) + 5) // 10
    return [None if m < 0 else f"{c // 100}.{c % 100:02d}" for m, c in zip(mm.tolist(), cm.tolist())]


def cables(inv: Inventory) -> bytes:
    d, L = inv.design, inv.design.links
    keep = np.flatnonzero(L.medium >= 0) if len(L) else np.zeros(0, np.int64)
    a, b, med, cab = L.a[keep], L.b[keep], L.medium[keep], L.cable[keep]
    names = np.asarray(inv.device_names, dtype=object)
    off, flat = port_names(d)
    part = d.devices.part
    width = len(str(int(cab.max()))) if len(cab) else 1
    med_type = {m: _CABLE_TYPE.get(d.parts[m].medium_class or "") for m in set(med.tolist())}
    lengths = lengths_m(L.length_mm[keep])
    n = len(keep)
    cols = [names[a].tolist(), ["dcim.interface"] * n, flat[off[part[a]] + L.a_port[keep]].tolist(),
            names[b].tolist(), ["dcim.interface"] * n, flat[off[part[b]] + L.b_port[keep]].tolist(),
            [med_type[m] for m in med.tolist()], [STATUS] * n, [f"C{c:0{width}d}" for c in cab.tolist()],
            lengths, [None if x is None else "m" for x in lengths], [d.parts[m].qname for m in med.tolist()]]
    return dump_csv_columns(CABLE_HEADER, cols)


@emitter("netbox", cost=3)
def emit_netbox(design: Design) -> list[Artifact]:
    inv = inventory(design)
    types = build_types(inv)
    out = [Artifact("netbox/sites.csv", sites(inv)), Artifact("netbox/locations.csv", locations(inv)),
           Artifact("netbox/racks.csv", racks(inv)), Artifact("netbox/manufacturers.csv", manufacturers(types)),
           Artifact("netbox/device-roles.csv", device_roles(inv)),
           Artifact("netbox/devices.csv", devices(inv, types)), Artifact("netbox/cables.csv", cables(inv))]
    out += [Artifact(f"netbox/device-types/{path}", dump_yaml(doc).encode()) for path, doc in types.docs.items()]
    return out
