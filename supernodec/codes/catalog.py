"""Diagnostic codes SN03xx: the catalog phase (part declarations: fields, required fields,
`extends` and overrides, media, part numbers) and NetBox device-type import."""

from __future__ import annotations

from inspect import cleandoc

from . import Code

CODES: tuple[Code, ...] = (
    Code("SN0301", "bad-part-body", "a part declaration holds something other than fields and ports",
         cleandoc("""
        A part (`accelerator`, `switch`, `optic`, `rack`, ...) is a flat list of
        fields (`power = 600 W`) and port groups (`port p[64]: InfiniBand @ 400
        Gb/s`). Members, connections, placement and requirements belong in a
        template (`node`, `supernode`, `fabric`, `pod`) or in the center, which
        can then use the part.

        Bad:

            switch Leaf {
              port p[64]: InfiniBand @ 400 Gb/s
              npu: huawei.Ascend910C[8]
            }

        Fix: declare a template that holds the switch and the NPUs:

            node Box { leaf: Leaf; npu: huawei.Ascend910C[8] }
    """)),
    Code("SN0302", "override-unknown-field", "a part that extends another sets a field its kind does not have",
         cleandoc("""
        `optic FH_DR8 extends optics.OSFP800_DR8 { ... }` may override any field
        an optic has (`vendor`, `part_number`, `price`, `power`, `reach`, ...),
        but not a field that does not exist for that kind: an override that
        silently did nothing would hide a typo in a partner catalog. The
        message names the field and the hint lists the close spellings.

        Bad:

            optic FH_DR8 extends optics.OSFP800_DR8 { prise = 700 USD }

        Fix:

            optic FH_DR8 extends optics.OSFP800_DR8 { price = 700 USD }
    """)),
    Code("SN0303", "missing-required-field", "a part lacks a field its kind requires",
         cleandoc("""
        Some facts are needed by the checks for every part of a kind, so a part
        without them is an error where it is declared, not a surprise later:

          optic, cable   `class`, `rate` and `reach` (`medium auto` and the
                         reach check need them)
          switch, nic    at least one port group
          rack           `height` (rack space and cable lengths need it)

        A part that `extends` another inherits these fields. The diagnostic names
        the part and the missing field.

        Bad:

            optic MyDR8 { class = "DR"; rate = 800 Gb/s }

        Fix:

            optic MyDR8 { class = "DR"; rate = 800 Gb/s; reach = 500 m }
    """)),
    Code("SN0304", "invalid-field-value", "a field value outside its allowed range",
         cleandoc("""
        The value has the right unit but cannot be right: a negative price,
        power or length; a zero reach, rate or height; a `cooling` that is
        neither "air" nor "liquid"; a count such as `links_per_module` below 1.
        Prices may be zero (a placeholder); use `extends` to set the real one.

        Bad:

            optic CheapDR8 extends optics.OSFP800_DR8 { price = -5 USD }

        Fix:

            optic CheapDR8 extends optics.OSFP800_DR8 { price = 500 USD }
    """)),
    Code("SN0305", "extends-kind-mismatch", "a part extends a part of another kind",
         cleandoc("""
        A part inherits the fields and ports of its base, so both must be the
        same kind: an optic extends an optic, a switch a switch. Declaring an
        `optic` that extends a `cable` (a DAC or AOC) would give it fields an
        optic does not have.

        Bad:

            optic MyDAC extends optics.OSFP400_DAC { price = 80 USD }

        Fix: keep the kind of the base:

            cable MyDAC extends optics.OSFP400_DAC { price = 80 USD }
    """)),
    Code("SN0306", "empty-port-group", "a port group with zero (or fewer) ports",
         cleandoc("""
        `port p[N]` declares N ports; N must be at least 1. A group of zero
        ports is almost always an arithmetic slip in a parameterised catalog.
        Remove the group when the part has no such ports.

        Bad:

            switch Leaf { port p[0]: Ethernet @ 400 Gb/s }

        Fix:

            switch Leaf { port p[64]: Ethernet @ 400 Gb/s }
    """)),
    Code("SN0307", "unknown-protocol-or-form", "a port protocol, form factor or medium class that is not known",
         cleandoc("""
        Links are checked for matching protocol and connector, so these names
        come from fixed lists:

          protocol   UB, NVLink, InfiniBand, Ethernet, RoCE, PCIe
          form       OSFP, QSFP-DD, QSFP112, QSFP56, QSFP28, OSFP-XD, backplane,
                     RJ45, SFP28, SFP56, CPO, PCIe
          class      DAC, ACC, AEC, AOC, SR, DR, FR, LR, ER, ZR, backplane

        Names are case-sensitive; the hint suggests the closest one. An unknown
        name is an error where the part is declared.

        Bad:

            switch Leaf { port p[64]: Infiniband @ 400 Gb/s form OSFP }

        Fix:

            switch Leaf { port p[64]: InfiniBand @ 400 Gb/s form OSFP }
    """)),
    Code("SN0308", "extends-cycle", "parts extend each other in a cycle",
         cleandoc("""
        `A extends B` and `B extends A` (directly or through other parts) leave
        no part to start from. The message shows the chain; break it by making
        one of the parts stand alone.

        Bad:

            optic A extends B { price = 1 USD }
            optic B extends A { price = 2 USD }

        Fix:

            optic A { class = "DR"; rate = 400 Gb/s; reach = 500 m }
            optic B extends A { price = 2 USD }
    """)),
    Code("SN0309", "unknown-base-part", "`extends` names a part that does not exist",
         cleandoc("""
        The base of `extends` is looked up like any other part name: in the
        same file, or qualified by an imported module (`optics.OSFP800_DR8`).
        Check the spelling (the hint suggests close names) and that the module
        is imported.

        Bad:

            import "optics"
            optic FH_DR8 extends optics.OSFP800_DR4 { vendor = "FibreHub" }

        Fix:

            optic FH_DR8 extends optics.OSFP800_DR8 { vendor = "FibreHub" }
    """)),
    Code("SN0310", "duplicate-part-number", "two different parts declare the same vendor and part number",
         cleandoc("""
        A part number identifies one orderable item of a vendor, so the bill of
        materials must not find two parts with different figures under one
        number. Two parts conflict when they have the same vendor and part
        number and the number was written on both. A part that `extends`
        another and keeps its part number (only overriding, say, the price for
        one design) is the same item and does not conflict.

        Bad:

            optic FH_DR8 extends optics.OSFP800_DR8 {
              vendor = "FibreHub"; part_number = "FH-800-DR8"
            }
            optic FH_SR8 extends optics.OSFP800_SR8 {
              vendor = "FibreHub"; part_number = "FH-800-DR8"
            }

        Fix: give the second part its own number (`"FH-800-SR8"`).
    """)),
    Code("SN0311", "netbox-schema-violation", "a NetBox device-type YAML does not match the devicetype-library schema",
         cleandoc("""
        `supernodec catalog import-netbox FILE.yaml` validates the file against
        the JSON Schema of the NetBox devicetype-library (shipped with
        supernodec) before converting it. Each violation is reported at the
        offending YAML line with the data path (`interfaces/3/type`) and the
        schema path of the rule it breaks (`devicetype.json#/properties/slug/
        pattern`), so it can be looked up in the schema.

        Bad:

            slug: Leaf 64x400G

        Fix: slugs are lower-case letters, digits, `-` and `_`:

            slug: examplevendor-leaf-64x400g
    """)),
    Code("SN0312", "netbox-yaml-unreadable", "a NetBox device-type file is not readable YAML",
         cleandoc("""
        The file could not be read as one YAML mapping (the device type): a YAML
        syntax error, several documents, or a list at the top. The message gives
        the parser's reason and position.

        Bad:

            manufacturer: ExampleVendor
            model: [Leaf

        Fix: close the bracket or quote the value.
    """)),
    Code("SN0313", "netbox-interface-unmapped", "a NetBox interface type has no port rate supernodec can map",
         cleandoc("""
        Interfaces become port groups with a protocol, a rate and a form factor
        derived from the NetBox interface type (`400gbase-x-osfp` is Ethernet at
        400 Gb/s in an OSFP cage, `infiniband-ndr` InfiniBand at 400 Gb/s).
        Types without a data rate supernodec can model (`other`, wireless, SONET,
        PON, Fibre Channel, stacking) are left out of the part with this warning;
        logical interfaces (`virtual`, `bridge`, `lag`) are left out silently.
        To fix it, add the port group by hand in the generated `.sn` file if the
        design needs it (for example NVLink ports, which NetBox has no type for).

        Example:

            interfaces:
              - name: nvl0
                type: other
    """)),
    Code("SN0314", "bad-leg-module", "an optic's `leg` names no optic, or a module that has a `leg` itself",
         cleandoc("""
        `leg = M` on an optic says that in a breakout (`split N`) each leg end
        takes module `M` instead of another copy of the split-port module: an
        800G twin-port 2xDR4 OSFP at the switch and a 400G DR4 module at each
        NIC. `M` must be an optic, and a plain one: a module that names a leg
        itself (or the optic itself, or a chain that comes back to it) is this
        error, since a leg end never breaks out again.

        Bad:

            optic Twin { class = "DR"; rate = 800 Gb/s; reach = 500 m; leg = Twin }

        Fix: name the 400G module each leg takes:

            optic Twin { class = "DR"; rate = 800 Gb/s; reach = 500 m; leg = optics.OSFP400_DR4 }
    """)),
)
