"""Checks: pure functions `Design -> list[Diagnostic]`, in a registry (layer 5).

Adding a check is one module here with a function decorated `@check("name")`
and its module name in `MODULES`.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Callable

from ..diagnostics import Diagnostic
from ..ir.model import Design

Check = Callable[[Design], list[Diagnostic]]
CHECKS: dict[str, Check] = {}
MODULES: tuple[str, ...] = ("ports", "reach", "bandwidth", "latency", "power", "redundancy", "memory")


def check(name: str) -> Callable[[Check], Check]:
    def deco(fn: Check) -> Check:
        CHECKS[name] = fn
        return fn
    return deco


def load_all() -> dict[str, Check]:
    for m in MODULES:
        if importlib.util.find_spec(f"{__name__}.{m}") is not None:
            importlib.import_module(f"{__name__}.{m}")
    return CHECKS

