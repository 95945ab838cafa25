"""`modelterms lint` and `modelterms fmt`: tools for writing licence files, registered on the one `app`.

Exit codes, as for every command: 0 clean, 1 findings (lint: an error; fmt --check: a file
not formatted), 2 bad input (a path that cannot be read; for fmt, a file with mistakes).
"""

from __future__ import annotations

import difflib
import json
import os
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from checker.analysis.lint import HASH_FILE, LintReport, hash_lines, licence_files, lint_paths
from checker.cli.app import EXIT_BAD_INPUT, EXIT_FAILED, FormatOption, OutputFormat, app, boundary
from checker.cli.styling import console, styled
from checker.diagnostics import Diagnostic, render_all
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


@app.command("lint")
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


def _write(path: Path, text: str) -> None:
    """Replace a file's content in one step (a crash leaves the old file or the new, never half)."""
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


@app.command("fmt")
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
    if diagnostics:
        console(stderr=True).print(styled(render_all(diagnostics, sources)))
        raise typer.Exit(EXIT_BAD_INPUT)
    out = console(stderr=False)
    if check:
        for file, text, formatted in changes:
            diff = difflib.unified_diff(
                text.splitlines(keepends=True), formatted.splitlines(keepends=True), f"{file}", f"{file} (formatted)"
            )
            sys.stdout.write("".join(diff))
        summary = (
            f"{len(changes)} of {_files(len(files))} would be reformatted"
            if changes
            else f"{_files(len(files))} already formatted"
        )
        console(stderr=True).print(summary)
        if changes:
            raise typer.Exit(EXIT_FAILED)
        return
    for file, _, formatted in changes:
        _write(file, formatted)
        out.print(f"reformatted {file}", markup=False)
    out.print(f"{len(changes)} reformatted, {len(files) - len(changes)} already formatted", markup=False)
