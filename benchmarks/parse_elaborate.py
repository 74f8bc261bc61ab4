"""Parse and elaborate time and peak memory on generated centers (issue 2, must-show 7).

    python benchmarks/parse_elaborate.py [--sizes 1000,10000,100000] [--repeat 5]

For each size, `centers.py` writes the spec; a fresh interpreter per size then measures:

- read: reading every file of the program (root spec and its imports) from disk and
  decoding it, best of `--repeat`;
- parse: `resolve_program` (read, lex, parse and lower to the AST, for every module),
  best of `--repeat` after one warm-up that loads the grammar (its time is shown apart);
- elaborate: `elaborate_program` (templates, patterns, placement, floor, `medium auto`);
- peak RSS after each phase (`ru_maxrss`, monotonic) and, in a second fresh interpreter
  run under `tracemalloc`, the peak of Python allocations of each phase.

It prints one table with the parse throughput against simply reading the same bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _proc import peak_rss_mb, run_json_child  # noqa: E402

DEFAULT_SIZES = (1_000, 10_000, 100_000)


def _read_all(paths: list[Path]) -> int:
    n = 0
    for p in paths:
        n += len(p.read_bytes().decode("utf-8"))
    return n


def measure(spec: Path, repeat: int, trace: bool) -> dict:
    """Run in the child interpreter: time and memory of read, parse and elaborate."""
    import tracemalloc
    if trace:
        tracemalloc.start()
    from supernodec.elaborate import elaborate_program
    from supernodec.loader import FileLoader
    from supernodec.resolve import resolve_program
    out: dict = {"rss_start_mb": peak_rss_mb()}
    loader = FileLoader([])
    t = time.perf_counter()
    prog, diags = resolve_program(str(spec), loader)
    out["first_parse_s"] = time.perf_counter() - t
    assert prog is not None and not any(d.is_error for d in diags), [d.message for d in diags]
    files = [loader.real(p).resolve() for p in prog.sources]
    out["bytes"] = sum(f.stat().st_size for f in files)
    out["lines"] = sum(len(s.text.splitlines()) for s in prog.sources.values())
    out["read_s"] = min(_timed(lambda: _read_all(files)) for _ in range(max(repeat * 20, 20)))
    if trace:
        tracemalloc.reset_peak()
    parse = []
    for _ in range(repeat):
        t = time.perf_counter()
        prog, diags = resolve_program(str(spec), FileLoader([]))
        parse.append(time.perf_counter() - t)
    out["parse_s"] = min(parse)
    out["rss_parse_mb"] = peak_rss_mb()
    if trace:
        out["py_peak_parse_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.reset_peak()
    t = time.perf_counter()
    design, ediags = elaborate_program(prog)
    out["elaborate_s"] = time.perf_counter() - t
    assert design is not None, [d.message for d in ediags if d.is_error][:3]
    out["rss_elaborate_mb"] = peak_rss_mb()
    if trace:
        out["py_peak_elaborate_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    out["devices"] = len(design.devices)
    out["links"] = len(design.links)
    out["accelerators"] = int(sum(1 for r in design.devices.role if r == "npu"))
    return out


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run_child(spec: Path, repeat: int, trace: bool, timeout: float) -> dict:
    """One fresh interpreter per measurement, in its own process group, always reaped."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(spec), "--repeat", str(repeat)]
    if trace:
        cmd.append("--trace")
    return run_json_child(cmd, timeout, f"measurement of {spec}")


def table(rows: list[dict]) -> str:
    head = ("| accelerators | spec (files) | read | parse | parse vs read | parse throughput | grammar+first parse "
            "| elaborate | devices | links | peak RSS parse / elaborate | Python peak parse / elaborate |")
    lines = [head, "|" + " --- |" * (head.count("|") - 1)]
    for r in rows:
        ratio = r["parse_s"] / r["read_s"] if r["read_s"] else float("inf")
        lines.append(
            f"| {r['accelerators']:,} | {r['bytes'] / 1024:.1f} KB, {r['lines']:,} lines | {r['read_s'] * 1e6:.0f} us "
            f"| {r['parse_s'] * 1000:.1f} ms | {ratio:,.0f}x slower | {r['bytes'] / r['parse_s'] / 2**20:.2f} MB/s, "
            f"{r['lines'] / r['parse_s']:,.0f} lines/s | {r['first_parse_s'] * 1000:.0f} ms | {r['elaborate_s']:.2f} s "
            f"| {r['devices']:,} | {r['links']:,} | {r['rss_parse_mb']:.0f} / {r['rss_elaborate_mb']:.0f} MB "
            f"| {r.get('py_peak_parse_mb', float('nan')):.1f} / {r.get('py_peak_elaborate_mb', float('nan')):.0f} MB |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="parse and elaborate time and memory on generated centers")
    ap.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-trace", action="store_true", help="skip the tracemalloc run")
    ap.add_argument("--timeout", type=float, default=1200)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child, args.repeat, args.trace)))
        return 0
    from centers import write_center
    rows = []
    with tempfile.TemporaryDirectory(prefix="sn-parse-") as tmp:
        for size in (int(float(s)) for s in args.sizes.split(",") if s.strip()):
            spec = Path(tmp) / f"c{size}" / "center.sn"
            write_center(size, spec)
            row = run_child(spec, args.repeat, False, args.timeout)
            if not args.no_trace:
                traced = run_child(spec, 1, True, args.timeout)
                row["py_peak_parse_mb"] = traced["py_peak_parse_mb"]
                row["py_peak_elaborate_mb"] = traced["py_peak_elaborate_mb"]
            rows.append(row)
            print(f"{size:,}: parse {row['parse_s'] * 1000:.1f} ms, elaborate {row['elaborate_s']:.2f} s", file=sys.stderr)
    print(table(rows))
    print("\nread: all files of the program (spec + imported catalogs), best of many; parse: resolve_program "
          "(read + lex + parse + lower, every module), best of --repeat after a warm-up; peak RSS is the "
          "process high-water mark after the phase; Python peak is tracemalloc's peak within the phase "
          "(separate run).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
