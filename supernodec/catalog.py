"""Catalog parts: part declarations to `Part` values (layer 4).

A part is declared with its kind word (`switch`, `optic`, ...), optional
`extends` of another part, fields (`power = 600 W`) and port groups. This
module applies inheritance, checks the fields (known for the kind, right unit,
required for the kind, sane values, known names) and produces the immutable
`ir.model.Part`.

Inheritance rules (`optic FH_DR8 extends optics.OSFP800_DR8 { ... }`):

- the base must be a part of the same kind (SN0305); cycles are SN0308;
- every field of the base is inherited; a field set on the extending part
  overrides it, and a field the kind does not have is SN0302;
- port groups are inherited as a whole: a part that declares any port group
  declares its complete set (so `QM9700_Leaf extends QM9700` can re-split 64
  ports into `down[32]` and `up[32]` without ending up with 128);
- `Part.fields` holds the merged field values plus two reserved keys:
  ``extends`` (the base's qualified name) and ``declared`` (the field names
  written on this part), used for part-number conflicts and `catalog show`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Mapping

from . import units
from .diagnostics import Diagnostic, DiagnosticError, Related, error
from .elaborate.values import count_text, describe, evaluate, show, to_int
from .ir.model import PROTOCOLS, PortGroup, Part
from .suggest import did_you_mean
from .syntax import ast as A

# field -> (dimension or type, IR attribute)
_Q = units
FIELDS: dict[str, tuple[Any, str]] = {
    "vendor": (str, "vendor"), "part_number": (str, "part_number"), "model": (str, "description"),
    "description": (str, "description"), "price": ("money", "price"), "power": (_Q.POWER, "power"),
    "height": (_Q.RACK_UNITS, "height"), "memory": (_Q.INFO, "memory"), "latency": (_Q.TIME, "latency"),
    "cooling": (str, "cooling"), "class": (str, "medium_class"), "protocol": (str, "protocol"), "rate": (_Q.RATE, "rate"),
    "reach": (_Q.LENGTH, "reach"), "delay": (_Q.DELAY_PER_LENGTH, "delay"), "form": (str, "form"),
    "links_per_module": (int, "links_per_module"), "max_racks": (int, "max_racks"),
    "power_budget": (_Q.POWER, "power_budget"), "leg": ("part", "leg"),
}
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "optic": ("class", "rate", "reach", "delay", "form", "links_per_module", "protocol", "leg"),
    "cable": ("class", "rate", "reach", "delay", "form", "links_per_module", "max_racks", "protocol"),
    "rack": ("power_budget",),
}
COMMON = ("vendor", "part_number", "model", "description", "price", "power", "height",
          "memory", "cooling", "latency")
REQUIRED: dict[str, tuple[str, ...]] = {
    "optic": ("class", "rate", "reach"), "cable": ("class", "rate", "reach"), "rack": ("height",),
}
NEEDS_PORTS = ("switch", "nic")
FORMS = ("OSFP", "QSFP-DD", "QSFP112", "QSFP56", "QSFP28", "OSFP-XD", "backplane", "RJ45", "SFP28", "SFP56",
         "CPO", "PCIe")
MEDIUM_CLASSES = ("DAC", "ACC", "AEC", "AOC", "SR", "DR", "FR", "LR", "ER", "ZR", "backplane")
COOLING = ("air", "liquid")
POSITIVE = ("reach", "height", "rate")
# Upper bounds far above any real part (in SI base units: bit/s, m, W, U, bit, s, s/m), so
# that a slip like `1e400 W` is reported here instead of overflowing the int64 and float
# columns of the IR and the checks (each was an SN0901). Rates leave room for x 32,767 lanes.
MAXIMA: dict[str, tuple[Fraction, str]] = {
    "rate": (Fraction(10**14), "100 Tb/s"), "reach": (Fraction(10**8), "100,000 km"),
    "power": (Fraction(10**7), "10 MW"), "power_budget": (Fraction(10**10), "10 GW"),
    "height": (Fraction(1000), "1,000 U"), "memory": (Fraction(8 * 2**63), "8 EiB"),
    "latency": (Fraction(1), "1 s"), "delay": (Fraction(1, 1000), "1 ms/m"),
}
INT_MAXIMA = {"links_per_module": 1024, "max_racks": 1_000_000}
MAX_PRICE = Fraction(10**12)
RESERVED = ("extends", "declared")


def a(kind: str) -> str:
    """The kind with its article: "an optic", "a switch"."""
    return ("an " if kind[0] in "aeiou" else "a ") + kind.replace("_", " ")


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
    if base is not None and base.kind != decl.kind:
        diags.append(error("SN0305", f"`{decl.name}` is declared as {a(decl.kind)} but extends `{base.qname}`, {a(base.kind)}",
                           decl.name_span, label=a(decl.kind),
                           related=(Related(base.span, f"`{base.qname}` is {a(base.kind)}"),) if base.span else (),
                           hint=f"declare it as `{base.kind} {decl.name} extends ...`"))
        return None, diags
    vals: dict[str, Any] = {}
    ports: list[PortGroup] = []
    failed: set[str] = set()      # fields (and "port") whose statement was reported already
    for s in decl.body:
        try:
            _statement(decl, s, src.env, vals, ports, base)
        except DiagnosticError as e:
            diags.append(e.diagnostic)
            failed.add("port" if isinstance(s, A.PortDecl) else getattr(s, "name", ""))
    part = _assemble(src, base, vals, ports)
    diags += _missing(decl, part, failed)
    return (None if any(d.is_error for d in diags) else part), diags


def _statement(decl: A.Decl, s: Any, env: Mapping[str, Any], vals: dict[str, Any], ports: list[PortGroup],
               base: Part | None) -> None:
    if isinstance(s, A.Field):
        _field(decl, s, env, vals, base)
    elif isinstance(s, A.PortDecl):
        _port(s, env, ports)
    else:
        raise DiagnosticError(error("SN0301", f"{a(decl.kind)} part can hold only fields and port groups",
                                    getattr(s, "span", None), label="not a field or port group",
                                    hint="move members, connects and placement into a template (`node`, `fabric`, ...)"))


def _assemble(src: PartSource, base: Part | None, vals: dict[str, Any], ports: list[PortGroup]) -> Part:
    decl = src.decl
    part = base if base is not None else Part(qname=src.qname, kind=decl.kind)
    fields: dict[str, Any] = {k: v for k, v in part.fields.items() if k not in RESERVED}
    fields.update(vals)
    fields["declared"] = tuple(vals)
    if base is not None:
        fields["extends"] = base.qname
    part = replace(part, qname=src.qname, kind=decl.kind, ports=tuple(ports) if ports else part.ports,
                   doc=decl.doc or (base.doc if base else ""), span=decl.name_span, fields=fields)
    for k, v in vals.items():
        if k == "leg":
            continue      # a part reference, resolved to a part index by the elaborator (`resolve_leg`)
        if k == "price":
            part = replace(part, price=v[0], currency=v[1])
        else:
            part = replace(part, **{FIELDS[k][1]: v})
    return part


def _missing(decl: A.Decl, part: Part, failed: set[str]) -> list[Diagnostic]:
    """SN0303 for required fields that are neither set nor inherited (nor already reported)."""
    missing = [f"`{f}`" for f in REQUIRED.get(decl.kind, ())
               if getattr(part, FIELDS[f][1]) is None and f not in failed]
    if decl.kind in NEEDS_PORTS and not part.ports and "port" not in failed:
        missing.append("port group (like `port p[64]: Ethernet @ 400 Gb/s`)")
    if not missing:
        return []
    what = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
    example = {"`reach`": "reach = 500 m", "`rate`": "rate = 800 Gb/s", "`class`": 'class = "DR"',
               "`height`": "height = 42 U"}
    hint = f"add `{example[missing[0]]}`" if missing[0] in example else f"{a(decl.kind)} needs {what}"
    return [error("SN0303", f"{decl.kind} `{decl.name}` has no {what}", decl.name_span,
                  label="required field missing", hint=hint)]


def _field(decl: A.Decl, f: A.Field, env: Mapping[str, Any], vals: dict[str, Any], base: Part | None) -> None:
    ok = allowed_fields(decl.kind)
    if f.name not in ok:
        code = "SN0302" if base is not None else "SN0110"
        what = f"`{decl.name}` overrides `{f.name}`, which" if base is not None else f"`{f.name}`"
        raise DiagnosticError(error(code, f"{what} is not a field of {a(decl.kind)}", f.span,
                                    label="unknown field", hint=did_you_mean(f.name, ok) or "fields: " + ", ".join(ok)))
    if f.name in vals:
        raise DiagnosticError(error("SN0102", f"field `{f.name}` is set twice", f.span, hint="keep one"))
    kind, _ = FIELDS[f.name]
    if kind == "part":
        if not isinstance(f.value, A.Name):
            raise DiagnosticError(error("SN0314", f"`{f.name}` must name an optic part, like `leg = optics.OSFP400_DR4`",
                                        f.value.span, label="not a part name"))
        vals[f.name] = f.value
        return
    v = evaluate(f.value, env)
    vals[f.name] = _convert(f, kind, v)


def _convert(f: A.Field, kind: Any, v: Any) -> Any:
    if kind is str:
        return _string(f, v)
    if kind is int:
        n = to_int(v, f.value)
        if n < 1:
            raise DiagnosticError(error("SN0304", f"`{f.name}` must be at least 1, got {count_text(n)}", f.value.span))
        if n > INT_MAXIMA.get(f.name, n):
            raise DiagnosticError(error("SN0304", f"`{f.name}` must be at most {INT_MAXIMA[f.name]:,}, got {count_text(n)}",
                                        f.value.span, label="out of range"))
        return n
    if kind == "money":
        return _money(f, v)
    if not isinstance(v, units.Quantity) or v.dim != kind:
        raise DiagnosticError(error("SN0201", f"`{f.name}` must be a {units.describe(kind)}, got {show(v)} ({describe(v)})",
                                    f.value.span, label="wrong unit", hint=_unit_hint(f.name)))
    if v.value < 0 or (v.value == 0 and f.name in POSITIVE):
        word = "positive" if f.name in POSITIVE else "zero or more"
        raise DiagnosticError(error("SN0304", f"`{f.name}` must be {word}, got {v.format()}", f.value.span,
                                    label="out of range"))
    _at_most(f.name, v.value, MAXIMA.get(f.name), f.value.span)
    if f.name == "height":
        return to_int(v.value, f.value, "a whole number of U")
    if f.name == "memory":
        return int(v.value / 8)
    return v.value


def _string(f: A.Field, v: Any) -> str:
    if not isinstance(v, str):
        raise DiagnosticError(error("SN0203", f"`{f.name}` must be a string, got {describe(v)}", f.value.span,
                                    hint=f'write it in quotes, like `{f.name} = "..."`'))
    allowed = {"cooling": (COOLING, "SN0304"), "form": (FORMS, "SN0307"), "class": (MEDIUM_CLASSES, "SN0307"),
               "protocol": (PROTOCOLS, "SN0307")}
    if f.name in allowed and v not in allowed[f.name][0]:
        names, code = allowed[f.name]
        raise DiagnosticError(error(code, f"{f.name} `{v}` is not one of {', '.join(names)}", f.value.span,
                                    label=f"unknown {f.name}", hint=did_you_mean(v, names) or ""))
    return v


def _money(f: A.Field, v: Any) -> tuple[Any, str]:
    if not isinstance(v, units.Quantity) or v.dim not in (units.USD, units.CNY):
        raise DiagnosticError(error("SN0201", f"price must be money (USD or CNY), got {show(v)}", f.value.span,
                                    label="not money", hint="write `price = 1200 USD`"))
    if v.value < 0:
        raise DiagnosticError(error("SN0304", f"price is negative ({v.format()})", f.value.span, label="negative price",
                                    hint="prices are zero or more; use 0 USD for a placeholder"))
    _at_most("price", v.value, (MAX_PRICE, "10^12"), f.value.span)
    return (v.value, "USD" if v.dim == units.USD else "CNY")


def _at_most(name: str, value: Fraction, bound: tuple[Fraction, str] | None, span: Any) -> None:
    if bound is not None and value > bound[0]:
        got = show(value) + " in SI units" if value < 10**30 else "more than 10^30 in SI units"
        raise DiagnosticError(error("SN0304", f"`{name}` must be at most {bound[1]}, got {got}", span,
                                    label="out of range", hint="check the number and its unit prefix"))


def _unit_hint(name: str) -> str:
    ex = {"power": "600 W", "reach": "500 m", "delay": "5 ns/m", "rate": "800 Gb/s", "latency": "100 ns",
          "memory": "128 GB", "height": "2 U", "power_budget": "40 kW"}
    return f"for example `{name} = {ex[name]}`" if name in ex else ""


def _port(p: A.PortDecl, env: Mapping[str, Any], ports: list[PortGroup]) -> None:
    count = 1 if p.count is None else to_int(evaluate(p.count, env), p.count, "a port count")
    if count < 1:
        raise DiagnosticError(error("SN0306", f"port group `{p.name}` has {count} ports", p.span,
                                    label="no ports", hint="a port group has at least one port; remove the group otherwise"))
    if p.protocol not in PROTOCOLS:
        raise DiagnosticError(error("SN0307", f"unknown protocol `{p.protocol}`", p.span, label="not a protocol",
                                    hint=did_you_mean(p.protocol, PROTOCOLS) or "protocols: " + ", ".join(PROTOCOLS)))
    rate = evaluate(p.rate, env)
    if not isinstance(rate, units.Quantity) or rate.dim != units.RATE:
        raise DiagnosticError(error("SN0201", f"port rate must be a data rate, got {show(rate)} ({describe(rate)})",
                                    p.rate.span, label="not a data rate", hint="write it like `400 Gb/s` or `56 GB/s`"))
    if rate.value <= 0:
        raise DiagnosticError(error("SN0304", f"port rate must be positive, got {rate.format()}", p.rate.span))
    _at_most("port rate", rate.value, MAXIMA["rate"], p.rate.span)
    lanes = 1 if p.lanes is None else to_int(evaluate(p.lanes, env), p.lanes, "a lane count")
    if lanes < 1:
        raise DiagnosticError(error("SN0304", f"a port has at least one lane, got {lanes}", p.lanes.span))
    if lanes > 32_767:   # the IR's lane column is int16
        raise DiagnosticError(error("SN0304", f"a port has at most 32,767 lanes, got {lanes:,}", p.lanes.span,
                                    hint="lanes are the electrical lanes of one port: 1 to 16 in practice"))
    if p.form is not None and p.form not in FORMS:
        raise DiagnosticError(error("SN0307", f"unknown form factor `{p.form}`", p.span, label="not a form factor",
                                    hint=did_you_mean(p.form, FORMS) or "forms: " + ", ".join(FORMS)))
    for old in ports:
        if old.name == p.name:
            raise DiagnosticError(error("SN0102", f"port group `{p.name}` is declared twice", p.span,
                                        related=(Related(old.span, "first declared here"),) if old.span else ()))
    ports.append(PortGroup(p.name, count, rate.value, p.protocol, lanes, p.form, p.required, span=p.span))


# ---------------------------------------------------------------------------- part numbers
def number_origin(part: Part, by_name: Mapping[str, Part]) -> str:
    """The part whose declaration wrote `part`'s part number (itself, or an ancestor it inherits it from)."""
    seen = set()
    p = part
    while "part_number" not in p.fields.get("declared", ("part_number",)) and p.qname not in seen:
        seen.add(p.qname)
        base = by_name.get(str(p.fields.get("extends", "")))
        if base is None or base.part_number != p.part_number:
            break
        p = base
    return p.qname


def duplicate_part_numbers(parts: tuple[Part, ...] | list[Part]) -> list[Diagnostic]:
    """SN0310 for two parts that write the same (vendor, part number) independently.

    A part that extends another and keeps its number is the same orderable item
    (an override for one design), not a conflict.
    """
    by_name = {p.qname: p for p in parts}
    seen: dict[tuple[str, str], Part] = {}
    out = []
    for p in parts:
        if not p.part_number:
            continue
        key = (p.vendor, p.part_number)
        first = seen.get(key)
        if first is None:
            seen[key] = p
        elif number_origin(first, by_name) != number_origin(p, by_name):
            out.append(error(
                "SN0310", f"part number `{p.part_number}` of {p.vendor or 'an unnamed vendor'} is declared by both "
                f"`{first.qname}` and `{p.qname}`", p.span, label="second part with this number",
                related=(Related(first.span, f"`{first.qname}` has it"),) if first.span else (),
                hint="give the variant its own part number, or extend the first part to override its fields"))
    return out


def leg_problem(part: Part, leg: Part, ref: Any) -> Diagnostic | None:
    """SN0314 when `part`'s `leg` names something other than a plain optic (not one with a `leg` itself)."""
    if leg.kind != "optic":
        return error("SN0314", f"`leg` of `{part.qname}` names `{leg.qname}`, {a(leg.kind)}, not an optic",
                     getattr(ref, "span", None), label="not an optic",
                     hint="name the optical module each breakout leg end takes")
    if "leg" in leg.fields:
        return error("SN0314", f"`leg` of `{part.qname}` names `{leg.qname}`, which has a `leg` itself"
                     + (" (the optic names itself)" if leg.qname == part.qname else ""),
                     getattr(ref, "span", None), label="a leg module breaks out again",
                     hint=f"name a plain module, without `leg`, as the leg of `{part.qname}`")
    return None


def extends_cycle(chain: list[str], ref: Any) -> Diagnostic:
    """SN0308 at the `extends` clause that closes the cycle `chain` (first == last)."""
    return error("SN0308", "parts extend each other in a cycle: " + " -> ".join(chain), getattr(ref, "span", None),
                 label="this `extends` closes the cycle",
                 hint=f"let `{chain[0]}` stand alone (declare its fields instead of extending)")
