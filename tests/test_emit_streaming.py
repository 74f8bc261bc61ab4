"""Streamed outputs: the bytes written chunk by chunk are the bytes of the plain
`json.dumps` of the in-memory document, on every example and on odd text."""

from __future__ import annotations

import io
import json

import pytest

from conftest import CASES, EXAMPLES, compile_file
from supernodec.emit import Artifact, chunked
from supernodec.emit import address_map, ir_json

SPECS = sorted(EXAMPLES.glob("*.sn")) + [CASES / "address_map" / "two_pods" / "main.sn"]


@pytest.fixture(scope="module", params=SPECS, ids=lambda p: p.stem)
def design(request):  # type: ignore[no-untyped-def]
    res = compile_file(request.param)
    assert res.design is not None
    return res.design


def test_ir_json_is_the_json_of_the_document(design, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    want = json.dumps(ir_json.design_json(design), sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
    for chunk in (1 << 18, 3, 1):           # chunk edges fall everywhere
        monkeypatch.setattr(ir_json, "CHUNK", chunk)
        got = ir_json.emit_ir(design)[0].data.decode("utf-8")
        assert got == want


def test_ir_json_integer_tables_and_plain_texts_agree(design, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ir_json, "MAX_TABLE", 0)      # every column through str()
    plain = ir_json.emit_ir(design)[0].data
    monkeypatch.undo()
    assert plain == ir_json.emit_ir(design)[0].data


def test_address_map_is_the_indented_json_of_the_document(design) -> None:  # type: ignore[no-untyped-def]
    arts = address_map.emit_address_map(design)
    doc = address_map.address_map_doc(design)
    if not doc["maps"]:
        assert arts == []
        return
    assert arts[0].data.decode("ascii") == json.dumps(doc, indent=2, sort_keys=True) + "\n"


def test_an_address_map_with_odd_names_and_no_windows_is_the_json_of_it() -> None:
    maps = [{"supernode": 'sn "ü"\n', "width_bits": 8, "align": 1, "total": 0, "limit": 256, "windows": []},
            {"supernode": "x", "width_bits": 40, "align": 4, "total": 300, "limit": 2**40,
             "windows": [{"device": "a\\b\u2028ñ", "base": 0, "size": 100}, {"device": "c", "base": 100, "size": 200}]}]
    text = "".join(address_map._chunks("d\u00e9sign", maps))
    doc = {"design": "d\u00e9sign", "maps": [address_map._entry(m) for m in maps]}
    assert text == json.dumps(doc, indent=2, sort_keys=True) + "\n"


def test_a_streamed_artifact_writes_the_same_bytes_every_time(design) -> None:  # type: ignore[no-untyped-def]
    from supernodec.emit import load_all
    for name, fn in load_all().items():
        for art in fn(design):
            buf = io.BytesIO()
            art.write_to(buf)
            assert buf.getvalue() == art.data == art.data, (name, art.path)


def test_chunked_starts_over_on_each_call() -> None:
    art = Artifact("x.txt", chunked(lambda n: (c for c in ["a", "ü", "\n"] * n), 2))
    assert art.data == art.data == "aü\naü\n".encode()


def test_ansible_inventory_is_the_yaml_of_the_document(design, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from supernodec.emit import ansible
    from supernodec.emit.inventory import inventory
    from supernodec.emit.safeio import dump_yaml
    inv = inventory(design)
    want = f"# Ansible inventory for {design.name}, written by supernodec.\n" + dump_yaml(ansible.inventory_doc(inv))
    for chunk in (1 << 12, 1):
        monkeypatch.setattr(ansible, "CHUNK", chunk)
        assert ansible.emit_ansible(design)[0].data.decode("utf-8") == want
