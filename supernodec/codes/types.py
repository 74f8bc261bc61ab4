"""Diagnostic codes SN02xx: values, units, types and template instantiation."""

from __future__ import annotations

from inspect import cleandoc

from . import Code

CODES: tuple[Code, ...] = (
    Code("SN0201", "unit-mismatch", "quantities of different dimensions are mixed",
         cleandoc("""
        Quantities are checked dimensionally: a data rate can be added to a data
        rate and compared with a data rate, but not added to a time or compared
        with a power. `56 GB/s` and `448 Gb/s` are the same value in different
        units and mix freely; `3 ns` and `400 Gb/s` do not. The message names both
        values with their dimensions.

        Bad:

            require latency(npu, npu) <= 400 Gb/s

        Fix: compare with a time:

            require latency(npu, npu) <= 3 us
    """)),
    Code("SN0202", "unknown-unit", "a unit that supernodec does not know",
         cleandoc("""
        Units are case-sensitive: `Gb` is a gigabit and `GB` a gigabyte, `Mb/s`
        megabits and `MB/s` megabytes per second, `m` a metre and `M` is only a
        prefix. Supported are data rates (`b/s`, `Gb/s`, `GB/s`, `Gbps`, `GBps`,
        ...), time (`ps` to `h`), length (`mm`, `cm`, `m`, `km`), power (`mW` to
        `GW`), information (`bit`, `Gbit`, `Tb`, `B`, `GB`, `GiB`, ...; a bare `b`
        is not a unit), rack units (`U`), money (`USD`, `CNY`) and delay per
        length (`ns/m`). `%` is the modulo operator, not a unit: write a fraction
        as `0.5`. The diagnostic suggests up to
        three close spellings.

        Bad:

            port up[16]: UB @ 28 gbps

        Fix:

            port up[16]: UB @ 28 Gbps
    """)),
    Code("SN0203", "wrong-type", "a value of the wrong kind for its place",
         cleandoc("""
        The expression has a valid value, but not the kind this place needs: a
        count where a part is expected, a string where a number is expected, a
        quantity where a plain number is expected, or the reverse. The message
        says what was expected and what was found. A reference that names the
        wrong kind of thing is reported the same way: `unified memory over r`
        where `r` are racks (a memory map is over devices with memory).

        Bad:

            accelerator Ascend910C { power = "600 W" }

        Fix: write the quantity, not a string:

            accelerator Ascend910C { power = 600 W }
    """)),
    Code("SN0204", "index-out-of-range", "an array index outside the array",
         cleandoc("""
        Arrays are indexed from 0 to their size minus one. The index, after
        evaluating its expression for the instance shown in the notes, falls
        outside that range. Index arithmetic in ring and torus patterns usually
        needs a modulo.

        Bad:

            switch Sw { port east: UB @ 56 GB/s; port west: UB @ 56 GB/s }
            center c {
              n: Sw[8]
              connect n[i].east -> n[i + 1].west
            }

        (for `i = 7`, `n[8]` does not exist). Fix: wrap around:

            connect n[i].east -> n[(i + 1) % 8].west
    """)),
    Code("SN0205", "bad-parameter-value", "a parameter value outside what the template accepts",
         cleandoc("""
        The argument has the right type but a value the template cannot use: a
        negative or zero count, a size that does not divide evenly where the
        template requires it, or a value a `require` on the parameter rejects. The
        notes show the instantiation chain that passed the value. An option of
        a `connect` outside its range is reported the same way: `parallel 0`, or
        `lanes 16` on ports of 8 lanes (with `split N`, the a port must have N
        times the lanes).

        Bad:

            pod: CloudMatrix384(nodes = 0)[4]

        Fix: pass a positive node count:

            pod: CloudMatrix384(nodes = 48)[4]
    """)),
    Code("SN0206", "division-by-zero", "an expression divides by zero",
         cleandoc("""
        A division or modulo has a divisor that evaluates to zero for the
        instance shown in the notes. Parameters that can be zero usually need a
        conditional around the part of the design that divides by them.

        Bad:

            supernode S(nodes = 48, planes = 0) { let per_plane = nodes / planes }

        Fix: give the parameter a valid default, or guard the expression:

            supernode S(nodes = 48, planes = 8) { let per_plane = nodes / planes }
    """)),
    Code("SN0207", "limit-exceeded", "the design exceeds a size limit of the compiler",
         cleandoc("""
        The compiler bounds the number of devices and links, the size of an
        expression, the length of a string and the depth of nesting, so that a
        mistake (an extra zero in an array size) fails fast with a clear message
        instead of exhausting memory. The message names the limit and the value
        reached.

        Bad:

            pod: CloudMatrix384[4000000]

        Fix: correct the size; if the design really is that large, raise the limit
        on the command line with the option named in the hint.
    """)),
    Code("SN0208", "recursion-too-deep", "templates instantiate each other without end",
         cleandoc("""
        A template instantiates itself, directly or through other templates, and
        the chain does not stop before the nesting limit. Recursion is only finite
        when a parameter shrinks and a conditional stops it. The notes show the
        first steps of the chain.

        Bad:

            fabric Tree(levels = 3) { sub: Tree(levels = levels)[2] }

        Fix: shrink the parameter and stop at the bottom:

            fabric Tree(levels = 3) {
              if levels > 1 { sub: Tree(levels = levels - 1)[2] }
            }
    """)),
    Code("SN0209", "missing-parameter", "a template parameter without a default is not given",
         cleandoc("""
        The template declares a parameter with no default value, and the
        instantiation does not pass it. Either pass the argument or give the
        parameter a default in the template.

        Bad:

            switch Leaf { port p: UB @ 56 GB/s }
            supernode CM(nodes) { leaf: Leaf[nodes] }
            center c { pod: CM[4] }

        Fix:

            pod: CM(nodes = 48)[4]
    """)),
    Code("SN0210", "bad-override", "a command-line `-D` override is malformed or unknown",
         cleandoc("""
        `-D NAME=VALUE` overrides a top-level constant or a parameter default from
        the command line. The override must have the form `NAME=VALUE`, NAME must
        exist in the design, and VALUE must parse as a value of the right type and
        unit.

        Bad:

            supernodec build -D nodes 48 center.sn
            supernodec build -D CloudMatrix384.nodes=48GB center.sn

        Fix:

            supernodec build -D CloudMatrix384.nodes=48 center.sn
    """)),
    Code("SN0211", "non-integer-count", "a count or array size that is not a whole number",
         cleandoc("""
        Array sizes, port counts, lanes and repetition counts must be whole
        numbers. The expression evaluates to a fraction, often because a division
        does not come out even for this parameter value.

        Bad:

            supernode S(nodes = 48, planes = 7) { l2: Switch[nodes / planes] }

        Fix: use parameter values that divide evenly (or round explicitly):

            supernode S(nodes = 48, planes = 8) { l2: Switch[nodes / planes] }
    """)),
    Code("SN0212", "unbound-index-variable", "an index variable that no array ranges over",
         cleandoc("""
        In a `connect` pattern, each free index variable (`i`, `p`, ...) ranges
        over the array it first indexes. A variable used only inside arithmetic,
        or only on one side where the other side cannot determine it, has no
        range. The message names the variable.

        Bad:

            connect npu[i].ub[0] -> l1[j].down[i]

        (`j` ranges over nothing that says which switch each NPU uses). Fix: index
        with a variable or expression that is determined:

            connect npu[i].ub[p] -> l1[p].down[i]
    """)),
    Code("SN0213", "bad-placement", "a placement that cannot be satisfied",
         cleandoc("""
        A `place` statement that cannot be carried out as written: its
        destination is not exactly one rack (`in compute[i / 4]`) or one hall row
        (`in h1.A`), something other than a rack is placed in a hall row, a
        device or instance is placed twice, a U position (`at`) is below 1 or
        above any rack, or a `row` is written outside a `hall`. Other placement
        problems have their own codes: overlapping U positions are SN0707, a rack
        too short for what it holds SN0706, a full row SN0702, a rack or row
        name that does not exist SN0101.

        Bad (the destination names two racks):

            rack R { height = 42 U }
            switch Sw { height = 1 U; port p: UB @ 56 GB/s }
            center c {
              r: R[2]
              sw: Sw[4]
              place sw[i] in r
            }

        Fix: name one rack per placed device:

            place sw[i] in r[i / 2]
    """)),
)
