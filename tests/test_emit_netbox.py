"""NetBox outputs: device types against the devicetype-library schema, CSV headers and choices
against NetBox's import forms, and every reference between the files resolved.

NetBox itself cannot run offline (a Django app with PostgreSQL and Redis, not on
PyPI or Debian; formats.md section 4.1), so the CSVs are checked the way that
section describes: field names and choice values from the v4 import forms
(netbox/dcim/forms/bulk_import.py), plus the name references NetBox resolves.
"""

from __future__ import annotations

import csv
import io

import pytest
import yaml

from conftest import EXAMPLES
from deploy_checks import DEPLOY_CASES, compile_design, devicetype_errors, emit_files

CM384 = EXAMPLES / "cloudmatrix384.sn"
DUAL = DEPLOY_CASES / "dual_pod_roce.sn"
SPECS = sorted(EXAMPLES.glob("*.sn")) + [DUAL]   # every example and the deployment test design
IDS = [p.stem for p in SPECS]

# field lists of NetBox's bulk import forms (SiteImportForm, LocationImportForm, RackImportForm,
# ManufacturerImportForm, DeviceRoleImportForm, DeviceImportForm, CableImportForm)
FIELDS = {
    "sites.csv": {"name", "slug", "status", "region", "group", "tenant", "facility", "time_zone", "description",
                  "physical_address", "shipping_address", "latitude", "longitude", "owner", "comments", "tags"},
    "locations.csv": {"site", "parent", "name", "slug", "status", "tenant", "facility", "description", "owner",
                      "comments", "tags"},
    "racks.csv": {"site", "location", "group", "name", "facility_id", "tenant", "status", "role", "rack_type",
                  "form_factor", "serial", "asset_tag", "width", "u_height", "desc_units", "outer_width",
                  "outer_depth", "outer_unit", "mounting_depth", "airflow", "weight", "max_weight", "weight_unit",
                  "description", "owner", "comments", "tags"},
    "manufacturers.csv": {"name", "slug", "description", "owner", "comments", "tags"},
    "device-roles.csv": {"name", "slug", "color", "vm_role", "config_template", "description", "owner",
                         "comments", "tags"},
    "devices.csv": {"name", "role", "tenant", "manufacturer", "device_type", "platform", "serial", "asset_tag",
                    "status", "site", "location", "rack", "position", "face", "latitude", "longitude", "parent",
                    "device_bay", "airflow", "virtual_chassis", "vc_position", "vc_priority", "cluster",
                    "description", "config_template", "owner", "comments", "tags"},
    "cables.csv": {"side_a_site", "side_a_device", "side_a_type", "side_a_name", "side_b_site", "side_b_device",
                   "side_b_type", "side_b_name", "type", "status", "profile", "tenant", "bundle", "label", "color",
                   "length", "length_unit", "description", "owner", "comments", "tags"},
}
REQUIRED = {"sites.csv": {"name", "slug", "status"}, "locations.csv": {"site", "name", "slug", "status"},
            "racks.csv": {"site", "name", "status", "width"}, "manufacturers.csv": {"name", "slug"},
            "device-roles.csv": {"name", "slug"},
            "devices.csv": {"role", "manufacturer", "device_type", "status", "site"},
            "cables.csv": {"side_a_device", "side_a_type", "side_a_name", "side_b_device", "side_b_type",
                           "side_b_name"}}
STATUS = {"sites.csv": {"planned", "staging", "active", "decommissioning", "retired"},
          "locations.csv": {"planned", "staging", "active", "decommissioning", "retired"},
          "racks.csv": {"reserved", "available", "planned", "active", "deprecated"},
          "devices.csv": {"offline", "active", "planned", "staged", "failed", "inventory", "decommissioning"},
          "cables.csv": {"connected", "planned", "decommissioning"}}
CABLE_TYPES = {"", "dac-active", "dac-passive", "aoc", "mmf-om3", "mmf-om4", "mmf-om5", "smf-os1", "smf-os2"}


def rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[f"netbox/{name}"].decode())))


@pytest.fixture(scope="module", params=SPECS, ids=IDS)
def nb(request):
    return emit_files(compile_design(request.param), "netbox")


def types_of(nb: dict[str, bytes]) -> dict[tuple[str, str], dict]:
    out = {}
    for path, data in nb.items():
        if path.startswith("netbox/device-types/"):
            doc = yaml.safe_load(data)
            out[(doc["manufacturer"], doc["model"])] = doc
    return out


def test_device_types_validate_against_the_library_schema(nb):
    paths = [p for p in nb if p.startswith("netbox/device-types/")]
    assert paths
    for p in paths:
        assert devicetype_errors(nb[p]) == [], p


def test_devicetype_check_catches_faults():
    good = b"manufacturer: A\nmodel: B\nslug: a-b\nu_height: 1\ninterfaces:\n- name: p0\n  type: 400gbase-x-osfp\n"
    assert devicetype_errors(good) == []
    assert devicetype_errors(good.replace(b"slug: a-b", b"slug: 'A B'"))
    assert devicetype_errors(good.replace(b"u_height: 1", b"u_height: 1.25"))
    assert devicetype_errors(good.replace(b"400gbase-x-osfp", b"nvlink"))


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_csv_headers_and_choices_match_the_import_forms(nb, name):
    got = rows(nb, name)
    header = next(csv.reader(io.StringIO(nb[f"netbox/{name}"].decode())))
    assert set(header) <= FIELDS[name] and REQUIRED[name] <= set(header), header
    for r in got:
        assert all(r[k] for k in REQUIRED[name]), r
        if name in STATUS:
            assert r["status"] in STATUS[name]
        for cell in r.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    if name == "cables.csv":
        assert {r["type"] for r in got} <= CABLE_TYPES


def test_references_resolve(nb):
    """Every name a row refers to exists in the file NetBox imports before it."""
    types = types_of(nb)
    makers = {r["name"] for r in rows(nb, "manufacturers.csv")}
    roles = {r["name"] for r in rows(nb, "device-roles.csv")}
    racks = {r["name"] for r in rows(nb, "racks.csv")}
    devs = {r["name"]: r for r in rows(nb, "devices.csv")}
    assert len(devs) == len(rows(nb, "devices.csv")), "device names are unique"
    assert {m for m, _ in types} <= makers
    for r in devs.values():
        assert (r["manufacturer"], r["device_type"]) in types and r["role"] in roles
        assert not r["rack"] or r["rack"] in racks
        if r["parent"]:
            bays = [b["name"] for b in types[(devs[r["parent"]]["manufacturer"], devs[r["parent"]]["device_type"])]
                    ["device-bays"]]
            assert r["device_bay"] in bays
            assert types[(r["manufacturer"], r["device_type"])]["u_height"] == 0
    used = set()
    for c in rows(nb, "cables.csv"):
        for side in ("a", "b"):
            d = devs[c[f"side_{side}_device"]]
            ifaces = {i["name"] for i in types[(d["manufacturer"], d["device_type"])].get("interfaces", [])}
            assert c[f"side_{side}_name"] in ifaces
            end = (d["name"], c[f"side_{side}_name"])
            assert end not in used, f"interface {end} cabled twice"
            used.add(end)


def test_cloudmatrix384_counts():
    """Hand count (arXiv 2506.12708 s3.3): 48 nodes x (8 NPU + 4 CPU + 7 L1) = 912 chips in bays,
    48 node devices, 7 x 16 = 112 L2 switches; 48 x 7 x 16 = 5376 L1-L2 links, two per 400G
    module pair (reference-systems s1.3) -> 2688 cables, i.e. 5376 modules."""
    nb = emit_files(compile_design(CM384), "netbox")
    devs = rows(nb, "devices.csv")
    assert len(devs) == 48 + 48 * (8 + 4 + 7) + 7 * 16
    assert sum(1 for d in devs if d["parent"]) == 48 * 19
    cables = rows(nb, "cables.csv")
    assert len(cables) == 48 * 7 * 16
    assert len({c["label"] for c in cables}) == 48 * 7 * 16 // 2
    assert {c["type"] for c in cables} == {"mmf-om4"}   # UB400G is class SR


def test_formula_vendor_is_neutralised_and_special_strings_quoted():
    """The test design's switch vendor is `=HYPERLINK("x")` and its part number `1e3`."""
    nb = emit_files(compile_design(DUAL), "netbox")
    makers = {r["name"] for r in rows(nb, "manufacturers.csv")}
    assert 'HYPERLINK("x")' in makers
    leaf = next(d for p, d in types_of(nb).items() if p[1] == "Leaf")
    assert leaf["part_number"] == "1e3" and leaf["manufacturer"] == 'HYPERLINK("x")'
    assert {i["type"] for i in leaf["interfaces"]} == {"400gbase-x-osfp"}   # RoCE 400G OSFP
