"""The JSON of a hub dump's rows, read and written a block at a time: the part of `scan` that is
the parse, kept apart from what the scan decides.

A hub scan is as fast as its JSON: everything but the parse must cost less than the parse (issue 16
asks a scan for at most twice an orjson read of the file). So a block of rows is read with C-level
loops only: msgspec decodes each row into a struct of the fields the scan reads, skipping the
rest of the row unbuilt (a Hub API row carries dozens of fields), read out as a tuple. Where
msgspec is missing, orjson (or the standard library's json) builds each row's dict instead.

`block_fields` raises on a block with any row it cannot read fast (not JSON, not an object, an `id`
that is not a string): the scan then reads that block row by row with `loads`, whose errors it
reports (`DECODE_ERRORS`), so a bad row reads the same whichever library is installed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from operator import itemgetter
from typing import Any

try:  # a dependency (about twice as fast as json on a dump); json where it is missing
    import orjson

    loads: Callable[[bytes], Any] = orjson.loads
    DECODE_ERRORS: tuple[type[Exception], ...] = (orjson.JSONDecodeError,)

    def _dump_strings(texts: list[str] | str) -> str:
        return orjson.dumps(texts).decode()

except ImportError:  # pragma: no cover - depends on the environment
    loads = json.loads
    # The standard parser recurses: a row nested 5,000 levels deep is a bad row, not exit 3 (issue 14).
    DECODE_ERRORS = (ValueError, RecursionError)
    _dump_strings = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # type: ignore[assignment]

Fields = tuple[Any, Any, Any]
"""A row's raw `license`, `license_name` and `base_model`."""

VALUES = ("id", "license", "license_name", "base_model", "cardData", "tags")
"""What `block_fields` reads of each row, in this order (a row without `id` is parsed again whole
by the scan: it may have a `modelId`)."""
_first, _key_slice = itemgetter(0), itemgetter(slice(1, 4))

_META_TAG = re.compile(r"^(?:license|base_model):.*", re.MULTILINE)


def meta_tags(tags: list[Any]) -> tuple[str, ...] | None:
    """The `license:` and `base_model:` tags of a list, in order, found by one regular-expression
    search over the tags joined (a Hub record has a dozen tags, a dataset or a paper among them, and
    hardly two lists are the same, while their licence and base-model tags repeat); None when a tag
    is no string or holds a newline (such a list is read tag by tag)."""
    try:
        joined = "\n".join(tags)
    except TypeError:
        return None
    if joined.count("\n") != len(tags) - 1:
        return None
    return tuple(_META_TAG.findall(joined))


try:  # a dependency: decodes only the fields read, into a struct the GC does not track
    import msgspec

    NO_TAGS: Any = msgspec.Raw()
    """A row's `tags` as `block_fields` reads it when the row has none."""

    class _Row(msgspec.Struct, gc=False):
        id: str | None = None  # an id of another type fails the block: it is read row by row
        license: Any = None
        license_name: Any = None
        base_model: Any = None
        # Read only for a row the memo cannot decide from the three above (a Hub API record's
        # metadata is in its tags or card data); its tags are kept raw, a slice of the row, and
        # searched as bytes (`row_meta_tags`) rather than built as a dozen strings.
        cardData: Any = None  # the Hugging Face API's name
        tags: msgspec.Raw = NO_TAGS

    _decode_row = msgspec.json.Decoder(_Row).decode
    # `astuple` reads the struct's slots in one call, and a tuple's items are read without the
    # attribute lookups an `attrgetter` makes on the struct's type.
    _as_tuple = msgspec.structs.astuple
    BLOCK_ERRORS: tuple[type[Exception], ...] = (ValueError, RecursionError)  # msgspec.DecodeError is a ValueError
    # A string of a flat JSON array of strings without escapes: its characters as they are.
    _RAW_META_TAG = re.compile(rb'"((?:license|base_model):[^"\\]*)"')
    _decode = bytes.decode

    def _rows(lines: list[bytes]) -> list[tuple[Any, ...]]:
        return list(map(_as_tuple, map(_decode_row, lines)))

    def row_tags(tags: Any) -> Any:
        """A row's `tags` as `block_fields` read it, decoded (None when the row has none)."""
        return None if tags is NO_TAGS else msgspec.json.decode(tags)

    def row_meta_tags(tags: Any) -> tuple[str, ...] | None:
        """`meta_tags` of a row's `tags` as `block_fields` read it, searched in the raw JSON; None
        when it is no flat list of strings without escapes (it is then decoded and read whole)."""
        raw = bytes(tags)
        if raw[:1] != b"[" or raw.count(b"[") != 1 or b"{" in raw or b"\\" in raw:
            return None
        return tuple(map(_decode, _RAW_META_TAG.findall(raw)))

except ImportError:  # pragma: no cover - depends on the environment
    NO_TAGS = None
    BLOCK_ERRORS = (AttributeError, TypeError, *DECODE_ERRORS)

    def _rows(lines: list[bytes]) -> list[tuple[Any, ...]]:
        rows = [tuple(map(row.get, VALUES)) for row in map(loads, lines)]  # AttributeError: no object
        if {type(row[0]) for row in rows} - {type(None), str}:
            raise TypeError("an id that is not a string")
        return rows

    def row_tags(tags: Any) -> Any:
        """A row's `tags` as `block_fields` read it, decoded (None when the row has none)."""
        return tags

    def row_meta_tags(tags: Any) -> tuple[str, ...] | None:
        """`meta_tags` of a row's `tags` as `block_fields` read it (None when it is no list)."""
        return meta_tags(tags) if type(tags) is list else None


def block_fields(lines: list[bytes]) -> tuple[list[Any], list[Fields], list[tuple[Any, ...]]]:
    """Each row's `id`, its fields, and the row's `VALUES`; raises (`BLOCK_ERRORS`) if any row is
    not a JSON object or has an `id` that is not a string."""
    rows = _rows(lines)
    return list(map(_first, rows)), list(map(_key_slice, rows)), rows


def json_string_bodies(texts: list[str]) -> list[str]:
    """Each text as the inside of a JSON string (the quotes left out), with one encoder call for the
    whole list: the texts themselves when none has a character to escape (one encoding of them
    joined tells), else the list encoded as a JSON array and cut at its `","` separators (inside an
    encoded string every `"` is escaped, `\\"`, so a quote, a comma and a quote in a row are
    always a separator)."""
    if not texts:
        return []
    joined = "".join(texts)
    if len(_dump_strings(joined)) == len(joined) + 2:  # nothing to escape (the usual block): as they are
        return texts
    return _dump_strings(texts)[2:-2].split('","')
