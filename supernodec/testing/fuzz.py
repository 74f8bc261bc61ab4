"""Run every robustness property for a while and report what was tried and found.

    python -m supernodec.testing.fuzz --seconds 600 --report out/fuzz-report.json

(`make fuzz` does this with FUZZ_SECONDS=600.) The time is shared among the
properties by weight. Each property runs in batches of hypothesis examples
(generation only, no database, a new seed per batch) until its share is
used up. A failure is shrunk by deleting lines and characters while it keeps
its signature (`minimize.py`, at most `--shrink-seconds`), saved under
`out/fuzz-failures/<property>-<n>/` (the spec files and FAILURE.txt), and
counted once per signature. The JSON report lists, per property, the
examples tried, the seconds spent and the distinct failures. Exit status 0
when nothing failed, 1 otherwise, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from .grammar import grammar_texts, token_soup
from .minimize import minimize_bytes, minimize_spec, minimize_text, signature
from .mutate import mutated_specs
from .properties import (prop_any_input, prop_build_deterministic, prop_mutant_diagnostics, prop_outputs,
                         prop_valid_compiles)
from .specfiles import SpecFiles, specs_in
from .specs import GeneratedSpec, valid_specs


@dataclass(frozen=True)
class Property:
    name: str
    strategy: Callable[[], st.SearchStrategy]
    check: Callable[[Any], Any]
    weight: int
    what: str


PROPERTIES = (
    Property("any-bytes", lambda: st.binary(max_size=4096), prop_any_input, 1,
             "any byte string: diagnostics, never an exception"),
    Property("any-text", lambda: st.one_of(st.text(max_size=2000), token_soup()), prop_any_input, 2,
             "any Unicode text and token soup: diagnostics, never an exception"),
    Property("grammar", grammar_texts, prop_any_input, 2,
             "modules generated from the grammar: diagnostics, never an exception"),
    Property("mutants", mutated_specs, prop_mutant_diagnostics, 4,
             "mutated valid specs: diagnostics with spans inside the files"),
    Property("example-mutants", lambda: _example_mutants(), prop_mutant_diagnostics, 2,
             "mutated specs of ./examples (when run in the repository): diagnostics with spans"),
    Property("valid", valid_specs, prop_valid_compiles, 3,
             "valid generated specs: no error, the plan's counts in the IR"),
    Property("outputs", valid_specs, prop_outputs, 3,
             "outputs parse back, are escaped, agree with the IR, deterministic"),
    Property("build-determinism", lambda: valid_specs(max_hosts=2, max_pods=2), prop_build_deterministic, 1,
             "`supernodec build` under two PYTHONHASHSEEDs: identical bytes"),
)


EXAMPLE_SECONDS = 120   # one example taking longer is a hang: reported as a failure


class ExampleTimeout(Exception):
    """An example ran longer than `EXAMPLE_SECONDS`."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise ExampleTimeout in the main thread after `seconds` (Unix; a no-op elsewhere)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def alarm(_sig: int, _frame: Any) -> None:
        raise ExampleTimeout(f"one example ran longer than {seconds:.0f} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


class Skip(Exception):
    """A property that cannot run here (the reason is reported)."""


def _example_mutants() -> st.SearchStrategy:
    specs = specs_in(Path("examples"))
    if not specs:
        raise Skip("no examples/*.sn in the current folder")
    return mutated_specs(base=st.sampled_from(specs))


@dataclass
class Outcome:
    examples: int = 0
    seconds: float = 0.0
    batches: int = 0
    skipped: str = ""
    failures: dict[str, dict[str, Any]] = field(default_factory=dict)


def run_property(prop: Property, seconds: float, out_dir: Path, rng: random.Random, shrink_seconds: float) -> Outcome:
    """Batches of `prop` until `seconds` are used; failures shrunk and saved."""
    res = Outcome()
    start = time.monotonic()
    rate = None
    try:
        strategy = prop.strategy()
    except Skip as e:
        res.skipped = str(e)
        return res
    while time.monotonic() - start < seconds:
        left = seconds - (time.monotonic() - start)
        if rate is not None and left * rate < 1:
            break     # not even one more example fits
        # 1 to measure the rate; then a quarter of what is left (at least 5 s), so the rate is
        # measured again as examples grow and the share is kept
        batch = 1 if rate is None else max(1, min(5000, int(min(left, max(5.0, left / 4)) * rate * 0.9)))
        t0, n0 = time.monotonic(), res.examples
        failed = _batch(prop, strategy, batch, rng.randrange(2**32), res)
        rate = max(res.examples - n0, 1) / max(time.monotonic() - t0, 1e-3)
        res.batches += 1
        if failed is not None:
            _record(prop, failed, res, out_dir, shrink_seconds)
    res.seconds = round(time.monotonic() - start, 1)
    return res


def _batch(prop: Property, strategy: st.SearchStrategy, n: int, s: int, res: Outcome) -> tuple[Any, BaseException] | None:
    last: list[Any] = [None]

    @seed(s)
    @settings(max_examples=n, deadline=None, database=None, phases=(Phase.generate,),
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(strategy)
    def body(x: Any) -> None:
        last[0] = x
        res.examples += 1
        with _time_limit(EXAMPLE_SECONDS):
            prop.check(x)

    try:
        body()
    except Exception as e:  # noqa: BLE001 - any failure of the property is a finding
        return last[0], e
    return None


def _record(prop: Property, failed: tuple[Any, BaseException], res: Outcome, out_dir: Path, shrink_seconds: float) -> None:
    value, exc = failed
    sig = signature(exc)
    if sig in res.failures:
        res.failures[sig]["count"] += 1
        return
    small = _shrink(prop, value, sig, shrink_seconds)
    folder = out_dir / f"{prop.name}-{len(res.failures) + 1}"
    _save(folder, small, exc, prop)
    res.failures[sig] = {"signature": sig, "message": str(exc)[:2000], "count": 1, "saved": folder.as_posix()}


def _fails_with(prop: Property, sig: str) -> Callable[[Any], bool]:
    def fails(x: Any) -> bool:
        try:
            with _time_limit(EXAMPLE_SECONDS):
                prop.check(x)
        except Exception as e:  # noqa: BLE001
            return signature(e) == sig
        return False
    return fails


def _shrink(prop: Property, value: Any, sig: str, seconds: float) -> Any:
    if isinstance(value, GeneratedSpec):
        return value      # shrinking text would break the plan the property compares with
    fails = _fails_with(prop, sig)
    if isinstance(value, SpecFiles):
        return minimize_spec(value, fails, seconds)
    if isinstance(value, bytes):
        return minimize_bytes(value, fails, seconds)
    if isinstance(value, str):
        return minimize_text(value, fails, seconds)
    return value


def _save(folder: Path, value: Any, exc: BaseException, prop: Property) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    note = [f"property: {prop.name} ({prop.what})", f"failure: {exc}"]
    if isinstance(value, GeneratedSpec):
        note.append(f"plan: {value.plan!r}")
        value = value.spec
    if isinstance(value, SpecFiles):
        value.write(folder)
        note.insert(1, f"made by: {value.label}")
    elif isinstance(value, bytes):
        (folder / "main.sn").write_bytes(value)
    else:
        (folder / "main.sn").write_bytes(str(value).encode("utf-8", "surrogatepass"))
    note.append("reproduce: supernodec check " + (folder / "main.sn").as_posix())
    (folder / "FAILURE.txt").write_text("\n".join(note) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m supernodec.testing.fuzz", description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=60, help="total time for all properties")
    ap.add_argument("--report", default="out/fuzz-report.json", help="JSON report path")
    ap.add_argument("--failures", default=None, help="where failing inputs go (default: beside the report, fuzz-failures/)")
    ap.add_argument("--only", default="", help="comma-separated property names: " + ", ".join(p.name for p in PROPERTIES))
    ap.add_argument("--seed", type=int, default=None, help="seed of the batch seeds (default: random)")
    ap.add_argument("--shrink-seconds", type=float, default=60, help="time to shrink each new failure")
    args = ap.parse_args(argv)
    props = [p for p in PROPERTIES if not args.only or p.name in args.only.split(",")]
    if not props or args.seconds <= 0:
        ap.error("nothing to run: check --only and --seconds")
    report = Path(args.report)
    out_dir = Path(args.failures) if args.failures else report.parent / "fuzz-failures"
    seed0 = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    rng = random.Random(seed0)
    total_w = sum(p.weight for p in props)
    results: dict[str, Any] = {}
    for p in props:
        share = args.seconds * p.weight / total_w
        print(f"fuzz: {p.name}: {share:.0f} s ({p.what})", file=sys.stderr)
        o = run_property(p, share, out_dir, rng, args.shrink_seconds)
        results[p.name] = {"what": p.what, "examples": o.examples, "seconds": o.seconds, "batches": o.batches,
                           "failures": list(o.failures.values()), **({"skipped": o.skipped} if o.skipped else {})}
        print(f"fuzz: {p.name}: " + (f"skipped: {o.skipped}" if o.skipped else
              f"{o.examples:,} examples, {len(o.failures)} distinct failure(s)"), file=sys.stderr)
    failures = sum(len(r["failures"]) for r in results.values())
    doc = {"seconds": args.seconds, "seed": seed0, "total_examples": sum(r["examples"] for r in results.values()),
           "distinct_failures": failures, "properties": results}
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"fuzz: {doc['total_examples']:,} examples in {args.seconds:.0f} s, {failures} distinct failure(s); "
          f"report {report}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
