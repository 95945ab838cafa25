"""Where the grammar and the bundled licences are, installed or in a checkout.

An installed wheel carries them inside the package (`checker/grammar`, `checker/licenses`, see
pyproject.toml); in a source checkout they stand at the top of the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


def _folder(name: str) -> Traversable:
    # An installed wheel (inside the package) or a checkout (beside it) are plain folders: read
    # them as paths, without importing importlib.resources (≈ 5 ms of every start). Only a package
    # imported from a zip archive needs it.
    for folder in (_PACKAGE / name, _CHECKOUT / name):
        if folder.is_dir():
            return folder
    from importlib.resources import files  # noqa: PLC0415

    return files("checker").joinpath(name)


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
