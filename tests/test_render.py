"""Rendering diagnostics as rich text, short lines and JSON; the code registry."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supernodec.codes import CODES, Code, lookup, register
from supernodec.diagnostics import Diagnostic, Related, error, warning
from supernodec.render import render_json, render_rich, render_short, summary_line
from supernodec.source import SourceFile, Span

TEXT = (
    "supernode CM(nodes = 48) {\n"
    "  npu: huawei.Ascend910C[8]  // 华为 ⟨NPU⟩\n"
    "  connect npu[i].ub[p] -> l1[p].down[i]\n"
    "\tport p[48]: UB @ 400 Gb/s\n"
    "}\n"
)
SRC = SourceFile.of("center.sn", TEXT)
SOURCES = {"center.sn": SRC}


def span_of(needle: str, occurrence: int = 0) -> Span:
    """The span of the `occurrence`-th `needle` in TEXT."""
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(needle, start + 1)
    return SRC.span(start, start + len(needle))


def caret_line(out: str) -> str:
    return next(line for line in out.splitlines() if "^" in line)


def source_row(out: str, number: int) -> str:
    return next(line for line in out.splitlines() if line.lstrip().startswith(f"{number} |"))


# --------------------------------------------------------------------------
# rich


def test_rich_layout() -> None:
    d = error("SN0402", "link needs 800 Gb/s but port `leaf4.p1` runs at 400 Gb/s",
              span_of("connect npu[i].ub[p] -> l1[p].down[i]"), label="needs 800 Gb/s",
              notes=("7 x 56 GB/s = 392 GB/s",), hint="use a 800 Gb/s port group")
    assert render_rich([d], SOURCES) == (
        "error[SN0402]: link needs 800 Gb/s but port `leaf4.p1` runs at 400 Gb/s\n"
        "  --> center.sn:3:3\n"
        "   |\n"
        " 3 |   connect npu[i].ub[p] -> l1[p].down[i]\n"
        "   |   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ needs 800 Gb/s\n"
        "   |\n"
        "   = note: 7 x 56 GB/s = 392 GB/s\n"
        "   = help: use a 800 Gb/s port group\n"
        "\n"
        "error: 1 error emitted\n"
    )


def test_caret_after_non_ascii_counts_code_points() -> None:
    d = error("SN0101", "unknown name", span_of("NPU"), label="here")
    out = render_rich([d], SOURCES)
    row, carets = source_row(out, 2), caret_line(out)
    # "华为" is two wide characters: they take two terminal columns each.
    wide_extra = 2
    assert carets.index("^") == row.index("NPU") + wide_extra
    assert carets.count("^") == 3
    assert "--> center.sn:2:37" in out


def test_caret_after_narrow_non_ascii() -> None:
    text = "x = \"é µ\"; bad\n"
    src = SourceFile.of("a.sn", text)
    start = text.index("bad")
    out = render_rich([error("SN0101", "m", src.span(start, start + 3))], {"a.sn": src})
    assert caret_line(out).index("^") == source_row(out, 1).index("bad")


def test_tabs_expand_consistently() -> None:
    d = error("SN0402", "m", span_of("port"))
    out = render_rich([d], SOURCES)
    row = source_row(out, 4)
    assert "\t" not in out
    assert caret_line(out).index("^") == row.index("port")


def test_multiline_span_underlines_first_line() -> None:
    d = warning("SN0102", "m", SRC.span(0, len(TEXT) - 1), label="whole")
    out = render_rich([d], SOURCES)
    assert caret_line(out).endswith("^ ... whole")
    assert "warning: 1 warning emitted" in out


def test_related_and_missing_sources() -> None:
    other = SourceFile.of("huawei.sn", "port ub[7]: UB @ 56 GB/s\n")
    d = error("SN0402", "m", span_of("npu", 1), label="primary",
              related=(Related(other.span(0, 10), "declared here"),
                       Related(SRC.span(0, 9), "in this supernode")))
    out = render_rich([d], SOURCES)
    assert "  --> huawei.sn:1:1: declared here\n" in out      # file not in sources
    assert "   | ---------" in out and "in this supernode" in out
    out_with = render_rich([d], {**SOURCES, "huawei.sn": other})
    assert " 1 | port ub[7]: UB @ 56 GB/s" in out_with
    assert "   | ---------- declared here" in out_with


def test_no_span_uses_design_path() -> None:
    d = error("SN0701", "rack `r3` draws 72 kW but its budget is 60 kW",
              path="wuhan.pod[0].comm[3]", notes=("line one\nline two",))
    out = render_rich([d], SOURCES)
    assert "  --> <design> at wuhan.pod[0].comm[3]\n" in out
    assert "   = note: line one\n           line two\n" in out


def test_summary_and_empty() -> None:
    ds = [error("SN0101", "a"), error("SN0101", "b"), warning("SN0102", "c")]
    assert render_rich([], SOURCES) == ""
    assert render_rich(ds, SOURCES).endswith("\n\nerror: 2 errors, 1 warning emitted\n")
    assert summary_line([warning("SN0102", "c")]) == "warning: 1 warning emitted"


def test_color_only_when_asked() -> None:
    d = error("SN0402", "m", span_of("npu"), hint="h")
    assert "\x1b[" not in render_rich([d], SOURCES)
    colored = render_rich([d], SOURCES, color=True)
    assert "\x1b[1;31merror[SN0402]\x1b[0m" in colored
    assert re.sub(r"\x1b\[[0-9;]*m", "", colored) == render_rich([d], SOURCES)


def test_control_characters_are_neutralised() -> None:
    src = SourceFile.of("evil.sn", "a\x1b[2J = 1 \u202e\r\n")
    d = error("SN0001", "bad \x1b[31m char", src.span(1, 2))
    out = render_rich([d], {"evil.sn": src}) + render_short([d])
    assert "\x1b" not in out and "\u202e" not in out and "\r" not in out


# --------------------------------------------------------------------------
# short and JSON


def test_short() -> None:
    ds = [error("SN0402", "needs 800 Gb/s", span_of("npu")),
          error("SN0701", "too hot", path="pod[0]"),
          warning("SN0102", "two\nlines", span_of("port"))]
    assert render_short(ds) == (
        "center.sn:2:3: error[SN0402]: needs 800 Gb/s\n"
        "<design>: error[SN0701]: too hot (at pod[0])\n"
        "center.sn:4:2: warning[SN0102]: two lines\n"
    )
    assert render_short([]) == ""


def test_json_fields() -> None:
    ds = [error("SN0101", "unknown name `npus`", span_of("NPU"), label="here",
                related=(Related(span_of("npu", 1), "similar"),), notes=("n",),
                hint="did you mean `npu`?"),
          error("SN9999", "unregistered", path="x.y")]
    data = json.loads(render_json(ds, SOURCES))
    first, second = data
    assert first["code"] == "SN0101" and first["name"] == "unknown-name"
    assert (first["file"], first["line"], first["col"]) == ("center.sn", 2, 37)
    assert (first["end_line"], first["end_col"]) == (2, 40)
    assert first["label"] == "here" and first["notes"] == ["n"]
    assert first["hint"] == "did you mean `npu`?" and first["severity"] == "error"
    assert first["related"][0]["message"] == "similar"
    assert {"file", "line", "col", "message"} <= set(first["related"][0])
    assert second["name"] == "" and second["line"] is None and second["path"] == "x.y"
    assert set(first) == set(second) == {
        "code", "name", "severity", "message", "file", "line", "col", "end_line",
        "end_col", "label", "notes", "hint", "path", "related"}
    assert "华为" in render_json([error("SN0101", "华为")])     # ensure_ascii=False
    assert render_json([]) == "[]"


@given(st.lists(st.tuples(st.integers(0, len(TEXT)), st.integers(0, 40), st.text(max_size=20)),
                max_size=5))
def test_rendering_is_total_and_deterministic(items: list[tuple[int, int, str]]) -> None:
    ds = [Diagnostic("SN0101", "error", msg, SRC.span(s, min(len(TEXT), s + n)), label=msg)
          for s, n, msg in items]
    assert render_rich(ds, SOURCES) == render_rich(list(ds), dict(SOURCES))
    assert len(render_short(ds).splitlines()) == len(ds)
    assert len(json.loads(render_json(ds))) == len(ds)


# --------------------------------------------------------------------------
# code registry


def test_registry() -> None:
    assert lookup("SN0202") == CODES["SN0202"]
    assert lookup("SN0202").name == "unknown-unit"  # type: ignore[union-attr]
    assert lookup("SN9999") is None
    for code in CODES.values():
        assert re.fullmatch(r"SN\d{4}", code.code)
        assert code.summary and len(code.explanation.split(".")) >= 3
        assert "Fix" in code.explanation or "fix" in code.explanation


def test_phase_modules_hold_their_range() -> None:
    from supernodec.codes import (
        bandwidth,
        catalog,
        emit,
        internal,
        latency,
        names,
        physical,
        power,
        syntax,
        types,
    )
    ranges = {syntax: "SN00", names: "SN01", types: "SN02", catalog: "SN03",
              bandwidth: "SN04", latency: "SN05", physical: "SN06", power: "SN07",
              emit: "SN08", internal: "SN09"}
    for module, prefix in ranges.items():
        assert all(c.code.startswith(prefix) for c in module.CODES), module.__name__


def test_expected_codes_registered() -> None:
    expected = {"SN0001": "unexpected-character", "SN0007": "input-too-large",
                "SN0104": "import-cycle", "SN0110": "unknown-field",
                "SN0201": "unit-mismatch", "SN0213": "bad-placement",
                "SN0901": "internal-error"}
    for code, name in expected.items():
        assert CODES[code].name == name


@pytest.mark.parametrize("bad", [
    Code("SN0001", "another-name", "s", "e"),        # duplicate code
    Code("SN9998", "unknown-name", "s", "e"),        # duplicate name
    Code("SN12", "short-code", "s", "e"),
    Code("sn9997", "lower-case", "s", "e"),
    Code("SN9996", "Not_Kebab", "s", "e"),
])
def test_register_rejects(bad: Code) -> None:
    before = dict(CODES)
    with pytest.raises(ValueError):
        register(bad)
    assert before == CODES
