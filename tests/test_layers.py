"""The layer rule of STYLE.md: each module imports only from its own layer or below.

Every module of the package must appear in LAYERS (by longest matching prefix),
so a new module has to take a place in the pipeline before it can land.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PKG = ROOT / "supernodec"

LAYERS: dict[str, int] = {
    "supernodec.source": 0, "supernodec.units": 0, "supernodec.suggest": 0, "supernodec.schemas": 0,
    "supernodec": 0,  # the package __init__: version only
    "supernodec.diagnostics": 1, "supernodec.codes": 1,
    "supernodec.syntax.ast": 2, "supernodec.ir": 2,
    "supernodec.syntax": 3,
    "supernodec.resolve": 4, "supernodec.elaborate": 4, "supernodec.catalog": 4,
    "supernodec.checks": 5, "supernodec.emit": 5, "supernodec.stats": 5,
    "supernodec.render": 6,
    "supernodec.driver": 7, "supernodec.progress": 7,
    "supernodec.cli": 8, "supernodec.__main__": 8, "supernodec.lsp": 8, "supernodec.loader": 8,
    "supernodec.fmt": 8, "supernodec.catalog_cli": 8, "supernodec.netbox_import": 8,
    "supernodec.parallel": 8, "supernodec.precommit": 8, "supernodec.output": 8,
    "supernodec.testing": 9,
}


def layer_of(mod: str) -> int | None:
    if mod == "supernodec":
        return 0
    best = None
    for prefix, layer in LAYERS.items():
        if prefix == "supernodec":
            continue
        if mod == prefix or mod.startswith(prefix + "."):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, layer)
    return None if best is None else best[1]


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path, mod: str) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = mod.split(".")
                base = base if is_pkg else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
                if node.module is None:
                    out += [(f"{target}.{a.name}", node.lineno) for a in node.names]
                else:
                    out.append((target, node.lineno))
            elif node.module:
                out.append((node.module, node.lineno))
    return out


def test_every_module_has_a_layer() -> None:
    missing = [module_name(p) for p in PKG.rglob("*.py") if layer_of(module_name(p)) is None]
    assert not missing, f"add these modules to LAYERS in tests/test_layers.py: {missing}"


def test_imports_go_down_the_layers() -> None:
    bad = []
    for p in sorted(PKG.rglob("*.py")):
        mod = module_name(p)
        mine = layer_of(mod)
        for target, line in imports_of(p, mod):
            if not target.startswith("supernodec"):
                continue
            theirs = layer_of(target)
            if theirs is not None and mine is not None and theirs > mine:
                bad.append(f"{p.relative_to(ROOT)}:{line}: {mod} (layer {mine}) imports {target} (layer {theirs})")
    assert not bad, "\n".join(bad)


def test_lark_stays_in_syntax() -> None:
    bad = []
    for p in sorted(PKG.rglob("*.py")):
        mod = module_name(p)
        if mod.startswith("supernodec.syntax") or mod.startswith("supernodec.testing"):
            continue
        for target, line in imports_of(p, mod):
            if target == "lark" or target.startswith("lark."):
                bad.append(f"{p.relative_to(ROOT)}:{line}")
    assert not bad, f"lark imported outside supernodec/syntax: {bad}"
