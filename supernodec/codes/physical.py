"""Diagnostic codes SN06xx: owned by the physical checks (ports, port allocation, cabling,
connectors, protocols, reach, single points of failure).

Add one `Code(...)` per diagnostic to `CODES`; `supernodec.codes` registers them.
"""

from __future__ import annotations

from inspect import cleandoc

from . import Code

CODES: tuple[Code, ...] = (
    Code("SN0601", "port-used-twice", "two connections use the same port",
         cleandoc("""
        Each port carries one link. A `connect` that names a port explicitly
        (`a[0].p[1]`) found it already taken by an earlier connection. Breakouts
        (one physical port carrying several links) are written with `split N`,
        which allocates the legs for you.

        Bad:

            connect a[0].p[1] -> a[1].p[0]
            connect a[0].p[1] -> a[1].p[1]

        Fix: use another index, or leave the index out so the next free port is
        taken.
    """)),
    Code("SN0602", "not-enough-ports", "a connection needs more ports than a device has",
         cleandoc("""
        The pattern of a `connect` asks one device for more free ports of a group
        than it has. The message names the device, the ports the connection
        needs, the ports the group declares and how many are already used.

        Bad (8 leaves x 2 parallel links to each spine, but a spine has 4 ports):

            connect leaf[i].up -> spine[j].p parallel 2

        Fix: add ports to the part, lower `parallel`, or add spines.
    """)),
    Code("SN0603", "uneven-stripe", "`stripe` cannot spread a device's free ports evenly",
         cleandoc("""
        `connect a[i].up -> b[*].p stripe` spreads the free ports of each `a`
        round-robin over every `b`; it needs the number of free ports to be a
        multiple of the number of ends, so every `b` gets the same share.

        Bad (6 uplinks over 4 spines):

            connect leaf[i].up -> spine[*].p stripe

        Fix: use a multiple of the number of ends, or `parallel N`.
    """)),
    Code("SN0604", "protocol-mismatch", "the two ends of a link speak different protocols",
         cleandoc("""
        A link joins two ports; both must speak the same protocol (UB, NVLink,
        InfiniBand, Ethernet, PCIe). Ethernet and RoCE are compatible. The
        message names one offending link and how many links of the `connect`
        share the problem.

        Bad:

            connect npu[i].ub[0] -> leaf.p      // UB to InfiniBand

        Fix: connect ports of the same protocol, or put a NIC or gateway between.
    """)),
    Code("SN0605", "no-medium-reaches", "`medium auto` found no catalog medium for a link",
         cleandoc("""
        `medium auto` picks, for each link, the cheapest imported optic or cable
        that carries the ports' rate, plugs into the form factor of both ends and
        reaches the link's computed length (a link whose racks are not on a hall
        floor has no length, and any reach will do). None does for the link
        named: the longest reach available is shorter than the run, no medium
        matches the rate and form, or the two ends have different forms (OSFP
        and QSFP112), which no single-form medium fits.

        Bad (no media imported):

            switch S { port p[4]: Ethernet @ 400 Gb/s }
            center c { s: S; t: S; connect s.p -> t.p medium auto }

        Fix: import a catalog of optics and cables (`import "optics"`), one with
        longer-reach optics (DR, FR, LR) when the run is long, or place the racks
        closer together; give both ends one form.
    """)),
    Code("SN0606", "rate-mismatch", "a link runs slower than one of its ports (the lower rate wins)",
         cleandoc("""
        The two ends of a link, or the medium it uses, offer different rates for
        the lanes the link uses. The link runs at the lowest of them, and every
        bandwidth figure counts that lower rate. This is a warning: mixing rates
        is legal (a 400G NIC on an 800G switch port split in two), but often a
        mistake.

        Bad:

            port p: Ethernet @ 400 Gb/s          // on one side
            port q: Ethernet @ 200 Gb/s          // on the other

        Fix: connect ports of equal rate, split the faster port (`split 2`), or
        choose a medium that carries the full rate.
    """)),
    Code("SN0607", "form-factor-mismatch", "a medium does not fit the connector of a port it plugs into",
         cleandoc("""
        A pluggable optic or cable has one connector form factor (OSFP,
        QSFP-DD, QSFP112, ...); each end of the link must offer that cage. A port
        declared `form backplane` is wired on the board and takes no medium at all.

        Bad:

            port up[16]: UB @ 28 GB/s form OSFP
            connect l1.up -> l2.p medium QSFPDD400G     // form = "QSFP-DD"

        Fix: choose a medium of the ports' form factor (or `medium auto`, which
        only considers matching ones).
    """)),
    Code("SN0608", "missing-medium", "a link between pluggable ports names no cable or optic",
         cleandoc("""
        Both ports of the link have a pluggable cage (OSFP, QSFP-DD, ...), but the
        `connect` names no medium, so the bill of materials and the cabling plan
        get no cable for it. Links without a medium are assumed to be board or
        backplane traces.

        Bad:

            connect leaf[i].up -> spine[j].p

        Fix:

            connect leaf[i].up -> spine[j].p medium auto
    """)),
    Code("SN0609", "required-port-unconnected", "a port group declared `required` has unconnected ports",
         cleandoc("""
        A part declares a port group `required` when every port of it must be
        cabled for the device to work as intended (management, the full set of
        UB planes, ...). Some devices leave some of those ports unconnected. The
        warning counts the devices and ports and names the first ones.

        Fix: connect the ports, or drop `required` from the port group.
    """)),
    Code("SN0610", "link-too-long", "a link is longer than its medium reaches",
         cleandoc("""
        The length of each cable is computed from the floor: within one rack the
        vertical distance plus slack; between racks the floor distance between
        rack positions times the routing factor, plus the vertical runs to the
        cable tray and slack. A medium whose reach is shorter than that cannot
        be used. The message names the longest such link, its length and the
        reach, and suggests the cheapest catalog medium that reaches it.

        Bad (a 3 m DAC between rows 10 m apart):

            connect leaf[i].up -> spine[j].p medium DAC400

        Fix: use the suggested medium, `medium auto`, or move the racks closer.
    """)),
    Code("SN0611", "electrical-span-exceeded", "an electrical cable spans more racks than it may",
         cleandoc("""
        Copper media declare `max_racks`: the number of racks one cable may span
        (1 = inside a rack, 2 = to the neighbouring rack). A cable between racks
        further apart (or in different rows) exceeds it, whatever its length.

        Bad:

            cable DAC { class = "DAC"; rate = 400 Gb/s; reach = 3 m; max_racks = 1 }
            connect a.p -> b.p medium DAC       // a and b in different racks

        Fix: use an optic, or place both ends in the same rack.
    """)),
    Code("SN0612", "module-overloaded", "more links share one module or cable than it carries",
         cleandoc("""
        A medium declares `links_per_module`: how many links one module (or
        cable) carries, e.g. 2 for a twin-port 800G OSFP used as 2 x 400G. A
        `bundle N` or `split N` put more links on one module than that.

        Bad:

            optic UB400G { class = "DR"; rate = 400 Gb/s; reach = 500 m; links_per_module = 2 }
            connect l1[p].up -> l2[k].p medium UB400G bundle 4

        Fix: bundle at most `links_per_module` links, or use a medium that
        carries more.
    """)),
    Code("SN0613", "single-point-of-failure", "one switch or link failure disconnects a member of a `redundant` group",
         cleandoc("""
        `require redundant(GROUP)` asks that no single switch (or NIC) failure and
        no single link failure disconnects any member of the group from the
        others. Paths may pass through switches and NICs only, not through other
        members. The message counts the single points of failure found and names
        the worst (the one that cuts off the most members).

        Bad (each GPU has one uplink to one leaf):

            connect gpu[i].p -> leaf[i / 32].down
            require redundant(gpu)

        Fix: dual-home the members (two links to two different switches), or add
        parallel paths around the named switch or link.
    """)),
    Code("SN0614", "redundancy-bandwidth-below-fraction", "one failure leaves a member less bandwidth than `require redundant(...) >= F` asks",
         cleandoc("""
        The stronger form `require redundant(GROUP) >= 0.5` also asks that any
        single failure of one of a member's links, or of a switch it is attached
        to, leaves the member at least that fraction of its injection bandwidth.
        The message names the worst member, the failure and the bandwidth left.

        Bad (an NPU with 7 equal UB links keeps 6/7 = 85.7% after one fails):

            require redundant(npu) >= 0.9

        Fix: spread the member's links over more switches, or lower the fraction.
    """)),
    Code("SN0615", "group-disconnected", "members of a `redundant` group are disconnected even with no failure",
         cleandoc("""
        Before any failure is considered, some members of the group cannot reach
        each other (through switches and NICs). The group cannot be redundant; the
        message names a pair.

        Fix: connect the members to a common network.
    """)),
)
