"""Every name in a program and the declaration it means (language server, layer 8).

`bind_program` walks the modules of a resolved `Program` with the scope rules
of elaboration (no elaboration is run) and lists each occurrence of a name
with the key of the declaration it resolves to:

- values: parameters and `let`s of the module (top-level expressions see the
  earlier ones, declarations see all), template parameters, `let`s of a body
  (in order, `if` bodies share the enclosing frame), `for` variables, and the
  pattern variables a reference's index introduces (`connect a[i].p -> b[i].q`);
- members: members, groups and halls of the enclosing bodies (groups see the
  template's scope); later segments of a reference step into the member's
  template or part (port groups, inherited through `extends`), a group or a
  hall's rows; a `require`/`unified memory` selector that names no member in
  scope selects the part members of that name at any depth (all of them);
- types: parts and templates (`huawei.Ascend910C`, `extends`, `medium`) and the
  import aliases that qualify them; a member's arguments name the template's
  parameters.

Keys are built from the position of the declaring node in its module's syntax
tree, so they are the same after a rename (which changes names, not shape):
rename checks its edit by binding the edited program again and comparing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..resolve import ModuleInfo, Program, lookup_decl, module_name
from ..syntax import ast as A
from . import navigate as N

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INTERP = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
Key = Any                      # ("n", path, ordinal) | ("v", path, ordinal, k) | frozenset of keys | None


@dataclass(frozen=True)
class Occ:
    """One occurrence of a name: offsets in its module's text."""

    path: str
    start: int
    end: int
    name: str
    key: Key
    decl: bool = False         # the occurrence that declares the name
    implicit: bool = False     # an import without `as`: the span is the quoted module


@dataclass(frozen=True)
class Symbol:
    kind: str                  # param let var pattern member group hall row port decl module
    name: str
    path: str                  # the declaring module
    node: Any
    scope: Any                 # the scope token: names that would clash live in the same one


@dataclass
class _MScope:
    """Member names of a body; a group's scope sees its parent's."""

    names: dict[str, Key]
    parent: "_MScope | None"
    path: str                  # the module of the body
    body: tuple

    def find(self, name: str) -> Key:
        s: _MScope | None = self
        while s is not None:
            if name in s.names:
                return s.names[name]
            s = s.parent
        return None


@dataclass
class Binding:
    occs: list[Occ] = field(default_factory=list)
    symbols: dict[Key, Symbol] = field(default_factory=dict)
    scopes: dict[int, dict[str, Key]] = field(default_factory=dict)   # scope token -> names declared in it
    alive: list[Any] = field(default_factory=list, repr=False)         # the scope objects behind the tokens
    loose: list[Occ] = field(default_factory=list)   # `{name}` in other strings: an address template, maybe

    def references(self, key: Key) -> list[Occ]:
        return [o for o in self.occs if o.key == key or (isinstance(o.key, frozenset) and key in o.key)]

    def at(self, path: str, offset: int) -> Occ | None:
        hits = [o for o in self.occs if o.path == path and o.start <= offset <= o.end]
        return min(hits, key=lambda o: (o.end - o.start, not o.decl)) if hits else None


def bind_program(prog: Program) -> Binding:
    b = _Binder(prog)
    for info in prog.modules.values():
        b.module(info)
    return b.out


class _Binder:
    def __init__(self, prog: Program) -> None:
        self.prog = prog
        self.out = Binding()
        self.keys: dict[int, Key] = {}
        self.nodes: dict[Key, tuple[Any, str]] = {}
        for info in prog.modules.values():
            for n, node in enumerate(_walk(info.ast)):
                self.keys[id(node)] = ("n", info.path, n)
                self.nodes[("n", info.path, n)] = (node, info.path)

    # ------------------------------------------------------------ recording
    def key(self, node: Any) -> Key:
        return self.keys.get(id(node))

    def occ(self, info: ModuleInfo, start: int, name: str, key: Key, decl: bool = False) -> None:
        self.out.occs.append(Occ(info.path, start, start + len(name), name, key, decl))

    def declare(self, info: ModuleInfo, node: Any, kind: str, name: str, start: int | None,
                scope: Any, key: Key = None) -> Key:
        key = key if key is not None else self.key(node)
        self.out.symbols[key] = Symbol(kind, name, info.path, node, id(scope))
        self.out.scopes.setdefault(id(scope), {}).setdefault(name, key)
        self.out.alive.append(scope)
        if start is not None:
            self.occ(info, start, name, key, decl=True)
        return key

    # ------------------------------------------------------------ modules
    def module(self, info: ModuleInfo) -> None:
        text = info.source.text
        top: dict[str, Key] = {}
        scope = info.decls            # the module's one namespace (decls, params, lets)
        for s in info.ast.body:
            if isinstance(s, (A.Param, A.Let)):
                top[s.name] = self.key(s)
        frame: dict[str, Key] = {}
        for s in info.ast.body:
            if isinstance(s, A.Param):
                if s.default is not None:
                    self.expr(info, s.default, [frame])
                frame[s.name] = self.declare(info, s, "param", s.name, _after_word(text, s.span, "param", s.name), scope)
            elif isinstance(s, A.Let):
                self.expr(info, s.value, [frame])
                frame[s.name] = self.declare(info, s, "let", s.name, _after_word(text, s.span, "let", s.name), scope)
            elif isinstance(s, A.Import):
                self.import_(info, s)
            elif isinstance(s, A.Decl):
                self.declare(info, s, "decl", s.name, s.name_span.start if s.name_span else None, scope)
                self.decl(info, s, top)

    def import_(self, info: ModuleInfo, imp: A.Import) -> None:
        alias = imp.alias or module_name(imp.path)
        key = self.key(imp)
        self.out.symbols[key] = Symbol("module", alias, info.path, imp, id(info.imports))
        self.out.scopes.setdefault(id(info.imports), {}).setdefault(alias, key)
        if imp.span is None:
            return
        text = info.source.text[imp.span.start:imp.span.end]
        if imp.alias is not None:
            m = re.search(r"\bas\s+(" + re.escape(imp.alias) + r")\s*$", text)
            if m:
                self.occ(info, imp.span.start + m.start(1), imp.alias, key, decl=True)
            return
        q = re.match(r'import\s+("(?:[^"\\\n]|\\.)*")', text)
        if q:
            start = imp.span.start + q.start(1)
            self.out.occs.append(Occ(info.path, start, start + len(q.group(1)), alias, key, True, True))

    def decl(self, info: ModuleInfo, d: A.Decl, consts: dict[str, Key]) -> None:
        if d.base is not None:
            self.type_name(info, d.base)
        env: list[dict[str, Key]] = [consts]
        if d.params:                  # templates (elsewhere an error of its own, still a declaration)
            params: dict[str, Key] = {}
            for p in d.params or ():
                if p.default is not None:
                    self.expr(info, p.default, env + [params])
                params[p.name] = self.declare(info, p, "param", p.name, _name_at(info, p.span, p.name), d.params)
            env = env + [params]
        self.body(info, d.body, env + [{}], self.mscope(info.path, d.body, None), d)

    def mscope(self, path: str, body: tuple, parent: _MScope | None) -> _MScope:
        names = {s.name: self.key(s) for s in N.declared_names(body) if not isinstance(s, A.Let)}
        return _MScope(names, parent, path, body)

    # ------------------------------------------------------------ statements
    def body(self, info: ModuleInfo, body: tuple, env: list[dict], ms: _MScope, owner: Any) -> None:
        for s in body:
            self.stmt(info, s, env, ms, owner)

    def stmt(self, info: ModuleInfo, s: Any, env: list[dict], ms: _MScope, owner: Any) -> None:
        handler = _STATEMENTS.get(type(s))
        if handler is not None:
            getattr(self, handler)(info, s, env, ms, owner)

    def let_(self, info: ModuleInfo, s: A.Let, env: list[dict], ms: _MScope, owner: Any) -> None:
        self.expr(info, s.value, env)
        at = _after_word(info.source.text, s.span, "let", s.name)
        env[-1][s.name] = self.declare(info, s, "let", s.name, at, env[-1])

    def member_(self, info: ModuleInfo, s: A.Member, env: list[dict], ms: _MScope, owner: Any) -> None:
        self.member(info, s, env, ms)

    def group_(self, info: ModuleInfo, s: A.Group, env: list[dict], ms: _MScope, owner: Any) -> None:
        self.declare(info, s, "group", s.name, _name_at(info, s.span, s.name), ms.names)
        self.exprs(info, s.dims, env)
        self.body(info, s.body, env + [{}], self.mscope(info.path, s.body, ms), owner)

    def for_(self, info: ModuleInfo, s: A.For, env: list[dict], ms: _MScope, owner: Any) -> None:
        self.expr(info, s.iter, env)
        frame: dict[str, Key] = {}
        frame[s.var] = self.declare(info, s, "var", s.var, _after_word(info.source.text, s.span, "for", s.var), frame)
        self.body(info, s.body, env + [frame], ms, owner)

    def if_(self, info: ModuleInfo, s: A.If, env: list[dict], ms: _MScope, owner: Any) -> None:
        self.expr(info, s.cond, env)
        self.branches(info, s, env, ms, owner)

    def connect_(self, info: ModuleInfo, s: A.Connect, env: list[dict], ms: _MScope, owner: Any) -> None:
        pat: dict[str, Key] = {}
        self.ref(info, s, s.a, env, pat, ms)
        self.ref(info, s, s.b, env, pat, ms)
        for o in s.options:
            if o.name == "medium" and isinstance(o.value, A.Name):
                self.type_name(info, o.value)
            else:
                self.exprs(info, (o.value,), env)

    def place_(self, info: ModuleInfo, s: A.Place, env: list[dict], ms: _MScope, owner: Any) -> None:
        pat: dict[str, Key] = {}
        self.ref(info, s, s.what, env, pat, ms)
        self.ref(info, s, s.where, env, pat, ms)
        self.exprs(info, (s.at,), env + [pat])

    def require_(self, info: ModuleInfo, s: A.Require, env: list[dict], ms: _MScope, owner: Any) -> None:
        for ra in s.args:
            for r in (ra.ref,) + ((ra.other,) if ra.other is not None else ()):
                self.selector(info, s, r, env, ms)
        self.exprs(info, (s.bound,), env)

    def memory_(self, info: ModuleInfo, s: A.Memory, env: list[dict], ms: _MScope, owner: Any) -> None:
        for r in s.over:
            self.selector(info, s, r, env, ms)
        self.exprs(info, (s.width, s.align), env)

    def mgmt_(self, info: ModuleInfo, s: A.Mgmt, env: list[dict], ms: _MScope, owner: Any) -> None:
        pat: dict[str, Key] = {}
        self.ref(info, s, s.target, env, pat, ms)
        if isinstance(s.value, A.Str) and s.value.span is not None:
            self.interpolations(info, s.value, env + [pat])
        else:
            self.expr(info, s.value, env + [pat])

    def decl_(self, info: ModuleInfo, s: A.Decl, env: list[dict], ms: _MScope, owner: Any) -> None:
        """A declaration inside a body: a hall in the center."""
        self.declare(info, s, "hall" if s.kind == "hall" else "decl", s.name,
                     s.name_span.start if s.name_span else None, ms.names)
        self.body(info, s.body, env, self.mscope(info.path, s.body, None), s)

    def row_(self, info: ModuleInfo, s: A.RowDecl, env: list[dict], ms: _MScope, owner: Any) -> None:
        self.declare(info, s, "row", s.name, _after_word(info.source.text, s.span, "row", s.name), ms.names)
        self.exprs(info, (s.slots, s.pitch, s.at), env)

    def port_(self, info: ModuleInfo, s: A.PortDecl, env: list[dict], ms: _MScope, owner: Any) -> None:
        self.declare(info, s, "port", s.name, _after_word(info.source.text, s.span, "port", s.name), owner)
        self.exprs(info, (s.count, s.rate, s.lanes), env)

    def field_(self, info: ModuleInfo, s: A.Field, env: list[dict], ms: _MScope, owner: Any) -> None:
        self.expr(info, s.value, env)

    def param_(self, info: ModuleInfo, s: A.Param, env: list[dict], ms: _MScope, owner: Any) -> None:
        self.exprs(info, (s.default,), env)          # a parameter in a body (an error of its own)

    def branches(self, info: ModuleInfo, s: A.If, env: list[dict], ms: _MScope, owner: Any) -> None:
        """`if` bodies share the enclosing frame: a `let` in one branch is seen after the
        `if`, so a name read there may mean either branch's (or the earlier) declaration."""
        frames = []
        for body in (s.then, s.orelse):
            frame = dict(env[-1])
            self.body(info, body, env[:-1] + [frame], ms, owner)
            frames.append(frame)
        for name in set(frames[0]) | set(frames[1]):
            seen = {f.get(name) for f in frames} - {None}
            if len(seen) < 2 and all(name in f for f in frames):
                env[-1][name] = seen.pop()
                continue
            keys: set = set()
            for k in seen | ({env[-1][name]} if name in env[-1] else set()):
                keys |= k if isinstance(k, frozenset) else {k}
            env[-1][name] = frozenset(keys) if len(keys) > 1 else keys.pop()

    def member(self, info: ModuleInfo, m: A.Member, env: list[dict], ms: _MScope) -> None:
        self.declare(info, m, "member", m.name, _name_at(info, m.span, m.name), ms.names)
        self.type_name(info, m.type)
        _, tdecl, _ = lookup_decl(self.prog, info, m.type)
        params = {p.name: p for p in (tdecl.params or ())} if tdecl is not None else {}
        for a in m.args:
            p = params.get(a.name)
            if a.span is not None:
                self.occ(info, a.span.start, a.name, self.key(p) if p is not None else None)
            self.expr(info, a.value, env)
        self.exprs(info, m.dims, env)

    def interpolations(self, info: ModuleInfo, s: A.Str, env: list[dict]) -> None:
        """`{name}` in a management address literal reads a name of the scope."""
        assert s.span is not None
        raw = info.source.text[s.span.start:s.span.end]
        for m in _INTERP.finditer(raw):
            self.occ(info, s.span.start + m.start(1), m.group(1), _lookup(env, m.group(1)))

    # ------------------------------------------------------------ expressions
    def exprs(self, info: ModuleInfo, es: tuple, env: list[dict]) -> None:
        for e in es:
            if e is not None:
                self.expr(info, e, env)

    def expr(self, info: ModuleInfo, e: Any, env: list[dict]) -> None:
        t = type(e)
        if t is A.Name:
            if len(e.parts) == 1 and e.span is not None:
                self.occ(info, e.span.start, e.parts[0], _lookup(env, e.parts[0]))
        elif t is A.BinOp:
            self.expr(info, e.left, env)
            self.expr(info, e.right, env)
        elif t is A.Unary:
            self.expr(info, e.operand, env)
        elif t is A.Call:
            for a in e.args:
                self.expr(info, a, env)
        elif t is A.Str and e.span is not None:      # a `let` may hold a management address
            raw = info.source.text[e.span.start:e.span.end]
            self.out.loose += [Occ(info.path, e.span.start + m.start(1), e.span.start + m.end(1), m.group(1), None)
                               for m in _INTERP.finditer(raw)]

    def type_name(self, info: ModuleInfo, name: A.Name) -> None:
        """`huawei.Ascend910C`: the alias (in each module along the way) and the declaration."""
        if name.span is None:
            return
        starts = [m.start() for m in IDENT.finditer(info.source.text, name.span.start, name.span.end)]
        if len(starts) != len(name.parts):
            return
        mod: ModuleInfo | None = info
        for part, start in zip(name.parts[:-1], starts[:-1]):
            imp = _import_named(mod, part) if mod is not None else None
            self.occ(info, start, part, self.key(imp) if imp is not None else None)
            mod = self.prog.modules.get(mod.imports.get(part, "")) if mod is not None else None
        decl = mod.decls.get(name.parts[-1]) if mod is not None else None
        self.occ(info, starts[-1], name.parts[-1], self.key(decl) if decl is not None else None)

    # ------------------------------------------------------------ references
    def ref(self, info: ModuleInfo, stmt: Any, r: A.Ref, env: list[dict], pat: dict[str, Key], ms: _MScope) -> None:
        target = ms.find(r.segs[0].name)
        self.segments(info, stmt, r, target, env, pat)

    def selector(self, info: ModuleInfo, stmt: Any, r: A.Ref, env: list[dict], ms: _MScope) -> None:
        first = r.segs[0]
        if ms.find(first.name) is not None or first.indices:
            self.segments(info, stmt, r, ms.find(first.name), env, {})
            return
        found: list[tuple[Key, Any]] = []
        if first.name not in ("rack", "racks"):
            self.roles(ms.path, ms.body, first.name, found, 0)
        keys = frozenset(k for k, _ in found)
        if first.span is not None:
            self.occ(info, first.span.start, first.name, keys if len(keys) > 1 else next(iter(keys), None))
        if len(r.segs) > 1 and r.segs[1].span is not None:
            port = self.port_of(found[-1][1], r.segs[1].name) if found else None
            self.occ(info, r.segs[1].span.start, r.segs[1].name, port)

    def roles(self, path: str, body: tuple, role: str, out: list, depth: int) -> None:
        """Part members named `role` here and inside the templates and groups here."""
        if depth > 32:
            return
        for node in N.declared_names(body):
            if isinstance(node, A.Member):
                typ = self.type_of(path, node)
                if typ is None:
                    continue
                if typ[1].kind in A.PART_KINDS and typ[1].kind != "rack":
                    if node.name == role:
                        out.append((self.key(node), typ))
                elif typ[1].kind in A.TEMPLATE_KINDS:
                    self.roles(typ[0].path, typ[1].body, role, out, depth + 1)
            elif isinstance(node, A.Group):
                self.roles(path, node.body, role, out, depth + 1)

    def segments(self, info: ModuleInfo, stmt: Any, r: A.Ref, target: Key, env: list[dict], pat: dict[str, Key]) -> None:
        for i, seg in enumerate(r.segs):
            if i > 0:
                target = self.step(target, seg.name)
            if seg.span is not None:
                self.occ(info, seg.span.start, seg.name, target)
            for ix in seg.indices:
                self.index(info, stmt, ix, env, pat)

    def index(self, info: ModuleInfo, stmt: Any, ix: Any, env: list[dict], pat: dict[str, Key]) -> None:
        if isinstance(ix, A.Star):
            return
        if type(ix) is A.Name and len(ix.parts) == 1 and ix.span is not None:
            name = ix.parts[0]
            if name not in pat and _lookup(env, name) is None:      # a pattern variable starts here
                key = ("v", info.path, self.key(stmt)[2] if self.key(stmt) else -1, len(pat))
                pat[name] = self.declare(info, ix, "pattern", name, ix.span.start, pat, key)
                return
        self.expr(info, ix, env + [pat])

    def step(self, key: Key, name: str) -> Key:
        node, path = self.nodes.get(key, (None, "")) if not isinstance(key, frozenset) else (None, "")
        if isinstance(node, A.Group) or (isinstance(node, A.Decl) and node.kind == "hall"):
            found = N._declared_in(node.body, name)
            return self.key(found) if found is not None and not isinstance(found, A.Let) else None
        if not isinstance(node, A.Member):
            return None
        typ = self.type_of(path, node)
        if typ is None:
            return None
        if typ[1].kind in A.PART_KINDS:
            return self.port_of(typ, name)
        found = N._declared_in(typ[1].body, name)
        return self.key(found) if found is not None and not isinstance(found, A.Let) else None

    def type_of(self, path: str, m: A.Member) -> tuple[ModuleInfo, A.Decl] | None:
        info = self.prog.modules.get(path)
        if info is None:
            return None
        mod, decl, _ = lookup_decl(self.prog, info, m.type)
        return (mod, decl) if mod is not None and decl is not None else None

    def port_of(self, typ: tuple[ModuleInfo, A.Decl], name: str) -> Key:
        mod, decl = typ
        if decl.kind not in A.PART_KINDS:
            return None
        port = next((p for _m, p, _o in N.ports_of(self.prog, mod, decl) if p.name == name), None)
        return self.key(port) if port is not None else None


_STATEMENTS = {A.Let: "let_", A.Member: "member_", A.Group: "group_", A.For: "for_", A.If: "if_",
               A.Connect: "connect_", A.Place: "place_", A.Require: "require_", A.Memory: "memory_",
               A.Mgmt: "mgmt_", A.Decl: "decl_", A.RowDecl: "row_", A.PortDecl: "port_", A.Field: "field_",
               A.Param: "param_"}


# ---------------------------------------------------------------- helpers
def _walk(node: Any) -> Iterator[Any]:
    """Every node of a tree, in source order (the numbering behind the keys)."""
    yield node
    for c in N.children(node):
        yield from _walk(c)


def _lookup(env: list[dict], name: str) -> Key:
    for frame in reversed(env):
        if name in frame:
            return frame[name]
    return None


def _import_named(mod: ModuleInfo, alias: str) -> A.Import | None:
    return next((s for s in mod.ast.body if isinstance(s, A.Import)
                 and (s.alias or module_name(s.path)) == alias), None)


def _name_at(info: ModuleInfo, span: Any, name: str) -> int | None:
    """The offset of `name` where a statement starts with it (`npu: ...`, `nodes = 48`)."""
    if span is None:
        return None
    return span.start if info.source.text.startswith(name, span.start) else None


def _after_word(text: str, span: Any, word: str, name: str) -> int | None:
    """The offset of `name` after the keyword that starts a statement (`let x`, `port ub`)."""
    if span is None:
        return None
    m = re.compile(re.escape(word) + r"[ \t\f]+(" + re.escape(name) + r")\b").match(text, span.start)
    return m.start(1) if m else None
