"""Bandwidth requirements: per-device injection, aggregate, oversubscription, bisection.

- `require bandwidth(sel.group) >= X`: every selected device's connected capacity on the
  port group (per direction); the worst device and the count of short ones.
- `require aggregate(sel.group) >= X`: the same summed over the selection.
- `require oversubscription(up : down) <= 1:1`: per switch, downlink : uplink capacity;
  worst and typical (median). The groups may be written in either order: the side
  whose peers sit further from the endpoints is the uplink side.
- `require bisection(sel) >= X` (or `bisection(a : b)`): max-flow between the two
  standard halves of the selection, once per distinct template instance.

All figures are per direction, in bit/s internally; messages give bytes and bits.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .. import units
from ..diagnostics import Diagnostic, error
from ..ir.flat import port_table
from ..ir.model import Design, Require, Selector
from . import check
from .common import (KNOWN_FUNCS, WORDS, bad_require, cached, bound_value, capacity, count, declarations, exact_sums, forwarding,
                     instance_classes,
                     instance_note, names, port_rows, rate_text, ratio_text, satisfies, scope_range)
from .flow import max_flow


@check("bandwidth")
def check_bandwidth(design: Design) -> list[Diagnostic]:
    out = _unknown_functions(design)
    for decl in declarations(design, ("bandwidth", "aggregate", "oversubscription", "bisection")):
        fn = {"bandwidth": _injection, "aggregate": _aggregate, "oversubscription": _oversubscription,
              "bisection": _bisection}[decl[0].func]
        d = fn(design, decl)
        if d is not None:
            out.append(d)
    return out


def _unknown_functions(design: Design) -> list[Diagnostic]:
    """Requires naming no known function (reported here, once per declaration)."""
    from ..suggest import did_you_mean
    unknown = tuple(sorted({rq.func for rq in design.requires if rq.func not in KNOWN_FUNCS}))
    return [bad_require(decl[0], f"unknown requirement `{decl[0].func}`",
                        did_you_mean(decl[0].func, list(KNOWN_FUNCS)) or "requirements: " + ", ".join(KNOWN_FUNCS))
            for decl in declarations(design, unknown)]


# --------------------------------------------------------------------------- injection
def injection(design: Design, devices: np.ndarray, group: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Per selected device: (capacity per direction on `group`, connected ports of it)."""
    g = group_links(design, group)
    return g.total[devices], g.ports[devices]


@dataclass(frozen=True)
class GroupLinks:
    """Per device, over its links on one port group name (all links for None)."""

    total: np.ndarray       # capacity per direction, bit/s (int64, exact)
    ports: np.ndarray       # links
    peer_tiers: np.ndarray  # sum of the tiers of the devices at the other ends (finite ones)
    peers: np.ndarray       # how many of those


def group_links(design: Design, group: str | None) -> GroupLinks:
    """Injection and peer tiers of every device on port group `group`, once per design.

    The port groups named by the bandwidth requires are counted together, in one pass
    over the links keyed by (device, group name)."""
    if group is None:
        return cached(design, "group_links:", lambda: _all_links(design))
    names, table = cached(design, "group_links", lambda: _named_groups(design, _required_groups(design)))
    if group not in names:
        names, table = cached(design, f"group_links:{group}", lambda: _named_groups(design, (group,)))
    return GroupLinks(*(x[names[group]::len(names)] for x in table))


def _required_groups(design: Design) -> tuple[str, ...]:
    funcs = ("bandwidth", "aggregate", "oversubscription", "bisection")
    return tuple(sorted({a.port_group for rq in design.requires if rq.func in funcs for a in rq.args if a.port_group}))


def _all_links(design: Design) -> GroupLinks:
    n = len(design.devices)
    cap = capacity(design)
    L = design.links
    ports = np.bincount(L.a, minlength=n) + np.bincount(L.b, minlength=n)
    total = exact_sums(np.concatenate([L.a, L.b]), np.concatenate([cap, cap]), n, ports)
    z = np.zeros(n, np.int64)
    return GroupLinks(total, ports.astype(np.int64), z, z)


def _named_groups(design: Design, groups: tuple[str, ...]) -> tuple[dict[str, int], tuple[np.ndarray, ...]]:
    """({group name: column}, (total, ports, peer tier sums, peers) as device-major arrays of
    len(devices) x len(groups)): a part's links count for the first of its groups of a name."""
    names = {g: k for k, g in enumerate(groups)}
    n, width = len(design.devices), max(len(names), 1)
    column = np.concatenate([[names.get(g.name, -1) if _group_index(p, g.name) == i else -1
                              for i, g in enumerate(p.ports)] + ([-1] if not p.ports else [])
                             for p in design.parts] + [[-1]]).astype(np.int64)
    cap, t, L = capacity(design), tiers(design), design.links
    size = n * width
    total, ports, tsum, tcount = (np.zeros(size, np.int64) for _ in range(4))
    for dev, key, other in zip((L.a, L.b), end_groups(design), (L.b, L.a)):
        col = column[key]
        m = col >= 0
        cell = dev[m].astype(np.int64) * width + col[m]
        cnt = np.bincount(cell, minlength=size)
        ports += cnt
        total += exact_sums(cell, cap[m], size, cnt)
        to = t[other[m]]
        fin = np.isfinite(to)
        tsum += exact_sums(cell[fin], to[fin].astype(np.int64), size)
        tcount += np.bincount(cell[fin], minlength=size)
    return names, (total, ports, tsum, tcount)


def end_groups(design: Design) -> tuple[np.ndarray, np.ndarray]:
    """Per link: a design-wide number of the port group at end a and at end b (the groups
    of each part numbered one after the other; the last number means none)."""
    def make() -> tuple[np.ndarray, np.ndarray]:
        sizes = [max(len(p.ports), 1) for p in design.parts]
        first = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        pt = port_table(design.parts)
        row_part = np.repeat(np.arange(len(design.parts)), [p.port_count for p in design.parts])
        by_row = np.append(first[row_part] + pt.group, first[-1])
        if (design.devices.part < 0).any():             # no part: no group
            L = design.links
            none = [design.devices.part[dev] < 0 for dev in (L.a, L.b)]
            return tuple(np.where(x, first[-1], by_row[r]) for x, r in zip(none, port_rows(design)))  # type: ignore[return-value]
        ra, rb = port_rows(design)
        return by_row[ra], by_row[rb]
    return cached(design, "end_groups", make)


def _group_index(part, group: str | None) -> int:  # noqa: ANN001
    if group is None:
        return -1
    for i, g in enumerate(part.ports):
        if g.name == group:
            return i
    return -2


def _selection(decl: list[Require]) -> tuple[np.ndarray, np.ndarray]:
    """All instances' devices of the first argument, and the instance each belongs to."""
    devs = [rq.args[0].devices.astype(np.int64) for rq in decl]
    inst = [np.full(len(d), k) for k, d in enumerate(devs)]
    return np.concatenate(devs), np.concatenate(inst)


def _check_args(rq: Require, n: int, what: str) -> Diagnostic | None:
    if len(rq.args) != n or any(a.racks for a in rq.args):
        return bad_require(rq, f"`{rq.func}` takes {what}", f"write `require {rq.func}({what})`")
    return None


def _per_device(design: Design, decl: list[Require]) -> Diagnostic | tuple:
    """(bound, devices, instance of each, bandwidth of each, connected ports of each)."""
    rq = decl[0]
    bound = bound_value(rq, units.RATE)
    if isinstance(bound, Diagnostic):
        return bound
    if (bad := _check_args(rq, 1, "one selector like `npu.ub`")) is not None:
        return bad
    devs, inst = _selection(decl)
    bw, ports = injection(design, devs, rq.args[0].port_group)
    return bound, devs, inst, bw, ports


def _injection(design: Design, decl: list[Require]) -> Diagnostic | None:
    rq = decl[0]
    got = _per_device(design, decl)
    if isinstance(got, Diagnostic):
        return got
    bound, devs, inst, bw, ports = got
    values = np.unique(bw)
    fail = np.flatnonzero([not satisfies(int(x), rq.op, bound) for x in values])
    bad_vals = set(values[fail].tolist())
    bad = np.flatnonzero(np.isin(bw, list(bad_vals))) if bad_vals else np.zeros(0, np.int64)
    if bad.size == 0:
        return None
    k = int(bad[np.argmin(bw[bad])]) if rq.op in (">=", ">") else int(bad[np.argmax(bw[bad])])
    sel = rq.args[0]
    grp = f" `{sel.port_group}`" if sel.port_group else ""
    part = design.parts[int(design.devices.part[devs[k]])]
    declared = sum(g.count for g in part.ports if sel.port_group in (None, g.name))
    notes = [f"worst: `{design.devices.name[devs[k]]}` with {int(ports[k])} of {declared}{grp} ports connected",
             f"{bad.size:,} of {devs.size:,} selected devices fall short"]
    if len(decl) > 1:
        notes.append(f"in {len(set(inst[bad].tolist())):,} of {len(decl):,} instances")
    return error("SN0401", f"`{sel.text}` has {rate_text(int(bw[k]))} per device, the requirement is "
                 f"{WORDS[rq.op]} {rate_text(bound)}", rq.span, label=f"{count(bad.size, 'device')} fall short",
                 notes=tuple(notes), hint="connect every port the requirement counts on, or adjust the bound")


def _aggregate(design: Design, decl: list[Require]) -> Diagnostic | None:
    rq = decl[0]
    got = _per_device(design, decl)
    if isinstance(got, Diagnostic):
        return got
    bound, devs, inst, bw, _ = got
    sums = [int(bw[inst == k].sum()) for k in range(len(decl))]
    bad = [k for k, s in enumerate(sums) if not satisfies(s, rq.op, bound)]
    if not bad:
        return None
    k = min(bad, key=lambda i: sums[i]) if rq.op in (">=", ">") else max(bad, key=lambda i: sums[i])
    n_dev = int(np.count_nonzero(inst == k))
    notes = [instance_note(design, decl[k])] + ([f"{len(bad):,} of {len(decl):,} instances fall short"] if len(decl) > 1 else [])
    return error("SN0404", f"aggregate bandwidth of `{rq.args[0].text}` is {rate_text(sums[k])} over "
                 f"{count(n_dev, 'device')}, the requirement is {WORDS[rq.op]} {rate_text(bound)}", decl[k].span,
                 label="sum over the selected devices", notes=tuple(notes), hint="add devices or links, or adjust the bound")


# --------------------------------------------------------------------------- oversubscription
def tiers(design: Design) -> np.ndarray:
    """Per device: links on the shortest path to the nearest endpoint (0 for endpoints;
    inf when none is reachable): breadth-first, one pass over the links per tier."""
    def make() -> np.ndarray:
        n = len(design.devices)
        L = design.links
        fwd = forwarding(design)
        if fwd.all() or len(L) == 0:
            return np.zeros(n)
        dist = np.where(fwd, np.inf, 0.0)
        frontier, k = ~fwd, 0
        while frontier.any():
            k += 1
            hit = np.zeros(n, bool)
            hit[L.b[frontier[L.a]]] = True
            hit[L.a[frontier[L.b]]] = True
            frontier = hit & np.isinf(dist)
            dist[frontier] = k
        return dist
    return cached(design, "tiers", make)


def _group_caps(design: Design, devices: np.ndarray, group: str) -> tuple[np.ndarray, float]:
    """Per device capacity on `group`, and the mean tier of the devices those links reach."""
    g = group_links(design, group)
    distinct = np.zeros(len(design.devices), bool)
    distinct[devices] = True
    count_ = int(g.peers[distinct].sum())
    return g.total[devices], (int(g.peer_tiers[distinct].sum()) / count_ if count_ else -1.0)


@dataclass(frozen=True)
class Ratios:
    """Per switch of an `oversubscription(a : b)`: downlink and uplink capacity (bit/s)."""

    devices: np.ndarray
    down: np.ndarray
    up: np.ndarray
    down_text: str          # the selector taken as downlinks, e.g. "leaf.down"
    up_text: str

    def ratio(self, i: int) -> Fraction | None:
        return Fraction(int(self.down[i]), int(self.up[i])) if self.up[i] > 0 else None


def switch_ratios(design: Design, decl: list[Require]) -> Ratios:
    """Downlink : uplink capacity of every switch of every instance of the declaration.

    The side whose links reach devices further from the endpoints is the uplink side,
    whichever order the groups are written in (ties: the first written is the uplinks).
    """
    rq = decl[0]
    devs = np.concatenate([r.args[0].devices for r in decl]).astype(np.int64)
    c1, t1 = _group_caps(design, devs, rq.args[0].port_group)  # type: ignore[arg-type]
    c2, t2 = _group_caps(design, devs, rq.args[1].port_group)  # type: ignore[arg-type]
    if t1 >= t2:
        return Ratios(devs, c2, c1, rq.args[1].text, rq.args[0].text)
    return Ratios(devs, c1, c2, rq.args[0].text, rq.args[1].text)


def _oversubscription(design: Design, decl: list[Require]) -> Diagnostic | None:
    rq = decl[0]
    bound = bound_value(rq, units.DIMENSIONLESS)
    if isinstance(bound, Diagnostic):
        return bound
    if len(rq.args) != 2 or not all(a.port_group for a in rq.args) or any(a.racks for a in rq.args):
        return bad_require(rq, "`oversubscription` compares two port groups of the same switches",
                           "write `require oversubscription(leaf.up : leaf.down) <= 1:1`")
    r = switch_ratios(design, decl)
    # compare distinct (down, up) pairs exactly; a switch is only as different as its links
    pairs, inv = _distinct_pairs(r.down, r.up)
    ratio_of = [Fraction(int(d), int(u)) if u > 0 else None for d, u in pairs.T.tolist()]
    fails = [(x is None and d > 0) or (x is not None and not satisfies(x, rq.op, bound))
             for x, d in zip(ratio_of, pairs[0].tolist())]
    bad = np.flatnonzero(np.array(fails, bool)[inv]).tolist()
    if not bad:
        return None
    ratios = [ratio_of[j] for j in inv.tolist()]
    k = max(bad, key=lambda i: (ratios[i] is None, ratios[i] or 0, -i))
    finite = sorted(x for x in ratios if x is not None)
    typical = finite[len(finite) // 2] if finite else None
    shown = "no connected uplinks" if ratios[k] is None else ratio_text(ratios[k])  # type: ignore[arg-type]
    name = design.devices.name[r.devices[k]]
    notes = (f"downlinks `{r.down_text}` {rate_text(int(r.down[k]))} : uplinks `{r.up_text}` {rate_text(int(r.up[k]))} at `{name}`",
             f"typical (median) {ratio_text(typical) if typical is not None else 'n/a'} over "
             f"{count(r.devices.size, 'switch', 'switches')}; {len(bad):,} exceed the bound",
             f"`{r.up_text}` is taken as the uplink side: its links lead further from the endpoints")
    return error("SN0402", f"switch `{name}` is oversubscribed {shown} (downlink : uplink), "
                 f"the requirement is {WORDS[rq.op]} {ratio_text(bound)}", rq.span,
                 label=f"{count(len(bad), 'switch', 'switches')} over the bound", notes=notes,
                 hint=f"connect more `{r.up_text}` capacity, or fewer `{r.down_text}` links")


def _distinct_pairs(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(np.stack([x, y]), axis=1, return_inverse=True)` through ranks (the axis
    version sorts records, several times slower): the same pairs, in the same order."""
    ux, ix = np.unique(x, return_inverse=True)
    uy, iy = np.unique(y, return_inverse=True)
    keys, inv = np.unique(ix.ravel().astype(np.int64) * uy.size + iy.ravel(), return_inverse=True)
    return np.stack([ux[keys // uy.size], uy[keys % uy.size]]), inv.ravel()


# --------------------------------------------------------------------------- bisection
def halves(rq: Require) -> tuple[Selector, np.ndarray, np.ndarray] | None:
    """The two sides of the cut: `bisection(a : b)`, or the standard halves of one group."""
    if len(rq.args) == 2 and rq.options.get("pairs"):
        return rq.args[0], rq.args[0].devices.astype(np.int64), rq.args[1].devices.astype(np.int64)
    if len(rq.args) != 1:
        return None
    ids = rq.args[0].devices.astype(np.int64)
    return rq.args[0], ids[: ids.size // 2], ids[ids.size // 2:]


def _bisection(design: Design, decl: list[Require]) -> Diagnostic | None:
    rq = decl[0]
    bound = bound_value(rq, units.RATE)
    if isinstance(bound, Diagnostic):
        return bound
    h = halves(rq)
    if h is None or any(a.racks for a in rq.args) or h[1].size == 0 or h[2].size == 0:
        return bad_require(rq, "`bisection` needs a group of at least two devices, or two groups `a : b`",
                           "write `require bisection(npu) >= 75264 GB/s`")
    results: list[tuple[int, object]] = []
    for cls in instance_classes(design, decl, lengths=False):
        r = decl[cls[0]]
        inst = scope_range(design, r)
        _sel, a, b = halves(r)  # type: ignore[misc]
        flow = max_flow(design, inst.lo, inst.hi, a, b)
        results += [(k, flow) for k in cls]
    bad = [(k, f) for k, f in results if not satisfies(f.value, rq.op, bound)]  # type: ignore[attr-defined]
    if not bad:
        return None
    k, flow = min(bad, key=lambda kf: (kf[1].value, kf[0]))  # type: ignore[attr-defined]
    inst = scope_range(design, decl[k])
    _sel, a, b = halves(decl[k])  # type: ignore[misc]
    flow = max_flow(design, inst.lo, inst.hi, a, b, cut=True)
    return _bisection_report(design, decl, k, flow, bound, len(bad))


def _bisection_report(design: Design, decl: list[Require], k: int, flow, bound: Fraction, n_bad: int) -> Diagnostic:  # noqa: ANN001
    rq = decl[k]
    sel, a, b = halves(rq)  # type: ignore[misc]
    notes = []
    if len(rq.args) == 1:
        notes.append(f"halves: {names(design, a[:1])} .. {names(design, a[-1:])} ({a.size:,} devices) and "
                     f"{names(design, b[:1])} .. {names(design, b[-1:])} ({b.size:,})")
    notes.append(_cut_note(design, flow))
    inj, _ = injection(design, np.concatenate([a, b]), sel.port_group)
    notes.append(f"aggregate injection of the {a.size + b.size:,} devices: {rate_text(int(inj.sum()))}")
    if len(decl) > 1:
        notes.append(f"{n_bad:,} of {len(decl):,} instances fall short; worst {instance_note(design, rq)}")
    if not flow.exact:
        notes.append("capacities were rounded down to fit the max-flow solver; the value is a lower bound")
    what = f"`{rq.args[0].text}` : `{rq.args[1].text}`" if len(rq.args) == 2 else f"`{sel.text}`"
    return error("SN0403", f"bisection of {what} is {rate_text(flow.value)}, the requirement is "
                 f"{WORDS[rq.op]} {rate_text(bound)}", rq.span, label="max-flow between the two " + ("sides" if len(rq.args) == 2 else "halves"),
                 notes=tuple(notes), hint="add capacity across the minimum cut named in the notes")


def _cut_note(design: Design, flow) -> str:  # noqa: ANN001
    cut = flow.cut_links
    own = [f"the own links of {count(n, 'device')} of the {side} side" for n, side in
           ((flow.saturated_a, "first"), (flow.saturated_b, "second")) if n]
    if cut.size == 0:
        return "minimum cut: " + ("; ".join(own) if own else "no link joins the two sides")
    con, cnt = np.unique(design.links.connect[cut], return_counts=True)
    order = np.argsort(-cnt, kind="stable")[:3]
    parts = []
    for i in order.tolist():
        c = design.connects[int(con[i])] if 0 <= int(con[i]) < len(design.connects) else None
        where = f" ({c.span})" if c is not None and c.span is not None else ""
        parts.append(f"{count(int(cnt[i]), 'link')} of `{c.text if c else '?'}`{where}")
    cap = int(capacity(design)[cut].sum())
    return f"minimum cut: {count(cut.size, 'link')} ({rate_text(cap)}): " + "; ".join(parts + own)
