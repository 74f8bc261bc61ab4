"""Hypothesis strategies for messy but valid `.sn` text (formatter properties).

The text is written the way people write it: statements separated by new
lines or `;`, one-line and multi-line blocks, odd spacing and tabs, redundant
or missing parentheses, blank lines, `//` comments on their own lines and at
line ends, `///` doc comments. Every statement kind and expression form of the
grammar appears. Only syntax matters here, not meaning.
"""

from __future__ import annotations

from hypothesis import strategies as st

NAMES = ("a", "nodes", "npu", "x_1", "Leaf", "plane", "i", "k", "port_count")
UNITS = ("", "", "GB/s", "Gb/s", "ns", "us", "m", "W", "kW", "GiB", "U", "USD", "ns/m", "bits")
NUMBERS = ("0", "1", "48", "0.6", "2_000", "1e3", "1.5E-2", "75264")
STRINGS = ("", "Huawei", 'a "quoted" word', "back\\slash", "tab\tand\nnewline", "Ünïcode 🚀")
CHAIN_OPS = ("+", "-", "*", "/", "%", "%", "and", "or")
OTHER_OPS = ("<", "<=", ">", ">=", "==", "!=", "..")
KINDS = ("accelerator", "cpu", "switch", "nic", "server", "optic", "cable", "rack", "power_shelf",
         "cooling", "device")
TEMPLATES = ("node", "supernode", "fabric", "pod")

ws = st.sampled_from((" ", " ", " ", "  ", "\t"))
name = st.sampled_from(NAMES)
comment_text = st.text(st.sampled_from("abc XYZ-_:/é😀"), max_size=12)


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


@st.composite
def atom(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 6))
    if kind == 0:
        unit = draw(st.sampled_from(UNITS))
        return draw(st.sampled_from(NUMBERS)) + (draw(ws) + unit if unit else "")
    if kind == 1:
        return draw(st.sampled_from(("1:1", "3:1", "1.5:1")))
    if kind == 2:
        return _quote(draw(st.sampled_from(STRINGS)))
    if kind == 3:
        return draw(st.sampled_from(("true", "false")))
    if kind == 4:
        return draw(st.sampled_from(("huawei.Ascend910C", "mod.sub.Part")))
    return draw(name)


def expression(depth: int = 3) -> st.SearchStrategy[tuple[str, str]]:
    """(text, shape) pairs; shape is "atom", "chain", "not", "neg" or "other"."""
    leaf = atom().map(lambda t: (t, "atom"))
    if depth == 0:
        return leaf
    sub = expression(depth - 1)
    return st.one_of(leaf, leaf, _binary(sub), _unary(sub), _call(sub), _paren(sub))


def _wrap(child: tuple[str, str], keep: bool, ok: tuple[str, ...]) -> str:
    text, shape = child
    return text if shape in ok and not keep else f"({text})"


@st.composite
def _binary(draw: st.DrawFn, sub: st.SearchStrategy[tuple[str, str]]) -> tuple[str, str]:
    left, right = draw(sub), draw(sub)
    if draw(st.booleans()):
        op = draw(st.sampled_from(CHAIN_OPS))
        ok: tuple[str, ...] = ("atom", "chain", "neg") + (("not",) if op in ("and", "or") else ())
        ltext = _wrap(left, draw(st.booleans()), ok)
        return f"{ltext} {op} {_wrap(right, draw(st.booleans()), ok)}", "chain"
    op = draw(st.sampled_from(OTHER_OPS))
    sep = "" if op == ".." and draw(st.booleans()) else " "
    return f"{_wrap(left, False, ('atom',))}{sep}{op}{sep}{_wrap(right, False, ('atom',))}", "other"


@st.composite
def _unary(draw: st.DrawFn, sub: st.SearchStrategy[tuple[str, str]]) -> tuple[str, str]:
    operand = draw(sub)
    if draw(st.booleans()):
        return f"-{_wrap(operand, draw(st.booleans()), ('atom', 'neg'))}", "neg"
    return f"not {_wrap(operand, draw(st.booleans()), ('atom', 'not'))}", "not"


@st.composite
def _call(draw: st.DrawFn, sub: st.SearchStrategy[tuple[str, str]]) -> tuple[str, str]:
    args = draw(st.lists(sub, max_size=3))
    return f"{draw(st.sampled_from(('floor', 'max', 'min', 'ceil')))}({', '.join(a for a, _ in args)})", "atom"


@st.composite
def _paren(draw: st.DrawFn, sub: st.SearchStrategy[tuple[str, str]]) -> tuple[str, str]:
    return f"({draw(sub)[0]})", "atom"


EXPR = expression().map(lambda p: p[0])
SMALL = expression(1).map(lambda p: p[0])


@st.composite
def ref(draw: st.DrawFn) -> str:
    segs = []
    for _ in range(draw(st.integers(1, 3))):
        idx = draw(st.lists(st.one_of(st.just("*"), SMALL), max_size=2))
        segs.append(draw(name) + "".join(f"[{i}]" for i in idx))
    return ".".join(segs)


# ---------------------------------------------------------------- statements
@st.composite
def simple(draw: st.DrawFn) -> str:
    """One statement without a block."""
    k = draw(st.integers(0, 11))
    w = draw(ws)
    if k == 0:
        return f"param {draw(name)}{w}={w}{draw(EXPR)}"
    if k == 1:
        return f"let {draw(name)} = {draw(EXPR)}"
    if k == 2:
        return f"{draw(name)}{w}={w}{draw(EXPR)}"
    if k == 3:
        count = f"[{draw(SMALL)}]" if draw(st.booleans()) else ""
        opts = draw(st.lists(st.sampled_from(("lanes 4", "form OSFP", "required", "lanes n")), max_size=3))
        return f"port {draw(name)}{count}:{w}UB @ {draw(SMALL)} {' '.join(opts)}".rstrip()
    if k == 4:
        args = draw(st.lists(st.tuples(name, SMALL).map(lambda t: f"{t[0]} = {t[1]}"), max_size=2))
        argtext = f"({', '.join(args)})" if args or draw(st.booleans()) else ""
        dims = "".join(f"[{d}]" for d in draw(st.lists(SMALL, max_size=2)))
        return f"{draw(name)}:{w}{draw(st.sampled_from(('Server', 'huawei.Ascend910C')))}{argtext}{dims}"
    if k == 5:
        opts = draw(st.lists(st.sampled_from(("medium auto", "medium huawei.UB400G", "parallel 2", "lanes 4",
                                              "bundle k", "split 2", "stripe")), max_size=3))
        arrow = draw(st.sampled_from(("->", "<->")))
        return f"connect {draw(ref())}{w}{arrow}{w}{draw(ref())} {' '.join(opts)}".rstrip()
    if k == 6:
        at = f" at {draw(SMALL)}" if draw(st.booleans()) else ""
        return f"place {draw(ref())} in {draw(ref())}{at}"
    if k == 7:
        opts = draw(st.lists(st.sampled_from(("pitch 0.6 m", "at 0 m", "at x")), max_size=2, unique=True))
        return f"row {draw(name)}[{draw(SMALL)}] {' '.join(opts)}".rstrip()
    if k == 8:
        refs = ", ".join(draw(st.lists(ref(), min_size=1, max_size=3)))
        opts = draw(st.lists(st.sampled_from(("width 52 bits", "align 1 GiB")), max_size=2, unique=True))
        return f"unified memory over {refs} {' '.join(opts)}".rstrip()
    if k == 9:
        rargs = draw(st.lists(st.tuples(ref(), st.one_of(st.none(), ref())), max_size=2))
        args = ", ".join(a if b is None else f"{a}:{b}" for a, b in rargs)
        bound = f" {draw(st.sampled_from(('<=', '>=', '<', '==')))} {draw(EXPR)}" if draw(st.booleans()) else ""
        return f"require {draw(st.sampled_from(('latency', 'bandwidth', 'redundant')))}({args}){bound}"
    if k == 10:
        return f"mgmt {draw(ref())} = {draw(EXPR)}"
    alias = f" as {draw(name)}" if draw(st.booleans()) else ""
    return f"import {_quote(draw(st.sampled_from(('huawei', 'partners/optics.sn'))))}{alias}"


@st.composite
def block_stmt(draw: st.DrawFn, depth: int) -> str:
    """A statement with a block: a declaration, a group, a loop or a conditional."""
    k = draw(st.integers(0, 4))
    body = draw(block(depth - 1))
    if k == 0:
        kind = draw(st.sampled_from(KINDS + ("center", "hall")))
        base = f" extends {draw(st.sampled_from(('Base', 'mod.Base')))}" if draw(st.booleans()) else ""
        return f"{kind} {draw(name)}{base} {body}"
    if k == 1:
        params = draw(st.lists(st.tuples(name, st.one_of(st.none(), SMALL)), max_size=3))
        ptext = ", ".join(n if d is None else f"{n} = {d}" for n, d in params)
        return f"{draw(st.sampled_from(TEMPLATES))} {draw(name)}({ptext}) {body}"
    if k == 2:
        dims = "".join(f"[{d}]" for d in draw(st.lists(SMALL, min_size=1, max_size=2)))
        return f"{draw(name)}{dims} {body}"
    if k == 3:
        it = draw(st.one_of(EXPR, st.sampled_from(("0..7", "0 .. n - 1", "a..b"))))
        return f"for {draw(name)} in {it} {body}"
    text = f"if {draw(EXPR)} {body}"
    tail = draw(st.integers(0, 2))
    if tail == 1:
        text += f" else {draw(block(depth - 1))}"
    elif tail == 2:
        text += f" else if {draw(EXPR)} {draw(block(depth - 1))} else {draw(block(depth - 1))}"
    return text


def statement(depth: int) -> st.SearchStrategy[str]:
    return simple() if depth <= 0 else st.one_of(simple(), simple(), block_stmt(depth))


@st.composite
def doc(draw: st.DrawFn) -> str:
    lines = draw(st.lists(comment_text, min_size=1, max_size=3))
    return "".join(f"///{' ' if draw(st.booleans()) else ''}{t}\n" for t in lines)


@st.composite
def lines(draw: st.DrawFn, depth: int, min_size: int = 0) -> str:
    """Statements of one block or module with separators, comments and docs."""
    out = []
    for s in draw(st.lists(statement(depth), min_size=min_size, max_size=4)):
        pre = "".join(f"// {t}\n" for t in draw(st.lists(comment_text, max_size=1)))
        pre += draw(doc()) if draw(st.integers(0, 3)) == 0 else ""
        indent = draw(st.sampled_from(("", "  ", "\t", "    ")))
        trail = f"{draw(ws)}// {draw(comment_text)}" if draw(st.integers(0, 3)) == 0 else ""
        sep = draw(st.sampled_from(("\n", "\n", "\n\n", "\n\n\n", ";\n", " ;\n")))
        out.append(pre + indent + s + trail + ("\n" if trail else sep))
    end = "".join(f"// {t}\n" for t in draw(st.lists(comment_text, max_size=1)))
    return "".join(out) + end


@st.composite
def block(draw: st.DrawFn, depth: int) -> str:
    if draw(st.integers(0, 2)) == 0:
        inline = "; ".join(draw(st.lists(simple(), max_size=3)))
        return f"{{ {inline} }}" if inline else "{}"
    opener = f" // {draw(comment_text)}" if draw(st.booleans()) else ""
    return "{" + opener + "\n" + draw(lines(depth)) + "}"


def spec(depth: int = 2) -> st.SearchStrategy[str]:
    """A whole module as text."""
    return lines(depth, min_size=1)
