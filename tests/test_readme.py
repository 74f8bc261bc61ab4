"""The README's language tour is the shipped example, and its snippets compile."""

from __future__ import annotations

import re

from conftest import EXAMPLES, ROOT


def blocks(lang: str = "") -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```" + lang + r"\n(.*?)```", text, re.S)


def test_tour_is_the_cloudmatrix384_example() -> None:
    example = (EXAMPLES / "cloudmatrix384.sn").read_text(encoding="utf-8")
    assert example in blocks(), "README tour and examples/cloudmatrix384.sn differ: copy the example into the README"


def test_readme_commands_exist() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
