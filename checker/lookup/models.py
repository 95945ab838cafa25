"""The model index: which licence each model ships with, and what licences ask about the model.

A data file, `licenses/models.yaml`, maps Hugging Face repo ids and common short names to the
licences a model ships with and the facts licences turn on (modality, parameter count, release
date). A model derived from another (`base_model`, e.g. an R1 distill of Llama) carries its base
model's licences too; each resolved licence says which model in the chain it comes from.

Three more lists widen what the file answers without listing every repo:

- `patterns`: an organisation whose repos are named uniformly (every `meta-llama/Llama-3.1-*` ships
  under the Llama 3.1 licence) is one entry with an fnmatch-style glob (`*`, `?`, `[…]`) over the repo
  id, and the repos under the glob that ship under another licence written out in `except`.
- `renamed`: an organisation or a repo that moved on the Hub (CohereForAI is now CohereLabs); the
  old name answers for the new one.
- short names: the name part of every repo id (`deepseek-r1-distill-llama-8b` for
  `deepseek-ai/DeepSeek-R1-Distill-Llama-8B`) answers too, when no other entry has the same one.

A name is looked up in that order: an id or name of an entry (case-insensitive), the same after a
rename, then the patterns — of those whose glob matches (and whose `except` does not), the most
specific: the one with the most literal characters, the earlier in the file on a tie.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
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


class ModelPattern(BaseModel):
    """Every repo of one organisation whose id matches a glob, except those written out."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    match: str = Field(description="An fnmatch-style glob over repo ids (`*`, `?`, `[…]`); the owner is literal.")
    licenses: tuple[str, ...] = Field(min_length=1, description="The licences every matching repo ships with.")
    exceptions: tuple[str, ...] = Field(
        default=(), alias="except", description="Repo ids or globs the pattern does not cover (another licence)."
    )
    modality: Modality | None = Field(default=None, description="Given only when every matching repo has it.")
    source: str = Field(description="Where the licensor says the whole family ships under these licences.")
    note: str | None = None

    def covers(self, repo_id: str) -> bool:
        """Whether the glob matches the repo id (case-insensitive) and no exception does."""
        name = repo_id.lower()
        return fnmatchcase(name, self.match.lower()) and not any(fnmatchcase(name, e.lower()) for e in self.exceptions)

    @property
    def specificity(self) -> int:
        """The literal characters of the glob: the more, the narrower it is."""
        return len(_WILDCARDS.sub("", self.match))


class Rename(BaseModel):
    """An organisation or a repo that moved on the Hub: the old name answers for the new one."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    old: str = Field(alias="from", description="The former organisation (or repo id).")
    new: str = Field(alias="to", description="The organisation (or repo id) it is now.")
    source: str = Field(description="Where the move is recorded.")

    def apply(self, repo_id: str) -> str | None:
        """The repo id after the move, or None when the move does not concern it."""
        if "/" in self.old:
            return self.new if repo_id.lower() == self.old.lower() else None
        owner, slash, rest = repo_id.partition("/")
        return f"{self.new}/{rest}" if slash and owner.lower() == self.old.lower() else None


# The glob's wildcards (fnmatch: `*`, `?`, a `[…]` class), to count the literal characters around them.
_WILDCARDS = re.compile(r"\[[^\]]*\]|[*?]")
# Spaces, dashes and underscores are one and the same in a search ("Mistral Large", mistral-large).
_SEPARATORS = re.compile(r"[\s_\-]+")

Record = ModelEntry | ModelPattern | Rename
# How many repo ids a pattern lookup remembers (a scan of a Hub dump names far more; the memo is cleared).
_MATCHED_KEPT = 4096


class _IndexFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    models: tuple[ModelEntry, ...]
    patterns: tuple[ModelPattern, ...] = ()
    renamed: tuple[Rename, ...] = ()


@dataclass(frozen=True)
class ModelLicense:
    """A licence that applies to a model, and the model in its base chain it comes from."""

    license_id: str
    model: ModelEntry
    via: ModelEntry


def squashed(text: str) -> str:
    """Text for a search: lower case, without spaces, dashes and underscores."""
    return _SEPARATORS.sub("", text.lower())


class _Problems:
    """The mistakes found in an index file, each at the YAML path it concerns."""

    def __init__(self, catalogue: Catalogue, document: Document | None) -> None:
        self.catalogue = catalogue
        self.document = document
        self.licence_names = {n.lower() for n in catalogue.names()}
        self.found: list[Diagnostic] = []

    def add(self, where: tuple[str | int, ...], path: str, message: str, help: str = "") -> None:
        span = self.document.span(where) if self.document else None
        self.found.append(Kind.INVALID_VALUE(span, path=path, message=message, help=help))

    def licences(self, licenses: tuple[str, ...], section: str, index: int) -> None:
        for license_id in licenses:
            if license_id.lower() not in self.licence_names:
                help = hint(license_id, self.catalogue.names()) or ""
                self.add(
                    (section, index, "licenses"),
                    f"{section}[{index}].licenses",
                    f"unknown licence '{license_id}'",
                    help,
                )


class ModelIndex:
    """Models by every name they answer to (case-insensitive), and the patterns and renames."""

    def __init__(
        self,
        entries: Iterable[Record],
        catalogue: Catalogue,
        document: Document | None = None,
    ) -> None:
        self._entries: dict[str, ModelEntry] = {}
        self._names: dict[str, str] = {}
        self._short: dict[str, list[str]] = {}
        records = list(entries)
        self._patterns = [r for r in records if isinstance(r, ModelPattern)]
        # Patterns by owner (lower case), in file order: a repo of an organisation with no pattern is
        # answered by one dict lookup, which `scan` does for every base model of every row.
        self._by_owner: dict[str, list[ModelPattern]] = {}
        self._matched: dict[str, ModelEntry | None] = {}  # repo ids answered by pattern (or by none)
        for pattern in self._patterns:
            self._by_owner.setdefault(pattern.match.partition("/")[0].lower(), []).append(pattern)
        self._renamed = [r for r in records if isinstance(r, Rename)]
        problems = _Problems(catalogue, document)
        for index, entry in enumerate(r for r in records if isinstance(r, ModelEntry)):
            for name in (entry.id, *entry.names):
                owner = self._names.setdefault(name.lower(), entry.id)
                if owner != entry.id:
                    message = f"name '{name}' is used twice"
                    problems.add(("models", index), f"models[{index}]", message, f"also a name of {owner}")
            problems.licences(entry.licenses, "models", index)
            self._entries[entry.id] = entry
        for index, entry in enumerate(self._entries.values()):
            if entry.base_model and entry.base_model.lower() not in self._names:
                where = ("models", index, "base_model")
                problems.add(where, f"models[{index}].base_model", f"'{entry.base_model}' is not in the index")
        self._derive_short_names(problems.licence_names)
        self._check_patterns(problems)
        self._check_renames(problems)
        if problems.found:
            raise LicenseFileError(problems.found, {document.file: document.text} if document else None)

    def _check_patterns(self, problems: _Problems) -> None:
        seen: dict[str, int] = {}
        for index, pattern in enumerate(self._patterns):
            where = ("patterns", index, "match")
            problem = _pattern_problem(pattern.match)
            if problem:
                problems.add(where, f"patterns[{index}].match", *problem)
            first = seen.setdefault(pattern.match.lower(), index)
            if first != index:
                message = f"the pattern '{pattern.match}' is given twice"
                problems.add(where, f"patterns[{index}].match", message, f"also patterns[{first}]")
            owner = pattern.match.partition("/")[0].lower()
            for number, exception in enumerate(pattern.exceptions):
                outside = exception.partition("/")[0].lower() != owner or (
                    not _WILDCARDS.search(exception) and not fnmatchcase(exception.lower(), pattern.match.lower())
                )
                if outside:
                    problems.add(
                        ("patterns", index, "except", number),
                        f"patterns[{index}].except[{number}]",
                        f"'{exception}' is not under the pattern '{pattern.match}'",
                        "an exception names repos the pattern would match otherwise",
                    )
            problems.licences(pattern.licenses, "patterns", index)

    def _check_renames(self, problems: _Problems) -> None:
        moved: dict[str, int] = {}
        for index, rename in enumerate(self._renamed):
            path = f"renamed[{index}]"
            if ("/" in rename.old) != ("/" in rename.new):
                problems.add(
                    ("renamed", index),
                    path,
                    f"'{rename.old}' and '{rename.new}' are not both organisations or both repo ids",
                    "rename an organisation to an organisation (CohereForAI → CohereLabs), a repo to a repo",
                )
            if rename.old.lower() in self._names:
                problems.add(
                    ("renamed", index, "from"),
                    f"{path}.from",
                    f"'{rename.old}' is a name in the index: the rename would never apply",
                    f"a name of {self._names[rename.old.lower()]}",
                )
            first = moved.setdefault(rename.old.lower(), index)
            if first != index:
                message = f"'{rename.old}' is renamed twice"
                problems.add(("renamed", index, "from"), f"{path}.from", message, f"also renamed[{first}]")
            if "/" in rename.new and rename.new.lower() not in self._names:
                problems.add(("renamed", index, "to"), f"{path}.to", f"'{rename.new}' is not in the index")

    def _derive_short_names(self, licence_names: set[str]) -> None:
        """The name part of each repo id (lower-cased) as a short name, where it names one entry only
        and is neither a name given in the file nor a licence name."""
        owners: dict[str, list[str]] = {}
        for entry_id in self._entries:
            _, slash, part = entry_id.partition("/")
            if slash and part:
                owners.setdefault(part.lower(), []).append(entry_id)
        for part, found in owners.items():
            if len(found) == 1 and part not in self._names and part not in licence_names:
                self._names[part] = found[0]
                self._short.setdefault(found[0], []).append(part)

    @property
    def entries(self) -> list[ModelEntry]:
        return list(self._entries.values())

    @property
    def patterns(self) -> list[ModelPattern]:
        return list(self._patterns)

    @property
    def renamed(self) -> list[Rename]:
        return list(self._renamed)

    @property
    def records(self) -> list[Record]:
        """Everything the file holds (models, patterns, renames): what `ModelIndex(records, …)` rebuilds from."""
        return [*self._entries.values(), *self._patterns, *self._renamed]

    def names(self) -> list[str]:
        return sorted({*self._entries, *(n for e in self._entries.values() for n in self.names_of(e))})

    def names_of(self, entry: ModelEntry) -> list[str]:
        """The names the entry answers to besides its id: those given, then its derived short name."""
        return [*entry.names, *self._short.get(entry.id, [])]

    def find(self, name: str) -> ModelEntry | None:
        """The entry a name stands for: an id or a name, the same after a rename, else by pattern
        (an entry made from the pattern, with the repo id as given)."""
        wanted = name.strip()
        key = self._names.get(wanted.lower())
        if key:
            return self._entries[key]
        moved = self.moved(wanted)
        if moved is not None:
            key = self._names.get(moved.lower())
            if key:
                return self._entries[key]
            wanted = moved
        if wanted in self._matched:
            return self._matched[wanted]
        pattern = self.pattern_for(wanted)
        found = None
        if pattern is not None:
            note = f"by the index's pattern '{pattern.match}'" + (f"; {pattern.note}" if pattern.note else "")
            # The pattern's fields were validated when it was read: no need to validate them again.
            found = ModelEntry.model_construct(
                id=wanted, licenses=pattern.licenses, modality=pattern.modality, source=pattern.source, note=note
            )
        if len(self._matched) >= _MATCHED_KEPT:
            self._matched.clear()
        self._matched[wanted] = found
        return found

    def moved(self, name: str) -> str | None:
        """The repo id a renamed organisation or repo has now, or None."""
        for rename in self._renamed:
            found = rename.apply(name.strip())
            if found is not None:
                return found
        return None

    def matched_pattern(self, name: str) -> str | None:
        """The glob of the pattern that answers for a name, or None when an entry does (or nothing)."""
        wanted = name.strip()
        if wanted.lower() in self._names:
            return None
        moved = self.moved(wanted)
        if moved is not None:
            if moved.lower() in self._names:
                return None
            wanted = moved
        pattern = self.pattern_for(wanted)
        return pattern.match if pattern else None

    def pattern_for(self, repo_id: str) -> ModelPattern | None:
        """The most specific pattern that covers the repo id (the earlier in the file on a tie)."""
        owner, slash, _ = repo_id.partition("/")
        if not slash:
            return None
        best: ModelPattern | None = None
        for pattern in self._by_owner.get(owner.lower(), ()):
            if pattern.covers(repo_id) and (best is None or pattern.specificity > best.specificity):
                best = pattern
        return best

    def search(self, text: str) -> tuple[list[ModelEntry], list[ModelPattern]]:
        """The entries whose id or a name contains the text, and the patterns whose glob does or
        that cover it as a repo id; spaces, dashes, underscores and case do not count."""
        needle = squashed(text)
        entries = [e for e in self._entries.values() if any(needle in squashed(n) for n in (e.id, *self.names_of(e)))]
        patterns = [p for p in self._patterns if needle in squashed(p.match) or p.covers(text.strip())]
        return entries, patterns

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


def _pattern_problem(match: str) -> tuple[str, str] | None:
    """What is wrong with a pattern's glob (message, help), or None."""
    owner, slash, rest = match.partition("/")
    if not slash or not owner or not rest:
        return f"'{match}' is not a repo id glob", "write owner/name with `*`, `?` or `[…]` in the name"
    if _WILDCARDS.search(owner) or "[" in owner or "]" in owner:
        return (
            f"the owner in '{match}' is not literal",
            "a pattern covers one organisation's repos: write its name before the `/`",
        )
    if not _WILDCARDS.search(rest):
        return f"'{match}' has no wildcard", "a single repo is an entry of `models`"
    if rest.count("[") != rest.count("]"):
        return f"'{match}' has an unclosed `[`", "a class is written `[…]`, e.g. `[0-9]`"
    return None


def parse_index(text: str, file: str, catalogue: Catalogue) -> ModelIndex:
    document = load_yaml(text, file)
    data: Any = document.data or {"models": []}
    try:
        parsed = _IndexFile.model_validate(data)
    except ValidationError as error:
        known = [*_IndexFile.model_fields, *ModelEntry.model_fields, "match", "except", "from", "to"]
        fields = list(dict.fromkeys(known))
        raise LicenseFileError(validation_diagnostics(error, document, fields), {file: text}) from None
    return ModelIndex([*parsed.models, *parsed.patterns, *parsed.renamed], catalogue, document)
