"""scipy.sparse.csgraph's C routines without the package's own `__init__`.

`import scipy.sparse.csgraph` also imports `scipy.sparse.linalg` and `scipy.linalg`
(through `_laplacian`), about 0.13 s that the editing loop (`check` of a normal spec
in under half a second) cannot afford and that no check uses. The routines we need
live in compiled submodules; they are loaded here under a temporary stand-in for the
package, which is removed again so that a later real import of the package works.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

_NAME = "scipy.sparse.csgraph"
_SUBMODULES = {"dijkstra": "_shortest_path", "shortest_path": "_shortest_path",
               "maximum_flow": "_flow", "breadth_first_order": "_traversal",
               "depth_first_order": "_traversal", "connected_components": "_traversal"}


def _submodule(sub: str) -> Any:
    full = f"{_NAME}.{sub}"
    if full in sys.modules:
        return sys.modules[full]
    if _NAME in sys.modules:
        return importlib.import_module(full)
    import scipy.sparse  # noqa: F401  (the C routines need it loaded)
    spec = importlib.util.find_spec(_NAME)
    if spec is None or spec.submodule_search_locations is None:
        return importlib.import_module(full)
    stand_in = types.ModuleType(_NAME)
    stand_in.__path__ = list(spec.submodule_search_locations)
    stand_in.__package__ = _NAME
    sys.modules[_NAME] = stand_in
    try:
        return importlib.import_module(full)
    except ImportError:
        del sys.modules[_NAME]
        return importlib.import_module(full)
    finally:
        if sys.modules.get(_NAME) is stand_in:
            del sys.modules[_NAME]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return getattr(_submodule(_SUBMODULES[name]), name)
    raise AttributeError(name)


def dijkstra(*a: Any, **kw: Any) -> Any:
    return _submodule("_shortest_path").dijkstra(*a, **kw)


def maximum_flow(*a: Any, **kw: Any) -> Any:
    return _submodule("_flow").maximum_flow(*a, **kw)


def breadth_first_order(*a: Any, **kw: Any) -> Any:
    return _submodule("_traversal").breadth_first_order(*a, **kw)


def depth_first_order(*a: Any, **kw: Any) -> Any:
    return _submodule("_traversal").depth_first_order(*a, **kw)


def connected_components(*a: Any, **kw: Any) -> Any:
    return _submodule("_traversal").connected_components(*a, **kw)
