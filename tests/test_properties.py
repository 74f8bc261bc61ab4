"""Robustness properties of issue 8 with a CI-sized budget (`make fuzz` runs them for minutes).

Each test runs one property of `supernodec.testing` over a few dozen generated
inputs; found counterexamples are pinned with `@example` so they stay fixed.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from supernodec import units
from supernodec.testing import (SpecFiles, grammar_texts, mutated_specs, prop_any_input, prop_build_deterministic,
                                prop_mutant_diagnostics, prop_outputs, prop_valid_compiles, quantities, valid_specs)
from supernodec.testing.atoms import UNIT_FACTORS
from supernodec.testing.grammar import token_soup

def ci(examples: int) -> settings:
    """A small budget; no example database, so CI runs do not depend on earlier runs."""
    return settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))


# Found by the fuzz runner: pinned so they stay fixed.
NUL_IMPORT = SpecFiles('import "\x00"\nswitch S { port p[4]: UB @ 56 GB/s }\n')
CR_VENDOR = SpecFiles('switch S { vendor = "a\rb"; part_number = "x"; port p[2]: UB @ 56 GB/s }\n'
                      'center c { s: S[2]; connect s[0].p -> s[1].p }\n')
EMPTY_GRES = SpecFiles('accelerator _ { port p: UB @ 56 GB/s }\nswitch S { port d[2]: UB @ 56 GB/s }\n'
                       'node N { a: _[1] }\ncenter c { n: N[2]; s: S[1]; connect n[i].a[0].p -> s[0].d }\n')


@ci(200)
@given(st.binary(max_size=2000))
@example(b"\xff\xfe\x00")
@example(b"switch S { port p[4]: UB @ 56 GB/s }\xc3")
def test_any_bytes_give_diagnostics(data: bytes) -> None:
    prop_any_input(data)


@ci(200)
@given(st.one_of(st.text(max_size=2000), token_soup()))
@example("(" * 100_000)
@example("param x = " + "-" * 50_000 + "1")
@example('import "' + "a/" * 3000 + 'x"')
def test_any_text_gives_diagnostics(text: str) -> None:
    prop_any_input(text)


@ci(40)
@given(grammar_texts())
def test_grammar_generated_text_gives_diagnostics(text: str) -> None:
    prop_any_input(text)


@ci(40)
@given(mutated_specs())
@example(NUL_IMPORT)
def test_mutated_specs_give_diagnostics_inside_the_files(spec: SpecFiles) -> None:
    prop_mutant_diagnostics(spec)


@ci(40)
@given(valid_specs())
def test_valid_specs_compile_with_the_planned_counts(gen) -> None:  # type: ignore[no-untyped-def]
    prop_valid_compiles(gen)


@ci(12)
@given(valid_specs(max_hosts=3, max_pods=2))
@example(CR_VENDOR)
@example(EMPTY_GRES)
def test_outputs_parse_back_escaped_and_agree_with_the_ir(gen) -> None:  # type: ignore[no-untyped-def]
    prop_outputs(gen)


@pytest.mark.slow
@ci(2)
@given(valid_specs(max_hosts=2, max_pods=2))
def test_build_is_byte_identical_under_two_hash_seeds(gen) -> None:  # type: ignore[no-untyped-def]
    prop_build_deterministic(gen)


@ci(300)
@given(st.sampled_from(sorted(UNIT_FACTORS)).flatmap(quantities))
def test_generated_quantities_mean_what_the_strategy_says(q) -> None:  # type: ignore[no-untyped-def]
    """The strategy's own unit table (written out in atoms.py) and units.py agree."""
    number, unit = q.text.split(" ")
    assert units.quantity(number, unit).value == q.value


def test_the_unit_table_of_the_strategies_is_hand_checked() -> None:
    t = UNIT_FACTORS
    assert t["rate"]["GB/s"] == 8 * 10**9          # a byte is 8 bits
    assert t["info"]["GiB"] == 8 * 2**30
    assert t["delay"]["us/km"] == Fraction(1, 10**9)  # 1 us per km = 1 ns per m
    assert t["power"]["mW"] == Fraction(1, 1000)
