"""The rule model: a licence as typed, frozen data.

Built from a syntax tree by `checker.language.builder`; read by the evaluator. Every node carries its span,
which is excluded from dumps and from equality: two licences mean the same when their dumps do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from checker.diagnostics.span import Span
from checker.terms.vocabulary import Comparator, Fact, Modality, ObligationKind, Unit, UseCase, Verification


class Node(BaseModel):
    """Base of every model node: frozen, no extra fields, a span that does not count for equality."""

    # Built on first validation, not at import: a start from the cache never validates a node.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    span: Span | None = Field(default=None, exclude=True, repr=False)

    def _semantic(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in type(self).model_fields if name != "span")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Node)
        return self._semantic() == other._semantic()

    def __hash__(self) -> int:
        return hash((type(self), self._semantic()))


class Quantity(Node):
    value: Decimal
    unit: Unit | None = None

    def __str__(self) -> str:
        number = f"{self.value:,}"
        if self.unit is Unit.USD:
            return f"USD {number}"
        return f"{number} {self.unit}" if self.unit else number


class Parameter(Node):
    """A named threshold, declared once with the section and words it comes from."""

    name: str
    value: Quantity
    section: str
    heading: str | None = None
    quote: str


# ---- conditions ---------------------------------------------------------------------------


class MonthBefore(Node):
    """The calendar month before a date: Llama's "on the … release date, … in the preceding
    calendar month". `from_release` records that the date is the licence's release date."""

    kind: Literal["month-before"] = "month-before"
    date: dt.date
    from_release: bool

    @property
    def month(self) -> str:
        """The month measured, as YYYY-MM."""
        first = self.date.replace(day=1)
        previous = first - dt.timedelta(days=1)
        return f"{previous.year:04d}-{previous.month:02d}"


class FlagIs(Node):
    """A yes/no fact: `commercial`."""

    kind: Literal["flag"] = "flag"
    fact: Fact


class Compare(Node):
    """`mau in month before release > mau_cap`, `revenue > USD 1M`."""

    kind: Literal["compare"] = "compare"
    fact: Fact
    anchor: MonthBefore | None = None
    comparator: Comparator
    value: Quantity
    parameter: str | None = None  # the parameter's name when the value was given by name


class InRegion(Node):
    """`domicile in EU`: the fact's region lies within one of the named regions."""

    kind: Literal["in-region"] = "in-region"
    fact: Fact
    regions: tuple[str, ...]


class AnyMarketIn(Node):
    """`any market in EU`: some end-user market lies within the named regions."""

    kind: Literal["any-market-in"] = "any-market-in"
    fact: Fact = Fact.MARKET
    regions: tuple[str, ...]


class AnyUseIn(Node):
    """`any use in {military, weapons}`: the service has one of the named use cases; with `every`
    (`every use in {research}`), each of its use cases is one of them."""

    kind: Literal["any-use-in"] = "any-use-in"
    fact: Fact = Fact.USE
    uses: tuple[UseCase, ...]
    every: bool = False


class IsModality(Node):
    """`modality is multimodal`."""

    kind: Literal["is-modality"] = "is-modality"
    fact: Fact = Fact.MODALITY
    value: Modality


class StartsWith(Node):
    """`derivative-name starts with "Llama"`."""

    kind: Literal["starts-with"] = "starts-with"
    fact: Fact
    prefix: str


class NotCondition(Node):
    kind: Literal["not"] = "not"
    item: Condition


class AllOf(Node):
    kind: Literal["all"] = "all"
    items: tuple[Condition, ...]


class AnyOf(Node):
    kind: Literal["any"] = "any"
    items: tuple[Condition, ...]


Condition = Annotated[
    FlagIs | Compare | InRegion | AnyMarketIn | AnyUseIn | IsModality | StartsWith | NotCondition | AllOf | AnyOf,
    Field(discriminator="kind"),
]


# ---- effects ------------------------------------------------------------------------------


class Permits(Node):
    """The grant: what the licence permits when its condition holds (always, without one)."""

    kind: Literal["permits"] = "permits"


class Forbidden(Node):
    kind: Literal["forbidden"] = "forbidden"


class NeedsLicense(Node):
    """Permitted only with a separate grant from the licensor (Llama's §2)."""

    kind: Literal["needs-license"] = "needs-license"
    licensor: str


class Unclear(Node):
    """The licence text leaves the answer open: the condition holding makes the result undetermined,
    with this question for a human to answer.

    A user may answer it (`--answer LICENCE/CLAUSE=yes|no`). The answer `refusing_answer` (yes,
    unless the file says `if no …`) makes the clause act as `refusal` with the same condition; the
    other answer switches the clause off.
    """

    kind: Literal["unclear"] = "unclear"
    question: str
    refusing_answer: bool = True
    refusal: Forbidden | NeedsLicense = Field(default_factory=Forbidden, discriminator="kind")


class Terminates(Node):
    """The licence ends when the condition holds: a termination clause on something the licensee
    does, such as suing over the model (Llama §5.c, Apache-2.0 §3).

    `licensor` None: the whole licence ends, and the use is forbidden. A licensor named: only the
    patent licence ends (`terminates patent license from "X"`), the copyright licence stays, and the
    use needs a patent licence from X. Unlike a refusal, a termination whose condition is unknown
    does not make the result undetermined: it is listed beside the result with the facts that would
    settle it (a licence ends on what the licensee does, and the common case is that it has not).
    """

    kind: Literal["terminates"] = "terminates"
    licensor: str | None = None


class Exempts(Node):
    """When the condition holds, the named clauses do not apply (e.g. end users of an integrated
    product are not bound by §2)."""

    kind: Literal["exempts"] = "exempts"
    clauses: tuple[str, ...]


class Obligation(Node):
    """A duty the use triggers. `text` is the attribution, prefix, notice or policy name."""

    kind: Literal["obligation"] = "obligation"
    duty: ObligationKind
    text: str | None = None
    accepted: tuple[str, ...] = ()
    """For `share alike under "ID", …`: the catalogue ids of the licences the text accepts for an
    adaptation (checked against the profile's `derivative-license`); empty when the text names none."""


Effect = Annotated[
    Permits | Forbidden | NeedsLicense | Unclear | Terminates | Exempts | Obligation, Field(discriminator="kind")
]


class Clause(Node):
    """One provision: its section, the verbatim quote it formalises, when it applies, what it does."""

    id: str
    section: str
    heading: str | None = None
    quote: str
    condition: Condition | None = None
    effect: Effect
    notes: tuple[str, ...] = ()
    ambiguities: tuple[str, ...] = ()
    unverified: tuple[str, ...] = ()
    """What in this clause could not be verified against the licensor's text. The evaluator never
    lets such a clause refuse on its own: it yields undetermined with the open question."""


def quote_hash(quote: str) -> str:
    """The SHA-256 of a clause's quote (UTF-8, hex): what a waiver pins, so that it lapses when the text changes."""
    return hashlib.sha256(quote.encode("utf-8")).hexdigest()


class License(Node):
    """One licence version, as written in one `.terms` file."""

    id: str
    name: str
    licensor: str
    version: str | None = None
    effective: dt.date | None = None
    released: dt.date | None = None
    sources: tuple[str, ...]
    families: tuple[str, ...] = ()
    """The licence's own family first (`cc-by`), then any wider one a model hub names (`cc`)."""
    aliases: tuple[str, ...] = ()
    hf_tags: tuple[str, ...] = ()
    spdx: str | None = None
    governing_law: str | None = None
    verification: Verification
    verification_note: str
    applies_with: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    clauses: tuple[Clause, ...]

    @property
    def family(self) -> str | None:
        """The licence's own family: the first it names."""
        return self.families[0] if self.families else None

    @property
    def primary_source(self) -> str:
        return self.sources[0]

    def clause(self, clause_id: str) -> Clause:
        return next(c for c in self.clauses if c.id == clause_id)


def facts_of(condition: Condition | None) -> frozenset[Fact]:
    """The facts a condition reads."""
    match condition:
        case None:
            return frozenset()
        case NotCondition(item=item):
            return facts_of(item)
        case AllOf(items=items) | AnyOf(items=items):
            return frozenset().union(*(facts_of(i) for i in items))
        case _:
            return frozenset({condition.fact})


def atoms(condition: Condition | None) -> Iterator[Condition]:
    """The atomic conditions of a condition (everything but `not`, `and` and `or`), in order."""
    match condition:
        case None:
            return
        case NotCondition(item=item):
            yield from atoms(item)
        case AllOf(items=items) | AnyOf(items=items):
            for item in items:
                yield from atoms(item)
        case _:
            yield condition
