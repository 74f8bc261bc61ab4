"""Supernode classes (a require in a template is evaluated once per class): two supernodes
share a class exactly when their device parts and their links, relative to the first
device, are equal (with lengths for latency). Checked against a plain Python comparison
of link tuples on random copies with random changes."""

from __future__ import annotations

import numpy as np
import pytest

from supernodec.checks.common import supernode_classes
from supernodec.ir.model import Design, Devices, Links, Supernode

from test_checks_sealed import _parts


def copies(seed: int) -> Design:
    """3-6 supernodes built from two random templates, with a few random edits (a length,
    a port, a part, a link's order or an extra link)."""
    rng = np.random.default_rng(seed)
    templates = []
    for _ in range(2):
        n = int(rng.integers(2, 6))
        m = int(rng.integers(1, 8))
        templates.append((rng.integers(0, 4, n), rng.integers(0, n, (m, 2)), rng.integers(0, 4, m),
                          rng.integers(100, 400, m)))
    kinds: list[int] = []
    cols: list[list[int]] = [[], [], [], [], []]          # a, b, port, length, owner
    sns = []
    for s in range(int(rng.integers(3, 7))):
        kind, ends, port, length = (x.copy() for x in templates[int(rng.integers(0, 2))])
        edit = int(rng.integers(0, 7))
        if edit == 1:
            length[int(rng.integers(0, length.size))] += 1
        elif edit == 2:
            port[int(rng.integers(0, port.size))] += 1
        elif edit == 3:
            kind[int(rng.integers(0, kind.size))] = (kind[0] + 1) % 4
        elif edit == 4 and ends.shape[0] > 1:
            ends, port, length = ends[::-1], port[::-1], length[::-1]
        elif edit == 5:
            ends = np.vstack([ends, ends[:1]]); port = np.append(port, 9); length = np.append(length, 5)
        first = len(kinds)
        kinds += kind.tolist()
        for (x, y), p, mm in zip(ends.tolist(), port.tolist(), length.tolist()):
            for c, v in zip(cols, (first + x, first + y, p, mm, s)):
                c.append(v)
        sns.append(Supernode(f"sn[{s}]", "T", first, len(kinds)))
    n, m = len(kinds), len(cols[0])
    supernode = np.concatenate([np.full(s.end_device - s.first_device, k) for k, s in enumerate(sns)]).astype(np.int32)
    i32 = lambda v: np.array(v, np.int32)  # noqa: E731
    links = Links(i32(cols[0]), i32(cols[2]), i32(cols[1]), i32(cols[2]), np.full(m, 4, np.int32), np.ones(m, np.int16),
                  np.arange(m, dtype=np.int32), np.zeros(m, np.int32), i32(cols[3]))
    dev = Devices(tuple(f"d{i}" for i in range(n)), ("x",) * n, i32(kinds), np.full(n, -1, np.int32),
                  np.full(n, -1, np.int16), supernode)
    return Design("c", _parts(), dev, links, supernodes=tuple(sns))


def _plain(d: Design, k: int, lengths: bool) -> tuple:
    s = d.supernodes[k]
    L = d.links
    lo = s.first_device
    rows = tuple((int(L.a[i]) - lo, int(L.a_port[i]), int(L.b[i]) - lo, int(L.b_port[i]), int(L.medium[i]),
                  int(L.lanes[i])) + ((int(L.length_mm[i]),) if lengths else ())
                 for i in range(len(L)) if lo <= L.a[i] < s.end_device and lo <= L.b[i] < s.end_device)
    return tuple(d.devices.part[lo:s.end_device].tolist()), rows


@pytest.mark.parametrize("seed", range(60))
@pytest.mark.parametrize("lengths", [False, True])
def test_classes_equal_plain_comparison(seed: int, lengths: bool) -> None:
    d = copies(seed)
    got = supernode_classes(d, lengths)
    assert got is not None
    plain = [_plain(d, k, lengths) for k in range(len(d.supernodes))]
    for i in range(len(plain)):
        for j in range(len(plain)):
            assert (got[i] == got[j]) == (plain[i] == plain[j])
