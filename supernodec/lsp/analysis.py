"""Compiling an editor buffer and keeping what navigation needs (language server, layer 8).

The buffer is compiled by the same driver as `supernodec check`, through a
`FileLoader` whose overlay holds every open buffer, so imports see unsaved
edits. Diagnostics are converted to protocol ranges of the buffer; those that
point into an imported file are shown on the `import` that leads there, with
the real place as related information. Navigation keeps the last program
whose modules parsed, so hover and completion still work while the line being
typed is broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types as T

from ..diagnostics import Diagnostic
from ..driver import Options, compile_spec
from ..loader import FileLoader
from ..resolve import ModuleInfo, Program, resolve_program
from ..source import SourceFile, Span
from ..syntax import ast as A
from ..syntax.parser import parse_module
from .positions import Codec

_SEVERITY = {"error": T.DiagnosticSeverity.Error, "warning": T.DiagnosticSeverity.Warning,
             "note": T.DiagnosticSeverity.Information}
_IMPORT_LINE = re.compile(r'^[ \t]*import[ \t]+"[^"\n]*"(?:[ \t]+as[ \t]+[A-Za-z_]\w*)?[ \t]*$', re.M)


@dataclass
class Snapshot:
    """One compile of one buffer: protocol diagnostics and the program for navigation."""

    diagnostics: list[T.Diagnostic]
    program: Program | None                 # None if not even the imports resolve
    loader: FileLoader
    deps: set[str] = field(default_factory=set)   # real paths of the modules read


def compile_buffer(path: Path, overlay: dict[str, str], search_path: list[str], codec: Codec) -> Snapshot:
    """Compile the buffer at `path` (its text is in `overlay`)."""
    loader = FileLoader(list(search_path), overlay=dict(overlay), cwd=path.parent)
    res = compile_spec(str(path), loader, Options())
    prog = res.program
    root = prog.root if prog is not None else path.name
    diags = [to_protocol(d, root, prog, res.sources, loader, codec) for d in res.diagnostics]
    if prog is None or prog.root not in prog.modules:
        text = overlay.get(str(path), "")
        prog = tolerant(path, text, loader, res.diagnostics) or imports_only(path, text, loader) or prog
    deps = {str(Path(loader.real(p)).resolve()) for p in (prog.sources if prog else {})}
    return Snapshot(diags, prog, loader, deps)


def tolerant(path: Path, text: str, loader: FileLoader, diags: list[Diagnostic]) -> Program | None:
    """The program with the line of the syntax error blanked out (offsets unchanged):
    usually the line being typed, so the rest of the buffer still gives scopes."""
    line = next((d.span.line for d in diags if d.code.startswith("SN00") and d.span is not None), None)
    if line is None:
        return None
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    lines[line - 1] = " " * len(lines[line - 1])
    return _resolve_with(path, "\n".join(lines), loader)


def _resolve_with(path: Path, text: str, loader: FileLoader) -> Program | None:
    sub = FileLoader(loader.search_path, overlay={**loader.overlay, str(path): text}, cwd=loader.cwd)
    prog, _ = resolve_program(str(path), sub)
    return prog if prog is not None and prog.root in prog.modules else None


def imports_only(path: Path, text: str, loader: FileLoader) -> Program | None:
    """A program of the buffer's imports alone, for completion while the buffer does not parse."""
    only = "\n".join(m.group(0).strip() for m in _IMPORT_LINE.finditer(text)) + "\n"
    return _resolve_with(path, only, loader)


def uri_of(loader: FileLoader, display: str) -> str:
    return Path(loader.real(display)).resolve().as_uri()


def to_protocol(d: Diagnostic, root: str, prog: Program | None, sources: dict[str, SourceFile],
                loader: FileLoader, codec: Codec) -> T.Diagnostic:
    """A compiler diagnostic as a protocol diagnostic of the root buffer."""
    message = d.message + (f"\n{d.hint}" if d.hint else "") + "".join(f"\n{n}" for n in d.notes)
    related = [T.DiagnosticRelatedInformation(location=loc, message=r.message)
               for r in d.related if (loc := location(r.span, sources, loader, codec)) is not None]
    span = d.span
    if span is not None and span.file != root:
        here = location(span, sources, loader, codec)
        if here is not None:
            related.insert(0, T.DiagnosticRelatedInformation(location=here, message=d.label or d.message))
        message = f"in {span.file}:{span.line}:{span.col}: {message}"
        span = _import_leading_to(prog, root, span.file)
    if span is None and d.path:
        message = f"{d.path}: {message}"
    src = sources.get(root)
    rng = codec.range(src, span) if span is not None and src is not None else T.Range(
        start=T.Position(line=0, character=0), end=T.Position(line=0, character=0))
    return T.Diagnostic(range=rng, message=message, severity=_SEVERITY.get(d.severity, T.DiagnosticSeverity.Error),
                        code=d.code, source="supernodec", related_information=related or None)


def location(span: Span | None, sources: dict[str, SourceFile], loader: FileLoader, codec: Codec) -> T.Location | None:
    if span is None or span.file not in sources:
        return None
    return T.Location(uri=uri_of(loader, span.file), range=codec.range(sources[span.file], span))


def _import_leading_to(prog: Program | None, root: str, target: str) -> Span | None:
    """The span of the root's `import` through which `target` was loaded."""
    if prog is None or root not in prog.modules:
        return None
    info = prog.modules[root]
    for imp in (s for s in info.ast.body if isinstance(s, A.Import)):
        alias = imp.alias or imp.path.rsplit("/", 1)[-1].removesuffix(".sn")
        start = info.imports.get(alias)
        if start is not None and target in _reachable(prog, start):
            return imp.span
    return None


def _reachable(prog: Program, start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        p = todo.pop()
        if p in seen or p not in prog.modules:
            seen.add(p)
            continue
        seen.add(p)
        todo += list(prog.modules[p].imports.values())
    return seen


# ---------------------------------------------------------------- the buffer's own module
def fresh_info(prog: Program, path: str, text: str) -> tuple[ModuleInfo | None, A.Module | None]:
    """The root module as the buffer is now (if it parses), with the imports of the last compile."""
    old = prog.modules.get(prog.root)
    module, _ = parse_module(prog.root, text)
    if module is None:
        return old, (old.ast if old else None)
    info = module_info(old.name if old else Path(path).stem, prog.root, module, text,
                       dict(old.imports) if old else {})
    return info, module


def module_info(name: str, path: str, module: A.Module, text: str, imports: dict[str, str]) -> ModuleInfo:
    """A module's info from its syntax tree, with the given imports (alias -> path)."""
    info = ModuleInfo(name, path, module, SourceFile.of(path, text), imports)
    for s in module.body:
        if isinstance(s, A.Decl):
            info.decls.setdefault(s.name, s)
        elif isinstance(s, A.Param):
            info.params.setdefault(s.name, s)
        elif isinstance(s, A.Let):
            info.lets.setdefault(s.name, s)
    return info
