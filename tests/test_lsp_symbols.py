"""References and rename on the scope rules that the end-to-end tests do not reach.

In process (no server): halls and rows, port groups inherited through `extends`,
`let`s in `if` branches, groups seeing their template, template parameters
shadowing module parameters, the shipped catalogs. Each expected occurrence is
found in the text by hand (a needle and an offset in it); a rename that goes
through is compiled before and after and the designs compared.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("lsprotocol")

from supernodec.driver import Options, compile_spec  # noqa: E402
from supernodec.emit.ir_json import design_json  # noqa: E402
from supernodec.loader import FileLoader  # noqa: E402
from supernodec.lsp import rename as R  # noqa: E402
from supernodec.resolve import resolve_program  # noqa: E402


def _program(tmp_path: Path, text: str):
    (tmp_path / "spec.sn").write_text(text, encoding="utf-8")
    prog, diags = resolve_program("spec.sn", FileLoader(cwd=tmp_path))
    assert prog is not None and not diags
    return prog


def _off(text: str, needle: str, k: int = 0) -> int:
    return text.index(needle) + k


def _refs(prog, text: str, needle: str, k: int = 0) -> list[int]:
    return [o.start for o in R.references(prog, prog.root, _off(text, needle, k), True) if o.path == prog.root]


def _editable(path: str) -> bool:
    return not path.startswith("<catalogs>/")


def _design(tmp_path: Path, text: str) -> str:
    (tmp_path / "spec.sn").write_text(text, encoding="utf-8")
    res = compile_spec(str(tmp_path / "spec.sn"), FileLoader(cwd=tmp_path), Options())
    assert res.ok, [d.message for d in res.diagnostics]
    ir = design_json(res.design)
    for c in ir["connects"] + ir["requires"]:
        c.pop("at")
    return json.dumps(ir, sort_keys=True)


def _renamed(prog, text: str, needle: str, k: int, new: str) -> str:
    edits = R.rename(prog, prog.root, _off(text, needle, k), new, _editable)
    assert list(edits) == [prog.root]
    return R.apply_edits(text, edits[prog.root])


HALL = '''import "racks"
switch S {
  port p[4]: UB @ 56 GB/s
  height = 1 U
}
center c {
  hall h1 {
    row A[4] pitch 0.6 m
    row B[4]
  }
  r: racks.Rack42U_Air[2]
  s: S[2]
  place r[i] in h1.A[i]
  place s[j] in r[j]
}
'''


def test_rows_and_halls(tmp_path: Path) -> None:
    prog = _program(tmp_path, HALL)
    assert _refs(prog, HALL, "h1.A", 3) == [_off(HALL, "row A", 4), _off(HALL, "h1.A", 3)]
    assert _refs(prog, HALL, "hall h1", 5) == [_off(HALL, "hall h1", 5), _off(HALL, "h1.A")]
    before = _design(tmp_path, HALL)
    after = _renamed(prog, HALL, "row A", 4, "Front")
    assert after == HALL.replace("row A", "row Front").replace("h1.A", "h1.Front")
    assert _design(tmp_path, after) == before.replace('"A"', '"Front"').replace("h1.A", "h1.Front")   # row names
    with pytest.raises(R.Refused, match="`B` is already declared in the same scope"):
        R.rename(prog, prog.root, _off(HALL, "row A", 4), "B", _editable)


EXTENDS = '''switch Base {
  port p[4]: UB @ 56 GB/s
}
switch Derived extends Base {
  vendor = "X"
}
center c {
  a: Derived[2]
  connect a[0].p[0] -> a[1].p[0]
}
'''


def test_a_port_group_inherited_through_extends_is_the_base_declaration(tmp_path: Path) -> None:
    prog = _program(tmp_path, EXTENDS)
    assert _refs(prog, EXTENDS, "a[0].p", 5) == [_off(EXTENDS, "port p", 5), _off(EXTENDS, "a[0].p", 5),
                                                  _off(EXTENDS, "a[1].p", 5)]
    assert _refs(prog, EXTENDS, "extends Base", 8) == [_off(EXTENDS, "switch Base", 7), _off(EXTENDS, "extends Base", 8)]
    after = _renamed(prog, EXTENDS, "a[1].p", 5, "q")
    assert after == EXTENDS.replace("port p", "port q").replace("].p[", "].q[")


BRANCHES = '''param big = true
switch S {
  port p[8]: UB @ 56 GB/s
}
supernode T {
  if big {
    let n = 4
  } else {
    let n = 2
  }
  let m = 3
  s: S[n]
  g[2] {
    t: S[m]
  }
  connect g[x].t[0].p[0] -> s[x].p[1]
}
center c {
  t: T
}
'''


def test_a_let_in_an_if_branch_may_be_either_so_renaming_one_is_refused(tmp_path: Path) -> None:
    prog = _program(tmp_path, BRANCHES)
    uses = _refs(prog, BRANCHES, "S[n]", 2)
    assert uses == [_off(BRANCHES, "let n = 4", 4), _off(BRANCHES, "let n = 2", 4), _off(BRANCHES, "S[n]", 2)]
    with pytest.raises(R.Refused, match="may mean this `n` or the one at spec.sn:9"):
        R.rename(prog, prog.root, _off(BRANCHES, "let n = 4", 4), "k", _editable)
    with pytest.raises(R.Refused, match="may mean several declarations"):
        R.rename(prog, prog.root, _off(BRANCHES, "S[n]", 2), "k", _editable)


def test_a_group_sees_its_templates_lets_and_members(tmp_path: Path) -> None:
    prog = _program(tmp_path, BRANCHES)
    assert _refs(prog, BRANCHES, "S[m]", 2) == [_off(BRANCHES, "let m", 4), _off(BRANCHES, "S[m]", 2)]
    before = _design(tmp_path, BRANCHES)
    after = _renamed(prog, BRANCHES, "let m", 4, "per_group")
    assert after == BRANCHES.replace("let m", "let per_group").replace("S[m]", "S[per_group]")
    assert _design(tmp_path, after) == before
    # `x` would then read the let instead of ranging over `g`
    with pytest.raises(R.Refused, match="`x` at spec.sn:16 would mean the renamed `m`"):
        R.rename(prog, prog.root, _off(BRANCHES, "let m", 4), "x", _editable)


SHADOW = '''import "huawei"
param nodes = 2
node N(nodes = 4) {
  npu: huawei.Ascend910C[nodes]
}
center c {
  n: N(nodes = nodes)[nodes]
}
'''


def test_a_template_parameter_shadows_the_module_parameter(tmp_path: Path) -> None:
    prog = _program(tmp_path, SHADOW)
    module_param = [_off(SHADOW, "param nodes", 6), _off(SHADOW, "= nodes)", 2), _off(SHADOW, ")[nodes]", 2)]
    assert _refs(prog, SHADOW, "param nodes", 6) == module_param
    template_param = [_off(SHADOW, "N(nodes = 4)", 2), _off(SHADOW, "Ascend910C[nodes]", 11), _off(SHADOW, "N(nodes = nodes)", 2)]
    assert _refs(prog, SHADOW, "Ascend910C[nodes]", 11) == template_param
    before = _design(tmp_path, SHADOW)
    after = _renamed(prog, SHADOW, "param nodes", 6, "count")
    assert after == SHADOW.replace("param nodes", "param count").replace("= nodes)[nodes]", "= count)[count]")
    assert _design(tmp_path, after) == before.replace('"nodes"', '"count"')


def test_names_in_the_shipped_catalogs_are_found_but_not_renamed(tmp_path: Path) -> None:
    prog = _program(tmp_path, SHADOW)
    refs = R.references(prog, prog.root, _off(SHADOW, "Ascend910C", 1), True)
    decl = [o for o in refs if o.decl]
    assert len(decl) == 1 and decl[0].path == "<catalogs>/huawei.sn"
    with pytest.raises(R.Refused, match="declared in the shipped catalog `huawei`"):
        R.prepare(prog, prog.root, _off(SHADOW, "Ascend910C", 1), _editable)
    # the alias is the spec's own: `import "huawei" as hw`
    after = _renamed(prog, SHADOW, "huawei.Ascend", 2, "hw")
    assert after == SHADOW.replace('import "huawei"', 'import "huawei" as hw').replace("huawei.Ascend", "hw.Ascend")


def _structure(path: Path) -> dict:
    """What a rename must not change: every device's part, rack and slot, every link's
    ends and ports, media and lengths, the racks, and what each requirement selects."""
    res = compile_spec(str(path), FileLoader(cwd=path.parent), Options(run_checks=False))
    assert res.ok, [d.message for d in res.diagnostics]
    ir = design_json(res.design)
    return {"devices": {k: v for k, v in ir["devices"].items() if k not in ("name", "role")},
            "links": ir["links"], "racks": [(r["part"], r["hall"] is None, r["slot"]) for r in ir["racks"]],
            "placements": [(p["rack"], p["u"]) for p in ir["placements"]],
            "requires": [(r["func"], [a["count"] for a in r["args"]]) for r in ir["requires"]],
            "parts": [p["kind"] for p in ir["parts"]]}


@pytest.mark.parametrize("example", ["cloudmatrix384.sn", "gb200-nvl72.sn", "small-cluster.sn"])
def test_every_declaration_of_an_example_renames_to_the_same_design(tmp_path: Path, example: str) -> None:
    from conftest import EXAMPLES
    from supernodec.lsp.symbols import bind_program
    text = (EXAMPLES / example).read_text(encoding="utf-8")
    (tmp_path / example).write_text(text, encoding="utf-8")
    prog, _ = resolve_program(example, FileLoader(cwd=tmp_path))
    before = _structure(tmp_path / example)
    decls = [o for o in bind_program(prog).occs if o.decl and o.path == prog.root]
    assert len(decls) >= 10
    for o in decls:
        edits = R.rename(prog, prog.root, o.start, "renamed_" + o.name, _editable)
        renamed = tmp_path / "renamed.sn"
        renamed.write_text(R.apply_edits(text, edits[prog.root]), encoding="utf-8")
        assert _structure(renamed) == before, o.name


def _bind_files(folder: Path, spec):
    from supernodec.lsp.symbols import bind_program
    root = spec.write(folder)
    prog, _ = resolve_program(root.name, FileLoader(cwd=folder))
    return prog, (bind_program(prog) if prog is not None else None)


def _occurrences_read_their_names(prog, binding) -> None:
    for o in binding.occs:
        text = prog.sources[o.path].text[o.start:o.end]
        assert text == (f'"{text[1:-1]}"' if o.implicit else o.name), (o, text)
        keys = o.key if isinstance(o.key, frozenset) else {o.key} - {None}
        assert all(k in binding.symbols for k in keys), o


def test_generated_specs_bind_every_name_where_it_is_written_and_rename_keeps_the_design() -> None:
    import tempfile
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from supernodec.testing import valid_specs

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(valid_specs(), st.integers(min_value=0))
    def check(generated, pick: int) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            prog, binding = _bind_files(folder, generated.spec)
            _occurrences_read_their_names(prog, binding)
            root = folder / generated.spec.main_name
            before = _structure(root)
            decls = [o for o in binding.occs if o.decl and o.path == prog.root]
            o = decls[pick % len(decls)]
            try:
                edits = R.rename(prog, prog.root, o.start, "renamed_" + o.name, _editable)
            except R.Refused as e:          # only for names the spec could not rename safely
                assert any(w in str(e) for w in ("would change", "may mean", "may be read")), str(e)
                return
            for path, file_edits in edits.items():
                f = folder / path
                f.write_bytes(R.apply_edits(f.read_bytes().decode("utf-8"), file_edits).encode("utf-8"))  # `\r` kept
            assert _structure(root) == before, o.name
    check()


def test_mistakes_in_specs_never_break_references() -> None:
    import tempfile
    from hypothesis import HealthCheck, given, settings
    from supernodec.testing import mutated_specs

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(mutated_specs())
    def check(spec) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            prog, binding = _bind_files(Path(tmp), spec)
            if prog is None or prog.root not in prog.modules:
                return
            _occurrences_read_their_names(prog, binding)
            for o in binding.occs[:20]:
                R.references(prog, o.path, o.start, True)
                try:
                    R.rename(prog, o.path, o.start, "renamed", _editable)
                except R.Refused:
                    pass
    check()


ADDRESS = '''switch S {
  port p[4]: UB @ 56 GB/s
}
center c {
  s: S[2]
  let address = "10.0.{k}.1"
  mgmt s[k] = address
}
'''


def test_an_index_variable_read_through_a_string_in_a_let_is_not_renamed_blindly(tmp_path: Path) -> None:
    prog = _program(tmp_path, ADDRESS)
    _design(tmp_path, ADDRESS)                             # it compiles: `{k}` reads the index variable
    with pytest.raises(R.Refused, match="`{k}` in the string at spec.sn:6 may be read as a management address"):
        R.rename(prog, prog.root, _off(ADDRESS, "s[k]", 2), "n", _editable)
    with pytest.raises(R.Refused, match="`{k}` in the string"):       # and a name would not capture it either
        R.rename(prog, prog.root, _off(ADDRESS, "let address", 4), "k", _editable)
