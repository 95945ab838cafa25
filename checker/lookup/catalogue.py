"""The licence catalogue: the bundled licences (or your own files), and name resolution.

A name given by a user resolves, case-insensitively, through the canonical id, the aliases, the
Hugging Face `license:` tags and the SPDX id of each licence, or names a family (`llama`), which
stands for every licence of that family, oldest first. A licence that `applies-with` another
brings that one along (gpt-oss: Apache-2.0 plus its usage policy).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from checker.diagnostics import Diagnostic, Kind
from checker.diagnostics.suggest import hint
from checker.errors import LicenseFileError, ProfileError, UnknownLicenseError
from checker.inputs.paths import is_dir
from checker.language.load import parse_license, read_license_text
from checker.resources import license_files
from checker.terms import model

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from checker.evaluation.compiled import CompiledLicense
    from checker.evaluation.profile import ServiceProfile

LICENSE_SUFFIX = ".terms"


def load_license_file(path: str | Path) -> model.License:
    """Load one `.terms` file."""
    path = Path(path)
    return parse_license(read_license_text(path, str(path)), str(path))


def load_license_folder(path: str | Path) -> list[model.License]:
    """Load every `.terms` file in a folder (not recursive), collecting the errors of all files."""
    folder = Path(path)
    if not is_dir(folder):
        raise LicenseFileError([Kind.UNREADABLE(path=str(folder), reason="not a folder")])
    return _load_all((f, str(f)) for f in sorted(folder.glob("*" + LICENSE_SUFFIX)))


def _load_all(files: Iterable[tuple[Traversable | Path, str]]) -> list[model.License]:
    return _collect(functools.partial(_read_and_parse, file, shown) for file, shown in files)


def _read_and_parse(file: Traversable | Path, shown: str) -> model.License:
    return parse_license(read_license_text(file, shown), shown)


def parse_all(texts: Iterable[tuple[str, str]]) -> list[model.License]:
    """Parse licence texts given as (shown name, text), collecting the errors of all of them."""
    return _collect(functools.partial(parse_license, text, shown) for shown, text in texts)


def _collect(loads: Iterable[Callable[[], model.License]]) -> list[model.License]:
    licenses: list[model.License] = []
    diagnostics: list[Diagnostic] = []
    sources: dict[str, str] = {}
    for load in loads:
        try:
            licenses.append(load())
        except LicenseFileError as error:
            diagnostics += error.diagnostics
            sources.update(error.sources)
    if diagnostics:
        raise LicenseFileError(diagnostics, sources)
    return licenses


@dataclass(frozen=True)
class Resolved:
    """A licence chosen for a request, and the word the user gave for it."""

    license: model.License
    requested_as: str


def _sort_key(license: model.License) -> tuple[dt.date, str]:
    return (license.released or license.effective or dt.date.min, license.id)


@dataclass(frozen=True)
class Entry:
    """What the catalogue needs to know of a licence before reading it: the names it answers to,
    its family, its date (for ordering a family) and its companions. A cached catalogue keeps these
    in its index and reads each licence's body only when it is asked for."""

    id: str
    names: tuple[str, ...]
    families: tuple[str, ...]
    sort_key: tuple[dt.date, str]
    applies_with: tuple[str, ...]

    @classmethod
    def of(cls, license: model.License) -> Entry:
        names = (license.id, *license.aliases, *license.hf_tags, *([license.spdx] if license.spdx else []))
        return cls(license.id, names, license.families, _sort_key(license), license.applies_with)


class Catalogue:
    """A set of licences with unique ids and aliases."""

    def __init__(self, licenses: Iterable[model.License]) -> None:
        given = list(licenses)
        self._setup([Entry.of(lic) for lic in given], {lic.id: lic for lic in given}, None)

    @classmethod
    def from_index(cls, entries: Sequence[Entry], load: Callable[[str], model.License]) -> Catalogue:
        """A catalogue whose licences are read on first use by `load(id)` (a valid cached catalogue)."""
        catalogue = cls.__new__(cls)
        catalogue._setup(list(entries), {}, load)
        return catalogue

    def _setup(
        self,
        entries: list[Entry],
        loaded: dict[str, model.License],
        load: Callable[[str], model.License] | None,
    ) -> None:
        self._entries: dict[str, Entry] = {}
        self._loaded = loaded
        self._load = load  # reads a licence not yet loaded (a cached catalogue's)
        self._names: dict[str, str] = {}
        self._families: dict[str, list[str]] = {}
        self._compiled: dict[str, CompiledLicense] = {}
        diagnostics: list[Diagnostic] = []
        for entry in entries:
            for name in entry.names:
                key = name.lower()
                owner = self._names.get(key)
                if owner is not None and owner != entry.id:
                    first = self._license(owner).span
                    diagnostics.append(
                        Kind.DUPLICATE_LICENSE(self._license(entry.id).span, name=name, first=first or owner)
                    )
                else:
                    self._names[key] = entry.id
            self._entries[entry.id] = entry
            for family in entry.families:
                self._families.setdefault(family.lower(), []).append(entry.id)
        # The licences a share-alike duty accepts must be in the catalogue (checked where the files
        # were parsed; a cached catalogue was checked when it was built, and stays lazy).
        for license in loaded.values():
            for clause in license.clauses:
                effect = clause.effect
                for accepted in effect.accepted if isinstance(effect, model.Obligation) else ():
                    if accepted not in self._entries:
                        suggestion = hint(accepted, list(self._entries)) or ""
                        span = effect.span or license.span
                        diagnostics.append(Kind.UNKNOWN_COMPANION(span, name=accepted, suggestion=suggestion))
        for entry in self._entries.values():
            for companion in entry.applies_with:
                if companion.lower() not in self._names:
                    suggestion = hint(companion, self._names) or ""
                    span = self._license(entry.id).span
                    diagnostics.append(Kind.UNKNOWN_COMPANION(span, name=companion, suggestion=suggestion))
        if diagnostics:
            raise LicenseFileError(diagnostics)
        for members in self._families.values():
            members.sort(key=lambda i: self._entries[i].sort_key)

    def _license(self, license_id: str) -> model.License:
        found = self._loaded.get(license_id)
        if found is None:
            assert self._load is not None, "every licence of a parsed catalogue is loaded"
            found = self._loaded[license_id] = self._load(license_id)
        return found

    def __iter__(self) -> Iterator[model.License]:
        return iter(self.licenses)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def licenses(self) -> list[model.License]:
        return [self._license(i) for i in self._entries]

    @property
    def families(self) -> dict[str, list[model.License]]:
        return {k: [self._license(i) for i in v] for k, v in self._families.items()}

    def family_names(self) -> list[str]:
        return sorted(self._families)

    def names(self) -> list[str]:
        """Every name a user may give: ids, aliases, tags, SPDX ids and family names."""
        return sorted({*self._entries, *(n for n in self._names), *self._families})

    def get(self, name: str) -> model.License:
        """The licence a single name (id, alias, tag or SPDX id) stands for."""
        key = self._names.get(name.lower())
        if key is None:
            raise UnknownLicenseError([self.unknown(name)])
        return self._license(key)

    def compiled(self, name: str) -> CompiledLicense:
        """The fast path of the licence a name stands for, compiled on first use, then kept."""
        license = self.get(name)
        found = self._compiled.get(license.id)
        if found is None:
            from checker.evaluation.compiled import compile_license  # noqa: PLC0415 - only scans and benchmarks need it

            found = self._compiled[license.id] = compile_license(license)
        return found

    def question_ids(self) -> list[str]:
        """The id of every question the catalogue's licences leave open (`<licence>/<clause>`)."""
        from checker.evaluation.evaluate import question_id  # noqa: PLC0415 - only answers need it

        return [
            question_id(lic, c) for lic in self.licenses for c in lic.clauses if isinstance(c.effect, model.Unclear)
        ]

    def obligation_ids(self) -> list[str]:
        """The id of every obligation of the catalogue's licences (`<licence>/<clause>`)."""
        from checker.evaluation.evaluate import obligation_id  # noqa: PLC0415 - only done reports need it

        return [
            obligation_id(lic, c)
            for lic in self.licenses
            for c in lic.clauses
            if isinstance(c.effect, model.Obligation)
        ]

    def unknown_ids(self, profile: ServiceProfile, where: str = "") -> list[tuple[str, str, Diagnostic]]:
        """Each answer or done report naming no question or obligation of the catalogue: the
        profile field (`answers`, `done`), the id and the diagnostic."""
        found: list[tuple[str, str, Diagnostic]] = []
        if profile.answers:
            questions = set(self.question_ids())
            for name in profile.answers:
                if name not in questions:
                    suggestion = hint(name, questions) or "`modelterms explain LICENCE` shows a licence's question ids"
                    found.append(
                        ("answers", name, Kind.UNKNOWN_QUESTION(name=name, where=where, suggestion=suggestion))
                    )
        released = profile.derivative_license
        if released is not None and released.lower() not in self._entries:
            known = self._names.get(released.lower())
            suggestion = "the derivative licence (--derivative-license, derivative_license:) is a catalogue id: " + (
                f"write '{known}'" if known else hint(released, list(self._entries)) or "`modelterms list` lists them"
            )
            found.append(("derivative_license", released, Kind.UNKNOWN_LICENSE(name=released, suggestion=suggestion)))
        if profile.done:
            obligations = set(self.obligation_ids())
            for name in profile.done:
                if name not in obligations:
                    suggestion = hint(name, obligations) or "`modelterms check` lists each obligation with its id"
                    found.append(("done", name, Kind.UNKNOWN_OBLIGATION(name=name, where=where, suggestion=suggestion)))
        return found

    def check_ids(self, profile: ServiceProfile) -> None:
        """Raise `ProfileError` when an answer or done report names an unknown id."""
        found = self.unknown_ids(profile)
        if found:
            raise ProfileError([d for _, _, d in found])

    def unknown(self, name: str) -> Diagnostic:
        suggestion = hint(name, self.names()) or "`modelterms list` lists the catalogue"
        return Kind.UNKNOWN_LICENSE(name=name, suggestion=suggestion)

    def knows(self, name: str) -> bool:
        """Whether a licence id, alias or family names something here: what `resolve` accepts,
        without building the "did you mean" an unknown name gets (for `scan`, which only counts them)."""
        return name.lower() in self._families or name.lower() in self._names

    def resolve(self, names: Sequence[str]) -> list[Resolved]:
        """The licences the given names stand for, in order, each once, with companions after.

        Raises `UnknownLicenseError` naming every unknown name.
        """
        chosen: dict[str, Resolved] = {}
        unknown: list[Diagnostic] = []
        for name in names:
            family = self._families.get(name.lower())
            if family is not None:
                members = family
            elif name.lower() in self._names:
                members = [self._names[name.lower()]]
            else:
                unknown.append(self.unknown(name))
                continue
            for license_id in members:
                if license_id not in chosen:
                    chosen[license_id] = Resolved(self._license(license_id), name)
                for companion in self._entries[license_id].applies_with:
                    other = self._names[companion.lower()]
                    if other not in chosen:
                        chosen[other] = Resolved(self._license(other), name)
        if unknown:
            raise UnknownLicenseError(unknown)
        return list(chosen.values())


def read_bundled() -> list[tuple[str, str]]:
    """The bundled licence files as (shown name, text), in catalogue order."""
    return [(f"licenses/{f.name}", read_license_text(f, f"licenses/{f.name}")) for f in license_files()]
