"""docs/language.md: every ```sn block compiles as the page says it does.

Markers on the first lines of a block (line comments, so the block stays valid `.sn`):

- none: the block is a complete spec and compiles with no diagnostic at all;
- `// expect: SN0602 SN0608`: compiling it gives exactly these codes (errors and
  warnings, each at least once, and no other code);
- `// file: lib/fabric.sn`: the block is written to that path before any block is
  compiled, so that other blocks can import it (it is also compiled on its own);
- `// -D nodes=24`: compile with this command-line override (parsed like the CLI's).

The page must also name every declaration kind, protocol, form factor, medium class,
requirement function and diagnostic code that the compiler knows, so that a new one
cannot be added without documenting it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT

DOC = ROOT / "docs" / "language.md"
_MARK = re.compile(r"^//\s*(expect|file|-D)\s*:?\s*(.*?)\s*$")


def _blocks() -> list[tuple[int, str, str]]:
    """(line, info string, text) of every fenced block of the page, in order."""
    out, cur, start, info = [], None, 0, ""
    for n, line in enumerate(DOC.read_text(encoding="utf-8").splitlines(keepends=True), 1):
        if line.startswith("```"):
            if cur is None:
                cur, start, info = [], n, line[3:].strip()
            else:
                out.append((start, info, "".join(cur)))
                cur = None
        elif cur is not None:
            cur.append(line)
    assert cur is None, f"docs/language.md: the block opened at line {start} is not closed"
    return out


def _markers(text: str) -> dict[str, list[str]]:
    marks: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = _MARK.match(line.strip())
        if m is None:
            break
        marks.setdefault(m.group(1), []).append(m.group(2))
    return marks


SN_BLOCKS = [(line, text) for line, info, text in _blocks() if info == "sn"]


def test_every_block_says_its_language() -> None:
    untagged = [line for line, info, _ in _blocks() if not info]
    assert not untagged, f"fenced blocks without a language at lines {untagged}: tag `.sn` code as ```sn"
    assert len(SN_BLOCKS) >= 30, "the reference lost its examples (or the block extraction broke)"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding every `// file:` block, where all blocks are compiled."""
    d = tmp_path_factory.mktemp("docs")
    for _line, text in SN_BLOCKS:
        for name in _markers(text).get("file", []):
            p = d / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
    return d


@pytest.mark.parametrize("line,text", SN_BLOCKS, ids=[f"line{line}" for line, _ in SN_BLOCKS])
def test_block_compiles_as_documented(workdir: Path, line: int, text: str) -> None:
    from supernodec.cli import parse_defines
    from supernodec.driver import Options, compile_spec
    from supernodec.loader import FileLoader
    marks = _markers(text)
    overrides, bad = parse_defines(marks.get("-D", []))
    assert not bad, [d.message for d in bad]
    files = marks.get("file", [])
    path = workdir / (files[0] if files else f"block{line}.sn")
    if not files:
        path.write_text(text, encoding="utf-8")
    res = compile_spec(str(path), FileLoader(cwd=workdir), Options(overrides))
    got = sorted({d.code for d in res.diagnostics})
    want = sorted({c for codes in marks.get("expect", []) for c in re.split(r"[\s,]+", codes) if c})
    shown = [f"{d.code} {d.message}" for d in res.diagnostics]
    assert got == want, f"docs/language.md:{line}: expected {want or 'no diagnostic'}, got {shown}"
    if not want:
        assert res.design is not None


def test_block_expectations_are_registered_codes() -> None:
    from supernodec.codes import CODES
    for line, text in SN_BLOCKS:
        for codes in _markers(text).get("expect", []):
            for c in re.split(r"[\s,]+", codes):
                assert not c or c in CODES, f"docs/language.md:{line}: `{c}` is not a diagnostic code"


def _words(text: str) -> set[str]:
    return set(re.findall(r"`([^`\n]+)`", text))


def test_page_names_every_kind_protocol_form_and_function() -> None:
    from supernodec.catalog import FORMS, MEDIUM_CLASSES
    from supernodec.checks.common import KNOWN_FUNCS
    from supernodec.ir.model import PROTOCOLS
    from supernodec.syntax.ast import DECL_KINDS
    quoted = _words(DOC.read_text(encoding="utf-8"))
    for group, names in (("declaration kind", DECL_KINDS), ("protocol", PROTOCOLS), ("form factor", FORMS),
                         ("medium class", MEDIUM_CLASSES), ("requirement", KNOWN_FUNCS)):
        missing = [n for n in names if n not in quoted]
        assert not missing, f"docs/language.md does not name the {group}(s) {missing} in backquotes"


def test_page_lists_every_field_and_unit() -> None:
    from supernodec.catalog import FIELDS
    from supernodec.elaborate.body import CENTER_FIELDS, HALL_FIELDS
    text = DOC.read_text(encoding="utf-8")
    quoted = _words(text)
    missing = [f for f in (*FIELDS, *CENTER_FIELDS, *HALL_FIELDS) if f not in quoted]
    assert not missing, f"docs/language.md does not document the field(s) {missing}"
    for unit in ("Gb/s", "GB/s", "Gbps", "ns", "us", "ms", "ns/m", "mm", "km", "kW", "GiB", "TB", "U", "USD", "CNY"):
        assert f"`{unit}`" in text, f"docs/language.md does not list the unit `{unit}`"


def test_page_lists_every_diagnostic_code() -> None:
    from supernodec.codes import CODES
    text = DOC.read_text(encoding="utf-8")
    missing = [c for c in CODES if c not in text]
    assert not missing, f"docs/language.md does not mention the code(s) {missing}"


def test_worked_cable_length_matches_the_formula(workdir: Path) -> None:
    """Section 14.4's worked example: the length the page derives is the one compiled."""
    from fractions import Fraction
    from math import ceil
    from supernodec.driver import Options, compile_spec
    from supernodec.loader import FileLoader
    text = next(t for _ln, t in SN_BLOCKS if "routing_factor = 1.2" in t)
    path = workdir / "worked_length.sn"
    path.write_text(text, encoding="utf-8")
    design = compile_spec(str(path), FileLoader(cwd=workdir), Options()).design
    assert design is not None
    names = design.devices.name
    link = next(k for k in range(len(design.links))
                if names[design.links.a[k]] == "pair[0].s[0]" and names[design.links.b[k]] == "spine")
    # floor (|0 - 3| + |0 - 3|) x 1.2, vertical (42 - 1 + 1) + (42 - 20 + 1) U, tray 2 x 0.3 m, slack 1 m
    metres = Fraction(6) * Fraction(12, 10) + (42 + 23) * Fraction(4445, 100_000) + Fraction(6, 10) + 1
    assert int(design.links.length_mm[link]) == ceil(metres * 1000) == 11690
    assert "11.690 m" in DOC.read_text(encoding="utf-8")


def test_page_names_every_keyword_of_the_grammar() -> None:
    from supernodec.syntax.parser import grammar_text
    keywords = set(re.findall(r'"([a-z]+)"', grammar_text()))
    assert {"connect", "stripe", "unified"} <= keywords, "the grammar's keywords could not be read"
    missing = sorted(keywords - _words(DOC.read_text(encoding="utf-8")))
    assert not missing, f"docs/language.md does not name the keyword(s) {missing}"


def test_unit_table_lists_units_the_compiler_accepts() -> None:
    """Every unit in section 2.6's table parses and has the dimension of its row."""
    from supernodec import units
    from supernodec.elaborate.values import evaluate
    from supernodec.syntax.parser import parse_module
    dims = {"data rate": (units.RATE,), "memory / information": (units.INFO,), "time": (units.TIME,),
            "length": (units.LENGTH,), "delay per length": (units.DELAY_PER_LENGTH,), "power": (units.POWER,),
            "rack units": (units.RACK_UNITS,), "money": (units.USD, units.CNY)}
    text = DOC.read_text(encoding="utf-8")
    table = text.split("| dimension | units the lexer accepts |", 1)[1].split("\n\n", 1)[0]
    seen = set()
    for row in table.splitlines()[2:]:
        head, cell = (c.strip() for c in row.strip("|").split("|", 1))
        want = next(d for name, d in dims.items() if head.startswith(name))
        seen.add(head)
        for unit in re.findall(r"`([^`]+)`", cell):
            mod, diags = parse_module("<doc>", f"let x = 2 {unit}\n")
            assert mod is not None and not diags, f"unit `{unit}` of the table does not parse: {diags}"
            value = evaluate(mod.body[0].value, {})
            assert isinstance(value, units.Quantity) and value.dim in want, f"`{unit}` is not a {head}"
    assert len(seen) == len(dims), f"the unit table has rows {sorted(seen)}"
