"""Specs in the workspace that import a file (language server, layer 8).

References and rename look beyond the open documents: a `.sn` file under the
workspace folders whose imports reach the file that declares a name is
resolved (parsed and its imports loaded, not elaborated) through the open
buffers' overlay, so its uses of the name are found and renamed too. Hidden
folders (`.git`, `.venv`) and build folders are skipped, and the scan stops
after `MAX_FILES` files or `MAX_FOLDERS` folders.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..loader import FileLoader
from ..resolve import Program, module_name, resolve_program

MAX_FILES = 2000
MAX_FOLDERS = 20_000
_IMPORTS = re.compile(r'^[ \t]*import[ \t]+"([^"\n]*)"', re.M)
_SKIP = {"node_modules", "__pycache__", "site-packages", "build", "dist", "out"}


@dataclass(frozen=True)
class Importer:
    path: Path                  # the importing spec (real path)
    program: Program            # its program, resolved
    loader: FileLoader
    shown: str                  # the imported file's path in that program


def specs_under(roots: list[Path]) -> Iterator[Path]:
    """`.sn` files under the folders, in a stable order: at most `MAX_FILES` files
    from at most `MAX_FOLDERS` folders (an editor opened on a home folder stays fast)."""
    files = folders = 0
    for root in roots:
        for here, dirs, names in os.walk(root):
            folders += 1
            if folders > MAX_FOLDERS:
                return
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP)
            for name in sorted(n for n in names if n.endswith(".sn")):
                files += 1
                if files > MAX_FILES:
                    return
                yield (Path(here) / name).resolve()


def importers_of(real: Path, roots: list[Path], skip: set[Path], search_path: list[str],
                 overlay: dict[str, str]) -> list[Importer]:
    """The specs under `roots` (but not in `skip`) whose imports reach the file at `real`.

    Only specs that import, directly or through other specs of the workspace, a
    module named like `real` are resolved: the names are matched on the text first."""
    texts: dict[Path, set[str]] = {}
    for f in specs_under(roots):
        if f in skip or f == real:
            continue
        try:
            text = overlay.get(str(f)) or f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        names = {module_name(m) for m in _IMPORTS.findall(text)}
        if names:
            texts[f] = names
    stems = {real.stem}
    grown = True
    while grown:                          # modules that lead to `real`, by name
        grown = False
        for f, names in texts.items():
            if f.stem not in stems and names & stems:
                stems.add(f.stem)
                grown = True
    out = []
    for f, names in texts.items():
        found = _reaching(f, real, search_path, overlay) if names & stems else None
        if found is not None:
            out.append(found)
    return out


def _reaching(f: Path, real: Path, search_path: list[str], overlay: dict[str, str]) -> Importer | None:
    loader = FileLoader(list(search_path), overlay=dict(overlay), cwd=f.parent)
    prog, _ = resolve_program(str(f), loader)
    if prog is None or prog.root not in prog.modules:
        return None
    shown = next((p for p in prog.modules if Path(loader.real(p)).resolve() == real), None)
    return Importer(f, prog, loader, shown) if shown is not None else None
