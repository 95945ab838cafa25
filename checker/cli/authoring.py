"""`modelterms lint` and `modelterms fmt`: tools for writing licence files, registered on the one `app`.

Exit codes, as for every command: 0 clean, 1 findings (lint: an error; fmt --check: a file
not formatted), 2 bad input (a path that cannot be read; for fmt, a file with mistakes).
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from enum import StrEnum
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Literal

import typer

from checker.analysis.lint import HASH_FILE, LintReport, hash_lines, licence_files, lint_paths
from checker.cli.app import EXIT_BAD_INPUT, EXIT_FAILED, FormatOption, OutputFormat, app, boundary, examples
from checker.cli.styling import console, styled
from checker.diagnostics import Diagnostic, Kind, render_all
from checker.errors import LicenseFileError
from checker.language.formatter import format_text
from checker.language.load import parse_license, read_license_text

Paths = Annotated[
    list[Path] | None,
    typer.Argument(help="Licence files, or folders searched for .terms files (default: the current folder)."),
]


class FailOn(StrEnum):
    ERROR = "error"
    WARNING = "warning"


def _print(report_text: str) -> None:
    if report_text:
        console(stderr=False).print(styled(report_text))


def _sorted(diagnostics: list[Diagnostic], order: dict[str, int]) -> list[Diagnostic]:
    def key(d: Diagnostic) -> tuple[int, int, int]:
        if d.span is None:
            return (-1, 0, 0)
        return (order.get(d.span.file, len(order)), d.span.line, d.span.column)

    return sorted(diagnostics, key=key)


@app.command("lint", epilog=examples("modelterms lint licenses/", "modelterms lint my-licence.terms --format json"))
@boundary
def lint(
    paths: Paths = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="The least severity that makes the exit code 1.")
    ] = FailOn.ERROR,
    record_hashes: Annotated[
        bool,
        typer.Option(
            "--record-hashes",
            help="First write quotes.sha256 (the hash of every clause's quote) into each folder linted; "
            "do this after reviewing the quotes.",
        ),
    ] = False,
    output_format: FormatOption = OutputFormat.TEXT,
) -> None:
    """Check licence files beyond their syntax: unused or inline thresholds, clauses that never apply
    or contradict another, boundaries that disagree with their quote, changed quotes, clashing names.

    Exit code 0 when clean, 1 when a finding is at least --fail-on (default: error), 2 when a path
    cannot be read.
    """
    if record_hashes:
        _record_hashes(paths or [Path()])
    report = lint_paths(paths or [Path()])
    order = {name: i for i, name in enumerate(report.sources)}
    findings = _sorted(report.diagnostics, order)
    if output_format is OutputFormat.JSON:
        rows = [
            {
                "code": d.code,
                "severity": d.severity.value,
                "message": d.message,
                "help": d.help,
                "file": d.span.file if d.span else None,
                "line": d.span.line if d.span else None,
                "column": d.span.column if d.span else None,
            }
            for d in findings
        ]
        errors = report.errors
        summary = {"files": report.files, "errors": errors, "warnings": len(findings) - errors, "findings": rows}
        if report.engine is not None:
            summary["engine"] = {"name": report.engine.name, "exact": report.engine.exact}
        sys.stdout.write(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    elif findings:
        _print(render_all(findings, report.sources))
    else:
        _print(f"{_files(report.files)}: no findings")
    if report.engine is not None and output_format is not OutputFormat.JSON:
        _print(f"(clauses that never apply and contradictions decided by: {report.engine.words})")
    if report.unreadable:
        raise typer.Exit(EXIT_BAD_INPUT)
    if _fails(report, fail_on):
        raise typer.Exit(EXIT_FAILED)


def _files(count: int) -> str:
    return f"{count} licence file{'s' if count != 1 else ''}"


def _fails(report: LintReport, fail_on: FailOn) -> bool:
    if fail_on is FailOn.WARNING:
        return bool(report.diagnostics)
    return report.errors > 0


def _record_hashes(paths: list[Path]) -> None:
    files, _ = licence_files(paths)
    by_folder: dict[Path, list[Path]] = {}
    for file in files:
        by_folder.setdefault(file.parent, []).append(file)
    for folder, members in sorted(by_folder.items()):
        licenses = []
        for file in members:
            try:
                licenses.append(parse_license(read_license_text(file, str(file)), str(file)))
            except LicenseFileError:
                continue  # reported by the lint run itself
        target = folder / HASH_FILE
        _write(target, hash_lines(licenses))
        console(stderr=True).print(f"recorded the quote hashes of {len(licenses)} licences in {target}", markup=False)


def _unwritable(path: Path) -> Diagnostic | None:
    """Why `fmt` will not rewrite this file, or None. Checked for every file before the first is
    written, so that a refusal leaves every file as it was."""
    shown = str(path)
    if path.is_symlink():
        # Writing through it would change a file outside what was named (`x.terms -> ~/elsewhere`).
        return Kind.UNWRITABLE(path=shown, reason="it is a symbolic link", suggestion="format the file it points to")
    try:
        info = path.stat()
    except OSError as error:
        return Kind.UNWRITABLE(path=shown, reason=error.strerror or str(error), suggestion="check the path")
    if not os.access(path, os.W_OK) or not info.st_mode & 0o222:
        return Kind.UNWRITABLE(path=shown, reason="it is read-only", suggestion="make it writable, or leave it out")
    keeps_inode = info.st_nlink > 1 or (hasattr(os, "geteuid") and info.st_uid != os.geteuid())
    if not keeps_inode and not os.access(path.parent, os.W_OK):
        return Kind.UNWRITABLE(
            path=shown, reason="its folder cannot be written", suggestion="make the folder writable, or leave it out"
        )
    return None


def _write(path: Path, text: str) -> None:
    """Replace a file's content in one step (a crash leaves the old file or the new, never half);
    a file with other hard links, or another user's, is rewritten in place instead, so that its
    links, owner and mode stay as they were."""
    try:
        info: os.stat_result | None = path.stat()
    except FileNotFoundError:  # a new file (`lint --record-hashes` writes quotes.sha256)
        info = None
    if info is not None and (info.st_nlink > 1 or (hasattr(os, "geteuid") and info.st_uid != os.geteuid())):
        with path.open("r+", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.truncate()
        return
    target = path.resolve()
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        if target.exists():
            os.chmod(temporary, target.stat().st_mode & 0o7777)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


Edit = tuple[Literal["replace", "delete", "insert", "equal"], int, int, int, int]
_ITEM_LINE = re.compile(r"[ \t]*(clause|param)\b")
_FINE_DIFF_LINES = 2_000


def _opcodes(a: list[str], b: list[str]) -> list[Edit]:
    """The edits from `a` to `b`, item by item (`fmt` keeps the items and their order).

    difflib matches two whole files in time that grows with the square of their lines (a
    2,000-clause file: 15 s), while a formatted file differs from its original item by item: the
    lines are cut where items start, each pair of pieces is matched alone, and a piece too large
    to match line by line is shown replaced whole — a correct diff, if not the smallest.
    """

    def pieces(lines: list[str]) -> list[int]:
        return [0, *(i for i, line in enumerate(lines) if i and _ITEM_LINE.match(line)), len(lines)]

    cuts_a, cuts_b = pieces(a), pieces(b)
    if len(cuts_a) != len(cuts_b):
        cuts_a, cuts_b = [0, len(a)], [0, len(b)]
    codes: list[Edit] = []
    for (a1, a2), (b1, b2) in zip(pairwise(cuts_a), pairwise(cuts_b), strict=True):
        if a2 - a1 + b2 - b1 <= _FINE_DIFF_LINES:
            found = difflib.SequenceMatcher(None, a[a1:a2], b[b1:b2]).get_opcodes()
            piece: list[Edit] = [(tag, i1 + a1, i2 + a1, j1 + b1, j2 + b1) for tag, i1, i2, j1, j2 in found]
        else:
            piece = [("replace", a1, a2, b1, b2)]
        for code in piece:
            if codes and codes[-1][0] == code[0]:  # one run of each kind, across the cuts
                codes[-1] = (code[0], codes[-1][1], code[2], codes[-1][3], code[4])
            else:
                codes.append(code)
    return codes


class _Edits(difflib.SequenceMatcher):  # type: ignore[type-arg]
    """A matcher whose edits are given: difflib then groups them into hunks as it always does."""

    def __init__(self, codes: list[Edit]) -> None:
        super().__init__(None, [], [])
        self.codes = codes

    def get_opcodes(self) -> list[Edit]:
        return list(self.codes)


def _unified_diff(text: str, formatted: str, from_file: str, to_file: str) -> Iterator[str]:
    """`difflib.unified_diff`'s output, in time linear in the size of the files."""
    a, b = text.splitlines(keepends=True), formatted.splitlines(keepends=True)
    groups = list(_Edits(_opcodes(a, b)).get_grouped_opcodes(3))
    if groups:
        yield f"--- {from_file}\n+++ {to_file}\n"
    for group in groups:
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (" " + line for line in a[i1:i2])
                continue
            if tag in ("replace", "delete"):
                yield from ("-" + line for line in a[i1:i2])
            if tag in ("replace", "insert"):
                yield from ("+" + line for line in b[j1:j2])


def _range(start: int, stop: int) -> str:
    """A hunk's range as `diff -u` writes it (difflib's `_format_range_unified`)."""
    beginning, length = start + 1, stop - start
    if length == 1:
        return f"{beginning}"
    if not length:
        beginning -= 1  # an empty range begins at the line before
    return f"{beginning},{length}"


@app.command("fmt", epilog=examples("modelterms fmt --check licenses/", "modelterms fmt my-licence.terms"))
@boundary
def fmt(
    paths: Paths = None,
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing: show the diff and exit 1 if a file is not formatted.")
    ] = False,
) -> None:
    """Lay licence files out in the one canonical layout, keeping comments and quotes byte for byte.

    The new layout is re-parsed and must mean exactly the same, or nothing is written. Exit code 0
    when every file is (or now is) formatted, 1 with --check when one is not, 2 when a file has
    mistakes or cannot be read.
    """
    files, missing = licence_files(paths or [Path()])
    diagnostics: list[Diagnostic] = list(missing)
    sources: dict[str, str] = {}
    changes: list[tuple[Path, str, str]] = []
    for file in files:
        try:
            text = read_license_text(file, str(file))
            formatted = format_text(text, str(file))
        except LicenseFileError as error:
            diagnostics += error.diagnostics
            sources.update(error.sources)
            continue
        if formatted != text:
            changes.append((file, text, formatted))
    if not check:
        diagnostics += [d for file, _, _ in changes if (d := _unwritable(file)) is not None]
    if diagnostics:
        console(stderr=True).print(styled(render_all(diagnostics, sources)))
        raise typer.Exit(EXIT_BAD_INPUT)
    out = console(stderr=False)
    if check:
        for file, text, formatted in changes:
            sys.stdout.write("".join(_unified_diff(text, formatted, f"{file}", f"{file} (formatted)")))
        summary = (
            f"{len(changes)} of {_files(len(files))} would be reformatted"
            if changes
            else f"{_files(len(files))} already formatted"
        )
        console(stderr=True).print(summary, markup=False)
        if changes:
            raise typer.Exit(EXIT_FAILED)
        return
    for file, _, formatted in changes:
        _write(file, formatted)
        out.print(f"reformatted {file}", markup=False)
    out.print(f"{len(changes)} reformatted, {len(files) - len(changes)} already formatted", markup=False)
