"""Host names from instance paths, and the YAML/CSV writers the deployment manifests share."""

from __future__ import annotations

import csv
import io
import re

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from supernodec.emit.names import Namer, group_name
from supernodec.emit.safeio import csv_cell, csv_lines, csv_table, dump_csv, dump_yaml, dump_yaml_all

HOST_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
# YAML 1.2 core schema: plain scalars that are not strings
YAML12_NONSTR = re.compile(r"^(null|Null|NULL|~|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|"
                           r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN)$")


def test_names_pad_indices_to_the_widest_sibling():
    paths = [f"pod.server[{i}].npu[{j}]" for i in range(48) for j in range(8)] + ["pod.server[3].l1[6]"]
    n = Namer(paths)
    assert n.raw("pod.server[3]") == "pod-server03"          # 48 servers: two digits
    assert n.raw("pod.server[3].npu[5]") == "pod-server03-npu5"
    assert n.raw("pod.server[3].l1[6]") == "pod-server03-l1-6"   # identifier ends in a digit: `-` before the index
    assert Namer(["a[1][12]"]).raw("a[1][12]") == "a1-12"


def test_names_that_collide_both_get_a_hash():
    names = Namer(["x.a_b", "x.a-b", "x.c"]).unique(["x.a_b", "x.a-b", "x.c"])
    assert names["x.c"] == "x-c"
    assert names["x.a_b"] != names["x.a-b"] and all(v.startswith("x-a-b-") for k, v in names.items() if k != "x.c")


def test_long_names_are_bounded():
    path = ".".join(f"level{i}[{i}]" for i in range(20))
    got = Namer([path]).unique([path])[path]
    assert len(got) <= 63 and HOST_LABEL.match(got)


@given(st.lists(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}(\[[0-9]{1,3}\]){0,2}(\.[A-Za-z_][A-Za-z0-9_]{0,12}"
                              r"(\[[0-9]{1,3}\]){0,2}){0,4}", fullmatch=True), min_size=1, max_size=20, unique=True))
@settings(max_examples=200, deadline=None)
def test_any_paths_give_unique_host_labels(paths):
    names = Namer(paths).unique(paths)
    assert len(set(names.values())) == len(paths)
    for v in names.values():
        assert len(v) <= 63 and HOST_LABEL.match(v), v


def test_group_names_are_ansible_identifiers():
    assert group_name("pod0-compute03", "rack") == "rack_pod0_compute03"
    assert re.match(r"^[a-z_][a-z0-9_]*$", group_name("Hall A/1", "hall"))


TRICKY = ["yes", "no", "on", "off", "y", "N", "true", "null", "~", "", "1e3", "0o17", "0x1F", "1_000", ".inf",
          "- x", "a: b", "# c", "'q'", '"dq"', "multi\nline", "tab\there", "10.0.0.1", "ünï", "-1", "=1+2", "@x"]


def test_tricky_strings_round_trip_as_strings():
    doc = {"keys": {s: s for s in TRICKY if s}, "list": TRICKY, "n": 3, "b": True, "none": None, "e": {}, "l": []}
    assert yaml.safe_load(dump_yaml(doc)) == doc
    for line in dump_yaml(doc).splitlines():   # no plain scalar that YAML 1.2 would read as a non-string
        value = line.split(": ", 1)[1] if ": " in line else line.lstrip("- ")
        if value and value[0] not in "\"{[" and value not in ("3", "true", "null"):
            assert not YAML12_NONSTR.match(value), line


json_leaf = st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.text(max_size=12)
json_tree = st.recursive(json_leaf, lambda kids: st.lists(kids, max_size=4)
                         | st.dictionaries(st.text(min_size=1, max_size=8), kids, max_size=4), max_leaves=20)


@given(st.lists(json_tree, min_size=1, max_size=3))
@settings(max_examples=300, deadline=None)
def test_yaml_writer_round_trips(docs):
    assert list(yaml.safe_load_all(dump_yaml_all(docs))) == docs


def test_csv_formula_cells_get_an_apostrophe_numbers_do_not():
    data = dump_csv(("a", "b"), [("=SUM(A1)", -3), ("+1", "x"), ("@cmd", "\tz"), ("-2", None), ("ok", "")])
    rows = list(csv.reader(io.StringIO(data.decode())))
    assert rows[1:] == [["'=SUM(A1)", "-3"], ["'+1", "x"], ["'@cmd", "'\tz"], ["'-2", ""], ["ok", ""]]


csv_value = st.none() | st.integers(-10**6, 10**6) | st.text(alphabet=st.sampled_from('ab =+-@\t\r\n,"\'x1'), max_size=6)


@given(st.integers(1, 4).flatmap(lambda k: st.lists(st.lists(csv_value, min_size=k, max_size=k), max_size=8)))
@settings(max_examples=300, deadline=None)
def test_table_csv_writer_writes_what_the_csv_module_writes(rows):
    """The fast writer of big CSVs (escaped tables, rows joined in C) gives the csv module's bytes."""
    k = len(rows[0]) if rows else 1
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([[csv_cell(v) for v in r] for r in rows])
    columns = [csv_table([r[i] for r in rows]) for i in range(k)]
    assert csv_lines(columns) == buf.getvalue()
