"""A spec only describes hardware: imports stay in the project, nothing is executed.

Imports may reach the root spec's folder, the search path (`-I`,
SUPERNODEC_PATH) and the shipped catalogs; anything else, including through a
symlink, is SN0105 unless `--allow-outside-imports`. `../` is a case file
(`cases/diagnostics/import_outside`); the rest needs real folders and links.
The package is scanned for the calls that would let text become code.
"""

from __future__ import annotations

import ast
import importlib
import os
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_cli

from supernodec.driver import Options, compile_spec
from supernodec.loader import FileLoader

LIB = "switch S { port p[4]: UB @ 56 GB/s }\n"


def _project(tmp_path: Path, import_line: str) -> tuple[Path, Path]:
    proj, outside = tmp_path / "proj", tmp_path / "outside"
    proj.mkdir(parents=True)
    outside.mkdir(parents=True)
    (outside / "lib.sn").write_text(LIB)
    (proj / "main.sn").write_text(f"{import_line}\ncenter c {{ a: lib.S[2] }}\n")
    return proj, outside


def _check(proj: Path, **kw: object) -> list[tuple[str, str]]:
    res = compile_spec("main.sn", FileLoader(cwd=proj, **kw), Options())  # type: ignore[arg-type]
    return [(d.code, d.message) for d in res.diagnostics]


def test_an_absolute_import_outside_the_project_is_refused(tmp_path: Path) -> None:
    proj, _ = _project(tmp_path, f'import "{tmp_path / "outside" / "lib"}"')
    diags = _check(proj)
    assert [c for c, _ in diags] == ["SN0105"] and "(outside-root)" in diags[0][1]


def test_a_symlink_that_leaves_the_project_is_refused(tmp_path: Path) -> None:
    proj, outside = _project(tmp_path, 'import "lib"')
    os.symlink(outside / "lib.sn", proj / "lib.sn")
    diags = _check(proj)
    assert [c for c, _ in diags] == ["SN0105"] and "(symlink-escape)" in diags[0][1]


def test_a_symlinked_folder_that_leaves_the_project_is_refused(tmp_path: Path) -> None:
    proj, outside = _project(tmp_path, 'import "vendor/lib"')
    os.symlink(outside, proj / "vendor")
    diags = _check(proj)
    assert [c for c, _ in diags] == ["SN0105"] and "(symlink-escape)" in diags[0][1]


def test_a_symlink_that_stays_inside_is_fine(tmp_path: Path) -> None:
    proj, _ = _project(tmp_path, 'import "lib"')
    (proj / "real").mkdir()
    (proj / "real" / "lib.sn").write_text(LIB)
    os.symlink(proj / "real" / "lib.sn", proj / "lib.sn")
    assert _check(proj) == []


def test_the_search_path_and_the_flag_allow_outside_folders(tmp_path: Path) -> None:
    proj, outside = _project(tmp_path, 'import "lib"')
    assert [c for c, _ in _check(proj)] == ["SN0103"]                # not found: not on the path
    assert _check(proj, search_path=[str(outside)]) == []           # -I outside
    proj2, outside2 = _project(tmp_path / "b", f'import "{outside / "lib"}"')
    assert _check(proj2, allow_outside=True) == []


def test_the_cli_flag_allows_what_the_default_refuses(tmp_path: Path) -> None:
    proj, _ = _project(tmp_path, f'import "{tmp_path / "outside" / "lib"}"')
    refused = run_cli("check", str(proj / "main.sn"), "--format", "short")
    assert refused.returncode == 1 and "SN0105" in refused.stderr
    allowed = run_cli("check", str(proj / "main.sn"), "--format", "short", "--allow-outside-imports")
    assert allowed.returncode == 0, allowed.stderr


@pytest.mark.parametrize("name", ["\x00", "a" * 300, "a/" * 3000 + "x", "/dev/zero", "/proc/self/environ", ".", "/"])
def test_odd_import_names_are_not_found_not_crashes(tmp_path: Path, name: str) -> None:
    (tmp_path / "main.sn").write_text('import "' + name.replace("\\", "\\\\") + '"\n')
    diags = _check(tmp_path)
    assert [c for c, _ in diags] in (["SN0103"], ["SN0105"]), diags


# ---------------------------------------------------------------- no code runs
def _calls(tree: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def _name(f: ast.expr) -> str:
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        return f"{_name(f.value)}.{f.attr}"
    return ""


# pickle between the build and its own forked emitter process, through a mkstemp file (0600)
ALLOWED = {("supernodec/parallel.py", "pickle.load")}
FORBIDDEN = {"eval", "exec", "compile", "__import__", "os.system", "os.popen", "pickle.load", "pickle.loads",
             "marshal.loads", "yaml.unsafe_load", "yaml.full_load", "jinja2.Template", "jinja2.Environment"}
JINJA_UNSAFE = {"Template", "Environment"}   # when imported from jinja2: unsandboxed


def _from_jinja(tree: ast.AST) -> set[str]:
    return {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("jinja2")
            for a in n.names if a.name in JINJA_UNSAFE}


def _package_sources() -> list[Path]:
    return sorted((ROOT / "supernodec").rglob("*.py"))


def unsafe_calls(rel: str, text: str) -> list[str]:
    """Calls in one source file that could run text as code."""
    bad = []
    tree = ast.parse(text)
    unsafe = FORBIDDEN | _from_jinja(tree)
    for c in _calls(tree):
        n = _name(c.func)
        if n in unsafe and (rel, n) not in ALLOWED:
            bad.append(f"{rel}:{c.lineno}: {n}(...)")
        if any(k.arg == "shell" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
               for k in c.keywords):
            bad.append(f"{rel}:{c.lineno}: {n}(..., shell=...)")
    return bad


def test_the_package_never_turns_text_into_code() -> None:
    bad = [b for p in _package_sources() for b in unsafe_calls(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8"))]
    assert not bad, "\n".join(bad)


def test_the_scan_sees_what_it_looks_for() -> None:
    src = ("import os, subprocess\nfrom jinja2 import Environment as E, Template\n"
           "eval('1')\nexec('x')\nos.system('ls')\nE()\nTemplate('{{x}}')\nsubprocess.run('ls', shell=True)\n"
           "re.compile('x')\nsubprocess.run(['ls'], shell=False)\n")
    assert [b.split(": ")[1] for b in unsafe_calls("x.py", src)] == [
        "eval(...)", "exec(...)", "os.system(...)", "E(...)", "Template(...)", "subprocess.run(..., shell=...)"]


def test_yaml_is_only_read_with_safe_loaders() -> None:
    bad = []
    for p in _package_sources():
        rel = p.relative_to(ROOT).as_posix()
        tree = ast.parse(p.read_text(encoding="utf-8"))
        for c in _calls(tree):
            if _name(c.func) not in ("yaml.load", "yaml.load_all"):
                continue
            loader = next((k.value for k in c.keywords if k.arg == "Loader"), c.args[1] if len(c.args) > 1 else None)
            mod = importlib.import_module(rel[:-3].replace("/", "."))
            cls = resolve_name(mod, loader)
            if not (isinstance(cls, type) and issubclass(cls, yaml.SafeLoader)):
                bad.append(f"{rel}:{c.lineno}: {_name(c.func)} with Loader {ast.unparse(loader) if loader else None}")
    assert not bad, "\n".join(bad)


def resolve_name(mod: object, node: ast.expr | None) -> object:
    """The object a dotted name in `mod` refers to (no evaluation of anything else)."""
    if node is None:
        return None
    parts = _name(node).split(".")
    obj = getattr(mod, parts[0], None) if parts[0] != "yaml" else yaml
    for part in parts[1:]:
        obj = getattr(obj, part, None)
    return obj


def test_any_jinja_environment_is_sandboxed_and_strict() -> None:
    bad = []
    for p in _package_sources():
        rel = p.relative_to(ROOT).as_posix()
        for c in _calls(ast.parse(p.read_text(encoding="utf-8"))):
            if _name(c.func).endswith("SandboxedEnvironment"):
                und = next((k.value for k in c.keywords if k.arg == "undefined"), None)
                if und is None or not _name(und).endswith("StrictUndefined"):
                    bad.append(f"{rel}:{c.lineno}: SandboxedEnvironment without undefined=StrictUndefined")
    assert not bad, "\n".join(bad)
