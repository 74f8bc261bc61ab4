"""YAML and CSV text that other tools read back exactly as we meant it.

YAML: PyYAML's own quoting follows YAML 1.1 only, so `1e3`, `0o17` or `1_000`
stay plain and a YAML 1.2 reader (Go's, in Kubernetes tooling) turns them
into numbers. `dump_yaml` writes a string plain only when it is an
identifier-like word (letters, digits, `_ . / -`, starting with a letter, `_`
or `/`) that is not one of the YAML 1.1/1.2 special words (`yes`, `no`, `on`,
`off`, `y`, `n`, `true`, `false`, `null`, `~`); every other string is quoted.

CSV: a cell that starts with `= + - @`, TAB or CR is read as a formula by
spreadsheet programs, so it gets a leading apostrophe (OWASP's advice).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any, Iterable, Sequence

import yaml

_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./-]*\Z")
_SPECIAL = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"})


class _Dumper(yaml.SafeDumper):
    """Block style, key order kept, strings quoted unless they are plain words."""


def _str(dumper: yaml.SafeDumper, s: str) -> yaml.ScalarNode:
    if "\n" in s:
        return dumper.represent_scalar("tag:yaml.org,2002:str", s, style="|")
    plain = bool(_PLAIN.match(s)) and s.lower() not in _SPECIAL
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style=None if plain else "'")


_Dumper.add_representer(str, _str)


def dump_yaml(doc: Any) -> str:
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True,
                     width=1 << 16)


def dump_yaml_all(docs: Iterable[Any]) -> str:
    return "".join("---\n" + dump_yaml(d) for d in docs)


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(v: Any) -> str:
    """A CSV cell: None -> empty; text that a spreadsheet would run as a formula gets a `'`."""
    if v is None:
        return ""
    s = v if isinstance(v, str) else str(v)
    return "'" + s if s.startswith(_FORMULA) else s


def dump_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow([csv_cell(c) for c in r])
    return buf.getvalue().encode("utf-8")
