"""NetBox devicetype-library YAML to a `.sn` catalog part (`supernodec catalog import-netbox`).

The file is first validated against the devicetype-library JSON Schema, shipped
unmodified in `supernodec/schemas/netbox-*.json` (netbox-community/devicetype-library
`schema/`, commit bd5264989a6fbdfcc10479abdc90d5c6b3a82d0a, CC0-1.0). Each violation is
an SN0311 diagnostic at the offending YAML line that names the data path and the
schema location of the rule (`generated_schema.json#/definitions/interface/...`).
YAML floats are read as `Decimal`, as the library's own tests do, so `multipleOf`
is exact.

Conversion: consecutive interfaces with the same name stem and type become one port
group (`swp1`..`swp64` of type `400gbase-x-osfp` -> `port swp[64]: Ethernet @ 400 Gb/s
form OSFP`); the interface type gives protocol, rate and form factor (`TYPE_RATES`,
`FORMS`). Logical interfaces (virtual, bridge, lag) are dropped; other types without
a rate are dropped with an SN0313 warning. The kind is `switch` when the largest data
port group has 8 or more ports, else `server`. Layer 8: reads nothing but the text
it is given; the CLI does the file I/O.
"""

from __future__ import annotations

import decimal
import importlib.resources
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterator

import yaml

from .diagnostics import Diagnostic, error, warning
from .source import SourceFile, Span
from .suggest import did_you_mean

SCHEMA_FILES = ("devicetype", "components", "generated_schema", "moduletype", "reusable")
ROOT_ID = "urn:devicetype-library:device-type"
LOGICAL = ("virtual", "bridge", "lag")
IB_RATES = {"sdr": 10, "ddr": 20, "qdr": 40, "fdr10": 40, "fdr": 56, "edr": 100, "hdr": 200, "ndr": 400,
            "xdr": 800}                                  # Gb/s of a 4x InfiniBand port
FORMS = {"osfp": "OSFP", "osfp-rhs": "OSFP", "qsfpdd": "QSFP-DD", "qsfp112": "QSFP112", "qsfp56": "QSFP56",
         "qsfp28": "QSFP28", "sfp28": "SFP28", "sfp56": "SFP56", "t": "RJ45", "tx": "RJ45", "t1": "RJ45"}
_ETHERNET = re.compile(r"^(\d+(?:\.\d+)?)(g?)base-(?:x-)?([a-z0-9.]+(?:-rhs)?)$")
_STEM = re.compile(r"^(.*?)(\d+(?:[/:.-]\d+)*)$")
SWITCH_MIN_PORTS = 8


@dataclass(frozen=True)
class PortSpec:
    """Protocol, rate and form of one NetBox interface type."""

    protocol: str
    rate: str              # as .sn text: "400 Gb/s"
    form: str | None


def interface_port(itype: str) -> PortSpec | None:
    """The port an interface type stands for, or None (no rate supernodec can model)."""
    if itype.startswith("infiniband-"):
        gbps = IB_RATES.get(itype.removeprefix("infiniband-"))
        return PortSpec("InfiniBand", f"{gbps} Gb/s", None) if gbps else None
    m = _ETHERNET.match(itype)
    if m is None:
        return None
    value, giga, medium = m.groups()
    form = FORMS.get(medium)
    if form is None and re.fullmatch(r"k[rxp]\d*", medium):
        form = "backplane"
    if not giga and float(value) >= 1000:        # 1000base-t is 1 Gb/s
        value, giga = f"{float(value) / 1000:g}", "g"
    return PortSpec("Ethernet", f"{value} {'Gb/s' if giga else 'Mb/s'}", form)


# ---------------------------------------------------------------------------- validation
@lru_cache(maxsize=1)
def _schemas() -> tuple[dict[str, Any], ...]:
    pkg = importlib.resources.files("supernodec.schemas")
    return tuple(json.loads(pkg.joinpath(f"netbox-{n}.json").read_text("utf-8"), parse_float=decimal.Decimal)
                 for n in SCHEMA_FILES)


def _validator() -> Any:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    reg = Registry().with_resources((d["$id"], Resource.from_contents(d)) for d in _schemas())
    return Draft202012Validator({"$ref": ROOT_ID}, registry=reg)


@lru_cache(maxsize=1)
def _schema_index() -> dict[int, str]:
    """id() of every subschema -> "file.json#/json/pointer" (to name where a rule lives)."""
    out: dict[int, str] = {}

    def walk(node: Any, file: str, ptr: str) -> None:
        if isinstance(node, dict):
            out.setdefault(id(node), f"{file}#{ptr}")
            for k, v in node.items():
                walk(v, file, f"{ptr}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, file, f"{ptr}/{i}")
    for name, doc in zip(SCHEMA_FILES, _schemas()):
        walk(doc, f"{name}.json", "")
    return out


class _DecimalLoader(yaml.SafeLoader):
    """YAML floats as exact Decimals (`u_height: 1.25` must fail `multipleOf: 0.5`)."""


_DecimalLoader.add_constructor("tag:yaml.org,2002:float",
                               lambda loader, node: decimal.Decimal(loader.construct_scalar(node)))


@dataclass
class Loaded:
    data: dict[str, Any] | None
    source: SourceFile
    diagnostics: list[Diagnostic] = field(default_factory=list)


def load_devicetype(path: str, text: str) -> Loaded:
    """Parse and validate one device-type YAML; `data` is None when it has errors."""
    src = SourceFile.of(path, text)
    try:
        alias = next((t for t in yaml.scan(text) if isinstance(t, (yaml.AliasToken, yaml.AnchorToken))), None)
        if alias is not None:
            return Loaded(None, src, [error(
                "SN0312", f"`{path}` uses YAML anchors or aliases, which device types do not need",
                src.span(alias.start_mark.index, alias.end_mark.index), path=path, label="anchor or alias",
                hint="write the values out (aliases can make a small file expand without bound)")])
        docs = list(yaml.load_all(text, Loader=_DecimalLoader))
        root = yaml.compose(text, Loader=yaml.SafeLoader) if len(docs) == 1 else None
    except yaml.YAMLError as e:
        return Loaded(None, src, [_yaml_error(src, e)])
    if len(docs) != 1 or not isinstance(docs[0], dict):
        what = f"{len(docs)} YAML documents" if len(docs) != 1 else f"a {type(docs[0]).__name__}"
        return Loaded(None, src, [error("SN0312", f"a device type is one YAML mapping; `{path}` holds {what}",
                                        src.span(0, min(len(text), 1)) if text else None, path=path,
                                        hint="keep one device type per file, as in the devicetype-library")])
    errs = sorted(_validator().iter_errors(docs[0]), key=lambda e: [str(x) for x in e.absolute_path])
    diags = [_schema_error(src, root, e) for e in errs]
    return Loaded(None if diags else docs[0], src, diags)


def _yaml_error(src: SourceFile, e: yaml.YAMLError) -> Diagnostic:
    mark = getattr(e, "problem_mark", None)
    span = src.span(mark.index, min(mark.index + 1, len(src.text))) if mark is not None else None
    reason = getattr(e, "problem", None) or str(e).splitlines()[0]
    return error("SN0312", f"`{src.path}` is not readable YAML: {reason}", span, path=src.path,
                 label="here", hint="fix the YAML syntax (quote values that contain `:` or `[`)")


def _schema_error(src: SourceFile, root: Any, e: Any) -> Diagnostic:
    where = "/".join(str(x) for x in e.absolute_path) or "<root>"
    rule = _schema_index().get(id(e.schema), "devicetype.json#") + f"/{e.validator}"
    message, hint = re.sub(r"Decimal\('([^']*)'\)", r"\1", e.message), ""
    if e.validator == "enum":
        message = f"{e.instance!r} is not one of the {len(e.validator_value)} allowed values"
        hint = did_you_mean(str(e.instance), [str(v) for v in e.validator_value])
    path = list(e.absolute_path)
    if e.validator == "additionalProperties" and isinstance(e.instance, dict):
        extra = [k for k in e.instance if k not in e.schema.get("properties", {})]
        path += [_Key(extra[0])] if extra else []
    return error("SN0311", f"`{where}`: {message} (schema: {rule})", _node_span(src, root, path),
                 path=src.path, label=f"breaks {rule}", notes=(f"schema path: {rule}",),
                 hint=hint or "see the devicetype-library schema at that path")


def _node_span(src: SourceFile, root: Any, path: list[Any]) -> Span | None:
    """The span of the deepest YAML node on `path` (the mapping itself for a missing key)."""
    best = node = root
    for key in path:
        node = _child(node, key)
        if node is None:
            break
        best = node
    if best is None:
        return None
    return src.span(best.start_mark.index, max(best.start_mark.index + 1, best.end_mark.index))


@dataclass(frozen=True)
class _Key:
    """A path step that selects a mapping's key node rather than its value."""

    name: str


def _child(node: Any, key: Any) -> Any:
    if isinstance(node, yaml.MappingNode) and isinstance(key, _Key):
        return next((k for k, _v in node.value if k.value == key.name), None)
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if k.value == key), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


# ---------------------------------------------------------------------------- conversion
@dataclass
class Group:
    name: str
    itype: str
    spec: PortSpec
    first: str
    last: str
    mgmt: bool = False
    count: int = 1


def port_groups(interfaces: list[dict[str, Any]], src: SourceFile, root: Any) -> tuple[list[Group], list[Diagnostic]]:
    """Consecutive interfaces of one stem and type as port groups; warnings for unmapped types."""
    groups: list[Group] = []
    diags: list[Diagnostic] = []
    for i, itf in enumerate(interfaces):
        itype, name = str(itf["type"]), str(itf["name"])
        spec = interface_port(itype)
        if spec is None:
            if itype not in LOGICAL:
                diags.append(warning("SN0313", f"interface `{name}` of type `{itype}` has no data rate supernodec can model; "
                                     "it is left out of the part", _node_span(src, root, ["interfaces", i, "type"]),
                                     path=src.path, hint="add a port group by hand if the design needs it"))
            continue
        stem = _stem(name)
        last = groups[-1] if groups else None
        mgmt = bool(itf.get("mgmt_only"))
        if last is not None and (last.itype, last.mgmt, _stem(last.last)) == (itype, mgmt, stem):
            last.count += 1
            last.last = name
        else:
            groups.append(Group(stem, itype, spec, name, name, mgmt))
    _unique_names(groups)
    return groups, diags


def _stem(name: str) -> str:
    m = _STEM.match(name)
    return m.group(1) if m and m.group(1) else name


def _unique_names(groups: list[Group]) -> None:
    taken: set[str] = set()
    for g in groups:
        base = identifier(g.name.rstrip("/:.-_ ") or "port", lower=True, keywords_ok=True)
        name = base
        if name in taken:
            name = f"{base}_{g.spec.rate.split()[0].replace('.', '_')}{'g' if 'G' in g.spec.rate else 'm'}"
        n = 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        g.name = name


KEYWORDS = frozenset({"import", "as", "param", "let", "port", "connect", "medium", "auto", "parallel", "lanes",
                      "bundle", "split", "stripe", "for", "in", "if", "else", "place", "at", "row", "pitch",
                      "unified", "memory", "over", "width", "align", "require", "mgmt", "form", "required",
                      "extends", "true", "false", "and", "or", "not"})


def identifier(text: str, lower: bool = False, keywords_ok: bool = False) -> str:
    """A `.sn` name from free text: letters, digits and `_`, not starting with a digit.

    Keywords are prefixed with `_` unless `keywords_ok` (port group names, which only
    appear after a `.`, where the contextual lexer reads them as names).
    """
    out = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_") or "part"
    out = out.lower() if lower else out
    if out[0].isdigit() or (out in KEYWORDS and not keywords_ok):
        out = "_" + out
    return out


def sn_string(text: str) -> str:
    return '"' + " ".join(str(text).split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_sn(loaded: Loaded, source_name: str) -> tuple[str, str, list[Diagnostic]]:
    """(part name, `.sn` text, warnings) of a validated device type."""
    d = loaded.data or {}
    root = yaml.compose(loaded.source.text, Loader=yaml.SafeLoader)
    groups, diags = port_groups(list(d.get("interfaces", [])), loaded.source, root)
    biggest = max((g.count for g in groups if not g.mgmt), default=0)
    kind = "switch" if biggest >= SWITCH_MIN_PORTS else "server"
    name = identifier(str(d["model"]))
    lines = _header(source_name) + _doc(d, source_name, kind, biggest) + [f"{kind} {name} {{"]
    lines += [f"  {k} = {v}" for k, v in _fields(d)]
    lines += [_port_line(g) for g in groups]
    lines.append("}")
    return name, "\n".join(lines) + "\n", diags


def _header(source_name: str) -> list[str]:
    return [f"// Generated by `supernodec catalog import-netbox {source_name}` from a NetBox",
            "// devicetype-library device type. Add what NetBox does not hold (price, latency,",
            "// accelerators and scale-up ports) by editing this file or with `extends`.", ""]


def _doc(d: dict[str, Any], source_name: str, kind: str, biggest: int) -> list[str]:
    doc = _wrap(f"{d['manufacturer']} {d['model']}" + (f" (NetBox slug {d['slug']})." if d.get("slug") else "."))
    if d.get("comments"):
        doc += _wrap(str(d["comments"]))
    doc.append(f"/// Source: NetBox devicetype-library YAML `{source_name}` (manufacturer, model, part number,")
    doc.append("/// u_height, airflow, interfaces, power ports).")
    notes = [f"kind `{kind}` inferred from its largest port group ({biggest} ports)"]
    if any("maximum_draw" in p for p in d.get("power-ports", [])):
        notes.append("power is the largest `maximum_draw` of its power ports (redundant supplies share the load)")
    if d.get("u_height") is not None and d["u_height"] != int(d["u_height"]):
        notes.append(f"u_height {d['u_height']} rounded up to whole rack units")
    doc += _wrap("Assumption: " + "; ".join(notes) + "; no price in NetBox.")
    return doc


def _wrap(text: str, width: int = 88) -> list[str]:
    """`///` doc lines of at most `width` characters."""
    lines, cur = [], ""
    for word in text.split():
        if cur and len(cur) + 1 + len(word) > width - 4:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    return [f"/// {line}" for line in lines + [cur]]


def _fields(d: dict[str, Any]) -> Iterator[tuple[str, str]]:
    yield "vendor", sn_string(d["manufacturer"])
    if d.get("part_number"):
        yield "part_number", sn_string(d["part_number"])
    yield "description", sn_string(d["model"])
    if d.get("u_height"):
        yield "height", f"{math.ceil(d['u_height'])} U"
    draws = [p["maximum_draw"] for p in d.get("power-ports", []) if p.get("maximum_draw")]
    if draws:
        yield "power", f"{max(draws)} W"
    if d.get("airflow") and d["airflow"] != "passive":
        yield "cooling", '"air"'


def _port_line(g: Group) -> str:
    count = f"[{g.count}]" if g.count > 1 else ""
    form = f" form {g.spec.form}" if g.spec.form else ""
    names = g.first if g.count == 1 else f"{g.first} .. {g.last}"
    return f"  port {g.name}{count}: {g.spec.protocol} @ {g.spec.rate}{form}   // {names}: {g.itype}"
