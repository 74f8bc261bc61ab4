"""`place X in R [at U]`: devices and template instances into racks, racks onto the floor."""

from __future__ import annotations

from typing import Any

from .. import units
from ..diagnostics import DiagnosticError, error
from ..syntax import ast as A
from .refs import Target, walk_ref
from .values import evaluate, show, to_int

MAX_U = 32_767


def elaborate_place(el: Any, ctx: Any, p: A.Place) -> None:
    for bind, what in walk_ref(el, ctx, p.what, {}):
        wheres = [t for _b, t in walk_ref(el, ctx, p.where, bind)]
        if len(wheres) != 1:
            raise DiagnosticError(error("SN0213", f"`place` needs one destination, `{el.source_text(p.where.span)}` names {len(wheres)}",
                                        p.where.span, hint="index the destination with the variables of what is placed"))
        where = wheres[0]
        if where.kind == "row":
            _racks_on_floor(el, ctx, p, what, where)
        elif where.kind == "rack":
            _into_rack(el, ctx, p, what, where, bind)
        else:
            raise DiagnosticError(error("SN0213", "things are placed in a rack (`in compute[i / 4]`) or racks in a hall row (`in h1.A`)",
                                        p.where.span))


def _racks_on_floor(el: Any, ctx: Any, p: A.Place, what: Target, where: Target) -> None:
    if what.kind != "rack":
        raise DiagnosticError(error("SN0213", "only racks are placed in a hall row", p.what.span,
                                    hint="place devices in racks, and racks in rows"))
    hid, rid = where.row  # type: ignore[misc]
    name, slots, _pitch, _y = el.halls[hid][1][rid]
    for r in what.devs:
        if where.slot is not None:
            slot = where.slot
        else:
            slot = el.row_next.get((hid, rid), 0)
            while (hid, rid, slot) in el.slot_taken:
                slot += 1
        if slot >= slots:
            raise DiagnosticError(error("SN0702", f"row `{el.halls[hid][0]}.{name}` has {slots} rack positions; rack `{ctx.builder.racks[r][0]}` needs position {slot}",
                                        p.span, hint="add positions to the row or place racks in another row"))
        if (hid, rid, slot) in el.slot_taken:
            other = el.slot_taken[(hid, rid, slot)]
            raise DiagnosticError(error("SN0703", f"position {slot} of row `{el.halls[hid][0]}.{name}` holds `{ctx.builder.racks[other][0]}` already",
                                        p.span, hint="use another position"))
        el.slot_taken[(hid, rid, slot)] = r
        el.row_next[(hid, rid)] = slot + 1
        el.floor[r] = (hid, rid, slot)


def _into_rack(el: Any, ctx: Any, p: A.Place, what: Target, where: Target, bind: dict) -> None:
    if len(where.devs) != 1:
        raise DiagnosticError(error("SN0213", f"`place` needs one rack, `{el.source_text(p.where.span)}` names {len(where.devs)}",
                                    p.where.span, hint="index the rack, like `compute[i / 4]`"))
    rack = where.devs[0]
    b = ctx.builder
    items: list[tuple[str, int, int, int]] = []   # name, first dev, end dev, height
    parts = b.parts()
    if what.kind == "scope":
        for (sc, doff, _r, _bp, path) in what.elems or []:
            lo, hi = doff + sc.dev_lo, doff + sc.dev_hi
            h = sc.fields.get("height")
            if h is None:
                h = sum(el.parts[int(parts[d])].height or 0 for d in range(lo, hi))
            items.append((path, lo, hi, h))
    elif what.kind == "dev":
        for d in what.devs:
            items.append((b.names[d], d, d + 1, el.parts[int(parts[d])].height or 0))
    else:
        raise DiagnosticError(error("SN0213", "place devices or template instances in racks", p.what.span))
    for name, lo, hi, h in items:
        if p.at is not None:
            v = evaluate(p.at, ctx.env.new_child(bind) if hasattr(ctx.env, "new_child") else bind)
            if isinstance(v, units.Quantity) and v.dim == units.RACK_UNITS:
                v = v.value
            u = to_int(v, p.at, "a U position")
            if u < 1:
                raise DiagnosticError(error("SN0213", f"U positions start at 1, got {u}", p.at.span))
        else:
            u = el.next_u.get((id(b), rack), 1)
        if u + max(h, 1) - 1 > MAX_U:   # the IR's U column is int16; no rack is that tall
            raise DiagnosticError(error("SN0213", f"`{name}` would sit at U {u:,}, above any rack (at most {MAX_U:,} U)",
                                        p.span, hint="check the `at` position, and how many things go in this rack"))
        el.next_u[(id(b), rack)] = max(el.next_u.get((id(b), rack), 1), u + max(h, 1))
        for d in range(lo, hi):
            if d in b.dev_rack:
                raise DiagnosticError(error("SN0213", f"`{b.names[d]}` is placed twice", p.span, hint="place each device once"))
            b.dev_rack[d] = rack
            b.dev_u[d] = u
        b.placements.append((name, rack, u, h, p.span))
