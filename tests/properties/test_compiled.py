"""The compiled fast path agrees with the reference evaluator (the oracle) on random profiles:
the same outcome, the same missing facts and the same deciding clauses, for every licence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import checker
from checker import ServiceProfile
from checker.evaluation.compiled import compile_license
from checker.evaluation.profile import Answer

from .budget import examples
from .strategies import profiles

CATALOGUE = checker.catalogue()
LICENSES = CATALOGUE.licenses
IDS = [lic.id for lic in LICENSES]


def _assert_agree(license: checker.License, profile: ServiceProfile) -> None:
    """The compiled licence decides as the reference evaluator: outcome, deciding clauses, missing facts."""
    compiled = CATALOGUE.compiled(license.id)
    expected = checker.evaluate(license, profile)
    decision = compiled.decide(profile)
    assert compiled.outcome(profile) is expected.outcome
    assert decision.outcome is expected.outcome
    assert decision.deciding == tuple(r.clause for r in expected.reasons)
    assert decision.missing == tuple((m.fact, m.detail) for m in expected.missing_facts)


@pytest.mark.parametrize("license", LICENSES, ids=IDS)
@settings(max_examples=examples(300), deadline=None)
@given(profile=profiles())
def test_compiled_matches_the_reference_evaluator(license: checker.License, profile: ServiceProfile) -> None:
    _assert_agree(license, profile)


def test_the_compiled_licence_renders_the_reference_verdict() -> None:
    license = CATALOGUE.get("llama-3.1")
    profile = ServiceProfile(mau=checker.MonthlyActiveUsers(current=800_000_000))
    compiled = compile_license(license)
    assert compiled.verdict(profile) == checker.evaluate(license, profile)
    assert compiled.outcome(profile) is checker.Outcome.NEEDS_LICENSE


def test_a_catalogue_compiles_each_licence_once() -> None:
    assert CATALOGUE.compiled("llama-3.1") is CATALOGUE.compiled("llama3.1")


def test_a_licence_without_clauses_compiles_and_agrees_with_the_reference() -> None:
    # Issue 14: the generated `truths` returned `(,)`, a SyntaxError, for a licence with no clauses.
    license = CATALOGUE.get("mit").model_copy(update={"clauses": ()})
    compiled = compile_license(license)
    profile = ServiceProfile(commercial=True)
    assert compiled.outcome(profile) is checker.evaluate(license, profile).outcome
    assert compiled.decide(profile).deciding == ()


QUESTIONS = {lic.id: [f"{lic.id}/{c.id}" for c in lic.clauses if c.effect.kind == "unclear"] for lic in LICENSES}
ASKING = [lic for lic in LICENSES if QUESTIONS[lic.id]]


@pytest.mark.parametrize("license", ASKING, ids=[lic.id for lic in ASKING])
@settings(max_examples=examples(20), deadline=None)
@given(profile=profiles(), data=st.data())
def test_compiled_matches_the_reference_evaluator_with_answers(
    license: checker.License, profile: ServiceProfile, data: st.DataObject
) -> None:
    ids = QUESTIONS[license.id]
    answered = data.draw(st.dictionaries(st.sampled_from(ids), st.booleans(), min_size=1))
    profile = profile.model_copy(update={"answers": {q: Answer(value=v) for q, v in answered.items()}})
    _assert_agree(license, profile)


SHARING = [
    lic for lic in LICENSES if any(getattr(c.effect, "accepted", ()) for c in lic.clauses)
]  # the licences whose share-alike duty names the licences it accepts


@pytest.mark.parametrize("license", SHARING, ids=[lic.id for lic in SHARING])
@settings(max_examples=examples(200), deadline=None)
@given(
    profile=profiles(),
    released=st.sampled_from([None, "mit", "gpl-3.0", "GPL-3.0", "cc-by-sa-4.0", "cc-by-nc-sa-4.0", "agpl-3.0"]),
)
def test_compiled_matches_the_reference_evaluator_on_the_derivative_licence(
    license: checker.License, profile: ServiceProfile, released: str | None
) -> None:
    # More licences than the shared strategy draws, on the licences whose duty reads them.
    profile = profile.model_copy(update={"derivative_license": released})
    _assert_agree(license, profile)


def test_the_derivative_licence_property_covers_the_share_alike_licences() -> None:
    assert {"cc-by-sa-4.0", "gpl-3.0", "cdla-sharing-1.0"} <= {lic.id for lic in SHARING}
