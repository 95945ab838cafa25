"""A check report and its JSON contract, apart from the terminal renderer: `--format json` needs
neither rich nor the policy machinery, so it starts without them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from checker.evaluation.profile import ServiceProfile
from checker.terms.verdict import LicenseVerdict, ObligationItem, json_envelope
from checker.terms.vocabulary import Outcome

OPEN_OBLIGATIONS = "open-obligations"


class FailOn(StrEnum):
    """What `--fail-on` may name: an outcome, or `open-obligations` (some obligation not reported done)."""

    FORBIDDEN = "forbidden"
    NEEDS_LICENSE = "needs-license"
    UNDETERMINED = "undetermined"
    CONDITIONAL = "conditional"
    PERMITTED = "permitted"
    OPEN_OBLIGATIONS = OPEN_OBLIGATIONS


def open_obligations(verdict: LicenseVerdict) -> list[ObligationItem]:
    """The obligations of a verdict the user has not reported done (those that may apply included)."""
    return [o for o in verdict.obligations if not o.done]


def split_fail_on(values: Sequence[FailOn]) -> tuple[tuple[Outcome, ...], bool]:
    """The outcomes named, and whether open obligations fail."""
    outcomes = tuple(Outcome(v.value) for v in values if v is not FailOn.OPEN_OBLIGATIONS)
    return outcomes, FailOn.OPEN_OBLIGATIONS in values


@dataclass(frozen=True)
class Report:
    """The verdicts of one check, with the profile they were computed for."""

    profile: ServiceProfile
    results: tuple[LicenseVerdict, ...]

    def fails(self, fail_on: Sequence[Outcome], *, on_open_obligations: bool = False) -> bool:
        """Whether a result's outcome is in `fail_on`, or (`on_open_obligations`) an obligation is open."""
        return any(r.outcome in fail_on for r in self.results) or (
            on_open_obligations and any(open_obligations(r) for r in self.results)
        )

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
        "results": [
            {
                **r.model_dump(mode="json", exclude_none=True),
                "open_obligations": [o.obligation_id for o in r.obligations if not o.done],
                "done_obligations": [o.obligation_id for o in r.obligations if o.done],
            }
            for r in report.results
        ],
    }


def json_text(report: Report, version: str) -> str:
    return json.dumps(to_json(report, version), indent=2, ensure_ascii=False) + "\n"
