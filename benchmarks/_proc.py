"""What every benchmark script needs from the operating system: children run in their own
process group that is always killed at the end (a measurement never leaves a process
behind, even on a timeout or Ctrl-C), and the peak RSS of this process."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import time
from pathlib import Path
from typing import Mapping, Sequence


def run_group(cmd: Sequence[str], cwd: Path | None = None, timeout: float | None = None,
              env: Mapping[str, str] | None = None) -> tuple[int | None, float, str, str]:
    """(exit code, or None on timeout; wall seconds; stdout; stderr). The whole group is killed at the end."""
    t = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env=None if env is None else dict(env))
    try:
        out, err = proc.communicate(timeout=timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        out, err, code = "", "", None
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait()
    return code, time.perf_counter() - t, out, err


def run_json_child(cmd: Sequence[str], timeout: float | None = None, what: str = "measurement") -> dict:
    """Run a measuring child whose last stdout line is a JSON object, and return that object."""
    code, _wall, out, err = run_group(cmd, timeout=timeout)
    if code is None:
        raise RuntimeError(f"{what} timed out after {timeout:.0f} s")
    if code != 0:
        raise RuntimeError(f"{what} failed (exit {code}):\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1]) if out.strip() else {}


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
