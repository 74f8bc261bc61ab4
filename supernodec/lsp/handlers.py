"""The language server's protocol handlers (pygls, layer 8); `server.serve` runs them.

Diagnostics come from the same driver as `supernodec check`, compiled through
an in-memory overlay of the open buffers, ~60 ms after the last edit (a change
restarts the wait; compiles run one at a time off the event loop and a result
for an outdated buffer is dropped). Open buffers that import a changed buffer
are recompiled too. Hover, go to definition, references, rename, completion,
the outline and formatting answer from the last program and the current text;
a refused rename answers with an error that says why. Positions use
the encoding negotiated at initialisation (UTF-16 unless the client offers
another).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote, urlparse

from lsprotocol import types as T
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer

from .. import __version__
from ..fmt import format_text
from ..loader import default_search_path
from ..source import SourceFile
from . import analysis as AN
from . import complete, hover
from . import navigate as N
from . import rename as R
from . import workspace as W
from .positions import Codec, whole

DEBOUNCE_S = 0.06
log = logging.getLogger("supernodec.lsp")


@dataclass
class Buffer:
    """An open document and what the last compile of it left."""

    uri: str
    path: Path
    text: str
    version: int = 0
    generation: int = 0                    # bumped by every edit; stale compiles are dropped
    snapshot: AN.Snapshot | None = None
    task: asyncio.Task | None = field(default=None, repr=False)


class SnServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("supernodec", __version__, text_document_sync_kind=T.TextDocumentSyncKind.Incremental)
        self.buffers: dict[str, Buffer] = {}
        self.search_path: list[str] = default_search_path([])
        self.roots: list[Path] = []            # workspace folders: where rename may edit
        # one worker: the parser is not thread-safe, and compiles should not overlap
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="supernodec")

    @property
    def codec(self) -> Codec:
        caps = getattr(self.protocol, "server_capabilities", None)
        enc = getattr(getattr(caps, "position_encoding", None), "value", None)
        return Codec(enc if enc in ("utf-8", "utf-32") else "utf-16")

    async def run(self, fn: Callable, *args: Any) -> Any:
        """Run `fn(*args)` on the worker thread."""
        return await asyncio.get_running_loop().run_in_executor(self.worker, fn, *args)

    # ------------------------------------------------------------ compiling
    def overlay(self) -> dict[str, str]:
        return {str(b.path): b.text for b in self.buffers.values()}

    def schedule(self, buf: Buffer, delay: float) -> None:
        buf.generation += 1
        if buf.task is not None and not buf.task.done():
            buf.task.cancel()
        buf.task = asyncio.get_running_loop().create_task(self._compile_later(buf, buf.generation, delay))

    async def _compile_later(self, buf: Buffer, generation: int, delay: float) -> None:
        await asyncio.sleep(delay)
        overlay, codec = self.overlay(), self.codec

        def work() -> AN.Snapshot | None:
            if generation != buf.generation:      # edited again while queued
                return None
            try:
                return AN.compile_buffer(buf.path, overlay, self.search_path, codec)
            except Exception:  # noqa: BLE001 - the driver reports bugs as SN0901; this is the last net
                log.exception("compiling %s failed", buf.uri)
                return None

        snap = await self.run(work)
        if snap is None or generation != buf.generation or buf.uri not in self.buffers:
            return
        buf.snapshot = snap
        self.text_document_publish_diagnostics(T.PublishDiagnosticsParams(
            uri=buf.uri, version=buf.version, diagnostics=snap.diagnostics))

    def edited(self, buf: Buffer, delay: float) -> None:
        """Recompile `buf` (if open) and every open buffer that read it last time."""
        if buf.uri in self.buffers:
            self.schedule(buf, delay)
        for other in self.buffers.values():
            if other is not buf and other.snapshot is not None and str(buf.path) in other.snapshot.deps:
                self.schedule(other, delay)

    # ------------------------------------------------------------ navigation state
    def program(self, uri: str) -> tuple[Buffer, Any]:
        """(buffer, program with the buffer's current text as its root) for references and rename."""
        buf, prog, info, module = self.state(uri)
        if buf is None or prog is None or info is None:
            raise _refused("the file has not been compiled yet; try again in a moment")
        if module is not info.ast or info.source.text != buf.text:
            raise _refused("the file does not parse; fix the syntax error first")
        root = prog.modules.get(prog.root)
        if root is None:
            raise _refused("the file does not parse; fix the syntax error first")
        modules = {p: (info if p == prog.root else m) for p, m in prog.modules.items()}
        return buf, type(prog)(prog.root, modules, {**prog.sources, prog.root: info.source})

    def editable(self, buf: Buffer, display: str) -> bool:
        """Whether rename may edit the module at `display`: not a shipped catalog, and
        inside a workspace folder (without one, the document's folder; the open
        document itself always)."""
        if display.startswith("<catalogs>/") or buf.snapshot is None:
            return False
        real = Path(buf.snapshot.loader.real(display)).resolve()
        return real == buf.path or any(real.is_relative_to(r) for r in self.roots or [buf.path.parent])

    def location(self, buf: Buffer, prog: Any, path: str, start: int, end: int) -> T.Location:
        assert buf.snapshot is not None
        src = prog.sources[path]
        rng = T.Range(start=self.codec.position(src, start), end=self.codec.position(src, end))
        return T.Location(uri=AN.uri_of(buf.snapshot.loader, path), range=rng)

    def real(self, buf: Buffer, display: str) -> Path:
        assert buf.snapshot is not None
        return Path(buf.snapshot.loader.real(display)).resolve()

    def importers(self, buf: Buffer, real: Path) -> list[tuple[Buffer, Any, str]]:
        """The other open buffers whose program reads the file at `real`, then the
        specs in the workspace that are not open and read it: (buffer, its program,
        the file's path in that program)."""
        out = []
        for other in list(self.buffers.values()):
            if other is buf or other.snapshot is None or str(real) not in other.snapshot.deps:
                continue
            try:
                _, prog = self.program(other.uri)
            except JsonRpcException:
                continue                  # it does not parse now: nothing to answer from
            shown = next((p for p in prog.modules if self.real(other, p) == real), None)
            if shown is not None:
                out.append((other, prog, shown))
        open_paths = {b.path for b in list(self.buffers.values())}
        roots = self.roots or [buf.path.parent]
        for imp in W.importers_of(real, roots, open_paths, self.search_path, self.overlay()):
            closed = Buffer(imp.path.as_uri(), imp.path, imp.program.sources[imp.program.root].text)
            closed.snapshot = AN.Snapshot([], imp.program, imp.loader)
            out.append((closed, imp.program, imp.shown))
        return out

    def state(self, uri: str) -> tuple[Buffer | None, Any, Any, Any]:
        """(buffer, program, root module info, root AST) for requests on `uri`."""
        buf = self.buffers.get(uri)
        if buf is None or buf.snapshot is None or buf.snapshot.program is None:
            return buf, None, None, None
        prog = buf.snapshot.program
        info, module = AN.fresh_info(prog, str(buf.path), buf.text)
        return buf, prog, info, module


def _path_of(uri: str) -> Path:
    p = urlparse(uri)
    return Path(unquote(p.path)).resolve() if p.scheme == "file" else Path(unquote(uri)).resolve()


server = SnServer()


def _guard(fn: Callable) -> Callable:
    """A request runs on the worker thread; if it fails it answers `None` and logs,
    instead of ending the session."""

    def safe(ls: SnServer, params: Any) -> Any:
        try:
            return fn(ls, params)
        except JsonRpcException:
            raise                         # an answer for the user (a refused rename)
        except Exception:  # noqa: BLE001 - one bad request must not end the session
            log.exception("request failed")
            return None

    @functools.wraps(fn)
    async def handler(ls: SnServer, params: Any) -> Any:
        return await ls.run(safe, ls, params)
    return handler


@server.feature(T.INITIALIZE)
def _initialize(ls: SnServer, params: T.InitializeParams) -> None:
    opts = params.initialization_options or {}
    extra = opts.get("searchPath", []) if isinstance(opts, dict) else []
    ls.search_path = default_search_path([str(p) for p in extra if isinstance(p, str)])
    folders = [f.uri for f in params.workspace_folders or ()] or [params.root_uri or ""]
    ls.roots = [_path_of(u) for u in folders if u] or ([Path(params.root_path).resolve()] if params.root_path else [])


@server.feature(T.TEXT_DOCUMENT_DID_OPEN)
def _did_open(ls: SnServer, params: T.DidOpenTextDocumentParams) -> None:
    doc = params.text_document
    buf = Buffer(doc.uri, _path_of(doc.uri), doc.text, doc.version)
    ls.buffers[doc.uri] = buf
    ls.edited(buf, 0.0)


@server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
def _did_change(ls: SnServer, params: T.DidChangeTextDocumentParams) -> None:
    buf = ls.buffers.get(params.text_document.uri)
    if buf is None:
        return
    for change in params.content_changes:
        buf.text = _apply(buf.text, change, ls.codec)
    buf.version = params.text_document.version
    ls.edited(buf, DEBOUNCE_S)


def _apply(text: str, change: Any, codec: Codec) -> str:
    rng = getattr(change, "range", None)
    if rng is None:
        return change.text
    src = SourceFile.of("", text)
    start, end = codec.offset(src, rng.start), codec.offset(src, rng.end)
    return text[:start] + change.text + text[end:]


@server.feature(T.TEXT_DOCUMENT_DID_SAVE)
def _did_save(ls: SnServer, params: T.DidSaveTextDocumentParams) -> None:
    buf = ls.buffers.get(params.text_document.uri)
    if buf is not None:
        ls.edited(buf, 0.0)


@server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
def _did_close(ls: SnServer, params: T.DidCloseTextDocumentParams) -> None:
    buf = ls.buffers.pop(params.text_document.uri, None)
    if buf is not None:
        if buf.task is not None:
            buf.task.cancel()
        ls.edited(buf, DEBOUNCE_S)        # importers now read the file from disk
    ls.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


@server.feature(T.TEXT_DOCUMENT_HOVER)
@_guard
def _hover(ls: SnServer, params: T.HoverParams) -> T.Hover | None:
    buf, prog, info, module = ls.state(params.text_document.uri)
    if module is None or buf is None:
        return None
    src = SourceFile.of(info.path, buf.text)
    text = hover.hover_markdown(prog, info, module, ls.codec.offset(src, params.position))
    return T.Hover(contents=T.MarkupContent(kind=T.MarkupKind.Markdown, value=text)) if text else None


@server.feature(T.TEXT_DOCUMENT_DEFINITION)
@_guard
def _definition(ls: SnServer, params: T.DefinitionParams) -> list[T.Location] | None:
    buf, prog, info, module = ls.state(params.text_document.uri)
    if module is None or buf is None or buf.snapshot is None:
        return None
    src = SourceFile.of(info.path, buf.text)
    target = N.target_at(prog, info, module, ls.codec.offset(src, params.position))
    if target is None or target.span is None or target.module is None:
        return _declared_at(ls, params.text_document.uri, params.position)
    tsrc = info.source if target.module.path == info.path else target.module.source
    return [T.Location(uri=AN.uri_of(buf.snapshot.loader, target.module.path), range=ls.codec.range(tsrc, target.span))]


def _declared_at(ls: SnServer, uri: str, position: T.Position) -> list[T.Location] | None:
    """Where the name at `position` is declared, from the bound names: index variables
    (`i` in `a[i].p -> b[i].q` is declared by its first use) and names in strings."""
    view = _view(ls, uri, position)
    if view is None:
        return None
    buf, prog, offset = view
    decl = R.declaration(prog, prog.root, offset)
    return [ls.location(buf, prog, decl.path, decl.start, decl.end)] if decl is not None else None


def _view(ls: SnServer, uri: str, position: T.Position) -> tuple[Buffer, Any, int] | None:
    """(buffer, program, offset of `position`) if the document parses, else None."""
    try:
        buf, prog = ls.program(uri)
    except JsonRpcException:
        return None
    return buf, prog, ls.codec.offset(prog.sources[prog.root], position)


@server.feature(T.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
@_guard
def _highlight(ls: SnServer, params: T.DocumentHighlightParams) -> list[T.DocumentHighlight] | None:
    """The name under the cursor, where it is declared (write) and used (read) in this document."""
    view = _view(ls, params.text_document.uri, params.position)
    if view is None:
        return None
    _, prog, offset = view
    src = prog.sources[prog.root]
    occs = R.references(prog, prog.root, offset, True)
    return [T.DocumentHighlight(range=T.Range(start=ls.codec.position(src, o.start), end=ls.codec.position(src, o.end)),
                                kind=T.DocumentHighlightKind.Write if o.decl else T.DocumentHighlightKind.Read)
            for o in occs if o.path == prog.root]


@server.feature(T.TEXT_DOCUMENT_REFERENCES)
@_guard
def _references(ls: SnServer, params: T.ReferenceParams) -> list[T.Location] | None:
    """In the document's program and in every other spec (open or in the workspace) that reads the declaration."""
    view = _view(ls, params.text_document.uri, params.position)
    if view is None:
        return None
    buf, prog, offset = view
    include = params.context.include_declaration
    found = {}
    for b, p, path, at in [(buf, prog, prog.root, offset)] + _declaration_views(ls, buf, prog, offset):
        for o in R.references(p, path, at, include):
            loc = ls.location(b, p, o.path, o.start, o.end)
            found.setdefault((loc.uri, loc.range.start.line, loc.range.start.character), loc)
    return list(found.values())


def _declaration_views(ls: SnServer, buf: Buffer, prog: Any, offset: int) -> list[tuple[Buffer, Any, str, int]]:
    """The declaration of the name at `offset` as other open documents' programs see it."""
    decl = R.declaration(prog, prog.root, offset)
    if decl is None:
        return []
    return [(other, oprog, shown, decl.start) for other, oprog, shown in ls.importers(buf, ls.real(buf, decl.path))]


@server.feature(T.TEXT_DOCUMENT_PREPARE_RENAME)
@_guard
def _prepare_rename(ls: SnServer, params: T.PrepareRenameParams) -> T.PrepareRenamePlaceholder | None:
    buf, prog = ls.program(params.text_document.uri)
    src = prog.sources[prog.root]
    try:
        occ = R.prepare(prog, prog.root, ls.codec.offset(src, params.position), lambda p: ls.editable(buf, p))
    except R.Refused as e:
        raise _refused(str(e)) from None
    rng = T.Range(start=ls.codec.position(src, occ.start), end=ls.codec.position(src, occ.end))
    return T.PrepareRenamePlaceholder(range=rng, placeholder=occ.name)


@server.feature(T.TEXT_DOCUMENT_RENAME)
@_guard
def _rename(ls: SnServer, params: T.RenameParams) -> T.WorkspaceEdit | None:
    """The edits in the document's program, and in the programs of the other specs
    (open or in the workspace) that read the declaration."""
    buf, prog = ls.program(params.text_document.uri)
    offset = ls.codec.offset(prog.sources[prog.root], params.position)
    merged: dict[Path, tuple[Any, set[R.Edit]]] = {}
    try:
        views = [(buf, prog, prog.root, offset, None)]
        decl = R.declaration(prog, prog.root, offset)
        views += [(b, p, path, at, decl.name if decl else None)
                  for b, p, path, at in _declaration_views(ls, buf, prog, offset)]
        for b, p, path, at, declared in views:
            edits = R.rename(p, path, at, params.new_name, lambda m, b=b: ls.editable(b, m), declared)
            for shown, file_edits in edits.items():
                merged.setdefault(ls.real(b, shown), (p.sources[shown], set()))[1].update(file_edits)
    except R.Refused as e:
        raise _refused(str(e)) from None
    changes: dict[str, list[T.TextEdit]] = {}
    for real, (src, file_edits) in sorted(merged.items()):
        changes[real.as_uri()] = [
            T.TextEdit(range=T.Range(start=ls.codec.position(src, start), end=ls.codec.position(src, end)), new_text=text)
            for start, end, text in sorted(file_edits)]
    return T.WorkspaceEdit(changes=changes)


class _Refusal(JsonRpcException):
    """A request the server declines, with the reason shown to the user (LSP RequestFailed)."""

    CODE = -32803


def _refused(message: str) -> _Refusal:
    return _Refusal(message)


class _QuietRefusals(logging.Filter):
    """pygls logs every error answer with a traceback; a refusal is an answer, not a fault."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, _Refusal)


logging.getLogger("pygls.protocol.json_rpc").addFilter(_QuietRefusals())


@server.feature(T.TEXT_DOCUMENT_COMPLETION, T.CompletionOptions(trigger_characters=["."]))
@_guard
def _completion(ls: SnServer, params: T.CompletionParams) -> T.CompletionList | None:
    buf, prog, info, module = ls.state(params.text_document.uri)
    if buf is None:
        return None
    src = SourceFile.of("", buf.text)
    items = complete.completions(prog, info, module, buf.text, ls.codec.offset(src, params.position))
    return T.CompletionList(is_incomplete=False, items=items)


@server.feature(T.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
@_guard
def _symbols(ls: SnServer, params: T.DocumentSymbolParams) -> list[T.DocumentSymbol] | None:
    buf, prog, info, module = ls.state(params.text_document.uri)
    if module is None or info is None:
        return None
    return complete.document_symbols(module, info.source, ls.codec)


@server.feature(T.TEXT_DOCUMENT_FORMATTING)
@_guard
def _formatting(ls: SnServer, params: T.DocumentFormattingParams) -> list[T.TextEdit] | None:
    buf = ls.buffers.get(params.text_document.uri)
    if buf is None:
        return None
    out = format_text(buf.path.name, buf.text)
    if not isinstance(out, str) or out == buf.text:
        return [] if isinstance(out, str) else None
    return [T.TextEdit(range=whole(SourceFile.of("", buf.text), ls.codec), new_text=out)]


def run_stdio() -> None:
    try:
        server.start_io()
    finally:
        server.worker.shutdown(wait=False, cancel_futures=True)
