"""The command-line flags that describe a service profile, defined once for every command that takes one.

`check`, `compare` and `explain` take the same facts. Typer reads one parameter per flag from a
command's signature, so instead of repeating fifteen parameters, `profile_options` adds them to a
command's signature and hands the command one built `ServiceProfile` (its `service` parameter).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from checker.diagnostics import Kind
from checker.diagnostics.suggest import hint
from checker.errors import ProfileError
from checker.evaluation.profile import ServiceProfile
from checker.terms.numbers import MAX_DIGITS, parse_number, too_large
from checker.terms.vocabulary import Modality, UseCase


def bad_option(message: str, help_text: str = "") -> ProfileError:
    """A bad flag or value: exit 2 with a positioned-less E230 diagnostic."""
    return ProfileError([Kind.BAD_OPTION(message=message, help=help_text)])


ARGS_KEY = "modelterms.args"
"""Where the app's group keeps the command line it parsed, for checks Click cannot make."""

_CONTEXT = "_modelterms_context"  # the Click context Typer hands a command that asks for one

_MONTH_FIGURE = re.compile(r"^([0-9]{4}-[0-9]{2})=(.+)$")


def whole_number(text: str, option: str) -> int:
    if too_large(text):
        raise bad_option(f"{option}: the number is too large (more than {MAX_DIGITS} digits)", "check the figure")
    value = parse_number(text.strip().replace(",", "_"))
    if value is None or value != value.to_integral_value():
        raise bad_option(f"{option}: '{text}' is not a whole number", "write e.g. 800000000, 800_000_000 or 800M")
    return int(value)


def mau_figures(values: list[str], option: str = "--mau") -> dict[str, Any] | None:
    """`--mau 800000000` (the current figure) and `--mau 2024-06=650000000` (a month's figure)."""
    if not values:
        return None
    result: dict[str, Any] = {}
    for value in values:
        match = _MONTH_FIGURE.match(value.strip())
        if match:
            if match.group(1) in result:
                raise bad_option(f"{option}: {match.group(1)} is given twice", "give each month's figure once")
            result[match.group(1)] = whole_number(match.group(2), option)
        else:
            if "current" in result:
                raise bad_option(f"{option}: give the current figure once", "add YYYY-MM=N for other months")
            result["current"] = whole_number(value, option)
    return result


def revenue_amount(text: str | None, option: str = "--revenue") -> Any:
    if text is None:
        return None
    cleaned = text.strip().removeprefix("USD").strip().replace(",", "_")
    if too_large(cleaned):
        raise bad_option(f"{option}: the amount is too large (more than {MAX_DIGITS} digits)", "check the figure")
    value = parse_number(cleaned)
    if value is None:
        raise bad_option(f"{option}: '{text}' is not an amount", "write e.g. 2500000, 2.5M or USD 2.5M")
    return value


def use_case(text: str, option: str = "--use") -> UseCase:
    try:
        return UseCase(text)
    except ValueError:
        raise bad_option(
            f"{option}: unknown use case '{text}'",
            hint(text, [u.value for u in UseCase]) or "`modelterms uses` lists them",
        ) from None


def answers(values: list[str], option: str = "--answer") -> dict[str, Any] | None:
    """`--answer llama-3.1/aup-impersonation=no`: question id → yes or no."""
    if not values:
        return None
    result: dict[str, Any] = {}
    for value in values:
        question, sep, answer = value.rpartition("=")
        answer = answer.strip().lower()
        if not sep or not question.strip() or answer not in ("yes", "no"):
            raise bad_option(
                f"{option}: '{value}' is not QUESTION_ID=yes or QUESTION_ID=no",
                "e.g. --answer llama-3.1/aup-impersonation=no; the ids are shown beside each open question",
            )
        result[question.strip()] = {"value": answer == "yes"}
    return result


def done_reports(values: list[str]) -> dict[str, Any] | None:
    """`--done llama-3.1/built-with-llama`: obligation ids reported done."""
    return {v.strip(): {} for v in values} or None


def build_profile(profile_file: Path | None, **flags: Any) -> ServiceProfile:
    """The profile file (if any) with the command-line facts laid over it."""
    if profile_file:
        from checker.evaluation.profile_file import load_profile  # noqa: PLC0415 - YAML only for a file

        base = load_profile(profile_file)
    else:
        base = ServiceProfile()
    try:
        return base.merged(**flags)
    except ValidationError as error:
        raise profile_error(error) from None


def profile_error(error: ValidationError) -> ProfileError:
    """A profile the command line made invalid, as diagnostics naming the fields."""
    from checker.evaluation.profile_file import validation_diagnostics  # noqa: PLC0415 - see build_profile

    return ProfileError(validation_diagnostics(error, None, list(ServiceProfile.model_fields)))


# One parameter per flag, in the order `--help` lists them. Annotations are objects, not strings:
# Typer reads them from the signature of the command they are added to.
_OPTIONS: tuple[tuple[str, Any, Any], ...] = (
    (
        "profile",
        Annotated[
            Path | None, typer.Option("--profile", "-p", help="A YAML service profile; flags override its facts.")
        ],
        None,
    ),
    (
        "mau",
        Annotated[
            list[str],
            typer.Option(
                "--mau",
                help="Monthly active users now (e.g. 800000000 or 800M), or in a month: "
                "YYYY-MM=N (repeatable). One figure stands for every month a licence asks about.",
            ),
        ],
        [],
    ),
    ("dau", Annotated[str | None, typer.Option("--dau", help="Daily active users (e.g. 250000 or 250K).")], None),
    (
        "revenue",
        Annotated[str | None, typer.Option("--revenue", help="Annual revenue in USD (e.g. 2500000 or 2.5M).")],
        None,
    ),
    (
        "domicile",
        Annotated[
            str | None,
            typer.Option("--domicile", help="Licensee's domicile: ISO 3166-1 code (DE) or group (EU, EEA)."),
        ],
        None,
    ),
    (
        "market",
        Annotated[list[str], typer.Option("--market", help="Where end users are: ISO code or group (repeatable).")],
        [],
    ),
    (
        "use",
        Annotated[
            list[str],
            typer.Option(
                "--use",
                help="A use case (repeatable); giving any declares the complete list. `modelterms uses` lists them.",
            ),
        ],
        [],
    ),
    ("modality", Annotated[Modality | None, typer.Option("--modality", help="The model's modality.")], None),
    (
        "derivative_name",
        Annotated[
            str | None, typer.Option("--derivative-name", help="Name of the derived model you distribute or serve.")
        ],
        None,
    ),
    (
        "derivative_license",
        Annotated[
            str | None,
            typer.Option(
                "--derivative-license",
                help="The licence you release a derivative or fine-tune under: a catalogue id (modelterms list), "
                "e.g. cc-by-sa-4.0; share-alike terms check it.",
            ),
        ],
        None,
    ),
    (
        "commercial",
        Annotated[
            bool | None,
            typer.Option("--commercial/--non-commercial", help="Used in connection with a commercial activity."),
        ],
        None,
    ),
    (
        "distributes",
        Annotated[
            bool | None, typer.Option("--distribute/--no-distribute", help="Distributes the weights or a derivative.")
        ],
        None,
    ),
    (
        "serves",
        Annotated[
            bool | None,
            typer.Option("--serve/--no-serve", help="Offers the model to others as a hosted service or API."),
        ],
        None,
    ),
    (
        "fine_tunes",
        Annotated[
            bool | None,
            typer.Option("--fine-tune/--no-fine-tune", help="Fine-tunes or otherwise modifies the model."),
        ],
        None,
    ),
    (
        "trains_on_outputs",
        Annotated[
            bool | None,
            typer.Option(
                "--train-on-outputs/--no-train-on-outputs", help="Uses outputs to train or improve another model."
            ),
        ],
        None,
    ),
    (
        "end_user",
        Annotated[
            bool | None,
            typer.Option(
                "--end-user/--no-end-user",
                help="Only an end user of a third party's product that integrates the model.",
            ),
        ],
        None,
    ),
    (
        "sued_over_patents",
        Annotated[
            bool | None,
            typer.Option(
                "--sued-over-patents/--not-sued-over-patents",
                help="Has brought a patent claim (suit, cross-claim, counterclaim; against anyone) alleging that the "
                "model, or a part of it, infringes a patent (Apache-2.0 §3 ends the patent licence).",
            ),
        ],
        None,
    ),
    (
        "sued_over_ip",
        Annotated[
            bool | None,
            typer.Option(
                "--sued-over-ip/--not-sued-over-ip",
                help="Has brought a claim (against the licensor or anyone) alleging that the model or its outputs "
                "infringe your IP or other rights (Llama §5.c ends the licence; it reads --sued-over-patents too).",
            ),
        ],
        None,
    ),
)

_OPTIONS += (
    (
        "answer",
        Annotated[
            list[str],
            typer.Option(
                "--answer",
                help="Answer a question a licence leaves open: QUESTION_ID=yes|no (repeatable); the ids are "
                "shown beside each open question, e.g. llama-3.1/aup-impersonation=no.",
            ),
        ],
        [],
    ),
    (
        "done",
        Annotated[
            list[str],
            typer.Option(
                "--done",
                help="Report an obligation done: OBLIGATION_ID (repeatable), shown beside each obligation, "
                "e.g. llama-3.1/built-with-llama.",
            ),
        ],
        [],
    ),
)

OPTION_NAMES = tuple(name for name, _, _ in _OPTIONS)


def service_from_flags(values: dict[str, Any]) -> ServiceProfile:
    """The profile the flags describe (the profile file, if given, under them)."""
    dau = values["dau"]
    return build_profile(
        values["profile"],
        mau=mau_figures(values["mau"]),
        dau=whole_number(dau, "--dau") if dau is not None else None,
        revenue=revenue_amount(values["revenue"]),
        domicile=values["domicile"],
        markets=values["market"] or None,
        uses=[use_case(u) for u in values["use"]] or None,
        modality=values["modality"],
        derivative_name=values["derivative_name"],
        derivative_license=values["derivative_license"],
        commercial=values["commercial"],
        distributes=values["distributes"],
        serves=values["serves"],
        fine_tunes=values["fine_tunes"],
        trains_on_outputs=values["trains_on_outputs"],
        end_user=values["end_user"],
        sued_over_patents=values["sued_over_patents"],
        sued_over_ip=values["sued_over_ip"],
        answers=answers(values["answer"]),
        done=done_reports(values["done"]),
    )


def _flag_pairs() -> list[tuple[str, str]]:
    """`("--commercial", "--non-commercial")` for every on/off flag of the profile."""
    pairs: list[tuple[str, str]] = []
    for _, annotation, _ in _OPTIONS:
        for info in getattr(annotation, "__metadata__", ()):
            declarations = [getattr(info, "default", None), *(getattr(info, "param_decls", None) or ())]
            for declaration in (d for d in declarations if isinstance(d, str) and d.startswith("--")):
                on, _, off = str(declaration).partition("/")
                if off:
                    pairs.append((on, off))
    return pairs


def contradictions(context: typer.Context | None) -> None:
    """Refuse `--commercial --non-commercial`: Click keeps the last silently (issue 14).

    The arguments are the ones the app's group recorded (`ARGS_KEY` in the shared context meta)."""
    given = list(context.meta.get(ARGS_KEY, ())) if context else []
    if "--" in given:
        given = given[: given.index("--")]
    for on, off in _flag_pairs():
        if on in given and off in given:
            raise bad_option(f"{on} and {off} contradict each other", "give one of them")


def gave_profile(values: dict[str, Any]) -> bool:
    """Whether any profile flag was given (a command may behave differently without a profile)."""
    return any(values[name] not in (None, []) for name in OPTION_NAMES)


def profile_options(command: Callable[..., None]) -> Callable[..., None]:
    """Add the profile flags to a command, which receives the built profile as `service` and, if it
    has a `profile_given` parameter, whether any profile flag was given.

    The flags come after the command's own parameters in `--help`, in the order of `check`.
    """
    signature = inspect.signature(command, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name not in ("service", "profile_given")]
    wants_given = "profile_given" in signature.parameters
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
        for name, annotation, default in _OPTIONS
    ]
    added.append(inspect.Parameter(_CONTEXT, inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context))
    own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        contradictions(kwargs.pop(_CONTEXT))
        values = {name: kwargs.pop(name) for name in OPTION_NAMES}
        if wants_given:
            kwargs["profile_given"] = gave_profile(values)
        command(*args, service=service_from_flags(values), **kwargs)

    hints = {k: v for k, v in command.__annotations__.items() if k not in ("service", "profile_given")}
    wrapper.__signature__ = signature.replace(parameters=[*own, *added])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {
        **hints,
        **{name: annotation for name, annotation, _ in _OPTIONS},
        _CONTEXT: typer.Context,
    }
    return wrapper
