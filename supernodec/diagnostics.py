"""The `Diagnostic` value (layer 1).

A diagnostic is data: checks and stages return them, `render.py` turns them
into text or JSON. The code must be registered in `codes.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .source import Span

ERROR, WARNING, NOTE = "error", "warning", "note"


@dataclass(frozen=True)
class Related:
    span: Span
    message: str


@dataclass(frozen=True)
class Diagnostic:
    code: str                       # "SN0402"
    severity: str                   # error | warning | note
    message: str                    # the headline, with numbers and units
    span: Span | None = None        # primary location
    label: str = ""                 # text under the carets
    related: tuple[Related, ...] = ()
    notes: tuple[str, ...] = ()     # computed evidence, instantiation chain
    hint: str = ""                  # one action
    path: str = ""                  # IR path when there is no span

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class DiagnosticError(Exception):
    """Raised inside a stage to abort it with one diagnostic (root cause)."""

    def __init__(self, diag: Diagnostic):
        super().__init__(diag.message)
        self.diagnostic = diag


def error(code: str, message: str, span: Span | None = None, **kw: object) -> Diagnostic:
    return Diagnostic(code, ERROR, message, span, **kw)  # type: ignore[arg-type]


def warning(code: str, message: str, span: Span | None = None, **kw: object) -> Diagnostic:
    return Diagnostic(code, WARNING, message, span, **kw)  # type: ignore[arg-type]


def sort_key(d: Diagnostic) -> tuple:
    s = d.span
    return (s.file, s.start, d.code) if s else ("~", 0, d.code)
