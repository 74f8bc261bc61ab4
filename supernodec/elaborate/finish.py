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
        medium = _auto_medium(el, block, length, medium)
    links = Links(block.links["a"], block.links["a_port"], block.links["b"], block.links["b_port"],
                  medium, block.links["lanes"].astype(np.int16), block.links["cable"],
                  block.links["connect"], length)
    devices = Devices(tuple(block.names), tuple(block.roles), block.part, block.rack, block.u,
                      np.full(block.n_devices, -1, dtype=np.int32), dict(sorted(block.mgmt.items())))
    sns = tuple(Supernode(n, t, lo, hi, sp) for (n, t, lo, hi, sp) in block.supernodes)
    for k, s in enumerate(sns):
        devices.supernode[s.first_device:s.end_device] = k
    rack_sn = [int(devices.supernode[np.flatnonzero(block.rack == r)[0]]) if (block.rack == r).any() else -1
               for r in range(len(racks))] if len(racks) < 5000 else [-1] * len(racks)
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


def _lengths(el: Any, block: Block, racks: list[Rack]) -> np.ndarray:
    """Cable length in mm from placement; -1 where either end is not placed."""
    n = block.n_links
    if n == 0:
        return np.zeros(0, dtype=np.int32)
    s = _settings(el)
    a, b = block.links["a"], block.links["b"]
    ra, rb = block.rack[a], block.rack[b]
    ua, ub = block.u[a].astype(np.float64), block.u[b].astype(np.float64)
    nr = len(racks)
    xs = np.array([float(r.x) if r.x is not None else np.nan for r in racks] + [np.nan])
    ys = np.array([float(r.y) if r.y is not None else np.nan for r in racks] + [np.nan])
    hs = np.array([float(el.parts[r.part].height or 42) for r in racks] + [42.0])
    ia = np.where(ra >= 0, ra, nr)
    ib = np.where(rb >= 0, rb, nr)
    slack, rf, tray = float(s["slack"]), float(s["routing_factor"]), float(s["tray_height"])
    same = (ra == rb) & (ra >= 0)
    vert_same = np.abs(ua - ub) * U_MM / 1000.0
    floor = (np.abs(xs[ia] - xs[ib]) + np.abs(ys[ia] - ys[ib])) * rf
    vert = ((hs[ia] - ua + 1) + (hs[ib] - ub + 1)) * U_MM / 1000.0 + 2 * tray
    metres = np.where(same, vert_same + slack, floor + vert + slack)
    placed = (ra >= 0) & (rb >= 0) & (same | (~np.isnan(xs[ia]) & ~np.isnan(xs[ib])))
    mm = np.where(placed, np.ceil(metres * 1000.0), -1)
    return mm.astype(np.int32)


def _auto_medium(el: Any, block: Block, length: np.ndarray, medium: np.ndarray) -> np.ndarray:
    """The cheapest catalog medium that carries the link's rate and reaches its length."""
    media = [(i, p) for i, p in enumerate(el.parts) if p.kind in ("optic", "cable") and p.reach is not None]
    media.sort(key=lambda ip: (ip[1].price if ip[1].price is not None else Fraction(10**9), ip[1].reach, ip[1].qname))
    auto = np.flatnonzero(medium == MEDIUM_AUTO)
    parts = block.part
    a, b = block.links["a"][auto], block.links["b"][auto]
    ap, bp = block.links["a_port"][auto], block.links["b_port"][auto]
    keys: dict[tuple[int, int, int, int], list[int]] = {}
    pa, pb = parts[a], parts[b]
    for k in range(len(auto)):
        keys.setdefault((int(pa[k]), int(ap[k]), int(pb[k]), int(bp[k])), []).append(k)
    for (xa, xap, xb, xbp), ks in sorted(keys.items()):
        ga, _ = el.parts[xa].port_group_of(xap)
        gb, _ = el.parts[xb].port_group_of(xbp)
        rate = min(ga.rate, gb.rate)
        forms = {f for f in (ga.form, gb.form) if f}
        cands = [(i, p) for i, p in media if (p.rate is None or p.rate >= rate)
                 and (not forms or p.form is None or p.form in forms)]
        idx = auto[np.asarray(ks)]
        lens = length[idx]
        chosen = np.full(len(idx), -3, dtype=np.int64)
        for i, p in cands:
            reach_mm = int(math.floor(p.reach * 1000))
            ok = (chosen == -3) & ((lens < 0) | (lens <= reach_mm))
            chosen[ok] = i
        if (chosen == -3).any():
            k0 = int(idx[np.flatnonzero(chosen == -3)[0]])
            far = int(lens[np.flatnonzero(chosen == -3)[0]])
            cid = int(block.links["connect"][k0])
            best = max((p.reach for _i, p in cands), default=None)
            raise DiagnosticError(error(
                "SN0605", f"no catalog medium carries {_rate(rate)} over {far / 1000:g} m for `{block.names[int(block.links['a'][k0])]}` -> `{block.names[int(block.links['b'][k0])]}`",
                el.connects[cid][2], label="`medium auto` found nothing",
                notes=(f"{len(cands)} media match the rate and form; the longest reach is {float(best):g} m" if best is not None
                       else "no medium in the imported catalogs matches the ports' rate and form",),
                hint="import an optics catalog with longer reach, or move the racks closer"))
        medium[idx] = chosen
    return medium


def _rate(bps: Fraction) -> str:
    from .. import units
    return units.Quantity(bps, units.RATE).format()
