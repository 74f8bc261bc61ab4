"""Statements in blocks: a repeated `let` points at both declarations."""

from __future__ import annotations

from pathlib import Path

from conftest import compile_text


def test_duplicate_let_in_a_block_points_at_both(tmp_path: Path) -> None:
    text = "switch Sw { port p: UB @ 1 Gb/s }\ncenter c {\n  let n = 1\n  a: Sw\n  let n = 2\n}\n"
    res = compile_text(tmp_path, text)
    [d] = res.diagnostics
    assert d.code == "SN0102" and d.span.line == 5
    assert [(r.span.line, r.span.col) for r in d.related] == [(3, 3)]
