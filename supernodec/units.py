"""Exact quantities with units, checked dimensionally (layer 0).

A `Quantity` is an exact `Fraction` in base units (bit, s, m, W, U, USD, CNY)
together with its `Dim`, the integer exponents of those base dimensions. A data
rate is bit/s, so ``56 GB/s`` and ``448 Gb/s`` are the same value, and totals
over millions of links never drift: nothing here ever touches a float.

Parsing (`parse_number`, `parse_unit`, `quantity`) raises `UnitError`, which
carries a message and "did you mean" suggestions for the caller's diagnostic.
Mixing dimensions in ``+``, ``-`` or any comparison, ``==`` included, raises
`UnitError` as well, so the elaborator can evaluate `.sn` expressions with
Python operators. Hashes include the dimension, so sets and dicts of quantities
of different dimensions only compare on a genuine hash collision; use
`Quantity.same` for an equality test that never raises.

The plain number ``0`` adopts the dimension of the other operand in ``+``,
``-`` and comparisons, so ``sum(quantities)``, ``q > 0`` and ``q == 0`` work
for any dimension (but ``hash(0 ns) != hash(0)``: do not mix zero quantities
and plain numbers as keys of one dict).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

from .suggest import suggest

__all__ = [
    "CNY", "DELAY_PER_LENGTH", "DIMENSIONLESS", "ENERGY", "FREQUENCY", "INFO", "LENGTH",
    "POWER", "RACK_UNITS", "RATE", "TIME", "UNITS", "UNIT_NAMES", "USD", "Dim", "Quantity",
    "UnitError", "check_same_dim", "describe", "format_number", "format_rate_both",
    "format_ratio", "formula", "parse_number", "parse_ratio", "parse_unit", "quantity", "ratio",
]

Number = int | Fraction

MAX_EXPONENT = 400          # 1e400 is plenty; 1e999999999 would eat memory


class UnitError(Exception):
    """A unit problem: unknown unit, bad number, or mixed dimensions."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()):
        super().__init__(message)
        self.message = message
        self.suggestions = tuple(suggestions)


# --------------------------------------------------------------------------
# Dimensions

_BASE_SYMBOLS = ("bit", "s", "m", "W", "U", "USD", "CNY")
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Dim:
    """Integer exponents of the base dimensions bit, s, m, W, U, USD, CNY."""

    bit: int = 0
    s: int = 0
    m: int = 0
    w: int = 0          # watt
    u: int = 0          # rack unit
    usd: int = 0
    cny: int = 0

    def exponents(self) -> tuple[int, ...]:
        """The exponents in base order (bit, s, m, W, U, USD, CNY)."""
        return (self.bit, self.s, self.m, self.w, self.u, self.usd, self.cny)

    def __mul__(self, other: object) -> Dim:
        if not isinstance(other, Dim):
            return NotImplemented
        return Dim(*(a + b for a, b in zip(self.exponents(), other.exponents(), strict=True)))

    def __truediv__(self, other: object) -> Dim:
        if not isinstance(other, Dim):
            return NotImplemented
        return Dim(*(a - b for a, b in zip(self.exponents(), other.exponents(), strict=True)))

    def __pow__(self, n: int) -> Dim:
        return Dim(*(a * n for a in self.exponents()))

    def __str__(self) -> str:
        return formula(self)


DIMENSIONLESS = Dim()
INFO = Dim(bit=1)
TIME = Dim(s=1)
RATE = INFO / TIME
LENGTH = Dim(m=1)
POWER = Dim(w=1)
RACK_UNITS = Dim(u=1)
USD = Dim(usd=1)
CNY = Dim(cny=1)
DELAY_PER_LENGTH = TIME / LENGTH
ENERGY = POWER * TIME
FREQUENCY = DIMENSIONLESS / TIME

_DIM_NAMES: Mapping[Dim, str] = MappingProxyType({
    DIMENSIONLESS: "number",
    INFO: "memory/information",
    RATE: "data rate",
    TIME: "time",
    LENGTH: "length",
    POWER: "power",
    RACK_UNITS: "rack units",
    USD: "money (USD)",
    CNY: "money (CNY)",
    DELAY_PER_LENGTH: "delay per length",
    ENERGY: "energy",
    FREQUENCY: "frequency",
})


def formula(dim: Dim) -> str:
    """`dim` as a product of base units, e.g. "bit·s⁻²" ("1" if dimensionless)."""
    parts = []
    for sym, exp in zip(_BASE_SYMBOLS, dim.exponents(), strict=True):
        if exp == 1:
            parts.append(sym)
        elif exp:
            parts.append(sym + str(exp).translate(_SUPERSCRIPT))
    return "·".join(parts) or "1"


def describe(dim: Dim) -> str:
    """A human name for `dim` ("data rate", "time", ...), else its formula."""
    return _DIM_NAMES.get(dim) or formula(dim)


# --------------------------------------------------------------------------
# Units

_SI = {"k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15}
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50}
_TIME = {"ps": Fraction(1, 10**12), "ns": Fraction(1, 10**9), "us": Fraction(1, 10**6),
         "µs": Fraction(1, 10**6), "μs": Fraction(1, 10**6), "ms": Fraction(1, 1000),
         "s": Fraction(1), "min": Fraction(60), "h": Fraction(3600)}


def _information_and_rate_units() -> dict[str, tuple[Fraction, Dim]]:
    table: dict[str, tuple[Fraction, Dim]] = {}
    for prefix, f in [("", 1), *_SI.items()]:
        # a bare `b` is not a unit (a bit or a byte?): `bit` is
        for name in (f"{prefix}b", f"{prefix}bit") if prefix else ("bit",):
            table[name] = (Fraction(f), INFO)
        table[f"{prefix}B"] = (Fraction(8 * f), INFO)
        for name in (f"{prefix}b/s", f"{prefix}bit/s", f"{prefix}bps"):
            table[name] = (Fraction(f), RATE)
        for name in (f"{prefix}B/s", f"{prefix}Bps"):
            table[name] = (Fraction(8 * f), RATE)
    for prefix, f in _BINARY.items():
        table[f"{prefix}B"] = (Fraction(8 * f), INFO)
    for name in ("bits", "byte", "bytes"):
        table[name] = (Fraction(1 if name == "bits" else 8), INFO)
    return table


def _physical_units() -> dict[str, tuple[Fraction, Dim]]:
    table: dict[str, tuple[Fraction, Dim]] = {
        name: (f, TIME) for name, f in _TIME.items()}
    lengths = {"mm": Fraction(1, 1000), "cm": Fraction(1, 100), "m": Fraction(1),
               "km": Fraction(1000)}
    table.update({name: (f, LENGTH) for name, f in lengths.items()})
    powers = {"mW": Fraction(1, 1000), "W": Fraction(1), "kW": Fraction(10**3),
              "MW": Fraction(10**6), "GW": Fraction(10**9)}
    table.update({name: (f, POWER) for name, f in powers.items()})
    for t in ("ps", "ns", "us"):
        for ln in ("m", "km"):
            table[f"{t}/{ln}"] = (_TIME[t] / lengths[ln], DELAY_PER_LENGTH)
    table["U"] = (Fraction(1), RACK_UNITS)
    table["USD"] = (Fraction(1), USD)
    table["CNY"] = (Fraction(1), CNY)
    return table


UNITS: Mapping[str, tuple[Fraction, Dim]] = MappingProxyType(
    {**_information_and_rate_units(), **_physical_units()})
"""Every unit spelling: factor to base units and dimension. The lexer's UNIT terminal
(grammar/supernodec.lark) takes exactly these (tests/test_bugfix_units.py)."""

UNIT_NAMES: tuple[str, ...] = tuple(sorted(UNITS))


def parse_unit(text: str) -> tuple[Fraction, Dim]:
    """Factor to base units and dimension of a unit spelling such as "GB/s".

    Case matters (`Gb` is a gigabit, `GB` a gigabyte). Besides the table, a
    quotient of two known units ("USD/m", "W/U") is accepted. The empty string
    is the dimensionless unit 1. Raises `UnitError` with suggestions.
    """
    if not text:
        return Fraction(1), DIMENSIONLESS
    known = UNITS.get(text)
    if known is not None:
        return known
    num, slash, den = text.partition("/")
    if slash and num in UNITS and den in UNITS:
        (f1, d1), (f2, d2) = UNITS[num], UNITS[den]
        return f1 / f2, d1 / d2
    raise UnitError(f"unknown unit `{text}`", suggest(text, UNIT_NAMES))


# --------------------------------------------------------------------------
# Numbers

_NUMBER = re.compile(
    r"([+-]?)([0-9](?:_?[0-9])*)(?:\.([0-9](?:_?[0-9])*))?(?:[eE]([+-]?[0-9]+))?")


def parse_number(text: str) -> Fraction:
    """Exact value of a decimal literal: "42", "1.8", "1_000", "1e3", "2.5e-9".

    Underscores may separate digits. Raises `UnitError` on anything else or on
    an exponent beyond +-MAX_EXPONENT.
    """
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise UnitError(f"invalid number `{text}`")
    sign, whole, frac, exp = match.groups()
    value = Fraction(int(whole.replace("_", "")))
    if frac:
        digits = frac.replace("_", "")
        value += Fraction(int(digits), 10 ** len(digits))
    if exp:
        if abs(int(exp)) > MAX_EXPONENT:
            raise UnitError(f"exponent of `{text}` is out of range (at most {MAX_EXPONENT})")
        value *= Fraction(10) ** int(exp)
    return -value if sign == "-" else value


def _exact(x: object) -> Fraction:
    """`x` as a Fraction; floats and bools are refused (they are bugs here)."""
    if isinstance(x, bool) or not isinstance(x, (int, Fraction)):
        raise TypeError(f"expected int or Fraction, got {type(x).__name__}")
    return Fraction(x)


def _round_half_up(x: Fraction, decimals: int) -> int:
    """round(|x| * 10**decimals), halves away from zero (x >= 0)."""
    scaled = x * 10**decimals
    return int(scaled + Fraction(1, 2))  # int() truncates; scaled >= 0


def _fixed(x: Fraction, decimals: int) -> str:
    """Non-negative `x` with `decimals` places, trailing zeros stripped."""
    n = _round_half_up(x, decimals)
    if decimals == 0:
        return str(n)
    whole, frac = divmod(n, 10**decimals)
    digits = str(frac).rjust(decimals, "0").rstrip("0")
    return f"{whole}.{digits}" if digits else str(whole)


def _decimals_for(x: Fraction, significant: int) -> int:
    """Decimal places giving `significant` digits, never rounding the integer part."""
    if x >= 1:
        return max(0, significant - len(str(int(x))))
    zeros = 0
    while x * 10 ** (zeros + 1) < 1:
        zeros += 1
    return zeros + significant


def format_number(x: Number, significant: int = 4) -> str:
    """Integers in full; other values as a short decimal ("1.8", "0.3333").

    A non-integer never prints as an integer: digits are added until the
    rounded text shows a fractional part (up to 12 more).
    """
    x = _exact(x)
    if x.denominator == 1:
        return str(x.numerator)
    sign, mag = ("-" if x < 0 else ""), abs(x)
    decimals = _decimals_for(mag, significant)
    text = _fixed(mag, decimals)
    for extra in range(1, 13):
        if "." in text:
            break
        text = _fixed(mag, decimals + extra)
    return sign + text


# --------------------------------------------------------------------------
# Quantities


@dataclass(frozen=True, eq=False)
class Quantity:
    """An exact value in base units with its dimension."""

    value: Fraction
    dim: Dim = DIMENSIONLESS

    def __post_init__(self) -> None:
        if type(self.value) is not Fraction:
            object.__setattr__(self, "value", _exact(self.value))

    @property
    def is_dimensionless(self) -> bool:
        """True for plain numbers (ratios, counts, percentages)."""
        return self.dim == DIMENSIONLESS

    def to(self, unit: str) -> Fraction:
        """The exact value expressed in `unit`; UnitError if the dimension differs."""
        factor, dim = parse_unit(unit)
        if dim != self.dim:
            raise UnitError(f"cannot express {self} ({describe(self.dim)}) in `{unit}` "
                            f"({describe(dim)})")
        return self.value / factor

    def format(self, unit: str | None = None) -> str:
        """"392 GB/s" in `unit` if given, else in a natural unit for the dimension."""
        if unit is None:
            return _format_natural(self)
        number = format_number(self.to(unit))
        return f"{number} {unit}"

    def __str__(self) -> str:
        return self.format()

    def __format__(self, spec: str) -> str:
        return self.format(spec or None)

    # arithmetic ------------------------------------------------------------

    def __add__(self, other: object) -> Quantity:
        o = _operand(other, self)
        if o is None:
            return NotImplemented
        _check(self, o, "cannot add {a} and {b}")
        return Quantity(self.value + o.value, self.dim)

    def __radd__(self, other: object) -> Quantity:
        o = _operand(other, self)
        if o is None:
            return NotImplemented
        _check(o, self, "cannot add {a} and {b}")
        return Quantity(o.value + self.value, self.dim)

    def __sub__(self, other: object) -> Quantity:
        o = _operand(other, self)
        if o is None:
            return NotImplemented
        _check(self, o, "cannot subtract {b} from {a}")
        return Quantity(self.value - o.value, self.dim)

    def __rsub__(self, other: object) -> Quantity:
        o = _operand(other, self)
        if o is None:
            return NotImplemented
        _check(o, self, "cannot subtract {b} from {a}")
        return Quantity(o.value - self.value, self.dim)

    def __mul__(self, other: object) -> Quantity:
        if isinstance(other, Quantity):
            return Quantity(self.value * other.value, self.dim * other.dim)
        k = _scalar(other)
        return NotImplemented if k is None else Quantity(self.value * k, self.dim)

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> Quantity:
        if isinstance(other, Quantity):
            return Quantity(self.value / other.value, self.dim / other.dim)
        k = _scalar(other)
        return NotImplemented if k is None else Quantity(self.value / k, self.dim)

    def __rtruediv__(self, other: object) -> Quantity:
        k = _scalar(other)
        if k is None:
            return NotImplemented
        return Quantity(k / self.value, DIMENSIONLESS / self.dim)

    def __pow__(self, n: int) -> Quantity:
        if isinstance(n, bool) or not isinstance(n, int):
            return NotImplemented
        return Quantity(self.value**n, self.dim**n)

    def __neg__(self) -> Quantity:
        return Quantity(-self.value, self.dim)

    def __pos__(self) -> Quantity:
        return self

    def __abs__(self) -> Quantity:
        return Quantity(abs(self.value), self.dim)

    def __bool__(self) -> bool:
        return self.value != 0

    # comparisons -----------------------------------------------------------

    def same(self, other: Quantity) -> bool:
        """Equal value and dimension; unlike ``==`` never raises on a mix."""
        return self.dim == other.dim and self.value == other.value

    def __eq__(self, other: object) -> bool:
        o = _ordered(self, other)
        return NotImplemented if o is None else self.value == o.value

    def __ne__(self, other: object) -> bool:
        o = _ordered(self, other)
        return NotImplemented if o is None else self.value != o.value

    def __hash__(self) -> int:
        if self.is_dimensionless:
            return hash(self.value)     # equal to the plain number it equals
        return hash((self.value, self.dim))

    def __lt__(self, other: object) -> bool:
        o = _ordered(self, other)
        return NotImplemented if o is None else self.value < o.value

    def __le__(self, other: object) -> bool:
        o = _ordered(self, other)
        return NotImplemented if o is None else self.value <= o.value

    def __gt__(self, other: object) -> bool:
        o = _ordered(self, other)
        return NotImplemented if o is None else self.value > o.value

    def __ge__(self, other: object) -> bool:
        o = _ordered(self, other)
        return NotImplemented if o is None else self.value >= o.value


def _scalar(x: object) -> Fraction | None:
    if isinstance(x, bool) or not isinstance(x, (int, Fraction)):
        return None
    return Fraction(x)


def _operand(x: object, like: Quantity) -> Quantity | None:
    """`x` as a Quantity for + - and comparisons; a plain 0 takes `like`'s dim."""
    if isinstance(x, Quantity):
        return x
    k = _scalar(x)
    if k is None:
        return None
    return Quantity(k, like.dim if k == 0 else DIMENSIONLESS)


def _check(a: Quantity, b: Quantity, template: str) -> None:
    if a.dim != b.dim:
        raise UnitError(template.format(a=f"{a} ({describe(a.dim)})",
                                        b=f"{b} ({describe(b.dim)})"))


def _ordered(a: Quantity, other: object) -> Quantity | None:
    o = _operand(other, a)
    if o is not None:
        _check(a, o, "cannot compare {a} with {b}")
    return o


def check_same_dim(a: Quantity, b: Quantity, verb: str = "compare") -> None:
    """Raise UnitError "cannot <verb> 3 ns (time) and 400 Gb/s (data rate)" on a mix."""
    _check(a, b, f"cannot {verb} {{a}} and {{b}}")


def quantity(number: str | Number, unit: str | None = None) -> Quantity:
    """`number` (a literal or an exact value) in `unit`: quantity("56", "GB/s")."""
    value = parse_number(number) if isinstance(number, str) else _exact(number)
    factor, dim = parse_unit(unit or "")
    return Quantity(value * factor, dim)


# --------------------------------------------------------------------------
# Natural formatting

_LADDERS: Mapping[Dim, tuple[str, tuple[str, ...]]] = MappingProxyType({
    # dimension: (unit for zero, units by increasing size)
    RATE: ("b/s", ("b/s", "kb/s", "Mb/s", "Gb/s", "Tb/s", "Pb/s")),
    TIME: ("s", ("ps", "ns", "us", "ms", "s")),
    LENGTH: ("m", ("mm", "m", "km")),
    POWER: ("W", ("mW", "W", "kW", "MW")),
    DELAY_PER_LENGTH: ("ns/m", ("ps/m", "ns/m")),
    RACK_UNITS: ("U", ("U",)),
})
_BYTE_RATES = ("B/s", "kB/s", "MB/s", "GB/s", "TB/s", "PB/s")
_BITS = ("bit", "kb", "Mb", "Gb", "Tb", "Pb")
_BYTES = ("B", "kB", "MB", "GB", "TB", "PB")
_BINARY_BYTES = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def _pick(value: Fraction, units: tuple[str, ...], zero: str) -> str:
    """The largest unit in `units` keeping |value| >= 1 (the smallest if none)."""
    if value == 0:
        return zero
    chosen = units[0]
    for unit in units:
        if abs(value) >= UNITS[unit][0]:
            chosen = unit
    return chosen


def _format_information(q: Quantity) -> str:
    if q.value % 8:
        return q.format(_pick(q.value, _BITS, "bit"))
    decimal = _pick(q.value, _BYTES, "B")
    if (q.value / UNITS[decimal][0]).denominator == 1:
        return q.format(decimal)
    binary = _pick(q.value, _BINARY_BYTES, "B")
    if (q.value / UNITS[binary][0]).denominator == 1:
        return q.format(binary)
    return q.format(decimal)


def _format_money(value: Fraction, currency: str) -> str:
    cents = _round_half_up(abs(value), 2)
    sign = "-" if value < 0 and cents else ""
    return f"{sign}{cents // 100:,}.{cents % 100:02d} {currency}"


def _format_natural(q: Quantity) -> str:
    ladder = _LADDERS.get(q.dim)
    if ladder is not None:
        return q.format(_pick(q.value, ladder[1], ladder[0]))
    if q.dim == INFO:
        return _format_information(q)
    if q.dim in (USD, CNY):
        return _format_money(q.value, "USD" if q.dim == USD else "CNY")
    if q.is_dimensionless:
        return format_number(q.value)
    return f"{format_number(q.value)} {formula(q.dim)}"


def format_rate_both(q: Quantity) -> str:
    """A data rate in bytes and bits: "392 GB/s (3.136 Tb/s)"."""
    if q.dim != RATE:
        raise UnitError(f"expected a data rate, got {q} ({describe(q.dim)})")
    in_bytes = q.format(_pick(q.value, _BYTE_RATES, "B/s"))
    return f"{in_bytes} ({q.format()})"


# --------------------------------------------------------------------------
# Ratios


def ratio(a: Number | Quantity, b: Number | Quantity) -> Fraction:
    """a / b exactly (two quantities must share a dimension); b must not be 0."""
    if isinstance(a, Quantity) or isinstance(b, Quantity):
        qa = a if isinstance(a, Quantity) else Quantity(_exact(a))
        qb = b if isinstance(b, Quantity) else Quantity(_exact(b))
        check_same_dim(qa, qb, "take the ratio of")
        return qa.value / qb.value
    return _exact(a) / _exact(b)


def format_ratio(f: Number) -> str:
    """"3:1", "1.5:1", "1:1"; below one the larger side is the right: "1:2"."""
    f = _exact(f)
    if f >= 1 or f <= 0:
        return f"{format_number(f)}:1"
    return f"1:{format_number(1 / f)}"


def parse_ratio(text: str) -> Fraction:
    """The value of "3:1" or "1:1.5" (left / right); UnitError if malformed."""
    left, colon, right = text.partition(":")
    if not colon:
        raise UnitError(f"invalid ratio `{text}` (expected a form like `3:1`)")
    denominator = parse_number(right.strip())
    if denominator == 0:
        raise UnitError(f"invalid ratio `{text}`: the right side is zero")
    return parse_number(left.strip()) / denominator
