"""Diagnostics as rich text, one-line text and JSON (layer 6).

`render_rich` draws rustc/Elm-style reports with the source line and carets,
`render_short` gives one `file:line:col: error[SN0402]: message` line per
diagnostic, and `render_json` a stable JSON array for tools and editors. All
three are pure and deterministic: diagnostics come out in the order given.
Rich and short text end with a newline (and are empty without diagnostics);
the JSON document does not.

Columns in spans count code points (as in `Span`); when drawing carets a tab
shows as four spaces and East Asian wide characters as two columns, so carets
line up in a terminal. Control and bidirectional-override characters from the
source or messages are shown as U+FFFD so a file cannot drive the terminal.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping, Sequence

from .codes import lookup
from .diagnostics import ERROR, NOTE, WARNING, Diagnostic, Related
from .source import SourceFile, Span

__all__ = ["render_json", "render_rich", "render_short", "summary_line"]

TAB = "    "
NO_SPAN = "<design>"

_STYLES = {
    ERROR: "1;31", WARNING: "1;33", NOTE: "1;32",
    "help": "1;36", "gutter": "1;34", "secondary": "1;34", "bold": "1",
}
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


# --------------------------------------------------------------------------
# Text helpers


def _paint(text: str, style: str, color: bool) -> str:
    if not color or not text:
        return text
    return f"\x1b[{_STYLES[style]}m{text}\x1b[0m"


def _unsafe(ch: str) -> bool:
    """Characters a terminal would act on rather than show (tab and newline excepted)."""
    if ch in "\t\n":
        return False
    return ch in _BIDI or unicodedata.category(ch) in ("Cc", "Zl", "Zp")


def _clean(text: str) -> str:
    """`text` with tabs expanded, line separators as newlines, controls made visible."""
    text = text.replace("\r\n", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return "".join("\ufffd" if _unsafe(ch) else ch for ch in text).replace("\t", TAB)


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split("\n"))


def _char_width(ch: str) -> int:
    if ch == "\t":
        return len(TAB)
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _layout(line: str) -> tuple[str, list[int]]:
    """Displayed `line` and the display column before each code point (plus the end)."""
    shown: list[str] = []
    cols, x = [0], 0
    for ch in line:
        ch = "\ufffd" if _unsafe(ch) else ch
        shown.append(TAB if ch == "\t" else ch)
        x += _char_width(ch)
        cols.append(x)
    return "".join(shown), cols


# --------------------------------------------------------------------------
# Rich format


def _source_line(span: Span, sources: Mapping[str, SourceFile]) -> str | None:
    """The text of the span's first line, or None when the file is not available."""
    src = sources.get(span.file)
    if src is None or not 1 <= span.line <= len(src.line_starts):
        return None
    return src.line_text(span.line).rstrip("\r")


def _underline(span: Span, line: str, mark: str) -> tuple[str, str]:
    """(displayed line, marker line) for `span` on its first line `line`."""
    shown, cols = _layout(line)
    last = len(line)
    start = cols[min(max(span.col - 1, 0), last)]
    if span.end_line > span.line:
        end, more = cols[last], " ..."
    else:
        end, more = cols[min(max(span.end_col - 1, 0), last)], ""
    return shown, " " * start + mark * max(1, end - start) + more


class _Report:
    """Accumulates the lines of one rich diagnostic."""

    def __init__(self, width: int, color: bool):
        self.width, self.color = width, color
        self.lines: list[str] = []
        self.after_snippet = False

    def gutter(self, text: str = "") -> None:
        bar = _paint(" " * self.width + " |", "gutter", self.color)
        self.lines.append(f"{bar} {text}".rstrip() if text else bar)

    def location(self, where: str) -> None:
        if self.after_snippet:
            self.gutter()
        arrow = _paint(" " * self.width + "-->", "gutter", self.color)
        self.lines.append(f"{arrow} {where}")
        self.after_snippet = False

    def snippet(self, span: Span, line: str, mark: str, label: str, style: str) -> None:
        shown, marks = _underline(span, line, mark)
        number = _paint(str(span.line).rjust(self.width) + " |", "gutter", self.color)
        self.gutter()
        self.lines.append(f"{number} {shown}".rstrip())
        tail = f"{marks} {_one_line(label)}" if label else marks
        self.gutter(_paint(tail, style, self.color))
        self.after_snippet = True

    def note(self, kind: str, text: str) -> None:
        if self.after_snippet:
            self.gutter()
            self.after_snippet = False
        head = " " * (self.width + 1) + _paint("=", "gutter", self.color)
        title = _paint(f"{kind}:", "help" if kind == "help" else "bold", self.color)
        indent = " " * (self.width + len(kind) + 5)  # under the text after "kind: "
        first, *rest = _clean(text).split("\n")
        self.lines.append(f"{head} {title} {first}".rstrip())
        self.lines.extend((indent + more).rstrip() for more in rest)


def _located(report: _Report, span: Span, sources: Mapping[str, SourceFile],
             label: str, style: str | None) -> None:
    """A `--> file:line:col` block, with the source line when it is available.

    `style` is the severity for the primary span (carets `^`), None for a
    related span (underlined with `-`).
    """
    where = _one_line(str(span))
    line = _source_line(span, sources)
    if line is None:
        report.location(f"{where}: {_one_line(label)}" if label else where)
        return
    report.location(where)
    mark, paint = ("-", "secondary") if style is None else ("^", style)
    report.snippet(span, line, mark, label, paint)


def _gutter_width(d: Diagnostic) -> int:
    lines = [r.span.line for r in d.related] + ([d.span.line] if d.span else [])
    return max([2] + [len(str(n)) for n in lines])


def _style_of(d: Diagnostic) -> str:
    return d.severity if d.severity in (ERROR, WARNING, NOTE) else "bold"


def _headline(d: Diagnostic, color: bool) -> str:
    head = _paint(f"{d.severity}[{d.code}]", _style_of(d), color)
    return head + _paint(f": {_one_line(d.message)}", "bold", color)


def _render_one(d: Diagnostic, sources: Mapping[str, SourceFile], color: bool) -> str:
    report = _Report(_gutter_width(d), color)
    if d.span is None:
        report.location(f"{NO_SPAN} at {_one_line(d.path)}" if d.path else NO_SPAN)
    else:
        _located(report, d.span, sources, d.label, _style_of(d))
    for rel in d.related:
        _located(report, rel.span, sources, rel.message, None)
    for note in d.notes:
        report.note("note", note)
    if d.hint:
        report.note("help", d.hint)
    return "\n".join([_headline(d, color), *report.lines])


def summary_line(diags: Sequence[Diagnostic], color: bool = False) -> str:
    """"error: 2 errors, 1 warning emitted", or "" when there are no diagnostics."""
    counts = [(sev, sum(1 for d in diags if d.severity == sev)) for sev in (ERROR, WARNING, NOTE)]
    parts = [f"{n} {sev}{'' if n == 1 else 's'}" for sev, n in counts if n]
    if not parts:
        return ""
    worst = next(sev for sev, n in counts if n)
    return f"{_paint(worst, worst, color)}: {', '.join(parts)} emitted"


def render_rich(diags: Sequence[Diagnostic], sources: Mapping[str, SourceFile],
                color: bool = False) -> str:
    """Diagnostics with source lines, carets, notes and a summary line.

    `sources` maps a span's file to its text; spans of other files show only
    their location. ANSI colors are used only when `color` is true.
    """
    if not diags:
        return ""
    blocks = [_render_one(d, sources, color) for d in diags]
    summary = summary_line(diags, color)
    return "\n\n".join(blocks + ([summary] if summary else [])) + "\n"


# --------------------------------------------------------------------------
# Short and JSON formats


def _short(d: Diagnostic) -> str:
    where = _one_line(str(d.span)) if d.span else NO_SPAN
    at = f" (at {_one_line(d.path)})" if d.span is None and d.path else ""
    return f"{where}: {d.severity}[{d.code}]: {_one_line(d.message)}{at}"


def render_short(diags: Sequence[Diagnostic]) -> str:
    """One `file:line:col: error[SN0402]: message` line per diagnostic."""
    return "".join(_short(d) + "\n" for d in diags)


def _span_fields(span: Span | None) -> dict[str, object]:
    if span is None:
        return dict.fromkeys(("file", "line", "col", "end_line", "end_col"))
    return {"file": span.file, "line": span.line, "col": span.col,
            "end_line": span.end_line, "end_col": span.end_col}


def _related_json(r: Related) -> dict[str, object]:
    return {**_span_fields(r.span), "message": r.message}


def _diagnostic_json(d: Diagnostic) -> dict[str, object]:
    code = lookup(d.code)
    return {
        "code": d.code, "name": code.name if code else "", "severity": d.severity,
        "message": d.message, **_span_fields(d.span), "label": d.label,
        "notes": list(d.notes), "hint": d.hint, "path": d.path,
        "related": [_related_json(r) for r in d.related],
    }


def render_json(diags: Sequence[Diagnostic],
                sources: Mapping[str, SourceFile] | None = None) -> str:
    """A JSON array with one object per diagnostic (sorted keys, 2-space indent).

    Positions are 1-based code points, null without a span. Related entries
    carry file, line, col, end_line, end_col and message. `sources` is accepted
    for symmetry with `render_rich`; positions come from the spans themselves.
    No trailing newline.
    """
    items = [_diagnostic_json(d) for d in diags]
    return json.dumps(items, sort_keys=True, indent=2, ensure_ascii=False)
