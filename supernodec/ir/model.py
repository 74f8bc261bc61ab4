"""The elaborated design: the value every check and emitter reads.

Layer 2. Bulk data (devices, links) is columnar: numpy arrays, one row per
device or link, so a million-accelerator center stays a few arrays rather than
millions of Python objects. Small tables (parts, racks, supernodes, requires)
are tuples of frozen dataclasses.

Conventions (all exact or integer, never float for totals):
- rates are per direction, in bit/s (``Fraction``); bidirectional = 2x;
- lengths in the link table are integer millimetres;
- power in watts, money in the part's currency (``Part.currency``);
- a device's ports are numbered 0..N-1 across its part's port groups, in
  declaration order (``Part.port_group_of``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Mapping

import numpy as np

from ..source import Span

DEVICE_KINDS = (
    "accelerator", "cpu", "switch", "nic", "server", "power_shelf", "cooling", "device",
)
MEDIUM_KINDS = ("optic", "cable")
PART_KINDS = DEVICE_KINDS + MEDIUM_KINDS + ("rack",)
PROTOCOLS = ("UB", "NVLink", "InfiniBand", "Ethernet", "RoCE", "PCIe")


@dataclass(frozen=True)
class PortGroup:
    name: str
    count: int
    rate: Fraction          # bit/s per direction, per port (all lanes)
    protocol: str
    lanes: int = 1
    form: str | None = None  # OSFP, QSFP-DD, QSFP112, backplane, ...
    required: bool = False   # every port should be connected (warning if not)
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Part:
    """A catalog part (device, medium or rack), after `extends` is applied."""

    qname: str                     # module-qualified: "huawei.Ascend910C"
    kind: str                      # one of PART_KINDS
    vendor: str = ""
    part_number: str = ""
    description: str = ""
    doc: str = ""                  # the doc comment (source, assumptions)
    price: Fraction | None = None  # per unit, in `currency`
    currency: str = "USD"
    power: Fraction | None = None  # W per unit (for media: per end)
    height: int | None = None      # U
    memory: int | None = None      # bytes (HBM / DRAM of the part)
    latency: Fraction | None = None  # s, port to port (switches)
    cooling: str | None = None     # "air" | "liquid" (what the part needs / a rack offers)
    ports: tuple[PortGroup, ...] = ()
    # media (optic / cable)
    medium_class: str | None = None  # DAC, ACC, AEC, AOC, SR, DR, FR, LR, backplane
    rate: Fraction | None = None     # bit/s per direction the medium carries
    reach: Fraction | None = None    # m
    delay: Fraction | None = None    # s per m
    form: str | None = None          # connector form factor of the medium
    links_per_module: int = 1        # links one module/cable carries (breakout)
    leg: int = -1                    # optics: part index of the module each breakout leg end takes (-1: this part)
    protocol: str | None = None      # media: the only protocol it carries (None: any)
    max_racks: int | None = None     # electrical media: racks a cable may span
    # racks
    power_budget: Fraction | None = None  # W
    fields: Mapping[str, object] = field(default_factory=dict, compare=False)
    span: Span | None = field(default=None, compare=False)

    @property
    def port_count(self) -> int:
        return sum(g.count for g in self.ports)

    def port_offsets(self) -> tuple[int, ...]:
        out, acc = [], 0
        for g in self.ports:
            out.append(acc)
            acc += g.count
        return tuple(out)

    def port_group_of(self, port: int) -> tuple[PortGroup, int]:
        """(group, index within group) of a device-level port number."""
        for g in self.ports:
            if port < g.count:
                return g, port
            port -= g.count
        raise IndexError(port)

    def port_name(self, port: int) -> str:
        g, i = self.port_group_of(port)
        return f"{g.name}[{i}]"


@dataclass(frozen=True)
class Row:
    name: str                # "A"
    slots: int               # rack positions in the row
    pitch: Fraction          # m between adjacent positions
    y: Fraction              # m, distance of the row from the hall origin


@dataclass(frozen=True)
class Hall:
    name: str
    rows: tuple[Row, ...]
    power_budget: Fraction | None = None  # W
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Rack:
    name: str                # full instance path: "pod[0].compute[3]"
    part: int                # index into Design.parts (kind "rack")
    hall: str | None = None
    row: str | None = None
    slot: int | None = None
    x: Fraction | None = None  # m along the row
    y: Fraction | None = None  # m across rows
    supernode: int = -1
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Placement:
    """Something placed in a rack: a device or a template instance (a server)."""

    name: str
    rack: int
    u: int                  # lowest U, 1-based
    height: int             # U occupied (0: no height declared)
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Supernode:
    """One instance of a `supernode` template: a scale-up domain."""

    name: str               # "pod[2]"
    template: str           # "CloudMatrix384"
    first_device: int       # devices of an instance are contiguous
    end_device: int
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Connect:
    """The declaration a group of links came from (for spans and notes)."""

    text: str               # "npu[i].ub[p] -> l1[p].down[i]"
    scope: str              # template the connect statement is written in
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Selector:
    """A set of devices (and optionally one port group) named in a require."""

    text: str               # as written: "npu", "l1.up"
    devices: np.ndarray = field(compare=False)  # int32 device ids (rack ids when `racks`)
    port_group: str | None = None
    racks: bool = False


@dataclass(frozen=True)
class Require:
    """`require FUNC(args) OP bound`, elaborated in the scope it was written.

    One Require per instance of the scope (a require in a supernode template
    instantiated 4 times gives 4, with `scope` naming each instance).
    """

    func: str               # latency | hops | bandwidth | oversubscription |
                            # bisection | power | redundant | reach | space ...
    args: tuple[Selector, ...]
    op: str                 # "<=", ">=", "<", ">", "=="
    bound: object           # Quantity, Fraction (ratio), int, or None (redundant)
    scope: str              # instance path of the scope ("" = center)
    options: Mapping[str, object] = field(default_factory=dict)
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class MemoryDecl:
    """`memory unified over npu, cpu width 52 bits [align 1 GiB]` in a supernode."""

    supernode: int
    members: np.ndarray = field(compare=False)  # device ids, in declaration order
    width_bits: int = 64
    align: int = 1          # bytes
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Devices:
    """Columnar device table. Row i is device i."""

    name: tuple[str, ...]   # instance path "pod[0].server[3].npu[5]"
    role: tuple[str, ...]   # the declared member name: "npu"
    part: np.ndarray        # int32 -> Design.parts
    rack: np.ndarray        # int32 -> Design.racks, -1 = unplaced
    u: np.ndarray           # int16 lowest U position (1-based), -1 = unplaced
    supernode: np.ndarray   # int32 -> Design.supernodes, -1 = none
    mgmt: Mapping[int, str] = field(default_factory=dict)  # device -> mgmt address

    def __len__(self) -> int:
        return len(self.name)


@dataclass(frozen=True)
class Links:
    """Columnar link table. Row i is one logical link (one lane group)."""

    a: np.ndarray           # int32 device
    a_port: np.ndarray      # int32 port number on device a
    b: np.ndarray
    b_port: np.ndarray
    medium: np.ndarray      # int32 -> Design.parts (optic/cable), -1 = backplane/PCB
    lanes: np.ndarray       # int16 lanes the link uses
    cable: np.ndarray       # int32 physical cable id; links sharing it share one cable/module pair
    connect: np.ndarray     # int32 -> Design.connects
    length_mm: np.ndarray   # int32 computed length, -1 when no placement

    def __len__(self) -> int:
        return int(self.a.shape[0])


@dataclass(frozen=True)
class Design:
    name: str
    parts: tuple[Part, ...]
    devices: Devices
    links: Links
    racks: tuple[Rack, ...] = ()
    placements: tuple[Placement, ...] = ()
    halls: tuple[Hall, ...] = ()
    supernodes: tuple[Supernode, ...] = ()
    connects: tuple[Connect, ...] = ()
    requires: tuple[Require, ...] = ()
    memory: tuple[MemoryDecl, ...] = ()
    params: Mapping[str, object] = field(default_factory=dict)
    settings: Mapping[str, object] = field(default_factory=dict)  # slack, routing factor, ...
    span: Span | None = field(default=None, compare=False)

    def part_index(self, qname: str) -> int:
        for i, p in enumerate(self.parts):
            if p.qname == qname:
                return i
        raise KeyError(qname)
