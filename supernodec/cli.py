"""Command line (layer 8): the only place besides the LSP that touches the terminal and files.

Exit codes: 0 clean, 1 errors in the spec (or warnings with --strict), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from . import __version__
from .diagnostics import Diagnostic, error
from .output import OutputRefused, Staging
from .progress import PhaseClock, TerminalBar, format_timings

EXIT_OK, EXIT_SPEC, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # type: ignore[override]
        raise UsageError(message)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="the .sn spec")
    p.add_argument("-I", dest="include", action="append", default=[], metavar="DIR", help="add DIR to the import search path")
    p.add_argument("-D", dest="defines", action="append", default=[], metavar="NAME=VALUE",
                   help="override a top-level parameter, e.g. -D nodes=24 or -D 'pitch=0.6 m'")
    p.add_argument("--format", choices=("rich", "short", "json"), default="rich", help="diagnostics format")
    p.add_argument("--strict", action="store_true", help="warnings fail the command")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    p.add_argument("--timings", action="store_true", help="print time and peak memory of each phase on stderr")
    p.add_argument("--allow-outside-imports", action="store_true", help="let imports reach outside the project and search path")
    p.add_argument("--max-devices", type=int, default=None, help="limit of elaborated devices")
    p.add_argument("--max-links", type=int, default=None, help="limit of elaborated links")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="supernodec", description="Compile .sn supernode and data-center specs.")
    p.add_argument("--version", action="version", version=f"supernodec {__version__}")
    sub = p.add_subparsers(dest="cmd", metavar="COMMAND")
    c = sub.add_parser("check", help="report diagnostics only")
    _common(c)
    b = sub.add_parser("build", help="check and write every output")
    _common(b)
    b.add_argument("-o", "--out", default="out", help="output directory (written atomically)")
    b.add_argument("--emit", default="", help="comma-separated subset of outputs")
    s = sub.add_parser("stats", help="counts and totals")
    _common(s)
    s.add_argument("--json", action="store_true")
    e = sub.add_parser("explain", help="explain a diagnostic code")
    e.add_argument("code")
    sc = sub.add_parser("schema", help="print a JSON Schema")
    sc.add_argument("which", choices=("ir", "catalog"))
    f = sub.add_parser("fmt", help="format .sn files")
    f.add_argument("files", nargs="+")
    f.add_argument("--check", action="store_true", help="exit 1 and list files that would change")
    f.add_argument("--diff", action="store_true", help="print a unified diff instead of writing")
    sub.add_parser("lsp", help="run the language server on stdio")
    cat = sub.add_parser("catalog", help="list, show or import catalog parts")
    csub = cat.add_subparsers(dest="catcmd", metavar="ACTION")
    cl = csub.add_parser("list")
    cl.add_argument("--vendor")
    cl.add_argument("--kind")
    cl.add_argument("-I", dest="include", action="append", default=[])
    cl.add_argument("--json", action="store_true")
    cs = csub.add_parser("show")
    cs.add_argument("part")
    cs.add_argument("-I", dest="include", action="append", default=[])
    ci = csub.add_parser("import-netbox")
    ci.add_argument("yaml")
    ci.add_argument("-o", "--out", default="-")
    ci.add_argument("--module", default=None)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.cmd is None:
            build_parser().print_help(sys.stderr)
            return EXIT_USAGE
        return _dispatch(args)
    except (UsageError, OutputRefused) as e:
        print(f"supernodec: usage error: {e}", file=sys.stderr)
        print("try `supernodec --help`", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("supernodec: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _dispatch(args: argparse.Namespace) -> int:
    if args.cmd in ("check", "build", "stats"):
        return _compile_cmd(args)
    if args.cmd == "explain":
        return _explain(args.code)
    if args.cmd == "schema":
        from .schemas import schema_text
        sys.stdout.write(schema_text(args.which))
        return EXIT_OK
    if args.cmd == "fmt":
        from .fmt import fmt_main
        return fmt_main(args.files, check=args.check, diff=args.diff)
    if args.cmd == "lsp":
        from .lsp.server import serve
        serve()
        return EXIT_OK
    if args.cmd == "catalog":
        from .catalog_cli import catalog_main
        return catalog_main(args)
    raise UsageError(f"unknown command {args.cmd}")


def _explain(code: str) -> int:
    from .codes import lookup
    c = lookup(code.upper())
    if c is None:
        print(f"supernodec: no diagnostic code `{code}`", file=sys.stderr)
        return EXIT_USAGE
    print(f"{c.code} ({c.name}): {c.summary}\n\n{c.explanation.strip()}")
    return EXIT_OK


def parse_defines(defines: list[str]) -> tuple[dict[str, Any], list[Diagnostic]]:
    from .elaborate.values import evaluate
    from .diagnostics import DiagnosticError
    from .syntax.parser import parse_module
    from .syntax import ast as A
    out: dict[str, Any] = {}
    diags: list[Diagnostic] = []
    for d in defines:
        name, eq, text = d.partition("=")
        name = name.strip()
        if not eq or not name.isidentifier():
            raise UsageError(f"-D expects NAME=VALUE, got `{d}`")
        mod, errs = parse_module("<-D>", f"param {name} = {text}\n")
        if mod is None or len(mod.body) != 1 or not isinstance(mod.body[0], A.Param):
            diags.append(error("SN0210", f"-D {name}: `{text}` is not a value", None, path="<command line>",
                               hint="write a number with its unit, e.g. -D nodes=24 or -D 'pitch=0.6 m'"))
            continue
        try:
            out[name] = evaluate(mod.body[0].default, {})  # type: ignore[arg-type]
        except DiagnosticError as e:
            diags.append(error("SN0210", f"-D {name}: {e.diagnostic.message}", None, path="<command line>",
                               hint=e.diagnostic.hint))
    return out, diags


# A compile allocates millions of long-lived objects (AST, catalog, placements); with the default
# first-generation threshold (700) the collector walks them again and again: 100k accelerators
# `check` 2.8 -> 2.2 s, 1M 33 -> 28 s. Cycles are still collected, only less often.
GC_THRESHOLD = (200_000, 50, 100)


def _compile_cmd(args: argparse.Namespace) -> int:
    import gc
    gc.set_threshold(*GC_THRESHOLD)
    from .driver import CompileResult, Options, compile_spec
    from .elaborate import Limits
    from .loader import FileLoader, default_search_path
    t0 = time.perf_counter()
    overrides, ddiags = parse_defines(args.defines)
    if ddiags:
        _print_diags(args, ddiags, {})
        return EXIT_SPEC
    limits = Limits()
    if args.max_devices:
        limits.devices = args.max_devices
    if args.max_links:
        limits.links = args.max_links
    loader = FileLoader(default_search_path(args.include), allow_outside=args.allow_outside_imports)
    if not Path(args.file).is_file():
        raise UsageError(f"no such file: {args.file}")
    clock = PhaseClock(_progress_display(args, t0))
    building = args.cmd == "build"
    res = compile_spec(args.file, loader, Options(overrides, limits, run_checks=not building, progress=clock))
    build = _Build(args, res) if building and res.design is not None else None
    try:
        if build is not None:
            build.start_early()          # two processes: the child emits while the checks run here
            from .driver import add_checks
            res = add_checks(res, args.file, clock)
        clock.close()
        failed = _print_diags(args, res.diagnostics, res.sources)
        code = EXIT_SPEC if res.design is None or failed else EXIT_OK
        if code == EXIT_OK and args.cmd == "stats":
            from .stats import design_stats, render_stats
            s = design_stats(res.design)
            sys.stdout.write(json.dumps(s, indent=2, sort_keys=True) + "\n" if args.json else render_stats(s))
        elif code == EXIT_OK and build is not None:
            clock.display = _progress_display(args, t0)
            code = build.run(clock)
            clock.close()
    finally:
        if build is not None:
            build.abandon()              # a failed check or an error: no output, the old one untouched
    if args.timings:
        sys.stderr.write(format_timings(clock.timings, clock.peaks, time.perf_counter() - t0))
    return code


def _progress_display(args: argparse.Namespace, start: float) -> TerminalBar | None:
    """Bars on stderr only for a terminal, without -q, and not in JSON mode."""
    if args.quiet or args.format == "json" or not sys.stderr.isatty():
        return None
    return TerminalBar(sys.stderr, start=start)


def _print_diags(args: argparse.Namespace, diags: list[Diagnostic], sources: dict) -> bool:
    from .render import render_json, render_rich, render_short
    errors = any(d.is_error for d in diags)
    warnings = any(d.severity == "warning" for d in diags)
    if args.format == "json":
        sys.stdout.write(render_json(diags, sources) + "\n")
    elif diags:
        color = args.color == "always" or (args.color == "auto" and sys.stderr.isatty() and not os.environ.get("NO_COLOR"))
        text = render_short(diags) if args.format == "short" else render_rich(diags, sources, color=color)
        sys.stderr.write(text if text.endswith("\n") else text + "\n")
    return errors or (args.strict and warnings)


class _Build:
    """The emit and write phases of `build`: every emitter streams its artifacts into a
    staging folder that replaces the output only when all of them succeeded."""

    def __init__(self, args: argparse.Namespace, res: Any) -> None:
        from .emit import COST, EMITTERS, USES, load_all
        load_all()
        self.args, self.res, self.design = args, res, res.design
        self.emitters, self.cost, self.uses = EMITTERS, COST, USES
        self.names = list(EMITTERS)
        self.staging: Staging | None = None
        self.early: Any = None      # parallel.Emitting, once the child runs

    def _select(self) -> None:
        if self.args.emit:
            wanted = [n.strip() for n in self.args.emit.split(",") if n.strip()]
            bad = [n for n in wanted if n not in self.emitters]
            if bad:
                raise UsageError(f"unknown output(s) {', '.join(bad)}; outputs: {', '.join(self.emitters)}")
            self.names = [n for n in self.names if n in wanted]
        if self.staging is None:
            self.staging = Staging(Path(self.args.out))

    def start_early(self) -> None:
        """Fork the emitter child now when the design is big enough for two processes and
        valid so far; any usage error (bad `--emit`, `-o`) waits to be reported after the checks."""
        from . import parallel
        if any(d.is_error for d in self.res.diagnostics):
            return
        try:
            self._select()
        except (UsageError, OutputRefused):
            return
        if parallel.jobs_for(len(self.design.links), len(self.names)) < 2:
            return
        assert self.staging is not None
        self.early = parallel.start(self.design, self.names, self.emitters, self.cost, self.uses, self.args.file,
                                    self.staging.write)

    def abandon(self) -> None:
        if self.early is not None:
            self.early.abandon()
        if self.staging is not None:
            self.staging.discard()

    def run(self, clock: PhaseClock) -> int:
        from .driver import internal_error
        from .parallel import ChildFailed, run_emitters
        args = self.args
        self._select()
        assert self.staging is not None
        clock.begin("emit", sum(self.cost.get(n, 1) for n in self.names))

        def done(n: str, seconds: float) -> None:
            clock.record(f"emit/{n}", seconds)
            clock.advance(self.cost.get(n, 1))
        try:
            try:
                if self.early is not None:
                    out = self.early.finish(done)
                else:
                    out = run_emitters(self.design, self.names, self.emitters, args.file, done, self.staging.write)
            except ChildFailed as e:
                clock.close()
                _print_diags(args, [internal_error(e, args.file)], self.res.sources)
                return EXIT_SPEC
            if out.write_error is not None:
                raise out.write_error
            failed = [n for n in self.names if n in out.errors]
            if failed:   # the first failing emitter in registry order, as a sequential run reports it
                clock.close()
                _print_diags(args, [out.errors[failed[0]]], self.res.sources)
                return EXIT_SPEC
            clock.begin("write")
            paths = [p for n in self.names for p in out.paths[n]]
            self.staging.commit(paths)
        except OSError as e:    # a full disk, a read-only folder: the old output is untouched
            clock.close()
            print(f"supernodec: cannot write `{args.out}`: {e.strerror or e}", file=sys.stderr)
            return EXIT_SPEC
        clock.end()
        if not args.quiet and args.format != "json":
            print(f"wrote {len(paths)} files to {args.out}/", file=sys.stderr)
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
