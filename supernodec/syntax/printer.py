"""AST to canonical `.sn` text: the formatter's printer (layer 3).

`print_module(module, comments, source)` prints one statement per line with
2-space indentation, spaces around binary operators and `->`, numbers exactly
as written (`Num.text`) and units after a space. Parentheses are added where
precedence needs them (the AST keeps none), so `parse(print(m)) == m`.

Comments are not in the AST: the parser hands them over as (offset, text)
pairs. With the source text, each `//` comment is kept where it was: a comment
alone on its line goes before the statement that follows it (or at the end of
its block), a comment after code stays trailing on the line where that code
ends. Blank lines between statements are kept (at most one), never at the
start or end of a block. Doc comments (`///`) live in the AST (`doc`) and are
printed right before their statement, keeping single blank lines between doc
lines. Without the source text, comments go before the next statement and
top-level block declarations are separated by one blank line.
"""

from __future__ import annotations

import bisect
from typing import Any, Iterable, Sequence

from . import ast as A

INDENT = "  "

# precedence levels, lowest binds loosest (see grammar `?expr` .. `?atom`)
RANGE, OR, AND, NOT, CMP, SUM, PROD, UNARY, ATOM = range(9)
_CMP_OPS = {"<", "<=", ">", ">=", "==", "!="}
_BLOCKS = (A.Decl, A.Group, A.For, A.If)


def print_module(module: A.Module, comments: Sequence[tuple[int, str]] | None = None,
                 source: str | None = None) -> str:
    """Canonical text of `module`; `comments` default to `module.comments`."""
    p = _Printer(module.comments if comments is None else comments, source)
    p.body(module.body, 0, None, top=True)
    p.comments_before(0, None)
    text = "\n".join(line.rstrip() for line in p.aligned()).strip("\n")
    return text + "\n" if text else ""


# ---------------------------------------------------------------- expressions
def expr(e: Any, min_level: int = RANGE) -> str:
    """Text of an expression, parenthesised if it binds looser than `min_level`."""
    text, level = _expr(e)
    return f"({text})" if level < min_level else text


def _expr(e: Any) -> tuple[str, int]:
    if isinstance(e, A.Num):
        num = e.text or _fraction_text(e.value)
        return (f"{num} {e.unit}" if e.unit else num), ATOM
    if isinstance(e, A.Ratio):
        return (e.text or f"{_fraction_text(e.left)}:{_fraction_text(e.right)}"), ATOM
    if isinstance(e, A.Str):
        return quote(e.value), ATOM
    if isinstance(e, A.Bool):
        return ("true" if e.value else "false"), ATOM
    if isinstance(e, A.Name):
        return e.dotted, ATOM
    if isinstance(e, A.Call):
        return f"{e.func}({', '.join(expr(a) for a in e.args)})", ATOM
    if isinstance(e, A.Unary):
        return _unary(e)
    if isinstance(e, A.BinOp):
        return _binop(e)
    raise TypeError(f"not an expression: {type(e).__name__}")


def _unary(e: A.Unary) -> tuple[str, int]:
    if e.op == "not":
        return f"not {expr(e.operand, NOT)}", NOT
    inner = expr(e.operand, UNARY)
    sep = " " if inner[:1] in "+-" else ""
    return f"{e.op}{sep}{inner}", UNARY


def _binop(e: A.BinOp) -> tuple[str, int]:
    if e.op == "..":
        return f"{expr(e.left, OR)}..{expr(e.right, OR)}", RANGE
    if e.op == "or":
        level, right = OR, AND
    elif e.op == "and":
        level, right = AND, NOT
    elif e.op in _CMP_OPS:
        return f"{expr(e.left, SUM)} {e.op} {expr(e.right, SUM)}", CMP
    elif e.op in ("+", "-"):
        level, right = SUM, PROD
    else:
        level, right = PROD, UNARY
    left = expr(e.left, level)
    return f"{left} {e.op} {expr(e.right, right)}", level


def _fraction_text(f: Any) -> str:
    return str(f) if getattr(f, "denominator", 1) == 1 else str(float(f))


def quote(s: str) -> str:
    """A string literal for `s` with the escapes the lexer knows."""
    body = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{body}"'


def ref(r: A.Ref) -> str:
    return ".".join(_seg(s) for s in r.segs)


def _seg(s: A.Seg) -> str:
    return s.name + "".join("[*]" if isinstance(i, A.Star) else f"[{expr(i)}]" for i in s.indices)


def _dims(dims: Iterable[Any]) -> str:
    return "".join(f"[{expr(d)}]" for d in dims)


# ---------------------------------------------------------------- simple statements
def simple_stmt(s: Any) -> str:
    """One-line text of a statement that has no block."""
    fn = _SIMPLE.get(type(s))
    if fn is None:
        raise TypeError(f"not a simple statement: {type(s).__name__}")
    return fn(s)


def _import(s: A.Import) -> str:
    return f"import {quote(s.path)}" + (f" as {s.alias}" if s.alias else "")


def _param(s: A.Param) -> str:
    return f"param {s.name} = {expr(s.default)}" if s.default is not None else f"param {s.name}"


def _port(s: A.PortDecl) -> str:
    out = f"port {s.name}" + (f"[{expr(s.count)}]" if s.count is not None else "")
    out += f": {s.protocol} @ {expr(s.rate)}"
    if s.lanes is not None:
        out += f" lanes {expr(s.lanes)}"
    if s.form is not None:
        out += f" form {s.form}"
    return out + (" required" if s.required else "")


def _member(s: A.Member) -> str:
    args = f"({', '.join(f'{a.name} = {expr(a.value)}' for a in s.args)})" if s.args else ""
    return f"{s.name}: {s.type.dotted}{args}{_dims(s.dims)}"


def _option(o: A.Option) -> str:
    if o.name == "medium":
        return "medium " + (o.value.dotted if isinstance(o.value, A.Name) else "auto")
    if o.value is None:
        return o.name
    return f"{o.name} {expr(o.value)}"


def _connect(s: A.Connect) -> str:
    return " ".join([f"connect {ref(s.a)} {s.arrow} {ref(s.b)}", *(_option(o) for o in s.options)])


def _place(s: A.Place) -> str:
    return f"place {ref(s.what)} in {ref(s.where)}" + (f" at {expr(s.at)}" if s.at is not None else "")


def _row(s: A.RowDecl) -> str:
    out = f"row {s.name}[{expr(s.slots)}]"
    if s.pitch is not None:
        out += f" pitch {expr(s.pitch)}"
    return out + (f" at {expr(s.at)}" if s.at is not None else "")


def _memory(s: A.Memory) -> str:
    out = "unified memory over " + ", ".join(ref(r) for r in s.over)
    if s.width is not None:
        out += f" width {expr(s.width)}"
    return out + (f" align {expr(s.align)}" if s.align is not None else "")


def _rarg(a: A.RArg) -> str:
    return ref(a.ref) + (f" : {ref(a.other)}" if a.other is not None else "")


def _require(s: A.Require) -> str:
    out = f"require {s.func}({', '.join(_rarg(a) for a in s.args)})"
    return out + (f" {s.op} {expr(s.bound)}" if s.op is not None and s.bound is not None else "")


_SIMPLE: dict[type, Any] = {
    A.Import: _import,
    A.Param: _param,
    A.Let: lambda s: f"let {s.name} = {expr(s.value)}",
    A.Field: lambda s: f"{s.name} = {expr(s.value)}",
    A.PortDecl: _port,
    A.Member: _member,
    A.Connect: _connect,
    A.Place: _place,
    A.RowDecl: _row,
    A.Memory: _memory,
    A.Require: _require,
    A.Mgmt: lambda s: f"mgmt {ref(s.target)} = {expr(s.value)}",
}


def header(s: Any) -> str:
    """The line that opens a block statement, up to and including `{`."""
    if isinstance(s, A.Decl):
        out = f"{s.kind} {s.name}"
        if s.params is not None:
            out += "(" + ", ".join(f"{p.name} = {expr(p.default)}" if p.default is not None else p.name
                                   for p in s.params) + ")"
        if s.base is not None:
            out += f" extends {s.base.dotted}"
        return out + " {"
    if isinstance(s, A.Group):
        return f"{s.name}{_dims(s.dims)} {{"
    if isinstance(s, A.For):
        return f"for {s.var} in {expr(s.iter)} {{"
    if isinstance(s, A.If):
        return f"if {expr(s.cond)} {{"
    raise TypeError(f"not a block statement: {type(s).__name__}")


# ---------------------------------------------------------------- layout with comments
class _Printer:
    """Emits lines, interleaving the source's comments by offset."""

    def __init__(self, comments: Sequence[tuple[int, str]], source: str | None) -> None:
        self.comments = sorted((int(o), str(t).rstrip()) for o, t in comments)
        self.ci = 0
        self.src = source
        self.out: list[str] = []
        self.commented: set[int] = set()        # indices of lines that end in a comment
        self.trailing: dict[int, int] = {}      # line index -> length of its code before `//`
        self.last_line: int | None = None      # source line of the last emitted element
        if source is not None:
            self.starts = [0] + [i + 1 for i, ch in enumerate(source) if ch == "\n"]
            self.lines = source.split("\n")

    # source geometry
    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def _line_text(self, line: int) -> str:
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""

    def _is_trailing(self, offset: int) -> bool:
        """A comment with code before it on its line."""
        if self.src is None:
            return False
        line_start = self.starts[self.line_of(offset) - 1]
        return self.src[line_start:offset].strip() != ""

    def _gap(self, line: int | None) -> None:
        """Emit one blank line if the source had one before `line`."""
        if self.src is None or line is None or self.last_line is None:
            return
        if any(not self._line_text(n).strip() for n in range(self.last_line + 1, line)):
            self.out.append("")

    # emission
    def emit(self, depth: int, text: str, line: int | None) -> None:
        self._gap(line)
        self.out.append(INDENT * depth + text)
        if line is not None:
            self.last_line = line

    def _trail(self, text: str, depth: int) -> None:
        """Append a comment to the last line, or put it on its own line if that one has one."""
        if self.out and self.out[-1].strip() and len(self.out) - 1 not in self.commented:
            self.trailing[len(self.out) - 1] = len(self.out[-1])
            self.out[-1] += " " + text
            self.commented.add(len(self.out) - 1)
        else:
            self.out.append(INDENT * depth + text)

    def comments_before(self, depth: int, limit: int | None) -> None:
        """Emit the comments that start before `limit` (None: all that are left)."""
        while self.ci < len(self.comments) and (limit is None or self.comments[self.ci][0] < limit):
            offset, text = self.comments[self.ci]
            self.ci += 1
            if self._is_trailing(offset) and self.out:
                self._trail(text, depth)
            else:
                self.emit(depth, text, self.line_of(offset) if self.src is not None else None)
                self.commented.add(len(self.out) - 1)

    def trailing_comment(self, end: int | None, limit: int | None, depth: int) -> None:
        """Attach a comment that follows a statement on its last line."""
        if self.src is None or end is None or self.ci >= len(self.comments):
            return
        offset, text = self.comments[self.ci]
        if offset < end or (limit is not None and offset >= limit) or "\n" in self.src[end:offset]:
            return
        self.ci += 1
        self._trail(text, depth)

    def aligned(self) -> list[str]:
        """The lines, with trailing comments of consecutive same-indent lines in one column."""
        out = list(self.out)
        for run in self._runs():
            col = max(self.trailing[i] for i in run) + 1
            for i in run:
                code = out[i][: self.trailing[i]]
                out[i] = code.ljust(col) + out[i][self.trailing[i]:].lstrip()
        return out

    def _runs(self) -> list[list[int]]:
        runs: list[list[int]] = []
        for i in sorted(self.trailing):
            prev = runs[-1][-1] if runs else None
            if prev == i - 1 and _indent(self.out[prev]) == _indent(self.out[i]):
                runs[-1].append(i)
            else:
                runs.append([i])
        return runs

    # statements
    def body(self, stmts: Sequence[Any], depth: int, end: int | None, top: bool = False) -> None:
        """Statements of one block; `end` is where the block's text ends (None: the file's end)."""
        for k, s in enumerate(stmts):
            start = _start(s)
            nxt = _start(stmts[k + 1]) if k + 1 < len(stmts) else end
            if start is not None:
                self.comments_before(depth, start)
            if top and self.src is None and k and isinstance(s, A.Decl):
                self.out.append("")
            self.doc(s, depth)
            self.stmt(s, depth, nxt)
            self.trailing_comment(_end(s), nxt, depth)

    def doc(self, s: Any, depth: int) -> None:
        doc = getattr(s, "doc", "")
        if not doc:
            return
        text = doc.split("\n")
        lines = self._doc_lines(s, len(text))
        for t, line in zip(text, lines):
            self.emit(depth, ("/// " + t).rstrip() if t.strip() else "///", line)

    def _doc_lines(self, s: Any, n: int) -> list[int | None]:
        """Source lines of the `n` doc lines above `s` (None when unknown)."""
        span = getattr(s, "span", None)
        if self.src is None or span is None:
            return [None] * n
        found: list[int] = []
        line = span.line - 1
        while line >= 1 and len(found) < n:
            t = self._line_text(line).strip()
            if t.startswith("///"):
                found.append(line)
            elif t:
                break
            line -= 1
        found.reverse()
        return ([None] * (n - len(found)) + found)[:n] if len(found) < n else found

    def stmt(self, s: Any, depth: int, limit: int | None) -> None:
        span = getattr(s, "span", None)
        line = span.line if span is not None else None
        if not isinstance(s, _BLOCKS):
            self.emit(depth, simple_stmt(s), line)
            if span is not None:
                self.last_line = span.end_line
            return
        self.emit(depth, header(s), line)
        self.last_line = None
        if isinstance(s, A.If):
            self._if_rest(s, depth)
        else:
            self.body(s.body, depth + 1, _end(s))
            self.comments_before(depth + 1, _end(s))
            self.emit(depth, "}", None)
        self.last_line = span.end_line if span is not None else None

    def _if_rest(self, s: A.If, depth: int) -> None:
        then_end = self._else_at(s) if s.orelse else _end(s)
        self.body(s.then, depth + 1, then_end)
        self.comments_before(depth + 1, then_end if s.orelse else _end(s))
        if not s.orelse:
            self.emit(depth, "}", None)
            return
        inner = s.orelse[0]
        if len(s.orelse) == 1 and isinstance(inner, A.If) and not inner.doc:
            self.emit(depth, "} else " + header(inner), None)
            self.last_line = None
            self._if_rest(inner, depth)
            return
        self.emit(depth, "} else {", None)
        self.last_line = None
        self.body(s.orelse, depth + 1, _end(s))
        self.comments_before(depth + 1, _end(s))
        self.emit(depth, "}", None)


    def _else_at(self, s: A.If) -> int | None:
        """Offset of the `else` keyword (comments before it belong to the `then` block)."""
        stop = _start(s.orelse[0])
        lo = _end(s.then[-1]) if s.then else _start(s)
        if self.src is None or stop is None or lo is None:
            return stop
        region = list(self.src[lo:stop])
        for offset, text in self.comments:
            if lo <= offset < stop:
                region[offset - lo: offset - lo + len(text)] = " " * min(len(text), stop - offset)
        at = "".join(region).rfind("else")
        return lo + at if at >= 0 else stop


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _start(s: Any) -> int | None:
    span = getattr(s, "span", None)
    return span.start if span is not None else None


def _end(s: Any) -> int | None:
    span = getattr(s, "span", None)
    return span.end if span is not None else None
