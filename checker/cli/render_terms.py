"""Renderers of `compare`, `diff`, `explain` and `show`: terminal text, JSON, and for `compare` also
Markdown, CSV and one self-contained HTML page. They render the analyses of `checker.analysis.compare`,
`checker.analysis.diff` and `checker.analysis.flips`; none of them decides anything.
"""

from __future__ import annotations

import csv
import io
import json
import shlex
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from checker.analysis.compare import Standing, TermsMatrix
from checker.analysis.diff import ChangeKind, LicenseDiff
from checker.analysis.flips import Change, Explanation, Flip
from checker.analysis.space import Axis, Choice, flag_words
from checker.cli import render_html
from checker.cli.render import outcome_text, print_disclaimer
from checker.cli.wrapping import Wrapped
from checker.evaluation.profile import MonthlyActiveUsers, ServiceProfile
from checker.evaluation.wording import clause_meaning, condition_words, effect_text
from checker.terms import model
from checker.terms.verdict import DISCLAIMER, LicenseVerdict, json_envelope
from checker.terms.vocabulary import Fact, FactKind, Outcome

# ---- shared words -------------------------------------------------------------------------


def change_words(change: Change) -> str:
    """One change of a flip, in words: `mau in 2024-06 ≤ 700,000,000 (e.g. 700,000,000)`."""
    axis, to = change.axis, change.to
    match axis.fact.kind:
        case FactKind.QUANTITY:
            words = f"{axis.label} {to.words}"
            return words if to.words.startswith("=") else f"{words} (e.g. {change.value_words})"
        case FactKind.REGION:
            return f"{axis.label} {to.words} (e.g. {change.value_words})"
        case FactKind.REGION_SET | FactKind.USE_SET:
            return f"{axis.label} {to.words}"
        case FactKind.FLAG:
            return f"{axis.label} = {to.words}"
        case FactKind.TEXT:
            if change.value is None:
                return "no derived model named"
            return f"the derived model's name {to.words} (e.g. “{change.value}”)"
        case FactKind.LICENSE:
            if change.value is None:
                return "no derivative licence named"
            return f"the derivative is released under {change.value}"
        case FactKind.CHOICE:
            return f"{axis.label} {to.words}"


def flip_words(flip: Flip) -> str:
    """`at mau in 2024-06 ≤ 700,000,000 (e.g. 700,000,000) it would be conditional`."""
    quantities = all(c.given and c.axis.fact.kind is FactKind.QUANTITY for c in flip.changes)
    lead = "at" if quantities else "if"
    return f"{lead} {' and '.join(change_words(c) for c in flip.changes)} it would be {flip.outcome.value}"


def choice_words(choice: Choice) -> str:
    """A class of one fact, in words: `mau in 2024-06 > 700,000,000`, `uses outputs to train another model`."""
    axis = choice.axis
    match axis.fact.kind:
        case FactKind.FLAG:
            assert isinstance(choice.value, bool)
            return flag_words(axis.fact, choice.value)
        case FactKind.USE_SET:
            return f"uses: {choice.words}"
        case FactKind.REGION_SET:
            return f"markets: {choice.words}"
        case FactKind.TEXT:
            return choice.words if choice.value is None else f"derived model's name {choice.words}"
        case FactKind.LICENSE:
            if choice.value is None:
                return "no derivative licence named"
            return f"derivative released under {choice.value}"
        case FactKind.QUANTITY | FactKind.REGION | FactKind.CHOICE:
            return f"{axis.label} {choice.words}"


def _choice_json(choice: Choice) -> dict[str, Any]:
    return {"fact": choice.axis.label, "class": choice.words, "value": _plain(choice.value)}


def _plain(value: object) -> object:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _change_json(change: Change) -> dict[str, Any]:
    return {
        "fact": change.axis.label,
        "from": change.before,
        "to": change.to.words,
        "value": _plain(change.value),
        "option": change.axis.option,
    }


def _flip_json(flip: Flip) -> dict[str, Any]:
    return {
        "changes": [_change_json(c) for c in flip.changes],
        "outcome": flip.outcome.value,
        "words": flip_words(flip),
        "profile": _profile_json(flip.profile),
    }


def _profile_json(profile: ServiceProfile) -> dict[str, Any]:
    return profile.model_dump(mode="json", exclude_none=True)


def _envelope(version: str, **content: Any) -> str:
    return json.dumps({**json_envelope(version), **content}, indent=2, ensure_ascii=False) + "\n"


def _disclaimer(console: Console) -> None:
    console.print()
    print_disclaimer(console)


# ---- compare: the terms matrix --------------------------------------------------------------


def matrix_json(matrix: TermsMatrix, version: str) -> str:
    return _envelope(
        version,
        licenses=[{"id": lic.id, "name": lic.name, "source": lic.primary_source} for lic in matrix.licenses],
        terms=[
            {
                "term": term.value,
                "heading": term.heading,
                "cells": {
                    lic.id: {
                        "summary": cell.summary,
                        "items": [{k: v for k, v in vars(item).items() if v is not None} for item in cell.items],
                    }
                    for lic, cell in zip(matrix.licenses, cells, strict=True)
                },
            }
            for term, cells in matrix.rows
        ],
    )


# More licences than this and a licences-as-columns table no longer reads at 80 or 120 columns:
# each licence gets its own block of terms instead.
MATRIX_COLUMNS = 6


def print_matrix(matrix: TermsMatrix, console: Console) -> None:
    if len(matrix.licenses) > MATRIX_COLUMNS:
        _print_matrix_by_licence(matrix, console)
        return
    table = Table(title="modelterms compare", title_justify="left", show_lines=True)
    table.add_column("term")
    for lic in matrix.licenses:
        table.add_column(escape(lic.id), overflow="fold")
    for term, cells in matrix.rows:
        table.add_row(escape(term.heading), *(escape(c.summary or "—") for c in cells))
    console.print(table)
    console.print(Wrapped(Text("—: no clause of the licence concerns the term.", style="dim")))
    _disclaimer(console)


def _print_matrix_by_licence(matrix: TermsMatrix, console: Console) -> None:
    """Many licences: one block per licence, its terms as rows (a term no clause concerns is left out)."""
    console.print(
        Wrapped(Text(f"modelterms compare: {len(matrix.licenses)} licences, each with its terms", style="bold"))
    )
    width = max((len(term.heading) for term, _ in matrix.rows), default=0)
    for index, lic in enumerate(matrix.licenses):
        console.print()
        console.print(Wrapped(Text.assemble((lic.id, "bold"), f" — {lic.name}")))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(width=min(width, 22), style="dim")
        grid.add_column(overflow="fold")
        shown = [(term, cells[index].summary) for term, cells in matrix.rows if cells[index].summary]
        for term, summary in shown:
            grid.add_row(Text(term.heading), Text(summary))
        if shown:
            console.print(Padding(grid, (0, 0, 0, 2)))
        else:
            console.print(Wrapped(Text("  no clause concerns any of the terms", style="dim")))
    console.print()
    console.print(
        Wrapped(
            Text("A term no clause of a licence concerns is left out of its block; -l picks licences.", style="dim")
        )
    )
    _disclaimer(console)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def matrix_markdown(matrix: TermsMatrix) -> str:
    lines = [
        "| term | " + " | ".join(f"`{lic.id}`" for lic in matrix.licenses) + " |",
        "|---|" + "---|" * len(matrix.licenses),
    ]
    lines += [
        f"| {term.heading} | " + " | ".join(_md(c.summary) or "—" for c in cells) + " |" for term, cells in matrix.rows
    ]
    return "\n".join(lines) + f"\n\n—: no clause of the licence concerns the term.\n\n*{DISCLAIMER}*\n"


def matrix_csv(matrix: TermsMatrix) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["term", *(lic.id for lic in matrix.licenses)])
    for term, cells in matrix.rows:
        writer.writerow([term.value, *(c.summary for c in cells)])
    return out.getvalue()


# ---- compare: standings for a profile -----------------------------------------------------


def _deciding(standing: Standing) -> list[tuple[str, str, str]]:
    """(section, words, quote) of the clauses that decided a refusing or undetermined outcome, or
    the grant of a permission (its obligations are listed apart)."""
    return [(r.section, r.explanation, r.quote) for r in standing.verdict.deciding_reasons]


def _obligation_texts(standing: Standing) -> list[tuple[str, str, str]]:
    if standing.verdict.outcome.refuses:
        return []
    return [
        (
            o.section,
            o.duty.value
            + (f" “{o.text}”" if o.text else "")
            + (f" (if {o.condition})" if o.applies is None and o.condition else ""),
            o.quote,
        )
        for o in standing.verdict.obligations
    ]


def standings_json(standings: Sequence[Standing], profile: ServiceProfile, version: str) -> str:
    return _envelope(
        version,
        profile=_profile_json(profile),
        results=[
            {
                "license": s.license.id,
                "name": s.license.name,
                "outcome": s.verdict.outcome.value,
                "deciding": [{"section": sec, "explanation": words, "quote": q} for sec, words, q in _deciding(s)],
                "obligations": [o.model_dump(mode="json", exclude_none=True) for o in s.verdict.obligations],
                "flip": _flip_json(s.flip) if s.flip else None,
            }
            for s in standings
        ],
    )


def _flip_text(standing: Standing) -> str:
    return flip_words(standing.flip) if standing.flip else "no change of a fact found that alters it"


def print_standings(standings: Sequence[Standing], console: Console) -> None:
    table = Table(title="modelterms compare (best first)", title_justify="left", show_lines=True)
    for column in ("licence", "outcome", "deciding clause", "obligations", "nearest flip point"):
        table.add_column(column, overflow="fold")
    for s in standings:
        table.add_row(
            escape(s.license.id),
            outcome_text(s.verdict.outcome),
            escape("\n".join(f"§{sec} {words}" for sec, words, _ in _deciding(s)) or "—"),
            escape("\n".join(f"§{sec} {words}" for sec, words, _ in _obligation_texts(s)) or "—"),
            escape(_flip_text(s)),
        )
    console.print(table)
    _disclaimer(console)


def standings_markdown(standings: Sequence[Standing]) -> str:
    lines = ["| licence | outcome | deciding clause | obligations | nearest flip point |", "|---|---|---|---|---|"]
    for s in standings:
        deciding = "<br>".join(_md(f"§{sec} {words}") for sec, words, _ in _deciding(s)) or "—"
        duties = "<br>".join(_md(f"§{sec} {words}") for sec, words, _ in _obligation_texts(s)) or "—"
        lines.append(
            f"| `{s.license.id}` | **{s.verdict.outcome.value}** | {deciding} | {duties} | {_md(_flip_text(s))} |"
        )
    return "\n".join(lines) + f"\n\n*{DISCLAIMER}*\n"


def standings_csv(standings: Sequence[Standing]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["license", "outcome", "deciding", "obligations", "flip_point", "flip_outcome"])
    for s in standings:
        writer.writerow(
            [
                s.license.id,
                s.verdict.outcome.value,
                "; ".join(f"§{sec} {words}" for sec, words, _ in _deciding(s)),
                "; ".join(f"§{sec} {words}" for sec, words, _ in _obligation_texts(s)),
                " and ".join(change_words(c) for c in s.flip.changes) if s.flip else "",
                s.flip.outcome.value if s.flip else "",
            ]
        )
    return out.getvalue()


def standings_html(standings: Sequence[Standing], profile: ServiceProfile) -> str:
    return render_html.standings_html(
        standings,
        profile,
        deciding=[_deciding(s) for s in standings],
        duties=[_obligation_texts(s) for s in standings],
        flips=[_flip_text(s) for s in standings],
        flags=profile_flags(profile),
    )


# ---- diff ---------------------------------------------------------------------------------


def _clause_json(clause: model.Clause | None) -> dict[str, Any] | None:
    if clause is None:
        return None
    return {
        "section": clause.section,
        "heading": clause.heading,
        "quote": clause.quote,
        "meaning": clause_meaning(clause),
        "notes": list(clause.notes),
        "ambiguities": list(clause.ambiguities),
    }


def diff_json(result: LicenseDiff, version: str) -> str:
    exploration = result.exploration
    return _envelope(
        version,
        before=result.before.id,
        after=result.after.id,
        identical=result.identical,
        fields=[vars(f) for f in result.fields],
        clauses=[
            {
                "change": c.kind.value,
                "clause": c.clause,
                "fields": list(c.fields),
                "before": _clause_json(c.before),
                "after": _clause_json(c.after),
            }
            for c in result.clauses
        ],
        regions=[
            {
                "before_outcome": r.outcomes[0].value,
                "after_outcome": r.outcomes[1].value,
                "common": [_choice_json(c) for c in r.common],
                "deciding": {"before": list(r.deciding[0]), "after": list(r.deciding[1])},
                "witness": _profile_json(r.witness),
                "cases": [[_choice_json(c) for c in cube.fixed] for cube in r.cubes],
            }
            for r in result.regions
        ],
        explored={
            "engine": exploration.engine.name,
            "exact": exploration.engine.exact,
            "facts": [a.axis.label for a in result.space.axes],
            "evaluations": exploration.evaluations,
            "queries": exploration.queries,
            "cubes": len(exploration.cubes),
            "bounded": list(exploration.bounded),
        },
    )


def profile_flags(profile: ServiceProfile) -> str:
    """The `check` flags that give this profile (facts it leaves open are left out), for pasting."""
    args: list[str] = []
    for fact in Fact:
        option = Axis(fact).option
        value = profile.value_of(fact)
        match value:
            case None:
                continue
            case MonthlyActiveUsers(current=current, by_month=by_month):
                args += [option, str(current)] if current is not None else []
                for month, users in by_month.items():
                    args += [option, f"{month}={users}"]
            case bool():
                yes, no = option.split("/")
                args.append(yes if value else no)
            case tuple():
                for item in value:
                    args += [option, str(item)]
            case _:
                args += [option, str(value)]
    return shlex.join(args)


def print_diff(result: LicenseDiff, console: Console) -> None:
    a, b = result.before.id, result.after.id
    console.print(Wrapped(Text(f"modelterms diff {a} → {b}", style="bold")))
    if result.identical:
        console.print(
            Wrapped(f"No difference: {a} and {b} have the same clauses, and every profile gets the same outcome.")
        )
        _explored(result, console)
        _disclaimer(console)
        return
    for summary in diff_summary(result):
        console.print(Wrapped(summary))
    if result.fields:
        console.print()
        console.print(Wrapped(Text("header", style="bold")))
        for f in result.fields:
            console.print(Wrapped(f"  {f.field}: {f.before or '—'} → {f.after or '—'}"))
    console.print()
    console.print(Wrapped(Text(f"clauses ({len(result.clauses)} changed, added or removed)", style="bold")))
    for change in result.clauses:
        clause = change.after or change.before
        assert clause is not None
        mark = {ChangeKind.ADDED: "+", ChangeKind.REMOVED: "-", ChangeKind.CHANGED: "~"}[change.kind]
        what = f" ({', '.join(change.fields)})" if change.fields else ""
        console.print(
            Wrapped(Text(f"{mark} {change.kind.value} §{clause.section} {change.clause}{what}", style="bold"))
        )
        if change.before is not None and (change.kind is not ChangeKind.CHANGED or "quote" in change.fields):
            console.print(Wrapped(Text(f"    {a}: “{change.before.quote}”", style="italic")))
        if change.after is not None and (change.kind is not ChangeKind.CHANGED or "quote" in change.fields):
            console.print(Wrapped(Text(f"    {b}: “{change.after.quote}”", style="italic")))
        if (
            change.before is not None
            and change.after is not None
            and clause_meaning(change.before) != clause_meaning(change.after)
        ):
            console.print(Wrapped(f"    meaning: {clause_meaning(change.before)}  →  {clause_meaning(change.after)}"))
        else:
            console.print(Wrapped(f"    meaning: {clause_meaning(clause)}"))
    console.print()
    console.print(Wrapped(Text(f"where the outcome differs ({len(result.regions)} regions)", style="bold")))
    if not result.regions and result.exploration.engine.exact:
        console.print(Wrapped("  nowhere: every profile gets the same outcome under both (proved by the solver)."))
    elif not result.regions:
        console.print(Wrapped("  none found by the enumeration, which was bounded (below): there may be some."))
    for region in result.regions:
        before, after = region.outcomes
        where = "; ".join(choice_words(c) for c in region.common) or "profiles of several kinds"
        line = Text("• ") + Text(where + ": ")
        line += outcome_text(before) + Text(f" under {a} ({', '.join(region.deciding[0])}) → ")
        line += outcome_text(after) + Text(f" under {b} ({', '.join(region.deciding[1])})")
        console.print(Wrapped(line))
        if len(region.cubes) == 1:
            console.print(Wrapped(Text(f"    witness: {profile_flags(region.witness)}", style="dim")))
            continue
        for cube in region.cubes:
            console.print(
                Wrapped(Text(f"    witness ({_case_label(cube.verdicts)}): {profile_flags(cube.witness)}", style="dim"))
            )
    _explored(result, console)
    _disclaimer(console)


def diff_summary(result: LicenseDiff) -> list[str]:
    """The three lines `diff` opens with: the header, the clauses, and where outcomes differ."""
    fields = ", ".join(f.field for f in result.fields)
    kinds = [c.kind for c in result.clauses]
    counts = ", ".join(f"{kinds.count(k)} {k.value}" for k in ChangeKind if kinds.count(k))
    regions = len(result.regions)
    if regions:
        where = f"the outcome differs in {regions} region{'s' if regions != 1 else ''} of profiles (below)"
    elif result.exploration.engine.exact:
        where = "the outcome is the same for every profile (proved by the solver)"
    else:
        where = "no profile found whose outcome differs (the enumeration was bounded)"
    return [
        f"header: {fields or 'the same'}",
        f"clauses: {counts or 'the same'}",
        where,
    ]


def _case_label(verdicts: Sequence[LicenseVerdict]) -> str:
    """The clauses that decide a case where an outcome is not a permission (else the grant's)."""
    refusing = [v for v in verdicts if v.outcome not in (Outcome.CONDITIONAL, Outcome.PERMITTED)] or verdicts[:1]
    return ", ".join(f"§{r.section} {r.clause}" for v in refusing for r in v.reasons)


def _explored(result: LicenseDiff, console: Console) -> None:
    e = result.exploration
    facts = ", ".join(a.axis.label for a in result.space.axes) or "none"
    console.print()
    if e.engine.exact:
        words = f"every profile over the facts {facts} decided ({e.queries:,} solver questions)"
    else:
        words = f"{e.evaluations:,} evaluations, {len(e.cubes):,} cases, over the facts {facts}"
    console.print(Wrapped(Text(f"engine: {e.engine.words}; {words}", style="dim")))
    for bound in e.bounded:
        console.print(Wrapped(Text(f"bounded: {bound}", style="yellow")))


# ---- explain ------------------------------------------------------------------------------


def explain_json(explanation: Explanation, version: str) -> str:
    verdict = explanation.verdict
    return _envelope(
        version,
        license=explanation.license.id,
        outcome=verdict.outcome.value,
        profile=_profile_json(explanation.profile),
        reasons=[r.model_dump(mode="json", exclude_none=True) for r in verdict.reasons],
        obligations=[o.model_dump(mode="json", exclude_none=True) for o in verdict.obligations],
        flips=[_flip_json(f) for f in explanation.flips],
        questions=[
            {
                "facts": [a.label for a in q.axes],
                "questions": list(q.texts),
                "decides": q.decides,
                "answers": [
                    {"answer": [_choice_json(c) for c in answer.choices], "outcome": answer.outcome.value}
                    for answer in q.answers
                ],
            }
            for q in explanation.questions
        ],
        open_questions=list(explanation.open_questions),
        assumptions=list(verdict.assumptions),
        bounded=list(explanation.bounded),
        engine={"name": explanation.engine.name, "exact": explanation.engine.exact},
    )


def print_explanation(explanation: Explanation, console: Console) -> None:
    verdict = explanation.verdict
    license = explanation.license
    console.print(
        Wrapped(Text.assemble((license.id, "bold"), ": ", outcome_text(verdict.outcome), f" — {license.name}"))
    )
    console.print()
    console.print(Wrapped(Text("why", style="bold")))
    for reason in verdict.reasons:
        facts = ", ".join(f"{k} = {v}" for k, v in reason.facts.items())
        because = f" because {facts}" if facts else ""
        console.print(Wrapped(Text(f"• {reason.outcome.value}{because}: {reason.explanation} (§{reason.section})")))
        console.print(Wrapped(Text(f"  “{reason.quote}”", style="italic dim")))
        if reason.question_id and reason.answered:
            console.print(Wrapped(Text(f"  [{reason.question_id}] answered by you: {reason.answered}", style="cyan")))
        elif reason.question_id:
            console.print(Wrapped(Text(f"  open question: --answer {reason.question_id}=yes|no", style="yellow")))
        for ambiguity in reason.ambiguities:
            console.print(Wrapped(Text(f"  ambiguous: {ambiguity}", style="yellow")))
    if verdict.obligations and not verdict.outcome.refuses:
        console.print()
        console.print(Wrapped(Text("obligations", style="bold")))
        for o in verdict.obligations:
            when = f" (if {o.condition})" if o.applies is None and o.condition else ""
            done = " — done" + (f": {o.evidence}" if o.evidence else "") if o.done else ""
            head = f"{'✓' if o.done else '•'} §{o.section} {o.duty.value}" + (f" “{o.text}”" if o.text else "")
            console.print(Wrapped(Text(head + when + f" [{o.obligation_id}]" + done)))
    console.print()
    console.print(Wrapped(Text("flip points (the smallest changes that change the outcome)", style="bold")))
    if not explanation.flips and explanation.engine.exact:
        console.print(Wrapped("  none: no change of the facts this licence reads changes the outcome."))
    elif not explanation.flips:
        console.print(Wrapped("  none found: no change of one or two facts changes the outcome."))
    for flip in explanation.flips:
        words = flip_words(flip).removesuffix(flip.outcome.value)
        console.print(Wrapped(Text("• " + words) + outcome_text(flip.outcome)))
    if explanation.questions:
        console.print()
        console.print(Wrapped(Text("to decide it, answer (what settles it first, fewest facts first)", style="bold")))
        for question in explanation.questions:
            settles = "" if question.decides else " — does not settle it alone"
            console.print(Wrapped(Text("• " + " + ".join(question.texts) + settles)))
            for answer in question.answers:
                given = "; ".join(choice_words(c) for c in answer.choices)
                console.print(Wrapped(Text(f"    {given} → ") + outcome_text(answer.outcome)))
        console.print(
            Wrapped(Text("  --assume FACT=VALUE answers a question without editing the profile.", style="dim"))
        )
    if explanation.open_questions:
        console.print()
        console.print(Wrapped(Text("open questions in the text (no fact answers them)", style="bold")))
        for open_question in explanation.open_questions:
            console.print(Wrapped(Text(f"• {open_question}", style="yellow")))
    for assumption in verdict.assumptions:
        console.print(Wrapped(Text(f"assumed: {assumption}", style="yellow")))
    for bound in explanation.bounded:
        console.print(Wrapped(Text(f"bounded: {bound}", style="yellow")))
    console.print(Wrapped(Text(f"engine: {explanation.engine.words}", style="dim")))
    _disclaimer(console)


# ---- show ---------------------------------------------------------------------------------


def clause_words(clause: model.Clause) -> str:
    """A clause's formal meaning in plain words: `forbidden when the service is used for military`."""
    words = effect_text(clause.effect)
    return words + (f" when {condition_words(clause.condition)}" if clause.condition is not None else "")


def show_json(license: model.License, version: str) -> str:
    data = license.model_dump(mode="json", exclude_none=True)
    for clause, item in zip(license.clauses, data["clauses"], strict=True):
        item["meaning"] = clause_meaning(clause)
        item["words"] = clause_words(clause)
    return _envelope(version, license=data)


def _header_lines(license: model.License) -> list[tuple[str, str]]:
    rows = [
        ("licensor", license.licensor),
        ("version", license.version or ""),
        ("released", license.released.isoformat() if license.released else ""),
        ("effective", license.effective.isoformat() if license.effective else ""),
        ("family", ", ".join(license.families)),
        (
            "also answers to",
            ", ".join(
                sorted({*license.aliases, *license.hf_tags, *([license.spdx] if license.spdx else [])} - {license.id})
            ),
        ),
        ("applies with", ", ".join(license.applies_with)),
        ("governing law", license.governing_law or "not stated"),
        ("verified", f"{license.verification.value}: {license.verification_note}"),
    ]
    rows += [("source", s) for s in license.sources]
    return [(k, v) for k, v in rows if v]


def print_license(license: model.License, console: Console) -> None:
    console.print(Wrapped(Text.assemble((license.id, "bold"), f" — {license.name}")))
    for key, value in _header_lines(license):
        console.print(Wrapped(f"  {key}: {value}"))
    for note in license.notes:
        console.print(Wrapped(Text(f"  note: {note}", style="dim")))
    if license.parameters:
        console.print()
        console.print(Wrapped(Text("thresholds", style="bold")))
        for p in license.parameters:
            console.print(Wrapped(Text(f"• {p.name} = {p.value} (§{p.section})")))
            console.print(Wrapped(Text(f"  “{p.quote}”", style="italic dim")))
    console.print()
    console.print(Wrapped(Text(f"clauses ({len(license.clauses)})", style="bold")))
    for clause in license.clauses:
        console.print()
        title = f"§{clause.section}" + (f" {clause.heading}" if clause.heading else "") + f" [{clause.id}]"
        console.print(Wrapped(Text(title, style="bold")))
        console.print(Wrapped(Text(f"  “{clause.quote}”", style="italic")))
        console.print(Wrapped(Text(f"  meaning: {clause_words(clause)}")))
        console.print(Wrapped(Text(f"  formally: {clause_meaning(clause)}", style="dim")))
        for note in clause.notes:
            console.print(Wrapped(Text(f"  note: {note}", style="dim")))
        for ambiguity in clause.ambiguities:
            console.print(Wrapped(Text(f"  ambiguous: {ambiguity}", style="yellow")))
        for unverified in clause.unverified:
            console.print(Wrapped(Text(f"  UNVERIFIED: {unverified}", style="bold yellow")))
    _disclaimer(console)
