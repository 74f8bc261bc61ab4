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
    # line 4 (0-based 3) of the template: `  param k = 1` is 13 characters, then
    # replaced by `  hall h { row A[2] }`, 21 characters
    assert _typed(lsp, uri, 2, "  param k = 1") == [("SN0002", "a parameter is not allowed here", (3, 2, 3, 13))]
    assert _typed(lsp, uri, 3, "  hall h { row A[2] }") == [
        ("SN0002", "a `hall` belongs in the center, not in a template", (3, 2, 3, 21))]


def _typed(lsp: LspClient, uri: str, version: int, line: str) -> list[tuple]:
    """(code, first line of the message, range) after `line` is typed at the end of the template."""
    text = TEXT.replace("  r: R\n}", f"  r: R\n{line}\n}}")
    t = lsp.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                              "contentChanges": [{"text": text}]})
    out = []
    for d in lsp.diagnostics(uri, version, after=t)[1]:
        a, b = d["range"]["start"], d["range"]["end"]
        out.append((d["code"], d["message"].split("\n")[0], (a["line"], a["character"], b["line"], b["character"])))
    return out
