"""Where the grammar and the bundled licences are, installed or in a checkout.

An installed wheel carries them inside the package (`checker/grammar`, `checker/licenses`, see
pyproject.toml); in a source checkout they stand at the top of the repository.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def _folder(name: str) -> Traversable:
    packaged = files("checker").joinpath(name)
    if packaged.is_dir():
        return packaged
    return _CHECKOUT / name


@cache
def grammar_text() -> str:
    return _folder("grammar").joinpath("terms.lark").read_text(encoding="utf-8")


def models_text() -> str:
    """The model index (`licenses/models.yaml`)."""
    return _folder("licenses").joinpath("models.yaml").read_text(encoding="utf-8")


def license_files() -> list[Traversable]:
    """The bundled licence files (`*.terms`), sorted by name."""
    folder = _folder("licenses")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".terms")), key=lambda f: f.name)
