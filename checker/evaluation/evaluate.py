"""The evaluator: a licence model and a service profile in, a verdict with reasons out.

Pure: no I/O, no Lark. Conditions are three-valued (true, false, unknown; Kleene logic): a fact
the profile lacks makes a condition unknown unless the rest of the condition decides it anyway,
and an unknown condition is reported with the missing facts, never defaulted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from checker.evaluation.profile import ServiceProfile, field_for, flag_for
from checker.evaluation.wording import condition_text, effect_text, month_name, question
from checker.terms import model
from checker.terms.regions import members
from checker.terms.verdict import LicenseVerdict, MissingFact, ObligationItem, Reason
from checker.terms.vocabulary import Fact, ObligationKind, Outcome, Verification


class Truth(Enum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Finding:
    """A condition's truth, the facts that decided it, the facts it lacked, what was assumed."""

    truth: Truth
    used: tuple[tuple[str, str], ...] = ()
    missing: tuple[MissingFact, ...] = ()
    assumptions: tuple[str, ...] = ()


_ALWAYS = Finding(Truth.TRUE)


def _merge(truth: Truth, parts: Iterable[Finding]) -> Finding:
    parts = list(parts)
    return Finding(
        truth,
        tuple(u for p in parts for u in p.used),
        tuple(m for p in parts for m in p.missing),
        tuple(a for p in parts for a in p.assumptions),
    )


def _all(findings: list[Finding]) -> Finding:
    # Kleene AND: one false decides (and only the false parts explain it); otherwise unknown wins.
    false = [f for f in findings if f.truth is Truth.FALSE]
    if false:
        return _merge(Truth.FALSE, false)
    if any(f.truth is Truth.UNKNOWN for f in findings):
        return _merge(Truth.UNKNOWN, findings)
    return _merge(Truth.TRUE, findings)


def _any(findings: list[Finding]) -> Finding:
    true = [f for f in findings if f.truth is Truth.TRUE]
    if true:
        return _merge(Truth.TRUE, true)
    if any(f.truth is Truth.UNKNOWN for f in findings):
        return _merge(Truth.UNKNOWN, findings)
    return _merge(Truth.FALSE, findings)


def _not(finding: Finding) -> Finding:
    flipped = {Truth.TRUE: Truth.FALSE, Truth.FALSE: Truth.TRUE, Truth.UNKNOWN: Truth.UNKNOWN}
    return Finding(flipped[finding.truth], finding.used, finding.missing, finding.assumptions)


def _truth(value: bool) -> Truth:
    return Truth.TRUE if value else Truth.FALSE


def _unknown(fact: Fact, detail: str | None = None) -> Finding:
    missing = MissingFact(
        fact=fact.value,
        detail=detail,
        question=question(fact, detail),
        flag=flag_for(fact),
        profile_key=f"{field_for(fact)}:",
    )
    return Finding(Truth.UNKNOWN, missing=(missing,))


def question_id(license: model.License, clause: model.Clause) -> str:
    """The stable id of an `unclear` clause's question: `<licence>/<clause>` (clause names are
    unique in a licence)."""
    return f"{license.id}/{clause.id}"


def obligation_id(license: model.License, clause: model.Clause) -> str:
    """The stable id of an obligation: `<licence>/<clause>`."""
    return f"{license.id}/{clause.id}"


def with_answers(license: model.License, profile: ServiceProfile) -> model.License:
    """The licence as the profile's answers decide it: an answered `unclear` clause becomes its
    refusal (the refusing answer) or is dropped (the other answer). The licence itself when no
    answer concerns it. What the analyses and the fast path evaluate; `combine` decides the same."""
    if not profile.answers:
        return license
    clauses: list[model.Clause] = []
    changed = False
    for clause in license.clauses:
        effect = clause.effect
        answer = profile.answer(question_id(license, clause)) if isinstance(effect, model.Unclear) else None
        if answer is None or not isinstance(effect, model.Unclear):
            clauses.append(clause)
            continue
        changed = True
        if answer.value is effect.refusing_answer:
            clauses.append(clause.model_copy(update={"effect": effect.refusal}))
    return license.model_copy(update={"clauses": tuple(clauses)}) if changed else license


def _compare(condition: model.Compare, profile: ServiceProfile, license: model.License) -> Finding:
    assumptions: tuple[str, ...] = ()
    if condition.fact is Fact.MAU:
        mau = profile.mau
        if condition.anchor is not None:
            month = condition.anchor.month
            figure, assumed = mau.in_month(month) if mau else (None, False)
            if figure is None:
                return _unknown(Fact.MAU, month)
            label = f"mau in {month}"
            if assumed:
                since = (
                    f"before its {condition.anchor.date:%Y-%m-%d} release"
                    if condition.anchor.from_release
                    else (f"before {condition.anchor.date:%Y-%m-%d}")
                )
                assumptions = (
                    f"{license.id}: the single MAU figure {figure:,} is taken to hold in {month_name(month)}, "
                    f"the month the licence measures ({since}); give --mau {month}=N if it differed.",
                )
        else:
            figure = mau.current if mau else None
            if figure is None:
                return _unknown(Fact.MAU)
            label = "mau"
        actual = Decimal(figure)
    else:
        label = condition.fact.value
        value = profile.value_of(condition.fact)
        if value is None:
            return _unknown(condition.fact)
        assert isinstance(value, int | Decimal)
        actual = Decimal(value)
    holds = condition.comparator.holds(actual, condition.value.value)
    return Finding(_truth(holds), ((label, f"{actual:,}"),), (), assumptions)


def holds(condition: model.Condition, profile: ServiceProfile, license: model.License) -> Finding:
    """Whether a condition holds for a profile: true, false or unknown, with the facts involved."""
    match condition:
        case model.FlagIs(fact=fact):
            value = profile.value_of(fact)
            if value is None:
                return _unknown(fact)
            return Finding(_truth(bool(value)), ((fact.value, "yes" if value else "no"),))
        case model.Compare():
            return _compare(condition, profile, license)
        case model.InRegion(fact=fact, regions=regions):
            domicile = profile.value_of(fact)
            if domicile is None:
                return _unknown(fact)
            assert isinstance(domicile, str)
            possible = members(domicile)
            target = frozenset().union(*(members(r) for r in regions))
            used = ((fact.value, domicile),)
            if possible <= target:
                return Finding(Truth.TRUE, used)
            if not possible & target:
                return Finding(Truth.FALSE, used)
            return _unknown(fact, domicile)
        case model.AnyMarketIn(regions=regions):
            markets = profile.markets
            if markets is None:
                return _unknown(Fact.MARKET)
            target = frozenset().union(*(members(r) for r in regions))
            served = frozenset().union(*(members(m) for m in markets))
            return Finding(_truth(bool(served & target)), (("markets", ", ".join(markets) or "none"),))
        case model.AnyUseIn(uses=uses, every=True):
            if profile.uses is None:
                return _unknown(Fact.USE)
            # No use case listed is a use the licence does not name (as the analyses read it), not research.
            outside = sorted(set(profile.uses) - set(uses))
            shown = ", ".join(outside) if outside else ", ".join(profile.uses) or "none"
            return Finding(_truth(bool(profile.uses) and not outside), (("uses", shown),))
        case model.AnyUseIn(uses=uses):
            if profile.uses is None:
                return _unknown(Fact.USE)
            hit = sorted(set(profile.uses) & set(uses))
            shown = ", ".join(hit) if hit else ", ".join(profile.uses) or "none"
            return Finding(_truth(bool(hit)), (("uses", shown),))
        case model.IsModality(value=value):
            if profile.modality is None:
                return _unknown(Fact.MODALITY)
            return Finding(_truth(profile.modality is value), (("modality", profile.modality.value),))
        case model.StartsWith(fact=fact, prefix=prefix):
            text = profile.value_of(fact)
            if text is None:
                return _unknown(fact)
            assert isinstance(text, str)
            return Finding(_truth(text.startswith(prefix)), ((fact.value, text),))
        case model.NotCondition(item=item):
            return _not(holds(item, profile, license))
        case model.AllOf(items=items):
            return _all([holds(i, profile, license) for i in items])
        case model.AnyOf(items=items):
            return _any([holds(i, profile, license) for i in items])
    raise AssertionError(f"unhandled condition {condition!r}")  # pragma: no cover


# ---- the combining rule -------------------------------------------------------------------


@dataclass
class _Tally:
    """What each clause contributes, gathered in clause order."""

    contributions: list[tuple[Outcome, Reason]] = field(default_factory=list)
    obligations: list[ObligationItem] = field(default_factory=list)
    grants: list[Reason] = field(default_factory=list)
    terminations: list[Reason] = field(default_factory=list)


def _reason(
    license: model.License,
    clause: model.Clause,
    finding: Finding,
    outcome: Outcome,
    explanation: str | None = None,
) -> Reason:
    words = explanation or effect_text(clause.effect)
    if clause.condition is not None and explanation is None:
        words += f" when {condition_text(clause.condition, values=True)}"
    span = clause.span
    return Reason(
        license=license.id,
        clause=clause.id,
        section=clause.section,
        heading=clause.heading,
        quote=clause.quote,
        quote_sha256=model.quote_hash(clause.quote),
        source=license.primary_source,
        location=f"{span.file}:{span.line}" if span else None,
        outcome=outcome,
        explanation=words,
        facts=dict(finding.used),
        missing_facts=finding.missing,
        question=clause.effect.question if isinstance(clause.effect, model.Unclear) else None,
        question_id=question_id(license, clause) if isinstance(clause.effect, model.Unclear) else None,
        notes=clause.notes,
        ambiguities=clause.ambiguities,
        unverified=_unverified(license, clause),
    )


@dataclass(frozen=True)
class _Pending:
    """An exemption whose condition is unknown, beside the clause it would switch off."""

    exemptor: model.Clause
    finding: Finding


def _findings(license: model.License, profile: ServiceProfile) -> tuple[dict[str, Finding], dict[str, list[_Pending]]]:
    """Each clause's condition after exemptions, and the exemptions left pending.

    An exemption takes effect only when its condition is known to hold: as in law, whoever claims
    an exception must show it. One whose condition is unknown does not switch its target off; it
    is reported beside the target, and its missing facts are listed.
    """
    raw = {c.id: (holds(c.condition, profile, license) if c.condition else _ALWAYS) for c in license.clauses}
    effective = dict(raw)
    pending: dict[str, list[_Pending]] = {}
    for clause in license.clauses:
        if not isinstance(clause.effect, model.Exempts):
            continue
        exemption = raw[clause.id]
        for target in clause.effect.clauses:
            if target not in raw or raw[target].truth is Truth.FALSE:
                continue
            if exemption.truth is Truth.TRUE:
                effective[target] = _merge(Truth.FALSE, [exemption])
            elif exemption.truth is Truth.UNKNOWN:
                pending.setdefault(target, []).append(_Pending(clause, exemption))
    return effective, pending


def combine(license: model.License, profile: ServiceProfile) -> LicenseVerdict:
    """The combining rule — the one place that decides a licence's outcome.

    1. Each clause's condition is evaluated (three-valued); exemptions switch off their targets.
    2. The grant: if some `permits` clause holds, the use is granted; if none can hold, the use is
       outside the grant (forbidden); if that depends on unknown facts, undetermined.
    3. A `forbidden` clause that holds gives forbidden; `needs license` gives needs-license;
       an `unclear` clause gives undetermined with its question. Any of these whose condition is
       unknown gives undetermined. A term marked unverified (or any term of a licence whose text is
       only secondary or unverified) never refuses: it gives undetermined with the open question,
       and such a licence is never more than undetermined.
    3a. A `terminates` clause that holds ends the licence: forbidden (or, when only the patent
       licence ends, needs-license from the patent holders). One whose condition is unknown does
       not make the result undetermined: it is listed in `terminations` with its missing facts.
    4. An obligation that holds applies; one whose condition is unknown is listed with that
       condition ("applies if …") and does not make the result undetermined, since obligations
       never refuse. An obligation the profile shows unmet (a derived model's name without the
       required prefix) is treated like a `forbidden` clause with the same condition.
    5. The outcome is the worst contribution (forbidden > needs-license > undetermined); with none,
       conditional if any obligation applies or may apply, else permitted. The deciding clauses
       are those that contributed the outcome (for conditional: the grant and the obligations).
    """
    original, license = license, with_answers(license, profile)
    effective, pending = _findings(license, profile)
    tally = _Tally()
    grant_findings: list[tuple[model.Clause, Finding]] = []
    for clause in license.clauses:
        finding = effective[clause.id]
        effect = clause.effect
        match effect:
            case model.Permits():
                grant_findings.append((clause, finding))
            case model.Forbidden() | model.NeedsLicense() | model.Unclear():
                if finding.truth is not Truth.FALSE:
                    tally.contributions.append(_refusal(license, clause, finding, pending.get(clause.id, [])))
            case model.Terminates():
                _termination(license, clause, finding, tally)
            case model.Exempts():
                pass  # folded into its targets' findings above
            case model.Obligation():
                if finding.truth is not Truth.FALSE:
                    _obligation(license, clause=clause, effect=effect, finding=finding, profile=profile, tally=tally)
    _grant(license, grant_findings, tally)
    _doubt_unverified_text(license, tally)

    worst = min((o for o, _ in tally.contributions), key=lambda o: o.severity, default=None)
    if worst is None:
        worst = Outcome.CONDITIONAL if tally.obligations else Outcome.PERMITTED
        reasons = list(tally.grants)
        if worst is Outcome.CONDITIONAL:
            applying = {o.clause for o in tally.obligations}
            reasons += [
                _reason(license, c, effective[c.id], Outcome.CONDITIONAL) for c in license.clauses if c.id in applying
            ]
    else:
        reasons = [r for o, r in tally.contributions if o is worst]
    if license is not original:
        reasons = [_answered(original, r, profile) for r in reasons]

    missing: dict[tuple[str, str | None], MissingFact] = {}
    assumptions: dict[str, None] = {}
    # An exemption's own unknowns count only through `pending`, i.e. when its target is live; a
    # termination's are listed with it (`terminations`), since they cannot make the result undetermined.
    exemptors = {c.id for c in license.clauses if isinstance(c.effect, model.Exempts | model.Terminates)}
    unknown = [f for k, f in effective.items() if f.truth is Truth.UNKNOWN and k not in exemptors]
    unknown += [p.finding for items in pending.values() for p in items]
    for finding in unknown:
        for m in finding.missing:
            missing.setdefault((m.fact, m.detail), m)
    for finding in effective.values():
        for a in finding.assumptions:
            assumptions[a] = None
    return LicenseVerdict(
        license=license.id,
        name=license.name,
        licensor=license.licensor,
        version=license.version,
        source=license.primary_source,
        verification=license.verification,
        outcome=worst,
        reasons=tuple(reasons),
        obligations=tuple(tally.obligations),
        missing_facts=tuple(missing.values()),
        assumptions=tuple(assumptions),
        terminations=tuple(tally.terminations),
    )


def _answered(license: model.License, reason: Reason, profile: ServiceProfile) -> Reason:
    """A reason from a clause the user's answer decided: the question, its id and the answer, shown
    as the user's (never as the licence's words)."""
    clause = license.clause(reason.clause)
    effect = clause.effect
    if not isinstance(effect, model.Unclear):
        return reason
    answer = profile.answer(question_id(license, clause))
    if answer is None:
        return reason
    update = {"question": effect.question, "question_id": question_id(license, clause), "answered": answer.text}
    return reason.model_copy(update=update)


def _refusal(
    license: model.License, clause: model.Clause, finding: Finding, pending: list[_Pending]
) -> tuple[Outcome, Reason]:
    """What a `forbidden`, `needs license` or `unclear` clause whose condition is not false contributes."""
    effect = clause.effect
    if finding.truth is Truth.UNKNOWN or isinstance(effect, model.Unclear):
        outcome = Outcome.UNDETERMINED
    else:
        outcome = Outcome.FORBIDDEN if isinstance(effect, model.Forbidden) else Outcome.NEEDS_LICENSE
    unverified = _unverified(license, clause)
    if outcome.refuses and unverified:
        outcome = Outcome.UNDETERMINED  # an unverified term never refuses as if it were settled
    reason = _reason(license, clause, finding, outcome)
    if outcome is Outcome.UNDETERMINED and unverified and reason.question is None:
        question = "This term could not be verified against the licensor's text: " + " ".join(unverified)
        reason = reason.model_copy(update={"question": question + " Does it apply as written?"})
    if pending:
        reason = _with_pending(reason, pending)
    return outcome, reason


def termination_outcome(license: model.License, clause: model.Clause, effect: model.Terminates) -> Outcome:
    """What a `terminates` clause that holds contributes: forbidden when the licence ends,
    needs-license when only its patent licence does; undetermined for an unverified term."""
    if _unverified(license, clause):
        return Outcome.UNDETERMINED  # an unverified term never refuses as if it were settled
    return Outcome.FORBIDDEN if effect.licensor is None else Outcome.NEEDS_LICENSE


def _termination(license: model.License, clause: model.Clause, finding: Finding, tally: _Tally) -> None:
    """A `terminates` clause: it refuses when its condition holds; when that is unknown it is listed
    beside the result (with the facts that settle it) and decides nothing."""
    effect = clause.effect
    assert isinstance(effect, model.Terminates)
    if finding.truth is Truth.FALSE:
        return
    outcome = termination_outcome(license, clause, effect)
    if finding.truth is Truth.TRUE:
        tally.contributions.append((outcome, _reason(license, clause, finding, outcome)))
        return
    words = effect_text(effect) + (f" if {condition_text(clause.condition)}" if clause.condition else "")
    tally.terminations.append(_reason(license, clause, finding, outcome, words))


def _doubt_unverified_text(license: model.License, tally: _Tally) -> None:
    """A licence whose whole text is unverified: no result of it is presented as settled."""
    if license.verification not in (Verification.SECONDARY, Verification.UNVERIFIED):
        return
    question = (
        f"The text of {license.id} could not be verified ({license.verification_note}). "
        "Check the licence the model ships with before relying on this result."
    )
    for reason in tally.grants:
        doubted = reason.model_copy(update={"outcome": Outcome.UNDETERMINED, "question": question})
        tally.contributions.append((Outcome.UNDETERMINED, doubted))


def _unverified(license: model.License, clause: model.Clause) -> tuple[str, ...]:
    """What is unverified about a clause: its own marks, or the whole licence's text."""
    if license.verification in (Verification.SECONDARY, Verification.UNVERIFIED):
        return (
            *clause.unverified,
            f"the licence text itself is {license.verification.value}: {license.verification_note}",
        )
    return clause.unverified


def _with_pending(reason: Reason, pending: list[_Pending]) -> Reason:
    notes = tuple(
        f"§{p.exemptor.section} exempts from this clause when {condition_text(p.exemptor.condition)}"
        f" ({', '.join(m.fact for m in p.finding.missing)} not given)"
        for p in pending
        if p.exemptor.condition is not None
    )
    missing = reason.missing_facts + tuple(m for p in pending for m in p.finding.missing)
    return reason.model_copy(update={"notes": reason.notes + notes, "missing_facts": missing})


def _grant(license: model.License, grants: list[tuple[model.Clause, Finding]], tally: _Tally) -> None:
    granted = [(c, f) for c, f in grants if f.truth is Truth.TRUE]
    if not grants:
        return  # a companion document: the licence it applies with holds the grant
    if granted:
        tally.grants = [_reason(license, c, f, Outcome.PERMITTED) for c, f in granted]
        return
    unknown = any(f.truth is Truth.UNKNOWN for _, f in grants)
    outcome = Outcome.UNDETERMINED if unknown else Outcome.FORBIDDEN
    for clause, finding in grants:
        words = "the use is outside the grant, which permits only when " + (
            condition_text(clause.condition) if clause.condition else "…"
        )
        tally.contributions.append((outcome, _reason(license, clause, finding, outcome, words)))


def _obligation(
    license: model.License,
    *,
    clause: model.Clause,
    effect: model.Obligation,
    finding: Finding,
    profile: ServiceProfile,
    tally: _Tally,
) -> None:
    applies = True if finding.truth is Truth.TRUE else None
    met: bool | None = None
    unmet: tuple[str, str, str] | None = None  # (fact, value, words) when the profile shows the duty unmet
    if effect.duty is ObligationKind.NAME_PREFIX and effect.text and profile.derivative_name is not None:
        met = profile.derivative_name.startswith(effect.text)
        words = f"the derived model's name “{profile.derivative_name}” does not begin with “{effect.text}”"
        unmet = None if met else ("derivative-name", profile.derivative_name, words)
    if effect.duty is ObligationKind.SHARE_ALIKE and effect.accepted and profile.derivative_license is not None:
        met = share_alike_met(effect, profile.derivative_license)
        words = (
            f"the derivative is released under {profile.derivative_license}, but adaptations must be licensed under "
            + " or ".join(effect.accepted)
        )
        unmet = None if met else ("derivative-license", profile.derivative_license, words)
    if unmet is not None:
        fact, value, words = unmet
        outcome = Outcome.FORBIDDEN if applies else Outcome.UNDETERMINED
        if applies is None and clause.condition is not None:
            words += f", as required when {condition_text(clause.condition)}"
        used = Finding(finding.truth, (*finding.used, (fact, value)), finding.missing)
        tally.contributions.append((outcome, _reason(license, clause, used, outcome, words)))
    done = profile.done_item(obligation_id(license, clause))
    tally.obligations.append(
        ObligationItem(
            duty=effect.duty,
            text=effect.text,
            obligation_id=obligation_id(license, clause),
            done=done is not None,
            evidence=done.evidence if done else None,
            clause=clause.id,
            section=clause.section,
            quote=clause.quote,
            applies=applies,
            condition=None if applies or clause.condition is None else condition_text(clause.condition),
            met=met,
            ambiguities=clause.ambiguities,
            unverified=_unverified(license, clause),
        )
    )


def share_alike_met(effect: model.Obligation, derivative_license: str) -> bool:
    """Whether a derivative released under `derivative_license` (a catalogue id, any case) meets a
    share-alike duty that names the licences it accepts."""
    return derivative_license.lower() in effect.accepted


def evaluate(license: model.License, profile: ServiceProfile) -> LicenseVerdict:
    """The verdict of one licence on one profile."""
    return combine(license, profile)
