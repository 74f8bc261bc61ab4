"""Offsets and spans to LSP positions and back (language server, layer 8).

The protocol counts columns in UTF-16 code units unless client and server
agree on another encoding at initialisation; spans count code points
(1-based). `Codec` converts for the negotiated encoding, UTF-16 by default.
"""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types as T

from ..source import SourceFile, Span


@dataclass(frozen=True)
class Codec:
    encoding: str = "utf-16"        # "utf-16" | "utf-32" | "utf-8"

    def column(self, src: SourceFile, line: int, col: int) -> int:
        """Protocol column (0-based) of a 1-based code-point column."""
        if self.encoding == "utf-16":
            return src.utf16_col(line, col)
        prefix = src.line_text(line)[: col - 1]
        return len(prefix.encode("utf-8")) if self.encoding == "utf-8" else len(prefix)

    def position(self, src: SourceFile, offset: int) -> T.Position:
        line, col = src.position(offset)
        return T.Position(line=line - 1, character=self.column(src, line, col))

    def range(self, src: SourceFile, span: Span) -> T.Range:
        """The protocol range of a span (clamped to the text)."""
        start = T.Position(line=span.line - 1, character=self.column(src, span.line, span.col))
        end = T.Position(line=span.end_line - 1, character=self.column(src, span.end_line, span.end_col))
        return T.Range(start=start, end=end)

    def offset(self, src: SourceFile, pos: T.Position) -> int:
        """Character offset of a protocol position (past the line end: the line end)."""
        if self.encoding == "utf-16":
            return src.from_utf16(pos.line, pos.character)
        text = src.line_text(pos.line + 1)
        if self.encoding == "utf-8":
            n = len(text.encode("utf-8")[: pos.character].decode("utf-8", errors="ignore"))
        else:
            n = min(pos.character, len(text))
        return src.offset(pos.line + 1, n + 1)


def whole(src: SourceFile, codec: Codec) -> T.Range:
    """The range of the whole text (for full-document edits)."""
    return T.Range(start=T.Position(line=0, character=0), end=codec.position(src, len(src.text)))
