"""Frozen AST of a `.sn` module (layer 2).

Spans are excluded from equality, so two parses of differently formatted text
compare equal when they mean the same thing (the formatter's property).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Union

from ..source import Span

def _nospan() -> Any:
    return field(default=None, compare=False, repr=False)


# ---------------------------------------------------------------- expressions
@dataclass(frozen=True)
class Num:
    value: Fraction
    unit: str | None = None
    text: str = ""                     # the number as written (formatter)
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Ratio:
    left: Fraction
    right: Fraction
    text: str = ""
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Str:
    value: str
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Bool:
    value: bool
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Name:
    parts: tuple[str, ...]             # ("huawei", "Ascend910C") or ("nodes",)
    span: Span | None = _nospan()

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple["Expr", ...]
    span: Span | None = _nospan()


@dataclass(frozen=True)
class BinOp:
    op: str                            # + - * / % < <= > >= == != and or ..
    left: "Expr"
    right: "Expr"
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Unary:
    op: str                            # - + not
    operand: "Expr"
    span: Span | None = _nospan()


Expr = Union[Num, Ratio, Str, Bool, Name, Call, BinOp, Unary]


# ---------------------------------------------------------------- references
@dataclass(frozen=True)
class Star:
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Seg:
    name: str
    indices: tuple[Union[Expr, Star], ...] = ()
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Ref:
    segs: tuple[Seg, ...]
    span: Span | None = _nospan()


# ---------------------------------------------------------------- statements
@dataclass(frozen=True)
class Import:
    path: str
    alias: str | None = None
    doc: str = ""
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Param:
    name: str
    default: Expr | None = None
    doc: str = ""
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Let:
    name: str
    value: Expr
    doc: str = ""
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Field:
    name: str
    value: Expr
    doc: str = ""
    span: Span | None = _nospan()


@dataclass(frozen=True)
class PortDecl:
    name: str
    count: Expr | None                 # None: one port
    protocol: str
    rate: Expr
    lanes: Expr | None = None
    form: str | None = None
    required: bool = False
    doc: str = ""
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Arg:
    name: str
    value: Expr
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Member:
    """`npu: huawei.Ascend910C[8]` or `server: Server(npus = 8)[nodes]`."""

    name: str
    type: Name
    args: tuple[Arg, ...] = ()
    dims: tuple[Expr, ...] = ()
    doc: str = ""
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Group:
    """`plane[7] { ... }`: an array of anonymous scopes."""

    name: str
    dims: tuple[Expr, ...]
    body: tuple["Stmt", ...]
    doc: str = ""
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Option:
    name: str                          # medium auto parallel lanes bundle split stripe
    value: Union[Expr, None] = None
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Connect:
    a: Ref
    arrow: str
    b: Ref
    options: tuple[Option, ...] = ()
    doc: str = ""
    span: Span | None = _nospan()


@dataclass(frozen=True)
class For:
    var: str
    iter: Expr
    body: tuple["Stmt", ...]
    doc: str = ""
    span: Span | None = _nospan()


@dataclass(frozen=True)
class If:
    cond: Expr
    then: tuple["Stmt", ...]
    orelse: tuple["Stmt", ...] = ()
    doc: str = ""
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Place:
    what: Ref
    where: Ref
    at: Expr | None = None
    doc: str = ""
    span: Span | None = _nospan()


@dataclass(frozen=True)
class RowDecl:
    name: str
    slots: Expr
    pitch: Expr | None = None
    at: Expr | None = None
    doc: str = ""
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Memory:
    over: tuple[Ref, ...]
    width: Expr | None = None
    align: Expr | None = None
    doc: str = ""
    span: Span | None = _nospan()


@dataclass(frozen=True)
class RArg:
    ref: Ref
    other: Ref | None = None           # `l1.up : l1.down`
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Require:
    func: str
    args: tuple[RArg, ...]
    op: str | None = None
    bound: Expr | None = None
    doc: str = ""
    span: Span | None = _nospan()


@dataclass(frozen=True)
class Mgmt:
    target: Ref
    value: Expr
    doc: str = ""
    span: Span | None = _nospan()


PART_KINDS = ("accelerator", "cpu", "switch", "nic", "server", "optic", "cable",
              "rack", "power_shelf", "cooling", "device")
TEMPLATE_KINDS = ("node", "supernode", "fabric", "pod")
DECL_KINDS = PART_KINDS + TEMPLATE_KINDS + ("center", "hall")


@dataclass(frozen=True)
class Decl:
    """A block declaration: a part, a template, a center or a hall."""

    kind: str                          # one of DECL_KINDS
    name: str
    body: tuple["Stmt", ...]
    params: tuple[Param, ...] | None = None   # templates: `(nodes = 48)`
    base: Name | None = None           # parts: `extends optics.OSFP800_DR8`
    doc: str = ""
    span: Span | None = _nospan()
    name_span: Span | None = _nospan()


Stmt = Union[Import, Param, Let, Field, PortDecl, Member, Group, Connect, For, If,
             Place, RowDecl, Memory, Require, Mgmt, Decl]


@dataclass(frozen=True)
class Module:
    path: str
    body: tuple[Stmt, ...]
    comments: tuple[tuple[int, str], ...] = field(default=(), compare=False, repr=False)
    span: Span | None = _nospan()
