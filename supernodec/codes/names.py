"""Diagnostic codes SN01xx: names, scopes and imports (resolution)."""

from __future__ import annotations

from inspect import cleandoc

from . import Code

CODES: tuple[Code, ...] = (
    Code("SN0101", "unknown-name", "a name that is not defined in scope",
         cleandoc("""
        The name is not declared in the current scope, an enclosing template, or
        the file's top level, and it is not a parameter or index variable. The
        diagnostic suggests up to three similar names. (An unknown part or
        template name is SN0107; a name from another module is qualified by the
        module, `huawei.Ascend910C`.)

        Bad:

            import "huawei"
            node Server(npus = 8) { npu: huawei.Ascend910C[npu] }
            center c { server: Server[4] }

        Fix: use the parameter's name:

            import "huawei"
            node Server(npus = 8) { npu: huawei.Ascend910C[npus] }
            center c { server: Server[4] }
    """)),
    Code("SN0102", "duplicate-name", "a name declared twice in the same scope",
         cleandoc("""
        Two declarations in the same scope use the same name, so references to it
        would be ambiguous. The diagnostic points at the second declaration and
        shows the first. Declarations in different templates or modules do not
        clash.

        Bad:

            import "huawei"
            node Server {
              npu: huawei.Ascend910C[8]
              npu: huawei.Kunpeng920[4]
            }
            center c { server: Server[4] }

        Fix: give each its own name:

            import "huawei"
            node Server {
              npu: huawei.Ascend910C[8]
              cpu: huawei.Kunpeng920[4]
            }
            center c { server: Server[4] }
    """)),
    Code("SN0103", "import-not-found", "an imported file does not exist on the search path",
         cleandoc("""
        An `import` is resolved relative to the importing file, then along the
        search path (`-I` options and `SUPERNODEC_PATH`), then in the catalogs
        shipped with supernodec. None of them holds the file. The diagnostic lists
        the places that were tried.

        Bad:

            import "catalog/huawei.sn"

        Fix: correct the path, or add its directory to the search path:

            import "catalogs/huawei.sn"
            // or keep the path and run: supernodec build -I vendor/ center.sn
    """)),
    Code("SN0104", "import-cycle", "files import each other in a cycle",
         cleandoc("""
        Following the imports leads back to a file that is still being loaded, so
        no file of the cycle can be resolved first. The diagnostic shows the whole
        chain, with the import statement of each step.

        Bad:

            // racks.sn
            import "fabric.sn"
            // fabric.sn
            import "racks.sn"

        Fix: move the declarations both files need into a third file that both
        import, so the imports form a tree.
    """)),
    Code("SN0105", "import-outside-root", "an import escapes the allowed directories",
         cleandoc("""
        Import paths are resolved inside the project root and the search path. A
        path that climbs out of them with `..`, or that is absolute, is refused so
        that a build cannot read arbitrary files of the machine it runs on.

        Bad:

            import "../../../etc/catalog.sn"

        Fix: put the file inside the project (or a directory passed with `-I`)
        and import it by a relative path:

            import "catalogs/partner.sn"
    """)),
    Code("SN0106", "unknown-module-member", "a module has no member of that name",
         cleandoc("""
        The module exists and was imported, but it declares nothing with this
        name. Check the spelling and the module; the diagnostic suggests up to
        three members with similar names.

        Bad:

            import "huawei"
            npu: huawei.Ascend910[8]

        Fix:

            npu: huawei.Ascend910C[8]
    """)),
    Code("SN0107", "unknown-template", "an instance names a template that does not exist",
         cleandoc("""
        An instance or array must name a declared part, node, rack, supernode or
        fabric template. The name given is none of them (it may be a value, a
        parameter or a misspelling).

        Bad:

            pod: CloudMatrix[4]

        Fix: use the template's declared name:

            pod: CloudMatrix384[4]
    """)),
    Code("SN0108", "unknown-port-group", "a part has no port group of that name",
         cleandoc("""
        A connection endpoint names a port group that the part does not declare.
        Port groups are declared in the catalog with `port NAME[COUNT]: PROTOCOL @
        RATE`. The diagnostic lists the groups the part has.

        Bad:

            connect npu[i].nvl[p] -> l1[p].down[i]

        when `huawei.Ascend910C` declares `port ub[7]` and `port rdma[1]`. Fix:

            connect npu[i].ub[p] -> l1[p].down[i]
    """)),
    Code("SN0109", "unknown-parameter", "an argument names a parameter the template lacks",
         cleandoc("""
        A template instantiation passes a named argument the template does not
        declare. Parameters are the names in parentheses after the template name,
        each with an optional default.

        Bad:

            switch Leaf { port p: UB @ 56 GB/s }
            supernode CM(nodes = 48) { leaf: Leaf[nodes] }
            center c { pod: CM(node = 24)[4] }

        Fix:

            pod: CM(nodes = 24)[4]
    """)),
    Code("SN0110", "unknown-field", "a field that this kind of declaration does not have",
         cleandoc("""
        Each kind of declaration has a fixed set of fields (a switch has `latency`,
        a medium has `reach` and `delay`, every part may have `power`, `price`,
        `height` ...). This field is not one of them for this kind. The diagnostic
        lists the fields that are allowed.

        Bad:

            cable DAC800 { length = 3 m }

        Fix: a medium declares how far it reaches; the length of each cable is
        computed from the floor plan:

            cable DAC800 { reach = 3 m }
    """)),
)
