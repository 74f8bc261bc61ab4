"""Progress bars on stderr (only on a terminal, quiet with -q and --format json) and --timings."""

from __future__ import annotations

import functools
import io
import re

import pytest

from conftest import ROOT
from supernodec import cli
from supernodec.progress import PhaseClock, TerminalBar

EXAMPLE = str(ROOT / "examples" / "cloudmatrix384.sn")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_draws_each_phase_with_its_count() -> None:
    out = _Tty()
    clock = PhaseClock(TerminalBar(out, delay=0.0, interval=10.0))
    clock.begin("parse+resolve")
    clock.begin("checks", 4)
    clock.advance(1)
    clock.begin("checks", 4)   # the same phase again only resets its total
    clock.advance(3)
    clock.close()
    text = out.getvalue().replace("\x1b[K", "")
    finals = [line for line in re.split(r"[\r\n]", text) if line.endswith(" s") and "done" in line]
    assert [f.split()[0] for f in finals] == ["parse+resolve", "checks"]
    assert "0/4" in text
    assert set(clock.timings) == {"parse+resolve", "checks"}
    assert all(v > 0 for v in clock.peaks.values())


def test_quick_compiles_print_nothing() -> None:
    out = _Tty()
    clock = PhaseClock(TerminalBar(out, delay=60.0))
    clock.begin("elaborate", 3)
    clock.advance(3)
    clock.close()
    assert out.getvalue() == ""


def _run(monkeypatch: pytest.MonkeyPatch, argv: list[str], tty: bool = True) -> tuple[int, str]:
    err = _Tty() if tty else io.StringIO()
    monkeypatch.setattr(cli.sys, "stderr", err)
    monkeypatch.setattr(cli.sys, "stdout", io.StringIO())
    monkeypatch.setattr(cli, "TerminalBar", functools.partial(TerminalBar, delay=0.0))
    return cli.main(argv), err.getvalue()


def test_cli_shows_bars_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    code, err = _run(monkeypatch, ["check", EXAMPLE])
    assert code == 0
    assert re.search(r"elaborate\s+\[#+\]\s+done", err), err


@pytest.mark.parametrize("flags,tty", [(["-q"], True), (["--format", "json"], True), ([], False)])
def test_cli_quiet_json_and_pipes_show_no_bars(monkeypatch: pytest.MonkeyPatch, flags: list[str], tty: bool) -> None:
    code, err = _run(monkeypatch, ["check", EXAMPLE, *flags], tty)
    assert code == 0
    assert "[" not in err and "\r" not in err, err


def test_timings_name_every_phase_with_peak_memory(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, err = _run(monkeypatch, ["build", EXAMPLE, "-o", str(tmp_path / "out"), "-q", "--emit", "ir", "--timings"])
    assert code == 0, err
    phases = re.findall(r"^  (\S+)\s+([\d.]+) s\s+peak RSS\s+(\d+) MB$", err, re.M)
    assert [p[0] for p in phases] == ["parse+resolve", "elaborate", "checks", "emit", "write", "total"], err
    assert all(int(p[2]) > 0 for p in phases)
    total = float(phases[-1][1])
    assert sum(float(p[1]) for p in phases[:-1]) <= total + 0.01
    assert re.search(r"^    ir\s+[\d.]+ s$", err, re.M), err
