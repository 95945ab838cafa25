"""One check: licences named directly and models from the index, evaluated against a profile.

Shared by the library (`checker.check`) and the CLI, so both resolve names the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from checker.catalogue import Catalogue
from checker.diagnostics import Diagnostic
from checker.errors import UnknownLicenseError
from checker.evaluate import evaluate
from checker.models import ModelIndex
from checker.profile import ServiceProfile
from checker.verdict import LicenseVerdict


def run_check(
    licenses: Sequence[str],
    models: Sequence[str],
    profile: ServiceProfile,
    catalogue: Catalogue,
    index: ModelIndex,
) -> list[LicenseVerdict]:
    """Verdicts for the named licences, then for each model's licences (base chain and companions).

    A model's facts (its modality) fill in what the profile leaves unknown, and the verdict says
    so. Raises `UnknownLicenseError` naming every unknown licence or model at once.
    """
    unknown: list[Diagnostic] = []
    results: list[LicenseVerdict] = []
    try:
        for chosen in catalogue.resolve(licenses):
            verdict = evaluate(chosen.license, profile)
            results.append(verdict.model_copy(update={"requested_as": chosen.requested_as}))
    except UnknownLicenseError as error:
        unknown += error.diagnostics
    for name in models:
        entry = index.find(name)
        if entry is None:
            unknown.append(index.unknown(name))
            continue
        facts: dict[str, object] = {"model": entry.id}
        assumptions: tuple[str, ...] = ()
        if profile.modality is None and entry.modality is not None:
            facts["modality"] = entry.modality
            assumptions = (f"{entry.id}: modality '{entry.modality.value}' from the model index ({entry.source}).",)
        model_profile = profile.model_copy(update=facts)
        seen: set[str] = set()
        for item in index.licenses_of(entry.id):
            for chosen in catalogue.resolve([item.license_id]):
                if chosen.license.id in seen:
                    continue
                seen.add(chosen.license.id)
                verdict = evaluate(chosen.license, model_profile)
                via = f" via base model {item.via.id}" if item.via.id != entry.id else ""
                results.append(
                    verdict.model_copy(
                        update={
                            "requested_as": entry.id + via,
                            "model": entry.id,
                            "model_via": item.via.id,
                            "assumptions": assumptions + verdict.assumptions,
                        }
                    )
                )
    if unknown:
        raise UnknownLicenseError(unknown)
    return results
