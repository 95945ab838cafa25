"""Terminal layout at 80 and 120 columns, as golden files (tests/golden/layout/). Set
MODELTERMS_UPDATE_GOLDEN=1 to rewrite them, then review them as a diff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import run_cli

LAYOUT = Path(__file__).parent / "golden" / "layout"
CASES = [(command, width) for command in ("list", "models", "compare") for width in (80, 120)]


@pytest.mark.parametrize(("command", "width"), CASES, ids=[f"{c}-{w}" for c, w in CASES])
def test_layout(command: str, width: int) -> None:
    run = run_cli(command, env={"COLUMNS": str(width)})
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert max(len(line) for line in lines) <= width
    assert "…" not in run.out  # no id, licence or name is cut to `llam…`
    golden = LAYOUT / f"{command}-{width}.txt"
    if os.environ.get("MODELTERMS_UPDATE_GOLDEN"):
        golden.write_text(run.out, encoding="utf-8")
    assert run.out == golden.read_text(encoding="utf-8")


def test_compare_of_many_licences_lists_each_with_its_terms_and_of_few_side_by_side() -> None:
    many = run_cli("compare", env={"COLUMNS": "80"}).out
    assert many.startswith("modelterms compare: ") and "\nllama-3.1 — Llama 3.1 Community License Agreement\n" in many
    few = run_cli("compare", "-l", "llama-3.1", "-l", "gemma", "-l", "apache-2.0", env={"COLUMNS": "120"}).out
    header = next(line for line in few.splitlines() if "llama-3.1" in line)
    assert "gemma" in header and "apache-2.0" in header  # licences as columns
