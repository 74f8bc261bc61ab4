"""Small strategies: identifiers, string literals and quantities of `.sn` text.

Each strategy draws values that are valid where the language expects them, so
that larger generators can be valid by construction:

- `names()`: identifiers that are not keywords and do not lex as a unit, with
  a share of hostile ones (`graph`, `node`, `yes`, `null`, `nan`, ...) that
  break naive DOT or YAML emitters;
- `text_values()` and `string_literal()`: any printable text, with hostile
  values (CSV formula prefixes, quotes, newlines, markup) mixed in, and its
  escaped `.sn` spelling;
- `quantities(dim)`: a `Q` with the spelling (`50 GB/s`, `0.4 Tb/s`) and the
  exact SI value from this module's own unit table, not from `supernodec.units`,
  so a test comparing the two is an independent check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from hypothesis import strategies as st

# Words the grammar spells as literals: they cannot be identifiers.
KEYWORDS = frozenset("""
import as param let extends port lanes form required connect medium auto parallel
bundle split stripe for in if else place at row pitch unified memory over width
align require mgmt or and not true false
""".split())

# A NAME that the lexer would read as a unit after a number (`m`, `s`, `W`...)
# is legal but easy to misread; generated specs avoid them.
_UNIT_WORD = re.compile(
    r"(([kMGTP]?(b|B|bit)/s|[kMGTP]?bps|[MGT]Bps)|(ps|ns|us|ms|min|h)(/(m|km))?|(mm|cm|km)|([mkM]?W)"
    r"|([kMGTP]i?B|[kMGTP]b|bits|bit|bytes|byte|B)|U|USD|CNY|m|s)")

HOSTILE_NAMES = (
    "graph", "digraph", "subgraph", "node", "edge", "strict", "Graph", "NODE",
    "yes", "no", "on", "off", "y", "n", "Yes", "NO", "null", "Null", "NULL", "None", "nan", "NaN",
    "inf", "Infinity", "True", "False", "TRUE", "e3", "_", "__proto__", "constructor", "script",
    "rack", "center", "switch", "optic", "cable", "server", "device",
)

HOSTILE_STRINGS = (
    "=HYPERLINK(\"http://x\")", "=1+2", "+1", "-1", "@SUM(A1:A2)", "\t=1", "\r=1", "=cmd|' /C calc'!A0",
    "yes", "no", "null", "~", "1e3", "0x1F", "true", ".inf", "-.nan", "2001-01-01", "1:30",
    "a\"b", "a'b", "'", "\"", "\"\"", "a,b", "a;b", "line1\nline2", "tab\there", "back\\slash",
    "}", "{", "{}", "[", "]", "->", "--", "a -- b", "\"; evil -> x; \"", "];", "label=\"x\"",
    "<svg onload=alert(1)>", "</text>", "]]>", "<!-- -->", "&amp;", "&", "<", ">",
    "- item", "key: value", "? q", "! tag", "| block", "> fold", "*alias", "&anchor", "%TAG", "#comment",
    "ünïcödé", "名前", "𝔘𝔫𝔦", "\u202eevil", "\u00a0nbsp", "emoji 🚀", "zero\u200bwidth", "",
    " leading", "trailing ", "$(rm -rf /)", "`id`", "{{ 7*7 }}", "{% raw %}", "${HOME}",
    # break-out attempts carrying MARK (Ω), which no identifier can hold: if one
    # lands in a key, a node name or a tag, `outputs.py` sees it
    "\"; evil\u03a9 -> x\u03a9; \"", "x\nevil\u03a9: 1", "</text><evil\u03a9/>", "a,evil\u03a9\nb",
    "| evil\u03a9 |", "\nNodeName=evil\u03a9", "- evil\u03a9", "\"evil\u03a9\": 1", "]; evil\u03a9 [",
)


def _is_plain_name(s: str) -> bool:
    return s not in KEYWORDS and _UNIT_WORD.fullmatch(s) is None


def names(hostile: bool = True) -> st.SearchStrategy[str]:
    """Identifiers usable for parts, templates, members and index variables."""
    plain = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,11}", fullmatch=True).filter(_is_plain_name)
    if not hostile:
        return plain
    return st.one_of(plain, st.sampled_from([n for n in HOSTILE_NAMES if _is_plain_name(n)]))


def text_values(max_size: int = 40) -> st.SearchStrategy[str]:
    """Text for string fields (vendor, description, part_number, mgmt).

    Any Unicode except surrogates (not encodable as UTF-8) and `{`...`}`
    pairs around an identifier (`mgmt` interpolates those).
    """
    anything = st.text(st.characters(exclude_categories=("Cs",)), max_size=max_size)
    return st.one_of(st.sampled_from(HOSTILE_STRINGS), anything).filter(
        lambda s: re.search(r"\{[A-Za-z_][A-Za-z0-9_]*\}", s) is None)


def address_texts(max_size: int = 12) -> st.SearchStrategy[str]:
    """Text for a `mgmt` address: no whitespace or control characters (SN0203)."""
    chars = st.characters(exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp"))
    return st.one_of(st.sampled_from(("=cmd|'/C", "yes", "null", "1e3", "evil\u03a9", 'a"b', "-1", "@x", "\u00fc", "10.0.")),
                     st.text(chars, min_size=1, max_size=max_size)).filter(
        lambda s: re.search(r"\{[A-Za-z_][A-Za-z0-9_]*\}", s) is None)


def quote(value: str) -> str:
    """The `.sn` string literal for `value` (escapes `\\`, `"`, newline, tab)."""
    body = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{body}"'


def string_literal(max_size: int = 40) -> st.SearchStrategy[str]:
    """A `.sn` string literal (with its quotes) of any text."""
    return text_values(max_size).map(quote)


# ---------------------------------------------------------------- quantities
# Factors to SI base units (bit/s, W, m, s, bit, U, money), written out here.
UNIT_FACTORS: dict[str, dict[str, Fraction]] = {
    "rate": {"b/s": Fraction(1), "kb/s": Fraction(10**3), "Mb/s": Fraction(10**6), "Gb/s": Fraction(10**9),
             "Tb/s": Fraction(10**12), "Gbps": Fraction(10**9), "MB/s": Fraction(8 * 10**6),
             "GB/s": Fraction(8 * 10**9), "TB/s": Fraction(8 * 10**12)},
    "power": {"W": Fraction(1), "kW": Fraction(10**3), "MW": Fraction(10**6), "mW": Fraction(1, 1000)},
    "length": {"mm": Fraction(1, 1000), "cm": Fraction(1, 100), "m": Fraction(1), "km": Fraction(1000)},
    "time": {"ps": Fraction(1, 10**12), "ns": Fraction(1, 10**9), "us": Fraction(1, 10**6),
             "ms": Fraction(1, 1000), "s": Fraction(1)},
    "info": {"B": Fraction(8), "kB": Fraction(8000), "MB": Fraction(8 * 10**6),
             "GB": Fraction(8 * 10**9), "TB": Fraction(8 * 10**12), "Gb": Fraction(10**9),
             "MiB": Fraction(8 * 2**20), "GiB": Fraction(8 * 2**30), "TiB": Fraction(8 * 2**40)},
    "delay": {"ns/m": Fraction(1, 10**9), "ps/m": Fraction(1, 10**12), "us/km": Fraction(1, 10**9)},
    "rack_units": {"U": Fraction(1)},
    "money": {"USD": Fraction(1), "CNY": Fraction(1)},
}


@dataclass(frozen=True)
class Q:
    """A quantity as written (`text`) and its exact value in SI base units."""

    text: str
    value: Fraction
    unit: str


def number_text(x: Fraction, style: int = 0) -> str:
    """A `.sn` number literal for a value with a finite decimal expansion.

    style 0: plain (`400`, `0.25`); 1: digits grouped with `_` (`1_000`);
    2: scientific (`4e2`, `2.5e-1`).
    """
    num, den = x.numerator, x.denominator
    decimals = 0
    while 10 ** decimals % den and decimals < 60:
        decimals += 1
    scaled = num * 10 ** decimals // den
    if scaled * den != num * 10 ** decimals:
        raise ValueError(f"{x} has no finite decimal expansion")
    digits = str(scaled).rjust(decimals + 1, "0")
    whole, frac = digits[:len(digits) - decimals], digits[len(digits) - decimals:].rstrip("0")
    if style == 2 and scaled:
        stripped = str(scaled).rstrip("0")
        exp = len(str(scaled)) - len(stripped) - decimals
        mant = stripped[0] + ("." + stripped[1:] if len(stripped) > 1 else "")
        return f"{mant}e{exp + len(stripped) - 1}"
    if style == 1 and len(whole) > 3:
        whole = f"{int(whole):_}"
    return whole + ("." + frac if frac else "")


def _finite_decimal(x: Fraction) -> bool:
    d = x.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def spell(dim: str, value: Fraction) -> st.SearchStrategy[Q]:
    """Every spelling of an exact SI `value` in the units of `dim` that is a finite decimal."""
    options = [(u, value / f) for u, f in UNIT_FACTORS[dim].items() if _finite_decimal(value / f)]
    if not options:
        raise ValueError(f"{value} has no exact spelling in {dim} units")
    return st.sampled_from(options).flatmap(
        lambda uv: st.integers(0, 2).map(lambda style: Q(f"{number_text(uv[1], style)} {uv[0]}", value, uv[0])))


def quantities(dim: str, lo: int = 1, hi: int = 10**6) -> st.SearchStrategy[Q]:
    """Positive quantities of `dim`: an integer number (lo..hi) of a random unit, respelled."""
    units = sorted(UNIT_FACTORS[dim])
    return st.tuples(st.sampled_from(units), st.integers(lo, hi)).flatmap(
        lambda t: spell(dim, t[1] * UNIT_FACTORS[dim][t[0]]))
