"""Data-driven diagnostic cases: `tests/cases/diagnostics/*.sn` (or folders with `main.sn`).

Each expected diagnostic is a comment on the line it must point at:

    connect a.p -> b.q   // error: SN0602 "needs 9 `p` ports"

`// warning: CODE "text"` for warnings; `// error@7: ...` expects it on line 7
(for lines that cannot hold a comment, like an unterminated string). A diagnostic without a source location
is expected with `// expect-design: error: CODE "text"` anywhere in the file.
`// args: -D nodes=24` on the first line passes parameter overrides. A case
with no expectations must compile with no diagnostics at all. Every case must
produce exactly the expected diagnostics, and none may be an internal error.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import CASES, ROOT, compile_file

EXPECT = re.compile(r"//\s*(error|warning)(?:@(\d+))?:\s*(SN\d{4})\s*(?:\"([^\"]*)\")?")
DESIGN = re.compile(r"//\s*expect-design:\s*(error|warning):\s*(SN\d{4})\s*(?:\"([^\"]*)\")?")
ARGS = re.compile(r"^//\s*args:\s*(.*)$", re.M)


def _cases() -> list[Path]:
    base = CASES / "diagnostics"
    out = sorted(p for p in base.glob("*.sn"))
    out += sorted(d / "main.sn" for d in base.iterdir() if d.is_dir() and (d / "main.sn").exists())
    return out


def _expectations(main: Path) -> tuple[set, list]:
    spans: set = set()
    design: list = []
    files = [main] if main.name != "main.sn" else sorted(main.parent.rglob("*.sn"))
    for f in files:
        for no, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if (m := DESIGN.search(line)):
                design.append((m.group(1), m.group(2), m.group(3) or ""))
                continue
            for m in EXPECT.finditer(line):
                at = int(m.group(2)) if m.group(2) else no
                spans.add((f.resolve(), at, m.group(1), m.group(3), m.group(4) or ""))
    return spans, design


def _overrides(main: Path) -> dict:
    m = ARGS.search(main.read_text(encoding="utf-8"))
    if not m:
        return {}
    from supernodec.cli import parse_defines
    defs = re.findall(r"-D\s*(\S+)", m.group(1))
    values, diags = parse_defines(defs)
    assert not diags
    return values


@pytest.mark.parametrize("case", _cases(), ids=lambda p: str(p.relative_to(CASES / "diagnostics")))
def test_case(case: Path) -> None:
    res = compile_file(case, _overrides(case))
    expected, design = _expectations(case)
    got = list(res.diagnostics)
    assert not [d for d in got if d.code.startswith("SN09")], [d.message for d in got]
    unmatched = []
    for d in got:
        if d.span is None:
            hit = next((e for e in design if e[1] == d.code and e[0] == d.severity and e[2] in d.message), None)
            if hit:
                design.remove(hit)
                continue
            unmatched.append(f"<design>: {d.severity} {d.code} {d.message}")
            continue
        f = (ROOT / d.span.file).resolve() if not d.span.file.startswith("<") else None
        hit = next((e for e in expected if e[0] == f and e[1] == d.span.line and e[2] == d.severity
                    and e[3] == d.code and e[4] in d.message), None)
        if hit:
            expected.discard(hit)
        else:
            unmatched.append(f"{d.span.file}:{d.span.line}:{d.span.col}: {d.severity} {d.code} {d.message}")
    missing = [f"{e[0].name}:{e[1]}: {e[2]} {e[3]} \"{e[4]}\"" for e in sorted(expected, key=str)]
    missing += [f"<design>: {e[0]} {e[1]} \"{e[2]}\"" for e in design]
    assert not unmatched and not missing, f"unexpected: {unmatched}\nmissing: {missing}"


def test_every_code_has_a_case() -> None:
    from supernodec.codes import CODES
    seen = set()
    for case in _cases():
        files = [case] if case.name != "main.sn" else list(case.parent.rglob("*.sn"))
        for f in files:
            seen |= set(re.findall(r"(SN\d{4})", f.read_text(encoding="utf-8")))
    for f in sorted((CASES / "netbox").glob("*.yaml")):   # import-netbox cases, run by test_netbox_import
        seen |= set(re.findall(r"(SN\d{4})", f.read_text(encoding="utf-8")))
    exempt = {"SN0901", "SN0006", "SN0007"}   # internal error; tested in test_robustness / test_limits
    missing = sorted(c for c in CODES if c not in seen and c not in exempt)
    assert not missing, f"codes without a case file: {missing}"
