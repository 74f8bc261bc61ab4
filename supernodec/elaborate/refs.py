"""References like `server[n].l1[p].up[k]`: walking scopes with index variables.

An index that is a bare name not bound in the environment is a pattern
variable: it ranges over that array dimension, in order of first appearance,
so `connect npu[i].ub[p] -> l1[p].down[i]` means "for every i and p".
"""

from __future__ import annotations

from collections import ChainMap
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterator

import numpy as np

from ..diagnostics import DiagnosticError, error
from ..suggest import did_you_mean
from ..syntax import ast as A
from .builder import DevArray, HallRef, Instances, RackArray, Scope
from .values import evaluate, show, to_int

Elem = tuple[Scope, int, int, str, str]   # scope, dev offset, rack offset, block prefix, path
PLAIN_TABLES = True   # plain references resolved with numpy (`reftable`); False: always walk


@dataclass
class Target:
    kind: str                              # dev | rack | scope | row
    devs: list[int]                        # devices (dev), racks (rack)
    part: int = -1
    group: int | None = None               # port group index (dev with a port)
    port: Any = None                       # None: allocate; "*": every port; int: explicit
    elems: list[Elem] | None = None        # scope targets
    row: tuple[int, int] | None = None     # (hall, row) for row targets
    slot: int | None = None
    paths: list[str] | None = None


def walk_ref(el: Any, ctx: Any, ref: A.Ref, binding: dict[str, Fraction]) -> Iterator[tuple[dict, Target]]:
    """Every (binding, target) a reference denotes, binding free index names."""
    if not binding and PLAIN_TABLES:
        from .reftable import plain_table, table_rows
        t = plain_table(el, ctx, ref)
        if t is not None:
            yield from table_rows(t)
            return
    start: list[Elem] = [(ctx.scope, 0, 0, "", "")]
    yield from _walk(el, ctx, ref, 0, start, binding)


def _member(ctx: Any, ref: A.Ref, i: int, elems: list[Elem]) -> Any:
    seg = ref.segs[i]
    scope = elems[0][0]
    m = scope.find(seg.name) if i == 0 else scope.members.get(seg.name)
    if m is None:
        names = scope.visible() if i == 0 else list(scope.members)
        where = "here" if i == 0 else f"in `{_text(ref, i)}`"
        raise DiagnosticError(error("SN0101", f"unknown name `{seg.name}` {where}", seg.span, label="not declared",
                                    hint=did_you_mean(seg.name, names) or ("names here: " + ", ".join(sorted(names)[:8]) if names else "")))
    return m


def _text(ref: A.Ref, upto: int) -> str:
    return ".".join(s.name for s in ref.segs[:upto])


class _RefText:
    """The text of a reference up to a segment (plus a tail), made only when a message needs it."""

    __slots__ = ("ref", "upto", "tail")

    def __init__(self, ref: A.Ref, upto: int, tail: str = "") -> None:
        self.ref, self.upto, self.tail = ref, upto, tail

    def __str__(self) -> str:
        return _text(self.ref, self.upto) + self.tail


def _walk(el: Any, ctx: Any, ref: A.Ref, i: int, elems: list[Elem], binding: dict) -> Iterator[tuple[dict, Target]]:
    seg = ref.segs[i]
    m = _member(ctx, ref, i, elems)
    last = i + 1 == len(ref.segs)
    if isinstance(m, HallRef):
        yield from _row(el, ctx, ref, i, m, binding)
        return
    for b2, flats in indices(ctx, seg, m.dims, binding, _RefText(ref, i + 1)):
        if isinstance(m, Instances):
            new: list[Elem] = []
            for (_, doff, roff, bpre, _p) in elems:
                for f in flats:
                    sc, ed, er, nm = m.elems[f]
                    path = bpre + nm
                    new.append((sc, doff + ed, roff + er, path + "." if m.template else bpre, path))
            if last:
                yield b2, Target("scope", [], elems=new)
            else:
                yield from _walk(el, ctx, ref, i + 1, new, b2)
        elif isinstance(m, DevArray):
            devs = [doff + m.first + f for (_, doff, _r, _b, _p) in elems for f in flats]
            if last:
                yield b2, Target("dev", devs, m.part)
            else:
                yield from _port(el, ctx, ref, i + 1, m, devs, b2)
        elif isinstance(m, RackArray):
            if not last:
                raise DiagnosticError(error("SN0101", f"`{seg.name}` is a rack and has no members", ref.segs[i + 1].span))
            yield b2, Target("rack", [roff + m.first + f for (_, _d, roff, _b, _p) in elems for f in flats])


def _port(el: Any, ctx: Any, ref: A.Ref, i: int, m: DevArray, devs: list[int], binding: dict) -> Iterator[tuple[dict, Target]]:
    seg = ref.segs[i]
    part = el.parts[m.part]
    gi = el.group_index(m.part).get(seg.name)
    if gi is None:
        groups = [g.name for g in part.ports]
        raise DiagnosticError(error("SN0108", f"`{part.qname}` has no port group `{seg.name}`", seg.span,
                                    label="unknown port group",
                                    hint=did_you_mean(seg.name, groups) or ("port groups: " + ", ".join(groups) if groups else "this part has no ports")))
    if i + 1 != len(ref.segs):
        raise DiagnosticError(error("SN0002", "a reference ends at a port", ref.segs[i + 1].span))
    g = part.ports[gi]
    if len(seg.indices) > 1:
        raise DiagnosticError(error("SN0204", f"port group `{seg.name}` has one dimension", seg.span))
    if not seg.indices:
        yield binding, Target("dev", devs, m.part, gi, None)
        return
    ix = seg.indices[0]
    if isinstance(ix, A.Star):
        yield binding, Target("dev", devs, m.part, gi, "*")
        return
    for b2, flats in indices(ctx, seg, (g.count,), binding, _RefText(ref, i, "." + seg.name)):
        yield b2, Target("dev", devs, m.part, gi, flats[0])


def _is_var(e: Any, binding: dict, env: Any) -> bool:
    return type(e) is A.Name and len(e.parts) == 1 and e.parts[0] not in binding and e.parts[0] not in env


def indices(ctx: Any, seg: A.Seg, dims: tuple[int, ...], binding: dict, text: Any) -> Iterator[tuple[dict, list[int]]]:
    """(binding, flat element indices) for each way the indices of `seg` can bind."""
    if len(dims) == 1 and len(seg.indices) == 1:
        one = _one_index(ctx, seg.indices[0], dims[0], binding)
        if one is not None:
            return one
    return _indices(ctx, seg, dims, binding, text)


def _one_index(ctx: Any, ix: Any, d: int, binding: dict) -> Any:
    """The common one-dimensional cases without the general machinery (same results)."""
    t = type(ix)
    if t is A.Name and len(ix.parts) == 1:
        name = ix.parts[0]
        v = binding.get(name)
        if v is not None:
            k = int(v)
            return iter(((binding, [k]),)) if 0 <= k < d else None
        if name not in ctx.env:
            return (({**binding, name: Fraction(k)}, [k]) for k in range(d))
    elif t is A.Star:
        return iter(((binding, list(range(d))),))
    elif t is A.Num and ix.unit is None and ix.value.denominator == 1 and 0 <= ix.value.numerator < d:
        return iter(((binding, [ix.value.numerator]),))
    return None


def _indices(ctx: Any, seg: A.Seg, dims: tuple[int, ...], binding: dict, text: Any) -> Iterator[tuple[dict, list[int]]]:
    if len(seg.indices) > len(dims):
        raise DiagnosticError(error("SN0204", f"`{text}` has {len(dims)} dimension(s) but {len(seg.indices)} indices are given",
                                    seg.span, hint="remove the extra index"))
    results: list[tuple[dict, list[tuple[int, ...]]]] = [(binding, [()])]
    for k, d in enumerate(dims):
        ix = seg.indices[k] if k < len(seg.indices) else None
        nxt: list[tuple[dict, list[tuple[int, ...]]]] = []
        for b, tuples in results:
            if ix is None or isinstance(ix, A.Star):
                nxt.append((b, [t + (v,) for t in tuples for v in range(d)]))
            elif _is_var(ix, b, ctx.env):
                name = ix.parts[0]
                for v in range(d):
                    nb = dict(b)
                    nb[name] = Fraction(v)
                    nxt.append((nb, [t + (v,) for t in tuples]))
            else:
                v = index_value(ctx, ix, b)
                if not 0 <= v < d:
                    raise DiagnosticError(error("SN0204", f"index {v} is out of range for `{text}` ({d} elements: 0..{d - 1})",
                                                ix.span, label="out of range", hint=_range_hint(ix, b)))
                nxt.append((b, [t + (v,) for t in tuples]))
        results = nxt
    strides = []
    acc = 1
    for d in reversed(dims):
        strides.append(acc)
        acc *= d
    strides.reverse()
    for b, tuples in results:
        yield b, [sum(t[k] * strides[k] for k in range(len(dims))) for t in tuples]


def _range_hint(ix: Any, b: dict) -> str:
    if b:
        return "with " + ", ".join(f"{k} = {show(v)}" for k, v in sorted(b.items()))
    return "check the array size"


def index_value(ctx: Any, ix: Any, binding: dict) -> int:
    t = type(ix)
    if t is A.Name and len(ix.parts) == 1:
        v = binding.get(ix.parts[0])
        if v is not None:
            return int(v)
    if t is A.Num and ix.unit is None and ix.value.denominator == 1:
        return int(ix.value)
    fn = _fast_index(ix)
    if fn is not None:
        try:
            v = fn(binding, ctx.env)
            if type(v) is int:
                return v
        except _Bail:
            pass
    names: list[str] = []
    from .values import free_names
    for n in free_names(ix, names):
        if n not in binding and n not in ctx.env:
            raise DiagnosticError(error("SN0212", f"index variable `{n}` is used in an expression before it is bound",
                                        ix.span, hint=f"use `{n}` alone as an index first, e.g. `a[{n}] -> b[({n} + 1) % 8]`"))
    return to_int(evaluate(ix, ChainMap(binding, ctx.env)), ix, "an integer index")


def known_index(ctx: Any, ix: Any, binding: dict) -> int | None:
    """The integer value of an index expression when the fast evaluator decides it
    (no errors, no diagnostics), else None."""
    if type(ix) is A.Name and len(ix.parts) == 1:
        v = binding.get(ix.parts[0])
        if type(v) is Fraction and v.denominator == 1:
            return v.numerator
    fn = _fast_index(ix)
    if fn is None:
        return None
    try:
        v = fn(binding, ctx.env)
    except _Bail:
        return None
    return v if type(v) is int else None


class _Bail(Exception):
    """The fast index evaluator cannot decide: evaluate the general way."""


_FAST: dict[int, tuple[Any, Any]] = {}
_INT_OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}


def _fast_index(ix: Any) -> Any:
    """A compiled evaluator of an integer index expression (or None), cached per node.

    It computes with Python ints (Fractions only for inexact `/`) and gives up (`_Bail`)
    on anything else: units, non-numbers, unknown names, division by zero, comparisons,
    so the general evaluator reports exactly what it always did."""
    hit = _FAST.get(id(ix))
    if hit is not None and hit[0] is ix:
        return hit[1]
    fn = _compile_int(ix, [0])
    if len(_FAST) > 8192:
        _FAST.clear()
    _FAST[id(ix)] = (ix, fn)
    return fn


def _norm(v: Any) -> Any:
    if type(v) is Fraction:
        return int(v) if v.denominator == 1 else v
    if type(v) is int:
        return v
    raise _Bail


def _compile_int(e: Any, count: list[int]) -> Any:
    count[0] += 1
    t = type(e)
    if count[0] > 64:
        return None
    if t is A.Num:
        if e.unit is not None:
            return None
        val = _norm(e.value)
        return lambda b, env: val
    if t is A.Name and len(e.parts) == 1:
        return _compile_name(e.parts[0])
    if t is A.Unary and e.op in ("-", "+"):
        f = _compile_int(e.operand, count)
        return None if f is None else ((lambda b, env: -f(b, env)) if e.op == "-" else f)
    if t is A.Call and e.func in ("floor", "ceil", "min", "max", "abs") and e.args:
        fs = [_compile_int(a, count) for a in e.args]
        return None if any(f is None for f in fs) else _compile_call(e.func, fs)
    if t is A.BinOp and e.op in ("+", "-", "*", "/", "%"):
        fl, fr = _compile_int(e.left, count), _compile_int(e.right, count)
        return None if fl is None or fr is None else _compile_binop(e.op, fl, fr)
    return None


def _compile_name(name: str) -> Any:
    def look(b: dict, env: Any) -> Any:
        v = b.get(name)
        if v is None:
            if name not in env:
                raise _Bail
            v = env[name]
        return _norm(v)
    return look


def _compile_call(func: str, fs: list) -> Any:
    import math
    if func in ("floor", "ceil"):
        if len(fs) != 1:
            return None
        f, rnd = fs[0], (math.floor if func == "floor" else math.ceil)
        return lambda b, env: rnd(f(b, env))
    if func == "abs":
        return None if len(fs) != 1 else (lambda b, env: abs(fs[0](b, env)))
    pick = min if func == "min" else max
    return lambda b, env: _norm(pick(f(b, env) for f in fs))


def _compile_binop(op: str, fl: Any, fr: Any) -> Any:
    if op in _INT_OPS:
        g = _INT_OPS[op]
        return lambda b, env: _norm(g(fl(b, env), fr(b, env)))

    def div(b: dict, env: Any) -> Any:
        x, y = fl(b, env), fr(b, env)
        if y == 0:
            raise _Bail
        return _norm(x % y) if op == "%" else _norm(Fraction(x) / y)
    return div


def _row(el: Any, ctx: Any, ref: A.Ref, i: int, h: HallRef, binding: dict) -> Iterator[tuple[dict, Target]]:
    if i + 1 >= len(ref.segs):
        raise DiagnosticError(error("SN0213", f"name a row of hall `{h.name}`, like `{h.name}.{next(iter(h.rows), 'A')}`", ref.span))
    seg = ref.segs[i + 1]
    if seg.name not in h.rows:
        raise DiagnosticError(error("SN0101", f"hall `{h.name}` has no row `{seg.name}`", seg.span,
                                    hint=did_you_mean(seg.name, h.rows) or "rows: " + ", ".join(h.rows)))
    hid, rid = h.rows[seg.name]
    if not seg.indices:
        yield binding, Target("row", [], row=(hid, rid))
        return
    slots = el.halls[hid][1][rid][1]
    for b2, flats in indices(ctx, seg, (slots,), binding, f"{h.name}.{seg.name}"):
        yield b2, Target("row", [], row=(hid, rid), slot=flats[0])


def resolve_devices(el: Any, ctx: Any, ref: A.Ref) -> list[tuple[dict, list[int]]]:
    """Devices a reference names, per binding (scopes expand to all their devices)."""
    out = []
    for b, t in walk_ref(el, ctx, ref, {}):
        if t.kind == "dev":
            out.append((b, t.devs))
        elif t.kind == "scope":
            out.append((b, [d for (sc, doff, _r, _b, _p) in t.elems or [] for d in range(doff + sc.dev_lo, doff + sc.dev_hi)]))
        else:
            raise DiagnosticError(error("SN0203", "expected devices here", ref.span))
    return out


def resolve_selector(el: Any, ctx: Any, ref: A.Ref) -> tuple[str, np.ndarray, str | None, bool]:
    """A require/memory argument: (text, ids, port group, racks?)."""
    text = ".".join(s.name + "".join("[*]" if isinstance(x, A.Star) else "[…]" for x in s.indices) for s in ref.segs)
    first = ref.segs[0]
    if ctx.scope.find(first.name) is None and not first.indices:
        if first.name in ("rack", "racks"):
            return text, np.array([-1], dtype=np.int64), None, True
        ids, part = _by_role(ctx.scope, first.name)
        if part is None:
            raise DiagnosticError(error("SN0101", f"nothing named `{first.name}` in this scope", first.span,
                                        hint=did_you_mean(first.name, _roles(ctx.scope)) or "name a member, or a member of its templates"))
        group = None
        if len(ref.segs) > 1:
            group = ref.segs[1].name
            groups = [g.name for g in el.parts[part].ports]
            if group not in groups:
                raise DiagnosticError(error("SN0108", f"`{el.parts[part].qname}` has no port group `{group}`", ref.segs[1].span,
                                            hint=did_you_mean(group, groups) or "port groups: " + ", ".join(groups)))
        return text, np.asarray(ids, dtype=np.int64), group, False
    ids2: list[int] = []
    group2 = None
    racks = False
    for _b, t in walk_ref(el, ctx, ref, {}):
        if t.kind == "dev":
            ids2 += t.devs
            if t.group is not None:
                group2 = el.parts[t.part].ports[t.group].name
        elif t.kind == "rack":
            ids2 += t.devs
            racks = True
        elif t.kind == "scope":
            ids2 += [d for (sc, doff, _r, _bb, _p) in t.elems or [] for d in range(doff + sc.dev_lo, doff + sc.dev_hi)]
    return text, np.asarray(sorted(set(ids2)), dtype=np.int64), group2, racks


def _by_role(scope: Scope, role: str, off: int = 0) -> tuple[list[int], int | None]:
    ids: list[int] = []
    part = None
    for m in scope.members.values():
        if isinstance(m, DevArray) and m.role == role:
            n = int(np.prod(m.dims)) if m.dims else 1
            ids += range(off + m.first, off + m.first + n)
            part = m.part
        elif isinstance(m, Instances):
            sub, p = _by_role_elems(m, role)
            if p is not None:
                part = p
                for (_sc, doff, _r, _n) in m.elems:
                    ids += [doff + off + x for x in sub] if m.template else []
                if not m.template:
                    for (sc, _d, _r, _n) in m.elems:
                        s2, _ = _by_role(sc, role, off)
                        ids += s2
    return ids, part


def _by_role_elems(m: Instances, role: str) -> tuple[list[int], int | None]:
    if m.template:
        return _by_role(m.elems[0][0], role, 0) if m.elems else ([], None)   # `x: T[0]` has no elements
    for (sc, _d, _r, _n) in m.elems:
        ids, p = _by_role(sc, role, 0)
        if p is not None:
            return ids, p
    return [], None


def _roles(scope: Scope) -> list[str]:
    out: list[str] = []
    for name, m in scope.members.items():
        out.append(name)
        if isinstance(m, Instances) and m.elems:
            out += _roles(m.elems[0][0])
    return sorted(set(out))
