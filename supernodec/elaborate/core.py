"""Elaboration: resolved modules to the IR `Design` (layer 4).

Parameters and lets are evaluated, parts built from the catalogs, templates
elaborated once per argument set into blocks and copied per instance, and the
statements of the center (connects, placement, requires) expanded.
"""

from __future__ import annotations

from collections import ChainMap
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Mapping

from .. import units
from .. import catalog  # as a module: catalog.py imports elaborate.values, so either may be imported first
from ..diagnostics import Diagnostic, DiagnosticError, error
from ..ir.model import Design, Part
from ..resolve import ModuleInfo, Program, lookup_decl
from ..suggest import did_you_mean
from ..syntax import ast as A
from .builder import Block, Builder, DevArray, HallRef, Instances, RackArray, Scope
from .values import evaluate, show, to_int

# Defaults sized for 1M accelerators: a CloudMatrix384-style center of 100k NPUs
# elaborates ~0.3M devices, 2.4M links and ~10M ports in about 1 GB, so 1M NPUs need
# ~3M devices and ~24M links (~10 GB). The limits stop a mistyped size long before
# memory runs out; a design that really is larger raises them on the command line.
MAX_DEVICES = 10_000_000
MAX_LINKS = 40_000_000
MAX_PORTS = 200_000_000
MAX_DEPTH = 32
MAX_ITERATIONS = 1_000_000   # `for` iterations plus group elements, all loops together


@dataclass
class Limits:
    devices: int = MAX_DEVICES
    links: int = MAX_LINKS
    depth: int = MAX_DEPTH
    ports: int = MAX_PORTS
    iterations: int = MAX_ITERATIONS


@dataclass
class Ctx:
    """Where a statement is being elaborated."""

    module: ModuleInfo
    env: Mapping[str, Any]
    scope: Scope
    builder: Builder
    path: str                 # instance path prefix inside the block ("" or "plane[3].")
    chain: tuple[str, ...] = ()   # instantiation notes


@dataclass
class Elaborator:
    prog: Program
    overrides: Mapping[str, Any] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    diags: list[Diagnostic] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    part_ids: dict[str, int] = field(default_factory=dict)
    module_env: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    cache: dict[tuple, Block] = field(default_factory=dict)
    active: list[str] = field(default_factory=list)
    connects: list[tuple[str, str, Any]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    halls: list[tuple[str, list[tuple[str, int, Fraction, Fraction]], Any, Any]] = field(default_factory=list)
    floor: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # rack -> (hall, row, slot)
    settings: dict[str, Any] = field(default_factory=dict)
    port_counts: list[int] = field(default_factory=list)
    row_next: dict[tuple[int, int], int] = field(default_factory=dict)
    slot_taken: dict[tuple[int, int, int], int] = field(default_factory=dict)
    next_u: dict[tuple[int, int], int] = field(default_factory=dict)
    iterations: int = 0       # loop bodies run so far (`Limits.iterations`)
    group_ids: dict[int, dict[str, int]] = field(default_factory=dict)   # part -> port group name -> index

    def group_index(self, part: int) -> dict[str, int]:
        """Port group name -> index (the first of that name) of a part."""
        ids = self.group_ids.get(part)
        if ids is None:
            ids = {}
            for k, g in enumerate(self.parts[part].ports):
                ids.setdefault(g.name, k)
            self.group_ids[part] = ids
        return ids

    def source_text(self, span: Any) -> str:
        if span is None or span.file not in self.prog.sources:
            return ""
        return " ".join(self.prog.sources[span.file].text[span.start:span.end].split())

    # ------------------------------------------------------------ modules
    def module_constants(self, mod: ModuleInfo) -> Mapping[str, Any]:
        if mod.path in self.module_env:
            return self.module_env[mod.path]
        env: dict[str, Any] = {}
        is_root = mod.path == self.prog.root
        for s in mod.ast.body:
            try:
                if isinstance(s, A.Param):
                    env[s.name] = self._param_value(s, env, is_root)
                elif isinstance(s, A.Let):
                    env[s.name] = evaluate(s.value, env)
            except DiagnosticError as e:
                self.diags.append(e.diagnostic)
        self.module_env[mod.path] = env
        return env

    def _param_value(self, p: A.Param, env: Mapping[str, Any], is_root: bool) -> Any:
        if p.default is None:
            raise DiagnosticError(error("SN0209", f"parameter `{p.name}` has no value", p.span,
                                        hint=f"give it a default: `param {p.name} = ...`"))
        default = evaluate(p.default, env)
        if is_root and p.name in self.overrides:
            value = check_override(p.name, self.overrides[p.name], default, p)
            self.params[p.name] = value
            return value
        if is_root:
            self.params[p.name] = default
        return default

    # ------------------------------------------------------------ parts
    def part_id(self, mod: ModuleInfo, name: A.Name) -> int:
        pmod, decl, hint = lookup_decl(self.prog, mod, name)
        if decl is None or pmod is None:
            from .body import unknown_type
            raise DiagnosticError(unknown_type(mod, name, hint))
        return self._part_of(pmod, decl, name)

    def _part_of(self, pmod: ModuleInfo, decl: A.Decl, ref: Any) -> int:
        qname = f"{pmod.name}.{decl.name}"
        if qname in self.part_ids:
            pid = self.part_ids[qname]
            if pid < 0 and qname in self.active:
                raise DiagnosticError(catalog.extends_cycle(self.active[self.active.index(qname):] + [qname], ref))
            if pid < 0:
                raise _Quiet()   # the part's own errors are already reported
            return pid
        if decl.kind not in A.PART_KINDS:
            raise DiagnosticError(error("SN0203", f"`{qname}` is a {decl.kind} template, not a part",
                                        getattr(ref, "span", None)))
        self.active.append(qname)
        self.part_ids[qname] = -1
        try:
            base = None
            if decl.base is not None:
                bmod, bdecl, hint = lookup_decl(self.prog, pmod, decl.base)
                if bdecl is None or bmod is None:
                    raise DiagnosticError(error("SN0309", f"unknown base part `{decl.base.dotted}`",
                                                decl.base.span, hint=hint or "check the catalog import"))
                base = self.parts[self._part_of(bmod, bdecl, decl.base)]
            part, diags = catalog.build_part(catalog.PartSource(qname, decl, self.module_constants(pmod)), base)
        finally:
            self.active.pop()
        self.diags.extend(diags)
        if part is None:
            raise DiagnosticError(error("SN0301", f"part `{qname}` has errors", getattr(ref, "span", None),
                                        hint="fix the part's declaration first")) if not diags else _Quiet()
        self.parts.append(part)
        self.port_counts.append(part.port_count)
        self.part_ids[qname] = len(self.parts) - 1
        if "leg" in part.fields.get("declared", ()):
            self._resolve_leg(pmod, len(self.parts) - 1)
        return len(self.parts) - 1

    def _resolve_leg(self, pmod: ModuleInfo, pid: int) -> None:
        """`leg = M`: the part index of M, once the part itself is built (so a cycle is SN0314, not a recursion)."""
        part = self.parts[pid]
        ref = part.fields["leg"]
        try:
            lid = self.part_id(pmod, ref)
        except _Quiet:
            return
        except DiagnosticError as e:
            self.diags.append(e.diagnostic)
            return
        leg = self.parts[lid]
        problem = catalog.leg_problem(part, leg, ref)
        if problem is not None:
            self.diags.append(problem)
            return
        self.parts[pid] = replace(part, leg=lid, fields={**part.fields, "leg": leg.qname})

    def all_parts(self) -> None:
        """Build every part of every module (catalog validation and `medium auto`)."""
        for mod in self.prog.modules.values():
            for d in mod.decls.values():
                if d.kind in A.PART_KINDS:
                    try:
                        self._part_of(mod, d, d)
                    except DiagnosticError as e:
                        if not isinstance(e, _Quiet):
                            self.diags.append(e.diagnostic)
        self._duplicate_part_numbers()

    def _duplicate_part_numbers(self) -> None:
        self.diags.extend(catalog.duplicate_part_numbers(self.parts))


class _Quiet(DiagnosticError):
    """A failure already reported; unwinds without a second diagnostic."""

    def __init__(self) -> None:
        Exception.__init__(self, "quiet")
        self.diagnostic = error("SN0901", "already reported")


def check_override(name: str, value: Any, default: Any, p: A.Param) -> Any:
    """A `-D name=value` must have the type and unit of the default."""
    if isinstance(default, units.Quantity):
        ok = isinstance(value, units.Quantity) and value.dim == default.dim
    elif isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, (int, Fraction)):
        ok = isinstance(value, (int, Fraction)) and not isinstance(value, bool)
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise DiagnosticError(error(
            "SN0210", f"-D {name}={show(value)} does not match the parameter: expected {_kind(default)} like {show(default)}",
            p.span, label=f"`{name}` is declared here", hint=f"pass -D {name}=<{_kind(default)}>"))
    return value


def _kind(v: Any) -> str:
    from .values import describe
    return describe(v)
