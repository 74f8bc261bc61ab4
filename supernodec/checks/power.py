"""Power, space and cooling (always on, plus `require power(...)`).

- Rack power: the `power` of every device placed in the rack plus the media plugged into
  them (a medium's power is per end: one module or cable end in the rack of each end of
  its cable), against the rack part's `power_budget`; hall totals against the hall's.
- `require power(rack) <= X` per rack of the scope; `require power(sel) <= X` on the
  total of the selected devices.
- Space: placements fit the rack's height and do not overlap in U.
- Cooling: parts declaring `cooling = "liquid"` sit in liquid-cooled racks.

Power sums are exact (`Fraction` watts). Racks of one declaration are reported together.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

import numpy as np

from .. import units
from ..diagnostics import Diagnostic, Related, error
from ..ir.model import Design
from . import check
from .common import WORDS, bad_require, bound_value, count, declarations, instance_note, power_text, satisfies


@check("power")
def check_power(design: Design) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if design.racks:
        per_rack, parts = rack_power(design)
        out += _rack_budgets(design, per_rack, parts)
        out += _hall_budgets(design, per_rack)
        out += _requires(design, per_rack, parts)
        out += _space(design)
        out += _cooling(design)
    else:
        out += _requires(design, [], [])
    return out


def _media_ends(design: Design) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(medium part, device at end a, device at end b) of every cable with a powered medium."""
    L = design.links
    powered = np.array([p.power is not None and p.power > 0 for p in design.parts] + [False])
    has = (L.cable >= 0) & powered[L.medium]
    if not has.any():
        z = np.zeros(0, np.int64)
        return z, z, z
    ids = np.flatnonzero(has)
    cab = L.cable[ids]
    if int(cab.max()) <= 4 * cab.size:                  # dense cable ids: first link of each by index
        first = np.full(int(cab.max()) + 1, ids.size, np.int64)
        np.minimum.at(first, cab, np.arange(ids.size))
        first = np.sort(first[first < ids.size])
    else:
        _, first = np.unique(cab, return_index=True)
    k = ids[first]
    return L.medium[k].astype(np.int64), L.a[k].astype(np.int64), L.b[k].astype(np.int64)


def _sum_by(keys: np.ndarray, parts: np.ndarray, n_keys: int, design: Design,
            into: list[Fraction], detail: list[dict[int, int]] | None) -> None:
    """Add the power of `parts` to `into[key]` (exact), counting units per part in `detail`."""
    ok = keys >= 0
    if not ok.any():
        return
    width = len(design.parts) + 1
    codes = keys[ok].astype(np.int64) * width + parts[ok]
    if int(codes.min()) >= 0 and n_keys * width <= max(4 * codes.size, 1 << 16):   # few codes: count by index
        cnt = np.bincount(codes, minlength=n_keys * width)
        combo = np.flatnonzero(cnt)
        cnt = cnt[combo]
    else:
        combo, cnt = np.unique(codes, return_counts=True)
    for c, n in zip(combo.tolist(), cnt.tolist()):
        key, part = divmod(c, width)
        p = design.parts[part].power
        if p is not None:
            into[key] += p * n
        if detail is not None:
            detail[key][part] = detail[key].get(part, 0) + n


def rack_power(design: Design) -> tuple[list[Fraction], list[dict[int, int]]]:
    """Per rack: watts, and units of each part counted in it (devices and media ends)."""
    n = len(design.racks)
    total = [Fraction(0)] * n
    detail: list[dict[int, int]] = [dict() for _ in range(n)]
    dev_rack = design.devices.rack
    _sum_by(dev_rack, design.devices.part.astype(np.int64), n, design, total, detail)
    med, ea, eb = _media_ends(design)
    for end in (ea, eb):
        _sum_by(dev_rack[end] if end.size else end, med, n, design, total, detail)
    return total, detail


def _breakdown(design: Design, detail: dict[int, int]) -> str:
    items = sorted(detail.items(), key=lambda kv: -((design.parts[kv[0]].power or 0) * kv[1]))
    shown = [f"{n:,} x `{design.parts[p].qname}` {power_text((design.parts[p].power or 0) * n)}"
             for p, n in items[:4] if design.parts[p].power]
    return "draws: " + ", ".join(shown) + (", ..." if len(items) > 4 else "")


def _rack_groups(design: Design) -> dict[object, list[int]]:
    groups: dict[object, list[int]] = defaultdict(list)
    for i, r in enumerate(design.racks):
        groups[(r.span.file, r.span.start) if r.span else ("", i)].append(i)
    return groups


def _rack_budgets(design: Design, power: list[Fraction], detail: list[dict[int, int]]) -> list[Diagnostic]:
    out = []
    for ids in _rack_groups(design).values():
        over = [i for i in ids if (b := design.parts[design.racks[i].part].power_budget) is not None and power[i] > b]
        if not over:
            continue
        k = max(over, key=lambda i: (power[i], -i))
        r = design.racks[k]
        budget = design.parts[r.part].power_budget or Fraction(0)
        notes = [_breakdown(design, detail[k])]
        if len(over) > 1:
            notes.append(f"{len(over):,} of {len(ids):,} racks of this declaration are over budget")
        out.append(error("SN0701", f"rack `{r.name}` draws {power_text(power[k])}, over its budget of {power_text(budget)} "
                         f"(`{design.parts[r.part].qname}`)", r.span, label=f"{count(len(over), 'rack')} over budget",
                         notes=tuple(notes), hint="put fewer devices in each rack, or use a rack with a larger power budget"))
    return out


def _hall_budgets(design: Design, power: list[Fraction]) -> list[Diagnostic]:
    out = []
    for h in design.halls:
        if h.power_budget is None:
            continue
        rows: dict[str, Fraction] = defaultdict(Fraction)
        for i, r in enumerate(design.racks):
            if r.hall == h.name:
                rows[r.row or "?"] += power[i]
        total = sum(rows.values(), Fraction(0))
        if total <= h.power_budget:
            continue
        top = sorted(rows.items(), key=lambda kv: -kv[1])[:3]
        out.append(error("SN0704", f"hall `{h.name}` draws {power_text(total)}, over its budget of {power_text(h.power_budget)}",
                         h.span, label="hall budget exceeded",
                         notes=("rows: " + ", ".join(f"`{r}` {power_text(p)}" for r, p in top),),
                         hint="spread the racks over more halls, or raise the hall's power budget"))
    return out


def _requires(design: Design, power: list[Fraction], detail: list[dict[int, int]]) -> list[Diagnostic]:
    out = []
    for decl in declarations(design, ("power",)):
        rq = decl[0]
        bound = bound_value(rq, units.POWER)
        if isinstance(bound, Diagnostic):
            out.append(bound)
            continue
        if len(rq.args) != 1:
            out.append(bad_require(rq, "`power` takes one selector: `rack` or a group of devices",
                                   "write `require power(rack) <= 60 kW`"))
            continue
        d = _rack_require(design, decl, power, detail, bound) if rq.args[0].racks else _device_require(design, decl, bound)
        if d is not None:
            out.append(d)
    return out


def _rack_require(design: Design, decl: list, power: list[Fraction], detail: list[dict[int, int]],
                  bound: Fraction) -> Diagnostic | None:
    rq = decl[0]
    racks = sorted({int(i) for r in decl for i in r.args[0].devices.tolist() if 0 <= i < len(power)})
    bad = [i for i in racks if not satisfies(power[i], rq.op, bound)]
    if not bad:
        return None
    k = max(bad, key=lambda i: (power[i], -i))
    return error("SN0705", f"rack `{design.racks[k].name}` draws {power_text(power[k])}, the requirement is "
                 f"{WORDS[rq.op]} {power_text(bound)}", rq.span, label=f"{count(len(bad), 'rack')} of {len(racks):,}",
                 notes=(_breakdown(design, detail[k]),), hint="spread the load over more racks, or relax the bound")


def _device_require(design: Design, decl: list, bound: Fraction) -> Diagnostic | None:
    rq = decl[0]
    totals = []
    med, ea, eb = _media_ends(design)
    for r in decl:
        sel = np.zeros(len(design.devices), bool)
        sel[r.args[0].devices] = True
        acc = [Fraction(0)]
        _sum_by(np.zeros(int(sel.sum()), np.int64), design.devices.part[sel].astype(np.int64), 1, design, acc, None)
        for end in (ea, eb):
            m = sel[end] if end.size else np.zeros(0, bool)
            _sum_by(np.zeros(int(m.sum()), np.int64), med[m], 1, design, acc, None)
        totals.append(acc[0])
    bad = [k for k, t in enumerate(totals) if not satisfies(t, rq.op, bound)]
    if not bad:
        return None
    k = max(bad, key=lambda i: totals[i])
    notes = [instance_note(design, decl[k])] + ([f"{len(bad):,} of {len(decl):,} instances exceed it"] if len(decl) > 1 else [])
    return error("SN0705", f"`{rq.args[0].text}` draws {power_text(totals[k])} in all, the requirement is "
                 f"{WORDS[rq.op]} {power_text(bound)}", rq.span, label="devices plus media at their ports",
                 notes=tuple(notes), hint="use fewer or lower-power parts, or relax the bound")


def _space(design: Design) -> list[Diagnostic]:
    P = design.placements
    if not P:
        return []
    rack = np.array([p.rack for p in P], np.int64)
    u = np.array([p.u for p in P], np.int64)
    h = np.array([p.height for p in P], np.int64)
    top = np.array([design.parts[r.part].height or 0 for r in design.racks], np.int64)[rack]
    tall = (h > 0) & (top > 0) & (u + h - 1 > top)
    out = _by_placement(design, np.flatnonzero(tall), lambda i: error(
        "SN0706", f"`{P[i].name}` ({h[i]} U at U{u[i]}) reaches U{u[i] + h[i] - 1}, above the top of rack "
        f"`{design.racks[P[i].rack].name}` ({top[i]} U)", P[i].span, label="does not fit",
        hint="place it lower, or use a taller rack"))
    order = np.lexsort((u, rack))
    order = order[h[order] > 0]
    overlaps = []
    last: dict[int, int] = {}
    for i in order.tolist():
        j = last.get(int(rack[i]))
        if j is not None and u[i] <= u[j] + h[j] - 1:
            overlaps.append((i, j))
        if j is None or u[i] + h[i] > u[j] + h[j]:
            last[int(rack[i])] = i
    pairs = dict(overlaps)
    out += _by_placement(design, np.array(sorted(pairs), np.int64), lambda i: error(
        "SN0707", f"`{P[i].name}` (U{u[i]}-U{u[i] + h[i] - 1}) overlaps `{P[pairs[i]].name}` "
        f"(U{u[pairs[i]]}-U{u[pairs[i]] + h[pairs[i]] - 1}) in rack `{design.racks[P[i].rack].name}`", P[i].span,
        label="U positions already taken", related=(Related(P[pairs[i]].span, "placed here"),) if P[pairs[i]].span else (),
        hint="place it at a free U position, or leave out `at` to stack automatically"))
    return out


def _by_placement(design: Design, ids: np.ndarray, make) -> list[Diagnostic]:  # noqa: ANN001
    """One diagnostic per `place` statement: the first offender, with a count."""
    from dataclasses import replace
    seen: dict[object, list[int]] = defaultdict(list)
    for i in ids.tolist():
        s = design.placements[i].span
        seen[(s.file, s.start) if s else ("", i)].append(i)
    out = []
    for group in seen.values():
        d = make(group[0])
        if len(group) > 1:
            d = replace(d, notes=d.notes + (f"{len(group):,} placements of this statement are affected",))
        out.append(d)
    return out


def _cooling(design: Design) -> list[Diagnostic]:
    liquid = np.array([p.cooling == "liquid" for p in design.parts] + [False])
    dev = np.flatnonzero(liquid[design.devices.part] & (design.devices.rack >= 0))
    if dev.size == 0:
        return []
    rack_liquid = np.array([design.parts[r.part].cooling == "liquid" for r in design.racks])
    bad = dev[~rack_liquid[design.devices.rack[dev]]]
    out = []
    seen: dict[tuple[int, int], list[int]] = defaultdict(list)
    for d in bad.tolist():
        r = int(design.devices.rack[d])
        seen[(int(design.devices.part[d]), design.racks[r].part)].append(d)
    for (part, rpart), devs in seen.items():
        r = design.racks[int(design.devices.rack[devs[0]])]
        p = design.parts[part]
        out.append(error(
            "SN0708", f"`{p.qname}` needs liquid cooling, but `{design.devices.name[devs[0]]}` is in rack `{r.name}` "
            f"(`{design.parts[rpart].qname}`, cooling {design.parts[rpart].cooling or 'not declared'})", r.span,
            label=f"{count(len(devs), 'liquid-cooled device')} in air-cooled racks",
            related=(Related(p.span, "declared liquid-cooled here"),) if p.span else (),
            hint="place it in a rack with `cooling = \"liquid\"`"))
    return out
