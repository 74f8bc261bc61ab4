"""Diagnostic codes SN04xx: owned by the bandwidth checks (per-device and per-port-group
bandwidth, oversubscription, bisection).

Add one `Code(...)` per diagnostic to `CODES`; `supernodec.codes` registers them.
"""

from __future__ import annotations

from . import Code

CODES: tuple[Code, ...] = ()
