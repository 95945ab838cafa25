"""Model cards: the licence names and base models a Hugging Face model card (README.md front matter)
or a metadata row gives, read one way for `scan`, policies and the resolver."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any


class RowError(ValueError):
    """A row that is not model metadata; the message says why."""


def _names(value: Any, field_name: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(v for v in value if v)
    raise RowError(f"`{field_name}` must be a string or a list of strings, not {type(value).__name__}")


def card_fields(fields: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Licence names and base models from the fields of a model card or a metadata row:
    `license` (with `license_name` when it is `other`) and `base_model`."""
    licenses = _names(fields.get("license"), "license")
    if "other" in licenses:
        named = _names(fields.get("license_name"), "license_name")
        licenses = tuple(n for n in licenses if n != "other") + (named or ("other",))
    return licenses, _names(fields.get("base_model"), "base_model")


def read_model_card(path: Path) -> dict[str, Any]:
    """The YAML front matter of a model card (README.md between `---` lines), strictly read."""
    from checker.inputs.yamlfile import load_yaml  # noqa: PLC0415 - YAML only when a card is read

    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return {}
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
    if end is None:
        return {}
    data = load_yaml("\n".join(lines[1:end]) + "\n", str(path)).data
    return data if isinstance(data, dict) else {}


def card_names(card: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Licence names and base models a card gives, read as `modelterms scan` reads them: `license`
    (one name or a list, with `license_name` for `other`) and `base_model`. Raises `RowError` for a
    field of the wrong type. A bare `other` names no licence."""
    licences, bases = card_fields(card)
    return [n for n in licences if n != "other"], list(bases)
