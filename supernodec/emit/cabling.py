"""`cabling.csv`: the cabling plan, one row per physical cable.

Rows (the choice, documented for the people pulling cables):

- a cable is one `Links.cable` id among links with a medium; backplane and
  PCB links (medium -1) are not cables and do not appear;
- a cable carrying several links (`bundle N`, or a module with
  `links_per_module = N`) is **one row**: its end columns list what it joins,
  ports joined with `+` in link order (`up[0]+up[1]`), devices, racks and U
  positions with repeats dropped (`l2[0]+l2[1]` when the legs land on two
  devices). `links` says how many links the cable carries;
- a breakout (`split N`: every link leaves the same A port) is **one row per
  leg**, `leg` 1..N of `legs` N, because each leg is routed and labelled on
  its own. Other cables have leg 1 of 1.

Columns: cable_id (`C` + the IR cable id, so rows match `ir.json`), leg,
legs, links, medium (catalog part), class, length_bin (stock length, see
`cables.py`), length_m (computed run, mm precision; empty when an end is not
placed), A end (rack, U, device, port), B end, label (the text printed on the
cable tag). Rows are sorted by the A device, A port, B device, B port (device
order is instance order, which is stable), then cable id and leg.

Cells are gathered from per-device, per-port and per-medium text tables with
numpy (object arrays) and joined by C-level string operations, a chunk of rows
at a time that is written out before the next is made; there is no per-row
Python code, and memory stays bounded whatever the number of cables. Names come from
identifiers and never need CSV quoting; free text (a medium's class) is
quoted and defused like every CSV we write (`tabular.csv_cell`): when any
text needs it, cells are joined with a unit separator instead of commas and
each row is then written cell by cell (slower, same bytes for plain text).
"""

from __future__ import annotations

from typing import Callable, Iterator

import numpy as np

from ..ir.flat import port_table
from ..ir.model import Design
from . import Artifact, chunked, emitter
from .cables import OVER_BIN, UNKNOWN_BIN, CableTable, bin_label, cable_table, length_bins
from .safeio import needs_care
from .tabular import csv_line, padded

COLUMNS = ("cable_id", "leg", "legs", "links", "medium", "class", "length_bin", "length_m",
           "a_rack", "a_u", "a_device", "a_port", "b_rack", "b_u", "b_device", "b_port", "label")
CHUNK = 1 << 16     # rows formatted at a time
UNIT_SEP = "\x1f"   # joins cells of rows that need quoting; removed from names first


def _obj(values: list[str]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _digits(n: int, width: int = 0, prefix: str = "") -> np.ndarray:
    """Text of 0..n-1, zero-padded to `width`, as an object array to gather from."""
    return _obj([f"{prefix}{i:0{width}d}" for i in range(n)])


@np.errstate(all="ignore")
def _rows(ct: CableTable) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per row: cable-table index, first position in `ct.links`, links, leg, legs."""
    per_cable = np.where(ct.breakout, ct.count, 1)
    cab = np.repeat(np.arange(len(ct)), per_cable)
    k = np.arange(cab.size) - np.repeat(np.cumsum(per_cable) - per_cable, per_cable)
    brk = ct.breakout[cab]
    first = ct.start[cab] + np.where(brk, k, 0)
    n = np.where(brk, 1, ct.count[cab])
    return cab, first, n, np.where(brk, k + 1, 1), np.where(brk, ct.count[cab], 1)


def _joined(get: Callable[[np.ndarray], np.ndarray], first: np.ndarray, n: np.ndarray,
            distinct: bool) -> np.ndarray:
    """Per row, the values `get(position)` of its links joined with '+' (consecutive repeats dropped if `distinct`)."""
    out = get(first)
    for k in range(1, int(n.max(initial=1))):
        m = np.flatnonzero(n > k)
        cur = get(first[m] + k)
        if distinct:
            keep = cur != get(first[m] + k - 1)
            m, cur = m[keep], cur[keep]
        out[m] = out[m] + "+" + cur
    return out


class _Tables:
    """Text of every device, port, rack, U position and medium, to gather cells from."""

    def __init__(self, design: Design):
        D = design.devices
        self.pt = port_table(design.parts)
        self.port = _obj([p.port_name(i) for p in design.parts for i in range(p.port_count)])
        self.device = _obj(list(D.name))
        self.rack = _obj([r.name for r in design.racks] + [""])          # index -1 -> ""
        self.u = _obj([""] + [str(i) for i in range(1, int(D.u.max(initial=0)) + 1)])
        self.medium = _obj([p.qname for p in design.parts])
        self.cls = _obj([p.medium_class or "" for p in design.parts])
        self.bins = _obj([bin_label(b) for b in range(UNKNOWN_BIN, OVER_BIN + 1)])
        tables = (self.port, self.device, self.rack, self.medium, self.cls)
        self.plain = not any(needs_care(x.tolist()) for x in tables)
        self.sep = "," if self.plain else UNIT_SEP      # between cells, until rows are written
        if not self.plain:
            for x in tables:
                x[:] = [v.replace(UNIT_SEP, " ") for v in x.tolist()]


def _spread(dev: np.ndarray, first: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Indices (into first/n) of rows whose links do not all share their first link's device."""
    differ = np.zeros(first.size, bool)
    for k in range(1, int(n.max(initial=1))):
        m = np.flatnonzero(n > k)
        differ[m] |= dev[first[m] + k] != dev[first[m]]
    return np.flatnonzero(differ)


class _End:
    """One end (A or B) of every link of the cable table: text gathered per row of the plan."""

    def __init__(self, design: Design, t: _Tables, dev: np.ndarray, port: np.ndarray, lead: str):
        D = design.devices
        self.t, self.dev, self.port, self.part, self.lead = t, dev, port, D.part, lead
        self.rack, self.u = t.rack[D.rack], t.u[np.maximum(D.u.astype(np.int64), 0)]
        self.pre = self.rack + t.sep + self.u + t.sep + t.device      # "rack,u,device" per device
        self.label = lead + t.device + ":"                             # " > device:" per device

    def port_text(self, pos: np.ndarray) -> np.ndarray:
        return self.t.port[self.t.pt.rows(self.part[self.dev[pos]], self.port[pos])]

    def cells(self, first: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per row: its first three CSV cells ("rack,u,device"), its port cell, and the
        start of its part of the label (lead + "device:", the port cell follows).

        A one-link row is gathered from per-device and per-port tables without any
        concatenation; rows of several links join each cell over their links.
        """
        dev = self.dev
        d = dev[first]
        ports = self.port_text(first)
        pre, label = self.pre[d], self.label[d]
        multi = np.flatnonzero(n > 1)
        if multi.size:
            f, k = first[multi], n[multi]
            rest = _joined(self.port_text, f + 1, k - 1, distinct=False)   # the ports after the first
            ports[multi] = ports[multi] + "+" + rest
            spread = _spread(dev, f, k)      # rows whose links end on several devices
            if spread.size:
                f, k, rows = f[spread], k[spread], multi[spread]
                sep = self.t.sep
                cells = [_joined(lambda pos, v=v: v[dev[pos]], f, k, distinct=True)  # type: ignore[misc]
                         for v in (self.rack, self.u, self.t.device)]
                pre[rows] = cells[0] + sep + cells[1] + sep + cells[2]
                label[rows] = self.lead + cells[2] + ":"
        return pre, ports, label


def _lengths(length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the length-bin cell and the length in metres with mm precision ("" when unknown)."""
    known = length >= 0
    whole = np.where(known, length // 1000, 0)
    metres = _digits(int(whole.max(initial=0)) + 1)[whole] + _digits(1000, 3, ".")[np.where(known, length % 1000, 0)]
    metres[~known] = ""
    return length_bins(length) - UNKNOWN_BIN, metres


def _middle(t: _Tables, leg: np.ndarray, legs: np.ndarray, n: np.ndarray, medium: np.ndarray,
            bin_idx: np.ndarray) -> np.ndarray:
    """"leg,legs,links,medium,class,length_bin": few distinct values, formatted once each."""
    key = (((leg.astype(np.int64) << 12 | legs) << 12 | n) << 20 | medium.astype(np.int64)) << 6 | bin_idx
    uniq, inv = np.unique(key, return_inverse=True)
    text = []
    for k in uniq.tolist():
        b, m = k & 63, (k >> 6) & ((1 << 20) - 1)
        links, lgs, lg = (k >> 26) & 4095, (k >> 38) & 4095, k >> 50
        text.append(t.sep.join([str(lg), str(lgs), str(links), t.medium[m], t.cls[m], t.bins[b]]))
    return _obj(text)[inv.reshape(-1)]


def cabling_chunks(design: Design) -> Iterator[str]:
    """The plan as CSV text, a chunk of rows at a time (the header only when the design has no cables)."""
    ct = cable_table(design)
    yield csv_line(COLUMNS)
    if not len(ct):
        return
    cab, first, n, leg, legs = _rows(ct)
    L = design.links
    lk = ct.links[first]
    order = np.lexsort((leg, ct.cable[cab], L.b_port[lk], L.b[lk], L.a_port[lk], L.a[lk]))
    del lk
    t = _Tables(design)
    links = ct.links
    ends = _End(design, t, L.a[links], L.a_port[links], " "), _End(design, t, L.b[links], L.b_port[links], " > ")
    width = max(6, len(str(int(ct.cable.max(initial=0)))))
    leg_text = _digits(int(leg.max()) + 1)
    for s in range(0, len(order), CHUNK):
        o = order[s:s + CHUNK]
        yield _chunk(design, t, ct, ends, width, leg_text, cab[o], first[o], n[o], leg[o], legs[o])


def _chunk(design: Design, t: _Tables, ct: CableTable, ends: tuple[_End, _End], width: int, leg_text: np.ndarray,
           cab: np.ndarray, first: np.ndarray, n: np.ndarray, leg: np.ndarray, legs: np.ndarray) -> str:
    a_pre, a_ports, a_label = ends[0].cells(first, n)
    b_pre, b_ports, b_label = ends[1].cells(first, n)
    length = np.where(legs > 1, design.links.length_mm[ct.links[first]].astype(np.int64), ct.length_mm[cab])
    bin_idx, metres = _lengths(length)
    ids = padded(ct.cable[cab], width, "C")
    tag = ids.copy()
    brk = np.flatnonzero(legs > 1)
    tag[brk] = tag[brk] + "." + leg_text[leg[brk]]
    label = tag + a_label + a_ports + b_label + b_ports
    mid = _middle(t, leg, legs, n, ct.medium[cab], bin_idx)
    cells = zip(ids.tolist(), mid.tolist(), metres.tolist(), a_pre.tolist(), a_ports.tolist(), b_pre.tolist(),
                b_ports.tolist(), label.tolist())
    if t.plain:
        return "\n".join(map(",".join, cells)) + "\n"
    return "".join(csv_line(t.sep.join(r).split(t.sep)) for r in cells)


def cabling_csv(design: Design) -> bytes:
    """The whole plan as CSV bytes (tests; the build streams `cabling_chunks`)."""
    return "".join(cabling_chunks(design)).encode("utf-8")


@emitter("cabling", cost=6)
def emit_cabling(design: Design) -> list[Artifact]:
    return [Artifact("cabling.csv", chunked(cabling_chunks, design))]
