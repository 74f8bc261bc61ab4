"""Plain references resolved for every binding at once (layer 4).

`connect server[n].l1[p].up[k] -> plane[p].l2[k].p[n]` and
`mgmt pod[k].grp[g].sn[s].server[n].cpu[0] = ...` name thousands to hundreds of
thousands of bindings, which `refs.walk_ref` yields one at a time. When every index
of a reference is a fresh variable or an integer constant (or, on the device array
and the port group, `[*]` or nothing), `plain_table` computes the same bindings and
targets with numpy, one step per segment, in the walk's order. Anything else (an
expression, a variable used twice or from the environment, halls, racks, a scope as
the target, a name that does not resolve, a constant out of range) gives None and
the caller walks, so every diagnostic is reported exactly where it always was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..syntax import ast as A
from .builder import DevArray, Instances, Scope


@dataclass
class PlainTable:
    """Row r is the r-th (binding, target) of `walk_ref(ref, {})`."""

    names: list[str]            # variables, in order of first use
    values: np.ndarray          # (rows, len(names)) int64: each variable's value
    devs: np.ndarray            # (rows, k) int64: the target devices of each row
    part: int
    group: int | None           # port group index, None when the reference ends at the devices
    port: Any                   # None: allocate; "*": every port; else (rows,) int64 explicit ports

    def __len__(self) -> int:
        return int(self.values.shape[0])


class _NotPlain(Exception):
    pass


def plain_table(el: Any, ctx: Any, ref: A.Ref) -> PlainTable | None:
    try:
        return _Walk(el, ctx, ref).run()
    except _NotPlain:
        return None


class _Walk:
    def __init__(self, el: Any, ctx: Any, ref: A.Ref) -> None:
        self.el, self.ctx, self.ref = el, ctx, ref
        self.names: list[str] = []
        self.values = np.zeros((1, 0), dtype=np.int64)
        self.doff = np.zeros(1, dtype=np.int64)
        self.scopes: list[Scope] = [ctx.scope]
        self.scope = np.zeros(1, dtype=np.int64)      # row -> index in self.scopes

    def run(self) -> PlainTable:
        segs = self.ref.segs
        for i, seg in enumerate(segs):
            members = self._members(i, seg.name)
            if all(type(m) is Instances for m in members):
                self._instances(seg, members)
                continue
            if not all(type(m) is DevArray for m in members) or len({m.part for m in members}) > 1:
                raise _NotPlain
            devs = self._devices(seg, members)
            part = members[0].part if members else -1
            if i + 1 == len(segs):
                return self._table(devs, part, None, None)
            if i + 2 != len(segs) or part < 0:
                raise _NotPlain
            return self._port(segs[i + 1], devs, part)
        raise _NotPlain      # a scope is the target

    def _table(self, devs: np.ndarray, part: int, group: int | None, port: Any) -> PlainTable:
        return PlainTable(self.names, self.values, devs, part, group, port)

    def _members(self, i: int, name: str) -> list[Any]:
        """The member named `name` in each scope the rows are in (none when there are no rows)."""
        used = np.unique(self.scope).tolist() if len(self.scope) else []
        out = []
        for s in used:
            m = self.scopes[s].find(name) if i == 0 else self.scopes[s].members.get(name)
            if type(m) is not Instances and type(m) is not DevArray:
                raise _NotPlain       # not declared, a rack array or a hall: the walk reports or handles it
            out.append(m)
        if len({m.dims for m in out}) > 1:
            raise _NotPlain
        self.local = np.zeros(len(self.scopes), dtype=np.int64)   # scope index -> index in `out`
        self.local[used] = np.arange(len(used))
        return out

    def _index(self, seg: A.Seg, d: int, star_ok: bool) -> tuple[str, Any]:
        """("var", name) | ("const", k) | ("all", None) for the one index of a segment."""
        if len(seg.indices) > 1:
            raise _NotPlain
        ix = seg.indices[0] if seg.indices else None
        if ix is None or type(ix) is A.Star:
            if not star_ok:
                raise _NotPlain
            return "all", None
        if type(ix) is A.Name and len(ix.parts) == 1:
            name = ix.parts[0]
            if name in self.names or name in self.ctx.env:
                raise _NotPlain
            return "var", name
        if type(ix) is A.Num and ix.unit is None and ix.value.denominator == 1 and 0 <= ix.value.numerator < d:
            return "const", ix.value.numerator
        raise _NotPlain

    def _expand(self, kind: str, name: Any, d: int) -> np.ndarray:
        """Rows for the index (each row repeated over a variable's values); the chosen element per row."""
        rows = len(self.doff)
        if kind == "const":
            return np.full(rows, name, dtype=np.int64)
        rep = np.repeat(np.arange(rows), d)
        k = np.tile(np.arange(d, dtype=np.int64), rows)
        self.names.append(name)
        self.values = np.column_stack([self.values[rep], k])
        self.doff, self.scope = self.doff[rep], self.scope[rep]
        return k

    def _instances(self, seg: A.Seg, members: list[Instances]) -> None:
        if not members:
            return
        if len(members[0].dims) != 1:
            raise _NotPlain
        d = members[0].dims[0]
        kind, name = self._index(seg, d, False)
        ids = {id(s): k for k, s in enumerate(self.scopes)}
        elem_scope = np.zeros((len(members), d), dtype=np.int64)
        elem_off = np.zeros((len(members), d), dtype=np.int64)
        for j, m in enumerate(members):
            for k, (sc, doff, _roff, _path) in enumerate(m.elems):
                if id(sc) not in ids:
                    ids[id(sc)] = len(self.scopes)
                    self.scopes.append(sc)
                elem_scope[j, k], elem_off[j, k] = ids[id(sc)], doff
        k = self._expand(kind, name, d)
        j = self.local[self.scope]
        self.doff = self.doff + elem_off[j, k]
        self.scope = elem_scope[j, k]

    def _devices(self, seg: A.Seg, members: list[DevArray]) -> np.ndarray:
        if not members:
            return np.zeros((0, 1), dtype=np.int64)
        dims = members[0].dims
        first = np.array([m.first for m in members], dtype=np.int64)
        if not dims:
            if seg.indices:
                raise _NotPlain
            return (self.doff + first[self.local[self.scope]])[:, None]
        if len(dims) != 1:
            raise _NotPlain
        kind, name = self._index(seg, dims[0], True)
        if kind == "all":
            base = self.doff + first[self.local[self.scope]]
            return base[:, None] + np.arange(dims[0], dtype=np.int64)
        k = self._expand(kind, name, dims[0])
        return (self.doff + first[self.local[self.scope]] + k)[:, None]

    def _port(self, seg: A.Seg, devs: np.ndarray, part: int) -> PlainTable:
        gi = self.el.group_index(part).get(seg.name)
        if gi is None:
            raise _NotPlain
        if not seg.indices:
            return self._table(devs, part, gi, None)
        count = self.el.parts[part].ports[gi].count
        kind, name = self._index(seg, count, True)
        if kind == "all":
            return self._table(devs, part, gi, "*")
        k = self._expand(kind, name, count)
        if kind == "var":
            devs = np.repeat(devs, count, axis=0)    # the rows were repeated over the ports
        return self._table(devs, part, gi, k)


def table_rows(t: PlainTable) -> Any:
    """The table as `walk_ref` yields it: (binding, Target) per row."""
    from fractions import Fraction
    from .refs import Target
    fr = [Fraction(k) for k in range(int(t.values.max()) + 1)] if t.values.size else []
    ports = t.port.tolist() if isinstance(t.port, np.ndarray) else None
    for r, (vals, devs) in enumerate(zip(t.values.tolist(), t.devs.tolist())):
        bind = {n: fr[v] for n, v in zip(t.names, vals)}
        if t.group is None:
            yield bind, Target("dev", devs, t.part)
        else:
            yield bind, Target("dev", devs, t.part, t.group, t.port if ports is None else ports[r])
