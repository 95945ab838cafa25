"""The renderings of a discovery (`modelterms discover`) other than the terminal's: JSON, Markdown,
SARIF 2.1.0, JUnit XML, GitHub annotations, and the models it found as BOM entries.

A discovery decides nothing: each model reference is a SARIF `note` (a GitHub `::notice`), located
at the line of the code that uses the model; a model named at run time (`dynamic`) is a `warning`,
since no check can see which model it is.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from checker.ci.bom import BomLicense, BomModel, found_model_bom
from checker.ci.formats import INFORMATION_URI, SARIF_SCHEMA, Level, _cell, _command, relative_path
from checker.discovery import Discovery, Finding, ReferenceKind
from checker.lookup.resolver import FoundModel, Resolver
from checker.terms.verdict import DISCLAIMER, json_envelope

REFERENCE_RULE = "modelterms/model-reference"
DYNAMIC_RULE = "modelterms/dynamic-model"


def describe(finding: Finding) -> str:
    """One sentence: which model, how the file refers to it."""
    if finding.model is None:
        return f"a model named at run time ({finding.detail}): modelterms cannot tell which; list it in the policy"
    written = f" (written '{finding.written}')" if finding.written else ""
    licence = f", licence {finding.license}" if finding.license else ""
    via = f" via {finding.detail}" if finding.detail else ""
    return f"uses model {finding.model}{written} [{finding.kind.value}{via}{licence}]"


def discovery_json(discovery: Discovery, paths: list[str], version: str) -> dict[str, Any]:
    return {
        **json_envelope(version),
        "paths": paths,
        "findings": [f.to_json() for f in discovery.findings],
        "models": discovery.models,
        "files_read": discovery.files,
        "skipped": [{"file": file, "reason": reason} for file, reason in discovery.skipped],
    }


def discovery_markdown(discovery: Discovery) -> str:
    lines = [
        "## modelterms discover",
        "",
        f"{len(discovery.findings)} model references to {len(discovery.models)} models "
        f"in {discovery.files} files read.",
        "",
        "| model | kind | where | via |",
        "|---|---|---|---|",
    ]
    for f in discovery.findings:
        model = f"`{_cell(f.model)}`" if f.model else "*named at run time*"
        lines.append(f"| {model} | {f.kind.value} | `{_cell(f.where)}` | {_cell(f.detail or '')} |")
    if discovery.skipped:
        lines += ["", "Skipped:", ""] + [f"- `{_cell(file)}`: {_cell(reason)}" for file, reason in discovery.skipped]
    return "\n".join([*lines, "", f"_{DISCLAIMER}_", ""])


def _sarif_result(finding: Finding, rules: dict[str, int]) -> dict[str, Any]:
    rule = DYNAMIC_RULE if finding.model is None else REFERENCE_RULE
    return {
        "ruleId": rule,
        "ruleIndex": rules[rule],
        "level": Level.WARNING.value if finding.model is None else Level.NOTE.value,
        "message": {"text": describe(finding)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": relative_path(finding.file), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": finding.line, "startColumn": finding.column},
                }
            }
        ],
        "properties": {"model": finding.model, "kind": finding.kind.value},
    }


SARIF_RULES: list[dict[str, Any]] = [
    {
        "id": REFERENCE_RULE,
        "name": "model-reference",
        "shortDescription": {"text": "The code uses a model: its licence applies to the service."},
    },
    {
        "id": DYNAMIC_RULE,
        "name": "dynamic-model",
        "shortDescription": {"text": "A model is named at run time: no check can see which; list it in the policy."},
    },
]


def discovery_sarif(discovery: Discovery, version: str) -> dict[str, Any]:
    from pathlib import Path  # noqa: PLC0415

    rules = {r["id"]: i for i, r in enumerate(SARIF_RULES)}
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
                        "rules": SARIF_RULES,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}},
                "invocations": [{"executionSuccessful": True, "exitCode": 0}],
                "results": [_sarif_result(f, rules) for f in discovery.findings],
                "properties": {"disclaimer": DISCLAIMER},
            }
        ],
    }


def discovery_junit(discovery: Discovery) -> str:
    suite = ET.Element("testsuite", name="modelterms discover", tests=str(len(discovery.findings)), failures="0")
    skipped = 0
    for f in discovery.findings:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f.model or "dynamic",
            name=f.where,
            file=relative_path(f.file),
            line=str(f.line),
        )
        if f.model is None:
            skipped += 1
            ET.SubElement(case, "skipped", message=describe(f))
        else:
            ET.SubElement(case, "system-out").text = describe(f)
    suite.set("skipped", str(skipped))
    suite.set("errors", "0")
    root = ET.Element("testsuites", name="modelterms", tests=str(len(discovery.findings)), failures="0", errors="0")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def discovery_github(discovery: Discovery) -> str:
    lines = []
    for f in discovery.findings:
        level = Level.WARNING if f.model is None else Level.NOTE
        title = f"model {f.model}" if f.model else "a model named at run time"
        lines.append(_command(level, relative_path(f.file), f.span, title, describe(f)))
    lines.append(
        f"modelterms discover: {len(discovery.findings)} references to {len(discovery.models)} models. {DISCLAIMER}"
    )
    return "\n".join(lines) + "\n"


# ---- the BOM ------------------------------------------------------------------------------------


def discovery_bom(discovery: Discovery, resolver: Resolver) -> list[BomModel]:
    """The models found, each once with every place that uses it; licences from the resolver (the
    index, the Hub), an Ollama name's from its table; a model it cannot resolve is listed with why."""
    groups: dict[str, list[Finding]] = {}
    for f in discovery.findings:
        if f.model is not None:
            groups.setdefault(f.model.lower(), []).append(f)
    models = []
    for findings in groups.values():
        first = findings[0]
        assert first.model is not None
        model: BomModel
        if first.kind in (ReferenceKind.OLLAMA, ReferenceKind.OLLAMA_ADAPTER) and "/" not in first.model:
            model = BomModel(first.model)
            if first.license:
                for licence in resolver.catalogue.resolve([first.license]):
                    model.add_license(BomLicense.of(licence.license))
            else:
                model.properties.append(("modelterms:unresolved", "an Ollama name modelterms has no licence for"))
        else:
            result = resolver.model(first.model)
            if isinstance(result, FoundModel):
                model = found_model_bom(result)
            else:
                model = BomModel(first.model, repo=first.model if "/" in first.model else None)
                model.properties.append(("modelterms:unresolved", result.message))
        model.occurrences = [(relative_path(f.file), f.line, f.column, f.kind.value) for f in findings]
        models.append(model)
    return models
