"""One source of truth for units: the lexer's UNIT terminal and `units.UNITS` agree.

Every spelling in `units.UNITS` lexes as one UNIT token, and every spelling the
lexer takes as a UNIT is known to `units.parse_unit`. The lexer side is
enumerated from candidate spellings (prefixes x bases x per-length suffixes)."""

from __future__ import annotations

import functools
from fractions import Fraction
from itertools import product

import pytest
from lark import Lark

from supernodec import units
from supernodec.syntax.parser import grammar_text, parse_module

PREFIXES = ("", "k", "K", "M", "G", "T", "P", "E", "m", "u", "µ", "μ", "n", "p",
            "Ki", "Mi", "Gi", "Ti", "Pi", "ki", "KI", "mi")
BASES = ("b", "B", "bit", "bits", "byte", "bytes", "s", "m", "W", "U", "USD", "CNY",
         "bps", "Bps", "b/s", "B/s", "bit/s", "bits/s", "byte/s", "min", "h", "%", "Hz",
         "V", "J", "in", "e", "E", "Wh", "mm", "cm", "km")
SUFFIXES = ("", "/m", "/km", "/s", "/U", "/W")
CANDIDATES = sorted({p + b + s for p, b, s in product(PREFIXES, BASES, SUFFIXES)} | set(units.UNITS))


@functools.cache
def _lark() -> Lark:
    return Lark(grammar_text(), parser="lalr", start="module")


def _lexes_as_unit(spelling: str) -> bool:
    try:
        toks = list(_lark().lex(f"1 {spelling}\n"))
    except Exception:          # a character no terminal takes
        return False
    return [t.type for t in toks[:2]] == ["NUMBER", "UNIT"] and str(toks[1]) == spelling


def _known(spelling: str) -> bool:
    try:
        units.parse_unit(spelling)
    except units.UnitError:
        return False
    return True


def test_every_unit_of_the_table_lexes_as_a_unit() -> None:
    missing = [u for u in units.UNITS if not _lexes_as_unit(u)]
    assert not missing


def test_every_spelling_the_lexer_takes_is_a_unit() -> None:
    lexed = [c for c in CANDIDATES if _lexes_as_unit(c)]
    assert len(lexed) >= len(units.UNITS)
    assert [c for c in lexed if not _known(c)] == []


@pytest.mark.parametrize("spelling", ["GW", "Gbit", "kbit", "Mbit", "Tbit", "Pbit", "Bps", "kBps", "PBps"])
def test_units_once_rejected_by_the_lexer(spelling: str) -> None:
    module, diags = parse_module("a.sn", f"param a = 1 {spelling}\n")
    assert module is not None and diags == []


@pytest.mark.parametrize("spelling", ["kiB", "b", "%", "Kb", "KB", "GiW"])
def test_not_units(spelling: str) -> None:
    assert not _lexes_as_unit(spelling)
    assert not _known(spelling)


def test_new_unit_factors() -> None:
    # by hand: 1 GW = 10^9 W; 1 Gbit = 10^9 bit; 1 kBps = 8000 bit/s; 1 PBps = 8 * 10^15 bit/s
    assert units.parse_unit("GW") == (Fraction(10**9), units.POWER)
    assert units.parse_unit("Gbit") == (Fraction(10**9), units.INFO)
    assert units.parse_unit("Bps") == (Fraction(8), units.RATE)
    assert units.parse_unit("kBps") == (Fraction(8000), units.RATE)
    assert units.parse_unit("PBps") == (Fraction(8 * 10**15), units.RATE)


def test_percent_is_the_modulo_operator() -> None:
    module, diags = parse_module("a.sn", "param a = 7 % 3\n")
    assert module is not None and diags == []
