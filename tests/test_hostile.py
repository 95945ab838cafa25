"""Hostile input: each gets a clear diagnostic (exit 2), never a traceback, a hang or unbounded memory.

What is tested is the behaviour — the error and where it points — not timings. Memory is bounded
where it matters by construction (a licence file is read at most `MAX_FILE_BYTES` + 1 bytes, a YAML
document at most `MAX_NODES` values and `MAX_DEPTH` levels, counted while it is read) and checked
with tracemalloc for the 50 MB file and the 990 KB YAML sequence.
"""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest
from conftest import run_cli

import checker
from checker.inputs.yamlfile import MAX_DEPTH, MAX_NODES, MAX_PROFILE_BYTES, load_yaml
from checker.language.load import MAX_FILE_BYTES
from checker.language.parser import MAX_NESTING

HEADER = 'license acme-1.0 "Acme"\n  licensor "Acme"\n  source "https://example.com"\n  verified primary "test"\n'
GRANT = "clause grant §1\n  > You may use it.\n  permits\n"


def licence_with(condition: str) -> str:
    return HEADER + GRANT + f"clause c §2\n  > Words.\n  when {condition}\n  forbidden\n"


def assert_clean_failure(run: object, *expected: str) -> None:
    code, err = run.code, run.out + run.err  # type: ignore[attr-defined]  # lint reports on stdout
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err, err
    for text in expected:
        assert text in err, err


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def check_with_folder(folder: Path) -> object:
    return run_cli("check", "-l", "acme-1.0", "--licenses-dir", str(folder))


# ---- YAML -----------------------------------------------------------------------------------

ALIAS_BOMB = """a: &a ["x","x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_a_yaml_alias_bomb_in_a_profile(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    run = run_cli("check", "-l", "mit", "--profile", str(tmp_path / "profile.yaml"))
    assert_clean_failure(run, "error[E201]", "more than 20,000 values")


def test_a_yaml_alias_bomb_in_a_policy(tmp_path: Path) -> None:
    (tmp_path / "modelterms.yaml").write_text("version: 1\n" + ALIAS_BOMB, encoding="utf-8")
    run = run_cli("policy", "--policy", str(tmp_path / "modelterms.yaml"))
    assert_clean_failure(run, "error[E201]")


@pytest.mark.parametrize("levels", [500, 10_000])
@pytest.mark.parametrize("command", ["profile", "policy"])
def test_deeply_nested_yaml_is_refused_where_it_gets_too_deep(tmp_path: Path, levels: int, command: str) -> None:
    # Issue 14: 500 levels (1 KB) ended in exit 3 (RecursionError), 10,000 too after 1.4 s.
    nested = "[" * levels + "]" * levels
    if command == "profile":
        args = ["check", "-l", "mit", "--profile", str(write(tmp_path / "p.yaml", f"mau: {nested}\n"))]
    else:
        args = ["policy", "--policy", str(write(tmp_path / "modelterms.yaml", f"version: 1\nmodels: {nested}\n"))]
    assert_clean_failure(run_cli(*args), "error[E203]", f"nested more than {MAX_DEPTH} levels deep")


def test_yaml_nested_through_aliases_counts_the_levels_the_alias_repeats() -> None:
    half = MAX_DEPTH // 2 + 1
    text = f"a: &a {'[' * half}x{']' * half}\nb: {'[' * half}*a{']' * half}\n"
    with pytest.raises(checker.ProfileError) as caught:
        load_yaml(text, "deep.yaml")
    assert [d.code for d in caught.value.diagnostics] == ["E203"]
    assert str(caught.value.diagnostics[0].span) == f"deep.yaml:2:{half + 4}"  # at the alias


def test_nesting_up_to_the_yaml_limit_is_fine() -> None:
    levels = MAX_DEPTH - 1  # under the top-level mapping
    document = load_yaml(f"x: {'[' * levels}1{']' * levels}\n", "ok.yaml")
    value = document.data["x"]
    for _ in range(levels):
        (value,) = value
    assert value == 1


def test_a_990_kb_flow_sequence_stops_at_the_value_limit_while_it_is_read(tmp_path: Path) -> None:
    # Issue 14: the node limit was applied after the whole graph was built: 17 s and 240 MB.
    text = "version: 1\nmodels: [" + "x, " * 330_000 + "x]\n"
    tracemalloc.start()
    try:
        with pytest.raises(checker.ProfileError) as caught:
            load_yaml(text, "big.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "E201" and f"more than {MAX_NODES:,} values" in diagnostic.message
    assert peak < 30 * 1024 * 1024  # the values up to the limit and their spans, never the whole file's
    run = run_cli("policy", "--policy", str(write(tmp_path / "modelterms.yaml", text)))
    assert_clean_failure(run, "error[E201]", f"more than {MAX_NODES:,} values")


def test_a_profile_is_held_to_a_profile_s_size(tmp_path: Path) -> None:
    path = write(tmp_path / "p.yaml", "uses: [" + "x, " * 330_000 + "x]\n")
    run = run_cli("check", "-l", "mit", "--profile", str(path))
    assert_clean_failure(run, "error[E201]", f"p.yaml is larger than {MAX_PROFILE_BYTES:,} bytes")


# ---- size, depth, numbers ---------------------------------------------------------------------


@pytest.fixture
def huge_licence(tmp_path: Path) -> Path:
    path = tmp_path / "huge.terms"
    with path.open("w", encoding="utf-8") as stream:
        stream.write(HEADER + GRANT)
        line = "# " + "x" * 1022 + "\n"
        for _ in range(50 * 1024):
            stream.write(line)
    assert path.stat().st_size > 50 * 1024 * 1024
    return path


def test_a_50_mb_licence_file_is_refused_without_reading_it_whole(huge_licence: Path) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(checker.LicenseFileError) as caught:
            checker.load_license_file(huge_licence)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "E109"
    assert f"larger than the {MAX_FILE_BYTES:,} bytes a licence file may have" in diagnostic.message
    assert peak < 3 * MAX_FILE_BYTES  # read at most MAX_FILE_BYTES + 1 bytes, never 50 MB


def test_a_50_mb_licence_file_through_every_command(huge_licence: Path) -> None:
    assert_clean_failure(check_with_folder(huge_licence.parent), "error[E109]")
    assert_clean_failure(run_cli("lint", str(huge_licence)), "error[E109]")
    assert_clean_failure(run_cli("fmt", "--check", str(huge_licence)), "error[E109]")


@pytest.mark.parametrize("shape", ["parentheses", "not"])
def test_ten_thousand_levels_of_nesting_in_a_condition(tmp_path: Path, shape: str) -> None:
    deep = "(" * 10_000 + "commercial" + ")" * 10_000 if shape == "parentheses" else "not " * 10_000 + "commercial"
    (tmp_path / "deep.terms").write_text(licence_with(deep), encoding="utf-8")
    run = check_with_folder(tmp_path)
    assert_clean_failure(run, "error[E108]", f"nested more than {MAX_NESTING} levels deep", "deep.terms:10:")


def test_a_staircase_of_negations_and_parentheses_counts_every_level(tmp_path: Path) -> None:
    # Issue 14: the count restarted at each parenthesis, so `not … not (` steps nested 1,300 levels
    # deep and every command ended in exit 3.
    stairs = "".join("not " * (49 - k) + "(" for k in range(50)) + "commercial" + ")" * 50
    (tmp_path / "deep.terms").write_text(licence_with(stairs), encoding="utf-8")
    assert_clean_failure(check_with_folder(tmp_path), "error[E108]", f"nested more than {MAX_NESTING} levels deep")
    lint = run_cli("lint", str(tmp_path))
    assert lint.code == 1 and "error[E108]" in lint.out and "Traceback" not in lint.out + lint.err
    assert_clean_failure(run_cli("fmt", "--check", str(tmp_path)), "error[E108]")


def test_negations_and_parentheses_up_to_the_limit_are_fine() -> None:
    half = MAX_NESTING // 2
    at_limit = "not " * half + "(" + "not " * (MAX_NESTING - half - 1) + "commercial)"
    assert checker.parse_license(licence_with(at_limit), "ok.terms").clauses[1].condition is not None
    with pytest.raises(checker.LicenseFileError) as caught:
        checker.parse_license(licence_with("not " + at_limit), "deep.terms")
    assert [d.code for d in caught.value.diagnostics] == ["E108"]
    siblings = " and ".join(["not (not commercial)"] * 100)  # many, but side by side: shallow
    assert checker.parse_license(licence_with(siblings), "wide.terms").clauses[1].condition is not None


def test_nesting_up_to_the_limit_is_fine() -> None:
    nested = "(" * (MAX_NESTING - 1) + "commercial" + ")" * (MAX_NESTING - 1)
    licence = checker.parse_license(licence_with(nested), "ok.terms")
    assert licence.clauses[1].condition is not None


def test_a_number_with_ten_thousand_digits_in_a_licence(tmp_path: Path) -> None:
    (tmp_path / "big.terms").write_text(licence_with("mau > " + "9" * 10_000), encoding="utf-8")
    assert_clean_failure(check_with_folder(tmp_path), "error[E127]", "too large")


def test_a_number_with_ten_thousand_digits_on_the_command_line() -> None:
    assert_clean_failure(run_cli("check", "-l", "llama-3.1", "--mau", "9" * 10_000), "--mau", "too large")
    assert_clean_failure(run_cli("check", "-l", "llama-3.1", "--revenue", "9" * 10_000), "--revenue", "too large")


def test_a_number_with_ten_thousand_digits_in_a_profile(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("mau: " + "9" * 10_000 + "\nrevenue: 5\n", encoding="utf-8")
    run = run_cli("check", "-l", "llama-3.1", "--profile", str(tmp_path / "p.yaml"))
    assert_clean_failure(run, "p.yaml:1:6", "mau")


@pytest.mark.parametrize("figure", ["nan", "inf", "-inf", "-5", "NaN", "1e400"])
def test_nan_negative_and_infinite_figures_on_the_command_line(figure: str) -> None:
    for option in ("--mau", "--dau", "--revenue"):
        assert_clean_failure(run_cli("check", "-l", "llama-3.1", f"{option}={figure}"), option)


@pytest.mark.parametrize("figure", [".nan", ".inf", "-.inf", "-5", "1e400", ".NaN"])
def test_nan_negative_and_infinite_figures_in_a_profile(tmp_path: Path, figure: str) -> None:
    for field in ("mau", "dau", "revenue"):
        (tmp_path / "p.yaml").write_text(f"commercial: true\n{field}: {figure}\n", encoding="utf-8")
        run = run_cli("check", "-l", "llama-3.1", "--profile", str(tmp_path / "p.yaml"))
        assert_clean_failure(run, "p.yaml:2:", field)


def test_negative_and_odd_figures_in_a_licence(tmp_path: Path) -> None:
    for bad in ("-5", "nan", "1e9", "5.5.5"):
        (tmp_path / "odd.terms").write_text(licence_with(f"mau > {bad}"), encoding="utf-8")
        assert_clean_failure(check_with_folder(tmp_path), "odd.terms:10:")


# ---- encodings and binary files ----------------------------------------------------------------


def test_a_utf16_licence_file(tmp_path: Path) -> None:
    (tmp_path / "wide.terms").write_bytes((HEADER + GRANT).encode("utf-16"))
    for run in (check_with_folder(tmp_path), run_cli("lint", str(tmp_path)), run_cli("fmt", str(tmp_path))):
        assert_clean_failure(run, "wide.terms is UTF-16 text, not UTF-8 text")


def test_a_binary_licence_file(tmp_path: Path) -> None:
    (tmp_path / "blob.terms").write_bytes(os.urandom(4096) + b"\x00")
    for run in (check_with_folder(tmp_path), run_cli("lint", str(tmp_path)), run_cli("fmt", str(tmp_path))):
        assert_clean_failure(run, "blob.terms is")


@pytest.mark.parametrize("encoding", ["utf-16", "binary"])
def test_a_utf16_or_binary_profile_and_policy(tmp_path: Path, encoding: str) -> None:
    data = "mau: 5\n".encode("utf-16") if encoding == "utf-16" else b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe"
    (tmp_path / "p.yaml").write_bytes(data)
    assert_clean_failure(run_cli("check", "-l", "mit", "--profile", str(tmp_path / "p.yaml")), "p.yaml")
    (tmp_path / "modelterms.yaml").write_bytes(data)
    assert_clean_failure(run_cli("policy", "--policy", str(tmp_path / "modelterms.yaml")), "modelterms.yaml")


# ---- a policy reaching outside its repository ---------------------------------------------------

POLICY = "version: 1\nprofile: {{commercial: true}}\nmodels:\n  - license: mit\nlicenses: [{folder}]\n"


def test_a_policy_licence_folder_outside_the_repository_through_dotdot(tmp_path: Path) -> None:
    outside, repo = tmp_path / "outside", tmp_path / "repo"
    outside.mkdir()
    repo.mkdir()
    (outside / "acme.terms").write_text(HEADER + GRANT, encoding="utf-8")
    (repo / "modelterms.yaml").write_text(POLICY.format(folder="../outside"), encoding="utf-8")
    run = run_cli("policy", "--policy", str(repo / "modelterms.yaml"))
    assert_clean_failure(run, "modelterms.yaml:5:12", "licenses[0]", "outside the repository")


def test_a_policy_licence_folder_outside_the_repository_through_a_symlink(tmp_path: Path) -> None:
    outside, repo = tmp_path / "outside", tmp_path / "repo"
    outside.mkdir()
    repo.mkdir()
    (outside / "acme.terms").write_text(HEADER + GRANT, encoding="utf-8")
    (repo / "vendor").symlink_to(outside, target_is_directory=True)
    (repo / "modelterms.yaml").write_text(POLICY.format(folder="vendor"), encoding="utf-8")
    run = run_cli("policy", "--policy", str(repo / "modelterms.yaml"))
    assert_clean_failure(run, "licenses[0]", "outside the repository")


def test_a_policy_licence_file_symlinked_from_outside_the_repository(tmp_path: Path) -> None:
    outside, repo = tmp_path / "outside", tmp_path / "repo"
    outside.mkdir()
    (repo / "licenses").mkdir(parents=True)
    (outside / "acme.terms").write_text(HEADER + GRANT, encoding="utf-8")
    (repo / "licenses" / "acme.terms").symlink_to(outside / "acme.terms")
    (repo / "modelterms.yaml").write_text(POLICY.format(folder="licenses"), encoding="utf-8")
    run = run_cli("policy", "--policy", str(repo / "modelterms.yaml"))
    assert_clean_failure(run, "licenses[0]", "outside the repository")


def test_a_policy_model_card_outside_the_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n", encoding="utf-8")
    text = "version: 1\nprofile: {commercial: true}\nmodels:\n  - card: ../README.md\n"
    (repo / "modelterms.yaml").write_text(text, encoding="utf-8")
    run = run_cli("policy", "--policy", str(repo / "modelterms.yaml"))
    assert_clean_failure(run, "models[0].card", "outside the repository")


def test_a_licence_folder_inside_the_repository_is_fine(tmp_path: Path) -> None:
    (tmp_path / "licenses").mkdir()
    (tmp_path / "licenses" / "acme.terms").write_text(HEADER + GRANT, encoding="utf-8")
    text = (
        "version: 1\nprofile: {commercial: true}\nmodels:\n  - license: acme-1.0\nlicenses: [./licenses/../licenses]\n"
    )
    (tmp_path / "modelterms.yaml").write_text(text, encoding="utf-8")
    run = run_cli("policy", "--policy", str(tmp_path / "modelterms.yaml"))
    assert run.code == 0, run.err


@pytest.mark.parametrize("command", ["profile", "policy"])
def test_a_50_mb_yaml_file_is_refused_before_it_is_read(tmp_path: Path, command: str) -> None:
    path = tmp_path / "big.yaml"
    with path.open("w", encoding="utf-8") as stream:
        stream.write("version: 1\n")
        for i in range(50 * 1024):
            stream.write(f"k{i}: {'x' * 1024}\n")
    assert path.stat().st_size > 50 * 1024 * 1024
    args = ["check", "-l", "mit", "--profile", str(path)] if command == "profile" else ["policy", "--policy", str(path)]
    limit = "65,536" if command == "profile" else "1,000,000"  # a profile is about 1 KB, a policy a page
    assert_clean_failure(run_cli(*args), "error[E201]", f"big.yaml is larger than {limit} bytes")
