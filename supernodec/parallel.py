"""Emitters over two processes for large designs (layer 8).

Emitters are pure functions of the design, so on a big design with two cores `build`
forks once, right after elaboration: the child starts emitting while the parent runs
the checks, then the parent takes its share (`start`, then `Emitting.finish`; when a
check fails the parent calls `abandon`, which kills the child, and the CLI discards the
staging folder). Both processes claim emitters from one shared table, each in its own
order of preference, heaviest registered cost first (longest-processing-time
scheduling, so a mis-estimated cost costs little): the child prefers the emitters that
share a cached computation (`uses`, the host inventory), so it computes it once, and
the parent the others.

Each process hands every artifact of an emitter to `sink` as soon as the emitter
returns (the CLI's sink streams it into the build's staging folder), so no output
passes between the processes: the child sends back only the paths it wrote, its
times and its errors (a small pickle file) and exits with `os._exit`. The output is
byte-identical to the sequential run; when emitters fail, the first one in registry
order is reported, as the sequential run would. Small designs, one core, no `fork`,
or `SUPERNODEC_JOBS=1` run everything in this process, after the checks.
"""

from __future__ import annotations

import os
import pickle
import signal
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

PARALLEL_MIN_LINKS = 200_000


@dataclass
class Outcome:
    paths: dict[str, list[str]] = field(default_factory=dict)       # emitter -> paths handed to the sink
    seconds: dict[str, float] = field(default_factory=dict)
    errors: dict[str, Any] = field(default_factory=dict)             # emitter -> Diagnostic
    write_error: OSError | None = None                               # the sink failed (a full disk)


Sink = Callable[[Any], None]   # takes one Artifact and writes it
OnDone = Callable[[str, float], None]


def jobs_for(n_links: int, n_emitters: int) -> int:
    """How many processes to use: 2 on a big design with 2+ cores, else 1."""
    if os.environ.get("SUPERNODEC_JOBS") == "1" or not hasattr(os, "fork"):
        return 1
    if n_links < PARALLEL_MIN_LINKS or n_emitters < 2 or (os.cpu_count() or 1) < 2:
        return 1
    return 2


def run_emitters(design: Any, names: list[str], emitters: Mapping[str, Callable], spec_path: str,
                 on_done: OnDone, sink: Sink) -> Outcome:
    """Run the emitters `names` in this process, handing each artifact to `sink`;
    `on_done(name, seconds)` as each one finishes."""
    return _run(design, names, emitters, spec_path, on_done, sink)


def start(design: Any, names: list[str], emitters: Mapping[str, Callable], cost: Mapping[str, int],
          shares: Mapping[str, Any], spec_path: str, sink: Sink) -> Emitting:
    """Fork a child that starts on the emitters `names` now; `shares[n]` is true for an
    emitter that uses a shared cached computation (the child prefers those)."""
    heavy = sorted(names, key=lambda n: (-cost.get(n, 1), n))
    theirs = [n for n in heavy if shares.get(n)] + [n for n in heavy if not shares.get(n)]
    ours = [n for n in heavy if not shares.get(n)] + [n for n in heavy if shares.get(n)]
    fd, path = tempfile.mkstemp(prefix="supernodec-emit-", suffix=".pickle")
    os.close(fd)
    qfd, qpath = tempfile.mkstemp(prefix="supernodec-emit-", suffix=".queue")
    os.pwrite(qfd, bytes(len(names)), 0)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; covered through the parent's result
        _child(design, _Claims(qfd, names, theirs), emitters, spec_path, path, sink)
    return Emitting(design, names, emitters, spec_path, sink, pid, path, qfd, qpath, _Claims(qfd, names, ours))


class Emitting:
    """A started two-process run: `finish` takes the parent's share and merges, `abandon` stops it."""

    def __init__(self, design: Any, names: list[str], emitters: Mapping[str, Callable], spec_path: str, sink: Sink,
                 pid: int, path: str, qfd: int, qpath: str, claims: _Claims) -> None:
        self.design, self.names, self.emitters, self.spec_path, self.sink = design, names, emitters, spec_path, sink
        self.pid, self.path, self.qfd, self.qpath, self.claims = pid, path, qfd, qpath, claims

    def finish(self, on_done: OnDone) -> Outcome:
        try:
            out = _run(self.design, self.claims, self.emitters, self.spec_path, on_done, self.sink)
            _wait(self.pid)
            self.pid = 0
            theirs = _load(self.path)
        finally:
            self.abandon()
        for n in self.names:
            if n in theirs.seconds:
                on_done(n, theirs.seconds[n])
        out.paths.update(theirs.paths)
        out.seconds.update(theirs.seconds)
        out.errors.update(theirs.errors)
        out.write_error = out.write_error or theirs.write_error
        return out

    def abandon(self) -> None:
        """Kill the child if it still runs and remove the shared files (idempotent)."""
        if self.pid:
            _kill(self.pid)
            self.pid = 0
        if self.qfd >= 0:
            os.close(self.qfd)
            self.qfd = -1
            for p in (self.qpath, self.path):
                try:
                    os.unlink(p)
                except FileNotFoundError:
                    pass


class _Claims:
    """The emitters still to run, claimed through a locked table file (one byte per
    emitter) shared by the two processes; each process walks its own `order`."""

    def __init__(self, fd: int, names: list[str], order: list[str]) -> None:
        self.fd, self.index, self.order = fd, {n: i for i, n in enumerate(names)}, order

    def __iter__(self):  # type: ignore[no-untyped-def]
        import fcntl
        while True:
            fcntl.lockf(self.fd, fcntl.LOCK_EX)
            try:
                taken = os.pread(self.fd, len(self.index), 0)
                n = next((n for n in self.order if not taken[self.index[n]]), None)
                if n is not None:
                    os.pwrite(self.fd, b"\x01", self.index[n])
            finally:
                fcntl.lockf(self.fd, fcntl.LOCK_UN)
            if n is None:
                return
            yield n


def _run(design: Any, names: Any, emitters: Mapping[str, Callable], spec_path: str,
         on_done: OnDone | None, sink: Sink) -> Outcome:
    from .driver import internal_error
    out = Outcome()
    for n in names:
        t = time.perf_counter()
        try:
            arts = list(emitters[n](design))
            try:
                for a in arts:   # a producer runs here, writing as it goes
                    sink(a)
            except OSError as e:     # the sink could not write (a full disk): the build fails as a whole
                out.write_error = e
                break
            out.paths[n] = [a.path for a in arts]
        except Exception as e:  # noqa: BLE001 - a bug in an emitter is an internal error, not a traceback
            out.errors[n] = internal_error(e, spec_path)
            continue
        out.seconds[n] = time.perf_counter() - t
        if on_done is not None:
            on_done(n, out.seconds[n])
    return out


def _child(design: Any, names: Any, emitters: Mapping[str, Callable], spec_path: str, path: str,
           sink: Sink) -> None:
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)   # the parent reports an interrupt and kills us
        out = _run(design, names, emitters, spec_path, None, sink)
        with open(path, "wb") as f:
            pickle.dump(out, f, protocol=pickle.HIGHEST_PROTOCOL)
        code = 0
    finally:
        os._exit(code)


def _wait(pid: int) -> None:
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) or os.WEXITSTATUS(status) != 0:
        raise ChildFailed(f"the emitter process ended with status {status}")


def _load(path: str) -> Outcome:
    with open(path, "rb") as f:
        out = pickle.load(f)
    assert isinstance(out, Outcome)
    return out


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


class ChildFailed(RuntimeError):
    """The forked emitter process died (killed, out of memory) without its results."""
