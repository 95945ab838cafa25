"""One source-position type for every model node and diagnostic."""

from __future__ import annotations

from typing import NamedTuple


# A named tuple, not a pydantic model: a catalogue holds about two thousand spans and a cached one
# is read on every start; a tuple is rebuilt from its JSON array in C, several times faster than a model.
class Span(NamedTuple):
    """Where a construct stands in its file: 1-based line and column, end exclusive.

    Every model node carries one; it is excluded from dumps and from semantic comparison
    (see `checker.terms.model.Node`).
    """

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    @classmethod
    def point(cls, file: str, line: int, column: int, width: int = 1) -> Span:
        return cls(file=file, line=line, column=column, end_line=line, end_column=column + width)
