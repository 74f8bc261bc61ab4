"""Build output on disk (layer 8): a staging folder beside `-o` that artifacts stream
into, from either emitter process, swapped in for the old output only when everything
succeeded, so that any failure leaves the old output byte-identical.

`build` refuses to replace anything that is not an earlier build's output (a file, a
device, a folder of other things): `OutputRefused`, which the CLI reports as a usage error.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any


class OutputRefused(Exception):
    """The output path cannot take a build: not a folder, a folder of other things, or not writable."""


# What a build writes at the top of its folder; a folder holding none of these is not replaced.
OUTPUT_NAMES = frozenset(("ir.json", "address-map.json", "bom.csv", "bom.json", "bom.md", "bom.xlsx", "cabling.csv",
                          "diagrams", "slurm", "kubernetes", "ansible", "netbox"))


def _replaceable(out: Path, paths: list[str]) -> None:
    """Refuse to replace what is not an earlier build: a file or device (`-o /dev/null`
    renamed the device away as root), or a folder of other things (`-o ~`)."""
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputRefused(f"the output path `{out}` exists and is not a folder")
    names = {p.name for p in out.iterdir()}
    ours = OUTPUT_NAMES | {rel.split("/", 1)[0] for rel in paths}
    if names and not names & ours:
        raise OutputRefused(f"`{out}` holds other files ({sorted(names)[0]}, ...) and no earlier build output; "
                         "choose a new or empty folder with -o")


class Staging:
    """A temp folder beside `out` that artifacts stream into (from either emitter
    process); `commit` swaps it in for `out`, and `discard` removes whatever is
    left, so the old output survives any failure byte-identical."""

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        if self.out.exists() and not self.out.is_dir():   # refuse early; `commit` checks again
            raise OutputRefused(f"the output path `{self.out}` exists and is not a folder")
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self.tmp: Path | None = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.tmp-", dir=self.out.parent))
        except OSError as e:
            raise OutputRefused(f"cannot write into `{self.out.parent}`: {e.strerror or e}") from None
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.tmp, 0o777 & ~umask)

    def write(self, artifact: Any) -> None:
        """Stream one artifact (bytes or a producer) into its file in the staging folder."""
        assert self.tmp is not None
        rel = artifact.path
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            raise ValueError(f"unsafe output path {rel}")
        p = self.tmp / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "wb", buffering=1 << 20) as f:
            artifact.write_to(f)

    def commit(self, paths: list[str]) -> None:
        assert self.tmp is not None
        _replaceable(self.out, paths)
        out, old = self.out, None
        try:
            if out.exists():
                old = out.parent / f".{out.name}.old-{os.getpid()}"
                os.rename(out, old)
            os.rename(self.tmp, out)
            self.tmp = None
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            if old is not None and old.exists() and not out.exists():
                os.rename(old, out)   # interrupted between the two renames: put the old output back
            raise

    def discard(self) -> None:
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


def write_atomic(out: Path, files: list[tuple[str, bytes]]) -> None:
    """Write `files` (path, bytes) into a temp dir beside `out`, then swap it in; the old output survives any failure."""
    from .emit import Artifact
    staging = Staging(out)
    try:
        for rel, data in files:
            staging.write(Artifact(rel, data))
        staging.commit([rel for rel, _ in files])
    finally:
        staging.discard()
