"""`address-map.json`: the unified memory address maps of the design's supernodes.

One entry per `unified memory` declaration instance: the address width, alignment, total
and every member's window (base and size in bytes, with hex forms for reading), in the
deterministic order of `ir.memory_map.address_maps`. Nothing is written for a design
without unified memory.

The text is `json.dumps(address_map_doc(design), indent=2, sort_keys=True)` plus a
newline; windows (one per accelerator) are formatted from one template each and
streamed, a map at a time.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii
from typing import Any, Iterator

from ..ir.memory_map import address_maps
from ..ir.model import Design
from . import Artifact, chunked, emitter

_WINDOW = ('        {\n          "base": %d,\n          "base_hex": "%#x",\n          "device": %s,\n'
           '          "end_hex": "%#x",\n          "size": %d\n        }')


@emitter("address-map", cost=1)
def emit_address_map(design: Design) -> list[Artifact]:
    maps = address_maps(design)
    if not maps:
        return []
    return [Artifact("address-map.json", chunked(_chunks, design.name, maps))]


def address_map_doc(design: Design) -> dict[str, Any]:
    """The document in memory (tests)."""
    return {"design": design.name, "maps": [_entry(m) for m in address_maps(design)]}


def _chunks(name: str, maps: list[dict]) -> Iterator[str]:
    yield '{\n  "design": ' + json.dumps(name) + ',\n  "maps": ['
    for i, m in enumerate(maps):
        lines = [f"      {json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(_head(m).items())]
        yield ("," if i else "") + "\n    {\n" + ",\n".join(lines) + ',\n      "windows": '
        windows = m["windows"]
        if not windows:
            yield "[]\n    }"
            continue
        yield "[\n" + ",\n".join([_WINDOW % (w["base"], w["base"], encode_basestring_ascii(w["device"]),
                                             w["base"] + w["size"], w["size"]) for w in windows]) + "\n      ]\n    }"
    yield "\n  ]\n}\n"


def _head(m: dict) -> dict:
    return {
        "supernode": m["supernode"],
        "width_bits": m["width_bits"],
        "align_bytes": m["align"],
        "total_bytes": m["total"],
        "limit_bytes": m["limit"],
        "fits": m["total"] <= m["limit"],
    }


def _entry(m: dict) -> dict:
    return {**_head(m), "windows": [{"device": w["device"], "base": w["base"], "size": w["size"],
                     "base_hex": f"{w['base']:#x}", "end_hex": f"{w['base'] + w['size']:#x}"} for w in m["windows"]]}
