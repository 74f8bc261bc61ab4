"""Port compatibility (always on): protocol and rate agreement between the ends of a
link, connector form factor against the medium, module sharing, required ports.

Ports used twice and port shortages are found while connecting (SN0601/SN0602). Every
finding is aggregated per `connect` declaration (or per part's port group): one
diagnostic with a count and one example, never one per link.
"""

from __future__ import annotations

import numpy as np

from ..diagnostics import Diagnostic, error, warning
from ..ir.flat import FORMS, port_table
from ..ir.model import PROTOCOLS, Design
from . import check
from .common import cached, capacity, count, link_end_rates, links_per_cable, medium_share, port_base, port_rows, rate_text

# Ethernet and RoCE share a family: RoCE is RDMA over Ethernet ports.
_FAMILY = np.array([PROTOCOLS.index(p) if p != "RoCE" else PROTOCOLS.index("Ethernet") for p in PROTOCOLS])
_PLUGGABLE = np.array([f not in ("", "backplane", "PCIe", "CPO") for f in FORMS])
_BACKPLANE = FORMS.index("backplane")


@check("ports")
def check_ports(design: Design) -> list[Diagnostic]:
    if len(design.links) == 0:
        return _required(design)
    out = _protocols(design)
    out += _rates(design)
    out += _forms(design)
    out += _modules(design)
    out += _required(design)
    return out


def _end(design: Design, link: int, side: str) -> str:
    L = design.links
    dev, port = (L.a, L.a_port) if side == "a" else (L.b, L.b_port)
    d = int(dev[link])
    part = design.parts[int(design.devices.part[d])]
    return f"`{design.devices.name[d]}.{part.port_name(int(port[link]))}`"


def _per_connect(design: Design, bad: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(connect index, its offending link ids) in connect order."""
    ids = np.flatnonzero(bad)
    if ids.size == 0:
        return []
    con = design.links.connect[ids]
    order = np.argsort(con, kind="stable")
    ids, con = ids[order], con[order]
    cuts = np.flatnonzero(np.diff(con)) + 1
    return [(int(c[0]), g) for c, g in zip(np.split(con, cuts), np.split(ids, cuts))]


def _span(design: Design, c: int):  # noqa: ANN202 - Span | None
    return design.connects[c].span if 0 <= c < len(design.connects) else None


def _of_connect(design: Design, c: int, n: int) -> str:
    total = int(np.count_nonzero(design.links.connect == c))
    return f"{n:,} of the {count(total, 'link')} of this connect" if total > 1 else "its one link"


def _protocols(design: Design) -> list[Diagnostic]:
    pt = port_table(design.parts)
    ra, rb = port_rows(design)
    pa, pb = pt.protocol[ra], pt.protocol[rb]
    out = []
    for c, ids in _per_connect(design, _FAMILY[pa] != _FAMILY[pb]):
        k = int(ids[0])
        out.append(error(
            "SN0604", f"{_end(design, k, 'a')} speaks {PROTOCOLS[pa[k]]} but {_end(design, k, 'b')} speaks {PROTOCOLS[pb[k]]}",
            _span(design, c), label=f"{_of_connect(design, c, len(ids))}: different protocols",
            hint="connect ports of the same protocol, or put a NIC or gateway between them"))
    return out


def _rates(design: Design) -> list[Diagnostic]:
    ca, cb = link_end_rates(design)
    cap = capacity(design)
    slow = (cap < np.maximum(ca, cb)) & ~_overloaded(design)   # an overloaded module is its own error
    out = []
    for c, ids in _per_connect(design, slow):
        k = int(ids[0])
        share = int(medium_share(design)[k])
        if share >= 0 and share < min(int(ca[k]), int(cb[k])):
            m = design.parts[int(design.links.medium[k])]
            per = int(links_per_cable(design)[k])
            why = (f"its medium `{m.qname}` carries {rate_text(int(m.rate or 0))}" +
                   (f" shared by {per} links" if per > 1 else "") + f", below the ports' {rate_text(min(int(ca[k]), int(cb[k])))}")
        else:
            why = f"{_end(design, k, 'a')} offers {rate_text(int(ca[k]))} but {_end(design, k, 'b')} offers {rate_text(int(cb[k]))}"
        out.append(warning(
            "SN0606", f"link runs at {rate_text(int(cap[k]))}: {why}", _span(design, c),
            label=f"{_of_connect(design, c, len(ids))}: the lower rate wins",
            hint="connect ports of equal rate, split the faster port, or use a medium that carries the full rate"))
    return out


def _forms(design: Design) -> list[Diagnostic]:
    pt = port_table(design.parts)
    ra, rb = port_rows(design)
    fa, fb = pt.form[ra], pt.form[rb]
    med = design.links.medium
    forms = np.array([FORMS.index(p.form) if p.form in FORMS else 0 for p in design.parts] + [0], dtype=np.int8)
    far = far_medium(design)                 # a breakout leg's B end takes the optic's `leg` module
    mform, bform = forms[med], forms[far]
    has = med >= 0
    bad_a = has & (((fa == _BACKPLANE)) | ((mform > 0) & (fa > 0) & (fa != mform)))
    bad_b = has & (((fb == _BACKPLANE)) | ((bform > 0) & (fb > 0) & (fb != bform)))
    out = []
    for c, ids in _per_connect(design, bad_a | bad_b):
        k = int(ids[0])
        side = "a" if bad_a[k] else "b"
        form = FORMS[int((fa if side == "a" else fb)[k])]
        m = design.parts[int((med if side == "a" else far)[k])]
        what = (f"{_end(design, k, side)} is a backplane port and takes no medium, but the link uses `{m.qname}`"
                if form == "backplane" else
                f"`{m.qname}` is {m.form} but {_end(design, k, side)} is {form}")
        out.append(error("SN0607", what, _span(design, c), label=f"{_of_connect(design, c, len(ids))}: connector mismatch",
                         hint=(f"choose a {form} medium, or `medium auto`" if form != "backplane"
                               else "leave out `medium` for board and backplane links")))
    missing = ~has & _PLUGGABLE[fa] & _PLUGGABLE[fb]
    for c, ids in _per_connect(design, missing):
        k = int(ids[0])
        out.append(warning(
            "SN0608", f"{_end(design, k, 'a')} ({FORMS[int(fa[k])]}) and {_end(design, k, 'b')} ({FORMS[int(fb[k])]}) "
            "are pluggable ports, but the link names no cable or optic", _span(design, c),
            label=f"{_of_connect(design, c, len(ids))}: no medium",
            hint="add `medium auto` (or name a cable or optic) so the BOM and the cabling plan count it"))
    return out


def breakout_legs(design: Design) -> np.ndarray:
    """Per link: it is a leg of a breakout (`split N`): its cable holds several links, all from one A port."""
    L = design.links
    out = np.zeros(len(L), dtype=bool)
    multi = (L.medium >= 0) & (L.cable >= 0) & (links_per_cable(design) > 1)
    if not multi.any():
        return out
    idx = np.flatnonzero(multi)
    _, inv = np.unique(L.cable[idx], return_inverse=True)
    inv = inv.reshape(-1)
    key = L.a[idx].astype(np.int64) * (1 << 20) + L.a_port[idx].astype(np.int64)
    lo = np.full(int(inv.max()) + 1, np.iinfo(np.int64).max, np.int64)
    hi = np.full(lo.size, -1, np.int64)
    np.minimum.at(lo, inv, key)
    np.maximum.at(hi, inv, key)
    out[idx] = (lo == hi)[inv]
    return out


def far_medium(design: Design) -> np.ndarray:
    """Per link: the medium part at its B end: the optic's `leg` module on a breakout leg, else the medium."""
    def make() -> np.ndarray:
        med = design.links.medium
        leg = np.array([p.leg for p in design.parts] + [-1], dtype=np.int64)
        if not (leg >= 0).any():
            return med
        use = breakout_legs(design) & (leg[med] >= 0)
        return np.where(use, leg[med], med).astype(med.dtype)
    return cached(design, "far_medium", make)


def _overloaded(design: Design) -> np.ndarray:
    """Per link: its module carries more links than the medium's `links_per_module`."""
    lpm = np.array([p.links_per_module or 1 for p in design.parts] + [1], dtype=np.int64)[design.links.medium]
    return (design.links.medium >= 0) & (links_per_cable(design) > lpm)


def _modules(design: Design) -> list[Diagnostic]:
    per = links_per_cable(design)
    over = _overloaded(design)
    out = []
    for c, ids in _per_connect(design, over):
        k = int(ids[0])
        m = design.parts[int(design.links.medium[k])]
        out.append(error(
            "SN0612", f"{int(per[k])} links share one `{m.qname}`, which carries {count(m.links_per_module or 1, 'link')} per module",
            _span(design, c), label=f"{_of_connect(design, c, len(ids))}: too many per module",
            hint=f"bundle or split at most {m.links_per_module or 1} links per module, or use a medium that carries more"))
    return out


def _required(design: Design) -> list[Diagnostic]:
    parts = design.parts
    if not any(g.required for p in parts for g in p.ports) or len(design.devices) == 0:
        return []
    base = port_base(design)
    used = np.zeros(int(base[-1]), dtype=bool)
    L = design.links
    used[base[L.a] + L.a_port] = True
    used[base[L.b] + L.b_port] = True
    out = []
    dev_part = design.devices.part
    for pi, p in enumerate(parts):
        devs = np.flatnonzero(dev_part == pi) if any(g.required for g in p.ports) else np.zeros(0, np.int64)
        if devs.size == 0:
            continue
        for g, off in zip(p.ports, p.port_offsets()):
            if g.required:
                out += _required_group(design, p.qname, g, devs, base[devs] + off, used)
    return out


def _required_group(design: Design, qname: str, g, devs: np.ndarray, first: np.ndarray,  # noqa: ANN001
                    used: np.ndarray) -> list[Diagnostic]:
    idx = first[:, None] + np.arange(g.count)[None, :]
    free = ~used[idx]
    per_dev = free.sum(axis=1)
    bad = np.flatnonzero(per_dev)
    if bad.size == 0:
        return []
    d0 = int(devs[bad[0]])
    ports = [f"{g.name}[{i}]" for i in np.flatnonzero(free[bad[0]])[:4].tolist()]
    n = int(per_dev.sum())
    return [warning(
        "SN0609", f"{count(n, 'required `' + g.name + '` port')} of `{qname}` {'is' if n == 1 else 'are'} unconnected "
        f"on {count(bad.size, 'device')}; first `{design.devices.name[d0]}` ({', '.join(ports)})",
        g.span, label="declared `required`",
        hint=f"connect every `{g.name}` port, or drop `required` from the port group")]
