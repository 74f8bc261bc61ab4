"""Syntax errors read in the language of the spec, never in Lark's terminal names.

Every terminal of the compiled grammar has a display (`)`, `in`, "a number"), and
the messages for broken versions of the examples name no internal terminal.
"""

from __future__ import annotations

import re

import pytest
from lark import Lark

from conftest import EXAMPLES
from supernodec.syntax.parser import grammar_text, keywords, parse_module, terminal_display




def _outside_backticks(text: str) -> str:
    return re.sub(r"`[^`]*`", "``", text)


def _grammar_terminals() -> list:
    return Lark(grammar_text(), parser="lalr", start="module").terminals


# Lark's names for the terminals (`RPAR`, `__ANON_0`, `_NL`) and for the end (`$END`),
# as whole words outside backticks.
_NAMES = sorted({t.name for t in _grammar_terminals()} | {"$END"}, key=len, reverse=True)
INTERNAL = re.compile(r"__ANON|(?<![\w$])(?:" + "|".join(re.escape(n) for n in _NAMES) + r")(?!\w)")


@pytest.mark.parametrize("term", _grammar_terminals(), ids=lambda t: t.name)
def test_every_terminal_has_a_human_display(term) -> None:
    shown = terminal_display(term.name)
    assert shown, f"{term.name} has no display"
    assert term.name not in shown
    assert not INTERNAL.search(_outside_backticks(shown)), shown
    if term.pattern.type == "str":          # a fixed text is shown as written
        assert shown == f"`{term.pattern.value}`"


def test_end_of_file_has_a_display() -> None:
    assert terminal_display("$END") == "the end of the file"


def test_keywords_come_from_the_grammar() -> None:
    words = {t.pattern.value for t in _grammar_terminals() if t.pattern.type == "str" and t.pattern.value.isalpha()}
    assert keywords() == words
    assert {"for", "in", "at", "connect", "and"} <= keywords()
    assert "switch" not in keywords()        # kinds are ordinary names


def _broken_versions(text: str):
    """The text with one token removed, and with a stray `)`, `in` or `$` inserted before it."""
    for m in re.finditer(r"\S+", text):
        a, b = m.start(), m.end()
        yield text[:a] + text[b:]
        for stray in (") ", "in ", "$"):
            yield text[:a] + stray + text[a:]


@pytest.mark.parametrize("example", ["cloudmatrix384.sn", "small-cluster.sn"])
def test_no_internal_names_in_syntax_errors_of_broken_examples(example: str) -> None:
    text = (EXAMPLES / example).read_text(encoding="utf-8")
    seen = 0
    for broken in _broken_versions(text):
        _, diags = parse_module(example, broken)
        for d in diags:
            seen += 1
            for part in (d.message, d.label or "", d.hint or ""):
                assert not INTERNAL.search(_outside_backticks(part)), (part, broken)
    assert seen > 100     # most of the edits are syntax errors


@pytest.mark.parametrize("text, expected", [
    ("switch S { port p[4: UB @ 56 GB/s }\n", "expected `]`"),
    ("supernode X(n = 4 {\n}\n", "expected `)` or `,`"),
    ("center c {\n  for i 0..3 { }\n}\n", "expected `in`"),
    ("center c {\n  if true x = 1\n}\n", "expected `{`"),
    ("center c {\n  place a[0] b\n}\n", "expected `in`"),
])
def test_messages_name_what_was_expected(text: str, expected: str) -> None:
    _, diags = parse_module("t.sn", text)
    assert len(diags) == 1 and expected in diags[0].message, [d.message for d in diags]
