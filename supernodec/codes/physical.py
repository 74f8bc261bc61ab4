"""Diagnostic codes SN06xx: owned by the physical checks (ports, port allocation, cabling,
connectors, protocols, reach).

Add one `Code(...)` per diagnostic to `CODES`; `supernodec.codes` registers them.
"""

from __future__ import annotations

from . import Code

CODES: tuple[Code, ...] = ()
