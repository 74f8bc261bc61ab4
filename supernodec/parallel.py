"""Emitters over two processes for large designs (layer 8).

Emitters are pure functions of the design, so on a big design with two cores `build`
forks once: the child runs about half the emitters (split by their registered cost)
while this process runs the rest; the child hands its artifacts back through a pickle
file and exits with `os._exit`. Artifacts are merged in registry order, so the output
is byte-identical to the sequential run; when emitters fail, the first one in registry
order is reported, as the sequential run would. Small designs, one core, no `fork`, or
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
    artifacts: dict[str, list[Any]] = field(default_factory=dict)   # emitter -> artifacts
    seconds: dict[str, float] = field(default_factory=dict)
    errors: dict[str, Any] = field(default_factory=dict)             # emitter -> Diagnostic


def jobs_for(n_links: int, n_emitters: int) -> int:
    """How many processes to use: 2 on a big design with 2+ cores, else 1."""
    if os.environ.get("SUPERNODEC_JOBS") == "1" or not hasattr(os, "fork"):
        return 1
    if n_links < PARALLEL_MIN_LINKS or n_emitters < 2 or (os.cpu_count() or 1) < 2:
        return 1
    return 2


def split_by_cost(names: list[str], cost: Mapping[str, int]) -> tuple[list[str], list[str]]:
    """Two groups of about equal total cost (greedy, heaviest first; ties by name)."""
    groups: tuple[list[str], list[str]] = ([], [])
    load = [0, 0]
    for n in sorted(names, key=lambda n: (-cost.get(n, 1), n)):
        k = 0 if load[0] <= load[1] else 1
        groups[k].append(n)
        load[k] += cost.get(n, 1)
    return groups


def run_emitters(design: Any, names: list[str], emitters: Mapping[str, Callable], cost: Mapping[str, int],
                 spec_path: str, on_done: Callable[[str, float], None], jobs: int = 1) -> Outcome:
    """Run the emitters `names`; `on_done(name, seconds)` as each one finishes."""
    if jobs < 2:
        return _run(design, names, emitters, spec_path, on_done)
    mine, theirs = split_by_cost(names, cost)
    fd, path = tempfile.mkstemp(prefix="supernodec-emit-", suffix=".pickle")
    os.close(fd)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; covered through the parent's result
        _child(design, theirs, emitters, spec_path, path)
    try:
        out = _run(design, mine, emitters, spec_path, on_done)
        _wait(pid)
        pid = 0
        theirs_out = _load(path, theirs, spec_path)
    finally:
        if pid:
            _kill(pid)
        os.unlink(path)
    for n in theirs:
        if n in theirs_out.seconds:
            on_done(n, theirs_out.seconds[n])
    out.artifacts.update(theirs_out.artifacts)
    out.seconds.update(theirs_out.seconds)
    out.errors.update(theirs_out.errors)
    return out


def _run(design: Any, names: list[str], emitters: Mapping[str, Callable], spec_path: str,
         on_done: Callable[[str, float], None] | None) -> Outcome:
    from .driver import internal_error
    out = Outcome()
    for n in names:
        t = time.perf_counter()
        try:
            out.artifacts[n] = list(emitters[n](design))
        except Exception as e:  # noqa: BLE001 - a bug in an emitter is an internal error, not a traceback
            out.errors[n] = internal_error(e, spec_path)
            continue
        out.seconds[n] = time.perf_counter() - t
        if on_done is not None:
            on_done(n, out.seconds[n])
    return out


def _child(design: Any, names: list[str], emitters: Mapping[str, Callable], spec_path: str, path: str) -> None:
    code = 1
    try:
        out = _run(design, names, emitters, spec_path, None)
        with open(path, "wb") as f:
            pickle.dump(out, f, protocol=pickle.HIGHEST_PROTOCOL)
        code = 0
    finally:
        os._exit(code)


def _wait(pid: int) -> None:
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) or os.WEXITSTATUS(status) != 0:
        raise ChildFailed(f"the emitter process ended with status {status}")


def _load(path: str, names: list[str], spec_path: str) -> Outcome:
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
