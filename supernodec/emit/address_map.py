"""`address-map.json`: the unified memory address maps of the design's supernodes.

One entry per `unified memory` declaration instance: the address width, alignment, total
and every member's window (base and size in bytes, with hex forms for reading), in the
deterministic order of `ir.memory_map.address_maps`. Nothing is written for a design
without unified memory.
"""

from __future__ import annotations

import json

from ..ir.memory_map import address_maps
from ..ir.model import Design
from . import Artifact, emitter


@emitter("address-map", cost=1)
def emit_address_map(design: Design) -> list[Artifact]:
    maps = address_maps(design)
    if not maps:
        return []
    doc = {"design": design.name, "maps": [_entry(m) for m in maps]}
    return [Artifact("address-map.json", (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8"))]


def _entry(m: dict) -> dict:
    return {
        "supernode": m["supernode"],
        "width_bits": m["width_bits"],
        "align_bytes": m["align"],
        "total_bytes": m["total"],
        "limit_bytes": m["limit"],
        "fits": m["total"] <= m["limit"],
        "windows": [{"device": w["device"], "base": w["base"], "size": w["size"],
                     "base_hex": f"{w['base']:#x}", "end_hex": f"{w['base'] + w['size']:#x}"} for w in m["windows"]],
    }
