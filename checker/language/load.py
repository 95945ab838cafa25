"""A licence file's text, read safely, and parsed and built into the rule model: the clause
language's one entry point (`parse_license`), for the catalogue and the authoring tools alike."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from checker.diagnostics import Kind
from checker.diagnostics.span import Span
from checker.errors import LicenseFileError
from checker.inputs.textfile import NotText, decode_text
from checker.terms import model

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

# No licence comes near this (the longest bundled file is ~19 KB); a bigger file is refused
# before it is read into memory.
MAX_FILE_BYTES = 256 * 1024  # parsed, with a few syntax errors, in about a second


def read_license_text(path: Traversable | Path, shown: str) -> str:
    """A licence file's text: UTF-8 (a byte-order mark is dropped), at most MAX_FILE_BYTES."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise LicenseFileError([Kind.UNREADABLE(path=shown, reason=error.strerror or str(error))]) from None
    if len(data) > MAX_FILE_BYTES:
        raise LicenseFileError([Kind.TOO_LARGE(path=shown, limit=f"{MAX_FILE_BYTES:,} bytes")])
    try:
        return decode_text(data, shown, Span.point(shown, 1, 1))
    except NotText as error:
        raise LicenseFileError([error.diagnostic]) from None


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cycle collector while a file is parsed and built.

    Parsing makes tens of objects per token (Lark's tokens and trees, then the syntax tree and the
    model) and none of them form cycles, yet each full collection walks all of them: on a large
    file the collector took over half the time, more the larger the file. Paused, the cost stays
    linear in the size of the file (a 4,000-clause file: 18 s with it, 7.5 s without).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_license(text: str, filename: str = "<text>") -> model.License:
    """Parse and build one licence from its text. Raises `LicenseFileError` listing every mistake."""
    # Imported here: a start from a valid cache never parses, so it never loads Lark.
    from checker.language.builder import build_recovered  # noqa: PLC0415
    from checker.language.parser import parse_recovering  # noqa: PLC0415

    with gc_paused():
        return build_recovered(parse_recovering(text, filename), text, filename)
