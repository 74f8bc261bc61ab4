"""Maximum flow between two device sets over link capacities (scipy, C-backed).

Used for bisection bandwidth: a super-source feeds every device of side A, every device
of side B drains into a super-sink, and each link is two arcs (one per direction) of its
per-direction capacity. Traffic may transit forwarding devices (switches, NICs) only:
an endpoint sends only if it is in A and receives only if it is in B.

scipy's `maximum_flow` works in int32, so capacities are expressed in units of their
greatest common divisor (exact); only if the total still overflows are they rounded
down to a coarser unit, and the result says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from ..ir.csgraph import breadth_first_order, maximum_flow

from ..ir.model import Design
from .common import capacity, exact_sums, forwarding, links_within, sealed_region

INT32_MAX = 2**31 - 1


@dataclass(frozen=True)
class Flow:
    value: int              # bit/s per direction
    exact: bool             # False if capacities had to be rounded to fit int32
    cut_links: np.ndarray   # design link ids crossing the minimum cut (source side -> sink side)
    saturated_a: int = 0    # side-A devices whose own links are all in the cut
    saturated_b: int = 0    # side-B devices likewise


def max_flow(design: Design, lo: int, hi: int, side_a: np.ndarray, side_b: np.ndarray, cut: bool = False) -> Flow:
    """Max flow from devices `side_a` to `side_b` using only links inside devices [lo, hi);
    with `cut`, also the minimum cut (for reports)."""
    n = hi - lo
    ids = links_within(design, lo, hi)
    L = design.links
    a, b = (L.a[ids] - lo).astype(np.int64), (L.b[ids] - lo).astype(np.int64)
    cap = capacity(design)[ids]
    in_a = np.zeros(n, bool)
    in_b = np.zeros(n, bool)
    in_a[side_a - lo] = True
    in_b[side_b - lo] = True
    fwd = forwarding(design)[lo:hi]
    may_send, may_receive = (fwd | in_a) & ~in_b, (fwd | in_b) & ~in_a
    keep = (a != b) & (cap > 0)
    arcs = [keep & may_send[a] & may_receive[b], keep & may_send[b] & may_receive[a]]   # a->b, b->a
    if not (arcs[0].any() or arcs[1].any()):
        return Flow(0, True, np.zeros(0, np.int64))
    unit = int(np.gcd.reduce(cap[arcs[0] | arcs[1]]))
    a_nodes = np.flatnonzero(in_a)
    b_nodes = np.flatnonzero(in_b)
    out_a = _side_sums(a, b, cap // unit, arcs, a_nodes, n)
    exact = True
    total = int(out_a.sum())
    if total > INT32_MAX:
        unit *= math.ceil(total / INT32_MAX)
        exact = False
        out_a = _side_sums(a, b, cap // unit, arcs, a_nodes, n)
    cu = cap // unit
    in_bb = _side_sums(b, a, cu, arcs, b_nodes, n)
    live = ~_dead_end(design, lo, ids, in_a, in_b)
    ab, ba = arcs[0] & live, arcs[1] & live
    u = np.concatenate([a[ab], b[ba]])
    v = np.concatenate([b[ab], a[ba]])
    lid = np.concatenate([ids[ab], ids[ba]])
    s, t = n, n + 1
    rows = np.concatenate([u, np.full(a_nodes.size, s), b_nodes])
    cols = np.concatenate([v, a_nodes, np.full(b_nodes.size, t)])
    data = np.concatenate([cu[ab], cu[ba], out_a, in_bb]).astype(np.int64)
    good = data > 0
    g = sp.csr_array((data[good].astype(np.int32), (rows[good], cols[good])), shape=(n + 2, n + 2))
    g.sum_duplicates()
    g.sort_indices()
    res = maximum_flow(g, s, t)
    if not cut:
        return Flow(int(res.flow_value) * unit, exact, np.zeros(0, np.int64))
    reach = _source_side(g, res.flow, s)
    cut = np.unique(lid[reach[u] & ~reach[v]])
    return Flow(int(res.flow_value) * unit, exact, cut, int((~reach[a_nodes]).sum()), int(reach[b_nodes].sum()))


def _side_sums(a: np.ndarray, b: np.ndarray, cu: np.ndarray, arcs: list[np.ndarray], nodes: np.ndarray,
               n: int) -> np.ndarray:
    """Per node of `nodes`: the capacity of the arcs a->b (arcs[0]) and b->a (arcs[1]) at
    their `a` end (swap `a` and `b` for the arcs in)."""
    on = np.zeros(n, bool)
    on[nodes] = True
    ab = arcs[0] & on[a]
    ba = arcs[1] & on[b]
    return (exact_sums(a[ab], cu[ab], n) + exact_sums(b[ba], cu[ba], n))[nodes]


def _dead_end(design: Design, lo: int, lid: np.ndarray, in_a: np.ndarray, in_b: np.ndarray) -> np.ndarray:
    """Per link: True when it touches the switches of a sealed supernode with devices of one
    side only. Flow entering those switches could only leave towards the other side
    inside the supernode, so no source-to-sink path uses them; leaving them out changes
    neither the flow nor the minimum cut (the source and sink arcs keep the capacities of
    every arc, computed before)."""
    region = sealed_region(design, lid)
    if not (region >= 0).any():
        return np.zeros(lid.size, bool)
    sn = design.devices.supernode[lo:lo + in_a.size]
    has = []
    for side in (in_a, in_b):
        h = np.zeros(len(design.supernodes) + 1, bool)       # index -1: no supernode
        h[sn[side]] = True
        has.append(h)
    return (region >= 0) & ~(has[0] & has[1])[region]


def _source_side(g: sp.csr_array, flow: sp.csr_array, s: int) -> np.ndarray:
    """Nodes reachable from the source in the residual graph: the source side of the minimum cut."""
    resid = (g.astype(np.int64) - flow.astype(np.int64)).tocsr()
    resid.data[resid.data < 0] = 0
    resid.eliminate_zeros()
    reach = np.zeros(g.shape[0], bool)
    reach[breadth_first_order(resid, s, directed=True, return_predecessors=False)] = True
    return reach
