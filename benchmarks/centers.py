"""Generate a realistic `.sn` computing center of N accelerators, written with templates.

    python benchmarks/centers.py --accelerators 100000 -o /tmp/c100k/center.sn

writes `center.sn` and, beside it, `scaleout.sn` (the scale-out switches, optics and
network racks it imports; the Huawei parts come from the shipped `huawei` catalog).

The shape, as an architect would write it:

- scale-up: CloudMatrix384-like supernodes (48 nodes of 8 Ascend 910C NPUs, 4 Kunpeng
  CPUs and 7 L1 UB switch chips; 7 planes of 16 L2 UB switch chips; L1-L2 over 400G UB
  optics), the structure of `examples/cloudmatrix384.sn`. The remainder that does not
  fill a whole supernode becomes one smaller supernode of whole nodes
  (`CloudMatrix384(nodes = r)`); N is rounded up to whole 8-NPU nodes.
- scale-out: a rail-optimized three-tier Clos over the NPUs' 400G RoCE ports. Leaves
  belong to a rail (NPU r of every node goes to a leaf of rail r), half their ports down
  and half up; a pod holds one rail group of leaves and a spine tier, every leaf striped
  evenly over every spine of its pod; spine j of every pod is striped over the cores of
  core plane j. 51.2 Tb/s switches (128 x 400G) serve up to 128 pods of 10 supernodes
  (491,520 NPUs); larger centers use 102.4 Tb/s switches (256 x 400G, pods of 42
  supernodes). Non-blocking at every tier.
- floor: one data hall per pod (a compute row and a network row), a core hall in the
  middle of the campus; optics are `medium auto`, so the compiler picks DAC, AOC, SR,
  DR or FR modules from the link lengths it computes from the floor.

The spec grows with the number of pods (a hall and a few `place` lines each), never
with the number of devices or links.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from pathlib import Path

SN_NODES = 48          # nodes per full CloudMatrix384 supernode
NPUS_PER_NODE = 8      # = rails


@dataclass(frozen=True)
class Radix:
    """One switch generation of the scale-out fabric."""

    name: str          # part-name suffix
    ports: int         # 400G ports per switch
    height: int        # U
    power: int         # W
    price: int         # USD
    latency_ns: int
    per_rack: int      # switches per network rack
    per_group: int     # supernodes per floor row (a group of a pod)
    groups: int        # groups (rows) per full pod

    @property
    def half(self) -> int:
        return self.ports // 2

    @property
    def sns_per_pod(self) -> int:
        return self.per_group * self.groups

    @property
    def max_pods(self) -> int:
        return self.ports   # each core has `ports` down ports, >= 1 per pod and plane


# 51.2T: a pod of 10 supernodes (3,840 NPUs) on 64 leaves of 64 down ports (4,096).
# 102.4T: a pod of 42 supernodes (16,128 NPUs) on 128 leaves of 128 down ports (16,384).
R51 = Radix("51T", 128, 2, 1800, 60_000, 700, 8, 5, 2)
R102 = Radix("102T", 256, 4, 3200, 140_000, 800, 8, 7, 6)


@dataclass(frozen=True)
class Pod:
    """What one pod holds: `groups` rows of full supernodes, then `rest` full
    supernodes and one supernode of `tail` nodes (both only in the last pod)."""

    groups: int
    rest: int = 0
    tail: int = 0
    lpr: int = 0            # leaves per rail

    @property
    def has_extra(self) -> bool:
        return self.rest > 0 or self.tail > 0


@dataclass(frozen=True)
class Plan:
    """The sizes of one generated center."""

    accelerators: int       # actual NPU count (whole nodes)
    radix: Radix
    full_pods: int
    tail: Pod | None        # the last, smaller pod
    cores: int              # cores per plane
    planes: int             # core planes (= spines of the largest pod)

    @property
    def pods(self) -> int:
        return self.full_pods + (1 if self.tail else 0)

    @property
    def supernodes(self) -> int:
        t = self.tail
        extra = 0 if t is None else t.groups * self.radix.per_group + t.rest + (1 if t.tail else 0)
        return self.full_pods * self.radix.sns_per_pod + extra

    @property
    def full_pod(self) -> Pod:
        return Pod(self.radix.groups, 0, 0, self.radix.half // NPUS_PER_NODE)


def _pow2_at_least(n: int) -> int:
    return 1 << max(0, math.ceil(math.log2(max(n, 1))))


def plan(accelerators: int) -> Plan:
    """Split N accelerators into supernodes and pods and size every switch tier."""
    if accelerators < 1:
        raise ValueError("need at least one accelerator")
    nodes = -(-accelerators // NPUS_PER_NODE)
    full_sns, tail_nodes = divmod(nodes, SN_NODES)
    for radix in (R51, R102):
        full_pods, left = divmod(full_sns, radix.sns_per_pod)
        has_tail = left > 0 or tail_nodes > 0
        if full_pods + has_tail <= radix.max_pods:
            break
    else:
        raise ValueError(f"{accelerators:,} accelerators need more than a 3-tier 102.4T Clos")
    half = radix.half
    tail = None
    if has_tail:
        groups, rest = divmod(left, radix.per_group)
        servers = left * SN_NODES + tail_nodes
        lpr = min(_pow2_at_least(-(-servers // half)), half // NPUS_PER_NODE)
        tail = Pod(groups, rest, tail_nodes, lpr)
    pods = full_pods + (1 if tail else 0)
    planes = half if full_pods else NPUS_PER_NODE * tail.lpr  # type: ignore[union-attr]
    cores = min(_pow2_at_least(-(-pods // 2)), half)
    return Plan(nodes * NPUS_PER_NODE, radix, full_pods, tail, cores, planes)


# ---------------------------------------------------------------- text
def catalog_text(p: Plan) -> str:
    """`scaleout.sn`: the scale-out switches, optics by reach and the network rack."""
    r = p.radix
    h = r.half
    gbps = r.ports * 400 / 1000
    sw = []
    for role, ports in (("Leaf", f"port down[{h}]: RoCE @ 400 Gb/s form OSFP\n  port up[{h}]: RoCE @ 400 Gb/s form OSFP"),
                        ("Spine", f"port down[{h}]: RoCE @ 400 Gb/s form OSFP\n  port up[{h}]: RoCE @ 400 Gb/s form OSFP"),
                        ("Core", f"port down[{r.ports}]: RoCE @ 400 Gb/s form OSFP")):
        sw.append(f"""/// {gbps:g} Tb/s Ethernet switch as a {role.lower()}: {r.ports} x 400GE RoCE.
/// Assumption: latency, power and price are typical of the class, not a quote.
switch {role}{r.name} {{
  vendor = "Generic"
  part_number = "SW-{r.name}-{role.upper()}"
  height = {r.height} U
  power = {r.power} W
  price = {r.price} USD
  latency = {r.latency_ns} ns
  {ports}
}}
""")
    return f"""/// Scale-out parts for generated benchmark centers (benchmarks/centers.py).
/// Reach and power per end from reference-systems.md s7.2-7.3 (NVIDIA LinkX, IEEE
/// 802.3); prices are assumptions.

{chr(10).join(sw)}
/// 400G passive copper DAC (100G-PAM4): up to 3 m, < 0.1 W per end.
cable DAC400 {{
  vendor = "Generic"
  part_number = "DAC-400G-3M"
  class = "DAC"
  rate = 400 Gb/s
  reach = 3 m
  delay = 4.5 ns/m
  power = 0.1 W
  price = 90 USD
  form = "OSFP"
  max_racks = 1
}}

/// 400G active optical cable: 3 m to about 30 m in this catalog.
optic AOC400 {{
  vendor = "Generic"
  part_number = "AOC-400G-30M"
  class = "AOC"
  rate = 400 Gb/s
  reach = 30 m
  delay = 5 ns/m
  power = 8 W
  price = 450 USD
  form = "OSFP"
}}

/// 400G SR4 multimode module, 50 m on OM4 (NVIDIA MMA4Z00-NS400).
optic SR400 {{
  vendor = "Generic"
  part_number = "OSFP-400G-SR4"
  class = "SR"
  rate = 400 Gb/s
  reach = 50 m
  delay = 5 ns/m
  power = 8 W
  price = 550 USD
  form = "OSFP"
}}

/// 400G DR4 single-mode module, 500 m.
optic DR400 {{
  vendor = "Generic"
  part_number = "OSFP-400G-DR4"
  class = "DR"
  rate = 400 Gb/s
  reach = 500 m
  delay = 5 ns/m
  power = 9 W
  price = 800 USD
  form = "OSFP"
}}

/// 400G FR4 single-mode module, 2 km.
optic FR400 {{
  vendor = "Generic"
  part_number = "OSFP-400G-FR4"
  class = "FR"
  rate = 400 Gb/s
  reach = 2 km
  delay = 5 ns/m
  power = 10 W
  price = 1100 USD
  form = "OSFP"
}}

/// Network rack for scale-out switches. Assumption: 42U, 50 kW, air.
rack NetworkRack {{
  vendor = "Generic"
  part_number = "RACK-NET-42U"
  height = 42 U
  power_budget = 50 kW
  cooling = "air"
}}
"""


_SUPERNODE = """/// CloudMatrix384-like supernode (arXiv 2506.12708 v2 s3.3): `nodes` nodes of 8 NPUs in
/// one UB domain, 7 planes of 16 L2 UB switch chips. The NPUs' RoCE ports face the
/// scale-out fabric.
supernode CloudMatrix384(nodes = 48) {
  server: Server[nodes]
  plane[7] { l2: huawei.UBSwitchL2[16] }
  connect server[n].l1[p].up[k] -> plane[p].l2[k].p[n] medium huawei.UB400G bundle 2

  compute: huawei.ComputeRack[ceil(nodes / 4)]
  comm: huawei.CommRack[4]
  place server[i] in compute[floor(i / 4)]
  place plane[p].l2[k] in comm[floor((p * 16 + k) / 28)]

  unified memory over npu, cpu width 52 bits align 1 GiB
  require bandwidth(npu.ub) >= 392 GB/s
  require oversubscription(l1.up : l1.down) <= 1:1
  require bisection(npu) >= nodes * 4 * 392 GB/s
  require latency(npu, npu) <= 1 us
}
"""


def _pod_template(p: Plan) -> str:
    r = p.radix
    h, per, fp = r.half, r.per_group, p.full_pod
    base = "(groups * {per} + {x}) * 48 + n"
    leaf = "rail[r].leaf[floor(({m}) / {h})].down medium auto"
    return f"""/// Scale-out pod: `groups` floor rows of {per} supernodes (the last pod adds `rest` more
/// and one smaller supernode of `tail` nodes), 8 rails of `lpr` leaves, 8 x `lpr`
/// spines. Node m of the pod sends NPU r to leaf floor(m / {h}) of rail r; every leaf
/// stripes its {h} uplinks evenly over every spine of the pod.
pod ScaleOutPod(groups = {fp.groups}, rest = 0, tail = 0, lpr = {fp.lpr}) {{
  grp[groups] {{ sn: CloudMatrix384[{per}] }}
  if rest > 0 {{ extra: CloudMatrix384[rest] }}
  if tail > 0 {{ last: CloudMatrix384(nodes = tail) }}
  rail[8] {{ leaf: so.Leaf{r.name}[lpr] }}
  spine: so.Spine{r.name}[8 * lpr]
  net: so.NetworkRack[ceil(16 * lpr / {r.per_rack})]

  connect grp[g].sn[s].server[n].npu[r].rdma -> {leaf.format(m=f"(g * {per} + s) * 48 + n", h=h)}
  if rest > 0 {{
    connect extra[s].server[n].npu[r].rdma -> {leaf.format(m=base.format(per=per, x="s"), h=h)}
  }}
  if tail > 0 {{
    connect last.server[n].npu[r].rdma -> {leaf.format(m=base.format(per=per, x="rest"), h=h)}
  }}
  connect rail[r].leaf[l].up -> spine[*].down stripe medium auto
  place rail[r].leaf[l] in net[floor((l * 8 + r) / {r.per_rack})]
  place spine[j] in net[floor((8 * lpr + j) / {r.per_rack})]

  require oversubscription(leaf.down : leaf.up) <= 1:1
  require oversubscription(spine.down : spine.up) <= 1:1
}}
"""


ROW_PITCH_M = 2.4      # metres between adjacent rows of a hall (rack depth + aisle)
HALL_GAP_M = 6.0       # metres between adjacent halls


def _pod_rows(p: Plan, pod: Pod) -> list[tuple[str, int]]:
    """(row name, rack positions) of a pod's hall: group rows around the network row."""
    r = p.radix
    sn_racks = math.ceil(SN_NODES / 4) + 4
    rows = [(f"R{g}", r.per_group * sn_racks) for g in range(pod.groups)]
    if pod.has_extra:
        rows.append(("X", pod.rest * sn_racks + (math.ceil(pod.tail / 4) + 4 if pod.tail else 0)))
    net = ("N", math.ceil(16 * pod.lpr / r.per_rack))
    mid = (len(rows) + 1) // 2
    return rows[:mid] + [net] + rows[mid:]


def _fmt_m(x: float) -> str:
    return f"{round(x, 3):g} m"


def _pods(p: Plan) -> list[tuple[str, Pod]]:
    out = [(f"pod[{k}]", p.full_pod) for k in range(p.full_pods)]
    return out + ([("tailpod", p.tail)] if p.tail else [])


def _floor(p: Plan) -> list[str]:
    """Hall declarations: pod halls along y, the core hall in the middle."""
    lines = []
    y = 0.0
    pods = _pods(p)
    core_at = len(pods) // 2
    for k, (_ref, pod) in enumerate(pods):
        if k == core_at:
            lines.append(_core_hall(p, y))
            y += len(_core_rows(p)) * ROW_PITCH_M + HALL_GAP_M
        rows = "; ".join(f"row {n}[{slots}] pitch 0.6 m at {_fmt_m(y + i * ROW_PITCH_M)}"
                         for i, (n, slots) in enumerate(_pod_rows(p, pod)))
        lines.append(f"  hall h{k} {{ {rows}; power_budget = {_hall_mw(p, pod)} MW }}")
        y += len(_pod_rows(p, pod)) * ROW_PITCH_M + HALL_GAP_M
    if core_at >= len(pods):
        lines.append(_core_hall(p, y))
    return lines


def _core_rows(p: Plan) -> list[int]:
    """Planes per core row (each row holds the racks of whole planes, <= 64 racks)."""
    per_plane = p.cores / p.radix.per_rack
    per_row = max(1, min(p.planes, int(64 // per_plane) if per_plane <= 64 else 1))
    while p.planes % per_row:
        per_row -= 1
    return [per_row] * (p.planes // per_row)


def _core_hall(p: Plan, y: float) -> str:
    rows = _core_rows(p)
    racks = math.ceil(rows[0] * p.cores / p.radix.per_rack)
    text = "; ".join(f"row R{i}[{racks}] pitch 0.6 m at {_fmt_m(y + i * ROW_PITCH_M)}" for i in range(len(rows)))
    return f"  hall core {{ {text} }}"


def _center(p: Plan) -> str:
    r = p.radix
    lines: list[str] = ["center campus {",
                        "  // floor: one hall per pod (rows of supernodes around a network row), the core hall in the middle"]
    add = lines.append
    lines += _floor(p)
    add("  slack = 1 m")
    add("  routing_factor = 1.2")
    add("")
    if p.full_pods:
        add(f"  pod: ScaleOutPod[{p.full_pods}]")
    if p.tail:
        t = p.tail
        add(f"  tailpod: ScaleOutPod(groups = {t.groups}, rest = {t.rest}, tail = {t.tail}, lpr = {t.lpr})")
    rows = _core_rows(p)
    per_row = rows[0]
    racks = math.ceil(per_row * p.cores / r.per_rack)
    add(f"  // core plane j serves spine j of every pod, {p.cores} core(s) per plane; {per_row} planes per core row")
    add(f"  corerow[{len(rows)}] {{ plane[{per_row}] {{ core: so.Core{r.name}[{p.cores}] }}; rk: so.NetworkRack[{racks}] }}")
    core = f"corerow[floor(j / {per_row})].plane[j % {per_row}].core[*].down stripe medium auto"
    if p.full_pods:
        add(f"  connect pod[k].spine[j].up -> {core}")
    if p.tail:
        add(f"  connect tailpod.spine[j].up -> {core}")
    add(f"  place corerow[w].plane[q].core[c] in corerow[w].rk[floor((q * {p.cores} + c) / {r.per_rack})]")
    add("")
    for k, (ref, pod) in enumerate(_pods(p)):
        for g in range(pod.groups):
            add(f"  place {ref}.grp[{g}].sn[*].compute[*] in h{k}.R{g}; place {ref}.grp[{g}].sn[*].comm[*] in h{k}.R{g}")
        if pod.rest:
            add(f"  place {ref}.extra[*].compute[*] in h{k}.X; place {ref}.extra[*].comm[*] in h{k}.X")
        if pod.tail:
            add(f"  place {ref}.last.compute[*] in h{k}.X; place {ref}.last.comm[*] in h{k}.X")
        add(f"  place {ref}.net[*] in h{k}.N")
    for i in range(len(rows)):
        add(f"  place corerow[{i}].rk[*] in core.R{i}")
    add("")
    add("  // management addresses: pod, group, supernode, node")
    for k, (ref, pod) in enumerate(_pods(p)):
        kk = "{k}" if ref.startswith("pod[") else str(k)
        if ref.startswith("pod[") and k > 0:
            continue
        target = "pod[k]" if ref.startswith("pod[") else ref
        if pod.groups:
            add(f"  mgmt {target}.grp[g].sn[s].server[n].cpu[0] = \"fd00:{kk}:{{g}}:{{s}}::{{n}}\"")
        if pod.rest:
            add(f"  mgmt {target}.extra[s].server[n].cpu[0] = \"fd00:{kk}:{pod.groups}:{{s}}::{{n}}\"")
        if pod.tail:
            add(f"  mgmt {target}.last.server[n].cpu[0] = \"fd00:{kk}:{pod.groups}:{pod.rest}::{{n}}\"")
    add("")
    half_bw = p.accelerators // 2 * 50  # GB/s: half the NPUs x 400 Gb/s
    add(f"  require bisection(npu) >= {half_bw} GB/s")
    # fibre across the campus: 10 us holds up to ~40 pod halls (~900 m); the 1M campus
    # spans ~1.5 km and its worst NPU pair is 13.4 us apart
    add(f"  require latency(npu, npu) <= {10 if p.pods <= 40 else 20} us")
    add("}")
    return "\n".join(lines) + "\n"


def _hall_mw(p: Plan, pod: Pod) -> int:
    """A pod hall's power budget: NPU, CPU, switch and optics power with margin (~1.5 kW per NPU)."""
    sns = pod.groups * p.radix.per_group + pod.rest + (pod.tail / SN_NODES)
    return max(1, math.ceil(sns * SN_NODES * NPUS_PER_NODE * 1500 / 1e6))


def center_text(p: Plan) -> str:
    head = (f"/// Generated by benchmarks/centers.py: {p.accelerators:,} Ascend 910C NPUs in {p.supernodes:,} "
            f"CloudMatrix384-like supernodes,\n/// {p.pods} scale-out pods on a rail-optimized three-tier "
            f"{p.radix.ports * 400 / 1000:g}T Clos ({p.planes} core planes x {p.cores} cores).\n")
    server = """/// One compute node: 8 NPUs, 4 CPUs, 7 L1 UB switch chips (one per plane).
node Server {
  npu: huawei.Ascend910C[8]
  cpu: huawei.Kunpeng920[4]
  l1: huawei.UBSwitchL1[7]
  connect npu[i].ub[p] -> l1[p].down[i]
}
"""
    return "\n".join([head + 'import "huawei"\nimport "scaleout" as so\n', server, _SUPERNODE,
                      _pod_template(p), _center(p)])


def write_center(accelerators: int, out: Path) -> Plan:
    """Write the spec to `out` and its catalog `scaleout.sn` beside it."""
    p = plan(accelerators)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(center_text(p), encoding="utf-8")
    (out.parent / "scaleout.sn").write_text(catalog_text(p), encoding="utf-8")
    return p


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--accelerators", "-n", type=lambda s: int(float(s.replace("_", "").replace(",", ""))), required=True,
                    help="number of NPUs (rounded up to whole 8-NPU nodes), e.g. 100000 or 1e6")
    ap.add_argument("-o", "--out", type=Path, default=Path("center.sn"))
    args = ap.parse_args(argv)
    p = write_center(args.accelerators, args.out)
    print(f"{args.out}: {p.accelerators:,} accelerators, {p.supernodes:,} supernodes, {p.pods} pods, "
          f"{p.radix.ports * 400 / 1000:g}T switches, {p.planes} x {p.cores} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
