"""Property-based testing for `.sn` specs: hypothesis strategies and properties.

supernodec fuzzes itself with these, and you can fuzz your own catalogs and
templates with them (they need the `test` extra: `pip install supernodec[test]`).

Strategies (all return hypothesis `SearchStrategy` objects):

- `valid_specs(max_hosts=4, max_pods=3)`: specs that are valid by
  construction, from a two-switch fabric to a multi-pod center with a catalog
  file, placement on a hall floor, `require`s and `mgmt` addresses. Draws are
  `GeneratedSpec(spec: SpecFiles, plan: Plan)`; the plan holds the sizes, so a
  test can compare the compiled design with counts computed independently.
- `mutated_specs(base=None, max_edits=3)`: a spec from `base` (default
  `valid_specs()`; any strategy of `SpecFiles` or `GeneratedSpec` works) with
  1..3 edits: a dropped, duplicated or swapped token, a wrong or unknown unit,
  a bad number, a renamed name, a stray character, a cut-off file, a removed
  or added import, a size with too many zeros (`MUTATIONS`).
- `grammar_texts()`: modules generated from the grammar itself
  (`hypothesis.extra.lark.from_lark`), for syntax-level fuzzing.
- `names()`, `text_values()`, `string_literal()`, `address_texts()`,
  `quantities(dim)`, `spell(dim, value)`: identifiers (with hostile ones such
  as `graph`, `yes`, `null`), string field values (with CSV/YAML/DOT break-out
  attempts), and exact quantities in random units (`Q(text, value, unit)`).

`SpecFiles(main, files={"parts.sn": ...})` is a spec held in memory;
`compile_files(spec)` compiles it with the real driver and loader without
touching the disk; `SpecFiles.write(folder)` saves it; `specs_in(folder)`
loads every root spec of a folder (with the files it may import) as a base
for `mutated_specs`.

Properties (plain functions that raise `PropertyFailure`):
`prop_any_input(bytes_or_text)`, `prop_mutant_diagnostics(spec)`,
`prop_valid_compiles(generated)`, `prop_outputs(spec)` (every emitter's
output parses back with real parsers, is escaped, agrees with the IR and is
deterministic) and `prop_build_deterministic(spec)` (`supernodec build` under
two PYTHONHASHSEEDs, byte-identical).

Example, fuzzing your own catalog with the generated designs around it:

    from hypothesis import given, settings, strategies as st
    from supernodec.testing import SpecFiles, mutated_specs, prop_mutant_diagnostics

    MINE = SpecFiles(open("center.sn").read(), {"partners.sn": open("partners.sn").read()})

    @settings(max_examples=200, deadline=None)
    @given(mutated_specs(base=st.just(MINE)))
    def test_mistakes_in_my_center_are_diagnosed(spec):
        prop_mutant_diagnostics(spec)     # diagnostics with spans, never a crash

A long run of every property: `python -m supernodec.testing.fuzz --seconds 600
--report out/fuzz-report.json` (`make fuzz`); see `supernodec/testing/fuzz.py`.
"""

from __future__ import annotations

from .atoms import (HOSTILE_NAMES, HOSTILE_STRINGS, Q, address_texts, names, quantities, quote, spell,
                    string_literal, text_values)
from .grammar import grammar_texts
from .mutate import MUTATIONS, mutated_specs
from .properties import (PropertyFailure, check_diagnostics, compile_bytes, emit_all, prop_any_input,
                         prop_build_deterministic, prop_mutant_diagnostics, prop_outputs, prop_valid_compiles)
from .specfiles import SpecFiles, compile_files, specs_in
from .specs import GeneratedSpec, Plan, render, valid_specs

__all__ = [
    "HOSTILE_NAMES", "HOSTILE_STRINGS", "MUTATIONS", "GeneratedSpec", "Plan", "PropertyFailure", "Q", "SpecFiles",
    "address_texts", "check_diagnostics", "compile_bytes", "compile_files", "emit_all", "grammar_texts",
    "mutated_specs", "names", "prop_any_input", "prop_build_deterministic", "prop_mutant_diagnostics",
    "prop_outputs", "prop_valid_compiles", "quantities", "quote", "render", "specs_in", "spell", "string_literal",
    "text_values", "valid_specs",
]
