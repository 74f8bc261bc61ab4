"""`supernodec lsp`: the language server over stdio (layer 8).

pygls is an optional dependency (`pip install 'supernodec[lsp]'`); without it
the command says so instead of failing with a traceback. The handlers are in
`handlers.py`.
"""

from __future__ import annotations

import logging
import os
import sys


def serve() -> None:
    """Run the language server on stdin/stdout until the client exits."""
    logging.basicConfig(level=os.environ.get("SUPERNODEC_LSP_LOG", "WARNING").upper(),
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        from .handlers import run_stdio
    except ImportError as e:
        print(f"supernodec: the language server needs pygls ({e.name or e}); "
              "install it with `pip install 'supernodec[lsp]'`", file=sys.stderr)
        raise SystemExit(2) from None
    run_stdio()
