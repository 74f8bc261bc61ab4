"""Shared helpers of the checks: formatting, per-declaration grouping, instance views.

Checks are pure functions of the `Design`; the facts several checks need (per-link
capacity, which devices forward traffic, links sorted by device) are derived once per
design and cached on its identity while it is alive.

A `require` written in a template is instantiated once per template instance
(`Require.scope` names the instance). Checks report one diagnostic per declaration
(its span), aggregating the instances, and evaluate each distinct instance only once:
`instance_classes` groups instances whose devices and links are identical.
"""

from __future__ import annotations

import hashlib
import weakref
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, Iterable

import numpy as np

from .. import units
from ..diagnostics import Diagnostic, error
from ..ir.flat import port_table
from ..ir.model import Design, Require

FORWARDING_KINDS = ("switch", "nic")
"""Device kinds that forward traffic between their ports; the others are endpoints."""

KNOWN_FUNCS = {
    "bandwidth": "a data rate", "aggregate": "a data rate", "bisection": "a data rate",
    "oversubscription": "a ratio like `1:1`", "latency": "a time", "hops": "a whole number",
    "power": "a power", "redundant": "nothing, or a fraction like `0.5`",
}

_CACHE: dict[int, tuple[weakref.ref, dict[str, Any]]] = {}


def cached(design: Design, key: str, make: Callable[[], Any]) -> Any:
    """`make()` once per live design (checks share derived arrays)."""
    entry = _CACHE.get(id(design))
    if entry is None or entry[0]() is not design:
        for k in [k for k, (ref, _) in _CACHE.items() if ref() is None]:
            del _CACHE[k]
        entry = (weakref.ref(design), {})
        _CACHE[id(design)] = entry
    store = entry[1]
    if key not in store:
        store[key] = make()
    return store[key]


# --------------------------------------------------------------------------- text
def exact_text(x: Fraction, decimals: int = 3) -> str:
    """"75,264" or "1.125": exact when `decimals` suffice, else rounded with a leading "~"."""
    scaled = x * 10**decimals
    r = round(scaled)
    whole, frac = divmod(abs(r), 10**decimals)
    text = f"{'-' if r < 0 else ''}{whole:,}" + (f".{frac:0{decimals}d}".rstrip("0") if frac else "")
    return text if scaled == r else "~" + text


def _scaled(value: Fraction, ladder: tuple[tuple[str, int], ...]) -> str:
    unit, div = ladder[0]
    for u, d in ladder:
        if abs(value) >= d:
            unit, div = u, d
    return f"{exact_text(value / div)} {unit}"


def rate_text(bps: int | Fraction) -> str:
    """"392 GB/s (3,136 Gb/s) per direction": exact bytes and bits, direction explicit."""
    v = Fraction(bps)
    by = _scaled(v / 8, (("B/s", 1), ("kB/s", 10**3), ("MB/s", 10**6), ("GB/s", 10**9)))
    bi = _scaled(v, (("b/s", 1), ("kb/s", 10**3), ("Mb/s", 10**6), ("Gb/s", 10**9)))
    return f"{by} ({bi}) per direction"


def ratio_text(r: Fraction) -> str:
    """"8:7 (1.143:1)", "1:1", "3:1"."""
    if r.denominator == 1 or r.denominator > 1000:
        return units.format_ratio(r)
    return f"{r.numerator}:{r.denominator} ({units.format_ratio(r)})"


def time_text(seconds: Fraction | float) -> str:
    return units.Quantity(Fraction(seconds), units.TIME).format()


def length_text(mm: int) -> str:
    """"14.834 m": exact to the millimetre."""
    return f"{exact_text(Fraction(int(mm), 1000))} m"


def power_text(watts: Fraction | int) -> str:
    """"26,896 W (26.9 kW)": exact watts, and the natural unit when it differs."""
    w = Fraction(watts)
    natural = units.Quantity(w, units.POWER).format()
    exact = f"{exact_text(w)} W"
    return exact if natural in (exact, exact.replace(",", "")) else f"{exact} ({natural})"


def count(n: int, what: str, plural: str | None = None) -> str:
    return f"{n:,} {what if n == 1 else (plural or what + 's')}"


def names(design: Design, ids: Iterable[int], limit: int = 3) -> str:
    ids = list(ids)
    shown = ", ".join(f"`{design.devices.name[int(i)]}`" for i in ids[:limit])
    return shown + (f" and {len(ids) - limit:,} more" if len(ids) > limit else "")


OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b,
    ">": lambda a, b: a > b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
}
WORDS = {"<=": "at most", ">=": "at least", "<": "below", ">": "above", "==": "exactly", "!=": "not"}


def satisfies(value: Any, op: str, bound: Any) -> bool:
    return OPS[op](value, bound)


# --------------------------------------------------------------------------- requires
def declarations(design: Design, funcs: tuple[str, ...]) -> list[list[Require]]:
    """The requires of `funcs`, grouped by declaration (one list per source location)."""
    groups: dict[Any, list[Require]] = {}
    for i, rq in enumerate(design.requires):
        if rq.func not in funcs:
            continue
        where = (rq.span.file, rq.span.start) if rq.span is not None else ("", i)
        # instances with other template arguments may have another bound: a group each
        groups.setdefault((rq.func, where, rq.op, _bound_key(rq.bound)), []).append(rq)
    return list(groups.values())


def _bound_key(b: Any) -> Any:
    if isinstance(b, units.Quantity):
        return ("q", b.value, b.dim.exponents())
    try:
        hash(b)
        return b
    except TypeError:
        return repr(b)


def bad_require(rq: Require, message: str, hint: str) -> Diagnostic:
    return error("SN0405", message, rq.span, label="cannot check this requirement", hint=hint)


def bound_value(rq: Require, dim: units.Dim) -> Fraction | Diagnostic:
    """The bound as an exact number in base units of `dim`, or an SN0405 diagnostic."""
    b = rq.bound
    if rq.op not in OPS or b is None:
        return bad_require(rq, f"`require {rq.func}(...)` needs a comparison and a bound, like `<= {_example(rq.func)}`",
                           f"write `require {rq.func}(...) {'<=' if rq.func in ('latency', 'hops', 'power', 'oversubscription') else '>='} {_example(rq.func)}`")
    if isinstance(b, units.Quantity) and b.dim == dim:
        return b.value
    if dim == units.DIMENSIONLESS and isinstance(b, (Fraction, int)) and not isinstance(b, bool):
        return Fraction(b)
    if dim == units.DIMENSIONLESS and isinstance(b, units.Quantity) and b.is_dimensionless:
        return b.value
    got = b.format() if isinstance(b, units.Quantity) else repr(b)
    return bad_require(rq, f"`{rq.func}` is compared with {KNOWN_FUNCS.get(rq.func, 'a value')}, not `{got}`",
                       f"write the bound as {KNOWN_FUNCS.get(rq.func, 'a value')}, e.g. `{_example(rq.func)}`")


def _example(func: str) -> str:
    return {"bandwidth": "392 GB/s", "aggregate": "150 TB/s", "bisection": "75264 GB/s", "oversubscription": "1:1",
            "latency": "3 us", "hops": "3", "power": "60 kW", "redundant": "0.5"}.get(func, "...")


def instance_note(design: Design, rq: Require) -> str:
    tmpl = template_of(design, rq.scope)
    where = f"`{rq.scope}`" if rq.scope else "the center"
    return f"in {where}" + (f" (an instance of `{tmpl}`)" if tmpl else "")


def template_of(design: Design, scope: str) -> str | None:
    k = supernode_named(design).get(scope)
    return design.supernodes[k].template if k is not None else None


def supernode_named(design: Design) -> dict[str, int]:
    """Supernode instance name -> index (the first of equal names)."""
    def make() -> dict[str, int]:
        out: dict[str, int] = {}
        for k, s in enumerate(design.supernodes):
            out.setdefault(s.name, k)
        return out
    return cached(design, "supernode_named", make)


# --------------------------------------------------------------------------- devices and links
def forwarding(design: Design) -> np.ndarray:
    """Per device: True if it forwards traffic (switches, NICs); endpoints never do."""
    def make() -> np.ndarray:
        kinds = np.array([p.kind in FORWARDING_KINDS for p in design.parts] + [False])
        return kinds[design.devices.part] if len(design.devices) else np.zeros(0, bool)
    return cached(design, "forwarding", make)


def port_base(design: Design) -> np.ndarray:
    """Per device: the index of its port 0 in a flat array of every device's ports."""
    def make() -> np.ndarray:
        counts = np.array([p.port_count for p in design.parts] + [0], dtype=np.int64)[design.devices.part]
        return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return cached(design, "port_base", make)


def port_rows(design: Design) -> tuple[np.ndarray, np.ndarray]:
    """Per link: the row of end a's and of end b's port in `port_table(design.parts)`."""
    def make() -> tuple[np.ndarray, np.ndarray]:
        pt = port_table(design.parts)
        L, part = design.links, design.devices.part
        small = pt.group.size < 2**31
        rows = [pt.rows(part[dev], port) for dev, port in ((L.a, L.a_port), (L.b, L.b_port))]
        return tuple(r.astype(np.int32) if small else r for r in rows)  # type: ignore[return-value]
    return cached(design, "port_rows", make)


def link_end_rates(design: Design) -> tuple[np.ndarray, np.ndarray]:
    """Per link: the rate each end's port offers for the lanes the link uses (bit/s per direction)."""
    def make() -> tuple[np.ndarray, np.ndarray]:
        pt = port_table(design.parts)
        used = design.links.lanes.astype(np.int64)
        out = []
        for r in port_rows(design):
            lanes = np.maximum(pt.lanes, 1)[r]
            out.append(pt.rate[r] * np.minimum(used, lanes) // lanes)
        return out[0], out[1]
    return cached(design, "end_rates", make)


def exact_sums(keys: np.ndarray, values: np.ndarray, n: int, counts: np.ndarray | None = None) -> np.ndarray:
    """Per key in [0, n): the exact sum of the int64 `values` with that key. Float sums
    (bincount) are exact while no sum can reach 2**53: the largest value times the
    largest count of one key (`counts`, the bincount of `keys`, if already known)."""
    if values.size == 0:
        return np.zeros(n, np.int64)
    counts = np.bincount(keys, minlength=n) if counts is None else counts
    if int(np.abs(values).max()) * int(counts.max()) < 2**53:
        return np.bincount(keys, weights=values, minlength=n).astype(np.int64)
    out = np.zeros(n, np.int64)
    np.add.at(out, keys, values)
    return out


def links_per_cable(design: Design) -> np.ndarray:
    """Per link: how many links share its cable or module pair (1 for links without one)."""
    def make() -> np.ndarray:
        cab = design.links.cable
        out = np.ones(len(cab), dtype=np.int64)
        has = cab >= 0
        if has.any():
            ids = cab[has]
            if int(ids.max()) <= 4 * ids.size:         # dense ids: count by index
                out[has] = np.bincount(ids)[ids]
            else:
                _, inv, cnt = np.unique(ids, return_inverse=True, return_counts=True)
                out[has] = cnt[inv]
        return out
    return cached(design, "per_cable", make)


def link_groups(design: Design) -> tuple[np.ndarray, np.ndarray]:
    """Per link: the port group index (within its part) of end a and of end b."""
    def make() -> tuple[np.ndarray, np.ndarray]:
        pt = port_table(design.parts)
        ra, rb = port_rows(design)
        return pt.group[ra], pt.group[rb]
    return cached(design, "link_groups", make)


def medium_share(design: Design) -> np.ndarray:
    """Per link: the medium's rate divided among the links sharing the cable (-1: no limit)."""
    def make() -> np.ndarray:
        rates = np.array([int(p.rate) if p.rate is not None else -1 for p in design.parts] + [-1], dtype=np.int64)
        r = rates[design.links.medium]
        return np.where(r >= 0, r // links_per_cable(design), -1)
    return cached(design, "medium_share", make)


def capacity(design: Design) -> np.ndarray:
    """Per link: bit/s per direction it carries: the slower end, limited by its medium's share."""
    def make() -> np.ndarray:
        ca, cb = link_end_rates(design)
        c = np.minimum(ca, cb)
        share = medium_share(design)
        return np.where(share >= 0, np.minimum(c, share), c)
    return cached(design, "capacity", make)


def sealed(design: Design) -> np.ndarray:
    """Per supernode: True when none of its forwarding devices links outside it.

    The switches of a sealed supernode then form components of the forwarding network
    that touch only the supernode's own devices: a path through them (paths never transit
    endpoints) starts and ends inside the supernode, and so does any flow through them."""
    return _sealed_links(design)[0]


def _sealed_links(design: Design) -> tuple[np.ndarray, np.ndarray]:
    """(`sealed`, per link the sealed supernode whose forwarding devices it touches or -1)."""
    def make() -> tuple[np.ndarray, np.ndarray]:
        ok = np.ones(len(design.supernodes) + 1, bool)
        ok[-1] = False                                   # index -1: no supernode
        L, sn, fwd = design.links, design.devices.supernode, forwarding(design)
        if len(L) == 0:
            return ok[:-1], np.zeros(0, np.int32)
        sa, sb = sn[L.a], sn[L.b]
        # a forwarding end's supernode; both ends forwarding: the same one if either is sealed
        fa, fb = np.where(fwd[L.a], sa, -1), np.where(fwd[L.b], sb, -1)
        crossing = sa != sb
        for x in (fa[crossing], fb[crossing]):
            ok[x[x >= 0]] = False
        s = np.maximum(fa, fb)
        return ok[:-1], np.where(ok[s], s, -1).astype(np.int32)
    return cached(design, "sealed", make)


def sealed_region(design: Design, ids: np.ndarray) -> np.ndarray:
    """Per link of `ids`: the sealed supernode whose forwarding devices it touches, else -1."""
    return _sealed_links(design)[1][ids]


def device_region(design: Design, lo: int, hi: int) -> np.ndarray:
    """Per device of [lo, hi) (relative): its supernode if that is sealed, else -1."""
    sn = design.devices.supernode[lo:hi]
    ok = np.append(sealed(design), False)
    return np.where(ok[sn], sn, -1)


def links_by_a(design: Design) -> tuple[np.ndarray, np.ndarray]:
    """(link ids sorted by their `a` device, the sorted `a` values) for range queries."""
    def make() -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(design.links.a, kind="stable")
        return order, design.links.a[order].astype(np.int64)   # int64: searchsorted must not convert
    return cached(design, "by_a", make)


def links_within(design: Design, lo: int, hi: int) -> np.ndarray:
    """Ids of the links with both ends in devices [lo, hi), ascending."""
    if lo == 0 and hi >= len(design.devices):
        return np.arange(len(design.links))
    order, sa = links_by_a(design)
    ids = order[int(np.searchsorted(sa, np.int64(lo))):int(np.searchsorted(sa, np.int64(hi)))]
    b = design.links.b[ids]
    return np.sort(ids[(b >= lo) & (b < hi)])


# --------------------------------------------------------------------------- instances
@dataclass(frozen=True)
class Instance:
    """The device range a require is evaluated over (its scope instance)."""

    lo: int
    hi: int


def scope_range(design: Design, rq: Require) -> Instance:
    """Devices [lo, hi) of the instance `rq.scope` (the whole design for the center)."""
    n = len(design.devices)
    if not rq.scope:
        return Instance(0, n)
    k = supernode_named(design).get(rq.scope)
    if k is not None:
        s = design.supernodes[k]
        return Instance(s.first_device, s.end_device)
    ids = [int(x) for sel in rq.args if not sel.racks for x in sel.devices[:1]]
    if not ids:
        return Instance(0, n)
    prefix = rq.scope + "."
    names_ = design.devices.name
    lo = hi = ids[0]
    while lo > 0 and names_[lo - 1].startswith(prefix):
        lo -= 1
    while hi < n and names_[hi].startswith(prefix):
        hi += 1
    return Instance(lo, hi)


def instance_classes(design: Design, reqs: list[Require], lengths: bool) -> list[list[int]]:
    """Indices into `reqs` grouped by identical instance (devices, links, selectors).

    Instances of one template are copies, so a require written in it is evaluated once
    per class; `lengths` makes cable lengths part of the identity (latency needs them).
    """
    if len(reqs) <= 1:
        return [list(range(len(reqs)))] if reqs else []
    groups: dict[tuple, list[int]] = {}
    for k, rq in enumerate(reqs):
        inst = scope_range(design, rq)
        h = hashlib.blake2b(digest_size=16)
        for sel in rq.args:
            rel = sel.devices.astype(np.int64) - (0 if sel.racks else inst.lo)
            h.update(str((sel.port_group, sel.racks, len(rel))).encode())
            h.update(rel.tobytes())
        groups.setdefault((instance_key(design, inst.lo, inst.hi, lengths), h.digest()), []).append(k)
    return list(groups.values())


def instance_key(design: Design, lo: int, hi: int, lengths: bool) -> tuple:
    """Equal for two device ranges exactly when their devices and the links among them
    (relative to `lo`) are equal: a class number for supernodes, else a digest."""
    k = int(design.devices.supernode[lo]) if hi > lo else -1
    if k >= 0 and (design.supernodes[k].first_device, design.supernodes[k].end_device) == (lo, hi):
        classes = supernode_classes(design, lengths)
        if classes is not None:
            return ("supernode", int(classes[k]))
    return ("digest", instance_digest(design, lo, hi, lengths))


def instance_digest(design: Design, lo: int, hi: int, lengths: bool) -> bytes:
    """A digest of devices [lo, hi) and the links among them, relative to `lo`."""
    def make() -> bytes:
        table = _link_table(design, links_within(design, lo, hi), lo, lengths)
        h = hashlib.blake2b(np.int64(hi - lo).tobytes(), digest_size=16)
        h.update(np.ascontiguousarray(design.devices.part[lo:hi], dtype=np.int32).tobytes())
        h.update(table.tobytes())
        return h.digest()
    return cached(design, f"digest:{lo}:{hi}:{lengths}", make)


def _link_table(design: Design, ids: np.ndarray, lo: np.ndarray | int, lengths: bool) -> np.ndarray:
    """One int32 column per link: ends relative to `lo`, ports, medium, lanes (and length)."""
    L = design.links
    sel: slice | np.ndarray = ids
    if ids.size > 1 and int(ids[-1]) - int(ids[0]) + 1 == ids.size and bool((np.diff(ids) == 1).all()):
        sel = slice(int(ids[0]), int(ids[-1]) + 1)      # a run of links: slices, not gathers
    cols = [L.a, L.a_port, L.b, L.b_port, L.medium, L.lanes] + ([L.length_mm] if lengths else [])
    out = np.empty((len(cols), ids.size), np.int32)
    for j, c in enumerate(cols):
        out[j] = c[sel]
    for j in (0, 2):
        np.subtract(out[j], lo, out=out[j], casting="unsafe")
    return out


CLASS_CHUNK = 1 << 21   # links per slice of the supernode tables


def supernode_classes(design: Design, lengths: bool) -> np.ndarray | None:
    """Per supernode: a class number, equal exactly when two supernodes have equal device
    parts and equal links (relative to their first device; with `lengths`, equal cable
    lengths too). Tables are compared, not hashed; None when the device table's supernode
    column does not match the supernodes' ranges."""
    def make() -> tuple[np.ndarray, np.ndarray] | None:
        sn, sns = design.devices.supernode, design.supernodes
        first = np.array([s.first_device for s in sns], np.int64)
        size = np.array([s.end_device - s.first_device for s in sns], np.int64)
        if not _ranges_match(sn, first, size):
            return None
        L = design.links
        ka = sn[L.a]
        ids = np.flatnonzero((ka == sn[L.b]) & (ka >= 0))
        k = ka[ids]
        if k.size and (k[1:] < k[:-1]).any():
            ids = ids[np.argsort(k, kind="stable")]
        ends = np.cumsum(np.bincount(ka[ids], minlength=len(sns)))
        return _classes(design, ids, np.concatenate([[0], ends]), first, size)
    both = cached(design, "sn-classes", make)
    return None if both is None else both[int(lengths)]


def _ranges_match(sn: np.ndarray, first: np.ndarray, size: np.ndarray) -> bool:
    expected = np.full(sn.size, -1, np.int64)
    for k, (f, n) in enumerate(zip(first.tolist(), size.tolist())):
        if (expected[f:f + n] != -1).any():
            return False
        expected[f:f + n] = k
    return bool(np.array_equal(expected, sn))


class _Classes:
    """Class numbers of items compared exactly within buckets of a cheap key."""

    def __init__(self) -> None:
        self.reps: dict[tuple, list[tuple[int, tuple[np.ndarray, ...]]]] = {}
        self.n = 0

    def number(self, key: tuple, arrays: tuple[np.ndarray, ...]) -> int:
        cands = self.reps.setdefault(key, [])
        for c, rep in cands:
            if all(np.array_equal(x, y) for x, y in zip(rep, arrays)):
                return c
        cands.append((self.n, tuple(x.copy() for x in arrays)))
        self.n += 1
        return self.n - 1


def _classes(design: Design, ids: np.ndarray, bounds: np.ndarray, first: np.ndarray,
             size: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(class without lengths, class with lengths) per supernode."""
    part = design.devices.part
    plain, timed = _Classes(), _Classes()
    out = np.zeros((2, first.size), np.int64)
    k = 0
    while k < first.size:
        stop = max(int(np.searchsorted(bounds, bounds[k] + CLASS_CHUNK, side="right")) - 1, k + 1)
        rel = bounds[k:stop + 1] - bounds[k]
        table = _link_table(design, ids[bounds[k]:bounds[stop]], np.repeat(first[k:stop], np.diff(rel)), True)
        shape_prints = _fingerprints(table[:-1], rel)
        length_prints = _fingerprints(table[-1:], rel)
        for j in range(k, stop):
            cols = table[:, rel[j - k]:rel[j - k + 1]]
            parts = part[first[j]:first[j] + size[j]]
            c = plain.number((int(size[j]), cols.shape[1], int(shape_prints[j - k])), (parts, cols[:-1]))
            out[0, j] = c
            out[1, j] = timed.number((c, int(length_prints[j - k])), (cols[-1],))
        k = stop
    return out[0], out[1]


def _fingerprints(table: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """A 64-bit fingerprint of each slice `table[:, bounds[j]:bounds[j + 1]]` (in order),
    only to bucket the slices that are then compared exactly."""
    h = np.zeros(table.shape[1], np.uint64)
    with np.errstate(over="ignore"):
        for col in table:
            h = (h ^ col.astype(np.uint64)) * np.uint64(0x9E3779B97F4A7C15)
        pos = np.arange(table.shape[1], dtype=np.uint64) - np.repeat(bounds[:-1], np.diff(bounds)).astype(np.uint64)
        h = (h ^ pos) * np.uint64(0xC2B2AE3D27D4EB4F)
        h ^= h >> np.uint64(29)
    total = np.concatenate([np.zeros(1, np.uint64), np.cumsum(h, dtype=np.uint64)])   # sums modulo 2**64
    return total[bounds[1:]] - total[bounds[:-1]]
