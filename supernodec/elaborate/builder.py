"""Blocks: the elaborated form of one template instance (layer 4).

A template with given arguments is elaborated once into a `Block` (columnar
arrays with block-relative indices); each instance in a parent is a copy of
those arrays with offsets added, done with numpy. `Builder` accumulates a block
while its statements are elaborated.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..source import Span

LINK_COLS = ("a", "a_port", "b", "b_port", "medium", "lanes", "cable", "connect")
MEDIUM_NONE, MEDIUM_AUTO = -1, -2


@dataclass
class DevArray:
    dims: tuple[int, ...]
    first: int                # block-relative device index of element 0
    part: int
    role: str
    span: Span | None = None


@dataclass
class RackArray:
    dims: tuple[int, ...]
    first: int                # block-relative rack index
    part: int
    span: Span | None = None


@dataclass
class Instances:
    """An array of scopes: template instances or the elements of a group."""

    dims: tuple[int, ...]
    elems: list[tuple["Scope", int, int, str]]   # (scope, device offset, rack offset, path)
    template: str | None = None
    span: Span | None = None


@dataclass
class HallRef:
    name: str
    rows: dict[str, tuple[int, int]]        # row name -> (row index in design rows, slots)
    span: Span | None = None


Member = DevArray | RackArray | Instances | HallRef


@dataclass
class Scope:
    """Names visible in one template instance or group element."""

    members: dict[str, Member] = field(default_factory=dict)
    parent: "Scope | None" = None           # groups see their enclosing scope
    dev_lo: int = 0
    dev_hi: int = 0
    rack_lo: int = 0
    rack_hi: int = 0
    template: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)

    def find(self, name: str) -> Member | None:
        s: Scope | None = self
        while s is not None:
            m = s.members.get(name)
            if m is not None:
                return m
            s = s.parent
        return None

    def visible(self) -> list[str]:
        out: list[str] = []
        s: Scope | None = self
        while s is not None:
            out += list(s.members)
            s = s.parent
        return out


@dataclass
class LocalRequire:
    func: str
    args: list[tuple[str, np.ndarray, str | None, bool]]   # (text, ids, port group, racks?)
    op: str | None
    bound: Any
    scope: str
    options: dict[str, Any]
    span: Span | None


@dataclass
class Block:
    """A finished template instance, block-relative."""

    scope: Scope
    names: list[str]
    roles: list[str]
    part: np.ndarray
    rack: np.ndarray
    u: np.ndarray
    port_base: np.ndarray     # int64, block-relative port id of each device's port 0
    n_ports: int
    used: bytes               # one byte per port: 1 = used
    links: dict[str, np.ndarray]
    n_cables: int
    racks: list[tuple[str, int, Span | None]]
    placements: list[tuple[str, int, int, int, Span | None]]
    supernodes: list[tuple[str, str, int, int, Span | None]]
    requires: list[LocalRequire]
    memory: list[tuple[int, np.ndarray, int, int, Span | None]]
    mgmt: dict[int, str]

    @property
    def n_devices(self) -> int:
        return len(self.names)

    @property
    def n_links(self) -> int:
        return int(self.links["a"].shape[0])


class Builder:
    """Mutable accumulator for one block."""

    def __init__(self, port_counts: list[int]) -> None:
        self.port_counts = port_counts          # part index -> ports per device
        self.names: list[str] = []
        self.roles: list[str] = []
        self.part_chunks: list[np.ndarray] = []
        self.rack_chunks: list[np.ndarray] = []
        self.u_chunks: list[np.ndarray] = []
        self.base_chunks: list[np.ndarray] = []
        self.n_dev = 0
        self.n_ports = 0
        self.used = bytearray()
        self.link_cols: dict[str, Column] = {c: Column() for c in LINK_COLS}
        self.pending: dict[str, array] = {c: array("q") for c in LINK_COLS}
        self.n_links = 0
        self.n_cables = 0
        self.racks: list[tuple[str, int, Span | None]] = []
        self.placements: list[tuple[str, int, int, int, Span | None]] = []
        self.supernodes: list[tuple[str, str, int, int, Span | None]] = []
        self.requires: list[LocalRequire] = []
        self.memory: list[tuple[int, np.ndarray, int, int, Span | None]] = []
        self.mgmt: dict[int, str] = {}
        self.cursor: dict[tuple[int, int], int] = {}
        self.dev_rack: dict[int, int] = {}      # placements made in this block
        self.dev_u: dict[int, int] = {}
        self._base_cache: np.ndarray | None = None

    # devices ------------------------------------------------------------
    def add_devices(self, prefix: str, role: str, part: int, count: int, names: list[str]) -> int:
        first = self.n_dev
        self.names += names
        self.roles += [role] * count
        self.part_chunks.append(np.full(count, part, dtype=np.int32))
        self.rack_chunks.append(np.full(count, -1, dtype=np.int32))
        self.u_chunks.append(np.full(count, -1, dtype=np.int16))
        pc = self.port_counts[part]
        self.base_chunks.append(self.n_ports + pc * np.arange(count, dtype=np.int64))
        self.n_ports += pc * count
        self.used.extend(bytes(pc * count))
        self.n_dev += count
        self._base_cache = None
        return first

    def add_block(self, child: Block, prefixes: list[str],
                  supernode: tuple[str, Span | None] | None = None) -> list[tuple[int, int]]:
        """Append `len(prefixes)` copies of a child block; returns (dev, rack) offsets."""
        n = len(prefixes)
        offs = []
        self.flush_links()
        dev0, rack0, port0, cab0 = self.n_dev, len(self.racks), self.n_ports, self.n_cables
        nd, nr, np_, nc = child.n_devices, len(child.racks), child.n_ports, child.n_cables
        for k, pre in enumerate(prefixes):
            offs.append((dev0 + k * nd, rack0 + k * nr))
        self.names += [pre + nm for pre in prefixes for nm in child.names]
        self.roles += child.roles * n
        self.part_chunks.append(np.tile(child.part, n))
        rk = np.tile(child.rack, n)
        if nr:
            rk = np.where(rk >= 0, rk + np.repeat(np.arange(n, dtype=np.int32) * nr, nd) + rack0, rk)
        self.rack_chunks.append(rk.astype(np.int32))
        self.u_chunks.append(np.tile(child.u, n))
        self.base_chunks.append((np.tile(child.port_base, n) +
                                 np.repeat(np.arange(n, dtype=np.int64) * np_, nd) + port0))
        self.used.extend(child.used * n)
        if child.n_links:
            self._copy_links(child, n, dev0, cab0)
        for k, pre in enumerate(prefixes):
            d, r = offs[k]
            self.racks += [(pre + nm, part, sp) for (nm, part, sp) in child.racks]
            self.placements += [(pre + nm, rack + r, u, h, sp) for (nm, rack, u, h, sp) in child.placements]
            me = -1
            if supernode is not None:
                me = len(self.supernodes)
                self.supernodes.append((pre.rstrip("."), supernode[0], d, d + nd, supernode[1]))
            sn0 = len(self.supernodes)
            for (nm, tmpl, lo, hi, sp) in child.supernodes:
                self.supernodes.append((pre + nm, tmpl, lo + d, hi + d, sp))
            for (sn, members, w, al, sp) in child.memory:
                self.memory.append((me if sn < 0 else sn + sn0, members + d, w, al, sp))
            for rq in child.requires:
                self.requires.append(LocalRequire(
                    rq.func, [(t, ids + (r if isr else d), g, isr) for (t, ids, g, isr) in rq.args],
                    rq.op, rq.bound, pre + rq.scope if rq.scope else pre.rstrip("."), rq.options, rq.span))
            for dv, addr in child.mgmt.items():
                self.mgmt[dv + d] = addr
        self.n_dev += nd * n
        self.n_ports += np_ * n
        self.n_cables += nc * n
        self._base_cache = None
        return offs

    def _copy_links(self, child: Block, n: int, dev0: int, cab0: int) -> None:
        """The child's links `n` times, devices and cables shifted per copy (int32 throughout)."""
        nl = child.n_links
        copy = np.arange(n, dtype=np.int32)[:, None]
        shift = {"a": copy * child.n_devices + dev0, "b": copy * child.n_devices + dev0,
                 "cable": copy * child.n_cables + cab0}
        for col in LINK_COLS:
            src = child.links[col]
            out = self.link_cols[col].extend(n * nl).reshape(n, nl)
            if col in shift:
                np.add(src, shift[col], out=out)
                if col == "cable":
                    out[:, src < 0] = -1   # no cable (backplane) stays -1
            else:
                out[:] = src
        self.n_links += nl * n

    def add_link_columns(self, cols: dict[str, np.ndarray]) -> None:
        """Append whole link columns (the vectorised connect path)."""
        self.flush_links()
        for c in LINK_COLS:
            self.link_cols[c].extend(len(cols[c]))[:] = cols[c]
        self.n_links += len(cols["a"])

    def port_base(self) -> np.ndarray:
        if self._base_cache is None:
            self._base_cache = (np.concatenate(self.base_chunks) if self.base_chunks
                                else np.zeros(0, dtype=np.int64))
            self.base_chunks = [self._base_cache]
        return self._base_cache

    def parts(self) -> np.ndarray:
        if len(self.part_chunks) != 1:
            self.part_chunks = [np.concatenate(self.part_chunks) if self.part_chunks
                                else np.zeros(0, dtype=np.int32)]
        return self.part_chunks[0]

    # links --------------------------------------------------------------
    def add_link(self, a: int, ap: int, b: int, bp: int, medium: int, lanes: int, cable: int, connect: int) -> None:
        p = self.pending
        p["a"].append(a)
        p["a_port"].append(ap)
        p["b"].append(b)
        p["b_port"].append(bp)
        p["medium"].append(medium)
        p["lanes"].append(lanes)
        p["cable"].append(cable)
        p["connect"].append(connect)
        self.n_links += 1

    def new_cable(self) -> int:
        self.n_cables += 1
        return self.n_cables - 1

    def flush_links(self) -> None:
        if self.pending["a"]:
            for c in LINK_COLS:
                self.link_cols[c].extend(len(self.pending[c]))[:] = np.frombuffer(self.pending[c], dtype=np.int64)
                self.pending[c] = array("q")

    # finish ---------------------------------------------------------------
    def finish(self, scope: Scope) -> Block:
        self.flush_links()
        links = {c: col.array() for c, col in self.link_cols.items()}
        rack = np.concatenate(self.rack_chunks) if self.rack_chunks else np.zeros(0, dtype=np.int32)
        u = np.concatenate(self.u_chunks) if self.u_chunks else np.zeros(0, dtype=np.int16)
        if self.dev_rack:
            idx = np.fromiter(self.dev_rack.keys(), dtype=np.int64)
            rack[idx] = np.fromiter(self.dev_rack.values(), dtype=np.int32)
            u[idx] = np.fromiter((self.dev_u[i] for i in self.dev_rack), dtype=np.int16)
        return Block(scope, self.names, self.roles, self.parts().copy(), rack, u, self.port_base().copy(),
                     self.n_ports, bytes(self.used), links, self.n_cables, self.racks, self.placements,
                     self.supernodes, self.requires, self.memory, self.mgmt)



class Column:
    """A growable int32 column. Copies of a child block are written straight into it,
    so a center's link table is materialised once (at a million accelerators, fresh
    memory costs more than the copying). Capacity is half again what is needed; the unused
    tail is never touched, so it costs address space, not resident memory."""

    def __init__(self) -> None:
        self.buf = np.empty(0, dtype=np.int32)
        self.n = 0

    def extend(self, k: int) -> np.ndarray:
        """The next `k` slots, to be written by the caller."""
        need = self.n + k
        if need > len(self.buf):
            grown = np.empty(need + need // 2, dtype=np.int32)
            grown[:self.n] = self.buf[:self.n]
            self.buf = grown
        out = self.buf[self.n:need]
        self.n = need
        return out

    def array(self) -> np.ndarray:
        return self.buf[:self.n]
