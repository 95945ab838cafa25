"""`modelterms scan`: classify many models for one profile (registered on the `modelterms` app).

Output is streamed: one line per model as it is read (text or JSON Lines), then a summary by
outcome. A progress bar (rich, on stderr) appears only when stderr is a terminal.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from checker.cli.app import (
    DEFAULT_FAIL_ON,
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    FailOnOption,
    LicensesDir,
    RefreshOption,
    _catalogue,
    _index,
    _stderr,
    app,
    boundary,
    examples,
    hub_for,
)
from checker.cli.profile_flags import bad_option, profile_options
from checker.diagnostics import render_all
from checker.evaluation.profile import ServiceProfile
from checker.inputs.paths import exists
from checker.terms.verdict import DISCLAIMER
from checker.terms.vocabulary import Outcome

if TYPE_CHECKING:
    from collections.abc import Iterator

    from checker.ci.scan import Classified, Key, Scanner, SourceKind, Summary


class ScanFormat(StrEnum):
    TEXT = "text"
    JSONL = "jsonl"
    CYCLONEDX = "cyclonedx"


@app.command(
    "scan",
    epilog=examples(
        "modelterms scan models.jsonl --commercial --serve --mau 2M",
        "modelterms scan models.csv --summary --use chatbot",
    ),
)
@boundary
@profile_options
def scan(
    *,
    source: Annotated[
        str,
        typer.Argument(
            help="A JSON Lines (.jsonl) or CSV (.csv) file of model metadata (id, license, license_name, "
            "base_model), `-` for JSON Lines on stdin, or a folder of model cards (a Hugging Face cache or "
            "any tree of repositories with README.md front matter).",
            show_default=False,
        ),
    ],
    licenses_dir: LicensesDir = [],  # noqa: B006
    output_format: Annotated[
        ScanFormat,
        typer.Option(
            "--format",
            "-f",
            help="One line per model: text, or JSON Lines; or cyclonedx: one CycloneDX 1.6 ML-BOM of every model "
            "(licences, base models, outcome; the models are kept in memory; needs modelterms[bom]).",
        ),
    ] = ScanFormat.TEXT,
    summary_only: Annotated[
        bool, typer.Option("--summary", help="Print only the summary by outcome, not a line per model.")
    ] = False,
    fail_on: FailOnOption = None,
    hub: Annotated[
        bool,
        typer.Option(
            "--hub",
            help="Look up on the Hugging Face Hub the base models the index lacks (each once; answers are cached, "
            "and HF_HUB_OFFLINE=1 answers from the cache only). Without it, such a base model is reported unchecked.",
        ),
    ] = False,
    refresh: RefreshOption = False,
    service: ServiceProfile,  # built by @profile_options from the profile flags (not a flag itself)
) -> None:
    """Classify many models for one profile: model → outcome, then a summary by outcome.

    Exit code 0 when no model's outcome is in --fail-on, 1 when some is, 2 for bad input
    (every bad row is reported with its line number; the others are still classified).
    """
    # Imported here: registering the command must not cost every other command's start.
    from checker.ci.scan import Output, Scanner, SourceKind, read_csv, read_folder, scan_items, scan_jsonl  # noqa: PLC0415

    looked_up = hub_for(offline=False, refresh=refresh) if hub else None
    catalogue = _catalogue(licenses_dir)
    catalogue.check_ids(service)
    scanner = Scanner(service, catalogue, _index, looked_up)
    bom = output_format is ScanFormat.CYCLONEDX
    if bom and summary_only:
        raise bad_option("--summary prints only the summary: it cannot be given with --format cyclonedx")
    output = Output.NONE if summary_only or bom else Output(output_format.value)
    rows: list[tuple[str, Key, Classified]] = []
    collect = (lambda model_id, key, result: rows.append((model_id, key, result))) if bom else None
    with ExitStack() as stack:
        handle, kind = _open(source, stack)
        progress = stack.enter_context(_Progress(handle)) if sys.stderr.isatty() else None
        tick = progress.update if progress is not None else None
        if kind is SourceKind.FOLDER:
            scan_items(read_folder(Path(source)), scanner, sys.stdout, output=output, tick=tick, collect=collect)
        elif kind is SourceKind.CSV:
            assert handle is not None
            scan_items(read_csv(handle, source), scanner, sys.stdout, output=output, tick=tick, collect=collect)
        else:
            stream = sys.stdin.buffer if handle is None else handle
            shown = "<stdin>" if handle is None else source
            scan_jsonl(stream, shown, scanner, sys.stdout, output=output, tick=tick, collect=collect)
    summary = scanner.summary
    if bom:
        sys.stdout.write(_bom(rows, scanner))
    else:
        _print_summary(summary, output_format)
    if summary.bad_rows:
        more = summary.bad_rows - len(summary.problems)
        text = render_all(summary.problems)
        _stderr().print(text + (f" (and {more:,} more bad rows)" if more else ""), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    if any(summary.by_outcome[o] for o in (fail_on or DEFAULT_FAIL_ON)):
        raise typer.Exit(EXIT_FAILED)


def _bom(rows: list[tuple[str, Key, Classified]], scanner: Scanner) -> str:
    from checker._version import __version__  # noqa: PLC0415
    from checker.ci.bom import scan_bom  # noqa: PLC0415 - cyclonedx-python-lib only for this format
    from checker.lookup.cards import card_fields  # noqa: PLC0415

    def models() -> Iterator[tuple[str, tuple[str, ...], tuple[str, ...], Outcome]]:
        for model_id, key, result in rows:
            licences, bases = card_fields({"license": key[0], "license_name": key[1], "base_model": key[2]})
            yield model_id, licences, bases, result.outcome

    return scan_bom(models(), scanner.resolver, __version__)


def _open(source: str, stack: ExitStack) -> tuple[IO[bytes] | None, SourceKind]:
    """The file to read (None for stdin or a folder) and what it holds."""
    from checker.ci.scan import SourceKind, source_kind  # noqa: PLC0415

    if source == "-":
        return None, SourceKind.JSONL
    path = Path(source)
    if not exists(path):
        raise bad_option(f"scan: no file or folder '{source}'", "give a .jsonl or .csv file, a folder, or -")
    kind = source_kind(path)
    if kind is SourceKind.FOLDER:
        return None, kind
    try:
        return stack.enter_context(path.open("rb")), kind
    except OSError as error:
        raise bad_option(f"scan: cannot read '{source}': {error.strerror or error}") from None


def _print_summary(summary: Summary, output_format: ScanFormat) -> None:
    if output_format is ScanFormat.JSONL:
        import json  # noqa: PLC0415

        sys.stdout.write(json.dumps({"summary": summary.to_json(), "disclaimer": DISCLAIMER}) + "\n")
        return
    lines = [f"\nscanned {summary.models:,} model{'' if summary.models == 1 else 's'}"]
    lines += [f"  {o.value:<14}{summary.by_outcome[o]:>12,}" for o in Outcome]
    if summary.unknown_licenses:
        top = summary.unknown_licenses.most_common(10)
        lines.append("licences not in the catalogue (most frequent): " + ", ".join(f"{n} ({c:,})" for n, c in top))
    if summary.unknown_other:
        lines.append(f"and {summary.unknown_other:,} more rows naming other licences not in the catalogue")
    if summary.unchecked_base_models:
        lines.append(f"models whose base model is not in the index (its licence not checked): "
                     f"{summary.unchecked_base_models:,}")  # fmt: skip
    if summary.bad_rows:
        lines.append(f"bad rows skipped: {summary.bad_rows:,}")
    lines.append(DISCLAIMER)
    sys.stdout.write("\n".join(lines) + "\n")


class _Progress:
    """A rich progress bar on stderr, by bytes read when the size is known, else by models."""

    def __init__(self, handle: IO[bytes] | None) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn  # noqa: PLC0415

        self.handle = handle
        total: float | None = None
        if handle is not None:
            try:
                total = float(Path(handle.name).stat().st_size)
            except (OSError, TypeError):
                total = None
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeRemainingColumn(),
            console=_stderr(),
            transient=True,
        )
        self.task = self.bar.add_task("scanning", total=total)

    def __enter__(self) -> _Progress:
        self.bar.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.bar.stop()

    def update(self, models: int) -> None:
        done: float | None = None
        if self.handle is not None and self.bar.tasks[0].total is not None:
            try:
                done = float(self.handle.tell())
            except (OSError, ValueError):
                done = None
        self.bar.update(self.task, completed=done if done is not None else models, description=f"{models:,} rows")
