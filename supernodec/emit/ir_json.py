"""`ir.json`: the elaborated design as JSON (schema: `supernodec schema ir`).

Bulk tables are columnar (one array per column, row i of every array is the
same device or link), which keeps a million-accelerator design compact and
fast to write and read.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from ..ir.model import Design, Part
from . import Artifact, emitter

IR_VERSION = 1


def num(v: Fraction | int | None) -> Any:
    if v is None:
        return None
    if isinstance(v, Fraction):
        return int(v) if v.denominator == 1 else float(v)
    return v


def part_json(p: Part) -> dict[str, Any]:
    d: dict[str, Any] = {
        "name": p.qname, "kind": p.kind, "vendor": p.vendor, "part_number": p.part_number,
        "description": p.description, "doc": p.doc,
        "price": num(p.price), "currency": p.currency, "power_w": num(p.power), "height_u": p.height,
        "memory_bytes": p.memory, "latency_s": num(p.latency), "cooling": p.cooling,
        "ports": [{"name": g.name, "count": g.count, "rate_bps": num(g.rate), "protocol": g.protocol,
                   "lanes": g.lanes, "form": g.form, "required": g.required} for g in p.ports],
    }
    if p.kind in ("optic", "cable"):
        d.update({"class": p.medium_class, "rate_bps": num(p.rate), "reach_m": num(p.reach),
                  "delay_s_per_m": num(p.delay), "form": p.form, "links_per_module": p.links_per_module,
                  "max_racks": p.max_racks, "protocol": p.protocol})
    if p.kind == "rack":
        d["power_budget_w"] = num(p.power_budget)
    return d


def design_json(design: Design) -> dict[str, Any]:
    D, L = design.devices, design.links
    from ..ir.memory_map import address_maps
    return {
        "supernodec_ir": IR_VERSION,
        "name": design.name,
        "parameters": {k: _val(v) for k, v in sorted(design.params.items())},
        "settings": {k: num(v) for k, v in sorted(design.settings.items())},
        "parts": [part_json(p) for p in design.parts],
        "devices": {"name": list(D.name), "role": list(D.role), "part": D.part.tolist(), "rack": D.rack.tolist(),
                    "u": D.u.tolist(), "supernode": D.supernode.tolist()},
        "management": {D.name[k]: v for k, v in sorted(D.mgmt.items())},
        "links": {"a": L.a.tolist(), "a_port": L.a_port.tolist(), "b": L.b.tolist(), "b_port": L.b_port.tolist(),
                  "medium": L.medium.tolist(), "lanes": L.lanes.tolist(), "cable": L.cable.tolist(),
                  "connect": L.connect.tolist(), "length_mm": L.length_mm.tolist()},
        "connects": [{"text": c.text, "scope": c.scope, "at": str(c.span) if c.span else None} for c in design.connects],
        "racks": [{"name": r.name, "part": r.part, "hall": r.hall, "row": r.row, "slot": r.slot,
                   "x_m": num(r.x), "y_m": num(r.y), "supernode": r.supernode} for r in design.racks],
        "placements": [{"name": p.name, "rack": p.rack, "u": p.u, "height_u": p.height} for p in design.placements],
        "halls": [{"name": h.name, "power_budget_w": num(h.power_budget),
                   "rows": [{"name": r.name, "slots": r.slots, "pitch_m": num(r.pitch), "y_m": num(r.y)} for r in h.rows]}
                  for h in design.halls],
        "supernodes": [{"name": s.name, "template": s.template, "first_device": s.first_device,
                        "end_device": s.end_device} for s in design.supernodes],
        "requires": [{"func": r.func, "op": r.op, "bound": _val(r.bound), "scope": r.scope,
                      "args": [{"text": a.text, "port_group": a.port_group, "racks": a.racks, "count": int(len(a.devices))}
                               for a in r.args],
                      "at": str(r.span) if r.span else None} for r in design.requires],
        "memory_maps": address_maps(design),
    }


def _val(v: Any) -> Any:
    from ..units import Quantity
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, Fraction):
        return num(v)
    if isinstance(v, Quantity):
        return {"value": num(v.value), "unit": _unit(v), "text": v.format()}
    return str(v)


def _unit(q: Any) -> str:
    from .. import units
    return units.formula(q.dim) if q.dim != units.DIMENSIONLESS else ""


@emitter("ir", cost=2)
def emit_ir(design: Design) -> list[Artifact]:
    text = json.dumps(design_json(design), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return [Artifact("ir.json", (text + "\n").encode("utf-8"))]
