"""Every threshold in the catalogue is tested at N−1, N and N+1 by the scenario files.

A comparison such as `mau in month before release > mau_cap` is covered when the scenarios of its
licence give that fact, in the month the clause measures, each of the three values.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

import checker
from checker.terms import model
from checker.terms.vocabulary import Fact

SCENARIOS = Path(__file__).parent / "scenarios"
CATALOGUE = checker.catalogue()


def comparisons(condition: model.Condition | None) -> list[model.Compare]:
    match condition:
        case None:
            return []
        case model.Compare():
            return [condition]
        case model.NotCondition(item=item):
            return comparisons(item)
        case model.AllOf(items=items) | model.AnyOf(items=items):
            return [c for i in items for c in comparisons(i)]
        case _:
            return []


def thresholds(license: checker.License) -> list[model.Compare]:
    found: dict[tuple[Any, ...], model.Compare] = {}
    for clause in license.clauses:
        for c in comparisons(clause.condition):
            found.setdefault((c.fact, c.anchor.month if c.anchor else None, c.value.value), c)
    return list(found.values())


def scenario_profiles(license_id: str) -> list[checker.ServiceProfile]:
    path = SCENARIOS / f"{license_id}.yaml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        checker.ServiceProfile.model_validate({**data.get("base", {}), **case.get("profile", {})})
        for case in data["cases"]
    ]


def value(profile: checker.ServiceProfile, compare: model.Compare) -> Decimal | None:
    if compare.fact is Fact.MAU:
        if profile.mau is None:
            return None
        figure = profile.mau.in_month(compare.anchor.month)[0] if compare.anchor else profile.mau.current
        return None if figure is None else Decimal(figure)
    raw = profile.value_of(compare.fact)
    return None if raw is None else Decimal(str(raw))


CASES = [(lic, c) for lic in CATALOGUE.licenses for c in thresholds(lic)]


@pytest.mark.parametrize(
    ("license", "compare"),
    CASES,
    ids=[f"{lic.id}: {c.fact.value} {c.comparator.value} {c.value.value}" for lic, c in CASES],
)
def test_threshold_is_tested_at_n_minus_1_n_and_n_plus_1(license: checker.License, compare: model.Compare) -> None:
    n = compare.value.value
    seen = {value(p, compare) for p in scenario_profiles(license.id)}
    missing = sorted({n - 1, n, n + 1} - seen)
    where = f" in {compare.anchor.month}" if compare.anchor else ""
    assert not missing, f"{license.id}: no scenario gives {compare.fact.value}{where} = {missing}"


def test_the_catalogue_has_thresholds() -> None:
    assert len(CASES) >= 10
