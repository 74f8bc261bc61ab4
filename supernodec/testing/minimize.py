"""Shrinking a failing input by deleting pieces (delta debugging), within a time budget.

Hypothesis's own shrinker works on the choices behind a draw and is thorough
but slow on compiled specs (it gave up after five minutes on a mutated
center). The fuzz runner instead generates without shrinking and then
deletes chunks of lines, then characters, from the failing text while the
failure keeps its signature (exception type and message, digits masked).
"""

from __future__ import annotations

import re
import time
from typing import Callable, Sequence, TypeVar

from .specfiles import SpecFiles

T = TypeVar("T")


def signature(exc: BaseException) -> str:
    """What identifies a failure across inputs: type and first line, digits masked."""
    first = (str(exc).strip().split("\n") or [""])[0]
    return f"{type(exc).__name__}: {re.sub(r'[0-9]+', '#', first)[:160]}"


def ddmin(items: Sequence[T], fails: Callable[[Sequence[T]], bool], deadline: float) -> list[T]:
    """A smaller list for which `fails` still holds (chunks halve down to one item)."""
    cur = list(items)
    n = 2
    while len(cur) >= 2 and time.monotonic() < deadline:
        size = max(1, len(cur) // n)
        removed = False
        for start in range(0, len(cur), size):
            if time.monotonic() >= deadline:
                break
            cand = cur[:start] + cur[start + size:]
            if cand and fails(cand):
                cur, n, removed = cand, max(n - 1, 2), True
                break
        if not removed:
            if size == 1:
                break
            n = min(len(cur), n * 2)
    return cur


def minimize_text(text: str, fails: Callable[[str], bool], seconds: float) -> str:
    """Delete lines, then characters, while `fails` holds."""
    deadline = time.monotonic() + seconds
    lines = ddmin(text.split("\n"), lambda ls: fails("\n".join(ls)), deadline)
    out = "\n".join(lines)
    chars = ddmin(list(out), lambda cs: fails("".join(cs)), deadline)
    return "".join(chars)


def minimize_bytes(data: bytes, fails: Callable[[bytes], bool], seconds: float) -> bytes:
    deadline = time.monotonic() + seconds
    return bytes(ddmin(list(data), lambda bs: fails(bytes(bs)), deadline))


def minimize_spec(spec: SpecFiles, fails: Callable[[SpecFiles], bool], seconds: float) -> SpecFiles:
    """Minimize each file of a spec in turn (the root last, it is usually the largest)."""
    per = seconds / max(1, len(spec.all_files()))
    for rel in sorted(spec.all_files(), key=lambda r: r == spec.main_name):
        text = spec.all_files()[rel]
        small = minimize_text(text, lambda t, rel=rel: fails(spec.with_file(rel, t)), per)
        spec = spec.with_file(rel, small)
    return spec
