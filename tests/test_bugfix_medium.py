"""`medium auto`: a candidate fits the forms of both ends; an unplaced link has no length."""

from __future__ import annotations

from pathlib import Path

from conftest import compile_text

PARTS = """import "optics"
switch A {{ port p: Ethernet @ 400 Gb/s{fa} }}
switch B {{ port p: Ethernet @ 400 Gb/s{fb} }}
center c {{ a: A; b: B; connect a.p -> b.p medium auto }}
"""


def _chosen_form(tmp_path: Path, fa: str, fb: str) -> str | None:
    res = compile_text(tmp_path, PARTS.format(fa=fa, fb=fb))
    assert [d.code for d in res.diagnostics if d.severity == "error"] == []
    d = res.design
    return d.parts[int(d.links.medium[0])].form


def test_a_medium_of_the_one_form_given(tmp_path: Path) -> None:
    # optics.sn has QSFP112 media (QSFP400_DAC); an OSFP cable would not plug in
    assert _chosen_form(tmp_path, " form QSFP112", "") == "QSFP112"
    assert _chosen_form(tmp_path, "", " form QSFP112") == "QSFP112"
    assert _chosen_form(tmp_path, " form OSFP", " form OSFP") == "OSFP"


def test_two_forms_name_both_and_say_why(tmp_path: Path) -> None:
    res = compile_text(tmp_path, PARTS.format(fa=" form OSFP", fb=" form QSFP112"))
    [d] = [d for d in res.diagnostics if d.severity == "error"]
    assert d.code == "SN0605" and "OSFP" in d.message and "QSFP112" in d.message
    assert any("OSFP at `a` and QSFP112 at `b`" in n for n in d.notes)
    assert "SN0607" not in [x.code for x in res.diagnostics]


def test_unplaced_link_without_catalog(tmp_path: Path) -> None:
    text = "switch S { port p[4]: Ethernet @ 400 Gb/s }\ncenter c { s: S; t: S; connect s.p -> t.p medium auto }\n"
    res = compile_text(tmp_path, text)
    [d] = res.diagnostics
    assert d.code == "SN0605" and "-0" not in d.message and " m " not in d.message
    assert any("length is unknown" in n for n in d.notes)
    assert 'import "optics"' in (d.hint or "")
