"""`supernodec fmt [--check] [--diff] FILE...`: the canonical layout (layer 8).

`format_text` is the one entry point shared by the command line and the
language server. It refuses to produce text that does not parse back to the
same AST with the same comments: a formatter bug becomes an SN0901 diagnostic
instead of a silently damaged spec.

Exit codes: 0 all files formatted (or already canonical), 1 a file would change
under `--check`, or a file could not be read or parsed, 2 a file does not exist
(a usage error, as for `check`). `-` formats standard input to standard output;
a directory stands for the `.sn` files under it.
"""

from __future__ import annotations

import difflib
import os
import sys
import tempfile
from pathlib import Path
from typing import Sequence

from .diagnostics import Diagnostic, error
from .source import SourceFile, Span
from .syntax.parser import parse_module
from .syntax.printer import print_module

MAX_DEPTH = 20_000


def format_text(path: str, text: str) -> str | list[Diagnostic]:
    """The canonical text of a spec, or the diagnostics that prevent formatting."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n")
    module, diags = parse_module(path, text)
    if module is None:
        return diags
    old = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(old, MAX_DEPTH))    # long operator chains nest deeply
        out = print_module(module, source=text)
        again, _ = parse_module(path, out)
        same = again == module and _comment_texts(again) == _comment_texts(module)
    except RecursionError:
        return [error("SN0207", "an expression nests too deeply to format", Span(path, 0, 0, 1, 1, 1, 1),
                      hint="split the expression with `let`")]
    finally:
        sys.setrecursionlimit(old)
    if not same:
        return [error("SN0901", "internal compiler error: the formatter changed the meaning of the spec",
                      None, path=path, notes=("the file was left unchanged",),
                      hint="this is a bug in supernodec; please report it with the spec")]
    return out


def _comment_texts(module: object) -> list[str]:
    return sorted(t.rstrip() for _, t in getattr(module, "comments", ()))


def fmt_main(files: Sequence[str], check: bool = False, diff: bool = False) -> int:
    """Format files in place; `check` lists files that would change, `diff` prints the changes."""
    missing = [f for f in files if f != "-" and not Path(f).exists()]
    if missing:
        from .cli import UsageError
        raise UsageError(f"no such file: {missing[0]}")
    status = 0
    for name in _expand(files):
        status |= _fmt_one(name, check, diff)
    return status


def _expand(files: Sequence[str]) -> list[str]:
    """Files as given; a directory stands for every `.sn` file under it, sorted."""
    out: list[str] = []
    for f in files:
        p = Path(f)
        if f != "-" and p.is_dir():
            out += sorted(q.as_posix() for q in p.rglob("*.sn") if q.is_file())
        else:
            out.append(f)
    return out


def _fmt_one(name: str, check: bool, diff: bool) -> int:
    text, diags = _read(name)
    if text is None:
        _report(diags, {})
        return 1
    result = format_text(name, text)
    if not isinstance(result, str):
        _report(result, {name: SourceFile.of(name, text)})
        return 1
    if name == "-":
        sys.stdout.write(_diff(name, text, result) if diff else result)
        return 1 if check and result != text else 0
    if result == text:
        return 0
    if diff:
        sys.stdout.write(_diff(name, text, result))
    if check:
        print(f"would reformat {name}")
        return 1
    if not diff:
        _write(Path(name), result)
        print(f"reformatted {name}", file=sys.stderr)
    return 0


def _read(name: str) -> tuple[str | None, list[Diagnostic]]:
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as e:
        return None, [error("SN0103", f"cannot read `{name}`: {e.strerror or e}", None, path=name,
                            hint="check the file name")]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as e:
        return None, [error("SN0006", f"`{name}` is not valid UTF-8 (byte {e.start})", None, path=name,
                            hint="save the file as UTF-8")]


def _diff(name: str, old: str, new: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                        f"a/{name}", f"b/{name}"))


def _write(path: Path, text: str) -> None:
    """Replace the file atomically, keeping its permissions."""
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".fmt", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _report(diags: list[Diagnostic], sources: dict[str, SourceFile]) -> None:
    from .render import render_rich
    color = sys.stderr.isatty() and not os.environ.get("NO_COLOR")
    text = render_rich(diags, sources, color=bool(color))
    sys.stderr.write(text if text.endswith("\n") else text + "\n")
