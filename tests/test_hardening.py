"""Issue 14, items 6 and 8-13: each repro ends in exit 2 (or the right verdict), never exit 3.

Each test here started as the reproduction of one finding and failed before its fix.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
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


# ---- 6: smaller ones ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("target", ["missing/out.txt", "."])
def test_compare_output_to_a_missing_folder_or_a_directory(tmp_path: Path, fmt: str, target: str) -> None:
    run = run_cli("compare", "-l", "mit", "-l", "apache-2.0", "-f", fmt, "-o", str(tmp_path / target))
    assert_clean_failure(run, "error[E230]", "--output: cannot write")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mau: " + "9" * 400, "more than 24 digits"),
        ("mau: 1e24", "'1e24' is not a whole number"),
        ("mau: 700000000.00000001", "'700000000.00000001' is not a whole number"),
        ("mau: {2024-06: 700000000.5}", "is not a whole number"),
        ("dau: 1e24", "not a whole number"),
        ("revenue: " + "9" * 30, "more than 24 digits"),
        ("fine_tunes: true\nfine-tunes: false", "error[E202]: key 'fine-tunes' is given twice"),
        ("commercial: yes", "commercial: 'yes' is not a boolean"),
        ("commercial: on", "'on' is not a boolean"),
        ("commercial: 1", "1 is not a boolean"),
        ("commercial: 'no'", "'no' is not a boolean"),
        ("", "error[E204]: the profile file is empty"),
        ("# only a comment\n", "error[E204]"),
    ],
)
def test_profile_figures_booleans_and_keys_are_read_strictly(tmp_path: Path, text: str, expected: str) -> None:
    profile = write(tmp_path / "p.yaml", text + "\n")
    run = run_cli("check", "-l", "llama-3.1", "--profile", str(profile))
    assert_clean_failure(run, expected, "p.yaml:")


def test_a_policy_profile_is_read_as_strictly(tmp_path: Path) -> None:
    text = "version: 1\nprofile:\n  commercial: yes\n  mau: 1e24\nmodels:\n  - license: mit\n"
    run = run_cli("policy", "--policy", str(write(tmp_path / "modelterms.yaml", text)))
    assert_clean_failure(run, "profile.commercial: 'yes' is not a boolean", "'1e24' is not a whole number")


@pytest.mark.parametrize("figure", ["2M", "2_000_000", "2000000.0"])
def test_a_profile_figure_may_be_written_as_on_the_command_line(tmp_path: Path, figure: str) -> None:
    profile = write(tmp_path / "p.yaml", f"mau: {figure}\nrevenue: USD 2.5M\ncommercial: true\n")
    from_file = run_cli("check", "-l", "llama-3.1", "--profile", str(profile), "-f", "json")
    from_flags = run_cli("check", "-l", "llama-3.1", "--mau", "2M", "--revenue", "2.5M", "--commercial", "-f", "json")
    assert from_file.code == from_flags.code, from_file.err
    assert json.loads(from_file.out)["results"] == json.loads(from_flags.out)["results"]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--commercial", "--non-commercial"], "--commercial and --non-commercial contradict each other"),
        (["--no-serve", "--serve"], "--serve and --no-serve contradict each other"),
        (["--mau", "2024-06=5", "--mau", "2024-06=6"], "--mau: 2024-06 is given twice"),
    ],
)
def test_contradicting_flags_are_refused(flags: list[str], expected: str) -> None:
    assert_clean_failure(run_cli("check", "-l", "mit", *flags), "error[E230]", expected)


def test_a_flag_given_twice_the_same_way_is_fine() -> None:
    assert run_cli("check", "-l", "mit", "--commercial", "--commercial").code == 0


# ---- 13: outputs ----------------------------------------------------------------------------


def test_junit_stays_well_formed_when_a_name_holds_control_characters(tmp_path: Path) -> None:
    text = "version: 1\nfail-on: [conditional]\nmodels:\n  - license: mit\n"
    text += '    name: "bell\\x07 escape\\x1b[31m nul\\x00 end"\n'
    policy = write(tmp_path / "modelterms.yaml", text)
    run = run_cli("policy", "--policy", str(policy), "--format", "junit")
    assert run.code == 1, run.err
    root = ET.fromstring(run.out)  # raises on ill-formed XML
    names = [case.get("classname") for case in root.iter("testcase")]
    assert "bell\\x07 escape\\x1b[31m nul\\x00 end" in names


LICENCE_WITH_HTML = (
    'license acme-1.0 "Acme <b>bold</b>"\n  licensor "Acme"\n  source "https://example.com"\n'
    '  verified primary "test"\n'
    "clause grant §1\n  > You may use it.\n  permits\n"
    'clause notice §2 "Notices <script>x()</script>"\n  > Keep <img src=x onerror=alert(1)> in copies.\n'
    '  must display "<b>Built</b>"\n'
)


def test_markdown_shows_html_in_names_and_quotes_as_text(tmp_path: Path) -> None:
    (tmp_path / "licenses").mkdir()
    write(tmp_path / "licenses" / "acme.terms", LICENCE_WITH_HTML)
    text = (
        "version: 1\nlicenses: [licenses]\nfail-on: [conditional]\nmodels:\n"
        "  - license: acme-1.0\n    name: '<img src=x onerror=alert(2)> `tick` | pipe'\n"
    )
    policy = write(tmp_path / "modelterms.yaml", text)
    run = run_cli("policy", "--policy", str(policy), "--format", "markdown")
    assert run.code == 1, run.out + run.err
    for raw in ("<img", "<script", "<b>"):
        assert raw not in run.out, run.out
    assert "&lt;img src=x onerror=alert(2)&gt;" in run.out
    assert "\\| pipe" in run.out


# ---- 8: the policy file itself --------------------------------------------------------------


def test_a_policy_file_symlinked_to_outside_the_repository_is_not_read(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    secret = write(tmp_path / "credentials", "https://user:hunter2@example.com\n")
    (repo / "modelterms.yaml").symlink_to(secret)
    run = run_cli("policy", "--policy", str(repo / "modelterms.yaml"))
    assert_clean_failure(run, "symlink that leads outside its folder")
    assert "hunter2" not in run.out + run.err
    default = run_cli("policy", cwd=repo)
    assert_clean_failure(default, "symlink that leads outside its folder")
    assert "hunter2" not in default.out + default.err


def test_a_policy_file_symlinked_within_the_repository_is_read(tmp_path: Path) -> None:
    (tmp_path / "ci").mkdir()
    write(tmp_path / "ci" / "policy.yaml", "version: 1\nprofile: {commercial: true}\nmodels:\n  - license: mit\n")
    (tmp_path / "modelterms.yaml").symlink_to(tmp_path / "ci" / "policy.yaml")
    assert run_cli("policy", "--policy", str(tmp_path / "modelterms.yaml")).code == 0


def test_a_model_card_path_too_long_for_the_file_system(tmp_path: Path) -> None:
    # Found by benchmarks/fuzz.py: `is_file()` raised ENAMETOOLONG on Python 3.11 (exit 3).
    text = "version: 1\nprofile: {commercial: true}\nmodels:\n  - card: " + "a" * 300 + "/README.md\n"
    run = run_cli("policy", "--policy", str(write(tmp_path / "modelterms.yaml", text)))
    assert_clean_failure(run, "models[0].card", "no model card at")


LONG = "x" * 300  # longer than a file name may be (255 bytes on ext4, tmpfs, APFS, NTFS)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["lint", LONG], "cannot read"),
        (["lint", f"licenses/{LONG}"], "cannot read"),
        (["fmt", "--check", LONG], "cannot read"),
        (["scan", LONG], "scan: no file or folder"),
        (["discover", LONG], "discover: no file or folder"),
        (["policy", "--policy", LONG], "cannot read"),
        (["check", "-l", "mit", "--licenses-dir", LONG], "cannot read"),
    ],
)
def test_a_path_argument_too_long_for_the_file_system(args: list[str], expected: str) -> None:
    # Found by benchmarks/fuzz.py (tests/fuzz_corpus/cli/crash-long-path.txt): `exists()`, `is_dir()`
    # and `is_symlink()` raise ENAMETOOLONG on Python 3.11-3.13, and each of these ended in exit 3.
    assert_clean_failure(run_cli(*args), expected)


def test_a_licence_file_named_twice_is_linted_and_checked_once() -> None:
    # Found by benchmarks/fuzz.py: `lint licenses licenses/ licenses` did the work three times (3.4 s
    # of CPU, a "hang"), and a file named twice clashed with its own names (L308, exit 1).
    run = run_cli("lint", "licenses/mit.terms", "./licenses/mit.terms")
    assert run.code == 0 and "1 licence file: no findings" in run.out, run.out + run.err
    run = run_cli("fmt", "--check", "licenses/mit.terms", "licenses", "licenses/")
    files = len(list((ROOT / "licenses").glob("*.terms")))
    assert run.code == 0 and f"{files} licence files already formatted" in run.err, run.out + run.err


# ---- 10: scan ---------------------------------------------------------------------------------


def test_scan_builds_no_did_you_mean_for_unknown_names_it_only_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 14: each distinct unknown name cost ~1 ms of suggestions that were thrown away (10,000: 9 s).
    import io  # noqa: PLC0415

    from checker.ci.scan import Output, Scanner, scan_jsonl  # noqa: PLC0415
    from checker.evaluation.profile import ServiceProfile  # noqa: PLC0415
    from checker.lookup.bundled import bundled, bundled_index  # noqa: PLC0415
    from checker.lookup.catalogue import Catalogue  # noqa: PLC0415

    def no_suggestions(*_: object, **__: object) -> None:
        raise AssertionError("a did-you-mean was built for a name scan only counts")

    monkeypatch.setattr(Catalogue, "unknown", no_suggestions)
    rows = "".join(json.dumps({"id": f"m{i}", "license": f"zz-unknown-{i}"}) + "\n" for i in range(50))
    rows += json.dumps({"id": "known", "license": "mit"}) + "\n"
    scanner = Scanner(ServiceProfile(commercial=True), bundled(), bundled_index)
    out = io.StringIO()
    scan_jsonl(io.BytesIO(rows.encode()), "rows.jsonl", scanner, out, output=Output.JSONL)
    assert len(scanner.summary.unknown_licenses) == 50
    assert out.getvalue().count('"model"') == 51


def test_a_deeply_nested_json_row_is_a_bad_row(tmp_path: Path) -> None:
    rows = json.dumps({"id": "a", "license": "mit"}) + "\n"
    rows += '{"id": "b", "license": ' + "[" * 5000 + "]" * 5000 + "}\n"
    rows += json.dumps({"id": "c", "license": "mit"}) + "\n"
    run = run_cli("scan", str(write(tmp_path / "rows.jsonl", rows)), "-f", "jsonl", "--commercial")
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    assert "rows.jsonl:2:" in run.err and run.out.count('"model"') == 2, run.out + run.err


def test_a_bad_csv_field_costs_its_row_only(tmp_path: Path) -> None:
    rows = "id,license\na,mit\nb," + "x" * 200_000 + "\nc,mit\nd,apache-2.0\n"
    run = run_cli("scan", str(write(tmp_path / "rows.csv", rows)), "-f", "jsonl", "--commercial")
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    assert "not CSV" in run.err, run.err
    models = [json.loads(line)["model"] for line in run.out.splitlines() if line.startswith('{"model"')]
    assert models == ["a", "c", "d"], run.out


def test_a_jsonl_row_without_end_is_read_in_bounded_pieces(tmp_path: Path) -> None:
    from checker.ci.scan import MAX_ROW_BYTES  # noqa: PLC0415

    rows = json.dumps({"id": "a", "license": "mit"}) + "\n"
    rows += '{"id": "b", "license": "' + "x" * (3 * MAX_ROW_BYTES) + '"}\n'
    rows += json.dumps({"id": "c", "license": "mit"})  # the last row has no newline
    run = run_cli("scan", str(write(tmp_path / "rows.jsonl", rows)), "-f", "jsonl", "--commercial")
    assert f"rows.jsonl:2:1: error[E240]: the row is longer than {MAX_ROW_BYTES:,} bytes" in run.err, run.err
    assert [json.loads(line)["model"] for line in run.out.splitlines() if '"model"' in line] == ["a", "c"]


# ---- 9: model cards ---------------------------------------------------------------------------


def card_policy(tmp_path: Path, front_matter: str) -> Path:
    (tmp_path / "models").mkdir()
    write(tmp_path / "models" / "README.md", "---\n" + front_matter + "---\n" + "prose\n" * 10)
    text = "version: 1\nprofile: {commercial: true}\nmodels:\n  - card: models/README.md\n"
    return write(tmp_path / "modelterms.yaml", text)


def test_a_2_mb_card_front_matter_is_refused(tmp_path: Path) -> None:
    policy = card_policy(tmp_path, "license: mit\n" + "".join(f"k{i}: {'x' * 100}\n" for i in range(20_000)))
    assert_clean_failure(run_cli("policy", "--policy", str(policy)), "error[E201]", "front matter is larger")


def test_a_card_nested_600_levels_is_refused(tmp_path: Path) -> None:
    policy = card_policy(tmp_path, "license: mit\nx: " + "[" * 600 + "]" * 600 + "\n")
    assert_clean_failure(run_cli("policy", "--policy", str(policy)), "E203")


def test_a_card_with_a_small_front_matter_is_read(tmp_path: Path) -> None:
    policy = card_policy(tmp_path, "license: mit\n")
    run = run_cli("policy", "--policy", str(policy))
    assert run.code == 0, run.out + run.err
