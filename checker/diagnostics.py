"""The closed catalogue of diagnostics, and the one place they are rendered.

Each kind declares its stable code, its message template and its help next to itself. Renderers
never invent wording: everything a user reads about a mistake in a licence file, a profile or a
command line comes from this table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum, StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from checker.span import Span


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Kind(Enum):
    """(code, message template, help template). Templates use `str.format` fields."""

    # Reading and parsing the clause language.
    UNREADABLE = ("E001", "cannot read {path}: {reason}", None)
    NOT_UTF8 = ("E002", "{path} is not UTF-8 text", "licence files are UTF-8; re-save the file as UTF-8")
    UNEXPECTED_TOKEN = ("E100", "unexpected {found}", "expected {expected}")
    UNEXPECTED_CHARACTER = ("E101", "unexpected character {found}", "expected {expected}")
    UNEXPECTED_EOF = ("E102", "the file ends too early", "expected {expected}")
    UNKNOWN_EFFECT = (
        "E104",
        "unknown effect '{found}'",
        '{suggestion}an effect is one of: permits, forbidden, needs license from "…", unclear "…", exempts …, must …',
    )
    BAD_STRING = (
        "E103",
        "text must be written in double quotes",
        'write "…" (a double quote inside the text is written \\")',
    )
    # Building the model: vocabulary and references.
    UNKNOWN_FACT = ("E110", "unknown fact '{name}'", "{suggestion}")
    UNKNOWN_REGION = ("E111", "unknown region '{name}'", "{suggestion}")
    UNKNOWN_USE = ("E112", "unknown use case '{name}'", "{suggestion}")
    UNKNOWN_PARAMETER = ("E113", "unknown parameter '{name}'", "{suggestion}")
    UNKNOWN_CLAUSE = ("E114", "'{name}' names no clause of this licence", "{suggestion}")
    UNKNOWN_CHOICE = ("E115", "'{name}' is not a value of {fact}", "{suggestion}")
    UNKNOWN_VERIFICATION = ("E116", "unknown verification level '{name}'", "{suggestion}")
    WRONG_FACT_KIND = ("E120", "'{fact}' cannot be used {usage}", "{help}")
    UNIT_MISMATCH = (
        "E121",
        "'{fact}' is measured in {expected}, but {value} is in {found}",
        "compare {fact} with a value in {expected}",
    )
    ANCHOR_WITHOUT_RELEASE = (
        "E122",
        "the condition is measured before the release date, but the licence has no 'released' date",
        "add `released YYYY-MM-DD` to the licence header",
    )
    ANCHOR_ON_UNDATED_FACT = ("E123", "only 'mau' can be measured at a date, not '{fact}'", None)
    BAD_NUMBER = ("E124", "'{text}' is not a number", "write numbers as 700_000_000, 700M, 1.5B or USD 1M")
    UNKNOWN_UNIT = ("E126", "unknown unit '{name}'", "quantities are written `700M users` or `USD 1M`")
    BAD_DATE = ("E125", "'{text}' is not a date", "write dates as YYYY-MM-DD")
    DUPLICATE_CLAUSE = ("E130", "clause '{name}' is defined twice", "the first definition is at {first}")
    DUPLICATE_PARAMETER = ("E131", "parameter '{name}' is defined twice", "the first definition is at {first}")
    DUPLICATE_HEADER = ("E132", "'{field}' is given twice in the header", "give it once")
    MISSING_HEADER = ("E133", "the licence header has no '{field}'", "{help}")
    NO_GRANT = (
        "E134",
        "the licence has no clause that 'permits'",
        'add the grant clause: `clause grant §… "…" > quote … permits`',
    )
    EMPTY_QUOTE = (
        "E135",
        "clause '{name}' has no quote",
        "every clause quotes the licence text it formalises, on lines starting with '>'",
    )
    SELF_EXEMPTION = ("E136", "clause '{name}' exempts itself", None)
    DUPLICATE_LICENSE = ("E140", "licence id or alias '{name}' is used twice", "also at {first}")
    UNKNOWN_COMPANION = ("E141", "'{name}' names no licence in the catalogue", "{suggestion}")
    # Profiles and policies (YAML) and the command line.
    YAML_SYNTAX = ("E200", "{problem}", "{help}")
    YAML_TOO_LARGE = ("E201", "{what}", "keep the file small and without deep aliases")
    YAML_DUPLICATE_KEY = ("E202", "key '{key}' is given twice", "the first is on line {first}")
    INVALID_VALUE = ("E210", "{path}: {message}", "{help}")
    UNKNOWN_FIELD = ("E211", "unknown field '{name}'{where}", "{suggestion}")
    UNKNOWN_LICENSE = ("E220", "unknown licence '{name}'", "{suggestion}")
    UNKNOWN_MODEL = ("E221", "unknown model '{name}'", "{suggestion}")
    BAD_OPTION = ("E230", "{message}", "{help}")
    # Scanning model metadata (`modelterms scan`): a row is skipped, the scan goes on.
    BAD_ROW = ("E240", "{message}", "the row is skipped; the scan goes on")

    @property
    def code(self) -> str:
        return str(self.value[0])

    def __call__(self, span: Span | None = None, *, severity: Severity = Severity.ERROR, **fields: Any) -> Diagnostic:
        """Build a diagnostic of this kind. Empty help (e.g. no suggestion) is dropped."""
        _, message, help_template = self.value
        help_text = help_template.format(**fields) if help_template else None
        return Diagnostic(
            code=self.code,
            severity=severity,
            message=message.format(**fields),
            help=help_text or None,
            span=span,
        )


class Diagnostic(BaseModel):
    """One finding: stable code, message, optional help, where it is."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    code: str
    severity: Severity = Severity.ERROR
    message: str
    help: str | None = None
    span: Span | None = None


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
            width = (span.end_column - span.column) if span.end_line == span.line else len(line) - span.column + 1
            width = max(1, min(width, len(line) - span.column + 2))
            gutter = " " * len(str(span.line))
            lines += [
                f"{gutter} |",
                f"{span.line} | {line}",
                f"{gutter} | {' ' * (span.column - 1)}{'^' * width}",
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
