"""modelterms: may our service use this model, and on what conditions?

The library API. A minimal session::

    import checker

    profile = checker.ServiceProfile(mau=checker.MonthlyActiveUsers(current=800_000_000))
    for verdict in checker.check("llama", profile):
        print(verdict.license, verdict.outcome)

modelterms informs decisions; it is not legal advice.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker._version import __version__
from checker.errors import CheckerError, DiagnosticError, LicenseFileError, ProfileError, UnknownLicenseError
from checker.evaluation.evaluate import evaluate
from checker.evaluation.profile import MonthlyActiveUsers, ServiceProfile
from checker.language.load import parse_license
from checker.lookup.bundled import bundled as _bundled
from checker.lookup.catalogue import Catalogue, load_license_file, load_license_folder
from checker.lookup.request import run_check
from checker.terms.model import License
from checker.terms.verdict import DISCLAIMER, LicenseVerdict, MissingFact, ObligationItem, Reason
from checker.terms.vocabulary import Fact, Modality, ObligationKind, Outcome, UseCase

if TYPE_CHECKING:
    from checker.analysis.compare import standings, terms_matrix
    from checker.analysis.diff import diff
    from checker.analysis.flips import explain, flip_points
    from checker.evaluation.compiled import CompiledLicense, compile_license
    from checker.evaluation.profile_file import load_profile
    from checker.lookup.models import ModelEntry, ModelIndex

# Loaded on first use (PEP 562): `import checker` — and so every CLI start — does without the model
# index, YAML and the analyses (~65 ms) until a command needs them.
_LAZY = {
    "standings": "checker.analysis.compare",
    "terms_matrix": "checker.analysis.compare",
    "explain": "checker.analysis.flips",
    "flip_points": "checker.analysis.flips",
    "CompiledLicense": "checker.evaluation.compiled",
    "compile_license": "checker.evaluation.compiled",
    "diff": "checker.analysis.diff",
    "ModelEntry": "checker.lookup.models",
    "ModelIndex": "checker.lookup.models",
    "load_profile": "checker.evaluation.profile_file",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'checker' has no attribute '{name}'")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "DISCLAIMER",
    "Catalogue",
    "CheckerError",
    "CompiledLicense",
    "DiagnosticError",
    "Fact",
    "License",
    "LicenseFileError",
    "LicenseVerdict",
    "MissingFact",
    "Modality",
    "ModelEntry",
    "ModelIndex",
    "MonthlyActiveUsers",
    "ObligationItem",
    "ObligationKind",
    "Outcome",
    "ProfileError",
    "Reason",
    "ServiceProfile",
    "UnknownLicenseError",
    "UseCase",
    "__version__",
    "catalogue",
    "check",
    "compile_license",
    "diff",
    "evaluate",
    "explain",
    "flip_points",
    "load_license_file",
    "load_license_folder",
    "load_profile",
    "parse_license",
    "standings",
    "terms_matrix",
]


def catalogue(*folders: str | Path, bundled: bool = True) -> Catalogue:
    """The bundled catalogue, plus the `.terms` files of any folders given."""
    if bundled and not folders:
        return _bundled()
    licenses = list(_bundled().licenses) if bundled else []
    for folder in folders:
        licenses += load_license_folder(folder)
    return Catalogue(licenses)


def check(
    licenses: str | Sequence[str] = (),
    profile: ServiceProfile | Mapping[str, Any] | None = None,
    *,
    models: str | Sequence[str] = (),
    within: Catalogue | None = None,
) -> list[LicenseVerdict]:
    """Check a profile against licences (id, alias, Hugging Face tag, SPDX id or family) and models.

    `models` are Hugging Face repo ids or short names from the model index: each is checked against
    every licence it ships with, its base models' included; a repo the index lacks is looked up on
    the Hub (its card), unless `HF_HUB_OFFLINE=1`, and the answer cached. `profile` may be a `ServiceProfile` or a
    mapping of its fields (validated; raises `ProfileError`). Raises `UnknownLicenseError` for a
    name the catalogue or the index does not know.
    """
    from checker.evaluation.profile_file import profile_from_data  # noqa: PLC0415
    from checker.lookup.bundled import bundled_index  # noqa: PLC0415 - see _LAZY

    names = [licenses] if isinstance(licenses, str) else list(licenses)
    model_names = [models] if isinstance(models, str) else list(models)
    if profile is None:
        service = ServiceProfile()
    elif isinstance(profile, ServiceProfile):
        service = profile
    else:
        service = profile_from_data(dict(profile))
    from checker.lookup.cache import cache_dir  # noqa: PLC0415
    from checker.lookup.hub import Hub  # noqa: PLC0415

    hub = Hub(cache_folder=cache_dir())
    return run_check(names, model_names, service, within or _bundled(), bundled_index, hub=hub)
