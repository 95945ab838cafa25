"""Hypothesis strategies for service profiles (shared by the property tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from checker import Modality, MonthlyActiveUsers, ServiceProfile, UseCase
from checker.terms import model
from checker.terms.vocabulary import Comparator, Fact, ObligationKind, Verification

REGIONS = ["US", "DE", "FR", "IE", "NO", "CH", "GB", "CN", "JP", "EU", "EEA"]
MONTHS = ["2023-06", "2024-03", "2024-06", "2024-08", "2024-11", "2025-03"]

users = st.integers(min_value=0, max_value=3_000_000_000)
maybe_bool = st.none() | st.booleans()


# Strategies are built once, here: a strategy built inside a draw is built and validated again at
# every draw, which was most of the property tests' time (≈ 80 % of the laws' run, under cProfile).
_MONTHLY = st.builds(
    MonthlyActiveUsers, current=st.none() | users, by_month=st.dictionaries(st.sampled_from(MONTHS), users, max_size=3)
)
_MAU = st.none() | _MONTHLY
_REGION_LIST = st.none() | st.lists(st.sampled_from(REGIONS), max_size=3).map(tuple)
_PROFILES = st.builds(
    ServiceProfile,
    modality=st.none() | st.sampled_from(list(Modality)),
    mau=_MAU,
    revenue=st.none() | st.integers(min_value=0, max_value=10**10).map(Decimal),
    domicile=st.none() | st.sampled_from(REGIONS),
    markets=_REGION_LIST,
    uses=st.none() | st.lists(st.sampled_from(list(UseCase)), max_size=4).map(tuple),
    commercial=maybe_bool,
    distributes=maybe_bool,
    serves=maybe_bool,
    fine_tunes=maybe_bool,
    trains_on_outputs=maybe_bool,
    end_user=maybe_bool,
    derivative_name=st.none() | st.sampled_from(["Llama-Acme", "Acme", "Gemma-Acme"]),
    derivative_license=st.none() | st.sampled_from(["mit", "gpl-3.0", "GPL-3.0", "cc-by-sa-4.0", "odbl"]),
    sued_over_patents=maybe_bool,
    sued_over_ip=maybe_bool,
)


def mau() -> st.SearchStrategy[MonthlyActiveUsers | None]:
    return _MAU


def profiles() -> st.SearchStrategy[ServiceProfile]:
    return _PROFILES


# ---- small licences, built as rule models (for the engine's differential tests) -------------


SMALL_FLAGS = [Fact.COMMERCIAL, Fact.SERVES, Fact.END_USER]
SMALL_USES = [UseCase.CHATBOT, UseCase.MILITARY, UseCase.WEAPONS, UseCase.RESEARCH]
SMALL_REGIONS = ["EU", "US", "DE", "EEA"]
SMALL_THRESHOLDS = [Decimal(0), Decimal(10), Decimal(100)]
SMALL_DATES = [dt.date(2024, 7, 23), dt.date(2024, 9, 25)]
SMALL_PREFIXES = ["Llama", "Llama 3"]


def _atoms() -> st.SearchStrategy[model.Condition]:
    flags = st.sampled_from(SMALL_FLAGS).map(lambda f: model.FlagIs(fact=f))
    anchors = st.none() | st.sampled_from(SMALL_DATES).map(lambda d: model.MonthBefore(date=d, from_release=False))
    compares = st.builds(
        lambda fact, anchor, comparator, value: model.Compare(
            fact=fact, anchor=anchor if fact is Fact.MAU else None, comparator=comparator,
            value=model.Quantity(value=value),
        ),
        st.sampled_from([Fact.MAU, Fact.REVENUE]), anchors, st.sampled_from(list(Comparator)),
        st.sampled_from(SMALL_THRESHOLDS),
    )  # fmt: skip
    regions = st.lists(st.sampled_from(SMALL_REGIONS), min_size=1, max_size=2, unique=True).map(tuple)
    domicile = regions.map(lambda r: model.InRegion(fact=Fact.DOMICILE, regions=r))
    markets = regions.map(lambda r: model.AnyMarketIn(regions=r))
    uses = st.lists(st.sampled_from(SMALL_USES), min_size=1, max_size=3, unique=True).map(
        lambda u: model.AnyUseIn(uses=tuple(u))
    )
    modality = st.sampled_from(list(Modality)).map(lambda m: model.IsModality(value=m))
    names = st.sampled_from(SMALL_PREFIXES).map(lambda p: model.StartsWith(fact=Fact.DERIVATIVE_NAME, prefix=p))
    return st.one_of(flags, compares, domicile, markets, uses, modality, names)


def small_conditions() -> st.SearchStrategy[model.Condition]:
    return st.recursive(
        _atoms(),
        lambda inner: st.one_of(
            inner.map(lambda c: model.NotCondition(item=c)),
            st.lists(inner, min_size=2, max_size=3).map(lambda cs: model.AllOf(items=tuple(cs))),
            st.lists(inner, min_size=2, max_size=3).map(lambda cs: model.AnyOf(items=tuple(cs))),
        ),
        max_leaves=4,
    )


@st.composite
def small_licences(draw: st.DrawFn, name: str = "small") -> model.License:
    """A licence of 1–5 clauses over a few facts (yes/no facts, a quantity or two cut at 0, 10 and
    100, MAU in a month, domicile and markets, four uses, modality, a name prefix), with every kind
    of effect, exemptions, unverified terms and every level of verification."""
    count = draw(st.integers(1, 5))
    ids = [f"c{i}" for i in range(count)]
    clauses = []
    for clause_id in ids:
        effect = draw(
            st.one_of(
                st.just(model.Permits()),
                st.just(model.Forbidden()),
                st.just(model.NeedsLicense(licensor="L")),
                st.just(model.Unclear(question="?")),
                st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True).map(
                    lambda t: model.Exempts(clauses=tuple(t))
                ),
                st.just(model.Obligation(duty=ObligationKind.DISPLAY, text="Built with L")),
                st.sampled_from(SMALL_PREFIXES).map(
                    lambda p: model.Obligation(duty=ObligationKind.NAME_PREFIX, text=p)
                ),
            )
        )
        clauses.append(
            model.Clause(
                id=clause_id,
                section="1",
                quote="q",
                condition=draw(st.none() | small_conditions()),
                effect=effect,
                unverified=("u",) if draw(st.integers(0, 5)) == 0 else (),
            )
        )
    verification = draw(st.sampled_from([Verification.PRIMARY] * 4 + [Verification.SECONDARY]))
    return model.License(
        id=name, name=name, licensor="L", sources=("https://example.org",), verification=verification,
        verification_note="n", clauses=tuple(clauses),
    )  # fmt: skip
