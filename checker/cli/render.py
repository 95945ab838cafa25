"""Renderers of a check report: a rich terminal view and the versioned JSON contract.

Both render the same `Report`; neither decides anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from checker.ci.report import OPEN_OBLIGATIONS, Report, open_obligations
from checker.cli.wrapping import Wrapped
from checker.terms.verdict import DISCLAIMER, LicenseVerdict, MissingFact, ObligationItem, Reason
from checker.terms.vocabulary import Outcome, Verification

if TYPE_CHECKING:  # `check` renders without the policy stage (≈ 60 ms of imports: policies, discovery)
    from checker.ci.policy import PolicyReport

__all__ = ["outcome_text", "print_disclaimer", "print_policy_text", "print_text"]

_STYLE = {
    Outcome.FORBIDDEN: "bold red",
    Outcome.NEEDS_LICENSE: "bold magenta",
    Outcome.UNDETERMINED: "bold yellow",
    Outcome.CONDITIONAL: "bold cyan",
    Outcome.PERMITTED: "bold green",
}


def outcome_text(outcome: Outcome) -> Text:
    """An outcome in its colour."""
    return Text(outcome.value, style=_STYLE[outcome])


def print_disclaimer(console: Console) -> None:
    console.print(Wrapped(Text(DISCLAIMER, style="dim")))


def _summary_table(report: Report) -> Table:
    table = Table(title="modelterms check", title_justify="left", show_lines=False, expand=False)
    table.add_column("licence", no_wrap=True)
    table.add_column("outcome", no_wrap=True)
    table.add_column("deciding clauses")
    for result in report.results:
        deciding = ", ".join(f"§{r.section} {r.clause}" for r in result.reasons) or "—"
        table.add_row(escape(result.license), outcome_text(result.outcome), escape(deciding))
    return table


def _reason_lines(reason: Reason) -> list[Text]:
    title = f"§{reason.section}" + (f" {reason.heading}" if reason.heading else "") + f" [{reason.clause}]"
    lines = [Text(title, style="bold"), Text(reason.explanation), Text(f"“{reason.quote}”", style="italic dim")]
    if reason.facts:
        lines.append(Text("facts: " + "; ".join(f"{k} = {v}" for k, v in reason.facts.items())))
    if reason.question and reason.answered:
        lines.append(Text(f"question [{reason.question_id}]: {reason.question}"))
        lines.append(Text(f"answered by you: {reason.answered}", style="cyan"))
    elif reason.question:
        tag = f" [{reason.question_id}]" if reason.question_id else ""
        lines.append(Text(f"open question{tag}: {reason.question}", style="yellow"))
        if reason.question_id:
            lines.append(Text(f"answer it: --answer {reason.question_id}=yes|no", style="dim"))
    lines += [Text(f"missing: {m.fact} — {m.question}{_answered_by(m)}", style="yellow") for m in reason.missing_facts]
    lines += [Text(f"ambiguous: {a}", style="yellow") for a in reason.ambiguities]
    lines += [Text(f"UNVERIFIED: {u}", style="bold yellow") for u in reason.unverified]
    lines += [Text(f"note: {n}", style="dim") for n in reason.notes]
    lines.append(Text(f"source: {reason.source}", style="dim"))
    return lines


def _ways(missing: MissingFact) -> list[str]:
    """Where a missing fact is given: the flag and the profile key."""
    return [w for w in (missing.flag, missing.profile_key) if w]


def _answered_by(missing: MissingFact) -> str:
    ways = _ways(missing)
    return f" (give {' or '.join(ways)})" if ways else ""


def _obligation_lines(item: ObligationItem) -> list[Text]:
    mark = "✓" if item.done else "•"
    head = f"{mark} §{item.section} {item.duty.value}" + (f" “{item.text}”" if item.text else "")
    if item.applies is None and item.condition:
        head += f" — applies if {item.condition}"
    if item.met is False:
        head += " — NOT MET"
    head += f" [{item.obligation_id}]"
    if item.done:
        head += " — done" + (f": {item.evidence}" if item.evidence else "")
    lines = [Text(head), Text(f"  “{item.quote}”", style="italic dim")]
    lines += [Text(f"  ambiguous: {a}", style="yellow") for a in item.ambiguities]
    lines += [Text(f"  UNVERIFIED: {u}", style="bold yellow") for u in item.unverified]
    return lines


def _obligation_groups(result: LicenseVerdict) -> list[tuple[str, list[ObligationItem]]]:
    """The result's obligations under their titles: those not yet reported done, then those done
    (a group without obligations is left out)."""
    groups = [
        ("obligations (open):", open_obligations(result)),
        ("obligations (done):", [o for o in result.obligations if o.done]),
    ]
    return [(title, items) for title, items in groups if items]


def _details(result: LicenseVerdict) -> Group:
    head = Text.assemble(
        (result.license, "bold"), ": ", outcome_text(result.outcome), f" — {result.name} ({result.licensor})"
    )
    if result.requested_as and result.requested_as.lower() != result.license:
        head.append(f" [from '{result.requested_as}']", style="dim")
    parts: list[Any] = [Wrapped(head)]
    if result.verification is not Verification.PRIMARY:
        parts.append(Wrapped(Text(_VERIFICATION_WORDS[result.verification], style="yellow"), indent=2))
    for reason in result.deciding_reasons:
        parts += [Wrapped(line, indent=2) for line in _reason_lines(reason)]
    if result.obligations and not result.outcome.refuses:
        for title, items in _obligation_groups(result):
            parts.append(Wrapped(Text(title, style="bold"), indent=2))
            for item in items:
                parts += [Wrapped(line, indent=4) for line in _obligation_lines(item)]
        if open_obligations(result):
            parts.append(Wrapped(Text("report one done: --done OBLIGATION_ID", style="dim"), indent=4))
    if result.terminations and not result.outcome.refuses:
        parts.append(Wrapped(Text("ends if (not given):", style="bold"), indent=2))
        for reason in result.terminations:
            lines = [Text(_termination_line(reason), style="yellow"), Text(f"  “{reason.quote}”", style="italic dim")]
            lines += [Text(f"  ambiguous: {a}", style="yellow") for a in reason.ambiguities]
            parts += [Wrapped(line, indent=4) for line in lines]
    if result.missing_facts and result.outcome is Outcome.UNDETERMINED:
        parts.append(Wrapped(Text("to decide, answer:", style="bold"), indent=2))
        for missing in result.missing_facts:
            parts.append(Wrapped(Text(f"• {missing.question} ({missing.fact}){_answered_by(missing)}"), indent=4))
    return Group(*parts)


_VERIFICATION_WORDS = {
    Verification.PRIMARY: "",
    Verification.COPY: "licence text read in a verbatim third-party copy, not on the licensor's own page",
    Verification.SECONDARY: "UNVERIFIED: licence terms known only from secondary sources",
    Verification.UNVERIFIED: "UNVERIFIED: no source text of this licence could be read",
}


def print_text(report: Report, console: Console, *, details: bool = False) -> None:
    """The answer of `check`: short by default (the verdict per model and licence, the deciding clause
    quoted once, obligations one line each, each open question asked once), every clause with
    `details`."""
    if details:
        _print_details(report, console)
        return
    groups: dict[str | None, list[LicenseVerdict]] = {}
    for result in report.results:
        groups.setdefault(result.model, []).append(result)
    quoted: dict[tuple[str, str, str], str] = {}  # (clause id, section, meaning) -> the licence it was quoted for
    for model, results in groups.items():
        indent = 0
        if model is not None:
            worst = min((r.outcome for r in results), key=lambda o: o.severity)
            head = Text.assemble((model, "bold"), ": ", outcome_text(worst))
            if len(results) > 1:
                head.append(f" (the worst of its {len(results)} licences)")
            console.print(head)
            indent = 2
        for result in results:
            console.print(_short(result, quoted, via_shown=model is not None, indent=indent))
        console.print()
    questions = _questions(report.results)
    if questions:
        console.print(Wrapped(Text("to decide, answer:", style="bold")))
        for question, (fact, licences) in questions.items():
            which = ", ".join(licences) if len(licences) <= 3 else f"{len(licences)} licences"
            console.print(Wrapped(Text(f"• {question} ({fact}; {which})"), indent=2))
        console.print()
    assumptions = report.assumptions
    for assumption in assumptions[:1] if len(assumptions) > 2 else assumptions:
        console.print(Wrapped(Text(f"assumed: {assumption}", style="yellow")))
    if len(assumptions) > 2:
        console.print(Wrapped(Text(f"and {len(assumptions) - 1} more assumptions (--details)", style="yellow")))
    console.print(Wrapped(Text("--details for every clause, its facts, notes and source", style="dim")))
    print_disclaimer(console)


def _short(
    result: LicenseVerdict, quoted: dict[tuple[str, str, str], str], *, via_shown: bool, indent: int = 0
) -> Group:
    """One licence's verdict in a few lines. A deciding clause with the same id and meaning as one
    already quoted for another licence (the Llama versions' §2) points to it instead of quoting again."""
    head = Text.assemble((result.license, "bold"), ": ", outcome_text(result.outcome), f" — {result.name}")
    if via_shown and result.model_via and result.model_via != result.model:
        head.append(f" (via base model {result.model_via})", style="dim")
    parts: list[Wrapped] = [Wrapped(head)]
    if result.verification is not Verification.PRIMARY:
        parts.append(Wrapped(Text(_VERIFICATION_WORDS[result.verification], style="yellow"), indent=2))
    reasons = result.deciding_reasons
    if reasons:
        first = reasons[0]
        title = f"§{first.section}" + (f" {first.heading}" if first.heading else "")
        key = (first.clause, title, first.explanation)
        if key in quoted:
            # The same words may read different facts (each Llama version measures its own month).
            used = "; ".join(f"{fact}: {value}" for fact, value in first.facts.items())
            line = Text.assemble((title, "bold"), f": as for {quoted[key]} above" + (f" ({used})" if used else ""))
            parts.append(Wrapped(line, indent=2))
        else:
            quoted[key] = result.license
            used = "; ".join(f"{fact}: {value}" for fact, value in first.facts.items())
            words = first.explanation + (f" ({used})" if used else "")
            parts.append(Wrapped(Text.assemble((title, "bold"), ": ", words), indent=2))
            parts.append(Wrapped(Text(f"“{first.quote}”", style="italic dim"), indent=4))
        if len(reasons) > 1:
            more = f"and {len(reasons) - 1} more deciding clause" + ("" if len(reasons) == 2 else "s")
            parts.append(Wrapped(Text(f"{more} (--details)", style="dim"), indent=2))
    answered = [r for r in reasons if r.question and r.answered]
    for reason in answered:
        parts.append(
            Wrapped(Text(f"answered by you: {reason.answered} [{reason.question_id}]", style="cyan"), indent=2)
        )
    if result.obligations and not result.outcome.refuses:
        for title, items in _obligation_groups(result):
            parts.append(Wrapped(Text(title, style="bold"), indent=2))
            for item in items:
                # The id first: a line cut at the terminal's width still says what `--done` takes.
                duty = f"{'✓' if item.done else '•'} [{item.obligation_id}] §{item.section} {item.duty.value}"
                duty += f" “{item.text}”" if item.text else ""
                if item.applies is None and item.condition:
                    duty += f" — if {item.condition}"
                if item.met is False:
                    duty += " — NOT MET"
                parts.append(Wrapped(Text(duty, no_wrap=True, overflow="ellipsis"), indent=4))
    if result.terminations and not result.outcome.refuses:
        parts.append(Wrapped(Text("ends if (not given):", style="bold"), indent=2))
        parts += [Wrapped(Text(_termination_line(r), style="yellow"), indent=4) for r in result.terminations]
    for part in parts:  # under the model's heading when several models are checked
        part.indent += indent
    return Group(*parts)


def _termination_line(reason: Reason) -> str:
    """A termination the profile leaves open, with the flags that settle it."""
    ways = [" or ".join(_ways(m)) for m in reason.missing_facts]
    return f"• §{reason.section} {reason.explanation}" + (f" (give {'; '.join(ways)})" if ways else "")


def _questions(results: tuple[LicenseVerdict, ...]) -> dict[str, tuple[str, list[str]]]:
    """Each question that would decide a result, once, with how to answer it and the licences it
    concerns: the licence's own open questions (answered with `--answer ID=yes|no`) and the facts
    the profile lacks (with their flag and profile key)."""
    asked: dict[str, tuple[str, list[str]]] = {}
    for result in results:
        for reason in result.deciding_reasons:
            # A question whose clause still waits on a fact is asked through that fact first.
            if reason.question and reason.question_id and not reason.answered and not reason.missing_facts:
                _, licences = asked.setdefault(reason.question, (f"--answer {reason.question_id}=yes|no", []))
                if result.license not in licences:
                    licences.append(result.license)
        # An undetermined result waits on every fact it lacks; any other on those of its deciding clauses.
        missing = [*(m for r in result.deciding_reasons for m in r.missing_facts)]
        if result.outcome is Outcome.UNDETERMINED:
            missing += result.missing_facts
        for fact in missing:
            ways = _ways(fact)
            how = fact.fact + (f": give {' or '.join(ways)}" if ways else "")
            _, licences = asked.setdefault(fact.question, (how, []))
            if result.license not in licences:
                licences.append(result.license)
    return asked


def _print_details(report: Report, console: Console) -> None:
    console.print(_summary_table(report))
    for result in report.results:
        console.print()
        console.print(_details(result))
    for assumption in report.assumptions:
        console.print(Wrapped(Text(f"assumed: {assumption}", style="yellow")))
    console.print()
    print_disclaimer(console)


def print_policy_text(report: PolicyReport, console: Console) -> None:
    table = Table(title=f"modelterms policy — {report.path}", title_justify="left")
    table.add_column("model", overflow="fold")
    table.add_column("licence", overflow="fold")
    table.add_column("outcome", no_wrap=True)
    table.add_column("deciding clauses")
    table.add_column("waived")
    for finding in report.findings:
        verdict = finding.verdict
        deciding = ", ".join(r.clause for r in verdict.reasons) or "—"
        table.add_row(
            escape(finding.entry.label),
            escape(verdict.license),
            outcome_text(verdict.outcome),
            escape(deciding),
            escape(", ".join(finding.waived)),
        )
    console.print(table)
    for finding in report.findings:
        if finding.verdict.outcome in report.fail_on or (
            report.fail_on_open_obligations and open_obligations(finding.verdict)
        ):
            console.print()
            console.print(Wrapped(Text(f"{finding.location}: {finding.entry.label}", style="bold")))
            for use in finding.occurrences:
                console.print(Wrapped(Text(f"  used at {use.where} ({use.kind.value})")))
            console.print(_details(finding.verdict))
    if report.dynamic:
        console.print()
        console.print(
            Wrapped(Text("models named at run time (not checked: list them under models:):", style="bold yellow"))
        )
        for use in report.dynamic:
            console.print(Wrapped(Text(f"  {use.where}: {use.detail}")))
    if report.waivers:
        console.print()
        console.print(Wrapped(Text("waivers:", style="bold")))
        for w in report.waivers:
            style = {"applied": "green", "expired": "bold red", "stale": "yellow", "unused": "yellow"}[w.status.value]
            console.print(
                Text(f"  {w.location}: {w.waiver.license} {w.waiver.clause}: ")
                + Text(w.status.value, style=style)
                + Text(f" — {w.message} (owner {w.waiver.owner}, expires {w.waiver.expires.isoformat()})")
            )
    console.print()
    verdict_line = "FAILED" if report.failed else "passed"
    failing = ", ".join([o.value for o in report.fail_on] + [OPEN_OBLIGATIONS] * report.fail_on_open_obligations)
    console.print(
        Wrapped(
            Text(f"policy {verdict_line} (fails on: {failing})", style="bold red" if report.failed else "bold green")
        )
    )
    print_disclaimer(console)
