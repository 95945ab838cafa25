"""The symbolic engine: the rule model as formulas over the profile space, decided by z3.

The profile space (`checker.analysis.space`) cuts every fact a licence reads into the classes no
condition tells apart. Here each fact becomes solver variables — a class index for a quantity, a
domicile, the modality, a yes/no fact or a derived model's name; one yes/no per class of elements
for a set of markets or uses — and a *state* says what a profile knows of each: a fact may be
unknown, and a domicile given as a group (`EU`) is known only to lie among its classes.

Conditions are three-valued, exactly as the evaluator's Kleene logic: each condition becomes two
formulas, *holds* and *fails*; unknown is neither (`Rail`). An atom holds when the fact is known and
every class it may be in satisfies it, fails when none may. The combining rule is copied here in
that form (`Engine.outcomes`) and held to `checker.evaluation.evaluate.combine` by a differential
property test (tests/properties/test_solver.py), as the compiled fast path is.

With a constant state (a concrete profile) every formula folds to True or False in Python and no
solver is called; with variables, z3 answers "is there a profile …?" with a model that is turned
back into a profile. Pure: no I/O, no Lark. Imported only by the analyses, never on `check`'s path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeAlias

import z3
from z3 import z3core

from checker.analysis.space import GIVEN_OR_NOT, Axis, AxisSpace, Choice, Space, licence_vector, read
from checker.evaluation.evaluate import Truth, holds, termination_outcome
from checker.evaluation.profile import MonthlyActiveUsers, ServiceProfile, field_for
from checker.terms import model
from checker.terms.regions import members
from checker.terms.vocabulary import Fact, FactKind, ObligationKind, Outcome, Verification

# A formula: a Python bool where it folded to a constant, else a z3 expression (z3 ships no types).
Formula: TypeAlias = Any
_SET_KINDS = (FactKind.REGION_SET, FactKind.USE_SET)


# ---- formulas, folded where they are constant ------------------------------------------------


# Formulas are built through z3's C interface: its Python `And`/`Or` check every argument's sort,
# which costs more than the solving on formulas of this size (every argument here is Boolean).


def _made(make: Any, kept: list[Any]) -> Formula:
    ctx = kept[0].ctx
    array = (z3.Ast * len(kept))(*(k.as_ast() for k in kept))
    return z3.BoolRef(make(ctx.ref(), len(kept), array), ctx)


def all_of(items: Iterable[Formula]) -> Formula:
    kept: list[Any] = []
    for item in items:
        if item is False:
            return False
        if item is not True:
            kept.append(item)
    if not kept:
        return True
    return kept[0] if len(kept) == 1 else _made(z3core.Z3_mk_and, kept)


def any_of(items: Iterable[Formula]) -> Formula:
    kept: list[Any] = []
    for item in items:
        if item is True:
            return True
        if item is not False:
            kept.append(item)
    if not kept:
        return False
    return kept[0] if len(kept) == 1 else _made(z3core.Z3_mk_or, kept)


def negate(item: Formula) -> Formula:
    if isinstance(item, bool):
        return not item
    return z3.BoolRef(z3core.Z3_mk_not(item.ctx.ref(), item.as_ast()), item.ctx)


@dataclass(frozen=True)
class Rail:
    """A three-valued truth as two formulas: `t` (it holds) and `f` (it fails); unknown is neither."""

    t: Formula
    f: Formula

    @property
    def unknown(self) -> Formula:
        return all_of([negate(self.t), negate(self.f)])

    def __invert__(self) -> Rail:
        return Rail(self.f, self.t)


ALWAYS = Rail(True, False)


# ---- states: what a profile knows of each axis ------------------------------------------------


@dataclass(frozen=True)
class Knowledge:
    """What is known of one axis. For a scalar axis `parts` are "it may be class i"; for a set
    axis "element class j is in the set". `known` is whether the fact is given at all."""

    known: Formula
    parts: tuple[Formula, ...]


class State:
    """The knowledge of every axis of a space, and the constraints its variables obey."""

    def __init__(self, space: Space) -> None:
        self.space = space
        self.constraints: list[Formula] = []

    def of(self, axis: Axis) -> Knowledge:
        raise NotImplementedError


def is_set(space: AxisSpace) -> bool:
    return space.axis.fact.kind in _SET_KINDS


def _known_value(space: AxisSpace, value: object) -> bool:
    return value is not None or space.axis.fact in GIVEN_OR_NOT


def profile_knowledge(space: AxisSpace, profile: ServiceProfile) -> Knowledge:
    """What a concrete profile knows of an axis, as constants."""
    value = read(profile, space.axis)
    if is_set(space):
        if value is None:
            return Knowledge(False, tuple(False for _ in space.classes))
        assert isinstance(value, tuple)
        touched = space.element_classes(value)
        return Knowledge(True, tuple(j in touched for j in range(len(space.classes))))
    if not _known_value(space, value):
        return Knowledge(False, tuple(True for _ in space.classes))
    if space.axis.fact is Fact.DOMICILE:
        # A group is "somewhere in it": each class holding one of its countries is possible.
        assert isinstance(value, str)
        countries = members(value)
        return Knowledge(True, tuple(bool(c.members & countries) for c in space.classes))
    return Knowledge(True, tuple(i == class_index(space, value) for i in range(len(space.classes))))


def class_index(space: AxisSpace, value: object) -> int:
    """The class of a scalar axis a known value falls in."""
    match space.axis.fact.kind:
        case FactKind.QUANTITY:
            assert isinstance(value, int | Decimal)
            number = Decimal(value)
            return next(
                i
                for i, c in enumerate(space.classes)
                if (c.low is None or number >= c.low) and (c.high is None or number <= c.high)
            )
        case FactKind.REGION:
            return next(i for i, c in enumerate(space.classes) if str(value) in c.members)
        case FactKind.TEXT:
            if value is None:
                return next(i for i, c in enumerate(space.classes) if c.value is None)
            assert isinstance(value, str)
            return next(
                i
                for i, c in enumerate(space.classes)
                if c.value is not None
                and all(value.startswith(p) == str(c.value).startswith(p) for p in space.prefixes)
            )
        case FactKind.LICENSE:
            if value is None:
                return next(i for i, c in enumerate(space.classes) if c.value is None)
            assert isinstance(value, str)
            vector = licence_vector(space, value)
            return next(
                i
                for i, c in enumerate(space.classes)
                if c.value is not None and licence_vector(space, str(c.value)) == vector
            )
        case _:
            return next(i for i, c in enumerate(space.classes) if c.value == value)


class ProfileState(State):
    """A concrete profile: every formula folds to a constant."""

    def __init__(self, space: Space, profile: ServiceProfile) -> None:
        super().__init__(space)
        self.knowledge = {a.axis: profile_knowledge(a, profile) for a in space.axes}

    def of(self, axis: Axis) -> Knowledge:
        return self.knowledge[axis]


class Variables:
    """Solver variables for every axis of a space: one yes/no per class of a scalar axis (exactly
    one holds), one per element class of a set axis. Shared by the states built on them."""

    def __init__(self, space: Space, tag: str = "") -> None:
        self.space = space
        self.classes: dict[Axis, tuple[z3.BoolRef, ...]] = {}
        self.elements: dict[Axis, tuple[z3.BoolRef, ...]] = {}
        self.domain: list[Formula] = []
        self._negated: dict[int, Formula] = {}
        self.fixed: dict[tuple[Axis, object], list[Formula]] = {}
        for a in space.axes:
            name = f"{tag}{a.axis.label}"
            bits = tuple(z3.Bool(f"{name}#{j}") for j in range(len(a.classes)))
            if is_set(a):
                self.elements[a.axis] = bits
            else:
                self.classes[a.axis] = bits
                self.domain.append(z3.PbEq([(b, 1) for b in bits], 1) if len(bits) > 1 else bits[0])

    def is_class(self, axis: Axis, i: int) -> Formula:
        return self.classes[axis][i]

    def negated(self, variable: z3.BoolRef) -> Formula:
        """`not variable`, made once per variable."""
        found = self._negated.get(variable.get_id())
        if found is None:
            found = self._negated[variable.get_id()] = negate(variable)
        return found

    def choose(self, m: z3.ModelRef, space: AxisSpace) -> int | tuple[bool, ...]:
        """The class (scalar) or element membership (set) a model gives an axis."""
        if is_set(space):
            return tuple(_true(m, e) for e in self.elements[space.axis])
        return next(i for i, b in enumerate(self.classes[space.axis]) if _true(m, b))


def _true(m: z3.ModelRef, variable: z3.BoolRef) -> bool:
    """A yes/no variable's value in a model (false where the model leaves it free)."""
    ctx = m.ctx.ref()
    decl = z3core.Z3_get_app_decl(ctx, z3core.Z3_to_app(ctx, variable.as_ast()))
    value = z3core.Z3_model_get_const_interp(ctx, m.model, decl)
    return bool(value) and z3core.Z3_get_bool_value(ctx, value) == z3.Z3_L_TRUE


class CompleteState(State):
    """Every fact known, each in one class: the space `diff` and `lint` decide over."""

    def __init__(self, variables: Variables) -> None:
        super().__init__(variables.space)
        self.variables = variables
        self.constraints = list(variables.domain)

    def of(self, axis: Axis) -> Knowledge:
        space = self.space.get(axis)
        assert space is not None
        if is_set(space):
            return Knowledge(True, self.variables.elements[axis])
        return Knowledge(True, tuple(self.variables.is_class(axis, i) for i in range(len(space.classes))))


# ---- the engine: conditions, the combining rule --------------------------------------------------


def atom_axis(atom: model.Condition) -> Axis:
    if isinstance(atom, model.Compare):
        return Axis(atom.fact, atom.anchor.month if atom.anchor else None)
    return Axis(atom.fact)  # type: ignore[union-attr]  # every atom names its fact


def _doubted(license: model.License) -> bool:
    return license.verification in (Verification.SECONDARY, Verification.UNVERIFIED)


def refusal_when_true(license: model.License, clause: model.Clause) -> Outcome:
    """What a forbidden / needs-license / unclear clause contributes when its condition holds."""
    effect = clause.effect
    if isinstance(effect, model.Unclear):
        return Outcome.UNDETERMINED
    if clause.unverified or _doubted(license):
        return Outcome.UNDETERMINED  # an unverified term never refuses as if it were settled
    return Outcome.FORBIDDEN if isinstance(effect, model.Forbidden) else Outcome.NEEDS_LICENSE


def accepted_licences(clause: model.Clause) -> tuple[str, ...] | None:
    """The licences a share-alike duty accepts for an adaptation, when it names them."""
    effect = clause.effect
    if isinstance(effect, model.Obligation) and effect.duty is ObligationKind.SHARE_ALIKE and effect.accepted:
        return effect.accepted
    return None


def prefix_duty(clause: model.Clause) -> str | None:
    effect = clause.effect
    if isinstance(effect, model.Obligation) and effect.duty is ObligationKind.NAME_PREFIX and effect.text:
        return effect.text
    return None


@dataclass(frozen=True)
class Contribution:
    """A clause's contribution to the combining rule: the outcome, and when it is made."""

    outcome: Outcome
    clause: str
    when: Formula


@dataclass(frozen=True)
class Decided:
    """A licence under a state: each outcome as an exclusive formula, and every contribution."""

    outcomes: dict[Outcome, Formula]
    contributions: tuple[Contribution, ...]
    obligations: tuple[tuple[str, Formula], ...]
    grants: tuple[tuple[str, Formula], ...]

    def deciding(self, clause: str, outcome: Outcome) -> Formula:
        """When `clause` is among the deciding clauses of `outcome` (as the verdict lists them)."""
        if outcome in (Outcome.CONDITIONAL, Outcome.PERMITTED):
            whens = [w for c, w in self.grants if c == clause]
            if outcome is Outcome.CONDITIONAL:
                whens += [w for c, w in self.obligations if c == clause]
        else:
            whens = [c.when for c in self.contributions if c.clause == clause and c.outcome is outcome]
        return all_of([self.outcomes[outcome], any_of(whens)])


class Engine:
    """Formulas for the licences over one space. Atom truth tables are computed once per class."""

    def __init__(self, space: Space) -> None:
        self.space = space
        self._tables: dict[tuple[model.Condition, str], tuple[Truth, ...]] = {}

    def _table(self, atom: model.Condition, license: model.License) -> tuple[Truth, ...]:
        """The atom's truth for each class (scalar) or each lone element class (set) of its axis."""
        key = (atom, license.id)
        found = self._tables.get(key)
        if found is None:
            space = self.space.get(atom_axis(atom))
            assert space is not None, f"{atom_axis(atom).label} is not in the space"
            found = tuple(holds(atom, _sample(space, c), license).truth for c in space.classes)
            self._tables[key] = found
        return found

    def rail(self, condition: model.Condition | None, license: model.License, state: State) -> Rail:
        """The three-valued truth of a condition under a state (Kleene logic, as `holds`)."""
        match condition:
            case None:
                return ALWAYS
            case model.NotCondition(item=item):
                return ~self.rail(item, license, state)
            case model.AllOf(items=items):
                rails = [self.rail(i, license, state) for i in items]
                return Rail(all_of(r.t for r in rails), any_of(r.f for r in rails))
            case model.AnyOf(items=items):
                rails = [self.rail(i, license, state) for i in items]
                return Rail(any_of(r.t for r in rails), all_of(r.f for r in rails))
        axis = atom_axis(condition)
        space = self.space.get(axis)
        assert space is not None
        table = self._table(condition, license)
        knowledge = state.of(axis)
        if is_set(space) and isinstance(condition, model.AnyUseIn) and condition.every:
            # every element satisfies it: the set is known, not empty (an empty set is written as the
            # neutral class: a use no licence names) and touches no class that does not
            outside = any_of(p for p, truth in zip(knowledge.parts, table, strict=True) if truth is not Truth.TRUE)
            empty = negate(any_of(knowledge.parts))
            return Rail(
                all_of([knowledge.known, negate(outside), negate(empty)]),
                all_of([knowledge.known, any_of([outside, empty])]),
            )
        if is_set(space):
            # some element of the set satisfies it: the set is known and touches a class that does
            hit = any_of(p for p, truth in zip(knowledge.parts, table, strict=True) if truth is Truth.TRUE)
            return Rail(all_of([knowledge.known, hit]), all_of([knowledge.known, negate(hit)]))
        t = all_of(negate(p) for p, truth in zip(knowledge.parts, table, strict=True) if truth is not Truth.TRUE)
        f = all_of(negate(p) for p, truth in zip(knowledge.parts, table, strict=True) if truth is not Truth.FALSE)
        return Rail(all_of([knowledge.known, t]), all_of([knowledge.known, f]))

    def effective(self, license: model.License, state: State) -> dict[str, Rail]:
        """Each clause's truth after exemptions: an exemption switches its target off only when its
        own condition is known to hold (an unknown exemption leaves the target live)."""
        raw = {c.id: self.rail(c.condition, license, state) for c in license.clauses}
        off: dict[str, list[Formula]] = {}
        for clause in license.clauses:
            if isinstance(clause.effect, model.Exempts):
                for target in clause.effect.clauses:
                    if target in raw:
                        off.setdefault(target, []).append(raw[clause.id].t)
        effective = dict(raw)
        for target, exemptions in off.items():
            switched = any_of(exemptions)
            effective[target] = Rail(all_of([raw[target].t, negate(switched)]), any_of([raw[target].f, switched]))
        return effective

    def _name_unmet(self, prefix: str, state: State) -> Formula:
        """The profile names a derived model, and its name does not begin with `prefix`."""
        return self._named_unfit(Fact.DERIVATIVE_NAME, lambda name: name.startswith(prefix), state)

    def _licence_unmet(self, accepted: tuple[str, ...], state: State) -> Formula:
        """The profile names the derivative's licence, and it is none of `accepted`."""
        return self._named_unfit(Fact.DERIVATIVE_LICENSE, lambda licence: licence in accepted, state)

    def _named_unfit(self, fact: Fact, fits: Callable[[str], bool], state: State) -> Formula:
        """The profile gives the text fact, and its value does not fit the duty."""
        space = self.space.get(Axis(fact))
        if space is None:
            return False
        knowledge = state.of(space.axis)
        return any_of(
            p
            for p, c in zip(knowledge.parts, space.classes, strict=True)
            if c.value is not None and not fits(str(c.value))
        )

    def decide(self, license: model.License, state: State) -> Decided:
        """The combining rule, as formulas — a second copy of `checker.evaluation.evaluate.combine`:

        a refusal that holds contributes its outcome, one that is unknown undetermined; a
        termination only when it holds; an
        obligation the profile shows unmet (a name without the prefix) counts as forbidden (as
        undetermined when its condition is unknown); no grant holding is forbidden when every grant
        fails and undetermined otherwise; a licence whose text is unverified never settles a grant.
        The worst contribution wins; with none, conditional if an obligation may apply, else permitted.
        """
        effective = self.effective(license, state)
        contributions: list[Contribution] = []
        obligations: list[tuple[str, Formula]] = []
        for clause in license.clauses:
            rail = effective[clause.id]
            match clause.effect:
                case model.Forbidden() | model.NeedsLicense() | model.Unclear():
                    contributions.append(Contribution(refusal_when_true(license, clause), clause.id, rail.t))
                    contributions.append(Contribution(Outcome.UNDETERMINED, clause.id, rail.unknown))
                case model.Terminates() as terminates:
                    # Only a termination that holds contributes (an unknown one is listed, not decisive).
                    ending = termination_outcome(license, clause, terminates)
                    contributions.append(Contribution(ending, clause.id, rail.t))
                case model.Obligation():
                    obligations.append((clause.id, negate(rail.f)))
                    prefix = prefix_duty(clause)
                    accepted = accepted_licences(clause)
                    if accepted is not None:
                        unmet = self._licence_unmet(accepted, state)
                        contributions.append(Contribution(Outcome.FORBIDDEN, clause.id, all_of([rail.t, unmet])))
                        contributions.append(
                            Contribution(Outcome.UNDETERMINED, clause.id, all_of([rail.unknown, unmet]))
                        )
                    if prefix is not None:
                        unmet = self._name_unmet(prefix, state)
                        contributions.append(Contribution(Outcome.FORBIDDEN, clause.id, all_of([rail.t, unmet])))
                        contributions.append(
                            Contribution(Outcome.UNDETERMINED, clause.id, all_of([rail.unknown, unmet]))
                        )
                case model.Permits() | model.Exempts():
                    pass
        grant_ids = [c.id for c in license.clauses if isinstance(c.effect, model.Permits)]
        grants = tuple((g, effective[g].t) for g in grant_ids)
        if grant_ids:
            every_fails = all_of(effective[g].f for g in grant_ids)
            none_holds = all_of(negate(effective[g].t) for g in grant_ids)
            outside = all_of([none_holds, negate(every_fails)])
            for g in grant_ids:
                contributions.append(Contribution(Outcome.FORBIDDEN, g, every_fails))
                contributions.append(Contribution(Outcome.UNDETERMINED, g, outside))
            if _doubted(license):
                contributions += [Contribution(Outcome.UNDETERMINED, g, t) for g, t in grants]
        by: dict[Outcome, Formula] = {}
        for outcome in (Outcome.FORBIDDEN, Outcome.NEEDS_LICENSE, Outcome.UNDETERMINED):
            by[outcome] = any_of(c.when for c in contributions if c.outcome is outcome)
        live = any_of(w for _, w in obligations)
        none_worse: list[Formula] = []
        outcomes: dict[Outcome, Formula] = {}
        for outcome in (Outcome.FORBIDDEN, Outcome.NEEDS_LICENSE, Outcome.UNDETERMINED):
            outcomes[outcome] = all_of([*none_worse, by[outcome]])
            none_worse.append(negate(by[outcome]))
        outcomes[Outcome.CONDITIONAL] = all_of([*none_worse, live])
        outcomes[Outcome.PERMITTED] = all_of([*none_worse, negate(live)])
        return Decided(outcomes, tuple(contributions), tuple(obligations), grants)


def constant_outcome(decided: Decided) -> Outcome:
    """The outcome when every formula folded to a constant (a concrete profile)."""
    found = [o for o, f in decided.outcomes.items() if f is True]
    assert len(found) == 1 and all(isinstance(f, bool) for f in decided.outcomes.values()), decided.outcomes
    return found[0]


def _sample(space: AxisSpace, choice: Choice) -> ServiceProfile:
    """A profile holding only one class of an axis (a lone element for a set axis)."""
    value = choice.value
    if is_set(space):
        value = (value,)
    return profile_of(Space((space,)), {space.axis: value})


# ---- from a model back to a profile -------------------------------------------------------


def set_value(space: AxisSpace, present: Sequence[bool], keep: tuple[object, ...] = ()) -> tuple[object, ...]:
    """A set holding a representative of each present element class; `keep`'s elements first where
    they fall in a present class (a change keeps what the profile already had)."""
    if not any(present) and space.neutral is not None:
        present = [j == space.neutral for j in range(len(present))]
    chosen: list[object] = []
    for j, on in enumerate(present):
        if not on:
            continue
        mine = [v for v in keep if space.element_classes((v,)) == frozenset({j})]
        chosen += mine or [space.classes[j].value]
    return tuple(sorted(set(chosen), key=str))


def scalar_value(space: AxisSpace, index: int, current: object = None) -> object:
    """The value of class `index` to set: for a quantity the nearest to `current`."""
    choice = space.classes[index]
    if space.axis.fact.kind is FactKind.QUANTITY and isinstance(current, int | Decimal):
        nearest = choice.nearest(Decimal(current))
        return nearest if space.axis.fact is Fact.REVENUE else int(nearest)
    return choice.value


def profile_of(space: Space, values: dict[Axis, object]) -> ServiceProfile:
    """A profile with exactly these axes given (MAU figures by month; the current figure only when
    its own axis is given, so that a month left out stays unknown)."""
    fields: dict[str, Any] = {}
    current: Any = values.get(Axis(Fact.MAU))
    months: dict[str, Any] = {a.month: v for a, v in values.items() if a.fact is Fact.MAU and a.month}
    if current is not None or months:
        # Built without validation: every value is a class representative, already in the profile's types.
        fields["mau"] = MonthlyActiveUsers.model_construct(current=current, by_month=dict(sorted(months.items())))
    for axis, value in values.items():
        if axis.fact is not Fact.MAU:
            fields[field_for(axis.fact)] = value
    return ServiceProfile.model_construct(**fields)


class Solver:
    """A z3 solver over one space's variables, with its domain constraints. A formula asked about
    more than once is named by a literal once (`literal`), so that each question only assumes it."""

    def __init__(self, variables: Variables) -> None:
        self.variables = variables
        self.z3 = z3.Solver()
        self.z3.add(*[c for c in variables.domain if not isinstance(c, bool)])
        self.queries = 0
        self._literals: list[tuple[Formula, Formula]] = []

    def literal(self, formula: Formula) -> Formula:
        """A fresh yes/no that implies the formula (constants stay constants)."""
        if isinstance(formula, bool):
            return formula
        for known, lit in self._literals:
            if known is formula:
                return lit
        lit = z3.Bool(f"q{len(self._literals)}")
        self.z3.add(any_of([negate(lit), formula]))
        self._literals.append((formula, lit))
        return lit

    def add(self, *formulas: Formula) -> bool:
        """Add constraints; False when one of them is the constant False (nothing can satisfy it)."""
        for f in formulas:
            if f is False:
                self.z3.add(z3.BoolVal(False))
                return False
            if f is not True:
                self.z3.add(f)
        return True

    def check(self, *assumptions: Formula) -> z3.ModelRef | None:
        """A model satisfying the constraints and the assumptions, or None when there is none."""
        if self.satisfiable(*assumptions):
            return self.z3.model()
        return None

    def satisfiable(self, *assumptions: Formula) -> bool:
        """Whether some profile satisfies the constraints and the assumptions."""
        if any(a is False for a in assumptions):
            return False
        self.queries += 1
        kept = [a for a in assumptions if a is not True]
        # z3's Python `check` re-checks the sort of every assumption; they are Boolean here.
        array = (z3.Ast * len(kept))(*(a.as_ast() for a in kept))
        ctx = self.z3.ctx
        return bool(z3core.Z3_solver_check_assumptions(ctx.ref(), self.z3.solver, len(kept), array) == z3.Z3_L_TRUE)


def values_of(variables: Variables, m: z3.ModelRef, axes: Iterable[AxisSpace]) -> dict[Axis, object]:
    """The concrete value a model gives each axis (a class representative; a set of them)."""
    found: dict[Axis, object] = {}
    for space in axes:
        chosen = variables.choose(m, space)
        if isinstance(chosen, tuple):
            found[space.axis] = set_value(space, chosen)
        else:
            found[space.axis] = scalar_value(space, chosen)
    return found


def fixes(variables: Variables, space: AxisSpace, value: object) -> list[Formula]:
    """The literals saying that an axis has the class (or the set of element classes) of `value`."""
    key = (space.axis, value)
    found = variables.fixed.get(key)
    if found is None:
        found = variables.fixed[key] = _fixes(variables, space, value)
    return found


def _fixes(variables: Variables, space: AxisSpace, value: object) -> list[Formula]:
    if is_set(space):
        assert isinstance(value, tuple)
        touched = space.element_classes(value)
        return [e if j in touched else variables.negated(e) for j, e in enumerate(variables.elements[space.axis])]
    return [variables.is_class(space.axis, class_index(space, value))]


# ---- a profile and the changes that may be made to it (flip points, questions) -----------------


class ChangeState(State):
    """A concrete profile, each of whose facts may be changed: a scalar fact to another class (an
    unknown one: to any class), a known set one element class at a time, an unknown set supplied
    whole. `units` are the changes counted by distance; `changed` says which axes a model changes."""

    def __init__(self, variables: Variables, profile: ServiceProfile) -> None:
        super().__init__(variables.space)
        self.variables = variables
        self.constraints = list(variables.domain)
        self.knowledge: dict[Axis, Knowledge] = {}
        self.units: list[Formula] = []
        self.changed: dict[Axis, Formula] = {}
        self.before: dict[Axis, Knowledge] = {}
        for space in self.space.axes:
            axis = space.axis
            start = profile_knowledge(space, profile)
            self.before[axis] = start
            if is_set(space):
                elements = variables.elements[axis]
                if start.known is True:
                    toggles = [variables.negated(e) if on else e for e, on in zip(elements, start.parts, strict=True)]
                    self.units += toggles
                    self.changed[axis] = any_of(toggles)
                    self.knowledge[axis] = Knowledge(True, elements)
                else:
                    supplied = z3.Bool(f"supply {axis.label}")
                    self.units.append(supplied)
                    self.changed[axis] = supplied
                    self.knowledge[axis] = Knowledge(supplied, elements)
                continue
            change = z3.Bool(f"change {axis.label}")
            self.units.append(change)
            self.changed[axis] = change
            bits = variables.classes[axis]
            parts = tuple(
                any_of([negate(change), bit]) if was is True else all_of([change, bit])
                for bit, was in zip(bits, start.parts, strict=True)
            )
            self.knowledge[axis] = Knowledge(any_of([change, start.known]), parts)
            if start.known is True and sum(1 for p in start.parts if p is True) == 1:
                current = next(i for i, p in enumerate(start.parts) if p is True)
                self.constraints.append(any_of([negate(change), negate(bits[current])]))  # a change moves

    def of(self, axis: Axis) -> Knowledge:
        return self.knowledge[axis]


def at_most(units: Sequence[Formula], k: int) -> Formula:
    kept = [u for u in units if not isinstance(u, bool)]
    return z3.AtMost(*kept, k) if kept else True


def changed_axes(state: ChangeState, m: z3.ModelRef) -> frozenset[Axis]:
    return frozenset(a for a, f in state.changed.items() if z3.is_true(m.eval(f, model_completion=True)))
