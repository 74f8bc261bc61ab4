"""Vectorised views of a Design's ports and links (layer 2).

`PortTable` flattens every part's ports into arrays, so per-link facts (rate,
protocol, port group, form) are numpy gathers instead of Python loops.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np

from .model import PROTOCOLS, Design, Part

FORMS: tuple[str, ...] = ("", "OSFP", "QSFP-DD", "QSFP112", "QSFP56", "QSFP28", "OSFP-XD", "backplane",
                          "RJ45", "SFP28", "SFP56", "CPO", "PCIe")


@dataclass(frozen=True)
class PortTable:
    offset: np.ndarray     # part -> first row in the flat port arrays
    group: np.ndarray      # flat port -> group index within its part
    index: np.ndarray      # flat port -> index within its group
    rate: np.ndarray       # flat port -> bit/s per direction (int64)
    lanes: np.ndarray      # flat port -> lanes of the port
    protocol: np.ndarray   # flat port -> index into PROTOCOLS
    form: np.ndarray       # flat port -> index into FORMS

    def rows(self, part: np.ndarray, port: np.ndarray) -> np.ndarray:
        return self.offset[part] + port


def port_table(parts: tuple[Part, ...]) -> PortTable:
    return _port_table(parts)


@lru_cache(maxsize=8)
def _port_table(parts: tuple[Part, ...]) -> PortTable:
    off, grp, idx, rate, lanes, proto, form = [], [], [], [], [], [], []
    n = 0
    for p in parts:
        off.append(n)
        for gi, g in enumerate(p.ports):
            grp += [gi] * g.count
            idx += list(range(g.count))
            rate += [int(g.rate)] * g.count
            lanes += [g.lanes] * g.count
            proto += [PROTOCOLS.index(g.protocol)] * g.count
            form += [FORMS.index(g.form) if g.form in FORMS else 0] * g.count
            n += g.count
    a = lambda v, t: np.asarray(v, dtype=t)  # noqa: E731
    return PortTable(a(off, np.int64), a(grp, np.int32), a(idx, np.int32), a(rate, np.int64),
                     a(lanes, np.int32), a(proto, np.int8), a(form, np.int8))


def link_capacity(design: Design) -> np.ndarray:
    """Per-direction capacity of each link in bit/s: the slower end, scaled by lanes used."""
    pt = port_table(design.parts)
    L, part = design.links, design.devices.part
    ra = pt.rows(part[L.a], L.a_port)
    rb = pt.rows(part[L.b], L.b_port)
    lanes = L.lanes.astype(np.int64)
    ca = pt.rate[ra] * np.minimum(lanes, pt.lanes[ra]) // np.maximum(pt.lanes[ra], 1)
    cb = pt.rate[rb] * np.minimum(lanes, pt.lanes[rb]) // np.maximum(pt.lanes[rb], 1)
    return np.minimum(ca, cb)


def link_protocol(design: Design) -> np.ndarray:
    pt = port_table(design.parts)
    return pt.protocol[pt.rows(design.devices.part[design.links.a], design.links.a_port)]


def exact_sum(values: np.ndarray) -> int:
    """Sum of int64 values without overflow (Python ints over the distinct values)."""
    if values.size == 0:
        return 0
    uniq, counts = np.unique(values, return_counts=True)
    return sum(int(u) * int(c) for u, c in zip(uniq.tolist(), counts.tolist()))


def media_counts(design: Design) -> dict[int, int]:
    """Units of each medium part: cables are cables; optics are modules, one per cable end.

    A cable has two ends, whatever number of links it bundles; a breakout
    (`split N`: every link of the cable leaves the same A port) has 1 + N ends,
    one module at the split port and one at each leg (of the optic's `leg`
    part when it names one).
    """
    L = design.links
    has = L.medium >= 0
    if not has.any():
        return {}
    pairs, inv, legs = np.unique(np.stack([L.cable[has], L.medium[has]]), axis=1, return_inverse=True,
                                 return_counts=True)
    inv = inv.reshape(-1)
    a_port = L.a[has].astype(np.int64) * (1 << 20) + L.a_port[has]
    lo = np.full(legs.size, np.iinfo(np.int64).max, np.int64)
    hi = np.full(legs.size, -1, np.int64)
    np.minimum.at(lo, inv, a_port)
    np.maximum.at(hi, inv, a_port)
    breakout = (lo == hi) & (legs > 1)
    ends = np.where(breakout, 1 + legs, 2)
    out: dict[int, int] = {}
    for m in np.unique(pairs[1]).tolist():
        sel = pairs[1] == m
        part = design.parts[m]
        if part.kind != "optic":
            out[m] = int(sel.sum())
        elif part.leg >= 0:     # one module at the split port, one `leg` module at each leg
            out[m] = out.get(m, 0) + int(np.where(breakout[sel], 1, 2).sum())
            if breakout[sel].any():
                out[part.leg] = out.get(part.leg, 0) + int(legs[sel & breakout].sum())
        else:
            out[m] = out.get(m, 0) + int(ends[sel].sum())
    return out


def as_fraction(bps: int) -> Fraction:
    return Fraction(bps)
