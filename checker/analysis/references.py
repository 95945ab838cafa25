"""Internal references in what users read: a licence file (its comments, notes and `verified` lines)
or the model index must cite the public source of a fact — the licensor's page, a repository and
path at a commit, an archive date — never a research note or a search tool's look-up id, which no
user has. `modelterms lint` reports each one (L310) where it stands, so none comes back."""

from __future__ import annotations

import re

from checker.diagnostics import Diagnostic, Kind
from checker.diagnostics.span import Span

# What the team's own notes and tools are called; none of it is a public source.
_INTERNAL = re.compile(
    r"facts-[ab]\b|\bfind_string\b|\bread_file\b|\blook-?up ids?\b|shared/licen[cs]es|"
    r"\bnotes/[\w./-]+\.md\b|\bids? \d{8,}\b|\bour store\b",
    re.IGNORECASE,
)


def internal_references(text: str, filename: str) -> list[Diagnostic]:
    """Each internal reference in a text, with its line and column."""
    found: list[Diagnostic] = []
    for number, line in enumerate(text.splitlines(), 1):
        for match in _INTERNAL.finditer(line):
            span = Span(
                file=filename, line=number, column=match.start() + 1, end_line=number, end_column=match.end() + 1
            )
            found.append(Kind.INTERNAL_REFERENCE(span, found=match.group(0)))
    return found
