"""Licences side by side: a matrix of their terms, read from the rule model, and — for a profile —
each licence's outcome, deciding clauses, obligations and nearest flip point, best first.

Pure: no I/O, no Lark, no rendering. No cell is written by hand: each is collected from the clauses
whose conditions or effects concern the term, with the clause's section and verbatim quote. What the
clause language does not formalise (termination for breach) comes from the licence files' own notes,
beside the `terminates` clauses (termination on litigation), and says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from checker.analysis.engine import solver_available
from checker.analysis.flips import Flip, flip_points
from checker.evaluation.evaluate import evaluate
from checker.evaluation.profile import ServiceProfile
from checker.evaluation.wording import clause_meaning, condition_text, effect_text
from checker.terms import model
from checker.terms.verdict import LicenseVerdict
from checker.terms.vocabulary import Fact, ObligationKind, Outcome


class Term(StrEnum):
    """A row of the terms matrix."""

    USERS = "user-thresholds"
    REVENUE = "revenue-thresholds"
    DOMICILE = "domicile"
    MARKETS = "markets"
    COMMERCIAL = "commercial-scope"
    OUTPUTS = "training-on-outputs"
    ATTRIBUTION = "attribution"
    NAMING = "naming"
    NOTICES = "notices"
    FLOW_DOWN = "flow-down"
    ACCEPTABLE_USE = "acceptable-use-policy"
    RESTRICTED_USES = "restricted-uses"
    TERMINATION = "termination"
    GOVERNING_LAW = "governing-law"
    VERIFICATION = "verification"

    @property
    def heading(self) -> str:
        return _TITLES[self]


_TITLES = {
    Term.USERS: "User thresholds (and when measured)",
    Term.REVENUE: "Revenue thresholds",
    Term.DOMICILE: "Territorial limits: domicile",
    Term.MARKETS: "Territorial limits: markets",
    Term.COMMERCIAL: "Commercial scope",
    Term.OUTPUTS: "Training other models on outputs",
    Term.ATTRIBUTION: "Attribution text",
    Term.NAMING: "Naming rule for derivatives",
    Term.NOTICES: "Notice and licence-copy duties",
    Term.FLOW_DOWN: "Use-restriction flow-down",
    Term.ACCEPTABLE_USE: "Acceptable-use policy",
    Term.RESTRICTED_USES: "Restricted uses",
    Term.TERMINATION: "Termination (terminates clauses; for breach: the file's notes)",
    Term.GOVERNING_LAW: "Governing law",
    Term.VERIFICATION: "Text verified from",
}

_NOTICE_DUTIES = frozenset(
    {
        ObligationKind.LICENSE_COPY,
        ObligationKind.NOTICE,
        ObligationKind.RETAIN_NOTICES,
        ObligationKind.MARK_MODIFICATIONS,
        ObligationKind.NO_ENDORSEMENT,
        ObligationKind.SHARE_ALIKE,
        ObligationKind.REGISTER,
        ObligationKind.PROVIDE_SOURCE,
    }
)


@dataclass(frozen=True)
class CellItem:
    """One clause (or note) behind a cell: what it says, where, and its verbatim quote."""

    text: str
    section: str | None = None
    clause: str | None = None
    quote: str | None = None


@dataclass(frozen=True)
class Cell:
    summary: str
    """The cell in one line ("" when no clause concerns the term)."""
    items: tuple[CellItem, ...] = ()


@dataclass(frozen=True)
class TermsMatrix:
    licenses: tuple[model.License, ...]
    rows: tuple[tuple[Term, tuple[Cell, ...]], ...]
    """One row per term, one cell per licence (in `licenses` order)."""


def _reads(clause: model.Clause, fact: Fact) -> bool:
    return any(getattr(a, "fact", None) is fact for a in model.atoms(clause.condition))


def _item(clause: model.Clause, text: str | None = None) -> CellItem:
    return CellItem(text or clause_meaning(clause), clause.section, clause.id, clause.quote)


def _clauses(license: model.License, wanted: Callable[[model.Clause], bool]) -> Cell:
    items = tuple(_item(c) for c in license.clauses if wanted(c))
    return Cell("; ".join(f"§{i.section}: {i.text}" for i in items), items)


def _duties(license: model.License, duties: frozenset[ObligationKind]) -> Cell:
    items = []
    for clause in license.clauses:
        effect = clause.effect
        if isinstance(effect, model.Obligation) and effect.duty in duties:
            text = (f"“{effect.text}”" if effect.text else effect.duty.value) + (
                f" when {condition_text(clause.condition)}" if clause.condition else ""
            )
            if len(duties) > 1 and effect.text:
                text = f"{effect.duty.value} {text}"
            items.append(_item(clause, text))
    return Cell("; ".join(f"§{i.section}: {i.text}" for i in items), tuple(items))


def _restricted_uses(license: model.License) -> Cell:
    """Each use restriction as a clause; the summary groups the use cases by what the clauses do."""
    items = []
    by_effect: dict[str, list[str]] = {}
    for clause in license.clauses:
        if isinstance(clause.effect, model.Obligation | model.Permits | model.Exempts):
            continue
        uses = [u.value for a in model.atoms(clause.condition) if isinstance(a, model.AnyUseIn) for u in a.uses]
        if not uses:
            continue
        items.append(_item(clause))
        label = "open" if isinstance(clause.effect, model.Unclear) else effect_text(clause.effect)
        by_effect.setdefault(label, []).extend(uses)
    summary = "; ".join(f"{label}: {', '.join(dict.fromkeys(uses))}" for label, uses in by_effect.items())
    return Cell(summary, tuple(items))


def _termination(license: model.License) -> Cell:
    notes = [_item(c) for c in license.clauses if isinstance(c.effect, model.Terminates)]
    notes += [CellItem(n) for n in license.notes if "terminat" in n.lower()]
    notes += [
        CellItem(n, c.section, c.id, c.quote) for c in license.clauses for n in c.notes if "terminat" in n.lower()
    ]
    return Cell("; ".join(n.text for n in notes), tuple(notes))


def _cell(license: model.License, term: Term) -> Cell:
    match term:
        case Term.USERS:
            return _clauses(license, lambda c: _reads(c, Fact.MAU) or _reads(c, Fact.DAU))
        case Term.REVENUE:
            return _clauses(license, lambda c: _reads(c, Fact.REVENUE))
        case Term.DOMICILE:
            return _clauses(license, lambda c: _reads(c, Fact.DOMICILE))
        case Term.MARKETS:
            return _clauses(license, lambda c: _reads(c, Fact.MARKET))
        case Term.COMMERCIAL:
            return _clauses(license, lambda c: _reads(c, Fact.COMMERCIAL))
        case Term.OUTPUTS:
            return _clauses(license, lambda c: _reads(c, Fact.TRAINS_ON_OUTPUTS))
        case Term.ATTRIBUTION:
            return _duties(license, frozenset({ObligationKind.DISPLAY}))
        case Term.NAMING:
            return _duties(license, frozenset({ObligationKind.NAME_PREFIX}))
        case Term.NOTICES:
            return _duties(license, _NOTICE_DUTIES)
        case Term.FLOW_DOWN:
            return _duties(license, frozenset({ObligationKind.PASS_ON_RESTRICTIONS}))
        case Term.ACCEPTABLE_USE:
            return _duties(license, frozenset({ObligationKind.COMPLY_WITH_POLICY}))
        case Term.RESTRICTED_USES:
            return _restricted_uses(license)
        case Term.TERMINATION:
            return _termination(license)
        case Term.GOVERNING_LAW:
            return Cell(license.governing_law or "")
        case Term.VERIFICATION:
            return Cell(f"{license.verification.value}: {license.verification_note}")


def terms_matrix(licenses: Sequence[model.License], terms: Sequence[Term] = tuple(Term)) -> TermsMatrix:
    """The licences × terms matrix, every cell collected from the licences' clauses."""
    rows = tuple((term, tuple(_cell(lic, term) for lic in licenses)) for term in terms)
    return TermsMatrix(tuple(licenses), rows)


@dataclass(frozen=True)
class Standing:
    """One licence's answer for a profile, with the nearest change that would alter it."""

    license: model.License
    verdict: LicenseVerdict
    flip: Flip | None


def standings(licenses: Sequence[model.License], profile: ServiceProfile) -> tuple[Standing, ...]:
    """Each licence's verdict and nearest flip point, best outcome first (then fewest obligations)."""
    found = []
    for license in licenses:
        verdict = evaluate(license, profile)
        # The nearest change of any size where the solver answers; single changes where it enumerates.
        flips = flip_points(license, profile, verdict=verdict, max_changes=None if solver_available() else 1)
        found.append(Standing(license, verdict, flips[0] if flips else None))
    return tuple(sorted(found, key=_best_first))


def _best_first(standing: Standing) -> tuple[int, int, str]:
    outcome: Outcome = standing.verdict.outcome
    return -outcome.severity, len(standing.verdict.obligations), standing.license.id
