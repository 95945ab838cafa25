"""A diagnostic (code, message, help, where), and the one place diagnostics are rendered: the
source line with a caret under the construct, the way compilers show a mistake."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from checker.diagnostics.span import Span


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Diagnostic(BaseModel):
    """One finding: stable code, message, optional help, where it is."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    code: str
    severity: Severity = Severity.ERROR
    message: str
    help: str | None = None
    span: Span | None = None


_MAX_SHOWN = 160  # characters of a source line shown beside a diagnostic


def render(diagnostic: Diagnostic, sources: Mapping[str, str] | None = None) -> str:
    """`file:line:col: error[code]: message`, the source line with a caret under the construct, `help:`.

    The caret spans the whole construct on its first line. Without the source text, only the
    first line and the help are shown.
    """
    head = f"{diagnostic.severity.value}[{diagnostic.code}]: {diagnostic.message}"
    span = diagnostic.span
    lines = [f"{span}: {head}" if span else head]
    text = sources.get(span.file) if (sources is not None and span is not None) else None
    if span is not None and text is not None:
        source_lines = text.splitlines()
        if 1 <= span.line <= len(source_lines):
            line = source_lines[span.line - 1].expandtabs(1)
            column = span.column
            width = (span.end_column - span.column) if span.end_line == span.line else len(line) - span.column + 1
            if len(line) > _MAX_SHOWN:
                # A very long line (a hostile file): show a window of it around the construct.
                start = max(0, column - 1 - _MAX_SHOWN // 2)
                shown = line[start : start + _MAX_SHOWN]
                line = ("…" if start else "") + shown + ("…" if start + _MAX_SHOWN < len(line) else "")
                column = column - start + (1 if start else 0)
                width = min(width, _MAX_SHOWN // 2)
            width = max(1, min(width, len(line) - column + 2))
            gutter = " " * len(str(span.line))
            lines += [
                f"{gutter} |",
                f"{span.line} | {line}",
                f"{gutter} | {' ' * (column - 1)}{'^' * width}",
            ]
    if diagnostic.help:
        lines.append(f"  = help: {diagnostic.help}")
    return "\n".join(lines)


def render_all(diagnostics: Iterable[Diagnostic], sources: Mapping[str, str] | None = None) -> str:
    """Every diagnostic, then a count: 'found 3 errors'."""
    items = list(diagnostics)
    parts = [render(d, sources) for d in items]
    errors = sum(d.severity is Severity.ERROR for d in items)
    warnings = len(items) - errors
    counts = []
    if errors:
        counts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        counts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    if counts:
        parts.append("found " + " and ".join(counts))
    return "\n\n".join(parts[:-1]) + ("\n\n" if len(parts) > 1 else "") + parts[-1] if parts else ""
