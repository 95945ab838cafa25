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
from checker.terms import model

if TYPE_CHECKING:
    from checker.lookup.models import ModelEntry, ModelIndex


class Provenance(StrEnum):
    """Where a licence of an answer came from."""

    NAMED = "named"  # the user named it (or its family, or a licence it applies with)
    INDEX = "index"  # the model index lists it for the model asked about
    BASE_MODEL = "base-model"  # the model index lists it for a base model of the model asked about


@dataclass(frozen=True)
class Found:
    """One licence a name stands for."""

    license: model.License
    requested_as: str  # what the user asked, as output shows it ("llama", "org/model via base model …")
    provenance: Provenance
    model: str | None = None  # the model asked about, if a model was named
    via: str | None = None  # the model of its base chain whose licence this is (the model itself, or a base)


@dataclass(frozen=True)
class FoundModel:
    """A model of the index, its base chain (itself first) and every licence it ships with."""

    entry: ModelEntry
    chain: tuple[ModelEntry, ...]
    licenses: tuple[Found, ...] = field(default=())


class Resolver:
    """Resolves names against a catalogue and (on first need) a model index."""

    def __init__(self, catalogue: Catalogue, index: Callable[[], ModelIndex]) -> None:
        self.catalogue = catalogue
        self._index = index

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

    def licenses(self, names: Sequence[str]) -> list[model.License]:
        """The licences the names stand for, each once, in order. Raises `UnknownLicenseError`
        naming every unknown name, each with its suggestions."""
        found: dict[str, model.License] = {}
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
        try:
            return [c.license.id for c in self.catalogue.resolve([name])]
        except UnknownLicenseError:
            return None

    def model(self, name: str) -> FoundModel | Diagnostic:
        """A model of the index with the licences of its whole base chain, each once."""
        index = self.index
        entry = index.find(name)
        if entry is None:
            return self.unknown(name, as_model=True)
        found: dict[str, Found] = {}
        for item in index.licenses_of(entry.id):
            provenance = Provenance.INDEX if item.via.id == entry.id else Provenance.BASE_MODEL
            via = f" via base model {item.via.id}" if provenance is Provenance.BASE_MODEL else ""
            for chosen in self.catalogue.resolve([item.license_id]):
                if chosen.license.id not in found:
                    found[chosen.license.id] = Found(
                        chosen.license, entry.id + via, provenance, model=entry.id, via=item.via.id
                    )
        return FoundModel(entry, tuple(index.chain(entry.id)), tuple(found.values()))

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
