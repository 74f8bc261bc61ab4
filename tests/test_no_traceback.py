"""No user input makes the CLI print a Python traceback.

Pathological files go through the real command line (a fresh interpreter
each); an exception inside a stage is forced with monkeypatch to show that it
becomes SN0901 with the spec's location instead of a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import run_cli

from supernodec import cli

DEEP_IF = "switch S { port p[4]: UB @ 56 GB/s }\ncenter c {\n" + "if true {\n" * 400 + "a: S[1]\n" + "}\n" * 401

PATHOLOGICAL = {
    "garbage.sn": (bytes(range(256)) * 64, "SN0006"),                       # binary: not UTF-8
    "latin1.sn": ("vendor = \"Gr\u00fcn\"\n".encode("latin-1"), "SN0006"),
    "nul.sn": (b"switch S\x00 { }\n", "SN0001"),                           # a NUL character in the text
    "bom-only.sn": (b"\xef\xbb\xbf", None),                                  # an empty file with a BOM
    "deep-if.sn": (DEEP_IF.encode(), "SN0208"),                              # 400 nested blocks
    "deep-parens.sn": (("param x = " + "(" * 5000 + "1" + ")" * 5000 + "\n").encode(), "SN0208"),
    "minus-chain.sn": (("param x = " + "-" * 20_000 + "1\n").encode(), "SN0207"),
    "long-sum.sn": (("param x = " + " + ".join(["1"] * 20_000) + "\n").encode(), "SN0208"),
    "huge-string.sn": (('switch S { description = "' + "x" * 10_000_000 + '" }\n').encode(), "SN0207"),
    "blank-lines.sn": (b"\n" * 2_000_000, None),
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_files_give_diagnostics_not_tracebacks(tmp_path: Path, name: str) -> None:
    data, code = PATHOLOGICAL[name]
    f = tmp_path / name
    f.write_bytes(data)
    # every command for the small inputs; `check` alone for the multi-megabyte ones (CI time)
    for cmd in ("check",) if len(data) > 1_000_000 else ("check", "stats", "build"):
        extra = ("-o", str(tmp_path / "out")) if cmd == "build" else ()
        r = run_cli(cmd, str(f), "--format", "short", *extra)
        assert "Traceback" not in r.stderr + r.stdout, (cmd, r.stderr[-2000:])
        if code is None:
            assert r.returncode == 0, (cmd, r.stderr[-500:])
        else:
            assert r.returncode == 1 and code in r.stderr, (cmd, r.returncode, r.stderr[-500:])


def test_a_missing_file_and_bad_options_are_usage_errors(tmp_path: Path) -> None:
    for args in (("check", str(tmp_path / "nope.sn")), ("check", "--max-devices", "x", "a.sn"), ("frobnicate",)):
        r = run_cli(*args)
        assert r.returncode == 2 and "Traceback" not in r.stderr, (args, r.stderr)


def test_an_exception_inside_a_stage_is_sn0901_with_the_location(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "ok.sn"
    f.write_text("switch S { port p[4]: UB @ 56 GB/s }\ncenter c { a: S[2] }\n")
    import supernodec.driver as driver

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("injected bug")
    monkeypatch.setattr(driver, "elaborate_program", boom)
    assert cli.main(["check", str(f), "--format", "short"]) == 1
    err = capsys.readouterr().err
    assert "SN0901" in err and "ZeroDivisionError: injected bug" in err and "Traceback" not in err
    assert os.path.basename(str(f)) in err                         # where: the spec being compiled
    assert cli.main(["check", str(f)]) == 1                          # the rich renderer too
    rich = capsys.readouterr().err
    assert "raised in test_no_traceback.py" in rich and "Traceback" not in rich
