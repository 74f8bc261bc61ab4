"""The compiler driver (layer 7): `compile_spec(path, options, loader) -> CompileResult`.

No I/O but through the injected loader. Any exception that escapes a stage is
a bug: it becomes an SN0901 diagnostic with the spec's location, never a
traceback.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Mapping

from .diagnostics import Diagnostic, error, sort_key
from .elaborate import Limits, elaborate_program
from .ir.model import Design
from .progress import PhaseClock
from .resolve import Loader, Program, resolve_program
from .source import SourceFile


@dataclass(frozen=True)
class Options:
    overrides: Mapping[str, Any] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    run_checks: bool = True
    progress: PhaseClock | None = None   # phase timings and the progress display (CLI)


@dataclass
class CompileResult:
    design: Design | None
    diagnostics: list[Diagnostic]
    sources: dict[str, SourceFile]
    program: Program | None = None
    timings: dict[str, float] = field(default_factory=dict)   # seconds per phase ("checks/<name>" per check)
    peaks: dict[str, int] = field(default_factory=dict)       # peak RSS in bytes at the end of each phase

    @property
    def ok(self) -> bool:
        return self.design is not None and not any(d.is_error for d in self.diagnostics)


def compile_spec(path: str, loader: Loader, options: Options | None = None) -> CompileResult:
    opts = options or Options()
    clock = opts.progress if opts.progress is not None else PhaseClock()
    res = _compile(path, loader, opts, clock)
    clock.end()
    res.timings.update(clock.timings)
    res.peaks.update(clock.peaks)
    return res


def _compile(path: str, loader: Loader, opts: Options, clock: PhaseClock) -> CompileResult:
    sources: dict[str, SourceFile] = {}
    prog: Program | None = None
    try:
        clock.begin("parse+resolve")
        prog, diags = resolve_program(path, loader)
        if prog is not None:
            sources = prog.sources
        if prog is None or prog.root not in prog.modules or any(d.is_error for d in diags):
            return CompileResult(None, _sorted(diags), sources, prog)
        clock.begin("elaborate")
        design, ediags = elaborate_program(prog, opts.overrides, opts.limits, progress=clock)
        diags += ediags
        if design is not None and opts.run_checks:
            diags += run_checks(design, clock)
        return CompileResult(design, _sorted(diags), sources, prog)
    except Exception as e:  # noqa: BLE001 - the one place where bugs become diagnostics
        return CompileResult(None, [_failure(e, path)], sources, prog)


def add_checks(res: CompileResult, path: str, clock: PhaseClock | None = None) -> CompileResult:
    """`res`, compiled with `run_checks=False`, with the checks run as `compile_spec` runs them
    (the CLI's two-process build starts emitting first and runs the checks with this)."""
    if res.design is None:
        return res
    clock = clock if clock is not None else PhaseClock()
    try:
        out = CompileResult(res.design, _sorted(res.diagnostics + run_checks(res.design, clock)), res.sources, res.program)
    except Exception as e:  # noqa: BLE001 - as in `_compile`
        out = CompileResult(None, [_failure(e, path)], res.sources, res.program)
    clock.end()
    out.timings.update({**res.timings, **clock.timings})
    out.peaks.update({**res.peaks, **clock.peaks})
    return out


def _failure(e: Exception, path: str) -> Diagnostic:
    """The diagnostic for an exception that escaped a stage."""
    if isinstance(e, RecursionError):
        return error("SN0208", "the spec nests too deeply to compile", None, path=path,
                     hint="flatten nested templates or expressions")
    if isinstance(e, MemoryError):
        return error("SN0207", "the spec needs more memory than this machine has", None, path=path,
                     hint="lower the sizes or the limits (--max-devices, --max-links)")
    return internal_error(e, path)


def run_checks(design: Design, clock: PhaseClock | None = None) -> list[Diagnostic]:
    """Every registered check, each one timed as `checks/<name>`."""
    clock = clock if clock is not None else PhaseClock()
    clock.begin("checks")              # loading the check modules (numpy, maybe scipy) is the checks' time
    from .checks import load_all
    checks = load_all()
    clock.begin("checks", len(checks))
    out: list[Diagnostic] = []
    for name, fn in checks.items():
        t = time.perf_counter()
        clock.note(name)
        out += fn(design)
        clock.record(f"checks/{name}", time.perf_counter() - t)
        clock.advance()
    clock.end()
    return out


def internal_error(e: BaseException, path: str) -> Diagnostic:
    tb = traceback.extract_tb(e.__traceback__)
    where = f"{tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno}" if tb else "?"
    return error("SN0901", f"internal compiler error: {type(e).__name__}: {e}", None, path=path,
                 notes=(f"raised in {where}",),
                 hint="this is a bug in supernodec; please report it with the spec")


def _sorted(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen = set()
    out = []
    for d in diags:
        key = (d.code, d.message, d.span)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
