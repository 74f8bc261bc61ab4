"""Diagnostic codes SN07xx: owned by the power, space and cooling checks (rack/row/hall
budgets, rack units, cooling) and the unified memory map.

Add one `Code(...)` per diagnostic to `CODES`; `supernodec.codes` registers them.
"""

from __future__ import annotations

from . import Code

CODES: tuple[Code, ...] = ()
