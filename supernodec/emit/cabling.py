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

Every column is built as a numpy object array from per-device and per-port
tables; there is no per-row Python loop, so 10^6 cables take seconds.
"""

from __future__ import annotations

import re

import numpy as np

from ..ir.flat import port_table
from ..ir.model import Design
from . import Artifact, emitter
from .cables import CableTable, bin_label, cable_table, length_bins
from .tabular import csv_cell, csv_line

COLUMNS = ("cable_id", "leg", "legs", "links", "medium", "class", "length_bin", "length_m",
           "a_rack", "a_u", "a_device", "a_port", "b_rack", "b_u", "b_device", "b_port", "label")
_UNSAFE = re.compile(r'[,"\r\n]|^[=+\-@\t]', re.M)


def _obj(values: list[str]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _cells(column: np.ndarray) -> np.ndarray:
    """The column as CSV cells; one regex scan decides whether any needs escaping (names never do)."""
    if not _UNSAFE.search("\n".join(column.tolist())):
        return column
    return _obj([csv_cell(v) for v in column.tolist()])


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


def _joined(values: np.ndarray, first: np.ndarray, n: np.ndarray, distinct: bool) -> np.ndarray:
    """Per row, the values of its links joined with '+' (consecutive repeats dropped if `distinct`)."""
    out = values[first].copy()
    for k in range(1, int(n.max(initial=1))):
        m = np.flatnonzero(n > k)
        cur, prev = values[first[m] + k], values[first[m] + k - 1]
        add = m if not distinct else m[cur != prev]
        if distinct:
            cur = cur[cur != prev]
        out[add] = out[add] + "+" + cur
    return out


class _Ends:
    """Per-link strings of the cabled links: device, port, rack and U of each end."""

    def __init__(self, design: Design, links: np.ndarray):
        D, L = design.devices, design.links
        pt = port_table(design.parts)
        port_names = _obj([p.port_name(i) for p in design.parts for i in range(p.port_count)])
        dev_names = _obj(list(D.name))
        rack_names = _obj([r.name for r in design.racks] + [""])
        u_text = _obj([""] + [str(i) for i in range(1, int(D.u.max(initial=0)) + 1)])
        self.cols: dict[str, np.ndarray] = {}
        for side, dev, port in (("a", L.a[links], L.a_port[links]), ("b", L.b[links], L.b_port[links])):
            self.cols[f"{side}_device"] = dev_names[dev]
            self.cols[f"{side}_port"] = port_names[pt.rows(D.part[dev], port)]
            self.cols[f"{side}_rack"] = rack_names[D.rack[dev]]          # -1 -> the trailing ""
            self.cols[f"{side}_u"] = u_text[np.maximum(D.u[dev].astype(np.int64), 0)]


def _length_text(mm: np.ndarray) -> np.ndarray:
    metres = _obj([f"{v // 1000}.{v % 1000:03d}" if v >= 0 else "" for v in mm.tolist()])
    return metres


def cabling_columns(design: Design) -> dict[str, np.ndarray]:
    """Every column of the plan, rows sorted, as object arrays of cell text."""
    ct = cable_table(design)
    cab, first, n, leg, legs = _rows(ct)
    ends = _Ends(design, ct.links)
    L = design.links
    lk = ct.links[first]
    order = np.lexsort((leg, ct.cable[cab], L.b_port[lk], L.b[lk], L.a_port[lk], L.a[lk]))
    cab, first, n, leg, legs, lk = cab[order], first[order], n[order], leg[order], legs[order], lk[order]
    length = np.where(legs > 1, L.length_mm[lk].astype(np.int64), ct.length_mm[cab])
    width = max(6, len(str(int(ct.cable.max(initial=0)))))
    cols: dict[str, np.ndarray] = {
        "cable_id": _obj([f"C{c:0{width}d}" for c in ct.cable[cab].tolist()]),
        "leg": leg.astype(str).astype(object), "legs": legs.astype(str).astype(object),
        "links": n.astype(str).astype(object),
    }
    medium = ct.medium[cab]
    med_names = _obj([p.qname for p in design.parts])
    med_class = _obj([p.medium_class or "" for p in design.parts])
    bins = length_bins(length)
    bin_text = _obj([bin_label(b) for b in range(-1, 17)])
    cols.update({"medium": med_names[medium], "class": med_class[medium], "length_bin": bin_text[bins + 1],
                 "length_m": _length_text(length)})
    for name, values in ends.cols.items():
        distinct = not name.endswith("_port")
        cols[name] = _joined(values, first, n, distinct)
    cols["label"] = _labels(cols, leg, legs)
    return {c: cols[c] for c in COLUMNS}


def _labels(cols: dict[str, np.ndarray], leg: np.ndarray, legs: np.ndarray) -> np.ndarray:
    """`C000123 A=rack/U1/device:port B=rack/U40/device:port` ("?" for an unplaced end)."""
    cid = cols["cable_id"].copy()
    brk = np.flatnonzero(legs > 1)
    cid[brk] = cid[brk] + "." + leg[brk].astype(str).astype(object)

    def end(side: str) -> np.ndarray:
        rack = np.where(cols[f"{side}_rack"] == "", "?", cols[f"{side}_rack"]).astype(object)
        u = np.where(cols[f"{side}_u"] == "", "?", cols[f"{side}_u"]).astype(object)
        return rack + "/U" + u + "/" + cols[f"{side}_device"] + ":" + cols[f"{side}_port"]
    return cid + " A=" + end("a") + " B=" + end("b")


def cabling_csv(design: Design) -> bytes:
    cols = cabling_columns(design)
    rows = len(cols["cable_id"])
    if rows == 0:
        return csv_line(COLUMNS).encode("utf-8")
    body = _cells(cols[COLUMNS[0]])
    for c in COLUMNS[1:]:
        body = body + "," + _cells(cols[c])
    return (csv_line(COLUMNS) + "\n".join(body.tolist()) + "\n").encode("utf-8")


@emitter("cabling", cost=2)
def emit_cabling(design: Design) -> list[Artifact]:
    return [Artifact("cabling.csv", cabling_csv(design))]
