"""Bill of materials: `bom.csv`, `bom.json`, `bom.md`, `bom.xlsx`.

One line per catalog part; optics and cables one line per medium and stock
length bin (see `cables.py`). Quantities are the IR's counts:

- devices: one per row of the device table; racks: one per `Design.racks`;
- cables: one per physical cable (links sharing `Links.cable`), so `bundle N`
  and breakouts count one cable for N links;
- optical modules: one per cable end, so two per optical cable (a module
  carrying two links, `bundle 2`, appears once per end for both links), and
  1 + N for a breakout to N legs (one at the split port, one at each leg);
  an optic with `leg = L` counts 1 at the split port and N of `L` (its price
  and power) at the legs, in the cable's length bin.

Power "each" is the part's power; for a cable it is both ends (the catalog
gives power per end, which only active cables draw). Prices stay in each part's
currency with exact arithmetic; totals are per currency, never converted.
Money is written with 2 decimals (half-up); JSON carries money as decimal
strings so no total is rounded through a float.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterable

import numpy as np

from ..ir.model import Design, Part
from . import Artifact, emitter
from .cables import UNKNOWN_BIN, bin_label, cable_table, units_per_cable
from .tabular import csv_line, grouped, json_number, md_table, money, number

CATEGORY_ORDER = ("accelerator", "cpu", "nic", "switch", "server", "device", "power_shelf", "cooling",
                  "optic", "cable", "rack")
UNIT_NAME = {"optic": "module", "cable": "cable"}
COLUMNS = ("line", "category", "vendor", "part_number", "part", "description", "length_bin", "quantity", "unit",
           "currency", "unit_price", "extended_price", "power_each_w", "power_total_w")


@dataclass(frozen=True)
class BomLine:
    category: str
    vendor: str
    part_number: str
    part: str               # module-qualified catalog name
    description: str
    length_bin: str         # "" for parts that are not media
    quantity: int
    unit: str
    currency: str
    unit_price: Fraction | None
    power_each: Fraction | None

    @property
    def extended(self) -> Fraction | None:
        return None if self.unit_price is None else self.unit_price * self.quantity

    @property
    def power_total(self) -> Fraction | None:
        return None if self.power_each is None else self.power_each * self.quantity


@dataclass(frozen=True)
class Total:
    key: str                # vendor or category ("" for the grand total)
    currency: str
    quantity: int
    extended: Fraction      # priced lines only
    unpriced_lines: int
    power: Fraction


@dataclass(frozen=True)
class Bom:
    design: str
    lines: tuple[BomLine, ...]
    by_vendor: tuple[Total, ...]
    by_category: tuple[Total, ...]
    total: tuple[Total, ...]  # one per currency


def describe(p: Part) -> str:
    """The part's description; for media without one, what procurement needs to order it."""
    if p.description or p.kind not in ("optic", "cable"):
        return p.description
    from ..units import LENGTH, RATE, Quantity
    bits = [f"{p.medium_class or ''} {'optical module' if p.kind == 'optic' else 'cable'}".strip()]
    if p.rate is not None:
        bits.append(Quantity(p.rate, RATE).format())
    if p.reach is not None:
        bits.append(f"reach {Quantity(p.reach, LENGTH).format()}")
    if p.form:
        bits.append(p.form)
    if p.links_per_module > 1:
        bits.append(f"{p.links_per_module} links per module")
    return ", ".join(bits)


def _line(p: Part, qty: int, length_bin: str = "", power_each: Fraction | None = None) -> BomLine:
    return BomLine(p.kind, p.vendor, p.part_number, p.qname, describe(p), length_bin, qty,
                   UNIT_NAME.get(p.kind, "each"), p.currency, p.price, p.power if power_each is None else power_each)


def _sort_key(line: BomLine, bin_index: int) -> tuple:
    cat = CATEGORY_ORDER.index(line.category) if line.category in CATEGORY_ORDER else len(CATEGORY_ORDER)
    return (cat, line.vendor, line.part_number, line.part, bin_index if bin_index >= 0 else 1 << 30)


def bom_lines(design: Design) -> list[BomLine]:
    """Every BOM line, sorted by category, vendor, part number, part and length."""
    parts = design.parts
    keyed: list[tuple[tuple, BomLine]] = []
    dev = np.bincount(design.devices.part, minlength=len(parts)) if len(design.devices) else np.zeros(len(parts), int)
    racks = np.bincount(np.array([r.part for r in design.racks], dtype=np.int64), minlength=len(parts))
    for i, p in enumerate(parts):
        n = int(dev[i]) + int(racks[i])
        if n:
            keyed.append((_sort_key(_line(p, n), -1), _line(p, n)))
    for m, b, qty in _media_quantities(design):
        p = parts[m]
        each = None if p.power is None else (p.power if p.kind == "optic" else 2 * p.power)
        line = _line(p, qty, bin_label(b), each)
        keyed.append((_sort_key(line, b), line))
    keyed.sort(key=lambda kl: kl[0])
    return [line for _k, line in keyed]


def _media_quantities(design: Design) -> Iterable[tuple[int, int, int]]:
    """(medium part, length bin, units) for every medium and bin in use."""
    ct = cable_table(design)
    if not len(ct):
        return []
    medium, bins, units = ct.medium.astype(np.int64), ct.bins(), units_per_cable(design, ct)
    leg = np.array([p.leg for p in design.parts] + [-1], dtype=np.int64)[medium]
    split = ct.breakout & (leg >= 0)
    if split.any():     # an optic with `leg`: one module at the split port, one `leg` module per leg
        units = np.where(split, 1, units)
        medium, bins, units = (np.r_[medium, leg[split]], np.r_[bins, bins[split]],
                               np.r_[units, ct.count[split].astype(np.int64)])
    key = medium * 1024 + (bins - UNKNOWN_BIN)
    uniq, inv = np.unique(key, return_inverse=True)
    units = np.bincount(inv.reshape(-1), weights=units, minlength=uniq.size)
    return [(int(k // 1024), int(k % 1024) + UNKNOWN_BIN, int(u)) for k, u in zip(uniq.tolist(), units.tolist())]


def _totals(lines: list[BomLine], key: str) -> tuple[Total, ...]:
    acc: dict[tuple[str, str], list[Any]] = {}
    for ln in lines:
        k = (getattr(ln, key) if key else "", ln.currency)
        t = acc.setdefault(k, [0, Fraction(0), 0, Fraction(0)])
        t[0] += ln.quantity
        if ln.extended is None:
            t[2] += 1
        else:
            t[1] += ln.extended
        t[3] += ln.power_total or 0
    order = (lambda k: (CATEGORY_ORDER.index(k[0]) if k[0] in CATEGORY_ORDER else 99, k)) if key == "category" else None
    return tuple(Total(k[0], k[1], *v) for k, v in sorted(acc.items(), key=lambda kv: order(kv[0]) if order else kv[0]))


def build_bom(design: Design) -> Bom:
    lines = bom_lines(design)
    return Bom(design.name, tuple(lines), _totals(lines, "vendor"), _totals(lines, "category"), _totals(lines, ""))


# ---------------------------------------------------------------- CSV

def line_cells(n: int, ln: BomLine) -> list[str]:
    return [str(n), ln.category, ln.vendor, ln.part_number, ln.part, ln.description, ln.length_bin,
            str(ln.quantity), ln.unit, ln.currency, money(ln.unit_price), money(ln.extended),
            number(ln.power_each), number(ln.power_total)]


def _total_cells(label: str, t: Total, category: str = "", vendor: str = "") -> list[str]:
    return [label, category, vendor, "", "", "", "", str(t.quantity), "", t.currency, "", money(t.extended),
            "", number(t.power)]


def bom_csv(bom: Bom) -> str:
    """Line items, then summary rows whose `line` is total-vendor, total-category or total."""
    out = [csv_line(COLUMNS)]
    out += [csv_line(line_cells(i, ln)) for i, ln in enumerate(bom.lines, 1)]
    out += [csv_line(_total_cells("total-vendor", t, vendor=t.key)) for t in bom.by_vendor]
    out += [csv_line(_total_cells("total-category", t, category=t.key)) for t in bom.by_category]
    out += [csv_line(_total_cells("total", t)) for t in bom.total]
    return "".join(out)


# ---------------------------------------------------------------- JSON

def _total_json(t: Total, key: str | None) -> dict[str, Any]:
    d: dict[str, Any] = {"currency": t.currency, "quantity": t.quantity, "extended_price": money(t.extended),
                         "unpriced_lines": t.unpriced_lines, "power_w": json_number(t.power)}
    if key:
        d = {key: t.key, **d}
    return d


def bom_json(bom: Bom) -> str:
    doc = {
        "design": bom.design,
        "columns_note": "money as decimal strings with 2 decimals, in each line's currency; power in W",
        "lines": [{"line": i, "category": ln.category, "vendor": ln.vendor, "part_number": ln.part_number,
                   "part": ln.part, "description": ln.description, "length_bin": ln.length_bin or None,
                   "quantity": ln.quantity, "unit": ln.unit, "currency": ln.currency,
                   "unit_price": money(ln.unit_price) or None, "extended_price": money(ln.extended) or None,
                   "power_each_w": json_number(ln.power_each), "power_total_w": json_number(ln.power_total)}
                  for i, ln in enumerate(bom.lines, 1)],
        "totals": {"by_vendor": [_total_json(t, "vendor") for t in bom.by_vendor],
                   "by_category": [_total_json(t, "category") for t in bom.by_category],
                   "total": [_total_json(t, None) for t in bom.total]},
    }
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- Markdown

def _m(x: Fraction | None) -> str:
    return grouped(money(x)) if x is not None else ""


def _p(x: Fraction | None) -> str:
    return grouped(number(x)) if x is not None else ""


def bom_md(bom: Bom) -> str:
    head = ["#", "Category", "Vendor", "Part number", "Part", "Description", "Length", "Qty", "Unit",
            "Unit price", "Extended", "Power each (W)", "Power total (W)"]
    rows = [[i, ln.category, ln.vendor, ln.part_number, ln.part, ln.description, ln.length_bin, f"{ln.quantity:,}",
             ln.unit, f"{_m(ln.unit_price)} {ln.currency}" if ln.unit_price is not None else "",
             f"{_m(ln.extended)} {ln.currency}" if ln.extended is not None else "", _p(ln.power_each),
             _p(ln.power_total)] for i, ln in enumerate(bom.lines, 1)]
    tot_head = ["", "Qty", "Extended", "Unpriced lines", "Power (W)"]

    def trows(ts: tuple[Total, ...]) -> list[list[object]]:
        return [[t.key or "total", f"{t.quantity:,}", f"{_m(t.extended)} {t.currency}", t.unpriced_lines,
                 _p(t.power)] for t in ts]
    parts = [f"# Bill of materials: {bom.design}\n\n",
             "Optics are counted per cable end (two modules per optical cable, 1 + N for a breakout to N legs); "
             "cables and optics are grouped by the stock length their run fits in.\n\n",
             md_table(head, rows, right={0, 7, 9, 10, 11, 12}),
             "\n## Totals by vendor\n\n", md_table(["Vendor"] + tot_head[1:], trows(bom.by_vendor), {1, 2, 3, 4}),
             "\n## Totals by category\n\n", md_table(["Category"] + tot_head[1:], trows(bom.by_category), {1, 2, 3, 4}),
             "\n## Total\n\n", md_table(tot_head, trows(bom.total), {1, 2, 3, 4})]
    return "".join(parts)


@emitter("bom", cost=1)
def emit_bom(design: Design) -> list[Artifact]:
    from .bom_xlsx import bom_xlsx
    bom = build_bom(design)
    return [Artifact("bom.csv", bom_csv(bom).encode("utf-8")),
            Artifact("bom.json", bom_json(bom).encode("utf-8")),
            Artifact("bom.md", bom_md(bom).encode("utf-8")),
            Artifact("bom.xlsx", bom_xlsx(bom))]
