"""Laws of the analyses behind `diff`, `explain` and `compare`, on random profiles.

- A settled verdict stays: whatever the facts the profile leaves open turn out to be, the outcome
  is the same (the exploration of `diff` stops on this, so its regions rest on it).
- A witness of a diff region evaluates to the two different outcomes it claims, and keeps them
  however its open facts are filled in.
- A flip point's profile really gives the outcome it claims, a different one, and differs from the
  original profile only in the facts the flip names.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import checker
from checker import MonthlyActiveUsers, ServiceProfile
from checker.analysis.diff import LicenseDiff
from checker.analysis.space import read, settled, space_of, write

from .budget import examples
from .strategies import profiles

CATALOGUE = checker.catalogue()
LICENSES = CATALOGUE.licenses
IDS = [lic.id for lic in LICENSES]
SETTINGS = settings(max_examples=examples(60), deadline=None)
PAIRS = [("llama-2", "llama-3"), ("llama-3", "llama-3.1"), ("llama-3.1", "llama-3.2"), ("gemma", "llama-3.1")]


def completed(profile: ServiceProfile, other: ServiceProfile) -> ServiceProfile:
    """`profile` with every fact it leaves open taken from `other` (a derived model's name and the
    licence it is released under are not open facts: left out, none is named, and a duty is shown
    unmet only by one given)."""
    data = profile.model_dump(exclude_none=True)
    for name, value in other.model_dump(exclude_none=True).items():
        if name not in ("mau", "derivative_name", "derivative_license", "model"):
            data.setdefault(name, value)
    if other.mau is not None:
        mine = profile.mau or MonthlyActiveUsers()
        months = {**other.mau.by_month, **mine.by_month}
        current = mine.current if mine.current is not None else other.mau.current
        data["mau"] = {"current": current, "by_month": months}
    return ServiceProfile.model_validate(data)


@pytest.mark.parametrize("license", LICENSES, ids=IDS)
@SETTINGS
@given(profile=profiles(), other=profiles())
def test_a_settled_verdict_stays_whatever_the_open_facts_are(
    license: checker.License, profile: ServiceProfile, other: ServiceProfile
) -> None:
    verdict = checker.evaluate(license, profile)
    if settled(verdict):
        assert checker.evaluate(license, completed(profile, other)).outcome is verdict.outcome


@cache
def diffed(before: str, after: str) -> LicenseDiff:
    return checker.diff(CATALOGUE.get(before), CATALOGUE.get(after))


@pytest.mark.parametrize(("before", "after"), PAIRS, ids=[f"{a}→{b}" for a, b in PAIRS])
@settings(max_examples=examples(80), deadline=None)
@given(data=st.data(), other=profiles())
def test_a_diff_witness_gives_the_outcomes_it_claims(
    before: str, after: str, data: st.DataObject, other: ServiceProfile
) -> None:
    result = diffed(before, after)
    assert result.regions
    region = data.draw(st.sampled_from(result.regions))
    cube = data.draw(st.sampled_from(region.cubes))
    a, b = CATALOGUE.get(before), CATALOGUE.get(after)
    assert (checker.evaluate(a, cube.witness).outcome, checker.evaluate(b, cube.witness).outcome) == region.outcomes
    assert region.outcomes[0] is not region.outcomes[1]
    filled = completed(cube.witness, other)
    assert (checker.evaluate(a, filled).outcome, checker.evaluate(b, filled).outcome) == region.outcomes


@pytest.mark.parametrize("license", LICENSES, ids=IDS)
@settings(max_examples=examples(15), deadline=None)
@given(profile=profiles())
def test_a_flip_point_really_flips(license: checker.License, profile: ServiceProfile) -> None:
    space = space_of([license])
    original = checker.evaluate(license, profile).outcome
    for flip in checker.flip_points(license, profile, space=space, max_changes=1):
        assert checker.evaluate(license, flip.profile).outcome is flip.outcome
        assert flip.outcome is not original
        named = {c.axis for c in flip.changes}
        for axis_space in space.axes:
            if axis_space.axis not in named:
                assert read(flip.profile, axis_space.axis) == read(profile, axis_space.axis)


@pytest.mark.parametrize("license", LICENSES, ids=IDS)
@SETTINGS
@given(profile=profiles())
def test_a_class_representative_stands_for_its_class(license: checker.License, profile: ServiceProfile) -> None:
    """The space's classes are exact: putting each fact's class representative in place of the
    profile's own value never changes the outcome (no condition tells the two apart)."""
    space = space_of([license])
    swapped = profile
    for axis_space in space.axes:  # the current figure first, then the months (their fallback is pinned)
        choice = axis_space.classify(profile)
        if choice is not None:
            swapped = write(swapped, axis_space.axis, choice.value)
    assert checker.evaluate(license, swapped).outcome is checker.evaluate(license, profile).outcome
