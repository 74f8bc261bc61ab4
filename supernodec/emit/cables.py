"""Physical cables from the link table, and the length bins cables are ordered in.

A *cable* is one value of `Links.cable` among links that have a medium (medium
-1 is a backplane or PCB trace: no cable). Links sharing the id share one cable
or one pair of optical modules: `bundle N` puts N links on one cable, `split N`
breaks one port out to N legs. This module answers, with numpy, the per-cable
facts the BOM and the cabling plan both need: medium, length, links carried,
and whether it is a breakout.

Length bins are the stock lengths cables are bought in: a run goes into the
smallest bin that holds it (a 2.4 m run needs a 3 m cable).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ir.model import Design

# stock lengths in metres: the usual 1-100 m, then longer runs
BIN_METRES: tuple[int, ...] = (1, 2, 3, 5, 10, 30, 50, 100, 150, 200, 300, 500, 1000, 2000, 5000, 10000)
BIN_MM = np.array([m * 1000 for m in BIN_METRES], dtype=np.int64)
UNKNOWN_BIN = -1   # length not computed (an end is not placed)
OVER_BIN = len(BIN_METRES)   # longer than the last bin


def length_bins(length_mm: np.ndarray) -> np.ndarray:
    """Bin index per length: smallest stock length >= the run; UNKNOWN_BIN for -1."""
    idx = np.searchsorted(BIN_MM, length_mm.astype(np.int64), side="left")
    return np.where(length_mm < 0, UNKNOWN_BIN, idx).astype(np.int64)


def bin_label(b: int) -> str:
    """"3 m", "1 km", "unknown", "> 10 km"."""
    if b == UNKNOWN_BIN:
        return "unknown"
    if b >= OVER_BIN:
        return f"> {_metres(BIN_METRES[-1])}"
    return _metres(BIN_METRES[b])


def _metres(m: int) -> str:
    return f"{m // 1000} km" if m >= 1000 and m % 1000 == 0 else f"{m} m"


@dataclass(frozen=True)
class CableTable:
    """One row per physical cable, in increasing cable id.

    `links` holds the link indices of every cable, grouped: the links of
    cable row r are ``links[start[r]:start[r] + count[r]]`` in link order.
    """

    cable: np.ndarray      # int64 cable id
    medium: np.ndarray     # int32 medium part of the cable (of its first link)
    length_mm: np.ndarray  # int64 longest run of the cable's links, -1 unknown
    count: np.ndarray      # int64 links the cable carries
    start: np.ndarray      # int64 first position in `links`
    breakout: np.ndarray   # bool: every link leaves the same A port (`split`)
    links: np.ndarray      # int64 link indices grouped by cable

    def __len__(self) -> int:
        return int(self.cable.shape[0])

    def bins(self) -> np.ndarray:
        return length_bins(self.length_mm)


def cable_table(design: Design) -> CableTable:
    """Group the links that have a medium into cables (vectorised)."""
    L = design.links
    idx = np.flatnonzero(L.medium >= 0).astype(np.int64)
    cab = L.cable[idx].astype(np.int64)
    if (cab < 0).any():   # a medium without a cable id: its own cable each
        top = int(L.cable.max(initial=-1)) + 1
        loose = np.flatnonzero(cab < 0)
        cab[loose] = top + np.arange(loose.size)
    order = np.lexsort((idx, cab))
    idx, cab = idx[order], cab[order]
    if idx.size == 0:
        z = np.zeros(0, np.int64)
        return CableTable(z, z.astype(np.int32), z, z, z, z.astype(bool), z)
    start = np.flatnonzero(np.r_[True, cab[1:] != cab[:-1]])
    count = np.diff(np.r_[start, idx.size])
    a_key = L.a[idx].astype(np.int64) * (1 << 20) + L.a_port[idx].astype(np.int64)
    same_port = np.minimum.reduceat(a_key, start) == np.maximum.reduceat(a_key, start)
    length = np.maximum.reduceat(L.length_mm[idx].astype(np.int64), start)
    unknown = np.minimum.reduceat(L.length_mm[idx].astype(np.int64), start) < 0
    return CableTable(cable=cab[start], medium=L.medium[idx[start]], length_mm=np.where(unknown, -1, length),
                      count=count, start=start, breakout=same_port & (count > 1), links=idx)


def units_per_cable(design: Design, ct: CableTable) -> np.ndarray:
    """Units bought per cable: a cable is one cable; optics are one module per cable end,
    two per cable, or 1 + N for a breakout to N legs (as `ir.flat.media_counts` counts them)."""
    optic = np.array([p.kind == "optic" for p in design.parts] + [False], dtype=bool)
    ends = np.where(ct.breakout, 1 + ct.count, 2)
    return np.where(optic[ct.medium], ends, 1).astype(np.int64)
