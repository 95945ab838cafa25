"""Laws every licence in the catalogue must obey, checked on random profiles.

- Raising MAU (now and in every month) or revenue never makes an outcome better: in particular it
  never turns a refusal into a permission.
- Adding a use case never makes an outcome better.
- Learning a fact the profile lacked never turns a refusal into anything else, unless an exemption
  reads that fact: an exception takes effect once it is shown to hold (see `combine`).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import checker
from checker import MonthlyActiveUsers, Outcome, ServiceProfile, UseCase
from checker.evaluation.profile import field_for
from checker.terms.model import Exempts, facts_of

from .budget import examples
from .strategies import profiles

LICENSES = checker.catalogue().licenses
IDS = [lic.id for lic in LICENSES]
SETTINGS = settings(max_examples=examples(150), deadline=None)


def outcome(license: checker.License, profile: ServiceProfile) -> Outcome:
    return checker.evaluate(license, profile).outcome


def assert_no_better(license: checker.License, profile: ServiceProfile, **changed: object) -> None:
    """Changing the given facts of the profile does not make the licence's outcome better."""
    before = outcome(license, profile)
    after = outcome(license, profile.model_copy(update=changed))
    assert after.severity <= before.severity, (before, after)


@pytest.mark.parametrize("license", LICENSES, ids=IDS)
@SETTINGS
@given(profile=profiles(), extra=st.integers(min_value=1, max_value=2_000_000_000))
def test_raising_mau_never_improves_the_outcome(license: checker.License, profile: ServiceProfile, extra: int) -> None:
    if profile.mau is None:
        return
    raised = MonthlyActiveUsers(
        current=None if profile.mau.current is None else profile.mau.current + extra,
        by_month={m: v + extra for m, v in profile.mau.by_month.items()},
    )
    assert_no_better(license, profile, mau=raised)


@pytest.mark.parametrize("license", LICENSES, ids=IDS)
@SETTINGS
@given(profile=profiles(), extra=st.integers(min_value=1, max_value=10**10))
def test_raising_revenue_never_improves_the_outcome(
    license: checker.License, profile: ServiceProfile, extra: int
) -> None:
    if profile.revenue is None:
        return
    assert_no_better(license, profile, revenue=profile.revenue + Decimal(extra))


@pytest.mark.parametrize("license", LICENSES, ids=IDS)
@SETTINGS
@given(profile=profiles(), use=st.sampled_from(list(UseCase)))
def test_adding_a_use_never_improves_the_outcome(
    license: checker.License, profile: ServiceProfile, use: UseCase
) -> None:
    if profile.uses is None:
        return
    assert_no_better(license, profile, uses=tuple(sorted({*profile.uses, use})))


@pytest.mark.parametrize("license", LICENSES, ids=IDS)
@SETTINGS
@given(partial=profiles(), full=profiles())
def test_learning_a_fact_never_lifts_a_refusal(
    license: checker.License, partial: ServiceProfile, full: ServiceProfile
) -> None:
    before = outcome(license, partial)
    if not before.refuses:
        return
    exemption_facts = {
        field_for(f) for c in license.clauses if isinstance(c.effect, Exempts) for f in facts_of(c.condition)
    }
    learned = {k: v for k, v in full.model_dump(exclude_none=True).items() if k not in exemption_facts}
    completed = ServiceProfile.model_validate({**learned, **partial.model_dump(exclude_none=True)})
    assert outcome(license, completed).refuses
