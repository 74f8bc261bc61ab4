"""`grammar_texts()`: text generated from the `.sn` grammar itself.

Built on `hypothesis.extra.lark.from_lark` with the grammar the parser uses
(`supernodec.syntax.parser.grammar_text()`). Every draw parses, but most
drafts mean nothing (unknown names, wrong kinds), so this strategy is for
"never crashes" properties that reach past the parser into resolution and
elaboration; use `valid_specs()` for meaningful designs.

Keyword terminals are padded with spaces, because `from_lark` would otherwise
glue a keyword to the next name (`importx`, hypothesis issue #1804), and the
terminals with awkward regexes get explicit strategies: names and units from
`atoms`, numbers in all spellings, strings with escapes.
"""

from __future__ import annotations

import functools
import re

from hypothesis import strategies as st
from lark import Lark
from lark.lexer import PatternStr

from ..syntax.parser import grammar_text
from .atoms import UNIT_FACTORS, names, string_literal


@functools.lru_cache(maxsize=1)
def _lark() -> Lark:
    return Lark(grammar_text(), parser="lalr", start="module")


def _pad(s: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return s.map(lambda t: f" {t} ")


def _explicit(lark: Lark) -> dict[str, st.SearchStrategy[str]]:
    units = sorted({u for table in UNIT_FACTORS.values() for u in table} | {"%", "min", "h"})
    out: dict[str, st.SearchStrategy[str]] = {
        "NAME": _pad(names()),
        "NUMBER": _pad(st.one_of(st.integers(0, 10**6).map(str), st.sampled_from(
            ("0", "1", "8", "48", "1_000", "0.5", "1e3", "2.5e-9", "7", "16", "384")))),
        "UNIT": _pad(st.sampled_from(units)),
        "STRING": _pad(string_literal(12)),
        "RATIO": _pad(st.sampled_from(("1:1", "2:1", "1:2", "1.5:1", "0:1", "3:0"))),
        "_NL": st.sampled_from(("\n", "\n  ", "\r\n", "\n\n")),
        "WS": st.sampled_from((" ", "\t", "  ")),
        "COMMENT": st.just(""),        # a comment ends its line: only valid before a newline
        "DOC": st.sampled_from(("/// doc", "/// \u00e9")),
        "LINE_CONT": st.just("\\\n"),
    }
    for t in lark.terminals:
        if t.name not in out and isinstance(t.pattern, PatternStr):
            word = t.pattern.value
            out[t.name] = st.just(f" {word} " if re.fullmatch(r"\w+", word) else word)
    return out


def grammar_texts() -> st.SearchStrategy[str]:
    """Modules generated from the grammar, padded so that tokens do not fuse."""
    from hypothesis.extra.lark import from_lark
    lark = _lark()
    return from_lark(lark, start="module", explicit=_explicit(lark))


_PUNCT = ("{", "}", "[", "]", "(", ")", ":", ";", ",", ".", "..", "=", "->", "<->", "@", "*", "/", "%", "+", "-",
          "<=", ">=", "==", "!=", "<", ">", "[*]", "\n", "\n", "\n", "//", "///", "\\\n")
_WORDS = ("switch", "accelerator", "cpu", "nic", "server", "optic", "cable", "rack", "device", "node", "supernode",
          "fabric", "pod", "center", "hall", "import", "param", "let", "port", "connect", "medium", "auto",
          "parallel", "bundle", "split", "stripe", "lanes", "form", "for", "in", "if", "else", "place", "at",
          "row", "pitch", "unified", "memory", "over", "width", "align", "require", "mgmt", "extends",
          "true", "false", "and", "or", "not", "huawei", "huawei.Ascend910C", "latency", "bandwidth", "hops",
          "floor", "ceil", "min", "max", "OSFP", "UB", "InfiniBand", "Ethernet", "NVLink")


def token_soup(max_tokens: int = 80) -> st.SearchStrategy[str]:
    """Random sequences of the language's words, numbers with units and punctuation.

    Closer to real input than random characters, so more of them get past the
    lexer and into the parser's error paths and the later stages.
    """
    units = sorted({u for table in UNIT_FACTORS.values() for u in table})
    tok = st.one_of(st.sampled_from(_WORDS), st.sampled_from(_PUNCT), names(), string_literal(8),
                    st.builds(lambda n, u: f"{n} {u}", st.sampled_from(("0", "1", "8", "400", "1e400", "0.5", "-1")),
                              st.sampled_from(units)), st.integers(-2, 10**6).map(str))
    return st.lists(tok, max_size=max_tokens).map(" ".join)
