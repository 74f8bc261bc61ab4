"""Elaboration entry point: `elaborate_program(program, overrides) -> Design`."""

from __future__ import annotations

from collections import ChainMap
from typing import Any, Mapping

from ..diagnostics import Diagnostic, DiagnosticError, Related, error
from ..ir.model import Design
from ..resolve import Program
from ..syntax import ast as A
from .builder import Builder, Scope
from .core import Ctx, Elaborator, Limits, _Quiet

__all__ = ["elaborate_program", "Limits"]


def elaborate_program(prog: Program, overrides: Mapping[str, Any] | None = None,
                      limits: Limits | None = None, progress: Any = None) -> tuple[Design | None, list[Diagnostic]]:
    """`progress` (optional) has `begin(name, total)` and `advance(n)`: one step per center statement."""
    from .body import run_body
    from .finish import build_design
    el = Elaborator(prog, dict(overrides or {}), limits or Limits())
    root = prog.modules[prog.root]
    env = el.module_constants(root)
    _unknown_overrides(el, root)
    el.all_parts()
    centers = [d for d in root.ast.body if isinstance(d, A.Decl) and d.kind == "center"]
    for extra in centers[1:]:
        el.diags.append(error("SN0102", f"a spec has one center; `{extra.name}` is a second one", extra.name_span,
                              related=(Related(centers[0].name_span, "the first center"),) if centers[0].name_span else (),
                              hint="put each center in its own file"))
    scope = Scope(template="<center>")
    b = Builder(el.port_counts)
    name = centers[0].name if centers else root.name
    if centers:
        ctx = Ctx(root, ChainMap({}, env), scope, b, "")
        try:
            if progress is None:
                run_body(el, ctx, centers[0].body)
            else:
                progress.begin("elaborate", len(centers[0].body) + 1)
                for stmt in centers[0].body:
                    run_body(el, ctx, (stmt,))
                    progress.advance(1)
        except _Quiet:
            pass
    if any(d.is_error for d in el.diags):
        return None, el.diags
    scope.dev_hi, scope.rack_hi = b.n_dev, len(b.racks)
    block = b.finish(scope)
    try:
        design = build_design(el, name, block, centers[0].span if centers else None)
    except DiagnosticError as e:
        return None, el.diags + [e.diagnostic]
    return design, el.diags


def _unknown_overrides(el: Elaborator, root: Any) -> None:
    from ..suggest import did_you_mean
    for k in el.overrides:
        if k not in root.params:
            el.diags.append(error("SN0210", f"-D {k}: the spec has no top-level parameter `{k}`", None, path=root.path,
                                  hint=did_you_mean(k, root.params) or
                                  ("parameters: " + ", ".join(root.params) if root.params else "declare it with `param`")))
