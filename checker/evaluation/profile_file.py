"""Reading a service profile from YAML, with every error placed at its file, line and YAML path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from checker.diagnostics import Diagnostic, Kind
from checker.diagnostics.span import Span
from checker.diagnostics.suggest import hint
from checker.errors import ProfileError
from checker.evaluation.profile import ServiceProfile
from checker.inputs.yamlfile import MAX_PROFILE_BYTES, Document, load_yaml, path_text, read_yaml_text


def validation_diagnostics(
    error: ValidationError, document: Document | None, fields: list[str], prefix: tuple[str | int, ...] = ()
) -> list[Diagnostic]:
    """One diagnostic per pydantic error, placed at the YAML path it concerns (when there is one)."""
    found: list[Diagnostic] = []
    for item in error.errors():
        path: tuple[str | int, ...] = (*prefix, *(p for p in item["loc"] if isinstance(p, str | int)))
        span = document.span(path) if document is not None else None
        if item["type"] == "extra_forbidden":
            name = str(path[-1])
            span = (document.key_spans.get(path) if document is not None else None) or span
            found.append(
                Kind.UNKNOWN_FIELD(
                    span,
                    where=f" in {path_text(path[:-1])}" if path[:-1] else "",
                    name=name,
                    suggestion=hint(name, fields) or "known fields: " + ", ".join(fields),
                )
            )
            continue
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "enum":
            expected = [e.strip(" '") for e in str(item["ctx"]["expected"]).replace(" or ", ", ").split(",")]
            given = str(item["input"])
            found.append(
                Kind.INVALID_VALUE(
                    span,
                    path=path_text(path),
                    message=f"'{given}' is not one of the allowed values",
                    help=hint(given, expected) or "allowed: " + ", ".join(expected),
                )
            )
            continue
        if item["type"] == "bool_type":
            found.append(
                Kind.INVALID_VALUE(
                    span,
                    path=path_text(path),
                    message=f"{item['input']!r} is not a boolean",
                    help="write true or false (yes, on, 1 and quoted words are not booleans here)",
                )
            )
            continue
        if item["type"] in ("model_type", "dict_type") and "mau" in path:
            message = "give a number of users, or a mapping such as {current: 800000000, 2024-06: 650000000}"
        found.append(Kind.INVALID_VALUE(span, path=path_text(path), message=message, help=_help(path)))
    return found


def _help(path: tuple[str | int, ...]) -> str:
    return {
        "domicile": "an ISO 3166-1 alpha-2 code such as US or DE, or EU / EEA",
        "markets": "a list of ISO 3166-1 alpha-2 codes or groups (EU, EEA, EFTA, WORLD)",
        "uses": "`modelterms uses` lists the use cases",
        "modality": "text or multimodal",
    }.get(str(path[0]) if path else "", "")


_FIGURES = ("mau", "dau", "revenue")


def exact_figures(data: Any, document: Document | None, prefix: tuple[str | int, ...] = ()) -> Any:
    """The profile with each float figure replaced by the text it was written as.

    YAML reads `1e24` and `700000000.00000001` as floats that only approximate them; the figure
    validators read the text exactly and refuse what is not a whole number (issue 14)."""
    if document is None or not isinstance(data, dict):
        return data
    out = dict(data)
    for key, value in data.items():
        if key not in _FIGURES:
            continue
        if isinstance(value, float):
            out[key] = document.literal((*prefix, key)) or value
        elif isinstance(value, dict):
            out[key] = {
                k: (document.literal((*prefix, key, str(k))) or v) if isinstance(v, float) else v
                for k, v in value.items()
            }
    return out


def profile_duplicates(
    data: dict[Any, Any], document: Document | None, prefix: tuple[str | int, ...]
) -> list[Diagnostic]:
    """`fine_tunes` and `fine-tunes` in one mapping: the same fact twice (E202), not last-one-wins."""
    seen: dict[str, str] = {}
    found: list[Diagnostic] = []
    for key in data:
        if not isinstance(key, str):
            continue
        snake = key.replace("-", "_")
        if snake in seen:
            first = document.key_spans.get((*prefix, seen[snake])) if document else None
            span = document.key_spans.get((*prefix, key)) if document else None
            found.append(Kind.YAML_DUPLICATE_KEY(span, key=key, first=first.line if first else "?"))
        else:
            seen[snake] = key
    return found


def profile_from_data(data: Any, document: Document | None = None) -> ServiceProfile:
    fields = list(ServiceProfile.model_fields)
    if not isinstance(data, dict):
        span = document.span(()) if document else None
        raise ProfileError(
            [
                Kind.INVALID_VALUE(
                    span, path="(document)", message="a profile is a mapping of facts", help="e.g. `mau: 800000000`"
                )
            ],
            {document.file: document.text} if document else None,
        )
    twice = profile_duplicates(data, document, ())
    if twice:
        raise ProfileError(twice, {document.file: document.text} if document else None)
    try:
        return ServiceProfile.model_validate(exact_figures(data, document))
    except ValidationError as error:
        diagnostics = validation_diagnostics(error, document, fields)
        raise ProfileError(diagnostics, {document.file: document.text} if document else None) from None


def load_profile(path: str | Path) -> ServiceProfile:
    """Read a profile YAML file. Raises `ProfileError` with file:line:col and the YAML path."""
    path = Path(path)
    text = read_yaml_text(path, max_bytes=MAX_PROFILE_BYTES)
    document = load_yaml(text, str(path))
    if document.data is None:
        # An empty file is almost always a mistake (a wrong path, a file not yet written): say so
        # rather than read it as "no facts" and answer `undetermined` everywhere.
        raise ProfileError([Kind.EMPTY_PROFILE(Span.point(str(path), 1, 1))], {str(path): text})
    return profile_from_data(document.data if document.data is not None else {}, document)
