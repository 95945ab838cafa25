"""Names → licences, in one place.

A user names a licence (id, alias, Hugging Face tag, SPDX id, `license_name`, or a family such as
`llama`), a model (a Hub repo id or a short name from the index), or gives the fields of a model
card. Every command (`check`, `policy`, `scan`, `explain`, `compare`) asks this module what a name
stands for, and gets back the licences with where each came from (`Provenance`), or one diagnostic
with suggestions drawn from licence and model names alike.

The model index is loaded only when a model is named or a name is unknown, so a licence-only check
never reads it (see `checker.lookup.bundled`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from checker.diagnostics import Diagnostic, Kind
from checker.diagnostics.suggest import did_you_mean
from checker.errors import UnknownLicenseError
from checker.lookup.catalogue import Catalogue
from checker.lookup.hub import Hub, HubCard, HubError, looks_like_repo_id
from checker.terms.model import License

if TYPE_CHECKING:
    from checker.lookup.models import ModelEntry, ModelIndex


class Provenance(StrEnum):
    """Where a licence of an answer came from."""

    NAMED = "named"  # the user named it (or its family, or a licence it applies with)
    INDEX = "index"  # the model index lists it for the model asked about
    CARD = "card"  # the model's own card on the Hugging Face Hub names it
    BASE_MODEL = "base-model"  # the index or the Hub names it for a base model of the model asked about


@dataclass(frozen=True)
class Found:
    """One licence a name stands for."""

    license: License
    requested_as: str  # what the user asked, as output shows it ("llama", "org/model via base model …")
    provenance: Provenance
    model: str | None = None  # the model asked about, if a model was named
    via: str | None = None  # the model of its base chain whose licence this is (the model itself, or a base)


@dataclass(frozen=True)
class FoundModel:
    """A model, the index entries of its base chain (itself first, where the index lists it), every
    licence it ships with, and the Hub cards read on the way (a model the index lacks)."""

    id: str
    chain: tuple[ModelEntry, ...]
    licenses: tuple[Found, ...] = field(default=())
    cards: tuple[HubCard, ...] = field(default=())


# A base-model chain deeper than this is not a real lineage (the deepest seen are a handful).
MAX_CHAIN = 12


class Resolver:
    """Resolves names against a catalogue and (on first need) a model index."""

    def __init__(self, catalogue: Catalogue, index: Callable[[], ModelIndex], hub: Hub | None = None) -> None:
        self.catalogue = catalogue
        self._index = index
        self.hub = hub  # None: the index alone (no Hub lookups)

    @property
    def index(self) -> ModelIndex:
        return self._index()

    def license(self, name: str) -> list[Found] | Diagnostic:
        """The licences a licence name stands for (a family: every member), companions after."""
        try:
            chosen = self.catalogue.resolve([name])
        except UnknownLicenseError:
            return self.unknown(name)
        return [Found(c.license, c.requested_as, Provenance.NAMED) for c in chosen]

    def licenses(self, names: Sequence[str]) -> list[License]:
        """The licences the names stand for, each once, in order. Raises `UnknownLicenseError`
        naming every unknown name, each with its suggestions."""
        found: dict[str, License] = {}
        unknown: list[Diagnostic] = []
        for name in names:
            result = self.license(name)
            if isinstance(result, Diagnostic):
                unknown.append(result)
            else:
                found.update((f.license.id, f.license) for f in result if f.license.id not in found)
        if unknown:
            raise UnknownLicenseError(unknown)
        return list(found.values())

    def license_ids(self, name: str) -> list[str] | None:
        """The ids of the licences a name stands for, or None if it stands for none (for `scan`,
        which counts unknown names rather than reporting them)."""
        if not self.catalogue.knows(name):
            # No "did you mean" for a name scan only counts: it cost ~1 ms a name (issue 14).
            return None
        try:
            return [c.license.id for c in self.catalogue.resolve([name])]
        except UnknownLicenseError:
            return None

    def model(self, name: str) -> FoundModel | Diagnostic:
        """A model with the licences of its whole base chain, each once: from the index where it
        lists the model, else from the model's card on the Hub (when a Hub is given)."""
        index = self.index
        entry = index.find(name)
        if entry is None:
            if self.hub is None or not looks_like_repo_id(name):
                return self.unknown(name, as_model=True)
            try:
                return self._from_hub(name.strip())
            except HubError as error:
                problem = error.diagnostics[0]
                close = did_you_mean(name, index.names())
                if problem.code == Kind.HUB_NOT_FOUND.code and close and f"'{name.strip()}'" in problem.message:
                    # Not on the Hub either: most likely a typo of a model the index lists.
                    words = " or ".join(f"'{c}'" for c in close)
                    return problem.model_copy(update={"help": f"did you mean {words}?"})
                return problem
        found: dict[str, Found] = {}
        pattern = index.matched_pattern(entry.id)
        for item in index.licenses_of(entry.id):
            provenance = Provenance.INDEX if item.via.id == entry.id else Provenance.BASE_MODEL
            for chosen in self.catalogue.resolve([item.license_id]):
                self._add(found, chosen.license, entry.id, item.via.id, provenance, pattern=pattern)
        return FoundModel(entry.id, tuple(index.chain(entry.id)), tuple(found.values()))

    def _add(
        self,
        found: dict[str, Found],
        license: License,
        asked: str,
        via: str,
        how: Provenance,
        *,
        pattern: str | None = None,
    ) -> None:
        if license.id not in found:
            shown = asked if via.lower() == asked.lower() else f"{asked} via base model {via}"
            if pattern and via.lower() == asked.lower():
                shown += f" (by the index's pattern {pattern})"  # a repo the index covers without listing it
            found[license.id] = Found(license, shown, how, model=asked, via=via)

    def _from_hub(self, name: str) -> FoundModel:
        """Walk the base models from the model's card: every base's licence applies (a merge has
        several); a base the index lists brings the index's licences and stops the walk there."""
        assert self.hub is not None
        hub, index = self.hub, self.index
        found: dict[str, Found] = {}
        chain: list[ModelEntry] = []
        cards: list[HubCard] = []
        done: set[str] = set()

        def visit(repo: str, path: tuple[str, ...]) -> None:
            lowered = [p.lower() for p in path]
            if repo.lower() in lowered:
                cycle = " → ".join((*path[lowered.index(repo.lower()) :], repo))
                raise HubError([Kind.BASE_CHAIN(name=name, problem=f"form a cycle: {cycle}")])
            if len(path) >= MAX_CHAIN:
                raise HubError([Kind.BASE_CHAIN(name=name, problem=f"go more than {MAX_CHAIN} levels deep")])
            if repo.lower() in done:
                return
            done.add(repo.lower())
            entry = index.find(repo)
            if entry is not None:
                chain.extend(e for e in index.chain(entry.id) if e not in chain)
                for item in index.licenses_of(entry.id):
                    for chosen in self.catalogue.resolve([item.license_id]):
                        self._add(found, chosen.license, name, item.via.id, Provenance.BASE_MODEL)
                return
            card = hub.card(repo)
            cards.append(card)
            if not card.licenses and not card.base_models:
                raise HubError([Kind.CARD_NO_LICENSE(name=repo)])
            how = Provenance.CARD if not path else Provenance.BASE_MODEL
            for licence in card.licenses:
                for named in self._card_license(card, licence):
                    self._add(found, named, name, repo, how)
            for base in card.base_models:
                visit(base, (*path, repo))

        visit(name, ())
        return FoundModel(name, tuple(chain), tuple(found.values()), tuple(cards))

    def _card_license(self, card: HubCard, name: str) -> list[License]:
        try:
            return [c.license for c in self.catalogue.resolve([name])]
        except UnknownLicenseError:
            pass
        if name.lower() == "other":
            text = "its card says `license: other` without a `license_name`"
        else:
            close = did_you_mean(name, self.catalogue.names())
            text = ("did you mean " + " or ".join(f"'{c}'" for c in close) + "? ") if close else ""
            text += "modelterms cannot check a licence it does not hold"
        if card.license_link:
            text += f"; the card links its terms: {card.license_link}"
        raise HubError([Kind.CARD_UNKNOWN_LICENSE(model=card.repo_id, name=name, suggestion=text + "; use --license")])

    def base_model_license_ids(self, name: str) -> list[str] | None:
        """The licence ids of a base model named by a card (its own chain included), or None if the
        index does not know it."""
        index = self.index
        if index.find(name) is None:
            return None
        ids: dict[str, None] = {}
        for item in index.licenses_of(name):
            ids.update(dict.fromkeys(self.license_ids(item.license_id) or []))
        return list(ids)

    def unknown(self, name: str, *, as_model: bool = False) -> Diagnostic:
        """An unknown licence or model, with suggestions from licence names and model names alike."""
        index = self.index
        if not as_model and index.find(name) is not None:
            return Kind.UNKNOWN_LICENSE(name=name, suggestion=f"'{name}' is a model: use --model {name}")
        licence_names = set(self.catalogue.names())
        if as_model and name.lower() in {n.lower() for n in licence_names}:
            return Kind.UNKNOWN_MODEL(name=name, suggestion=f"'{name}' is a licence: use --license {name}")
        close = did_you_mean(name, [*licence_names, *index.names()])
        kind_of = {True: "", False: " (a licence)" if as_model else " (a model)"}
        words = [f"'{c}'" + kind_of[(c in licence_names) != as_model] for c in close]
        close_text = (
            ("did you mean " + " or ".join(words) + "?")
            if words
            else ("`modelterms list` and `modelterms models` list the names")
        )
        return (Kind.UNKNOWN_MODEL if as_model else Kind.UNKNOWN_LICENSE)(name=name, suggestion=close_text)
