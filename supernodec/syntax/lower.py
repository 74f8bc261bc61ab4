"""Lowering: Lark parse events to the frozen AST (layer 3, Lark stays here).

Runs inline with the LALR parser (no parse tree is kept), which is faster and
uses less memory on large specs.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from lark import Token, Transformer, v_args

from .. import units
from ..diagnostics import DiagnosticError, error
from ..source import Span
from ..suggest import did_you_mean
from . import ast as A


def _span(path: str, meta: Any) -> Span | None:
    if getattr(meta, "empty", True):
        return None
    return Span(path, meta.start_pos, meta.end_pos, meta.line, meta.column,
                meta.end_line, meta.end_column)


def _tspan(path: str, tok: Token) -> Span:
    return Span(path, tok.start_pos or 0, tok.end_pos or 0, tok.line or 1,
                tok.column or 1, tok.end_line or 1, tok.end_column or 1)


def _body(items: list) -> tuple:
    return tuple(i for i in items if i is not None)


def _with_doc(node: Any, doc: str) -> Any:
    if doc and hasattr(node, "doc"):
        from dataclasses import replace
        return replace(node, doc=doc)
    return node


@v_args(meta=True)
class Lower(Transformer):
    """Each method builds one AST node; `path` names the file for spans."""

    def __init__(self, path: str = "<input>") -> None:
        super().__init__()
        self.path = path

    def sp(self, meta: Any) -> Span | None:
        return _span(self.path, meta)

    # structure
    def module(self, meta: Any, c: list) -> tuple:
        return _body(c)

    def block(self, meta: Any, c: list) -> tuple:
        return _body(c)

    def stmt(self, meta: Any, c: list) -> Any:
        if len(c) == 2:
            return _with_doc(c[1], c[0])
        return c[0]

    def doc(self, meta: Any, c: list) -> str:
        lines = [str(t)[3:].rstrip() for t in c if isinstance(t, Token) and t.type == "DOC"]
        strip = [ln[1:] if ln.startswith(" ") else ln for ln in lines]
        return "\n".join(strip)

    # declarations
    def import_decl(self, meta: Any, c: list) -> A.Import:
        alias = str(c[1]) if len(c) > 1 else None
        return A.Import(_unquote(c[0], self.path), alias, span=self.sp(meta))

    def param_decl(self, meta: Any, c: list) -> A.Param:
        return A.Param(str(c[0]), c[1], span=self.sp(meta))

    def let_decl(self, meta: Any, c: list) -> A.Let:
        return A.Let(str(c[0]), c[1], span=self.sp(meta))

    def block_decl(self, meta: Any, c: list) -> A.Decl:
        kind, name, rest = c[0], c[1], c[2:]
        if str(kind) not in A.DECL_KINDS:
            hint = did_you_mean(str(kind), A.DECL_KINDS)
            raise DiagnosticError(error(
                "SN0002", f"unknown declaration kind `{kind}`",
                _tspan(self.path, kind), label="expected a kind such as `switch`, `supernode` or `center`",
                hint=hint or "declaration kinds: " + ", ".join(A.DECL_KINDS)))
        params = base = None
        body: tuple = ()
        for r in rest:
            if isinstance(r, A.Name):
                base = r
            elif isinstance(r, list):
                params = tuple(r)
            else:
                body = r
        return A.Decl(str(kind), str(name), body, params, base, span=self.sp(meta),
                      name_span=_tspan(self.path, name))

    def extends(self, meta: Any, c: list) -> A.Name:
        return c[0]

    def params(self, meta: Any, c: list) -> list:
        return [p for p in c if p is not None]

    def param(self, meta: Any, c: list) -> A.Param:
        return A.Param(str(c[0]), c[1] if len(c) > 1 else None, span=self.sp(meta))

    def member_decl(self, meta: Any, c: list) -> A.Member:
        args: tuple = ()
        dims: tuple = ()
        for r in c[2:]:
            if isinstance(r, tuple) and r and isinstance(r[0], A.Arg):
                args = r
            elif isinstance(r, list):
                dims = tuple(r)
            elif isinstance(r, tuple):
                args = r
        return A.Member(str(c[0]), c[1], args, dims, span=self.sp(meta))

    def args(self, meta: Any, c: list) -> tuple:
        return tuple(a for a in c if a is not None)

    def arg(self, meta: Any, c: list) -> A.Arg:
        return A.Arg(str(c[0]), c[1], span=self.sp(meta))

    def dims(self, meta: Any, c: list) -> list:
        return list(c)

    def group_decl(self, meta: Any, c: list) -> A.Group:
        return A.Group(str(c[0]), tuple(c[1]), c[2], span=self.sp(meta))

    def port_decl(self, meta: Any, c: list) -> A.PortDecl:
        name = str(c[0])
        i = 1
        count = None
        if isinstance(c[1], list):
            count = c[1][0]
            if len(c[1]) > 1:
                raise DiagnosticError(error("SN0002", "a port group has one dimension",
                                            self.sp(meta), hint="write `port p[64]: ...`"))
            i = 2
        proto, rate = str(c[i]), c[i + 1]
        lanes = form = None
        required = False
        for o in c[i + 2:]:
            if o.name == "lanes":
                lanes = o.value
            elif o.name == "form":
                form = o.value
            elif o.name == "required":
                required = True
        return A.PortDecl(name, count, proto, rate, lanes, form, required, span=self.sp(meta))

    def opt_lanes(self, meta: Any, c: list) -> A.Option:
        return A.Option("lanes", c[0], span=self.sp(meta))

    def opt_form(self, meta: Any, c: list) -> A.Option:
        return A.Option("form", str(c[0]), span=self.sp(meta))  # type: ignore[arg-type]

    def opt_required(self, meta: Any, c: list) -> A.Option:
        return A.Option("required", None, span=self.sp(meta))

    def field_assign(self, meta: Any, c: list) -> A.Field:
        return A.Field(str(c[0]), c[1], span=self.sp(meta))

    def connect_stmt(self, meta: Any, c: list) -> A.Connect:
        return A.Connect(c[0], str(c[1]), c[2], tuple(c[3:]), span=self.sp(meta))

    def opt_medium(self, meta: Any, c: list) -> A.Option:
        return A.Option("medium", c[0], span=self.sp(meta))

    def opt_auto(self, meta: Any, c: list) -> A.Option:
        return A.Option("medium", None, span=self.sp(meta))

    def _opt(name: str):  # type: ignore[misc]
        def f(self: "Lower", meta: Any, c: list) -> A.Option:
            return A.Option(name, c[0] if c else None, span=self.sp(meta))
        return f

    opt_parallel = _opt("parallel")
    opt_bundle = _opt("bundle")
    opt_split = _opt("split")
    opt_stripe = _opt("stripe")
    opt_pitch = _opt("pitch")
    opt_at = _opt("at")
    opt_width = _opt("width")
    opt_align = _opt("align")

    def ref(self, meta: Any, c: list) -> A.Ref:
        return A.Ref(tuple(c), span=self.sp(meta))

    def seg(self, meta: Any, c: list) -> A.Seg:
        return A.Seg(str(c[0]), tuple(c[1:]), span=self.sp(meta))

    def index(self, meta: Any, c: list) -> Any:
        return c[0]

    def index_all(self, meta: Any, c: list) -> A.Star:
        return A.Star(span=self.sp(meta))

    def for_stmt(self, meta: Any, c: list) -> A.For:
        return A.For(str(c[0]), c[1], c[2], span=self.sp(meta))

    def if_stmt(self, meta: Any, c: list) -> A.If:
        orelse: tuple = ()
        if len(c) > 2:
            orelse = c[2] if isinstance(c[2], tuple) else (c[2],)
        return A.If(c[0], c[1], orelse, span=self.sp(meta))

    def place_stmt(self, meta: Any, c: list) -> A.Place:
        return A.Place(c[0], c[1], c[2] if len(c) > 2 else None, span=self.sp(meta))

    def row_decl(self, meta: Any, c: list) -> A.RowDecl:
        pitch = at = None
        for o in c[2:]:
            if o.name == "pitch":
                pitch = o.value
            else:
                at = o.value
        return A.RowDecl(str(c[0]), c[1], pitch, at, span=self.sp(meta))

    def memory_stmt(self, meta: Any, c: list) -> A.Memory:
        refs = tuple(r for r in c if isinstance(r, A.Ref))
        width = align = None
        for o in c:
            if isinstance(o, A.Option):
                if o.name == "width":
                    width = o.value
                else:
                    align = o.value
        return A.Memory(refs, width, align, span=self.sp(meta))

    def require_stmt(self, meta: Any, c: list) -> A.Require:
        func = str(c[0])
        rest = [x for x in c[1:] if x is not None]
        args = tuple(x for x in rest if isinstance(x, A.RArg))
        op = bound = None
        tail = [x for x in rest if not isinstance(x, A.RArg)]
        if tail:
            op, bound = str(tail[0]), tail[1]
        return A.Require(func, args, op, bound, span=self.sp(meta))

    def rarg(self, meta: Any, c: list) -> A.RArg:
        return A.RArg(c[0], c[1] if len(c) > 1 else None, span=self.sp(meta))

    def mgmt_stmt(self, meta: Any, c: list) -> A.Mgmt:
        return A.Mgmt(c[0], c[1], span=self.sp(meta))

    def qname(self, meta: Any, c: list) -> A.Name:
        return A.Name(tuple(str(t) for t in c), span=self.sp(meta))

    # expressions
    def expr(self, meta: Any, c: list) -> A.BinOp:
        return A.BinOp("..", c[0], c[1], span=self.sp(meta))

    def _chain(self, meta: Any, c: list, op: str | None = None) -> Any:
        left = c[0]
        i = 1
        while i < len(c):
            if op is None:
                o, right = str(c[i]), c[i + 1]
                i += 2
            else:
                o, right = op, c[i]
                i += 1
            left = A.BinOp(o, left, right, span=self.sp(meta))
        return left

    def or_expr(self, meta: Any, c: list) -> Any:
        return self._chain(meta, c, "or")

    def and_expr(self, meta: Any, c: list) -> Any:
        return self._chain(meta, c, "and")

    def compare(self, meta: Any, c: list) -> Any:
        return self._chain(meta, c)

    def sum(self, meta: Any, c: list) -> Any:
        return self._chain(meta, c)

    def product(self, meta: Any, c: list) -> Any:
        return self._chain(meta, c)

    def not_(self, meta: Any, c: list) -> A.Unary:
        return A.Unary("not", c[0], span=self.sp(meta))

    def neg(self, meta: Any, c: list) -> A.Unary:
        return A.Unary(str(c[0]), c[1], span=self.sp(meta))

    def number(self, meta: Any, c: list) -> A.Num:
        tok = c[0]
        try:
            value = units.parse_number(str(tok))
        except (ValueError, ZeroDivisionError, units.UnitError):
            raise DiagnosticError(error("SN0005", f"invalid number `{tok}`",
                                        _tspan(self.path, tok)))
        unit = str(c[1]) if len(c) > 1 else None
        return A.Num(value, unit, str(tok), span=self.sp(meta))

    def ratio(self, meta: Any, c: list) -> A.Ratio:
        left, right = str(c[0]).split(":")
        return A.Ratio(Fraction(left), Fraction(right), str(c[0]), span=self.sp(meta))

    def string(self, meta: Any, c: list) -> A.Str:
        return A.Str(_unquote(c[0], self.path), span=self.sp(meta))

    def true(self, meta: Any, c: list) -> A.Bool:
        return A.Bool(True, span=self.sp(meta))

    def false(self, meta: Any, c: list) -> A.Bool:
        return A.Bool(False, span=self.sp(meta))

    def call(self, meta: Any, c: list) -> A.Call:
        return A.Call(str(c[0]), tuple(a for a in c[1:] if a is not None), span=self.sp(meta))

    def name(self, meta: Any, c: list) -> A.Name:
        return c[0]


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(tok: Token, path: str) -> str:
    body = str(tok)[1:-1]
    out, i = [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt not in _ESCAPES:
                raise DiagnosticError(error(
                    "SN0004", f"unknown escape `\\{nxt}` in a string", _tspan(path, tok),
                    hint='use \\" \\\\ \\n or \\t'))
            out.append(_ESCAPES[nxt])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)
