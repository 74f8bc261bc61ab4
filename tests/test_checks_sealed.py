"""Center-wide latency and bisection leave out the switches of sealed supernodes (whose
switches link only inside the supernode). On random designs with sealed and unsealed
supernodes, the answers equal the whole graph's: the worst pair's value (and the pair
really is that far apart, by networkx), unreachability, the max-flow value and its cut."""

from __future__ import annotations

from fractions import Fraction

import networkx as nx
import numpy as np
import pytest

from supernodec.checks import flow as flow_mod
from supernodec.checks.latency import evaluate
from supernodec.checks.paths import build_graph, worst_pair
from supernodec.ir.model import Design, Devices, Links, Part, PortGroup, Require, Selector, Supernode

GBPS = 10**9


def _parts() -> tuple[Part, ...]:
    sw = [Part(f"t.S{i}", "switch", latency=Fraction(ns, 10**9),
               ports=(PortGroup("p", 64, Fraction(rate * GBPS), "Ethernet"),))
          for i, (ns, rate) in enumerate(((100, 400), (250, 200), (700, 800)))]
    ep = Part("t.E", "accelerator", ports=(PortGroup("p", 64, Fraction(400 * GBPS), "Ethernet"),))
    optic = Part("t.O", "optic", rate=Fraction(800 * GBPS), reach=Fraction(500), delay=Fraction(5, 10**9))
    return tuple(sw) + (ep, optic)


def sealed_design(seed: int) -> Design:
    """Supernodes of endpoints and switches, some with a switch linked outside (unsealed),
    and outside switches; endpoints attach inside, outside, or both."""
    rng = np.random.default_rng(seed)
    kinds: list[int] = []
    sns: list[Supernode] = []
    a: list[int] = []
    b: list[int] = []
    length: list[int] = []

    def link(x: int, y: int, lo: int = 500, hi: int = 80000) -> None:
        a.append(x); b.append(y); length.append(int(rng.integers(lo, hi)))

    n_out = int(rng.integers(1, 4))
    outside = list(range(n_out))
    kinds += [int(rng.integers(0, 3)) for _ in outside]
    for x in range(n_out - 1):
        link(x, x + 1)
    inner_switches: list[list[int]] = []
    for s in range(int(rng.integers(2, 5))):
        first = len(kinds)
        n_sw, n_ep = int(rng.integers(1, 4)), int(rng.integers(1, 5))
        kinds += [int(rng.integers(0, 3)) for _ in range(n_sw)] + [3] * n_ep
        sws, eps = list(range(first, first + n_sw)), list(range(first + n_sw, first + n_sw + n_ep))
        for _ in range(int(rng.integers(0, 2 * n_sw))):
            link(int(rng.choice(sws)), int(rng.choice(sws)))
        for e in eps:
            r = rng.random()
            if r < 0.8:
                link(e, int(rng.choice(sws)), 500, 5000)
            if r > 0.2 or rng.random() < 0.3:
                link(e, int(rng.choice(outside)))
        if rng.random() < 0.3:                        # unsealed: a switch linked outside
            link(int(rng.choice(sws)), int(rng.choice(outside)))
        sns.append(Supernode(f"sn[{s}]", "T", first, len(kinds)))
        inner_switches.append(sws)
    n, m = len(kinds), len(a)
    supernode = np.full(n, -1, np.int32)
    for k, s in enumerate(sns):
        supernode[s.first_device:s.end_device] = k
    port = np.arange(m, dtype=np.int32) % 64
    links = Links(np.array(a, np.int32), port, np.array(b, np.int32), port, np.full(m, 4, np.int32),
                  np.ones(m, np.int16), np.arange(m, dtype=np.int32), np.zeros(m, np.int32), np.array(length, np.int32))
    dev = Devices(tuple(f"d{i}" for i in range(n)), tuple("x" for _ in range(n)), np.array(kinds, np.int32),
                  np.full(n, -1, np.int32), np.full(n, -1, np.int16), supernode)
    return Design("s", _parts(), dev, links, supernodes=tuple(sns))


def _require(ids: list[int], bound: Fraction | None) -> Require:
    sel = Selector("ep", np.array(ids, np.int32))
    return Require("latency", (sel, sel), "<=", bound, "")


def _endpoints(d: Design) -> list[int]:
    return [i for i, p in enumerate(d.devices.part.tolist()) if p == 3]


def _nx_distance(d: Design, s: int, t: int) -> float:
    """Latency in fs from s to t through switches only, by networkx."""
    fwd = [d.parts[int(p)].kind == "switch" for p in d.devices.part]
    lat = [float(d.parts[int(p)].latency or 0) * 1e15 for p in d.devices.part]
    G = nx.DiGraph()
    L = d.links
    for i in range(len(L)):
        x, y = int(L.a[i]), int(L.b[i])
        for u, v in ((x, y), (y, x)):
            if u != v and (fwd[u] or u == s):
                w = float(L.length_mm[i]) * 5000.0 + (lat[v] if fwd[v] else 0.0)
                if not G.has_edge(u, v) or G[u][v]["weight"] > w:
                    G.add_edge(u, v, weight=w)
    return nx.dijkstra_path_length(G, s, t)


@pytest.mark.parametrize("seed", range(150))
def test_latency_without_sealed_switches_equals_whole_graph(seed: int) -> None:
    d = sealed_design(seed)
    eps = _endpoints(d)
    full = worst_pair(build_graph(d, 0, len(d.devices), "latency"), np.array(eps), np.array(eps), bound=None, budget=10**6)
    _, w = evaluate(d, _require(eps, None), bound=None, budget=10**6)
    assert (w.unreachable > 0) == (full.unreachable > 0)
    assert w.value == full.value
    if np.isfinite(w.value) and not w.unreachable:
        assert _nx_distance(d, w.src, w.dst) == pytest.approx(w.value, abs=1e-3)
        for bound in (w.value - 1, w.value):              # the verdict with a bound
            _, wb = evaluate(d, _require(eps, None), bound=bound, budget=10**6)
            assert (wb.value > bound) == (full.value > bound)


def test_worst_pair_inside_a_sealed_supernode_is_searched_again() -> None:
    """e0, e1 share a sealed supernode's switch 1 m away but meet outside only over 80 m
    cables; e2 (another supernode) is 10 m from the outside switch. Without the sealed
    switch the worst pair would be (e0, e1); with it, it is e0 or e1 with e2."""
    parts = _parts()
    # devices: 0 outside switch; sn0: 1 switch, 2 e0, 3 e1; sn1: 4 e2
    a, b, mm = [2, 3, 2, 3, 4], [1, 1, 0, 0, 0], [1000, 1000, 80000, 80000, 10000]
    m = len(a)
    port = np.arange(m, dtype=np.int32)
    links = Links(np.array(a, np.int32), port, np.array(b, np.int32), port, np.full(m, 4, np.int32),
                  np.ones(m, np.int16), np.arange(m, dtype=np.int32), np.zeros(m, np.int32), np.array(mm, np.int32))
    dev = Devices(tuple(f"d{i}" for i in range(5)), ("x",) * 5, np.array([0, 0, 3, 3, 3], np.int32),
                  np.full(5, -1, np.int32), np.full(5, -1, np.int16), np.array([-1, 0, 0, 0, 1], np.int32))
    d = Design("s", parts, dev, links, supernodes=(Supernode("sn[0]", "T", 1, 4), Supernode("sn[1]", "T", 4, 5)))
    _, w = evaluate(d, _require([2, 3, 4], None), bound=None)
    # e0 -> switch 0 (100 ns) -> e2: 80 m + 10 m at 5 ns/m = 450 ns, + 100 ns
    assert w.value == (80 + 10) * 5 * 10**6 + 100 * 10**6
    assert {w.src, w.dst} in ({2, 4}, {3, 4})


def _flow_design(seed: int) -> tuple[Design, np.ndarray, np.ndarray]:
    d = sealed_design(seed)
    rng = np.random.default_rng(seed + 7)
    eps = np.array(_endpoints(d))
    rng.shuffle(eps)
    half = eps.size // 2 if eps.size > 1 else 1
    side_a = np.sort(eps[:half])
    side_b = np.sort(eps[half:]) if eps.size > 1 else np.zeros(0, np.int64)
    return d, side_a, side_b


@pytest.mark.parametrize("seed", range(150))
def test_bisection_without_dead_end_switches_equals_whole_graph(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    d, side_a, side_b = _flow_design(seed)
    if side_b.size == 0:
        return
    got = flow_mod.max_flow(d, 0, len(d.devices), side_a, side_b, cut=True)
    monkeypatch.setattr(flow_mod, "_dead_end", lambda design, lo, lid, in_a, in_b: np.zeros(lid.size, bool))
    whole = flow_mod.max_flow(d, 0, len(d.devices), side_a, side_b, cut=True)
    assert got.value == whole.value
    assert got.cut_links.tolist() == whole.cut_links.tolist()
    assert (got.saturated_a, got.saturated_b) == (whole.saturated_a, whole.saturated_b)
