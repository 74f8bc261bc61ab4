"""\"Did you mean\" suggestions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supernodec.suggest import did_you_mean, edit_distance, suggest

PARTS = ["Ascend910C", "Ascend910B", "Kunpeng920", "UBSwitchL1", "UBSwitchL2", "CM384"]


@pytest.mark.parametrize("a, b, d", [
    ("", "", 0), ("abc", "abc", 0), ("abc", "", 3), ("kitten", "sitting", 3),
    ("ab", "ba", 1), ("npu", "nup", 1), ("ca", "abc", 3), ("Gb", "GB", 1),
])
def test_edit_distance(a: str, b: str, d: int) -> None:
    assert edit_distance(a, b) == d
    assert edit_distance(b, a) == d


def test_typo_and_swap() -> None:
    assert suggest("Ascend910", PARTS)[:2] == ("Ascend910B", "Ascend910C")
    assert suggest("Kunpnege920", PARTS) == ("Kunpeng920",)
    assert suggest("UBSwtichL1", PARTS)[0] == "UBSwitchL1"


def test_case_insensitive_match_comes_first() -> None:
    assert suggest("ascend910c", PARTS)[0] == "Ascend910C"
    assert suggest("gbps", ["GBps", "Gbps", "bps", "Mbps"])[:2] == ("Gbps", "GBps")


def test_prefix_match() -> None:
    assert suggest("Kun", PARTS) == ("Kunpeng920",)
    assert suggest("UBS", PARTS) == ("UBSwitchL1", "UBSwitchL2")


def test_implausible_candidates_are_dropped() -> None:
    assert suggest("rack", ["server", "switch", "power"]) == ()
    assert suggest("npu", ["npu"]) == ()          # the name itself is not a suggestion
    assert suggest("x", []) == ()


def test_limit_and_tie_break() -> None:
    found = suggest("ab", ["ac", "ad", "aa", "ae", "xb"], limit=3)
    assert found == ("aa", "ac", "ad")
    assert suggest("ab", ["ac", "ad"], limit=0) == ()


def test_did_you_mean() -> None:
    assert did_you_mean("nothing", ["else"]) == ""
    assert did_you_mean("npus", ["npu"]) == "did you mean `npu`?"
    assert did_you_mean("l1", ["l2", "l3"]) == "did you mean `l2` or `l3`?"
    assert did_you_mean("l1", ["l2", "l3", "l4", "l5"]) == "did you mean `l2`, `l3` or `l4`?"


@given(st.text(max_size=12), st.lists(st.text(max_size=12), max_size=20))
def test_deterministic_and_order_independent(name: str, candidates: list[str]) -> None:
    found = suggest(name, candidates)
    assert found == suggest(name, list(reversed(candidates)) + candidates)
    assert len(found) <= 3 and len(set(found)) == len(found)
    assert name not in found and set(found) <= set(candidates)


@given(st.text(max_size=10), st.text(max_size=10), st.text(max_size=10))
def test_distance_is_a_metric_ish(a: str, b: str, c: str) -> None:
    assert edit_distance(a, b) == edit_distance(b, a)
    assert (edit_distance(a, b) == 0) == (a == b)
    assert edit_distance(a, b) <= max(len(a), len(b))
    assert abs(len(a) - len(b)) <= edit_distance(a, b)
