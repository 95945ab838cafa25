"""Explanations of one verdict: the flip points (the smallest changes of the profile that change the
outcome) and, for an undetermined verdict, the questions that would decide it, fewest first.

Pure: no I/O, no Lark, no rendering. Both work on the classes of `checker.analysis.space`, so a change is
always to a value some condition tells apart, and a quantity moves only as far as the nearest
threshold: "at ≤ 700,000,000 it would be conditional".
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from checker.analysis.space import Axis, AxisSpace, Choice, Space, missing_axis, read, space_of, value_text, write
from checker.evaluation.evaluate import evaluate
from checker.evaluation.profile import ServiceProfile
from checker.terms import model
from checker.terms.verdict import LicenseVerdict
from checker.terms.vocabulary import Fact, FactKind, Outcome

# Questions combine at most this many facts; flips change at most two.
MAX_QUESTION_FACTS = 3
MAX_FLIP_CHANGES = 2


@dataclass(frozen=True)
class Change:
    """One fact changed: from the profile's value to a value of another class."""

    axis: Axis
    before: str
    """The profile's value in words (`800,000,000`, `not given`)."""
    to: Choice
    """The class moved to."""
    value: object
    """The concrete value set: for a quantity the nearest value of the class."""

    @property
    def given(self) -> bool:
        """Whether the profile gave this fact (False: the change supplies a missing fact)."""
        return self.before != "not given"

    @property
    def value_words(self) -> str:
        return value_text(self.axis, self.value)


@dataclass(frozen=True)
class Flip:
    """A change of the profile, and the verdict it gives."""

    changes: tuple[Change, ...]
    profile: ServiceProfile
    verdict: LicenseVerdict

    @property
    def outcome(self) -> Outcome:
        return self.verdict.outcome


@dataclass(frozen=True)
class Answer:
    """One answer to a question (a class per fact asked about), and the outcome it gives."""

    choices: tuple[Choice, ...]
    outcome: Outcome


@dataclass(frozen=True)
class Question:
    """Facts the profile lacks, asked together, and what each answer would make of the verdict."""

    axes: tuple[Axis, ...]
    texts: tuple[str, ...]
    answers: tuple[Answer, ...]

    @property
    def decides(self) -> bool:
        """Every answer gives a settled outcome (none leaves the verdict undetermined)."""
        return all(a.outcome is not Outcome.UNDETERMINED for a in self.answers)


@dataclass(frozen=True)
class Explanation:
    """A verdict, its flip points, and (when undetermined) its questions and open questions."""

    license: model.License
    profile: ServiceProfile
    verdict: LicenseVerdict
    flips: tuple[Flip, ...]
    questions: tuple[Question, ...]
    open_questions: tuple[str, ...]
    """Questions the text itself leaves open (`unclear` clauses, unverified terms): no fact answers them."""
    bounded: tuple[str, ...]


def _alternatives(space: AxisSpace, profile: ServiceProfile) -> Iterator[tuple[Choice, object]]:
    """The classes the axis could move to from the profile's value, with the value to set.

    A quantity moves to the nearest value of each other class; a set of markets or uses gains or
    loses one class of elements; anything else takes each other class's representative. An unknown
    fact may take any class.
    """
    current = read(profile, space.axis)
    mine = space.classify(profile)
    if current is None and space.axis.fact is not Fact.DERIVATIVE_NAME:
        for choice in space.choices:
            yield choice, choice.value
        return
    kind = space.axis.fact.kind
    if kind is FactKind.QUANTITY:
        assert isinstance(current, int | Decimal)
        for choice in space.choices:
            if choice != mine:
                nearest = choice.nearest(Decimal(current))
                yield choice, (int(nearest) if space.axis.fact is not Fact.REVENUE else nearest)
        return
    if kind in (FactKind.REGION_SET, FactKind.USE_SET):
        assert isinstance(current, tuple)
        touched = space.element_classes(current)
        for index, element in enumerate(space.classes):
            if index in touched:
                kept = tuple(v for v in current if not _in_class(space, v, element))
                yield Choice(space.axis, kept, f"without {element.words}"), kept
            else:
                grown = tuple(sorted({*current, element.value}, key=str))
                yield Choice(space.axis, grown, f"also {element.words}"), grown
        return
    # A derived model's name: renaming it comes before naming none (the usual fix is the prefix).
    for choice in sorted(space.choices, key=lambda c: c.value is None):
        if choice != mine:
            yield choice, choice.value


def _in_class(space: AxisSpace, value: object, element: Choice) -> bool:
    return space.element_classes((value,)) <= {space.classes.index(element)}


def flip_points(
    license: model.License,
    profile: ServiceProfile,
    *,
    space: Space | None = None,
    verdict: LicenseVerdict | None = None,
    max_changes: int = MAX_FLIP_CHANGES,
) -> tuple[Flip, ...]:
    """The smallest changes of the profile that change the outcome, nearest first.

    Single changes first: per fact, the nearest change to each other outcome (facts the profile
    gave before facts it lacks; quantities by how far they move). Only when no single change flips
    the outcome are pairs of changes tried (up to `max_changes`).
    """
    space = space or space_of([license])
    verdict = verdict or evaluate(license, profile)
    singles: list[tuple[Change, ServiceProfile]] = []
    for axis_space in space.axes:
        before = value_text(axis_space.axis, read(profile, axis_space.axis))
        for choice, value in _alternatives(axis_space, profile):
            change = Change(axis_space.axis, before, choice, value)
            singles.append((change, write(profile, axis_space.axis, value)))
    found: list[Flip] = []
    seen: set[tuple[Axis, Outcome]] = set()
    for change, changed in singles:
        result = evaluate(license, changed)
        if result.outcome is not verdict.outcome and (change.axis, result.outcome) not in seen:
            seen.add((change.axis, result.outcome))
            found.append(Flip((change,), changed, result))
    if found or max_changes < 2:
        return tuple(sorted(found, key=lambda f: _distance(f, profile, verdict.outcome)))
    for (one, _), (two, _) in itertools.combinations(singles, 2):
        if one.axis == two.axis:
            continue
        changed = write(write(profile, one.axis, one.value), two.axis, two.value)
        result = evaluate(license, changed)
        key = (one.axis, result.outcome)
        if result.outcome is not verdict.outcome and key not in seen:
            seen.add(key)
            found.append(Flip((one, two), changed, result))
    return tuple(sorted(found, key=lambda f: _distance(f, profile, verdict.outcome)))


_KIND_ORDER = (FactKind.QUANTITY, FactKind.REGION, FactKind.REGION_SET, FactKind.CHOICE, FactKind.TEXT, FactKind.FLAG)


def _distance(flip: Flip, profile: ServiceProfile, outcome: Outcome) -> tuple[int, int, bool, int, Decimal]:
    """Fewer changes first; changing a given fact before supplying a missing one; a change to a better
    outcome before one to a worse; a number before a place, a yes/no or a use case (moving a figure
    across a threshold is the smallest change of the service itself); small moves first."""
    kind = max((_KIND_ORDER.index(c.axis.fact.kind) if c.axis.fact.kind in _KIND_ORDER else 6) for c in flip.changes)
    moved = Decimal(0)
    for change in flip.changes:
        current = read(profile, change.axis)
        if isinstance(current, int | Decimal) and isinstance(change.value, int | Decimal) and current:
            moved += abs(Decimal(change.value) - Decimal(current)) / Decimal(current)
    supplied = sum(not c.given for c in flip.changes)
    return len(flip.changes), supplied, flip.outcome.severity < outcome.severity, kind, moved


def questions(
    license: model.License,
    profile: ServiceProfile,
    *,
    space: Space | None = None,
    verdict: LicenseVerdict | None = None,
    max_facts: int = MAX_QUESTION_FACTS,
) -> tuple[tuple[Question, ...], tuple[str, ...]]:
    """For an undetermined verdict: the questions that would decide it, fewest facts first.

    Every single missing fact is asked (with what each answer gives); sets of two or three are
    added only when they decide the verdict and no smaller set within them does. Returns the
    questions and whether the search was bounded (a message, or empty).
    """
    space = space or space_of([license])
    verdict = verdict or evaluate(license, profile)
    if verdict.outcome is not Outcome.UNDETERMINED:
        return (), ()
    texts: dict[Axis, str] = {}
    for missing in verdict.missing_facts:
        texts.setdefault(missing_axis(missing), missing.question)
    asked = [a for a in space.axes if a.axis in texts]
    bounded: tuple[str, ...] = ()
    if len(asked) > max_facts:
        bounded = (f"questions combine at most {max_facts} of the {len(asked)} missing facts",)
    found: list[Question] = []
    deciding: list[frozenset[Axis]] = []
    for size in range(1, min(max_facts, len(asked)) + 1):
        for combo in itertools.combinations(asked, size):
            axes = frozenset(a.axis for a in combo)
            if any(d <= axes for d in deciding):
                continue
            question = _ask(license, profile, combo, texts)
            if question.decides:
                deciding.append(axes)
            if size == 1 or question.decides:
                found.append(question)
    found.sort(key=lambda q: (not q.decides, len(q.axes)))
    return tuple(found), bounded


def _ask(
    license: model.License, profile: ServiceProfile, combo: Sequence[AxisSpace], texts: dict[Axis, str]
) -> Question:
    answers = []
    for choices in itertools.product(*(a.choices for a in combo)):
        changed = profile
        for choice in choices:
            changed = write(changed, choice.axis, choice.value)
        answers.append(Answer(tuple(choices), evaluate(license, changed).outcome))
    return Question(tuple(a.axis for a in combo), tuple(texts[a.axis] for a in combo), tuple(answers))


def explain(license: model.License, profile: ServiceProfile) -> Explanation:
    """The verdict of a licence on a profile, with its flip points and (if undetermined) its questions."""
    space = space_of([license])
    verdict = evaluate(license, profile)
    flips = flip_points(license, profile, space=space, verdict=verdict)
    asked, bounded = questions(license, profile, space=space, verdict=verdict)
    open_questions = tuple(dict.fromkeys(r.question for r in verdict.reasons if r.question))
    # The bound on combinations of uses or markets matters only where such a question was asked.
    asked_facts = {a.fact for q in asked for a in q.axes}
    bounded += tuple(a.bounded for a in space.axes if a.bounded and a.axis.fact in asked_facts)
    return Explanation(license, profile, verdict, flips, asked, open_questions, bounded)
