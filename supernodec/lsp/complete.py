"""Completion and the document outline (language server, layer 8).

Completion reads the text before the cursor, so it also works while the line
being typed does not parse (`npu: huawei.` is not a statement yet): after
`alias.` it offers the parts and templates of that module, after `ref.` the
port groups of a part or the members of a template, elsewhere the keywords
and the names in scope. Scopes come from the last AST of the document that
parsed.
"""

from __future__ import annotations

import re
from typing import Any

from lsprotocol import types as T

from ..catalog import allowed_fields
from ..resolve import ModuleInfo, Program
from ..source import SourceFile
from ..syntax import ast as A
from ..syntax.printer import expr, header, simple_stmt
from . import navigate as N
from .positions import Codec

KEYWORDS = ("import", "as", "param", "let", "port", "connect", "medium", "auto", "parallel", "lanes",
            "bundle", "split", "stripe", "for", "in", "if", "else", "place", "at", "row", "pitch",
            "unified", "memory", "over", "width", "align", "require", "mgmt", "extends", "form",
            "required", "true", "false", "not", "and", "or") + A.DECL_KINDS
REQUIRE_FUNCS = ("latency", "bandwidth", "oversubscription", "bisection", "power", "redundant", "hops")
_CHAIN = re.compile(r"((?:[A-Za-z_]\w*(?:\[[^\[\]\n]*\])*\s*\.\s*)+)(\w*)$")
_SEG = re.compile(r"([A-Za-z_]\w*)(?:\[[^\[\]\n]*\])*\s*\.")
_KIND = {"decl": T.CompletionItemKind.Class, "param": T.CompletionItemKind.Variable,
         "let": T.CompletionItemKind.Constant, "member": T.CompletionItemKind.Field,
         "group": T.CompletionItemKind.Struct, "port": T.CompletionItemKind.Interface,
         "row": T.CompletionItemKind.EnumMember, "var": T.CompletionItemKind.Variable,
         "module": T.CompletionItemKind.Module, "field": T.CompletionItemKind.Property}


def completions(prog: Program | None, info: ModuleInfo | None, module: A.Module | None,
                text: str, offset: int) -> list[T.CompletionItem]:
    """Completion items at `offset` of `text` (the editor's current buffer)."""
    line_start = text.rfind("\n", 0, offset) + 1
    prefix = text[line_start:offset]
    if _in_comment_or_string(prefix):
        return []
    path = N.path_at(module, min(offset, module.span.end if module.span else offset)) if module else []
    m = _CHAIN.search(prefix)
    if m and prog is not None and info is not None:
        names = _SEG.findall(m.group(1))
        return _after_dot(prog, info, path, names)
    return _in_scope(prog, info, module, path)


def _in_comment_or_string(prefix: str) -> bool:
    quoted = False
    for i, ch in enumerate(prefix):
        if ch == '"' and (i == 0 or prefix[i - 1] != "\\"):
            quoted = not quoted
        elif not quoted and prefix.startswith("//", i):
            return True
    return quoted


def _after_dot(prog: Program, info: ModuleInfo, path: list[Any], names: list[str]) -> list[T.CompletionItem]:
    if len(names) == 1 and names[0] in info.imports and info.imports[names[0]] in prog.modules:
        mod = prog.modules[info.imports[names[0]]]
        return [_decl_item(d) for d in sorted(mod.decls.values(), key=lambda d: d.name)]
    target = N.resolve_ref(prog, info, path, names)
    if target is None:
        return []
    return [_target_item(t) for t in N.members_of(prog, target)]


def _decl_item(d: A.Decl) -> T.CompletionItem:
    desc = next((expr_text(s) for s in d.body if isinstance(s, A.Field) and s.name == "description"), "")
    return T.CompletionItem(
        label=d.name, kind=T.CompletionItemKind.Class if d.kind in A.PART_KINDS else T.CompletionItemKind.Module,
        detail=d.kind + (f" — {desc}" if desc else ""),
        documentation=T.MarkupContent(kind=T.MarkupKind.Markdown, value=d.doc) if d.doc else None)


def expr_text(f: A.Field) -> str:
    return f.value.value if isinstance(f.value, A.Str) else ""


def _target_item(t: N.Target) -> T.CompletionItem:
    node = t.node
    if isinstance(node, (A.Decl, A.Group)):
        detail = header(node)[:-2]
    elif isinstance(node, A.For):
        detail = f"for {node.var}"
    else:
        detail = simple_stmt(node)
    doc = getattr(node, "doc", "")
    return T.CompletionItem(label=t.name, kind=_KIND.get(t.kind, T.CompletionItemKind.Text), detail=detail,
                            documentation=T.MarkupContent(kind=T.MarkupKind.Markdown, value=doc) if doc else None)


def _in_scope(prog: Program | None, info: ModuleInfo | None, module: A.Module | None,
              path: list[Any]) -> list[T.CompletionItem]:
    items: dict[str, T.CompletionItem] = {}
    decl = N.enclosing_decl(path)
    if decl is not None and decl.kind in A.PART_KINDS:
        for f in allowed_fields(decl.kind):
            items[f] = T.CompletionItem(label=f, kind=T.CompletionItemKind.Property, detail=f"field of a {decl.kind}")
    if info is not None:
        for t in _scope_targets(info, path):
            items.setdefault(t.name, _target_item(t))
        for alias in info.imports:
            items.setdefault(alias, T.CompletionItem(label=alias, kind=T.CompletionItemKind.Module,
                                                     detail=f"module {info.imports[alias]}"))
    for f in REQUIRE_FUNCS:
        items.setdefault(f, T.CompletionItem(label=f, kind=T.CompletionItemKind.Function, detail="requirement"))
    for k in KEYWORDS:
        items.setdefault(k, T.CompletionItem(label=k, kind=T.CompletionItemKind.Keyword))
    return list(items.values())


def _scope_targets(info: ModuleInfo, path: list[Any]) -> list[N.Target]:
    out: list[N.Target] = []
    for node in reversed(path):
        if isinstance(node, A.For):
            out.append(N.Target("var", node.var, node, info, node.span))
        if isinstance(node, A.Decl) and node.params:
            out += [N.Target("param", p.name, p, info, p.span, node) for p in node.params]
        body = node.body if isinstance(node, (A.Decl, A.Group, A.For)) else None
        if body is not None:
            out += [N.Target(_kind(s), s.name, s, info, s.span) for s in N.declared_names(body)]
    out += [N.Target("let", n, s, info, s.span) for n, s in info.lets.items()]
    out += [N.Target("param", n, s, info, s.span) for n, s in info.params.items()]
    out += [N.Target("decl", n, d, info, d.name_span) for n, d in info.decls.items()]
    return out


def _kind(s: Any) -> str:
    return {A.Member: "member", A.Group: "group", A.Decl: "decl", A.RowDecl: "row", A.Let: "let"}[type(s)]


# ---------------------------------------------------------------- outline
_SYMBOL = {"switch": T.SymbolKind.Class, "node": T.SymbolKind.Module, "supernode": T.SymbolKind.Module,
           "fabric": T.SymbolKind.Module, "pod": T.SymbolKind.Module, "center": T.SymbolKind.Namespace,
           "hall": T.SymbolKind.Namespace}


def document_symbols(module: A.Module, src: SourceFile, codec: Codec) -> list[T.DocumentSymbol]:
    """The outline: declarations with their parameters, members, groups, ports, fields and rows."""
    return [s for s in (_symbol(n, src, codec) for n in module.body) if s is not None]


def _symbol(n: Any, src: SourceFile, codec: Codec) -> T.DocumentSymbol | None:
    if n.span is None:
        return None
    rng = codec.range(src, n.span)
    if isinstance(n, A.Decl):
        kids = [_symbol(p, src, codec) for p in (n.params or ())] + [_symbol(s, src, codec) for s in _flat(n.body)]
        sel = codec.range(src, n.name_span) if n.name_span else rng
        return T.DocumentSymbol(name=n.name, detail=n.kind, kind=_SYMBOL.get(n.kind, T.SymbolKind.Class),
                                range=rng, selection_range=sel, children=[k for k in kids if k is not None])
    if isinstance(n, A.Group):
        kids = [_symbol(s, src, codec) for s in _flat(n.body)]
        return T.DocumentSymbol(name=n.name, detail=header(n)[:-2], kind=T.SymbolKind.Array, range=rng,
                                selection_range=rng, children=[k for k in kids if k is not None])
    kind = {A.Member: T.SymbolKind.Field, A.PortDecl: T.SymbolKind.Interface, A.Field: T.SymbolKind.Property,
            A.Param: T.SymbolKind.Variable, A.Let: T.SymbolKind.Constant, A.RowDecl: T.SymbolKind.Array,
            A.Import: T.SymbolKind.Package}.get(type(n))
    if kind is None:
        return None
    name = n.alias or n.path if isinstance(n, A.Import) else n.name
    if isinstance(n, A.Param):
        detail = f"= {expr(n.default)}" if n.default is not None else "parameter"
    else:
        detail = simple_stmt(n)
    return T.DocumentSymbol(name=name, detail=detail, kind=kind, range=rng, selection_range=rng)


def _flat(body: tuple) -> list[Any]:
    """Statements of a body, looking through `for` and `if` blocks."""
    out: list[Any] = []
    for s in body:
        if isinstance(s, A.For):
            out += _flat(s.body)
        elif isinstance(s, A.If):
            out += _flat(s.then) + _flat(s.orelse)
        else:
            out.append(s)
    return out
