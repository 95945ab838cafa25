"""The syntax tree of a licence file: what the parser read, names not yet checked.

Plain frozen dataclasses, one per construct, each with its span. `checker.language.builder` turns a tree into
the strict model (`checker.terms.model`), checking every name against the vocabularies and collecting
every mistake it finds.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.diagnostics import Diagnostic
from checker.diagnostics.span import Span


@dataclass(frozen=True)
class Word:
    """A name or literal as written, with where it was written."""

    text: str
    span: Span


@dataclass(frozen=True)
class Quantity:
    """`700M users`, `USD 1M`, `700_000_000`: the number as written and an optional unit word."""

    number: Word
    unit: Word | None
    span: Span


@dataclass(frozen=True)
class Section:
    number: str
    heading: str | None
    span: Span


@dataclass(frozen=True)
class Quote:
    """The verbatim licence text: the quote lines joined by single spaces."""

    text: str
    span: Span


@dataclass(frozen=True)
class HeaderField:
    key: str
    values: tuple[Word, ...]
    span: Span


@dataclass(frozen=True)
class Header:
    license_id: Word
    name: Word
    fields: tuple[HeaderField, ...]
    span: Span


@dataclass(frozen=True)
class Param:
    name: Word
    quantity: Quantity
    section: Section
    quote: Quote
    span: Span


# ---- conditions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """`in month before release` (date None) or `in month before 2024-07-23`."""

    date: Word | None
    span: Span


@dataclass(frozen=True)
class Measure:
    fact: Word
    anchor: Anchor | None
    span: Span


@dataclass(frozen=True)
class Flag:
    fact: Word
    span: Span


@dataclass(frozen=True)
class Comparison:
    measure: Measure
    comparator: Word
    value: Quantity | Word  # a Word names a parameter
    span: Span


@dataclass(frozen=True)
class LocatedIn:
    fact: Word
    names: tuple[Word, ...]
    span: Span


@dataclass(frozen=True)
class AnyIn:
    fact: Word
    names: tuple[Word, ...]
    span: Span
    every: bool = False  # `every use in {…}`: each element is one of the names (`any`: some element is)


@dataclass(frozen=True)
class Equals:
    fact: Word
    value: Word
    span: Span


@dataclass(frozen=True)
class StartsWith:
    fact: Word
    text: Word
    span: Span


@dataclass(frozen=True)
class Not:
    item: Condition
    span: Span


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]
    span: Span


@dataclass(frozen=True)
class Any:
    items: tuple[Condition, ...]
    span: Span


Condition = Flag | Comparison | LocatedIn | AnyIn | Equals | StartsWith | Not | All | Any


# ---- effects ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    """`permits`, `forbidden`, `needs license from "X"`, `unclear "…"`, `exempts a, b`, or `must …`.

    `kind` is the effect's keyword (for `must`, the obligation's: `display`, `name-prefix`, …);
    `args` holds its strings or names.
    """

    kind: str
    args: tuple[Word, ...]
    span: Span
    answer: Word | None = None  # `unclear "…" if yes|no …`: the answer that refuses
    refusal: Effect | None = None  # … and what it makes of the clause


@dataclass(frozen=True)
class ClauseNote:
    kind: str  # "note", "ambiguous" or "unverified"
    text: Word
    span: Span


@dataclass(frozen=True)
class Clause:
    name: Word
    section: Section
    quote: Quote
    condition: Condition | None
    effect: Effect
    notes: tuple[ClauseNote, ...]
    span: Span


@dataclass(frozen=True)
class LicenseFile:
    header: Header
    params: tuple[Param, ...]
    clauses: tuple[Clause, ...]
    span: Span


@dataclass(frozen=True)
class Lexeme:
    """One token as written, for tools that rewrite a file's layout (`modelterms fmt`).

    `kind` is `keyword` or `punct` for the language's fixed words and signs (`text` says which),
    else the kind of value: `license-id`, `name`, `string`, `quote`, `number`, `date`, `section`,
    `comparator`, or `comment`. `start` and `end` are offsets in the text (end exclusive).
    """

    kind: str
    text: str
    start: int
    end: int
    line: int
    column: int


@dataclass(frozen=True)
class Recovered:
    """A file read past its syntax errors: the syntax diagnostics, and the tree of what remained.

    Each mistake's item (clause or parameter) is skipped up to the next item, so that later
    mistakes are found too. `skipped` and `header_cut` tell the builder that names defined in the
    skipped text are missing for that reason, not because they were never written.
    """

    file: LicenseFile | None
    diagnostics: tuple[Diagnostic, ...]
    skipped: bool
    header_cut: bool
