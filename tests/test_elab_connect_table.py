"""A connect's b ends remembered (by the values of b's indices, or from one walk of b
keyed by the shared variables) give the links and diagnostics of a walk of b per
binding of the a end.

Each spec is compiled with the memo and table forced on every connect and with both
off; link tables and diagnostics must be equal. The specs cover the table's cases (every
variable shared, some shared, variables only b has, `[*]`, group elements, loop
variables from the environment) and the cases it must hand back to the walk per
binding (an index expression before its variable, an index out of range, an end
that is not a port group).
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import compile_text
from supernodec.elaborate import connect

PARTS = """
switch Sw { port down[8]: UB @ 400 Gb/s; port up[8]: UB @ 400 Gb/s }
switch Big { port p[32]: UB @ 400 Gb/s }
switch Small { port p[4]: UB @ 400 Gb/s }
optic Om { class = "SR"; rate = 448 Gb/s; reach = 100 m; form = "OSFP"; links_per_module = 2 }
"""

SPECS = {
    "all_shared": "node[4] { sw: Sw[2] }\n  plane[2] { l2: Small[8] }\n"
                  "  connect node[n].sw[p].up[k] -> plane[p].l2[k].p[n] medium Om bundle 2",
    "some_shared": "sw: Sw[4]; big: Big[2]\n  connect sw[i].up[j] -> big[j % 2].p[i * 8 + j]",
    "b_only_variable": "sw: Sw[4]; small: Small[4]\n  connect sw[i].up -> small[i].p[k]",
    "reordered": "sw: Sw[4]; big: Big[8]\n  connect sw[i].up[j] -> big[j].p[i]",
    "star_ports": "sw: Sw[4]; big: Big[4]\n  connect sw[i].up[*] -> big[i].p",
    "loop_variable": "sw: Sw[4]; big: Big[8]\n  for t in 0..1 { connect sw[t].up[j] -> big[j].p[t] }",
    "groups_differ": "g[2] { sw: Sw[2] }\n  h[2] { big: Big[2] }\n  connect g[x].sw[y].up[z] -> h[x].big[y].p[z]",
    "expression_first": "sw: Sw[4]; big: Big[8]\n  connect sw[i].up[j] -> big[(j + 1) % 8].p[j + 8 * i]",
    "out_of_range": "sw: Sw[8]; big: Big[4]\n  connect sw[i].up[j] -> big[i].p[j]",
    "not_a_port": "sw: Sw[4]; big: Big[4]\n  connect sw[i].up[j] -> big[i]",
    "used_twice": "sw: Sw[4]; big: Big[4]\n  connect sw[i].up[j] -> big[j % 4].p[j]",
    "shared_targets": "sw: Sw[8]; big: Big[4]\n  connect sw[i].down -> big[floor(i / 2)].p medium Om",
    "expression_out_of_range": "sw: Sw[4]; big: Big[4]\n  connect sw[i].down -> big[i + 2].p",
    "b_variable_after_bound": "sw: Sw[4]; small: Small[4]\n  connect sw[i].up -> small[i].p[k + 0 * i]",
}


def _table(tmp_path, name: str, on: bool, monkeypatch: pytest.MonkeyPatch) -> tuple:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(connect, "TABLE_MIN_BINDINGS", 1 if on else 10**12)
    monkeypatch.setattr(connect, "TABLE_MAX_COST", 10**12)
    monkeypatch.setattr(connect, "MEMO_MAX", 1 << 16 if on else 0)
    d = tmp_path / ("on" if on else "off")
    d.mkdir(exist_ok=True)
    res = compile_text(d, PARTS + "center c {\n  " + SPECS[name] + "\n}\n", run_checks=False)
    diags = [(d.code, d.message, d.span.line if d.span else None) for d in res.diagnostics]
    if res.design is None:
        return (None, diags)
    L = res.design.links
    cols = (L.a, L.a_port, L.b, L.b_port, L.medium, L.lanes, L.cable, L.connect)
    return (np.stack([c.astype(np.int64) for c in cols]).tolist(), diags)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_table_equals_walk_per_binding(name: str, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    on = _table(tmp_path, name, True, monkeypatch)
    off = _table(tmp_path, name, False, monkeypatch)
    assert on == off
    expect_error = name in ("out_of_range", "not_a_port", "used_twice", "expression_out_of_range", "b_variable_after_bound")
    assert (on[0] is None) == expect_error, on[1]


def test_all_shared_pairs_every_switch_with_its_plane(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    links, _ = _table(tmp_path, "all_shared", True, monkeypatch)
    a, _ap, b, bp = links[0], links[1], links[2], links[3]
    # devices: node[n].sw[p] = 2n + p (0..7), then plane[p].l2[k] = 8 + 8p + k
    expect = sorted((2 * n + p, 8 + 8 * p + k, n) for n in range(4) for p in range(2) for k in range(8))
    assert sorted(zip(a, b, bp)) == expect
