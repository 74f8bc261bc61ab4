"""The formatter: properties on generated specs, golden layouts, shipped files, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings

from conftest import CASES, ROOT
from fmt_strategies import spec
from supernodec.fmt import fmt_main, format_text
from supernodec.syntax.parser import parse_module

FMT_CASES = CASES / "fmt"


def _parse(text: str):
    module, diags = parse_module("gen.sn", text)
    assert module is not None, (text, [d.message for d in diags])
    return module


def _comments(module) -> list[str]:
    return sorted(t.rstrip() for _, t in module.comments)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec())
def test_format_keeps_meaning_and_is_idempotent(text: str) -> None:
    _check_round_trip(text)


def test_format_round_trip_on_the_shared_spec_strategies() -> None:
    """The same property on `supernodec.testing`'s grammar-driven and valid-by-construction specs."""
    grammar = pytest.importorskip("supernodec.testing.grammar")
    specs = pytest.importorskip("supernodec.testing.specs")
    quick = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))

    @quick
    @given(grammar.grammar_texts())
    def from_grammar(text: str) -> None:
        # a few draws do not lex as generated (`0 % x`: `%` after a number is the percent unit)
        assume(parse_module("gen.sn", text)[0] is not None)
        _check_round_trip(text)

    @quick
    @given(specs.valid_specs())
    def valid(g) -> None:  # noqa: ANN001 - GeneratedSpec
        for text in g.spec.all_files().values():
            _check_round_trip(text)

    from_grammar()
    valid()


def _check_round_trip(text: str) -> None:
    before = _parse(text)
    once = format_text("gen.sn", text)
    assert isinstance(once, str), [d.message for d in once]
    after = _parse(once)
    assert after == before                       # AST equality ignores spans
    assert _comments(after) == _comments(before)  # every comment survives
    assert format_text("gen.sn", once) == once
    assert once == "" or once.endswith("\n")
    assert all(not ln[: len(ln) - len(ln.lstrip())].strip(" ") for ln in once.split("\n"))  # space indents (lines end at \n only)


@pytest.mark.parametrize("case", sorted(FMT_CASES.glob("*.sn.in")), ids=lambda p: p.name[:-6])
def test_golden_layout(case: Path) -> None:
    """Hand-written canonical forms: comments, blank lines, spacing, parentheses, blocks."""
    expected = case.with_name(case.name[:-3] + ".out").read_text(encoding="utf-8")
    got = format_text(case.name, case.read_text(encoding="utf-8"))
    assert got == expected
    assert format_text(case.name, expected) == expected


SHIPPED = sorted((ROOT / "examples").rglob("*.sn")) + sorted((ROOT / "supernodec" / "catalogs").rglob("*.sn"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_shipped_specs_are_formatted(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert format_text(path.name, text) == text, f"run `supernodec fmt {path.relative_to(ROOT)}`"


def test_crlf_bom_and_trailing_spaces_normalise() -> None:
    text = "\ufeff/// doc   \r\nnode X {   \r\n  a = 1   // c  \r\n}\r\n"
    assert format_text("x.sn", text) == "/// doc\nnode X {\n  a = 1 // c\n}\n"


def test_cli_check_diff_and_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    messy = tmp_path / "messy.sn"
    clean = tmp_path / "clean.sn"
    messy.write_text("node X{a=1;b=2}\n", encoding="utf-8")
    clean.write_text("node X {\n  a = 1\n}\n", encoding="utf-8")
    assert fmt_main([str(clean), str(messy)], check=True) == 1
    out = capsys.readouterr().out
    assert f"would reformat {messy}" in out and str(clean) not in out
    assert messy.read_text(encoding="utf-8") == "node X{a=1;b=2}\n"          # --check never writes
    assert fmt_main([str(messy)], diff=True) == 0
    out = capsys.readouterr().out
    assert "-node X{a=1;b=2}\n+node X {\n+  a = 1\n+  b = 2\n+}\n" in out
    assert messy.read_text(encoding="utf-8") == "node X{a=1;b=2}\n"          # --diff never writes
    messy.chmod(0o640)
    assert fmt_main([str(tmp_path)]) == 0                                     # a folder: all its .sn files
    assert messy.read_text(encoding="utf-8") == "node X {\n  a = 1\n  b = 2\n}\n"
    assert messy.stat().st_mode & 0o777 == 0o640
    assert fmt_main([str(messy), str(clean)], check=True) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.sn", "messy.sn"]   # no temp files left


def test_cli_syntax_error_is_a_diagnostic(tmp_path: Path) -> None:
    from conftest import run_cli
    bad = tmp_path / "bad.sn"
    bad.write_text("node X {\n  a = \n}\n", encoding="utf-8")
    r = run_cli("fmt", "--check", str(bad), cwd=tmp_path)
    assert r.returncode == 1
    assert "error[SN0002]" in r.stderr and "bad.sn:2:" in r.stderr and "Traceback" not in r.stderr
    assert bad.read_text(encoding="utf-8") == "node X {\n  a = \n}\n"
    r = run_cli("fmt", str(tmp_path / "missing.sn"), cwd=tmp_path)
    assert r.returncode == 2 and "no such file" in r.stderr
    latin1 = tmp_path / "latin1.sn"
    latin1.write_bytes(b'x = "caf\xe9"\n')
    r = run_cli("fmt", str(latin1), cwd=tmp_path)
    assert r.returncode == 1 and "SN0006" in r.stderr and "Traceback" not in r.stderr


def test_long_chains_format_and_too_deep_is_a_diagnostic() -> None:
    chain = "x = " + " + ".join(["1"] * 2000) + "\n"
    assert format_text("long.sn", chain) == chain            # already canonical: 1999 `+`, no parentheses
    deeper = "x = " + " + ".join(["1"] * 25000) + "\n"
    out = format_text("deep.sn", deeper)
    assert isinstance(out, list) and [d.code for d in out] == ["SN0207"]
