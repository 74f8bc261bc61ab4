"""Exact quantities: parsing, arithmetic, dimension checks and formatting."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supernodec import units
from supernodec.units import (
    CNY,
    DELAY_PER_LENGTH,
    DIMENSIONLESS,
    INFO,
    LENGTH,
    POWER,
    RACK_UNITS,
    RATE,
    TIME,
    USD,
    Dim,
    Quantity,
    UnitError,
    check_same_dim,
    describe,
    format_number,
    format_rate_both,
    format_ratio,
    parse_number,
    parse_ratio,
    parse_unit,
    quantity,
    ratio,
)

# --------------------------------------------------------------------------
# parse_number


@pytest.mark.parametrize("text, value", [
    ("42", Fraction(42)),
    ("1.8", Fraction(9, 5)),
    ("1_000", Fraction(1000)),
    ("1e3", Fraction(1000)),
    ("2.5e-9", Fraction(25, 10**10)),
    ("0.1", Fraction(1, 10)),
    ("-3.25", Fraction(-13, 4)),
    ("+7", Fraction(7)),
    ("1_000.000_5", Fraction(10000005, 10000)),
    ("6E+2", Fraction(600)),
])
def test_parse_number_exact(text: str, value: Fraction) -> None:
    assert parse_number(text) == value
    assert type(parse_number(text)) is Fraction


@pytest.mark.parametrize("text", [
    "", "1__0", "_1", "1_", "1.", ".5", "1e", "1e+", "abc", "1.2.3", "1,000", "0x10",
    "٣", "1 000", "1e401", "inf", "nan",
])
def test_parse_number_rejects(text: str) -> None:
    with pytest.raises(UnitError):
        parse_number(text)


@given(st.integers(min_value=-10**30, max_value=10**30), st.integers(0, 30))
def test_parse_number_decimal_property(mantissa: int, places: int) -> None:
    digits = str(abs(mantissa)).rjust(places + 1, "0")
    text = ("-" if mantissa < 0 else "") + (
        f"{digits[:-places]}.{digits[-places:]}" if places else digits)
    assert parse_number(text) == Fraction(mantissa, 10**places)


@given(st.integers(-10**12, 10**12), st.integers(-60, 60))
def test_parse_number_exponent_property(mantissa: int, exp: int) -> None:
    assert parse_number(f"{mantissa}e{exp}") == mantissa * Fraction(10) ** exp


@given(st.integers(0, 10**18))
def test_parse_number_underscores(n: int) -> None:
    grouped = f"{n:_}"
    assert parse_number(grouped) == n


# --------------------------------------------------------------------------
# parse_unit and equivalences


def test_bytes_and_bits_rates_agree() -> None:
    assert quantity("56", "GB/s") == quantity("448", "Gb/s")
    assert quantity("1.8", "TB/s") == quantity("14.4", "Tb/s")
    assert quantity(400, "Gbps") == quantity(400, "Gb/s") == quantity(50, "GBps")
    assert quantity(1, "Tbps") == quantity(1000, "Gb/s")
    assert quantity(1, "bps") == quantity(1, "bit/s") == quantity(1, "b/s")
    assert quantity(1, "B/s") == quantity(8, "b/s")
    assert quantity(1, "PB/s") == quantity(8000, "Tb/s")
    assert quantity(1, "kB/s") == quantity(8, "kb/s")
    assert quantity(1, "MB/s") == quantity(8, "Mbps")


def test_case_matters() -> None:
    assert parse_unit("Gb") == (Fraction(10**9), INFO)
    assert parse_unit("GB") == (Fraction(8 * 10**9), INFO)
    assert parse_unit("GiB") == (Fraction(8 * 2**30), INFO)
    assert parse_unit("m") == (Fraction(1), LENGTH)
    assert parse_unit("mW")[1] == POWER and parse_unit("MW")[1] == POWER
    assert parse_unit("mW")[0] * 10**9 == parse_unit("MW")[0]


@pytest.mark.parametrize("unit, dim", [
    ("ps", TIME), ("ns", TIME), ("us", TIME), ("µs", TIME), ("μs", TIME), ("ms", TIME),
    ("s", TIME), ("min", TIME), ("h", TIME), ("mm", LENGTH), ("cm", LENGTH),
    ("km", LENGTH), ("W", POWER), ("kW", POWER), ("bits", INFO), ("byte", INFO),
    ("bytes", INFO), ("kB", INFO), ("PB", INFO), ("KiB", INFO), ("PiB", INFO),
    ("Tb", INFO), ("U", RACK_UNITS), ("USD", USD), ("CNY", CNY),
    ("ns/m", DELAY_PER_LENGTH), ("ps/m", DELAY_PER_LENGTH), ("us/km", DELAY_PER_LENGTH),
    ("TBps", RATE), ("Pb/s", RATE), ("GW", POWER), ("Gbit", INFO), ("kBps", RATE),
])
def test_unit_dimensions(unit: str, dim: Dim) -> None:
    assert parse_unit(unit)[1] == dim


def test_unit_factors() -> None:
    assert quantity(1, "µs") == quantity(1, "μs") == quantity(1000, "ns")
    assert quantity(1, "h") == quantity(60, "min") == quantity(3600, "s")
    assert quantity(1, "km") == quantity(10**6, "mm")
    assert quantity(5, "ns/m") * quantity(1, "km") == quantity(5, "us")
    assert quantity(1, "us/km") == quantity(1, "ns/m")
    assert quantity(1, "GiB") == quantity(1024, "MiB")
    assert quantity(1, "GB") == quantity(1000, "MB") != quantity(1, "GiB")


def test_quotient_units() -> None:
    assert parse_unit("USD/m") == (Fraction(1), USD / LENGTH)
    assert parse_unit("W/U")[1] == POWER / RACK_UNITS


def test_unknown_unit_suggests() -> None:
    with pytest.raises(UnitError) as info:
        parse_unit("gbps")
    assert "unknown unit `gbps`" in info.value.message
    assert info.value.suggestions[0] == "Gbps"
    assert 1 <= len(info.value.suggestions) <= 3
    with pytest.raises(UnitError):
        quantity(3, "furlongs")


# --------------------------------------------------------------------------
# arithmetic


def test_adding_time_to_rate_is_an_error() -> None:
    with pytest.raises(UnitError) as info:
        quantity(3, "ns") + quantity(400, "Gb/s")
    msg = info.value.message
    assert "3 ns (time)" in msg and "400 Gb/s (data rate)" in msg
    with pytest.raises(UnitError, match="subtract"):
        quantity(3, "ns") - quantity(1, "W")
    with pytest.raises(UnitError, match="compare"):
        _ = quantity(3, "ns") < quantity(400, "Gb/s")
    with pytest.raises(UnitError):
        _ = quantity(3, "ns") >= 2


def test_equality_across_dimensions_is_an_error() -> None:
    with pytest.raises(UnitError, match=r"cannot compare 3 ns .time. with 3 W .power."):
        _ = quantity(3, "ns") == quantity(3, "W")
    with pytest.raises(UnitError):
        _ = quantity(3, "ns") != quantity(3, "W")
    with pytest.raises(UnitError):
        _ = quantity(3, "ns") == 3
    with pytest.raises(UnitError, match=r"cannot compare 3 ns .time. and 3 W .power."):
        check_same_dim(quantity(3, "ns"), quantity(3, "W"))
    assert not quantity(3, "ns").same(quantity(3, "W"))
    assert quantity(3, "ns").same(quantity(3000, "ps"))
    assert quantity(3, "ns") != "3 ns" and quantity(3, "ns") != None  # noqa: E711


def test_mixed_dimensions_in_containers() -> None:
    mixed = {quantity(3, "ns"), quantity(3, "W"), quantity(3), quantity(0, "ns"),
             quantity(0, "W"), quantity(0)}
    assert len(mixed) == 6
    assert quantity(3000, "ps") in mixed


def test_products_and_quotients() -> None:
    rate, time = quantity(400, "Gb/s"), quantity(1, "us")
    assert (rate * time).dim == INFO
    assert rate * time == quantity(400_000, "bit")
    assert (rate / quantity(100, "Gb/s")) == 4
    assert (rate / quantity(100, "Gb/s")).is_dimensionless
    assert 2 * rate == rate * 2 == rate + rate
    assert rate / 2 == quantity(200, "Gb/s")
    assert (1 / time).dim == DIMENSIONLESS / TIME
    assert (time ** 2).dim == TIME * TIME == TIME ** 2
    assert -rate < 0 < rate and abs(-rate) == rate
    assert rate * Fraction(1, 3) * 3 == rate


def test_zero_adopts_dimension() -> None:
    rates = [quantity(56, "GB/s")] * 7
    assert sum(rates) == quantity(392, "GB/s")
    assert quantity(1, "ns") > 0
    assert quantity(0, "W") == 0
    with pytest.raises(UnitError):
        quantity(1, "ns") + 1


def test_floats_refused() -> None:
    with pytest.raises(TypeError):
        quantity(1.5, "ns")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        quantity(1, "ns") * 1.5


def test_exact_sums() -> None:
    tenth = quantity("0.1", "ns")
    assert sum([tenth] * 10) == quantity(1, "ns")
    third = quantity(1, "us") / 3
    assert sum([third] * 3_000) == quantity(1, "ms")
    parts = [quantity(f"{k}.{k:03d}", "kW") for k in range(1, 200)]
    assert sum(parts) == Quantity(Fraction(sum(k * 1001 for k in range(1, 200))), POWER)


def test_dimensionless_compares_with_numbers() -> None:
    q = quantity(3)
    assert q == 3 and q == Fraction(3) and hash(q) == hash(3)
    assert q < 4 and q >= Fraction(5, 2)


@given(st.fractions(), st.fractions(), st.fractions())
def test_arithmetic_properties(a: Fraction, b: Fraction, c: Fraction) -> None:
    qa, qb, qc = (Quantity(x, RATE) for x in (a, b, c))
    assert (qa + qb) - qb == qa
    assert qa + qb == qb + qa
    assert (qa + qb) + qc == qa + (qb + qc)
    assert (qa < qb) == (a < b) and (qa <= qb) == (a <= b)
    assert (qa == qb) == (a == b)
    if qa == qb:
        assert hash(qa) == hash(qb)


# --------------------------------------------------------------------------
# describe and formatting


def test_describe() -> None:
    assert describe(RATE) == "data rate"
    assert describe(TIME) == "time"
    assert describe(INFO) == "memory/information"
    assert describe(RACK_UNITS) == "rack units"
    assert describe(USD) == "money (USD)"
    assert describe(DIMENSIONLESS) == "number"
    assert describe(RATE / TIME) == "bit·s⁻²"


@pytest.mark.parametrize("number, unit, target, text", [
    ("392", "GB/s", "GB/s", "392 GB/s"),
    ("392", "GB/s", "Gb/s", "3136 Gb/s"),
    ("1.8", "TB/s", "TB/s", "1.8 TB/s"),
    ("1", "us", None, "1 us"),
])
def test_format_in_unit(number: str, unit: str, target: str | None, text: str) -> None:
    assert quantity(number, unit).format(target) == text


def test_format_fractional() -> None:
    assert (quantity(1, "us") / 3).format("us") == "0.3333 us"
    assert (quantity(1, "us") / 3).format() == "333.3 ns"
    assert quantity("1234.5", "Gb/s").format("Gb/s") == "1234.5 Gb/s"
    assert quantity("999.99996", "ns").format() == "999.99996 ns"  # never falsely integral
    assert f"{quantity(1, 'TB/s'):Gb/s}" == "8000 Gb/s"
    with pytest.raises(UnitError):
        quantity(1, "TB/s").format("ns")


@pytest.mark.parametrize("number, unit, text", [
    ("400", "Gb/s", "400 Gb/s"),
    ("1.8", "Tb/s", "1.8 Tb/s"),
    ("56", "GB/s", "448 Gb/s"),
    ("0", "Gb/s", "0 b/s"),
    ("3", "ns", "3 ns"),
    ("2500", "ns", "2.5 us"),
    ("0.5", "m", "500 mm"),
    ("1500", "m", "1.5 km"),
    ("60", "kW", "60 kW"),
    ("0.5", "W", "500 mW"),
    ("128", "GB", "128 GB"),
    ("128", "GiB", "128 GiB"),
    ("1", "KiB", "1 KiB"),
    ("1536", "B", "1.536 kB"),
    ("12", "bit", "12 bit"),
    ("42", "U", "42 U"),
    ("1234.5", "USD", "1,234.50 USD"),
    ("-7", "CNY", "-7.00 CNY"),
    ("5", "ns/m", "5 ns/m"),
    ("2.5", None, "2.5"),
])
def test_natural_format(number: str, unit: str | None, text: str) -> None:
    assert quantity(number, unit).format() == text
    assert str(quantity(number, unit)) == text


def test_format_rate_both() -> None:
    assert format_rate_both(quantity(392, "GB/s")) == "392 GB/s (3.136 Tb/s)"
    assert format_rate_both(quantity(56, "GB/s")) == "56 GB/s (448 Gb/s)"
    with pytest.raises(UnitError):
        format_rate_both(quantity(1, "ns"))


def test_format_number() -> None:
    assert format_number(Fraction(1, 3)) == "0.3333"
    assert format_number(Fraction(-2, 3)) == "-0.6667"
    assert format_number(Fraction(1, 800)) == "0.00125"
    assert format_number(10**20) == str(10**20)


_SPLIT = re.compile(r"(-?[0-9.]+) ?(.+)")


@given(st.integers(-10**15, 10**15), st.sampled_from(units.UNIT_NAMES))
def test_format_in_unit_round_trips(n: int, unit: str) -> None:
    q = quantity(n, unit)
    match = _SPLIT.fullmatch(q.format(unit))
    assert match is not None and match.group(2) == unit
    assert quantity(match.group(1), match.group(2)) == q


@given(st.fractions(min_value=Fraction(-10**6), max_value=Fraction(10**6),
                    max_denominator=10**6),
       st.sampled_from(["Gb/s", "ns", "m", "kW", "GB", "GiB", "ns/m", "U"]))
def test_natural_format_is_close(x: Fraction, unit: str) -> None:
    q = quantity(x, unit)
    match = _SPLIT.fullmatch(q.format())
    assert match is not None
    back = quantity(match.group(1), match.group(2))
    assert back.dim == q.dim
    assert abs(back.value - q.value) <= abs(q.value) * Fraction(1, 1000)


# --------------------------------------------------------------------------
# ratios


def test_ratios() -> None:
    assert ratio(3, 1) == 3
    assert format_ratio(ratio(1, 1)) == "1:1"
    assert format_ratio(ratio(3, 1)) == "3:1"
    assert format_ratio(ratio(3, 2)) == "1.5:1"
    assert format_ratio(ratio(1, 2)) == "1:2"
    assert ratio(quantity(800, "Gb/s"), quantity(50, "GB/s")) == 2
    with pytest.raises(UnitError):
        ratio(quantity(1, "ns"), quantity(1, "W"))
    with pytest.raises(ZeroDivisionError):
        ratio(1, 0)
    assert parse_ratio("3:1") == 3 and parse_ratio("1:1.5") == Fraction(2, 3)
    with pytest.raises(UnitError):
        parse_ratio("3")


@given(st.fractions(min_value=Fraction(1, 1000), max_value=Fraction(1000)))
def test_format_ratio_parses_back_close(f: Fraction) -> None:
    back = parse_ratio(format_ratio(f))
    assert abs(back - f) <= f * Fraction(1, 1000)
