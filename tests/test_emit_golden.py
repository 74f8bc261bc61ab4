"""Golden outputs of the diagram, BOM and cabling emitters, for every example and emit case.

Cases are discovered: every `examples/*.sn` (golden directory
`tests/cases/emit/<stem>/expected/`) and every `tests/cases/emit/<name>/main.sn`
(golden directory beside it). Text outputs (DOT, CSV, JSON, Markdown) are compared
byte for byte; refresh them with `pytest --update-goldens` and review the diff.
SVG and XLSX are checked structurally instead (the SVG header names the Graphviz
version, and a workbook is a zip): every SVG parses as XML and draws exactly the
nodes its DOT declares; the workbook holds the same lines as `bom.csv`.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from conftest import CASES, EXAMPLES, compile_file
from diagram_checks import dot_node_ids, svg_node_titles

EMITTERS = ("diagrams", "bom", "cabling")
OWNED = re.compile(r"^(diagrams/|bom\.|cabling\.)")   # golden files these emitters own
STRUCTURAL = (".svg", ".xlsx")
EMIT = CASES / "emit"


def _cases() -> list[tuple[str, Path, Path]]:
    out = [(p.stem, p, EMIT / p.stem / "expected") for p in sorted(EXAMPLES.glob("*.sn"))]
    out += [(d.name, d / "main.sn", d / "expected") for d in sorted(EMIT.iterdir())
            if d.is_dir() and (d / "main.sn").exists()]
    return out


CASE_LIST = _cases()
_ARTIFACTS: dict[str, dict[str, bytes]] = {}


def artifacts(name: str, spec: Path) -> dict[str, bytes]:
    """path -> bytes of every output of EMITTERS for a case (compiled once per session)."""
    if name not in _ARTIFACTS:
        from supernodec.emit import EMITTERS as REG, load_all
        load_all()
        res = compile_file(spec)
        errors = [f"{d.code} {d.message}" for d in res.diagnostics if d.is_error]
        assert res.design is not None and not errors, errors
        _ARTIFACTS[name] = {a.path: a.data for e in EMITTERS for a in REG[e](res.design)}
    return _ARTIFACTS[name]


@pytest.mark.parametrize("name,spec,expected", CASE_LIST, ids=[c[0] for c in CASE_LIST])
def test_goldens(name: str, spec: Path, expected: Path, update_goldens: bool) -> None:
    out = artifacts(name, spec)
    texts = {p: b for p, b in out.items() if not p.endswith(STRUCTURAL)}
    if update_goldens:
        _write(expected, texts)
    assert expected.is_dir(), f"no goldens for {name}: run `pytest tests/test_emit_golden.py --update-goldens`"
    on_disk = {p.relative_to(expected).as_posix() for p in expected.rglob("*") if p.is_file()}
    mine = {p for p in on_disk if OWNED.match(p)}
    assert mine == set(texts), f"golden files differ: missing {sorted(set(texts) - mine)}, stale {sorted(mine - set(texts))}"
    changed = [p for p, b in sorted(texts.items()) if (expected / p).read_bytes() != b]
    assert not changed, f"outputs differ from the goldens (review, then --update-goldens): {changed}"


def _write(expected: Path, texts: dict[str, bytes]) -> None:
    if expected.is_dir():
        for p in expected.rglob("*"):
            if p.is_file() and OWNED.match(p.relative_to(expected).as_posix()) and \
                    p.relative_to(expected).as_posix() not in texts:
                p.unlink()
    for path, data in texts.items():
        f = expected / path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(data)


@pytest.mark.parametrize("name,spec,expected", CASE_LIST, ids=[c[0] for c in CASE_LIST])
def test_svgs_parse_and_draw_every_node(name: str, spec: Path, expected: Path) -> None:
    out = artifacts(name, spec)
    dots = sorted(p for p in out if p.endswith(".dot"))
    assert "diagrams/overview.dot" in dots
    for p in dots:
        svg = out[p[:-4] + ".svg"]
        titles = svg_node_titles(svg)
        assert sorted(titles) == sorted(dot_node_ids(out[p].decode("utf-8"))), p
        assert len(titles) == len(set(titles)), p


def test_overview_svg_has_every_overview_node() -> None:
    """The overview SVG draws each node of the overview graph (racks, supernodes, groups) once."""
    from supernodec.emit.diagram_overview import overview_graph
    res = compile_file(EXAMPLES / "cloudmatrix384.sn")
    ids = [n.id for n in overview_graph(res.design).nodes]
    titles = svg_node_titles(artifacts("cloudmatrix384", EXAMPLES / "cloudmatrix384.sn")["diagrams/overview.svg"])
    # 12 compute racks + 4 comm racks + the 112 L2 chips that the example places in no rack
    assert sorted(titles) == sorted(ids) and len(ids) == 12 + 4 + 1


@pytest.mark.parametrize("name,spec,expected", CASE_LIST, ids=[c[0] for c in CASE_LIST])
def test_xlsx_holds_the_bom_lines(name: str, spec: Path, expected: Path) -> None:
    from openpyxl import load_workbook
    out = artifacts(name, spec)
    rows = list(csv.reader(io.StringIO(out["bom.csv"].decode("utf-8"))))
    lines = [r for r in rows[1:] if r[0].isdigit()]
    ws = load_workbook(io.BytesIO(out["bom.xlsx"]))["BOM"]
    sheet = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert len(sheet) == len(lines)
    for got, want in zip(sheet, lines):
        assert (str(got[4]), got[7], f"{got[11]:.2f}" if got[11] is not None else "") == (want[4], int(want[7]), want[11])
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)   # no cell is a formula


def test_outputs_identical_across_runs_and_hash_seeds(tmp_path: Path) -> None:
    """Two builds under different PYTHONHASHSEED give the same bytes, SVG and XLSX included."""
    from conftest import run_cli
    spec = EMIT / "floor_breakout" / "main.sn"
    trees = []
    for seed in ("1", "4242"):
        out = tmp_path / f"out{seed}"
        r = run_cli("build", str(spec), "-o", str(out), "--emit", ",".join(EMITTERS), "-q", env={"PYTHONHASHSEED": seed})
        assert r.returncode == 0, r.stderr
        trees.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert trees[0] == trees[1]
    assert {"bom.xlsx", "diagrams/overview.svg", "cabling.csv"} <= set(trees[0])
