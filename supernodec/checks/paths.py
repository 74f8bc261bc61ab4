"""Worst case over all pairs of shortest paths, without visiting all pairs.

The metric of a path between two devices is the sum of the `enter` cost of every
device strictly inside it (a switch's latency, or 1 per switch for hop counts) plus the
propagation delay of its links. Only forwarding devices (switches, NICs) may be inside a
path. On the directed graph this becomes: arc u->v costs prop(u, v) + enter(v), plus
BIG when u is an endpoint, so a path that leaves an endpoint twice (transits one) costs
at least 2 BIG and is recognised as no path at all.

`worst_pair` answers max over a in A, b in B, a != b of d(a, b) with few single-source
searches (scipy's C Dijkstra):

1. Sources collapse into units. An endpoint with a single neighbour switch s has
   d(a, b) = w(a, s) + d_s(b): all such endpoints of s share one search from s (the
   best b for each is the top or, when b is a itself, the second of that row).
   Endpoints with identical out-arcs (neighbours and weights) share one search.
2. Landmarks (the middle switch of the longest paths found by two sweeps) give each
   unit an upper bound d(a, c) + enter(c) + max_b d(c, b).
3. Units are searched in decreasing bound order until every remaining bound is within
   the target (the requirement's bound, or the worst value found when looking for the
   exact worst case), or a work budget runs out; then the answer says how far it got.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from scipy.sparse import csr_array
from ..ir.csgraph import dijkstra

from ..ir.model import Design
from .common import forwarding, links_within, sealed_region

FS_PER_S = 10**15
BIG = float(2**50)
HALF = BIG / 2
BATCH = 32
WORK = 5e7            # searches x (nodes + arcs) before giving up: a few seconds
MIN_SEARCHES = 16


@dataclass
class PathGraph:
    csr: csr_array
    lo: int                 # node i is device lo + i
    endpoint: np.ndarray    # bool per node: may not be inside a path
    enter: np.ndarray       # float per node: cost of passing through it
    links: np.ndarray       # design link ids inside the graph
    prop: np.ndarray        # per link in `links`: propagation cost
    unknown: int            # links without a length or a medium delay (propagation 0)

    @property
    def n(self) -> int:
        return int(self.endpoint.shape[0])


def _delay_fs_per_mm(design: Design) -> np.ndarray:
    vals = [float(round(p.delay * 10**12)) if p.delay is not None else -1.0 for p in design.parts]
    return np.array(vals + [-1.0])


def latency_fs(design: Design) -> np.ndarray:
    """Per part: its port-to-port `latency` in femtoseconds (0 when it declares none)."""
    return np.array([float(round((p.latency or Fraction(0)) * FS_PER_S)) for p in design.parts] + [0.0])


def build_graph(design: Design, lo: int, hi: int, metric: str, reduced: bool = False) -> PathGraph:
    """The directed graph of devices [lo, hi) for `metric` "latency" (fs) or "hops".

    `reduced` leaves out the links at the switches of sealed supernodes (`common.sealed`):
    distances between devices that are not both in one such supernode stay the same."""
    n = hi - lo
    ids = links_within(design, lo, hi)
    if reduced:
        ids = ids[sealed_region(design, ids) < 0]
    L = design.links
    a = (L.a[ids] - lo).astype(np.int64)
    b = (L.b[ids] - lo).astype(np.int64)
    fwd = forwarding(design)[lo:hi]
    part = design.devices.part[lo:hi]
    if metric == "latency":
        per_mm = _delay_fs_per_mm(design)[L.medium[ids]]
        length = L.length_mm[ids].astype(np.float64)
        known = (per_mm >= 0) & (length >= 0)
        prop = np.where(known, length * np.maximum(per_mm, 0), 0.0)
        unknown = int(np.count_nonzero(~known & (L.medium[ids] >= 0)) + np.count_nonzero(length < 0))
        enter = np.where(fwd, latency_fs(design)[part], 0.0)
    else:
        prop = np.zeros(ids.size)
        unknown = 0
        enter = fwd.astype(np.float64)
    keep = a != b
    u = np.concatenate([a[keep], b[keep]])
    v = np.concatenate([b[keep], a[keep]])
    w = np.concatenate([prop[keep], prop[keep]]) + enter[v] + np.where(fwd[u], 0.0, BIG)
    key = u * n + v
    order = np.argsort(key)
    key, w = key[order], w[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else np.zeros(0, np.int64)
    wmin = np.minimum.reduceat(w, starts) if key.size else w       # parallel links: the fastest
    g = csr_array((wmin, (key[starts] // n, key[starts] % n)), shape=(n, n))
    g.sort_indices()
    return PathGraph(g, lo, ~fwd, enter, ids, prop, unknown)


# --------------------------------------------------------------------------- units
@dataclass
class Unit:
    node: int                      # search source
    via: bool                      # True: members hang off `node` (a switch) by one arc
    members: np.ndarray            # A nodes this search answers for
    offsets: np.ndarray            # via: cost of the member's arc to `node`
    upper: float = np.inf
    done: bool = False


def make_units(g: PathGraph, A: np.ndarray) -> list[Unit]:
    indptr, indices, data = g.csr.indptr, g.csr.indices, g.csr.data
    deg = indptr[A + 1] - indptr[A]
    ep = g.endpoint[A]
    first = indices[np.minimum(indptr[A], max(indices.size - 1, 0))] if indices.size else np.zeros(A.size, np.int64)
    single = ep & (deg == 1) & ~g.endpoint[first] if indices.size else np.zeros(A.size, bool)
    units: list[Unit] = []
    via_nodes = first[single]
    via_members = A[single]
    via_off = data[indptr[via_members]] - BIG if via_members.size else np.zeros(0)
    if via_members.size:
        order = np.argsort(via_nodes, kind="stable")
        vn, vm, vo = via_nodes[order], via_members[order], via_off[order]
        cuts = np.flatnonzero(np.diff(vn)) + 1
        for nodes, mem, off in zip(np.split(vn, cuts), np.split(vm, cuts), np.split(vo, cuts)):
            units.append(Unit(int(nodes[0]), True, mem, off))
    rest = A[~single]
    for a in rest[~g.endpoint[rest]].tolist():
        units.append(Unit(a, False, np.array([a]), np.zeros(1)))
    for mem in _same_out_arcs(g, rest[g.endpoint[rest]]):
        units.append(Unit(int(mem[0]), False, mem, np.zeros(mem.size)))
    units.sort(key=lambda u: u.node)
    return units


def _same_out_arcs(g: PathGraph, nodes: np.ndarray, width: int = 64) -> list[np.ndarray]:
    """`nodes` grouped by identical out-arcs (neighbours and weights), exactly.

    Rows of up to `width` arcs become fixed-width records compared with `np.unique`;
    wider rows (rare) are compared as bytes."""
    if nodes.size == 0:
        return []
    indptr, indices, data = g.csr.indptr, g.csr.indices, g.csr.data
    deg = indptr[nodes + 1] - indptr[nodes]
    small = deg <= width
    groups: list[np.ndarray] = []
    ns = nodes[small]
    if ns.size:
        d = int(deg[small].max()) if ns.size else 0
        j = np.arange(max(d, 1))
        pos = indptr[ns][:, None] + j[None, :]
        valid = j[None, :] < deg[small][:, None]
        pos = np.where(valid, pos, 0)
        rec = np.concatenate([deg[small][:, None].astype(np.float64),
                              np.where(valid, indices[pos] if indices.size else 0, -1).astype(np.float64),
                              np.where(valid, data[pos] if data.size else 0, -1.0)], axis=1)
        _, inv = np.unique(rec, axis=0, return_inverse=True)
        inv = inv.ravel()
        order = np.argsort(inv, kind="stable")
        cuts = np.flatnonzero(np.diff(inv[order])) + 1
        groups += np.split(ns[order], cuts)
    wide: dict[bytes, list[int]] = {}
    for a in nodes[~small].tolist():
        st, en = indptr[a], indptr[a + 1]
        wide.setdefault(hashlib.blake2b(indices[st:en].tobytes() + data[st:en].tobytes()).digest(), []).append(a)
    groups += [np.array(v) for v in wide.values()]
    return groups


# --------------------------------------------------------------------------- result
@dataclass
class Worst:
    value: float = -np.inf          # worst pair metric found (fs or hops)
    src: int = -1                   # nodes of the worst pair
    dst: int = -1
    exact: bool = True              # value is the worst over all pairs
    upper: float = -np.inf          # when not exact: no pair exceeds this
    unreachable: int = 0            # pairs with no path (among the searched units)
    unreachable_pair: tuple[int, int] | None = None
    searches: int = 0
    pairs: int = 0
    notes: list[str] = field(default_factory=list)

    def offer(self, value: float, src: int, dst: int) -> None:
        if value > self.value or (value == self.value and (src, dst) < (self.src, self.dst)):
            self.value, self.src, self.dst = value, src, dst


def _rows(g: PathGraph, nodes: list[int]) -> np.ndarray:
    return np.atleast_2d(dijkstra(g.csr, indices=nodes))


def _evaluate(g: PathGraph, units: list[Unit], B: np.ndarray, res: Worst) -> None:
    rows = _rows(g, [u.node for u in units])
    res.searches += len(units)
    for u, row in zip(units, rows):
        u.done = True
        true = row[B] - g.enter[B]
        if not u.via and g.endpoint[u.node]:
            true = true - BIG
        if u.via:
            _via(u, B, true, res)
        else:
            _direct(g, u, B, true, row, res)


def _bad(x: np.ndarray) -> np.ndarray:
    return ~np.isfinite(x) | (x >= HALF)


def _via(u: Unit, B: np.ndarray, true: np.ndarray, res: Worst) -> None:
    bad = _bad(true)
    nb = int(bad.sum())
    if nb:
        res.unreachable += nb * u.members.size
        res.unreachable_pair = res.unreachable_pair or (int(u.members[0]), int(B[np.argmax(bad)]))
    t = np.where(bad, -np.inf, true)
    if t.size == 0:
        return
    i1 = int(np.argmax(t))
    t2 = t.copy()
    t2[i1] = -np.inf
    i2 = int(np.argmax(t2)) if t.size > 1 else -1
    b1 = int(B[i1])
    for m, off in zip(u.members.tolist(), u.offsets.tolist()):
        if b1 != m:
            res.offer(off + t[i1], m, b1)
        elif i2 >= 0 and np.isfinite(t2[i2]):
            res.offer(off + t2[i2], m, int(B[i2]))


def _direct(g: PathGraph, u: Unit, B: np.ndarray, true: np.ndarray, row: np.ndarray, res: Worst) -> None:
    members = u.members
    is_member = np.isin(B, members)
    outside = ~is_member
    bad = _bad(true) & outside
    nb = int(bad.sum())
    if nb:
        res.unreachable += nb * members.size
        res.unreachable_pair = res.unreachable_pair or (u.node, int(B[np.argmax(bad)]))
    t = np.where(outside & ~bad, true, -np.inf)
    if t.size and np.isfinite(t.max()):
        i = int(np.argmax(t))
        res.offer(float(t[i]), u.node, int(B[i]))
    in_b = int(np.count_nonzero(is_member))
    if members.size >= 2 and in_b >= 1:
        # members share their out-arcs, so every pair inside the unit has the same metric
        other = int(members[1]) if int(members[0]) == u.node else int(members[0])
        within = float(row[other] - g.enter[other] - BIG)
        if within >= HALF or not np.isfinite(within):
            res.unreachable += in_b * (members.size - 1)
        else:
            res.offer(within, u.node, other)


# --------------------------------------------------------------------------- landmarks
def _path(pred: np.ndarray, src: int, dst: int) -> list[int]:
    out = [dst]
    while out[-1] != src and pred[out[-1]] >= 0:
        out.append(int(pred[out[-1]]))
    return out[::-1] if out[-1] == src else []


def path_between(g: PathGraph, src: int, dst: int) -> list[int]:
    _, pred = dijkstra(g.csr, indices=src, return_predecessors=True)
    return _path(pred, src, dst)


def _sweep(g: PathGraph, src: int, targets: np.ndarray) -> tuple[int, list[int]]:
    """(farthest reachable target from src, the two forwarding nodes of that path nearest
    its middle: both sides of a midpoint that falls between two switches)."""
    dist, pred = dijkstra(g.csr, indices=src, return_predecessors=True)
    true = dist - (BIG if g.endpoint[src] else 0.0)
    t = true[targets] - g.enter[targets]
    t = np.where(_bad(t) | (targets == src), -np.inf, t)
    if t.size == 0 or not np.isfinite(t.max()):
        return -1, []
    far = int(targets[int(np.argmax(t))])
    inner = [x for x in _path(pred, src, far)[1:-1] if not g.endpoint[x]]
    half = float(t.max()) / 2
    return far, [int(x) for x in sorted(inner, key=lambda x: (abs(true[x] - half), x))[:2]]


def _landmarks(g: PathGraph, A: np.ndarray, B: np.ndarray, units: list[Unit]) -> list[int]:
    marks: list[int] = []
    for start in dict.fromkeys((units[0].node, units[-1].node)):   # both ends of the design
        src = start
        for targets in (B, A):
            far, mids = _sweep(g, src, targets)
            if far < 0:
                break
            marks += [m for m in mids if m not in marks]
            src = far
    return marks


def _upper_bounds(g: PathGraph, marks: list[int], A: np.ndarray, B: np.ndarray, units: list[Unit]) -> None:
    if not marks:
        return
    rows = _rows(g, marks)
    ub = np.full(g.n, np.inf)
    for c, row in zip(marks, rows):
        tb = row[B] - g.enter[B]
        if _bad(tb).any():
            continue
        reach = row - g.enter
        cand = np.where(_bad(reach), np.inf, reach + g.enter[c] + float(tb.max()))
        ub = np.minimum(ub, cand)
    members = np.concatenate([u.members for u in units])
    owner = np.repeat(np.arange(len(units)), [u.members.size for u in units])
    upper = np.full(len(units), -np.inf)
    np.maximum.at(upper, owner, ub[members])
    for u, x in zip(units, upper.tolist()):
        u.upper = x


def worst_pair(g: PathGraph, A: np.ndarray, B: np.ndarray, bound: float | None = None,
               budget: int | None = None) -> Worst:
    """The worst pair over A x B (a != b). With `bound`, stops once the answer is known
    to be within it; without, finds the exact worst case (within `budget` searches)."""
    res = Worst()
    A = np.unique(A.astype(np.int64))
    B = np.unique(B.astype(np.int64))
    inB = np.zeros(g.n, bool)
    inB[B] = True
    res.pairs = A.size * B.size - int(np.count_nonzero(inB[A]))
    if res.pairs <= 0:
        return res
    units = make_units(g, A)
    if budget is None:
        budget = max(MIN_SEARCHES, int(WORK // max(g.n + g.csr.nnz, 1)))
    _evaluate(g, units[:1], B, res)
    marks = _landmarks(g, A, B, units)
    res.searches += 4 + len(marks)
    _upper_bounds(g, marks, A, B, units)
    queue = sorted((u for u in units if not u.done), key=lambda u: (-u.upper, u.node))
    at = 0
    while True:
        # the target only grows (the bound, or the worst value found once it exceeds it)
        target = res.value if (bound is None or res.value > bound) else bound
        while at < len(queue) and queue[at].done:
            at += 1
        if at == len(queue) or queue[at].upper <= target:
            return res
        if res.searches >= budget:
            res.exact = False
            res.upper = queue[at].upper
            return res
        batch = [u for u in queue[at:at + BATCH] if u.upper > target]
        _evaluate(g, batch, B, res)
