"""The profile space a set of licences distinguishes: for each fact their conditions read, the classes
of values that no condition tells apart.

Pure: reads the rule model, writes no verdicts. A quantity is cut at every threshold a condition
compares it with (so `mau > 700M` gives "≤ 700,000,000" and "> 700,000,000"); a region, a set of
markets or a set of uses is cut by the regions and use lists the conditions name; a yes/no fact has
its two answers. Monthly active users measured in a given month (Llama's "in the preceding calendar
month") are a fact of their own per month. Only what the licences read is enumerated, which keeps
the space small; where a set-valued fact still has too many combinations, the enumeration is
bounded and says so (`Space.bounded`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from checker.evaluation.profile import MonthlyActiveUsers, ServiceProfile, field_for, flag_for
from checker.evaluation.wording import FLAG_WORDS
from checker.terms import model
from checker.terms.regions import countries, groups, members
from checker.terms.verdict import LicenseVerdict, MissingFact
from checker.terms.vocabulary import Comparator, Fact, FactKind, Modality, ObligationKind, Outcome, UseCase

# Set-valued facts (markets, uses) are enumerated as combinations of their classes; at most this
# many combinations per fact (sizes are cut where the next size would exceed it, and reported).
MAX_COMBINATIONS = 64

# Representatives of a region class, most familiar first (any member stands for its class).
_PREFERRED_COUNTRIES = ("US", "DE", "GB", "FR", "CN", "JP", "CH", "NO", "IN", "BR", "CA", "KR", "SG", "AE")


def flag_words(fact: Fact, value: bool) -> str:
    """A yes/no fact in words: `trains-on-outputs` yes → "uses outputs to train another model"."""
    yes, no = FLAG_WORDS[fact]
    return yes if value else no


@dataclass(frozen=True, order=True)
class Axis:
    """One dimension of the profile space: a fact, and for monthly active users the month measured."""

    fact: Fact
    month: str | None = None

    @property
    def label(self) -> str:
        """`mau in 2024-06`, `domicile`, `trains-on-outputs`."""
        return f"{self.fact.value} in {self.month}" if self.month else self.fact.value

    @property
    def option(self) -> str:
        """The `check` flag that sets this fact (for suggestions such as `--mau 2024-06=N`)."""
        return flag_for(self.fact)


@dataclass(frozen=True)
class Choice:
    """One class of values of an axis: a representative value and the class in words."""

    axis: Axis
    value: object
    """The representative, as the profile holds it (None only for "no derived model name")."""
    words: str
    """The class: `> 700,000,000`, `in EU`, `yes`."""
    low: Decimal | None = None
    high: Decimal | None = None
    """For a quantity: the class's bounds (inclusive; None = unbounded), to find the nearest value."""
    members: frozenset[str] = frozenset()
    """For a region or use class: every country or use case in it."""

    def nearest(self, current: Decimal) -> Decimal:
        """The value of this class nearest to `current` (a quantity's flip point)."""
        if self.low is not None and current < self.low:
            return self.low
        if self.high is not None and current > self.high:
            return self.high
        return current


def value_text(axis: Axis, value: object) -> str:
    """A value of an axis as the output shows it."""
    match value:
        case None:
            return "not given"
        case bool():
            return flag_words(axis.fact, value)
        case int() | Decimal():
            return ("USD " if axis.fact is Fact.REVENUE else "") + f"{value:,}"
        case tuple():
            return ", ".join(str(v) for v in value) or "none"
        case _:
            return str(value)


@dataclass(frozen=True)
class AxisSpace:
    """An axis and its classes. For set-valued facts, `classes` are the classes of one element and
    `choices` the combinations enumerated; for the others the two are the same."""

    axis: Axis
    classes: tuple[Choice, ...]
    choices: tuple[Choice, ...]
    bounded: str | None = None
    prefixes: tuple[str, ...] = ()
    """For the derived model's name: the prefixes the licences test."""
    accepted: tuple[frozenset[str], ...] = ()
    """For the derivative's licence: the sets of licences the share-alike duties accept."""
    neutral: int | None = None
    """For a set-valued fact: the element class no condition names (other uses; markets outside
    every region named). A set of none stands for a set of it: no condition tells the two apart,
    and only the second can be written as `check` flags."""

    def classify(self, profile: ServiceProfile) -> Choice | None:
        """The class the profile's value falls in (None when the profile leaves it unknown or vague)."""
        value = read(profile, self.axis)
        if value is None and self.axis.fact not in GIVEN_OR_NOT:
            return None
        for choice in self.choices:
            if _same_class(self, value, choice.value):
                return choice
        if isinstance(value, tuple):  # a combination larger than those enumerated
            classes = sorted(_set_classes(self, value))
            return Choice(self.axis, value, " + ".join(self.classes[i].words for i in classes) or "none")
        return None

    def element_classes(self, value: tuple[object, ...]) -> frozenset[int]:
        """For a set-valued fact: which element classes (indexes into `classes`) a set touches."""
        return _set_classes(self, value)


@dataclass(frozen=True)
class Space:
    """The axes a set of licences reads, in a fixed order."""

    axes: tuple[AxisSpace, ...]

    @property
    def bounded(self) -> tuple[str, ...]:
        """What the enumeration left out (combinations of uses or markets beyond a size), in words."""
        return tuple(a.bounded for a in self.axes if a.bounded)

    def get(self, axis: Axis) -> AxisSpace | None:
        return next((a for a in self.axes if a.axis == axis), None)

    @property
    def size(self) -> int:
        """How many profiles a full enumeration of every class would visit."""
        total = 1
        for a in self.axes:
            total *= len(a.choices)
        return total


# ---- reading and writing a profile's value for an axis ------------------------------------


def read(profile: ServiceProfile, axis: Axis) -> object:
    """The profile's value on an axis (None when unknown). MAU in a month falls back to the current
    figure, as the evaluator does."""
    if axis.fact is Fact.MAU:
        if profile.mau is None:
            return None
        return profile.mau.in_month(axis.month)[0] if axis.month else profile.mau.current
    return profile.value_of(axis.fact)


def write(profile: ServiceProfile, axis: Axis, value: object) -> ServiceProfile:
    """A copy of the profile with the axis set to `value` (already in the profile's own types)."""
    if axis.fact is Fact.MAU:
        mau = profile.mau or MonthlyActiveUsers()
        assert isinstance(value, int)
        if axis.month:
            updated = mau.model_copy(update={"by_month": dict(sorted({**mau.by_month, axis.month: value}.items()))})
        else:
            updated = mau.model_copy(update={"current": value})
        return profile.model_copy(update={"mau": updated})
    return profile.model_copy(update={field_for(axis.fact): value})


def missing_axis(missing: MissingFact) -> Axis:
    """The axis a missing fact of a verdict asks about."""
    fact = Fact(missing.fact)
    if fact is Fact.MAU:
        return Axis(fact, missing.detail)
    return Axis(fact)


# ---- collecting what the conditions read --------------------------------------------------


@dataclass
class _Reads:
    thresholds: dict[Axis, set[tuple[Comparator, Decimal]]] = field(default_factory=dict)
    regions: dict[Fact, set[frozenset[str]]] = field(default_factory=dict)
    uses: set[frozenset[UseCase]] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    accepted: set[frozenset[str]] = field(default_factory=set)
    flags: set[Fact] = field(default_factory=set)
    modality: bool = False


def _collect(licenses: Iterable[model.License]) -> _Reads:
    reads = _Reads()
    for license in licenses:
        for clause in license.clauses:
            effect = clause.effect
            if isinstance(effect, model.Obligation) and effect.duty is ObligationKind.NAME_PREFIX and effect.text:
                reads.prefixes.add(effect.text)
            if isinstance(effect, model.Obligation) and effect.duty is ObligationKind.SHARE_ALIKE and effect.accepted:
                reads.accepted.add(frozenset(effect.accepted))
            for atom in model.atoms(clause.condition):
                match atom:
                    case model.Compare(fact=fact, anchor=anchor, comparator=comparator, value=value):
                        axis = Axis(fact, anchor.month if anchor else None)
                        reads.thresholds.setdefault(axis, set()).add((comparator, value.value))
                    case model.InRegion(fact=fact, regions=regions) | model.AnyMarketIn(fact=fact, regions=regions):
                        target = frozenset().union(*(members(r) for r in regions))
                        reads.regions.setdefault(fact, set()).add(target)
                    case model.AnyUseIn(uses=uses):
                        reads.uses.add(frozenset(uses))
                    case model.IsModality():
                        reads.modality = True
                    case model.StartsWith(prefix=prefix):
                        reads.prefixes.add(prefix)
                    case model.FlagIs(fact=fact):
                        reads.flags.add(fact)
    return reads


def space_of(licenses: Sequence[model.License]) -> Space:
    """The classes of every fact the licences' conditions (and name-prefix duties) read."""
    reads = _collect(licenses)
    axes: list[AxisSpace] = []
    for axis in sorted(reads.thresholds, key=lambda a: (list(Fact).index(a.fact), a.month or "")):
        classes = _quantity_classes(axis, reads.thresholds[axis])
        axes.append(AxisSpace(axis, classes, classes))
    for fact in (Fact.DOMICILE, Fact.MARKET):
        if fact in reads.regions:
            classes = _region_classes(Axis(fact), reads.regions[fact])
            if fact is Fact.DOMICILE:
                axes.append(AxisSpace(Axis(fact), classes, classes))
            else:
                axes.append(_set_axis(Axis(fact), classes))
    if reads.uses:
        axes.append(_set_axis(Axis(Fact.USE), _use_classes(reads.uses)))
    if reads.modality:
        modality = tuple(Choice(Axis(Fact.MODALITY), m, m.value) for m in Modality)
        axes.append(AxisSpace(Axis(Fact.MODALITY), modality, modality))
    for fact in Fact:
        if fact.kind is FactKind.FLAG and fact in reads.flags:
            flags = tuple(Choice(Axis(fact), v, "yes" if v else "no") for v in (True, False))
            axes.append(AxisSpace(Axis(fact), flags, flags))
    if reads.prefixes:
        names = _name_classes(reads.prefixes)
        axes.append(AxisSpace(Axis(Fact.DERIVATIVE_NAME), names, names, prefixes=tuple(sorted(reads.prefixes))))
    if reads.accepted:
        accepted = tuple(sorted(reads.accepted, key=sorted))
        licences = _licence_classes(accepted)
        axes.append(AxisSpace(Axis(Fact.DERIVATIVE_LICENSE), licences, licences, accepted=accepted))
    return Space(tuple(axes))


GIVEN_OR_NOT = frozenset({Fact.DERIVATIVE_NAME, Fact.DERIVATIVE_LICENSE})
"""Facts whose absence is a class of its own (no derived model named, no derivative licence given)
rather than unknown: a duty is shown unmet only by a value given."""


def licence_vector(space: AxisSpace, licence: str) -> tuple[bool, ...]:
    """Which of the axis's accepted sets a derivative licence (any case) is in: what tells classes apart."""
    return tuple(licence.lower() in s for s in space.accepted)


# Licences a derivative may be released under that no share-alike duty of the catalogue accepts:
# the first not accepted stands for "another licence".
_OTHER_LICENCES = ("mit", "apache-2.0", "bsd-3-clause", "other-licence")


def _licence_classes(accepted: tuple[frozenset[str], ...]) -> tuple[Choice, ...]:
    axis = Axis(Fact.DERIVATIVE_LICENSE)
    other = next(o for o in _OTHER_LICENCES if not any(o in s for s in accepted))
    seen: dict[tuple[bool, ...], str] = {}
    for licence in [*sorted(set().union(*accepted)), other]:
        seen.setdefault(tuple(licence in s for s in accepted), licence)
    # "Not given" is a class of its own, as "no derived model named" is for the name: a duty is
    # shown unmet only by a licence given.
    given = [
        Choice(axis, licence, f"= {licence}" if any(vector) else f"= {licence} (accepted by no share-alike term)")
        for vector, licence in seen.items()
    ]
    return (Choice(axis, None, "not given"), *given)


def _quantity_classes(axis: Axis, thresholds: set[tuple[Comparator, Decimal]]) -> tuple[Choice, ...]:
    """Cut the line at every threshold: the threshold points and the open stretches between them,
    merged where no comparison tells neighbours apart. Quantities are whole numbers (users, USD)."""
    points = sorted({t for _, t in thresholds})
    pieces: list[tuple[Decimal, Decimal | None]] = []  # inclusive (low, high); high None = unbounded
    low = Decimal(0)
    for t in points:
        if t > low:
            pieces.append((low, t - 1))
        if t >= 0:
            pieces.append((max(t, Decimal(0)), max(t, Decimal(0))))
        low = t + 1
    pieces.append((low, None))

    def vector(value: Decimal) -> tuple[bool, ...]:
        return tuple(c.holds(value, t) for c, t in sorted(thresholds))

    merged: list[tuple[Decimal, Decimal | None]] = []
    for piece in pieces:
        if merged and vector(merged[-1][0]) == vector(piece[0]):
            merged[-1] = (merged[-1][0], piece[1])
        else:
            merged.append(piece)
    choices = []
    for low_value, high_value in merged:
        representative = low_value if high_value is None else high_value
        value: object = int(representative) if axis.fact is not Fact.REVENUE else representative
        choices.append(Choice(axis, value, _interval_words(axis, low_value, high_value), low_value, high_value))
    return tuple(choices)


def _interval_words(axis: Axis, low: Decimal, high: Decimal | None) -> str:
    def num(value: Decimal) -> str:
        return value_text(axis, value)

    if high is None:
        return f"> {num(low - 1)}" if low > 0 else "any"
    if low == high:
        return f"= {num(low)}"
    if low == 0:
        return f"≤ {num(high)}"
    return f"{num(low)} to {num(high)}"


def _region_classes(axis: Axis, targets: set[frozenset[str]]) -> tuple[Choice, ...]:
    """Countries grouped by which of the named regions they lie in; one representative each."""
    ordered = sorted(targets, key=lambda t: (-len(t), sorted(t)))
    by_vector: dict[tuple[bool, ...], list[str]] = {}
    for code in sorted(countries()):
        by_vector.setdefault(tuple(code in t for t in ordered), []).append(code)
    choices = []
    for vector, codes in sorted(by_vector.items(), key=lambda kv: kv[0], reverse=True):
        representative = next((c for c in _PREFERRED_COUNTRIES if c in codes), codes[0])
        inside = [_region_label(t) for t, hit in zip(ordered, vector, strict=True) if hit]
        outside = [_region_label(t) for t, hit in zip(ordered, vector, strict=True) if not hit]
        words = ", ".join(
            ([f"in {' and '.join(inside)}"] if inside else []) + ([f"outside {', '.join(outside)}"] if outside else [])
        )
        choices.append(Choice(axis, representative, words, members=frozenset(codes)))
    return tuple(choices)


def _region_label(target: frozenset[str]) -> str:
    for name, group in groups().items():
        if group == target:
            return name
    codes = sorted(target)
    return codes[0] if len(codes) == 1 else "{" + ", ".join(codes) + "}"


def _use_classes(sets: set[frozenset[UseCase]]) -> tuple[Choice, ...]:
    ordered = sorted(sets, key=sorted)
    by_vector: dict[tuple[bool, ...], list[UseCase]] = {}
    for use in UseCase:
        by_vector.setdefault(tuple(use in s for s in ordered), []).append(use)
    axis = Axis(Fact.USE)
    choices = []
    for vector, uses in by_vector.items():
        names = [u.value for u in uses]
        if not any(vector):
            words = "other uses (" + ", ".join(names[:3]) + ("…" if len(names) > 3 else "") + ")"
        else:
            words = names[0] if len(names) == 1 else f"{names[0]} (or {', '.join(names[1:])})"
        choices.append(Choice(axis, uses[0], words, members=frozenset(names)))
    # The unrestricted class first: it is the baseline a flip or a witness starts from.
    choices.sort(key=lambda c: not c.words.startswith("other uses"))
    return tuple(choices)


def _set_axis(axis: Axis, classes: tuple[Choice, ...]) -> AxisSpace:
    """Combinations of classes (each combination one choice), as many sizes as MAX_COMBINATIONS allows."""
    sizes: list[int] = []
    count = 0
    note = None
    for size in range(1, len(classes) + 1):
        more = math.comb(len(classes), size)
        if count + more > MAX_COMBINATIONS and sizes:
            note = (
                f"{axis.fact.value}: combinations of at most {sizes[-1]} of its {len(classes)} classes were enumerated"
            )
            break
        sizes.append(size)
        count += more
    choices = []
    for size in sizes:
        for combo in itertools.combinations(classes, size):
            value = tuple(sorted({str(c.value) for c in combo}))
            words = " + ".join(c.words for c in combo)
            choices.append(Choice(axis, _typed_set(axis, value), words))
    neutral = next((i for i, c in enumerate(classes) if c.words.startswith(("other uses", "outside"))), None)
    return AxisSpace(axis, classes, tuple(choices), note, neutral=neutral)


def _typed_set(axis: Axis, value: tuple[str, ...]) -> tuple[object, ...]:
    if axis.fact is Fact.USE:
        return tuple(sorted(UseCase(v) for v in value))
    return value


def _name_classes(prefixes: set[str]) -> tuple[Choice, ...]:
    axis = Axis(Fact.DERIVATIVE_NAME)
    ordered = sorted(prefixes)
    candidates = [*(p + "-Acme" for p in sorted(prefixes, key=len, reverse=True)), "Acme"]
    seen: dict[tuple[bool, ...], str] = {}
    for name in candidates:
        seen.setdefault(tuple(name.startswith(p) for p in ordered), name)
    choices = [Choice(axis, None, "no derived model named")]
    for vector, name in seen.items():
        starts = [f"“{p}”" for p, hit in zip(ordered, vector, strict=True) if hit]
        words = (
            f"starts with {' and '.join(starts)}"
            if starts
            else "starts with none of " + ", ".join(f"“{p}”" for p in ordered)
        )
        choices.append(Choice(axis, name, words))
    return tuple(choices)


def _same_class(space: AxisSpace, value: object, representative: object) -> bool:
    """Whether a profile's value and a class representative are alike for every condition."""
    match space.axis.fact.kind:
        case FactKind.QUANTITY:
            assert isinstance(value, int | Decimal)
            choice = next(c for c in space.choices if c.value == representative)
            low_ok = choice.low is None or Decimal(value) >= choice.low
            high_ok = choice.high is None or Decimal(value) <= choice.high
            return low_ok and high_ok
        case FactKind.REGION:
            # A domicile given as a group is in a class only when all of the group is.
            assert isinstance(value, str) and isinstance(representative, str)
            return {_class_of(space, c) for c in members(value)} == {_class_of(space, representative)}
        case FactKind.REGION_SET | FactKind.USE_SET:
            assert isinstance(value, tuple) and isinstance(representative, tuple)
            return _set_classes(space, value) == _set_classes(space, representative)
        case FactKind.TEXT:
            if value is None or representative is None:
                return value is representative
            assert isinstance(value, str) and isinstance(representative, str)
            return all(value.startswith(p) == representative.startswith(p) for p in space.prefixes)
        case FactKind.LICENSE:
            if value is None or representative is None:
                return value is representative
            assert isinstance(value, str) and isinstance(representative, str)
            return licence_vector(space, value) == licence_vector(space, representative)
        case FactKind.CHOICE | FactKind.FLAG:
            return value == representative


def _class_of(space: AxisSpace, element: object) -> int:
    """Which element class (index into `space.classes`) a country or a use case falls in."""
    key = str(element)
    return next(i for i, c in enumerate(space.classes) if key in c.members)


def _set_classes(space: AxisSpace, value: tuple[object, ...]) -> frozenset[int]:
    found: set[int] = set()
    for element in value:
        if space.axis.fact is Fact.MARKET:
            found |= {_class_of(space, c) for c in members(str(element))}
        else:
            found.add(_class_of(space, element))
    return frozenset(found)


def settled(verdict: LicenseVerdict) -> bool:
    """Whether no answer to the facts the profile leaves open can change this verdict's outcome.

    True when every condition was decided (no missing fact: Kleene logic keeps a known truth known
    whatever the unknown facts turn out to be), or when the outcome is forbidden — the worst — by a
    clause whose own condition is known to hold and that no pending exemption could switch off.
    A derived model's name (or the licence it is released under) left out counts as "none named",
    not as unknown. A termination whose fact is not given (`verdict.terminations`) leaves the
    verdict open.
    """
    if not verdict.missing_facts and not verdict.terminations:
        return True  # a termination left open (a claim not said) could still end the licence
    return verdict.outcome is Outcome.FORBIDDEN and any(
        r.outcome is Outcome.FORBIDDEN and not r.missing_facts for r in verdict.reasons
    )
