"""The robustness properties, as plain functions of one input.

Each `prop_*` function compiles (and maybe builds) one input and raises
`PropertyFailure` with a readable reason when the property does not hold.
The test suite wraps them in `@given` with a small budget; `fuzz.py` runs
them for minutes. Users can call them on their own strategies:

    from hypothesis import given
    from supernodec.testing import mutated_specs, prop_mutant_diagnostics

    @given(mutated_specs(my_specs()))
    def test_my_templates_never_crash(spec):
        prop_mutant_diagnostics(spec)
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Mapping

from ..codes import lookup
from ..driver import CompileResult, Options, compile_spec
from ..elaborate import Limits
from ..loader import FileLoader
from ..render import render_json, render_rich, render_short
from ..source import Span
from .outputs import count_problems, expected_counts, parse_artifacts
from .specfiles import SpecFiles, compile_files
from .specs import GeneratedSpec


class PropertyFailure(AssertionError):
    """A property does not hold for the input; the message says why."""


# Hostile inputs compile under small limits: a mutant whose size gained six zeros
# should meet SN0207 in milliseconds, not elaborate four million devices first.
FUZZ_LIMITS = Limits(devices=200_000, links=1_000_000, ports=4_000_000, iterations=100_000)


def _fail(msg: str, res: CompileResult | None = None) -> None:
    if res is not None and res.diagnostics:
        msg += "\ndiagnostics:\n" + render_short(res.diagnostics)
    raise PropertyFailure(msg)


# ---------------------------------------------------------------- diagnostics
def check_diagnostics(res: CompileResult) -> None:
    """No internal error, registered codes, spans inside read files, renderers work."""
    for d in res.diagnostics:
        if d.code.startswith("SN09"):
            _fail(f"internal error {d.code}: {d.message} ({'; '.join(d.notes)})", res)
        if lookup(d.code) is None:
            _fail(f"diagnostic code {d.code} is not registered", res)
        for span in (d.span, *(r.span for r in d.related)):
            if span is not None:
                _check_span(span, res)
    for fn in (lambda: render_rich(res.diagnostics, res.sources, color=False),
               lambda: render_short(res.diagnostics),
               lambda: json.loads(render_json(res.diagnostics, res.sources))):
        try:
            fn()
        except Exception as e:  # noqa: BLE001
            _fail(f"rendering the diagnostics raised {type(e).__name__}: {e}", res)


def _check_span(span: Span, res: CompileResult) -> None:
    src = res.sources.get(span.file)
    if src is None:
        _fail(f"a diagnostic points into `{span.file}`, which was not read (files: {sorted(res.sources)})", res)
        return
    n = len(src.text)
    if not 0 <= span.start <= span.end <= n:
        _fail(f"span {span.start}..{span.end} of {span} is outside the file ({n} characters)", res)
    lines = len(src.line_starts)
    if not (1 <= span.line <= lines and 1 <= span.end_line <= lines):
        _fail(f"span {span} has line {span.line}..{span.end_line}; the file has {lines} lines", res)
    if (span.line, span.col) != src.position(span.start):
        _fail(f"span {span} starts at offset {span.start}, which is {src.position(span.start)} (line, col)", res)


# ---------------------------------------------------------------- any input
_SCRATCH: list[Path] = []


def _scratch() -> Path:
    if not _SCRATCH:
        d = Path(tempfile.mkdtemp(prefix="supernodec-prop-"))
        atexit.register(shutil.rmtree, d, True)
        _SCRATCH.append(d)
    return _SCRATCH[0]


def compile_bytes(data: bytes | str, options: Options | None = None) -> CompileResult:
    """Compile one file's content from disk (the real read and decode path)."""
    folder = _scratch()
    p = folder / "main.sn"
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    return compile_spec("main.sn", FileLoader(cwd=folder), options or Options())


def prop_any_input(data: bytes | str) -> CompileResult:
    """Any bytes or text: `check` gives diagnostics and never raises."""
    return _diagnosed(compile_bytes, data)


def prop_mutant_diagnostics(spec: SpecFiles) -> CompileResult:
    """A mutated spec: diagnostics (maybe none), never an exception, spans in files."""
    return _diagnosed(compile_files, spec)


def _diagnosed(compile_fn: Callable[..., CompileResult], source: Any) -> CompileResult:
    """Compile under the fuzzing limits: an exception fails the property, and the
    diagnostics must be well-formed (`check_diagnostics`)."""
    try:
        res = compile_fn(source, Options(limits=FUZZ_LIMITS))
    except Exception as e:  # noqa: BLE001
        raise PropertyFailure(f"compile_spec raised {type(e).__name__}: {e}") from e
    check_diagnostics(res)
    return res


# ---------------------------------------------------------------- valid specs
def prop_valid_compiles(gen: GeneratedSpec) -> CompileResult:
    """A valid generated spec: no error, and the IR has the plan's counts."""
    res = prop_mutant_diagnostics(gen.spec)
    errors = [d for d in res.diagnostics if d.is_error]
    if errors or res.design is None:
        _fail("a valid spec does not compile", res)
    plan, design = gen.plan, res.design
    assert design is not None
    exp = expected_counts(design)
    got = {"links": len(design.links), "racks": len(design.racks), "accelerators": exp["accelerators"],
           "nodes": exp["nodes"]}
    want = {"links": plan.link_total, "racks": plan.rack_total, "accelerators": plan.acc_total,
            "nodes": 0 if plan.flat else plan.pods * plan.hosts}
    if got != want:
        _fail(f"the design has {got}, the plan says {want}", res)
    roles = {role: sum(1 for r in design.devices.role if r == plan.ids[role]) for role in plan.device_counts}
    if roles != plan.device_counts:
        _fail(f"devices per role {roles}, the plan says {plan.device_counts}", res)
    return res


def emit_all(design: Any, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every registered emitter's artifacts, by path (an emitter that raises fails)."""
    from ..emit import load_all
    files: dict[str, bytes] = {}
    for name, fn in load_all().items():
        if name in skip:
            continue
        try:
            arts = fn(design)
        except Exception as e:  # noqa: BLE001
            raise PropertyFailure(f"emitter `{name}` raised {type(e).__name__}: {e}") from e
        for a in arts:
            if a.path in files:
                raise PropertyFailure(f"two emitters write `{a.path}`")
            files[a.path] = a.data
    return files


def prop_outputs(gen: GeneratedSpec | SpecFiles, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Outputs parse back with real parsers, defuse spec text, agree with the IR,
    and are the same bytes when emitted twice."""
    spec = gen.spec if isinstance(gen, GeneratedSpec) else gen
    res = prop_mutant_diagnostics(spec)
    if res.design is None or not res.ok:
        _fail("the spec does not compile", res)
    files = emit_all(res.design, skip)
    again = emit_all(res.design, skip)
    changed = sorted(p for p in files.keys() | again.keys() if files.get(p) != again.get(p))
    if changed:
        _fail(f"emitting twice gives different bytes in {changed[:5]}")
    parsed, problems = parse_artifacts(files)
    problems += count_problems(res.design, parsed)
    if problems:
        _fail("outputs:\n  " + "\n  ".join(problems[:20]))
    return files


# ---------------------------------------------------------------- builds
def build_cli(spec: SpecFiles, folder: Path, seed: str, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """Run `supernodec build` in a fresh interpreter with PYTHONHASHSEED=seed.

    The child runs in its own process group, which is killed if it outlives
    the timeout, so nothing is left running.
    """
    main = spec.write(folder / "src")
    env = {**os.environ, "PYTHONHASHSEED": seed}
    cmd = [sys.executable, "-m", "supernodec", "build", "-q", str(main), "-o", str(folder / "out"), *extra]
    proc = subprocess.Popen(cmd, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=300)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)   # the build and anything it forked (parallel emitters)
        except ProcessLookupError:
            pass
        proc.wait()
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative POSIX path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def prop_build_deterministic(gen: GeneratedSpec | SpecFiles, seeds: tuple[str, str] = ("1", "4242")) -> dict[str, bytes]:
    """`supernodec build` under two hash seeds writes byte-identical directories."""
    spec = gen.spec if isinstance(gen, GeneratedSpec) else gen
    trees: list[Mapping[str, bytes]] = []
    with tempfile.TemporaryDirectory(prefix="supernodec-det-") as tmp:
        for seed in seeds:
            folder = Path(tmp) / f"seed{seed}"
            folder.mkdir()
            proc = build_cli(spec, folder, seed)
            if proc.returncode != 0 or b"Traceback" in proc.stderr:
                raise PropertyFailure(f"build failed (exit {proc.returncode}): {proc.stderr.decode('utf-8', 'replace')[-2000:]}")
            trees.append(tree_bytes(folder / "out"))
    a, b = trees
    diff = sorted(p for p in a.keys() | b.keys() if a.get(p) != b.get(p))
    if diff:
        raise PropertyFailure(f"PYTHONHASHSEED={seeds[0]} and {seeds[1]} give different {diff[:5]}")
    return a
