"""YAML and CSV text that other tools read back exactly as we meant it.

YAML: a small block-style writer for the plain data the manifests hold
(mappings, lists, strings, ints, bools, None). A string is written plain only
when it is an identifier-like word (letters, digits, `_ . / -`, starting with
a letter, `_` or `/`) that is not a YAML 1.1/1.2 special word (`yes`, `no`,
`on`, `off`, `y`, `n`, `true`, `false`, `null`, ...); every other string is
double-quoted in printable ASCII with `\\u`/`\\U` escapes, which YAML 1.1
and 1.2 read alike. PyYAML's own quoting follows YAML 1.1 only (`1e3` stays
plain, and a YAML 1.2 reader such as Go's in Kubernetes tooling reads a
number), and its representer is too slow for a 100k-accelerator inventory.

CSV: a text cell that starts with `= + - @`, TAB or CR is read as a formula by
spreadsheet programs, so it gets a leading apostrophe (OWASP's advice).
Numbers stay numbers. Escaping is done per distinct value of a column.

Large CSVs (10^7 cable rows) are written without the csv module: a column is a
table of distinct values, escaped once each (`csv_table`, the same bytes as
`csv.writer` with `lineterminator="\n"` gives for `csv_cell(value)`), gathered
by row with numpy, and a chunk of rows is joined in C (`csv_lines`).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any, Iterable, Sequence

import numpy as np

from .tabular import FORMULA_START

_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./-]*\Z")
_ASCII_SAFE = re.compile(r'[ !#-\[\]-~]*\Z')   # printable ASCII but `"` and `\\`
_SPECIAL = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"})


def quote(s: str) -> str:
    """A YAML double-quoted scalar in printable ASCII: `\\uXXXX`/`\\UXXXXXXXX` for the rest."""
    if _ASCII_SAFE.match(s):
        return '"' + s + '"'
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= o < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\u{o:04x}" if o <= 0xFFFF else f"\\U{o:08x}")
    out.append('"')
    return "".join(out)


def yaml_scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        if _PLAIN.match(v) and v.lower() not in _SPECIAL:
            return v
        return quote(v)
    raise TypeError(f"no YAML form for {type(v).__name__}")


def _inline(v: Any, memo: dict[str, str]) -> str:
    if isinstance(v, str):       # strings repeat (roles, racks, halls): each is quoted once
        got = memo.get(v)
        if got is None:
            got = memo[v] = yaml_scalar(v)
        return got
    if isinstance(v, dict):
        return "{}"
    if isinstance(v, list):
        return "[]"
    return yaml_scalar(v)


def _block(obj: Any, ind: str, out: list[str], memo: dict[str, str]) -> None:
    if isinstance(obj, dict):
        inner = ind + "  "
        for k, v in obj.items():
            key = _inline(k if isinstance(k, str) else str(k), memo)
            if v and isinstance(v, dict):
                out.append(f"{ind}{key}:")
                _block(v, inner, out, memo)
            elif v and isinstance(v, list):
                out.append(f"{ind}{key}:")
                _block(v, ind, out, memo)
            else:
                out.append(f"{ind}{key}: {_inline(v, memo)}")
        return
    for item in obj:
        if item and isinstance(item, (dict, list)):
            start = len(out)
            _block(item, ind + "  ", out, memo)
            out[start] = f"{ind}- {out[start][len(ind) + 2:]}"
        else:
            out.append(f"{ind}- {_inline(item, memo)}")


def dump_yaml(doc: Any, memo: dict[str, str] | None = None, indent: str = "") -> str:
    """One YAML document (block style, key order kept); a non-empty mapping or list can
    be written at `indent`, as the value of a key written before it (streaming a big one)."""
    memo = {} if memo is None else memo
    if not isinstance(doc, (dict, list)) or not doc:
        return _inline(doc, memo) + "\n"
    out: list[str] = []
    _block(doc, indent, out, memo)
    return "\n".join(out) + "\n"


def dump_yaml_all(docs: Iterable[Any]) -> str:
    memo: dict[str, str] = {}
    return "".join("---\n" + dump_yaml(d, memo) for d in docs)


def csv_cell(v: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a `'`; other values pass.

    A carriage return becomes a line feed: with `lineterminator="\\n"` the csv
    module quotes cells holding `\\n` but not a lone `\\r`, which readers take
    for the end of the row (found by the outputs property of supernodec.testing).
    """
    if not isinstance(v, str) or not (v.startswith(FORMULA_START) or "\r" in v):
        return v
    text = v.replace("\r\n", "\n").replace("\r", "\n")
    return "'" + text if v.startswith(FORMULA_START) else text


def _safe_column(col: list[Any]) -> list[Any]:
    bad = {v for v in set(col) if isinstance(v, str) and (v.startswith(FORMULA_START) or "\r" in v)}
    return [(csv_cell(v) if v in bad else v) for v in col] if bad else col


def csv_field(v: Any) -> str:
    """The text `csv.writer` (minimal quoting, `\n` lines) writes for the cell `csv_cell(v)`."""
    if v is None:
        return ""
    if not isinstance(v, str):
        return str(v)
    v = csv_cell(v)
    if "," in v or '"' in v or "\n" in v:
        return '"' + v.replace('"', '""') + '"'
    return v


def needs_care(texts: Sequence[str]) -> bool:
    """Whether any text needs CSV quoting or defusing (a few substring searches in C over all of them)."""
    return _care("\n".join(texts), len(texts))


def _care(joined: str, n: int) -> bool:
    if joined.count("\n") != max(n - 1, 0) or joined.startswith(FORMULA_START):
        return True
    return any(c in joined for c in (",", '"', "\r", "\n=", "\n+", "\n-", "\n@", "\n\t"))


def csv_table(values: Sequence[Any]) -> np.ndarray:
    """CSV text of each value (an object array to gather rows from), escaped per value.

    Text that needs no care (checked at once, in C, over the whole table) is kept as is.
    """
    try:
        texts: Sequence[Any] = values
        joined = "\n".join(values)          # all strings: no copy
    except TypeError:                      # numbers, None
        texts = ["" if v is None else v if isinstance(v, str) else str(v) for v in values]
        joined = "\n".join(texts)
    if _care(joined, len(texts)):
        texts = [csv_field(v) for v in values]
    out = np.empty(len(texts), dtype=object)
    out[:] = texts
    return out


def csv_lines(columns: Sequence[Sequence[str]]) -> str:
    """Rows of already-escaped cells, given column by column: cells joined with `,`, each row ends in `\n`."""
    if not columns or not len(columns[0]):
        return ""
    if len(columns) == 1:   # the csv module quotes the empty cell of a one-cell row
        return "\n".join([c or '""' for c in columns[0]]) + "\n"
    return "\n".join(map(",".join, zip(*columns))) + "\n"


def dump_csv_columns(header: Sequence[str], columns: Sequence[list[Any]]) -> bytes:
    """CSV from whole columns (None -> empty cell)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(zip(*[_safe_column(c) for c in columns]))
    return buf.getvalue().encode("utf-8")


def dump_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    rows = list(rows)
    columns = [list(c) for c in zip(*rows)] if rows else [[] for _ in header]
    return dump_csv_columns(header, columns)
