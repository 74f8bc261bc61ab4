"""The bracket-depth limit, checked before parsing (layer 3).

The LALR parser keeps one stack entry per open bracket and lowering recurses
per level, so ten million `(` took 40 s and 2.5 GB before failing at the end
of the file. A vectorised scan finds the first bracket deeper than
`MAX_NESTING` in linear time; text inside strings and comments is blanked
first, so `"(((("` does not count.
"""

from __future__ import annotations

import re

import numpy as np

from ..diagnostics import Diagnostic, error
from ..source import Span

MAX_NESTING = 256
_OPAQUE = re.compile(r'"(?:[^"\\\n]|\\.)*+"|//[^\n]*')
_OPEN = np.array([ord(c) for c in "([{"], dtype=np.uint32)
_CLOSE = np.array([ord(c) for c in ")]}"], dtype=np.uint32)


def nesting_error(path: str, text: str) -> Diagnostic | None:
    """SN0208 at the first bracket nested deeper than `MAX_NESTING`, else None."""
    if text.count("(") + text.count("[") + text.count("{") <= MAX_NESTING:
        return None
    code = _OPAQUE.sub(lambda m: " " * len(m.group()), text)
    chars = np.frombuffer(code.encode("utf-32-le"), dtype=np.uint32)
    depth = np.cumsum(np.isin(chars, _OPEN).astype(np.int32) - np.isin(chars, _CLOSE).astype(np.int32))
    if not len(depth) or int(depth.max()) <= MAX_NESTING:
        return None
    pos = int(np.argmax(depth > MAX_NESTING))
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return error("SN0208", f"brackets nest more than {MAX_NESTING} levels deep", Span(path, pos, pos + 1, line, col, line, col + 1),
                 label=f"level {MAX_NESTING + 1}", hint="split the expression with `let` steps, or the block into templates")
