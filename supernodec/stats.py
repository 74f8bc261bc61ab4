"""Counts and totals of a design: the `stats --json` contract (layer 5)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from .ir.flat import exact_sum, link_capacity, link_protocol, media_counts
from .ir.model import PROTOCOLS, Design


def design_stats(design: Design) -> dict[str, Any]:
    parts = design.parts
    dev_part = np.bincount(design.devices.part, minlength=len(parts)) if len(design.devices) else np.zeros(len(parts), int)
    by_part: Counter = Counter()
    by_kind: Counter = Counter()
    for i, n in enumerate(dev_part.tolist()):
        if n:
            by_part[parts[i].qname] += n
            by_kind[parts[i].kind] += n
    for m, n in media_counts(design).items():
        by_part[parts[m].qname] += n
        by_kind[parts[m].kind] += n
    for r in design.racks:
        by_part[parts[r.part].qname] += 1
    by_kind["rack"] += len(design.racks)
    L = design.links
    medium_names = Counter()
    if len(L):
        med, cnt = np.unique(L.medium, return_counts=True)
        for m, c in zip(med.tolist(), cnt.tolist()):
            medium_names["backplane" if m < 0 else parts[m].qname] += c
    cap = link_capacity(design) if len(L) else np.zeros(0, np.int64)
    proto = link_protocol(design) if len(L) else np.zeros(0, np.int8)
    bandwidth = {PROTOCOLS[p]: exact_sum(cap[proto == p]) for p in sorted(set(proto.tolist()))}
    return {
        "name": design.name,
        "accelerators": int(by_kind.get("accelerator", 0)),
        "devices": dict(sorted(by_kind.items())),
        "devices_by_part": dict(sorted(by_part.items())),
        "links": len(L),
        "links_by_medium": dict(sorted(medium_names.items())),
        "cables": int(len(np.unique(L.cable[L.cable >= 0]))) if len(L) else 0,
        "racks": len(design.racks),
        "supernodes": len(design.supernodes),
        "bandwidth": bandwidth,
        "parameters": {k: _plain(v) for k, v in sorted(design.params.items())},
    }


def _plain(v: Any) -> Any:
    from fractions import Fraction
    from .units import Quantity
    if isinstance(v, bool) or isinstance(v, str):
        return v
    if isinstance(v, Fraction):
        return int(v) if v.denominator == 1 else float(v)
    if isinstance(v, Quantity):
        return v.format()
    return str(v)


def render_stats(s: dict[str, Any]) -> str:
    lines = [f"center {s['name']}: {s['accelerators']:,} accelerators, {sum(s['devices'].values()):,} devices, "
             f"{s['links']:,} links, {s['racks']:,} racks, {s['supernodes']:,} supernodes"]
    lines.append("devices by part:")
    lines += [f"  {n:>10,}  {p}" for p, n in s["devices_by_part"].items()]
    lines.append("links by medium:")
    lines += [f"  {n:>10,}  {m}" for m, n in s["links_by_medium"].items()]
    lines.append("bandwidth (sum of link capacity, per direction):")
    from fractions import Fraction
    from .units import RATE, Quantity
    lines += [f"  {p:<10} {Quantity(Fraction(b), RATE).format()}" for p, b in s["bandwidth"].items()]
    return "\n".join(lines) + "\n"
