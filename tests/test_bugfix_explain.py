"""The examples of `supernodec explain` are `.sn` the compiler reads.

Every indented snippet of every code's explanation parses. In the syntax codes
(SN0001-SN0005, and SN0202 for units) a "Bad" snippet fails to parse with that very code. A snippet
holding a `center` is a complete spec: compiled, a "Bad" one reports the code
it illustrates and a "Fix" one compiles without errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import compile_text
from supernodec.codes import CODES
from supernodec.syntax.parser import parse_module

# Codes whose snippets are command lines or NetBox YAML, not `.sn`.
NOT_SN = {"SN0006", "SN0210", "SN0311", "SN0312", "SN0313"}
# Codes the parser itself reports: their "Bad" snippets do not parse.
SYNTAX = {"SN0001", "SN0002", "SN0003", "SN0004", "SN0005", "SN0202"}
MARK = re.compile(r"\b(Bad|Fix)\b")


def _snippets(explanation: str) -> list[tuple[str, str]]:
    """(role, text) of each indented block; the role is the last "Bad"/"Fix" before it."""
    out: list[tuple[str, str]] = []
    role, block, prose, blank = "", [], [], True
    for line in [*explanation.splitlines(), ""]:
        if line.startswith("    ") and (block or blank):    # a block follows an empty line
            if not block:
                marks = MARK.findall(" ".join(prose))
                role = marks[-1] if marks else role
                prose = []
            block.append(line[4:])
            continue
        if block:
            out.append((role, "\n".join(block) + "\n"))
            block = []
        prose.append(line)
        blank = not line.strip()
    return out


SNIPPETS = [(c.code, i, role, text) for c in CODES.values() if c.code not in NOT_SN
            for i, (role, text) in enumerate(_snippets(c.explanation))]


def test_the_codes_have_examples() -> None:
    assert len(SNIPPETS) > 80
    assert {code for code, *_ in SNIPPETS} >= {"SN0003", "SN0004", "SN0101", "SN0102", "SN0204", "SN0213"}


@pytest.mark.parametrize("code, i, role, text", SNIPPETS, ids=[f"{c}-{i}" for c, i, *_ in SNIPPETS])
def test_snippet_parses(code: str, i: int, role: str, text: str) -> None:
    module, diags = parse_module("explain.sn", text)
    if code in SYNTAX and role == "Bad":
        assert [d.code for d in diags] == [code], [d.message for d in diags]
    else:
        assert module is not None and diags == [], [d.message for d in diags]


COMPLETE = [s for s in SNIPPETS if re.search(r"^center \w+", s[3], re.M)]


def test_the_named_codes_have_complete_examples() -> None:
    assert {code for code, *_ in COMPLETE} >= {"SN0101", "SN0102", "SN0204", "SN0213"}


@pytest.mark.parametrize("code, i, role, text", COMPLETE, ids=[f"{c}-{i}" for c, i, *_ in COMPLETE])
def test_complete_example_compiles_to_its_code(tmp_path: Path, code: str, i: int, role: str, text: str) -> None:
    res = compile_text(tmp_path, text)
    codes = [d.code for d in res.diagnostics if d.severity == "error"]
    if role == "Bad":
        assert code in codes, [d.message for d in res.diagnostics]
    else:
        assert codes == [], [d.message for d in res.diagnostics]
