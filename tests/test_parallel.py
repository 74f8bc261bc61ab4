"""Emitters over two processes: byte-identical outputs, and failures reported as the
sequential run reports them (the first failing emitter in registry order)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import ROOT
from supernodec import cli, parallel
from supernodec.emit import COST, EMITTERS, load_all

EXAMPLE = str(ROOT / "examples" / "cloudmatrix384.sn")


def _build(monkeypatch: pytest.MonkeyPatch, out: Path, jobs: str) -> tuple[int, str]:
    monkeypatch.setenv("SUPERNODEC_JOBS", jobs)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_LINKS", 0)
    err = io.StringIO()
    monkeypatch.setattr(cli.sys, "stderr", err)
    return cli.main(["build", EXAMPLE, "-o", str(out), "-q"]), err.getvalue()


def _tree(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


@pytest.mark.skipif(parallel.jobs_for(10**9, 2) < 2, reason="needs fork and two cores")
def test_two_processes_write_the_same_bytes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code1, err1 = _build(monkeypatch, tmp_path / "seq", "1")
    code2, err2 = _build(monkeypatch, tmp_path / "par", "2")
    assert code1 == code2 == 0, err1 + err2
    seq, par = _tree(tmp_path / "seq"), _tree(tmp_path / "par")
    assert seq and seq == par


def test_split_balances_cost() -> None:
    a, b = parallel.split_by_cost(["x", "y", "z", "w"], {"x": 4, "y": 3, "z": 2, "w": 1})
    assert (a, b) == (["x", "w"], ["y", "z"])


@pytest.mark.skipif(parallel.jobs_for(10**9, 2) < 2, reason="needs fork and two cores")
@pytest.mark.parametrize("where", ["parent", "child"])
def test_a_failing_emitter_is_an_internal_error_in_either_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                  where: str) -> None:
    load_all()
    top = max(COST.get(n, 1) for n in EMITTERS)
    # heaviest of all: the first group (this process); tied with the heaviest and named
    # last: the second group (the child)
    cost = top + 1 if where == "parent" else top
    assert ("zz-boom" in parallel.split_by_cost([*EMITTERS, "zz-boom"], {**COST, "zz-boom": cost})[1]) == (where == "child")

    def boom(design):  # noqa: ANN001, ANN202
        raise ZeroDivisionError("boom")
    monkeypatch.setitem(EMITTERS, "zz-boom", boom)
    monkeypatch.setitem(COST, "zz-boom", cost)
    code, err = _build(monkeypatch, tmp_path / "out", "2")
    assert code == 1
    assert "SN0901" in err and "ZeroDivisionError: boom" in err
    assert not (tmp_path / "out").exists()
