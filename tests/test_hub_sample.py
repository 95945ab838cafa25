"""How much of the Hub the model index answers offline: a sample of popular repos with their cards' licences.

tests/data/hub_sample.yaml lists real, much-downloaded Hub repos and the licence each card gives. The
index alone (no Hub, no cache) must name that licence for at least FLOOR of them, and must never name
another one: an unknown model sends a user to the Hub, a wrong licence misleads them.
"""

from __future__ import annotations

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
    if "means" in row:
        assert not _licence_ids(row.get("license_name")), "`means` is only for a name the catalogue lacks"
        assert _licence_ids(row["means"])


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
