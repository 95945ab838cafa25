"""One check: licences named directly and models from the index, evaluated against a profile.

Shared by the library (`checker.check`), the CLI and policies; names resolve through
`checker.lookup.resolver`, as everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from checker.diagnostics import Diagnostic
from checker.errors import UnknownLicenseError
from checker.evaluation.evaluate import evaluate
from checker.evaluation.profile import ServiceProfile
from checker.lookup.catalogue import Catalogue
from checker.lookup.resolver import Resolver
from checker.terms.verdict import LicenseVerdict

if TYPE_CHECKING:
    from checker.lookup.models import ModelIndex  # loaded only when a model is named (see `run_check`)


def run_check(
    licenses: Sequence[str],
    models: Sequence[str],
    profile: ServiceProfile,
    catalogue: Catalogue,
    index: Callable[[], ModelIndex],
) -> list[LicenseVerdict]:
    """Verdicts for the named licences, then for each model's licences (base chain and companions).

    A model's facts (its modality) fill in what the profile leaves unknown, and the verdict says
    so. `index` is called only when a model is named or a name is unknown, so a licence-only check
    never loads the model index. Raises `UnknownLicenseError` naming every unknown licence or model.
    """
    resolver = Resolver(catalogue, index)
    unknown: list[Diagnostic] = []
    results: list[LicenseVerdict] = []
    seen_licenses: set[str] = set()
    for name in licenses:
        found = resolver.license(name)
        if isinstance(found, Diagnostic):
            unknown.append(found)
            continue
        for item in found:
            if item.license.id not in seen_licenses:
                seen_licenses.add(item.license.id)
                verdict = evaluate(item.license, profile)
                results.append(verdict.model_copy(update={"requested_as": item.requested_as}))
    for name in models:
        found_model = resolver.model(name)
        if isinstance(found_model, Diagnostic):
            unknown.append(found_model)
            continue
        entry = found_model.entry
        facts: dict[str, object] = {"model": entry.id}
        assumptions: tuple[str, ...] = ()
        stated = next((m for m in found_model.chain if m.modality is not None), None)
        if profile.modality is None and stated is not None and stated.modality is not None:
            facts["modality"] = stated.modality
            whose = "" if stated.id == entry.id else f" of its base model {stated.id}"
            assumptions = (
                f"{entry.id}: modality '{stated.modality.value}'{whose} from the model index ({stated.source}).",
            )
        model_profile = profile.model_copy(update=facts)
        for item in found_model.licenses:
            verdict = evaluate(item.license, model_profile)
            results.append(
                verdict.model_copy(
                    update={
                        "requested_as": item.requested_as,
                        "model": entry.id,
                        "model_via": item.via,
                        "assumptions": assumptions + verdict.assumptions,
                    }
                )
            )
    if unknown:
        raise UnknownLicenseError(unknown)
    return results
