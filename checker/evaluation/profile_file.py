"""Reading a service profile from YAML, with every error placed at its file, line and YAML path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from checker.diagnostics import Diagnostic, Kind
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
    try:
        return ServiceProfile.model_validate(data)
    except ValidationError as error:
        diagnostics = validation_diagnostics(error, document, fields)
        raise ProfileError(diagnostics, {document.file: document.text} if document else None) from None


def load_profile(path: str | Path) -> ServiceProfile:
    """Read a profile YAML file. Raises `ProfileError` with file:line:col and the YAML path."""
    path = Path(path)
    text = read_yaml_text(path, max_bytes=MAX_PROFILE_BYTES)
    document = load_yaml(text, str(path))
    return profile_from_data(document.data if document.data is not None else {}, document)
