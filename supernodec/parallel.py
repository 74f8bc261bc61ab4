"""Emitters over two processes for large designs (layer 8).

Emitters are pure functions of the design, so on a big design with two cores `build`
forks once and both processes take emitters from one shared queue, heaviest
registered cost first (longest-processing-time scheduling, so a mis-estimated cost
costs little). Each process hands every artifact of an emitter to `sink` as soon as
the emitter returns (the CLI's sink streams it into the build's staging folder), so
no output passes between the processes: the child sends back only the paths it
wrote, its times and its errors (a small pickle file) and exits with `os._exit`.
The output is byte-identical to the sequential run; when emitters fail, the first
one in registry order is reported, as the sequential run would. Small designs, one core, no `fork`, or
`SUPERNODEC_JOBS=1` run everything in this process.
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


def jobs_for(n_links: int, n_emitters: int) -> int:
    """How many processes to use: 2 on a big design with 2+ cores, else 1."""
    if os.environ.get("SUPERNODEC_JOBS") == "1" or not hasattr(os, "fork"):
        return 1
    if n_links < PARALLEL_MIN_LINKS or n_emitters < 2 or (os.cpu_count() or 1) < 2:
        return 1
    return 2


Sink = Callable[[Any], None]   # takes one Artifact and writes it


def run_emitters(design: Any, names: list[str], emitters: Mapping[str, Callable], cost: Mapping[str, int],
                 spec_path: str, on_done: Callable[[str, float], None], sink: Sink, jobs: int = 1) -> Outcome:
    """Run the emitters `names`, handing each artifact to `sink` (in the process that made it);
    `on_done(name, seconds)` as each one finishes."""
    if jobs < 2:
        return _run(design, names, emitters, spec_path, on_done, sink)
    order = sorted(names, key=lambda n: (-cost.get(n, 1), n))
    fd, path = tempfile.mkstemp(prefix="supernodec-emit-", suffix=".pickle")
    qfd, qpath = tempfile.mkstemp(prefix="supernodec-emit-", suffix=".queue")
    os.close(fd)
    os.pwrite(qfd, (0).to_bytes(8, "little"), 0)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; covered through the parent's result
        _child(design, _Queue(qfd, order), emitters, spec_path, path, sink)
    try:
        out = _run(design, _Queue(qfd, order), emitters, spec_path, on_done, sink)
        _wait(pid)
        pid = 0
        theirs_out = _load(path)
    finally:
        if pid:
            _kill(pid)
        os.close(qfd)
        os.unlink(qpath)
        os.unlink(path)
    for n in order:
        if n in theirs_out.seconds:
            on_done(n, theirs_out.seconds[n])
    out.paths.update(theirs_out.paths)
    out.seconds.update(theirs_out.seconds)
    out.errors.update(theirs_out.errors)
    out.write_error = out.write_error or theirs_out.write_error
    return out


class _Queue:
    """The next emitter to run, shared by the two processes through a locked counter file."""

    def __init__(self, fd: int, names: list[str]) -> None:
        self.fd, self.names = fd, names

    def __iter__(self):  # type: ignore[no-untyped-def]
        import fcntl
        while True:
            fcntl.lockf(self.fd, fcntl.LOCK_EX)
            try:
                i = int.from_bytes(os.pread(self.fd, 8, 0), "little")
                os.pwrite(self.fd, (i + 1).to_bytes(8, "little"), 0)
            finally:
                fcntl.lockf(self.fd, fcntl.LOCK_UN)
            if i >= len(self.names):
                return
            yield self.names[i]


def _run(design: Any, names: Any, emitters: Mapping[str, Callable], spec_path: str,
         on_done: Callable[[str, float], None] | None, sink: Sink) -> Outcome:
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
