"""A misplaced statement in a template nothing uses yet shows in the editor as it is
typed: the real `supernodec lsp` process (its process group killed in `finally`).
Positions are counted by hand in the comments."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from lsp_client import LspClient

pytest.importorskip("pygls")

TEXT = "rack R { height = 42 U }\nnode N {\n  r: R\n}\ncenter c {\n  x: R\n}\n"


@pytest.fixture()
def lsp(tmp_path: Path) -> Iterator[LspClient]:
    client = LspClient(tmp_path, tmp_path / "server.log")
    try:
        client.request("initialize", {"processId": None, "rootUri": tmp_path.as_uri(),
                                      "capabilities": {"general": {"positionEncodings": ["utf-16"]}}})
        client.notify("initialized", {})
        yield client
    finally:
        client.close()


def test_a_parameter_then_a_hall_typed_in_an_unused_template(lsp: LspClient, tmp_path: Path) -> None:
    path = tmp_path / "spec.sn"
    path.write_text(TEXT, encoding="utf-8")
    uri = path.resolve().as_uri()
    t = lsp.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "sn", "version": 1,
                                                             "text": TEXT}})
    assert lsp.diagnostics(uri, 1, after=t)[1] == []          # `N` is used by nothing
    # type `  param k = 1` as line 4 (0-based 3) of the template: 13 characters
    text = TEXT.replace("  r: R\n}", "  r: R\n  param k = 1\n}")
    t = lsp.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                              "contentChanges": [{"text": text}]})
    diags = lsp.diagnostics(uri, 2, after=t)[1]
    assert [(d["code"], d["message"].split("\n")[0]) for d in diags] == [("SN0002", "a parameter is not allowed here")]
    assert diags[0]["range"] == {"start": {"line": 3, "character": 2}, "end": {"line": 3, "character": 13}}
    # replace it by a hall: `  hall h { row A[2] }` is 21 characters
    text = TEXT.replace("  r: R\n}", "  r: R\n  hall h { row A[2] }\n}")
    t = lsp.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                              "contentChanges": [{"text": text}]})
    diags = lsp.diagnostics(uri, 3, after=t)[1]
    assert [(d["code"], d["message"].split("\n")[0]) for d in diags] == [("SN0002", "a `hall` belongs in the center, not in a template")]
    assert diags[0]["range"] == {"start": {"line": 3, "character": 2}, "end": {"line": 3, "character": 21}}
