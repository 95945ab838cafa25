"""Colour for rendered diagnostics on a terminal: the text is `checker.diagnostics.render`'s, unchanged.

Only styles are added (never words), so the plain output — under NO_COLOR, in CI, in a pipe —
is exactly the rendered text.
"""

from __future__ import annotations

import os
import re

from rich.console import Console
from rich.text import Text

from checker.cli.wrapping import Terminal

_STYLES = (
    (re.compile(r"^\S.*?: (error)\[\w+\]", re.MULTILINE), "bold red"),
    (re.compile(r"^\S.*?: (warning)\[\w+\]", re.MULTILINE), "bold yellow"),
    (re.compile(r"^ *\d* \| *(\^+)$", re.MULTILINE), "bold red"),
    (re.compile(r"^  = (help):", re.MULTILINE), "bold cyan"),
    (re.compile(r"^(found .*)$", re.MULTILINE), "bold"),
)


def styled(rendered: str) -> Text:
    """Rendered diagnostics with their severity, carets and `help:` coloured."""
    text = Text(rendered)
    for pattern, style in _STYLES:
        for match in pattern.finditer(rendered):
            text.stylize(style, match.start(1), match.end(1))
    return text


def console(*, stderr: bool) -> Console:
    """A console that colours only a terminal, and never under NO_COLOR (rich's rule) or in CI."""
    return Terminal(stderr=stderr, highlight=False, soft_wrap=True, no_color=bool(os.environ.get("CI")) or None)
