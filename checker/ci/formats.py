"""The renderings of a policy report other than the terminal's: JSON, Markdown, SARIF 2.1.0, JUnit
XML and GitHub annotations.

Each renders the one `PolicyReport`; none decides anything, and none needs rich (`render.py` has
the terminal view). A result fails when its outcome is in the policy's `fail-on` list; an expired
waiver fails the run; a stale or unused waiver is a warning. Those three levels map onto each
format's own: SARIF `error` / `warning` / `note`, JUnit failure / skipped, GitHub `::error` /
`::warning` / `::notice`.
"""

from __future__ import annotations

import contextlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from checker.ci.policy import PolicyFinding, PolicyReport, WaiverResult, WaiverStatus
from checker.ci.report import OPEN_OBLIGATIONS, open_obligations
from checker.diagnostics.span import Span
from checker.discovery import Finding
from checker.terms.verdict import DISCLAIMER, LicenseVerdict, ObligationItem, Reason, json_envelope
from checker.terms.vocabulary import Outcome

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/modelterms/"


class Level(StrEnum):
    """How much a finding matters to the run: the one scale each CI format maps onto its own."""

    ERROR = "error"  # fails the run
    WARNING = "warning"  # refused or undecided but not in fail-on; a stale or unused waiver
    NOTE = "note"  # permitted with obligations: the duties to meet


def relative_path(path: str) -> str:
    """The policy file's path as CI tools want it: relative to the working folder, with `/`."""
    candidate = Path(path)
    with contextlib.suppress(ValueError, OSError):  # outside the working folder: keep the path as given
        candidate = candidate.resolve().relative_to(Path.cwd().resolve())
    return candidate.as_posix()


def fails_on_open_obligations(finding: PolicyFinding, report: PolicyReport) -> bool:
    """The result fails the run only because an obligation is not reported done (`open-obligations`)."""
    verdict = finding.verdict
    return (
        report.fail_on_open_obligations
        and verdict.outcome not in report.fail_on
        and not verdict.outcome.refuses
        and bool(open_obligations(verdict))
    )


def finding_level(finding: PolicyFinding, report: PolicyReport) -> Level | None:
    outcome = finding.verdict.outcome
    if outcome in report.fail_on or fails_on_open_obligations(finding, report):
        return Level.ERROR
    if outcome.refuses or outcome is Outcome.UNDETERMINED:
        return Level.WARNING
    if finding.verdict.obligations:
        return Level.NOTE
    return None


def _failing_words(report: PolicyReport) -> list[str]:
    return [o.value for o in report.fail_on] + [OPEN_OBLIGATIONS] * report.fail_on_open_obligations


def _duty_words(item: ObligationItem) -> str:
    return f"[{item.obligation_id}] §{item.section} {item.duty.value}" + (f" “{item.text}”" if item.text else "")


def _done_words(item: ObligationItem) -> str:
    return f"[{item.obligation_id}]" + (f" ({item.evidence})" if item.evidence else "")


def waiver_level(waiver: WaiverResult) -> Level | None:
    match waiver.status:
        case WaiverStatus.EXPIRED:
            return Level.ERROR
        case WaiverStatus.STALE | WaiverStatus.UNUSED:
            return Level.WARNING
        case WaiverStatus.APPLIED:
            return None


def _title(finding: PolicyFinding) -> str:
    verdict = finding.verdict
    return f"{finding.entry.label}: {verdict.license} is {verdict.outcome.value}"


def _reason_words(reason: Reason) -> str:
    words = f"§{reason.section}" + (f" {reason.heading}" if reason.heading else "") + f": {reason.explanation}"
    if reason.question:
        words += f" Open question: {reason.question}"
    missing = "; ".join(m.question for m in reason.missing_facts)
    return words + (f" To decide, answer: {missing}" if missing else "")


def _summary(finding: PolicyFinding) -> str:
    """One paragraph: the outcome, why (each deciding clause and its quote), and what to do."""
    verdict = finding.verdict
    parts = [_title(finding) + "."]
    if verdict.outcome is Outcome.CONDITIONAL:
        still_open = open_obligations(verdict)
        done = [o for o in verdict.obligations if o.done]
        if still_open:
            parts.append("Open obligations: " + "; ".join(_duty_words(o) for o in still_open) + ".")
        if done:
            parts.append("Reported done: " + "; ".join(_done_words(o) for o in done) + ".")
    else:
        parts += [f"{_reason_words(r)} “{r.quote}”" for r in verdict.reasons]
    if finding.waived:
        parts.append("Waived: " + ", ".join(finding.waived) + ".")
    return " ".join(parts)


def _waiver_text(waiver: WaiverResult) -> str:
    w = waiver.waiver
    head = f"waiver for {w.license} {w.clause} ({w.reason.value}, owner {w.owner})"
    return f"{head}: {waiver.status.value} — {waiver.message}"


# --- JSON ----------------------------------------------------------------------------------------


def policy_json(report: PolicyReport, version: str) -> dict[str, Any]:
    """The policy JSON contract, schema version 1: `check`'s results plus model, location and waivers."""
    results = []
    for finding in report.findings:
        item = finding.verdict.model_dump(mode="json", exclude_none=True)
        item.update({"entry": finding.entry.label, "location": finding.location, "waived": list(finding.waived)})
        if finding.occurrences:
            item["occurrences"] = [f.to_json() for f in finding.occurrences]
        results.append(item)
    discovered: dict[str, Any] = {}
    if report.discovery is not None:
        discovered["discovered"] = {
            "files_read": report.discovery.files,
            "dynamic": [f.to_json() for f in report.dynamic],
            "skipped": [{"file": file, "reason": reason} for file, reason in report.discovery.skipped],
        }
    return {
        **json_envelope(version),
        "policy": report.path,
        "passed": not report.failed,
        "fail_on": _failing_words(report),
        "profile": report.profile.model_dump(mode="json", exclude_none=True),
        "results": results,
        "waivers": [
            {
                "license": w.waiver.license,
                "clause": w.waiver.clause,
                "reason": w.waiver.reason.value,
                "owner": w.waiver.owner,
                "expires": w.waiver.expires.isoformat(),
                "status": w.status.value,
                "message": w.message,
                "location": w.location,
            }
            for w in report.waivers
        ],
        **discovered,
    }


# --- Markdown ------------------------------------------------------------------------------------

_ICON = {
    Outcome.FORBIDDEN: "⛔",
    Outcome.NEEDS_LICENSE: "🔑",
    Outcome.UNDETERMINED: "❓",
    Outcome.CONDITIONAL: "✅",
    Outcome.PERMITTED: "✅",
}


_URL = re.compile(r"https?://[^\s<>]+")
# Characters XML 1.0 cannot hold, even escaped (C0 controls but tab, newline and return; lone surrogates).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_safe(text: str) -> str:
    """`\x01` for a control character a name holds: JUnit readers reject the document otherwise."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else "\ufffd", text)


def _text(text: str) -> str:
    """Text from a name, a path or a licence file, shown as written: raw HTML in it stays text (issue 14)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipe ends the cell, no newline ends the row, no HTML."""
    return _text(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    """A code span that no backtick in the text can close early (CommonMark: a longer fence); HTML in a
    code span is already literal, a pipe still ends a table cell."""
    text = text.replace("\n", " ").replace("|", "\\|")
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _quote_block(text: str) -> list[str]:
    return ["> " + _text(line) if line else ">" for line in text.splitlines()]


def _verdict_section(verdict: LicenseVerdict) -> list[str]:
    lines: list[str] = []
    shown_as_obligation = {o.clause for o in verdict.obligations} if verdict.outcome is Outcome.CONDITIONAL else set()
    for reason in verdict.reasons:
        if reason.clause in shown_as_obligation:
            continue
        heading = f" {reason.heading}" if reason.heading else ""
        lines += [
            f"**§{_text(reason.section)}{_text(heading)}** ({_code(reason.clause)}): {_text(reason.explanation)}",
            "",
        ]
        lines += [*_quote_block(reason.quote), ""]
        if reason.question:
            lines += [f"- open question: {_text(reason.question)}"]
        lines += [f"- to decide, answer: {_text(m.question)}" for m in reason.missing_facts]
        lines += [f"- ambiguous: {_text(a)}" for a in reason.ambiguities]
        lines += [f"- **unverified**: {_text(u)}" for u in reason.unverified]
        source = f"<{reason.source}>" if _URL.fullmatch(reason.source) else _text(reason.source)
        lines += [f"- source: {source}", ""]
    if verdict.obligations and not verdict.outcome.refuses:
        still_open = open_obligations(verdict)
        if still_open:
            lines.append("Obligations (open):")
        for item in still_open:
            text = f" “{_text(item.text)}”" if item.text else ""
            when = f" — applies if {_text(item.condition)}" if item.applies is None and item.condition else ""
            unmet = " — **not met**" if item.met is False else ""
            lines.append(f"- {_code(item.obligation_id)} §{item.section} {item.duty.value}{text}{when}{unmet}")
        done = [o for o in verdict.obligations if o.done]
        if done:
            lines += [""] * bool(still_open) + ["Obligations (done):"]
        for item in done:
            evidence = f" — evidence: {_text(item.evidence)}" if item.evidence else ""
            lines.append(f"- {_code(item.obligation_id)} §{item.section} {item.duty.value}{evidence}")
        lines.append("")
    if verdict.terminations and not verdict.outcome.refuses:
        lines.append("Ends if (not given):")
        for reason in verdict.terminations:
            ways = "; ".join(" or ".join(_code(w) for w in (m.flag, m.profile_key) if w) for m in reason.missing_facts)
            give = f" (give {ways})" if ways else ""
            lines.append(f"- §{_text(reason.section)} {_text(reason.explanation)}{give}")
        lines.append("")
    return lines


def markdown(report: PolicyReport) -> str:
    """A PR comment or GitHub step summary: the table, then the details of each result that is not clean."""
    status = "❌ failed" if report.failed else "✅ passed"
    failing = ", ".join(_failing_words(report))
    lines = [
        f"## modelterms policy {status}",
        "",
        f"{_code(relative_path(report.path))} — fails on: {failing}.",
        "",
        "| model | licence | outcome | deciding clauses | waived |",
        "|---|---|---|---|---|",
    ]
    for f in report.findings:
        deciding = ", ".join(f"§{_cell(r.section)} {_code(r.clause)}" for r in f.verdict.reasons) or "—"
        outcome = f"{_ICON[f.verdict.outcome]} {f.verdict.outcome.value}"
        waived = ", ".join(_code(c) for c in f.waived) or ""
        row = [_cell(f.entry.label), _code(f.verdict.license), outcome, deciding, waived]
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    for f in report.findings:
        if finding_level(f, report) in (Level.ERROR, Level.WARNING, Level.NOTE):
            where = f" ({_cell(f.location)})" if f.location else ""
            lines += [f"### {_cell(_title(f))}{where}", ""]
            if f.occurrences:
                lines += ["Used at: " + ", ".join(f"{_code(o.where)} ({o.kind.value})" for o in f.occurrences), ""]
            lines += _verdict_section(f.verdict)
    if report.dynamic:
        lines += [
            "### Models named at run time",
            "",
            "modelterms cannot tell which model these load: list them in `models:`.",
            "",
        ]
        lines += [f"- {_code(d.where)}: {_code(d.detail or '')}" for d in report.dynamic]
        lines.append("")
    if report.waivers:
        lines += [
            "### Waivers",
            "",
            "| licence | clause | reason | owner | expires | status |",
            "|---|---|---|---|---|---|",
        ]
        for w in report.waivers:
            lines.append(
                f"| {_code(w.waiver.license)} | {_code(w.waiver.clause)} | {w.waiver.reason.value} "
                f"| {_cell(w.waiver.owner)} "
                f"| {w.waiver.expires.isoformat()} | {w.status.value}: {_cell(w.message)} |"
            )
        lines.append("")
    lines += [f"_{DISCLAIMER}_", ""]
    return "\n".join(lines)


# --- SARIF 2.1.0 ---------------------------------------------------------------------------------

# Rules of the run itself (not of a licence): waivers that no longer hold.
_WAIVER_RULES = {
    WaiverStatus.EXPIRED: ("modelterms/waiver-expired", "An expired waiver fails the run: renew or remove it."),
    WaiverStatus.STALE: (
        "modelterms/waiver-stale",
        "The waived clause's text changed, so the waiver no longer applies: review the clause.",
    ),
    WaiverStatus.UNUSED: ("modelterms/waiver-unused", "No result of the policy was decided by the waived clause."),
}


_DYNAMIC_RULE = (
    "modelterms/dynamic-model",
    "The code names a model at run time: no check can see which; list the models it may load in `models:`.",
)


def _dynamic_text(finding: Finding) -> str:
    return f"a model named at run time ({finding.detail}) cannot be checked: list the models it may load in models:"


def _region(span: Span | None) -> dict[str, int]:
    if span is None:
        return {"startLine": 1}
    return {"startLine": span.line, "startColumn": span.column}


def _location(report: PolicyReport, span: Span | None) -> dict[str, Any]:
    """A place in the policy file, or — for a model found by `discover:` — in the code that uses it."""
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": relative_path(span.file if span else report.path), "uriBaseId": "%SRCROOT%"},
            "region": _region(span),
        }
    }


def _places(finding: PolicyFinding) -> list[Span | None]:
    return list(finding.places) or [None]


@dataclass
class _Rules:
    """The SARIF rules of a run, one per licence clause (`llama-3.1/additional-commercial-terms`)."""

    rules: list[dict[str, Any]]
    index: dict[str, int]

    def add(self, rule_id: str, rule: dict[str, Any]) -> int:
        if rule_id not in self.index:
            self.index[rule_id] = len(self.rules)
            self.rules.append({"id": rule_id, **rule})
        return self.index[rule_id]


def _clause_rule(reason: Reason) -> dict[str, Any]:
    heading = reason.heading or reason.clause
    return {
        "name": reason.clause,
        "shortDescription": {"text": f"{reason.license} §{reason.section} {heading}"},
        "fullDescription": {"text": reason.quote},
        "helpUri": reason.source,
        "help": {"text": f"“{reason.quote}” ({reason.source})"},
        "properties": {"license": reason.license, "section": reason.section, "quote_sha256": reason.quote_sha256},
    }


def _sarif_results(report: PolicyReport, rules: _Rules) -> Iterator[dict[str, Any]]:
    for finding in report.findings:
        level = finding_level(finding, report)
        if level is None:
            continue
        verdict = finding.verdict
        reasons = verdict.reasons
        if verdict.outcome is Outcome.CONDITIONAL:
            obligation_clauses = {o.clause for o in verdict.obligations}
            reasons = tuple(r for r in reasons if r.clause in obligation_clauses) or reasons
        duties = {o.clause: o for o in verdict.obligations} if verdict.outcome is Outcome.CONDITIONAL else {}
        for reason in reasons:
            rule_id = f"{reason.license}/{reason.clause}"
            text = f"{_title(finding)}. {_reason_words(reason)} “{reason.quote}”"
            properties: dict[str, Any] = {"model": finding.entry.label, "outcome": verdict.outcome.value}
            reason_level = level
            if (duty := duties.get(reason.clause)) is not None:
                properties |= {"obligation_id": duty.obligation_id, "done": duty.done}
                if duty.done:  # reported done: shown for the record, never what fails the run
                    reason_level = Level.NOTE if verdict.outcome not in report.fail_on else level
                    text += f" Reported done{f' ({duty.evidence})' if duty.evidence else ''}."
                elif report.fail_on_open_obligations:
                    text += f" Open: report it with --done {duty.obligation_id} or done: in the policy."
            for place in _places(finding):  # the policy line, and each line of code that uses the model
                yield {
                    "ruleId": rule_id,
                    "ruleIndex": rules.add(rule_id, _clause_rule(reason)),
                    "level": reason_level.value,
                    "message": {"text": text},
                    "locations": [_location(report, place)],
                    "properties": properties,
                }
        # A waived clause stays visible as a suppressed result: the audit trail SARIF viewers show.
        if finding.original is not None:
            for reason in finding.original.reasons:
                applied = next((w for w in finding.waivers if w.clause == reason.clause), None)
                if applied is None:
                    continue
                rule_id = f"{reason.license}/{reason.clause}"
                yield {
                    "ruleId": rule_id,
                    "ruleIndex": rules.add(rule_id, _clause_rule(reason)),
                    "level": Level.ERROR.value if finding.original.outcome in report.fail_on else Level.WARNING.value,
                    "message": {
                        "text": f"{finding.entry.label}: {reason.license} would be {finding.original.outcome.value}. "
                        f"{_reason_words(reason)} “{reason.quote}”"
                    },
                    "locations": [_location(report, _places(finding)[0])],
                    "suppressions": [
                        {
                            "kind": "external",
                            "status": "accepted",
                            "justification": f"{applied.reason.value}: {applied.evidence} (owner {applied.owner}, "
                            f"expires {applied.expires.isoformat()})",
                        }
                    ],
                    "properties": {"model": finding.entry.label, "outcome": finding.original.outcome.value},
                }
    for dynamic in report.dynamic:
        rule = {"name": "dynamic-model", "shortDescription": {"text": _DYNAMIC_RULE[1]}}
        yield {
            "ruleId": _DYNAMIC_RULE[0],
            "ruleIndex": rules.add(_DYNAMIC_RULE[0], rule),
            "level": Level.WARNING.value,
            "message": {"text": _dynamic_text(dynamic)},
            "locations": [_location(report, dynamic.span)],
        }
    for waiver in report.waivers:
        level = waiver_level(waiver)
        if level is None:
            continue
        rule_id, description = _WAIVER_RULES[waiver.status]
        rule = {"name": rule_id.split("/", 1)[1], "shortDescription": {"text": description}}
        yield {
            "ruleId": rule_id,
            "ruleIndex": rules.add(rule_id, rule),
            "level": level.value,
            "message": {"text": _waiver_text(waiver)},
            "locations": [_location(report, waiver.span)],
        }


def sarif(report: PolicyReport, version: str) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one rule per licence clause, located on the policy line naming the model."""
    rules = _Rules([], {})
    results = list(_sarif_results(report, rules))
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "modelterms",
                        "version": version,
                        "semanticVersion": version,
                        "informationUri": INFORMATION_URI,
                        "rules": rules.rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}},
                "invocations": [{"executionSuccessful": True, "exitCode": 1 if report.failed else 0}],
                "results": results,
                "properties": {"disclaimer": DISCLAIMER, "passed": not report.failed},
            }
        ],
    }


# --- JUnit XML -----------------------------------------------------------------------------------


def junit(report: PolicyReport) -> str:
    """JUnit XML: one test case per model × licence, and one per waiver; failures are what fails the run."""
    suite = ET.Element("testsuite", name="modelterms policy", file=relative_path(report.path))
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="disclaimer", value=DISCLAIMER)
    ET.SubElement(properties, "property", name="fail-on", value=",".join(_failing_words(report)))
    failures = skipped = 0
    for finding in report.findings:
        place = _places(finding)[0]
        case = ET.SubElement(
            suite,
            "testcase",
            classname=finding.entry.label,
            name=finding.verdict.license,
            file=relative_path(place.file if place else report.path),
            line=str(place.line if place else 1),
        )
        level = finding_level(finding, report)
        if level is Level.ERROR:
            failures += 1
            kind = OPEN_OBLIGATIONS if fails_on_open_obligations(finding, report) else finding.verdict.outcome.value
            failure = ET.SubElement(case, "failure", type=kind, message=_title(finding))
            failure.text = _summary(finding)
        elif level is not None:
            ET.SubElement(case, "system-out").text = _summary(finding)
    for waiver in report.waivers:
        case = ET.SubElement(
            suite,
            "testcase",
            classname="waivers",
            name=f"{waiver.waiver.license} {waiver.waiver.clause}",
            file=relative_path(report.path),
            line=str(waiver.span.line if waiver.span else 1),
        )
        match waiver.status:
            case WaiverStatus.EXPIRED:
                failures += 1
                ET.SubElement(case, "failure", type="waiver-expired", message=_waiver_text(waiver))
            case WaiverStatus.STALE | WaiverStatus.UNUSED:
                skipped += 1
                ET.SubElement(case, "skipped", message=_waiver_text(waiver))
            case WaiverStatus.APPLIED:
                ET.SubElement(case, "system-out").text = _waiver_text(waiver)
    for dynamic in report.dynamic:
        case = ET.SubElement(
            suite, "testcase", classname="discovered", name=f"model named at run time at {dynamic.where}",
            file=relative_path(dynamic.file), line=str(dynamic.line),
        )  # fmt: skip
        skipped += 1
        ET.SubElement(case, "skipped", message=_dynamic_text(dynamic))
    total = len(report.findings) + len(report.waivers) + len(report.dynamic)
    suite.set("tests", str(total))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    root = ET.Element("testsuites", name="modelterms", tests=str(total), failures=str(failures), errors="0")
    root.append(suite)
    for element in root.iter():  # names, quotes and paths come from files a pull request may change
        element.attrib = {k: _xml_safe(v) for k, v in element.attrib.items()}
        if element.text:
            element.text = _xml_safe(element.text)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --- GitHub workflow commands --------------------------------------------------------------------

_COMMAND = {Level.ERROR: "error", Level.WARNING: "warning", Level.NOTE: "notice"}


def _escape_data(text: str) -> str:
    # As GitHub's own toolkit escapes a command's message (actions/toolkit, command.ts).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(level: Level, file: str, span: Span | None, title: str, message: str) -> str:
    props = [f"file={_escape_property(file)}", f"line={span.line if span else 1}"]
    if span is not None:
        props.append(f"col={span.column}")
    props.append(f"title={_escape_property(title)}")
    return f"::{_COMMAND[level]} {','.join(props)}::{_escape_data(message)}"


def github(report: PolicyReport) -> str:
    """Workflow-command annotations on the policy file's lines, then a plain summary line."""
    file = relative_path(report.path)
    lines = []
    for finding in report.findings:
        level = finding_level(finding, report)
        if level is not None:
            for place in _places(finding):  # the policy line, and each line of code that uses the model
                where = relative_path(place.file) if place else file
                lines.append(_command(level, where, place, _title(finding), _summary(finding)))
    for dynamic in report.dynamic:
        title = "a model named at run time"
        lines.append(_command(Level.WARNING, relative_path(dynamic.file), dynamic.span, title, _dynamic_text(dynamic)))
    for waiver in report.waivers:
        level = waiver_level(waiver)
        if level is not None:
            title = f"waiver {waiver.waiver.license} {waiver.waiver.clause}: {waiver.status.value}"
            lines.append(_command(level, file, waiver.span, title, _waiver_text(waiver)))
    counts: dict[str, int] = {}
    for finding in report.findings:
        counts[finding.verdict.outcome.value] = counts.get(finding.verdict.outcome.value, 0) + 1
    tally = ", ".join(f"{n} {o}" for o, n in counts.items())
    lines.append(f"modelterms policy {'FAILED' if report.failed else 'passed'}: {tally}. {DISCLAIMER}")
    return "\n".join(lines) + "\n"
