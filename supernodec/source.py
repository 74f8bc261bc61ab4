"""Source files and spans (layer 0).

A `Span` is a half-open byte... character range [start, end) in one file, with
1-based line and column of both ends. Columns count Unicode code points;
`SourceFile.utf16_col` converts for the language server.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    file: str               # display path (relative, as given by the loader)
    start: int              # character offset
    end: int
    line: int               # 1-based
    col: int                # 1-based, code points
    end_line: int
    end_col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class SourceFile:
    path: str               # display path
    text: str
    line_starts: tuple[int, ...] = field(default=(), compare=False, repr=False)

    @staticmethod
    def of(path: str, text: str) -> "SourceFile":
        starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                starts.append(i + 1)
        return SourceFile(path, text, tuple(starts))

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, col) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        i = bisect.bisect_right(self.line_starts, offset) - 1
        return i + 1, offset - self.line_starts[i] + 1

    def offset(self, line: int, col: int) -> int:
        line = max(1, min(line, len(self.line_starts)))
        return min(self.line_starts[line - 1] + col - 1, len(self.text))

    def span(self, start: int, end: int) -> Span:
        l1, c1 = self.position(start)
        l2, c2 = self.position(end)
        return Span(self.path, start, end, l1, c1, l2, c2)

    def line_text(self, line: int) -> str:
        if not 1 <= line <= len(self.line_starts):
            return ""
        s = self.line_starts[line - 1]
        e = self.text.find("\n", s)
        return self.text[s:] if e < 0 else self.text[s:e]

    def utf16_col(self, line: int, col: int) -> int:
        """0-based UTF-16 column of a 1-based code-point column."""
        prefix = self.line_text(line)[: col - 1]
        return sum(2 if ord(c) > 0xFFFF else 1 for c in prefix)

    def from_utf16(self, line0: int, char16: int) -> int:
        """Character offset of a 0-based (line, UTF-16 column) position."""
        text = self.line_text(line0 + 1)
        n = units = 0
        for c in text:
            if units >= char16:
                break
            units += 2 if ord(c) > 0xFFFF else 1
            n += 1
        return self.offset(line0 + 1, n + 1)
