"""`modelterms compare`, `diff`, `explain` and `show`: thin adapters over `checker.analysis.compare`,
`checker.analysis.diff` and `checker.analysis.flips`, registered on the same Typer app as `check`.

Exit codes: 0, or 2 for bad input (these commands inform; `check` and `policy` are the gates).
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from checker._version import __version__
from checker.analysis.compare import standings, terms_matrix
from checker.analysis.diff import diff
from checker.analysis.flips import explain
from checker.cli.app import (
    FormatOption,
    LicensesDir,
    OfflineOption,
    OutputFormat,
    _catalogue,
    app,
    boundary,
    examples,
    hub_for,
    write_output,
)
from checker.cli.profile_flags import bad_option, profile_error, profile_options, revenue_amount, use_case, whole_number
from checker.cli.render_html import matrix_html
from checker.cli.render_terms import (
    diff_json,
    explain_json,
    matrix_csv,
    matrix_json,
    matrix_markdown,
    print_diff,
    print_explanation,
    print_license,
    print_matrix,
    print_standings,
    show_json,
    standings_csv,
    standings_html,
    standings_json,
    standings_markdown,
)
from checker.cli.wrapping import Terminal
from checker.diagnostics import Diagnostic
from checker.diagnostics.suggest import hint
from checker.evaluation.profile import ServiceProfile, field_for
from checker.lookup.catalogue import Catalogue
from checker.lookup.resolver import Resolver
from checker.terms import model
from checker.terms.vocabulary import Fact, FactKind, Modality


class CompareFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"
    CSV = "csv"
    HTML = "html"


ModelOption = Annotated[
    list[str],
    typer.Option(
        "--model",
        "-m",
        help="A model: Hugging Face repo id (ORG/NAME) or a short name from the index (repeatable): the "
        "licences it ships with, its base models' included, as for `check --model`.",
    ),
]


def _licenses(
    catalogue: Catalogue,
    names: list[str],
    models: tuple[str, ...] | list[str] = (),
    *,
    offline: bool = False,
) -> list[model.License]:
    """The licences named, then those of each model (through the same resolver as `check`), each once;
    neither given: the whole catalogue."""
    return [lic for lic, _ in _licenses_with_modality(catalogue, names, models, offline=offline)]


def _licenses_with_modality(
    catalogue: Catalogue, names: list[str], models: tuple[str, ...] | list[str], *, offline: bool
) -> list[tuple[model.License, Modality | None]]:
    """Each licence with the modality its model states (None for a licence named directly)."""
    if not names and not models:
        return [(lic, None) for lic in sorted(catalogue.licenses, key=lambda lic: lic.id)]
    from checker.errors import UnknownLicenseError  # noqa: PLC0415
    from checker.lookup.bundled import bundled_index  # noqa: PLC0415 - the index only for a model or unknown name

    resolver = Resolver(catalogue, bundled_index, hub_for(offline=offline, refresh=False) if models else None)
    found: dict[str, tuple[model.License, Modality | None]] = {
        lic.id: (lic, None) for lic in (resolver.licenses(names) if names else [])
    }
    unknown = []
    for name in models:
        result = resolver.model(name)
        if isinstance(result, Diagnostic):
            unknown.append(result)
            continue
        stated = next((m.modality for m in result.chain if m.modality is not None), None)
        for item in result.licenses:
            found.setdefault(item.license.id, (item.license, stated))
    if unknown:
        raise UnknownLicenseError(unknown)
    return list(found.values())


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        write_output(text, output)  # a missing folder or a directory: exit 2, not 3


@app.command(
    "compare",
    epilog=examples(
        "modelterms compare -l llama-3.1 -l gemma -l apache-2.0",
        "modelterms compare -l llama --commercial --serve --mau 2M",
    ),
)
@boundary
@profile_options
def compare(
    *,
    license: Annotated[
        list[str],
        typer.Option(
            "--license",
            "-l",
            help="Licences to compare: id, alias, tag or family (repeatable). Default (no --license or "
            "--model): the whole catalogue.",
        ),
    ] = [],  # noqa: B006 - typer reads the default; it is never mutated
    model: ModelOption = [],  # noqa: B006
    offline: OfflineOption = False,
    output_format: Annotated[
        CompareFormat,
        typer.Option("--format", "-f", help="text, markdown, json, csv or html (one self-contained page)."),
    ] = CompareFormat.TEXT,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    licenses_dir: LicensesDir = [],  # noqa: B006
    service: ServiceProfile,  # built by @profile_options from the profile flags (not a flag itself)
    profile_given: bool = False,
) -> None:
    """Licences side by side, read from their clauses.

    Without a profile: a licences x terms matrix (thresholds and when they are measured, territorial
    limits, commercial scope, training on outputs, attribution, naming, notices, flow-down,
    acceptable-use policy, restricted uses, termination, governing law). With a profile (--profile
    or the `check` flags): each licence's outcome, deciding clause, obligations and nearest flip
    point, best first.
    """
    catalogue = _catalogue(licenses_dir)
    catalogue.check_ids(service)
    chosen = _licenses(catalogue, license, model, offline=offline)
    renderers: dict[CompareFormat, Callable[[], str]]
    if profile_given:
        ranked = standings(chosen, service)
        text: Callable[[Console], None] = lambda console: print_standings(ranked, console)  # noqa: E731
        renderers = {
            CompareFormat.MARKDOWN: lambda: standings_markdown(ranked),
            CompareFormat.JSON: lambda: standings_json(ranked, service, __version__),
            CompareFormat.CSV: lambda: standings_csv(ranked),
            CompareFormat.HTML: lambda: standings_html(ranked, service),
        }
    else:
        matrix = terms_matrix(chosen)
        text = lambda console: print_matrix(matrix, console)  # noqa: E731
        renderers = {
            CompareFormat.MARKDOWN: lambda: matrix_markdown(matrix),
            CompareFormat.JSON: lambda: matrix_json(matrix, __version__),
            CompareFormat.CSV: lambda: matrix_csv(matrix),
            CompareFormat.HTML: lambda: matrix_html(matrix),
        }
    if output_format is CompareFormat.TEXT:
        _print_to(output, text)
    else:
        _write(renderers[output_format](), output)


def _print_to(output: Path | None, render: Callable[[Console], None]) -> None:
    """Rich text to the terminal, or to a file as plain text."""
    if output is None:
        render(Terminal(highlight=False))
        return
    console = Terminal(highlight=False, record=True, file=io.StringIO(), width=200)
    render(console)
    write_output(console.export_text(), output)  # a missing folder or a directory: exit 2, not 3


@app.command(
    "diff", epilog=examples("modelterms diff llama-3 llama-3.1", "modelterms diff llama-3.1 llama-3.2 --format json")
)
@boundary
def diff_command(
    before: Annotated[str, typer.Argument(help="The first licence (e.g. llama-3.1).")],
    after: Annotated[str, typer.Argument(help="The second licence (e.g. llama-3.2).")],
    output_format: FormatOption = OutputFormat.TEXT,
    licenses_dir: LicensesDir = [],  # noqa: B006
) -> None:
    """A semantic diff of two licences.

    Clauses added, removed and changed (quote and formal meaning), and the regions of the profile
    space where the outcome differs: one per pair of outcomes, with the clauses that decide it and a
    witness profile. Every numeric fact is cut at each threshold either licence uses, the others into
    the classes the conditions tell apart, and a solver decides every combination (z3, the `solver`
    extra; without it the space is enumerated, bounded, and the output says so).
    """
    catalogue = _catalogue(licenses_dir)
    result = diff(catalogue.get(before), catalogue.get(after))
    if output_format is OutputFormat.JSON:
        sys.stdout.write(diff_json(result, __version__))
    else:
        print_diff(result, Terminal(highlight=False))


_MAU_IN = re.compile(r"^mau(?: in |@)([0-9]{4}-(?:0[1-9]|1[0-2]))$")


def _assumed(service: ServiceProfile, assumptions: list[str]) -> ServiceProfile:
    """The profile with `--assume FACT=VALUE` answers laid over it."""
    data = service.model_dump(mode="python", exclude_none=True)
    for text in assumptions:
        name, sep, value = text.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not value:
            raise bad_option(
                f"--assume: '{text}' is not FACT=VALUE", "e.g. --assume domicile=US or --assume end-user=no"
            )
        month = _MAU_IN.match(name)
        try:
            fact = Fact.MAU if month else Fact(name)
        except ValueError:
            names = [f.value for f in Fact] + ["mau in YYYY-MM"]
            raise bad_option(
                f"--assume: unknown fact '{name}'", hint(name, names) or "facts: " + ", ".join(names)
            ) from None
        option = f"--assume {name}"
        if fact is Fact.MAU:
            mau = dict(data.get("mau") or {})
            figures = {**mau.get("by_month", {})}
            if month:
                figures[month.group(1)] = whole_number(value, option)
            else:
                mau["current"] = whole_number(value, option)
            data["mau"] = {"current": mau.get("current"), "by_month": figures}
            continue
        data[field_for(fact)] = _fact_value(fact, value, option)
    try:
        return ServiceProfile.model_validate(data)
    except ValidationError as error:
        raise profile_error(error) from None


_YES = {"yes", "true", "y", "1"}
_NO = {"no", "false", "n", "0"}


def _fact_value(fact: Fact, value: str, option: str) -> object:
    match fact.kind:
        case FactKind.FLAG:
            if value.lower() in _YES | _NO:
                return value.lower() in _YES
            raise bad_option(f"{option}: '{value}' is not yes or no", "write yes or no")
        case FactKind.QUANTITY:
            return revenue_amount(value, option) if fact is Fact.REVENUE else whole_number(value, option)
        case FactKind.REGION | FactKind.TEXT | FactKind.LICENSE:
            return value
        case FactKind.REGION_SET:
            return [v.strip() for v in value.split(",") if v.strip()]
        case FactKind.USE_SET:
            return [use_case(v.strip(), option) for v in value.split(",") if v.strip()]
        case FactKind.CHOICE:
            try:
                return Modality(value)
            except ValueError:
                raise bad_option(f"{option}: '{value}' is not a modality", "text or multimodal") from None


@app.command(
    "explain",
    epilog=examples(
        "modelterms explain -l llama-3.1 --mau 800M", "modelterms explain -l gemma --commercial --assume use=chatbot"
    ),
)
@boundary
@profile_options
def explain_command(
    *,
    license: Annotated[
        list[str],
        typer.Option("--license", "-l", help="The licence to explain (id, alias, tag; a family explains each)."),
    ] = [],  # noqa: B006
    model: ModelOption = [],  # noqa: B006
    offline: OfflineOption = False,
    assume: Annotated[
        list[str],
        typer.Option(
            "--assume",
            help="Answer a question without editing the profile: FACT=VALUE (repeatable), e.g. domicile=US, "
            "end-user=no, 'mau in 2024-06=650M', use=chatbot,research.",
        ),
    ] = [],  # noqa: B006
    output_format: FormatOption = OutputFormat.TEXT,
    licenses_dir: LicensesDir = [],  # noqa: B006
    service: ServiceProfile,  # built by @profile_options from the profile flags (not a flag itself)
) -> None:
    """Why a licence gives its outcome, and what would change it.

    The deciding clauses in plain words with their quotes; the flip points (for each other outcome,
    the nearest changes of the profile that give it, of any size, e.g. the nearest value across a
    threshold); for an undetermined result, the questions that would decide it.
    """
    if not license and not model:
        raise bad_option("give --license or --model", "e.g. modelterms explain --license llama-3.1 --mau 800M")
    catalogue = _catalogue(licenses_dir)
    profile = _assumed(service, assume)
    catalogue.check_ids(profile)  # after --assume: an assumed derivative-license is a catalogue id too
    chosen = _licenses_with_modality(catalogue, license, model, offline=offline)
    # A model's stated modality fills in an unknown one, as in `check --model`.
    explanations = [
        explain(lic, profile if stated is None or profile.modality else profile.model_copy(update={"modality": stated}))
        for lic, stated in chosen
    ]
    if output_format is OutputFormat.JSON:
        if len(explanations) == 1:
            sys.stdout.write(explain_json(explanations[0], __version__))
        else:
            sys.stdout.write("[\n" + ",\n".join(explain_json(e, __version__).rstrip() for e in explanations) + "\n]\n")
        return
    console = Terminal(highlight=False)
    for index, explanation in enumerate(explanations):
        if index:
            console.print()
        print_explanation(explanation, console)


@app.command("show", epilog=examples("modelterms show llama-3.1", "modelterms show Apache-2.0 --format json"))
@boundary
def show_command(
    name: Annotated[str, typer.Argument(help="A licence id, alias, Hugging Face tag or SPDX id.")],
    output_format: FormatOption = OutputFormat.TEXT,
    licenses_dir: LicensesDir = [],  # noqa: B006
) -> None:
    """A licence rendered for reading: its header, thresholds, and each clause with its quote and its
    formal meaning in words."""
    license = _catalogue(licenses_dir).get(name)
    if output_format is OutputFormat.JSON:
        sys.stdout.write(show_json(license, __version__))
    else:
        print_license(license, Terminal(highlight=False))
