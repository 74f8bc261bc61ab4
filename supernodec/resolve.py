"""Imports, modules and top-level names (layer 4).

`resolve_program` parses the root file and, transitively, every import, with
cycle detection and the search order of LANGUAGE.md: relative to the importing
file, then the search path (`-I`, `SUPERNODEC_PATH`), then the shipped
catalogs. All file access goes through the injected `Loader`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .diagnostics import Diagnostic, Related, error
from .source import SourceFile, Span
from .suggest import did_you_mean
from .syntax import ast as A
from .syntax.parser import parse_module

MAX_IMPORT_DEPTH = 64


class Loader(Protocol):
    """What the front end needs from the outside world."""

    def locate(self, name: str, importer: str | None) -> "Located":
        """Find an import: a `Located` with `path` set, or `error` saying why not."""

    def read(self, path: str) -> str:
        """The text of a located file (raises OSError or UnicodeDecodeError)."""


@dataclass(frozen=True)
class Located:
    path: str | None = None           # display path, unique per file
    error: str = ""                   # "not-found" | "outside-root" | "symlink-escape"
    tried: tuple[str, ...] = ()


@dataclass
class ModuleInfo:
    name: str                         # module name for qualification ("huawei")
    path: str
    ast: A.Module
    source: SourceFile
    imports: dict[str, str] = field(default_factory=dict)   # alias -> module path
    decls: dict[str, A.Decl] = field(default_factory=dict)  # parts, templates, centers
    params: dict[str, A.Param] = field(default_factory=dict)
    lets: dict[str, A.Let] = field(default_factory=dict)


@dataclass
class Program:
    root: str                         # path of the root module
    modules: dict[str, ModuleInfo]    # by path, in load order
    sources: dict[str, SourceFile]

    def module(self, path: str) -> ModuleInfo:
        return self.modules[path]


def module_name(path: str) -> str:
    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    return base[:-3] if base.endswith(".sn") else base


def resolve_program(root: str, loader: Loader) -> tuple[Program | None, list[Diagnostic]]:
    """Load the root module and its imports. The program (with the sources read so
    far) is returned even when there are errors, so diagnostics can show source."""
    diags: list[Diagnostic] = []
    prog = Program(root, {}, {})
    located = loader.locate(root, None)
    if located.path is None:
        return None, [error("SN0103", f"cannot read `{root}`", None, path=root,
                            hint="check the file name")]
    prog.root = located.path
    _load(prog, located.path, loader, [], diags, None)
    return prog, diags


def _load(prog: Program, path: str, loader: Loader, stack: list[tuple[str, Span | None]],
          diags: list[Diagnostic], via: Span | None) -> None:
    if path in prog.modules:
        return
    try:
        text = loader.read(path)
    except UnicodeDecodeError as e:
        diags.append(error("SN0006", f"`{path}` is not valid UTF-8 (byte {e.start})", via, path=path,
                           hint="save the file as UTF-8"))
        return
    except OSError as e:
        diags.append(error("SN0103", f"cannot read `{path}`: {e.strerror or e}", via, path=path))
        return
    if text.startswith("\ufeff"):
        text = text[1:]
    src = SourceFile.of(path, text)
    prog.sources[path] = src
    mod, perrs = parse_module(path, text)
    if mod is None:
        diags.extend(perrs)
        return
    info = ModuleInfo(module_name(path), path, mod, src)
    prog.modules[path] = info
    _collect(info, diags)
    stack.append((path, via))
    for imp in (s for s in mod.body if isinstance(s, A.Import)):
        _import(prog, info, imp, loader, stack, diags)
    stack.pop()
    # keep load order: dependencies first
    prog.modules[path] = prog.modules.pop(path)


def _import(prog: Program, info: ModuleInfo, imp: A.Import, loader: Loader,
            stack: list[tuple[str, Span | None]], diags: list[Diagnostic]) -> None:
    loc = loader.locate(imp.path, info.path)
    alias = imp.alias or module_name(imp.path)
    if loc.path is None:
        if loc.error == "not-found":
            tried = "; ".join(loc.tried) if loc.tried else "nothing"
            diags.append(error("SN0103", f"cannot find import `{imp.path}`", imp.span,
                               label="no such module", notes=(f"looked in: {tried}",),
                               hint="check the name, or add its folder with `-I DIR` or SUPERNODEC_PATH"))
        else:
            diags.append(error("SN0105", f"import `{imp.path}` reaches outside the allowed roots ({loc.error})",
                               imp.span, label="not allowed",
                               hint="move the file under the project, or pass `--allow-outside-imports`"))
        return
    on_stack = [p for p, _ in stack]
    if loc.path in on_stack:
        cycle = on_stack[on_stack.index(loc.path):] + [loc.path]
        diags.append(error("SN0104", "import cycle: " + " -> ".join(cycle), imp.span,
                           label="this import closes the cycle",
                           hint="move the shared declarations into a module both can import"))
        return
    if alias in info.imports and info.imports[alias] != loc.path:
        diags.append(error("SN0102", f"two imports are both named `{alias}`", imp.span,
                           hint=f'rename one with `import "{imp.path}" as other`'))
        return
    info.imports[alias] = loc.path
    if len(stack) >= MAX_IMPORT_DEPTH:
        diags.append(error("SN0208", f"imports nest deeper than {MAX_IMPORT_DEPTH} modules", imp.span))
        return
    _load(prog, loc.path, loader, stack, diags, imp.span)


def _collect(info: ModuleInfo, diags: list[Diagnostic]) -> None:
    seen: dict[str, Span | None] = {}
    for s in info.ast.body:
        if not isinstance(s, (A.Decl, A.Param, A.Let, A.Import)) or getattr(s, "kind", None) == "hall":
            diags.append(_misplaced(s))
            continue
        name = getattr(s, "name", None)
        if not isinstance(s, (A.Decl, A.Param, A.Let)) or name is None:
            continue
        if name in seen:
            first = seen[name]
            diags.append(error("SN0102", f"`{name}` is declared twice in this module",
                               getattr(s, "name_span", None) or s.span, label="second declaration",
                               related=(Related(first, "first declared here"),) if first else (),
                               hint="rename one of them"))
            continue
        seen[name] = getattr(s, "name_span", None) or s.span
        if isinstance(s, A.Decl):
            info.decls[name] = s
            _duplicate_lets(s.body, diags)
            if s.kind in A.TEMPLATE_KINDS or s.kind == "center":
                _misplaced_inside(s.body, s.kind != "center", diags)
        elif isinstance(s, A.Param):
            info.params[name] = s
        else:
            info.lets[name] = s


def _duplicate_lets(body: tuple, diags: list[Diagnostic]) -> None:
    """SN0102 for a second `let` of one name in one block (a template, the center, a
    group, a loop or an `if` branch), as at the top level."""
    first: dict[str, Span | None] = {}
    for s in body:
        if type(s) is A.Let:
            if s.name not in first:
                first[s.name] = s.span
                continue
            was = first[s.name]
            diags.append(error("SN0102", f"`{s.name}` is declared twice in this block", s.span, label="second declaration",
                               related=(Related(was, "first declared here"),) if was else (),
                               hint="rename one of them, or compute the value in one `let`"))
        for sub in (s.then, s.orelse) if type(s) is A.If else (s.body,) if type(s) in (A.Group, A.For) else ():
            _duplicate_lets(sub, diags)


def _misplaced_inside(body: tuple, template: bool, diags: list[Diagnostic]) -> None:
    """SN0002 for what a template's or the center's block cannot hold (an import, a
    parameter, a port group, a nested declaration; a hall in a template), in every
    template whether or not anything uses it: the same diagnostics as elaboration's."""
    for s in body:
        if type(s) in (A.Import, A.Param, A.PortDecl) or (type(s) is A.Decl and s.kind != "hall"):
            diags.append(not_here(s))
        elif type(s) is A.Decl and template:
            diags.append(hall_in_template(s))
        for sub in (s.then, s.orelse) if type(s) is A.If else (s.body,) if type(s) in (A.Group, A.For) else ():
            _misplaced_inside(sub, template, diags)


_NOT_HERE = {A.Import: "an import", A.Param: "a parameter", A.PortDecl: "a port group", A.Decl: "a declaration"}


def not_here(s: A.Stmt) -> Diagnostic:
    """A statement that a template's, the center's, a group's or a loop's block cannot hold."""
    return error("SN0002", f"{_NOT_HERE.get(type(s), 'this statement')} is not allowed here", getattr(s, "span", None),
                 hint="imports, parameters and declarations go at the top level; ports go in parts")


def hall_in_template(h: A.Decl) -> Diagnostic:
    return error("SN0002", "a `hall` belongs in the center, not in a template", h.span, label="in a template",
                 hint="declare the hall in the center and place the template's racks from there, "
                      "like `place n[i].r in h.A`")


_INSIDE = "belongs inside a template or the center"
_MOVE_IN = "move it into the `center` block or a template (`node`, `supernode`, `fabric`, `pod`)"
_MISPLACED = {
    A.Member: ("a member", _INSIDE, _MOVE_IN), A.Group: ("a group", _INSIDE, _MOVE_IN),
    A.Connect: ("`connect`", _INSIDE, _MOVE_IN), A.For: ("`for`", _INSIDE, _MOVE_IN),
    A.If: ("`if`", _INSIDE, _MOVE_IN), A.Place: ("`place`", _INSIDE, _MOVE_IN),
    A.Memory: ("`unified memory`", _INSIDE, _MOVE_IN), A.Require: ("`require`", _INSIDE, _MOVE_IN),
    A.Mgmt: ("`mgmt`", _INSIDE, _MOVE_IN), A.Decl: ("a `hall`", "belongs inside the center", "move it into the `center` block"),
    A.RowDecl: ("a `row`", "belongs inside a `hall`", "put it in a `hall` block of the center"),
    A.PortDecl: ("a port group", "belongs inside a part", "declare it in a part such as `switch S { port p: UB @ 1 Gb/s }`"),
    A.Field: ("a field", "belongs inside a part, a template, the center or a hall",
              "to name a value at the top level, write `param` or `let`"),
}


def _misplaced(s: A.Stmt) -> Diagnostic:
    """A statement that parses at the top level of a module but has no meaning there."""
    what, where, hint = _MISPLACED.get(type(s), ("this statement", _INSIDE, _MOVE_IN))
    return error("SN0002", f"{what} {where}, not at the top level", s.span, label="not allowed at the top level",
                 hint=hint)


def lookup_decl(prog: Program, info: ModuleInfo, name: A.Name) -> tuple[ModuleInfo | None, A.Decl | None, str]:
    """Find a part/template by (possibly qualified) name. Returns (module, decl, hint)."""
    parts = name.parts
    if len(parts) == 1:
        d = info.decls.get(parts[0])
        if d is not None:
            return info, d, ""
        cands = list(info.decls)
        for alias, p in info.imports.items():
            cands += [f"{alias}.{n}" for n in prog.modules[p].decls] if p in prog.modules else []
        return None, None, did_you_mean(parts[0], cands)
    alias, rest = parts[0], parts[1:]
    if alias not in info.imports:
        return None, None, did_you_mean(alias, list(info.imports)) or "import the module first"
    mod = prog.modules.get(info.imports[alias])
    if mod is None:
        return None, None, ""
    if len(rest) == 1 and rest[0] in mod.decls:
        return mod, mod.decls[rest[0]], ""
    if len(rest) > 1:
        return lookup_decl(prog, mod, A.Name(rest, name.span))
    return None, None, did_you_mean(rest[-1], [f"{alias}.{n}" for n in mod.decls] + list(mod.decls))
