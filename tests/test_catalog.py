"""The shipped catalogs: every part listed, valid against the catalog schema, sourced, priced
honestly; key figures checked against the published numbers (typed here from
reference-systems.md sections 1, 3 and 7 and the vendor documents they cite)."""

from __future__ import annotations

import copy
import json
import re
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, run_cli

KINDS = "accelerator|cpu|switch|nic|server|optic|cable|rack|power_shelf|cooling|device"
DECL = re.compile(rf"^({KINDS})\s+([A-Za-z_][A-Za-z0-9_]*)", re.M)
G, M, W = 10**9, 1, 1
GBps = 8 * G


def catalog_dir() -> Path:
    return ROOT / "supernodec" / "catalogs"


def declared_parts() -> set[str]:
    """Part names read straight from the catalog files' text, independently of the compiler."""
    return {f"{p.stem}.{m.group(2)}" for p in catalog_dir().glob("*.sn") for m in DECL.finditer(p.read_text("utf-8"))}


@pytest.fixture(scope="module")
def listing() -> dict:
    r = run_cli("catalog", "list", "--json")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads((ROOT / "supernodec" / "schemas" / "catalog.schema.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def parts(listing: dict) -> dict[str, dict]:
    return {p["name"]: p for p in listing["parts"]}


def test_catalog_files_are_the_four_shipped() -> None:
    assert sorted(p.stem for p in catalog_dir().glob("*.sn")) == ["huawei", "nvidia", "optics", "racks"]


def test_every_shipped_part_appears_in_catalog_list() -> None:
    r = run_cli("catalog", "list")
    assert r.returncode == 0, r.stderr
    listed = {line.split()[0] for line in r.stdout.splitlines()[1:]}
    expected = declared_parts()
    assert len(expected) >= 45
    assert expected <= listed, sorted(expected - listed)


def test_every_shipped_part_validates_against_the_schema(listing: dict, schema: dict, parts: dict) -> None:
    from supernodec.catalog_cli import load_catalog
    from supernodec.emit.ir_json import part_json
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(listing, schema)
    assert set(parts) == declared_parts()
    built = load_catalog([], cwd=ROOT)
    assert not built.diagnostics                                   # the shipped catalogs compile cleanly
    assert [part_json(p) for p in built.parts] == listing["parts"]  # the listing is the parts' JSON form
    for name, p in parts.items():       # each part on its own, so a failure names it
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(
            {"supernodec_catalog": 1, "parts": [p], "templates": []}))
        assert not errors, (name, [e.message for e in errors])


def test_every_part_has_a_source_or_an_assumption_and_marks_its_price(parts: dict) -> None:
    for name, p in parts.items():
        assert "Source:" in p["doc"] or "Assumption:" in p["doc"], name
        if p["price"] is not None:      # no vendor here publishes list prices: each is a marked placeholder
            assumptions = " ".join(line for line in p["doc"].split("\n") if "Assumption" in line or "price" in line)
            assert "price" in assumptions, f"{name}: price {p['price']} is not marked as a placeholder"


def test_the_schema_rejects_what_the_compiler_rejects(parts: dict, schema: dict) -> None:
    v = jsonschema.Draft202012Validator(schema)

    def bad(part: dict) -> bool:
        return bool(list(v.iter_errors({"supernodec_catalog": 1, "parts": [part], "templates": []})))

    dr8 = parts["optics.OSFP800_DR8"]
    assert not bad(dr8)
    for field, value in (("reach_m", None), ("price", -5), ("form", "OSFP800"), ("class", "XR"), ("rate_bps", 0)):
        p = copy.deepcopy(dr8)
        p[field] = value
        assert bad(p), field
    leaf = copy.deepcopy(parts["nvidia.QM9700"])
    leaf["ports"] = []
    assert bad(leaf)                     # a switch without ports
    rack = copy.deepcopy(parts["racks.Rack42U_Air"])
    rack["height_u"] = None
    assert bad(rack)                     # a rack without height


def test_schema_command_prints_the_shipped_schema(schema: dict) -> None:
    r = run_cli("schema", "catalog")
    assert r.returncode == 0 and json.loads(r.stdout) == schema


def test_list_filters_by_vendor_and_kind() -> None:
    r = run_cli("catalog", "list", "--vendor", "nvidia", "--kind", "switch", "--json")
    names = [p["name"] for p in json.loads(r.stdout)["parts"]]
    assert names == ["nvidia.NVLinkSwitch", "nvidia.NVSwitch3", "nvidia.QM9700", "nvidia.QM9700_Leaf"]


def test_show_prints_key_figures_and_suggests_on_a_typo() -> None:
    r = run_cli("catalog", "show", "OSFP800_DR8")
    assert r.returncode == 0
    assert re.search(r"reach\s+500 m", r.stdout) and re.search(r"power\s+17 W", r.stdout)
    assert "Source: NVIDIA MMS4X00-NM" in r.stdout
    r = run_cli("catalog", "show", "nvidia.DGXH100")
    assert "gpu: H100SXM[8]" in r.stdout and "nic: ConnectX7[8]" in r.stdout
    r = run_cli("catalog", "show", "OSFP800_DR9")
    assert r.returncode == 1 and "OSFP800_DR8" in r.stderr


def test_partner_catalog_with_include_inherits_the_shipped_figures() -> None:
    r = run_cli("catalog", "list", "-I", "examples/partners", "--vendor", "FibreHub", "--json")
    assert r.returncode == 0, r.stderr
    fh = {p["name"]: p for p in json.loads(r.stdout)["parts"]}
    assert set(fh) == {"fibrehub.FH_OSFP_800G_DR8", "fibrehub.FH_OSFP_800G_SR8"}
    dr8 = fh["fibrehub.FH_OSFP_800G_DR8"]
    assert (dr8["price"], dr8["reach_m"], dr8["power_w"], dr8["part_number"]) == (700, 500, 17, "FH-OSFP-800G-DR8")


def test_listing_is_deterministic() -> None:
    a = run_cli("catalog", "list", "--json", env={"PYTHONHASHSEED": "1"}).stdout
    b = run_cli("catalog", "list", "--json", env={"PYTHONHASHSEED": "2"}).stdout
    assert a == b and "/work" not in a


# ---------------------------------------------------------------------------- published figures
# reference-systems.md s7.2 (reach) and s7.3 (module power), as published:
REACH_M = {   # part -> reach in metres
    "OSFP400_DAC": 3, "QSFP400_DAC": 3,            # NVIDIA LinkX: DAC up to 3 m (26 AWG)
    "OSFP800_DAC": 2, "QDD800_DAC": 2,             # straight DACs 0.5-2 m
    "OSFP400_ACC": 5, "OSFP800_ACC": 5,            # LACC 3, 4, 5 m
    "OSFP400_AOC": 100, "OSFP800_AOC": 100,        # AOC "3 meters to about 100 meters"
    "OSFP400_SR4": 50, "QSFP400_SR4": 50, "OSFP800_SR8": 50,   # NVIDIA SR4 / 2xSR4 on OM4: 50 m
    "QDD800_SR8": 100,                             # 800GBASE-SR8 (IEEE 802.3df): 100 m OM4
    "OSFP400_DR4": 500, "QSFP400_DR4": 500, "OSFP800_DR8": 500, "QDD800_DR8": 500,
    "OSFP400_FR4": 2000, "QSFP400_FR4": 2000, "OSFP800_FR4": 2000, "QDD800_FR4": 2000,
    "OSFP400_LR4": 10000, "OSFP800_LR4": 10000,
}
POWER_W = {"OSFP400_SR4": 8, "OSFP400_DR4": 9, "OSFP800_SR8": 15, "OSFP800_DR8": 17, "OSFP800_FR4": 17,
           "OSFP800_ACC": Fraction(3, 2), "OSFP400_DAC": Fraction(1, 10), "QDD800_SR8": 16}


def test_optics_match_section_7(parts: dict) -> None:
    optics = {n.split(".", 1)[1]: p for n, p in parts.items() if n.startswith("optics.")}
    assert set(optics) == set(REACH_M)
    for name, reach in REACH_M.items():
        p = optics[name]
        assert p["reach_m"] == reach, name
        rate = 800 * G if "800" in name else 400 * G
        assert p["rate_bps"] == rate, name
        fibre = p["class"] in ("AOC", "SR", "DR", "FR", "LR")
        assert p["delay_s_per_m"] == pytest.approx(5e-9 if fibre else 4.5e-9), name   # s7.1 rule of thumb
        if p["class"] in ("DAC", "ACC"):
            assert p["kind"] == "cable" and p["max_racks"] in (1, 2), name
    for name, watts in POWER_W.items():
        assert Fraction(optics[name]["power_w"]).limit_denominator(1000) == watts, name


def test_nvidia_parts_match_the_published_structure(parts: dict) -> None:
    def total(name: str, group: str | None = None) -> int:
        return sum(g["count"] * g["rate_bps"] for g in parts[name]["ports"] if group in (None, g["name"]))

    # GB200: 18 NVLink 5 links per GPU, "1.8TB/s bidirectional" = 900 GB/s per direction
    assert total("nvidia.B200", "nvl") * 2 == 1800 * GBps
    assert parts["nvidia.NVLinkSwitch"]["ports"][0]["count"] == 144          # "144 NVLink ports"
    assert total("nvidia.NVLinkSwitch") == 144 * 50 * GBps                    # 14.4 TB/s bidirectional / 2
    assert parts["nvidia.B200"]["memory_bytes"] == 186 * G                    # 186 GB HBM3e
    # QM9700: 32 twin-port OSFP cages x 2 logical NDR ports of 400 Gb/s
    assert total("nvidia.QM9700") == 32 * 2 * 400 * G == total("nvidia.QM9700_Leaf")
    assert [g["count"] for g in parts["nvidia.QM9700_Leaf"]["ports"]] == [32, 32]
    assert parts["nvidia.ConnectX7"]["ports"][0]["rate_bps"] == 400 * G
    # H100: NVLink 4, 900 GB/s bidirectional over 18 links
    assert total("nvidia.H100SXM", "nvl") * 2 == 900 * GBps


def test_huawei_parts_match_the_published_figures(parts: dict) -> None:
    ub = lambda n: sum(g["count"] * g["rate_bps"] for g in parts[n]["ports"] if g["protocol"] == "UB")  # noqa: E731
    assert ub("huawei.Ascend910C") == 392 * GBps                          # 7 x 56 GB/s per direction
    # Ascend 950: 72 HiLink lanes of 112 Gb/s in 18 x4 ports, "2TB/s" (bidirectional), 2.5 x the 910C
    assert ub("huawei.Ascend950PR") == 72 * 112 * G == ub("huawei.Ascend950DT")
    assert 2 * ub("huawei.Ascend950PR") == pytest.approx(2.5 * 2 * ub("huawei.Ascend910C"), rel=0.03)
    assert parts["huawei.Ascend950PR"]["memory_bytes"] == 128 * G
    assert parts["huawei.Ascend950DT"]["memory_bytes"] == 144 * G
    assert ub("huawei.UBSwitchL2") == 48 * 28 * GBps
