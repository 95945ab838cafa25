"""`modelterms lint`: what a licence file gets wrong beyond its syntax.

A file that does not parse or build reports those errors (the same diagnostics as everywhere).
A file that builds is then checked for what the language accepts but a reviewer would not:

- a parameter defined and never used; a threshold typed inline instead of named;
- a clause whose condition can never hold; a grant that a refusal always overrides;
- a comparison whose boundary disagrees with its quote ("at least" written as `>`);
- a quote that no longer matches the hash recorded for it (`quotes.sha256` beside the files);
- an id or alias that another licence of the catalogue already answers to;
- a source that is not a web address;
- a reference to a research note or a look-up id instead of a public source (`references`).

"Can never hold" and "always overrides" are decided exactly, not by sampling: every fact a licence
reads has finitely many classes that matter (`checker.analysis.space`), and the exact engine
(`checker.analysis.solver`) proves or refutes that some service in them makes the condition hold
(one question per clause, one per grant and refusal). Without z3, the condition is evaluated in
every combination of the cases of the facts it reads, up to 20,000 (and across months not at all).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from checker.analysis.engine import Engine, solver_available, solver_engine
from checker.analysis.references import internal_references
from checker.analysis.space import Axis, space_of
from checker.diagnostics import Diagnostic, Kind, Severity
from checker.errors import LicenseFileError
from checker.evaluation.evaluate import Truth, holds
from checker.evaluation.profile import MonthlyActiveUsers, ServiceProfile, field_for
from checker.evaluation.wording import COMPARATOR_WORDS
from checker.inputs import paths as paths_
from checker.language.load import parse_license, read_license_text
from checker.lookup.bundled import bundled
from checker.lookup.catalogue import Catalogue
from checker.terms import model
from checker.terms.regions import countries, members
from checker.terms.vocabulary import Comparator, Fact, FactKind, Modality, UseCase

HASH_FILE = "quotes.sha256"
ENUMERATED = Engine("enumeration of each condition's cases (up to 20,000; not across months)", exact=False)
_MAX_CASES = 20_000  # beyond this many combinations a condition is not searched (none comes close)


@dataclass
class LintReport:
    """Findings of one lint run, with the source texts they point into."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    files: int = 0
    unreadable: bool = False
    engine: Engine | None = None
    """What decided the clauses that never apply and the contradictions (None: no clause had a condition)."""

    @property
    def errors(self) -> int:
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)


def licence_files(paths: Sequence[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """The `.terms` files the paths name: files as given, folders searched (hidden ones skipped).

    A file named twice (`lint a.terms ./a.terms`, a folder and a file in it) is taken once, as first
    named: linted twice, it clashed with its own names (L308), and `lint licenses licenses` did the
    whole work twice (found by benchmarks/fuzz.py as inputs over 2 s)."""
    found: dict[Path, Path] = {}  # resolved → as named
    missing: list[Diagnostic] = []
    for path in paths:
        if paths_.is_dir(path):
            inside = sorted(
                p for p in path.rglob("*.terms") if not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not inside:
                missing.append(Kind.UNREADABLE(path=str(path), reason="no .terms files in this folder"))
            for file in inside:
                found.setdefault(file.resolve(), file)
        elif paths_.exists(path):
            found.setdefault(path.resolve(), path)
        else:
            missing.append(Kind.UNREADABLE(path=str(path), reason="no such file or folder"))
    return list(found.values()), missing


# ---- the lint run -----------------------------------------------------------------------------


def lint_paths(paths: Sequence[Path], catalogue: Catalogue | None = None) -> LintReport:
    """Lint every licence file the paths name, against the catalogue (default: the bundled one)."""
    report = LintReport()
    files, missing = licence_files(paths)
    report.diagnostics += missing
    report.unreadable = bool(missing)
    licenses: list[model.License] = []
    hashes: dict[Path, dict[tuple[str, str], str] | None] = {}  # quotes.sha256, read once per folder
    for path in files:
        report.files += 1
        try:
            text = read_license_text(path, str(path))
        except LicenseFileError as error:
            report.diagnostics += error.diagnostics
            report.unreadable = True
            continue
        report.sources[str(path)] = text
        report.diagnostics += internal_references(text, str(path))
        try:
            license = parse_license(text, str(path))
        except LicenseFileError as error:
            report.diagnostics += error.diagnostics
            continue
        licenses.append(license)
        report.diagnostics += lint_license(license)
        if any(c.condition is not None for c in license.clauses):
            report.engine = solver_engine() if solver_available() else ENUMERATED
        if path.parent not in hashes:
            hashes[path.parent] = read_hashes(path.parent)
        report.diagnostics += _hash_findings(license, hashes[path.parent])
    report.diagnostics += _clashes(licenses, catalogue if catalogue is not None else bundled())
    return report


def lint_license(license: model.License) -> list[Diagnostic]:
    """The findings for one licence that builds."""
    found: list[Diagnostic] = []
    used = {c.parameter for clause in license.clauses for c in _comparisons(clause.condition) if c.parameter}
    for parameter in license.parameters:
        if parameter.name not in used:
            found.append(Kind.UNUSED_PARAMETER(parameter.span, name=parameter.name))
    params = {p.name: p for p in license.parameters}
    for clause in license.clauses:
        for compare, negated in _comparisons_with_polarity(clause.condition):
            if compare.parameter is None:
                found.append(Kind.INLINE_THRESHOLD(compare.value.span or compare.span, value=str(compare.value)))
            texts = [clause.quote] + ([params[compare.parameter].quote] if compare.parameter in params else [])
            slip = _boundary_slip(_effective(compare.comparator, negated), " ".join(texts))
            if slip is not None:
                found.append(Kind.BOUNDARY_WORDING(compare.span, phrase=slip[0], comparator=compare.comparator.value,
                                                   meaning=slip[1]))  # fmt: skip
    never, contradictions = _solved(license) if solver_available() else (None, None)
    for clause in license.clauses:
        if clause.condition is None:
            continue
        if (clause.id in never) if never is not None else _never_holds(clause.condition, license):
            found.append(Kind.NEVER_APPLIES(clause.condition.span or clause.span, name=clause.id))
    found += _contradictions(license, contradictions)
    for source in license.sources:
        if not re.match(r"https?://\S+$", source):
            found.append(Kind.SOURCE_NOT_URL(license.span, source=source))
    return found


# ---- comparisons and their wording -----------------------------------------------------------


def _comparisons(condition: model.Condition | None) -> Iterator[model.Compare]:
    for compare, _ in _comparisons_with_polarity(condition):
        yield compare


def _comparisons_with_polarity(
    condition: model.Condition | None, negated: bool = False
) -> Iterator[tuple[model.Compare, bool]]:
    match condition:
        case model.Compare():
            yield condition, negated
        case model.NotCondition(item=item):
            yield from _comparisons_with_polarity(item, not negated)
        case model.AllOf(items=items) | model.AnyOf(items=items):
            for item in items:
                yield from _comparisons_with_polarity(item, negated)
        case _:
            return


_NEGATED = {Comparator.GT: Comparator.LE, Comparator.GE: Comparator.LT, Comparator.LT: Comparator.GE,
            Comparator.LE: Comparator.GT}  # fmt: skip


def _effective(comparator: Comparator, negated: bool) -> Comparator:
    return _NEGATED.get(comparator, comparator) if negated else comparator


# Phrases of legal text and the comparison each states, longest first: "greater than or equal"
# must be read before "greater than" and "not exceed" before "exceed".
_PHRASES: tuple[tuple[str, Comparator], ...] = (
    ("greater than or equal", Comparator.GE), ("more than or equal", Comparator.GE),
    ("equal to or greater", Comparator.GE), ("equal to or more", Comparator.GE),
    ("less than or equal", Comparator.LE), ("equal to or less", Comparator.LE), ("equal to or fewer", Comparator.LE),
    ("not less than", Comparator.GE), ("no less than", Comparator.GE), ("not fewer than", Comparator.GE),
    ("not more than", Comparator.LE), ("no more than", Comparator.LE), ("not exceed", Comparator.LE),
    ("at least", Comparator.GE), ("or more", Comparator.GE), ("or greater", Comparator.GE),
    ("at most", Comparator.LE), ("or less", Comparator.LE), ("or fewer", Comparator.LE), ("up to", Comparator.LE),
    ("greater than", Comparator.GT), ("more than", Comparator.GT), ("in excess of", Comparator.GT),
    ("exceed", Comparator.GT), ("above", Comparator.GT),
    ("less than", Comparator.LT), ("fewer than", Comparator.LT), ("below", Comparator.LT),
)  # fmt: skip


def _phrases(text: str) -> list[tuple[str, Comparator]]:
    lowered = " ".join(text.lower().split())
    found: list[tuple[str, Comparator]] = []
    for phrase, comparator in _PHRASES:
        if phrase in lowered:
            found.append((phrase, comparator))
            lowered = lowered.replace(phrase, " ")
    return found


def _boundary_slip(comparator: Comparator, text: str) -> tuple[str, str] | None:
    """The quote's phrase when no phrase in it agrees with the comparison's boundary.

    A clause formalises either the quoted condition or its opposite ("you may if fewer than N"
    becomes a refusal `when not (dau < cap)`), so `>` agrees with "more than" and with "at most";
    what it cannot agree with is "at least" or "less than", whose boundary falls the other way.
    """
    if comparator not in _NEGATED:
        return None
    found = _phrases(text)
    if not found or any(c in (comparator, _NEGATED[comparator]) for _, c in found):
        return None
    phrase, meaning = found[0]
    return phrase, COMPARATOR_WORDS[meaning]


# ---- conditions that can never hold -----------------------------------------------------------


def _classes(universe: Iterable[str], sets: list[frozenset[str]]) -> list[str]:
    """One representative of each class of values that no set tells apart."""
    seen: dict[tuple[bool, ...], str] = {}
    for value in sorted(universe):
        seen.setdefault(tuple(value in s for s in sets), value)
    return list(seen.values())


def _cases(fact: Fact, atoms: list[model.Condition]) -> list[Any] | None:
    """The values of a fact that can make a difference to these atoms, or None to give up."""
    if fact.kind is FactKind.FLAG:
        return [True, False]
    if fact.kind is FactKind.QUANTITY:
        limits = {a.value.value for a in atoms if isinstance(a, model.Compare) and a.fact is fact}
        anchors = {a.anchor for a in atoms if isinstance(a, model.Compare) and a.fact is fact}
        if len(anchors) > 1:
            return None  # figures of different months are independent: not searched
        points = {Decimal(0)} | {v + d for v in limits for d in (-1, 0, 1) if v + d >= 0}
        return sorted(points)
    if fact.kind is FactKind.CHOICE:
        return list(Modality)
    if fact.kind is FactKind.TEXT:
        prefixes = [a.prefix for a in atoms if isinstance(a, model.StartsWith)]
        return [*prefixes, "\u2060none of the prefixes"]
    if fact in (Fact.DOMICILE, Fact.MARKET):
        sets = [frozenset().union(*(members(r) for r in a.regions)) for a in atoms
                if isinstance(a, model.InRegion | model.AnyMarketIn) and a.fact is fact]  # fmt: skip
        reps = _classes(countries(), sets)
        if fact is Fact.DOMICILE:
            return reps
        return [tuple(c) for n in range(len(reps) + 1) for c in itertools.combinations(reps, n)]
    if fact is Fact.USE:
        sets = [frozenset(u.value for u in a.uses) for a in atoms if isinstance(a, model.AnyUseIn)]
        reps = _classes((u.value for u in UseCase), sets)
        return [tuple(c) for n in range(len(reps) + 1) for c in itertools.combinations(reps, n)]
    return None  # pragma: no cover - every fact kind is handled above


def _profiles(condition: model.Condition) -> Iterator[ServiceProfile] | None:
    atoms = list(model.atoms(condition))
    facts = sorted(model.facts_of(condition), key=lambda f: f.value)
    choices: list[list[Any]] = []
    for fact in facts:
        cases = _cases(fact, atoms)
        if cases is None:
            return None
        choices.append(cases)
    total = 1
    for cases in choices:
        total *= len(cases)
    if total > _MAX_CASES:
        return None

    def generate() -> Iterator[ServiceProfile]:
        for combination in itertools.product(*choices):
            data: dict[str, Any] = {}
            for fact, value in zip(facts, combination, strict=True):
                if fact is Fact.MAU:
                    data["mau"] = MonthlyActiveUsers(current=int(value))
                elif fact is Fact.DAU:
                    data["dau"] = int(value)
                else:
                    data[field_for(fact)] = value
            yield ServiceProfile.model_validate(data)

    return generate()


def _never_holds(condition: model.Condition, license: model.License) -> bool:
    profiles = _profiles(condition)
    if profiles is None:
        return False
    return all(holds(condition, p, license).truth is Truth.FALSE for p in profiles)


def _always_within(narrow: model.Condition | None, wide: model.Condition | None, license: model.License) -> bool:
    """Whether `wide` holds in every case where `narrow` does (None: always holds)."""
    if wide is None:
        return True
    both = model.AllOf(items=(narrow, model.NotCondition(item=wide))) if narrow is not None else None
    return _never_holds(both if both is not None else model.NotCondition(item=wide), license)


def _grants_and_refusals(license: model.License) -> tuple[list[model.Clause], list[model.Clause]]:
    exempted = {target for c in license.clauses if isinstance(c.effect, model.Exempts) for target in c.effect.clauses}
    grants = [c for c in license.clauses if isinstance(c.effect, model.Permits)]
    refusals = [c for c in license.clauses if isinstance(c.effect, model.Forbidden | model.NeedsLicense)
                and c.id not in exempted and not c.unverified]  # fmt: skip
    return grants, refusals


def _contradictions(license: model.License, solved: set[tuple[str, str]] | None) -> list[Diagnostic]:
    """A grant that a refusal always overrides: whenever the grant holds, the refusal holds too."""
    found: list[Diagnostic] = []
    grants, refusals = _grants_and_refusals(license)
    for grant in grants:
        for refusal in refusals:
            if (
                (grant.id, refusal.id) in solved
                if solved is not None
                else _always_within(grant.condition, refusal.condition, license)
            ):
                found.append(Kind.CONTRADICTION(refusal.span, name=refusal.id, grant=grant.id))
    return found


def _solved(license: model.License) -> tuple[set[str], set[tuple[str, str]]]:
    """With the solver: the clauses whose condition no service satisfies, and the (grant, refusal)
    pairs where no service satisfies the grant's condition without the refusal's — every fact in
    its classes, months apart, a derived model named (as a service that has no derived model
    cannot hold a condition on its name)."""
    grants, refusals = _grants_and_refusals(license)
    conditional = [c for c in license.clauses if c.condition is not None]
    if not conditional:
        return set(), set()
    from checker.analysis import solver as s  # noqa: PLC0415 - z3 only when an analysis runs

    space = space_of([license])
    variables = s.Variables(space)
    engine, state = s.Engine(space), s.CompleteState(variables)
    solver = s.Solver(variables)
    names = space.get(Axis(Fact.DERIVATIVE_NAME))
    if names is not None:
        solver.add(*(variables.negated(variables.is_class(names.axis, i)) for i, c in enumerate(names.classes)
                     if c.value is None))  # fmt: skip
    rails = {c.id: engine.rail(c.condition, license, state) for c in license.clauses}
    never = {c.id for c in conditional if not solver.satisfiable(solver.literal(rails[c.id].t))}
    always: set[tuple[str, str]] = set()
    for grant in grants:
        holds = solver.literal(rails[grant.id].t)
        for refusal in refusals:
            if not solver.satisfiable(holds, solver.literal(s.negate(rails[refusal.id].t))):
                always.add((grant.id, refusal.id))
    return never, always


# ---- hashes of quotes and names across the catalogue --------------------------------------------


def read_hashes(folder: Path) -> dict[tuple[str, str], str] | None:
    """`quotes.sha256` of a folder: (licence id, clause id) → SHA-256 of its quote; None if absent."""
    path = folder / HASH_FILE
    if not path.is_file():
        return None
    recorded: dict[tuple[str, str], str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3 and not line.startswith("#"):
            recorded[(parts[1], parts[2])] = parts[0]
    return recorded


def hash_lines(licenses: Iterable[model.License]) -> str:
    """The text of a `quotes.sha256` file for these licences."""
    lines = [
        "# SHA-256 of each clause's quote (UTF-8), as `modelterms lint` checks it. A quote that",
        "# changes on purpose is recorded anew with `modelterms lint --record-hashes`; review the diff.",
    ]
    for license in sorted(licenses, key=lambda x: x.id):
        lines += [f"{model.quote_hash(c.quote)}  {license.id} {c.id}" for c in license.clauses]
    return "\n".join(lines) + "\n"


def _hash_findings(license: model.License, recorded: dict[tuple[str, str], str] | None) -> list[Diagnostic]:
    if recorded is None:
        return []
    found: list[Diagnostic] = []
    for clause in license.clauses:
        expected = recorded.get((license.id, clause.id))
        actual = model.quote_hash(clause.quote)
        if expected is None:
            found.append(Kind.QUOTE_NOT_RECORDED(clause.span, name=clause.id, file=HASH_FILE))
        elif expected != actual:
            found.append(Kind.QUOTE_CHANGED(clause.span, name=clause.id, file=HASH_FILE, recorded=expected[:12]))
    return found


def _names(license: model.License) -> list[str]:
    return [license.id, *license.aliases, *license.hf_tags, *([license.spdx] if license.spdx else [])]


def _clashes(licenses: list[model.License], catalogue: Catalogue) -> list[Diagnostic]:
    """Names a linted licence shares with another licence, linted or in the catalogue.

    A linted licence with the id of a catalogue licence is that licence's own file, or an edit of it:
    it stands in for it and is compared with the *other* licences only. Matching by id, not by path,
    holds wherever modelterms is installed: a wheel's bundled files live in site-packages, not in the
    checkout being linted, and an edited file no longer has its twin's text.
    """
    replaced = {lic.id.lower() for lic in licenses}
    owners: dict[str, model.License] = {}
    for known in catalogue:
        if known.id.lower() not in replaced:
            for name in _names(known):
                owners.setdefault(name.lower(), known)
    found: list[Diagnostic] = []
    for license in licenses:
        for name in _names(license):
            owner = owners.get(name.lower())
            if owner is not None and owner is not license:
                where = str(owner.span) if owner.span else owner.id
                found.append(Kind.NAME_CLASH(license.span, name=name, owner=owner.id, where=where))
            else:
                owners[name.lower()] = license
    return found
