"""Issue 14, items 6 and 8-13: each repro ends in exit 2 (or the right verdict), never exit 3.

Each test here started as the reproduction of one finding and failed before its fix.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli
from test_hostile import GRANT, HEADER, assert_clean_failure, write

# ---- 11: a licence file with no clauses ------------------------------------------------------


def test_a_licence_with_no_clauses_grants_nothing(tmp_path: Path) -> None:
    write(tmp_path / "acme.terms", HEADER)
    lint = run_cli("lint", str(tmp_path))
    assert lint.code == 1 and "error[E134]" in lint.out + lint.err, lint.out + lint.err
    check = run_cli("check", "-l", "acme-1.0", "--licenses-dir", str(tmp_path))
    assert_clean_failure(check, "error[E134]")


def test_scan_with_a_licence_with_no_clauses_is_a_diagnostic_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "licences"
    folder.mkdir()
    write(folder / "acme.terms", HEADER)
    rows = write(tmp_path / "rows.jsonl", json.dumps({"id": "m", "license": "acme-1.0"}) + "\n")
    run = run_cli("scan", str(rows), "-f", "jsonl", "--licenses-dir", str(folder), "--commercial")
    assert run.code == 2, run.out + run.err
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err


def test_a_companion_document_still_needs_no_grant(tmp_path: Path) -> None:
    write(tmp_path / "acme.terms", HEADER + GRANT)
    companion = 'license acme-aup "Acme AUP"\n  licensor "Acme"\n  source "https://example.com"\n'
    companion += '  verified primary "test"\n  applies-with acme-1.0\n'
    write(tmp_path / "aup.terms", companion)
    lint = run_cli("lint", str(tmp_path))
    assert "E134" not in lint.out + lint.err, lint.out + lint.err
