"""Hover text (Markdown) for the node under the cursor (language server, layer 8).

Shows a declaration's doc comment; for a quantity its value in other units
and in base units; for a parameter or `let` its resolved value; for a part its
key figures (vendor, part number, power, price, memory, media figures) and its
port groups with their total bandwidth; for a member the part or template it
instantiates.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Mapping

from .. import units
from ..catalog import PartSource, build_part
from ..diagnostics import DiagnosticError
from ..elaborate.values import evaluate, show
from ..ir.model import Part
from ..resolve import ModuleInfo, Program, lookup_decl
from ..syntax import ast as A
from ..syntax.printer import expr, header, simple_stmt
from . import navigate as N

FUNCTIONS = {
    "floor": "floor(x): the largest integer not above x",
    "ceil": "ceil(x): the smallest integer not below x",
    "min": "min(a, b, ...): the smallest argument (same unit)",
    "max": "max(a, b, ...): the largest argument (same unit)",
    "abs": "abs(x): the absolute value",
    "len": "len(a..b): the number of integers in a range",
}


def hover_markdown(prog: Program, info: ModuleInfo, module: A.Module, offset: int) -> str | None:
    """Markdown for the innermost node at `offset`, or None."""
    path = N.path_at(module, offset)
    if not path:
        return None
    node, parent = path[-1], (path[-2] if len(path) > 1 else None)
    if isinstance(node, A.Num):
        return quantity_markdown(node)
    if isinstance(node, A.Ratio):
        return f"ratio **{node.text}** = {units.format_number(node.left / node.right)}"
    if isinstance(node, A.Name):
        return _name(prog, info, path, node, parent)
    if isinstance(node, A.Seg) and isinstance(parent, A.Ref):
        names = [s.name for s in parent.segs[: parent.segs.index(node) + 1]]
        t = N.resolve_ref(prog, info, path[:-2], names)
        return target_markdown(prog, t) if t else None
    if isinstance(node, A.Call):
        return FUNCTIONS.get(node.func)
    if isinstance(node, A.Arg) and isinstance(parent, A.Member):
        t = N.template_param(prog, info, parent, node.name)
        return target_markdown(prog, t) if t else None
    if isinstance(node, A.Import):
        t = N.resolve_qualified(prog, info, (node.alias or _module_name(node.path),))
        return target_markdown(prog, t) if t else None
    kind = {A.Decl: "decl", A.Param: "param", A.Let: "let", A.Member: "member", A.Group: "group",
            A.PortDecl: "port", A.RowDecl: "row", A.For: "var", A.Field: "field"}.get(type(node))
    if kind is None:
        return None
    owner = N.enclosing_decl(path[:-1]) if kind != "decl" else None
    return target_markdown(prog, N.Target(kind, getattr(node, "name", getattr(node, "var", "")),
                                          node, info, node.span, owner), path)


def _module_name(path: str) -> str:
    base = path.rsplit("/", 1)[-1]
    return base[:-3] if base.endswith(".sn") else base


def _name(prog: Program, info: ModuleInfo, path: list, node: A.Name, parent: Any) -> str | None:
    if N.is_type_position(node, parent):
        t = N.resolve_qualified(prog, info, node.parts)
    else:
        t = N.resolve_name(prog, info, path[:-1], node.parts)
    return target_markdown(prog, t, path[:-1]) if t else None


# ---------------------------------------------------------------- quantities
def quantity_markdown(n: A.Num) -> str | None:
    """`56 GB/s` = 448 Gb/s = 448000000000 bit/s, with the dimension."""
    try:
        q = units.quantity(n.text or str(n.value), n.unit)
    except (units.UnitError, ValueError, ZeroDivisionError):
        return None
    written = f"{n.text} {n.unit}" if n.unit else n.text
    if q.is_dimensionless:
        return f"**{written}** = {units.format_number(q.value, 12)}" + (" (a fraction)" if n.unit == "%" else "")
    lines = [f"**{written}** — {units.describe(q.dim)}"]
    if q.dim == units.RATE:
        lines.append(f"= {units.format_rate_both(q)} per direction")
    elif q.format() != written:
        lines.append(f"= {q.format()}")
    base = _base_unit(q.dim)
    if q.dim == units.INFO and q.value % 8 == 0:
        q, base = units.Quantity(q.value / 8, q.dim), "B"
    if base:
        lines.append(f"= {units.format_number(q.value, 15)} {base} (exact: {q.value})"
                     if q.value.denominator != 1 else f"= {q.value.numerator:,} {base}")
    return "\n\n".join(lines)


def _base_unit(dim: Any) -> str:
    return {units.RATE: "bit/s", units.TIME: "s", units.LENGTH: "m", units.POWER: "W", units.INFO: "bit",
            units.DELAY_PER_LENGTH: "s/m", units.RACK_UNITS: "U"}.get(dim, "")


# ---------------------------------------------------------------- targets
def target_markdown(prog: Program, t: N.Target, path: list | None = None) -> str | None:
    fn = _RENDER.get(t.kind)
    return fn(prog, t, path or []) if fn else None


def _code(text: str) -> str:
    return f"```sn\n{text}\n```"


def _with_doc(head: str, doc: str, *rest: str) -> str:
    parts = [head] + ([doc] if doc else []) + [r for r in rest if r]
    return "\n\n".join(parts)


def _decl(prog: Program, t: N.Target, path: list) -> str:
    d: A.Decl = t.node
    qname = _qualified(prog, t)
    head = _code(header(d)[:-2]) + (f"\n\n`{qname}`" if qname != d.name else "")
    if d.kind in A.PART_KINDS and t.module is not None:
        return _with_doc(head, d.doc, part_figures(prog, t.module, d, qname))
    members = [s for s in N.declared_names(d.body) if isinstance(s, (A.Member, A.Group))]
    listing = "\n".join(f"- `{simple_stmt(m) if isinstance(m, A.Member) else header(m)[:-2]}`" for m in members[:12])
    if len(members) > 12:
        listing += f"\n- … {len(members) - 12} more"
    return _with_doc(head, d.doc, listing)


def _qualified(prog: Program, t: N.Target) -> str:
    if t.module is None or t.module.path == prog.root:
        return t.name.rsplit(".", 1)[-1] if t.kind == "decl" else t.name
    return f"{t.module.name}.{t.node.name}"


def _param(prog: Program, t: N.Target, path: list) -> str:
    p: A.Param = t.node
    text = f"{p.name} = {expr(p.default)}" if p.default is not None else p.name
    where = f"parameter of {t.owner.kind} `{t.owner.name}`" if t.owner else "module parameter (override with `-D`)"
    value = _value(p.default, module_env(t.module)) if p.default is not None else "no default: every instance sets it"
    return _with_doc(_code(("" if t.owner else "param ") + text), p.doc, f"{where}; value **{value}**")


def _let(prog: Program, t: N.Target, path: list) -> str:
    s: A.Let = t.node
    value = _value(s.value, module_env(t.module))
    return _with_doc(_code(simple_stmt(s)), s.doc, f"value **{value}**")


def _value(e: Any, env: Mapping[str, Any]) -> str:
    try:
        return show(evaluate(e, env))
    except Exception:  # noqa: BLE001 - hover is best effort; the diagnostics report the error
        return "depends on the instance"


def _field(prog: Program, t: N.Target, path: list) -> str:
    f: A.Field = t.node
    value = _value(f.value, module_env(t.module))
    owner = f" of {t.owner.kind} `{t.owner.name}`" if t.owner else ""
    return _with_doc(_code(simple_stmt(f)), f.doc, f"field{owner}; value **{value}**")


def _member(prog: Program, t: N.Target, path: list) -> str:
    m: A.Member = t.node
    head = _code(simple_stmt(m))
    typ = N.type_of(prog, t)
    if typ is None:
        return _with_doc(head, m.doc)
    mod, decl = typ
    qname = m.type.dotted
    about = f"{decl.kind} `{qname}`" + (": " + decl.doc.split("\n")[0] if decl.doc else "")
    figures = part_figures(prog, mod, decl, qname) if decl.kind in A.PART_KINDS else ""
    return _with_doc(head, m.doc, about, figures)


def _group(prog: Program, t: N.Target, path: list) -> str:
    g: A.Group = t.node
    names = ", ".join(f"`{s.name}`" for s in N.declared_names(g.body))
    return _with_doc(_code(header(g)[:-2]), g.doc, f"group of {names}" if names else "")


def _port(prog: Program, t: N.Target, path: list) -> str:
    p: A.PortDecl = t.node
    owner = f"port group of {t.owner.kind} `{t.owner.name}`" if t.owner else "port group"
    env = module_env(t.module)
    try:
        count = 1 if p.count is None else int(evaluate(p.count, env))
        rate = evaluate(p.rate, env)
        total = units.Quantity(rate.value * count, rate.dim)
        figures = (f"{count} × {rate.format()} = {units.format_rate_both(total)} per direction"
                   if rate.dim == units.RATE else "")
    except (DiagnosticError, units.UnitError, ArithmeticError, TypeError, ValueError, AttributeError):
        figures = ""
    return _with_doc(_code(simple_stmt(p)), p.doc, owner, figures)


def _row(prog: Program, t: N.Target, path: list) -> str:
    return _with_doc(_code(simple_stmt(t.node)), t.node.doc, "a row of rack positions in a hall")


def _var(prog: Program, t: N.Target, path: list) -> str:
    f: A.For = t.node
    return _code(f"for {f.var} in {expr(f.iter)}") + "\n\nloop variable"


def _module(prog: Program, t: N.Target, path: list) -> str:
    mod = t.module
    assert mod is not None
    by_kind: dict[str, list[str]] = {}
    for d in mod.decls.values():
        by_kind.setdefault(d.kind, []).append(f"`{d.name}`")
    listing = "\n".join(f"- {k}: {', '.join(sorted(v))}" for k, v in sorted(by_kind.items()))
    return _with_doc(f"module `{t.name}` — `{mod.path}`", "", listing)


_RENDER = {"decl": _decl, "param": _param, "let": _let, "field": _field, "member": _member,
           "group": _group, "port": _port, "row": _row, "var": _var, "module": _module}


# ---------------------------------------------------------------- parts
def module_env(info: ModuleInfo | None) -> dict[str, Any]:
    """Values of a module's parameters (defaults) and top-level `let`s, best effort."""
    env: dict[str, Any] = {}
    if info is None:
        return env
    for s in info.ast.body:
        value = s.default if isinstance(s, A.Param) else s.value if isinstance(s, A.Let) else None
        if value is None:
            continue
        try:
            env[s.name] = evaluate(value, env)
        except (DiagnosticError, units.UnitError, ArithmeticError, TypeError, ValueError):
            continue
    return env


def part_of(prog: Program, mod: ModuleInfo, decl: A.Decl, qname: str, depth: int = 0) -> Part | None:
    """The catalog `Part` of a declaration (with `extends` applied), or None if it has errors."""
    base = None
    if decl.base is not None:
        bmod, bdecl, _ = lookup_decl(prog, mod, decl.base)
        if bmod is None or bdecl is None or depth > 16:
            return None
        base = part_of(prog, bmod, bdecl, f"{bmod.name}.{bdecl.name}", depth + 1)
        if base is None:
            return None
    try:
        part, _ = build_part(PartSource(qname, decl, module_env(mod)), base)
    except (DiagnosticError, units.UnitError, ArithmeticError, TypeError, ValueError):
        return None
    return part


def part_figures(prog: Program, mod: ModuleInfo, decl: A.Decl, qname: str) -> str:
    """A Markdown table of a part's key figures and its port groups."""
    part = part_of(prog, mod, decl, qname)
    if part is None:
        rows = [(f.name, expr(f.value)) for f in N.fields_of(prog, mod, decl).values()]
        ports = [f"- `{simple_stmt(p)}`" for _, p, _ in N.ports_of(prog, mod, decl)]
    else:
        rows = _figures(part)
        ports = [_port_line(g) for g in part.ports]
    table = "| | |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows) if rows else ""
    return "\n\n".join(x for x in (table, "\n".join(ports)) if x)


def _q(value: Fraction | int | None, dim: Any) -> str | None:
    return None if value is None else units.Quantity(Fraction(value), dim).format()


def _figures(p: Part) -> list[tuple[str, str]]:
    rows: list[tuple[str, str | None]] = [
        ("vendor", p.vendor or None), ("part number", p.part_number or None),
        ("description", p.description or None),
        ("price", _q(p.price, units.CNY if p.currency == "CNY" else units.USD)),
        ("power", _q(p.power, units.POWER)), ("height", f"{p.height} U" if p.height else None),
        ("memory", _q(p.memory * 8 if p.memory is not None else None, units.INFO)),
        ("latency", _q(p.latency, units.TIME)), ("cooling", p.cooling),
        ("class", p.medium_class), ("rate", units.format_rate_both(units.Quantity(p.rate, units.RATE)) if p.rate else None),
        ("reach", _q(p.reach, units.LENGTH)), ("delay", _q(p.delay, units.DELAY_PER_LENGTH)),
        ("form", p.form), ("links per module", str(p.links_per_module) if p.links_per_module != 1 else None),
        ("power budget", _q(p.power_budget, units.POWER)),
    ]
    if p.ports:
        total = sum(g.rate * g.count for g in p.ports)
        rows.append(("ports", f"{p.port_count}, {units.format_rate_both(units.Quantity(total, units.RATE))} in total"))
    return [(k, v) for k, v in rows if v is not None]


def _port_line(g: Any) -> str:
    rate = units.Quantity(g.rate, units.RATE)
    total = units.Quantity(g.rate * g.count, units.RATE)
    extra = "".join(f", {x}" for x in (f"{g.lanes} lanes" if g.lanes != 1 else "", g.form or "",
                                        "required" if g.required else "") if x)
    return (f"- `{g.name}`: {g.count} × {g.protocol} @ {units.format_rate_both(rate)}"
            f" = {units.format_rate_both(total)}{extra}")
