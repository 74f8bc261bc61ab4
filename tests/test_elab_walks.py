"""Fast paths of reference resolution give what the plain walk gives.

1. A connect's b ends remembered (by the values of b's indices, or from one walk of
   b keyed by the shared variables) give the links and diagnostics of a walk of b per
   binding of the a end: each spec is compiled with the memo and table forced on
   every connect and with both off.
2. Plain references resolved with numpy (`elaborate/reftable.py`) give what the walk
   gives: each spec is compiled with the tables on and off, and the link tables,
   management addresses, placements, requires and diagnostics must be equal. The
   specs cover what a table handles (variables, constants, `[*]` and nothing on the
   device array and the port group, scalar members, groups whose elements are
   separate scopes, template instances, empty arrays) and what it hands back to the
   walk (an index from a loop variable, a variable used twice, racks and halls, a
   scope as the target, unknown names, a constant out of range).

The connect specs cover the table's cases (every variable shared, some shared,
variables only b has, `[*]`, group elements, loop variables from the environment) and
the cases it must hand back to the walk per binding (an index expression before its
variable, an index out of range, an end that is not a port group).
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import compile_text
from supernodec.elaborate import connect, refs


def _compile(tmp_path, parts: str, body: str, on: bool):  # type: ignore[no-untyped-def]
    d = tmp_path / ("on" if on else "off")
    d.mkdir(exist_ok=True)
    res = compile_text(d, parts + "center c {\n  " + body + "\n}\n", run_checks=False)
    return res, [(x.code, x.message, x.span.line if x.span else None) for x in res.diagnostics]


def _columns(L, names: tuple) -> list:  # type: ignore[no-untyped-def]
    return np.stack([getattr(L, n).astype(np.int64) for n in names]).tolist()


# ---------------------------------------------------------------- b ends of a connect
CONNECT_PARTS = """
switch Sw { port down[8]: UB @ 400 Gb/s; port up[8]: UB @ 400 Gb/s }
switch Big { port p[32]: UB @ 400 Gb/s }
switch Small { port p[4]: UB @ 400 Gb/s }
optic Om { class = "SR"; rate = 448 Gb/s; reach = 100 m; form = "OSFP"; links_per_module = 2 }
"""

CONNECT_SPECS = {
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
    monkeypatch.setattr(refs, "PLAIN_TABLES", False)     # the memo and table, not the plain pairs
    res, diags = _compile(tmp_path, CONNECT_PARTS, CONNECT_SPECS[name], on)
    if res.design is None:
        return (None, diags)
    return (_columns(res.design.links, ("a", "a_port", "b", "b_port", "medium", "lanes", "cable", "connect")), diags)


@pytest.mark.parametrize("name", sorted(CONNECT_SPECS))
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


# ---------------------------------------------------------------- plain tables
PLAIN_PARTS = """
switch Sw { port down[4]: UB @ 400 Gb/s; port up[4]: UB @ 400 Gb/s }
nic Nic { port p: Ethernet @ 100 Gb/s }
rack R { height = 42 U }
node Host { nic: Nic[2]; sw: Sw }
"""

PLAIN_SPECS = {
    "groups": "g[3] { sw: Sw[2] }\n  h[3] { q: Sw[2] }\n  connect g[x].sw[y].up[z] -> h[x].q[y].down[z]",
    "templates": "host: Host[4]\n  sw: Sw[4]\n  connect host[i].nic[j].p -> sw[i].down[j]\n  mgmt host[i].nic[j] = \"10.{i}.{j}\"",
    "scalar_member": "host: Host[3]\n  sw: Sw[3]\n  connect host[i].sw.up[k] -> sw[i].down[k]",
    "stars": "a: Sw[2]; b: Sw[4]\n  connect a[0].up -> b[*].down[0]\n  connect a[*].down[0] -> b[1].up",
    "const_and_star_ports": "a: Sw[4]; b: Sw[4]\n  connect a[i].up[2] -> b[i].down\n  connect a[0].down -> b[3].up[*]",
    "empty_array": "a: Sw[0]; b: Sw[2]\n  connect a[i].up[k] -> b[i].down[k]\n  mgmt a[i] = \"x{i}\"",
    "loop_variable": "a: Sw[4]; b: Sw[4]\n  for t in 0..1 { connect a[t].up[k] -> b[t + 2].down[k] }",
    "twice": "a: Sw[4]\n  connect a[i].up[i] -> a[i].down[0]",
    "racks": "host: Host[2]; rk: R[2]\n  place host[i] in rk[i]\n  require power(host) <= 10 kW",
    "unknown_member": "a: Sw[2]\n  mgmt a[i].nope = \"x\"",
    "unknown_port": "a: Sw[2]; b: Sw[2]\n  connect a[i].side -> b[i].down",
    "const_out_of_range": "a: Sw[2]; b: Sw[2]\n  connect a[5].up -> b[0].down",
    "scope_target": "host: Host[2]\n  mgmt host[i] = \"h{i}\"",
    "mgmt_ports": "a: Sw[2]\n  mgmt a[i].up[k] = \"s{i}p{k}\"",
    "parallel": "a: Sw[2]; b: Sw[2]\n  connect a[i].up -> b[i].down parallel 3",
    "a_beyond_b": "a: Sw[4]; b: Sw[2]\n  connect a[i].up[k] -> b[i].down[k]",
    "b_constant": "a: Sw[4]; b: Sw[1]\n  connect a[i].up[0] -> b[0].down",
}


def _result(tmp_path, name: str, on: bool, monkeypatch: pytest.MonkeyPatch) -> tuple:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(refs, "PLAIN_TABLES", on)
    res, diags = _compile(tmp_path, PLAIN_PARTS, PLAIN_SPECS[name], on)
    if res.design is None:
        return (None, diags)
    D = res.design
    reqs = [(r.func, [a.devices.tolist() for a in r.args]) for r in D.requires]
    return (_columns(D.links, ("a", "a_port", "b", "b_port", "cable")), dict(D.devices.mgmt),
            [(p.name, p.rack) for p in D.placements], reqs, diags)


@pytest.mark.parametrize("name", sorted(PLAIN_SPECS))
def test_tables_give_what_the_walk_gives(name: str, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    on = _result(tmp_path, name, True, monkeypatch)
    off = _result(tmp_path, name, False, monkeypatch)
    assert on == off
    expect_error = name in ("unknown_member", "unknown_port", "const_out_of_range", "a_beyond_b")
    assert (on[0] is None) == expect_error, on[-1]


def test_groups_pair_each_element_with_its_own_devices(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    links = _result(tmp_path, "groups", True, monkeypatch)[0]
    a, b, bp = links[0], links[2], links[3]
    # g[x].sw[y] is device 2x + y, h[x].q[y] is device 6 + 2x + y, down[z] is its port z
    assert sorted(zip(a, b, bp)) == sorted((2 * x + y, 6 + 2 * x + y, z) for x in range(3) for y in range(2) for z in range(4))
