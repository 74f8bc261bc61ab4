"""Diagnostic codes SN07xx: owned by the power, space, cooling and memory-map checks.

Add one `Code(...)` per diagnostic to `CODES`; `supernodec.codes` registers them.
"""

from __future__ import annotations

from inspect import cleandoc

from . import Code

CODES: tuple[Code, ...] = (
    Code("SN0701", "rack-power-over-budget", "the devices in a rack draw more than the rack's power budget",
         cleandoc("""
        A rack's power is the sum of the `power` of every device placed in it,
        plus the optics and active cables plugged into those devices (the medium's
        `power` is per end; one end sits in each rack). It must stay within the
        rack part's `power_budget`. Racks of one declaration are reported together:
        how many are over, and the worst with its breakdown.

        Bad:

            rack R { height = 42 U; power_budget = 20 kW }
            place server[i] in r[i / 4]        // 4 servers of 6 kW each = 24 kW

        Fix: put fewer devices in each rack, or use a rack with a larger budget.
    """)),
    Code("SN0702", "row-full", "a hall row has no free position left for a rack",
         cleandoc("""
        `place RACKS in hall.ROW` puts racks in the next free positions of the
        row; the row declares how many positions it has (`row A[20]`). More racks
        were placed than the row holds.

        Bad:

            hall h1 { row A[2] pitch 0.6 m }
            place rk[i] in h1.A                // rk: R[3]

        Fix: add positions to the row, or place some racks in another row.
    """)),
    Code("SN0703", "rack-position-taken", "two racks are placed at the same row position",
         cleandoc("""
        A rack was placed at an explicit position (`in h1.A[3]`) that another
        rack already occupies.

        Bad:

            place rk[0] in h1.A[3]
            place rk[1] in h1.A[3]

        Fix: use another position, or let the row allocate the next free one
        (`in h1.A`).
    """)),
    Code("SN0704", "hall-power-over-budget", "the racks of a hall draw more than the hall's power budget",
         cleandoc("""
        A hall's `power_budget` bounds the sum of the power of every rack on its
        floor. The message gives the total, the budget and the three rows that
        draw most.

        Bad:

            hall h1 { row A[10] pitch 0.6 m; power_budget = 100 kW }   // 12 racks of 10 kW

        Fix: spread the racks over more halls, or raise the hall's budget.
    """)),
    Code("SN0705", "power-above-bound", "power exceeds a `require power`",
         cleandoc("""
        `require power(rack) <= X` bounds the power of every rack of the scope
        (devices plus optics at their ends, as for SN0701); `require power(SEL)
        <= X` bounds the total power of the selected devices. The message names
        the worst rack (or the total) and counts the offenders.

        Bad:

            require power(rack) <= 20 kW     // a rack draws 24 kW

        Fix: spread the load, or relax the bound.
    """)),
    Code("SN0706", "rack-height-exceeded", "equipment placed in a rack extends above its top",
         cleandoc("""
        A device or template instance placed at U position `u` with height `h`
        occupies U `u` to `u + h - 1`; the rack part's `height` is the last usable
        U. Something placed reaches above it.

        Bad:

            rack R { height = 42 U }
            place server[i] in r[0] at 41          // a 2U server at U41 needs U42..

        Fix: place it lower, or use a taller rack.
    """)),
    Code("SN0707", "rack-units-overlap", "two things placed in a rack occupy the same U positions",
         cleandoc("""
        Each U position of a rack holds one device. Two placements overlap: the
        message names both and the shared positions.

        Bad:

            place a in r at 1                    // 2U: U1-U2
            place b in r at 2                    // overlaps at U2

        Fix: place one of them higher, or leave out `at` to stack automatically.
    """)),
    Code("SN0708", "cooling-mismatch", "a liquid-cooled part is placed in a rack without liquid cooling",
         cleandoc("""
        A part that declares `cooling = "liquid"` needs a rack whose part declares
        `cooling = "liquid"`. The message names the part, the rack and how many
        devices are affected.

        Bad:

            accelerator B200 { power = 1000 W; cooling = "liquid" }
            rack AirRack { height = 42 U; cooling = "air" }
            place node[i] in air[i]

        Fix: place it in a liquid-cooled rack.
    """)),
    Code("SN0709", "address-space-overflow", "a unified memory map does not fit its address width",
         cleandoc("""
        `unified memory over A, B width W bits align X` lays out the memory of
        every member in one address space: each member's window starts at the
        next multiple of the alignment, in declaration order. The total must fit
        in 2^W bytes. The message gives the total, the limit and the first
        member that no longer fits.

        Bad (384 x 128 GB + 192 x 512 GB = 147 TB needs 48 bits):

            unified memory over npu, cpu width 40 bits

        Fix: widen the address (`width 52 bits`), or lower the alignment.
    """)),
    Code("SN0710", "address-windows-overlap", "two windows of a unified memory map overlap",
         cleandoc("""
        Two members' windows in a unified address map share addresses. The
        compiler lays windows out one after the other, so this means a member is
        listed twice (`over npu, npu`) or a selector repeats devices; the
        message names the member and the overlapping range.

        Fix: list every member once.
    """)),
    Code("SN0711", "memory-member-without-memory", "a member of a unified memory map declares no memory",
         cleandoc("""
        A device named in `unified memory over ...` has a part without a `memory`
        field, so its window is empty. Usually the selector names the wrong
        devices (switches instead of NPUs), or the part lacks `memory = 128 GB`.

        Fix: declare the part's memory, or leave the device out of the map.
    """)),
)
