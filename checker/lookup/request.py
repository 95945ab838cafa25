"""One check: licences named directly and models from the index, evaluated against a profile.

Shared by the library (`checker.check`) and the CLI, so both resolve names the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from checker.diagnostics import Diagnostic, Kind
from checker.diagnostics.suggest import did_you_mean
from checker.errors import UnknownLicenseError
from checker.evaluation.evaluate import evaluate
from checker.evaluation.profile import ServiceProfile
from checker.lookup.catalogue import Catalogue
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
    unknown: list[Diagnostic] = []
    results: list[LicenseVerdict] = []
    seen_licenses: set[str] = set()
    for name in licenses:
        try:
            chosen_list = catalogue.resolve([name])
        except UnknownLicenseError:
            unknown.append(_unknown_name(name, catalogue, index()))
            continue
        for chosen in chosen_list:
            if chosen.license.id not in seen_licenses:
                seen_licenses.add(chosen.license.id)
                verdict = evaluate(chosen.license, profile)
                results.append(verdict.model_copy(update={"requested_as": chosen.requested_as}))
    for name in models:
        models_index = index()
        entry = models_index.find(name)
        if entry is None:
            unknown.append(_unknown_name(name, catalogue, models_index, as_model=True))
            continue
        facts: dict[str, object] = {"model": entry.id}
        assumptions: tuple[str, ...] = ()
        stated = next((m for m in models_index.chain(entry.id) if m.modality is not None), None)
        if profile.modality is None and stated is not None and stated.modality is not None:
            facts["modality"] = stated.modality
            whose = "" if stated.id == entry.id else f" of its base model {stated.id}"
            assumptions = (
                f"{entry.id}: modality '{stated.modality.value}'{whose} from the model index ({stated.source}).",
            )
        model_profile = profile.model_copy(update=facts)
        seen: set[str] = set()
        for item in models_index.licenses_of(entry.id):
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


def _unknown_name(name: str, catalogue: Catalogue, index: ModelIndex, *, as_model: bool = False) -> Diagnostic:
    """An unknown licence or model, with suggestions from licence names and model names alike."""
    if not as_model and index.find(name) is not None:
        return Kind.UNKNOWN_LICENSE(name=name, suggestion=f"'{name}' is a model: use --model {name}")
    if as_model and name.lower() in {n.lower() for n in catalogue.names()}:
        return Kind.UNKNOWN_MODEL(name=name, suggestion=f"'{name}' is a licence: use --license {name}")
    licence_names = set(catalogue.names())
    close = did_you_mean(name, [*licence_names, *index.names()])
    kind_of = {True: "", False: " (a licence)" if as_model else " (a model)"}
    words = [f"'{c}'" + kind_of[(c in licence_names) != as_model] for c in close]
    close_text = (
        ("did you mean " + " or ".join(words) + "?")
        if words
        else ("`modelterms list` and `modelterms models` list the names")
    )
    return (Kind.UNKNOWN_MODEL if as_model else Kind.UNKNOWN_LICENSE)(name=name, suggestion=close_text)
