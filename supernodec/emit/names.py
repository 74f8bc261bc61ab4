"""Host and object names for deployment manifests, derived from instance paths.

Every deployment output (Slurm, Kubernetes, Ansible, NetBox) must call the same
machine by the same name, so the rule lives here, once:

- an instance path ``pod[0].server[3].npu[5]`` becomes ``pod0-server03-npu5``:
  identifiers are lower-cased, runs of other characters become ``-``, segments
  are joined with ``-``, and indices follow their identifier directly (with a
  ``-`` between when the identifier ends in a digit: ``l1[3]`` -> ``l1-3``,
  and between the dimensions of ``a[1][2]`` -> ``a1-2``);
- indices are zero-padded to the width of the largest index of the same
  member in the whole design (48 servers -> ``server00`` .. ``server47``), so
  names sort in index order and compress into Slurm hostlist ranges
  (``pod0-server[00-47]``);
- the result is an RFC 1123 host label, which is also a Kubernetes DNS-1123
  subdomain and label value: ``[a-z0-9]([-a-z0-9]*[a-z0-9])?``, at most 63
  characters (longer names keep 54 characters plus ``-`` and 8 hex digits of
  the SHA-256 of the path);
- two paths that would get the same name (``a_b`` and ``a-b``) both get the
  hash suffix, so no name depends on the order in which paths were seen.
"""

from __future__ import annotations

import hashlib
import re
from typing import Iterable

MAX_LABEL = 63
_SEG = re.compile(r"^([^\[\]]*)((?:\[\d+\])*)$")
_IDX = re.compile(r"\[(\d+)\]")
_BAD = re.compile(r"[^a-z0-9]+")


def clean(text: str) -> str:
    """Lower-case `text` and turn every run of characters outside [a-z0-9] into one `-`."""
    return _BAD.sub("-", text.lower()).strip("-")


def short_hash(text: str, n: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


def bounded(name: str, key: str, limit: int = MAX_LABEL) -> str:
    """`name` if it fits in `limit` characters, else a prefix plus a hash of `key`."""
    if name and len(name) <= limit:
        return name
    head = name[: limit - 9].rstrip("-") or "x"
    return f"{head}-{short_hash(key)}"


def split_segment(seg: str) -> tuple[str, tuple[int, ...]]:
    m = _SEG.match(seg)
    if m is None:  # brackets that are not plain indices: keep the text, no indices
        return seg, ()
    return m.group(1), tuple(int(i) for i in _IDX.findall(m.group(2)))


class Namer:
    """Sanitised names for the instance paths of one design (see the module doc)."""

    def __init__(self, paths: Iterable[str]):
        self._pattern: dict[str, str] = {"": ""}
        self._width: dict[tuple[str, int], int] = {}
        self._raw: dict[str, str] = {"": ""}
        self._segs: dict[str, tuple[str, tuple[int, ...]]] = {}   # segment text -> split (segments repeat)
        self._tokens: dict[tuple[str, str], str] = {}             # (pattern, segment) -> its part of the name
        for p in paths:
            self._learn(p)

    def _split(self, seg: str) -> tuple[str, tuple[int, ...]]:
        got = self._segs.get(seg)
        if got is None:
            got = self._segs[seg] = split_segment(seg)
        return got

    def _learn(self, path: str) -> None:
        todo = []
        while path not in self._pattern:   # the path and its ancestors not seen yet, deepest first
            todo.append(path)
            path = path.rpartition(".")[0]
        for path in reversed(todo):
            parent, _, seg = path.rpartition(".")
            ident, idx = self._split(seg)
            pat = f"{self._pattern[parent]}.{ident}" if parent else ident
            self._pattern[path] = pat
            for d, i in enumerate(idx):
                w = len(str(i))
                if self._width.get((pat, d), 0) < w:
                    self._width[(pat, d)] = w

    def raw(self, path: str) -> str:
        """The sanitised name before length limits (cached per path prefix)."""
        got = self._raw.get(path)
        if got is not None:
            return got
        self._learn(path)
        parent, _, seg = path.rpartition(".")
        pat = self._pattern[path]
        tok = self._tokens.get((pat, seg))
        if tok is None:
            ident, idx = self._split(seg)
            tok = clean(ident) or "x"
            for d, i in enumerate(idx):
                num = str(i).zfill(self._width.get((pat, d), 1))
                sep = "-" if d > 0 or tok[-1].isdigit() else ""
                tok = f"{tok}{sep}{num}"
            self._tokens[(pat, seg)] = tok
        head = self._raw.get(parent)
        if head is None:
            head = self.raw(parent)
        out = f"{head}-{tok}" if head else tok
        self._raw[path] = out
        return out

    def unique(self, paths: Iterable[str]) -> dict[str, str]:
        """path -> host label for every path, with collisions resolved by hashing."""
        names = {p: bounded(self.raw(p), p) for p in paths}
        seen: dict[str, int] = {}
        for n in names.values():
            seen[n] = seen.get(n, 0) + 1
        for p, n in names.items():
            if seen[n] > 1:
                names[p] = bounded(f"{n[:MAX_LABEL - 9]}-{short_hash(p)}", p)
        return names


def group_name(text: str, prefix: str) -> str:
    """An Ansible group name: `[a-z_][a-z0-9_]*` (dashes are only warned about, but avoided)."""
    body = _BAD.sub("_", text.lower()).strip("_")
    return f"{prefix}_{body}" if body else prefix


def slug(text: str) -> str:
    """A NetBox slug: `^[-a-z0-9_]+$`."""
    return clean(text) or "x"
