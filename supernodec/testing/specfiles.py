"""`SpecFiles`, a spec as text plus the files it imports, and compiling one.

Generated specs live in memory: `compile_files` hands them to the real
`FileLoader` through its editor overlay, rooted in a folder that does not
exist, so nothing touches the disk and imports resolve exactly as they would
for files on disk. `SpecFiles.write` puts them on disk (for the CLI, or to
save a failing example).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..driver import CompileResult, Options, compile_spec
from ..loader import FileLoader

VIRTUAL_ROOT = Path("/nonexistent-supernodec-testing-root")


@dataclass(frozen=True)
class SpecFiles:
    """A root spec and the auxiliary files next to it.

    `main` is the text of `main_name`; `files` maps relative paths
    ("parts.sn", "lib/optics.sn") to their text. `label` says how the spec was
    made (the mutation applied, say) and is shown in failure reports.
    """

    main: str
    files: Mapping[str, str] = field(default_factory=dict)
    main_name: str = "main.sn"
    label: str = ""

    def all_files(self) -> dict[str, str]:
        """Every file by relative path, the root spec first."""
        return {self.main_name: self.main, **{k: v for k, v in sorted(self.files.items()) if k != self.main_name}}

    def write(self, folder: Path) -> Path:
        """Write every file under `folder`; returns the path of the root spec."""
        for rel, text in self.all_files().items():
            p = folder / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
        return folder / self.main_name

    def with_file(self, rel: str, text: str, label: str = "") -> "SpecFiles":
        """A copy with one file replaced (the root spec if `rel` is `main_name`)."""
        if rel == self.main_name:
            return SpecFiles(text, self.files, self.main_name, label or self.label)
        return SpecFiles(self.main, {**self.files, rel: text}, self.main_name, label or self.label)


def loader_for(spec: SpecFiles, root: Path = VIRTUAL_ROOT, **kw: Any) -> FileLoader:
    """A `FileLoader` that serves the spec's files from memory under `root`."""
    base = root.resolve()
    overlay = {str((base / rel).resolve()): text for rel, text in spec.all_files().items()}
    return FileLoader(overlay=overlay, cwd=base, **kw)


def compile_files(spec: SpecFiles, options: Options | None = None, **loader_kw: Any) -> CompileResult:
    """Compile a generated spec in memory with the real driver and loader."""
    return compile_spec(spec.main_name, loader_for(spec, **loader_kw), options or Options())


def specs_in(folder: Path) -> list[SpecFiles]:
    """Every `*.sn` directly in `folder` as a root spec, with every `.sn` file below
    `folder` as its companions (so their imports resolve): a base for mutations,
    e.g. `mutated_specs(base=st.sampled_from(specs_in(Path("examples"))))`."""
    roots = sorted(p for p in folder.glob("*.sn") if p.is_file())
    every = {q.relative_to(folder).as_posix(): q.read_text(encoding="utf-8") for q in sorted(folder.rglob("*.sn"))}
    return [SpecFiles(every[r.name], {k: v for k, v in every.items() if k != r.name}, main_name=r.name,
                      label=f"{folder.name}/{r.name}") for r in roots]
