"""`ir.json`: the elaborated design as JSON (schema: `supernodec schema ir`).

Bulk tables are columnar (one array per column, row i of every array is the
same device or link), which keeps a million-accelerator design compact and
fast to write and read. The columns and the memory maps are streamed a chunk
at a time (`ir_chunks`), with the bytes `json.dumps(design_json(design),
sort_keys=True, separators=(",", ":"), ensure_ascii=False)` gives; integers
come from a table of their texts when the column repeats values.
"""

from __future__ import annotations

import json
from fractions import Fraction
from functools import partial
from typing import Any, Callable, Iterator

import numpy as np

from ..ir.model import Design, Part
from . import Artifact, chunked, emitter

IR_VERSION = 1
CHUNK = 1 << 18              # values written at a time
MAX_TABLE = 1 << 22          # largest table of integer texts
_dumps = partial(json.dumps, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


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
        if p.leg >= 0:                      # only when set: outputs of designs without one are unchanged
            d["leg"] = p.fields["leg"]      # the leg module's qualified name
    if p.kind == "rack":
        d["power_budget_w"] = num(p.power_budget)
    return d


def design_json(design: Design) -> dict[str, Any]:
    """The whole document in memory (tests; the build streams `ir_chunks`)."""
    D, L = design.devices, design.links
    from ..ir.memory_map import address_maps
    doc = _small(design)
    doc["devices"] = {"name": list(D.name), "role": list(D.role), "part": D.part.tolist(), "rack": D.rack.tolist(),
                      "u": D.u.tolist(), "supernode": D.supernode.tolist()}
    doc["links"] = {k: getattr(L, k).tolist() for k in LINK_COLUMNS}
    doc["memory_maps"] = address_maps(design)
    return doc


LINK_COLUMNS = ("a", "a_port", "b", "b_port", "medium", "lanes", "cable", "connect", "length_mm")


def _small(design: Design) -> dict[str, Any]:
    """Every member of the document but the bulk ones (devices, links, memory maps)."""
    D = design.devices
    return {
        "supernodec_ir": IR_VERSION,
        "name": design.name,
        "parameters": {k: _val(v) for k, v in sorted(design.params.items())},
        "settings": {k: num(v) for k, v in sorted(design.settings.items())},
        "parts": [part_json(p) for p in design.parts],
        "management": {D.name[k]: v for k, v in sorted(D.mgmt.items())},
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
    }


Chunks = Callable[[], Iterator[str]]


def ir_chunks(design: Design) -> Iterator[str]:
    """ir.json as text, the bulk members a chunk at a time."""
    from ..ir.memory_map import address_maps
    D, L = design.devices, design.links
    tables: dict[tuple[int, int], np.ndarray] = {}
    big: dict[str, dict[str, Chunks] | Chunks] = {
        "devices": {"name": partial(_strings, D.name), "role": partial(_strings, D.role),
                    **{k: partial(_ints, getattr(D, k), tables) for k in ("part", "rack", "u", "supernode")}},
        "links": {k: partial(_ints, getattr(L, k), tables) for k in LINK_COLUMNS},
        "memory_maps": lambda: _items(address_maps(design)),
    }
    small = _small(design)
    for i, key in enumerate(sorted(set(small) | set(big))):
        yield ("{" if i == 0 else ",") + _dumps(key) + ":"
        value = big.get(key)
        if value is None:
            yield _dumps(small[key])
        elif isinstance(value, dict):
            for j, k in enumerate(sorted(value)):
                yield ("{" if j == 0 else ",") + _dumps(k) + ":"
                yield from value[k]()
            yield "}"
        else:
            yield from value()
    yield "}\n"


def _items(values: list[Any]) -> Iterator[str]:
    yield "["
    for i, v in enumerate(values):
        yield ("," if i else "") + _dumps(v)
    yield "]"


def _strings(values: tuple[str, ...]) -> Iterator[str]:
    yield "["
    for s in range(0, len(values), CHUNK):
        yield ("," if s else "") + _dumps(list(values[s:s + CHUNK]))[1:-1]
    yield "]"


def _ints(values: np.ndarray, tables: dict[tuple[int, int], np.ndarray]) -> Iterator[str]:
    """A JSON array of integers: texts gathered from a table of lo..hi when the column is longer than that."""
    yield "["
    if len(values):
        lo, hi = int(values.min()), int(values.max())
        size = hi - lo + 1
        table = None
        if size <= min(len(values), MAX_TABLE):
            key = next((k for k in tables if k[0] <= lo and hi <= k[1]), None)
            if key is None:
                key = (lo, hi)
                tables[key] = np.asarray([str(v) for v in range(lo, hi + 1)], dtype=object)
            table, lo = tables[key], key[0]
        for s in range(0, len(values), CHUNK):
            chunk = values[s:s + CHUNK]
            text = table[chunk.astype(np.int64) - lo].tolist() if table is not None else map(str, chunk.tolist())
            yield ("," if s else "") + ",".join(text)
    yield "]"


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


@emitter("ir", cost=3)
def emit_ir(design: Design) -> list[Artifact]:
    return [Artifact("ir.json", chunked(ir_chunks, design))]
