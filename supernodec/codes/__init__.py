"""The registry of diagnostic codes (layer 1).

Every `Diagnostic.code` is registered here with a kebab-case name, a one-line
summary and a long explanation that `supernodec explain CODE` prints. Codes are
grouped by the phase that reports them, one module per range:

    SN00 syntax        SN05 latency
    SN01 names         SN06 ports, cabling, reach
    SN02 types/units   SN07 power, space, cooling, memory map
    SN03 catalog       SN08 emitters
    SN04 bandwidth     SN09 internal errors

Each module holds a tuple ``CODES``; importing this package registers them all.
Adding a code is one `Code(...)` entry in the module of its phase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CODES", "Code", "lookup", "register"]

_CODE_FORMAT = re.compile(r"SN[0-9]{4}")
_NAME_FORMAT = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Code:
    """One diagnostic code: `SN0402`, its kebab-case name, summary and explanation."""

    code: str
    name: str
    summary: str
    explanation: str


CODES: dict[str, Code] = {}
"""All registered codes by code string, in registration order."""


def lookup(code: str) -> Code | None:
    """The registered `Code` for "SN0402", or None."""
    return CODES.get(code)


def register(*codes: Code) -> None:
    """Add codes to the registry.

    Raises ValueError on a malformed code (not ``SN`` + four digits), a name
    that is not kebab-case, or a code or name that is already registered.
    """
    names = {c.name for c in CODES.values()}
    for c in codes:
        if not _CODE_FORMAT.fullmatch(c.code):
            raise ValueError(f"malformed diagnostic code {c.code!r} (expected SN + 4 digits)")
        if not _NAME_FORMAT.fullmatch(c.name):
            raise ValueError(f"diagnostic name {c.name!r} of {c.code} is not kebab-case")
        if c.code in CODES:
            raise ValueError(f"diagnostic code {c.code} is registered twice")
        if c.name in names:
            raise ValueError(f"diagnostic name {c.name!r} ({c.code}) is registered twice")
        CODES[c.code] = c
        names.add(c.name)


# The phase tables import `Code` from this module, so they come last.
from . import (  # noqa: E402
    bandwidth,
    catalog,
    emit,
    internal,
    latency,
    names,
    physical,
    power,
    syntax,
    types,
)

for _table in (syntax, names, types, catalog, bandwidth, latency, physical, power, emit,
               internal):
    register(*_table.CODES)
del _table
