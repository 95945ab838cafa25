"""The blind scenario table (tests/blind/table.yaml): rows written from the licensors' texts.

Each row lays its facts over the table's `base` profile, runs the licence through the library
(`checker.evaluate`), and checks the outcome the text gives; where the text leaves a point open the
row names the question id the tool must ask, and where obligations are reported done it names the
ones that must stay open. The format is documented at the top of the table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import run_cli

import checker

TABLE_PATH = Path(__file__).parent / "blind" / "table.yaml"
TABLE: dict[str, Any] = yaml.safe_load(TABLE_PATH.read_text(encoding="utf-8"))
ROWS: list[dict[str, Any]] = TABLE["rows"]
CATALOGUE = checker.catalogue()
OUTCOMES = {"permitted", "conditional", "forbidden", "needs-license", "undetermined"}


def _profile(row: dict[str, Any]) -> checker.ServiceProfile:
    facts = dict(TABLE["base"])
    for key, value in (row.get("profile") or {}).items():
        if value is None:
            facts.pop(key, None)  # null: the fact is unknown
        else:
            facts[key] = value
    return checker.ServiceProfile.model_validate(facts)


def disagreement(row: dict[str, Any]) -> str | None:
    """Why the tool disagrees with the row, or None when it agrees."""
    verdict = checker.evaluate(CATALOGUE.get(row["license"]), _profile(row))
    expected = row["expect"] if isinstance(row["expect"], list) else [row["expect"]]
    if verdict.outcome.value not in expected:
        deciding = [(r.clause, r.outcome.value, r.question_id) for r in verdict.reasons]
        return f"outcome {verdict.outcome.value}, expected {'/'.join(expected)}; deciding {deciding}"
    if "question" in row:
        asked = sorted(r.question_id for r in verdict.reasons if r.question_id)
        if row["question"] not in asked:
            return f"question {row['question']} not asked; asked {asked}"
    if "open" in row:
        still_open = sorted(o.obligation_id for o in verdict.obligations if o.applies and not o.done)
        if still_open != sorted(row["open"]):
            return f"open obligations {still_open}, expected {sorted(row['open'])}"
    return None


def test_table_is_well_formed() -> None:
    ids = [row["id"] for row in ROWS]
    assert len(ids) == len(set(ids)), "row ids repeat"
    known = {lic.id for lic in CATALOGUE.licenses}
    for row in ROWS:
        assert row["license"] in known, row["id"]
        expected = row["expect"] if isinstance(row["expect"], list) else [row["expect"]]
        assert set(expected) <= OUTCOMES, row["id"]
        assert row.get("why"), row["id"]
    assert len(TABLE["not_expressible"]) <= 5
    assert all(item.get("missing") for item in TABLE["not_expressible"])


@pytest.mark.parametrize("row", ROWS, ids=[row["id"] for row in ROWS])
def test_blind_row(row: dict[str, Any]) -> None:
    problem = disagreement(row)
    assert problem is None, f"{row['id']} ({row['license']}): {problem} — row: {row['why']}"


CLI_ROWS = [row for row in ROWS if "answers" in (row.get("profile") or {}) or "done" in (row.get("profile") or {})]


@pytest.mark.parametrize("row", CLI_ROWS, ids=[row["id"] for row in CLI_ROWS])
def test_answer_and_done_rows_through_the_command_line(row: dict[str, Any], tmp_path: Path) -> None:
    """The rows that answer questions or report obligations done give the same result through
    `modelterms check --profile … --format json` as through the library."""
    profile = _profile(row).model_dump(mode="json", exclude_none=True)
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(profile), encoding="utf-8")
    run = run_cli("check", "--license", row["license"], "--profile", str(path), "--format", "json")
    assert run.code in (0, 1), run.err
    result = json.loads(run.out)["results"][0]
    expected = row["expect"] if isinstance(row["expect"], list) else [row["expect"]]
    assert result["outcome"] in expected, (row["id"], result["outcome"])
    if "open" in row:
        assert sorted(result["open_obligations"]) == sorted(row["open"]), row["id"]


def test_a_wrong_row_is_caught() -> None:
    row = {"id": "x", "license": "llama-3.1", "profile": {"mau": 800_000_000}, "expect": "conditional", "why": "x"}
    assert disagreement(row) is not None
