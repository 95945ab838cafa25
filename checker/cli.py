"""The `modelterms` command: a thin adapter over the library with one exception boundary.

Exit codes (a contract for scripts and CI):
  0  every result is permitted or conditional (or none is in --fail-on)
  1  some result is in --fail-on (default: forbidden, needs-license, undetermined)
  2  bad input: an unknown licence, a bad flag or value, an invalid profile or licence file
  3  an internal error (a bug in modelterms; please report it)
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import re
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

from checker._version import __version__
from checker.catalogue import Catalogue, bundled, load_license_folder
from checker.diagnostics import Kind
from checker.errors import CheckerError, DiagnosticError, ProfileError
from checker.evaluate import evaluate
from checker.numbers import parse_number
from checker.profile import ServiceProfile
from checker.report import Report, json_text
from checker.request import run_check
from checker.suggest import hint
from checker.vocabulary import Modality, Outcome, UseCase

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from checker.models import ModelIndex

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
DEFAULT_FAIL_ON = (Outcome.FORBIDDEN, Outcome.NEEDS_LICENSE, Outcome.UNDETERMINED)

app = typer.Typer(
    name="modelterms",
    help="May our service use this model, and on what conditions? Checks a service profile against "
    "open-weight AI model licences, clause by clause. Informs decisions; not legal advice.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

P = ParamSpec("P")
R = TypeVar("R")


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def _version() -> str:
    return __version__


# rich is imported only by the commands that print with it: `--format json` starts without it.
def _console(**options: Any) -> Console:
    from rich.console import Console  # noqa: PLC0415

    return Console(highlight=False, **options)


def _table(title: str) -> Table:
    from rich.table import Table  # noqa: PLC0415

    return Table(title=title, title_justify="left")


def _stderr() -> Console:
    return _console(stderr=True, soft_wrap=True)


def boundary(command: Callable[P, R]) -> Callable[P, R]:
    """No traceback reaches a user: bad input is exit 2 with its diagnostics, a bug is exit 3."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except DiagnosticError as error:
            _stderr().print(error.render(), markup=False)
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
FailOnOption = Annotated[
    list[Outcome] | None,
    typer.Option(
        "--fail-on",
        help="Outcomes that make the exit code 1 (repeatable). Default: forbidden, needs-license, undetermined.",
    ),
]


def _bad_option(message: str, help_text: str = "") -> ProfileError:
    return ProfileError([Kind.BAD_OPTION(message=message, help=help_text)])


_MONTH_FIGURE = re.compile(r"^([0-9]{4}-[0-9]{2})=(.+)$")


def _number(text: str, option: str) -> int:
    value = parse_number(text.strip().replace(",", "_"))
    if value is None or value != value.to_integral_value():
        raise _bad_option(f"{option}: '{text}' is not a whole number", "write e.g. 800000000, 800_000_000 or 800M")
    return int(value)


def _mau(values: list[str]) -> dict[str, Any] | None:
    """`--mau 800000000` (the current figure) and `--mau 2024-06=650000000` (a month's figure)."""
    if not values:
        return None
    result: dict[str, Any] = {}
    for value in values:
        match = _MONTH_FIGURE.match(value.strip())
        if match:
            result[match.group(1)] = _number(match.group(2), "--mau")
        else:
            if "current" in result:
                raise _bad_option("--mau: give the current figure once", "add YYYY-MM=N for other months")
            result["current"] = _number(value, "--mau")
    return result


def _revenue(text: str | None) -> Any:
    if text is None:
        return None
    cleaned = text.strip().removeprefix("USD").strip().replace(",", "_")
    value = parse_number(cleaned)
    if value is None:
        raise _bad_option(f"--revenue: '{text}' is not an amount", "write e.g. 2500000, 2.5M or USD 2.5M")
    return value


def _catalogue(extra_folders: list[Path]) -> Catalogue:
    if not extra_folders:
        return bundled()
    licenses = list(bundled().licenses)
    for folder in extra_folders:
        licenses += load_license_folder(folder)
    return Catalogue(licenses)


def build_profile(profile_file: Path | None, **flags: Any) -> ServiceProfile:
    """The profile file (if any) with the command-line facts laid over it."""
    from pydantic import ValidationError  # noqa: PLC0415 - only when a profile is built

    from checker.profile_file import load_profile, validation_diagnostics  # noqa: PLC0415 - YAML on demand

    base = load_profile(profile_file) if profile_file else ServiceProfile()

    try:
        return base.merged(**flags)
    except ValidationError as error:
        raise ProfileError(validation_diagnostics(error, None, list(ServiceProfile.model_fields))) from None


# The profile flags, shared by every command that takes a service profile (check, scan).
ProfileFileOption = Annotated[
    Path | None, typer.Option("--profile", "-p", help="A YAML service profile; flags override its facts.")
]
MauOption = Annotated[
    list[str],
    typer.Option(
        "--mau",
        help="Monthly active users now (e.g. 800000000 or 800M), or in a month: "
        "YYYY-MM=N (repeatable). One figure stands for every month a licence asks about.",
    ),
]
DauOption = Annotated[str | None, typer.Option("--dau", help="Daily active users (e.g. 250000 or 250K).")]
RevenueOption = Annotated[str | None, typer.Option("--revenue", help="Annual revenue in USD (e.g. 2500000 or 2.5M).")]
DomicileOption = Annotated[
    str | None, typer.Option("--domicile", help="Licensee's domicile: ISO 3166-1 code (DE) or group (EU, EEA).")
]
MarketOption = Annotated[
    list[str], typer.Option("--market", help="Where end users are: ISO code or group (repeatable).")
]
UseOption = Annotated[
    list[str],
    typer.Option(
        "--use",
        help="A use case (repeatable); giving any declares the complete list. `modelterms uses` lists them.",
    ),
]
ModalityOption = Annotated[Modality | None, typer.Option("--modality", help="The model's modality.")]
DerivativeNameOption = Annotated[
    str | None, typer.Option("--derivative-name", help="Name of the derived model you distribute or serve.")
]
CommercialOption = Annotated[
    bool | None,
    typer.Option("--commercial/--non-commercial", help="Used in connection with a commercial activity."),
]
DistributesOption = Annotated[
    bool | None, typer.Option("--distribute/--no-distribute", help="Distributes the weights or a derivative.")
]
ServesOption = Annotated[
    bool | None, typer.Option("--serve/--no-serve", help="Offers the model to others as a hosted service or API.")
]
FineTunesOption = Annotated[
    bool | None, typer.Option("--fine-tune/--no-fine-tune", help="Fine-tunes or otherwise modifies the model.")
]
TrainsOnOutputsOption = Annotated[
    bool | None,
    typer.Option("--train-on-outputs/--no-train-on-outputs", help="Uses outputs to train or improve another model."),
]
EndUserOption = Annotated[
    bool | None,
    typer.Option(
        "--end-user/--no-end-user", help="Only an end user of a third party's product that integrates the model."
    ),
]


def profile_from_flags(
    profile: Path | None,
    *,
    mau: list[str],
    dau: str | None,
    revenue: str | None,
    domicile: str | None,
    market: list[str],
    use: list[str],
    **facts: Any,
) -> ServiceProfile:
    """The service profile the profile flags describe (the file's facts, the flags laid over them)."""
    uses = [_use(u) for u in use]
    return build_profile(
        profile,
        mau=_mau(mau),
        dau=_number(dau, "--dau") if dau is not None else None,
        revenue=_revenue(revenue),
        domicile=domicile,
        markets=market or None,
        uses=uses or None,
        **facts,
    )


@app.command()
@boundary
def check(  # noqa: PLR0917 - typer passes one parameter per flag (the public CLI contract)
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
            help="A model from the index: Hugging Face repo id or short name (repeatable). Checks every licence "
            "it ships with, its base model's included; `modelterms models` lists the index.",
        ),
    ] = [],  # noqa: B006
    profile: ProfileFileOption = None,
    mau: MauOption = [],  # noqa: B006 - typer reads the default; it is never mutated
    dau: DauOption = None,
    revenue: RevenueOption = None,
    domicile: DomicileOption = None,
    market: MarketOption = [],  # noqa: B006
    use: UseOption = [],  # noqa: B006
    modality: ModalityOption = None,
    derivative_name: DerivativeNameOption = None,
    commercial: CommercialOption = None,
    distributes: DistributesOption = None,
    serves: ServesOption = None,
    fine_tunes: FineTunesOption = None,
    trains_on_outputs: TrainsOnOutputsOption = None,
    end_user: EndUserOption = None,
    licenses_dir: LicensesDir = [],  # noqa: B006
    output_format: FormatOption = OutputFormat.TEXT,
    fail_on: FailOnOption = None,
) -> None:
    """Check a service profile against licences (--license) or models (--model).

    Exit code 0 when every result is permitted or conditional, 1 when any result is one of
    --fail-on, 2 for bad input.
    """
    if not license and not model:
        raise _bad_option("give at least one --license or --model", "e.g. --license llama or --model gpt-oss-20b")
    service = profile_from_flags(
        profile,
        mau=mau,
        dau=dau,
        revenue=revenue,
        domicile=domicile,
        market=market,
        use=use,
        modality=modality,
        derivative_name=derivative_name,
        commercial=commercial,
        distributes=distributes,
        serves=serves,
        fine_tunes=fine_tunes,
        trains_on_outputs=trains_on_outputs,
        end_user=end_user,
    )
    catalogue = _catalogue(licenses_dir)
    results = tuple(run_check(license, model, service, catalogue, _index))
    report = Report(service, results)
    if output_format is OutputFormat.JSON:
        sys.stdout.write(json_text(report, _version()))
    else:
        from checker.render import print_text  # noqa: PLC0415 - rich only for text output

        print_text(report, _console())
    if report.fails(fail_on or DEFAULT_FAIL_ON):
        raise typer.Exit(EXIT_FAILED)


def _use(text: str) -> UseCase:
    try:
        return UseCase(text)
    except ValueError:
        raise _bad_option(
            f"--use: unknown use case '{text}'",
            hint(text, [u.value for u in UseCase]) or "`modelterms uses` lists them",
        ) from None


@app.command("policy")
@boundary
def run_policy(
    policy: Annotated[
        Path | None, typer.Option("--policy", help="The policy file (default: modelterms.yaml in the current folder).")
    ] = None,
    output_format: FormatOption = OutputFormat.TEXT,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
) -> None:
    """Check every model of a policy file under its profile, with waivers, as CI does.

    Exit code 0 when the policy passes, 1 when a result is in its fail-on list or a waiver has
    expired, 2 for bad input.
    """
    from checker.policy import DEFAULT_POLICY, evaluate_policy, load_policy  # noqa: PLC0415
    from checker.render import policy_json, print_policy_text  # noqa: PLC0415

    report = evaluate_policy(load_policy(policy or Path(DEFAULT_POLICY)))
    if output_format is OutputFormat.JSON:
        text = json.dumps(policy_json(report, _version()), indent=2, ensure_ascii=False) + "\n"
    else:
        console = _console(record=True, file=io.StringIO() if output else None)
        print_policy_text(report, console)
        text = console.export_text() if output else ""
    if output:
        output.write_text(text, encoding="utf-8")
    elif text:
        sys.stdout.write(text)
    if report.failed:
        raise typer.Exit(EXIT_FAILED)


@app.command("schema")
def print_schema() -> None:
    """Print the JSON Schema of the policy file (for editors)."""
    from checker.policy import PolicyFile  # noqa: PLC0415

    schema = PolicyFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "modelterms policy file"
    sys.stdout.write(json.dumps(schema, indent=2) + "\n")


@app.command("list")
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
    chosen = [lic for lic in catalogue.licenses if family is None or (lic.family or "").lower() == family.lower()]
    if family is not None and not chosen:
        raise _bad_option(f"--family: no family '{family}'", hint(family, catalogue.families) or "")
    if commercial is not None:
        probe = ServiceProfile(commercial=True)
        chosen = [lic for lic in chosen if (not evaluate(lic, probe).outcome.refuses) is commercial]
    rows: list[dict[str, Any]] = [
        {
            "id": lic.id,
            "name": lic.name,
            "licensor": lic.licensor,
            "family": lic.family,
            "date": _date(lic.released or lic.effective),
            "also": sorted({*lic.aliases, *lic.hf_tags, *([lic.spdx] if lic.spdx else [])} - {lic.id}),
            "verification": lic.verification.value,
            "source": lic.primary_source,
        }
        for lic in sorted(chosen, key=lambda x: x.id)
    ]
    if output_format is OutputFormat.JSON:
        sys.stdout.write(json.dumps({"licenses": rows, "families": sorted(catalogue.families)}, indent=2) + "\n")
        return
    table = _table("modelterms catalogue")
    for column in ("id", "name", "family", "date", "also", "verified"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["id"], row["name"], row["family"] or "", row["date"] or "", ", ".join(row["also"]), row["verification"]
        )
    console = _console()
    console.print(table)
    console.print("families: " + ", ".join(sorted(catalogue.families)))


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


@app.command("licenses", hidden=True)
@boundary
def list_licenses_alias(output_format: FormatOption = OutputFormat.TEXT, licenses_dir: LicensesDir = []) -> None:  # noqa: B006
    """The same as `list`."""
    list_licenses(output_format=output_format, licenses_dir=licenses_dir)


@app.command("models")
@boundary
def list_models(
    search: Annotated[str | None, typer.Argument(help="Only models whose id or names contain this text.")] = None,
    license_name: Annotated[str | None, typer.Option("--license", "-l", help="Only models under this licence.")] = None,
    output_format: FormatOption = OutputFormat.TEXT,
) -> None:
    """List the model index: models, the licences they ship with, and their facts."""
    index = _index()
    entries = index.entries
    if search:
        needle = search.lower()
        entries = [e for e in entries if needle in e.id.lower() or any(needle in n.lower() for n in e.names)]
    if license_name:
        wanted = {r.license.id for r in bundled().resolve([license_name])}
        entries = [e for e in entries if wanted & {i.license_id for i in index.licenses_of(e.id)}]
    if output_format is OutputFormat.JSON:
        rows = [e.model_dump(mode="json", exclude_none=True) for e in entries]
        sys.stdout.write(json.dumps({"models": rows}, indent=2, ensure_ascii=False) + "\n")
        return
    table = _table("modelterms model index")
    table.add_column("model", no_wrap=True)
    for column in ("licences", "modality", "parameters", "names"):
        table.add_column(column)
    for e in entries:
        licences = ", ".join(
            i.license_id + ("" if i.via.id == e.id else f" (via {i.via.id})") for i in index.licenses_of(e.id)
        )
        table.add_row(e.id, licences, e.modality.value if e.modality else "", e.parameters or "", ", ".join(e.names))
    _console().print(table)


@app.command("uses")
def list_uses() -> None:
    """List the use-case vocabulary for --use and profiles."""
    console = _console()
    for use in UseCase:
        console.print(f"{use.value:<24} {use.description}", markup=False)


@app.command("version")
def show_version() -> None:
    """Print the modelterms version."""
    typer.echo(_version())


def _index() -> ModelIndex:
    """The bundled model index, loaded only by the commands that name a model."""
    from checker.models import bundled_index  # noqa: PLC0415

    return bundled_index()


def main() -> None:
    """Console-script entry point."""
    app()


# Commands kept in their own modules register on `app` when imported (after everything above).
from checker import cli_scan  # noqa: E402, F401
