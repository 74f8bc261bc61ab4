"""`supernodec catalog import-netbox`: devicetype-library YAML to catalog parts.

Three device types are written here in the devicetype-library format (a 64-port 400G
switch, a 1U server with 2 NICs, a 32-port 800G OSFP switch), imported with the CLI,
and used in a small leaf-spine fabric that must elaborate with the expected links.
Bad files are data: `tests/cases/netbox/*.yaml`, with the expected diagnostics as
`# error: CODE "text"` comments on the offending line.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from conftest import CASES, SHARED, compile_text, run_cli

GBPS = 10**9


def _interfaces(prefix: str, n: int, itype: str, start: int = 1) -> list[str]:
    out = []
    for i in range(start, start + n):
        out += [f"  - name: {prefix}{i}", f"    type: {itype}"]
    return out


def _device(model: str, slug: str, u: str, interfaces: list[str], draw: int, extra: tuple[str, ...] = ()) -> str:
    lines = ["manufacturer: ExampleVendor", f"model: {model}", f"slug: {slug}", "part_number: EV-" + slug.upper()[-8:],
             f"u_height: {u}", "is_full_depth: true", "airflow: front-to-rear", *extra, "interfaces:",
             "  - name: mgmt0", "    type: 1000base-t", "    mgmt_only: true", *interfaces,
             "power-ports:"]
    for k in range(2):
        lines += [f"  - name: PSU{k}", "    type: iec-60320-c20", f"    maximum_draw: {draw}"]
    return "\n".join(lines) + "\n"


LEAF = _device("Leaf 64x400G", "examplevendor-leaf-64x400g", "1", _interfaces("swp", 64, "400gbase-x-osfp"), 1500)
SERVER = _device("GPU Server 1U", "examplevendor-gpu-server-1u", "1",
                 _interfaces("eth", 2, "400gbase-x-qsfp112"), 2000, ("comments: two 400G NICs",))
SPINE = _device("Spine 32x800G", "examplevendor-spine-32x800g", "1", _interfaces("Ethernet", 32, "800gbase-x-osfp"),
                2200)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("netbox")
    for name, text, module in (("leaf.yaml", LEAF, "evleaf"), ("server.yaml", SERVER, "evserver"),
                               ("spine.yaml", SPINE, "evspine")):
        (d / name).write_text(text, encoding="utf-8")
        r = run_cli("catalog", "import-netbox", str(d / name), "-o", str(d), "--module", module)
        assert r.returncode == 0, r.stderr
        assert (d / f"{module}.sn").is_file()
    return d


def test_generated_parts(imported: Path) -> None:
    leaf = (imported / "evleaf.sn").read_text(encoding="utf-8")
    assert "switch Leaf_64x400G {" in leaf
    assert "port swp[64]: Ethernet @ 400 Gb/s form OSFP" in leaf      # 64 x 400gbase-x-osfp
    assert "port mgmt: Ethernet @ 1 Gb/s form RJ45" in leaf            # 1000base-t
    assert "power = 1500 W" in leaf and "height = 1 U" in leaf
    server = (imported / "evserver.sn").read_text(encoding="utf-8")
    assert "server GPU_Server_1U {" in server                          # 2 data ports: not a switch
    assert "port eth[2]: Ethernet @ 400 Gb/s form QSFP112" in server
    spine = (imported / "evspine.sn").read_text(encoding="utf-8")
    assert "port ethernet[32]: Ethernet @ 800 Gb/s form OSFP" in spine
    for text in (leaf, server, spine):
        assert "/// Source: NetBox devicetype-library YAML" in text and "Assumption:" in text


def test_imported_parts_elaborate_in_a_fabric(imported: Path, tmp_path: Path) -> None:
    # 4 servers, NIC k to leaf k; every leaf to every spine with 4 links. Elaboration is the
    # subject (ports found, counted and allocated), not the physical checks.
    spec = """
import "evleaf"
import "evserver"
import "evspine"
center fabric {
  server: evserver.GPU_Server_1U[4]
  leaf: evleaf.Leaf_64x400G[2]
  spine: evspine.Spine_32x800G[2]
  connect server[n].eth[k] -> leaf[k].swp
  connect leaf[l].swp -> spine[s].ethernet parallel 4
}
"""
    (imported / "fabric.sn").write_text(spec, encoding="utf-8")
    res = compile_text(imported, spec, name="fabric.sn", run_checks=False)
    assert res.design is not None and not [d for d in res.diagnostics if d.is_error], \
        [d.message for d in res.diagnostics]
    d = res.design
    servers, leaves, spines = 4, 2, 2
    assert len(d.links) == servers * 2 + leaves * spines * 4             # 8 NIC links + 16 uplinks
    by_part = {p.qname: p for p in d.parts}
    assert by_part["evleaf.Leaf_64x400G"].port_count == 1 + 64
    assert by_part["evspine.Spine_32x800G"].ports[-1].rate == 800 * GBPS
    assert by_part["evserver.GPU_Server_1U"].height == 1


def _expectations(path: Path) -> set[tuple[int, str, str, str]]:
    out = set()
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = re.search(r"#\s*(error|warning):\s*(SN\d{4})\s*\"(.*)\"\s*$", line)
        if m:
            out.add((no, m.group(1), m.group(2), m.group(3)))
    return out


@pytest.mark.parametrize("case", sorted((CASES / "netbox").glob("*.yaml")), ids=lambda p: p.name)
def test_netbox_case(case: Path) -> None:
    from supernodec.netbox_import import load_devicetype, to_sn
    loaded = load_devicetype(case.name, case.read_text(encoding="utf-8"))
    diags = list(loaded.diagnostics)
    if loaded.data is not None:
        diags += to_sn(loaded, case.name)[2]
    expected = _expectations(case)
    got = {(d.span.line if d.span else 0, d.severity, d.code, d.message) for d in diags}
    for e in expected:
        hit = [g for g in got if g[:3] == e[:3] and e[3] in g[3]]
        assert hit, f"missing {e}; got {sorted(got)}"
        got -= set(hit[:1])
    assert not got, f"unexpected {sorted(got)}"


def test_invalid_file_names_the_schema_path_on_the_cli(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(LEAF.replace("slug: examplevendor-leaf-64x400g", "slug: Leaf 64"), encoding="utf-8")
    r = run_cli("catalog", "import-netbox", str(bad), "-o", str(tmp_path / "out.sn"))
    assert r.returncode == 1
    assert "error[SN0311]" in r.stderr and "devicetype.json#/properties/slug/pattern" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "out.sn").exists()


def test_interface_type_mapping() -> None:
    from supernodec.netbox_import import interface_port
    assert interface_port("infiniband-ndr").__dict__ == {"protocol": "InfiniBand", "rate": "400 Gb/s", "form": None}
    assert interface_port("infiniband-xdr").rate == "800 Gb/s"
    assert interface_port("800gbase-x-qsfpdd").form == "QSFP-DD"
    assert interface_port("25gbase-x-sfp28").rate == "25 Gb/s"
    assert interface_port("2.5gbase-t").rate == "2.5 Gb/s"
    assert interface_port("100base-tx").rate == "100 Mb/s"
    assert interface_port("100gbase-kr4").form == "backplane"
    assert interface_port("other") is None and interface_port("32gfc-sfp28") is None


def test_shipped_schema_is_the_unmodified_upstream_copy() -> None:
    """The package ships the devicetype-library schema; it must equal the shared copy (SHA-256)."""
    readme = SHARED / "schemas" / "README.md"
    if not readme.exists():
        pytest.skip("shared schema folder not present")
    sums = {n: h for h, n in re.findall(r"`([0-9a-f]{64})` `netbox-devicetype-library/([a-z_]+)\.json`", readme.read_text())}
    assert len(sums) == 5
    pkg = Path(__file__).resolve().parent.parent / "supernodec" / "schemas"
    for name, digest in sums.items():
        assert hashlib.sha256((pkg / f"netbox-{name}.json").read_bytes()).hexdigest() == digest, name


def test_any_text_gives_diagnostics_never_an_exception() -> None:
    from hypothesis import given, settings, strategies as st

    from supernodec.netbox_import import load_devicetype, to_sn
    keys = st.sampled_from(["manufacturer", "model", "slug", "u_height", "interfaces", "- name", "type", "x"])
    values = st.one_of(st.text(max_size=12), st.sampled_from(["1", "0.5", "[", "{}", "- a", "400gbase-x-osfp"]))
    lines = st.lists(st.tuples(st.integers(0, 4), keys, values), max_size=8)

    @settings(max_examples=150, deadline=None)
    @given(st.one_of(st.text(max_size=80), lines.map(lambda ls: "\n".join(" " * i + f"{k}: {v}" for i, k, v in ls))))
    def prop(text: str) -> None:
        loaded = load_devicetype("f.yaml", text)
        assert loaded.diagnostics or loaded.data is not None
        assert all(d.code in ("SN0311", "SN0312") for d in loaded.diagnostics)
        if loaded.data is not None:
            to_sn(loaded, "f.yaml")

    prop()
