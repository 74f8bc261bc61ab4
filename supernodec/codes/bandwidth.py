"""Diagnostic codes SN04xx: owned by the bandwidth checks (per-device and per-port-group
bandwidth, oversubscription, bisection) and by malformed `require` statements.

Add one `Code(...)` per diagnostic to `CODES`; `supernodec.codes` registers them.
"""

from __future__ import annotations

from inspect import cleandoc

from . import Code

CODES: tuple[Code, ...] = (
    Code("SN0401", "bandwidth-below-bound", "a device injects less bandwidth than a `require bandwidth` asks",
         cleandoc("""
        `require bandwidth(SELECTOR.GROUP) >= X` asks that every selected device
        can send X per direction over the links on the named port group (all its
        ports when no group is named). The value is the sum, over the device's
        connected links on that group, of each link's capacity: the slower of the
        two ports for the lanes the link uses, limited by the medium's rate shared
        among the links of one module. Unconnected ports count nothing.

        The message gives the worst device, its bandwidth per direction in bytes
        and bits, how many devices fall short, and how many ports are connected.

        Bad (one of the seven UB ports of each NPU left unconnected):

            connect npu[i].ub[p] -> l1[p].down[i]      // with l1: UBSwitchL1[6]
            require bandwidth(npu.ub) >= 392 GB/s

        Fix: connect every port the bound counts on, or lower the bound.
    """)),
    Code("SN0402", "oversubscribed", "a switch has more downlink than uplink capacity",
         cleandoc("""
        `require oversubscription(UP : DOWN) <= 1:1` compares, for every
        selected switch, the capacity of its connected downlinks with the capacity
        of its connected uplinks (downlink : uplink, per direction). 1:1 is
        non-blocking; 3:1 means three times more traffic can enter from below than
        can leave upwards.

        The two port groups may be written in either order: the group whose links
        lead away from the endpoints (toward higher tiers) is taken as the uplinks,
        and the message says which it used. The worst switch and the typical
        (median) ratio are reported.

        Bad (each L1 chip has 8 x 56 GB/s down but only 14 x 28 GB/s of uplinks
        connected):

            connect server[n].l1[p].up[k] -> plane[p].l2[k].p[n]   // l2: X[14]
            require oversubscription(l1.up : l1.down) <= 1:1

        Fix: connect all 16 uplinks (16 L2 chips per plane), or accept 8:7.
    """)),
    Code("SN0403", "bisection-below-bound", "the bisection bandwidth of a group is below a `require bisection`",
         cleandoc("""
        `require bisection(GROUP) >= X` splits the selected devices into two
        standard halves (the first half and the second half in declaration order)
        and computes the maximum flow from one half to the other over the link
        capacities, per direction: the most traffic the first half can send to
        the second at once. `require bisection(A : B)` names the two sides of the
        cut instead. Traffic may pass through switches and NICs but not through
        other endpoints.

        The message gives the computed bisection in bytes and bits per direction
        and the links of the minimum cut, grouped by the `connect` they come from.

        Bad: a CloudMatrix384 with 14 instead of 16 L2 chips per plane has
        65,856 GB/s between its halves, not 75,264 GB/s.

        Fix: add the missing uplinks or spine capacity named by the cut.
    """)),
    Code("SN0404", "aggregate-bandwidth-below-bound", "the total bandwidth of a group is below a `require aggregate`",
         cleandoc("""
        `require aggregate(SELECTOR.GROUP) >= X` sums the per-direction bandwidth
        of every selected device on the port group (the total a supernode or pod
        can inject) and compares the sum with X.

        Bad:

            require aggregate(npu.ub) >= 200 TB/s     // 384 x 392 GB/s = 150.5 TB/s

        Fix: lower the bound to what the design provides, or add devices or links.
    """)),
    Code("SN0405", "bad-require", "a `require` statement that cannot be checked as written",
         cleandoc("""
        The requirement functions are `bandwidth(sel.group)`, `aggregate(sel.group)`,
        `bisection(sel)` or `bisection(a : b)`, `oversubscription(sw.up : sw.down)`,
        `latency(a, b)`, `hops(a, b)`, `power(rack)` or `power(sel)` and
        `redundant(sel)` (optionally `>= 0.5`). Each takes a bound of one kind: a
        data rate, a ratio, a time, a whole number, a power or a fraction. This
        diagnostic names what is wrong: an unknown function, a missing bound, a
        bound of the wrong unit, or arguments the function cannot use (such as an
        oversubscription without two port groups).

        Bad:

            require latency(npu, npu) <= 400 Gb/s

        Fix:

            require latency(npu, npu) <= 3 us
    """)),
)
