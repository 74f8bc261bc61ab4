"""`checks.common.exact_sums`: per-key sums of int64 values equal Python's integer sums,
also where float64 accumulation would round (sums at and above 2**53)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from supernodec.checks.common import exact_sums

pairs = st.lists(st.tuples(st.integers(0, 6), st.integers(-2**62 // 64, 2**62 // 64)), max_size=60)


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_sums_equal_python(items: list[tuple[int, int]]) -> None:
    keys = np.array([k for k, _ in items], np.int64)
    values = np.array([v for _, v in items], np.int64)
    expect = [sum(v for k, v in items if k == key) for key in range(7)]
    assert exact_sums(keys, values, 7).tolist() == expect


def test_sums_beyond_float_precision() -> None:
    keys = np.array([0, 0, 1, 1, 1], np.int64)
    values = np.array([2**53, 1, 3 * 10**12, 3 * 10**12, 1], np.int64)
    assert exact_sums(keys, values, 2).tolist() == [2**53 + 1, 6 * 10**12 + 1]
