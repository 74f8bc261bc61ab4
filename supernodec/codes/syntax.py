"""Diagnostic codes SN00xx: reading and parsing `.sn` text."""

from __future__ import annotations

from inspect import cleandoc

from . import Code

CODES: tuple[Code, ...] = (
    Code("SN0001", "unexpected-character", "a character that cannot start any token",
         cleandoc("""
        The lexer met a character that is not part of the `.sn` language: not a
        letter, digit, operator, bracket, quote or comment. This is often a smart
        quote or a non-breaking space pasted from a document, or a stray symbol.

        Bad:

            accelerator Ascend910C { memory = 128 GB\uff1b }

        (the `\uff1b` is a full-width semicolon). Fix: use the ASCII character:

            accelerator Ascend910C { memory = 128 GB; }
    """)),
    Code("SN0002", "unexpected-token", "a token that the grammar does not allow here",
         cleandoc("""
        The text is made of valid tokens, but this one cannot follow what came
        before it. The message lists what the parser expected at that point. Common
        causes are a missing `=`, `;` or `}`, a keyword used as a name, or a unit
        written before its number.

        Bad:

            switch UBSwitchL2 { latency 100 ns }

        Fix: add the missing `=`:

            switch UBSwitchL2 { latency = 100 ns }

        The same code marks a statement that parses but is not allowed where it
        is written: a `connect`, `require`, member or `hall` at the top level of a
        module (they belong in a template or the center), a `hall` in a template
        (halls belong in the center), a `port` group outside a part, an `import`
        or `param` inside a block.
    """)),
    Code("SN0003", "unexpected-end-of-file", "the file ends in the middle of a construct",
         cleandoc("""
        The parser reached the end of the file while a block, list or expression
        was still open. Usually a closing `}`, `]` or `)` is missing; the
        diagnostic points at the construct that was left open.

        Bad:

            supernode CM(nodes = 48) {
              server: Server[nodes]

        Fix: close the block:

            supernode CM(nodes = 48) {
              server: Server[nodes]
            }
    """)),
    Code("SN0004", "unterminated-string", "a string literal has no closing quote",
         cleandoc("""
        A string starts with `"` but the line (or file) ends before the closing
        `"`. Strings cannot span lines; use `\\n` for a line break inside one.

        Bad:

            accelerator Ascend910C { vendor = "Huawei }

        Fix:

            accelerator Ascend910C { vendor = "Huawei" }
    """)),
    Code("SN0005", "invalid-number", "a malformed numeric literal",
         cleandoc("""
        A number must be decimal digits with an optional fraction and exponent,
        optionally grouped with single underscores between digits: `42`, `1.8`,
        `1_000`, `2.5e-9`. A unit follows after a space or directly (`400 Gb/s`).
        Doubled or trailing underscores, a lone `.` and an exponent without digits
        are rejected, as are exponents beyond +-400.

        Bad:

            power = 1__200 W

        Fix:

            power = 1_200 W

        Bad (the `e` has no exponent digits):

            reach = 2.5e m

        Fix:

            reach = 2.5e3 m
    """)),
    Code("SN0006", "file-not-utf8", "the file is not valid UTF-8",
         cleandoc("""
        Source files must be encoded as UTF-8. The file contains a byte sequence
        that is not valid UTF-8, often because it was saved in a legacy encoding
        such as GBK, Latin-1 or UTF-16. The diagnostic gives the byte offset of the
        first invalid sequence.

        Fix: re-save the file as UTF-8, for example

            iconv -f GBK -t UTF-8 catalog.sn > catalog.utf8.sn
    """)),
    Code("SN0007", "input-too-large", "a source file exceeds the size limit",
         cleandoc("""
        To keep the compiler responsive, a single source file, a line and a token
        have size limits. Real designs stay far below them because repetition is
        written with arrays, loops and patterns, not by copying text. A file over
        the limit is usually generated, or not a `.sn` file at all.

        Bad: a generated file with one `connect` line per link, 500 MB long.

        Fix: describe the wiring with a pattern,

            connect server[n].l1[p].up[k] -> plane[p].l2[k].p[n]

        or split a large partner catalog into several imported files.
    """)),
)
