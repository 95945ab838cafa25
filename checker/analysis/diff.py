"""A semantic diff of two licences: what changed clause by clause, and where in the profile space
the outcome differs.

Pure: no I/O, no Lark, no rendering. The regions are decided, not sampled: the profile space is cut
into classes at every threshold, region and use list either licence names (`checker.analysis.space`),
and the exact engine (`checker.analysis.solver`) asks, for each pair of different outcomes, whether
some profile gets that pair — every combination of uses and markets included, with no bound. A
region is one such pair; its witness is a profile the solver found, with every fact left out that
the evaluator does not need to give (and keep, whatever the open facts are) both outcomes. Its
deciding clauses are every clause that decides the outcome somewhere in the region.

Without z3 the space is explored by enumeration instead (`explore`), bounded, and the diff says so.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from checker.analysis.engine import ENUMERATION, Engine, solver_available, solver_engine
from checker.analysis.space import Axis, AxisSpace, Choice, Space, missing_axis, settled, space_of, write
from checker.evaluation.compiled import compile_license
from checker.evaluation.evaluate import evaluate
from checker.evaluation.profile import ServiceProfile
from checker.terms import model
from checker.terms.verdict import LicenseVerdict
from checker.terms.vocabulary import Fact, ObligationKind, Outcome

if TYPE_CHECKING:
    from checker.analysis.solver import Solver

# How many evaluations one exploration may spend before it stops and says so.
EVALUATION_BUDGET = 40_000


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class ClauseChange:
    """A clause present in only one licence, or in both with a different quote or meaning."""

    kind: ChangeKind
    clause: str
    before: model.Clause | None
    after: model.Clause | None
    fields: tuple[str, ...]
    """What changed: `section`, `heading`, `quote`, `condition`, `effect`, `notes`, `ambiguities`, `unverified`."""


@dataclass(frozen=True)
class FieldChange:
    """A header field or a named threshold that differs."""

    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Cube:
    """One leaf of the exploration: the classes it fixes and the verdicts, constant on the whole cube."""

    fixed: tuple[Choice, ...]
    witness: ServiceProfile
    verdicts: tuple[LicenseVerdict, ...]


@dataclass(frozen=True)
class Region:
    """Every profile whose outcomes are `before` → `after` under the two licences."""

    outcomes: tuple[Outcome, Outcome]
    common: tuple[Choice, ...]
    """The classes every profile of the region has (with the enumeration: every cube found)."""
    cubes: tuple[Cube, ...]
    """The cases: the first's profile is the witness (fewest facts); then one case for each other
    clause that decides the outcome somewhere in the region, with a witness of its own."""
    clauses: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    """Every clause that decides the outcome somewhere in the region, under each licence, as
    `§section clause-id` (with the enumeration: in the cubes found)."""

    @property
    def witness(self) -> ServiceProfile:
        return self.cubes[0].witness

    @property
    def deciding(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The clauses that decide the region's outcomes under each licence, as `§section clause-id`."""
        return self.clauses


@dataclass(frozen=True)
class Exploration:
    cubes: tuple[Cube, ...]
    evaluations: int
    bounded: tuple[str, ...]
    engine: Engine = ENUMERATION
    queries: int = 0
    """Satisfiability questions the solver answered (0 for the enumeration)."""


@dataclass(frozen=True)
class LicenseDiff:
    before: model.License
    after: model.License
    fields: tuple[FieldChange, ...]
    clauses: tuple[ClauseChange, ...]
    regions: tuple[Region, ...]
    space: Space
    exploration: Exploration

    @property
    def identical(self) -> bool:
        return not self.fields and not self.clauses and not self.regions


def explore(licenses: Sequence[model.License], space: Space, budget: int = EVALUATION_BUDGET) -> Exploration:
    """Cut the profile space into cubes on which every licence's outcome is constant.

    Depth first, in the space's axis order: a branch splits on the first axis some unsettled verdict
    lacks; when all are settled it also splits on the derived model's name if a name-prefix duty
    may apply (a name left out is a class of its own, not an unknown), and on the derivative's
    licence if a share-alike duty may apply. Stops at `budget` evaluations.
    """
    cubes: list[Cube] = []
    bounded = list(space.bounded)
    evaluations = 0
    name_axis = space.get(Axis(Fact.DERIVATIVE_NAME))
    licence_axis = space.get(Axis(Fact.DERIVATIVE_LICENSE))
    stack: list[tuple[tuple[Choice, ...], ServiceProfile]] = [((), ServiceProfile())]
    while stack:
        fixed, profile = stack.pop()
        verdicts = tuple(evaluate(license, profile) for license in licenses)
        evaluations += len(verdicts)
        done = {c.axis for c in fixed}
        wanted = {
            missing_axis(m)
            for v in verdicts
            if not settled(v)
            for m in (*v.missing_facts, *(f for t in v.terminations for f in t.missing_facts))
        }
        split = next((a for a in space.axes if a.axis in wanted and a.axis not in done), None)
        if split is None and name_axis is not None and name_axis.axis not in done and _names_matter(verdicts):
            split = name_axis
        if split is None and licence_axis is not None and licence_axis.axis not in done and _licences_matter(verdicts):
            split = licence_axis
        if split is not None and evaluations >= budget:
            bounded.append(f"stopped after {evaluations:,} evaluations: the regions found may be incomplete")
            break
        if split is None:
            unsplit = sorted(a.label for a in wanted if a not in done)
            if unsplit:  # a fact the space cannot enumerate (not expected): say so, keep the leaf
                note = "not split on " + ", ".join(unsplit) + ": some outcomes there may still depend on it"
                bounded += [note] if note not in bounded else []
            cubes.append(Cube(fixed, profile, verdicts))
            continue
        for choice in reversed(split.choices):
            stack.append(((*fixed, choice), write(profile, split.axis, choice.value)))
    return Exploration(tuple(cubes), evaluations, tuple(bounded))


def _names_matter(verdicts: Sequence[LicenseVerdict]) -> bool:
    return any(o.duty is ObligationKind.NAME_PREFIX for v in verdicts for o in v.obligations)


def _licences_matter(verdicts: Sequence[LicenseVerdict]) -> bool:
    # A share-alike duty that names the licences it accepts: the derivative's licence can decide.
    return any(o.duty is ObligationKind.SHARE_ALIKE for v in verdicts for o in v.obligations)


def _deciding(verdict: LicenseVerdict) -> tuple[str, ...]:
    return tuple(f"§{r.section} {r.clause}" for r in verdict.reasons)


def regions(exploration: Exploration) -> tuple[Region, ...]:
    """The cubes of an enumeration where the first two outcomes differ, grouped by the pair of outcomes."""
    groups: dict[tuple[Outcome, Outcome], list[Cube]] = {}
    for cube in exploration.cubes:
        a, b = cube.verdicts[0], cube.verdicts[1]
        if a.outcome is not b.outcome:
            groups.setdefault((a.outcome, b.outcome), []).append(cube)
    found = []
    for pair, cubes in groups.items():
        cubes.sort(key=lambda c: len(c.fixed))  # stable: depth-first order among equals
        common = tuple(c for c in cubes[0].fixed if all(c in other.fixed for other in cubes[1:]))
        clauses = tuple(tuple(dict.fromkeys(d for c in cubes for d in _deciding(c.verdicts[i]))) for i in (0, 1))
        found.append(Region(pair, common, tuple(cubes), (clauses[0], clauses[1])))
    return _ordered(found)


def _ordered(found: list[Region]) -> tuple[Region, ...]:
    # The broadest differences first (fewest facts in common), settled outcomes before undetermined ones.
    found.sort(key=lambda r: (Outcome.UNDETERMINED in r.outcomes, len(r.common), r.outcomes[0].severity,
                              r.outcomes[1].severity))  # fmt: skip
    return tuple(found)


def diff(before: model.License, after: model.License, budget: int = EVALUATION_BUDGET) -> LicenseDiff:
    """The semantic diff of two licences (typically two versions of one)."""
    space = space_of([before, after])
    if solver_available():
        found, exploration = solve(before, after, space)
    else:
        exploration = explore([before, after], space, budget)
        found = regions(exploration)
    return LicenseDiff(
        before, after, _field_changes(before, after), _clause_changes(before, after), found, space, exploration
    )


def solve(before: model.License, after: model.License, space: Space) -> tuple[tuple[Region, ...], Exploration]:
    """Every region where the outcomes differ, decided by the solver over the whole space."""
    from checker.analysis import solver as s  # noqa: PLC0415 - z3 only when an analysis runs

    variables = s.Variables(space)
    engine = s.Engine(space)
    state = s.CompleteState(variables)
    licenses = (before, after)
    decided = (engine.decide(before, state), engine.decide(after, state))
    solver = s.Solver(variables)
    shrinker = _Shrinker(space, licenses, solver)
    found: list[Region] = []
    for before_outcome, after_outcome in itertools.product(Outcome, repeat=2):
        if before_outcome is after_outcome:
            continue
        pair = (before_outcome, after_outcome)
        formula = s.all_of([decided[0].outcomes[pair[0]], decided[1].outcomes[pair[1]]])
        region = solver.literal(formula)
        m = solver.check(region)
        if m is None:
            continue
        outside = solver.literal(s.negate(formula))
        first = shrinker.cube(s.values_of(variables, m, space.axes), pair, outside)
        cases = [first]
        shown: list[set[str]] = [{r.clause for r in first.verdicts[i].reasons} for i in (0, 1)]
        for side in (0, 1):
            if pair[side] in (Outcome.CONDITIONAL, Outcome.PERMITTED):
                continue  # the grant and the obligations: the witness's own are shown
            # Is there a profile of the region where a clause not shown yet decides? Until there is none.
            while True:
                others = [c.id for c in licenses[side].clauses if c.id not in shown[side]]
                wanted = s.any_of(decided[side].deciding(c, pair[side]) for c in others)
                m = solver.check(region, wanted)
                if m is None:
                    break
                values = s.values_of(variables, m, space.axes)
                complete = s.profile_of(space, values)
                new = set(shrinker.compiled[side].decide(complete).deciding) - shown[side]
                assert new, "the solver's profile decides by a clause the evaluator does not name"
                case = shrinker.cube(values, pair, outside, keep=(side, frozenset(new)))
                shown[side] |= new | {r.clause for r in case.verdicts[side].reasons}
                cases.append(case)
        common = tuple(
            c
            for c in first.fixed
            if not solver.satisfiable(region, s.negate(s.all_of(s.fixes(variables, _axis(space, c.axis), c.value))))
        )
        named = (_named(before, shown[0]), _named(after, shown[1]))
        found.append(Region(pair, common, tuple(cases), named))
    exploration = Exploration(
        tuple(c for r in found for c in r.cubes), shrinker.evaluations, (), solver_engine(), solver.queries
    )
    return _ordered(found), exploration


def _axis(space: Space, axis: Axis) -> AxisSpace:
    found = space.get(axis)
    assert found is not None
    return found


def _named(license: model.License, ids: set[str]) -> tuple[str, ...]:
    return tuple(f"§{c.section} {c.id}" for c in license.clauses if c.id in ids)


class _Shrinker:
    """Witnesses with few facts: a model of the solver, with each fact left out that the evaluator
    does not need to give both outcomes — and keep them, whatever the facts left open turn out to be."""

    def __init__(self, space: Space, licenses: Sequence[model.License], solver: Solver) -> None:
        self.space = space
        self.licenses = licenses
        self.compiled = [compile_license(lic) for lic in licenses]
        self.solver = solver
        self.evaluations = 0

    def _stable(
        self,
        values: dict[Axis, object],
        pair: tuple[Outcome, Outcome],
        outside: object,
        keep: tuple[int, frozenset[str]],
    ) -> bool:
        from checker.analysis import solver as s  # noqa: PLC0415

        profile = s.profile_of(self.space, values)
        self.evaluations += len(self.compiled)
        decisions = [c.decide(profile) for c in self.compiled]
        if tuple(d.outcome for d in decisions) != pair or not keep[1] <= set(decisions[keep[0]].deciding):
            return False
        if not any(d.missing or d.open_terminations for d in decisions):
            return True  # every condition decided: Kleene logic keeps it whatever the open facts are
        fixed = [f for a, v in values.items() for f in s.fixes(self.solver.variables, _axis(self.space, a), v)]
        return not self.solver.satisfiable(*fixed, outside)

    def cube(
        self,
        values: dict[Axis, object],
        pair: tuple[Outcome, Outcome],
        outside: object,
        keep: tuple[int, frozenset[str]] = (0, frozenset()),
    ) -> Cube:
        """The witness of `values` with facts left out; `keep` (side, clauses): clauses that must
        stay among that side's deciding clauses (the case shows them deciding)."""
        # The current MAU figure first: while it is given, a month left out would fall back to it.
        kept = dict(values)
        for axis in sorted(values, key=lambda a: (a != Axis(Fact.MAU), a)):
            trial = {a: v for a, v in kept.items() if a != axis}
            if self._stable(trial, pair, outside, keep):
                kept = trial
        from checker.analysis.solver import profile_of  # noqa: PLC0415

        profile = profile_of(self.space, kept)
        fixed = tuple(c for a in self.space.axes if a.axis in kept and (c := a.classify(profile)) is not None)
        self.evaluations += len(self.licenses)
        return Cube(fixed, profile, tuple(evaluate(lic, profile) for lic in self.licenses))


def _text(value: object) -> str | None:
    match value:
        case None:
            return None
        case dt.date():
            return value.isoformat()
        case tuple():
            return ", ".join(str(v) for v in value) or None
        case _:
            return str(value)


_HEADER_FIELDS = ("name", "licensor", "version", "released", "effective", "governing_law", "applies_with", "sources")


def _field_changes(before: model.License, after: model.License) -> tuple[FieldChange, ...]:
    changes = [
        FieldChange(name.replace("_", "-"), _text(getattr(before, name)), _text(getattr(after, name)))
        for name in _HEADER_FIELDS
        if getattr(before, name) != getattr(after, name)
    ]
    mine = {p.name: p for p in before.parameters}
    theirs = {p.name: p for p in after.parameters}
    for name in sorted(mine.keys() | theirs.keys()):
        old, new = mine.get(name), theirs.get(name)
        if old is None or new is None or old.value != new.value:
            changes.append(
                FieldChange(f"threshold {name}", str(old.value) if old else None, str(new.value) if new else None)
            )
    return tuple(changes)


_CLAUSE_FIELDS = ("section", "heading", "quote", "condition", "effect", "notes", "ambiguities", "unverified")


def _clause_changes(before: model.License, after: model.License) -> tuple[ClauseChange, ...]:
    old = {c.id: c for c in before.clauses}
    new = {c.id: c for c in after.clauses}
    changes: list[ClauseChange] = []
    for clause in before.clauses:
        other = new.get(clause.id)
        if other is None:
            changes.append(ClauseChange(ChangeKind.REMOVED, clause.id, clause, None, ()))
            continue
        fields = tuple(f for f in _CLAUSE_FIELDS if getattr(clause, f) != getattr(other, f))
        if fields:
            changes.append(ClauseChange(ChangeKind.CHANGED, clause.id, clause, other, fields))
    changes += [ClauseChange(ChangeKind.ADDED, c.id, None, c, ()) for c in after.clauses if c.id not in old]
    return tuple(changes)
