"""Expression evaluation with exact numbers and units (layer 4).

Values: `Fraction` (plain numbers), `units.Quantity`, `str`, `bool`, `Range`.
Errors become diagnostics raised as `DiagnosticError` at the expression.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, Mapping

from .. import units
from ..diagnostics import DiagnosticError, error
from ..suggest import did_you_mean
from ..syntax import ast as A

MAX_EXPR_NODES = 10_000
MAX_STRING = 4096
MAX_BITS = 4096          # |numerator| and denominator of any value: about 10^1233


@dataclass(frozen=True)
class Range:
    lo: int
    hi: int                     # inclusive

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(range(self.lo, self.hi + 1))

    def __len__(self) -> int:
        return max(0, self.hi - self.lo + 1)


Value = Any


def describe(v: Value) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, Fraction)):
        return "a number"
    if isinstance(v, units.Quantity):
        return f"a {units.describe(v.dim)}" if not v.is_dimensionless else "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, Range):
        return "a range"
    return type(v).__name__


def count_text(n: int) -> str:
    """`1,234,567`, or `about 10^400` for numbers too long to print whole."""
    if abs(n) < 10**15:
        return f"{n:,}"
    return f"about {'-' if n < 0 else ''}10^{len(str(abs(n))) - 1 if n.bit_length() < 10_000 else int(n.bit_length() * 0.30103)}"


def show(v: Value) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Fraction) and max(v.numerator.bit_length(), v.denominator.bit_length()) > 64:
        return count_text(v.numerator // v.denominator) if abs(v) >= 1 else f"about {float(v):.6g}"
    if isinstance(v, Fraction):
        return str(v.numerator) if v.denominator == 1 else _dec(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, units.Quantity):
        return v.format()
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, Range):
        return f"{v.lo}..{v.hi}"
    return str(v)


def _dec(f: Fraction) -> str:
    return f"{float(f):.6g}"


def _err(code: str, msg: str, node: Any, **kw: Any) -> DiagnosticError:
    return DiagnosticError(error(code, msg, getattr(node, "span", None), **kw))


def _num(v: Value) -> Value:
    if isinstance(v, units.Quantity) and v.is_dimensionless:
        return v.value
    if isinstance(v, int) and not isinstance(v, bool):
        return Fraction(v)
    return v


def evaluate(e: A.Expr, env: Mapping[str, Value]) -> Value:
    """Evaluate an expression in an environment of names."""
    try:
        return _eval(e, env, [0])
    except RecursionError:
        raise _err("SN0208", "the expression nests too deeply to evaluate", e,
                   hint="split it with `let` steps") from None


def _eval(e: Any, env: Mapping[str, Value], budget: list[int]) -> Value:
    budget[0] += 1
    if budget[0] > MAX_EXPR_NODES:
        raise _err("SN0207", f"expression has more than {MAX_EXPR_NODES:,} parts", e)
    t = type(e)
    if t is A.Num:
        if e.unit is None:
            return e.value
        try:
            return units.quantity(e.value, e.unit)
        except units.UnitError as u:
            raise _err("SN0202", f"unknown unit `{e.unit}`", e, hint=did_you_mean(e.unit, u.suggestions) or u.message)
    if t is A.Name:
        return _lookup(e, env)
    if t is A.Str:
        if len(e.value) > MAX_STRING:
            raise _err("SN0207", f"string of {len(e.value):,} characters; the limit is {MAX_STRING:,}", e)
        return e.value
    if t is A.Bool:
        return e.value
    if t is A.Ratio:
        if e.right == 0:
            raise _err("SN0206", "ratio with a zero right-hand side", e)
        return e.left / e.right
    if t is A.BinOp:
        return _binop(e, env, budget)
    if t is A.Unary:
        v = _eval(e.operand, env, budget)
        if e.op == "not":
            if not isinstance(v, bool):
                raise _err("SN0203", f"`not` needs a boolean, got {describe(v)}", e)
            return not v
        if isinstance(v, (bool, str, Range)):
            raise _err("SN0203", f"cannot negate {describe(v)}", e)
        return -v if e.op == "-" else v
    if t is A.Call:
        return _call(e, [_eval(a, env, budget) for a in e.args])
    raise _err("SN0203", "this is not a value", e)


def _lookup(e: A.Name, env: Mapping[str, Value]) -> Value:
    key = e.dotted
    if key in env:
        return env[key]
    raise _err("SN0101", f"unknown name `{key}`", e, label="not defined here",
               hint=did_you_mean(key, [k for k in env if not k.startswith("_")]) or
               "declare it with `let`, `param` or a template parameter")


_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
}
_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne,
}


def _binop(e: A.BinOp, env: Mapping[str, Value], budget: list[int]) -> Value:
    if e.op in ("and", "or"):
        left = _eval(e.left, env, budget)
        if not isinstance(left, bool):
            raise _err("SN0203", f"`{e.op}` needs booleans, got {describe(left)}", e.left)
        if (e.op == "and" and not left) or (e.op == "or" and left):
            return left
        right = _eval(e.right, env, budget)
        if not isinstance(right, bool):
            raise _err("SN0203", f"`{e.op}` needs booleans, got {describe(right)}", e.right)
        return right
    a = _num(_eval(e.left, env, budget))
    b = _num(_eval(e.right, env, budget))
    if e.op == "..":
        return Range(to_int(a, e.left), to_int(b, e.right))
    for v, side in ((a, e.left), (b, e.right)):
        if isinstance(v, (Range,)) or (isinstance(v, (bool, str)) and e.op not in ("==", "!=")):
            raise _err("SN0203", f"`{e.op}` cannot use {describe(v)}", side)
    try:
        if e.op in _CMP:
            if isinstance(a, (bool, str)) or isinstance(b, (bool, str)):
                return _CMP[e.op](a, b)
            return _CMP[e.op](a, b)
        if e.op == "%":
            if b == 0:
                raise _err("SN0206", "modulo by zero", e.right)
            return a % b
        if e.op == "/" and b == 0:
            raise _err("SN0206", "division by zero", e.right, hint="check the divisor's parameters")
        return _bounded(_num(_ARITH[e.op](a, b)), e)
    except units.UnitError as u:
        raise _err("SN0201", u.message, e, label="units do not match",
                   hint="both sides of + - and comparisons need the same kind of quantity")
    except ZeroDivisionError:
        raise _err("SN0206", "division by zero", e.right)
    except TypeError:
        raise _err("SN0203", f"`{e.op}` cannot combine {describe(a)} and {describe(b)}", e)


def _bounded(v: Value, e: Any) -> Value:
    """Refuse numbers that would grow without bound (`x * x * x ...` of 1e400)."""
    f = v.value if isinstance(v, units.Quantity) else v
    if isinstance(f, Fraction) and max(f.numerator.bit_length(), f.denominator.bit_length()) > MAX_BITS:
        raise _err("SN0207", f"a number in this expression needs more than {MAX_BITS:,} bits", e,
                   hint="no hardware quantity is that large or that precise; check the expression")
    return v


def _call(e: A.Call, args: list[Value]) -> Value:
    f = e.func
    nums = [_num(a) for a in args]
    try:
        if f in ("min", "max") and nums:
            return (min if f == "min" else max)(nums)
        if f in ("ceil", "floor") and len(nums) == 1 and isinstance(nums[0], Fraction):
            return Fraction((math.ceil if f == "ceil" else math.floor)(nums[0]))
        if f == "abs" and len(nums) == 1:
            return abs(nums[0])
        if f == "len" and len(args) == 1 and isinstance(args[0], Range):
            return Fraction(len(args[0]))
    except units.UnitError as u:
        raise _err("SN0201", u.message, e)
    except TypeError:
        pass
    known = ("min", "max", "ceil", "floor", "abs", "len")
    if f not in known:
        raise _err("SN0101", f"unknown function `{f}`", e, hint=did_you_mean(f, known) or "functions: " + ", ".join(known))
    raise _err("SN0203", f"`{f}` cannot take ({', '.join(describe(a) for a in args)})", e)


def to_int(v: Value, node: Any, what: str = "an integer") -> int:
    v = _num(v)
    if isinstance(v, bool) or not isinstance(v, (int, Fraction)):
        raise _err("SN0203", f"expected {what}, got {describe(v)} ({show(v)})", node)
    if isinstance(v, Fraction) and v.denominator != 1:
        raise _err("SN0211", f"expected {what}, got {show(v)}", node, hint="use ceil() or floor()")
    return int(v)


def to_quantity(v: Value, dim: Any, node: Any, what: str) -> units.Quantity:
    v2 = v
    if isinstance(v2, (int, Fraction)) and not isinstance(v2, bool) and dim == units.DIMENSIONLESS:
        return units.Quantity(Fraction(v2), units.DIMENSIONLESS)
    if not isinstance(v2, units.Quantity) or v2.dim != dim:
        got = show(v2)
        raise _err("SN0201", f"{what} must be a {units.describe(dim)}, got {got} ({describe(v2)})", node,
                   hint=f"write it with a {units.describe(dim)} unit")
    return v2


def free_names(e: Any, out: list[str]) -> list[str]:
    """Unqualified names an expression reads, in order of first use."""
    t = type(e)
    if t is A.Name and len(e.parts) == 1 and e.parts[0] not in out:
        out.append(e.parts[0])
    elif t is A.BinOp:
        free_names(e.left, out)
        free_names(e.right, out)
    elif t is A.Unary:
        free_names(e.operand, out)
    elif t is A.Call:
        for a in e.args:
            free_names(a, out)
    return out
