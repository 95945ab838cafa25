"""`modelterms discover PATH…`: the models a codebase uses (registered on the `modelterms` app)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from checker._version import __version__
from checker.cli.app import (
    OfflineOption,
    RefreshOption,
    _console,
    _index,
    _table,
    app,
    boundary,
    examples,
    hub_for,
    write_output,
)
from checker.cli.profile_flags import bad_option
from checker.inputs.paths import exists
from checker.terms.verdict import DISCLAIMER


class DiscoverFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    SARIF = "sarif"
    JUNIT = "junit"
    GITHUB = "github"
    CYCLONEDX = "cyclonedx"


@app.command(
    "discover", epilog=examples("modelterms discover .", "modelterms discover src/ --format json -o models.json")
)
@boundary
def discover_models(
    *,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files and folders to search (default: the current folder).", show_default=False),
    ] = None,
    exclude: Annotated[
        list[str],
        typer.Option(
            "--exclude", help="Skip paths matching this gitignore-style pattern, relative to each PATH (repeatable)."
        ),
    ] = [],  # noqa: B006 - typer reads the default; it is never mutated
    include_tests: Annotated[
        bool,
        typer.Option(
            "--include-tests",
            help="Also read test code and fixtures (tests/, test/, fixtures/…, test_*.py, conftest.py), "
            "skipped by default.",
        ),
    ] = False,
    output_format: Annotated[
        DiscoverFormat,
        typer.Option(
            "--format",
            "-f",
            help="text (a table), json ({findings: [{model, file, line, column, kind}], …}), markdown, sarif "
            "(each use located at its line), junit, github (annotations), cyclonedx (a CycloneDX 1.6 ML-BOM, "
            "with each model's licences from the index or the Hub; needs modelterms[bom]).",
        ),
    ] = DiscoverFormat.TEXT,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file (created or replaced).")
    ] = None,
    offline: OfflineOption = False,
    refresh: RefreshOption = False,
) -> None:
    """Find the models a codebase uses: loader calls in Python, configuration keys, Dockerfiles,
    compose files, shell scripts and Ollama Modelfiles, each with its file, line and column.

    It skips .git, virtual environments, node_modules, caches, what .gitignore ignores, and test
    code unless --include-tests. Exit code 0, or 2 for bad input. To check the models found, list
    the folders under `discover:` in a policy file.
    """
    from checker.ci import inventory  # noqa: PLC0415
    from checker.discovery import discover  # noqa: PLC0415

    given = paths or [Path(".")]
    for path in given:
        if not exists(path):
            raise bad_option(f"discover: no file or folder '{path}'", "give files or folders of the codebase")
    found = discover(given, exclude=exclude, include_tests=include_tests)
    shown = [p.as_posix() for p in given]
    match output_format:
        case DiscoverFormat.TEXT:
            if output is None:
                _print_table(found)
                return
            text = _plain(found)
        case DiscoverFormat.JSON:
            text = json.dumps(inventory.discovery_json(found, shown, __version__), indent=2, ensure_ascii=False) + "\n"
        case DiscoverFormat.MARKDOWN:
            text = inventory.discovery_markdown(found)
        case DiscoverFormat.SARIF:
            text = json.dumps(inventory.discovery_sarif(found, __version__), indent=2, ensure_ascii=False) + "\n"
        case DiscoverFormat.JUNIT:
            text = inventory.discovery_junit(found)
        case DiscoverFormat.GITHUB:
            text = inventory.discovery_github(found)
        case DiscoverFormat.CYCLONEDX:
            from checker.ci.bom import cyclonedx  # noqa: PLC0415
            from checker.lookup.bundled import bundled  # noqa: PLC0415
            from checker.lookup.resolver import Resolver  # noqa: PLC0415

            resolver = Resolver(bundled(), _index, hub_for(offline=offline, refresh=refresh))
            text = cyclonedx(inventory.discovery_bom(found, resolver), __version__)
    write_output(text, output)


def _plain(found: object) -> str:
    from checker.discovery import Discovery  # noqa: PLC0415

    assert isinstance(found, Discovery)
    lines = [
        f"{f.where}\t{f.kind.value}\t{f.model or '(named at run time: ' + (f.detail or '') + ')'}"
        for f in found.findings
    ]
    return "\n".join([*lines, _tally(found), DISCLAIMER]) + "\n"


def _tally(found: object) -> str:
    from checker.discovery import Discovery  # noqa: PLC0415

    assert isinstance(found, Discovery)
    dynamic = sum(1 for f in found.findings if f.model is None)
    words = f"{len(found.findings)} references to {len(found.models)} models in {found.files} files read"
    if dynamic:
        words += f"; {dynamic} named at run time"
    if found.skipped:
        words += f"; {len(found.skipped)} files skipped"
    return words


def _print_table(found: object) -> None:
    from rich.markup import escape  # noqa: PLC0415

    from checker.discovery import Discovery  # noqa: PLC0415

    assert isinstance(found, Discovery)
    console = _console()
    table = _table("modelterms discover")
    table.add_column("model", overflow="fold")
    table.add_column("kind", no_wrap=True)
    table.add_column("where", overflow="fold")
    for f in found.findings:
        model = escape(f.model) if f.model else f"[yellow]named at run time: {escape(f.detail or '')}[/yellow]"
        extra = f" [dim]({escape(f.license)})[/dim]" if f.license else ""
        table.add_row(model + extra, f.kind.value, escape(f.where))
    console.print(table)
    for file, reason in found.skipped:
        console.print(f"skipped {file}: {reason}", markup=False)
    console.print(_tally(found), markup=False)
    console.print(DISCLAIMER, markup=False, style="dim")
    _ = sys
