"""A check report and its JSON contract, apart from the terminal renderer: `--format json` needs
neither rich nor the policy machinery, so it starts without them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from checker.evaluation.profile import ServiceProfile
from checker.terms.verdict import LicenseVerdict, json_envelope
from checker.terms.vocabulary import Outcome


@dataclass(frozen=True)
class Report:
    """The verdicts of one check, with the profile they were computed for."""

    profile: ServiceProfile
    results: tuple[LicenseVerdict, ...]

    def fails(self, fail_on: Sequence[Outcome]) -> bool:
        return any(r.outcome in fail_on for r in self.results)

    @property
    def assumptions(self) -> list[str]:
        seen: dict[str, None] = {}
        for result in self.results:
            for a in result.assumptions:
                seen[a] = None
        return list(seen)


def to_json(report: Report, version: str) -> dict[str, Any]:
    """The JSON contract, schema version 1 (documented in README.md, "JSON output")."""
    return {
        **json_envelope(version),
        "profile": report.profile.model_dump(mode="json", exclude_none=True),
        "results": [r.model_dump(mode="json", exclude_none=True) for r in report.results],
    }


def json_text(report: Report, version: str) -> str:
    return json.dumps(to_json(report, version), indent=2, ensure_ascii=False) + "\n"
