"""Unified memory addressing: each `unified memory over ...` map fits its address width,
its windows do not overlap, and every member has memory to map.

The layout itself (deterministic order, declared alignment) is `ir.memory_map`; the
`address-map` emitter writes it out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np

from ..diagnostics import Diagnostic, error, warning
from ..ir.memory_map import address_maps
from ..ir.model import Design
from . import check
from .common import count


def _bytes(n: int) -> str:
    for unit, size in (("PiB", 2**50), ("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:,.3f}".rstrip("0").rstrip(".") + f" {unit}" + ("" if n % size == 0 else f" ({n:,} bytes)")
    return f"{n:,} bytes"


@check("memory")
def check_memory(design: Design) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    seen: set[object] = set()
    clean: set[tuple] = set()
    sizes = np.array([p.memory or 0 for p in design.parts] + [0], dtype=object)
    for decl in design.memory:
        key = (decl.span.file, decl.span.start) if decl.span else id(decl)
        if key in seen:     # one report per declaration: instances of a template are identical
            continue
        shape = _shape(design, decl, sizes)
        if (key, shape) in clean:   # the same layout as an instance without findings
            continue
        found = _one(design, decl, address_maps(replace(design, memory=(decl,)))[0])
        if found:
            seen.add(key)
        else:
            clean.add((key, shape))
        out += found
    return out


def _shape(design: Design, decl, sizes: np.ndarray) -> tuple:  # noqa: ANN001
    """What a map's findings depend on: width, alignment, the members' memory sizes in
    order, and which members repeat (ids relative to the first)."""
    m = decl.members.astype(np.int64)
    rel = m - (m[0] if m.size else 0)
    return (decl.width_bits, decl.align, tuple(sizes[design.devices.part[m]].tolist()), rel.tobytes())


def _one(design: Design, decl, amap: dict) -> list[Diagnostic]:  # noqa: ANN001
    out = []
    wins = amap["windows"]
    where = f" of `{amap['supernode']}`" if amap["supernode"] else ""
    if amap["total"] > amap["limit"]:
        first = next(w for w in wins if w["base"] + w["size"] > amap["limit"])
        need = max(amap["total"] - 1, 1).bit_length()
        out.append(error("SN0709", f"unified memory{where} needs {_bytes(amap['total'])} but {amap['width_bits']} address bits "
                         f"reach {_bytes(amap['limit'])}", decl.span, label=f"{count(len(wins), 'window')}",
                         notes=(f"`{first['device']}` is the first window that does not fit (base {first['base']:#x})",
                                f"the map needs {need} bits"),
                         hint=f"widen the address to at least `width {need} bits`, or lower the alignment"))
    twice = [d for d, n in Counter(w["device"] for w in wins).items() if n > 1]
    ordered = sorted(wins, key=lambda w: (w["base"], w["device"]))
    clash = next(((a, b) for a, b in zip(ordered, ordered[1:]) if b["base"] < a["base"] + a["size"]), None)
    if twice or clash:
        what = (f"`{twice[0]}` has {Counter(w['device'] for w in wins)[twice[0]]} windows" if twice else
                f"`{clash[0]['device']}` [{clash[0]['base']:#x}, {clash[0]['base'] + clash[0]['size']:#x}) overlaps "  # type: ignore[index]
                f"`{clash[1]['device']}` at {clash[1]['base']:#x}")  # type: ignore[index]
        out.append(error("SN0710", f"unified memory{where}: {what}", decl.span,
                         label=f"{count(len(twice), 'device')} listed more than once" if twice else "overlapping windows",
                         hint="list every member once"))
    empty = [w["device"] for w in wins if not w["size"]]
    if empty:
        verb = "declares" if len(empty) == 1 else "declare"
        out.append(warning("SN0711", f"{count(len(empty), 'member')} of the unified memory{where} {verb} no memory, "
                           f"first `{empty[0]}`", decl.span, label="empty windows",
                           hint="declare `memory = ...` on the part, or leave these devices out of the map"))
    return out
