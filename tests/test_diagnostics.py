"""Licence-file diagnostics as golden text: file:line:col, the source line, a caret, help.

Each `golden/*.terms` is a broken licence file; `golden/*.txt` is exactly what modelterms prints for
it. Set MODELTERMS_UPDATE_GOLDEN=1 to rewrite the expected files, then review them as a diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import checker
from checker.cli.styling import console, styled

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


def test_a_file_with_seven_mistakes_of_every_kind_gets_seven_diagnostics_in_order() -> None:
    # Six syntax errors (each in its own clause) and an unknown use case after them.
    with pytest.raises(checker.LicenseFileError) as caught:
        checker.parse_license((GOLDEN / "many-mistakes.terms").read_text(encoding="utf-8"), "m.terms")
    found = [(d.code, d.span.line if d.span else 0) for d in caught.value.diagnostics]
    assert found == [("E106", 6), ("E105", 11), ("E107", 15), ("E107", 20), ("E104", 26), ("E103", 30), ("E112", 34)]
    assert caught.value.render().endswith("found 7 errors")


def test_a_mistake_after_a_broken_clause_is_not_blamed_on_the_skip() -> None:
    # The broken clause is skipped; the exemption naming it must not be reported as dangling.
    text = (GOLDEN / "single-quotes.terms").read_text(encoding="utf-8")
    text += "\nclause end-users §3\n  > End users are exempt.\n  when end-user\n  exempts built-with\n"
    with pytest.raises(checker.LicenseFileError) as caught:
        checker.parse_license(text, "s.terms")
    assert [d.code for d in caught.value.diagnostics] == ["E103"]


def test_colour_only_styles_the_rendered_text(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(checker.LicenseFileError) as caught:
        checker.parse_license((GOLDEN / "unknown-effect.terms").read_text(encoding="utf-8"), "u.terms")
    rendered = caught.value.render()
    text = styled(rendered)
    assert text.plain == rendered
    assert {str(span.style) for span in text.spans} >= {"bold red", "bold cyan"}
    monkeypatch.setenv("CI", "true")
    assert console(stderr=True).no_color
    monkeypatch.delenv("CI")
    monkeypatch.setenv("NO_COLOR", "1")
    assert console(stderr=True).no_color
