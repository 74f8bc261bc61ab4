"""Vectorised port allocation for large `connect` statements (layer 4).

`connect.py` enumerates a connect's (device, port group, port) pairs and allocates
ports one link at a time: explicit indices as written, the rest first-free from a
per-(device, group) cursor. At a million accelerators a single top-level connect
makes a million links, so this module does the same allocation with numpy when the
result cannot depend on the order of the takes:

- no `split` (breakouts share an a-side port between links);
- no (device, group) appears on both ends of the connect;
- no (device, group) gets both explicit and first-free ports in the connect.

It computes everything before touching the builder; when any port is short or used
twice it returns False without changes, and the sequential path runs and reports the
error exactly as before. The result (ports, lanes, cables, cursors, used ports) is
the sequential one, link for link.
"""

from __future__ import annotations

from array import array
from typing import Any

import numpy as np

FAST_MIN_LINKS = 256   # below this the sequential loop is as fast
FAST_MIN_BLOCK = 64    # links of one binding appended with numpy rather than one by one


def append_links(cols: list[array], a_devs: list[int], a_group: int, a_ports: list[int],
                 ends: tuple[np.ndarray, np.ndarray, np.ndarray], reps: list[int]) -> None:
    """Append, in the sequential order, for a in a_devs, ap in a_ports, r < reps[a], every end."""
    e_b, e_bg, e_bp = ends
    n_e, n_p = len(e_b), len(a_ports)
    counts = np.asarray(reps, dtype=np.int64) * n_e
    total = int(counts.sum()) * n_p
    if total == 0:
        return
    ad = np.repeat(np.asarray(a_devs, dtype=np.int64), counts * n_p)
    ap = np.repeat(np.tile(np.asarray(a_ports, dtype=np.int64), len(a_devs)), np.repeat(counts, n_p))
    blocks = total // n_e
    for col, v in zip(cols, (ad, np.full(total, a_group, dtype=np.int64), ap,
                             np.tile(e_b, blocks), np.tile(e_bg, blocks), np.tile(e_bp, blocks))):
        col.frombytes(v.astype(np.int64, copy=False).tobytes())


def allocate(el: Any, ctx: Any, o: Any, cols: list[array], cid: int) -> bool:
    """Allocate ports, lanes and cables for every enumerated link; False: use the slow path."""
    n = len(cols[0])
    if n < FAST_MIN_LINKS or o.split > 1:
        return False
    a, ag, ap, d, bg, bp = (np.frombuffer(c, dtype=np.int64).copy() for c in cols)
    b = ctx.builder
    n_groups = max((len(p.ports) for p in el.parts), default=0) + 1
    ka, kb = a * n_groups + ag, d * n_groups + bg
    if np.intersect1d(ka, kb).size or _mixed(ka, ap) or _mixed(kb, bp):
        return False
    plan_a = _side(el, b, a, ag, ap, ka)
    plan_b = _side(el, b, d, bg, bp, kb) if plan_a is not None else None
    if plan_a is None or plan_b is None:
        return False
    port_a, port_b = plan_a[0], plan_b[0]
    parts = b.parts()
    pa, pb = parts[a].astype(np.int64), parts[d].astype(np.int64)
    lanes = np.full(n, o.lanes, dtype=np.int64) if o.lanes else _lanes(el, pa, ag, pb, bg)
    cable = _cables(b, o, a, n)
    _commit(b, plan_a, a, ag)
    _commit(b, plan_b, d, bg)
    b.add_link_columns({"a": a, "a_port": port_a, "b": d, "b_port": port_b, "medium": np.full(n, o.medium),
                        "lanes": lanes, "cable": cable, "connect": np.full(n, cid)})
    return True


def _mixed(keys: np.ndarray, ports: np.ndarray) -> bool:
    auto = ports < 0
    if auto.all() or not auto.any():
        return False
    return bool(np.intersect1d(keys[auto], keys[~auto]).size)


def _group_lo_hi(el: Any, part: int, group: int) -> tuple[int, int]:
    p = el.parts[part]
    off = p.port_offsets()[group]
    return off, off + p.ports[group].count


def _side(el: Any, b: Any, dev: np.ndarray, grp: np.ndarray, req: np.ndarray, keys: np.ndarray) -> tuple | None:
    """Ports of one end of every link, plus what to record; None if any take would fail."""
    base, parts = b.port_base(), b.parts()
    used = np.frombuffer(b.used, dtype=np.uint8)
    port = np.empty(len(dev), dtype=np.int64)
    explicit = req >= 0
    cursors: dict[tuple[int, int], int] = {}
    try:
        if explicit.any():
            idx = np.flatnonzero(explicit)
            lo = _lo_of(el, parts[dev[idx]], grp[idx])
            port[idx] = lo + req[idx]
            glob = base[dev[idx]] + port[idx]
            if used[glob].any() or len(np.unique(glob)) != len(glob):
                return None
        if not explicit.all():
            idx = np.flatnonzero(~explicit)
            if not _first_free(el, b, used, dev, grp, keys, idx, port, cursors):
                return None
    finally:
        del used
    return port, cursors


def _lo_of(el: Any, parts: np.ndarray, grp: np.ndarray) -> np.ndarray:
    """First device-level port of each (part, group)."""
    n_groups = max((len(p.ports) for p in el.parts), default=0) + 1
    keys = parts.astype(np.int64) * n_groups + grp
    combos, inv = np.unique(keys, return_inverse=True)
    los = [_group_lo_hi(el, *divmod(k, n_groups))[0] for k in combos.tolist()]
    return np.asarray(los, dtype=np.int64)[inv.reshape(-1)]


def _first_free(el: Any, b: Any, used: np.ndarray, dev: np.ndarray, grp: np.ndarray, keys: np.ndarray,
                idx: np.ndarray, port: np.ndarray, cursors: dict) -> bool:
    """The k-th first-free take of a (device, group) gets its k-th free port from the cursor."""
    base, parts = b.port_base(), b.parts()
    sub = keys[idx]
    order = np.argsort(sub, kind="stable")
    sk = sub[order]
    starts = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1]])
    ends = np.r_[starts[1:], len(sk)]
    occ = np.arange(len(sk)) - np.repeat(starts, ends - starts)
    first = idx[order[starts]]
    cur = np.empty(len(starts), dtype=np.int64)
    span: dict[tuple[int, int], tuple[int, int]] = {}
    for k, (dv, g) in enumerate(zip(dev[first].tolist(), grp[first].tolist())):
        part = int(parts[dv])
        lo, hi = span.get((part, g)) or span.setdefault((part, g), _group_lo_hi(el, part, g))
        c = b.cursor.get((dv, g), lo)
        need = int(ends[k] - starts[k])
        db = int(base[dv])
        if used[db + c: db + hi].any():
            free = [c + i for i, x in enumerate(used[db + c: db + hi].tolist()) if not x]
            if need > len(free):
                return False
            port[idx[order[starts[k]:ends[k]]]] = free[:need]
            cursors[(dv, g)] = free[need - 1] + 1
            cur[k] = -1
            continue
        if c + need > hi:
            return False
        cur[k] = c
        cursors[(dv, g)] = c + need
    regular = np.repeat(cur >= 0, ends - starts)
    port[idx[order[regular]]] = np.repeat(cur, ends - starts)[regular] + occ[regular]
    return True


def _commit(b: Any, plan: tuple, dev: np.ndarray, grp: np.ndarray) -> None:
    port, cursors = plan
    used = np.frombuffer(b.used, dtype=np.uint8)
    used[b.port_base()[dev] + port] = 1
    del used
    b.cursor.update(cursors)


def _lanes(el: Any, pa: np.ndarray, ag: np.ndarray, pb: np.ndarray, bg: np.ndarray) -> np.ndarray:
    """`_lanes` of connect.py (split 1) per distinct (part, group, part, group)."""
    n_parts = len(el.parts)
    n_groups = max((len(p.ports) for p in el.parts), default=0) + 1
    keys = ((pa * n_groups + ag) * n_parts + pb) * n_groups + bg
    combos, inv = np.unique(keys, return_inverse=True)
    vals = []
    for k in combos.tolist():
        rest, xgb = divmod(k, n_groups)
        rest, xb = divmod(rest, n_parts)
        xa, xga = divmod(rest, n_groups)
        vals.append(max(1, min(el.parts[xa].ports[xga].lanes, el.parts[xb].ports[xgb].lanes)))
    return np.asarray(vals, dtype=np.int64)[inv.reshape(-1)]


def _cables(b: Any, o: Any, a: np.ndarray, n: int) -> np.ndarray:
    """Cable ids as the sequential `_cable`: one per link, or one per `bundle` links of a device."""
    if o.medium == -1:
        return np.full(n, -1, dtype=np.int64)
    if o.bundle <= 1:
        first = b.n_cables
        b.n_cables += n
        return first + np.arange(n, dtype=np.int64)
    order = np.argsort(a, kind="stable")
    sa = a[order]
    starts = np.flatnonzero(np.r_[True, sa[1:] != sa[:-1]])
    occ = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    opens = np.zeros(n, dtype=bool)
    opens[order] = occ % o.bundle == 0            # this link opens a new cable
    ids = np.cumsum(opens) - 1 + b.n_cables       # cable ids in order of opening
    opener = np.empty(n, dtype=np.int64)          # the link that opened each link's cable
    opener[order] = order[np.arange(n) - occ % o.bundle]
    b.n_cables += int(opens.sum())
    return ids[opener]
