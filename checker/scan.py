"""Scanning many models for one profile: a hub dump (JSON Lines or CSV) or a folder of model cards.

Each model is known by the metadata a model hub publishes: its id, its `license` tag (with
`license_name` when the tag is `other`) and its `base_model`. The licence names resolve through the
catalogue, base models through the model index (a derived model carries its base model's licence),
and each licence's outcome comes from its compiled rules (`checker.compiled`). The outcome for a
model is the worst of its licences' outcomes; a licence the catalogue does not know makes it
undetermined, never permitted.

Streaming: rows are read, classified and written one at a time, so memory does not grow with the
number of rows. Results are memoised per distinct (licence, licence name, base model) in a bounded
cache, and per licence for the profile, which is what makes a million rows cheap.

Bad rows (not JSON, not an object, no id, a field of the wrong type, a card whose YAML does not
parse) are reported with their line number and skipped; the scan goes on.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from checker.catalogue import Catalogue
from checker.diagnostics import Diagnostic, Kind
from checker.errors import DiagnosticError, UnknownLicenseError
from checker.profile import ServiceProfile
from checker.span import Span
from checker.vocabulary import Outcome

if TYPE_CHECKING:
    from checker.models import ModelIndex

try:  # an optional extra (`pip install modelterms[fast]`): about twice as fast to parse a dump
    import orjson

    _loads: Callable[[bytes], Any] = orjson.loads
    _DECODE_ERRORS: tuple[type[Exception], ...] = (orjson.JSONDecodeError,)
except ImportError:  # pragma: no cover - depends on the environment
    _loads = json.loads
    _DECODE_ERRORS = (ValueError,)

MEMO_SIZE = 1 << 16
"""Distinct (licence, licence name, base model) combinations remembered at once (bounded memory)."""
KEEP_BAD_ROWS = 20
"""Bad rows reported in full; the rest are counted."""
KEEP_UNKNOWN_NAMES = 1000
"""Distinct unknown licence names counted in the summary; later ones are counted together."""


class SourceKind(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    FOLDER = "folder"


@dataclass(frozen=True)
class Row:
    """One model as the metadata gives it."""

    id: str
    licenses: tuple[str, ...]
    base_models: tuple[str, ...]


@dataclass(frozen=True)
class Classified:
    """What the scan says of one combination of licence names and base models."""

    outcome: Outcome
    licenses: tuple[str, ...]
    """The catalogue licences checked (the model's own, its base models', companions)."""
    unknown_licenses: tuple[str, ...] = ()
    unchecked_base_models: tuple[str, ...] = ()
    """Base models not in the model index: their licences could not be checked."""
    json_tail: str = ""
    """The JSON Lines record after the model id, rendered once per combination."""


@dataclass
class Summary:
    """Counts by outcome, unknown licence names, base models not checked, bad rows (kept bounded)."""

    by_outcome: Counter[Outcome] = field(default_factory=Counter)
    unknown_licenses: Counter[str] = field(default_factory=Counter)
    unknown_other: int = 0
    unchecked_base_models: int = 0
    bad_rows: int = 0
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def models(self) -> int:
        return sum(self.by_outcome.values())

    def count(self, result: Classified) -> None:
        self.by_outcome[result.outcome] += 1
        for name in result.unknown_licenses:
            if name in self.unknown_licenses or len(self.unknown_licenses) < KEEP_UNKNOWN_NAMES:
                self.unknown_licenses[name] += 1
            else:
                self.unknown_other += 1
        if result.unchecked_base_models:
            self.unchecked_base_models += 1

    def bad(self, diagnostic: Diagnostic) -> None:
        self.bad_rows += 1
        if len(self.problems) < KEEP_BAD_ROWS:
            self.problems.append(diagnostic)

    def to_json(self) -> dict[str, Any]:
        return {
            "models": self.models,
            "by_outcome": {o.value: self.by_outcome[o] for o in Outcome},
            "unknown_licenses": dict(self.unknown_licenses.most_common()),
            "models_with_unchecked_base_models": self.unchecked_base_models,
            "bad_rows": self.bad_rows,
        }


class RowError(ValueError):
    """A row that is not model metadata; the message says why."""


def _names(value: Any, field_name: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(v for v in value if v)
    raise RowError(f"`{field_name}` must be a string or a list of strings, not {type(value).__name__}")


def row_from(data: Any) -> Row:
    """A row from one record of metadata (a JSON object, a CSV row or a card's front matter).

    Fields: `id` (or `modelId`), `license`, `license_name` (read when `license` is `other`),
    `base_model`; a Hugging Face API record's `cardData` supplies the last three when absent.
    """
    if not isinstance(data, dict):
        raise RowError(f"a row must be a JSON object with an `id`, not {type(data).__name__}")
    model_id = data.get("id", data.get("modelId"))
    if not isinstance(model_id, str) or not model_id:
        raise RowError("the row has no model id (`id`)")
    card = data.get("cardData")
    fields = card if isinstance(card, dict) and "license" not in data and "base_model" not in data else data
    licenses, bases = card_fields(fields)
    return Row(model_id, licenses, bases)


def card_fields(fields: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Licence names and base models from the fields of a model card or a metadata row."""
    licenses = _names(fields.get("license"), "license")
    if "other" in licenses:
        named = _names(fields.get("license_name"), "license_name")
        licenses = tuple(n for n in licenses if n != "other") + (named or ("other",))
    return licenses, _names(fields.get("base_model"), "base_model")


class Scanner:
    """Classifies models for one profile against a catalogue and the model index."""

    def __init__(self, profile: ServiceProfile, catalogue: Catalogue, index: Callable[[], ModelIndex]) -> None:
        self.profile = profile
        self.catalogue = catalogue
        self._index = index
        self._outcomes: dict[str, Outcome] = {}
        self.classify = lru_cache(maxsize=MEMO_SIZE)(self._classify)

    def _outcome(self, license_id: str) -> Outcome:
        found = self._outcomes.get(license_id)
        if found is None:
            found = self._outcomes[license_id] = self.catalogue.compiled(license_id).outcome(self.profile)
        return found

    def _resolve(self, name: str) -> list[str] | None:
        try:
            return [r.license.id for r in self.catalogue.resolve([name])]
        except UnknownLicenseError:
            return None

    def _classify(self, licenses: tuple[str, ...], bases: tuple[str, ...]) -> Classified:
        checked: dict[str, None] = {}
        unknown: list[str] = []
        for name in licenses:
            ids = self._resolve(name)
            if ids is None:
                unknown.append(name)
            else:
                checked.update(dict.fromkeys(ids))
        unchecked: list[str] = []
        for base in bases:
            index = self._index()
            if index.find(base) is None:
                unchecked.append(base)
                continue
            for item in index.licenses_of(base):
                checked.update(dict.fromkeys(self._resolve(item.license_id) or []))
        outcomes = [self._outcome(i) for i in checked]
        if unknown or not checked:
            outcomes.append(Outcome.UNDETERMINED)  # an unknown (or absent) licence is never permitted
        worst = min(outcomes, key=lambda o: o.severity)
        record: dict[str, Any] = {"outcome": worst.value, "licenses": list(checked)}
        if unknown:
            record["unknown_licenses"] = unknown
        if not licenses and not bases:
            record["note"] = "the metadata names no licence"
        if unchecked:
            record["unchecked_base_models"] = unchecked
        tail = json.dumps(record, ensure_ascii=False)[1:]
        return Classified(worst, tuple(checked), tuple(unknown), tuple(unchecked), tail)


# ---- sources ---------------------------------------------------------------------------------

Item = tuple[Row | None, Diagnostic | None]
"""A row, or the diagnostic of a bad one."""


def _bad(file: str, line: int, message: str, column: int = 1) -> Diagnostic:
    return Kind.BAD_ROW(Span.point(file, line, column), message=message)


def read_jsonl(stream: IO[bytes], shown: str) -> Iterator[Item]:
    """Rows of a JSON Lines file (blank lines skipped)."""
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            data = _loads(line)
        except _DECODE_ERRORS as error:
            yield None, _bad(shown, number, f"not JSON: {error}")
            continue
        try:
            yield row_from(data), None
        except RowError as error:
            yield None, _bad(shown, number, str(error))


def read_csv(stream: IO[bytes], shown: str) -> Iterator[Item]:
    """Rows of a CSV file with a header naming the columns (`id`, `license`, `license_name`,
    `base_model`; several base models separated by commas)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.DictReader(text)
    try:
        if reader.fieldnames is None or "id" not in reader.fieldnames:
            yield None, _bad(shown, 1, "the CSV header has no `id` column")
            return
        for record in reader:
            data: dict[str, Any] = {k: v for k, v in record.items() if isinstance(k, str)}
            if data.get("base_model"):
                data["base_model"] = [b.strip() for b in str(data["base_model"]).split(",")]
            try:
                yield row_from(data), None
            except RowError as error:
                yield None, _bad(shown, reader.line_num, str(error))
    except (csv.Error, UnicodeDecodeError) as error:
        yield None, _bad(shown, reader.line_num or 1, f"not CSV: {error}")


def _hf_snapshot(repo: Path) -> Path | None:
    """A Hugging Face cache entry's current snapshot: `refs/main`, else the only or newest one."""
    snapshots = repo / "snapshots"
    ref = repo / "refs" / "main"
    if ref.is_file():
        chosen = snapshots / ref.read_text(encoding="utf-8").strip()
        if chosen.is_dir():
            return chosen
    found = sorted((p for p in snapshots.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def read_folder(root: Path) -> Iterator[Item]:
    """Model cards under a folder: a Hugging Face cache (`models--owner--name/snapshots/…/README.md`)
    or any tree of repositories, where every README.md with YAML front matter is a model card."""
    from checker.policy import read_model_card  # noqa: PLC0415 - YAML only for folder scans

    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs.sort()
        hf = [d for d in dirs if d.startswith("models--")]
        for name in hf:
            dirs.remove(name)
            model_id = name.removeprefix("models--").replace("--", "/")
            snapshot = _hf_snapshot(here / name) if (here / name / "snapshots").is_dir() else None
            card = snapshot / "README.md" if snapshot else None
            yield _card_row(card, model_id, read_model_card, required=True)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        readme = next((f for f in sorted(files) if f.lower() == "readme.md"), None)
        if readme is not None:
            relative = here.relative_to(root)
            model_id = str(relative) if str(relative) != "." else root.resolve().name
            item = _card_row(here / readme, model_id.replace(os.sep, "/"), read_model_card, required=False)
            if item[0] is not None or item[1] is not None:
                yield item


def _card_row(card: Path | None, model_id: str, read: Callable[[Path], dict[str, Any]], *, required: bool) -> Item:
    if card is None or not card.is_file():
        return (Row(model_id, (), ()), None) if required else (None, None)
    try:
        text_start = card.read_bytes()[:4]
        if not required and not text_start.startswith(b"---"):
            return None, None  # a README that is not a model card
        fields = read(card)
        licenses, bases = card_fields(fields)
    except DiagnosticError as error:
        return None, error.diagnostics[0]
    except RowError as error:
        return None, _bad(str(card), 1, str(error))
    except (OSError, UnicodeDecodeError) as error:
        return None, _bad(str(card), 1, f"cannot read the model card: {error}")
    return Row(model_id, licenses, bases), None


def source_kind(path: Path) -> SourceKind:
    """What a path given to `scan` holds, by its kind and suffix."""
    if path.is_dir():
        return SourceKind.FOLDER
    return SourceKind.CSV if path.suffix.lower() == ".csv" else SourceKind.JSONL
