"""Find references and rename, end to end against the real `supernodec lsp` process.

One server (its process group killed in `finally`) serves a workspace folder; each
test copies a small two-file spec (a template spec importing the shipped `huawei`
catalog and a partner file `lib.sn`) into its own folder under it. Expected
positions are found in the text by hand; a rename is applied the way an editor
applies a WorkspaceEdit, then the original and the renamed spec are both compiled
and their designs compared.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from lsp_client import LspClient

pytest.importorskip("pygls")

LIB = '''/// A leaf switch of the partner.
switch Leaf {
  vendor = "Partner"
  port south[8]: UB @ 56 GB/s
  port north[4]: UB @ 56 GB/s
}
'''

MAIN = '''import "huawei"
import "lib"

/// NPUs per box.
param per_box = 4
let boxes = 2

node Box(width = 2) {
  npu: huawei.Ascend910C[per_box]
  leaf: lib.Leaf[width]
  for w in 0..width - 1 {
    connect npu[i].ub[w] -> leaf[w].south[i]
  }
}

supernode Pod {
  box: Box(width = 2)[boxes]
  plane[2] {
    spine: lib.Leaf[1]
  }
  connect box[b].leaf[p].north[0] -> plane[p].spine[0].south[b]
  require bandwidth(npu.ub) >= 56 GB/s
}

center c {
  pod: Pod
  mgmt pod.box[k].npu[j] = "10.0.{k}.{j}"
}
'''


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("workspace")


@pytest.fixture(scope="module")
def lsp(workspace: Path) -> Iterator[LspClient]:
    client = LspClient(workspace, workspace / "server.log")
    try:
        client.request("initialize", {"processId": None, "rootUri": workspace.as_uri(), "capabilities": {
            "general": {"positionEncodings": ["utf-16"]},
            "textDocument": {"rename": {"prepareSupport": True}}}})
        client.notify("initialized", {})
        yield client
    finally:
        client.close()


_count = iter(range(10_000))


def _project(workspace: Path) -> Path:
    d = workspace / f"p{next(_count)}"
    d.mkdir()
    (d / "lib.sn").write_text(LIB, encoding="utf-8")
    (d / "main.sn").write_text(MAIN, encoding="utf-8")
    return d


def _open(lsp: LspClient, path: Path) -> str:
    uri = path.resolve().as_uri()
    t = lsp.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "sn", "version": 1, "text": path.read_text(encoding="utf-8")}})
    assert lsp.diagnostics(uri, 1, after=t)[1] == []
    return uri


def _close(lsp: LspClient, uri: str) -> None:
    lsp.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


@contextmanager
def _session(lsp: LspClient, workspace: Path) -> Iterator[tuple[Path, str]]:
    """A fresh copy of the project with main.sn open: (its folder, main.sn's URI)."""
    d = _project(workspace)
    uri = _open(lsp, d / "main.sn")
    try:
        yield d, uri
    finally:
        _close(lsp, uri)


def _at(text: str, needle: str, k: int = 0) -> dict:
    """Protocol position of the `k`-th character of `needle` (ASCII: UTF-16 = code points)."""
    off = text.index(needle) + k
    line = text.count("\n", 0, off)
    return {"line": line, "character": off - (text.rfind("\n", 0, off) + 1)}


def _range(text: str, needle: str, k: int, length: int) -> dict:
    start = _at(text, needle, k)
    return {"start": start, "end": {"line": start["line"], "character": start["character"] + length}}


def _references(lsp: LspClient, uri: str, pos: dict, include: bool) -> list[tuple[str, dict]]:
    res = lsp.request("textDocument/references", {"textDocument": {"uri": uri}, "position": pos,
                                                  "context": {"includeDeclaration": include}})
    return sorted(((loc["uri"], loc["range"]) for loc in res), key=lambda x: (x[0], x[1]["start"]["line"], x[1]["start"]["character"]))


def _sorted(locs: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    return sorted(locs, key=lambda x: (x[0], x[1]["start"]["line"], x[1]["start"]["character"]))


def test_references_of_a_parameter_with_and_without_its_declaration(lsp: LspClient, workspace: Path) -> None:
    with _session(lsp, workspace) as (d, uri):
        use = _range(MAIN, "[per_box]", 1, 7)              # `per_box` is 7 characters
        decl = _range(MAIN, "param per_box", 6, 7)          # after `param `
        assert _references(lsp, uri, use["start"], True) == _sorted([(uri, decl), (uri, use)])
        assert _references(lsp, uri, decl["start"], False) == [(uri, use)]


def test_references_of_a_member_reach_other_templates_selectors_and_strings(lsp: LspClient, workspace: Path) -> None:
    with _session(lsp, workspace) as (d, uri):
        expected = [_range(MAIN, "npu: huawei", 0, 3),             # the declaration in Box
                    _range(MAIN, "connect npu[i]", 8, 3),           # in Box
                    _range(MAIN, "bandwidth(npu.ub)", 10, 3),       # a selector in Pod: members at any depth
                    _range(MAIN, "box[k].npu[j]", 7, 3)]            # through pod.box[k] in the center
        assert _references(lsp, uri, _at(MAIN, "npu.ub", 1), True) == _sorted([(uri, r) for r in expected])
        # a pattern variable: declared by its first use, read in the management address string
        k = _references(lsp, uri, _at(MAIN, "{k}", 1), True)
        assert k == _sorted([(uri, _range(MAIN, "box[k]", 4, 1)), (uri, _range(MAIN, "{k}", 1, 1))])


def test_references_of_a_part_and_a_port_group_across_files(lsp: LspClient, workspace: Path) -> None:
    d = _project(workspace)
    uri = _open(lsp, d / "main.sn")
    lib = (d / "lib.sn").resolve().as_uri()
    try:
        leaf = _references(lsp, uri, _at(MAIN, "lib.Leaf[width]", 5), True)
        assert leaf == _sorted([(lib, _range(LIB, "switch Leaf", 7, 4)),
                                (uri, _range(MAIN, "lib.Leaf[width]", 4, 4)), (uri, _range(MAIN, "lib.Leaf[1]", 4, 4))])
        south = _references(lsp, uri, _at(MAIN, "south[i]", 0), False)
        assert south == _sorted([(uri, _range(MAIN, "south[i]", 0, 5)), (uri, _range(MAIN, "south[b]", 0, 5))])
    finally:
        _close(lsp, uri)


def _error(lsp: LspClient, method: str, params: dict) -> str:
    with pytest.raises(RuntimeError) as e:
        lsp.request(method, params)
    return str(e.value)


def test_prepare_rename_gives_the_range_or_says_why_not(lsp: LspClient, workspace: Path) -> None:
    with _session(lsp, workspace) as (d, uri):
        res = lsp.request("textDocument/prepareRename", {"textDocument": {"uri": uri},
                                                         "position": _at(MAIN, "[boxes]", 3)})
        assert res == {"range": _range(MAIN, "[boxes]", 1, 5), "placeholder": "boxes"}
        shipped = _error(lsp, "textDocument/prepareRename", {"textDocument": {"uri": uri},
                                                             "position": _at(MAIN, "Ascend910C", 2)})
        assert "`Ascend910C` is declared in the shipped catalog `huawei`" in shipped
        assert "-32803" in shipped                                    # RequestFailed
        keyword = _error(lsp, "textDocument/prepareRename", {"textDocument": {"uri": uri},
                                                             "position": _at(MAIN, "connect npu", 2)})
        assert "there is no name here" in keyword


@pytest.mark.parametrize("needle, k, new, message", [
    # the grammar's words are names where it expects a name and no keyword: the edited
    # spec decides. A member is declared where a statement starts, so `connect: ...`
    # and `for: ...` read as the keywords; `[true]` reads as the boolean
    ("npu: huawei", 0, "connect", "`connect` is a keyword of the language, read as one where `npu` is written"),
    ("npu: huawei", 0, "for", "`for` is a keyword of the language, read as one where `npu` is written"),
    ("[boxes]", 1, "true", "`true` is a keyword of the language, read as one where `boxes` is written"),
    ("param per_box", 6, "not", "`not` is a keyword of the language, read as one where `per_box` is written"),
    # `width` is a name here, but Box's parameter of that name would capture the use in Box
    ("param per_box", 6, "width", "`width` at main.sn:9 would mean another declaration of that name"),
    ("[boxes]", 1, "2boxes", "`2boxes` is not a name"),
    ("[boxes]", 1, "per_box", "`per_box` is already declared in the same scope (main.sn:5)"),
    ("npu: huawei", 0, "leaf", "`leaf` is already declared in the same scope (main.sn:10)"),
    # `b` is a pattern variable in Pod's connect: it would read the `let` instead
    ("[boxes]", 1, "b", "`b` at main.sn:21 would mean the renamed `boxes`"),
    # a loop variable named like the pattern variable `i` would capture it
    ("for w", 4, "i", "`i` at main.sn:12 would mean the renamed `w`"),
])
def test_rename_refuses_with_the_reason(lsp: LspClient, workspace: Path, needle: str, k: int, new: str,
                                        message: str) -> None:
    with _session(lsp, workspace) as (d, uri):
        err = _error(lsp, "textDocument/rename", {"textDocument": {"uri": uri}, "position": _at(MAIN, needle, k),
                                                  "newName": new})
        assert message in err


def _apply(workspace_edit: dict, root: Path) -> None:
    """Apply a WorkspaceEdit to the files on disk, as an editor does (ASCII texts)."""
    for uri, edits in workspace_edit["changes"].items():
        path = Path(uri.removeprefix("file://"))
        assert path.resolve().is_relative_to(root.resolve())
        text = path.read_text(encoding="utf-8")
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        spans = [(starts[e["range"]["start"]["line"]] + e["range"]["start"]["character"],
                  starts[e["range"]["end"]["line"]] + e["range"]["end"]["character"], e["newText"]) for e in edits]
        for a, b, new in sorted(spans, reverse=True):
            text = text[:a] + new + text[b:]
        path.write_text(text, encoding="utf-8")


def _design(main: Path) -> tuple[dict, str]:
    from supernodec.driver import Options, compile_spec
    from supernodec.emit.ir_json import design_json
    from supernodec.loader import FileLoader
    res = compile_spec(str(main), FileLoader(cwd=main.parent), Options())
    assert res.ok, [d.message for d in res.diagnostics]
    ir = design_json(res.design)
    for c in ir["connects"] + ir["requires"]:
        c.pop("at")                                 # columns move when a name changes length
    for part in ir["parts"]:
        part.pop("doc"), part.pop("description")     # prose: not renamed
    counts = {"devices": len(ir["devices"]["name"]), "links": len(ir["links"]["a"]),
              "racks": len(ir["racks"]), "supernodes": len(ir["supernodes"])}
    return counts, json.dumps(ir, sort_keys=True)


# The IR names root parameters, templates (connect scopes), member paths, part names and
# port groups, and quotes connect and require texts; a `let`, a template parameter, an
# index variable read only by an address and an import alias leave it unchanged.
@pytest.mark.parametrize("needle, k, new, old, edits, same_ir", [
    # (where, offset in it, new name, the name, edits counted by hand in MAIN and LIB, IR unchanged)
    ("param per_box", 6, "npus", "per_box", 2, False),      # `parameters` in the IR
    ("let boxes", 4, "count", "boxes", 2, True),
    ("Box(width = 2) {", 4, "lanes_per", "width", 4, True),  # itself, 2 uses, an argument in Pod
    ("for w", 4, "rail", "w", 3, False),
    ("npu[i]", 4, "x", "i", 2, False),                        # a pattern variable
    ("{j}", 1, "jj", "j", 2, True),                           # read inside the management address
    ("npu: huawei", 0, "accel", "npu", 4, False),             # a member, with a selector in another template
    ("plane[2]", 0, "railgroup", "plane", 2, False),          # a group
    ("spine: lib", 0, "top", "spine", 2, False),
    ("south[i]", 0, "downlink", "south", 3, False),           # a port group of a part in lib.sn
    ("lib.Leaf[width]", 4, "Tor", "Leaf", 3, False),          # a part in lib.sn, used twice in main.sn
    ("node Box", 5, "Tray", "Box", 2, False),                 # a template
    ('import "lib"', 8, "partner", "lib", 3, True),           # an implicit import alias becomes `as partner`
    # words of the grammar that are names where they are written (option, kind and statement words)
    ("let boxes", 4, "width", "boxes", 2, True),
    ("param per_box", 6, "pitch", "per_box", 2, False),
    ("param per_box", 6, "connect", "per_box", 2, False),      # only read in expressions, never at a statement
    ("spine: lib", 0, "switch", "spine", 2, False),
])
def test_rename_keeps_the_design(lsp: LspClient, workspace: Path, needle: str, k: int, new: str, old: str,
                                 edits: int, same_ir: bool) -> None:
    with _session(lsp, workspace) as (d, uri):
        res = lsp.request("textDocument/rename", {"textDocument": {"uri": uri}, "position": _at(MAIN, needle, k),
                                                  "newName": new})
    assert sum(len(e) for e in res["changes"].values()) == edits
    before_counts, before = _design(d / "main.sn")
    _apply(res, d)
    after_counts, after = _design(d / "main.sn")
    assert after_counts == before_counts and before_counts["devices"] == 14   # 2 x (4 NPUs + 2 leaves) + 2 spines
    assert (before if same_ir else re.sub(rf"\b{old}\b", new, before)) == after


def test_rename_in_an_imported_file_edits_the_open_files_that_import_it(lsp: LspClient, workspace: Path) -> None:
    d = _project(workspace)
    main = _open(lsp, d / "main.sn")
    lib = _open(lsp, d / "lib.sn")
    try:
        res = lsp.request("textDocument/rename", {"textDocument": {"uri": lib}, "position": _at(LIB, "north", 1),
                                                  "newName": "uplink"})
    finally:
        _close(lsp, lib)
        _close(lsp, main)
    assert {u: len(e) for u, e in res["changes"].items()} == {lib: 1, main: 1}
    _, before = _design(d / "main.sn")
    _apply(res, d)
    _, after = _design(d / "main.sn")
    assert re.sub(r"\bnorth\b", "uplink", before) == after


def test_a_refusal_is_an_answer_not_a_fault_in_the_log(lsp: LspClient, workspace: Path) -> None:
    with _session(lsp, workspace) as (d, uri):
        _error(lsp, "textDocument/rename", {"textDocument": {"uri": uri}, "position": _at(MAIN, "Ascend910C", 0),
                                            "newName": "Other"})
    lsp.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": _at(MAIN, "npu", 0)})  # log flushed
    assert "Traceback" not in (workspace / "server.log").read_text(encoding="utf-8")


@pytest.mark.parametrize("root", [True, False])      # a workspace folder, or none: the document's folder
def test_a_module_found_on_the_search_path_outside_the_workspace_is_not_edited(tmp_path: Path, root: bool) -> None:
    work, vendor = tmp_path / "work", tmp_path / "vendor"
    work.mkdir()
    vendor.mkdir()
    (vendor / "parts.sn").write_text(LIB, encoding="utf-8")
    main = 'import "parts"\ncenter c {\n  l: parts.Leaf[2]\n}\n'
    (work / "main.sn").write_text(main, encoding="utf-8")
    client = LspClient(work, tmp_path / "server.log")
    try:
        client.request("initialize", {"processId": None, "rootUri": work.as_uri() if root else None,
                                      "initializationOptions": {"searchPath": [str(vendor)]},
                                      "capabilities": {"textDocument": {"rename": {"prepareSupport": True}}}})
        client.notify("initialized", {})
        uri = _open(client, work / "main.sn")
        err = _error(client, "textDocument/prepareRename", {"textDocument": {"uri": uri},
                                                            "position": _at(main, "Leaf", 1)})
        assert "`Leaf` is declared in" in err and "parts.sn" in err and "cannot be edited" in err
        # the spec's own member is fine
        ok = client.request("textDocument/rename", {"textDocument": {"uri": uri}, "position": _at(main, "l:", 0),
                                                    "newName": "leaf"})
        assert ok == {"changes": {uri: [{"range": _range(main, "l:", 0, 1), "newText": "leaf"}]}}
    finally:
        client.close()


def test_highlight_and_definition_of_an_index_variable(lsp: LspClient, workspace: Path) -> None:
    with _session(lsp, workspace) as (d, uri):
        marks = lsp.request("textDocument/documentHighlight", {"textDocument": {"uri": uri},
                                                               "position": _at(MAIN, "leaf[w]", 5)})
        # the loop variable: declared by `for w` (write, kind 3), read twice in the connect (kind 2)
        assert sorted((m["range"]["start"]["line"], m["range"]["start"]["character"], m["kind"]) for m in marks) == [
            (10, 6, 3), (11, 22, 2), (11, 33, 2)]          # `  for w`, `    connect npu[i].ub[w]`, `-> leaf[w]`
        # an index variable's definition is its first use: `i` in `south[i]` goes to `npu[i]`
        loc = lsp.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": _at(MAIN, "south[i]", 6)})
        assert loc == [{"uri": uri, "range": _range(MAIN, "npu[i]", 4, 1)}]


def test_rename_and_references_reach_the_workspace_files_that_are_not_open(lsp: LspClient, workspace: Path) -> None:
    d = _project(workspace)
    extra = 'import "lib"\n\ncenter other {\n  l: lib.Leaf[2]\n  connect l[0].north[0] -> l[1].north[0]\n}\n'
    (d / "extra.sn").write_text(extra, encoding="utf-8")
    lib = _open(lsp, d / "lib.sn")                       # main.sn and extra.sn stay closed
    main, other = (d / "main.sn").resolve().as_uri(), (d / "extra.sn").resolve().as_uri()
    try:
        refs = _references(lsp, lib, _at(LIB, "north", 1), False)
        assert refs == _sorted([(main, _range(MAIN, "north[0]", 0, 5)),
                                (other, _range(extra, "l[0].north", 5, 5)), (other, _range(extra, "l[1].north", 5, 5))])
        res = lsp.request("textDocument/rename", {"textDocument": {"uri": lib}, "position": _at(LIB, "north", 1),
                                                  "newName": "uplink"})
    finally:
        _close(lsp, lib)
    assert {u: len(e) for u, e in res["changes"].items()} == {lib: 1, main: 1, other: 2}
    _, before = _design(d / "main.sn")
    _, before_extra = _design(d / "extra.sn")
    _apply(res, d)
    assert _design(d / "main.sn")[1] == re.sub(r"\bnorth\b", "uplink", before)
    assert _design(d / "extra.sn")[1] == re.sub(r"\bnorth\b", "uplink", before_extra)
