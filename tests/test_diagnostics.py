"""Licence-file diagnostics as golden text: file:line:col, the source line, a caret, help.

Each `golden/*.terms` is a broken licence file; `golden/*.txt` is exactly what modelterms prints for
it. Set MODELTERMS_UPDATE_GOLDEN=1 to rewrite the expected files, then review them as a diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import checker

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(GOLDEN.glob("*.terms"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden_diagnostics(case: Path) -> None:
    with pytest.raises(checker.LicenseFileError) as caught:
        checker.parse_license(case.read_text(encoding="utf-8"), f"golden/{case.name}")
    rendered = caught.value.render() + "\n"
    expected_file = case.with_suffix(".txt")
    if os.environ.get("MODELTERMS_UPDATE_GOLDEN"):
        expected_file.write_text(rendered, encoding="utf-8")
    assert rendered == expected_file.read_text(encoding="utf-8")


def test_errors_are_collected_not_stopped_at_the_first() -> None:
    with pytest.raises(checker.LicenseFileError) as caught:
        checker.parse_license((GOLDEN / "unknown-names.terms").read_text(encoding="utf-8"), "x.terms")
    assert len(caught.value.diagnostics) >= 4
    assert caught.value.render().endswith(f"found {len(caught.value.diagnostics)} errors")


def test_end_of_file_error_points_at_the_end() -> None:
    text = 'license x "X"\n  licensor "L"\n  source "s"\n  verified primary "v"\nclause grant §1\n  > quote\n'
    with pytest.raises(checker.LicenseFileError) as caught:
        checker.parse_license(text, "eof.terms")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "E102"
    assert diagnostic.span is not None and (diagnostic.span.line, diagnostic.span.column) == (6, 10)
    assert "6 |   > quote\n  |          ^" in caught.value.render()


def test_syntax_errors_never_name_grammar_tokens() -> None:
    text = 'license x "X"\n  licensor "L"\nclause grant §1\n  > q\n  when (commercial\n  permits\n'
    with pytest.raises(checker.LicenseFileError) as caught:
        checker.parse_license(text, "t.terms")
    rendered = caught.value.render()
    assert "RPAR" not in rendered and "__ANON" not in rendered
    assert "')'" in rendered
