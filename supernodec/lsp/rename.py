"""Find references and rename (language server, layer 8).

Both answer from `symbols.bind_program`: the occurrences whose key is the key
of the name under the cursor. Rename refuses (`Refused`, with the reason) a
name declared in a module that cannot be edited (a shipped catalog, a file
outside the workspace), a new name that is not an identifier, and a new name
already declared in the same scope. The edit itself is checked by applying it,
parsing the edited modules and binding again: every name must still mean the
declaration it meant (so no shadowing, capture or pattern variable changes
meaning), else the rename is refused and says where. That check alone decides
about the grammar's words: its lexer is contextual, so `width` or `node` is a
name wherever the grammar expects a name and no keyword, and a rename to such a
word is done when every edited place still reads it as the name; where one
would read it as the keyword (`for: ...` starts a loop), the rename is refused.
"""

from __future__ import annotations

from typing import Callable

from ..resolve import ModuleInfo, Program, module_name
from ..syntax import ast as A
from ..syntax.parser import keywords, parse_module
from .analysis import module_info
from .symbols import IDENT, Binding, Key, Occ, Symbol, bind_program

Edit = tuple[int, int, str]             # (start, end, new text) in one module's text


class Refused(Exception):
    """A rename that cannot be done, with the reason for the user."""


def references(prog: Program, path: str, offset: int, include_declaration: bool) -> list[Occ]:
    b = bind_program(prog)
    occ = b.at(path, offset)
    if occ is None or occ.key is None:
        return []
    keys = occ.key if isinstance(occ.key, frozenset) else frozenset((occ.key,))
    seen: dict[tuple[str, int], Occ] = {}
    for k in keys:
        for o in b.references(k):
            if include_declaration or not o.decl:
                seen.setdefault((o.path, o.start), o)
    return sorted(seen.values(), key=lambda o: (o.path != path, o.path, o.start))


def declaration(prog: Program, path: str, offset: int) -> Occ | None:
    """The occurrence that declares the name at `offset` (None: not declared, or several)."""
    b = bind_program(prog)
    occ = b.at(path, offset)
    if occ is None or occ.key is None or isinstance(occ.key, frozenset):
        return None
    return next((o for o in b.references(occ.key) if o.decl), None)


def prepare(prog: Program, path: str, offset: int, editable: Callable[[str], bool]) -> Occ:
    """The occurrence to rename at `offset` (its range and name), or `Refused`."""
    b = bind_program(prog)
    occ, sym = _symbol_at(b, path, offset)
    _check_editable(prog, b, occ.key, sym, editable)
    return occ


def rename(prog: Program, path: str, offset: int, new: str,
           editable: Callable[[str], bool], declared: str | None = None) -> dict[str, list[Edit]]:
    """The edits per module path that rename the name at `offset` to `new`, or `Refused`.
    With `declared`, `offset` must be where a name of that spelling is declared."""
    b = bind_program(prog)
    occ, sym = _symbol_at(b, path, offset)
    if declared is not None and (not occ.decl or occ.name != declared):
        raise Refused(f"`{declared}` has changed in another open file; save or reopen it and try again")
    key = occ.key
    _check_editable(prog, b, key, sym, editable)
    _check_name(new)
    if new == sym.name:
        return {}
    clash = b.scopes.get(sym.scope, {}).get(new)
    if clash is not None and clash != key:
        raise Refused(f"`{new}` is already declared in the same scope ({_where(prog, b.symbols[clash])}); "
                      "choose another name")
    for o in b.loose:
        if o.name in (sym.name, new) and editable(o.path):
            raise Refused(f"`{{{o.name}}}` in the string at {_line(prog, o)} may be read as a management address "
                          "with this name; rename by hand")
    edits: dict[str, list[Edit]] = {}
    for o in b.references(key):
        edit = (o.end, o.end, f" as {new}") if o.implicit else (o.start, o.end, new)
        edits.setdefault(o.path, []).append(edit)
    _check_meaning(prog, b, key, new, edits)
    return edits


# ---------------------------------------------------------------- checks
def _symbol_at(b: Binding, path: str, offset: int) -> tuple[Occ, Symbol]:
    occ = b.at(path, offset)
    if occ is None:
        raise Refused("there is no name here that the spec declares (parts, templates, parameters, "
                      "`let`s, loop and index variables, members, groups, port groups, halls, rows and "
                      "import aliases can be renamed)")
    if occ.key is None:
        raise Refused(f"`{occ.name}` is not declared anywhere this spec can see, so there is nothing to rename")
    if isinstance(occ.key, frozenset):
        raise Refused(f"`{occ.name}` here may mean several declarations (members of several templates, "
                      "or `let`s in both branches of an `if`); rename them from their declarations")
    sym = b.symbols.get(occ.key)
    if sym is None:                  # declared where the spec cannot use it (a parameter of a part)
        raise Refused(f"`{occ.name}` is not declared where the spec can use it, so there is nothing to rename")
    return occ, sym


def _check_editable(prog: Program, b: Binding, key: Key, sym: Symbol, editable: Callable[[str], bool]) -> None:
    if not editable(sym.path):
        raise Refused(f"`{sym.name}` is declared in {_module_words(prog, sym.path)}, which cannot be edited "
                      "here; only names declared in the workspace's own files can be renamed")
    for o in b.references(key):
        if not editable(o.path):
            raise Refused(f"`{sym.name}` is also used in {_module_words(prog, o.path)}, which cannot be edited here")
        if isinstance(o.key, frozenset):
            others = sorted({_where(prog, b.symbols[k]) for k in o.key if k != key and k in b.symbols})
            raise Refused(f"`{o.name}` at {_line(prog, o)} may mean this `{sym.name}` or the one at "
                          f"{', '.join(others)}; renaming one alone would change what it means")


def _check_name(new: str) -> None:
    if not IDENT.fullmatch(new):
        raise Refused(f"`{new}` is not a name: names start with a letter or `_` and hold letters, digits and `_`")


def _check_meaning(prog: Program, b: Binding, key: Key, new: str, edits: dict[str, list[Edit]]) -> None:
    """Apply the edits, bind again, and refuse if any name would mean something else."""
    keyword = f"`{new}` is a keyword of the language, read as one where `{b.symbols[key].name}` is written"
    try:
        after = bind_program(_edited(prog, edits))
    except Refused as e:
        if new in keywords():
            raise Refused(f"{keyword}: {e}; choose another name") from None
        raise
    renamed = {(o.path, o.start) for o in b.references(key)}
    if len(after.occs) != len(b.occs):
        raise Refused(f"{keyword}; choose another name" if new in keywords()
                      else f"renaming to `{new}` would change how the spec reads; choose another name")
    for old, now in zip(b.occs, after.occs):
        expected = new if (old.path, old.start) in renamed else old.name
        if now.key == old.key and now.name == expected:
            continue
        if old.key == key:
            why = f"`{new}` at {_line(prog, old)} would mean another declaration of that name"
        elif now.key == key:
            why = f"`{old.name}` at {_line(prog, old)} would mean the renamed `{b.symbols[key].name}`"
        else:
            why = f"the name at {_line(prog, old)} would change meaning"
        raise Refused(f"renaming to `{new}` would change the spec: {why}; choose another name")


def _edited(prog: Program, edits: dict[str, list[Edit]]) -> Program:
    modules: dict[str, ModuleInfo] = {}
    for path, info in prog.modules.items():
        if path not in edits:
            modules[path] = info
            continue
        text = apply_edits(info.source.text, edits[path])
        mod, diags = parse_module(path, text)
        if mod is None:
            raise Refused(f"the renamed `{path}` would not parse ({diags[0].message if diags else 'syntax error'})")
        modules[path] = _module_info(info, mod, text)
    return Program(prog.root, modules, dict(prog.sources))


def _module_info(old: ModuleInfo, mod: A.Module, text: str) -> ModuleInfo:
    """The edited module, its imports under their new aliases."""
    imports = dict(old.imports)
    before = [s for s in old.ast.body if isinstance(s, A.Import)]
    after = [s for s in mod.body if isinstance(s, A.Import)]
    for s, now in zip(before, after):
        alias = s.alias or module_name(s.path)
        if now.alias not in (None, alias) and alias in imports:
            imports[now.alias] = imports.pop(alias)
    return module_info(old.name, old.path, mod, text, imports)


def apply_edits(text: str, edits: list[Edit]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


# ---------------------------------------------------------------- words
def _module_words(prog: Program, path: str) -> str:
    if path.startswith("<catalogs>/"):
        return f"the shipped catalog `{prog.modules[path].name if path in prog.modules else path}`"
    return f"`{path}`"


def _line(prog: Program, o: Occ) -> str:
    src = prog.sources.get(o.path)
    line = src.position(o.start)[0] if src is not None else 0
    return f"{o.path}:{line}"


def _where(prog: Program, sym: Symbol) -> str:
    span = getattr(sym.node, "name_span", None) or getattr(sym.node, "span", None)
    return f"{sym.path}:{span.line}" if span is not None else sym.path
