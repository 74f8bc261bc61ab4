"""The vectorised connect path gives the sequential path's links, link for link.

Each spec is compiled twice: with the numpy path forced on every connect and binding,
and with it switched off; the link tables, cable counts and diagnostics must be equal.
The specs cover what the numpy path handles (first-free and explicit ports, parallel,
bundle, stripe, `[*]`, ports already used by an earlier connect, `medium auto`) and
what it must hand back to the sequential path (the same device on both ends,
breakouts, shortages and ports used twice).
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import compile_text
from supernodec.elaborate import fastconnect

PARTS = """
switch Leaf { port down[8]: Ethernet @ 400 Gb/s form OSFP; port up[8]: Ethernet @ 400 Gb/s lanes 4 form OSFP }
switch Spine { port p[16]: Ethernet @ 400 Gb/s lanes 2 form OSFP }
nic Nic { port p[2]: Ethernet @ 400 Gb/s form OSFP }
optic Om { class = "DR"; rate = 800 Gb/s; reach = 500 m; delay = 5 ns/m; form = "OSFP"; price = 900 USD; links_per_module = 4 }
cable Dac { class = "DAC"; rate = 800 Gb/s; reach = 3 m; delay = 5 ns/m; form = "OSFP"; price = 100 USD; max_racks = 1 }
rack R { height = 42 U; power_budget = 40 kW }
"""

SPECS = {
    "parallel": "leaf: Leaf[4]; spine: Spine[4]\n  connect leaf[i].up -> spine[j].p parallel 2",
    "explicit_a": "leaf: Leaf[4]; spine: Spine[2]\n  connect leaf[i].up[k] -> spine[k % 2].p",
    "bundle": "leaf: Leaf[4]; spine: Spine[4]\n  connect leaf[i].up -> spine[j].p parallel 2 medium Om bundle 3",
    "stripe": "leaf: Leaf[4]; spine: Spine[2]\n  connect leaf[i].up -> spine[*].p stripe medium Om",
    "star_ports": "leaf: Leaf[2]; spine: Spine[1]\n  connect leaf[i].up[*] -> spine[0].p",
    "cursor_after_earlier": ("leaf: Leaf[2]; spine: Spine[2]\n  connect leaf[i].up[3] -> spine[i].p[5]\n"
                             "  connect leaf[i].up -> spine[j].p parallel 3"),
    "auto_medium": ("leaf: Leaf[4]; spine: Spine[2]; rk: R[2]\n  hall h { row A[4] pitch 0.6 m at 0 m; row B[4] pitch 0.6 m at 20 m }\n"
                    "  place leaf[i] in rk[0]; place spine[i] in rk[1]; place rk[0] in h.A; place rk[1] in h.B\n"
                    "  connect leaf[i].up -> spine[*].p stripe medium auto\n  connect leaf[i].down[0] -> leaf[(i + 1) % 4].down[1] medium auto"),
    "same_device_both_ends": "spine: Spine[4]\n  connect spine[i].p -> spine[j].p",
    "explicit_then_first_free": ("leaf: Leaf[2]; spine: Spine[2]\n  connect leaf[i].down[k] -> spine[i].p[k * 2]\n"
                                 "  connect leaf[i].up -> spine[j].p parallel 4"),
    "split": "leaf: Leaf[2]; nic: Nic[8]\n  connect leaf[0].up -> nic[*].p[0] split 2 medium Om",
    "shortage": "leaf: Leaf[4]; spine: Spine[1]\n  connect leaf[i].up -> spine[0].p parallel 5",
    "used_twice": "leaf: Leaf[2]; spine: Spine[2]\n  connect leaf[i].up[0] -> spine[j].p[0]",
    "used_twice_across": "leaf: Leaf[2]; spine: Spine[2]\n  connect leaf[i].up -> spine[j].p[3]\n  connect leaf[i].down -> spine[j].p[3]",
}


def _compile(tmp_path, name: str, fast: bool, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(fastconnect, "FAST_MIN_LINKS", 1 if fast else 10**12)
    monkeypatch.setattr(fastconnect, "FAST_MIN_BLOCK", 1 if fast else 10**12)
    d = tmp_path / ("fast" if fast else "slow")
    d.mkdir(exist_ok=True)
    return compile_text(d, PARTS + "center c {\n  " + SPECS[name] + "\n}\n", run_checks=False)


def _table(res) -> tuple:  # type: ignore[no-untyped-def]
    diags = [(d.code, d.message, d.span.line if d.span else None) for d in res.diagnostics]
    if res.design is None:
        return (None, diags)
    L = res.design.links
    cols = (L.a, L.a_port, L.b, L.b_port, L.medium, L.lanes, L.cable, L.connect, L.length_mm)
    return (np.stack([c.astype(np.int64) for c in cols]).tolist(), diags)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_numpy_path_equals_sequential_path(name: str, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    fast = _table(_compile(tmp_path, name, True, monkeypatch))
    slow = _table(_compile(tmp_path, name, False, monkeypatch))
    assert fast == slow
    expect_error = name in ("shortage", "used_twice", "used_twice_across")
    assert (fast[0] is None) == expect_error, fast[1]


# ---------------------------------------------------------------- index expressions
EXPRS = ["i", "i + 1", "(i + 1) % 8", "(i - 9) % 4", "floor(i / 3)", "ceil((i * 7 + j) / 5)", "i / 2",
         "min(i, j) * 2", "max(i - j, 0)", "abs(i - j)", "-i + 20", "i % 0", "i / (j - j)", "n * 2 + i",
         "floor(i / 4 + j / 4)", "i * 1.5", "(i * 48 + j) / 64", "k + i", "2 GB", "i + nodes"]


@pytest.mark.parametrize("text", EXPRS)
def test_fast_index_evaluator_agrees_with_evaluate(text: str) -> None:
    from collections import ChainMap
    from fractions import Fraction
    from types import SimpleNamespace

    from supernodec.diagnostics import DiagnosticError
    from supernodec.elaborate.refs import index_value
    from supernodec.syntax.parser import parse_module
    from supernodec.units import quantity
    mod, errs = parse_module("x.sn", f"param x = {text}\n")
    assert mod is not None, errs
    ix = mod.body[0].default
    env = ChainMap({"n": Fraction(3), "nodes": quantity("2", "GB")})
    for i in range(-3, 12):
        for j in range(0, 4):
            binding = {"i": Fraction(i), "j": Fraction(j)}
            ctx = SimpleNamespace(env=env)
            got = _outcome(lambda: index_value(ctx, ix, binding), DiagnosticError)
            from supernodec.elaborate import refs
            saved, refs._fast_index = refs._fast_index, (lambda e: None)
            try:
                want = _outcome(lambda: index_value(ctx, ix, binding), DiagnosticError)
            finally:
                refs._fast_index = saved
            assert got == want, (text, i, j)


def _outcome(fn, exc):  # type: ignore[no-untyped-def]
    try:
        return ("ok", fn())
    except exc as e:
        return ("error", e.diagnostic.code, e.diagnostic.message)
