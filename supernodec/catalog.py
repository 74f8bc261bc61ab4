"""Catalog parts: part declarations to `Part` values (layer 4).

A part is declared with its kind word (`switch`, `optic`, ...), optional
`extends` of another part, fields (`power = 600 W`) and port groups. This
module applies inheritance, checks the fields (known, right unit, required for
the kind, sane values) and produces the immutable `ir.model.Part`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Mapping

from . import units
from .diagnostics import Diagnostic, DiagnosticError, Related, error
from .elaborate.values import describe, evaluate, show, to_int
from .ir.model import PROTOCOLS, PortGroup, Part
from .suggest import did_you_mean
from .syntax import ast as A

# field -> (dimension or type, IR attribute)
_Q = units
FIELDS: dict[str, tuple[Any, str]] = {
    "vendor": (str, "vendor"), "part_number": (str, "part_number"), "model": (str, "description"),
    "description": (str, "description"), "price": ("money", "price"), "power": (_Q.POWER, "power"),
    "height": (_Q.RACK_UNITS, "height"), "memory": (_Q.INFO, "memory"), "latency": (_Q.TIME, "latency"),
    "cooling": (str, "cooling"), "class": (str, "medium_class"), "rate": (_Q.RATE, "rate"),
    "reach": (_Q.LENGTH, "reach"), "delay": (_Q.DELAY_PER_LENGTH, "delay"), "form": (str, "form"),
    "links_per_module": (int, "links_per_module"), "max_racks": (int, "max_racks"),
    "power_budget": (_Q.POWER, "power_budget"), "lanes": (int, "lanes"),
}
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "optic": ("class", "rate", "reach", "delay", "form", "links_per_module", "lanes"),
    "cable": ("class", "rate", "reach", "delay", "form", "links_per_module", "max_racks", "lanes"),
    "rack": ("power_budget",),
    "switch": ("latency",),
}
COMMON = ("vendor", "part_number", "model", "description", "price", "power", "height",
          "memory", "cooling", "latency")
REQUIRED: dict[str, tuple[str, ...]] = {
    "optic": ("reach", "rate"), "cable": ("reach", "rate"), "rack": ("height",),
}
FORMS = ("OSFP", "QSFP-DD", "QSFP112", "QSFP56", "QSFP28", "OSFP-XD", "backplane", "RJ45", "SFP28", "SFP56", "CPO", "PCIe")
COOLING = ("air", "liquid")


def allowed_fields(kind: str) -> tuple[str, ...]:
    return COMMON + KIND_FIELDS.get(kind, ())


@dataclass
class PartSource:
    """A declaration and where it lives, for `extends` lookups."""

    qname: str
    decl: A.Decl
    env: Mapping[str, Any]


def build_part(src: PartSource, base: Part | None) -> tuple[Part | None, list[Diagnostic]]:
    """Evaluate a part declaration on top of its base part (if it extends one)."""
    decl, diags = src.decl, []
    part = base if base is not None else Part(qname=src.qname, kind=decl.kind)
    if base is not None and base.kind != decl.kind:
        diags.append(error("SN0305", f"`{decl.name}` is a {decl.kind} but extends `{base.qname}`, a {base.kind}",
                           decl.name_span, hint=f"declare it as `{base.kind} {decl.name} extends ...`"))
        return None, diags
    vals: dict[str, Any] = {}
    ports = list(part.ports) if base is not None else []
    for s in decl.body:
        try:
            if isinstance(s, A.Field):
                _field(decl, s, src.env, vals, base)
            elif isinstance(s, A.PortDecl):
                _port(s, src.env, ports, base is not None)
            else:
                diags.append(error("SN0301", f"a {decl.kind} part can hold only fields and ports",
                                   getattr(s, "span", None), hint="move templates, connects and placement out of the part"))
        except DiagnosticError as e:
            diags.append(e.diagnostic)
    doc = decl.doc or (base.doc if base else "")
    part = replace(part, qname=src.qname, kind=decl.kind, ports=tuple(ports), doc=doc,
                   span=decl.name_span, fields={**dict(part.fields), **vals})
    for k, v in vals.items():
        part = replace(part, **{FIELDS[k][1]: v}) if k not in ("price",) else part
    if "price" in vals:
        amount, cur = vals["price"]
        part = replace(part, price=amount, currency=cur)
    missing = [f for f in REQUIRED.get(decl.kind, ()) if getattr(part, FIELDS[f][1]) is None]
    if decl.kind == "switch" and not part.ports:
        missing.append("port")
    if any(d.is_error for d in diags):
        missing = []   # one diagnostic per root cause: a field that failed is not also "missing"
    for f in missing:
        what = "port group (`port p[64]: Ethernet @ 400 Gb/s`)" if f == "port" else f"`{f}`"
        diags.append(error("SN0303", f"{decl.kind} `{decl.name}` has no {what}", decl.name_span,
                           label="required field missing", hint=f"a {decl.kind} needs " + what))
    return (None if any(d.is_error for d in diags) else part), diags


def _field(decl: A.Decl, f: A.Field, env: Mapping[str, Any], vals: dict[str, Any], base: Part | None) -> None:
    ok = allowed_fields(decl.kind)
    if f.name not in ok:
        code = "SN0302" if base is not None else "SN0110"
        raise DiagnosticError(error(code, f"`{f.name}` is not a field of a {decl.kind}", f.span,
                                    label="unknown field", hint=did_you_mean(f.name, ok) or "fields: " + ", ".join(ok)))
    if f.name in vals:
        raise DiagnosticError(error("SN0102", f"field `{f.name}` is set twice", f.span, hint="keep one"))
    kind, _ = FIELDS[f.name]
    v = evaluate(f.value, env)
    vals[f.name] = _convert(f, kind, v)


def _convert(f: A.Field, kind: Any, v: Any) -> Any:
    if kind is str:
        if not isinstance(v, str):
            raise DiagnosticError(error("SN0203", f"`{f.name}` must be a string, got {describe(v)}", f.value.span))
        if f.name == "cooling" and v not in COOLING:
            raise DiagnosticError(error("SN0304", f"cooling `{v}` is not one of {', '.join(COOLING)}", f.value.span))
        return v
    if kind is int:
        n = to_int(v, f.value)
        if n < 1:
            raise DiagnosticError(error("SN0304", f"`{f.name}` must be at least 1, got {n}", f.value.span))
        return n
    if kind == "money":
        if not isinstance(v, units.Quantity) or v.dim not in (units.USD, units.CNY):
            raise DiagnosticError(error("SN0201", f"price must be money (USD or CNY), got {show(v)}", f.value.span,
                                        hint="write `price = 1200 USD`"))
        if v.value < 0:
            raise DiagnosticError(error("SN0304", f"price is negative ({v.format()})", f.value.span,
                                        hint="prices are zero or more; use 0 USD for a placeholder"))
        return (v.value, "USD" if v.dim == units.USD else "CNY")
    if not isinstance(v, units.Quantity) or v.dim != kind:
        raise DiagnosticError(error("SN0201", f"`{f.name}` must be a {units.describe(kind)}, got {show(v)} ({describe(v)})",
                                    f.value.span, label="wrong unit", hint=_unit_hint(f.name)))
    if v.value < 0 or (v.value == 0 and f.name in ("reach", "height", "rate")):
        raise DiagnosticError(error("SN0304", f"`{f.name}` must be positive, got {v.format()}", f.value.span))
    if f.name == "height":
        return to_int(v.value, f.value, "a whole number of U")
    if f.name == "memory":
        return int(v.value / 8)
    return v.value


def _unit_hint(name: str) -> str:
    ex = {"power": "600 W", "reach": "500 m", "delay": "5 ns/m", "rate": "800 Gb/s", "latency": "100 ns",
          "memory": "128 GB", "height": "2 U", "power_budget": "40 kW"}
    return f"for example `{name} = {ex[name]}`" if name in ex else ""


def _port(p: A.PortDecl, env: Mapping[str, Any], ports: list[PortGroup], inherited: bool) -> None:
    count = 1 if p.count is None else to_int(evaluate(p.count, env), p.count, "a port count")
    if count < 1:
        raise DiagnosticError(error("SN0306", f"port group `{p.name}` has {count} ports", p.span,
                                    hint="a port group has at least one port"))
    if p.protocol not in PROTOCOLS:
        raise DiagnosticError(error("SN0307", f"unknown protocol `{p.protocol}`", p.span,
                                    hint=did_you_mean(p.protocol, PROTOCOLS) or "protocols: " + ", ".join(PROTOCOLS)))
    rate = evaluate(p.rate, env)
    if not isinstance(rate, units.Quantity) or rate.dim != units.RATE:
        raise DiagnosticError(error("SN0201", f"port rate must be a data rate, got {show(rate)} ({describe(rate)})",
                                    p.rate.span, label="not a data rate", hint="write it like `400 Gb/s` or `56 GB/s`"))
    if rate.value <= 0:
        raise DiagnosticError(error("SN0304", f"port rate must be positive, got {rate.format()}", p.rate.span))
    lanes = 1 if p.lanes is None else to_int(evaluate(p.lanes, env), p.lanes, "a lane count")
    if p.form is not None and p.form not in FORMS:
        raise DiagnosticError(error("SN0307", f"unknown form factor `{p.form}`", p.span,
                                    hint=did_you_mean(p.form, FORMS) or "forms: " + ", ".join(FORMS)))
    g = PortGroup(p.name, count, rate.value, p.protocol, lanes, p.form, p.required, span=p.span)
    for i, old in enumerate(ports):
        if old.name == p.name:
            if not inherited:
                raise DiagnosticError(error("SN0102", f"port group `{p.name}` is declared twice", p.span,
                                            related=(Related(old.span, "first declared here"),) if old.span else ()))
            ports[i] = g
            return
    ports.append(g)
