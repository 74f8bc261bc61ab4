"""Reach and medium (always on): each cable's computed length against its medium's
reach, and electrical media spanning more racks than they may.

Lengths come from placement (`Links.length_mm`, computed at elaboration from the floor,
the slack and the routing factor); links whose ends are not placed have no length and
are not checked. A violation names the longest offending link of each `connect`, its
length, the reach, and the cheapest catalog medium that would reach.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ..diagnostics import Diagnostic, error
from ..ir.model import Design, Part
from . import check
from .common import count, length_text, link_end_rates
from .ports import _end, _of_connect, _per_connect, _span, far_medium

NO_LIMIT = np.iinfo(np.int64).max


@check("reach")
def check_reach(design: Design) -> list[Diagnostic]:
    L = design.links
    if len(L) == 0 or not (L.medium >= 0).any():
        return []
    long = too_long(design)
    return _too_long(design, long) + _too_many_racks(design, long)


def _reach_mm(design: Design) -> np.ndarray:
    vals = [int(math.floor(p.reach * 1000)) if p.reach is not None else -1 for p in design.parts]
    return np.array(vals + [-1], dtype=np.int64)


def too_long(design: Design) -> np.ndarray:
    """Per link: longer than its medium reaches (on a breakout leg, the shorter of the medium and its `leg` module)."""
    L = design.links
    reach = _reach_mm(design)
    reach = np.minimum(reach[L.medium], reach[far_medium(design)])
    return (L.medium >= 0) & (reach >= 0) & (L.length_mm >= 0) & (L.length_mm.astype(np.int64) > reach)


def _too_long(design: Design, bad: np.ndarray) -> list[Diagnostic]:
    L = design.links
    out = []
    for c, ids in _per_connect(design, bad):
        k = int(ids[np.argmax(L.length_mm[ids])])
        m = design.parts[int(L.medium[k])]
        leg = design.parts[int(far_medium(design)[k])]
        m = leg if (leg.reach or 0) < (m.reach or 0) else m     # the module that falls short
        length = int(L.length_mm[k])
        better = cheapest_reaching(design, k, length)
        hint = (f"use `{better.qname}` ({better.medium_class or better.kind}, reach {_reach(better)}"
                + (f", {_price(better)}" if better.price is not None else "") + "), the cheapest catalog medium that reaches it"
                if better is not None else "no imported medium reaches it: import longer-reach optics or move the racks closer")
        out.append(error(
            "SN0610", f"link {_end(design, k, 'a')} -> {_end(design, k, 'b')} is {length_text(length)} long, "
            f"but `{m.qname}` reaches {_reach(m)}", _span(design, c),
            label=f"{_of_connect(design, c, len(ids))}: longer than {_reach(m)}",
            notes=(_length_note(design, k),), hint=hint))
    return out


def _reach(p: Part) -> str:
    return length_text(int(math.floor((p.reach or 0) * 1000)))


def _price(p: Part) -> str:
    from ..units import format_number
    return f"{format_number(Fraction(p.price or 0))} {p.currency} each"


def _length_note(design: Design, k: int) -> str:
    L = design.links
    ra, rb = int(design.devices.rack[L.a[k]]), int(design.devices.rack[L.b[k]])
    if ra == rb:
        return f"both ends are in rack `{design.racks[ra].name}`"
    s = design.settings
    return (f"from rack `{design.racks[ra].name}` to rack `{design.racks[rb].name}`: floor distance x routing factor "
            f"{s.get('routing_factor', 1)} + vertical runs to the tray + {length_text(int(Fraction(s.get('slack', 0)) * 1000))} slack")


def cheapest_reaching(design: Design, link: int, length_mm: int) -> Part | None:
    """The cheapest medium that carries the link's rate, fits its ports and reaches `length_mm`."""
    L, part = design.links, design.devices.part
    ca, cb = link_end_rates(design)
    rate = min(int(ca[link]), int(cb[link]))
    forms = set()
    for dev, port in ((L.a, L.a_port), (L.b, L.b_port)):
        g, _ = design.parts[int(part[dev[link]])].port_group_of(int(port[link]))
        if g.form:
            forms.add(g.form)
    span = _rack_span(design, np.array([link]))[0]
    cands = [p for p in design.parts if p.kind in ("optic", "cable") and p.reach is not None
             and math.floor(p.reach * 1000) >= length_mm and (p.rate is None or p.rate >= rate)
             and (not forms or p.form is None or p.form in forms)
             and (p.max_racks is None or span <= p.max_racks)]
    if not cands:
        return None
    return min(cands, key=lambda p: (p.price if p.price is not None else Fraction(10**12), p.reach, p.qname))


def _rack_span(design: Design, ids: np.ndarray) -> np.ndarray:
    """Racks a cable spans: 1 inside a rack, |slot difference| + 1 along a row; NO_LIMIT
    across rows or halls; 2 (at least) between racks that are not on the floor."""
    L = design.links
    ra, rb = design.devices.rack[L.a[ids]], design.devices.rack[L.b[ids]]
    out = np.full(len(ids), 1, dtype=np.int64)
    diff = (ra != rb) & (ra >= 0) & (rb >= 0)
    if not diff.any():
        return out
    rows = {(r.hall, r.row) for r in design.racks}
    key = {k: i for i, k in enumerate(sorted(rows, key=str))}
    row_of = np.array([key[(r.hall, r.row)] if r.row is not None else -1 for r in design.racks] + [-1])
    slot_of = np.array([r.slot if r.slot is not None else -1 for r in design.racks] + [-1])
    same_row = (row_of[ra] == row_of[rb]) & (row_of[ra] >= 0)
    out[diff] = 2
    along = diff & same_row
    out[along] = np.abs(slot_of[ra[along]] - slot_of[rb[along]]) + 1
    out[diff & ~same_row & (row_of[ra] >= 0) & (row_of[rb] >= 0)] = NO_LIMIT
    return out


def _too_many_racks(design: Design, long: np.ndarray) -> list[Diagnostic]:
    """Electrical media spanning more racks than allowed (links already too long are reported once, above)."""
    L = design.links
    limit = np.array([p.max_racks if p.max_racks is not None else -1 for p in design.parts] + [-1], dtype=np.int64)[L.medium]
    cand = np.flatnonzero((L.medium >= 0) & (limit >= 1) & ~long)
    if cand.size == 0:
        return []
    span = _rack_span(design, cand)
    bad = np.zeros(len(L), dtype=bool)
    bad[cand[span > limit[cand]]] = True
    spans = np.zeros(len(L), dtype=np.int64)
    spans[cand] = span
    out = []
    for c, ids in _per_connect(design, bad):
        k = int(ids[np.argmax(spans[ids])])
        m = design.parts[int(L.medium[k])]
        ra, rb = design.racks[int(design.devices.rack[L.a[k]])], design.racks[int(design.devices.rack[L.b[k]])]
        where = ("in different rows" if spans[k] == NO_LIMIT else
                 f"spanning {count(int(spans[k]), 'rack')}" if ra.slot is not None else "in different racks")
        better = cheapest_reaching(design, k, max(int(L.length_mm[k]), 0))
        out.append(error(
            "SN0611", f"`{m.qname}` may span {count(m.max_racks or 0, 'rack')}, but link {_end(design, k, 'a')} -> "
            f"{_end(design, k, 'b')} joins racks `{ra.name}` and `{rb.name}` {where}", _span(design, c),
            label=f"{_of_connect(design, c, len(ids))}: too many racks",
            hint=(f"use `{better.qname}`, the cheapest catalog medium allowed there" if better is not None
                  else "use an optic, or place both ends in the same rack")))
    return out
