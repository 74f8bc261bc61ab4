"""On a generated 1k-accelerator center, the checks' graph answers equal a naive networkx
baseline written independently from the link table (benchmarks/checks.py): the exact
worst-case NPU-to-NPU latency over all pairs, the length of the worst pair's path, and the
bisection bandwidth of the NPUs' two halves (issue 6 item 6)."""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT, compile_file

sys.path.insert(0, str(ROOT / "benchmarks"))


@pytest.fixture(scope="module")
def center(tmp_path_factory):
    from centers import write_center
    spec = tmp_path_factory.mktemp("c1k") / "center.sn"
    write_center(1000, spec)
    res = compile_file(spec, run_checks=False)
    assert res.design is not None, [d.message for d in res.diagnostics]
    return res.design


@pytest.mark.slow
def test_worst_latency_and_its_path_equal_networkx_all_pairs(center) -> None:
    import checks as baseline
    from supernodec.checks.paths import path_between
    g, worst = baseline.ours_worst_latency(center)
    assert worst.exact and worst.unreachable == 0
    lat, _ = baseline.center_requires(center)
    npus = sorted(int(x) for x in lat.args[0].devices)
    assert len(npus) == 1000
    value, *_ = baseline.nx_worst_latency(center, npus)
    assert worst.value == value                               # femtoseconds, exactly
    # the reported pair really is that far apart, over a path of the same number of links
    G, extra, lat_fs, fwd = baseline.nx_latency_graph(center)
    src, dst = g.lo + worst.src, g.lo + worst.dst
    d, _t, _p = baseline.nx_eccentricity(G, extra, lat_fs, fwd, src, [dst])
    import networkx as nx
    G.add_weighted_edges_from((src, v, w) for v, w in extra[src].items())
    nx_path = nx.dijkstra_path(G, src, dst)
    assert d == value
    assert len(path_between(g, worst.src, worst.dst)) == len(nx_path)


def test_bisection_equals_networkx_max_flow(center) -> None:
    import checks as baseline
    from supernodec.checks.bandwidth import halves
    _, bis = baseline.center_requires(center)
    _, a, b = halves(bis)
    assert baseline.ours_bisection(center) == baseline.nx_bisection(center, a.tolist(), b.tolist())
