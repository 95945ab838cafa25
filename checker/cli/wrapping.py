"""Lines of terminal text that wrap under their own indent.

rich wraps a `Text` at the terminal's width from column 0 and `Padding` fills each line with spaces
to the right edge: a note under a clause then continues at the margin, and every line of the answer
ends in trailing spaces that a copy into a ticket or a diff keeps. A `Wrapped` line continues
under its first word (its leading spaces, plus two for a bullet or a `key:` line), ends without
trailing spaces, and never breaks inside a word: a URL or an id longer than the room stays whole on
its own line, so it can still be copied (the terminal folds it, as it would any long word). rich
crops such a line at the width; a `Terminal` console does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.segment import Segment
from rich.text import Text

__all__ = ["Terminal", "Wrapped"]

_WORD = re.compile(r"\S+\s*")


class Wrapped:
    """One line (or paragraph) of text, indented by `indent`, wrapped onto lines indented by
    `indent + hang`. `hang` defaults to the text's own leading spaces plus two."""

    def __init__(self, text: Text | str, *, indent: int = 0, hang: int | None = None) -> None:
        self.text = text if isinstance(text, Text) else Text(text)
        self.indent = indent
        plain = self.text.plain
        self.hang = hang if hang is not None else len(plain) - len(plain.lstrip(" ")) + 2

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        width = max(options.max_width, self.indent + self.hang + 10)
        if self.text.no_wrap:  # one line, cut at the width with "…" (an obligation's line: its id comes first)
            line = self.text.copy()
            line.truncate(width - self.indent, overflow="ellipsis")
            line.rstrip()
            yield from (Text(" " * self.indent) + line).render(console)
            yield Segment.line()
            return
        for paragraph, text in enumerate(self.text.split("\n", allow_blank=True)):
            # A line break inside the text (a quote over several lines) continues at the hanging indent.
            for start, end, prefix in self._breaks(text.plain, width, first=paragraph == 0):
                line = text[start:end]
                line.rstrip()
                if prefix and line.plain:
                    line = Text(" " * prefix) + line
                yield from line.render(console)
                yield Segment.line()

    def _breaks(self, plain: str, width: int, *, first: bool) -> Iterator[tuple[int, int, int]]:
        """(start, end, indent) of each line: words fill a line while they fit; a word longer than a
        line is left whole on a line of its own."""
        hang = self.indent + self.hang
        lead = len(plain) - len(plain.lstrip(" ")) if first else 0
        start, prefix = 0, self.indent if first else hang
        used = prefix + lead  # cells taken on the current line
        empty = True  # no word on the current line yet
        for match in _WORD.finditer(plain, lead):
            if not empty and used + cell_len(match.group().rstrip()) > width:
                yield start, match.start(), prefix
                start, prefix, used = match.start(), hang, hang
            used += cell_len(match.group())
            empty = False
        yield start, len(plain), prefix


class Terminal(Console):
    """A console that never crops a line at the width: a `Wrapped` line's overlong URL stays whole."""

    def print(self, *objects: Any, crop: bool = False, **options: Any) -> None:
        super().print(*objects, crop=crop, **options)
