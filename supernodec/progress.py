"""Phase timing and the progress display of long compiles (layer 7).

`PhaseClock` times each phase of a compile (parse+resolve, elaborate, checks, emit),
records the process's peak RSS at the end of each phase, and forwards phase events to
an optional display. The driver and the CLI use it; the elaborator and the check loop
only see its two methods `begin(name, total)` / `advance(n)` (duck-typed, so the lower
layers do not import this module).

`TerminalBar` is that display: one bar per phase on stderr, drawn by a small thread at
most ten times a second, and only once the compile has run for `delay` seconds, so a
quick `check` in an editor loop prints nothing. The CLI creates it only when stderr is
a terminal, without `-q` and outside `--format json`.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import IO, Protocol


def peak_rss_bytes(children: bool = False) -> int:
    """High-water mark of this process's resident memory, or of its largest finished
    child process (the parallel emitters); 0 where unknown."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return 0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF).ru_maxrss
    return int(peak) if sys.platform == "darwin" else int(peak) * 1024


class Display(Protocol):
    def begin(self, name: str, total: int | None) -> None: ...
    def advance(self, n: int) -> None: ...
    def note(self, text: str) -> None: ...
    def end(self, name: str, seconds: float) -> None: ...
    def close(self) -> None: ...


class PhaseClock:
    """Times phases; `timings[name]` in seconds, `peaks[name]` peak RSS in bytes at its end.

    Sub-steps (one check, one emitter) are timed with `step(name)`, recorded as
    `"<phase>/<name>"` without moving the display to a new phase.
    """

    def __init__(self, display: Display | None = None) -> None:
        self.display = display
        self.timings: dict[str, float] = {}
        self.peaks: dict[str, int] = {}
        self._name: str | None = None
        self._t0 = 0.0

    def begin(self, name: str, total: int | None = None) -> None:
        """Start a phase (ending the current one); naming the current phase again only sets its total."""
        if self._name == name:
            if self.display is not None:
                self.display.begin(name, total)
            return
        if self._name is not None:
            self.end()
        self._name, self._t0 = name, time.perf_counter()
        if self.display is not None:
            self.display.begin(name, total)

    def advance(self, n: int = 1) -> None:
        if self.display is not None:
            self.display.advance(n)

    def note(self, text: str) -> None:
        """What the current phase is doing now (the emitter or check that runs)."""
        if self.display is not None:
            self.display.note(text)

    def end(self) -> None:
        if self._name is None:
            return
        dt = time.perf_counter() - self._t0
        self.timings[self._name] = self.timings.get(self._name, 0.0) + dt
        self.peaks[self._name] = peak_rss_bytes()
        if self.display is not None:
            self.display.end(self._name, dt)
        self._name = None

    def record(self, name: str, seconds: float) -> None:
        """A sub-step's time (`checks/latency`), accumulated."""
        self.timings[name] = self.timings.get(name, 0.0) + seconds

    def close(self) -> None:
        self.end()
        if self.display is not None:
            self.display.close()


class TerminalBar:
    """A bar per phase on a terminal stream; see the module docstring."""

    def __init__(self, stream: IO[str] | None = None, delay: float = 0.5, interval: float = 0.1,
                 width: int = 28, start: float | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.delay, self.interval, self.width = delay, interval, width
        self._lock = threading.Lock()
        self._start = time.perf_counter() if start is None else start
        self._done: list[tuple[str, float]] = []   # finished phases not printed yet
        self._phase: tuple[str, int | None, float] | None = None
        self._count = 0
        self._note = ""
        self._shown = False
        self._live = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="supernodec-progress", daemon=True)
        self._thread.start()

    # events from the clock ----------------------------------------------------
    def begin(self, name: str, total: int | None) -> None:
        with self._lock:
            same = self._phase is not None and self._phase[0] == name
            self._phase = (name, total, self._phase[2] if same and self._phase else time.perf_counter())
            self._count = 0
            self._note = ""
            self._draw()

    def advance(self, n: int) -> None:
        with self._lock:
            self._count += n

    def note(self, text: str) -> None:
        with self._lock:
            self._note = text

    def end(self, name: str, seconds: float) -> None:
        with self._lock:
            if self._shown:
                self._write_final(name, seconds)
            else:
                self._done.append((name, seconds))
            self._phase = None

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        with self._lock:
            if self._live:
                self.stream.write("\r\x1b[K")
                self._live = False
            self.stream.flush()

    # drawing --------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            with self._lock:
                self._draw()

    def _draw(self) -> None:
        if not self._shown:
            if time.perf_counter() - self._start < self.delay:
                return
            self._shown = True
            for name, secs in self._done:
                self._write_final(name, secs)
            self._done.clear()
        if self._phase is None:
            return
        name, total, t0 = self._phase
        self.stream.write("\r\x1b[K" + self._line(name, total, self._count, time.perf_counter() - t0, False))
        self.stream.flush()
        self._live = True

    def _write_final(self, name: str, seconds: float) -> None:
        total = self._phase[1] if self._phase and self._phase[0] == name else None
        line = self._line(name, total or 1, total or 1, seconds, True)
        self.stream.write(("\r\x1b[K" if self._live else "") + line + "\n")
        self.stream.flush()
        self._live = False

    def _line(self, name: str, total: int | None, count: int, seconds: float, done: bool) -> str:
        w = self.width
        if done:
            bar, tail = "#" * w, "done"
        elif total:
            k = min(w, int(w * count / total))
            bar, tail = "#" * k + "-" * (w - k), f"{count}/{total}"
        else:
            pos = int(seconds / self.interval) % (2 * (w - 3))
            pos = pos if pos < w - 3 else 2 * (w - 3) - pos
            bar, tail = " " * pos + "<=>" + " " * (w - 3 - pos), ""
        note = f"  {self._note}" if self._note and not done else ""
        return f"{name:<13} [{bar}] {tail:>9} {seconds:7.1f} s{note}"


def format_timings(timings: dict[str, float], peaks: dict[str, int], total: float) -> str:
    """The `--timings` report: one line per phase, sub-steps indented under it."""
    order = ("parse+resolve", "elaborate", "checks", "emit", "write")
    lines = ["timings:"]
    phases = [p for p in order if p in timings] + [p for p in timings if "/" not in p and p not in order]
    for p in phases:
        rss = f"peak RSS {peaks[p] / 2**20:7.0f} MB" if p in peaks else ""
        lines.append(f"  {p:<22} {timings[p]:8.2f} s   {rss}".rstrip())
        subs = sorted(((k.split('/', 1)[1], v) for k, v in timings.items() if k.startswith(p + "/")),
                      key=lambda kv: -kv[1])
        lines += [f"    {k:<20} {v:8.2f} s" for k, v in subs]
    lines.append(f"  {'total':<22} {total:8.2f} s   peak RSS {peak_rss_bytes() / 2**20:7.0f} MB")
    child = peak_rss_bytes(children=True)
    if child:
        lines.append(f"  {'child processes':<22} {'':8}     peak RSS {child / 2**20:7.0f} MB")
    return "\n".join(lines) + "\n"
