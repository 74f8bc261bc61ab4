"""Management addresses: `{name}` takes an index variable of the target or any value
in scope (printed as `show` prints it), and the value may be an expression."""

from __future__ import annotations

from conftest import compile_text

SPEC = """
nic Nic { port p: Ethernet @ 100 Gb/s }
param site = 7
let pattern = "h{j}.{site}"
center c {
  a: Nic[3]
  b: Nic[2]
  half[2] { n: Nic[2] }
  mgmt a[i] = "10.{site}.{i}.1"
  mgmt b[j] = PATTERN
  mgmt half[h].n[k] = "fd00::{h}:{k}:{site}"
}
"""


def _mgmt(tmp_path, pattern: str) -> tuple:  # type: ignore[no-untyped-def]
    res = compile_text(tmp_path, SPEC.replace("PATTERN", pattern), run_checks=False)
    if res.design is None:
        return None, [(d.code, d.message) for d in res.diagnostics]
    return {res.design.devices.name[d]: v for d, v in res.design.devices.mgmt.items()}, res.diagnostics


def test_addresses_fill_variables_and_values(tmp_path) -> None:  # type: ignore[no-untyped-def]
    mg, diags = _mgmt(tmp_path, "pattern")
    expect = {f"a[{i}]": f"10.7.{i}.1" for i in range(3)}
    expect |= {f"b[{j}]": f"h{j}.7" for j in range(2)}
    expect |= {f"half[{h}].n[{k}]": f"fd00::{h}:{k}:7" for h in range(2) for k in range(2)}
    assert (mg, diags) == (expect, [])


def test_a_name_the_target_does_not_bind_is_reported(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert _mgmt(tmp_path, '"h{i}"') == (None, [("SN0101", "unknown name `i` in `{i}`")])
