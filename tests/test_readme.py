"""The README's language tour is the shipped example, and its snippets compile."""

from __future__ import annotations

from conftest import EXAMPLES, ROOT


def blocks() -> list[str]:
    """Contents of the fenced code blocks, in order."""
    out, cur = [], None
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("```"):
            if cur is None:
                cur = []
            else:
                out.append("".join(cur))
                cur = None
        elif cur is not None:
            cur.append(line)
    return out


def test_tour_is_the_cloudmatrix384_example() -> None:
    example = (EXAMPLES / "cloudmatrix384.sn").read_text(encoding="utf-8")
    assert example in blocks(), "README tour and examples/cloudmatrix384.sn differ: copy the example into the README"


def test_readme_commands_exist() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_fuzzing_example_runs(tmp_path, monkeypatch) -> None:
    """The README's fuzzing example is real code: run it with a small budget."""
    code = next(b for b in blocks() if "mutated_specs" in b)
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(code.replace("max_examples=50", "max_examples=5"), "README.md", "exec"), namespace)
    namespace["test_mistakes_in_my_center_are_diagnosed"]()
