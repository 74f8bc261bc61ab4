"""Emitters: pure functions `Design -> list[Artifact]`, in a registry (layer 5).

Adding an output is one module here with a function decorated `@emitter("name")`
and its module name in `MODULES`. Only the CLI writes files.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Callable

from ..ir.model import Design


@dataclass(frozen=True)
class Artifact:
    path: str          # relative, "/"-separated: "slurm/topology.conf"
    data: bytes


Emitter = Callable[[Design], list[Artifact]]
EMITTERS: dict[str, Emitter] = {}
COST: dict[str, int] = {}   # relative cost, for splitting work over processes

# in output order; a module registers one or more emitters when imported
MODULES = ("ir_json", "address_map", "diagrams", "bom", "cabling", "slurm", "kubernetes", "ansible", "netbox")


def emitter(name: str, cost: int = 1) -> Callable[[Emitter], Emitter]:
    def deco(fn: Emitter) -> Emitter:
        if name in EMITTERS and EMITTERS[name] is not fn:
            raise ValueError(f"emitter {name} registered twice")
        EMITTERS[name] = fn
        COST[name] = cost
        return fn
    return deco


def load_all() -> dict[str, Emitter]:
    for m in MODULES:
        if importlib.util.find_spec(f"{__name__}.{m}") is not None:
            importlib.import_module(f"{__name__}.{m}")
    return EMITTERS
