"""`require redundant(group)`: no single switch or link failure disconnects a member.

Members reach each other through forwarding devices only (switches, NICs), never through
other members. The forwarding devices and the links between them form the *core*; each
member hangs off the core by its attachment links. All members are connected when every
pair touches a common core component. A single failure breaks that either by cutting a
member off entirely (its only link, or the one switch all its links go to) or by
splitting a core component: only articulation points and bridges of the core can do
that, found with one depth-first search (scipy) and low-link values.

If every member touches two or more core components in common (CloudMatrix384's seven
UB planes), no single failure, which lives in one component, can disconnect anything.

`require redundant(group) >= F` also asks that after losing any one of its links or
one switch it is attached to, every member keeps at least F of its injection bandwidth.
A require in a template is answered once per distinct instance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from scipy.sparse import csr_array
from ..ir.csgraph import connected_components, depth_first_order

from .. import units
from ..diagnostics import Diagnostic, error
from ..ir.model import Design, Require
from . import check
from .common import (WORDS, bad_require, bound_value, capacity, count, declarations, forwarding, instance_classes,
                     instance_note, links_within, rate_text, satisfies, scope_range)

MAX_SPLIT_EVALUATIONS = 2000


@dataclass
class Core:
    """The forwarding graph of one instance and the members' attachments to it."""

    n: int                      # core nodes: forwarding devices, then one per member-member link
    device: np.ndarray          # core node -> relative device (-1 for a member-member link node)
    eu: np.ndarray              # core edges (both ends core nodes)
    ev: np.ndarray
    elink: np.ndarray           # design link id of each core edge
    att_m: np.ndarray           # attachment: member index (into members)
    att_node: np.ndarray        # attachment: core node
    att_link: np.ndarray        # attachment: design link id
    members: np.ndarray         # relative device ids


@dataclass
class Spof:
    what: str                   # "switch `x`" or "link `a` -> `b`"
    cut_off: int                # members that lose every path to the others
    example: int                # one such member (index into members)


@dataclass
class Finding:
    disconnected: tuple[int, int] | None = None     # a pair of members with no path at all
    spofs: list[Spof] = field(default_factory=list)
    complete: bool = True                            # False: split candidates beyond the limit


def build_core(design: Design, lo: int, hi: int, members: np.ndarray) -> Core:
    ids = links_within(design, lo, hi)
    L = design.links
    a, b = (L.a[ids] - lo).astype(np.int64), (L.b[ids] - lo).astype(np.int64)
    fwd = forwarding(design)[lo:hi]
    is_m = np.zeros(hi - lo, bool)
    is_m[members] = True
    m_index = np.full(hi - lo, -1, np.int64)
    m_index[members] = np.arange(members.size)
    fdev = np.flatnonzero(fwd)
    node_of = np.full(hi - lo, -1, np.int64)
    node_of[fdev] = np.arange(fdev.size)
    core = fwd[a] & fwd[b] & (a != b)
    mm = is_m[a] & is_m[b] & ~fwd[a] & ~fwd[b] & (a != b)
    virt = fdev.size + np.arange(int(mm.sum()))
    att = []
    for x, y in ((a, b), (b, a)):
        sel = is_m[x] & ~fwd[x] & fwd[y]
        att.append((m_index[x[sel]], node_of[y[sel]], ids[sel]))
    att.append((m_index[a[mm]], virt, ids[mm]))
    att.append((m_index[b[mm]], virt, ids[mm]))
    att_m, att_node, att_link = (np.concatenate(c) for c in zip(*att))
    device = np.concatenate([fdev, np.full(virt.size, -1)])
    return Core(fdev.size + virt.size, device, node_of[a[core]], node_of[b[core]], ids[core],
                att_m, att_node, att_link, members)


def _components(c: Core) -> np.ndarray:
    g = csr_array((np.ones(c.eu.size), (c.eu, c.ev)), shape=(c.n, c.n))
    return connected_components(g, directed=False)[1]


def pairwise_connected(n_members: int, att_m: np.ndarray, label: np.ndarray) -> tuple[int, int] | None:
    """None if every pair of members shares a label; else one pair that does not."""
    if n_members < 2:
        return None
    ok = label >= 0
    pairs = np.unique(np.stack([att_m[ok], label[ok]]), axis=1) if ok.any() else np.zeros((2, 0), np.int64)
    touched = np.zeros(n_members, bool)
    touched[pairs[0]] = True
    if not touched.all():
        lonely = int(np.flatnonzero(~touched)[0])
        other = 1 if lonely == 0 else 0
        return (min(lonely, other), max(lonely, other))
    labels, per = np.unique(pairs[1], return_counts=True)
    if (per == n_members).any():
        return None
    sets: dict[int, set[int]] = {}
    for m, lab in pairs.T.tolist():
        sets.setdefault(m, set()).add(lab)
    sigs: dict[frozenset, int] = {}
    for m, s in sets.items():
        sigs.setdefault(frozenset(s), m)
    items = list(sigs.items())[:300]
    for i, (s1, m1) in enumerate(items):
        for s2, m2 in items[i + 1:]:
            if not (s1 & s2):
                return (m1, m2)
    return None


def analyse(design: Design, lo: int, hi: int, members: np.ndarray) -> Finding:
    c = build_core(design, lo, hi, members)
    comp = _components(c)
    lab = comp[c.att_node]
    broken = pairwise_connected(members.size, c.att_m, lab)
    if broken is not None:
        return Finding(disconnected=broken)
    pairs = np.unique(np.stack([c.att_m, lab]), axis=1)
    labels, per = np.unique(pairs[1], return_counts=True)
    common = labels[per == members.size]
    if common.size >= 2 or members.size < 2:
        return Finding()
    f = Finding()
    _isolating(design, c, lo, f)
    _splits(design, c, comp, lo, common, f)
    return f


def _name(design: Design, c: Core, node: int, lo: int) -> str:
    d = int(c.device[node])
    return f"switch `{design.devices.name[lo + d]}`" if d >= 0 else "a direct link"


def _link_name(design: Design, link: int) -> str:
    L = design.links
    return f"link `{design.devices.name[int(L.a[link])]}` -> `{design.devices.name[int(L.b[link])]}`"


def _isolating(design: Design, c: Core, lo: int, f: Finding) -> None:
    """Failures that take away every attachment of some member."""
    order = np.lexsort((c.att_node, c.att_m))
    m, node, link = c.att_m[order], c.att_node[order], c.att_link[order]
    cuts = np.flatnonzero(np.diff(m)) + 1
    by_node: dict[int, list[int]] = {}
    for mm, nodes, links in zip(np.split(m, cuts), np.split(node, cuts), np.split(link, cuts)):
        if np.unique(links).size == 1:
            f.spofs.append(Spof(_link_name(design, int(links[0])), 1, int(mm[0])))
        if np.unique(nodes).size == 1 and c.device[int(nodes[0])] >= 0:
            by_node.setdefault(int(nodes[0]), []).append(int(mm[0]))
    for node, ms in sorted(by_node.items()):
        f.spofs.append(Spof(_name(design, c, node, lo), len(ms), ms[0]))


def _dfs(c: Core, nodes_in: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Preorder, parent, preorder index, subtree size and low-link of a core forest."""
    g = csr_array((np.ones(2 * c.eu.size), (np.concatenate([c.eu, c.ev]), np.concatenate([c.ev, c.eu]))),
                  shape=(c.n, c.n))
    pre = np.full(c.n, -1, np.int64)
    parent = np.full(c.n, -1, np.int64)
    order_all = []
    for root in nodes_in.tolist():
        if pre[root] >= 0:
            continue
        order, pred = depth_first_order(g, root, directed=False, return_predecessors=True)
        pre[order] = np.arange(len(order_all), len(order_all) + order.size)
        parent[order] = pred[order]
        order_all.append(order)
    order = np.concatenate(order_all) if order_all else np.zeros(0, np.int64)
    low = pre.copy()
    # one tree edge per child is not a back edge; parallel links to the parent are
    u = np.concatenate([c.eu, c.ev])
    v = np.concatenate([c.ev, c.eu])
    tree = (parent[u] == v) & (parent[u] >= 0)
    first_tree = np.zeros(u.size, bool)
    if tree.any():
        idx = np.flatnonzero(tree)
        _, firsts = np.unique(u[idx], return_index=True)
        first_tree[idx[firsts]] = True
    back = (pre[u] >= 0) & (pre[v] >= 0) & ~first_tree & (u != v)
    np.minimum.at(low, u[back], pre[v[back]])
    size = np.ones(c.n, np.int64)
    for x in order[::-1].tolist():
        p = parent[x]
        if p >= 0:
            size[p] += size[x]
            if low[x] < low[p]:
                low[p] = low[x]
    return order, parent, pre, size, low


def _splits(design: Design, c: Core, comp: np.ndarray, lo: int, common: np.ndarray, f: Finding) -> None:
    """Articulation points and bridges of the core whose removal disconnects members."""
    relevant = np.flatnonzero(np.isin(comp, common)) if common.size else np.arange(c.n)
    if relevant.size == 0 or c.eu.size == 0:
        return
    order, parent, pre, size, low = _dfs(c, relevant)
    child = np.flatnonzero((parent >= 0) & np.isin(comp, comp[relevant]))
    p = parent[child]
    is_root = parent[p] < 0
    cut_child = child[(low[child] >= pre[p]) & (~is_root | (np.bincount(p, minlength=c.n)[p] >= 2))]
    bridge_child = child[low[child] > pre[p]]
    att_pre = pre[c.att_node]
    evaluated = 0
    candidates = [(int(x), "node") for x in np.unique(parent[cut_child]).tolist()]
    candidates += [(int(x), "edge") for x in bridge_child.tolist()]
    for x, kind in candidates:
        if evaluated >= MAX_SPLIT_EVALUATIONS:
            f.complete = False
            break
        sub = cut_child[parent[cut_child] == x] if kind == "node" else np.array([x])
        lo_i, hi_i = pre[sub], pre[sub] + size[sub]
        inside = np.zeros(c.att_m.size, np.int64) - 1
        for k, (s, e) in enumerate(zip(lo_i.tolist(), hi_i.tolist())):
            inside[(att_pre >= s) & (att_pre < e)] = k
        if not (inside >= 0).any():
            continue
        evaluated += 1
        label = comp[c.att_node].astype(np.int64)
        base = int(label.max()) + 1
        label = np.where(inside >= 0, base + inside, label)
        if kind == "node":
            label = np.where(c.att_node == x, -1, label)
        broken = pairwise_connected(c.members.size, c.att_m, label)
        if broken is None:
            continue
        out = _cut_off(c, label)
        if kind == "node":
            f.spofs.append(Spof(_name(design, c, x, lo), out.size, int(out[0]) if out.size else broken[0]))
        else:
            edge = np.flatnonzero(((c.eu == x) & (c.ev == parent[x])) | ((c.ev == x) & (c.eu == parent[x])))
            f.spofs.append(Spof(_link_name(design, int(c.elink[edge[0]])), out.size, int(out[0]) if out.size else broken[0]))


def _cut_off(c: Core, label: np.ndarray) -> np.ndarray:
    """Members that no longer touch the part of the core most members still touch."""
    ok = label >= 0
    if not ok.any():
        return np.arange(c.members.size)
    pairs = np.unique(np.stack([c.att_m[ok], label[ok]]), axis=1)
    labels, per = np.unique(pairs[1], return_counts=True)
    main = labels[np.argmax(per)]
    touches = np.zeros(c.members.size, bool)
    touches[pairs[0][pairs[1] == main]] = True
    return np.flatnonzero(~touches)


# --------------------------------------------------------------------------- the check
@check("redundancy")
def check_redundancy(design: Design) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for decl in declarations(design, ("redundant",)):
        out += _declaration(design, decl)
    return out


def _declaration(design: Design, decl: list[Require]) -> list[Diagnostic]:
    rq = decl[0]
    frac = None
    if rq.op or rq.bound is not None:
        frac = bound_value(rq, units.DIMENSIONLESS)
        if isinstance(frac, Diagnostic):
            return [frac]
        if rq.op not in (">=", ">") or not 0 < frac <= 1:
            return [bad_require(rq, "`redundant(...) >= F` takes a fraction between 0 and 1",
                                "write `require redundant(npu)` or `require redundant(npu) >= 0.5`")]
    if len(rq.args) != 1 or rq.args[0].racks:
        return [bad_require(rq, "`redundant` takes one group of devices", "write `require redundant(npu)`")]
    out: list[Diagnostic] = []
    found: list[tuple[list[int], Finding]] = []
    for cls in instance_classes(design, decl, lengths=False):
        r = decl[cls[0]]
        inst = scope_range(design, r)
        members = _members(r, inst.lo, inst.hi)
        found.append((cls, analyse(design, inst.lo, inst.hi, members)))
    out += _report(design, decl, found)
    if frac is not None:
        d = _fractions(design, decl, frac)
        if d is not None:
            out.append(d)
    return out


def _members(rq: Require, lo: int, hi: int) -> np.ndarray:
    ids = np.unique(rq.args[0].devices.astype(np.int64))
    return ids[(ids >= lo) & (ids < hi)] - lo


def _report(design: Design, decl: list[Require], found: list[tuple[list[int], Finding]]) -> list[Diagnostic]:
    rq = decl[0]
    out = []
    dis = [(cls, f) for cls, f in found if f.disconnected is not None]
    if dis:
        cls, f = dis[0]
        r = decl[cls[0]]
        lo = scope_range(design, r).lo
        mem = _members(r, lo, scope_range(design, r).hi)
        a, b = f.disconnected  # type: ignore[misc]
        out.append(error("SN0615", f"`{design.devices.name[lo + mem[a]]}` and `{design.devices.name[lo + mem[b]]}` of "
                         f"`{rq.args[0].text}` have no path between them even before any failure", rq.span,
                         label="the group is not connected", notes=(instance_note(design, r),),
                         hint="connect the members to a common network"))
        return out
    bad = [(cls, f) for cls, f in found if f.spofs]
    if not bad:
        return out
    cls, f = max(bad, key=lambda cf: (max(s.cut_off for s in cf[1].spofs), -cf[0][0]))
    r = decl[cls[0]]
    inst = scope_range(design, r)
    mem = _members(r, inst.lo, inst.hi)
    worst = max(f.spofs, key=lambda s: s.cut_off)
    total = len(f.spofs)
    notes = [f"{count(total, 'single point', 'single points')} of failure: " +
             "; ".join(s.what for s in sorted(f.spofs, key=lambda s: -s.cut_off)[:3]) + ("; ..." if total > 3 else ""),
             instance_note(design, r)]
    if len(decl) > 1:
        notes.append(f"in {sum(len(c) for c, _ in bad):,} of {len(decl):,} instances")
    if not f.complete:
        notes.append(f"the search stopped after {MAX_SPLIT_EVALUATIONS:,} candidate splits; there may be more")
    return out + [error(
        "SN0613", f"losing {worst.what} disconnects {count(worst.cut_off, 'member')} of `{rq.args[0].text}`, "
        f"e.g. `{design.devices.name[inst.lo + mem[worst.example]]}`", rq.span,
        label=f"{count(total, 'single point', 'single points')} of failure", notes=tuple(notes),
        hint="give each member two links to two different switches, and parallel paths around the named one")]


def _fractions(design: Design, decl: list[Require], frac: Fraction) -> Diagnostic | None:
    """Worst remaining share of injection bandwidth after one attachment failure, once per
    distinct instance, over the instance's own links."""
    rq = decl[0]
    worst: tuple | None = None
    n_bad = 0
    for cls in instance_classes(design, decl, lengths=False):
        inst = scope_range(design, decl[cls[0]])
        found = _worst_share(design, inst.lo, inst.hi, _members(decl[cls[0]], inst.lo, inst.hi) + inst.lo, rq, frac)
        if found is None:
            continue
        n_bad += found[0] * len(cls)
        if worst is None or found[1] < worst[1]:
            worst = found
    if worst is None:
        return None
    _n, share, m, peer, keep, total = worst
    return error("SN0614", f"losing `{design.devices.name[peer]}` leaves `{design.devices.name[m]}` {rate_text(keep)} of "
                 f"{rate_text(total)} ({float(share) * 100:.1f}%), the requirement is {WORDS[rq.op]} "
                 f"{float(frac) * 100:g}%", rq.span, label=f"{count(n_bad, 'member')} below the fraction",
                 hint="spread each member's links over more switches, or lower the fraction")


def _worst_share(design: Design, lo: int, hi: int, members: np.ndarray, rq: Require, frac: Fraction) -> tuple | None:
    """(members short, worst share, member, the peer whose loss hurts most, kept, total)."""
    ids = links_within(design, lo, hi)
    cap = capacity(design)[ids]
    fwd = forwarding(design)
    L = design.links
    is_m = np.zeros(len(design.devices), bool)
    is_m[members] = True
    dev, peer, c = [], [], []
    for x, y in ((L.a[ids], L.b[ids]), (L.b[ids], L.a[ids])):
        sel = is_m[x] & (fwd[y] | is_m[y])
        dev.append(x[sel]); peer.append(y[sel]); c.append(cap[sel])
    d, p, cc = (np.concatenate(v).astype(np.int64) for v in (dev, peer, c))
    if d.size == 0:
        return None
    n = len(design.devices)
    total = np.zeros(n, np.int64)
    np.add.at(total, d, cc)
    uk, inv = np.unique(d * n + p, return_inverse=True)
    via = np.zeros(uk.size, np.int64)
    np.add.at(via, inv.ravel(), cc)
    loss = np.zeros(n, np.int64)
    np.maximum.at(loss, uk // n, via)
    t, keep = total[members], total[members] - loss[members]
    bad = [i for i in range(members.size) if t[i] > 0 and not satisfies(Fraction(int(keep[i]), int(t[i])), rq.op, frac)]
    if not bad:
        return None
    i = min(bad, key=lambda i: (Fraction(int(keep[i]), int(t[i])), i))
    m = int(members[i])
    peer_of = uk[(uk // n == m) & (via == loss[m])]
    return (len(bad), Fraction(int(keep[i]), int(t[i])), m, int(peer_of[0] % n), int(keep[i]), int(t[i]))
