"""The clause language's semantics, on small licences written inline, through the public API."""

from __future__ import annotations

from typing import Any

import pytest

import checker
from checker import Outcome

HEADER = """license acme-1.0 "Acme Model License"
  licensor "Acme"
  released 2024-07-23
  source   "https://example.com/acme"
  verified {level} "written for the tests"
"""
GRANT = """
clause grant §1
  > You may use the model.
  permits
"""


def licence(body: str, level: str = "primary") -> checker.License:
    return checker.parse_license(HEADER.format(level=level) + GRANT + body, "acme.terms")


def outcome(lic: checker.License, **profile: Any) -> Outcome:
    return checker.evaluate(lic, checker.ServiceProfile.model_validate(profile)).outcome


DAU = licence("""
param dau_cap = 1M users
  §3 "Conditions"
  > less than 1 million
clause small-services §3 "Conditions"
  > The Daily Active Users (DAU) of your service is less than 1 million.
  when not (dau < dau_cap)
  needs license from "Acme"
""")


@pytest.mark.parametrize(
    ("dau", "expected"),
    [(999_999, Outcome.PERMITTED), (1_000_000, Outcome.NEEDS_LICENSE), (1_000_001, Outcome.NEEDS_LICENSE)],
)
def test_a_less_than_threshold_at_n_minus_1_n_n_plus_1(dau: int, expected: Outcome) -> None:
    assert outcome(DAU, dau=dau) is expected


def test_unknown_dau_is_undetermined_and_named() -> None:
    verdict = checker.evaluate(DAU, checker.ServiceProfile())
    assert verdict.outcome is Outcome.UNDETERMINED
    assert [m.fact for m in verdict.missing_facts] == ["dau"]


UNVERIFIED = """
clause cap §2
  > exceeding 100 million monthly active users
  when mau > 100M
  needs license from "Acme"
  unverified "The 100M MAU cap is reported only by third parties."
"""


def test_an_unverified_term_never_refuses_as_if_settled() -> None:
    verdict = checker.evaluate(licence(UNVERIFIED), checker.ServiceProfile.model_validate({"mau": 200_000_000}))
    assert verdict.outcome is Outcome.UNDETERMINED
    (reason,) = verdict.reasons
    assert reason.unverified == ("The 100M MAU cap is reported only by third parties.",)
    assert reason.question is not None and "could not be verified" in reason.question
    assert outcome(licence(UNVERIFIED), mau=5) is Outcome.PERMITTED


@pytest.mark.parametrize("level", ["secondary", "unverified"])
def test_a_licence_known_only_from_secondary_sources_is_never_settled(level: str) -> None:
    lic = licence("", level=level)
    verdict = checker.evaluate(lic, checker.ServiceProfile())
    assert verdict.outcome is Outcome.UNDETERMINED
    assert verdict.reasons[0].question is not None and "could not be verified" in verdict.reasons[0].question


EXEMPTION = """
param cap = 700M users
  §2
  > greater than 700 million monthly active users in the preceding calendar month
clause big §2
  > greater than 700 million monthly active users in the preceding calendar month
  when mau in month before release > cap
  needs license from "Acme"
clause end-users §3
  > End users of an integrated product are not bound by §2.
  when end-user
  exempts big
"""


def test_time_anchor_measures_the_month_before_release() -> None:
    lic = licence(EXEMPTION)
    assert outcome(lic, mau={"current": 10, "2024-06": 800_000_000}) is Outcome.NEEDS_LICENSE
    assert outcome(lic, mau={"current": 800_000_000, "2024-06": 10}) is Outcome.PERMITTED
    assert outcome(lic, mau={"2024-05": 800_000_000}) is Outcome.UNDETERMINED


def test_exemption_applies_only_when_shown() -> None:
    lic = licence(EXEMPTION)
    assert outcome(lic, mau=800_000_000) is Outcome.NEEDS_LICENSE  # end-user unknown: the rule stands
    assert outcome(lic, mau=800_000_000, end_user=True) is Outcome.PERMITTED
    assert outcome(lic, mau=800_000_000, end_user=False) is Outcome.NEEDS_LICENSE
    verdict = checker.evaluate(lic, checker.ServiceProfile.model_validate({"mau": 800_000_000}))
    assert any("exempts from this clause when end-user" in n for n in verdict.reasons[0].notes)
    assert "end-user" in [m.fact for m in verdict.missing_facts]


REGIONS = """
clause eu §4
  > Not for companies with their principal place of business in the European Union.
  when domicile in EU and not any market in {US}
  forbidden
"""


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ({"domicile": "DE", "markets": ["DE"]}, Outcome.FORBIDDEN),
        ({"domicile": "EU", "markets": ["DE"]}, Outcome.FORBIDDEN),  # a group domicile lies inside EU
        ({"domicile": "EEA", "markets": ["DE"]}, Outcome.UNDETERMINED),  # could be Norway
        ({"domicile": "NO", "markets": ["DE"]}, Outcome.PERMITTED),
        ({"domicile": "DE", "markets": ["WORLD"]}, Outcome.PERMITTED),  # WORLD includes the US
        ({"domicile": "US"}, Outcome.PERMITTED),  # false and unknown is false
        ({"domicile": "DE"}, Outcome.UNDETERMINED),  # true and unknown is unknown
    ],
)
def test_regions_and_three_valued_logic(profile: dict[str, Any], expected: Outcome) -> None:
    assert outcome(licence(REGIONS), **profile) is expected


def test_a_grant_with_a_condition_forbids_what_it_does_not_cover() -> None:
    lic = checker.parse_license(
        HEADER.format(level="primary")
        + "clause grant §1\n  > For non-commercial research only.\n  when not commercial\n  permits\n",
        "r.terms",
    )
    assert outcome(lic, commercial=False) is Outcome.PERMITTED
    assert outcome(lic, commercial=True) is Outcome.FORBIDDEN
    assert outcome(lic) is Outcome.UNDETERMINED


def test_spans_do_not_count_for_equality() -> None:
    text = HEADER.format(level="primary") + GRANT
    assert checker.parse_license(text, "a.terms") == checker.parse_license("\n\n" + text, "b.terms")


@pytest.mark.parametrize(
    ("written", "value"),
    [("700_000_000 users", 700_000_000), ("700M users", 700_000_000), ("1B users", 1_000_000_000),
     ("1.5B users", 1_500_000_000), ("10K users", 10_000), ("USD 1M", 1_000_000)],
)  # fmt: skip
def test_numbers_as_legal_text_writes_them(written: str, value: int) -> None:
    lic = licence(f"param cap = {written}\n  §9\n  > a threshold written in words\n")
    (parameter,) = lic.parameters
    assert parameter.value.value == value


@pytest.mark.parametrize(
    ("domicile", "expected"),
    [("CH", Outcome.FORBIDDEN), ("NO", Outcome.FORBIDDEN), ("DE", Outcome.PERMITTED), ("EU27", Outcome.PERMITTED)],
)
def test_efta_group(domicile: str, expected: Outcome) -> None:
    lic = licence("clause efta §5\n  > Not in the EFTA states.\n  when domicile in EFTA\n  forbidden\n")
    assert outcome(lic, domicile=domicile) is expected


TERMINATION = licence("""
clause litigation §5.c
  > any licenses granted to you under this Agreement shall terminate
  when sued-over-ip or sued-over-patents
  terminates

clause patents §3
  > any patent licenses granted to You under this License for that Work shall terminate
  when sued-over-patents
  terminates patent license from "each Contributor"
""")


@pytest.mark.parametrize(
    ("profile", "expected", "listed"),
    [
        ({"sued_over_ip": True}, Outcome.FORBIDDEN, ["patents"]),  # patents unknown: listed beside the ending
        ({"sued_over_patents": True}, Outcome.FORBIDDEN, []),  # a patent claim is an IP claim
        ({"sued_over_ip": True, "sued_over_patents": False}, Outcome.FORBIDDEN, []),
        ({"sued_over_ip": False}, Outcome.PERMITTED, ["litigation", "patents"]),  # patents still asked
        ({"sued_over_ip": False, "sued_over_patents": False}, Outcome.PERMITTED, []),
        ({}, Outcome.PERMITTED, ["litigation", "patents"]),  # unknown: listed, not undetermined
    ],
)
def test_terminates_refuses_when_it_holds_and_is_listed_when_unknown(
    profile: dict[str, Any], expected: Outcome, listed: list[str]
) -> None:
    verdict = checker.evaluate(TERMINATION, checker.ServiceProfile.model_validate(profile))
    assert verdict.outcome is expected
    assert [t.clause for t in verdict.terminations] == listed
    assert all(m.flag and m.flag.startswith("--sued-over-") for t in verdict.terminations for m in t.missing_facts)
    assert not verdict.missing_facts  # a termination's unknowns are its own, never "to decide"


def test_only_a_patent_licence_ending_needs_a_licence_from_the_patent_holders() -> None:
    lic = licence("""
clause patents §3
  > any patent licenses granted to You under this License for that Work shall terminate
  when sued-over-patents
  terminates patent license from "each Contributor"
""")
    verdict = checker.evaluate(lic, checker.ServiceProfile(sued_over_patents=True))
    assert verdict.outcome is Outcome.NEEDS_LICENSE
    assert verdict.reasons[0].explanation.startswith("the patent licence terminates (the copyright licence stays)")


def test_an_unverified_termination_never_refuses_as_if_settled() -> None:
    lic = licence("""
clause litigation §5.c
  > any licenses granted to you under this Agreement shall terminate
  when sued-over-ip
  terminates
  unverified "the clause was read in a summary only"
""")
    assert outcome(lic, sued_over_ip=True) is Outcome.UNDETERMINED


def test_share_alike_names_the_licences_it_accepts_and_checks_the_derivative_licence() -> None:
    lic = licence("""
clause share-alike §3
  > Adaptations must be licensed under this License or a later version.
  when fine-tunes and distributes
  must share alike under "Acme-1.0", "acme-2.0"
""")
    (duty,) = [c.effect for c in lic.clauses if c.id == "share-alike"]
    assert isinstance(duty, checker.terms.model.Obligation) and duty.accepted == ("acme-1.0", "acme-2.0")
    assert outcome(lic, fine_tunes=True, distributes=True, derivative_license="ACME-2.0") is Outcome.CONDITIONAL
    assert outcome(lic, fine_tunes=True, distributes=True, derivative_license="mit") is Outcome.FORBIDDEN
    assert outcome(lic, fine_tunes=True, distributes=None, derivative_license="mit") is Outcome.UNDETERMINED
    assert outcome(lic, fine_tunes=True, distributes=True) is Outcome.CONDITIONAL  # not given: listed, not guessed
    assert outcome(lic, fine_tunes=False, distributes=True, derivative_license="mit") is Outcome.PERMITTED


EVERY = licence("""
clause research-only §3 "Usage Limitation"
  > You shall only use the model for Research Purposes.
  when not every use in research
  forbidden
""")


@pytest.mark.parametrize(
    ("uses", "expected"),
    [
        (["research"], Outcome.PERMITTED),
        ([], Outcome.FORBIDDEN),  # no use case listed: a use the licence does not name, not research
        (["research", "chatbot"], Outcome.FORBIDDEN),  # research beside another use does not cover it
        (["chatbot"], Outcome.FORBIDDEN),
    ],
)
def test_every_use_in_holds_only_when_each_use_is_named(uses: list[str], expected: Outcome) -> None:
    assert outcome(EVERY, uses=uses) is expected


def test_every_use_in_with_uses_unknown_is_undetermined() -> None:
    verdict = checker.evaluate(EVERY, checker.ServiceProfile())
    assert verdict.outcome is Outcome.UNDETERMINED and [m.fact for m in verdict.missing_facts] == ["use"]


def test_every_use_in_reads_back_in_words_and_agrees_with_the_compiled_path() -> None:
    from checker.evaluation.compiled import compile_license  # noqa: PLC0415
    from checker.evaluation.wording import clause_meaning, condition_words  # noqa: PLC0415

    clause = next(c for c in EVERY.clauses if c.id == "research-only")
    assert clause.condition is not None
    assert "not every use in research" in clause_meaning(clause)
    assert "used only for research" in condition_words(clause.condition)

    compiled = compile_license(EVERY)
    for uses in (["research"], ["research", "chatbot"], None):
        profile = checker.ServiceProfile(uses=uses)
        assert compiled.outcome(profile) is checker.evaluate(EVERY, profile).outcome


def test_every_market_in_is_refused_with_the_fact_kind_named() -> None:
    body = "clause eu §3\n  > Only in the EU.\n  when not every market in EU\n  forbidden\n"
    with pytest.raises(checker.LicenseFileError) as caught:
        licence(body)
    assert "with 'every … in' (only 'use')" in caught.value.render()
