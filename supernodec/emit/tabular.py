"""Cell formatting shared by the tabular emitters (BOM, cabling plan).

Money and lengths are exact (``Fraction``) up to the moment they become text;
rounding is half-up and happens here only. CSV cells are escaped per RFC 4180
and defused against formula injection per OWASP ("CSV Injection"): a cell that
starts with ``= + - @``, TAB or CR gets a leading apostrophe, so a spreadsheet
shows it as text instead of evaluating it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Iterable

import numpy as np

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def decimal(x: Fraction | int, places: int = 2) -> str:
    """`x` with exactly `places` decimals, rounded half away from zero: 1234.5 -> "1234.50"."""
    q = Fraction(x)
    sign = "-" if q < 0 else ""
    n = int(abs(q) * 10**places + Fraction(1, 2))
    if places == 0:
        return f"{sign}{n}" if n else "0"
    whole, frac = divmod(n, 10**places)
    return f"{sign if n else ''}{whole}.{str(frac).rjust(places, '0')}"


def money(x: Fraction | int | None) -> str:
    """A price with 2 decimals ("" when unknown)."""
    return "" if x is None else decimal(x, 2)


def grouped(text: str) -> str:
    """Thousands separators for a decimal string: "1234567.50" -> "1,234,567.50"."""
    sign = "-" if text.startswith("-") else ""
    whole, dot, frac = text.lstrip("-").partition(".")
    return f"{sign}{int(whole):,}{dot}{frac}"


def number(x: Fraction | int | None) -> str:
    """An exact quantity as short text: integers in full, else up to 3 decimals, zeros trimmed."""
    if x is None:
        return ""
    q = Fraction(x)
    if q.denominator == 1:
        return str(q.numerator)
    text = decimal(q, 3).rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def json_number(x: Fraction | int | None) -> int | float | None:
    """JSON value of an exact quantity: int when whole, else a float (display values only)."""
    if x is None:
        return None
    q = Fraction(x)
    return q.numerator if q.denominator == 1 else float(q)


def defuse(text: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would read as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_cell(value: object) -> str:
    """One CSV field: defused, quoted when it holds a comma, quote or line break."""
    text = defuse("" if value is None else str(value))
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(values: Iterable[object]) -> str:
    return ",".join(csv_cell(v) for v in values) + "\n"


def md_cell(value: object) -> str:
    """A Markdown table cell: pipes and backslashes escaped, line breaks flattened."""
    text = "" if value is None else str(value)
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return " ".join(text.split()) if any(c in text for c in "\r\n\t") else text


def md_table(header: list[str], rows: Iterable[list[object]], right: set[int] = frozenset()) -> str:
    """A GitHub-flavoured Markdown table; columns in `right` are right-aligned."""
    rule = ["---:" if i in right else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(md_cell(h) for h in header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(md_cell(v) for v in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def padded(values: np.ndarray, width: int, prefix: str = "") -> np.ndarray:
    """`prefix` + each value zero-padded to `width` digits ("C0001234"), as an object array.

    Gathered from two tables (the last three digits, the rest), so 10^7 values cost
    two lookups and one concatenation each rather than a format call.
    """
    v = np.asarray(values, np.int64)
    low = min(width, 3)
    high = max(int(v.max(initial=0)) // 10**low + 1, 1)
    hi = np.asarray([prefix + (f"{h:0{width - low}d}" if width > low else "") for h in range(high)], dtype=object)
    lo = np.asarray([f"{i:0{low}d}" for i in range(10**low)], dtype=object)
    return hi[v // 10**low] + lo[v % 10**low]
