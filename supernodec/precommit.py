"""`python -m supernodec.precommit FILE...`: `supernodec check` on each file (layer 8).

pre-commit hands a hook every changed file at once, while `supernodec check`
compiles one root spec; this runs it per file (a catalog or template module
compiles on its own) and fails if any file fails. Extra options before the
files (`-I DIR`, `--strict`) are passed to every check.
"""

from __future__ import annotations

import sys
from typing import Sequence

from .cli import main as cli_main


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    files = [a for a in args if a.endswith(".sn")]
    opts = [a for a in args if not a.endswith(".sn")]
    status = 0
    for f in files:
        status = max(status, cli_main(["check", f, "--format", "short", *opts]))
    return status


if __name__ == "__main__":
    sys.exit(main())
