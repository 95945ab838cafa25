"""A semantic diff of two licences: what changed clause by clause, and where in the profile space
the outcome differs.

Pure: no I/O, no Lark, no rendering. The regions are found by analysing the conditions, not by
sampling: the profile space is cut into classes at every threshold, region and use list either
licence names (`checker.analysis.space`), and explored by splitting only on the facts a verdict still lacks.
A branch stops as soon as both verdicts are settled (no answer to the facts left open could change
them), so each leaf is a cube of the space — the facts it fixes — on which both outcomes are
constant, and its partial profile is a witness that evaluates to exactly those outcomes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from checker.analysis.space import Axis, Choice, Space, missing_axis, settled, space_of, write
from checker.evaluation.evaluate import evaluate
from checker.evaluation.profile import ServiceProfile
from checker.terms import model
from checker.terms.verdict import LicenseVerdict
from checker.terms.vocabulary import Fact, ObligationKind, Outcome

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
    """The cubes where the outcomes differ in the same way (`before` → `after`, same refusing clauses)."""

    outcomes: tuple[Outcome, Outcome]
    common: tuple[Choice, ...]
    """The classes every cube of the region fixes: what all of its profiles have in common."""
    cubes: tuple[Cube, ...]
    """Simplest first: the first fixes the fewest facts, and its profile is the witness."""

    @property
    def witness(self) -> ServiceProfile:
        return self.cubes[0].witness

    @property
    def deciding(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The witness's deciding clauses under each licence, as `§section clause-id`."""
        a, b = self.cubes[0].verdicts
        return _deciding(a), _deciding(b)


@dataclass(frozen=True)
class Exploration:
    cubes: tuple[Cube, ...]
    evaluations: int
    bounded: tuple[str, ...]


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
    may apply (a name left out is a class of its own, not an unknown). Stops at `budget` evaluations.
    """
    cubes: list[Cube] = []
    bounded = list(space.bounded)
    evaluations = 0
    name_axis = space.get(Axis(Fact.DERIVATIVE_NAME))
    stack: list[tuple[tuple[Choice, ...], ServiceProfile]] = [((), ServiceProfile())]
    while stack:
        fixed, profile = stack.pop()
        verdicts = tuple(evaluate(license, profile) for license in licenses)
        evaluations += len(verdicts)
        done = {c.axis for c in fixed}
        wanted = {missing_axis(m) for v in verdicts if not settled(v) for m in v.missing_facts}
        split = next((a for a in space.axes if a.axis in wanted and a.axis not in done), None)
        if split is None and name_axis is not None and name_axis.axis not in done and _names_matter(verdicts):
            split = name_axis
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


def _refusing(verdict: LicenseVerdict) -> tuple[str, ...]:
    """The clauses that make a verdict refuse (one region per refusing clause set); none otherwise."""
    return _deciding(verdict) if verdict.outcome.refuses else ()


def _deciding(verdict: LicenseVerdict) -> tuple[str, ...]:
    return tuple(f"§{r.section} {r.clause}" for r in verdict.reasons)


def regions(exploration: Exploration) -> tuple[Region, ...]:
    """The cubes where the first two outcomes differ, grouped by the pair of outcomes and, for a
    refusal, by the clauses that refuse (an outputs ban and a naming rule are different regions)."""
    groups: dict[tuple[object, ...], list[Cube]] = {}
    for cube in exploration.cubes:
        a, b = cube.verdicts[0], cube.verdicts[1]
        if a.outcome is not b.outcome:
            groups.setdefault((a.outcome, b.outcome, _refusing(a), _refusing(b)), []).append(cube)
    found = []
    for cubes in groups.values():
        cubes.sort(key=lambda c: len(c.fixed))  # stable: depth-first order among equals
        common = tuple(c for c in cubes[0].fixed if all(c in other.fixed for other in cubes[1:]))
        first = cubes[0].verdicts
        found.append(Region((first[0].outcome, first[1].outcome), common, tuple(cubes)))
    # The broadest differences first (fewest facts in common), settled outcomes before undetermined ones.
    found.sort(key=lambda r: (Outcome.UNDETERMINED in r.outcomes, len(r.common), -len(r.cubes)))
    return tuple(found)


def diff(before: model.License, after: model.License, budget: int = EVALUATION_BUDGET) -> LicenseDiff:
    """The semantic diff of two licences (typically two versions of one)."""
    space = space_of([before, after])
    exploration = explore([before, after], space, budget)
    return LicenseDiff(
        before,
        after,
        _field_changes(before, after),
        _clause_changes(before, after),
        regions(exploration),
        space,
        exploration,
    )


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
