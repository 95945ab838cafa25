"""`modelterms lint`: each finding with its code, severity and place; exit codes 0, 1 and 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

HEADER = """license acme-1.0 "Acme Model License"
  licensor "Acme"
  source   "https://example.com/acme"
  verified primary "written for the tests"
"""
GRANT = """
clause grant §1
  > You may use the model.
  permits
"""


def lint_json(tmp_path: Path, body: str, *extra: str) -> tuple[int, list[dict[str, object]]]:
    (tmp_path / "acme.terms").write_text(HEADER + GRANT + body, encoding="utf-8")
    run = run_cli("lint", str(tmp_path), "--format", "json", *extra)
    assert "Traceback" not in run.err
    return run.code, json.loads(run.out)["findings"]


def codes(findings: list[dict[str, object]]) -> list[object]:
    return [f["code"] for f in findings]


def test_the_bundled_catalogue_lints_clean(cli: object) -> None:
    run = run_cli("lint", "licenses/", "--fail-on", "warning")
    assert run.code == 0, run.out
    assert "no findings" in run.out


def test_a_clean_file_has_no_findings(tmp_path: Path) -> None:
    assert lint_json(tmp_path, "") == (0, [])


PARAMS = """
param mau_cap = 700M users
  §2 "Caps"
  > 700 million monthly active users or more

param spare_cap = 5M users
  §3
  > five million
"""


def test_unused_parameter_inline_threshold_and_boundary_wording_are_warnings(tmp_path: Path) -> None:
    body = (
        PARAMS
        + """
clause big §2 "Caps"
  > If you have 700 million monthly active users or more, you need a licence.
  when mau > mau_cap
  needs license from "Acme"

clause rich §4
  > revenue greater than USD 1 million
  when revenue > USD 1M
  forbidden
"""
    )
    code, findings = lint_json(tmp_path, body)
    assert code == 0  # warnings only
    assert [(f["code"], f["severity"], f["line"]) for f in findings] == [
        ("L301", "warning", 14),
        ("L305", "warning", 20),
        ("L302", "warning", 25),
    ]
    assert findings[1]["message"] == "the quote says 'or more' (at least), but the condition compares with '>'"
    assert run_cli("lint", str(tmp_path), "--fail-on", "warning").code == 1


@pytest.mark.parametrize(
    ("comparator", "quote", "slip"),
    [
        (">", "greater than or equal to 1 million", True),
        (">=", "more than 1 million", True),
        (">", "exceeds 1 million", False),
        (">=", "at least 1 million", False),
        ("<", "less than 1 million", False),
        ("<=", "fewer than 1 million", True),
    ],
)
def test_boundary_wording_against_the_quote(tmp_path: Path, comparator: str, quote: str, slip: bool) -> None:
    body = f"""
param cap = 1M users
  §2
  > {quote}

clause big §2
  > {quote}
  when mau {comparator} cap
  forbidden
"""
    _, findings = lint_json(tmp_path, body)
    assert ("L305" in codes(findings)) is slip


def test_a_negated_comparison_is_read_the_other_way_round(tmp_path: Path) -> None:
    # "may use it if fewer than 1 million" formalised as a refusal when not (dau < cap): consistent.
    body = """
param cap = 1M users
  §2
  > fewer than 1 million daily active users

clause small §2
  > You may use it if you have fewer than 1 million daily active users.
  when not (dau < cap)
  needs license from "Acme"
"""
    assert lint_json(tmp_path, body) == (0, [])


@pytest.mark.parametrize(
    "condition",
    [
        "commercial and not commercial",
        "mau > 10M and mau < 1M",
        "domicile in EU and domicile in {US}",
        "any use in {weapons} and not any use in {weapons, military}",
        "modality is text and modality is multimodal",
    ],
)
def test_a_clause_that_can_never_apply_is_an_error(tmp_path: Path, condition: str) -> None:
    body = f"\nclause never §5\n  > words\n  when {condition}\n  forbidden\n"
    code, findings = lint_json(tmp_path, body)
    assert code == 1
    assert "L303" in codes(findings)
    (never,) = [f for f in findings if f["code"] == "L303"]
    assert never["severity"] == "error" and never["line"] == 12 and never["column"] == 8


@pytest.mark.parametrize(
    "condition",
    [
        "any market in EU and any market in {US} and not any market in {FR}",
        "domicile in EEA and not domicile in EU",
        "mau > 10M and mau <= 10_000_001",
        'derivative-name starts with "Llama" and not derivative-name starts with "Llama-3"',
    ],
)
def test_a_narrow_but_possible_condition_is_not_reported(tmp_path: Path, condition: str) -> None:
    body = f"\nclause rare §5\n  > words\n  when {condition}\n  forbidden\n"
    _, findings = lint_json(tmp_path, body)
    assert "L303" not in codes(findings)


def test_a_refusal_that_covers_the_whole_grant_contradicts_it(tmp_path: Path) -> None:
    body = "\nclause all-refused §2\n  > Nobody may use it.\n  when commercial or not commercial\n  forbidden\n"
    code, findings = lint_json(tmp_path, body)
    assert code == 1
    assert codes(findings) == ["L304"]
    assert findings[0]["message"] == (
        "clause 'all-refused' refuses everything that clause 'grant' permits, so the grant never takes effect"
    )


def test_an_exempted_refusal_is_no_contradiction(tmp_path: Path) -> None:
    body = """
clause all-refused §2
  > Nobody may use it, except end users.
  forbidden

clause end-users §3
  > End users are exempt.
  when end-user
  exempts all-refused
"""
    assert lint_json(tmp_path, body) == (0, [])


def test_a_name_that_clashes_with_the_catalogue(tmp_path: Path) -> None:
    (tmp_path / "acme.terms").write_text(HEADER.replace("\n  licensor", "\n  alias llama3.1\n  licensor") + GRANT)
    run = run_cli("lint", str(tmp_path))
    assert run.code == 1
    assert "error[L308]: 'llama3.1' is already a name of licence 'llama-3.1'" in run.out


def test_a_source_that_is_not_a_web_address(tmp_path: Path) -> None:
    (tmp_path / "acme.terms").write_text(HEADER.replace('"https://example.com/acme"', '"the website"') + GRANT)
    run = run_cli("lint", str(tmp_path), "--format", "json")
    assert codes(json.loads(run.out)["findings"]) == ["L309"]


def test_recorded_quote_hashes_catch_a_changed_quote(tmp_path: Path) -> None:
    (tmp_path / "acme.terms").write_text(HEADER + GRANT, encoding="utf-8")
    assert run_cli("lint", "--record-hashes", str(tmp_path)).code == 0
    assert "acme-1.0 grant" in (tmp_path / "quotes.sha256").read_text(encoding="utf-8")
    assert run_cli("lint", str(tmp_path)).code == 0
    changed = GRANT.replace("You may use the model.", "You may use the model for research.")
    (tmp_path / "acme.terms").write_text(
        HEADER + changed + "\nclause new §9\n  > More.\n  when commercial\n  forbidden\n"
    )
    run = run_cli("lint", str(tmp_path))
    assert run.code == 1
    assert "error[L306]: the quote of clause 'grant' no longer matches the hash recorded in quotes.sha256" in run.out
    assert "warning[L307]: clause 'new' has no quote hash in quotes.sha256" in run.out
    assert run_cli("lint", "--record-hashes", str(tmp_path)).code == 0
    assert run_cli("lint", str(tmp_path), "--fail-on", "warning").code == 0


def test_the_bundled_quote_hashes_are_up_to_date() -> None:
    run = run_cli("lint", "licenses/", "--format", "json")
    assert not [f for f in json.loads(run.out)["findings"] if f["code"] in ("L306", "L307")]
    assert (ROOT / "licenses" / "quotes.sha256").is_file()


def test_syntax_and_model_errors_are_lint_errors_with_every_mistake(tmp_path: Path) -> None:
    body = "\nclause a §2\n  > x\n  when comercial\n  forbidden\n\nclause b §3\n  > y\n  prohibited\n"
    code, findings = lint_json(tmp_path, body)
    assert code == 1
    assert codes(findings) == ["E110", "E104"]


def test_unreadable_input_is_exit_2(tmp_path: Path) -> None:
    run = run_cli("lint", str(tmp_path / "missing.terms"))
    assert run.code == 2
    assert "cannot read" in run.out and "no such file or folder" in run.out
    (tmp_path / "bad.terms").write_bytes(b"\xff\xfe\x00l")
    assert run_cli("lint", str(tmp_path)).code == 2


def test_lint_text_output_is_the_rendered_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "acme.terms").write_text(HEADER + GRANT + PARAMS, encoding="utf-8")
    run = run_cli("lint", str(tmp_path / "acme.terms"))
    assert run.out.endswith("found 2 warnings\n")
    assert f"{tmp_path / 'acme.terms'}:10:1: warning[L301]: parameter 'mau_cap' is defined but never used" in run.out


def test_a_bundled_licence_linted_from_elsewhere_is_not_its_own_clash(tmp_path: Path) -> None:
    # A licence file with a bundled licence's id is that licence (the checkout's licences/ linted from
    # an installed wheel, whose bundled twins live in site-packages) or an edit of it: it is compared
    # with the other licences only.
    text = (ROOT / "licenses" / "mit.terms").read_text(encoding="utf-8")
    (tmp_path / "mit.terms").write_text(text, encoding="utf-8")
    assert run_cli("lint", str(tmp_path)).code == 0
    (tmp_path / "mit.terms").write_text(text.replace('"MIT License"', '"MIT Licence, edited"', 1), encoding="utf-8")
    assert run_cli("lint", str(tmp_path)).code == 0
    assert run_cli("lint", str(ROOT / "licenses" / "mit.terms"), cwd=tmp_path).code == 0  # the file itself
    # A licence of another id that answers to the bundled one's names does clash.
    (tmp_path / "mit.terms").write_text(text.replace("license mit ", "license mit-copy ", 1), encoding="utf-8")
    run = run_cli("lint", str(tmp_path))
    assert run.code == 1
    assert "error[L308]: 'mit' is already a name of licence 'mit' (licenses/mit.terms:" in run.out


def test_an_internal_reference_is_reported_where_it_stands(tmp_path: Path) -> None:
    body = "\n# Read in notes/others-quotes.md and find_string id 8561238014.\n"
    code, findings = lint_json(tmp_path, body)
    assert code == 1
    assert codes(findings) == ["L310", "L310", "L310"]  # the note, the tool, the look-up id
    assert findings[0]["message"] == "'notes/others-quotes.md' is an internal reference, not a public source"
    assert [(f["line"], f["column"]) for f in findings] == [(10, 11), (10, 38), (10, 50)]


def test_the_index_and_the_readme_cite_only_public_sources() -> None:
    from checker.analysis.references import internal_references  # noqa: PLC0415

    for name in ("licenses/models.yaml", "README.md", "ARCHITECTURE.md", "grammar/README.md"):
        found = internal_references((ROOT / name).read_text(encoding="utf-8"), name)
        assert not found, [(d.span, d.message) for d in found if d.span]


# Beyond what enumerating one condition's cases could search: users in two months, seven uses at once.
MONTHS = "mau in month before 2024-07-23 > 10M users and mau in month before 2024-09-25 < 5M users"
USES = [
    "chatbot",
    "research",
    "surveillance",
    "automated-decisions",
    "medical-advice",
    "legal-advice",
    "financial-advice",
]
SEVEN = " and ".join(f"any use in {{{u}}}" for u in USES)


@pytest.mark.parametrize(
    "condition",
    [f"{MONTHS} and mau in month before 2024-09-25 > 6M users", f"{SEVEN} and not any use in {{research}}"],
    ids=["months", "seven-uses"],
)
def test_a_clause_that_can_never_apply_is_proved_so_across_months_and_many_uses(tmp_path: Path, condition: str) -> None:
    body = f"\nclause never §5\n  > words\n  when {condition}\n  forbidden\n"
    code, findings = lint_json(tmp_path, body)
    assert code == 1 and "L303" in codes(findings)
    run = run_cli("lint", str(tmp_path), "--format", "json", env={"MODELTERMS_ENGINE": "enumeration"})
    data = json.loads(run.out)
    assert data["engine"]["exact"] is False  # the fallback says what it is; it does not search across months
    assert ("L303" in codes(data["findings"])) is (condition.startswith("any use"))


@pytest.mark.parametrize("condition", [MONTHS, SEVEN], ids=["months", "seven-uses"])
def test_a_possible_condition_across_months_and_many_uses_is_not_reported(tmp_path: Path, condition: str) -> None:
    body = f"\nclause rare §5\n  > words\n  when {condition}\n  forbidden\n"
    _, findings = lint_json(tmp_path, body)
    assert "L303" not in codes(findings) and "L304" not in codes(findings)


def test_a_contradiction_is_refuted_by_a_service_the_refusal_misses(tmp_path: Path) -> None:
    """A refusal that covers every service but those with seven uses at once does not contradict the grant."""
    body = f"\nclause most-refused §2\n  > Nearly nobody may use it.\n  when not ({SEVEN})\n  forbidden\n"
    _, findings = lint_json(tmp_path, body)
    assert "L304" not in codes(findings)
    run = run_cli("lint", str(tmp_path))
    assert "decided by: solver (z3" in run.out
