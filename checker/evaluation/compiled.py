"""The fast path: each licence's rules compiled once into a Python function that returns its outcome.

`checker.evaluation.evaluate` is the reference: it builds a full verdict with a reason per clause, and it stays
the oracle (a property test runs both on random profiles and requires the same outcome, missing
facts and deciding clauses). This module turns a licence model into generated Python source — one
straight-line function per licence, with thresholds, region tables and use-case sets folded into
constants — so that asking "what is the outcome?" costs a few attribute reads and comparisons.
Reasons are rendered only when asked for (`CompiledLicense.verdict`), by the reference evaluator.

Truth values in the generated code are `True`, `False` and `None` (unknown), combined by Kleene
logic exactly as `checker.evaluation.evaluate.holds` does. Pure: no I/O, no Lark.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count
from typing import Any

from checker.evaluation.evaluate import evaluate, question_id, termination_outcome, with_answers
from checker.evaluation.profile import ServiceProfile, field_for
from checker.terms import model
from checker.terms.regions import countries, groups, members
from checker.terms.verdict import LicenseVerdict
from checker.terms.vocabulary import Comparator, Fact, ObligationKind, Outcome, Verification

Truth = bool | None
MissingKey = tuple[str, str | None]
"""A missing fact as (fact, detail), the identity `LicenseVerdict.missing_facts` is deduplicated by."""

_OPERATORS = {
    Comparator.GT: ">",
    Comparator.GE: ">=",
    Comparator.LT: "<",
    Comparator.LE: "<=",
    Comparator.EQ: "==",
    Comparator.NE: "!=",
}


@dataclass(frozen=True)
class Decision:
    """What the combining rule decides, without the words: the outcome, the clauses that decided it
    (in the order the reference verdict lists its reasons) and the facts the profile lacked."""

    outcome: Outcome
    deciding: tuple[str, ...]
    missing: tuple[MissingKey, ...]
    open_terminations: tuple[str, ...] = ()
    """The `terminates` clauses whose condition is unknown (`LicenseVerdict.terminations`): learning
    their facts can still change the outcome, though `missing` leaves them out."""


def _doubted(license: model.License) -> bool:
    """A licence whose whole text is unverified never gives a settled result (see `combine`)."""
    return license.verification in (Verification.SECONDARY, Verification.UNVERIFIED)


def _refusal_when_true(license: model.License, clause: model.Clause) -> Outcome:
    """What a forbidden / needs-license / unclear clause contributes when its condition holds."""
    effect = clause.effect
    if isinstance(effect, model.Unclear):
        return Outcome.UNDETERMINED
    outcome = Outcome.FORBIDDEN if isinstance(effect, model.Forbidden) else Outcome.NEEDS_LICENSE
    if clause.unverified or _doubted(license):
        return Outcome.UNDETERMINED  # an unverified term never refuses as if it were settled
    return outcome


def _accepted_licences(clause: model.Clause) -> tuple[str, ...] | None:
    """The licences a share-alike duty accepts for adaptations (the other duty a profile can show unmet)."""
    effect = clause.effect
    if isinstance(effect, model.Obligation) and effect.duty is ObligationKind.SHARE_ALIKE and effect.accepted:
        return effect.accepted
    return None


def _prefix_duty(clause: model.Clause) -> str | None:
    """The required name prefix of a naming obligation (the one obligation a profile can show unmet)."""
    effect = clause.effect
    if isinstance(effect, model.Obligation) and effect.duty is ObligationKind.NAME_PREFIX and effect.text:
        return effect.text
    return None


# ---- regions, folded into tables once ------------------------------------------------------


def _all_regions() -> list[str]:
    return [*groups(), *countries()]


def _domicile_table(regions: tuple[str, ...]) -> dict[str, Truth]:
    """Every canonical region a domicile may be → whether it lies within `regions` (None: partly)."""
    target = frozenset().union(*(members(r) for r in regions))
    table: dict[str, Truth] = {}
    for region in _all_regions():
        possible = members(region)
        table[region] = True if possible <= target else (False if not possible & target else None)
    return table


def _market_set(regions: tuple[str, ...]) -> frozenset[str]:
    """The canonical market names that reach into `regions` (a market group means all its countries)."""
    target = frozenset().union(*(members(r) for r in regions))
    return frozenset(r for r in _all_regions() if members(r) & target)


# ---- code generation -----------------------------------------------------------------------


@dataclass
class _Source:
    """Generated lines, the constants they refer to, and the profile fields they read."""

    lines: list[str] = field(default_factory=list)
    constants: dict[str, object] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    names: Iterator[int] = field(default_factory=count)
    done: dict[model.Node, str] = field(default_factory=dict)  # a condition met twice is computed once

    def temp(self) -> str:
        return f"t{next(self.names)}"

    def constant(self, value: object) -> str:
        name = f"K{len(self.constants)}"
        self.constants[name] = value
        return name

    def read(self, profile_field: str) -> str:
        """A local holding a profile field, read once at the top of the function."""
        return self.fields.setdefault(profile_field, f"f_{profile_field}")

    def emit(self, line: str) -> None:
        self.lines.append("    " + line)


def _literal(value: Decimal) -> str:
    # Integral thresholds become int literals: int/int comparisons are the fastest, and Python
    # compares int with Decimal exactly, so a Decimal revenue still compares correctly.
    if value == value.to_integral_value():
        return repr(int(value))
    return f"Decimal({str(value)!r})"


def _condition(condition: model.Condition, src: _Source) -> str:
    """Emit code computing a condition's truth into a local; return its name."""
    known = src.done.get(condition)
    if known is None:
        known = src.done[condition] = _compute(condition, src)
    return known


def _compute(condition: model.Condition, src: _Source) -> str:
    if isinstance(condition, model.FlagIs):
        return src.read(field_for(condition.fact))  # a validated flag is already True, False or None
    out = src.temp()
    match condition:
        case model.Compare(fact=Fact.MAU, anchor=anchor, comparator=comparator, value=quantity):
            mau = src.read("mau")
            # MonthlyActiveUsers.in_month: the month's figure, else the current one.
            figure = f"{mau}.by_month.get({anchor.month!r}, {mau}.current)" if anchor else f"{mau}.current"
            src.emit(f"{out} = None if {mau} is None else {figure}")
            op = _OPERATORS[comparator]
            src.emit(f"{out} = None if {out} is None else {out} {op} {_literal(quantity.value)}")
        case model.Compare(fact=fact, comparator=comparator, value=quantity):
            value = src.read(field_for(fact))
            op = _OPERATORS[comparator]
            src.emit(f"{out} = None if {value} is None else {value} {op} {_literal(quantity.value)}")
        case model.InRegion(fact=fact, regions=regions):
            table = src.constant(_domicile_table(regions))
            src.emit(f"{out} = {table}.get({src.read(field_for(fact))})")
        case model.AnyMarketIn(regions=regions):
            markets = src.read("markets")
            reach = src.constant(_market_set(regions))
            src.emit(f"{out} = None if {markets} is None else not {reach}.isdisjoint({markets})")
        case model.AnyUseIn(uses=uses, every=every):
            used = src.read("uses")
            wanted = src.constant(frozenset(uses))
            test = f"bool({used}) and {wanted}.issuperset({used})" if every else f"not {wanted}.isdisjoint({used})"
            src.emit(f"{out} = None if {used} is None else {test}")
        case model.IsModality(value=modality):
            actual = src.read("modality")
            src.emit(f"{out} = None if {actual} is None else {actual} is {src.constant(modality)}")
        case model.StartsWith(fact=fact, prefix=prefix):
            text = src.read(field_for(fact))
            src.emit(f"{out} = None if {text} is None else {text}.startswith({prefix!r})")
        case model.NotCondition(item=item):
            inner = _condition(item, src)
            src.emit(f"{out} = None if {inner} is None else not {inner}")
        case model.AllOf(items=items):
            parts = [_condition(i, src) for i in items]
            false = " or ".join(f"{p} is False" for p in parts)
            unknown = " or ".join(f"{p} is None" for p in parts)
            src.emit(f"{out} = False if ({false}) else (None if ({unknown}) else True)")
        case model.AnyOf(items=items):
            parts = [_condition(i, src) for i in items]
            true = " or ".join(f"{p} is True" for p in parts)
            unknown = " or ".join(f"{p} is None" for p in parts)
            src.emit(f"{out} = True if ({true}) else (None if ({unknown}) else False)")
        case _:  # pragma: no cover - the union above is closed
            raise AssertionError(f"unhandled condition {condition!r}")
    return out


def _is(name: str, value: object) -> str | None:
    """The test `name is value`, folded when `name` is the constant True (a clause without a
    condition): None when it can never hold, "True" when it always does."""
    if name == "True":
        return "True" if value is True else None
    return f"{name} is {value}"


def _is_not(name: str, value: object) -> str | None:
    if name == "True":
        return None if value is True else "True"
    return f"{name} is not {value}"


def _all_of(tests: list[str | None]) -> str | None:
    """A conjunction of folded tests (None: never holds; "True": always holds)."""
    if any(t is None for t in tests):
        return None
    kept = [t for t in tests if t != "True"]
    return " and ".join(f"({t})" for t in kept) if kept else "True"


def _any_of(tests: list[str | None]) -> str | None:
    """A disjunction of folded tests."""
    kept = [t for t in tests if t is not None]
    if "True" in kept:
        return "True"
    return " or ".join(f"({t})" for t in kept) if kept else None


def _generate(license: model.License) -> tuple[str, dict[str, object]]:
    """The source of `truths(p)` (each clause's raw truth) and `outcome(p)` for one licence."""
    src = _Source()
    raw: dict[str, str] = {}
    for clause in license.clauses:
        raw[clause.id] = _condition(clause.condition, src) if clause.condition is not None else "True"
    body = src.lines
    src.lines = []

    # Exemptions: a target is switched off when an exemption of it is known to hold.
    exemptors: dict[str, list[str]] = {}
    for clause in license.clauses:
        if isinstance(clause.effect, model.Exempts):
            for target in clause.effect.clauses:
                if target in raw:
                    exemptors.setdefault(target, []).append(raw[clause.id])
    effective: dict[str, str] = {}
    for clause in license.clauses:
        names = exemptors.get(clause.id)
        if names:
            name = f"e_{len(effective)}"
            off = " or ".join(f"{n} is True" for n in names)
            src.emit(f"{name} = False if ({off}) else {raw[clause.id]}")
            effective[clause.id] = name
        else:
            effective[clause.id] = raw[clause.id]
    combine = _combine_source(license, effective, src)

    reads = [f"    {local} = p.{name}" for name, local in src.fields.items()]
    # A profile that answers one of the licence's questions is decided by the licence as answered
    # (`CompiledLicense._answered`, compiled once per set of answers).
    answered: list[str] = []
    if any(isinstance(c.effect, model.Unclear) for c in license.clauses):
        answered = [
            "    if p.answers:",
            "        answered = ANSWERED(p)",
            "        if answered is not None:",
            "            return answered",
        ]
    # `(a,)` for one clause, `()` for none: `(,)` is a syntax error (issue 14, a licence with no clauses).
    truths = "".join(f"{raw[c.id]}, " for c in license.clauses)
    source = "\n".join(
        [
            f"# compiled from licence {license.id!r}",
            "def truths(p):",
            *reads,
            *body,
            f"    return ({truths})",
            "",
            "def outcome(p):",
            *answered,
            *reads,
            *body,
            *src.lines,
            *combine,
            "",
        ]
    )
    return source, {"Decimal": Decimal, **src.constants}


def _combine_source(license: model.License, effective: dict[str, str], src: _Source) -> list[str]:
    """The combining rule as `if` tests, worst outcome first; each mirrors one contribution of `combine`."""
    tests: dict[Outcome, list[str | None]] = {o: [] for o in Outcome}
    grants = [effective[c.id] for c in license.clauses if isinstance(c.effect, model.Permits)]
    for clause in license.clauses:
        e = effective[clause.id]
        match clause.effect:
            case model.Forbidden() | model.NeedsLicense() | model.Unclear():
                tests[_refusal_when_true(license, clause)].append(_is(e, True))
                tests[Outcome.UNDETERMINED].append(_is(e, None))
            case model.Terminates() as terminates:
                # Only a termination that holds contributes; an unknown one is listed, not decisive.
                tests[termination_outcome(license, clause, terminates)].append(_is(e, True))
            case model.Obligation():
                tests[Outcome.CONDITIONAL].append(_is_not(e, False))
                unmet = []  # a duty the profile shows unmet: forbidden where it applies
                prefix = _prefix_duty(clause)
                if prefix is not None:
                    derivative = src.read("derivative_name")
                    unmet.append(f"{derivative} is not None and not {derivative}.startswith({prefix!r})")
                accepted = _accepted_licences(clause)
                if accepted is not None:
                    released = src.read("derivative_license")
                    unmet.append(f"{released} is not None and {released}.lower() not in {accepted!r}")
                for shown_unmet in unmet:
                    tests[Outcome.FORBIDDEN].append(_all_of([_is(e, True), shown_unmet]))
                    tests[Outcome.UNDETERMINED].append(_all_of([_is(e, None), shown_unmet]))
            case model.Permits() | model.Exempts():
                pass
    if grants:
        tests[Outcome.FORBIDDEN].append(_all_of([_is(g, False) for g in grants]))
        # Reached only when not every grant is false: none holding means some are unknown.
        none_holds = _all_of([_is_not(g, True) for g in grants])
        tests[Outcome.UNDETERMINED].append(none_holds)
        if _doubted(license):
            tests[Outcome.UNDETERMINED].append("True" if none_holds is None else f"not ({none_holds})")
    combine: list[str] = []
    for outcome in (Outcome.FORBIDDEN, Outcome.NEEDS_LICENSE, Outcome.UNDETERMINED, Outcome.CONDITIONAL):
        test = _any_of(tests[outcome])
        if test == "True":
            combine.append(f"    return {src.constant(outcome)}")
            break
        if test is not None:
            combine += [f"    if {test}:", f"        return {src.constant(outcome)}"]
    else:
        combine.append(f"    return {src.constant(Outcome.PERMITTED)}")
    return combine


# ---- the explaining path: missing facts and deciding clauses, only when asked --------------

_Explain = Callable[[ServiceProfile], tuple[Truth, tuple[MissingKey, ...]]]


def _explainer(condition: model.Condition) -> _Explain:
    """A closure giving a condition's truth and, when unknown, the facts it lacked (in the order
    the reference evaluator reports them)."""
    match condition:
        case model.NotCondition(item=item):
            inner = _explainer(item)

            def negate(p: ServiceProfile) -> tuple[Truth, tuple[MissingKey, ...]]:
                truth, missing = inner(p)
                return (None if truth is None else not truth), missing

            return negate
        case model.AllOf(items=items) | model.AnyOf(items=items):
            parts = [_explainer(i) for i in items]
            decisive = isinstance(condition, model.AnyOf)  # `any`: one true decides; `all`: one false

            def combine(p: ServiceProfile) -> tuple[Truth, tuple[MissingKey, ...]]:
                found = [part(p) for part in parts]
                if any(t is decisive for t, _ in found):
                    return decisive, ()
                if any(t is None for t, _ in found):
                    return None, tuple(m for t, ms in found if t is None for m in ms)
                return not decisive, ()

            return combine
        case _:
            return _atom(condition)


def _atom(condition: model.Condition) -> _Explain:
    fact = condition.fact  # type: ignore[union-attr]  # every atom names its fact
    detail: str | None = None
    if isinstance(condition, model.Compare) and condition.anchor is not None:
        detail = condition.anchor.month
    table = _domicile_table(condition.regions) if isinstance(condition, model.InRegion) else None
    source, constants = _generate_atom(condition)
    namespace: dict[str, Any] = dict(constants)
    exec(compile(source, f"<modelterms atom {fact.value}>", "exec"), namespace)
    truth_of: Callable[[ServiceProfile], Truth] = namespace["atom"]

    def explain(p: ServiceProfile) -> tuple[Truth, tuple[MissingKey, ...]]:
        truth = truth_of(p)
        if truth is not None:
            return truth, ()
        if table is not None and p.domicile is not None:
            return None, ((fact.value, p.domicile),)  # a group that lies partly inside the regions
        return None, ((fact.value, detail),)

    return explain


def _generate_atom(condition: model.Condition) -> tuple[str, dict[str, object]]:
    src = _Source()
    result = _condition(condition, src)
    reads = [f"    {local} = p.{name}" for name, local in src.fields.items()]
    return "\n".join(["def atom(p):", *reads, *src.lines, f"    return {result}", ""]), {
        "Decimal": Decimal,
        **src.constants,
    }


class CompiledLicense:
    """One licence compiled: `outcome(profile)` is the fast path, `decide` adds the deciding
    clauses and missing facts, `verdict` renders the full reasons through the reference evaluator."""

    def __init__(self, license: model.License) -> None:
        self.license = license
        self.source, constants = _generate(license)
        # exec of generated code: text from a licence file enters it only as a repr() literal (a
        # prefix, a month) or as a named constant; names come from closed vocabularies. Nothing a
        # licence file says is spliced into the source raw.
        namespace: dict[str, Any] = {**constants, "ANSWERED": self._answered_outcome}
        self._questions = frozenset(
            question_id(license, c) for c in license.clauses if isinstance(c.effect, model.Unclear)
        )
        self._decided: dict[tuple[tuple[str, bool], ...], CompiledLicense] = {}
        exec(compile(self.source, f"<modelterms {license.id}>", "exec"), namespace)
        self.outcome: Callable[[ServiceProfile], Outcome] = namespace["outcome"]
        self._truths: Callable[[ServiceProfile], tuple[Truth, ...]] = namespace["truths"]
        self._explainers: dict[str, _Explain] | None = None  # built on the first `decide`

    def _answered(self, profile: ServiceProfile) -> CompiledLicense | None:
        """The licence as the profile's answers decide it, compiled (once per set of answers); None
        when no answer concerns this licence."""
        answers = profile.answers or {}
        key = tuple(sorted((q, answers[q].value) for q in self._questions & answers.keys()))
        if not key:
            return None
        decided = self._decided.get(key)
        if decided is None:
            decided = self._decided[key] = CompiledLicense(with_answers(self.license, profile))
        return decided

    def _answered_outcome(self, profile: ServiceProfile) -> Outcome | None:
        decided = self._answered(profile)
        return decided.outcome(profile) if decided is not None else None

    def _explain(self) -> dict[str, _Explain]:
        if self._explainers is None:
            self._explainers = {c.id: _explainer(c.condition) for c in self.license.clauses if c.condition}
        return self._explainers

    def verdict(self, profile: ServiceProfile) -> LicenseVerdict:
        """The full verdict with reasons (the reference evaluator: words are only built when asked)."""
        return evaluate(self.license, profile)

    def decide(self, profile: ServiceProfile) -> Decision:
        """The outcome, deciding clauses and missing facts, following `checker.evaluation.evaluate.combine`."""
        if profile.answers and (decided := self._answered(profile)) is not None:
            return decided.decide(profile)
        license = self.license
        clauses = license.clauses
        raw = dict(zip((c.id for c in clauses), self._truths(profile), strict=True))
        effective = dict(raw)
        pending: dict[str, list[str]] = {}
        for clause in clauses:
            if isinstance(clause.effect, model.Exempts):
                for target in clause.effect.clauses:
                    if target not in raw or raw[target] is False:
                        continue
                    if raw[clause.id] is True:
                        effective[target] = False
                    elif raw[clause.id] is None:
                        pending.setdefault(target, []).append(clause.id)

        contributions, obligations, granted = _contributions(
            license, effective, profile.derivative_name, profile.derivative_license
        )
        worst = min((o for o, _ in contributions), key=lambda o: o.severity, default=None)
        if worst is None:
            worst = Outcome.CONDITIONAL if obligations else Outcome.PERMITTED
            deciding = list(granted) + (obligations if worst is Outcome.CONDITIONAL else [])
        else:
            deciding = [c for o, c in contributions if o is worst]

        missing: dict[MissingKey, None] = {}
        exempting = {c.id for c in clauses if isinstance(c.effect, model.Exempts | model.Terminates)}
        unknown_clauses = [c for c, t in effective.items() if t is None and c not in exempting]
        unknown_clauses += [e for items in pending.values() for e in items]
        explain = self._explain()
        for clause_id in unknown_clauses:
            for key in explain[clause_id](profile)[1]:
                missing.setdefault(key, None)
        ending = tuple(c.id for c in clauses if isinstance(c.effect, model.Terminates) and effective[c.id] is None)
        return Decision(worst, tuple(deciding), tuple(missing), ending)


def _contributions(
    license: model.License, effective: dict[str, Truth], derivative: str | None, released: str | None
) -> tuple[list[tuple[Outcome, str]], list[str], list[str]]:
    """What each clause contributes (outcome, clause id), the live obligations, the holding grants."""
    contributions: list[tuple[Outcome, str]] = []
    obligations: list[str] = []
    clauses = license.clauses
    for clause in clauses:
        truth = effective[clause.id]
        match clause.effect:
            case model.Forbidden() | model.NeedsLicense() | model.Unclear():
                if truth is True:
                    contributions.append((_refusal_when_true(license, clause), clause.id))
                elif truth is None:
                    contributions.append((Outcome.UNDETERMINED, clause.id))
            case model.Terminates() as terminates:
                if truth is True:
                    contributions.append((termination_outcome(license, clause, terminates), clause.id))
            case model.Obligation():
                if truth is False:
                    continue
                prefix = _prefix_duty(clause)
                accepted = _accepted_licences(clause)
                if (prefix is not None and derivative is not None and not derivative.startswith(prefix)) or (
                    accepted is not None and released is not None and released.lower() not in accepted
                ):
                    outcome = Outcome.FORBIDDEN if truth is True else Outcome.UNDETERMINED
                    contributions.append((outcome, clause.id))
                obligations.append(clause.id)
            case model.Permits() | model.Exempts():
                pass
    grants = [c.id for c in clauses if isinstance(c.effect, model.Permits)]
    granted = [g for g in grants if effective[g] is True]
    if grants and not granted:
        unknown = any(effective[g] is None for g in grants)
        contributions += [(Outcome.UNDETERMINED if unknown else Outcome.FORBIDDEN, g) for g in grants]
    if _doubted(license):
        contributions += [(Outcome.UNDETERMINED, g) for g in granted]

    return contributions, obligations, granted


def compile_license(license: model.License) -> CompiledLicense:
    """Compile one licence (generate and compile its Python once; call `.outcome` many times)."""
    return CompiledLicense(license)
