"""`valid_specs()`: specs that are valid by construction, from a two-switch
fabric to a multi-pod center with a catalog file, placement, a hall floor,
requirements and management addresses.

A draw is a `Plan` (sizes, names, values, options) rendered to text in a
random but legal style (separators, indentation, comments, number spellings).
Port counts are derived from the sizes so that every connect has exactly the
ports it needs, bounds of requirements are derived with margin from the sizes
and rates, and racks have room and power for what is placed in them. The plan
travels with the spec (`GeneratedSpec.plan`), so a property can compare the
compiled design with counts computed here, independently of the compiler.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from hypothesis import strategies as st

from .atoms import Q, address_texts, names, quote, spell, text_values
from .specfiles import SpecFiles

GBPS = 10**9
RATES_GBPS = (100, 200, 400, 800)


@dataclass(frozen=True)
class Plan:
    """Sizes and options of one generated spec (all counts are exact)."""

    ids: dict[str, str]                  # role -> identifier
    flat: bool = False                   # only switches in the center, no templates
    accs: int = 1                        # accelerators per host
    hosts: int = 1                       # hosts per pod
    leaves: int = 1
    spines: int = 0
    parallel: int = 1                    # leaf-spine links per pair
    pods: int = 1
    pod_array: bool = True               # `pod: Pod[1]` rather than `pod: Pod`
    cores: int = 0                       # center switches above the pods' spines
    ring: bool = False                   # NVLink ring inside each host
    medium: str = "none"                 # none | optic | auto
    place: bool = False                  # racks, placement and a hall
    per_rack: int = 1                    # hosts per rack
    catalog_file: bool = False           # parts in an imported module
    pod_kind: str = "pod"
    rate_gbps: int = 400
    requires: tuple[str, ...] = ()
    mgmt: bool = False
    strings: dict[str, str] = field(default_factory=dict)   # vendor/description/...
    values: dict[str, Q] = field(default_factory=dict)      # power, price, latency...

    # ------------------------------------------------------------ counts
    @property
    def acc_total(self) -> int:
        return 0 if self.flat else self.pods * self.hosts * self.accs

    @property
    def host_links(self) -> int:
        return 0 if self.flat else self.hosts * self.accs * self.leaves

    @property
    def link_total(self) -> int:
        """Links the design must have (independent of the compiler)."""
        per_pod = self.host_links + self.leaves * self.spines * self.parallel
        per_pod += self.hosts * self.accs if self.ring and self.accs >= 2 else 0
        return per_pod * (1 if self.flat else self.pods) + self.pods * self.spines * self.cores

    @property
    def racks_per_pod(self) -> int:
        return -(-self.hosts // self.per_rack) + 1 if self.place else 0

    @property
    def rack_total(self) -> int:
        return self.pods * self.racks_per_pod + (1 if self.place and self.cores else 0)

    @property
    def device_counts(self) -> dict[str, int]:
        """Devices per part role (acc, leaf, spine, core), racks excluded."""
        n = 1 if self.flat else self.pods
        out = {"leaf": n * self.leaves, "spine": n * self.spines, "core": self.cores}
        if not self.flat:
            out["acc"] = self.acc_total
        return {k: v for k, v in out.items() if v}


@dataclass(frozen=True)
class GeneratedSpec:
    """A generated spec and the plan it was rendered from."""

    spec: SpecFiles
    plan: Plan


ROLES = ("Acc", "Leaf", "Spine", "Core", "Optic", "Rack", "Host", "Pod", "center", "hall", "row",
         "acc", "host", "leaf", "spine", "core", "pod", "rk", "nrk", "crk", "net", "nv", "down", "up",
         "p", "sup", "cp", "i", "j", "k", "a", "l", "h", "s", "c", "n", "hp", "P_hosts", "alias")
STRING_FIELDS = ("vendor", "part_number", "description", "mgmt")


@st.composite
def _plan(draw: st.DrawFn, max_hosts: int, max_pods: int) -> Plan:
    # `rack` is excluded: as a selector it means "the racks of the scope"
    ids = dict(zip(ROLES, draw(st.lists(names().filter(lambda n: n != "rack"), min_size=len(ROLES),
                                        max_size=len(ROLES), unique=True))))
    flat = draw(st.integers(0, 5)) == 0
    pods = 1 if flat else draw(st.integers(1, max_pods))
    spines = draw(st.integers(0 if not flat else 1, 2))
    place = draw(st.booleans()) and not flat
    medium = draw(st.sampled_from(("optic", "auto") if place else ("none", "optic", "auto")))
    accs = draw(st.integers(1, 4))
    hosts = draw(st.integers(1, max_hosts))
    leaves = draw(st.integers(1, 3))
    plan = Plan(
        ids=ids, flat=flat, accs=accs, hosts=hosts, leaves=leaves, spines=spines,
        parallel=draw(st.integers(1, 2)) if spines else 1, pods=pods,
        pod_array=pods > 1 or draw(st.booleans()),
        cores=draw(st.integers(0, 2)) if pods > 1 and spines else 0,
        ring=not flat and accs >= 2 and draw(st.booleans()), medium=medium, place=place,
        per_rack=draw(st.integers(1, 4)), catalog_file=draw(st.booleans()),
        pod_kind=draw(st.sampled_from(("pod", "fabric", "supernode"))),
        rate_gbps=draw(st.sampled_from(RATES_GBPS)),
        mgmt=not flat and draw(st.booleans()),
        strings={f"{r}.{f}": draw(text_values(24)) for r in ("Acc", "Leaf", "Spine", "Core", "Optic", "Rack")
                 for f in STRING_FIELDS[:3]} | {"mgmt": draw(address_texts())},
    )
    values = _values(draw, plan)
    requires = tuple(r for r in _possible_requires(plan) if draw(st.booleans()))
    return Plan(**{**plan.__dict__, "values": values, "requires": requires})


def _values(draw: st.DrawFn, plan: Plan) -> dict[str, Q]:
    """Power, price, memory and latency values, spelled in random units."""
    v: dict[str, Q] = {}
    for role, top in (("Acc", 1000), ("Leaf", 2000), ("Spine", 2000), ("Core", 2000)):
        v[f"{role}.power"] = draw(spell("power", Fraction(draw(st.integers(1, top)))))
        v[f"{role}.price"] = draw(spell("money", Fraction(draw(st.integers(0, 10**6)))))
    v["Acc.memory"] = draw(spell("info", Fraction(draw(st.integers(1, 1024))) * 8 * 2**30))
    for role in ("Leaf", "Spine", "Core"):
        v[f"{role}.latency"] = draw(spell("time", Fraction(draw(st.integers(50, 1000)), 10**9)))
    rate = Fraction(plan.rate_gbps * GBPS)
    v["rate"] = draw(spell("rate", rate))
    v["nvrate"] = draw(spell("rate", Fraction(draw(st.sampled_from((50, 100, 200))) * 8 * GBPS)))
    v["optic.rate"] = draw(spell("rate", rate))
    v["optic.reach"] = draw(spell("length", Fraction(draw(st.integers(100, 2000)))))
    v["optic.power"] = draw(spell("power", Fraction(draw(st.integers(1, 30)))))
    v["latency.bound"] = draw(spell("time", Fraction(draw(st.integers(100, 10**4)), 10**6)))
    return v


def _possible_requires(plan: Plan) -> list[str]:
    """Requirement kinds that hold for this plan by construction."""
    if plan.flat:
        return []
    out = ["hops", "latency", "bandwidth"]
    if plan.spines:
        out.append("oversubscription")
    if plan.place:
        out.append("power")
    if plan.leaves >= 2:
        out.append("redundant")
    if plan.hosts * plan.accs >= 2:
        out.append("bisection")
    return out


@dataclass(frozen=True)
class Style:
    """How the text is laid out: none of it changes the meaning."""

    indent: str = "  "
    sep: str = "\n"                      # between fields of a part
    comments: bool = False
    docs: bool = False
    blank: int = 0                       # blank lines between declarations
    comment_text: str = "note"


@st.composite
def _style(draw: st.DrawFn) -> Style:
    return Style(indent=draw(st.sampled_from(("  ", "    ", "\t", " "))),
                 sep=draw(st.sampled_from(("\n", "; ", ";\n"))),
                 comments=draw(st.booleans()), docs=draw(st.booleans()), blank=draw(st.integers(0, 2)),
                 comment_text=draw(st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")),
                                           max_size=20)))


def valid_specs(max_hosts: int = 4, max_pods: int = 3) -> st.SearchStrategy[GeneratedSpec]:
    """Specs that must compile with no error: see the module docstring."""
    return st.builds(render, _plan(max_hosts, max_pods), _style())


# ---------------------------------------------------------------- rendering
class _Out:
    def __init__(self, style: Style) -> None:
        self.style = style
        self.lines: list[str] = []

    def line(self, depth: int, text: str) -> None:
        tail = f"  // {self.style.comment_text}" if self.style.comments and text.endswith(("}", "]", ")")) else ""
        self.lines.append(self.style.indent * depth + text + tail)

    def decl_gap(self, doc: str = "") -> None:
        self.lines += [""] * self.style.blank
        if self.style.docs and doc:
            self.lines.append(f"/// {doc}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def render(plan: Plan, style: Style = Style()) -> GeneratedSpec:
    """The text of a plan: parts (in `main.sn` or a catalog file), templates, center."""
    ids = plan.ids
    parts = _Out(style)
    _parts(parts, plan)
    main = _Out(style)
    files: dict[str, str] = {}
    if plan.catalog_file:
        cat = ids["alias"]
        files[f"{cat}.sn"] = parts.text()
        main.line(0, f'import "{cat}"')
        q = f"{cat}."
    else:
        main.lines += parts.lines
        q = ""
    if not plan.flat:
        _host(main, plan, q)
        _pod(main, plan, q)
    _center(main, plan, q)
    label = f"valid: {plan.pods} pod(s) x {plan.hosts} host(s) x {plan.accs} acc, {plan.leaves} leaf, {plan.spines} spine"
    return GeneratedSpec(SpecFiles(main.text(), files, label=label), plan)


def _fields(plan: Plan, role: str, extra: list[str]) -> list[str]:
    s, v = plan.strings, plan.values
    out = [f"vendor = {quote(s[f'{role}.vendor'])}",
           f"part_number = {quote(s[f'{role}.part_number'] + '#' + role)}",
           f"description = {quote(s[f'{role}.description'])}"]
    for f in ("power", "price", "memory", "latency"):
        if f"{role}.{f}" in v:
            out.append(f"{f} = {v[f'{role}.{f}'].text}")
    return out + extra


def _part(out: _Out, plan: Plan, kind: str, role: str, body: list[str]) -> None:
    out.decl_gap(f"{kind} {role}")
    st_ = out.style
    if st_.sep == "; ":
        out.line(0, f"{kind} {plan.ids[role]} {{ " + "; ".join(body) + " }")
        return
    out.line(0, f"{kind} {plan.ids[role]} {{")
    for b in body:
        out.line(1, b + (";" if st_.sep == ";\n" else ""))
    out.line(0, "}")


def _port(name: str, count: int, proto: str, rate: Q, form: str | None = "OSFP") -> str:
    dims = "" if count == 1 else f"[{count}]"
    return f"port {name}{dims}: {proto} @ {rate.text}" + (f" form {form}" if form else "")


def _parts(out: _Out, plan: Plan) -> None:
    ids, v = plan.ids, plan.values
    # pluggable cages without a medium are a warning (SN0608): backplane ports then
    form = None if plan.medium == "none" else "OSFP"
    P, S, L = plan.parallel, plan.spines, plan.leaves
    if not plan.flat:
        ports = [_port(ids["net"], L, "InfiniBand", v["rate"], form)]
        if plan.ring:
            ports.append(_port(ids["nv"], 2, "NVLink", v["nvrate"], None))
        _part(out, plan, "accelerator", "Acc", _fields(plan, "Acc", ports))
    down = plan.hosts * plan.accs if not plan.flat else 0
    leaf_ports = ([_port(ids["down"], down, "InfiniBand", v["rate"], form)] if down else [])
    leaf_ports += [_port(ids["up"], S * P, "InfiniBand", v["rate"], form)] if S else []
    _part(out, plan, "switch", "Leaf", _fields(plan, "Leaf", ["height = 1 U"] + leaf_ports))
    if S:
        sp = [_port(ids["p"], L * P, "InfiniBand", v["rate"], form)]
        sp += [_port(ids["sup"], plan.cores, "InfiniBand", v["rate"], form)] if plan.cores else []
        _part(out, plan, "switch", "Spine", _fields(plan, "Spine", ["height = 1 U"] + sp))
    if plan.cores:
        cp = [_port(ids["cp"], plan.pods * S, "InfiniBand", v["rate"], form)]
        _part(out, plan, "switch", "Core", _fields(plan, "Core", ["height = 1 U"] + cp))
    if plan.medium != "none":
        _part(out, plan, "optic", "Optic", [
            f"vendor = {quote(plan.strings['Optic.vendor'])}",
            f"part_number = {quote(plan.strings['Optic.part_number'] + '#Optic')}",
            'class = "DR"', f"rate = {v['optic.rate'].text}", f"reach = {v['optic.reach'].text}",
            "delay = 5 ns/m", f"power = {v['optic.power'].text}", 'form = "OSFP"', "links_per_module = 1",
            "price = 500 USD"])
    if plan.place:
        _part(out, plan, "rack", "Rack", [
            f"vendor = {quote(plan.strings['Rack.vendor'])}",
            f"part_number = {quote(plan.strings['Rack.part_number'] + '#Rack')}",
            "height = 48 U", "power_budget = 200 kW", 'cooling = "air"'])


def _medium(plan: Plan, q: str) -> str:
    return {"none": "", "optic": f" medium {q}{plan.ids['Optic']}", "auto": " medium auto"}[plan.medium]


def _host(out: _Out, plan: Plan, q: str) -> None:
    ids = plan.ids
    out.decl_gap("one host")
    out.line(0, f"node {ids['Host']}({ids['n']} = {plan.accs}) {{")
    out.line(1, f"{ids['acc']}: {q}{ids['Acc']}[{ids['n']}]")
    if plan.place:
        out.line(1, "height = 2 U")
    if plan.ring:
        i, n, acc, nv = ids["i"], ids["n"], ids["acc"], ids["nv"]
        out.line(1, f"connect {acc}[{i}].{nv}[0] -> {acc}[({i} + 1) % {n}].{nv}[1]")
    out.line(0, "}")


def _pod(out: _Out, plan: Plan, q: str) -> None:
    ids = plan.ids
    out.decl_gap("one pod")
    out.line(0, f"{plan.pod_kind} {ids['Pod']}({ids['hp']} = {plan.hosts}) {{")
    out.line(1, f"{ids['host']}: {ids['Host']}[{ids['hp']}]")
    out.line(1, f"{ids['leaf']}: {q}{ids['Leaf']}[{plan.leaves}]")
    if plan.spines:
        out.line(1, f"{ids['spine']}: {q}{ids['Spine']}[{plan.spines}]")
    h, a, l, i, j = ids["h"], ids["a"], ids["l"], ids["i"], ids["j"]
    m = _medium(plan, q)
    out.line(1, f"connect {ids['host']}[{h}].{ids['acc']}[{a}].{ids['net']} -> {ids['leaf']}[{l}].{ids['down']}{m}")
    if plan.spines:
        par = f" parallel {plan.parallel}" if plan.parallel > 1 else ""
        out.line(1, f"connect {ids['leaf']}[{i}].{ids['up']} -> {ids['spine']}[{j}].{ids['p']}{par}{m}")
    if plan.place:
        out.line(1, f"{ids['rk']}: {q}{ids['Rack']}[{plan.racks_per_pod - 1}]")
        out.line(1, f"{ids['nrk']}: {q}{ids['Rack']}[1]")
        out.line(1, f"place {ids['host']}[{i}] in {ids['rk']}[floor({i} / {plan.per_rack})]")
        out.line(1, f"place {ids['leaf']}[{i}] in {ids['nrk']}[0]")
        if plan.spines:
            out.line(1, f"place {ids['spine']}[{i}] in {ids['nrk']}[0]")
    for r in plan.requires:
        out.line(1, _require(plan, r))
    if plan.mgmt:
        out.line(1, f"mgmt {ids['host']}[{i}].{ids['acc']}[{a}] = {quote(plan.strings['mgmt'] + '{' + i + '}.{' + a + '}')}")
    if plan.pod_kind == "supernode":
        out.line(1, f"unified memory over {ids['acc']} width 52 bits")
    out.line(0, "}")


def _require(plan: Plan, kind: str) -> str:
    ids, v = plan.ids, plan.values
    acc = ids["acc"]
    if kind == "hops":
        return f"require hops({acc}, {acc}) <= 4"
    if kind == "latency":
        return f"require latency({acc}, {acc}) <= {v['latency.bound'].text}"
    if kind == "bandwidth":
        return f"require bandwidth({acc}.{ids['net']}) >= {v['rate'].text}"
    if kind == "oversubscription":
        down, up = plan.hosts * plan.accs, plan.spines * plan.parallel
        ratio = math.ceil(max(Fraction(down, up), Fraction(up, down)))
        return f"require oversubscription({ids['leaf']}.{ids['up']} : {ids['leaf']}.{ids['down']}) <= {ratio}:1"
    if kind == "power":
        return "require power(rack) <= 200 kW"
    if kind == "redundant":
        return f"require redundant({acc})"
    return f"require bisection({acc}) >= {v['rate'].text}"


def _center(out: _Out, plan: Plan, q: str) -> None:
    ids = plan.ids
    out.decl_gap("the center")
    out.line(0, f"center {ids['center']} {{")
    if plan.flat:
        out.line(1, f"{ids['leaf']}: {q}{ids['Leaf']}[{plan.leaves}]")
        out.line(1, f"{ids['spine']}: {q}{ids['Spine']}[{plan.spines}]")
        par = f" parallel {plan.parallel}" if plan.parallel > 1 else ""
        out.line(1, f"connect {ids['leaf']}[{ids['i']}].{ids['up']} -> {ids['spine']}[{ids['j']}].{ids['p']}{par}{_medium(plan, q)}")
        out.line(0, "}")
        return
    pod, k, j = ids["pod"], ids["k"], ids["j"]
    if plan.place:
        slots = plan.rack_total + 2
        out.line(1, f"hall {ids['hall']} {{ row {ids['row']}[{slots}] pitch 0.6 m; power_budget = 10 MW }}")
    if plan.pod_array:
        out.line(1, f"{pod}: {ids['Pod']}[{plan.pods}]")
        pk = f"{pod}[{k}]"
    else:
        out.line(1, f"{pod}: {ids['Pod']}")
        pk = pod
    if plan.cores:
        out.line(1, f"{ids['core']}: {q}{ids['Core']}[{plan.cores}]")
        out.line(1, f"connect {pk}.{ids['spine']}[{ids['s']}].{ids['sup']} -> {ids['core']}[{ids['c']}].{ids['cp']}{_medium(plan, q)}")
    if plan.place:
        row = f"{ids['hall']}.{ids['row']}"
        out.line(1, f"place {pk}.{ids['rk']}[{j}] in {row}")
        out.line(1, f"place {pk}.{ids['nrk']}[{j}] in {row}")
        if plan.cores:
            out.line(1, f"{ids['crk']}: {q}{ids['Rack']}[1]")
            out.line(1, f"place {ids['core']}[{ids['i']}] in {ids['crk']}[0]")
            out.line(1, f"place {ids['crk']}[{j}] in {row}")
    out.line(0, "}")
