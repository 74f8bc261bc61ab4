"""`checks.paths.worst_pair` against a brute-force networkx baseline on random networks.

The baseline is independent: for every source it runs networkx's Dijkstra on a graph
where only switches may be passed through (arcs into endpoints are one-way), so every
pair is visited; the engine must find the same worst value (exact mode) and, given a
bound, the same verdict.
"""

from __future__ import annotations

from fractions import Fraction

import networkx as nx
import numpy as np
import pytest

from supernodec.checks.paths import BIG, build_graph, worst_pair
from supernodec.ir.model import Design, Devices, Links, Part, PortGroup

SW_LAT_NS = (100, 250, 700)


def random_design(seed: int) -> Design:
    rng = np.random.default_rng(seed)
    n_sw = int(rng.integers(2, 9))
    n_ep = int(rng.integers(2, 14))
    parts = [Part(f"t.S{i}", "switch", latency=Fraction(ns, 10**9), ports=(PortGroup("p", 64, Fraction(400 * 10**9), "Ethernet"),))
             for i, ns in enumerate(SW_LAT_NS)]
    parts.append(Part("t.E", "accelerator", ports=(PortGroup("p", 64, Fraction(400 * 10**9), "Ethernet"),)))
    parts.append(Part("t.O", "optic", rate=Fraction(400 * 10**9), reach=Fraction(500), delay=Fraction(5, 10**9)))
    kinds = [int(rng.integers(0, 3)) for _ in range(n_sw)] + [3] * n_ep
    n = n_sw + n_ep
    a, b, medium, length = [], [], [], []

    def link(x: int, y: int, med: int, mm: int) -> None:
        a.append(x); b.append(y); medium.append(med); length.append(mm)

    def random_link(x: int, y: int) -> None:
        link(x, y, 4 if rng.random() < 0.7 else -1, int(rng.integers(500, 60000)) if rng.random() < 0.9 else -1)

    previous: list[tuple[int, int, int]] = []
    for e in range(n_sw, n):                       # each endpoint attaches to 1-3 switches
        if previous and rng.random() < 0.3:        # a twin: the same attachments as the last one
            for s, med, mm in previous:
                link(e, s, med, mm)
            continue
        start = len(a)
        for s in rng.choice(n_sw, size=int(rng.integers(1, 4)), replace=True):
            random_link(e, int(s))
        previous = list(zip(b[start:], medium[start:], length[start:]))
    for _ in range(int(rng.integers(n_sw - 1, 3 * n_sw))):   # switch fabric (may be disconnected)
        x, y = rng.integers(0, n_sw, size=2)
        random_link(int(x), int(y))
    for _ in range(int(rng.integers(0, 3))):                 # a few endpoint-endpoint links
        x, y = rng.integers(n_sw, n, size=2)
        random_link(int(x), int(y))
    m = len(a)
    port = np.arange(m, dtype=np.int32) % 64
    medium = np.array(medium, np.int32)
    length = np.array(length, np.int32)
    links = Links(np.array(a, np.int32), port, np.array(b, np.int32), port, medium, np.ones(m, np.int16),
                  np.arange(m, dtype=np.int32), np.zeros(m, np.int32), length)
    dev = Devices(tuple(f"d{i}" for i in range(n)), tuple("sw" if k < 3 else "ep" for k in kinds),
                  np.array(kinds, np.int32), np.full(n, -1, np.int32), np.full(n, -1, np.int16), np.full(n, -1, np.int32))
    return Design("r", tuple(parts), dev, links)


def brute(design: Design, metric: str, A: list[int], B: list[int]) -> tuple[float, int]:
    """(worst metric over reachable pairs, unreachable pairs) by networkx from every source."""
    n = len(design.devices)
    fwd = [design.parts[int(p)].kind == "switch" for p in design.devices.part]
    lat = [float(design.parts[int(p)].latency or 0) * 1e15 if metric == "latency" else 1.0 for p in design.devices.part]
    L = design.links
    worst, unreachable = -np.inf, 0
    for s in A:
        G = nx.DiGraph()
        G.add_nodes_from(range(n))
        for i in range(len(L)):
            x, y = int(L.a[i]), int(L.b[i])
            if x == y:
                continue
            prop = 0.0
            if metric == "latency" and L.medium[i] >= 0 and L.length_mm[i] >= 0:
                prop = float(L.length_mm[i]) * 5000.0
            for u, v in ((x, y), (y, x)):
                if (fwd[u] or u == s):
                    w = prop + (lat[v] if fwd[v] else 0.0)
                    if not G.has_edge(u, v) or G[u][v]["weight"] > w:
                        G.add_edge(u, v, weight=w)
        dist = nx.single_source_dijkstra_path_length(G, s)
        for t in B:
            if t == s:
                continue
            if t not in dist:
                unreachable += 1
                continue
            worst = max(worst, dist[t] - (lat[t] if fwd[t] else 0.0))
    return worst, unreachable


@pytest.mark.parametrize("seed", range(80))
@pytest.mark.parametrize("metric", ["latency", "hops"])
def test_worst_pair_matches_networkx(seed: int, metric: str) -> None:
    d = random_design(seed)
    rng = np.random.default_rng(seed + 1000)
    n = len(d.devices)
    A = sorted(set(rng.choice(n, size=int(rng.integers(1, n + 1))).tolist()))
    B = A if seed % 3 == 0 else sorted(set(rng.choice(n, size=int(rng.integers(1, n + 1))).tolist()))
    expect, unreachable = brute(d, metric, A, B)
    g = build_graph(d, 0, n, metric)
    w = worst_pair(g, np.array(A), np.array(B), bound=None, budget=10**6)
    assert w.exact
    assert (w.unreachable > 0) == (unreachable > 0)
    if np.isfinite(expect):
        assert w.value == pytest.approx(expect, abs=1e-3)
        # the reported pair really has that metric
        assert w.src in A and w.dst in B and w.src != w.dst
    # with a bound just below / at the worst value the verdict is right
    if np.isfinite(expect):
        below = worst_pair(g, np.array(A), np.array(B), bound=expect - 1, budget=10**6)
        assert below.value > expect - 1
        at = worst_pair(g, np.array(A), np.array(B), bound=expect, budget=10**6)
        assert at.value <= expect and at.exact


def test_big_is_larger_than_any_path() -> None:
    assert BIG > 1e12   # 1 ms in femtoseconds: far beyond any in-center path
