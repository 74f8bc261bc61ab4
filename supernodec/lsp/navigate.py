"""What is under the cursor and what it points at (language server, layer 8).

Works on the frozen AST and the resolved `Program` only (no elaboration), so
it answers in microseconds and also on a spec that does not elaborate. A
`Target` is a declaration somewhere in the program: a part or template, a
parameter, a `let`, a member, a group, a port group, a hall row, a loop
variable or an imported module.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Iterator

from ..resolve import ModuleInfo, Program, lookup_decl
from ..source import Span
from ..syntax import ast as A

_SKIP_FIELDS = {"span", "doc", "name_span", "comments", "path", "text"}


@dataclass(frozen=True)
class Target:
    """A declaration a name or reference resolves to."""

    kind: str                       # decl param let member group port row var module field
    name: str
    node: Any                       # the declaring AST node (Decl, Param, Member, ...)
    module: ModuleInfo | None       # the module that declares it
    span: Span | None               # where "go to definition" lands
    owner: A.Decl | None = None     # the part or template it belongs to


# ---------------------------------------------------------------- the node under the cursor
def children(node: Any) -> Iterator[Any]:
    """AST nodes directly inside `node`, in source order."""
    if not dataclasses.is_dataclass(node):
        return
    for f in dataclasses.fields(node):
        if f.name in _SKIP_FIELDS:
            continue
        yield from _flatten(getattr(node, f.name))


def _flatten(v: Any) -> Iterator[Any]:
    if isinstance(v, tuple):
        for x in v:
            yield from _flatten(x)
    elif dataclasses.is_dataclass(v) and not isinstance(v, type):
        yield v


def path_at(module: A.Module, offset: int) -> list[Any]:
    """The AST nodes whose span contains `offset`, outermost first (the module excluded)."""
    out: list[Any] = []
    node: Any = module
    while True:
        nxt = _child_at(node, offset)
        if nxt is None:
            return out
        out.append(nxt)
        node = nxt


def _child_at(node: Any, offset: int) -> Any:
    hit = None
    for c in children(node):
        sp = getattr(c, "span", None)
        if sp is None:
            inner = _child_at(c, offset)    # spanless wrappers still hold spans inside
            if inner is not None:
                return inner
            continue
        if sp.start <= offset <= sp.end:
            if sp.start < offset < sp.end or hit is None:
                hit = c
            if sp.start < offset < sp.end:
                break
    return hit


# ---------------------------------------------------------------- scopes
def module_of(prog: Program, path: str) -> ModuleInfo | None:
    return prog.modules.get(path)


def _declared_in(body: tuple, name: str) -> Any:
    """A member, group, nested declaration, row or let named `name` in a body
    (looking through `for` and `if` blocks, which do not open a scope)."""
    for s in body:
        if isinstance(s, (A.Member, A.Group, A.Decl, A.RowDecl, A.Let)) and s.name == name:
            return s
        if isinstance(s, A.For):
            found = _declared_in(s.body, name)
        elif isinstance(s, A.If):
            found = _declared_in(s.then, name) or _declared_in(s.orelse, name)
        else:
            continue
        if found is not None:
            return found
    return None


def declared_names(body: tuple) -> list[Any]:
    """Members, groups, nested declarations, rows and lets of a body (through for/if)."""
    out: list[Any] = []
    for s in body:
        if isinstance(s, (A.Member, A.Group, A.Decl, A.RowDecl, A.Let)):
            out.append(s)
        elif isinstance(s, A.For):
            out += declared_names(s.body)
        elif isinstance(s, A.If):
            out += declared_names(s.then) + declared_names(s.orelse)
    return out


def enclosing_decl(path: list[Any]) -> A.Decl | None:
    """The outermost declaration around the cursor (the template or part)."""
    return next((n for n in path if isinstance(n, A.Decl)), None)


def _kind_of(node: Any) -> str:
    return {A.Member: "member", A.Group: "group", A.Decl: "decl", A.RowDecl: "row",
            A.Let: "let", A.Param: "param", A.PortDecl: "port", A.For: "var", A.Field: "field"}[type(node)]


def resolve_name(prog: Program, info: ModuleInfo, path: list[Any], parts: tuple[str, ...]) -> Target | None:
    """What a (possibly dotted) name in an expression or type position means here."""
    if len(parts) > 1:
        return resolve_qualified(prog, info, parts)
    name = parts[0]
    for node in reversed(path):
        if isinstance(node, A.For) and node.var == name:
            return Target("var", name, node, info, node.span)
        body = _body_of(node)
        found = _declared_in(body, name) if body is not None else None
        if isinstance(found, A.Let):
            return Target("let", name, found, info, found.span)
        if isinstance(node, A.Decl) and node.params:
            p = next((p for p in node.params if p.name == name), None)
            if p is not None:
                return Target("param", name, p, info, p.span, node)
    if name in info.lets:
        return Target("let", name, info.lets[name], info, info.lets[name].span)
    if name in info.params:
        return Target("param", name, info.params[name], info, info.params[name].span)
    if name in info.decls:
        d = info.decls[name]
        return Target("decl", name, d, info, d.name_span or d.span)
    if name in info.imports and info.imports[name] in prog.modules:
        return _module_target(prog.modules[info.imports[name]], name)
    return None


def resolve_qualified(prog: Program, info: ModuleInfo, parts: tuple[str, ...]) -> Target | None:
    """`huawei.Ascend910C` (a part or template of an imported module) or `huawei` alone."""
    if len(parts) == 1 and parts[0] in info.imports and info.imports[parts[0]] in prog.modules:
        return _module_target(prog.modules[info.imports[parts[0]]], parts[0])
    mod, decl, _ = lookup_decl(prog, info, A.Name(parts))
    if decl is None or mod is None:
        return None
    return Target("decl", ".".join(parts), decl, mod, decl.name_span or decl.span)


def _module_target(mod: ModuleInfo, alias: str) -> Target:
    return Target("module", alias, mod.ast, mod, Span(mod.path, 0, 0, 1, 1, 1, 1))


def _body_of(node: Any) -> tuple | None:
    if isinstance(node, (A.Decl, A.Group, A.For)):
        return node.body
    if isinstance(node, A.If):
        return node.then + node.orelse
    return None


# ---------------------------------------------------------------- references
def resolve_ref(prog: Program, info: ModuleInfo, path: list[Any], names: list[str]) -> Target | None:
    """What `a[i].b.c` (index expressions dropped: `names` = [a, b, c]) names here."""
    target = _first_segment(prog, info, path, names[0])
    for name in names[1:]:
        if target is None:
            return None
        target = step(prog, target, name)
    return target


def _first_segment(prog: Program, info: ModuleInfo, path: list[Any], name: str) -> Target | None:
    for node in reversed(path):
        body = _body_of(node)
        if body is None:
            continue
        found = _declared_in(body, name)
        if found is not None and not isinstance(found, A.Let):
            return Target(_kind_of(found), name, found, info, found.span, enclosing_decl(path))
    decl = enclosing_decl(path)
    if decl is not None:
        return selector(prog, info, decl, name)
    return None


def selector(prog: Program, info: ModuleInfo, decl: A.Decl, name: str, depth: int = 0) -> Target | None:
    """A bare name in a `require` selects members of that name at any depth: the first found."""
    if depth > 8:
        return None
    for s in declared_names(decl.body):
        if isinstance(s, A.Member):
            mod, inner, _ = lookup_decl(prog, info, s.type)
            if inner is not None and mod is not None and inner.kind in A.TEMPLATE_KINDS:
                found = _declared_in(inner.body, name)
                if isinstance(found, (A.Member, A.Group)):
                    return Target(_kind_of(found), name, found, mod, found.span, inner)
                deeper = selector(prog, mod, inner, name, depth + 1)
                if deeper is not None:
                    return deeper
    return None


def type_of(prog: Program, t: Target) -> tuple[ModuleInfo, A.Decl] | None:
    """The part or template a member target instantiates."""
    if t.kind != "member" or t.module is None:
        return None
    mod, decl, _ = lookup_decl(prog, t.module, t.node.type)
    return (mod, decl) if mod is not None and decl is not None else None


def step(prog: Program, t: Target, name: str) -> Target | None:
    """From a member, group or hall to its part of name `name`."""
    if t.kind == "group" or (t.kind == "decl" and t.node.kind == "hall"):
        found = _declared_in(t.node.body, name)
        return Target(_kind_of(found), name, found, t.module, found.span, t.owner) if found is not None else None
    typ = type_of(prog, t)
    if typ is None:
        return None
    mod, decl = typ
    if decl.kind in A.PART_KINDS:
        for pmod, port, owner in ports_of(prog, mod, decl):
            if port.name == name:
                return Target("port", name, port, pmod, port.span, owner)
        return None
    found = _declared_in(decl.body, name)
    if found is None or isinstance(found, A.Let):
        return None
    return Target(_kind_of(found), name, found, mod, found.span, decl)


def members_of(prog: Program, t: Target) -> list[Target]:
    """What may follow `t.` in a reference: port groups of a part, members of a template."""
    if t.kind == "group" or (t.kind == "decl" and t.node.kind == "hall"):
        return [Target(_kind_of(s), s.name, s, t.module, s.span, t.owner)
                for s in declared_names(t.node.body) if not isinstance(s, A.Let)]
    typ = type_of(prog, t)
    if typ is None:
        return []
    mod, decl = typ
    if decl.kind in A.PART_KINDS:
        return [Target("port", p.name, p, pmod, p.span, owner) for pmod, p, owner in ports_of(prog, mod, decl)]
    return [Target(_kind_of(s), s.name, s, mod, s.span, decl)
            for s in declared_names(decl.body) if not isinstance(s, A.Let)]


def ports_of(prog: Program, mod: ModuleInfo, decl: A.Decl, depth: int = 0) -> list[tuple[ModuleInfo, A.PortDecl, A.Decl]]:
    """Port groups of a part, including those inherited through `extends`
    (a part that declares any port group replaces the inherited ones)."""
    own = [(mod, s, decl) for s in decl.body if isinstance(s, A.PortDecl)]
    if own or decl.base is None or depth > 16:
        return own
    bmod, base, _ = lookup_decl(prog, mod, decl.base)
    if base is None or bmod is None:
        return []
    return ports_of(prog, bmod, base, depth + 1)


def fields_of(prog: Program, mod: ModuleInfo, decl: A.Decl, depth: int = 0) -> dict[str, A.Field]:
    """Fields of a part as written, inherited ones first, overridden by its own."""
    out: dict[str, A.Field] = {}
    if decl.base is not None and depth <= 16:
        bmod, base, _ = lookup_decl(prog, mod, decl.base)
        if base is not None and bmod is not None:
            out.update(fields_of(prog, bmod, base, depth + 1))
    out.update({s.name: s for s in decl.body if isinstance(s, A.Field)})
    return out


def target_at(prog: Program, info: ModuleInfo, module: A.Module, offset: int) -> Target | None:
    """What the name under the cursor points at (for go to definition)."""
    path = path_at(module, offset)
    if not path:
        return None
    node, parent = path[-1], (path[-2] if len(path) > 1 else None)
    if isinstance(node, A.Name):
        if is_type_position(node, parent):
            return resolve_qualified(prog, info, node.parts)
        return resolve_name(prog, info, path[:-1], node.parts)
    if isinstance(node, A.Seg) and isinstance(parent, A.Ref):
        names = [s.name for s in parent.segs[: parent.segs.index(node) + 1]]
        return resolve_ref(prog, info, path[:-2], names)
    if isinstance(node, A.Import):
        alias = node.alias or node.path.rsplit("/", 1)[-1].removesuffix(".sn")
        return resolve_qualified(prog, info, (alias,))
    if isinstance(node, A.Decl):
        return Target("decl", node.name, node, info, node.name_span or node.span)
    if isinstance(node, A.Arg) and isinstance(parent, A.Member):
        return template_param(prog, info, parent, node.name)
    return None


def template_param(prog: Program, info: ModuleInfo, member: A.Member, name: str) -> Target | None:
    """The parameter of the member's template that an argument `name = ...` sets."""
    mod, decl, _ = lookup_decl(prog, info, member.type)
    if decl is None or mod is None or not decl.params:
        return None
    p = next((p for p in decl.params if p.name == name), None)
    return Target("param", name, p, mod, p.span, decl) if p is not None else None


def is_type_position(node: A.Name, parent: Any) -> bool:
    """Whether a name names a part or template (a member's type, `extends`, `medium`)."""
    return ((isinstance(parent, A.Member) and parent.type is node)
            or (isinstance(parent, A.Decl) and parent.base is node)
            or (isinstance(parent, A.Option) and parent.value is node))
