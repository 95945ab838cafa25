"""Everything modelterms raises to library users derives from `CheckerError`.

Lark, pydantic and YAML exceptions never escape: each layer turns them into diagnostics.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from checker.diagnostics import Diagnostic, render_all


class CheckerError(Exception):
    """Base of every error modelterms raises."""


class DiagnosticError(CheckerError):
    """Bad input: one or more diagnostics, with the source texts needed to show them with carets."""

    def __init__(self, diagnostics: Sequence[Diagnostic], sources: Mapping[str, str] | None = None) -> None:
        self.diagnostics = tuple(diagnostics)
        self.sources = dict(sources or {})
        super().__init__(self.render())

    def render(self) -> str:
        return render_all(self.diagnostics, self.sources)


class LicenseFileError(DiagnosticError):
    """A licence file that does not parse, or does not make a valid licence."""


class ProfileError(DiagnosticError):
    """A service profile (YAML file or command-line values) that is not valid."""


class UnknownLicenseError(DiagnosticError):
    """A licence id, alias or family that the catalogue does not know."""
