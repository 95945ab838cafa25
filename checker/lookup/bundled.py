"""What modelterms ships: the bundled catalogue and model index, each read once per process, from the
user's cache when it is valid (`checker.lookup.cache`), else parsed.

Kept apart from `catalogue` and `models` so that the cache, which stores both, sits above them and
they never import it back.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from checker.lookup.catalogue import Catalogue
from checker.resources import license_files, models_text

if TYPE_CHECKING:
    from checker.lookup.models import ModelIndex


@cache
def bundled() -> Catalogue:
    """The catalogue shipped with modelterms, once per process."""
    from checker.lookup.cache import cached_license_files  # noqa: PLC0415 - `import checker` alone reads no cache

    return cached_license_files([(f"licenses/{f.name}", f) for f in license_files()])


@cache
def bundled_index() -> ModelIndex:
    """The model index shipped with modelterms (`licenses/models.yaml`), once per process."""
    from checker.lookup.cache import cached_index  # noqa: PLC0415 - the index (and YAML) only when a model is named

    return cached_index(models_text(), "licenses/models.yaml", bundled())
