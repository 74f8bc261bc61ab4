"""`mutated_specs()`: valid specs with a few small edits, mostly invalid.

The edits are what people do by mistake (a dropped token, a wrong or unknown
unit, a removed import, a typo or the wrong name, a stray character, a
duplicated line, a cut-off file)
and a few things people do on purpose (an import that leaves the project, a
size with too many zeros). A mutant may still be valid; what a property can
demand is that compiling it gives diagnostics, never an exception, and that
every diagnostic points inside a file that was read.

Tokens are found with a small regex of this module, not the compiler's lexer,
so the mutations do not depend on the code under test.
"""

from __future__ import annotations

import re
from typing import Callable

from hypothesis import strategies as st

from .atoms import UNIT_FACTORS
from .specfiles import SpecFiles
from .specs import valid_specs

TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|\d[\d_]*(?:\.\d+)?(?:[eE][-+]?\d+)?'
                   r"|[A-Za-z_][A-Za-z0-9_]*|->|<=|>=|==|!=|\.\.|\S")
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
NUMBER = re.compile(r"\d[\d_]*(?:\.\d+)?(?:[eE][-+]?\d+)?")
ALL_UNITS = sorted({u for table in UNIT_FACTORS.values() for u in table}, key=len, reverse=True)
UNIT_USE = re.compile(r"(?<=\d )(" + "|".join(re.escape(u) for u in ALL_UNITS) + r")(?![A-Za-z0-9_/])")
STRAY = ('"', "{", "}", "[", "]", "(", ")", "\x00", "\u00a0", "\uff1b", "\\", "/*", "@", "#", "$", "\ufeff",
         "\r", "\t", ";", ",", "..", "->", ":", "=", "\u2028", "é", "\U0001F680", "\n\n", "'")
BAD_NUMBERS = ("0", "-1", "1e400", "1e401", "99999999999999999999", "0.5", "1_", "007", "1e-400",
               "1e99999", "4294967296", "1000000000000", "1.", "00", "2_147_483_648")
BAD_UNITS = ("Gbx/s", "parsec", "GiB/s", "U/s", "kU", "b", "KiB", "USD/W", "%", "Hz", "ns/m", "W", "Gb/s", "U")

Mutation = Callable[[st.DrawFn, str], tuple[str, str]]


def _tokens(text: str) -> list[re.Match[str]]:
    return list(TOKEN.finditer(text))


def _pick(draw: st.DrawFn, items: list) -> object:
    return items[draw(st.integers(0, len(items) - 1))]


def drop_token(draw: st.DrawFn, text: str) -> tuple[str, str]:
    toks = _tokens(text)
    if not toks:
        return text, "nothing to drop"
    m = _pick(draw, toks)
    return text[:m.start()] + text[m.end():], f"dropped token `{m.group()}` at {m.start()}"  # type: ignore[attr-defined]


def duplicate_token(draw: st.DrawFn, text: str) -> tuple[str, str]:
    toks = _tokens(text)
    if not toks:
        return text, "nothing to duplicate"
    m = _pick(draw, toks)
    return text[:m.end()] + " " + m.group() + text[m.end():], f"duplicated `{m.group()}` at {m.start()}"  # type: ignore[attr-defined]


def swap_tokens(draw: st.DrawFn, text: str) -> tuple[str, str]:
    toks = _tokens(text)
    if len(toks) < 2:
        return text, "nothing to swap"
    i = draw(st.integers(0, len(toks) - 2))
    a, b = toks[i], toks[i + 1]
    out = text[:a.start()] + b.group() + text[a.end():b.start()] + a.group() + text[b.end():]
    return out, f"swapped `{a.group()}` and `{b.group()}` at {a.start()}"


def change_unit(draw: st.DrawFn, text: str) -> tuple[str, str]:
    uses = list(UNIT_USE.finditer(text))
    if not uses:
        return text, "no unit"
    m = _pick(draw, uses)
    new = draw(st.sampled_from(BAD_UNITS + tuple(ALL_UNITS)))
    return text[:m.start()] + new + text[m.end():], f"unit `{m.group()}` -> `{new}` at {m.start()}"  # type: ignore[attr-defined]


def change_number(draw: st.DrawFn, text: str) -> tuple[str, str]:
    nums = [m for m in NUMBER.finditer(text) if not IDENT.match(text, max(m.start() - 1, 0))]
    if not nums:
        return text, "no number"
    m = _pick(draw, nums)
    new = draw(st.sampled_from(BAD_NUMBERS))
    return text[:m.start()] + new + text[m.end():], f"number `{m.group()}` -> `{new}` at {m.start()}"  # type: ignore[attr-defined]


def rename(draw: st.DrawFn, text: str) -> tuple[str, str]:
    ids = [m for m in _tokens(text) if IDENT.fullmatch(m.group())]
    if not ids:
        return text, "no name"
    m = _pick(draw, ids)
    new = m.group() + draw(st.sampled_from(("x", "_", "1", "X")))  # type: ignore[attr-defined]
    return text[:m.start()] + new + text[m.end():], f"renamed `{m.group()}` to `{new}` at {m.start()}"  # type: ignore[attr-defined]


def insert_stray(draw: st.DrawFn, text: str) -> tuple[str, str]:
    pos = draw(st.integers(0, len(text)))
    ch = draw(st.sampled_from(STRAY))
    return text[:pos] + ch + text[pos:], f"inserted {ch!r} at {pos}"


def truncate(draw: st.DrawFn, text: str) -> tuple[str, str]:
    pos = draw(st.integers(0, len(text)))
    return text[:pos], f"cut at {pos}"


def drop_line(draw: st.DrawFn, text: str) -> tuple[str, str]:
    lines = text.split("\n")
    i = draw(st.integers(0, len(lines) - 1))
    return "\n".join(lines[:i] + lines[i + 1:]), f"dropped line {i + 1}"


def drop_import(draw: st.DrawFn, text: str) -> tuple[str, str]:
    lines = text.split("\n")
    imports = [i for i, ln in enumerate(lines) if ln.lstrip().startswith("import ")]
    if not imports:
        return drop_line(draw, text)
    i = _pick(draw, imports)
    return "\n".join(lines[:i] + lines[i + 1:]), f"removed import on line {i + 1}"  # type: ignore[operator]


def add_import(draw: st.DrawFn, text: str) -> tuple[str, str]:
    target = draw(st.sampled_from(("../outside", "/etc/passwd", "main", "missing", "huawei", "./main.sn",
                                   "..", "", "a/../../b", "\u0000", "~/x", "C:\\\\x", "huawei.sn")))
    return f'import "{target}"\n' + text, f"added import of {target!r}"


def scale_size(draw: st.DrawFn, text: str) -> tuple[str, str]:
    sizes = list(re.finditer(r"\[(\d+)\]", text))
    if not sizes:
        return text, "no size"
    m = _pick(draw, sizes)
    factor = draw(st.sampled_from(("000", "000000", "000000000000", "0" * 40)))
    return text[:m.end(1)] + factor + text[m.end(1):], f"size [{m.group(1)}] times 1{factor} at {m.start()}"  # type: ignore[attr-defined]


def swap_name(draw: st.DrawFn, text: str) -> tuple[str, str]:
    """One name replaced by another name of the file: a part where a template is
    expected, a rack where a device is, a port group where a member is."""
    ids = [m for m in _tokens(text) if IDENT.fullmatch(m.group())]
    words = sorted({m.group() for m in ids})
    if len(words) < 2:
        return text, "no names"
    m = _pick(draw, ids)
    new = draw(st.sampled_from([w for w in words if w != m.group()]))  # type: ignore[attr-defined]
    return text[:m.start()] + new + text[m.end():], f"`{m.group()}` -> `{new}` at {m.start()}"  # type: ignore[attr-defined]


def duplicate_line(draw: st.DrawFn, text: str) -> tuple[str, str]:
    lines = text.split("\n")
    i = draw(st.integers(0, len(lines) - 1))
    return "\n".join(lines[:i + 1] + [lines[i]] + lines[i + 1:]), f"duplicated line {i + 1}"


MUTATIONS: dict[str, Mutation] = {
    "swap_name": swap_name, "duplicate_line": duplicate_line,
    "drop_token": drop_token, "duplicate_token": duplicate_token, "swap_tokens": swap_tokens,
    "change_unit": change_unit, "change_number": change_number, "rename": rename,
    "insert_stray": insert_stray, "truncate": truncate, "drop_line": drop_line,
    "drop_import": drop_import, "add_import": add_import, "scale_size": scale_size,
}


@st.composite
def mutated_specs(draw: st.DrawFn, base: st.SearchStrategy | None = None, max_edits: int = 3) -> SpecFiles:
    """A valid spec (from `base`, default `valid_specs()`) with 1..max_edits edits.

    `base` may draw `SpecFiles` or `GeneratedSpec`. Each edit picks a file of
    the spec and a mutation from `MUTATIONS`; `SpecFiles.label` lists them.
    """
    got = draw(base if base is not None else valid_specs())
    spec: SpecFiles = getattr(got, "spec", got)
    notes = []
    for _ in range(draw(st.integers(1, max_edits))):
        files = spec.all_files()
        rel = draw(st.sampled_from(sorted(files)))
        name = draw(st.sampled_from(sorted(MUTATIONS)))
        text, what = MUTATIONS[name](draw, files[rel])
        spec = spec.with_file(rel, text)
        notes.append(f"{rel}: {name}: {what}")
    return SpecFiles(spec.main, spec.files, spec.main_name, label="; ".join(notes))
