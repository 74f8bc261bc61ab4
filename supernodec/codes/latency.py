"""Diagnostic codes SN05xx: owned by the latency checks (worst-case latency and hop count
between members of a set).

Add one `Code(...)` per diagnostic to `CODES`; `supernodec.codes` registers them.
"""

from __future__ import annotations

from . import Code

CODES: tuple[Code, ...] = ()
