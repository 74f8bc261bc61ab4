"""Emitters: pure functions `Design -> list[Artifact]`, in a registry (layer 5).

Adding an output is one module here with a function decorated `@emitter("name")`
and its module name in `MODULES`. Only the CLI writes files.

An artifact's body is either its bytes or a *producer*: a function that writes
the bytes, in chunks, to a binary file object it is handed (`write_to`). Large
outputs (a cabling plan of 10^7 rows) are producers, so no process ever holds a
whole file; the caller decides where the bytes go (the build's staging folder, a
`BytesIO` in tests through `data`). A producer reads only the design and what the
emitter computed, so calling it twice writes the same bytes.

`uses` names the cached computations an emitter shares with others (the host
inventory of the deployment emitters); a runner that splits emitters over
processes keeps those emitters together, so each is computed once.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
from dataclasses import dataclass
from typing import Any, BinaryIO, Callable, Iterable, Union

from ..ir.model import Design

Producer = Callable[[BinaryIO], None]


@dataclass(frozen=True)
class Artifact:
    path: str                        # relative, "/"-separated: "slurm/topology.conf"
    body: Union[bytes, Producer]     # the bytes, or a function that writes them

    def write_to(self, f: BinaryIO) -> None:
        if isinstance(self.body, bytes):
            f.write(self.body)
        else:
            self.body(f)

    @property
    def data(self) -> bytes:
        """The whole body in memory (tests and small outputs)."""
        if isinstance(self.body, bytes):
            return self.body
        buf = io.BytesIO()
        self.body(buf)
        return buf.getvalue()


def chunked(parts: Callable[..., Iterable[str]], *args: Any) -> Producer:
    """A producer writing, as UTF-8, each text that `parts(*args)` yields (made lazily, a chunk
    of rows at a time); each call starts over, so the artifact can be written twice."""
    def write(f: BinaryIO) -> None:
        for text in parts(*args):
            f.write(text.encode("utf-8"))
    return write


Emitter = Callable[[Design], list[Artifact]]
EMITTERS: dict[str, Emitter] = {}
COST: dict[str, int] = {}   # relative cost, for splitting work over processes
USES: dict[str, tuple[Callable[[Design], Any], ...]] = {}

# in output order; a module registers one or more emitters when imported
MODULES = ("ir_json", "address_map", "diagrams", "bom", "cabling", "slurm", "kubernetes", "ansible", "netbox")


def emitter(name: str, cost: int = 1, uses: tuple[Callable[[Design], Any], ...] = ()) -> Callable[[Emitter], Emitter]:
    def deco(fn: Emitter) -> Emitter:
        if name in EMITTERS and EMITTERS[name] is not fn:
            raise ValueError(f"emitter {name} registered twice")
        EMITTERS[name] = fn
        COST[name] = cost
        USES[name] = uses
        return fn
    return deco


def load_all() -> dict[str, Emitter]:
    for m in MODULES:
        if importlib.util.find_spec(f"{__name__}.{m}") is not None:
            importlib.import_module(f"{__name__}.{m}")
    return EMITTERS
