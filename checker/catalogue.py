"""The licence catalogue: the bundled licences (or your own files), and name resolution.

A name given by a user resolves, case-insensitively, through the canonical id, the aliases, the
Hugging Face `license:` tags and the SPDX id of each licence, or names a family (`llama`), which
stands for every licence of that family, oldest first. A licence that `applies-with` another
brings that one along (gpt-oss: Apache-2.0 plus its usage policy).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

from checker import model
from checker.build import build_license
from checker.diagnostics import Diagnostic, Kind
from checker.errors import LicenseFileError, UnknownLicenseError
from checker.parser import parse_text
from checker.resources import license_files
from checker.span import Span
from checker.suggest import hint

if TYPE_CHECKING:
    from checker.compiled import CompiledLicense

LICENSE_SUFFIX = ".terms"


def _read(path: Traversable | Path, shown: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LicenseFileError([Kind.UNREADABLE(path=shown, reason=error.strerror or str(error))]) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise LicenseFileError([Kind.NOT_UTF8(Span.point(shown, 1, 1), path=shown)]) from None


def parse_license(text: str, filename: str = "<text>") -> model.License:
    """Parse and build one licence from its text. Raises `LicenseFileError` listing every mistake."""
    return build_license(parse_text(text, filename), text)


def load_license_file(path: str | Path) -> model.License:
    """Load one `.terms` file."""
    path = Path(path)
    return parse_license(_read(path, str(path)), str(path))


def load_license_folder(path: str | Path) -> list[model.License]:
    """Load every `.terms` file in a folder (not recursive), collecting the errors of all files."""
    folder = Path(path)
    if not folder.is_dir():
        raise LicenseFileError([Kind.UNREADABLE(path=str(folder), reason="not a folder")])
    return _load_all((f, str(f)) for f in sorted(folder.glob("*" + LICENSE_SUFFIX)))


def _load_all(files: Iterable[tuple[Traversable | Path, str]]) -> list[model.License]:
    licenses: list[model.License] = []
    diagnostics: list[Diagnostic] = []
    sources: dict[str, str] = {}
    for file, shown in files:
        try:
            text = _read(file, shown)
            licenses.append(parse_license(text, shown))
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


class Catalogue:
    """A set of licences with unique ids and aliases."""

    def __init__(self, licenses: Iterable[model.License]) -> None:
        self._licenses: dict[str, model.License] = {}
        self._names: dict[str, str] = {}
        self._families: dict[str, list[model.License]] = {}
        self._compiled: dict[str, CompiledLicense] = {}
        diagnostics: list[Diagnostic] = []
        for license in licenses:
            for name in (license.id, *license.aliases, *license.hf_tags, *([license.spdx] if license.spdx else [])):
                key = name.lower()
                owner = self._names.get(key)
                if owner is not None and owner != license.id:
                    first = self._licenses[owner].span
                    diagnostics.append(Kind.DUPLICATE_LICENSE(license.span, name=name, first=first or owner))
                else:
                    self._names[key] = license.id
            self._licenses[license.id] = license
            if license.family:
                self._families.setdefault(license.family.lower(), []).append(license)
        for license in self._licenses.values():
            for companion in license.applies_with:
                if companion.lower() not in self._names:
                    suggestion = hint(companion, self._names) or ""
                    diagnostics.append(Kind.UNKNOWN_COMPANION(license.span, name=companion, suggestion=suggestion))
        if diagnostics:
            raise LicenseFileError(diagnostics)
        for members in self._families.values():
            members.sort(key=_sort_key)

    def __iter__(self) -> Iterator[model.License]:
        return iter(self._licenses.values())

    def __len__(self) -> int:
        return len(self._licenses)

    @property
    def licenses(self) -> list[model.License]:
        return list(self._licenses.values())

    @property
    def families(self) -> dict[str, list[model.License]]:
        return {k: list(v) for k, v in self._families.items()}

    def names(self) -> list[str]:
        """Every name a user may give: ids, aliases, tags, SPDX ids and family names."""
        return sorted({*self._licenses, *(n for n in self._names), *self._families})

    def get(self, name: str) -> model.License:
        """The licence a single name (id, alias, tag or SPDX id) stands for."""
        key = self._names.get(name.lower())
        if key is None:
            raise UnknownLicenseError([self.unknown(name)])
        return self._licenses[key]

    def compiled(self, name: str) -> CompiledLicense:
        """The fast path of the licence a name stands for, compiled on first use, then kept."""
        license = self.get(name)
        found = self._compiled.get(license.id)
        if found is None:
            from checker.compiled import compile_license  # noqa: PLC0415 - only scans and benchmarks need it

            found = self._compiled[license.id] = compile_license(license)
        return found

    def unknown(self, name: str) -> Diagnostic:
        suggestion = hint(name, self.names()) or "`modelterms licenses` lists the catalogue"
        return Kind.UNKNOWN_LICENSE(name=name, suggestion=suggestion)

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
                members = [self._licenses[self._names[name.lower()]]]
            else:
                unknown.append(self.unknown(name))
                continue
            for license in members:
                chosen.setdefault(license.id, Resolved(license, name))
                for companion in license.applies_with:
                    other = self._licenses[self._names[companion.lower()]]
                    chosen.setdefault(other.id, Resolved(other, name))
        if unknown:
            raise UnknownLicenseError(unknown)
        return list(chosen.values())


@cache
def bundled() -> Catalogue:
    """The catalogue shipped with modelterms (parsed once per process)."""
    return Catalogue(_load_all((f, f"licenses/{f.name}") for f in license_files()))
