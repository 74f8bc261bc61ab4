"""File access for the front end (layer 8 helper used by the CLI and LSP).

Search order for `import "x"`: relative to the importing file, then each
directory of the search path (`-I`, `SUPERNODEC_PATH`), then the catalogs
shipped in the package (`import "huawei"` finds `catalogs/huawei.sn`).
Files must stay inside the allowed roots (the root spec's folder, the search
path, the shipped catalogs) unless `allow_outside` is set; a symlink whose
target leaves them is refused.
"""

from __future__ import annotations

import errno
import importlib.resources
import os
from dataclasses import dataclass, field
from pathlib import Path

from .resolve import Located

MAX_FILE_BYTES = 64_000_000   # 4 bytes per character of the parser's 16 M character limit


def catalog_dir() -> Path:
    return Path(str(importlib.resources.files("supernodec").joinpath("catalogs")))


@dataclass
class FileLoader:
    search_path: list[str] = field(default_factory=list)
    allow_outside: bool = False
    overlay: dict[str, str] = field(default_factory=dict)   # real path -> text (editor buffers)
    roots: list[Path] = field(default_factory=list)
    cwd: Path = field(default_factory=Path.cwd)

    def _display(self, p: Path) -> str:
        cat = catalog_dir().resolve()
        try:
            return "<catalogs>/" + p.relative_to(cat).as_posix()
        except ValueError:
            pass
        try:
            return os.path.relpath(p, self.cwd).replace(os.sep, "/")
        except ValueError:
            return p.as_posix()

    def real(self, display: str) -> Path:
        if display.startswith("<catalogs>/"):
            return catalog_dir() / display[len("<catalogs>/"):]
        p = Path(display)
        return p if p.is_absolute() else self.cwd / p

    def locate(self, name: str, importer: str | None) -> Located:
        try:
            return self._locate(name, importer)
        except (OSError, ValueError):   # a NUL byte, a name too long for the OS, a loop of links
            return Located(None, "not-found", (name.replace("\x00", "\\0")[:200],))

    def _locate(self, name: str, importer: str | None) -> Located:
        if importer is None:
            p = Path(name) if Path(name).is_absolute() else self.cwd / name
            rp = p.resolve()
            if not rp.is_file() and str(rp) not in self.overlay:
                return Located(None, "not-found", (str(p),))
            self.roots = [rp.parent] + [Path(d).resolve() for d in self.search_path] + [catalog_dir().resolve()]
            return Located(self._display(rp))
        cands = self._candidates(name, importer)
        tried = []
        for c in cands:
            tried.append(self._display(c) if c.is_absolute() else str(c))
            if c.is_file() or str(c.resolve()) in self.overlay:
                rp = c.resolve()
                if not self.allow_outside and not any(_inside(rp, r) for r in self.roots):
                    return Located(None, "symlink-escape" if c.is_symlink() or _has_link(c) else "outside-root", tuple(tried))
                return Located(self._display(rp))
        return Located(None, "not-found", tuple(tried))

    def _candidates(self, name: str, importer: str) -> list[Path]:
        file = name if name.endswith(".sn") else name + ".sn"
        here = self.real(importer).parent
        dirs = [here] + [Path(d) for d in self.search_path] + [catalog_dir()]
        if Path(file).is_absolute():
            return [Path(file)]
        return [d / file for d in dirs]

    def read(self, path: str) -> str:
        rp = self.real(path).resolve()
        if str(rp) in self.overlay:
            return self.overlay[str(rp)]
        size = rp.stat().st_size
        if size > MAX_FILE_BYTES:   # refused before reading; smaller files over the limit get SN0007
            raise OSError(errno.EFBIG, f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
        data = rp.read_bytes()
        return data.decode("utf-8")


def _inside(p: Path, root: Path) -> bool:
    try:
        p.relative_to(root)
        return True
    except ValueError:
        return False


def _has_link(p: Path) -> bool:
    return any(q.is_symlink() for q in [p, *p.parents])


def default_search_path(extra: list[str]) -> list[str]:
    env = os.environ.get("SUPERNODEC_PATH", "")
    return list(extra) + [d for d in env.split(os.pathsep) if d]
