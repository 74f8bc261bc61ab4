"""From the center's block to the `Design`: floor, cable lengths, `medium auto`."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from ..diagnostics import DiagnosticError, error
from ..ir.model import (Connect, Design, Devices, Hall, Links, MemoryDecl, Part, Placement, Rack, Require, Row,
                        Selector, Supernode)
from .builder import MEDIUM_AUTO, Block

U_MM = 44.45
DEFAULT_SLACK = Fraction(1, 2)     # m
DEFAULT_TRAY = Fraction(3, 10)     # m above the rack top


def build_design(el: Any, name: str, block: Block, span: Any) -> Design:
    racks = _racks(el, block)
    length = _lengths(el, block, racks)
    medium = block.links["medium"].copy()
    if (medium == MEDIUM_AUTO).any():
        medium = _auto_medium(el, block, length, medium, racks)
    links = Links(block.links["a"], block.links["a_port"], block.links["b"], block.links["b_port"],
                  medium, block.links["lanes"].astype(np.int16), block.links["cable"],
                  block.links["connect"], length)
    devices = Devices(tuple(block.names), tuple(block.roles), block.part, block.rack, block.u,
                      np.full(block.n_devices, -1, dtype=np.int32), dict(sorted(block.mgmt.items())))
    sns = tuple(Supernode(n, t, lo, hi, sp) for (n, t, lo, hi, sp) in block.supernodes)
    for k, s in enumerate(sns):
        devices.supernode[s.first_device:s.end_device] = k
    rack_sn = _rack_supernodes(block.rack, devices.supernode, len(racks))
    racks = tuple(Rack(r.name, r.part, r.hall, r.row, r.slot, r.x, r.y, rack_sn[i], r.span) for i, r in enumerate(racks))
    return Design(
        name=name, parts=tuple(el.parts), devices=devices, links=links, racks=racks,
        placements=tuple(Placement(n, r, u, h, sp) for (n, r, u, h, sp) in block.placements),
        halls=tuple(Hall(h[0], tuple(Row(*r) for r in h[1]), h[2], h[3]) for h in el.halls),
        supernodes=sns,
        connects=tuple(Connect(t, s, sp) for (t, s, sp) in el.connects),
        requires=tuple(_require(rq, racks) for rq in block.requires),
        memory=tuple(MemoryDecl(_sn_of(m, devices), m[1].astype(np.int32), m[2], m[3], m[4]) for m in block.memory),
        params=dict(el.params), settings=_settings(el), span=span)


def _rack_supernodes(dev_rack: np.ndarray, dev_sn: np.ndarray, n_racks: int) -> list[int]:
    """The supernode of the first device (by index) placed in each rack; -1 for empty racks."""
    out = np.full(n_racks, -1, dtype=np.int64)
    placed = np.flatnonzero(dev_rack >= 0)
    racks, first = np.unique(dev_rack[placed], return_index=True)
    out[racks] = dev_sn[placed[first]]
    return out.tolist()


def _settings(el: Any) -> dict[str, Any]:
    return {"slack": el.settings.get("slack", DEFAULT_SLACK),
            "routing_factor": el.settings.get("routing_factor", Fraction(1)),
            "tray_height": el.settings.get("tray_height", DEFAULT_TRAY)}


def _sn_of(m: tuple, devices: Devices) -> int:
    if m[0] >= 0 or not len(m[1]):
        return m[0]
    return int(devices.supernode[int(m[1][0])])


def _require(rq: Any, racks: tuple[Rack, ...]) -> Require:
    args = []
    for (text, ids, group, isr) in rq.args:
        if isr and len(ids) == 1 and ids[0] == -1:
            pre = rq.scope + "." if rq.scope else ""
            ids = np.array([i for i, r in enumerate(racks) if r.name.startswith(pre)], dtype=np.int64)
        args.append(Selector(text, np.asarray(ids, dtype=np.int32), group, isr))
    return Require(rq.func, tuple(args), rq.op or "", rq.bound, rq.scope, dict(rq.options), rq.span)


def _racks(el: Any, block: Block) -> list[Rack]:
    out = []
    for i, (name, part, sp) in enumerate(block.racks):
        hall = row = slot = x = y = None
        if i in el.floor:
            hid, rid, slot = el.floor[i]
            hname, rows, _b, _s = el.halls[hid]
            rname, _slots, pitch, ry = rows[rid]
            hall, row, x, y = hname, rname, pitch * slot, ry
        out.append(Rack(name, part, hall, row, slot, x, y, -1, sp))
    return out


LENGTH_CHUNK = 1 << 16   # links per step: float temporaries of 512 KB stay in the cache


def _lengths(el: Any, block: Block, racks: list[Rack]) -> np.ndarray:
    """Cable length in mm from placement; -1 where either end is not placed."""
    n = block.n_links
    if n == 0:
        return np.zeros(0, dtype=np.int32)
    s = _settings(el)
    nr = len(racks)
    xs = np.array([float(r.x) if r.x is not None else np.nan for r in racks] + [np.nan])
    ys = np.array([float(r.y) if r.y is not None else np.nan for r in racks] + [np.nan])
    hs = np.array([float(el.parts[r.part].height or 42) for r in racks] + [42.0])
    floor = _DeviceFloor(block, xs, ys, hs, nr)
    geometry = (float(s["slack"]), float(s["routing_factor"]), float(s["tray_height"]))
    out = np.empty(n, dtype=np.int32)
    for lo in range(0, n, LENGTH_CHUNK):
        hi = min(n, lo + LENGTH_CHUNK)
        out[lo:hi] = _lengths_of(floor, block.links["a"][lo:hi], block.links["b"][lo:hi], geometry)
    return out


class _DeviceFloor:
    """Per device: its rack, position on the floor (NaN off the floor), U and height
    above it to the rack top, so each link needs only gathers."""

    def __init__(self, block: Block, xs: np.ndarray, ys: np.ndarray, hs: np.ndarray, nr: int) -> None:
        self.rack = block.rack
        ir = np.where(block.rack >= 0, block.rack, nr)
        self.x, self.y = xs[ir], ys[ir]
        self.u = block.u.astype(np.float64)
        self.top = hs[ir] - self.u + 1
        self.on_floor = ~np.isnan(self.x)


def _lengths_of(f: _DeviceFloor, a: np.ndarray, b: np.ndarray, geometry: tuple) -> np.ndarray:
    slack, rf, tray = geometry
    ra, rb = f.rack[a], f.rack[b]
    same = (ra == rb) & (ra >= 0)
    metres = np.abs(f.x[a] - f.x[b])
    metres += np.abs(f.y[a] - f.y[b])
    metres *= rf
    vert = f.top[a] + f.top[b]
    vert *= U_MM
    vert /= 1000.0
    vert += 2 * tray
    metres += vert
    metres += slack
    if same.any():
        sa, sb = a[same], b[same]
        metres[same] = np.abs(f.u[sa] - f.u[sb]) * U_MM / 1000.0 + slack
    placed = same | (f.on_floor[a] & f.on_floor[b])
    metres *= 1000.0
    np.ceil(metres, out=metres)
    metres[~placed] = -1
    return metres.astype(np.int32)


def _rack_spans(block: Block, racks: list[Rack], links: np.ndarray) -> np.ndarray:
    """Per link of `links`: racks its cable spans (1 in a rack, |slot difference| + 1 along
    a row, 2 between racks not on the floor, unbounded across rows), for `max_racks` media."""
    ra, rb = block.rack[block.links["a"][links]], block.rack[block.links["b"][links]]
    out = np.ones(len(ra), dtype=np.int64)
    diff = (ra != rb) & (ra >= 0) & (rb >= 0)
    if diff.any():
        keys = sorted({(r.hall, r.row) for r in racks if r.row is not None}, key=str)
        rid = {k: i for i, k in enumerate(keys)}
        row = np.array([rid[(r.hall, r.row)] if r.row is not None else -1 for r in racks] + [-1])
        slot = np.array([r.slot if r.slot is not None else -1 for r in racks] + [-1])
        same = (row[ra] == row[rb]) & (row[ra] >= 0)
        out[diff] = 2
        out[diff & same] = np.abs(slot[ra] - slot[rb])[diff & same] + 1
        out[diff & ~same & (row[ra] >= 0) & (row[rb] >= 0)] = np.iinfo(np.int64).max
    return out


def _auto_medium(el: Any, block: Block, length: np.ndarray, medium: np.ndarray, racks: list[Rack]) -> np.ndarray:
    """The cheapest catalog medium that carries the link's rate, reaches its length and,
    for electrical media with `max_racks`, does not span more racks than allowed.

    Links are grouped by the port groups at their ends (rate and form are properties of
    the group), so the Python work is per group pair, the rest is numpy."""
    media = [(i, p) for i, p in enumerate(el.parts) if p.kind in ("optic", "cable") and p.reach is not None]
    media.sort(key=lambda ip: (ip[1].price if ip[1].price is not None else Fraction(10**9), ip[1].reach, ip[1].qname))
    auto = np.flatnonzero(medium == MEDIUM_AUTO)
    spans = _rack_spans(block, racks, auto)
    L = block.links
    pa, pb = block.part[L["a"][auto]], block.part[L["b"][auto]]
    ga, gb = _group_index(el, pa, L["a_port"][auto]), _group_index(el, pb, L["b_port"][auto])
    n_parts = len(el.parts)
    n_groups = max((len(p.ports) for p in el.parts), default=0) + 1
    keys = ((pa.astype(np.int64) * n_groups + ga) * n_parts + pb) * n_groups + gb
    order = np.argsort(keys, kind="stable")       # stable: link order within a group
    sk = keys[order]
    starts = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1]]) if len(sk) else np.zeros(0, dtype=np.int64)
    bounds = np.r_[starts, len(sk)]
    failed: list[np.ndarray] = []
    for u in range(len(starts)):
        ks = order[bounds[u]:bounds[u + 1]]
        xa, xga, xb, xgb = int(pa[ks[0]]), int(ga[ks[0]]), int(pb[ks[0]]), int(gb[ks[0]])
        rate, cands = _candidates(el, media, xa, xga, xb, xgb)
        idx = auto[ks]
        lens = length[idx]
        span = spans[ks]
        chosen = np.full(len(idx), -3, dtype=np.int64)
        for i, p in cands:
            reach_mm = int(math.floor(p.reach * 1000))
            ok = (chosen == -3) & ((lens < 0) | (lens <= reach_mm)) & ((p.max_racks is None) | (span <= (p.max_racks or 0)))
            chosen[ok] = i
        if (chosen == -3).any():
            failed.append(ks[chosen == -3])
        medium[idx] = chosen
    if failed:
        _no_medium(el, block, media, auto, np.concatenate(failed), length)
    return medium


def _group_index(el: Any, parts: np.ndarray, ports: np.ndarray) -> np.ndarray:
    """Index of the port group each (part, port) falls in (`Part.port_group_of`)."""
    out = np.zeros(len(parts), dtype=np.int64)
    for part in np.unique(parts).tolist():
        sel = parts == part
        ends = np.cumsum([g.count for g in el.parts[part].ports])
        out[sel] = np.searchsorted(ends, ports[sel], side="right")
    return out


def _candidates(el: Any, media: list, xa: int, xga: int, xb: int, xgb: int) -> tuple[Fraction, list]:
    ga, gb = el.parts[xa].ports[xga], el.parts[xb].ports[xgb]
    rate = min(ga.rate, gb.rate)
    forms = {f for f in (ga.form, gb.form) if f}
    protos = {ga.protocol, gb.protocol}
    return rate, [(i, p) for i, p in media if (p.rate is None or p.rate >= rate)
                  and (p.form is None or forms <= {p.form})         # it plugs into both ends
                  and (p.protocol is None or protos == {p.protocol})]


def _no_medium(el: Any, block: Block, media: list, auto: np.ndarray, ks: np.ndarray, length: np.ndarray) -> None:
    """SN0605 for the first failing link by (part, port, part, port), then link order."""
    L = block.links
    a, b = L["a"][auto[ks]], L["b"][auto[ks]]
    pa, pb = block.part[a], block.part[b]
    k0 = int(auto[ks[np.lexsort((ks, L["b_port"][auto[ks]], pb, L["a_port"][auto[ks]], pa))[0]]])
    ia, ib = int(L["a"][k0]), int(L["b"][k0])
    xga = int(_group_index(el, block.part[[ia]], L["a_port"][[k0]])[0])
    xgb = int(_group_index(el, block.part[[ib]], L["b_port"][[k0]])[0])
    rate, cands = _candidates(el, media, int(block.part[ia]), xga, int(block.part[ib]), xgb)
    far = int(length[k0])
    cid = int(L["connect"][k0])
    best = max((p.reach for _i, p in cands), default=None)
    fa, fb = el.parts[int(block.part[ia])].ports[xga].form, el.parts[int(block.part[ib])].ports[xgb].form
    over = f"over {far / 1000:g} m for" if far >= 0 else "for the unplaced link"
    notes = [] if far >= 0 else ["the link's length is unknown: its ends are not both in racks on a hall floor"]
    between = f" between forms {fa} and {fb}" if best is None and fa and fb and fa != fb else ""
    if best is not None:
        notes.append(f"{len(cands)} media match the rate and form; the longest reach is {float(best):g} m")
        hint = "import an optics catalog with longer reach, or move the racks closer"
    elif fa and fb and fa != fb:
        notes.append(f"the ends have different forms, {fa} at `{block.names[ia]}` and {fb} at `{block.names[ib]}`: "
                     "a medium plugs into both, so none fits")
        hint = "use ports of one form at both ends, or name a medium without a `form` (an adapter cable)"
    else:
        form = f" and form {fa or fb}" if fa or fb else ""
        notes.append(f"no medium in the imported catalogs matches the ports' rate ({_rate(rate)}){form}")
        hint = (f'import a catalog of optics and cables (`import "optics"`) or declare an optic or cable of '
                f"{_rate(rate)}{form}")
    raise DiagnosticError(error(
        "SN0605", f"no catalog medium carries {_rate(rate)}{between} {over} `{block.names[ia]}` -> `{block.names[ib]}`",
        el.connects[cid][2], label="`medium auto` found nothing", notes=tuple(notes), hint=hint))


def _rate(bps: Fraction) -> str:
    from .. import units
    return units.Quantity(bps, units.RATE).format()
