"""Emitters over two processes: byte-identical outputs, both processes take work, and
failures are reported as the sequential run reports them (the first failing emitter in
registry order)."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest

from conftest import ROOT
from supernodec import cli, parallel
from supernodec.emit import COST, EMITTERS, Artifact, load_all

EXAMPLE = str(ROOT / "examples" / "cloudmatrix384.sn")
TWO = parallel.jobs_for(10**9, 2) == 2


def _build(monkeypatch: pytest.MonkeyPatch, out: Path, jobs: str, *extra: str) -> tuple[int, str]:
    monkeypatch.setenv("SUPERNODEC_JOBS", jobs)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_LINKS", 0)
    err = io.StringIO()
    monkeypatch.setattr(cli.sys, "stderr", err)
    return cli.main(["build", EXAMPLE, "-o", str(out), "-q", *extra]), err.getvalue()


def _tree(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


@pytest.mark.skipif(not TWO, reason="needs fork and two cores")
def test_two_processes_write_the_same_bytes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code1, err1 = _build(monkeypatch, tmp_path / "seq", "1")
    code2, err2 = _build(monkeypatch, tmp_path / "par", "2")
    assert code1 == code2 == 0, err1 + err2
    seq, par = _tree(tmp_path / "seq"), _tree(tmp_path / "par")
    assert seq and seq == par


def _slow(name: str, fail: bool):  # type: ignore[no-untyped-def]
    def emit(design):  # noqa: ANN001, ANN202
        time.sleep(1.0)   # long enough that the other process takes the next emitter
        if fail:
            raise ZeroDivisionError(name)
        return [Artifact(f"{name}.txt", str(os.getpid()).encode())]
    return emit


@pytest.mark.skipif(not TWO, reason="needs fork and two cores")
def test_both_processes_take_emitters(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    load_all()
    for name in ("zz-one", "zz-two"):
        monkeypatch.setitem(EMITTERS, name, _slow(name, False))
        monkeypatch.setitem(COST, name, 1000)
    code, err = _build(monkeypatch, tmp_path / "out", "2", "--emit", "zz-one,zz-two")
    assert code == 0, err
    pids = {(tmp_path / "out" / f"{n}.txt").read_text() for n in ("zz-one", "zz-two")}
    assert len(pids) == 2


@pytest.mark.skipif(not TWO, reason="needs fork and two cores")
def test_failing_emitters_report_the_first_in_registry_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    load_all()
    for name in ("zz-first", "zz-second"):   # one of them fails in the child
        monkeypatch.setitem(EMITTERS, name, _slow(name, True))
        monkeypatch.setitem(COST, name, 1000)
    code, err = _build(monkeypatch, tmp_path / "out", "2", "--emit", "zz-first,zz-second")
    assert code == 1
    assert "SN0901" in err and "ZeroDivisionError: zz-first" in err and "zz-second" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not TWO, reason="needs fork and two cores")
def test_a_failing_check_stops_the_early_emitter_process_and_writes_nothing(monkeypatch: pytest.MonkeyPatch,
                                                                            tmp_path: Path) -> None:
    """With two processes the child starts emitting before the checks run; a check error
    kills it and leaves the old output byte-identical, without temp folders."""
    from supernodec import driver
    from supernodec.diagnostics import error
    out = tmp_path / "out"
    assert _build(monkeypatch, out, "2")[0] == 0
    before = _tree(out)
    load_all()
    pids = tmp_path / "pids"

    def endless(design):  # type: ignore[no-untyped-def]
        with open(pids, "a") as f:
            f.write(f"{os.getpid()}\n")
        time.sleep(60)
        return []
    for name in ("zz-one", "zz-two"):
        monkeypatch.setitem(EMITTERS, name, endless)
        monkeypatch.setitem(COST, name, 1000)

    def failing_checks(design, clock=None):  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 30
        while not pids.exists() and time.monotonic() < deadline:   # the child is emitting
            time.sleep(0.05)
        return [error("SN0402", "a check failed", None, path=EXAMPLE)]
    monkeypatch.setattr(driver, "run_checks", failing_checks)
    t = time.monotonic()
    code, err = _build(monkeypatch, out, "2")
    assert code == 1 and "a check failed" in err
    assert time.monotonic() - t < 30          # the child was not waited for
    child = int(pids.read_text().split()[0])
    assert child != os.getpid()
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "pids"]
