"""`supernodec catalog list|show|import-netbox` (layer 8).

`list` and `show` compile every shipped catalog (`supernodec/catalogs/*.sn`) and
every `.sn` file of the `-I` folders, exactly as a spec importing them would, so
a partner catalog with an error shows its diagnostics here first. Output is
sorted by qualified name and byte-identical across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic
from .emit.ir_json import part_json
from .ir.model import Part
from .syntax import ast as A
from .units import LENGTH, POWER, RATE, Quantity, format_number, format_rate_both

EXIT_OK, EXIT_SPEC, EXIT_USAGE = 0, 1, 2
CATALOG_VERSION = 1
ROOT_NAME = ".supernodec-catalog.sn"


@dataclass
class Template:
    qname: str
    kind: str
    doc: str
    decl: A.Decl
    where: str


@dataclass
class Catalog:
    parts: list[Part] = field(default_factory=list)
    templates: list[Template] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, Any] = field(default_factory=dict)


def catalog_files(include: list[str]) -> list[Path]:
    """The shipped catalogs, then the `.sn` files of each `-I` folder, sorted by name."""
    from .loader import catalog_dir
    files = sorted(catalog_dir().glob("*.sn"))
    for d in include:
        files += sorted(p for p in Path(d).glob("*.sn") if p.is_file())
    return [p.resolve() for p in files]


def load_catalog(include: list[str], cwd: Path | None = None) -> Catalog:
    """Compile every catalog module (no center) and collect its parts and templates."""
    from .driver import Options, compile_spec
    from .loader import FileLoader
    cwd = cwd or Path.cwd()
    root = (cwd / ROOT_NAME).resolve()
    seen: dict[str, int] = {}
    lines = []
    for f in catalog_files(include):
        alias = f.stem if f.stem not in seen else f"{f.stem}_{seen[f.stem] + 1}"
        seen[f.stem] = seen.get(f.stem, 0) + 1
        lines.append(f"import {json.dumps(str(f))} as {alias}")
    loader = FileLoader(list(include), overlay={str(root): "\n".join(lines) + "\n"}, cwd=cwd)
    res = compile_spec(str(root), loader, Options(run_checks=False))
    cat = Catalog(diagnostics=list(res.diagnostics), sources=dict(res.sources))
    if res.design is not None:
        cat.parts = sorted(res.design.parts, key=lambda p: p.qname)
    if res.program is not None:
        cat.templates = sorted(_templates(res.program), key=lambda t: t.qname)
    return cat


def _templates(prog: Any) -> list[Template]:
    out = []
    for mod in prog.modules.values():
        for d in mod.decls.values():
            if d.kind in A.TEMPLATE_KINDS:
                out.append(Template(f"{mod.name}.{d.name}", d.kind, d.doc, d, str(d.name_span) if d.name_span else ""))
    return out


# ---------------------------------------------------------------------------- figures
def q(value: Any, dim: Any) -> str:
    return Quantity(value, dim).format() if value is not None else "-"


BYTE_PROTOCOLS = ("UB", "NVLink", "PCIe")    # fabrics whose rates are quoted in bytes per second


def port_rate(protocol: str, rate: Any) -> str:
    """A port rate as its fabric quotes it: `50 GB/s` for NVLink, `400 Gb/s` for InfiniBand."""
    qty = Quantity(rate, RATE)
    if protocol in BYTE_PROTOCOLS:
        return format_rate_both(qty).split(" (")[0]
    return qty.format()


def ports_summary(p: Part) -> str:
    return ", ".join(f"{g.count} x {g.name} {g.protocol} {port_rate(g.protocol, g.rate)}" for g in p.ports)


def money(p: Part) -> str:
    if p.price is None:
        return "-"
    amount = f"{int(p.price):,}" if p.price.denominator == 1 else format_number(p.price)
    return f"{amount} {p.currency}"


def key_figures(p: Part) -> str:
    """The few numbers that identify a part of its kind, for one line of `catalog list`."""
    if p.kind in ("optic", "cable"):
        bits = [p.medium_class or "", q(p.rate, RATE), q(p.reach, LENGTH), p.form or "",
                f"{q(p.power, POWER)}/end", f"{p.links_per_module} links" if p.links_per_module > 1 else ""]
    elif p.kind == "rack":
        bits = [f"{p.height} U" if p.height else "", q(p.power_budget, POWER), p.cooling or ""]
    else:
        bits = [_memory(p), q(p.power, POWER) if p.power is not None else "", f"{p.height} U" if p.height else "",
                ports_summary(p)]
    return ", ".join(b for b in bits if b)


def _memory(p: Part) -> str:
    if p.memory is None:
        return ""
    from .units import INFO
    return Quantity(p.memory * 8, INFO).format()


# ---------------------------------------------------------------------------- commands
def catalog_main(args: argparse.Namespace) -> int:
    cmd = getattr(args, "catcmd", None)
    if cmd == "list":
        return _list(args)
    if cmd == "show":
        return _show(args)
    if cmd == "import-netbox":
        return _import_netbox(args)
    print("supernodec: usage error: `catalog` needs an action: list, show PART or import-netbox FILE.yaml",
          file=sys.stderr)
    return EXIT_USAGE


def _report(diags: list[Diagnostic], sources: dict[str, Any]) -> bool:
    from .render import render_rich
    if diags:
        color = sys.stderr.isatty() and not os.environ.get("NO_COLOR")
        text = render_rich(diags, sources, color=color)
        sys.stderr.write(text if text.endswith("\n") else text + "\n")
    return any(d.is_error for d in diags)


def _selected(cat: Catalog, args: argparse.Namespace) -> list[Part]:
    parts = cat.parts
    if args.vendor:
        parts = [p for p in parts if p.vendor.lower() == args.vendor.lower()]
    if args.kind:
        parts = [p for p in parts if p.kind == args.kind]
    return parts


def catalog_document(parts: list[Part], templates: list[Template]) -> dict[str, Any]:
    """The `catalog list --json` document (schema: `supernodec schema catalog`)."""
    return {"supernodec_catalog": CATALOG_VERSION, "parts": [part_json(p) for p in parts],
            "templates": [{"name": t.qname, "kind": t.kind, "doc": t.doc} for t in templates]}


def _list(args: argparse.Namespace) -> int:
    cat = load_catalog(args.include)
    if _report(cat.diagnostics, cat.sources):
        return EXIT_SPEC
    parts = _selected(cat, args)
    templates = [t for t in cat.templates if not args.kind or t.kind == args.kind] if not args.vendor else []
    if args.json:
        sys.stdout.write(json.dumps(catalog_document(parts, templates), indent=2, sort_keys=True) + "\n")
        return EXIT_OK
    rows = [(p.qname, p.kind, p.vendor, p.part_number, money(p), key_figures(p)) for p in parts]
    rows += [(t.qname, t.kind, "", "(template)", "", _first_line(t.doc)) for t in templates]
    sys.stdout.write(_table(("PART", "KIND", "VENDOR", "PART NUMBER", "PRICE", "KEY FIGURES"), rows))
    return EXIT_OK


def _first_line(doc: str) -> str:
    return doc.split("\n", 1)[0] if doc else ""


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head) - 1)]
    out = []
    for r in [head, *rows]:
        out.append("  ".join(str(c).ljust(w) for c, w in zip(r, widths)) + "  " + str(r[-1]))
    return "\n".join(line.rstrip() for line in out) + "\n"


def _show(args: argparse.Namespace) -> int:
    cat = load_catalog(args.include)
    if _report(cat.diagnostics, cat.sources):
        return EXIT_SPEC
    names = {p.qname: p for p in cat.parts}
    tnames = {t.qname: t for t in cat.templates}
    hits = [n for n in [*names, *tnames] if n == args.part or n.split(".", 1)[1] == args.part]
    if len(hits) != 1:
        from .suggest import did_you_mean
        what = "is ambiguous: " + ", ".join(hits) if hits else "is not in the catalogs"
        hint = "" if hits else did_you_mean(args.part, [*names, *[n.split(".", 1)[1] for n in names], *tnames])
        print(f"supernodec: part `{args.part}` {what}" + (f"; {hint}" if hint else ""), file=sys.stderr)
        return EXIT_SPEC
    text = show_part(names[hits[0]]) if hits[0] in names else show_template(tnames[hits[0]])
    sys.stdout.write(text)
    return EXIT_OK


def show_part(p: Part) -> str:
    lines = [f"{p.kind} {p.qname}" + (f" extends {p.fields['extends']}" if p.fields.get("extends") else "")]
    if p.span is not None:
        lines.append(f"  declared at {p.span}")
    rows = [("vendor", p.vendor), ("part number", p.part_number), ("description", p.description),
            ("price", money(p) if p.price is not None else ""), ("power", q(p.power, POWER) if p.power is not None else ""),
            ("height", f"{p.height} U" if p.height else ""), ("memory", _memory(p)),
            ("latency", Quantity(p.latency, _time()).format() if p.latency is not None else ""),
            ("cooling", p.cooling or "")]
    if p.kind in ("optic", "cable"):
        rows += [("class", p.medium_class or ""), ("rate", q(p.rate, RATE)), ("reach", q(p.reach, LENGTH)),
                 ("delay", f"{format_number(p.delay * 10**9)} ns/m" if p.delay is not None else ""),
                 ("form", p.form or ""), ("links per module", str(p.links_per_module)),
                 ("max racks", str(p.max_racks) if p.max_racks else ""),
                 ("leg module", p.fields["leg"] if p.leg >= 0 else "")]
    if p.kind == "rack":
        rows.append(("power budget", q(p.power_budget, POWER) if p.power_budget is not None else ""))
    lines += [f"  {k:<17}{v}" for k, v in rows if v]
    for g in p.ports:
        extra = (f" lanes {g.lanes}" if g.lanes > 1 else "") + (f" form {g.form}" if g.form else "")
        lines.append(f"  port {g.name}[{g.count}]: {g.protocol} @ {port_rate(g.protocol, g.rate)}{extra}")
    if p.doc:
        lines += ["", *[f"  {d}" for d in p.doc.split("\n")]]
    return "\n".join(lines) + "\n"


def _time() -> Any:
    from .units import TIME
    return TIME


def show_template(t: Template) -> str:
    lines = [f"{t.kind} {t.qname} (template)", f"  declared at {t.where}"]
    for s in t.decl.body:
        if isinstance(s, A.Member):
            lines.append(f"  {s.name}: {s.type.dotted}" + "".join(f"[{_expr(d)}]" for d in s.dims))
    if t.doc:
        lines += ["", *[f"  {d}" for d in t.doc.split("\n")]]
    return "\n".join(lines) + "\n"


def _expr(e: Any) -> str:
    if isinstance(e, A.Num):
        return e.text or str(e.value)
    if isinstance(e, A.Name):
        return e.dotted
    return "..."


def _import_netbox(args: argparse.Namespace) -> int:
    from .netbox_import import identifier, load_devicetype, to_sn
    path = Path(args.yaml)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        print(f"supernodec: cannot read {args.yaml}: {e}", file=sys.stderr)
        return EXIT_USAGE
    loaded = load_devicetype(args.yaml, text)
    if _report(loaded.diagnostics, {args.yaml: loaded.source}) or loaded.data is None:
        return EXIT_SPEC
    name, sn, warns = to_sn(loaded, path.name)
    _report(warns, {args.yaml: loaded.source})
    module = args.module or identifier(str(loaded.data.get("slug") or name), lower=True)
    out = args.out
    if out == "-":
        sys.stdout.write(sn)
        return EXIT_OK
    target = Path(out) / f"{module}.sn" if Path(out).is_dir() else Path(out)
    try:
        target.write_text(sn, encoding="utf-8")
    except OSError as e:
        print(f"supernodec: cannot write {target}: {e.strerror or e}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {target} (part `{target.stem}.{name}`)", file=sys.stderr)
    return EXIT_OK
