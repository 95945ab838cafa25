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
from checker.lookup.hub import Hub, HubCard
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
    *,
    hub: Hub | None = None,
) -> list[LicenseVerdict]:
    """Verdicts for the named licences, then for each model's licences (base chain and companions).

    A model's facts (its modality) fill in what the profile leaves unknown, and the verdict says
    so. `index` is called only when a model is named or a name is unknown, so a licence-only check
    never loads the model index. A model the index lacks is looked up on the Hub when `hub` is given.
    Raises `UnknownLicenseError` naming every unknown licence or model.
    """
    catalogue.check_ids(profile)
    resolver = Resolver(catalogue, index, hub)
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
                results.append(
                    verdict.model_copy(update={"requested_as": item.requested_as, "provenance": item.provenance.value})
                )
    for name in models:
        found_model = resolver.model(name)
        if isinstance(found_model, Diagnostic):
            unknown.append(found_model)
            continue
        model_id = found_model.id
        facts: dict[str, object] = {"model": model_id}
        assumptions: tuple[str, ...] = ()
        stated = next((m for m in found_model.chain if m.modality is not None), None)
        if profile.modality is None and stated is not None and stated.modality is not None:
            facts["modality"] = stated.modality
            whose = "" if stated.id == model_id else f" of its base model {stated.id}"
            assumptions = (
                f"{model_id}: modality '{stated.modality.value}'{whose} from the model index ({stated.source}).",
            )
        assumptions += tuple(_card_note(card) for card in found_model.cards)
        model_profile = profile.model_copy(update=facts)
        for item in found_model.licenses:
            verdict = evaluate(item.license, model_profile)
            results.append(
                verdict.model_copy(
                    update={
                        "requested_as": item.requested_as,
                        "model": model_id,
                        "model_via": item.via,
                        "provenance": item.provenance.value,
                        "assumptions": assumptions + verdict.assumptions,
                    }
                )
            )
    if unknown:
        raise UnknownLicenseError(unknown)
    return results


def _card_note(card: HubCard) -> str:
    """Where a Hub answer came from, for the verdict's assumptions."""
    licences = ("licence " + ", ".join(card.licenses)) if card.licenses else "no licence of its own"
    bases = f"; base model {', '.join(card.base_models)}" if card.base_models else ""
    relation = f" ({card.relation})" if card.relation and card.base_models else ""
    when = f"cached from {card.fetched}" if card.cached else f"read {card.fetched}"
    return (
        f"{card.repo_id}: {licences}{bases}{relation}, from its model card on the Hugging Face Hub "
        f"(revision {card.revision}, {when}); a card is the uploader's word, not the licensor's."
    )
