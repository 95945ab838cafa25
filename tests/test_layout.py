"""Terminal layout at 80 and 120 columns, as golden files (tests/golden/layout/). Set
MODELTERMS_UPDATE_GOLDEN=1 to rewrite them, then review them as a diff."""

from __future__ import annotations

import itertools
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


PROSE = [
    ("show", "llama-3.1"),
    ("explain", "-l", "llama-3.1", "--mau", "800000000"),
    ("diff", "llama-3", "llama-3.1"),
    ("check", "-l", "llama-3.1", "--mau", "800000000"),
    ("check", "-l", "llama-3.1", "--details"),
    ("check", "-m", "meta-llama/Llama-3.1-8B", "-m", "google/gemma-2-9b"),
]


@pytest.mark.parametrize("args", PROSE, ids=[" ".join(a[:2]) + ("…" if len(a) > 2 else "") for a in PROSE])
@pytest.mark.parametrize("width", [80, 120])
def test_wrapped_prose_keeps_its_indent_and_its_words(args: tuple[str, ...], width: int) -> None:
    run = run_cli(*args, env={"COLUMNS": str(width)})
    assert run.code in (0, 1), run.err
    tables = ("┃", "│", "┏", "┡", "└", "modelterms check ")  # rich's tables pad their cells: not prose
    prose = [line for line in run.out.splitlines() if not line.startswith(tables) and "│" not in line]
    assert prose and all(line == line.rstrip() for line in prose), "trailing spaces"
    for line in prose:  # wider than the terminal only as one whole word (a URL) that cannot be broken
        assert len(line) <= width or len(line.split()) <= 2, line
    if args[0] == "show":  # the licence's note is longer than a line at both widths
        import json  # noqa: PLC0415

        note = json.loads(run_cli("show", "llama-3.1", "--format", "json").out)["license"]["notes"][0]
        lines = run.out.splitlines()
        first = next(n for n, line in enumerate(lines) if line.startswith("  note: "))
        rest = list(itertools.takewhile(lambda line: line.startswith("    "), lines[first + 1 :]))
        assert rest, "the note wraps under its own indent"
        assert " ".join(line.strip() for line in [lines[first], *rest]) == f"note: {note}"


def test_a_long_url_is_never_cut_inside() -> None:
    out = run_cli("show", "llama-3.1", env={"COLUMNS": "80"}).out
    url = "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/USE_POLICY.md"
    assert f"    {url}\n" in out  # on a line of its own, under its key, whole
