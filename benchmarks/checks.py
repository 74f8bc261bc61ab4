"""Time and peak memory of all checks on generated centers, against a naive networkx baseline.

    python benchmarks/checks.py [--sizes 1000,10000,100000] [--sources 8] [--json out.json]

For each size `centers.py` writes the spec; fresh interpreters then

1. elaborate it (not timed here; see parse_elaborate.py) and pickle the design;
2. run every registered check (`supernodec.checks.load_all`), timing each, and the peak
   RSS above the loaded design; then the exact worst-case NPU-to-NPU latency of the
   center (`paths.worst_pair` without a bound, what the latency check refines to when a
   bound fails) and the bisection max-flow of the center's NPUs (`flow.max_flow`);
3. run the naive baseline on the same graph with networkx, written independently from
   the link table: one Dijkstra per NPU (all pairs where there are at most
   `--all-pairs` NPUs, else `--sources` sampled NPUs and the time extrapolated to all),
   and `networkx.maximum_flow_value` for the bisection (up to `--max-flow-links` links).

It prints one table with the ratios baseline / supernodec. The functions `nx_*` are also
used by tests/test_checks_baseline.py to check the results agree exactly on a 1k center.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _proc import peak_rss_mb, run_json_child  # noqa: E402

DEFAULT_SIZES = (1_000, 10_000, 100_000)
FORWARDING = ("switch", "nic")


# ----------------------------------------------------------------------------- baseline
def _rss_mb() -> float:
    """The current resident set (the baseline's growth is measured from here)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return peak_rss_mb()


def nx_latency_graph(design):  # noqa: ANN001, ANN201
    """The center as a networkx DiGraph: arcs leave switches/NICs only; an arc u->v costs
    the cable's propagation (femtoseconds) plus v's latency when v is a switch or NIC."""
    import networkx as nx
    parts = design.parts
    kind = [parts[int(p)].kind for p in design.devices.part]
    fwd = [k in FORWARDING for k in kind]
    lat = [int(round((parts[int(p)].latency or 0) * 10**15)) if f else 0 for p, f in zip(design.devices.part, fwd)]
    L = design.links
    G = nx.DiGraph()
    G.add_nodes_from(range(len(design.devices)))
    out_of_endpoint: dict[int, dict[int, int]] = {}
    for a, b, m, mm in zip(L.a.tolist(), L.b.tolist(), L.medium.tolist(), L.length_mm.tolist()):
        if a == b:
            continue
        delay = parts[m].delay if m >= 0 else None
        prop = int(round(mm * delay * 10**12)) if (delay is not None and mm >= 0) else 0
        for u, v in ((a, b), (b, a)):
            w = prop + lat[v]
            if fwd[u]:
                if not G.has_edge(u, v) or G[u][v]["weight"] > w:
                    G.add_edge(u, v, weight=w)
            else:
                arcs = out_of_endpoint.setdefault(u, {})
                arcs[v] = min(w, arcs.get(v, w))
    return G, out_of_endpoint, lat, fwd


def nx_eccentricity(G, out_of_endpoint, lat, fwd, source: int, targets: list[int]):  # noqa: ANN001, ANN201
    """(worst latency in fs, farthest target, its path) from one source, by networkx Dijkstra."""
    import networkx as nx
    added = [(source, v, w) for v, w in out_of_endpoint.get(source, {}).items()]
    G.add_weighted_edges_from(added)
    try:
        dist, paths = nx.single_source_dijkstra(G, source)
    finally:
        G.remove_edges_from([(u, v) for u, v, _ in added])
    best = (-1, -1, [])
    for t in targets:
        if t == source or t not in dist:
            continue
        d = dist[t] - (lat[t] if fwd[t] else 0)
        if d > best[0] or (d == best[0] and t < best[1]):
            best = (d, t, paths[t])
    return best


def nx_worst_latency(design, nodes: list[int], sources: list[int] | None = None):  # noqa: ANN001, ANN201
    """Worst latency (fs) over pairs of `nodes` from each of `sources` (all by default):
    (value, source, target, path, seconds per source)."""
    G, extra, lat, fwd = nx_latency_graph(design)
    worst = (-1, -1, -1, [])
    t0 = time.perf_counter()
    srcs = nodes if sources is None else sources
    for s in srcs:
        d, t, path = nx_eccentricity(G, extra, lat, fwd, s, nodes)
        if d > worst[0]:
            worst = (d, s, t, path)
    return (*worst, (time.perf_counter() - t0) / max(len(srcs), 1))


def nx_bisection(design, side_a: list[int], side_b: list[int]) -> int:  # noqa: ANN001
    """Max flow from side A to side B (bit/s per direction), by networkx; endpoints
    other than the sides do not forward."""
    import networkx as nx
    L = design.links
    kind = [design.parts[int(p)].kind for p in design.devices.part]
    A, B = set(side_a), set(side_b)
    G = nx.DiGraph()
    per_cable: dict[int, int] = {}
    for c in L.cable.tolist():
        if c >= 0:
            per_cable[c] = per_cable.get(c, 0) + 1
    for k, (a, b) in enumerate(zip(L.a.tolist(), L.b.tolist())):
        if a == b:
            continue
        cap = _capacity_fast(design, k, per_cable)
        for u, v in ((a, b), (b, a)):
            if (kind[u] in FORWARDING or u in A) and (kind[v] in FORWARDING or v in B) and u not in B and v not in A:
                G.add_edge(u, v, capacity=G[u][v]["capacity"] + cap if G.has_edge(u, v) else cap)
    for a in A:
        G.add_edge("S", a)          # no capacity attribute: unbounded
    for b in B:
        G.add_edge(b, "T")
    return int(nx.maximum_flow_value(G, "S", "T"))


def _capacity_fast(design, k: int, per_cable: dict[int, int]) -> int:  # noqa: ANN001
    L, parts = design.links, design.devices.part
    rates = []
    for dev, port in ((L.a, L.a_port), (L.b, L.b_port)):
        g, _ = design.parts[int(parts[dev[k]])].port_group_of(int(port[k]))
        rates.append(int(g.rate) * min(int(L.lanes[k]), g.lanes) // max(g.lanes, 1))
    cap = min(rates)
    m = int(L.medium[k])
    if m >= 0 and design.parts[m].rate is not None:
        cap = min(cap, int(design.parts[m].rate) // (per_cable.get(int(L.cable[k]), 1) if L.cable[k] >= 0 else 1))
    return cap


# ----------------------------------------------------------------------------- ours
def center_requires(design):  # noqa: ANN001, ANN201
    """The center-level `latency` and `bisection` requires (scope "")."""
    lat = next(r for r in design.requires if r.func == "latency" and r.scope == "")
    bis = next(r for r in design.requires if r.func == "bisection" and r.scope == "")
    return lat, bis


def ours_worst_latency(design):  # noqa: ANN001, ANN201
    from supernodec.checks.latency import evaluate
    lat, _ = center_requires(design)
    g, w = evaluate(design, lat, bound=None, budget=10**9)
    return g, w


def ours_bisection(design) -> int:  # noqa: ANN001
    from supernodec.checks.bandwidth import halves
    from supernodec.checks.flow import max_flow
    _, bis = center_requires(design)
    _, a, b = halves(bis)
    return max_flow(design, 0, len(design.devices), a, b).value


# ----------------------------------------------------------------------------- children
def child_elaborate(spec: str, out: str) -> None:
    from supernodec.driver import Options, compile_spec
    from supernodec.loader import FileLoader
    res = compile_spec(spec, FileLoader([]), Options(run_checks=False))
    assert res.design is not None, [d.message for d in res.diagnostics]
    with open(out, "wb") as f:
        pickle.dump(res.design, f, protocol=5)


def child_checks(pkl: str) -> dict:
    with open(pkl, "rb") as f:
        design = pickle.load(f)
    base = _rss_mb()
    from supernodec.checks import load_all
    out: dict = {"devices": len(design.devices), "links": len(design.links), "checks": {}, "diagnostics": []}
    t0 = time.perf_counter()
    for name, fn in load_all().items():
        t = time.perf_counter()
        diags = fn(design)
        out["checks"][name] = time.perf_counter() - t
        out["diagnostics"] += [f"{d.code} {d.message}" for d in diags]
    out["all_checks_s"] = time.perf_counter() - t0
    out["checks_peak_mb"] = peak_rss_mb() - base
    t = time.perf_counter()
    g, w = ours_worst_latency(design)
    out["latency_exact_s"] = time.perf_counter() - t
    out["latency_exact_fs"], out["latency_searches"] = w.value, w.searches
    t = time.perf_counter()
    out["bisection_bps"] = ours_bisection(design)
    out["bisection_s"] = time.perf_counter() - t
    out["peak_mb"] = peak_rss_mb() - base
    return out


def child_baseline(pkl: str, all_pairs: int, sources: int, max_flow_links: int) -> dict:
    import random
    with open(pkl, "rb") as f:
        design = pickle.load(f)
    base = _rss_mb()
    lat, bis = center_requires(design)
    npus = sorted(int(x) for x in lat.args[0].devices)
    out: dict = {"npus": len(npus)}
    t = time.perf_counter()
    nx_latency_graph(design)
    out["nx_build_s"] = time.perf_counter() - t
    sample = npus if len(npus) <= all_pairs else sorted(random.Random(0).sample(npus, sources))
    value, _s, _t, _path, per_source = nx_worst_latency(design, npus, sample)
    out.update(nx_latency_sampled_fs=value, nx_sources=len(sample), nx_per_source_s=per_source,
               nx_latency_s=per_source * len(npus) + out["nx_build_s"], nx_all_pairs=len(sample) == len(npus))
    if len(design.links) <= max_flow_links:
        from supernodec.checks.bandwidth import halves
        _, a, b = halves(bis)
        t = time.perf_counter()
        out["nx_bisection_bps"] = nx_bisection(design, a.tolist(), b.tolist())
        out["nx_bisection_s"] = time.perf_counter() - t
    out["nx_peak_mb"] = peak_rss_mb() - base
    return out


def _run_child(*args: str) -> dict:
    return run_json_child([sys.executable, __file__, *args], what=f"checks.py {args[0]}")


# ----------------------------------------------------------------------------- main
def bench(size: int, tmp: Path, args: argparse.Namespace) -> dict:
    from centers import write_center
    spec = tmp / f"c{size}" / "center.sn"
    plan = write_center(size, spec)
    pkl = tmp / f"c{size}.pkl"
    _run_child("--child-elaborate", str(spec), str(pkl))
    row = {"accelerators": plan.accelerators}
    row.update(_run_child("--child-checks", str(pkl)))
    if plan.accelerators <= args.baseline_max:
        row.update(_run_child("--child-baseline", str(pkl), str(args.all_pairs), str(args.sources), str(args.max_flow_links)))
    pkl.unlink()
    return row


def _fmt(x: float | None, unit: str = "s") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:,.2f} {unit}" if x < 100 else f"{x:,.0f} {unit}"


def _ratio(theirs: float | None, ours: float) -> str:
    return f"{theirs / ours:,.0f}x" if theirs else "-"


def table(rows: list[dict]) -> str:
    head = ("| accelerators | devices | links | all checks | peak MB | worst latency exact | networkx latency "
            "| ratio | bisection | networkx bisection | ratio |")
    lines = [head, "|" + " --- |" * 11]
    for r in rows:
        nx_lat = r.get("nx_latency_s")
        how = ("all pairs" if r["nx_all_pairs"] else f"{r['nx_sources']} sources, extrapolated") if nx_lat else "not run"
        nxb = r.get("nx_bisection_s")
        lines.append(
            f"| {r['accelerators']:,} | {r['devices']:,} | {r['links']:,} | {_fmt(r['all_checks_s'])} | "
            f"{r['checks_peak_mb']:,.0f} | {_fmt(r['latency_exact_s'])} ({r['latency_searches']} searches) | "
            f"{_fmt(nx_lat)} ({how}) | {_ratio(nx_lat, r['latency_exact_s'])} | {_fmt(r['bisection_s'])} | "
            f"{_fmt(nxb) if nxb else 'not attempted'} | {_ratio(nxb, r['bisection_s'])} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES))
    ap.add_argument("--sources", type=int, default=8, help="sampled networkx sources when all pairs is too slow")
    ap.add_argument("--all-pairs", type=int, default=1500, help="networkx runs all pairs up to this many NPUs")
    ap.add_argument("--max-flow-links", type=int, default=300_000, help="networkx max-flow up to this many links")
    ap.add_argument("--baseline-max", type=int, default=200_000, help="no networkx baseline above this many accelerators")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--child-elaborate", nargs=2)
    ap.add_argument("--child-checks")
    ap.add_argument("--child-baseline", nargs=4)
    args = ap.parse_args(argv)
    if args.child_elaborate:
        child_elaborate(*args.child_elaborate)
        return 0
    if args.child_checks:
        print(json.dumps(child_checks(args.child_checks)))
        return 0
    if args.child_baseline:
        p, ap_, s, m = args.child_baseline
        print(json.dumps(child_baseline(p, int(ap_), int(s), int(m))))
        return 0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(float(x)) for x in args.sizes.split(",")):
            row = bench(size, Path(tmp), args)
            rows.append(row)
            print(f"{size:,}: checks {row['all_checks_s']:.2f} s, exact latency {row['latency_exact_fs'] / 1e6:.3f} ns, "
                  f"networkx {row.get('nx_latency_s', float('nan')):.1f} s", file=sys.stderr, flush=True)
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
