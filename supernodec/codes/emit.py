"""Diagnostic codes SN08xx: owned by the emitters (artifact generation: BOM, cabling plan,
inventories, schedulers).

Add one `Code(...)` per diagnostic to `CODES`; `supernodec.codes` registers them.
"""

from __future__ import annotations

from . import Code

CODES: tuple[Code, ...] = ()
