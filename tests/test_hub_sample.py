"""How much of the Hub the model index answers offline: a sample of popular repos with their cards' licences.

tests/data/hub_sample.yaml lists real, much-downloaded Hub repos and the licence each card gives. The
index alone (no Hub, no cache) must name that licence for at least FLOOR of them, and must never name
another one: an unknown model sends a user to the Hub, a wrong licence misleads them.

With MODELTERMS_HUB_SAMPLE=1 (or the URL of a Hub endpoint; network needed), one more test reads
every card from the Hub: it reports
the rows whose tag differs from the live card (to correct the sample) and measures the share the
index and the Hub together resolve (the issue's target: 0.97). It is skipped otherwise: tests do not
touch the network.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from checker.errors import UnknownLicenseError
from checker.lookup.bundled import bundled, bundled_index

SAMPLE = Path(__file__).parent / "data" / "hub_sample.yaml"
ROWS: list[dict[str, str]] = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))["repos"]
# The share measured when the sample was written (288 of 309). Raise it as the index grows; the
# issue's target is 0.85.
FLOOR = 0.93
CHECKED = {"card", "licence-section", "secondary", "no"}


def _licence_ids(name: str | None) -> set[str]:
    if not name:
        return set()
    try:
        return {chosen.license.id for chosen in bundled().resolve([name])}
    except UnknownLicenseError:
        return set()


def card_licences(row: dict[str, str]) -> set[str]:
    """The catalogue licences the card's tag stands for (none when the catalogue lacks it)."""
    named = row.get("license_name") if row["license"] == "other" else row["license"]
    return _licence_ids(named) or ({row["means"]} if "means" in row else set())


def index_licences(repo: str) -> set[str] | None:
    """The licences the index gives the repo (its base models' included), or None when it does not know it."""
    index = bundled_index()
    if index.find(repo) is None:
        return None
    return {found for item in index.licenses_of(repo) for found in _licence_ids(item.license_id)}


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_every_row_names_its_card_and_how_its_tag_was_checked(row: dict[str, str]) -> None:
    assert row["source"] == f"https://huggingface.co/{row['id']}"
    assert row["checked"] in CHECKED
    assert row["license"] and (row["license"] == "other" or "license_name" not in row)
    if "means" in row:  # once the catalogue knows the name, it must mean the same licence
        assert _licence_ids(row["means"])
        assert _licence_ids(row.get("license_name")) in (set(), _licence_ids(row["means"]))


def test_the_sample_has_no_repo_twice() -> None:
    ids = [r["id"].lower() for r in ROWS]
    assert len(ids) == len(set(ids))


def test_the_index_gives_the_cards_licence_for_most_of_the_sample_and_never_another() -> None:
    right, unknown, wrong = [], [], []
    for row in ROWS:
        found = index_licences(row["id"])
        if found is None:
            unknown.append(row["id"])
        elif card_licences(row) & found:
            right.append(row["id"])
        else:
            wrong.append((row["id"], row.get("license_name") or row["license"], sorted(found)))
    assert not wrong, f"the index names another licence than the card: {wrong}"
    share = len(right) / len(ROWS)
    assert share >= FLOOR, f"{len(right)} of {len(ROWS)} ({share:.1%}) < {FLOOR:.0%}; unknown offline: {unknown}"


@pytest.mark.skipif(not os.environ.get("MODELTERMS_HUB_SAMPLE"), reason="reads the Hub: set MODELTERMS_HUB_SAMPLE=1")
def test_online_the_sample_matches_the_cards_and_the_hub_resolves_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from checker.diagnostics import Diagnostic  # noqa: PLC0415
    from checker.lookup.hub import Hub, HubError  # noqa: PLC0415
    from checker.lookup.resolver import Resolver  # noqa: PLC0415

    asked = os.environ["MODELTERMS_HUB_SAMPLE"]
    monkeypatch.setenv(
        "HF_ENDPOINT", asked if asked.startswith("http") else "https://huggingface.co"
    )  # conftest closes it
    hub = Hub(cache_folder=tmp_path, refresh=True)
    resolver = Resolver(bundled(), bundled_index, hub=hub)
    differ, right, missed = [], [], []
    for row in ROWS:
        try:
            live = {name.lower() for name in hub.card(row["id"]).licenses}
        except HubError as error:
            differ.append((row["id"], error.diagnostics[0].message))
            continue
        given = {(row.get("license_name") if row["license"] == "other" else row["license"]) or "other"}
        if live != {g.lower() for g in given}:
            differ.append((row["id"], f"the sample says {sorted(given)}, the card {sorted(live)}"))
        found = resolver.model(row["id"])
        names = set() if isinstance(found, Diagnostic) else {f.license.id for f in found.licenses}
        (right if card_licences(row) & names else missed).append(row["id"])
    share = len(right) / len(ROWS)
    print(f"online: {len(right)} of {len(ROWS)} ({share:.1%}); rows to correct: {differ}; missed: {missed}")
    assert not differ, differ
    assert share >= 0.97, f"{share:.1%}: {missed}"
