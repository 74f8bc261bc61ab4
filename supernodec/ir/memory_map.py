"""Unified memory address maps (layer 2): deterministic windows per supernode.

Each member of `unified memory over ...` gets a window of its part's memory
size, aligned up to the declared alignment, in declaration order.
"""

from __future__ import annotations

from typing import Any

from .model import Design


def align_up(x: int, a: int) -> int:
    return -(-x // a) * a if a > 1 else x


def address_maps(design: Design) -> list[dict[str, Any]]:
    out = []
    for m in design.memory:
        base = 0
        windows = []
        for d in m.members.tolist():
            size = design.parts[int(design.devices.part[d])].memory or 0
            base = align_up(base, m.align)
            windows.append({"device": design.devices.name[d], "base": base, "size": size})
            base += size
        sn = design.supernodes[m.supernode].name if 0 <= m.supernode < len(design.supernodes) else ""
        out.append({"supernode": sn, "width_bits": m.width_bits, "align": m.align, "total": base,
                    "limit": 1 << m.width_bits, "windows": windows})
    return out
