"""Frozen AST of a `.sn` module (layer 2).

Spans are excluded from equality, so two parses of differently formatted text
compare equal when they mean the same thing (the formatter's property).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from fractions import Fraction
from typing import Any, TypeVar, Union

from ..source import Span

def _nospan() -> Any:
    return field(default=None, compare=False, repr=False)


class Node:
    """Equality, hash and repr of every AST node over its compared fields (spans
    excluded): what `dataclass` would generate, written once instead of compiled for
    each of the thirty classes at import (half the module's import time)."""

    __slots__ = ()
    _compared: tuple[str, ...] = ()
    _shown: tuple[str, ...] = ()

    def _key(self) -> tuple:
        return tuple([getattr(self, n) for n in self._compared])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"{self.__class__.__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self._shown)})"


_C = TypeVar("_C", bound=type)


def node(cls: _C) -> _C:
    """A frozen dataclass whose equality, hash and repr come from `Node`."""
    if cls.__doc__ is None:
        cls.__doc__ = cls.__name__          # dataclass would compute a signature for it
    dc: Any = dataclass(frozen=True, eq=False, repr=False)(cls)
    dc._compared = tuple(f.name for f in fields(dc) if f.compare)
    dc._shown = tuple(f.name for f in fields(dc) if f.repr)
    return dc


# ---------------------------------------------------------------- expressions
@node
class Num(Node):
    value: Fraction
    unit: str | None = None
    text: str = ""                     # the number as written (formatter)
    span: Span | None = _nospan()


@node
class Ratio(Node):
    left: Fraction
    right: Fraction
    text: str = ""
    span: Span | None = _nospan()


@node
class Str(Node):
    value: str
    span: Span | None = _nospan()


@node
class Bool(Node):
    value: bool
    span: Span | None = _nospan()


@node
class Name(Node):
    parts: tuple[str, ...]             # ("huawei", "Ascend910C") or ("nodes",)
    span: Span | None = _nospan()

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@node
class Call(Node):
    func: str
    args: tuple["Expr", ...]
    span: Span | None = _nospan()


@node
class BinOp(Node):
    op: str                            # + - * / % < <= > >= == != and or ..
    left: "Expr"
    right: "Expr"
    span: Span | None = _nospan()


@node
class Unary(Node):
    op: str                            # - + not
    operand: "Expr"
    span: Span | None = _nospan()


Expr = Union[Num, Ratio, Str, Bool, Name, Call, BinOp, Unary]


# ---------------------------------------------------------------- references
@node
class Star(Node):
    span: Span | None = _nospan()


@node
class Seg(Node):
    name: str
    indices: tuple[Union[Expr, Star], ...] = ()
    span: Span | None = _nospan()


@node
class Ref(Node):
    segs: tuple[Seg, ...]
    span: Span | None = _nospan()


# ---------------------------------------------------------------- statements
@node
class Import(Node):
    path: str
    alias: str | None = None
    doc: str = ""
    span: Span | None = _nospan()


@node
class Param(Node):
    name: str
    default: Expr | None = None
    doc: str = ""
    span: Span | None = _nospan()


@node
class Let(Node):
    name: str
    value: Expr
    doc: str = ""
    span: Span | None = _nospan()


@node
class Field(Node):
    name: str
    value: Expr
    doc: str = ""
    span: Span | None = _nospan()


@node
class PortDecl(Node):
    name: str
    count: Expr | None                 # None: one port
    protocol: str
    rate: Expr
    lanes: Expr | None = None
    form: str | None = None
    required: bool = False
    doc: str = ""
    span: Span | None = _nospan()


@node
class Arg(Node):
    name: str
    value: Expr
    span: Span | None = _nospan()


@node
class Member(Node):
    """`npu: huawei.Ascend910C[8]` or `server: Server(npus = 8)[nodes]`."""

    name: str
    type: Name
    args: tuple[Arg, ...] = ()
    dims: tuple[Expr, ...] = ()
    doc: str = ""
    span: Span | None = _nospan()


@node
class Group(Node):
    """`plane[7] { ... }`: an array of anonymous scopes."""

    name: str
    dims: tuple[Expr, ...]
    body: tuple["Stmt", ...]
    doc: str = ""
    span: Span | None = _nospan()


@node
class Option(Node):
    name: str                          # medium auto parallel lanes bundle split stripe
    value: Union[Expr, None] = None
    span: Span | None = _nospan()


@node
class Connect(Node):
    a: Ref
    arrow: str
    b: Ref
    options: tuple[Option, ...] = ()
    doc: str = ""
    span: Span | None = _nospan()


@node
class For(Node):
    var: str
    iter: Expr
    body: tuple["Stmt", ...]
    doc: str = ""
    span: Span | None = _nospan()


@node
class If(Node):
    cond: Expr
    then: tuple["Stmt", ...]
    orelse: tuple["Stmt", ...] = ()
    doc: str = ""
    span: Span | None = _nospan()


@node
class Place(Node):
    what: Ref
    where: Ref
    at: Expr | None = None
    doc: str = ""
    span: Span | None = _nospan()


@node
class RowDecl(Node):
    name: str
    slots: Expr
    pitch: Expr | None = None
    at: Expr | None = None
    doc: str = ""
    span: Span | None = _nospan()


@node
class Memory(Node):
    over: tuple[Ref, ...]
    width: Expr | None = None
    align: Expr | None = None
    doc: str = ""
    span: Span | None = _nospan()


@node
class RArg(Node):
    ref: Ref
    other: Ref | None = None           # `l1.up : l1.down`
    span: Span | None = _nospan()


@node
class Require(Node):
    func: str
    args: tuple[RArg, ...]
    op: str | None = None
    bound: Expr | None = None
    doc: str = ""
    span: Span | None = _nospan()


@node
class Mgmt(Node):
    target: Ref
    value: Expr
    doc: str = ""
    span: Span | None = _nospan()


PART_KINDS = ("accelerator", "cpu", "switch", "nic", "server", "optic", "cable",
              "rack", "power_shelf", "cooling", "device")
TEMPLATE_KINDS = ("node", "supernode", "fabric", "pod")
DECL_KINDS = PART_KINDS + TEMPLATE_KINDS + ("center", "hall")


@node
class Decl(Node):
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


@node
class Module(Node):
    path: str
    body: tuple[Stmt, ...]
    comments: tuple[tuple[int, str], ...] = field(default=(), compare=False, repr=False)
    span: Span | None = _nospan()
