"""The model index: which licence each model ships with, and what licences ask about the model.

A data file, `licenses/models.yaml`, maps Hugging Face repo ids and common short names to the
licences a model ships with and the facts licences turn on (modality, parameter count, release
date). A model derived from another (`base_model`, e.g. an R1 distill of Llama) carries its base
model's licences too; each resolved licence says which model in the chain it comes from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checker.diagnostics import Diagnostic, Kind
from checker.diagnostics.suggest import hint
from checker.errors import LicenseFileError, UnknownLicenseError
from checker.evaluation.profile_file import validation_diagnostics
from checker.inputs.yamlfile import Document, load_yaml
from checker.lookup.catalogue import Catalogue
from checker.terms.vocabulary import Modality


class ModelEntry(BaseModel):
    """One model of the index."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    id: str = Field(description="The Hugging Face repo id (owner/name).")
    names: tuple[str, ...] = Field(default=(), description="Other names users give it.")
    licenses: tuple[str, ...] = Field(min_length=1, description="The licences it ships with (catalogue ids).")
    base_model: str | None = Field(default=None, description="The model it is derived from, if in the index.")
    modality: Modality | None = None
    parameters: str | None = Field(default=None, description="Parameter count as published (e.g. 11B).")
    released: dt.date | None = None
    source: str = Field(description="Where the model-to-licence mapping was read.")
    note: str | None = None


class _IndexFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    models: tuple[ModelEntry, ...]


@dataclass(frozen=True)
class ModelLicense:
    """A licence that applies to a model, and the model in its base chain it comes from."""

    license_id: str
    model: ModelEntry
    via: ModelEntry


class ModelIndex:
    """Models by every name they answer to (case-insensitive)."""

    def __init__(self, entries: Iterable[ModelEntry], catalogue: Catalogue, document: Document | None = None) -> None:
        self._entries: dict[str, ModelEntry] = {}
        self._names: dict[str, str] = {}
        problems: list[Diagnostic] = []
        licence_names = {n.lower() for n in catalogue.names()}
        for index, entry in enumerate(entries):
            span = document.span(("models", index)) if document else None
            for name in (entry.id, *entry.names):
                owner = self._names.setdefault(name.lower(), entry.id)
                if owner != entry.id:
                    problems.append(
                        Kind.INVALID_VALUE(
                            span,
                            path=f"models[{index}]",
                            message=f"name '{name}' is used twice",
                            help=f"also a name of {owner}",
                        )
                    )
            for license_id in entry.licenses:
                if license_id.lower() not in licence_names:
                    problems.append(
                        Kind.INVALID_VALUE(
                            span,
                            path=f"models[{index}].licenses",
                            message=f"unknown licence '{license_id}'",
                            help=hint(license_id, catalogue.names()) or "",
                        )
                    )
            self._entries[entry.id] = entry
        for index, entry in enumerate(self._entries.values()):
            if entry.base_model and entry.base_model.lower() not in self._names:
                span = document.span(("models", index, "base_model")) if document else None
                problems.append(
                    Kind.INVALID_VALUE(
                        span,
                        path=f"models[{index}].base_model",
                        message=f"'{entry.base_model}' is not in the index",
                        help="",
                    )
                )
        if problems:
            raise LicenseFileError(problems, {document.file: document.text} if document else None)

    @property
    def entries(self) -> list[ModelEntry]:
        return list(self._entries.values())

    def names(self) -> list[str]:
        return sorted({*self._entries, *(n for e in self._entries.values() for n in e.names)})

    def find(self, name: str) -> ModelEntry | None:
        key = self._names.get(name.strip().lower())
        return self._entries[key] if key else None

    def get(self, name: str) -> ModelEntry:
        entry = self.find(name)
        if entry is None:
            raise UnknownLicenseError([self.unknown(name)])
        return entry

    def unknown(self, name: str) -> Diagnostic:
        suggestion = hint(name, self.names()) or "`modelterms models` lists the index"
        return Kind.UNKNOWN_MODEL(name=name, suggestion=suggestion)

    def chain(self, name: str) -> list[ModelEntry]:
        """The model, then its base model, and so on (each once)."""
        found: list[ModelEntry] = []
        current: ModelEntry | None = self.get(name)
        while current is not None and current not in found:
            found.append(current)
            current = self.find(current.base_model) if current.base_model else None
        return found

    def licenses_of(self, name: str) -> list[ModelLicense]:
        """The model's licences, then its base model's, and so on up the chain (each once)."""
        model = self.get(name)
        found: dict[str, ModelLicense] = {}
        current: ModelEntry | None = model
        seen: set[str] = set()
        while current is not None and current.id not in seen:
            seen.add(current.id)
            for license_id in current.licenses:
                found.setdefault(license_id, ModelLicense(license_id, model, current))
            current = self.find(current.base_model) if current.base_model else None
        return list(found.values())


def parse_index(text: str, file: str, catalogue: Catalogue) -> ModelIndex:
    document = load_yaml(text, file)
    data: Any = document.data or {"models": []}
    try:
        parsed = _IndexFile.model_validate(data)
    except ValidationError as error:
        fields = list(ModelEntry.model_fields)
        raise LicenseFileError(validation_diagnostics(error, document, fields), {file: text}) from None
    return ModelIndex(parsed.models, catalogue, document)
