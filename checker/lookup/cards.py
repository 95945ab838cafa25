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


MAX_FRONT_MATTER_BYTES = 262_144
"""The most of a model card's front matter read: a card from a pull request is hostile input. Cards
with a long `model-index` reach tens of KB; the prose after the front matter is never read."""


def read_model_card(path: Path) -> dict[str, Any]:
    """The YAML front matter of a model card (README.md between `---` lines), strictly read.

    Reads line by line up to the closing `---`, at most MAX_FRONT_MATTER_BYTES; the YAML then has
    the depth and value caps of every YAML document (`checker.inputs.yamlfile`)."""
    from checker.diagnostics import Kind  # noqa: PLC0415
    from checker.errors import ProfileError  # noqa: PLC0415
    from checker.inputs.yamlfile import load_yaml  # noqa: PLC0415 - YAML only when a card is read

    lines: list[bytes] = []
    read = 0
    with path.open("rb") as stream:
        first = stream.readline(MAX_FRONT_MATTER_BYTES)
        if first.strip().removeprefix(b"\xef\xbb\xbf") != b"---":
            return {}
        while True:
            line = stream.readline(MAX_FRONT_MATTER_BYTES - read + 1)
            if not line:
                return {}  # no closing `---`: not front matter
            if line.strip() == b"---":
                break
            read += len(line)
            if read > MAX_FRONT_MATTER_BYTES:
                what = f"{path}: the front matter is larger than {MAX_FRONT_MATTER_BYTES:,} bytes"
                raise ProfileError([Kind.YAML_TOO_LARGE(what=what)])
            lines.append(line)
    data = load_yaml(b"".join(lines).decode("utf-8"), str(path)).data
    return data if isinstance(data, dict) else {}


def card_names(card: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Licence names and base models a card gives, read as `modelterms scan` reads them: `license`
    (one name or a list, with `license_name` for `other`) and `base_model`. Raises `RowError` for a
    field of the wrong type. A bare `other` names no licence."""
    licences, bases = card_fields(card)
    return [n for n in licences if n != "other"], list(bases)
