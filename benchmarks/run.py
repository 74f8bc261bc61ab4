"""The scale ladder: the real CLI on generated centers, with two baselines (issue 6).

    python benchmarks/run.py [--sizes 1k,10k,100k,200k,524k,1M] [--no-baselines] [--json FILE]

For each size `centers.py` writes the spec into `benchmarks/.work/` (gitignored), then,
each in a fresh process group that is killed when it ends or times out:

- `supernodec check center.sn --timings -q` and `supernodec build center.sn -o out
  --timings -q`: wall time (interpreter start included) and the per-phase times and
  peak RSS the CLI prints (parse+resolve, elaborate, checks, emit, write);
- baseline (a), up to `--baseline-max` accelerators: the same latency and bisection
  questions answered naively with networkx on the same graph (`benchmarks/checks.py`:
  all pairs where it is small, else sampled sources extrapolated to all, marked `~`);
  the ratio is networkx time / supernodec time for latency + bisection together;
- baseline (b): netlab (`benchmarks/.venv-netlab`, `pip install networklab`), `netlab
  create` on the center's scale-out fabric (leaf, spine and core switches and every
  link between them; the NPUs are left out, netlab cannot take that many nodes), for
  the sizes it takes; the ratio is netlab's time / supernodec's whole build.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from _proc import run_group  # noqa: E402

LADDER = ("1k", "10k", "100k", "200k", "524288", "1M")
NETLAB = HERE / ".venv-netlab" / "bin" / "netlab"
NETLAB_MAX_NODES = 600   # netlab's defaults run out of node ids past ~150 nodes; it takes minutes to fail at 4k
PHASES = ("parse+resolve", "elaborate", "checks", "emit", "write")


def parse_size(s: str) -> int:
    s = s.strip().lower().replace("_", "").replace(",", "")
    mult = {"k": 1_000, "m": 1_000_000}.get(s[-1:], 1)
    return int(float(s[:-1] if s[-1:] in "km" else s) * mult)


def parse_timings(stderr: str) -> dict:
    """The `--timings` report: {phase: seconds}, {phase: peak MB}, sub-steps as 'phase/name'."""
    times: dict[str, float] = {}
    peaks: dict[str, float] = {}
    phase = None
    for line in stderr.splitlines():
        m = re.match(r"^  (\S+)\s+([\d.]+) s(?:\s+peak RSS\s+([\d.]+) MB)?$", line)
        if m:
            phase = m.group(1)
            times[phase] = float(m.group(2))
            if m.group(3):
                peaks[phase] = float(m.group(3))
            continue
        m = re.match(r"^    (\S+)\s+([\d.]+) s$", line)
        if m and phase:
            times[f"{phase}/{m.group(1)}"] = float(m.group(2))
    return {"times": times, "peaks": peaks}


def supernodec(cmd: str, spec: Path, timeout: float) -> dict:
    argv = [sys.executable, "-m", "supernodec", cmd, spec.name, "--timings", "-q"]
    if cmd == "build":
        argv += ["-o", "out"]
    code, wall, _out, err = run_group(argv, spec.parent, timeout)
    row = {"exit": code, "wall_s": wall, **parse_timings(err)}
    if code not in (0, 1):
        row["error"] = err[-1500:] if code is not None else f"timed out after {timeout:.0f} s"
    return row


# ---------------------------------------------------------------- baselines
def networkx_baseline(size: int, work: Path) -> dict:
    """Baseline (a) through benchmarks/checks.py (the checks issue's networkx baseline)."""
    try:
        import checks as checks_bench
    except ImportError as e:
        return {"error": f"benchmarks/checks.py not importable: {e}"}
    ns = argparse.Namespace(all_pairs=1500, sources=8, max_flow_links=300_000, baseline_max=size)
    try:
        return checks_bench.bench(size, work, ns)
    except Exception as e:  # noqa: BLE001 - a failed baseline is reported, not fatal
        return {"error": f"{type(e).__name__}: {str(e)[-500:]}"}


def netlab_topology(size: int) -> tuple[str, int, int]:
    """netlab YAML for the center's scale-out switch fabric: (text, nodes, links)."""
    from centers import plan
    p = plan(size)
    h = p.radix.half
    nodes: list[str] = []
    links: list[str] = []
    pods = [(f"p{k}", p.full_pod) for k in range(p.full_pods)] + ([("t", p.tail)] if p.tail else [])
    cores = [[f"c{j}x{c}" for c in range(p.cores)] for j in range(p.planes)]
    for name, pod in pods:
        leaves = [f"{name}l{i}" for i in range(8 * pod.lpr)]
        spines = [f"{name}s{j}" for j in range(8 * pod.lpr)]
        nodes += leaves + spines
        for lf in leaves:
            for k in range(h):
                links.append(f"{lf}-{spines[k % len(spines)]}")
        for j, sp in enumerate(spines):
            for k in range(h):
                links.append(f"{sp}-{cores[j][k % p.cores]}")
    nodes += [c for plane in cores for c in plane]
    text = ("provider: clab\ndefaults.device: frr\n"
            "nodes: [ " + ", ".join(nodes) + " ]\nlinks:\n" + "".join(f"- {x}\n" for x in links))
    return text, len(nodes), len(links)


def netlab_baseline(size: int, work: Path, timeout: float) -> dict:
    if not NETLAB.exists():
        return {"error": "benchmarks/.venv-netlab missing: python3 -m venv benchmarks/.venv-netlab && "
                         "benchmarks/.venv-netlab/bin/pip install networklab"}
    text, n_nodes, n_links = netlab_topology(size)
    if n_nodes > NETLAB_MAX_NODES:
        return {"nodes": n_nodes, "links": n_links, "exit": None,
                "error": f"not attempted: above {NETLAB_MAX_NODES} nodes (it failed at 512 nodes here)"}
    d = work / f"netlab-{size}"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    (d / "topology.yml").write_text(text, encoding="utf-8")
    code, wall, out, err = run_group([str(NETLAB), "create", "topology.yml"], d, timeout)
    row = {"nodes": n_nodes, "links": n_links, "wall_s": wall, "exit": code}
    if code != 0:
        msg = (err + out).strip().splitlines()
        row["error"] = ("timed out" if code is None else (msg[-1] if msg else f"exit {code}"))[:200]
    shutil.rmtree(d, ignore_errors=True)
    return row


# ---------------------------------------------------------------- table
def _s(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.2f} s" if x < 100 else f"{x:.0f} s"


def _row(r: dict) -> str:
    b, c = r["build"], r["check"]
    t = b.get("times", {})
    phases = " | ".join(_s(t.get(p)) for p in ("parse+resolve", "elaborate", "checks", "emit"))
    status = "" if b.get("exit") in (0, 1) else f" ({str(b.get('error', 'failed'))[:60]})"
    cells = [f"{r['accelerators']:,}", f"{r['links']:,}", phases, _s(b.get("wall_s")) + status,
             _gb(b.get("peaks", {}).get("total")), f"{_s(c['wall_s'])}, {_gb(c.get('peaks', {}).get('total'))}",
             _nx_cell(r.get("networkx")), _netlab_cell(r.get("netlab"), b)]
    return "| " + " | ".join(cells) + " |"


def _gb(mb: float | None) -> str:
    return "-" if not mb else f"{mb / 1024:.2f} GB"


def _nx_cell(nx: dict | None) -> str:
    if nx is None:
        return "not run"
    if "error" in nx:
        return f"failed: {nx['error'][:60]}"
    ours = nx["latency_exact_s"] + nx["bisection_s"]
    lat = nx["nx_latency_s"]
    bis = nx.get("nx_bisection_s")
    mark = "" if nx.get("nx_all_pairs") else "~"
    theirs = lat + (bis or 0)
    return (f"{mark}{theirs / ours:,.0f}x (nx {mark}{_s(lat)} latency{', ' + _s(bis) + ' bisection' if bis else ', no max-flow'}; "
            f"ours {_s(ours)})")


def _netlab_cell(nl: dict | None, build: dict) -> str:
    if nl is None:
        return "not run"
    if nl.get("exit") != 0 or not build.get("wall_s"):
        return f"fails ({nl['nodes']} nodes, {nl['links']:,} links): {nl.get('error', '')[:70]}"
    return f"{nl['wall_s'] / build['wall_s']:.1f}x ({_s(nl['wall_s'])}, {nl['nodes']} nodes, {nl['links']:,} links)"


def table(rows: list[dict]) -> str:
    head = ("| accelerators | links | parse | elaborate | checks | emit | build total (wall) | build peak RSS "
            "| check (wall, peak RSS) | latency+bisection vs networkx | netlab create vs build |")
    return "\n".join([head, "|" + " --- |" * (head.count("|") - 1)] + [_row(r) for r in rows])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=",".join(LADDER), help="comma-separated, e.g. 1k,10k,1M")
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--baseline-max", type=parse_size, default=100_000,
                    help="largest size for the networkx baseline (it holds the whole graph in Python)")
    ap.add_argument("--netlab-timeout", type=float, default=300)
    ap.add_argument("--timeout", type=float, default=3600, help="per CLI run")
    ap.add_argument("--work", type=Path, default=HERE / ".work")
    ap.add_argument("--json", type=Path, help="also write the raw measurements")
    ap.add_argument("--skip-build", action="store_true", help="check only")
    args = ap.parse_args(argv)
    from centers import write_center
    rows = []
    for size in (parse_size(s) for s in args.sizes.split(",") if s.strip()):
        spec = args.work / f"c{size}" / "center.sn"
        plan = write_center(size, spec)
        row: dict = {"accelerators": plan.accelerators, "spec_bytes": spec.stat().st_size}
        row["check"] = supernodec("check", spec, args.timeout)
        row["build"] = (supernodec("build", spec, args.timeout) if not args.skip_build
                        else {"wall_s": None, "times": {}, "peaks": {}, "exit": None})
        shutil.rmtree(spec.parent / "out", ignore_errors=True)
        row["links"] = _links(plan)
        if not args.no_baselines:
            if size <= args.baseline_max:
                row["networkx"] = networkx_baseline(size, args.work)
            row["netlab"] = netlab_baseline(size, args.work, args.netlab_timeout)
        rows.append(row)
        print(f"{size:,}: check {_s(row['check']['wall_s'])}, build {_s(row['build']['wall_s'])}", file=sys.stderr, flush=True)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(table(rows))
    print("\nwall times include interpreter start; phases from `--timings`; peak RSS is the process high-water mark; "
          "`~` marks a networkx time extrapolated from sampled sources; netlab gets only the switch fabric.")
    return 0


def _links(plan) -> int:  # type: ignore[no-untyped-def]
    """Links of a generated center from its plan: 7 NPU-L1 per NPU, 16 L1-L2 per L1 chip
    (7 per node), one NPU-leaf per NPU, and every leaf and spine uplink."""
    npus = plan.accelerators
    return npus * 7 + npus // 8 * 7 * 16 + npus + 2 * sum(8 * pod.lpr for _n, pod in _pods(plan)) * plan.radix.half


def _pods(plan):  # type: ignore[no-untyped-def]
    from centers import _pods as pods
    return pods(plan)


if __name__ == "__main__":
    raise SystemExit(main())
