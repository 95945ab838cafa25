"""Scanning many models for one profile: a hub dump (JSON Lines or CSV) or a folder of model cards.

Each model is known by the metadata a model hub publishes: its id, its `license` tag (with
`license_name` when the tag is `other`) and its `base_model`. The licence names resolve through the
catalogue, base models through the model index (a derived model carries its base model's licence),
and each licence's outcome comes from its compiled rules (`checker.evaluation.compiled`). The outcome for a
model is the worst of its licences' outcomes; a licence the catalogue does not know makes it
undetermined, never permitted.

Streaming: JSON Lines rows are read, classified and written a block at a time (what one read of
the stream gives, at most `READ_SIZE` bytes; cards and CSV rows one at a time), so memory does not
grow with the number of rows. Results are memoised per distinct (licence, licence name, base model)
in a bounded cache, and per licence for the profile, which is what makes a million rows cheap.

Bad rows (not JSON, not an object, no id, a field of the wrong type, a card whose YAML does not
parse) are reported with their line number and skipped; the scan goes on.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import chain, repeat
from json.encoder import encode_basestring  # the C string encoder: a JSON string without json.dumps
from operator import attrgetter
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from checker.ci.rowcodec import (
    BLOCK_ERRORS,
    DECODE_ERRORS,
    NO_TAGS,
    block_fields,
    json_string_bodies,
    loads,
    meta_tags,
    row_meta_tags,
    row_tags,
)
from checker.diagnostics import Diagnostic, Kind
from checker.diagnostics.span import Span
from checker.errors import DiagnosticError
from checker.evaluation.profile import ServiceProfile
from checker.lookup.cards import RowError, card_fields
from checker.lookup.catalogue import Catalogue
from checker.lookup.hub import Hub
from checker.lookup.resolver import Resolver
from checker.terms.vocabulary import Outcome

if TYPE_CHECKING:
    from checker.lookup.models import ModelIndex

MAX_ROW_BYTES = 1 << 20
"""The longest JSON Lines row read (a hub row is a few hundred bytes); longer ones are bad rows."""

MEMO_SIZE = 1 << 16
"""Distinct (licence, licence name, base model) combinations remembered at once (bounded memory)."""
TAGS_MEMO_SIZE = 1 << 12
"""Distinct sets of licence and base-model tags whose reading is remembered at once."""
KEEP_BAD_ROWS = 20
"""Bad rows reported in full; the rest are counted."""
KEEP_UNKNOWN_NAMES = 1000
"""Distinct unknown licence names counted in the summary; rows naming later ones are counted
together (`unknown_licenses_not_named`)."""


class SourceKind(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    FOLDER = "folder"


JSONL_HEAD = '{"model": "'
"""A JSON Lines record up to its model id's characters."""


class Classified:
    """What the scan says of one combination of licence names and base models (memoised: built
    once per combination, so its output is rendered here once, not once per row)."""

    __slots__ = (
        "json_tail",
        "licenses",
        "outcome",
        "text_around",
        "unchecked_base_models",
        "unknown_licenses",
    )

    def __init__(
        self,
        outcome: Outcome,
        licenses: tuple[str, ...],
        unknown_licenses: tuple[str, ...] = (),
        unchecked_base_models: tuple[str, ...] = (),
        json_tail: str = "",
    ) -> None:
        self.outcome = outcome
        self.licenses = licenses
        """The catalogue licences checked (the model's own, its base models', companions)."""
        self.unknown_licenses = unknown_licenses
        self.unchecked_base_models = unchecked_base_models
        """Base models not in the model index: their licences could not be checked."""
        self.json_tail = json_tail
        """The JSON Lines record after the model id's characters: the id's closing quote, the other
        fields, the newline."""
        head = f"{outcome.value:<14}"  # the outcome in a fixed-width column
        words = [", ".join(licenses)] if licenses else []
        if unknown_licenses:
            words.append("not in the catalogue: " + ", ".join(unknown_licenses))
        if unchecked_base_models:
            words.append("base model not in the index: " + ", ".join(unchecked_base_models))
        tail = f"  ({'; '.join(words) or 'the metadata names no licence'})\n"
        self.text_around = (head, tail)
        """The text line before and after the model id: `model_id.join(text_around)` is the line."""


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

    def count(self, result: Classified, rows: int) -> None:
        self.by_outcome[result.outcome] += rows
        for name in result.unknown_licenses:
            if name in self.unknown_licenses or len(self.unknown_licenses) < KEEP_UNKNOWN_NAMES:
                self.unknown_licenses[name] += rows
            else:
                self.unknown_other += rows
        if result.unchecked_base_models:
            self.unchecked_base_models += rows

    def bad(self, diagnostic: Diagnostic) -> None:
        self.bad_rows += 1
        if len(self.problems) < KEEP_BAD_ROWS:
            self.problems.append(diagnostic)

    def to_json(self) -> dict[str, Any]:
        return {
            "models": self.models,
            "by_outcome": {o.value: self.by_outcome[o] for o in Outcome},
            "unknown_licenses": dict(self.unknown_licenses.most_common()),
            **({"unknown_licenses_not_named": self.unknown_other} if self.unknown_other else {}),
            "models_with_unchecked_base_models": self.unchecked_base_models,
            "bad_rows": self.bad_rows,
        }


Key = tuple[Any, Any, Any]
"""A row's raw `license`, `license_name` and `base_model` (lists made tuples): the memo's key."""


def _hashable(value: Any) -> Any:
    return tuple(value) if type(value) is list else value


class Scanner:
    """Classifies models for one profile against a catalogue and the model index.

    Results are memoised by the row's raw metadata; the memo is emptied when it reaches
    `MEMO_SIZE` entries, so memory stays bounded however many rows pass. Rows are counted per
    result in `seen` and folded into the summary at the end (and whenever the memo is emptied).
    """

    def __init__(
        self, profile: ServiceProfile, catalogue: Catalogue, index: Callable[[], ModelIndex], hub: Hub | None = None
    ) -> None:
        self.profile = profile
        self.catalogue = catalogue
        # With a Hub, a base model the index lacks is looked up there (each once: the Hub keeps
        # what it read this run, and the cache what it read before).
        self.resolver = Resolver(catalogue, index, hub=hub)
        self._outcomes: dict[str, Outcome] = {}
        self._memo: dict[Key, Classified | RowError] = {}
        self._direct: dict[Key, Classified] = {}
        """The results of keys read straight from a row (a `license` or a `base_model` of its own, no
        list in them): what the JSON Lines loop looks a whole block of rows up in at once."""
        self._bare: dict[Key, Classified] = {}
        """The results of rows with no metadata at all (no `license`, `base_model`, `cardData` or
        `tags`), by their key: the block loop finds them with one lookup."""
        self._tagged: dict[tuple[Any, tuple[str, ...]], tuple[Key, Classified]] = {}
        """The keys and results of rows whose metadata is only in their tags (a Hub API record), by
        their `license_name` and their licence and base-model tags (`meta_tags`)."""
        self.seen: Counter[Classified] = Counter()
        """Rows counted on each result since the last fold into the summary."""
        self.summary = Summary()

    def lookup(self, key: Key) -> Classified | RowError:
        """The classification of a row's (license, license_name, base_model), or why it is bad."""
        try:
            return self._memo[key]
        except KeyError:
            pass
        except TypeError:  # a field holding a dict or nested list: unhashable, and not metadata
            return self._validate(key)
        found = self._validate(key)
        if len(self._memo) >= MEMO_SIZE:
            self.fold()
            self._memo.clear()
            self._direct.clear()
            self._bare.clear()
            self._tagged.clear()
        self._memo[key] = found
        return found

    def _validate(self, key: Key) -> Classified | RowError:
        try:
            licenses, bases = card_fields({"license": key[0], "license_name": key[1], "base_model": key[2]})
        except RowError as error:
            return error
        return self.classify(licenses, bases)

    def fold(self) -> None:
        """Add the rows counted on results to the summary."""
        for result, rows in self.seen.items():
            self.summary.count(result, rows)
        self.seen.clear()

    def _outcome(self, license_id: str) -> Outcome:
        found = self._outcomes.get(license_id)
        if found is None:
            found = self._outcomes[license_id] = self.catalogue.compiled(license_id).outcome(self.profile)
        return found

    def _from_hub(self, base: str) -> list[str] | None:
        """The licence ids of a base model from its card on the Hub (and its own bases), or None
        when the Hub cannot tell (not found, offline and not cached, no licence): then unchecked."""
        found = self.resolver.model(base)
        if isinstance(found, Diagnostic) or not found.licenses:
            return None
        return [f.license.id for f in found.licenses]

    def classify(self, licenses: tuple[str, ...], bases: tuple[str, ...]) -> Classified:
        """The worst outcome of the named licences and the base models' licences, for the profile."""
        checked: dict[str, None] = {}
        unknown: list[str] = []
        for name in licenses:
            ids = self.resolver.license_ids(name)
            if ids is None:
                unknown.append(name)
            else:
                checked.update(dict.fromkeys(ids))
        unchecked: list[str] = []
        for base in bases:
            base_ids = self.resolver.base_model_license_ids(base)
            if base_ids is None and self.resolver.hub is not None:
                base_ids = self._from_hub(base)
            if base_ids is None:
                unchecked.append(base)
            else:
                checked.update(dict.fromkeys(base_ids))
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
        tail = '", ' + json.dumps(record, ensure_ascii=False)[1:] + "\n"
        return Classified(worst, tuple(checked), tuple(unknown), tuple(unchecked), tail)


# ---- the scan loop ---------------------------------------------------------------------------


class Output(StrEnum):
    """What is written per model."""

    NONE = "none"
    TEXT = "text"
    JSONL = "jsonl"


FLUSH_EVERY = 4096
"""Rows per write to the output (and per progress tick)."""

Item = tuple[str, Key, str, int] | Diagnostic
"""A model id, its raw metadata and where it was read (file, line) — checked by the scanner, which
reports a bad one there — or the diagnostic of a row that could not be read."""


def text_line(model_id: str, result: Classified) -> str:
    """A model's line in text output: the outcome in a fixed-width column, then the model."""
    return model_id.join(result.text_around)


def _bad(file: str, line: int, message: str, column: int = 1) -> Diagnostic:
    return Kind.BAD_ROW(Span.point(file, line, column), message=message)


def _not_json(file: str, line: int, error: Exception) -> Diagnostic:
    # The parser saw one row, so its own "line 1 column N (char M)" would contradict the file's line
    # number: keep its message, and put the column where the diagnostic points.
    if isinstance(error, json.JSONDecodeError):  # orjson's error is one too
        return _bad(file, line, f"not JSON: {error.msg}", error.colno)
    return _bad(file, line, f"not JSON: {error}")


def metadata_key(license: Any, name: Any, base: Any, card: Any, tags: Any) -> Key:
    """A record's metadata as the memo's key (lists made tuples): its own `license`, `license_name`
    and `base_model`; an API record's `cardData` supplies them when the record has none of its own,
    and failing that its tags."""
    if license is None and base is None:
        if type(card) is dict:
            license, name, base = card.get("license"), card.get("license_name"), card.get("base_model")
        elif type(tags) is list:
            license, base = _tag_metadata(tags)
    return (
        tuple(license) if type(license) is list else license,
        tuple(name) if type(name) is list else name,
        tuple(base) if type(base) is list else base,
    )


@functools.lru_cache(maxsize=TAGS_MEMO_SIZE)
def _tags_metadata(tags: tuple[str, ...]) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    return _from_tags(tags)


def _tag_metadata(tags: list[Any]) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """`_from_tags`, remembered per set of licence and base-model tags."""
    meta = meta_tags(tags)
    return _from_tags(tags) if meta is None else _tags_metadata(meta)


def _from_tags(tags: list[Any] | tuple[Any, ...]) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """Licences and base models from Hugging Face tags: `license:mit`, `base_model:owner/name` and
    `base_model:finetune:owner/name` (also `adapter:`, `quantized:`, `merge:`)."""
    licenses = tuple(t[len("license:") :] for t in tags if type(t) is str and t.startswith("license:"))
    bases = tuple(dict.fromkeys(t.rsplit(":", 1)[-1] for t in tags if type(t) is str and t.startswith("base_model:")))
    return licenses or None, bases or None


READ_SIZE = 1 << 16
"""Bytes asked of the stream per read: `read1`, so that a pipe gives what it has and stdin streams.
At most `MAX_ROW_BYTES`: a row that ends inside one read is then shorter than the bound, and only
the rows that run across reads need their length counted."""


def read_lines(stream: IO[bytes], shown: str, summary: Summary) -> Iterator[tuple[int, list[bytes]]]:
    """The rows of a JSON Lines stream in blocks (one per read), each with the line number of its
    first row. A row of `MAX_ROW_BYTES` or more (a 10 GB line, a file without newlines) is reported
    and skipped as it is read, never held whole (issue 14)."""
    read = getattr(stream, "read1", None) or stream.read
    number, carry, skipping = 1, b"", False
    while chunk := read(READ_SIZE):
        lines = chunk.split(b"\n")
        if len(lines) == 1:  # no row ends in this chunk
            if not skipping:
                carry += chunk
                if len(carry) >= MAX_ROW_BYTES:
                    summary.bad(_too_long(shown, number))
                    carry, skipping = b"", True
            continue
        if skipping:  # the end of a row already reported: dropped
            del lines[0]
            number, skipping = number + 1, False
        else:
            lines[0] = carry + lines[0]
            if len(lines[0]) >= MAX_ROW_BYTES:
                summary.bad(_too_long(shown, number))
                del lines[0]
                number += 1
        carry = lines.pop()  # the row the chunk ends inside (b"" when it ends with a newline)
        if lines:
            yield number, lines
            number += len(lines)
    if len(carry) >= MAX_ROW_BYTES:
        summary.bad(_too_long(shown, number))
    elif carry and not skipping:  # the last row, without a newline
        yield number, [carry]


def _too_long(shown: str, number: int) -> Diagnostic:
    return _bad(shown, number, f"the row is longer than {MAX_ROW_BYTES:,} bytes")


Row = tuple[str, Key, Classified]
"""A model id, its metadata (the memo's key) and what the scan says of it."""


def read_row(data: Any, number: int, shown: str, scanner: Scanner) -> Row | None:
    """One parsed row classified, or None when it is bad (reported in the summary)."""
    if type(data) is not dict:
        scanner.summary.bad(_bad(shown, number, f"a row must be a JSON object with an `id`, not {type(data).__name__}"))
        return None
    get = data.get
    values = get("license"), get("license_name"), get("base_model"), get("cardData"), get("tags")
    return read_fields(number, shown, scanner, get("id") or get("modelId"), *values)


def read_fields(number: int, shown: str, scanner: Scanner, model_id: Any, *metadata: Any) -> Row | None:
    """A row classified from its model id and its `license`, `license_name`, `base_model`,
    `cardData` and `tags`, or None when it is bad (reported in the summary)."""
    if type(model_id) is not str:
        scanner.summary.bad(_bad(shown, number, "the row has no model id (`id`)"))
        return None
    license, name, base, card, tags = metadata
    # The usual row (its own metadata, no lists): the key is the raw values, as the block loop reads
    # them; a list in them makes it unhashable, and metadata_key builds the key instead.
    own = license is not None or base is not None
    key: Key = (license, name, base)
    try:
        hash(key)
    except TypeError:  # a list (made a tuple here) or something that is no metadata (`lookup` says what)
        own = False
    if not own:
        key = metadata_key(license, name, base, card, tags)
    result = scanner.lookup(key)
    if type(result) is not Classified:
        scanner.summary.bad(_bad(shown, number, str(result)))
        return None
    # The block loop finds this key's rows from now on.
    if own:
        _remember(scanner._direct, key, result)
    elif card is None and tags is None:
        _remember(scanner._bare, key, result)
    elif card is None and type(tags) is list and (meta := meta_tags(tags)) is not None:
        with contextlib.suppress(TypeError):  # a licence name that is a list: not remembered
            _remember(scanner._tagged, (name, meta), (key, result))
    return model_id, key, result


def _remember(known: dict[Any, Any], key: Any, value: Any) -> None:
    if len(known) >= MEMO_SIZE:
        known.clear()
    known[key] = value


def _read_one_by_one(lines: list[bytes], first: int, shown: str, scanner: Scanner) -> list[Row]:
    """A block with a row `block_fields` cannot read (not JSON, not an object, an `id` that is not
    a string): each row parsed and reported on its own."""
    rows = []
    for number, line in enumerate(lines, first):
        try:
            data = loads(line)
        except DECODE_ERRORS as error:
            if line.strip():
                scanner.summary.bad(_not_json(shown, number, error))
            continue
        row = read_row(data, number, shown, scanner)
        if row is not None:
            rows.append(row)
    return rows


Block = tuple[list[str], list[Key], list[Classified]]
"""A block's model ids, keys and results, in row order."""


def _positions_of_none(values: list[Any]) -> list[int]:
    """Where None is in a list: found by `list.index`, in C, so that a block with a few rows to
    decide costs a Python step for those rows only."""
    positions: list[int] = []
    index = -1
    try:
        while True:
            index = values.index(None, index + 1)
            positions.append(index)
    except ValueError:
        return positions


def _known_row(scanner: Scanner, key: Key, name: Any, tags: Any) -> tuple[Key, Classified] | None:
    """The key and result of a row with no metadata of its own (no `license`, `base_model` or
    `cardData`), when a row with the same metadata (none at all, or the same licence and
    base-model tags) was read before: one lookup, not `read_fields`."""
    try:
        if tags is NO_TAGS:
            found = scanner._bare.get(key)
            return None if found is None else (key, found)
        meta = row_meta_tags(tags)
        return None if meta is None else scanner._tagged.get((name, meta))
    except TypeError:  # a list as its licence name
        return None


def read_block(lines: list[bytes], first: int, shown: str, scanner: Scanner) -> Block:
    """A block of rows classified: their model ids, keys and results, bad rows left out.

    The hot path of a hub scan, where parsing the JSON is the floor and all else must cost less than
    the parse: the block's fields (`block_fields`) and their lookups are C-level loops over the
    whole block, and only the rows that the lookup of keys seen before cannot decide (a first sight
    of a combination, no metadata of the row's own, a list in it) are classified one by one, from
    the values the block decoded (`read_fields`). A row without `id` is parsed again whole (it may
    have a `modelId`), and a block with a row that cannot be read fast, row by row (`read_row`).
    """
    try:
        ids, keys, rows = block_fields(lines)
    except BLOCK_ERRORS:
        read = _read_one_by_one(lines, first, shown, scanner)
        return [r[0] for r in read], [r[1] for r in read], [r[2] for r in read]
    try:
        results: list[Classified | None] = list(map(scanner._direct.get, keys))
    except TypeError:  # a list in some row's metadata: the block's rows one by one
        results = [None] * len(keys)
    undecided = _positions_of_none(results)
    if not all(ids):
        undecided = sorted({*undecided, *(index for index, model_id in enumerate(ids) if not model_id)})
    if undecided:  # read from the values the block read, not parsed again
        bad = []
        for index in undecided:
            model_id, license, name, base, card, tags = rows[index]
            if model_id and license is None and base is None and card is None:
                known = _known_row(scanner, keys[index], name, tags)
                if known is not None:
                    keys[index], results[index] = known
                    continue
            if model_id:
                row = read_fields(first + index, shown, scanner, model_id, license, name, base, card, row_tags(tags))
            else:  # no `id`: parsed again whole, for its `modelId` and the diagnostic
                row = read_row(loads(lines[index]), first + index, shown, scanner)
            if row is None:
                bad.append(index)
            else:
                ids[index], keys[index], results[index] = row
        for index in reversed(bad):
            del ids[index], keys[index], results[index]
    return ids, keys, results  # type: ignore[return-value] # no None is left in results


Collect = Callable[[str, Key, Classified], None]
"""Given each model classified (for a document of all of them, such as a BOM)."""

_json_heads = repeat(JSONL_HEAD)
_json_tail = attrgetter("json_tail")
_text_around = attrgetter("text_around")
_text_line = str.join


def scan_jsonl(
    stream: IO[bytes],
    shown: str,
    scanner: Scanner,
    out: IO[str],
    *,
    output: Output,
    tick: Callable[[int], None] | None = None,
    collect: Collect | None = None,
) -> None:
    """Classify every row of a JSON Lines stream, writing a line per model as it goes, a block of
    rows at a time (`read_block`); the output lines of a block are built by C-level loops too."""
    pending: list[str] = []
    rows = 0
    jsonl, text = output is Output.JSONL, output is Output.TEXT
    count = scanner.seen.update
    for first, lines in read_lines(stream, shown, scanner.summary):
        ids, keys, results = read_block(lines, first, shown, scanner)
        count(results)
        if collect is not None:
            for row in zip(ids, keys, results, strict=True):
                collect(*row)
        if jsonl:
            records = zip(_json_heads, json_string_bodies(ids), map(_json_tail, results), strict=False)
            pending.append("".join(chain.from_iterable(records)))
        elif text:
            pending.append("".join(map(_text_line, ids, map(_text_around, results))))
        rows += len(results)
        if rows >= FLUSH_EVERY:
            out.write("".join(pending))
            pending.clear()
            rows = 0
            if tick is not None:
                tick(first + len(lines) - 1)
    out.write("".join(pending))
    scanner.fold()


def scan_items(
    items: Iterable[Item],
    scanner: Scanner,
    out: IO[str],
    *,
    output: Output,
    tick: Callable[[int], None] | None = None,
    collect: Collect | None = None,
) -> None:
    """Classify rows given by a reader (CSV, a folder of cards), writing a line per model."""
    summary = scanner.summary
    rows = 0
    for item in items:
        if isinstance(item, Diagnostic):
            summary.bad(item)
            continue
        model_id, key, file, line = item
        result = scanner.lookup(key)
        if not isinstance(result, Classified):
            summary.bad(_bad(file, line, str(result)))
            continue
        scanner.seen[result] += 1
        rows += 1
        if collect is not None:
            collect(model_id, key, result)
        if output is Output.JSONL:
            out.write(JSONL_HEAD + encode_basestring(model_id)[1:-1] + result.json_tail)
        elif output is Output.TEXT:
            out.write(text_line(model_id, result))
        if tick is not None and rows % FLUSH_EVERY == 0:
            tick(rows)
    scanner.fold()


# ---- readers ---------------------------------------------------------------------------------


def read_csv(stream: IO[bytes], shown: str) -> Iterator[Item]:
    """Rows of a CSV file with a header naming the columns (`id`, `license`, `license_name`,
    `base_model`; several base models separated by commas)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.DictReader(text)
    try:
        if reader.fieldnames is None or "id" not in reader.fieldnames:
            yield _bad(shown, 1, "the CSV header has no `id` column")
            return
        rows = iter(reader)
        while True:
            try:
                record = next(rows)
            except StopIteration:
                break
            except csv.Error as error:  # one bad field (too long, a NUL): that row only, the scan goes on
                yield _bad(shown, reader.line_num or 1, f"not CSV: {error}")
                continue
            model_id = record.get("id") or ""
            base = record.get("base_model") or ""
            key: Key = (
                record.get("license") or None,
                record.get("license_name") or None,
                tuple(b.strip() for b in base.split(",") if b.strip()) or None,
            )
            if not model_id:
                yield _bad(shown, reader.line_num, "the row has no model id (`id`)")
                continue
            yield model_id, key, shown, reader.line_num
    except (csv.Error, UnicodeDecodeError) as error:
        yield _bad(shown, reader.line_num or 1, f"not CSV: {error}")


def _hf_snapshot(repo: Path) -> Path | None:
    """A Hugging Face cache entry's current snapshot: `refs/main`, else the newest one."""
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
    from checker.lookup.cards import read_model_card  # noqa: PLC0415 - YAML only for folder scans

    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs.sort()
        for name in [d for d in dirs if d.startswith("models--")]:
            dirs.remove(name)
            model_id = name.removeprefix("models--").replace("--", "/")
            snapshot = _hf_snapshot(here / name) if (here / name / "snapshots").is_dir() else None
            found = _card(snapshot / "README.md" if snapshot else None, model_id, read_model_card, required=True)
            if found is not None:
                yield found
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        readme = next((f for f in sorted(files) if f.lower() == "readme.md"), None)
        if readme is not None:
            relative = here.relative_to(root)
            model_id = str(relative).replace(os.sep, "/") if str(relative) != "." else root.resolve().name
            found = _card(here / readme, model_id, read_model_card, required=False)
            if found is not None:
                yield found


def _card(card: Path | None, model_id: str, read: Callable[[Path], dict[str, Any]], *, required: bool) -> Item | None:
    """A model card's row; None for a README that is not a model card (no front matter)."""
    shown = str(card)
    if card is None or not card.is_file():
        return (model_id, (None, None, None), shown, 1) if required else None
    try:
        with card.open("rb") as stream:  # three bytes, not the whole README
            if not required and stream.read(3) != b"---":
                return None
        fields = read(card)
    except DiagnosticError as error:
        return error.diagnostics[0]
    except (OSError, UnicodeDecodeError) as error:
        return _bad(shown, 1, f"cannot read the model card: {error}")
    key = (_hashable(fields.get("license")), _hashable(fields.get("license_name")), _hashable(fields.get("base_model")))
    return model_id, key, shown, 1


def source_kind(path: Path) -> SourceKind:
    """What a path given to `scan` holds, by its kind and suffix."""
    if path.is_dir():
        return SourceKind.FOLDER
    return SourceKind.CSV if path.suffix.lower() == ".csv" else SourceKind.JSONL
