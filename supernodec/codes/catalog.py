"""Diagnostic codes SN03xx: owned by the catalog phase (partner part declarations: fields,
extends/override, media).

Add one `Code(...)` per diagnostic to `CODES`; `supernodec.codes` registers them.
"""

from __future__ import annotations

from . import Code

CODES: tuple[Code, ...] = ()
