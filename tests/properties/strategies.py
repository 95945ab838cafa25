"""Hypothesis strategies for service profiles (shared by the property tests)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from checker import Modality, MonthlyActiveUsers, ServiceProfile, UseCase

REGIONS = ["US", "DE", "FR", "IE", "NO", "CH", "GB", "CN", "JP", "EU", "EEA"]
MONTHS = ["2023-06", "2024-03", "2024-06", "2024-08", "2024-11", "2025-03"]

users = st.integers(min_value=0, max_value=3_000_000_000)
maybe_bool = st.none() | st.booleans()


@st.composite
def mau(draw: st.DrawFn) -> MonthlyActiveUsers | None:
    if draw(st.booleans()):
        return None
    months = draw(st.dictionaries(st.sampled_from(MONTHS), users, max_size=3))
    return MonthlyActiveUsers(current=draw(st.none() | users), by_month=months)


@st.composite
def profiles(draw: st.DrawFn) -> ServiceProfile:
    return ServiceProfile(
        modality=draw(st.none() | st.sampled_from(list(Modality))),
        mau=draw(mau()),
        revenue=draw(st.none() | st.integers(min_value=0, max_value=10**10).map(Decimal)),
        domicile=draw(st.none() | st.sampled_from(REGIONS)),
        markets=draw(st.none() | st.lists(st.sampled_from(REGIONS), max_size=3).map(tuple)),
        uses=draw(st.none() | st.lists(st.sampled_from(list(UseCase)), max_size=4).map(tuple)),
        commercial=draw(maybe_bool),
        distributes=draw(maybe_bool),
        serves=draw(maybe_bool),
        fine_tunes=draw(maybe_bool),
        trains_on_outputs=draw(maybe_bool),
        end_user=draw(maybe_bool),
        derivative_name=draw(st.none() | st.sampled_from(["Llama-Acme", "Acme", "Gemma-Acme"])),
    )
