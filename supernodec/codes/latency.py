"""Diagnostic codes SN05xx: owned by the latency checks (worst-case latency and hop count
between groups of devices).

Add one `Code(...)` per diagnostic to `CODES`; `supernodec.codes` registers them.
"""

from __future__ import annotations

from inspect import cleandoc

from . import Code

CODES: tuple[Code, ...] = (
    Code("SN0501", "latency-above-bound", "the worst-case latency between two groups exceeds a `require latency`",
         cleandoc("""
        `require latency(A, B) <= X` takes, over every pair of a device in A and a
        different device in B, the lowest-latency path between them, and asks that
        the worst such pair stays within X. A path costs the sum of the latencies
        of the switches (and NICs) it passes through, plus the propagation delay
        of its cables (the computed length times the medium's `delay`, e.g.
        5 ns/m). A part's `latency` is its whole port-to-port delay: for a
        store-and-forward part, include the serialization of one frame (frame
        size / port rate, 4 KiB at 400 Gb/s = 81.92 ns). Paths never pass
        through other endpoints (NPUs, GPUs, CPUs).

        The message names the worst pair, its path and the breakdown (switches
        and propagation). Links whose length is unknown (racks not on
        the floor) count no propagation; a note says how many.

        Bad (three 400 ns switches between any two NPUs):

            require latency(npu, npu) <= 1 us

        Fix: use lower-latency switches, fewer tiers, or shorter cables; or relax
        the bound if the application tolerates it.
    """)),
    Code("SN0502", "hops-above-bound", "the worst-case hop count between two groups exceeds a `require hops`",
         cleandoc("""
        `require hops(A, B) <= N` counts, for every pair of a device in A and a
        different device in B, the switches (and NICs) on the path with the fewest
        of them, and asks that the worst pair needs at most N. A GPU one leaf away
        from another is 1 hop; leaf-spine-leaf is 3.

        Bad (a three-tier fabric needs 5 hops between pods):

            require hops(gpu, gpu) <= 3

        Fix: connect the groups through fewer switch tiers, or relax the bound.
    """)),
    Code("SN0503", "unreachable-pair", "two devices a `require latency`/`hops` names have no path between them",
         cleandoc("""
        Some device of the first group cannot reach some device of the second
        group at all: no chain of links through switches or NICs joins them (paths
        never pass through endpoints such as NPUs or CPUs). Usually a `connect`
        is missing, or the two groups live in separate networks (for instance two
        UB planes that only meet at the NPUs).

        The message counts the unreachable pairs and names one.

        Fix: add the missing links, or narrow the requirement to devices that
        share a network.
    """)),
    Code("SN0504", "latency-undecided", "the worst-case latency could not be decided within the work limit",
         cleandoc("""
        The worst case over all pairs is found by running shortest-path searches
        from one source per class of equivalent devices, after pruning every class
        whose upper bound (through a landmark switch) is already within the bound.
        When the design is so irregular that more searches than the work limit
        would be needed, the check stops and reports what it knows: the worst
        latency found so far and an upper bound for the rest. It is a warning
        because the requirement may hold.

        Fix: none is needed in the design. Regular structure (identical template
        instances, racks placed the same way) lets the check decide quickly.
    """)),
)
