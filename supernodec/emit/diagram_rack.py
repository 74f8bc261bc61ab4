"""Rack elevations: the front view of each rack type by U position, as DCIM tools draw it.

A rack *type* is a rack part together with its layout: what sits at which U,
how tall, holding which parts. Racks with the same type share one drawing
(the first such rack is shown, the title says how many there are). U 1 is at
the bottom; every U is a row, so the drawing is to scale vertically.

Items come from `Design.placements`; their contents from the devices at the
item's U positions in that rack. Items without a declared height are drawn
1 U tall and marked; items outside the rack or on top of another are listed
under the drawing, not drawn over it (the space check reports them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..ir.model import Design
from .diagram_graph import FONT
from .dot import attrs, label_lines, q

_INDEX = re.compile(r"\[[^\]]*\]")
U_IN = 0.25      # inches drawn per rack unit
MAX_TYPES = 64   # rack elevations drawn at most (the most common layouts)
SLOT_W = 4.2     # inches, width of the mounting space
FILL = {"accelerator": "#e8f4e8", "switch": "#eef3fb", "cpu": "#fdf6e3", "server": "#fdf6e3"}


@dataclass(frozen=True)
class Item:
    name: str                 # instance path of what is placed
    u: int                    # lowest U
    height: int               # U drawn (>= 1)
    declared: bool            # height was declared
    contents: tuple[tuple[str, int], ...]   # (part qname, count), in part order
    kind: str                 # kind of the most numerous part (for the fill)

    def signature(self) -> tuple:
        return (self.u, self.height, self.declared, _INDEX.sub("", self.name.rsplit(".", 1)[-1]), self.contents)


def _contents(design: Design) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """(rack, U) -> [(part, count)] for every placed device."""
    D = design.devices
    placed = np.flatnonzero(D.rack >= 0)
    if placed.size == 0:
        return {}
    P = len(design.parts)
    key = (D.rack[placed].astype(np.int64) * 65536 + D.u[placed].astype(np.int64)) * P + D.part[placed]
    uniq, counts = np.unique(key, return_counts=True)
    out: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for k, c in zip(uniq.tolist(), counts.tolist()):
        ru, part = divmod(k, P)
        out.setdefault(divmod(ru, 65536), []).append((part, c))
    return out


def _first_device(design: Design) -> dict[tuple[int, int], int]:
    """(rack, U) -> the first device placed there."""
    D = design.devices
    placed = np.flatnonzero(D.rack >= 0)
    key = D.rack[placed].astype(np.int64) * 65536 + D.u[placed].astype(np.int64)
    uniq, idx = np.unique(key, return_index=True)
    return {divmod(k, 65536): int(placed[i]) for k, i in zip(uniq.tolist(), idx.tolist())}


def _item(design: Design, name: str, rack: int, u: int, height: int,
          contents: dict[tuple[int, int], list[tuple[int, int]]]) -> Item:
    span = max(height, 1)
    agg: dict[int, int] = {}
    for uu in range(u, u + span):
        for part, c in contents.get((rack, uu), []):
            agg[part] = agg.get(part, 0) + c
    parts = sorted(agg)
    kind = design.parts[max(parts, key=lambda p: (agg[p], -p))].kind if parts else ""
    return Item(name, u, span, height > 0, tuple((design.parts[p].qname, agg[p]) for p in parts), kind)


def rack_items(design: Design) -> list[list[Item]]:
    """Per rack: its items sorted by U (placements, plus devices at U positions no placement covers)."""
    contents = _contents(design)
    items: list[list[Item]] = [[] for _ in design.racks]
    covered: set[tuple[int, int]] = set()
    for p in design.placements:
        if 0 <= p.rack < len(items):
            items[p.rack].append(_item(design, p.name, p.rack, p.u, p.height, contents))
            covered.update((p.rack, uu) for uu in range(p.u, p.u + max(p.height, 1)))
    loose = sorted(set(contents) - covered)
    if loose:
        first = _first_device(design)
        for (r, u) in loose:
            items[r].append(_item(design, design.devices.name[first[(r, u)]], r, u, 0, contents))
    return [sorted(it, key=lambda i: (i.u, i.name)) for it in items]


def _short(name: str, rack: str) -> str:
    """The item's name without the path it shares with its rack ("pod.server[3]" in "pod.compute[0]" -> "server[3]")."""
    a, b = name.split("."), rack.split(".")
    k = 0
    while k < min(len(a), len(b)) - 1 and a[k] == b[k]:
        k += 1
    return ".".join(a[k:])


def _text(item: Item, rack: str) -> list[str]:
    """The lines drawn on an item: its name, then its contents (one line when the item is 1 U)."""
    parts = ", ".join(f"{c} {p.rsplit('.', 1)[-1]}" for p, c in item.contents) or "no devices"
    mark = "" if item.declared else " (no height declared)"
    if item.height == 1:
        return [f"{_short(item.name, rack)}{mark}: {parts}"]
    return [_short(item.name, rack) + mark, parts]


def _layout(height: int, items: list[Item]) -> tuple[list[Item], list[Item], set[int]]:
    """Items that fit, the rest (outside the rack or overlapping), and the U positions taken."""
    taken: set[int] = set()
    fit: list[Item] = []
    rest: list[Item] = []
    for it in items:
        us = set(range(it.u, it.u + it.height))
        if it.u < 1 or it.u + it.height - 1 > height or us & taken:
            rest.append(it)
            continue
        taken |= us
        fit.append(it)
    return fit, rest, taken


def _box(nid: str, x: float, y: float, w: float, h: float, lines: list[str], **kw: str) -> str:
    """A node pinned at (x, y) inches (centre), `w` x `h` inches."""
    return (f"  {q(nid)} " + attrs(pos=f"{x:.3f},{y:.3f}!", width=f"{w:.3f}", height=f"{h:.3f}",
                                    label=label_lines(lines), **kw) + ";")


def elevation_dot(design: Design, rack: int, items: list[Item], count: int) -> str:
    """A to-scale front view: every node pinned (neato layout), 1 U = `U_IN` inches, U 1 at the bottom."""
    rk = design.racks[rack]
    part = design.parts[rk.part]
    height = part.height or max([i.u + i.height - 1 for i in items] + [42])
    fit, rest, taken = _layout(height, items)
    title = [f"{part.qname} ({height} U)", rk.name + (f" and {count - 1:,} more like it" if count > 1 else "")]
    out = [f"graph {q('rack ' + part.qname)} {{",
           f"  graph {attrs(layout='neato', fontname=FONT, splines='false')};",
           f"  node {attrs(fontname=FONT, fontsize=7, shape='box', fixedsize='true', style='filled', fillcolor='white')};",
           _box("title", 0, (height + 1.6) * U_IN, SLOT_W + 1, 0.5, title, shape="plaintext", fontsize="10")]
    for u in range(1, height + 1):
        y = (u - 0.5) * U_IN
        out.append(_box(f"U{u} left", -(SLOT_W / 2 + 0.2), y, 0.3, U_IN, [str(u)], shape="plaintext"))
        out.append(_box(f"U{u} right", SLOT_W / 2 + 0.2, y, 0.3, U_IN, [str(u)], shape="plaintext"))
        if u not in taken:
            out.append(_box(f"U{u} empty", 0, y, SLOT_W, U_IN, [""], fillcolor="#f4f4f4", color="gray80"))
    for k, it in enumerate(fit):
        y = (it.u - 1 + it.height / 2) * U_IN
        out.append(_box(f"item {k}", 0, y, SLOT_W, it.height * U_IN, _text(it, rk.name), fillcolor=FILL.get(it.kind, "#ffffff")))
    if rest:
        lines = ["not drawn (outside the rack or overlapping):"] + [f"{i.name} at U{i.u} ({i.height} U)" for i in rest]
        out.append(_box("not drawn", 0, -0.3 - 0.07 * len(lines), SLOT_W + 1, 0.15 * len(lines), lines,
                        shape="plaintext", fontcolor="#a00000"))
    out.append("}")
    return "\n".join(out) + "\n"


def rack_elevations(design: Design) -> list[tuple[str, str]]:
    """(rack part name, DOT) per rack type, in order of the first rack of each type.

    At most `MAX_TYPES` drawings: when a design has more layouts than that, the most
    common ones are drawn (a drawing per rack would be no overview at all).
    """
    items = rack_items(design)
    first: dict[tuple, int] = {}
    count: dict[tuple, int] = {}
    for r, rk in enumerate(design.racks):
        sig = (rk.part, tuple(i.signature() for i in items[r]))
        first.setdefault(sig, r)
        count[sig] = count.get(sig, 0) + 1
    kept = sorted(first, key=lambda sig: (-count[sig], first[sig]))[:MAX_TYPES]
    kept.sort(key=lambda sig: first[sig])
    return [(design.parts[design.racks[first[sig]].part].qname, elevation_dot(design, first[sig], items[first[sig]], count[sig]))
            for sig in kept]
