"""Scenario files: for each licence, profiles and the outcome and deciding clauses they must give.

`scenarios/<licence id>.yaml` holds a `base` profile and `cases`, each a profile laid over the base,
the expected `outcome`, the clause ids that must decide it (`deciding`), and optionally the obligations
that must apply (`obligations`: clause ids with applies = true) and facts that must be reported missing
(`missing`). Every bundled licence has a scenario file, and every clause of it is exercised: its
condition holds in at least one case.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import checker
from checker.evaluation.evaluate import Truth, holds

SCENARIOS = Path(__file__).parent / "scenarios"
FILES = sorted(SCENARIOS.glob("*.yaml"))
CATALOGUE = checker.catalogue()


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _cases() -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    found = []
    for path in FILES:
        data = _load(path)
        for case in data["cases"]:
            found.append((data["license"], case["name"], data.get("base", {}), case))
    return found


CASES = _cases()


def _profile(base: dict[str, Any], case: dict[str, Any]) -> checker.ServiceProfile:
    return checker.ServiceProfile.model_validate({**base, **case.get("profile", {})})


@pytest.mark.parametrize(("license_id", "name", "base", "case"), CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_scenario(license_id: str, name: str, base: dict[str, Any], case: dict[str, Any]) -> None:
    verdict = checker.evaluate(CATALOGUE.get(license_id), _profile(base, case))
    assert verdict.outcome.value == case["outcome"], [(r.clause, r.explanation) for r in verdict.reasons]
    assert sorted(r.clause for r in verdict.reasons) == sorted(case["deciding"])
    if "obligations" in case:
        applying = sorted(o.clause for o in verdict.obligations if o.applies)
        assert applying == sorted(case["obligations"])
    if "missing" in case:
        assert sorted({m.fact for m in verdict.missing_facts}) == sorted(case["missing"])
    for reason in verdict.reasons:
        assert reason.quote and reason.section and reason.source.startswith("https://")


def test_every_bundled_licence_has_scenarios() -> None:
    covered = {_load(path)["license"] for path in FILES}
    missing = sorted(lic.id for lic in CATALOGUE.licenses if lic.id not in covered)
    assert not missing, f"licences without a scenario file in tests/scenarios: {missing}"


@pytest.mark.parametrize("license", CATALOGUE.licenses, ids=[lic.id for lic in CATALOGUE.licenses])
def test_every_clause_is_exercised(license: checker.License) -> None:
    profiles = [_profile(base, case) for lid, _, base, case in CASES if lid == license.id]
    unexercised = [
        clause.id
        for clause in license.clauses
        if clause.condition is not None
        and not any(holds(clause.condition, p, license).truth is Truth.TRUE for p in profiles)
    ]
    assert not unexercised, f"{license.id}: no scenario makes these clauses apply: {unexercised}"
