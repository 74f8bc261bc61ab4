"""Helpers for the diagram tests: the node IDs a DOT declares and the nodes an SVG draws."""

from __future__ import annotations

import re

_NODE = re.compile(r'^\s*"((?:[^"\\]|\\.)*)" \[', re.M)


def dot_node_ids(dot: str) -> set[str]:
    """IDs of the node statements of our DOT (edges are `"a" -- "b"`, never followed by `[` directly),
    as Graphviz reads them: `\\"` is a quote, every other backslash pair stays as written."""
    unquote = lambda m: '"' if m.group(1) == '"' else m.group(0)  # noqa: E731
    return {re.sub(r"\\(.)", unquote, m, flags=re.S) for m in _NODE.findall(dot)}


def svg_node_titles(svg: bytes) -> list[str]:
    from defusedxml import ElementTree
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    ns = {"s": "http://www.w3.org/2000/svg"}
    return [g.find("s:title", ns).text or "" for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "node"]
