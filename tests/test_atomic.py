"""Atomic output: a failed or interrupted `build` leaves the previous output byte-identical.

`build` streams every artifact into a temp folder beside the target (from either
emitter process) and renames it into place (`output.Staging`). Each test builds once, breaks the next build in one way,
and compares the whole output tree, bytes and file list, with the first one.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from supernodec import cli, output, parallel
from supernodec.emit import COST, EMITTERS, Artifact, load_all
from supernodec.testing.properties import tree_bytes

GOOD = """switch Leaf { vendor = "Acme"; part_number = "L-1"; port down[2]: InfiniBand @ 400 Gb/s; port up[2]: InfiniBand @ 400 Gb/s }
switch Spine { vendor = "Acme"; part_number = "S-1"; port p[4]: InfiniBand @ 400 Gb/s }
center c {
  leaf: Leaf[2]
  spine: Spine[2]
  connect leaf[i].up -> spine[j].p
}
"""


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    spec = tmp_path / "c.sn"
    spec.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["build", "-q", str(spec), "-o", str(out)]) == 0
    before = tree_bytes(out)
    assert "ir.json" in before and len(before) > 5
    return spec, out, before


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def test_success_replaces_the_output_and_leaves_no_temp_folders(built) -> None:  # type: ignore[no-untyped-def]
    spec, out, before = built
    (out / "stale.txt").write_text("from an older build")
    spec.write_text(GOOD.replace('vendor = "Acme"; part_number = "L-1"', 'vendor = "Acme2"; part_number = "L-1"'), encoding="utf-8")
    assert cli.main(["build", "-q", str(spec), "-o", str(out)]) == 0
    after = tree_bytes(out)
    assert "stale.txt" not in after and after["ir.json"] != before["ir.json"]
    assert _leftovers(out) == []


def test_a_spec_error_leaves_the_old_output_identical(built, capsys) -> None:  # type: ignore[no-untyped-def]
    spec, out, before = built
    spec.write_text(GOOD.replace("connect leaf[i].up", "connect leaf[i].upp"), encoding="utf-8")
    assert cli.main(["build", "-q", str(spec), "-o", str(out)]) == 1
    assert "SN0108" in capsys.readouterr().err
    assert tree_bytes(out) == before
    assert _leftovers(out) == []


def test_an_emitter_that_raises_leaves_the_old_output_identical(built, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    spec, out, before = built
    load_all()

    def broken(design):  # type: ignore[no-untyped-def]
        raise RuntimeError("emitter bug")
    monkeypatch.setitem(EMITTERS, "bom", broken)
    assert cli.main(["build", "-q", str(spec), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "SN0901" in err and "emitter bug" in err and "Traceback" not in err
    assert tree_bytes(out) == before
    assert _leftovers(out) == []


def _streaming(name: str, fail):  # type: ignore[no-untyped-def]
    """An emitter of one streamed artifact whose producer writes a first chunk, then `fail()`s."""
    def emit(design):  # type: ignore[no-untyped-def]
        def write(f) -> None:  # type: ignore[no-untyped-def]
            f.write(b"first chunk\n" * 1000)
            f.flush()
            fail()
            f.write(b"never written\n")
        return [Artifact(f"{name}.txt", write)]
    return emit


def _no_space() -> None:
    raise OSError(28, "No space left on device")


def test_a_write_that_fails_halfway_leaves_the_old_output_identical(built, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    spec, out, before = built
    load_all()
    monkeypatch.setitem(EMITTERS, "cabling", _streaming("cabling", _no_space))
    assert cli.main(["build", "-q", str(spec), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "cannot write" in err and "No space left" in err and "Traceback" not in err
    assert tree_bytes(out) == before
    assert _leftovers(out) == []


def test_a_producer_that_raises_midway_leaves_the_old_output_identical(built, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    spec, out, before = built
    load_all()

    def bug() -> None:
        raise KeyError("producer bug")
    monkeypatch.setitem(EMITTERS, "cabling", _streaming("cabling", bug))
    assert cli.main(["build", "-q", str(spec), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "SN0901" in err and "producer bug" in err and "Traceback" not in err
    assert tree_bytes(out) == before
    assert _leftovers(out) == []


@pytest.mark.skipif(parallel.jobs_for(10**9, 2) != 2, reason="needs fork and two cores")
def test_an_emitter_process_killed_midway_leaves_the_old_output_identical(built, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """The forked emitter process dies (as the OOM killer would kill it) in the middle of
    streaming a file into the staging folder that both processes write."""
    spec, out, before = built
    load_all()
    parent = os.getpid()

    def die_in_child() -> None:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)

    def slow(name: str):  # type: ignore[no-untyped-def]
        inner = _streaming(name, die_in_child)

        def emit(design):  # type: ignore[no-untyped-def]
            time.sleep(1.0)   # long enough that the child takes the other emitter
            return inner(design)
        return emit
    monkeypatch.setenv("SUPERNODEC_JOBS", "2")
    monkeypatch.setattr(parallel, "PARALLEL_MIN_LINKS", 0)
    for name in ("zz-one", "zz-two"):
        monkeypatch.setitem(EMITTERS, name, slow(name))
        monkeypatch.setitem(COST, name, 1000)
    assert cli.main(["build", "-q", str(spec), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "SN0901" in err and "emitter process ended" in err and "Traceback" not in err
    assert tree_bytes(out) == before
    assert _leftovers(out) == []


def test_write_atomic_stops_at_a_failing_file(built, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    spec, out, before = built
    real = Artifact.write_to
    calls = {"n": 0}

    def flaky(self: Artifact, f) -> None:  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        real(self, f)
    monkeypatch.setattr(Artifact, "write_to", flaky)
    with pytest.raises(OSError):
        output.write_atomic(out, [(f"f{k}.txt", b"new") for k in range(5)])
    monkeypatch.undo()
    assert calls["n"] == 3
    assert tree_bytes(out) == before
    assert _leftovers(out) == []


def test_an_interrupt_between_the_two_renames_puts_the_old_output_back(built, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    spec, out, before = built
    real = os.rename
    calls = {"n": 0}

    def interrupted(src, dst):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:             # the first rename moved the old output aside
            raise KeyboardInterrupt
        return real(src, dst)
    monkeypatch.setattr(os, "rename", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomic(out, [("new.txt", b"new")])
    monkeypatch.undo()
    assert tree_bytes(out) == before
    assert _leftovers(out) == []


def test_output_paths_cannot_leave_the_output_folder(built) -> None:  # type: ignore[no-untyped-def]
    spec, out, before = built
    for bad in ("../escape.txt", "/tmp/abs.txt", "a/../../escape.txt"):
        with pytest.raises(ValueError):
            output.write_atomic(out, [("ok.txt", b"x"), (bad, b"x")])
    assert not (out.parent / "escape.txt").exists()
    assert tree_bytes(out) == before
    assert _leftovers(out) == []


def test_a_file_or_a_folder_of_other_things_is_never_replaced(built, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """`-o /dev/null` as root renamed the device away and put a folder in its place;
    `-o ~` would have deleted the home folder. Both are refused now (here with plain files)."""
    spec, _, _ = built
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me")
    assert cli.main(["build", "-q", str(spec), "-o", str(a_file)]) == 2
    assert a_file.read_text() == "keep me"
    other = tmp_path / "thesis"
    other.mkdir()
    (other / "chapter1.tex").write_text("keep me too")
    assert cli.main(["build", "-q", str(spec), "-o", str(other)]) == 2
    assert tree_bytes(other) == {"chapter1.tex": b"keep me too"}
    err = capsys.readouterr().err
    assert "exists and is not a folder" in err and "no earlier build output" in err and "Traceback" not in err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli.main(["build", "-q", str(spec), "-o", str(empty)]) == 0 and (empty / "ir.json").exists()


def test_an_unwritable_place_is_an_error_not_a_traceback(built, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    spec, _, _ = built
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    assert cli.main(["build", "-q", str(spec), "-o", str(blocker / "out")]) == 2
    err = capsys.readouterr().err
    assert "cannot write into" in err and "Traceback" not in err
