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

from decimal import Decimal
from typing import Any, Iterator

from ..ir.model import Design
from . import Artifact, emitter
from .inventory import Host, Inventory, inventory, rack_of
from .names import short_hash, slug
from .netbox_types import Types, build_types, manufacturer, relpath
from .safeio import dump_csv, dump_yaml

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
        loc = rack_of(inv, Host(path="", hostname="", role="", is_node=False, devices=(), part=-1, rack=i, u=-1,
                                height=0, supernode=-1, mgmt=None, accelerators=(), cpus=(), plane=None))
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


def _length(mm: int) -> Decimal | None:
    return None if mm < 0 else (Decimal(mm) / 1000).quantize(Decimal("0.01"))


def cables(inv: Inventory) -> bytes:
    d = inv.design
    L = d.links
    ids = [i for i in range(len(L)) if L.medium[i] >= 0] if len(L) else []
    width = len(str(max((int(L.cable[i]) for i in ids), default=0)))
    rows = []
    for i in ids:
        a, b, m = int(L.a[i]), int(L.b[i]), d.parts[int(L.medium[i])]
        pa, pb = d.parts[int(d.devices.part[a])], d.parts[int(d.devices.part[b])]
        length = _length(int(L.length_mm[i]))
        rows.append((inv.device_names[a], "dcim.interface", pa.port_name(int(L.a_port[i])),
                     inv.device_names[b], "dcim.interface", pb.port_name(int(L.b_port[i])),
                     _CABLE_TYPE.get(m.medium_class or ""), STATUS, f"C{int(L.cable[i]):0{width}d}",
                     length, "m" if length is not None else None, m.qname))
    return dump_csv(CABLE_HEADER, rows)


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
