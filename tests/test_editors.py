"""Editor support files: the TextMate grammar, the VS Code extension folder, pre-commit hooks.

The grammar is exercised with a small TextMate tokenizer written here (the
subset the grammar uses: `match`/`captures`, `begin`/`end` with inner
patterns, `include` of the repository; the leftmost match wins, ties go to
the earlier pattern), so keywords and units are checked against the Lark
grammar itself rather than against a list copied from the highlighter.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

VSCODE = ROOT / "editors" / "vscode"
TM = json.loads((VSCODE / "syntaxes" / "sn.tmLanguage.json").read_text(encoding="utf-8"))
LARK = (ROOT / "supernodec" / "grammar" / "supernodec.lark").read_text(encoding="utf-8")


# ---------------------------------------------------------------- a tiny TextMate tokenizer
def _patterns(pats: list[dict]) -> list[dict]:
    out: list[dict] = []
    for p in pats:
        if "include" in p:
            out += _patterns(TM["repository"][p["include"].lstrip("#")]["patterns"])
        else:
            out.append(p)
    return out


def tokenize(line: str) -> list[tuple[str, str]]:
    """(text, scope) pairs of one line; unscoped text is left out."""
    out: list[tuple[str, str]] = []
    pos, top = 0, _patterns(TM["patterns"])
    while pos < len(line):
        best = None
        for p in top:
            m = re.compile(p.get("match") or p["begin"]).search(line, pos)
            if m and (best is None or m.start() < best[1].start()) and m.end() > m.start():
                best = (p, m)
        if best is None:
            break
        p, m = best
        if "begin" in p:
            inner, pos = _region(line, m.end(), p)
            out.append((line[m.start():pos], p["name"]))
            out += [(t, f"{p['name']} {sc}") for t, sc in inner]
            continue
        if "name" in p:
            out.append((m.group(0), p["name"]))
        for k, cap in sorted(p.get("captures", {}).items(), key=lambda kv: int(kv[0])):
            if m.group(int(k)) is not None:
                out.append((m.group(int(k)), cap["name"]))
        pos = m.end()
    return out


def _region(line: str, pos: int, p: dict) -> tuple[list[tuple[str, str]], int]:
    """Tokens inside a begin/end region and the position after its end: at each
    step the leftmost of the end and the inner patterns wins (the end on a tie)."""
    inner = _patterns(p.get("patterns", []))
    out: list[tuple[str, str]] = []
    while True:
        end = re.compile(p["end"]).search(line, pos)
        hits = [(m, q) for q in inner if (m := re.compile(q["match"]).search(line, pos))]
        first = min(hits, key=lambda h: h[0].start(), default=None)
        if first is None or end is None or end.start() <= first[0].start():
            return out, (end.end() if end else len(line))
        out.append((first[0].group(0), first[1]["name"]))
        pos = first[0].end()


def scope_of(line: str, token: str) -> str:
    return next(s for t, s in tokenize(line) if t == token)


# ---------------------------------------------------------------- the grammar
def test_every_pattern_compiles() -> None:
    for pat in _patterns(TM["patterns"]):
        for key in ("match", "begin", "end"):
            if key in pat:
                re.compile(pat[key])
    assert TM["scopeName"] == "source.sn"


def _lark_keywords() -> set[str]:
    return set(re.findall(r'"([a-z_]+)"', LARK))


def test_every_keyword_of_the_language_is_highlighted() -> None:
    words = _lark_keywords()
    assert {"connect", "require", "unified", "mgmt", "extends", "stripe"} <= words   # the extraction works
    for w in sorted(words):
        scopes = [s for t, s in tokenize(w) if t == w]
        assert scopes and scopes[0].split(".")[0] in ("keyword", "constant", "storage"), (w, scopes)


def _lark_units() -> list[str]:
    pattern = re.search(r"^UNIT\.\d+: /(.*)/$", LARK, re.M).group(1)
    from supernodec import units
    return [u for u in units.UNITS if re.fullmatch(pattern, u)]


def test_every_unit_the_lexer_accepts_is_highlighted() -> None:
    accepted = _lark_units()
    assert {"GB/s", "Gb/s", "ns/m", "kW", "GiB", "U", "USD"} <= set(accepted)
    for unit in accepted:
        line = f"rate = 56 {unit}"
        assert scope_of(line, unit) == "keyword.other.unit.sn", unit
        assert scope_of(line, "56") == "constant.numeric.sn"


@pytest.mark.parametrize("line, token, scope", [
    ("/// Ascend 910C NPU", "/// Ascend 910C NPU", "comment.line.documentation.sn"),
    ("  npu: huawei.Ascend910C[8]  // eight", "// eight", "comment.line.double-slash.sn"),
    ("accelerator Ascend910C {", "accelerator", "storage.type.sn"),
    ("accelerator Ascend910C {", "Ascend910C", "entity.name.type.sn"),
    ("supernode CloudMatrix384(nodes = 48) {", "CloudMatrix384", "entity.name.type.sn"),
    ("optic B extends huawei.UB400G {", "huawei.UB400G", "entity.name.type.sn"),
    ("  npu: huawei.Ascend910C[8]", "npu", "variable.other.member.sn"),
    ("  npu: huawei.Ascend910C[8]", "huawei.Ascend910C", "entity.name.type.sn"),
    ("  server: Server[nodes]", "server", "variable.other.member.sn"),
    ("  port ub[7]: UB @ 56 GB/s", "ub", "variable.other.port.sn"),
    ("  port ub[7]: UB @ 56 GB/s", "UB", "support.type.protocol.sn"),
    ("  port ub[7]: UB @ 56 GB/s", "GB/s", "keyword.other.unit.sn"),
    ("  power = 600 W", "power", "variable.other.property.sn"),
    ("  connect npu[i].ub[p] -> l1[p].down[i] medium huawei.UB400G bundle 2", "->", "keyword.operator.arrow.sn"),
    ("  connect npu[i].ub[p] -> l1[p].down[i] medium huawei.UB400G bundle 2", "huawei.UB400G", "entity.name.type.sn"),
    ("  connect a.p <-> b.q medium auto stripe", "auto", "keyword.other.sn"),
    ("  require oversubscription(l1.up : l1.down) <= 1:1", "oversubscription", "support.function.requirement.sn"),
    ("  require oversubscription(l1.up : l1.down) <= 1:1", "1:1", "constant.numeric.ratio.sn"),
    ("  for i in 0..7 {", "..", "keyword.operator.range.sn"),
    ("  place server[i] in compute[floor(i / 4)]", "floor", "support.function.builtin.sn"),
    ('  mgmt server[i].cpu[0] = "10.0.{i}.1"', "{i}", "string.quoted.double.sn variable.other.interpolation.sn"),
    ('  vendor = "say \\"hi\\""', '\\"', "string.quoted.double.sn constant.character.escape.sn"),
    ("  if n > 2 and not flag {", "not", "keyword.operator.logical.sn"),
    ("  redundant = true", "true", "constant.language.boolean.sn"),
    ("param nodes = 48", "nodes", "variable.other.constant.sn"),
])
def test_sample_lines(line: str, token: str, scope: str) -> None:
    assert scope_of(line, token) == scope


# ---------------------------------------------------------------- the extension folder
def test_vscode_extension_manifest() -> None:
    pkg = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    lang = pkg["contributes"]["languages"][0]
    assert lang["id"] == "sn" and lang["extensions"] == [".sn"]
    assert (VSCODE / lang["configuration"]).is_file()
    grammar = pkg["contributes"]["grammars"][0]
    assert grammar["language"] == "sn" and grammar["scopeName"] == TM["scopeName"]
    assert (VSCODE / grammar["path"]).is_file()
    main = (VSCODE / pkg["main"]).read_text(encoding="utf-8")
    assert 'args: ["lsp"]' in main and "vscode-languageclient/node" in main
    assert "vscode-languageclient" in pkg["dependencies"]
    conf = json.loads((VSCODE / "language-configuration.json").read_text(encoding="utf-8"))
    assert conf["comments"]["lineComment"] == "//"


# ---------------------------------------------------------------- pre-commit hooks
def _run_hook(hook: dict, files: list[Path], cwd: Path) -> subprocess.CompletedProcess:
    cmd = shlex.split(hook["entry"]) + [str(f) for f in files]
    if cmd[0] == "supernodec":
        cmd = [sys.executable, "-m", "supernodec", *cmd[1:]]
    elif cmd[0] == "python":
        cmd[0] = sys.executable
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_pre_commit_hooks(tmp_path: Path) -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"supernodec-fmt", "supernodec-check"}
    assert all(re.search(h["files"], "x.sn") and not re.search(h["files"], "x.py") for h in hooks.values())
    good = tmp_path / "good.sn"
    good.write_text("switch S {\n  port p[4]: UB @ 56 GB/s\n}\n", encoding="utf-8")
    messy = tmp_path / "messy.sn"
    messy.write_text("switch S { port p[4]: UB @ 56 GB/s }\n", encoding="utf-8")
    bad = tmp_path / "bad.sn"
    bad.write_text("switch S {\n  port p[4]: UB @ 56 GB/s\n}\ncenter c {\n  a: S[2]\n  connect a[0].q -> a[1].p\n}\n",
                   encoding="utf-8")
    assert _run_hook(hooks["supernodec-fmt"], [good], tmp_path).returncode == 0
    r = _run_hook(hooks["supernodec-fmt"], [good, messy], tmp_path)
    assert r.returncode == 1 and "messy.sn" in r.stdout and "good.sn" not in r.stdout
    assert _run_hook(hooks["supernodec-check"], [good, messy], tmp_path).returncode == 0
    r = _run_hook(hooks["supernodec-check"], [good, bad], tmp_path)
    assert r.returncode == 1 and "bad.sn:6:16: error[SN0108]" in r.stderr
