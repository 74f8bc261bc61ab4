"""The language server end to end: the real `supernodec lsp` process over stdio.

One server serves the whole module (starting it costs a second); it is shut
down and its process group killed in `finally`. Expected positions and values
are derived by hand in each test (UTF-16 columns counted in comments).
"""

from __future__ import annotations

import re
import statistics
import time
from pathlib import Path
from typing import Iterator

import pytest

from conftest import EXAMPLES, ROOT
from lsp_client import LspClient

pytest.importorskip("pygls")

CATALOG = ROOT / "supernodec" / "catalogs" / "huawei.sn"


@pytest.fixture(scope="module")
def lsp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LspClient]:
    work = tmp_path_factory.mktemp("lsp")
    client = LspClient(work, work / "server.log")
    try:
        client.request("initialize", {"processId": None, "rootUri": work.as_uri(), "capabilities": {
            "general": {"positionEncodings": ["utf-16"]},
            "textDocument": {"hover": {"contentFormat": ["markdown"]}}}})
        client.notify("initialized", {})
        yield client
    finally:
        client.close()


def _open(lsp: LspClient, path: Path, text: str) -> tuple[str, list[dict]]:
    path.write_text(text, encoding="utf-8")
    uri = path.resolve().as_uri()
    t = lsp.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "sn", "version": 1, "text": text}})
    return uri, lsp.diagnostics(uri, 1, after=t)[1]


def _change(lsp: LspClient, uri: str, version: int, changes: list[dict]) -> float:
    return lsp.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                 "contentChanges": changes})


def _pos(line: int, character: int) -> dict:
    return {"line": line, "character": character}


def test_diagnostic_range_in_utf16_then_cleared(lsp: LspClient, tmp_path: Path) -> None:
    text = 'switch S {\n  description = "🚀 x" oops\n  port p[4]: UB @ 56 GB/s\n}\n'
    uri, diags = _open(lsp, tmp_path / "emoji.sn", text)
    assert [d["code"] for d in diags] == ["SN0002"]
    # line 2 (0-based 1): 2 spaces + `description` (11) + ` = ` (3) + `"🚀 x"` (5 code points,
    # 6 UTF-16 units: the rocket is a surrogate pair) + ` ` = 23 UTF-16 units before `oops`
    assert diags[0]["range"] == {"start": _pos(1, 23), "end": _pos(1, 27)}
    assert diags[0]["severity"] == 1 and diags[0]["source"] == "supernodec"
    # delete ` oops` (UTF-16 columns 22..27) with an incremental change: the error goes away
    t = _change(lsp, uri, 2, [{"range": {"start": _pos(1, 22), "end": _pos(1, 27)}, "text": ""}])
    assert lsp.diagnostics(uri, 2, after=t)[1] == []


def test_semantic_error_range_and_clear_by_full_text(lsp: LspClient, tmp_path: Path) -> None:
    bad = "switch S {\n  port p[4]: UB @ 56 GB/s\n}\ncenter c {\n  a: S[2]\n  connect a[0].q -> a[1].p\n}\n"
    uri, diags = _open(lsp, tmp_path / "bad.sn", bad)
    assert [d["code"] for d in diags] == ["SN0108"]
    # `  connect a[0].` is 15 characters, so the unknown port group `q` is columns 15..16 of line 5
    assert diags[0]["range"] == {"start": _pos(5, 15), "end": _pos(5, 16)}
    t = _change(lsp, uri, 2, [{"text": bad.replace("a[0].q", "a[0].p")}])
    assert lsp.diagnostics(uri, 2, after=t)[1] == []


SPEC = '''import "huawei"

/// How many NPUs hang off each switch.
param nodes = 2 * 3

switch S {
  port p[8]: UB @ 56 GB/s
}

node Box(width = 4) {
  npu: huawei.Ascend910C[nodes]
  s: S[width]
  connect npu[i].ub[0] -> s[0].p[i]
}

center c {
  b: Box(width = 2)
}
'''


@pytest.fixture(scope="module")
def spec(lsp: LspClient, tmp_path_factory: pytest.TempPathFactory) -> str:
    uri, _ = _open(lsp, tmp_path_factory.mktemp("spec") / "spec.sn", SPEC)
    return uri


def _at(text: str, needle: str, k: int = 0) -> dict:
    """Protocol position of the `k`-th character of `needle` (ASCII text: UTF-16 = code points)."""
    off = text.index(needle) + k
    line = text.count("\n", 0, off)
    return _pos(line, off - (text.rfind("\n", 0, off) + 1))


def _hover(lsp: LspClient, uri: str, pos: dict) -> str:
    res = lsp.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos})
    assert res is not None
    return res["contents"]["value"]


def test_spec_compiles_clean(lsp: LspClient, spec: str) -> None:
    assert lsp.diagnostics(spec, 1)[1] == []


def test_hover_quantity_parameter_and_part(lsp: LspClient, spec: str) -> None:
    # 56 GB/s x 8 bit/B = 448 Gb/s = 448e9 bit/s
    q = _hover(lsp, spec, _at(SPEC, "56 GB/s", 1))
    assert "448 Gb/s" in q and "448,000,000,000 bit/s" in q
    # nodes = 2 * 3 = 6, with its doc comment
    p = _hover(lsp, spec, _at(SPEC, "[nodes]", 2))
    assert "value **6**" in p and "How many NPUs hang off each switch." in p
    # a template parameter shows its default
    w = _hover(lsp, spec, _at(SPEC, "S[width]", 3))
    assert "width = 4" in w and "value **4**" in w
    # the part: figures from the catalog; 7 UB ports x 56 GB/s = 392 GB/s
    part = _hover(lsp, spec, _at(SPEC, "huawei.Ascend910C", 9))
    assert "Ascend-910C" in part and "600 W" in part and "392 GB/s" in part and "128 GB" in part
    # an argument of an instance: the template parameter it sets
    arg = _hover(lsp, spec, _at(SPEC, "width = 2", 1))
    assert "width = 4" in arg and "parameter of node `Box`" in arg


def _definition(lsp: LspClient, uri: str, pos: dict) -> dict:
    res = lsp.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": pos})
    assert res, "no definition"
    return res[0] if isinstance(res, list) else res


def test_definition_into_the_catalog_and_another_file(lsp: LspClient, spec: str, tmp_path: Path) -> None:
    loc = _definition(lsp, spec, _at(SPEC, "huawei.Ascend910C", 10))
    assert Path(loc["uri"].removeprefix("file://")).resolve() == CATALOG.resolve()
    lines = CATALOG.read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(lines) if t.startswith("accelerator Ascend910C "))
    # `accelerator ` is 12 characters; the name `Ascend910C` is 10
    assert loc["range"] == {"start": _pos(line, 12), "end": _pos(line, 22)}
    # a port group: `ub` in `npu[i].ub[0]` lands on its `port ub[...]` line in the catalog
    loc = _definition(lsp, spec, _at(SPEC, "ub[0]", 0))
    assert lines[loc["range"]["start"]["line"]].strip().startswith("port ub[")
    # an argument lands on the parameter: `node Box(` is 9 characters, `width = 4` is 9 more
    loc = _definition(lsp, spec, _at(SPEC, "width = 2", 2))
    line = SPEC.splitlines().index("node Box(width = 4) {")
    assert loc["uri"] == spec and loc["range"] == {"start": _pos(line, 9), "end": _pos(line, 18)}
    # a template in a sibling file, through a relative import
    (tmp_path / "lib.sn").write_text("/// A box.\nnode Box {\n  x: Thing\n}\n", encoding="utf-8")
    main = 'import "lib"\ncenter c {\n  b: lib.Box\n}\n'
    uri, _ = _open(lsp, tmp_path / "main.sn", main)
    loc = _definition(lsp, uri, _at(main, "lib.Box", 5))
    assert loc["uri"] == (tmp_path / "lib.sn").resolve().as_uri()
    assert loc["range"] == {"start": _pos(1, 5), "end": _pos(1, 8)}


def _labels(lsp: LspClient, uri: str, pos: dict) -> list[str]:
    res = lsp.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": pos})
    items = res["items"] if isinstance(res, dict) else res
    return [i["label"] for i in items]


def test_completion_of_catalog_parts_ports_and_names(lsp: LspClient, tmp_path: Path) -> None:
    text = 'import "huawei"\nnode N {\n  npu: huawei.Ascend910C[2]\n  x: huawei.\n}\n'
    uri, diags = _open(lsp, tmp_path / "complete.sn", text)
    assert diags and diags[0]["code"].startswith("SN00")          # `x: huawei.` does not parse
    catalog = CATALOG.read_text(encoding="utf-8")
    kinds = "accelerator|cpu|switch|nic|server|optic|cable|rack|power_shelf|cooling|device|node|supernode|fabric|pod"
    expected = set(re.findall(rf"^(?:{kinds}) (\w+)", catalog, re.M))
    assert {"Ascend910C", "Kunpeng920", "UBSwitchL1", "UB400G"} <= expected
    assert set(_labels(lsp, uri, _pos(3, 12))) == expected       # after `  x: huawei.`
    # port groups of the Ascend 910C after `npu[0].`, read from the catalog declaration
    decl = catalog[catalog.index("accelerator Ascend910C"):]
    ports = set(re.findall(r"^\s*port (\w+)", decl[: decl.index("\n}")], re.M))
    t = _change(lsp, uri, 2, [{"text": text.replace("  x: huawei.\n", "  connect npu[0].\n")}])
    lsp.diagnostics(uri, 2, after=t)
    assert set(_labels(lsp, uri, _pos(3, 17))) == ports == {"ub", "rdma"}
    # elsewhere: keywords and the names in scope
    names = _labels(lsp, uri, _pos(3, 2))
    assert {"connect", "require", "npu", "huawei", "N"} <= set(names)


def test_formatting_edit_and_outline(lsp: LspClient, tmp_path: Path) -> None:
    messy = "switch S{port p[4]:UB@56 GB/s;power=60W}\nnode N(n=2){s:S[n]}\n"
    uri, _ = _open(lsp, tmp_path / "messy.sn", messy)
    edits = lsp.request("textDocument/formatting", {"textDocument": {"uri": uri},
                                                    "options": {"tabSize": 2, "insertSpaces": True}})
    assert len(edits) == 1
    assert edits[0]["range"] == {"start": _pos(0, 0), "end": _pos(2, 0)}   # two lines, then the end
    assert edits[0]["newText"] == ("switch S {\n  port p[4]: UB @ 56 GB/s\n  power = 60 W\n}\n"
                                   "node N(n = 2) {\n  s: S[n]\n}\n")
    symbols = lsp.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert [(s["name"], s["detail"]) for s in symbols] == [("S", "switch"), ("N", "node")]
    assert [c["name"] for c in symbols[0]["children"]] == ["p", "power"]
    assert [c["name"] for c in symbols[1]["children"]] == ["n", "s"]


def test_latency_of_diagnostics_on_cloudmatrix384(lsp: LspClient, capsys: pytest.CaptureFixture[str]) -> None:
    """Measured and printed, not asserted: the time from a change to its diagnostics."""
    path = EXAMPLES / "cloudmatrix384.sn"
    text = path.read_text(encoding="utf-8")
    uri = path.resolve().as_uri()
    t = lsp.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "sn", "version": 1,
                                                             "text": text}})
    assert lsp.diagnostics(uri, 1, after=t)[1] == []
    needle = "require latency(npu, npu) <= "
    at = text.index(needle) + len(needle)
    line = text.count("\n", 0, at)
    col = at - (text.rfind("\n", 0, at) + 1)
    samples = []
    try:
        for version in range(2, 10):
            digit = str(version % 2 + 1)                   # alternate `1 us` and `2 us`
            t = _change(lsp, uri, version, [{"range": {"start": _pos(line, col), "end": _pos(line, col + 1)},
                                             "text": digit}])
            arrived, diags = lsp.diagnostics(uri, version, after=t)
            assert diags == []
            samples.append(arrived - t)
            time.sleep(0.1)
    finally:
        lsp.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    with capsys.disabled():
        print(f"\nLSP latency change -> diagnostics, examples/cloudmatrix384.sn: median "
              f"{statistics.median(samples) * 1000:.0f} ms over {len(samples)} changes "
              f"(min {min(samples) * 1000:.0f}, max {max(samples) * 1000:.0f}; target < 300 ms)")


def test_unsaved_import_error_shows_on_the_import_and_clears(lsp: LspClient, tmp_path: Path) -> None:
    """An open, unsaved imported buffer is what the importer compiles against."""
    lib_disk = "switch T {\n  port p[2]: UB @ 56 GB/s\n}\n"
    (tmp_path / "lib.sn").write_text(lib_disk, encoding="utf-8")
    lib_uri = (tmp_path / "lib.sn").resolve().as_uri()
    broken = lib_disk.replace("56 GB/s", "56 GB/s\n  power = 5 m")      # a length where power goes
    t = lsp.notify("textDocument/didOpen", {"textDocument": {"uri": lib_uri, "languageId": "sn", "version": 1,
                                                             "text": broken}})
    assert [d["code"] for d in lsp.diagnostics(lib_uri, 1, after=t)[1]] == ["SN0201"]
    main = '// uses lib\nimport "lib"\ncenter c {\n  t: lib.T[2]\n}\n'
    uri, diags = _open(lsp, tmp_path / "main.sn", main)
    assert [d["code"] for d in diags] == ["SN0201"]
    assert diags[0]["range"] == {"start": _pos(1, 0), "end": _pos(1, 12)}      # `import "lib"`
    assert diags[0]["message"].startswith("in lib.sn:3:")
    rel = diags[0]["relatedInformation"][0]["location"]
    assert rel["uri"] == lib_uri and rel["range"]["start"]["line"] == 2
    # fixing the imported buffer (still unsaved) recompiles the importer too
    t = _change(lsp, lib_uri, 2, [{"text": lib_disk}])
    assert lsp.diagnostics(lib_uri, 2, after=t)[1] == []
    assert lsp.diagnostics(uri, None, after=t)[1] == []


def test_without_pygls_the_command_says_how_to_install_it() -> None:
    import subprocess
    import sys
    code = ("import sys; sys.modules['pygls'] = None\n"
            "from supernodec.cli import main\nsys.exit(main(['lsp']))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 2
    assert "pip install 'supernodec[lsp]'" in r.stderr and "Traceback" not in r.stderr
