"""Diagnostic codes SN09xx: internal compiler errors."""

from __future__ import annotations

from inspect import cleandoc

from . import Code

CODES: tuple[Code, ...] = (
    Code("SN0901", "internal-error", "a bug in supernodec (an unexpected exception)",
         cleandoc("""
        The compiler raised an exception it did not expect. This is a bug in
        supernodec, not in your design, even if your design triggers it. The
        diagnostic points at the spec location being processed and names the
        stage; the notes carry the exception.

        Please report it with the smallest `.sn` file that reproduces it and the
        output of `supernodec --version`. Until it is fixed, changing the
        construct at the reported location (for example writing a pattern as
        two simpler `connect` lines) often avoids it.

        Example: a check crashing on an empty port group,

            accelerator X { port ub[0]: UB @ 56 GB/s }

        is reported as SN0901 instead of a traceback; the fix belongs in the
        compiler (it should report SN0205 bad-parameter-value).
    """)),
)
