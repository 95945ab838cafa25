"""Diagnostics: positions (`span`), the closed catalogue of mistakes (`kinds`), their rendering with a
caret, and did-you-mean suggestions. Every stage reports through this package; it imports none of them."""

from checker.diagnostics.diagnostic import Diagnostic, Severity, render, render_all
from checker.diagnostics.kinds import Kind

__all__ = ["Diagnostic", "Kind", "Severity", "render", "render_all"]
