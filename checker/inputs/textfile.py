"""Text the user gives in a file — a licence, a profile, a policy: UTF-8 with its byte-order mark
dropped, never UTF-16 or binary data read as if it were text.

Each reader bounds the size and raises the diagnostic in its own error type."""

from __future__ import annotations

from checker.diagnostics import Diagnostic, Kind
from checker.diagnostics.span import Span

_UTF16 = (b"\xff\xfe", b"\xfe\xff")


class NotText(ValueError):
    """The bytes are not UTF-8 text; `diagnostic` says what they are."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def decode_text(data: bytes, shown: str, span: Span | None = None) -> str:
    """The text of a file's bytes. Raises `NotText` for UTF-16, binary data or invalid UTF-8."""
    if data.startswith(_UTF16) or b"\x00" in data:
        found = "UTF-16 text" if data.startswith(_UTF16) else "binary data"
        raise NotText(Kind.NOT_TEXT(span, path=shown, found=found))
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise NotText(Kind.NOT_UTF8(span, path=shown)) from None
