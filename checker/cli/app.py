"""The `modelterms` command: a thin adapter over the library with one exception boundary.

Exit codes (a contract for scripts and CI):
  0  every result is permitted or conditional (or none is in --fail-on)
  1  some result is in --fail-on (default: forbidden, needs-license, undetermined)
  2  bad input: an unknown licence, a bad flag or value, an invalid profile or licence file
  3  an internal error (a bug in modelterms; please report it)
"""

from __future__ import annotations

import atexit
import copy
import datetime as dt
import functools
import importlib
import io
import json
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, ParamSpec, TypeVar, assert_never

import typer
import typer.core
from pydantic import ValidationError

from checker._version import __version__
from checker.ci.report import FailOn, Report, json_text, split_fail_on
from checker.cli.profile_flags import ARGS_KEY, bad_option, profile_options
from checker.diagnostics.suggest import hint
from checker.errors import CheckerError, DiagnosticError
from checker.evaluation.evaluate import evaluate
from checker.evaluation.profile import ServiceProfile
from checker.lookup.bundled import bundled
from checker.lookup.catalogue import Catalogue, load_license_folder
from checker.lookup.hub import Hub
from checker.lookup.request import run_check
from checker.terms.vocabulary import Outcome, UseCase

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from checker.ci.policy import LoadedPolicy, PolicyReport
    from checker.lookup.models import ModelIndex

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
DEFAULT_FAIL_ON = (Outcome.FORBIDDEN, Outcome.NEEDS_LICENSE, Outcome.UNDETERMINED)

# How each option's value reads in `--help`: as the user types it, not as Python types it
# (`<list[str]>`). An option not named here gets its choices (`text|json`) or its name in capitals.
_METAVARS = {
    "--license": "NAME",
    "--model": "MODEL",
    "--licenses-dir": "DIR",
    "--mau": "N|YYYY-MM=N",
    "--dau": "N",
    "--revenue": "USD",
    "--domicile": "CODE",
    "--market": "CODE",
    "--use": "USE",
    "--derivative-name": "NAME",
    "--profile": "FILE",
    "--policy": "FILE",
    "--output": "FILE",
    "--family": "FAMILY",
    "--exclude": "GLOB",
    "--assume": "FACT=VALUE",
    "--input": "FILE",
    "--write-hashes": "FILE",
    "--fail-on": "OUTCOME",  # with open-obligations the choices would not fit 80 columns: the help lists them
}


def _metavar(param: Any) -> str | None:
    """Typer vendors its own click, so parameters are told apart by what they say of themselves."""
    if param.param_type_name == "argument":
        return str(param.name or "").upper().replace("_", "-")
    if param.param_type_name != "option" or param.is_flag or param.count:
        return None
    named = next((_METAVARS[o] for o in param.opts if o in _METAVARS), None)
    if named:
        return named
    choices = getattr(getattr(param, "type_descriptor", None), "choices", None)
    if choices:
        return "|".join(str(getattr(c, "value", c)) for c in choices)
    return str(param.name or "value").upper().replace("_", "-")


def examples(*lines: str) -> str:
    """A command's `--help` epilog: its examples, kept line by line (click's `\\b`), each under 78
    columns so that they read at 80."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


# typer carries its own copy of click; its usage errors are reached through the one class it exports.
_UsageError: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


def _usage_problem(error: Any, ctx: Any) -> NoReturn:
    """A command line click cannot parse (an unknown option or command, an option without its
    value, a missing argument) is a diagnostic like any bad input: E230, exit 2, "did you mean",
    and the help to read, not click's own usage block."""
    kind = type(error).__name__
    if kind == "NoArgsIsHelpError":
        raise error  # not a mistake: a command given nothing shows its help
    where = error.ctx or ctx
    words = [a for a in (ctx.meta.get(ARGS_KEY, ()) if ctx is not None else ()) if not a.startswith("-")]
    command = where.command_path if where is not None else "modelterms"
    if where is ctx and words and hasattr(ctx.command, "commands") and words[0] in ctx.command.commands:
        command += " " + words[0]  # click left the command's own context out of the error
    see = f"see '{command} -h'"
    if kind == "NoSuchOption":
        params = where.command.params if where is not None else []
        options = [opt for param in params for opt in (*param.opts, *param.secondary_opts) if opt.startswith("-")]
        message, close = f"no such option: {error.option_name}", hint(error.option_name, options)
    elif hasattr(getattr(where, "command", None), "list_commands") and error.message.startswith("No such command"):
        given = words[0] if words else ""
        names = [n for n in where.command.list_commands(where) if not where.command.commands[n].hidden]
        message, close = f"no such command: '{given}'", hint(given, names)
    else:
        text = error.format_message()
        message, close = text[:1].lower() + text[1:].rstrip("."), None
    problem = bad_option(message, f"{close} ({see})" if close else see)
    _stderr().print(_styled(problem.render()))
    raise typer.Exit(EXIT_BAD_INPUT) from None


class _Group(typer.core.TyperGroup):
    """The command group: metavars as the user types them, command summaries that are wrapped,
    not cut, at the terminal's width, and the command line it parses kept for checks Click cannot
    make (two contradicting flags: Click keeps the last one silently)."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        ctx.meta[ARGS_KEY] = tuple(args)
        try:
            return super().parse_args(ctx, args)
        except _UsageError as error:
            _usage_problem(error, ctx)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        params: list[Any] = list(command.params) if command else []
        for param in params:
            param.metavar = _metavar(param) or param.metavar
            if param.param_type_name == "argument":
                # typer writes a required argument as `{before}` and adds its Python type (`<str>`):
                # usage reads `BEFORE AFTER`, `[SEARCH]`, `[PATHS]...`, as the user types them.
                usage = str(param.metavar) if param.required else f"[{param.metavar}]"
                usage += "..." if param.nargs != 1 else ""
                param.get_usage_pieces = lambda ctx, usage=usage: [usage]
                param.display_type_rich = lambda ctx: None
        return command

    def invoke(self, ctx: Any) -> Any:
        """A value outside an option's choices (`--format xml`) is a diagnostic like any bad input
        (E230, exit 2, "did you mean"), not click's own message."""
        try:
            return super().invoke(ctx)
        except _UsageError as error:
            choices = getattr(getattr(getattr(error, "param", None), "type_descriptor", None), "choices", None)
            if type(error).__name__ != "BadParameter" or not choices:
                _usage_problem(error, ctx)
            words = [str(getattr(c, "value", c)) for c in choices]
            cause = error.__cause__
            given = str(cause.errors()[0].get("input", "")) if isinstance(cause, ValidationError) else ""
            option = max(error.param.opts, key=len)  # type: ignore[attr-defined]
            problem = bad_option(
                f"{option}: '{given}' is not one of {', '.join(words)}",
                hint(given, words) or "choose one of " + ", ".join(words),
            )
            _stderr().print(_styled(problem.render()))
            raise typer.Exit(EXIT_BAD_INPUT) from None

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=300)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


app = typer.Typer(
    cls=_Group,
    name="modelterms",
    help="May our service use this model, and on what conditions? Checks a service profile against "
    "open-weight AI model licences, clause by clause. Informs decisions; not legal advice.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit


@app.callback()
def _top(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", help="Print the modelterms version and exit.", callback=_print_version, is_eager=True
        ),
    ] = False,
) -> None:
    """May our service use this model, and on what conditions? Checks a service profile against
    open-weight AI model licences, clause by clause. Informs decisions; not legal advice."""


P = ParamSpec("P")
R = TypeVar("R")


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class CheckFormat(StrEnum):
    """`modelterms check --format`: the terminal, the JSON contract, or an ML-BOM of the models."""

    TEXT = "text"
    JSON = "json"
    CYCLONEDX = "cyclonedx"


class PolicyFormat(StrEnum):
    """`modelterms policy --format`: the terminal, the JSON contract, and the CI formats."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    SARIF = "sarif"
    JUNIT = "junit"
    GITHUB = "github"
    CYCLONEDX = "cyclonedx"


# rich is imported only by the commands that print with it: `--format json` starts without it.
def _console(**options: Any) -> Console:
    from checker.cli.wrapping import Terminal  # noqa: PLC0415

    return Terminal(highlight=False, **options)


def _table(title: str) -> Table:
    from rich.table import Table  # noqa: PLC0415

    return Table(title=title, title_justify="left")


def _stderr() -> Console:
    from checker.cli.styling import console  # noqa: PLC0415 - rich only when something is printed

    return console(stderr=True)


def _styled(rendered: str) -> Any:
    from checker.cli.styling import styled  # noqa: PLC0415

    return styled(rendered)


def boundary(command: Callable[P, R]) -> Callable[P, R]:
    """No traceback reaches a user: bad input is exit 2 with its diagnostics, a bug is exit 3."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except DiagnosticError as error:
            _stderr().print(_styled(error.render()))
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except CheckerError as error:
            _stderr().print(f"error: {error}", markup=False)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except Exception as error:  # the one place that catches everything: report, never a traceback
            _stderr().print(
                f"modelterms: internal error: {type(error).__name__}: {error}\n"
                "This is a bug in modelterms; please report it with the command you ran.",
                markup=False,
            )
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper


# Options shared by several commands.
LicensesDir = Annotated[
    list[Path], typer.Option("--licenses-dir", help="A folder of your own .terms licence files (repeatable).")
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


class SchemaFormat(StrEnum):
    JSON = "json"


FailOnOption = Annotated[
    list[Outcome] | None,
    typer.Option(
        "--fail-on",
        help="Outcomes that make the exit code 1 (repeatable: forbidden, needs-license, undetermined, conditional, "
        "permitted). Default: forbidden, needs-license, undetermined.",
    ),
]
CheckFailOnOption = Annotated[
    list[FailOn] | None,
    typer.Option(
        "--fail-on",
        help="Outcomes that make the exit code 1 (repeatable: forbidden, needs-license, undetermined, conditional, "
        "permitted), and/or open-obligations: any obligation not reported done (--done). "
        "Default: forbidden, needs-license, undetermined.",
    ),
]
OfflineOption = Annotated[
    bool,
    typer.Option(
        "--offline",
        help="Do not ask the Hugging Face Hub: answer from the model index and the cache only (also HF_HUB_OFFLINE=1).",
    ),
]
RefreshOption = Annotated[
    bool, typer.Option("--refresh", help="Ask the Hugging Face Hub again, even for a model whose answer is cached.")
]


def hub_for(*, offline: bool, refresh: bool) -> Hub:
    """The Hub lookup for models the index lacks (huggingface_hub is imported only if it asks)."""
    from checker.lookup.cache import cache_dir  # noqa: PLC0415

    return Hub(offline=offline, refresh=refresh, cache_folder=cache_dir())


def _catalogue(extra_folders: list[Path]) -> Catalogue:
    if not extra_folders:
        return bundled()
    licenses = list(bundled().licenses)
    for folder in extra_folders:
        licenses += load_license_folder(folder)
    return Catalogue(licenses)


@app.command(
    epilog=examples(
        "modelterms check -l llama --mau 800M",
        "modelterms check -m meta-llama/Llama-3.1-8B --mau 2M --commercial --serve",
    )
)
@boundary
@profile_options
def check(
    *,
    license: Annotated[
        list[str],
        typer.Option(
            "--license",
            "-l",
            help="Licence id, alias, Hugging Face tag, SPDX id or family (repeatable). "
            "`llama` checks every Llama version.",
        ),
    ] = [],  # noqa: B006 - typer reads the default; it is never mutated
    model: Annotated[
        list[str],
        typer.Option(
            "--model",
            "-m",
            help="A model: Hugging Face repo id (ORG/NAME) or a short name from the index (repeatable). Checks "
            "every licence it ships with, its base models' included; a repo the index lacks is looked up on "
            "the Hub (its card's licence and base_model chain) and the answer cached.",
        ),
    ] = [],  # noqa: B006
    offline: OfflineOption = False,
    refresh: RefreshOption = False,
    licenses_dir: LicensesDir = [],  # noqa: B006
    output_format: Annotated[
        CheckFormat,
        typer.Option(
            "--format",
            "-f",
            help="text, json (the versioned contract), or cyclonedx (a CycloneDX 1.6 ML-BOM of the --model "
            "models, with their licences, base models and verdicts; needs modelterms[bom]).",
        ),
    ] = CheckFormat.TEXT,
    fail_on: CheckFailOnOption = None,
    details: Annotated[
        bool, typer.Option("--details", help="Text: every deciding clause with its facts, notes and source.")
    ] = False,
    service: ServiceProfile,  # built by @profile_options from the profile flags (not a flag itself)
) -> None:
    """Check a service profile against licences (--license) or models (--model).

    Exit code 0 when every result is permitted or conditional, 1 when any result is one of
    --fail-on, 2 for bad input.
    """
    if not license and not model:
        raise bad_option("give at least one --license or --model", "e.g. --license llama or --model gpt-oss-20b")
    if output_format is CheckFormat.CYCLONEDX and not model:
        raise bad_option("--format cyclonedx lists models: give --model", "a licence named with --license is no model")
    catalogue = _catalogue(licenses_dir)
    hub = hub_for(offline=offline, refresh=refresh)
    results = tuple(run_check(license, model, service, catalogue, _index, hub=hub))
    report = Report(service, results)
    if output_format is CheckFormat.JSON:
        sys.stdout.write(json_text(report, __version__))
    elif output_format is CheckFormat.CYCLONEDX:
        from checker.ci.bom import check_bom  # noqa: PLC0415 - cyclonedx-python-lib only for this format
        from checker.lookup.resolver import Resolver  # noqa: PLC0415

        sys.stdout.write(check_bom(report, model, Resolver(catalogue, _index, hub), __version__))
    else:
        from checker.cli.render import print_text  # noqa: PLC0415 - rich only for text output

        print_text(report, _console(), details=details)
    outcomes, on_open = split_fail_on(fail_on or ())
    if report.fails(outcomes or DEFAULT_FAIL_ON, on_open_obligations=on_open):
        raise typer.Exit(EXIT_FAILED)


@app.command(
    "policy", epilog=examples("modelterms policy", "modelterms policy --policy ci.yaml -f sarif -o modelterms.sarif")
)
@boundary
def run_policy(
    policy: Annotated[
        Path | None, typer.Option("--policy", help="The policy file (default: modelterms.yaml in the current folder).")
    ] = None,
    output_format: Annotated[
        PolicyFormat,
        typer.Option(
            "--format",
            "-f",
            help="text (terminal), json (versioned contract), markdown (PR comment, step summary), "
            "sarif (2.1.0, code scanning), junit (XML test report), github (workflow annotations), "
            "cyclonedx (a CycloneDX 1.6 ML-BOM of the models; needs modelterms[bom]).",
        ),
    ] = PolicyFormat.TEXT,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file (created or replaced).")
    ] = None,
    offline: OfflineOption = False,
    refresh: RefreshOption = False,
) -> None:
    """Check every model of a policy file under its profile, with waivers, as CI does.

    Exit code 0 when the policy passes, 1 when a result is in its fail-on list or a waiver has
    expired, 2 for bad input.
    """
    from checker.ci.policy import DEFAULT_POLICY, evaluate_policy, load_policy  # noqa: PLC0415

    hub = hub_for(offline=offline, refresh=refresh)
    loaded = load_policy(policy or Path(DEFAULT_POLICY), hub)
    report = evaluate_policy(loaded)
    text = _policy_text(report, output_format, to_file=output is not None, loaded=loaded)
    write_output(text, output)
    if report.failed:
        raise typer.Exit(EXIT_FAILED)


def write_output(text: str, output: Path | None) -> None:
    """A report to `--output` (created or replaced), else to standard output."""
    if output:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise bad_option(f"--output: cannot write '{output}': {error.strerror or error}") from None
    elif text:
        sys.stdout.write(text)


def _policy_text(report: PolicyReport, output_format: PolicyFormat, *, to_file: bool, loaded: LoadedPolicy) -> str:
    from checker.ci import formats as policy_formats  # noqa: PLC0415 - rich only for the terminal view

    match output_format:
        case PolicyFormat.TEXT:
            from checker.cli.render import print_policy_text  # noqa: PLC0415

            console = _console(record=True, file=io.StringIO() if to_file else None)
            print_policy_text(report, console)
            return console.export_text() if to_file else ""
        case PolicyFormat.JSON:
            return json.dumps(policy_formats.policy_json(report, __version__), indent=2, ensure_ascii=False) + "\n"
        case PolicyFormat.MARKDOWN:
            return policy_formats.markdown(report)
        case PolicyFormat.SARIF:
            return json.dumps(policy_formats.sarif(report, __version__), indent=2, ensure_ascii=False) + "\n"
        case PolicyFormat.JUNIT:
            return policy_formats.junit(report)
        case PolicyFormat.GITHUB:
            return policy_formats.github(report)
        case PolicyFormat.CYCLONEDX:
            from checker.ci.bom import policy_bom  # noqa: PLC0415 - cyclonedx-python-lib only for this format
            from checker.lookup.resolver import Resolver  # noqa: PLC0415

            resolver = Resolver(loaded.catalogue, lambda: loaded.index, loaded.hub)
            return policy_bom(report, resolver, __version__)
        case _:
            assert_never(output_format)


@app.command("schema", epilog=examples("modelterms schema > modelterms.schema.json"))
def print_schema(
    output_format: Annotated[
        SchemaFormat, typer.Option("--format", "-f", help="json: the schema is JSON (the only format).")
    ] = SchemaFormat.JSON,
) -> None:
    """Print the JSON Schema of the policy file (for editors)."""
    from checker.ci.policy import PolicyFile  # noqa: PLC0415

    schema = PolicyFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "modelterms policy file"
    sys.stdout.write(json.dumps(schema, indent=2) + "\n")


@app.command(
    "list", epilog=examples("modelterms list --family llama", "modelterms list --non-commercial --format json")
)
@boundary
def list_licenses(
    family: Annotated[str | None, typer.Option("--family", help="Only licences of this family.")] = None,
    commercial: Annotated[
        bool | None,
        typer.Option(
            "--commercial/--non-commercial",
            help="Only licences whose rules do (or do not) refuse commercial use as such.",
        ),
    ] = None,
    output_format: FormatOption = OutputFormat.TEXT,
    licenses_dir: LicensesDir = [],  # noqa: B006
) -> None:
    """List the licence catalogue, with the names each licence answers to."""
    catalogue = _catalogue(licenses_dir)
    wanted = family.lower() if family is not None else None
    chosen = [lic for lic in catalogue.licenses if wanted is None or wanted in {f.lower() for f in lic.families}]
    if family is not None and not chosen:
        raise bad_option(f"--family: no family '{family}'", hint(family, catalogue.family_names()) or "")
    if commercial is not None:
        probe = ServiceProfile(commercial=True)
        chosen = [lic for lic in chosen if (not evaluate(lic, probe).outcome.refuses) is commercial]
    rows: list[dict[str, Any]] = [
        {
            "id": lic.id,
            "name": lic.name,
            "licensor": lic.licensor,
            "family": lic.family,
            "families": list(lic.families),
            "date": _date(lic.released or lic.effective),
            "also": sorted({*lic.aliases, *lic.hf_tags, *([lic.spdx] if lic.spdx else [])} - {lic.id}),
            "verification": lic.verification.value,
            "source": lic.primary_source,
        }
        for lic in sorted(chosen, key=lambda x: x.id)
    ]
    if output_format is OutputFormat.JSON:
        sys.stdout.write(json.dumps({"licenses": rows, "families": catalogue.family_names()}, indent=2) + "\n")
        return
    from rich.markup import escape  # noqa: PLC0415 - a name's "[dev]" is text, not rich markup

    console = _console()
    table = _table("modelterms catalogue")
    # An id is never cut: its column is as wide as the longest; the other columns wrap. Below 100
    # columns the name, family, date and verification share one cell, so that the name can be read.
    table.add_column("id", no_wrap=True, min_width=max((len(r["id"]) for r in rows), default=2))
    narrow = console.width < 100
    for column in (
        ("licence (family, date, verified)", "also") if narrow else ("name", "family", "date", "also", "verified")
    ):
        table.add_column(column, overflow="fold")
    for row in rows:
        also = escape(", ".join(row["also"]))
        if narrow:
            facts = ", ".join(f for f in (row["family"], row["date"], row["verification"]) if f)
            table.add_row(escape(row["id"]), f"{escape(row['name'])}\n[dim]({escape(facts)})[/dim]", also)
        else:
            cells = (row["id"], row["name"], row["family"] or "", row["date"] or "")
            table.add_row(*(escape(c) for c in cells), also, row["verification"])
    console.print(table)
    console.print("families: " + ", ".join(catalogue.family_names()), markup=False)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


@app.command("licenses", hidden=True)
@boundary
def list_licenses_alias(output_format: FormatOption = OutputFormat.TEXT, licenses_dir: LicensesDir = []) -> None:  # noqa: B006
    """The same as `list`."""
    list_licenses(output_format=output_format, licenses_dir=licenses_dir)


@app.command("models", epilog=examples('modelterms models "Mistral Large"', "modelterms models -l apache-2.0"))
@boundary
def list_models(
    search: Annotated[
        str | None,
        typer.Argument(
            help="Only models and patterns whose id, names or glob contain this text (spaces, dashes and"
            ' underscores alike: "Mistral Large" finds Mistral-Large-…), or patterns that cover it as a repo id.'
        ),
    ] = None,
    license_name: Annotated[str | None, typer.Option("--license", "-l", help="Only models under this licence.")] = None,
    output_format: FormatOption = OutputFormat.TEXT,
) -> None:
    """List the model index: models, the licences they ship with and their facts; then the patterns
    (every repo of an organisation matching a glob) and the renamed organisations."""
    index = _index()
    entries, patterns = index.search(search) if search else (index.entries, index.patterns)
    renamed = [] if search else index.renamed
    if license_name:
        wanted = {r.license.id for r in bundled().resolve([license_name])}
        entries = [e for e in entries if wanted & {i.license_id for i in index.licenses_of(e.id)}]
        patterns = [p for p in patterns if wanted & set(p.licenses)]
        renamed = []
    if output_format is OutputFormat.JSON:
        rows = [e.model_dump(mode="json", exclude_none=True) for e in entries]
        for row, entry in zip(rows, entries, strict=True):
            row["names"] = index.names_of(entry)
        document = {
            "models": rows,
            "patterns": [p.model_dump(mode="json", exclude_none=True, by_alias=True) for p in patterns],
            "renamed": [r.model_dump(mode="json", by_alias=True) for r in renamed],
        }
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return
    from rich.markup import escape  # noqa: PLC0415 - ids and names are text, not rich markup

    console = _console()
    if not entries and not patterns:
        asked = [f"'{search}'" if search else "", f"under --license {license_name}" if license_name else ""]
        console.print(f"no model or pattern in the index matches {' '.join(a for a in asked if a)}", markup=False)
        console.print("`modelterms models` lists them all; `check -m ORG/NAME` asks the Hub for others", markup=False)
        return
    table = _table("modelterms model index")
    # A licence id is never cut (`llam…`): its column is as wide as the longest; a model id folds,
    # with the other names it answers to under it.
    longest = max((len(i.license_id) for e in entries for i in index.licenses_of(e.id)), default=8)
    kinds = [", ".join(k for k in (e.modality.value if e.modality else "", e.parameters or "") if k) for e in entries]
    kind_width = min(12, max((len(k) for k in kinds), default=4))  # the column is as wide as its widest
    model_width = max(20, console.width - longest - max(kind_width, 4) - 10)  # 10: the borders and padding
    table.add_column("model (other names)", overflow="fold", max_width=model_width)
    table.add_column("licences", min_width=longest, overflow="fold")
    table.add_column("kind", overflow="fold", max_width=kind_width)
    for e, kind in zip(entries, kinds, strict=True):
        licences = "\n".join(
            i.license_id + ("" if i.via.id == e.id else f" (via {i.via.id})") for i in index.licenses_of(e.id)
        )
        names = ", ".join(index.names_of(e))
        model = escape(e.id) + (f"\n[dim]({escape(names)})[/dim]" if names else "")
        table.add_row(model, escape(licences), escape(kind))
    console.print(table)
    if patterns:
        from rich.text import Text  # noqa: PLC0415 - a glob's `[…]` is not markup

        shown = _table("patterns: every repo whose id matches, except those listed")
        widest = max((len(lic) for p in patterns for lic in p.licenses), default=8)
        # The ids are single long words: rich measures a column no narrower than its longest word and
        # then crops the table at the edge; shares of the width fold them instead.
        shown.expand = True
        shown.add_column("pattern", overflow="fold", ratio=3)
        shown.add_column("licences", width=widest, overflow="fold")
        shown.add_column("except", overflow="fold", ratio=3)
        for p in patterns:
            shown.add_row(Text(p.match), escape(", ".join(p.licenses)), Text(", ".join(p.exceptions)))
        console.print(shown)
    if renamed:
        console.print("renamed: " + ", ".join(f"{r.old} → {r.new}" for r in renamed), markup=False)


@app.command("uses", epilog=examples("modelterms uses", "modelterms check -l llama-3.1 --use chatbot --use research"))
def list_uses(output_format: FormatOption = OutputFormat.TEXT) -> None:
    """List the use-case vocabulary for --use and profiles."""
    if output_format is OutputFormat.JSON:
        rows = [{"use": u.value, "description": u.description} for u in UseCase]
        sys.stdout.write(json.dumps({"uses": rows}, indent=2, ensure_ascii=False) + "\n")
        return
    console = _console()
    for use in UseCase:
        console.print(f"{use.value:<24} {use.description}", markup=False)


@app.command("version", epilog=examples("modelterms version --format json"))
def show_version(output_format: FormatOption = OutputFormat.TEXT) -> None:
    """Print the modelterms version."""
    if output_format is OutputFormat.JSON:
        sys.stdout.write(json.dumps({"version": __version__}) + "\n")
        return
    typer.echo(__version__)


def _index() -> ModelIndex:
    """The bundled model index, loaded only by the commands that name a model."""
    from checker.lookup.bundled import bundled_index  # noqa: PLC0415

    return bundled_index()


# Commands kept in their own modules, and the module each is in. They register on `app` when their
# module is imported; `main` imports only the one a command line names, so that `check` does not pay
# for Lark (lint, fmt) or the analyses (compare, diff, explain) at every start.
_COMMAND_MODULES = {
    "compare": "checker.cli.terms",
    "diff": "checker.cli.terms",
    "explain": "checker.cli.terms",
    "show": "checker.cli.terms",
    "lint": "checker.cli.authoring",
    "fmt": "checker.cli.authoring",
    "scan": "checker.cli.scan",
    "discover": "checker.cli.discover",
}


def full_app() -> typer.Typer:
    """The app with every command registered (for `--help`, and for tests that drive it in-process)."""
    for module in sorted(set(_COMMAND_MODULES.values())):
        importlib.import_module(module)
    return app


def _command_name(info: Any) -> str:
    return str(info.name or (info.callback.__name__ if info.callback else ""))


def _app_for(argv: list[str]) -> typer.Typer:
    name = next((a for a in argv if not a.startswith("-")), None)
    if name in _COMMAND_MODULES:
        importlib.import_module(_COMMAND_MODULES[name])
    if name is not None and any(_command_name(c) == name for c in app.registered_commands):
        # Only the command that runs: typer reads the signature and type hints of every command it
        # registers before it runs one (≈ 1.5 ms each). The copy keeps the app's settings and callback.
        only = copy.copy(app)
        only.registered_commands = [c for c in app.registered_commands if _command_name(c) == name]
        return only
    return full_app()  # help, no command, or an unknown one: typer lists every command


def main() -> None:
    """Console-script entry point. A bare `modelterms` shows the help and exits 0."""
    from checker.cli.coercion import share_plain_adapters  # noqa: PLC0415
    from checker.cli.plugins import defer_plugin_loader  # noqa: PLC0415

    # Pydantic looks for plugins (entry points of every installed distribution: ≈ 12 ms) the first
    # time one of our models builds its validator. A plugin instruments an application's models;
    # this command's models are its own internals, so the command runs without them, as typer
    # already does for its own. A value the user set (e.g. naming plugins) is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    defer_plugin_loader()
    share_plain_adapters()
    argv = sys.argv[1:] or ["--help"]
    _app_for(argv)(args=argv)


def run() -> None:
    """The console script (and `python -m checker`): `main()`, then a quick exit.

    Tearing the interpreter down after a command — every module's objects freed one by one, a last
    collection over them — costs a start ≈ 60-80 ms of CPU, a fifth of a `check`. Once the command
    has returned, nothing is left to do but what an exit does visibly: the `atexit` handlers run
    and the output is flushed; then the process ends without the teardown. Where anything could
    still differ (a flush that fails, a thread still running, an exit status that is not a
    number), the exit takes the ordinary way instead.
    """
    try:
        main()
        status: object = 0
    except SystemExit as done:
        status = done.code
    if status is None:
        status = 0
    threads = sys.modules.get("threading")
    run_exitfuncs = getattr(atexit, "_run_exitfuncs", None)  # CPython's: what an exit would run
    if type(status) is not int or run_exitfuncs is None or (threads and threads.active_count() > 1):
        raise SystemExit(status)
    run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):  # e.g. a closed pipe: Python's own exit reports it as usual
        raise SystemExit(status) from None
    os._exit(status)
