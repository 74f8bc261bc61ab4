"""Latency and hop-count requirements: `require latency(A, B) <= X`, `require hops(A, B) <= n`.

The worst case over every pair (a in A, b in B, a != b) of the shortest path, where a
path costs its switches' latencies plus propagation (length x the medium's delay per
metre); paths pass through switches and NICs only. A part's `latency` is its whole
port-to-port delay: a store-and-forward part includes the serialization of a frame in it.
`paths.worst_pair` answers it from a few single-source searches (see there); a require
written in a template is answered once per distinct instance, on the instance's own
devices and links. The report names the worst pair, its path and the breakdown.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .. import units
from ..diagnostics import Diagnostic, error, warning
from ..ir.model import Design, Require
from . import check
from .common import (WORDS, bad_require, bound_value, cached, count, declarations, device_region, exact_text, instance_classes,
                     instance_note, length_text, scope_range)
from .paths import FS_PER_S, PathGraph, Worst, build_graph, path_between, worst_pair

METRICS = {"latency": units.TIME, "hops": units.DIMENSIONLESS}


@check("latency")
def check_latency(design: Design) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for decl in declarations(design, ("latency", "hops")):
        out += _declaration(design, decl)
    return out


def graph_for(design: Design, lo: int, hi: int, metric: str, reduced: bool = False) -> PathGraph:
    return cached(design, f"graph:{metric}:{lo}:{hi}:{reduced}", lambda: build_graph(design, lo, hi, metric, reduced))


def fs_text(fs: float) -> str:
    """A time given in femtoseconds: "317.5 ns", "4.213 us"."""
    x = Fraction(int(round(fs)), 10**6)  # ns
    if x >= 1000 and x.denominator == 1:               # whole ns: in us, exactly
        return f"{exact_text(x / 1000)} us"
    return f"{exact_text(x, 6)} ns"


@dataclass
class Outcome:
    req: Require
    graph: PathGraph
    worst: Worst
    members: list[int]      # indices into the declaration's requires answered by this search


def evaluate(design: Design, rq: Require, bound: float | None, budget: int | None = None) -> tuple[PathGraph, Worst]:
    """The worst pair of one require instance (exact when `bound` is None).

    When the groups span several supernodes, the search first runs without the switches
    of sealed supernodes (`common.sealed`): that changes no distance between devices of
    different supernodes, only shortens ones inside a supernode. The answer stands unless
    it rests on a pair inside one such supernode or on unreachable pairs; then the search
    runs again on the whole graph."""
    inst = scope_range(design, rq)
    A = _inside(rq.args[0].devices, inst.lo, inst.hi)
    B = _inside(rq.args[-1].devices, inst.lo, inst.hi)
    region = device_region(design, inst.lo, inst.hi)
    spans = region[np.concatenate([A, B])]
    if spans.size and ((spans < 0).any() or spans.min() != spans.max()):
        g = graph_for(design, inst.lo, inst.hi, rq.func, reduced=True)
        w = worst_pair(g, A, B, bound=bound, budget=budget)
        if _stands(w, region, bound):
            return g, w
    g = graph_for(design, inst.lo, inst.hi, rq.func)
    return g, worst_pair(g, A, B, bound=bound, budget=budget)


def _stands(w: Worst, region: np.ndarray, bound: float | None) -> bool:
    """Whether the answer without sealed supernodes' switches is the answer with them."""
    if w.unreachable:
        return False
    reported = bound is None or not w.exact or w.value >= bound
    return not (reported and w.src >= 0 and region[w.src] >= 0 and region[w.src] == region[w.dst])


def _inside(ids: np.ndarray, lo: int, hi: int) -> np.ndarray:
    ids = ids.astype(np.int64)
    return ids[(ids >= lo) & (ids < hi)] - lo


def _declaration(design: Design, decl: list[Require]) -> list[Diagnostic]:
    rq = decl[0]
    bound = bound_value(rq, METRICS[rq.func])
    if isinstance(bound, Diagnostic):
        return [bound]
    if rq.op not in ("<=", "<") or len(rq.args) not in (1, 2) or any(a.racks for a in rq.args):
        return [bad_require(rq, f"`{rq.func}` takes one or two groups of devices and an upper bound",
                            f"write `require {rq.func}(npu, npu) <= {'3 us' if rq.func == 'latency' else '3'}`")]
    target = float(bound * FS_PER_S) if rq.func == "latency" else float(bound)
    outcomes = []
    for cls in instance_classes(design, decl, lengths=rq.func == "latency"):
        r = decl[cls[0]]
        g, w = evaluate(design, r, target)
        outcomes.append(Outcome(r, g, w, cls))
    return _report(design, decl, outcomes, bound, target)


def _violates(w: Worst, rq: Require, target: float) -> bool:
    return w.value > target or (rq.op == "<" and w.value >= target)


def _report(design: Design, decl: list[Require], outcomes: list[Outcome], bound: Fraction, target: float) -> list[Diagnostic]:
    rq = decl[0]
    out = []
    unreachable = [o for o in outcomes if o.worst.unreachable]
    if unreachable:
        out.append(_unreachable(design, decl, unreachable))
    bad = [o for o in outcomes if np.isfinite(o.worst.value) and _violates(o.worst, rq, target)]
    if bad:
        worst = max(bad, key=lambda o: (o.worst.value, -o.members[0]))
        n_inst = sum(len(o.members) for o in bad)
        out.append(_violation(design, decl, worst, bound, n_inst))
    elif not unreachable:
        undecided = [o for o in outcomes if not o.worst.exact]
        if undecided:
            o = max(undecided, key=lambda o: o.worst.upper)
            out.append(warning(
                "SN0504", f"could not decide `{rq.func}` within the work limit: the worst case found is "
                f"{_value_text(rq.func, o.worst.value)}, and no pair exceeds {_value_text(rq.func, o.worst.upper)}",
                rq.span, label=f"bound {WORDS[rq.op]} {_value_text(rq.func, target)}",
                notes=(f"{o.worst.searches:,} shortest-path searches over {count(o.graph.n, 'device')}",
                       instance_note(design, o.req)),
                hint="regular structure (identical instances placed alike) lets the check decide; the bound may hold"))
    return out


def _value_text(func: str, v: float) -> str:
    if not np.isfinite(v):
        return "unbounded"
    return fs_text(v) if func == "latency" else count(int(round(v)), "hop")


def _unreachable(design: Design, decl: list[Require], outs: list[Outcome]) -> Diagnostic:
    rq = decl[0]
    o = outs[0]
    a, b = o.worst.unreachable_pair or (0, 0)
    lo = o.graph.lo
    notes = [instance_note(design, o.req)]
    if len(decl) > 1:
        notes.append(f"in {sum(len(x.members) for x in outs):,} of {len(decl):,} instances")
    return error("SN0503", f"`{design.devices.name[lo + a]}` cannot reach `{design.devices.name[lo + b]}` "
                 f"(at least {count(sum(x.worst.unreachable for x in outs), 'pair')} of `{rq.args[0].text}` x "
                 f"`{rq.args[-1].text}` have no path)", rq.span, label="no path through switches",
                 notes=tuple(notes), hint="add the missing links, or narrow the requirement to devices on a common network")


def _violation(design: Design, decl: list[Require], o: Outcome, bound: Fraction, n_inst: int) -> Diagnostic:
    rq = o.req
    w, g = o.worst, o.graph
    path = path_between(g, w.src, w.dst)
    name = design.devices.name
    what = "worst-case latency" if rq.func == "latency" else "worst-case hop count"
    value = _value_text(rq.func, w.value)
    notes = [f"worst pair: `{name[g.lo + w.src]}` -> `{name[g.lo + w.dst]}`: " + _path_text(design, g, path)]
    if rq.func == "latency":
        notes.append(_breakdown(design, g, path))
    if not w.exact:
        notes.append(f"the search stopped at its work limit; no pair exceeds {_value_text(rq.func, w.upper)}")
    notes.append(instance_note(design, rq) + (f"; {n_inst:,} of {len(decl):,} instances exceed the bound" if len(decl) > 1 else ""))
    bound_text = fs_text(float(bound * FS_PER_S)) if rq.func == "latency" else count(int(bound), "hop")
    code = "SN0501" if rq.func == "latency" else "SN0502"
    return error(code, f"{what} between `{rq.args[0].text}` and `{rq.args[-1].text}` is {'at least ' if not w.exact else ''}"
                 f"{value}, the requirement is {WORDS[rq.op]} {bound_text}", decl[0].span,
                 label=f"over {count(w.pairs, 'pair')}", notes=tuple(notes),
                 hint="use fewer or faster switch tiers or shorter cables, or relax the bound")


def _path_text(design: Design, g: PathGraph, path: list[int]) -> str:
    names = [design.devices.name[g.lo + x] for x in path]
    if len(names) > 8:
        names = names[:4] + ["..."] + names[-3:]
    return " -> ".join(names) + f" ({count(max(len(path) - 1, 0), 'link')}, {count(max(len(path) - 2, 0), 'switch', 'switches')})"


def _breakdown(design: Design, g: PathGraph, path: list[int]) -> str:
    L = design.links
    a = L.a[g.links] - g.lo
    b = L.b[g.links] - g.lo
    prop = 0.0
    length = 0
    unknown = 0
    for x, y in zip(path, path[1:]):
        hit = np.flatnonzero(((a == x) & (b == y)) | ((a == y) & (b == x)))
        if hit.size == 0:
            continue
        k = hit[np.argmin(g.prop[hit])]
        prop += float(g.prop[k])
        mm = int(L.length_mm[g.links[k]])
        length += max(mm, 0)
        unknown += int(mm < 0 or float(g.prop[k]) == 0.0)
    switches = float(sum(g.enter[x] for x in path[1:-1]))
    text = (f"breakdown: {count(max(len(path) - 2, 0), 'switch', 'switches')} {fs_text(switches)} + propagation over "
            f"{length_text(length)} {fs_text(prop)}")
    if unknown:
        text += f"; {count(unknown, 'link')} of the path without a length or medium delay (counted as 0)"
    return text
