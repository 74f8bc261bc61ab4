"""Statements inside templates, groups and the center (layer 4)."""

from __future__ import annotations

import itertools
import re
from collections import ChainMap
from fractions import Fraction
from typing import Any

import numpy as np

from .. import units
from ..diagnostics import DiagnosticError, error
from ..resolve import ModuleInfo, hall_in_template, lookup_decl, not_here
from ..suggest import did_you_mean
from ..syntax import ast as A
from .builder import Block, Builder, DevArray, HallRef, Instances, LocalRequire, RackArray, Scope
from .core import Ctx, Elaborator, _Quiet
from .refs import resolve_devices, resolve_selector, walk_ref
from .values import Range, count_text, evaluate, show, to_int, to_quantity

ALLOWED_TEMPLATE_FIELDS = ("height",)
CENTER_FIELDS = ("slack", "routing_factor", "tray_height")
HALL_FIELDS = ("power_budget", "row_spacing")


def run_body(el: Elaborator, ctx: Ctx, body: tuple) -> None:
    """Elaborate statements; each failure is reported and the rest go on."""
    env = ctx.env if isinstance(ctx.env, ChainMap) else ChainMap({}, ctx.env)
    ctx.env = env
    for s in body:
        try:
            _stmt(el, ctx, s)
        except _Quiet:
            pass
        except DiagnosticError as e:
            d = e.diagnostic
            if ctx.chain and not d.notes:
                from dataclasses import replace
                d = replace(d, notes=ctx.chain[-3:])
            el.diags.append(d)
            if d.code == "SN0207":
                raise _Quiet() from None


def _stmt(el: Elaborator, ctx: Ctx, s: Any) -> None:
    handler = _HANDLERS.get(type(s))
    if handler is None or (type(s) is A.Decl and s.kind != "hall"):
        raise DiagnosticError(not_here(s))   # resolve reports these first: kept for safety
    handler(el, ctx, s)


def _connect(el: Elaborator, ctx: Ctx, c: A.Connect) -> None:
    from .connect import elaborate_connect
    elaborate_connect(el, ctx, c)


def _place(el: Elaborator, ctx: Ctx, p: A.Place) -> None:
    from .place import elaborate_place
    elaborate_place(el, ctx, p)


def _let(el: Elaborator, ctx: Ctx, s: A.Let) -> None:
    ctx.env.maps[0][s.name] = evaluate(s.value, ctx.env)  # type: ignore[attr-defined]


def _if(el: Elaborator, ctx: Ctx, s: A.If) -> None:
    cond = evaluate(s.cond, ctx.env)
    if not isinstance(cond, bool):
        raise DiagnosticError(error("SN0203", f"`if` needs a boolean, got {show(cond)}", s.cond.span))
    run_body(el, ctx, s.then if cond else s.orelse)


def _row_outside_hall(el: Elaborator, ctx: Ctx, s: A.RowDecl) -> None:
    raise DiagnosticError(error("SN0213", "a `row` belongs inside a `hall`", s.span))


def dims_of(el: Elaborator, ctx: Ctx, exprs: tuple) -> tuple[int, ...]:
    dims = []
    for e in exprs:
        n = to_int(evaluate(e, ctx.env), e, "an array size")
        if n < 0:
            raise DiagnosticError(error("SN0205", f"array size is negative ({n})", e.span))
        if n > el.limits.devices:   # alone: `[0][10**21]` has no elements but cannot be enumerated
            raise DiagnosticError(error("SN0207", f"array size {count_text(n)} exceeds the device limit of {el.limits.devices:,}",
                                        e.span, hint="check the size, or raise the limit with --max-devices"))
        dims.append(n)
    total = 1
    for n in dims:
        total *= n
    if total > el.limits.devices:
        raise DiagnosticError(error("SN0207", f"array of {count_text(total)} elements exceeds the device limit of {el.limits.devices:,}",
                                    exprs[0].span, hint="check the sizes, or raise the limit with --max-devices"))
    return tuple(dims)


def spend_iterations(el: Elaborator, n: int, span: Any, what: str) -> None:
    """Count `n` loop bodies against `Limits.iterations` before running them, so a
    `for i in 0..1000000000` with an empty body fails at once instead of running for hours."""
    el.iterations += n
    if el.iterations > el.limits.iterations:
        raise DiagnosticError(error(
            "SN0207", f"{what} would run the loop bodies {count_text(el.iterations)} times in all; the limit is {el.limits.iterations:,}",
            span, hint="write the repetition as an array and a connect pattern (`a[i].p -> b[j].q`) instead of a loop"))


def index_names(name: str, dims: tuple[int, ...]) -> list[str]:
    if not dims:
        return [name]
    return [name + "".join(f"[{i}]" for i in idx) for idx in itertools.product(*(range(d) for d in dims))]


def _declare(ctx: Ctx, name: str, member: Any, span: Any) -> None:
    if name in ctx.scope.members:
        raise DiagnosticError(error("SN0102", f"`{name}` is declared twice in this scope", span, hint="rename one"))
    ctx.scope.members[name] = member


def _member(el: Elaborator, ctx: Ctx, m: A.Member) -> None:
    dims = dims_of(el, ctx, m.dims)
    pmod, decl, hint = lookup_decl(el.prog, ctx.module, m.type)
    if decl is None or pmod is None:
        raise DiagnosticError(unknown_type(ctx.module, m.type, hint))
    count = int(np.prod(dims)) if dims else 1
    if decl.kind in A.PART_KINDS:
        if m.args:
            raise DiagnosticError(error("SN0109", f"part `{m.type.dotted}` takes no arguments", m.args[0].span))
        pid = el._part_of(pmod, decl, m.type)
        names = [ctx.path + n for n in index_names(m.name, dims)]
        if decl.kind == "rack":
            first = len(ctx.builder.racks)
            ctx.builder.racks += [(n, pid, m.span) for n in names]
            _declare(ctx, m.name, RackArray(dims, first, pid, m.span), m.span)
            return
        _check_limit(el, ctx, count, 0, m.span, count * el.port_counts[pid])
        first = ctx.builder.add_devices(ctx.path, m.name, pid, count, names)
        _declare(ctx, m.name, DevArray(dims, first, pid, m.name, m.span), m.span)
        return
    if decl.kind not in A.TEMPLATE_KINDS:
        raise DiagnosticError(error("SN0203", f"`{m.type.dotted}` is a {decl.kind}; members are parts or templates", m.type.span))
    block = instantiate(el, ctx, pmod, decl, m)
    _check_limit(el, ctx, count * block.n_devices, count * block.n_links, m.span, count * block.n_ports)
    prefixes = [ctx.path + n + "." for n in index_names(m.name, dims)]
    sn = (decl.name, m.span) if decl.kind == "supernode" else None
    offs = ctx.builder.add_block(block, prefixes, sn)
    elems = [(block.scope, d, r, prefixes[k].rstrip(".")) for k, (d, r) in enumerate(offs)]
    _declare(ctx, m.name, Instances(dims, elems, decl.name, m.span), m.span)


def unknown_type(mod: ModuleInfo, name: A.Name, hint: str) -> Any:
    if len(name.parts) > 1 and name.parts[0] in mod.imports:
        return error("SN0106", f"module `{name.parts[0]}` has no part or template `{'.'.join(name.parts[1:])}`",
                     name.span, label="not in that module", hint=hint or "see `supernodec catalog list`")
    return error("SN0107", f"unknown part or template `{name.dotted}`", name.span, label="not found",
                 hint=hint or "declare it, or import the catalog that declares it")


def _check_limit(el: Elaborator, ctx: Ctx, devices: int, links: int, span: Any, ports: int = 0) -> None:
    if ctx.builder.n_ports + ports > el.limits.ports:
        raise DiagnosticError(error("SN0207", f"the design would have {count_text(ctx.builder.n_ports + ports)} ports; the limit is {el.limits.ports:,}",
                                    span, hint="check the array sizes and the port counts of the parts"))
    if ctx.builder.n_dev + devices > el.limits.devices:
        raise DiagnosticError(error("SN0207", f"the design would have {ctx.builder.n_dev + devices:,} devices; the limit is {el.limits.devices:,}",
                                    span, hint="check array sizes, or raise the limit with --max-devices"))
    if ctx.builder.n_links + links > el.limits.links:
        raise DiagnosticError(error("SN0207", f"the design would have {ctx.builder.n_links + links:,} links; the limit is {el.limits.links:,}",
                                    span, hint="check the connect patterns, or raise the limit with --max-links"))


def instantiate(el: Elaborator, ctx: Ctx, tmod: ModuleInfo, decl: A.Decl, m: A.Member) -> Block:
    env: dict[str, Any] = dict(el.module_constants(tmod))
    given = {a.name: a for a in m.args}
    declared = {p.name: p for p in (decl.params or ())}
    for a in m.args:
        if a.name not in declared:
            raise DiagnosticError(error("SN0109", f"template `{decl.name}` has no parameter `{a.name}`", a.span,
                                        hint=did_you_mean(a.name, declared) or "parameters: " + (", ".join(declared) or "none")))
    for p in decl.params or ():
        if p.name in given:
            env[p.name] = evaluate(given[p.name].value, ctx.env)
        elif p.default is not None:
            env[p.name] = evaluate(p.default, env)
        else:
            raise DiagnosticError(error("SN0209", f"`{decl.name}` needs a value for parameter `{p.name}`", m.span,
                                        hint=f"write `{m.name}: {m.type.dotted}({p.name} = ...)`"))
    key = (tmod.path, decl.name, tuple(sorted((k, env[k]) for k in declared)))
    if key in el.cache:
        return el.cache[key]
    qn = f"{tmod.name}.{decl.name}"
    if qn in el.active:
        raise DiagnosticError(error("SN0208", f"template `{decl.name}` contains itself: " + " -> ".join(el.active[el.active.index(qn):] + [qn]),
                                    m.span, hint="a template cannot instantiate itself, directly or through others"))
    if len(el.active) >= el.limits.depth:
        raise DiagnosticError(error("SN0208", f"templates nest deeper than {el.limits.depth} levels", m.span))
    el.active.append(qn)
    try:
        scope = Scope(template=decl.name)
        b = Builder(el.port_counts)
        note = f"in `{decl.name}` instantiated as `{m.name}` at {m.span}" if m.span else f"in `{decl.name}`"
        sub = Ctx(tmod, ChainMap({}, env), scope, b, "", ctx.chain + (note,))
        run_body(el, sub, decl.body)
        scope.dev_hi = b.n_dev
        scope.rack_hi = len(b.racks)
        block = b.finish(scope)
    finally:
        el.active.pop()
    el.cache[key] = block
    return block


def _group(el: Elaborator, ctx: Ctx, g: A.Group) -> None:
    dims = dims_of(el, ctx, g.dims)
    spend_iterations(el, int(np.prod(dims)) if dims else 1, g.span, f"group `{g.name}`")
    elems = []
    for nm in index_names(g.name, dims):
        sc = Scope(parent=ctx.scope, dev_lo=ctx.builder.n_dev, rack_lo=len(ctx.builder.racks))
        sub = Ctx(ctx.module, ChainMap({}, ctx.env), sc, ctx.builder, ctx.path + nm + ".", ctx.chain)
        run_body(el, sub, g.body)
        sc.dev_hi, sc.rack_hi = ctx.builder.n_dev, len(ctx.builder.racks)
        elems.append((sc, 0, 0, ctx.path + nm))
    _declare(ctx, g.name, Instances(dims, elems, None, g.span), g.span)


def _for(el: Elaborator, ctx: Ctx, f: A.For) -> None:
    it = evaluate(f.iter, ctx.env)
    if not isinstance(it, Range):
        raise DiagnosticError(error("SN0203", f"`for` needs a range like `0..7`, got {show(it)}", f.iter.span))
    nested = len(it) * (1 + _static_iterations(ctx, f.body))
    if el.iterations + nested > el.limits.iterations:   # nested loops: fail before running any
        spend_iterations(el, nested, f.iter.span, f"`for {f.var} in {show(it)}` and the loops inside it")
    spend_iterations(el, len(it), f.iter.span, f"`for {f.var} in {show(it)}`")
    for i in it:
        sub = Ctx(ctx.module, ChainMap({f.var: Fraction(i)}, ctx.env), ctx.scope, ctx.builder, ctx.path, ctx.chain)
        run_body(el, sub, f.body)


def _static_iterations(ctx: Ctx, body: tuple) -> int:
    """Loop bodies the loops in `body` will run, for ranges known before the loop
    runs (a range that reads the loop variable counts as one)."""
    n = 0
    for s in body:
        if type(s) is A.For:
            try:
                it = evaluate(s.iter, ctx.env)
            except DiagnosticError:
                it = None
            n += (len(it) if isinstance(it, Range) else 1) * (1 + _static_iterations(ctx, s.body))
        elif type(s) is A.If:
            n += max(_static_iterations(ctx, s.then), _static_iterations(ctx, s.orelse))
    return n


def _field(el: Elaborator, ctx: Ctx, f: A.Field) -> None:
    allowed = CENTER_FIELDS if ctx.scope.template == "<center>" else ALLOWED_TEMPLATE_FIELDS
    if f.name not in allowed:
        raise DiagnosticError(error("SN0110", f"`{f.name}` is not a setting here", f.span,
                                    hint=did_you_mean(f.name, allowed) or "settings: " + ", ".join(allowed)))
    v = evaluate(f.value, ctx.env)
    if f.name == "height":
        q = to_quantity(v, units.RACK_UNITS, f.value, "height")
        ctx.scope.fields["height"] = to_int(_at_most(q.value, 1000, f.value, "height", "1,000 U"), f.value, "a whole number of U")
    elif f.name == "routing_factor":
        if not isinstance(v, Fraction) or v < 1:
            raise DiagnosticError(error("SN0205", f"routing_factor must be a number >= 1, got {show(v)}", f.value.span))
        el.settings[f.name] = _at_most(v, 10, f.value, "routing_factor", "10")
    else:
        el.settings[f.name] = _at_most(to_quantity(v, units.LENGTH, f.value, f.name).value, 1000, f.value, f.name, "1 km")


# Floor geometry is bounded so that every cable length fits the IR's int32 millimetres
# (10,000 positions x 10 m + 10 km across rows, x 10 routing, + 1 km slack < 2,147 km).
MAX_SLOTS, MAX_PITCH, MAX_ACROSS = 10_000, Fraction(10), Fraction(10_000)


def _at_most(v: Fraction, hi: int | Fraction, node: Any, what: str, text: str) -> Fraction:
    """`v` if |v| <= hi, else SN0205: values past what any floor or part has overflow the IR."""
    if abs(v) > hi:
        raise DiagnosticError(error("SN0205", f"{what} must be at most {text}, got {show(v) if abs(v) < 10**30 else 'more than 10^30'}",
                                    getattr(node, "span", None), hint="check the number and its unit"))
    return v


def _hall(el: Elaborator, ctx: Ctx, h: A.Decl) -> None:
    rows: list[tuple[str, int, Fraction, Fraction]] = []
    budget = None
    spacing = Fraction(12, 10)
    for s in h.body:
        if isinstance(s, A.Field) and s.name in HALL_FIELDS:
            v = evaluate(s.value, ctx.env)
            if s.name == "power_budget":
                budget = _at_most(to_quantity(v, units.POWER, s.value, "power_budget").value, 10**12, s.value,
                                  "power_budget", "1 TW")
            else:
                spacing = _at_most(to_quantity(v, units.LENGTH, s.value, "row_spacing").value, MAX_ACROSS, s.value,
                                   "row_spacing", "10 km")
    for s in h.body:
        if isinstance(s, A.RowDecl):
            slots = to_int(evaluate(s.slots, ctx.env), s.slots, "a number of rack positions")
            _at_most(Fraction(slots), MAX_SLOTS, s.slots, "a row", f"{MAX_SLOTS:,} rack positions")
            pitch = Fraction(6, 10) if s.pitch is None else to_quantity(evaluate(s.pitch, ctx.env), units.LENGTH, s.pitch, "pitch").value
            _at_most(pitch, MAX_PITCH, s.pitch, "pitch", "10 m")
            y = spacing * len(rows) if s.at is None else to_quantity(evaluate(s.at, ctx.env), units.LENGTH, s.at, "row position").value
            _at_most(y, MAX_ACROSS, s.at or s.span, "a row position", "10 km")
            rows.append((s.name, slots, pitch, y))
        elif isinstance(s, A.Field):
            if s.name not in HALL_FIELDS:
                raise DiagnosticError(error("SN0110", f"`{s.name}` is not a hall setting", s.span,
                                            hint=did_you_mean(s.name, HALL_FIELDS) or "settings: " + ", ".join(HALL_FIELDS)))
        else:
            raise DiagnosticError(error("SN0002", "a hall holds `row` declarations and settings", getattr(s, "span", None)))
    hid = len(el.halls)
    el.halls.append((h.name, rows, budget, h.span))
    _declare(ctx, h.name, HallRef(h.name, {r[0]: (hid, i) for i, r in enumerate(rows)}, h.span), h.span)
    if ctx.chain:    # declared all the same, so its `place`s add no errors; a template's racks are per instance
        raise DiagnosticError(hall_in_template(h))


def _require(el: Elaborator, ctx: Ctx, r: A.Require) -> None:
    args = []
    for ra in r.args:
        for ref in (ra.ref,) + ((ra.other,) if ra.other is not None else ()):
            text, ids, group, racks = resolve_selector(el, ctx, ref)
            args.append((text, ids, group, racks))
    bound = None if r.bound is None else evaluate(r.bound, ctx.env)
    size = bound.value if isinstance(bound, units.Quantity) else bound
    if isinstance(size, Fraction) and abs(size) > 10**30:   # checks compare in floats
        raise DiagnosticError(error("SN0405", "the bound of this `require` is beyond 10^30 (in SI units)", r.bound.span,
                                    hint="check the number and its unit"))
    opts = {"pairs": len(r.args) and r.args[0].other is not None}
    ctx.builder.requires.append(LocalRequire(r.func, args, r.op, bound, ctx.path.rstrip("."), opts, r.span))


def _memory(el: Elaborator, ctx: Ctx, m: A.Memory) -> None:
    members = []
    for ref in m.over:
        text, ids, _group, racks = resolve_selector(el, ctx, ref)
        if racks:
            raise DiagnosticError(error("SN0203", f"`{text}` names racks; a unified memory map is over devices with memory",
                                        ref.span, hint="name the accelerators or CPUs, like `over npu, cpu`"))
        members.append(ids)
    ids = np.concatenate(members) if members else np.zeros(0, dtype=np.int64)
    width = 64
    if m.width is not None:
        w = evaluate(m.width, ctx.env)
        if isinstance(w, units.Quantity) and w.dim == units.INFO:
            w = w.value
        width = to_int(w, m.width, "an address width in bits")
        if not 1 <= width <= 128:
            raise DiagnosticError(error("SN0205", f"an address width is 1 to 128 bits, got {count_text(width)}", m.width.span))
    align = 1
    if m.align is not None:
        a = to_quantity(evaluate(m.align, ctx.env), units.INFO, m.align, "align")
        align = to_int(_at_most(a.value / 8, 2**64, m.align, "align", "2^64 bytes"), m.align, "a whole number of bytes")
    ctx.builder.memory.append((-1, ids.astype(np.int64), width, align, m.span))


_INTERP = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# deployment files put the address in `NodeAddr=...`, `ansible_host: ...`: no room for these
_BAD_ADDRESS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _mgmt(el: Elaborator, ctx: Ctx, m: A.Mgmt) -> None:
    template: list[str] | None = None    # literal, name, literal, ... of the address
    for binding, devs in resolve_devices(el, ctx, m.target):
        env = ChainMap(binding, ctx.env)
        if template is None or type(m.value) is not A.Str:   # a literal is the same for every binding
            v = evaluate(m.value, env)
            if not isinstance(v, str):
                raise DiagnosticError(error("SN0203", f"a management address is a string, got {show(v)}", m.value.span))
            template = _INTERP.split(v)
        text = _fill(template, binding, env, m)
        if _BAD_ADDRESS.search(text) or not text:
            raise DiagnosticError(error("SN0203", f"management address {show(text)[:80]} is empty or holds a space or control character",
                                        m.value.span, hint="write a host name or IP address, like \"10.0.{i}.1\""))
        for d in devs:
            ctx.builder.mgmt[d] = text


def _fill(template: list[str], binding: dict, env: Any, m: A.Mgmt) -> str:
    """The address with each `{name}` replaced by `show` of its value."""
    out = template[:]
    for i in range(1, len(out), 2):
        v = binding.get(out[i])
        # an index variable of the target is a whole number below the array size: `show` prints its digits
        out[i] = str(v.numerator) if v is not None else _interp(out[i], env, m)
    return "".join(out)


def _interp(name: str, env: Any, m: A.Mgmt) -> str:
    if name not in env:
        raise DiagnosticError(error("SN0101", f"unknown name `{name}` in `{{{name}}}`", m.value.span,
                                    hint=did_you_mean(name, list(env)) or "use an index variable of the target"))
    return show(env[name])


# statement type -> handler (a `Decl` is a statement only when it is a hall)
_HANDLERS: dict[type, Any] = {
    A.Member: _member, A.Connect: _connect, A.Group: _group, A.Let: _let, A.For: _for, A.If: _if,
    A.Place: _place, A.Require: _require, A.Memory: _memory, A.Field: _field, A.Mgmt: _mgmt,
    A.Decl: _hall, A.RowDecl: _row_outside_hall,
}
