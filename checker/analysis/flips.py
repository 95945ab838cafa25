"""Explanations of one verdict: the flip points (the smallest changes of the profile that change the
outcome) and, for an undetermined verdict, the questions that would decide it.

Pure: no I/O, no Lark, no rendering. Both work on the classes of `checker.analysis.space`, so a change is
always to a value some condition tells apart, and a quantity moves only as far as the nearest
threshold: "at ≤ 700,000,000 it would be conditional".

The exact engine (`checker.analysis.solver`) finds, for each other outcome, the nearest changes of
any size — counted in facts changed, an element class of a set of uses or markets counting as one —
and every set of facts whose answers decide the verdict, however many. Without z3 the search is
the older enumeration: single changes, pairs only when no single change flips, questions of at
most three facts, and the explanation says it was bounded.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from checker.analysis.engine import ENUMERATION, Engine, solver_available, solver_engine
from checker.analysis.space import (
    GIVEN_OR_NOT,
    Axis,
    AxisSpace,
    Choice,
    Space,
    missing_axis,
    read,
    space_of,
    value_text,
    write,
)
from checker.evaluation.compiled import CompiledLicense, compile_license
from checker.evaluation.evaluate import evaluate, with_answers
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
    """Facts the profile lacks, asked together, and what each answer would make of the verdict.
    With the solver, a set of uses or markets and a question of several facts list one answer per
    outcome the answers can give (each the smallest found); otherwise every class is an answer."""

    axes: tuple[Axis, ...]
    texts: tuple[str, ...]
    answers: tuple[Answer, ...]
    proved: bool | None = None
    """Whether every answer decides the verdict, as the solver proved it (None: from `answers`)."""

    @property
    def decides(self) -> bool:
        """Every answer gives a settled outcome (none leaves the verdict undetermined)."""
        if self.proved is not None:
            return self.proved
        return all(a.outcome is not Outcome.UNDETERMINED for a in self.answers)

    @property
    def outcomes(self) -> frozenset[Outcome]:
        """The settled outcomes its answers can give: what the question decides."""
        return frozenset(a.outcome for a in self.answers if a.outcome is not Outcome.UNDETERMINED)


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
    engine: Engine = ENUMERATION


def _alternatives(space: AxisSpace, profile: ServiceProfile) -> Iterator[tuple[Choice, object]]:
    """The classes the axis could move to from the profile's value, with the value to set.

    A quantity moves to the nearest value of each other class; a set of markets or uses gains or
    loses one class of elements; anything else takes each other class's representative. An unknown
    fact may take any class.
    """
    current = read(profile, space.axis)
    mine = space.classify(profile)
    if current is None and space.axis.fact not in GIVEN_OR_NOT:
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
    max_changes: int | None = None,
) -> tuple[Flip, ...]:
    """The smallest changes of the profile that change the outcome, nearest first.

    With the solver: for each other outcome, every set of facts whose change gives it with the
    fewest changes (of any number; at most `max_changes` if given). With the enumeration: single
    changes first, per fact the nearest change to each other outcome; only when no single change
    flips the outcome are pairs tried (`max_changes`, default 2).
    """
    verdict = verdict or evaluate(license, profile)
    license = with_answers(license, profile)  # an answered question is decided: no flip reopens it
    space = space or space_of([license])
    if solver_available():
        return _Search(license, profile, space, verdict).flips(max_changes)
    max_changes = MAX_FLIP_CHANGES if max_changes is None else max_changes
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


_KIND_ORDER = (
    FactKind.QUANTITY, FactKind.REGION, FactKind.REGION_SET, FactKind.CHOICE, FactKind.TEXT, FactKind.LICENSE,
    FactKind.FLAG,
)  # fmt: skip


def _distance(flip: Flip, profile: ServiceProfile, outcome: Outcome) -> tuple[int, int, bool, bool, int, Decimal]:
    """Fewer changes first; changing a given fact before supplying a missing one; a change to a better
    outcome before one to a worse; renaming a derived model before naming none (the usual fix is the
    prefix); a number before a place, a yes/no or a use case (moving a figure across a threshold is
    the smallest change of the service itself); small moves first."""
    kind = max((_KIND_ORDER.index(c.axis.fact.kind) if c.axis.fact.kind in _KIND_ORDER else 6) for c in flip.changes)
    moved = Decimal(0)
    for change in flip.changes:
        current = read(profile, change.axis)
        if isinstance(current, int | Decimal) and isinstance(change.value, int | Decimal) and current:
            moved += abs(Decimal(change.value) - Decimal(current)) / Decimal(current)
    supplied = sum(not c.given for c in flip.changes)
    unnamed = any(c.axis.fact in GIVEN_OR_NOT and c.value is None for c in flip.changes)
    return len(flip.changes), supplied, flip.outcome.severity < outcome.severity, unnamed, kind, moved


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
    verdict = verdict or evaluate(license, profile)
    license = with_answers(license, profile)
    space = space or space_of([license])
    if verdict.outcome is not Outcome.UNDETERMINED:
        return (), ()
    if solver_available():
        return _Search(license, profile, space, verdict).questions(), ()
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
    verdict = evaluate(license, profile)
    decided = with_answers(license, profile)  # the analyses search the licence as answered
    space = space_of([decided])
    open_questions = tuple(
        dict.fromkeys(
            r.question + (f" [--answer {r.question_id}=yes|no]" if r.question_id else "")
            for r in verdict.reasons
            if r.question and not r.answered
        )
    )
    if solver_available():
        search = _Search(decided, profile, space, verdict)
        asked = search.questions() if verdict.outcome is Outcome.UNDETERMINED else ()
        return Explanation(license, profile, verdict, search.flips(), asked, open_questions, (), solver_engine())
    flips = flip_points(decided, profile, space=space, verdict=verdict)
    asked, bounded = questions(decided, profile, space=space, verdict=verdict)
    # The bound on combinations of uses or markets matters only where such a question was asked.
    asked_facts = {a.fact for q in asked for a in q.axes}
    bounded += tuple(a.bounded for a in space.axes if a.bounded and a.axis.fact in asked_facts)
    bounded += ("flip points: single changes were searched, pairs only where no single change flips the outcome",)
    return Explanation(license, profile, verdict, flips, asked, open_questions, bounded)


# ---- the exact search, on the solver ----------------------------------------------------------


class _Search:
    """Flip points and questions of one verdict, decided by the solver over a `ChangeState`."""

    def __init__(self, license: model.License, profile: ServiceProfile, space: Space, verdict: LicenseVerdict) -> None:
        from checker.analysis import solver as s  # noqa: PLC0415 - z3 only when an analysis runs

        self.s = s
        self.license, self.profile, self.space, self.verdict = license, profile, space, verdict
        self.variables = s.Variables(space)
        self.state = s.ChangeState(self.variables, profile)
        self.decided = s.Engine(space).decide(license, self.state)
        self.solver = s.Solver(self.variables)
        self.solver.add(*self.state.constraints)

    @cached_property
    def compiled(self) -> CompiledLicense:
        return compile_license(self.license)

    # -- turning a model into changes --

    def _changes(self, m: object, axes: frozenset[Axis]) -> tuple[tuple[Change, ...], ServiceProfile]:
        s = self.s
        profile = self.profile
        if any(a.fact is Fact.MAU and a.month is None for a in axes) and profile.mau is not None:
            # Months measured from the current figure keep their figure when only it changes.
            for a in self.space.axes:
                if a.axis.fact is Fact.MAU and a.axis.month and a.axis not in axes:
                    value = read(profile, a.axis)
                    if value is not None:
                        profile = write(profile, a.axis, value)
        changes: list[Change] = []
        for space in self.space.axes:
            if space.axis not in axes:
                continue
            current = read(self.profile, space.axis)
            before = value_text(space.axis, current)
            chosen = self.variables.choose(m, space)
            if isinstance(chosen, tuple):
                choice, value = self._set_change(space, current, chosen)
            else:
                value = s.scalar_value(space, chosen, current)
                choice = space.classes[chosen]
            changes.append(Change(space.axis, before, choice, value))
            profile = write(profile, space.axis, value)
        return tuple(changes), profile

    def _set_change(self, space: AxisSpace, current: object, present: tuple[bool, ...]) -> tuple[Choice, object]:
        if current is None:
            value = self.s.set_value(space, present)
            words = " + ".join(space.classes[i].words for i in sorted(space.element_classes(value))) or "none"
            return Choice(space.axis, value, words), value
        assert isinstance(current, tuple)
        value = self.s.set_value(space, present, keep=current)
        before, after = space.element_classes(current), space.element_classes(value)
        words = "; ".join(
            [*(f"also {space.classes[j].words}" for j in sorted(after - before)),
             *(f"without {space.classes[j].words}" for j in sorted(before - after))]
        )  # fmt: skip
        return Choice(space.axis, value, words), value

    def _smaller(self, m: object, axes: frozenset[Axis], outcome: Outcome) -> tuple[Flip, ...]:
        changes, changed = self._changes(m, axes)
        # A set supplied whole: as few elements as give the same outcome.
        for index, change in enumerate(changes):
            if change.given or not isinstance(change.value, tuple) or len(change.value) < 2:
                continue
            value = change.value
            for element in value:
                trial = tuple(v for v in value if v != element)
                if self.compiled.outcome(write(changed, change.axis, trial)) is outcome:
                    value = trial
            if value != change.value:
                space = self.space.get(change.axis)
                assert space is not None
                words = " + ".join(space.classes[i].words for i in sorted(space.element_classes(value)))
                smaller = Change(change.axis, change.before, Choice(change.axis, value, words), value)
                changes = (*changes[:index], smaller, *changes[index + 1 :])
                changed = write(changed, change.axis, value)
        verdict = evaluate(self.license, changed)
        assert verdict.outcome is outcome, f"{self.license.id}: the solver's flip gives {verdict.outcome}"
        return (Flip(changes, changed, verdict),)

    # -- flip points --

    def flips(self, max_changes: int | None = None) -> tuple[Flip, ...]:
        s, solver, units = self.s, self.solver, self.state.units
        found: list[Flip] = []
        limit = len(units) if max_changes is None else max_changes
        for outcome in Outcome:
            if outcome is self.verdict.outcome:
                continue
            target = solver.literal(self.decided.outcomes[outcome])
            if not solver.satisfiable(target, solver.literal(s.at_most(units, limit))):
                continue
            k = next(k for k in range(1, limit + 1) if solver.satisfiable(target, solver.literal(s.at_most(units, k))))
            nearest = solver.literal(s.at_most(units, k))
            solver.z3.push()
            while (m := solver.check(target, nearest)) is not None:
                axes = s.changed_axes(self.state, m)
                m = self._renamed(m, axes, target, nearest)
                found += self._smaller(m, axes, outcome)
                # the same facts changed otherwise are the same flip: look for other facts
                solver.add(s.any_of([*(s.negate(self.state.changed[a]) for a in axes),
                                     *(f for a, f in self.state.changed.items() if a not in axes)]))  # fmt: skip
            solver.z3.pop()
        return tuple(sorted(found, key=lambda f: _distance(f, self.profile, self.verdict.outcome)))

    def _renamed(self, m: object, axes: frozenset[Axis], *assumptions: object) -> object:
        """The same change with a derived model renamed rather than unnamed, and its licence changed
        rather than left out, where one exists (the usual fix is the prefix, or the licence)."""
        for fact in (Fact.DERIVATIVE_NAME, Fact.DERIVATIVE_LICENSE):
            m = self._given_rather_than_left_out(m, axes, fact, *assumptions)
        return m

    def _given_rather_than_left_out(self, m: object, axes: frozenset[Axis], fact: Fact, *assumptions: object) -> object:
        names = self.space.get(Axis(fact))
        if names is None or names.axis not in axes:
            return m
        chosen = self.variables.choose(m, names)
        if chosen != next(i for i, c in enumerate(names.classes) if c.value is None):
            return m
        same = [
            self.state.changed[a] if a in axes else self.s.negate(self.state.changed[a]) for a in self.state.changed
        ]
        renamed = self.solver.check(*assumptions, *same, self.s.negate(self.variables.is_class(names.axis, chosen)))
        return renamed if renamed is not None else m

    # -- questions --

    def _asking(self, axes: frozenset[Axis]) -> list[object]:
        """Assumptions: the facts of `axes` are supplied, every other fact stays as it is."""
        s = self.s
        return [self.state.changed[a] if a in axes else s.negate(self.state.changed[a]) for a in self.state.changed]

    def _decides(self, axes: frozenset[Axis]) -> bool:
        undetermined = self.solver.literal(self.decided.outcomes[Outcome.UNDETERMINED])
        return not self.solver.satisfiable(undetermined, *self._asking(axes))

    def _answers(self, axes: frozenset[Axis]) -> tuple[Answer, ...]:
        """One answer per outcome the answers can give, each the smallest found."""
        answers = []
        for outcome in Outcome:
            m = self.solver.check(self.solver.literal(self.decided.outcomes[outcome]), *self._asking(axes))
            if m is None:
                continue
            (flip,) = self._smaller(m, axes, outcome)
            answers.append(Answer(tuple(c.to for c in flip.changes), outcome))
        return tuple(answers)

    def questions(self) -> tuple[Question, ...]:
        """Each fact the verdict lacks, with its answers; then every smallest set of them whose
        answers all decide the verdict (found by growing and shrinking seeds of a map of the sets
        not yet covered, so that each is found once, of any size)."""
        texts: dict[Axis, str] = {}
        for missing in self.verdict.missing_facts:
            texts.setdefault(missing_axis(missing), missing.question)
        asked = [a.axis for a in self.space.axes if a.axis in texts]
        found: list[Question] = []
        for axis in asked:
            space = self.space.get(axis)
            assert space is not None
            one = frozenset({axis})
            if axis.fact.kind in (FactKind.REGION_SET, FactKind.USE_SET):
                answers = self._answers(one)
            else:
                answers = tuple(
                    Answer((c,), self.compiled.outcome(write(self.profile, axis, c.value))) for c in space.classes
                )
            found.append(Question((axis,), (texts[axis],), answers, self._decides(one)))
        for axes in self._deciding_sets(asked):
            if len(axes) > 1:
                ordered = tuple(a for a in asked if a in axes)
                found.append(Question(ordered, tuple(texts[a] for a in ordered), self._answers(axes), True))
        found.sort(key=lambda q: (not q.decides, len(q.axes) if q.decides else 0, -len(q.outcomes), len(q.axes)))
        return tuple(found)

    def _deciding_sets(self, asked: list[Axis]) -> list[frozenset[Axis]]:
        import z3  # noqa: PLC0415

        marks = {a: z3.Bool(f"ask {a.label}") for a in asked}
        seeds = z3.Solver()
        minimal: list[frozenset[Axis]] = []
        while seeds.check() == z3.sat:
            m = seeds.model()
            seed = {a for a in asked if z3.is_true(m.eval(marks[a], model_completion=True))}
            if self._decides(frozenset(seed)):
                for axis in sorted(seed):
                    if self._decides(frozenset(seed - {axis})):
                        seed -= {axis}
                minimal.append(frozenset(seed))
                seeds.add(z3.Or([z3.Not(marks[a]) for a in seed]) if seed else z3.BoolVal(False))
            else:
                for axis in asked:
                    if axis not in seed and not self._decides(frozenset(seed | {axis})):
                        seed |= {axis}
                rest = [marks[a] for a in asked if a not in seed]
                seeds.add(z3.Or(rest) if rest else z3.BoolVal(False))
        return minimal
