"""`connect A -> B [options]`: pattern expansion and port allocation (layer 4).

Pairs are enumerated first (so a shortage of ports is reported once, with the
device, the ports needed and the ports it has), then ports are allocated in
enumeration order: explicit indices as written, the rest first-free.
"""

from __future__ import annotations

from array import array
from collections import Counter
from typing import Any

import numpy as np

from ..diagnostics import DiagnosticError, error
from ..syntax import ast as A
from .builder import MEDIUM_AUTO, MEDIUM_NONE
from . import fastconnect
from .fastconnect import append_links
from .refs import Target, known_index, walk_ref
from .values import count_text, evaluate, to_int

MAX_LANES = 32_767   # the IR's lane column is int16
TABLE_MIN_BINDINGS = 8   # fewer bindings of the a end: walk b per binding
TABLE_MAX_COST = 2       # the one walk of b may yield up to this many times the walks per binding
MEMO_MAX = 1 << 16       # b ends remembered per connect


class Opts:
    def __init__(self) -> None:
        self.medium = MEDIUM_NONE
        self.parallel = 1
        self.lanes = 0
        self.bundle = 1
        self.split = 1
        self.stripe = False


def _options(el: Any, ctx: Any, c: A.Connect) -> Opts:
    o = Opts()
    for op in c.options:
        if op.name == "medium":
            if op.value is None:
                o.medium = MEDIUM_AUTO
            else:
                pid = el.part_id(ctx.module, op.value)
                if el.parts[pid].kind not in ("optic", "cable"):
                    raise DiagnosticError(error("SN0203", f"`{op.value.dotted}` is a {el.parts[pid].kind}, not a medium (optic or cable)",
                                                op.span, hint="name an optic or cable part, or `medium auto`"))
                o.medium = pid
        elif op.name == "stripe":
            o.stripe = True
        else:
            n = to_int(evaluate(op.value, ctx.env), op.value, f"a whole number of {op.name}")
            if n < 1:
                raise DiagnosticError(error("SN0205", f"`{op.name}` must be at least 1, got {count_text(n)}", op.span))
            if op.name in ("lanes", "bundle", "split") and n > MAX_LANES:
                raise DiagnosticError(error("SN0205", f"`{op.name}` must be at most {MAX_LANES:,}, got {count_text(n)}", op.span,
                                            hint="1 to 16 in practice: lanes of one port, links on one cable, legs of a breakout"))
            setattr(o, op.name, n)
    return o


def _estimate(el: Any, ctx: Any, c: A.Connect, o: Opts) -> int:
    """Upper bound of links from the first binding's fan-out times the variable ranges.

    Every dimension an end spans multiplies: `[*]`, an omitted array index, and the
    first use of a pattern variable; on the port group only `[*]` and a variable do
    (`p` alone takes one free port per pair)."""
    total = 1
    seen: set[str] = set()
    for ref in (c.a, c.b):
        for seg, dims, is_port in _dims_along(el, ctx, ref):
            for k, d in enumerate(dims):
                ix = seg.indices[k] if k < len(seg.indices) else None
                if (ix is None and not is_port) or isinstance(ix, A.Star):
                    total *= max(d, 1)
                elif type(ix) is A.Name and len(ix.parts) == 1 and ix.parts[0] not in ctx.env and ix.parts[0] not in seen:
                    seen.add(ix.parts[0])
                    total *= max(d, 1)
    return total * o.parallel


def _dims_along(el: Any, ctx: Any, ref: A.Ref) -> list[tuple[A.Seg, tuple[int, ...], bool]]:
    """(segment, array dims, is a port group) along a reference, as far as it resolves."""
    from .builder import DevArray, Instances, RackArray
    out: list[tuple[A.Seg, tuple[int, ...], bool]] = []
    scope = ctx.scope
    for i, seg in enumerate(ref.segs):
        m = scope.find(seg.name) if i == 0 else scope.members.get(seg.name)
        if isinstance(m, Instances):
            out.append((seg, m.dims, False))
            if not m.elems:
                break
            scope = m.elems[0][0]
        elif isinstance(m, (DevArray, RackArray)):
            out.append((seg, m.dims, False))
            nxt = ref.segs[i + 1] if i + 1 < len(ref.segs) and isinstance(m, DevArray) else None
            group = next((g for g in el.parts[m.part].ports if nxt is not None and g.name == nxt.name), None)
            if group is not None:
                out.append((nxt, (group.count,), True))
            break
        else:
            break
    return out


def elaborate_connect(el: Any, ctx: Any, c: A.Connect) -> None:
    o = _options(el, ctx, c)
    est = _estimate(el, ctx, c, o)
    if ctx.builder.n_links + est > el.limits.links:
        raise DiagnosticError(error("SN0207", f"this connect would make up to {count_text(est)} links; the limit is {el.limits.links:,}",
                                    c.span, hint="check the pattern's index variables, or raise the limit with --max-links"))
    text = el.source_text(c.span)
    cid = len(el.connects)
    el.connects.append((text, ctx.scope.template or "", c.span))
    cols = _enumerate(el, ctx, c, o)
    if o.lanes:
        _check_lanes(el, ctx, c, o, cols)
    _allocate(el, ctx, c, o, cols, cid)


def _check_lanes(el: Any, ctx: Any, c: A.Connect, o: Opts, cols: list[array]) -> None:
    """`lanes N` fits the ports at both ends (a split a port carries `split` legs of N lanes)."""
    parts = ctx.builder.parts()
    for dc, gc, legs in ((0, 1, o.split), (3, 4, 1)):
        devs = np.frombuffer(cols[dc], dtype=np.int64)
        pairs = np.unique(parts[devs].astype(np.int64) * 65536 + np.frombuffer(cols[gc], dtype=np.int64))
        for key in pairs.tolist():
            part = el.parts[key // 65536]
            g = part.ports[key % 65536]
            if o.lanes * legs > g.lanes:
                span = next((op.span for op in c.options if op.name == "lanes"), c.span)
                need = f"{legs} legs of {o.lanes} lanes" if legs > 1 else f"{o.lanes} lanes"
                raise DiagnosticError(error("SN0205", f"`lanes {o.lanes}` needs {need} but a `{g.name}` port of `{part.qname}` has {g.lanes}",
                                            span, hint=f"use at most {g.lanes // legs} lanes per link, or leave `lanes` out"))


def _endpoint(t: Target, ref: A.Ref) -> Target:
    if t.kind != "dev" or t.group is None:
        raise DiagnosticError(error("SN0213", "a connection end must name a port group, like `leaf[1].p` or `npu[i].ub[p]`",
                                    ref.span, hint="add the port group after the device"))
    return t


def _enumerate(el: Any, ctx: Any, c: A.Connect, o: Opts) -> list[array]:
    cols = [array("q") for _ in range(6)]   # a, a_group, a_port(-1 auto), b, b_group, b_port
    if not o.stripe and _plain_pairs(el, ctx, c, o, cols):
        return cols
    b_ends = _BEnds(el, ctx, c)
    for bind, ta in walk_ref(el, ctx, c.a, {}):
        _endpoint(ta, c.a)
        ends = b_ends.of(bind)
        a_ports = _ports_of(el, ta)
        reps = [(_stripe_count(el, ctx, c, a, ta, len(ends)) if o.stripe else o.parallel)
                for a in ta.devs] if a_ports else [0] * len(ta.devs)
        if sum(reps) * len(a_ports) * len(ends) >= fastconnect.FAST_MIN_BLOCK:
            append_links(cols, ta.devs, ta.group, a_ports, _end_arrays(ends), reps)
            ends = []
        for a, r in zip(ta.devs, reps):
            for ap in a_ports:
                for _r in range(r):
                    for (b, bg, bp) in ends:
                        cols[0].append(a); cols[1].append(ta.group); cols[2].append(ap)
                        cols[3].append(b); cols[4].append(bg); cols[5].append(bp)
        if len(ctx.builder.names) and len(cols[0]) > el.limits.links:
            raise DiagnosticError(error("SN0207", f"this connect makes more than {el.limits.links:,} links", c.span))
    return cols


def _plain_pairs(el: Any, ctx: Any, c: A.Connect, o: Opts, cols: list[array]) -> bool:
    """Both ends plain (`reftable`), one device and at most one port per binding, and b
    reading only a's variables: every a row pairs with the b row of the same values,
    computed with numpy in the loop's order. False (cols untouched): take the loop."""
    from . import refs
    from .reftable import plain_table
    if not refs.PLAIN_TABLES:
        return False
    ta = plain_table(el, ctx, c.a)
    tb = plain_table(el, ctx, c.b) if ta is not None else None
    if ta is None or tb is None or ta.group is None or tb.group is None or isinstance(ta.port, str) or isinstance(tb.port, str):
        return False
    if ta.devs.shape[1] != 1 or tb.devs.shape[1] != 1 or not set(tb.names) <= set(ta.names):
        return False
    n = len(ta) * o.parallel
    if len(tb) == 0 or n > el.limits.links:
        return False
    row = _rows_of(ta.values[:, [ta.names.index(v) for v in tb.names]], tb.values)
    if row is None:
        return False
    rep = np.repeat(np.arange(len(ta)), o.parallel)
    ends = row[rep]
    for col, v in zip(cols, (ta.devs[rep, 0], np.full(n, ta.group), _ports(ta.port, rep),
                             tb.devs[ends, 0], np.full(n, tb.group), _ports(tb.port, ends))):
        col.frombytes(np.ascontiguousarray(v, dtype=np.int64).tobytes())
    return True


def _rows_of(keys: np.ndarray, table: np.ndarray) -> np.ndarray | None:
    """Index of the row of `table` equal to each row of `keys`; None if any is missing
    (the walk then reports an index out of range) or `table` has repeated rows."""
    if keys.shape[1] == 0:       # b reads no variable: its one row for every a row
        return np.zeros(len(keys), dtype=np.int64) if len(table) == 1 else None
    hi = np.maximum(keys.max(axis=0, initial=0), table.max(axis=0, initial=0)) + 1
    if _prod(int(h) for h in hi) >= 1 << 62:
        return None
    radix = np.cumprod(np.r_[1, hi[:0:-1]])[::-1]
    kt, kk = table @ radix, keys @ radix
    order = np.argsort(kt, kind="stable")
    st = kt[order]
    if len(st) > 1 and (st[1:] == st[:-1]).any():
        return None
    at = np.minimum(np.searchsorted(st, kk), len(st) - 1)
    if len(kk) and (st[at] != kk).any():
        return None
    return order[at]


def _ports(port: Any, rows: np.ndarray) -> np.ndarray:
    return np.full(len(rows), -1, dtype=np.int64) if port is None else port[rows]


End = tuple[int, int, int]   # device, port group, port (-1: allocate)


class _BEnds:
    """The b ends of a connect for each binding of the a end's variables.

    The ends depend only on the values of b's index expressions, so they are memoised
    by those values (`leaf[floor(n / 64)]` is walked once per leaf, not once per n),
    or by the values of the names b reads when an index cannot be evaluated ahead.
    When b's indices are plain variables that the a end binds
    (`server[n].l1[p].up[k] -> plane[p].l2[k].p[n]`), b is walked once with its
    variables free and the memo filled from that walk, grouped by the shared
    variables. A binding the memo lacks (an index out of range, say) walks b with
    that binding, which reports exactly what it always did.
    """

    def __init__(self, el: Any, ctx: Any, c: A.Connect) -> None:
        self.el, self.ctx, self.c = el, ctx, c
        self.names = sorted(set(ix_names(c.b)))
        # per index of b: the variable's name when it is a bare name outside the environment, else the expression
        self.indices = [(ix.parts[0], None) if type(ix) is A.Name and len(ix.parts) == 1 and ix.parts[0] not in ctx.env
                        else (None, ix) for seg in c.b.segs for ix in seg.indices if not isinstance(ix, A.Star)]
        names = [n for n, _ix in self.indices]
        self.bare = names if None not in names else None   # every index a variable: the common case, keyed faster
        self.memo: dict[tuple, list[End]] = {}
        self.tabled = False

    def of(self, bind: dict) -> list[End]:
        key = self._key(bind)
        ends = self.memo.get(key)
        if ends is None:
            if not self.tabled:
                self.tabled = True
                self._table(bind)
                ends = self.memo.get(key)
            if ends is None:
                ends = self._ends(tb for _b2, tb in walk_ref(self.el, self.ctx, self.c.b, bind))
                if len(self.memo) < MEMO_MAX:
                    self.memo[key] = ends
        return ends

    def _key(self, bind: dict) -> tuple:
        """The value of each index expression of b (None: a variable b binds itself),
        else ("names", value of each name b reads)."""
        if self.bare is not None:
            return tuple([None if (v := bind.get(n)) is None else v.numerator for n in self.bare])
        out: list[int | None] = []
        for name, ix in self.indices:
            if name is not None:
                v = bind.get(name)
                out.append(None if v is None else v.numerator)   # bound variables are whole numbers
                continue
            k = known_index(self.ctx, ix, bind)
            if k is None:
                return ("names",) + tuple(bind[n].numerator if n in bind else -1 for n in self.names)
            out.append(k)
        return tuple(out)

    def _ends(self, targets: Any) -> list[End]:
        out: list[End] = []
        for tb in targets:
            _endpoint(tb, self.c.b)
            out += [(b, tb.group, bp) for b in tb.devs for bp in _ports_of(self.el, tb)]
        return out

    def _table(self, bind: dict) -> None:
        """Fill the memo from one walk of b, when that costs less than a walk per binding."""
        a_vars = _var_dims(self.el, self.ctx, self.c.a)
        b_vars = _var_dims(self.el, self.ctx, self.c.b)
        shared = [n for n in self.names if n in bind]
        if not shared or set(bind) - set(a_vars):
            return
        per_binding = _prod(a_vars.values()) * _prod(d for n, d in b_vars.items() if n not in bind)
        one_walk = _prod(b_vars.values())
        if per_binding < TABLE_MIN_BINDINGS or one_walk > TABLE_MAX_COST * per_binding:
            return
        groups: dict[tuple, list[Target]] = {}
        try:
            for k, (b2, tb) in enumerate(walk_ref(self.el, self.ctx, self.c.b, {})):
                if k > 2 * TABLE_MAX_COST * per_binding:
                    return      # the estimate was wrong: stop early
                groups.setdefault(self._key({n: b2[n] for n in shared if n in b2}), []).append(tb)
            table = {key: self._ends(tbs) for key, tbs in groups.items()}
        except DiagnosticError:
            return      # the walk per binding reports it where it belongs
        self.memo.update(table)


def _var_dims(el: Any, ctx: Any, ref: A.Ref) -> dict[str, int]:
    """Pattern variables of a reference and the size of the dimension each ranges over."""
    out: dict[str, int] = {}
    for seg, dims, _is_port in _dims_along(el, ctx, ref):
        for ix, d in zip(seg.indices, dims):
            if type(ix) is A.Name and len(ix.parts) == 1 and ix.parts[0] not in ctx.env:
                out.setdefault(ix.parts[0], d)
    return out


def _prod(xs: Any) -> int:
    n = 1
    for x in xs:
        n *= x
    return n


def ix_names(ref: A.Ref) -> list[str]:
    """Names used in the index expressions of a reference (what its targets depend on)."""
    from .values import free_names
    out: list[str] = []
    for seg in ref.segs:
        for ix in seg.indices:
            if not isinstance(ix, A.Star):
                free_names(ix, out)
    return out


def _end_arrays(ends: list[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    arr = np.asarray(ends, dtype=np.int64).reshape(-1, 3)
    return arr[:, 0], arr[:, 1], arr[:, 2]


def _ports_of(el: Any, t: Target) -> list[int]:
    if t.port == "*":
        return list(range(el.parts[t.part].ports[t.group].count))
    return [-1 if t.port is None else int(t.port)]


def _stripe_count(el: Any, ctx: Any, c: A.Connect, a: int, ta: Target, n_ends: int) -> int:
    free = len(_free_ports(el, ctx, a, ta.part, ta.group))
    if n_ends == 0:
        return 0
    if free % n_ends:
        name = ctx.builder.names[a]
        g = el.parts[ta.part].ports[ta.group]
        raise DiagnosticError(error("SN0603", f"cannot stripe {free} free `{g.name}` ports of `{name}` evenly over {n_ends} ends",
                                    c.span, hint=f"use a multiple of {n_ends} ports, or `parallel N` instead of `stripe`"))
    return free // n_ends


def _group_range(el: Any, part: int, group: int) -> tuple[int, int]:
    p = el.parts[part]
    off = p.port_offsets()[group]
    return off, off + p.ports[group].count


def _free_ports(el: Any, ctx: Any, dev: int, part: int, group: int) -> list[int]:
    lo, hi = _group_range(el, part, group)
    base = int(ctx.builder.port_base()[dev])
    used = ctx.builder.used
    return [p for p in range(lo, hi) if not used[base + p]]


def _allocate(el: Any, ctx: Any, c: A.Connect, o: Opts, cols: list[array], cid: int) -> None:
    if fastconnect.allocate(el, ctx, o, cols, cid):
        return
    b = ctx.builder
    parts = b.parts()
    base = b.port_base()
    n = len(cols[0])
    _check_demand(el, ctx, c, o, cols, parts)
    a_cable: dict[int, tuple[int, int]] = {}
    split_state: dict[tuple[int, int], tuple[int, int]] = {}
    for i in range(n):
        a, ag, ap, d, bg, bp = cols[0][i], cols[1][i], cols[2][i], cols[3][i], cols[4][i], cols[5][i]
        pa, pb = int(parts[a]), int(parts[d])
        if o.split > 1:     # the legs of a breakout share the a port, written (`a.p[0]`) or not
            key = (a, ag, ap)
            cur = split_state.get(key)
            if cur is None or cur[1] >= o.split:
                port_a = _take(el, ctx, c, a, pa, ag, ap, base)
                split_state[key] = (port_a, 1)
            else:
                port_a = cur[0]
                split_state[key] = (port_a, cur[1] + 1)
        else:
            port_a = _take(el, ctx, c, a, pa, ag, ap, base)
        port_b = _take(el, ctx, c, d, pb, bg, bp, base)
        lanes = o.lanes or _lanes(el, pa, ag, pb, bg, o.split)
        cable = -1
        if o.medium != -1:
            cable = _cable(b, o, a, port_a, a_cable)
        b.add_link(a, port_a, d, port_b, o.medium, lanes, cable, cid)


def _cable(b: Any, o: Opts, a: int, port_a: int, state: dict[int, tuple[int, int]]) -> int:
    if o.split > 1:
        key = a * 65536 + port_a
        if key not in state:
            state[key] = (b.new_cable(), 0)
        return state[key][0]
    if o.bundle > 1:
        cur = state.get(a)
        if cur is None or cur[1] >= o.bundle:
            cur = (b.new_cable(), 0)
        state[a] = (cur[0], cur[1] + 1)
        return cur[0]
    return b.new_cable()


def _lanes(el: Any, pa: int, ag: int, pb: int, bg: int, split: int) -> int:
    la = el.parts[pa].ports[ag].lanes
    lb = el.parts[pb].ports[bg].lanes
    return max(1, min(la // split if split > 1 else la, lb))


def _take(el: Any, ctx: Any, c: A.Connect, dev: int, part: int, group: int, explicit: int, base: Any) -> int:
    b = ctx.builder
    p = el.parts[part]
    lo, hi = _group_range(el, part, group)
    db = int(base[dev])
    if explicit >= 0:
        port = lo + explicit
        if b.used[db + port]:
            raise DiagnosticError(error("SN0601", f"port `{b.names[dev]}.{p.ports[group].name}[{explicit}]` is used twice",
                                        c.span, label="this connection uses it again",
                                        hint="each port carries one link; pick another index or use `split N` for breakouts"))
        b.used[db + port] = 1
        return port
    key = (dev, group)
    port = b.cursor.get(key, lo)
    while port < hi and b.used[db + port]:
        port += 1
    if port >= hi:
        raise DiagnosticError(error("SN0602", f"`{b.names[dev]}` has no free `{p.ports[group].name}` port left ({p.ports[group].count} in all)",
                                    c.span, hint="add ports, or connect fewer links"))
    b.used[db + port] = 1
    b.cursor[key] = port + 1
    return port


def _check_demand(el: Any, ctx: Any, c: A.Connect, o: Opts, cols: list[array], parts: Any) -> None:
    """Report the first device that needs more free ports than it has."""
    for side, (dc, gc, pc) in (("a", (0, 1, 2)), ("b", (3, 4, 5))):
        demand: Counter = Counter()
        for d, g, p in zip(cols[dc], cols[gc], cols[pc]):
            if p < 0:
                demand[(d, g)] += 1
        for (d, g), need in sorted(demand.items()):
            if side == "a" and o.split > 1:
                need = -(-need // o.split)
            part = int(parts[d])
            free = len(_free_ports(el, ctx, d, part, g))
            if need > free:
                grp = el.parts[part].ports[g]
                used = grp.count - free
                ref = c.a if side == "a" else c.b
                raise DiagnosticError(error(
                    "SN0602", f"`{ctx.builder.names[d]}` needs {need} `{grp.name}` ports for this connection but has {grp.count}"
                    + (f" ({used} already used, {free} free)" if used else ""),
                    ref.span, label=f"{need} links end on `{grp.name}` of one {el.parts[part].qname}",
                    notes=(f"`{el.parts[part].qname}` declares `port {grp.name}[{grp.count}]`",),
                    hint="add ports to the part, lower the link count, or spread the links over more devices"))
