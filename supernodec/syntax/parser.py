"""Text to AST: the LALR parser and syntax-error mapping (layer 3).

Lark never leaves this package: callers get `Module` values or diagnostics.
"""

from __future__ import annotations

import importlib.resources
import sys

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from ..diagnostics import Diagnostic, DiagnosticError, error
from ..source import Span
from ..suggest import did_you_mean
from . import ast as A
from .lower import Lower
from .nesting import nesting_error

MAX_SOURCE_CHARS = 16_000_000


def grammar_text() -> str:
    return importlib.resources.files("supernodec").joinpath("grammar/supernodec.lark").read_text("utf-8")


class _Parser:
    """One Lark instance; the tree is lowered to the AST right after parsing."""

    def __init__(self) -> None:
        self.lower = Lower()
        self.comments: list[Token] = []
        self.lark = Lark(grammar_text(), parser="lalr", start="module", propagate_positions=True,
                         maybe_placeholders=False, cache=True,
                         lexer_callbacks={"COMMENT": self.comments.append})
        # terminal name -> its text, for the terminals that are a fixed string
        self.literals = {t.name: t.pattern.value for t in self.lark.terminals if t.pattern.type == "str"}

    def parse(self, path: str, text: str) -> tuple:
        self.lower.path = path
        self.comments.clear()
        tree = self.lark.parse(text)
        return self.lower.transform(tree)



_PARSER: _Parser | None = None


def _parser() -> _Parser:
    global _PARSER
    if _PARSER is None:
        _PARSER = _Parser()
    return _PARSER


def parse_module(path: str, text: str) -> tuple[A.Module | None, list[Diagnostic]]:
    """Parse one file. Returns (module, []) or (None, [the syntax diagnostic])."""
    if len(text) > MAX_SOURCE_CHARS:
        return None, [error("SN0007", f"file is {len(text):,} characters; the limit is {MAX_SOURCE_CHARS:,}",
                            Span(path, 0, 0, 1, 1, 1, 1), hint="split the spec into imported modules")]
    deep = nesting_error(path, text)
    if deep is not None:
        return None, [deep]
    p = _parser()
    old = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(old, 10_000))
        body = p.parse(path, text)
    except UnexpectedInput as e:
        return None, [_syntax_diagnostic(path, text, e)]
    except VisitError as e:
        if isinstance(e.orig_exc, DiagnosticError):
            return None, [e.orig_exc.diagnostic]
        raise
    except DiagnosticError as e:
        return None, [e.diagnostic]
    except RecursionError:
        return None, [error("SN0207", "expression nesting is too deep to parse",
                            Span(path, 0, 0, 1, 1, 1, 1), hint="simplify the expression")]
    finally:
        sys.setrecursionlimit(old)
    comments = tuple((t.start_pos or 0, str(t)) for t in p.comments)
    end = len(text)
    return A.Module(path, body or (), comments, span=Span(path, 0, end, 1, 1, 1, 1)), []


# ---------------------------------------------------------------- error mapping
# How the terminals of the grammar read in a message. Literal terminals (`{`, `in`,
# `..`) are shown as written, from the compiled grammar; these are the patterns.
_PATTERN_WHAT = {
    "NAME": "a name", "NUMBER": "a number", "STRING": "a quoted string", "UNIT": "a unit like `GB/s`",
    "RATIO": "a ratio like `1:1`", "ARROW": "`->` or `<->`", "CMP": "a comparison like `<=`",
    "ADDOP": "`+` or `-`", "MULOP": "`*`, `/` or `%`", "DOC": "a `///` doc comment",
    "COMMENT": "a `//` comment", "_NL": "a new line", "WS": "a space",
    "LINE_CONT": "a line continuation (`\\` at the end of a line)", "$END": "the end of the file",
}
# Terminals that continue an expression, listed together as "an operator"; the
# literal ones (`..`, `and`, `or`) are found by their text.
_OPERATOR_PATTERNS = {"ADDOP", "MULOP", "CMP", "UNIT"}
_OPERATOR_TEXTS = {"..", "and", "or"}
# Terminals that start a value, listed together when a value may come.
_VALUE_PATTERNS = {"NAME", "NUMBER", "STRING", "RATIO", "ADDOP"}
_VALUE_TEXTS = {"(", "not", "true", "false"}
_END = {"_NL", "SEMICOLON", "$END"}
# Order in an "expected ..." list: closing and structural punctuation first.
_FIRST = ("RSQB", "RPAR", "RBRACE", "LBRACE", "COMMA", "IN", "EQUAL", "COLON", "ARROW", "DOT", "LSQB",
          "LPAR", "AT", "_NL", "SEMICOLON", "$END")

_AFTER = {
    "CONNECT": "a port reference like `leaf[1].p[3]`",
    "ARROW": "a port reference like `spine[j].down`",
    "IMPORT": 'a quoted module like `"huawei"` or `"partners/optics.sn"`',
    "AT": "a port rate like `56 GB/s`",
    "EQUAL": "a value: a number with a unit, a name, a string or an expression",
    "COLON": "a part or template name like `huawei.Ascend910C`",
    "PLACE": "a reference to what is placed, like `server[i]`",
    "IN": "a reference like `compute[i / 4]` or `h1.A`",
    "REQUIRE": "a requirement like `latency(npu, npu) <= 3 us`",
    "PORT": "a port group like `port ub[7]: UB @ 56 GB/s`",
    "PARAM": "a parameter like `param nodes = 48`",
    "LSQB": "an index or count, like `[8]`, `[i]` or `[*]`",
    "CMP": "a bound, like `3 us` or `392 GB/s`",
}


def terminal_display(name: str) -> str | None:
    """How a terminal of the grammar reads in a message (`)`, `in`, "a number"),
    or None for a name the grammar does not have."""
    if name in _PATTERN_WHAT:
        return _PATTERN_WHAT[name]
    literal = _parser().literals.get(name)
    return f"`{literal}`" if literal is not None else None


def keywords() -> frozenset[str]:
    """The words the grammar reserves (`for`, `in`, `connect`, ...): not usable as names
    in every position."""
    return frozenset(v for v in _parser().literals.values() if v.isidentifier())


def _values(expected: set[str]) -> set[str]:
    """The terminals in `expected` that start a value."""
    lits = _parser().literals
    return {t for t in expected if t in _VALUE_PATTERNS or lits.get(t) in _VALUE_TEXTS}


def _describe(expected: set[str]) -> str:
    lits = _parser().literals
    words: list[str] = []
    values = _values(expected)
    if {"NAME", "NUMBER"} <= values:
        expected = expected - values
        words.append("a value like `4`, `nodes` or `56 GB/s`")
    ops = {t for t in expected if t in _OPERATOR_PATTERNS or lits.get(t) in _OPERATOR_TEXTS}
    if len(ops) > 1:
        expected = expected - ops
    if "_NL" in expected:
        expected = expected - _END
        words.insert(0, "the end of the line")
    order = {t: i for i, t in enumerate(_FIRST)}
    for t in sorted(expected, key=lambda t: (order.get(t, len(order)), terminal_display(t) or t)):
        w = terminal_display(t) or "something else"
        if w not in words:
            words.append(w)
    if len(words) > 6:
        words = words[:6] + ["..."]
    if len(ops) > 1:
        words.append("an operator")
    if not words:
        return "something else"
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]


def _accepted(e: UnexpectedToken) -> set[str]:
    """The terminals the parser really accepts here (`e.expected` also lists the
    lookaheads of pending reductions that fail one step later)."""
    try:
        got = set(e.interactive_parser.accepts())
    except Exception:  # noqa: BLE001 - a best effort; the table's list is the fallback
        got = set()
    return got or set(e.expected)


def _span_at(path: str, text: str, pos: int, length: int = 1) -> Span:
    pos = max(0, min(pos, len(text)))
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    end = min(len(text), pos + max(length, 0))
    return Span(path, pos, end, line, col, line, col + (end - pos))


def _syntax_diagnostic(path: str, text: str, e: UnexpectedInput) -> Diagnostic:
    if isinstance(e, UnexpectedCharacters):
        return _bad_char(path, text, e)
    if isinstance(e, UnexpectedEOF):
        return error("SN0003", "the file ends in the middle of a statement",
                     _span_at(path, text, len(text), 0), hint="close the open `{` or finish the statement")
    assert isinstance(e, UnexpectedToken)
    tok = e.token
    if tok is None:
        return error("SN0002", "unexpected input", _span_at(path, text, 0, 1))
    prev = _previous(e)
    if tok.type in ("MULOP", "SLASH") and text.startswith("/*", tok.start_pos or 0):
        return error("SN0001", "block comments are not supported", _span_at(path, text, tok.start_pos or 0, 2),
                     hint="use `//` line comments")
    accepted = _accepted(e)
    if tok.type == "$END":
        return error("SN0003", "the file ends in the middle of a statement" +
                     (f": expected {_AFTER[prev]}" if prev in _AFTER else ""),
                     _span_at(path, text, len(text), 0), label=f"expected {_describe(accepted)}",
                     hint="close the open `{` or finish the statement")
    span = _span_at(path, text, tok.start_pos or 0, 1 if tok.type == "_NL" else len(str(tok)))
    shown = "end of line" if tok.type == "_NL" else f"`{str(tok)}`"
    if prev == "NUMBER" and tok.type == "NAME" and (after := _after_number(path, text, e, tok, span)):
        return after
    want = _AFTER.get(prev or "", "")
    if prev == "IN" and _values(accepted) - {"NAME"}:
        want = ""                       # `for i in 0..7`, not `place a in b`
    if not want:
        want = _describe(accepted)
    return error("SN0002", f"unexpected {shown}: expected {want}", span,
                 label=f"expected {want}", hint=_hint_for(tok, accepted))


_UNITS = ("b/s", "kb/s", "Mb/s", "Gb/s", "Tb/s", "B/s", "MB/s", "GB/s", "TB/s", "Gbps", "Tbps",
          "ps", "ns", "us", "ms", "s", "mm", "cm", "m", "km", "W", "kW", "MW", "B", "KiB", "MiB",
          "GiB", "TiB", "kB", "MB", "GB", "TB", "bit", "bits", "U", "USD", "CNY", "ns/m")


def _after_number(path: str, text: str, e: UnexpectedToken, tok: Token, span: Span) -> Diagnostic | None:
    """A name right after a number: an exponent without digits (`2.5e m`), an unknown
    unit, or None for a declaration kind (`param n = 3 center c { }` lacks a line break)."""
    word, num = str(tok), e.token_history[-1]
    if word in ("e", "E") and tok.start_pos == num.end_pos:
        return error("SN0005", f"invalid number `{num}{word}`: the exponent has no digits",
                     _span_at(path, text, num.start_pos or 0, len(str(num)) + 1), label="exponent without digits",
                     hint=f"write the exponent's digits (`{num}{word}3`) or drop the `{word}`")
    if word in A.DECL_KINDS:
        return None
    return error("SN0202", f"unknown unit `{tok}`", span, label="not a unit",
                 hint=did_you_mean(word, _UNITS) or "units: Gb/s GB/s ns us m W kW GB GiB U USD ...")


def _previous(e: UnexpectedToken) -> str | None:
    hist = getattr(e, "token_history", None)
    if hist and hist[-1] is not None:
        return str(hist[-1].type)
    return None


def _hint_for(tok: Token, accepted: set[str]) -> str:
    for closer, what in (("RSQB", "`[`"), ("RPAR", "`(`")):
        if closer in accepted and tok.type != closer:
            return f"close the {what} first"
    if "_NL" in accepted or "SEMICOLON" in accepted:
        return "end the statement with a new line or `;`"
    if "LBRACE" in accepted:
        return "open the block with `{`"
    if tok.type in ("RBRACE",):
        return "the block closes too early: finish the statement before `}`"
    return "see the language tour in README.md"


def _bad_char(path: str, text: str, e: UnexpectedCharacters) -> Diagnostic:
    pos = e.pos_in_stream
    ch = text[pos] if pos < len(text) else ""
    span = _span_at(path, text, pos, 1)
    if ch == '"':
        return error("SN0004", "unterminated string", span, label="this string has no closing `\"`",
                     hint='close the string on the same line with `"`')
    if ch == "/" and text.startswith("/*", pos):
        return error("SN0001", "block comments are not supported", span, hint="use `//` line comments")
    code = f"U+{ord(ch):04X}" if ch else "end of file"
    shown = ch if ch.isprintable() else code
    return error("SN0001", f"unexpected character `{shown}` ({code})", span,
                 label=f"expected {_describe(set(e.allowed or ()))}" if e.allowed else "not part of the language",
                 hint="names use letters, digits and `_`; strings are in double quotes")
