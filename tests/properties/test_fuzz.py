"""Fuzzing: no input may crash modelterms. The only acceptable results are success or diagnostics.

Licence files are generated from the grammar and mutated (tokens deleted, duplicated, swapped;
random bytes; Unicode look-alikes; truncation); policies and command lines likewise. Each run is
bounded: MODELTERMS_FUZZ_EXAMPLES sets the number of examples per property (default 60; CI uses
the default). A longer run, e.g. before a release:

    MODELTERMS_FUZZ_EXAMPLES=5000 python -m pytest tests/properties/test_fuzz.py

There is one target per input kind (licence file, profile, policy, scan row, command line) in
`fuzz_targets.py`; each kind's seeds, and every input that once crashed, are under
tests/fuzz_corpus/<kind>/ and replayed on every run. The long run is `benchmarks/fuzz.py`
(in-process, random mutations of the corpus; figures in benchmarks/README.md).

Round trip: for every generated valid file, `parse(fmt(x))` means the same as `parse(x)`, and
`fmt` is idempotent.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checker
from checker.analysis.lint import lint_license
from checker.language.formatter import format_text
from checker.language.parser import _lark
from checker.resources import license_files

from . import fuzz_targets
from .licence_files import licence_texts, mutated_texts

TERMINALS = {t.name for t in _lark().terminals} | {"$END"}
EXAMPLES = int(os.environ.get("MODELTERMS_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROOT = Path(__file__).resolve().parent.parent.parent
CATALOGUE_TEXTS = [f.read_text(encoding="utf-8") for f in license_files()]


def parse_or_diagnose(text: str) -> checker.License | None:
    """Parse; a LicenseFileError with positioned diagnostics is the only acceptable failure."""
    try:
        return checker.parse_license(text, "fuzz.terms")
    except checker.LicenseFileError as error:
        assert error.diagnostics, "an error without diagnostics"
        rendered = error.render()
        assert "__ANON" not in rendered and "Traceback" not in rendered
        assert all(d.code and d.message for d in error.diagnostics)
        for d in error.diagnostics:  # what was expected is said in the user's words, never as token names
            if d.help and d.help.startswith("expected "):
                assert not set(re.findall(r"[A-Z_$]{3,}", d.help)) & TERMINALS, d.help
        return None


@FUZZ
@given(licence_texts())
def test_generated_licence_files_parse(text: str) -> None:
    licence = checker.parse_license(text, "generated.terms")
    assert licence.clauses


@FUZZ
@given(licence_texts())
def test_round_trip_fmt_keeps_the_meaning_and_is_idempotent(text: str) -> None:
    formatted = format_text(text, "generated.terms")
    assert checker.parse_license(formatted, "f.terms") == checker.parse_license(text, "g.terms")
    assert format_text(formatted, "f.terms") == formatted


@FUZZ
@given(mutated_texts(licence_texts()))
def test_mutated_generated_files_succeed_or_diagnose(text: str) -> None:
    licence = parse_or_diagnose(text)
    if licence is not None:
        lint_license(licence)
        assert checker.parse_license(format_text(text, "m.terms"), "m.terms") == licence


@FUZZ
@given(mutated_texts(st.sampled_from(CATALOGUE_TEXTS)))
def test_mutated_catalogue_files_succeed_or_diagnose(text: str) -> None:
    licence = parse_or_diagnose(text)
    if licence is not None:
        lint_license(licence)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_as_a_licence_file(data: bytes) -> None:
    parse_or_diagnose(data.decode("utf-8", errors="replace"))


# ---- policies and command lines -------------------------------------------------------------------

EXAMPLE_POLICY = (ROOT / "examples" / "acme-assistant" / "modelterms.yaml").read_text(encoding="utf-8")


def run_in_process(args: list[str]) -> int:
    """One command line, in-process, as the long fuzz run drives it (exit 3 or a traceback raise)."""
    return fuzz_targets.cli_args(args)


def test_the_command_line_target_reports_a_crash_as_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fuzz targets are worth their figures only if a bug in the command fails them: a bug is
    exit 3 at the command's boundary, and the target raises."""
    from checker.ci import policy  # noqa: PLC0415

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(policy, "evaluate_policy", broken)
    folder = fuzz_targets.scratch_folder("policy")
    with pytest.raises(AssertionError, match="internal error: RuntimeError: a bug"):
        fuzz_targets.policy(EXAMPLE_POLICY, folder)
    assert fuzz_targets.cli_args(["list"]) == 0  # the same prebuilt command group still answers


ODD_VALUES = [
    "", "~", "NO", "on", "-1", ".nan", ".inf", "[]", "{}", "*x", "&x a", "2024-13-45", "9" * 50, "'unterminated",
    "[a, [b", "!!python/object:os.system",
]  # fmt: skip


@st.composite
def mutated_policies(draw: st.DrawFn) -> str:
    lines = EXAMPLE_POLICY.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["delete", "duplicate", "swap", "bytes", "indent", "value"]))
        i = draw(st.integers(0, len(lines) - 2))
        if how == "delete":
            del lines[i]
        elif how == "duplicate":
            lines.insert(i, lines[i])
        elif how == "swap":
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif how == "bytes":
            at = draw(st.integers(0, len(lines[i])))
            noise = draw(st.text(max_size=6))
            lines[i] = lines[i][:at] + noise + lines[i][at:]
        elif how == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "    ", "\t"])) + lines[i].lstrip()
        else:
            key = lines[i].split(":", 1)[0]
            value = draw(st.sampled_from(ODD_VALUES))
            lines[i] = f"{key}: {value}"
    return "\n".join(lines) + "\n"


@FUZZ
@given(mutated_policies())
def test_mutated_policies_succeed_or_diagnose(tmp_path_factory: object, text: str) -> None:
    folder = Path(tmp_path_factory.mktemp("policy"))  # type: ignore[attr-defined]
    (folder / "models" / "acme-coder").mkdir(parents=True)
    card = ROOT / "examples" / "acme-assistant" / "models" / "acme-coder" / "README.md"
    (folder / "models" / "acme-coder" / "README.md").write_text(card.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "modelterms.yaml").write_text(text, encoding="utf-8")
    assert run_in_process(["policy", "--policy", str(folder / "modelterms.yaml")]) in (0, 1, 2)


WORDS = [
    "check", "list", "models", "uses", "version", "schema", "lint", "licenses/mit.terms", "-l", "--license", "llama",
    "mit", "lama", "gemma", "--model", "gpt-oss-20b", "--mau", "800M", "2024-06=5", "--dau", "--revenue", "2.5M",
    "USD", "-5", "nan", "inf", "1e400", "--domicile", "DE", "EU", "XX", "--market", "--use", "chatbot", "weapon",
    "--modality", "text", "--commercial", "--non-commercial", "--serve", "--no-distribute", "--end-user",
    "--format", "json", "yaml", "--fail-on", "permitted", "--profile", "missing.yaml", "--licenses-dir", "nowhere",
    "--derivative-name", "Llama-X", "--family", "--help", "", "--", "-", "=", "ü", "§", "'", '"', "--mau=", "9" * 40,
    "fmt", "--check",
]  # fmt: skip


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), max_size=8))
def test_command_lines_succeed_or_diagnose(args: list[str]) -> None:
    # Commands that write files are only fuzzed in their read-only forms.
    if "fmt" in args and "--check" not in args:
        args = [a for a in args if a != "fmt"]
    code = run_in_process(args)
    assert code in (0, 1, 2), shlex.join(args)


# ---- profiles and scan rows, and the corpus of every kind -------------------------------------


@st.composite
def mutated_lines(draw: st.DrawFn, seeds: list[str]) -> str:
    """A seed with a few lines deleted, duplicated, swapped, re-indented or salted with text."""
    lines = draw(st.sampled_from(seeds)).splitlines() or [""]
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["delete", "duplicate", "swap", "text", "value", "indent"]))
        if how == "delete" and len(lines) > 1:
            del lines[i]
        elif how == "duplicate":
            lines.insert(i, lines[i])
        elif how == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif how == "text":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.text(max_size=6)) + lines[i][at:]
        elif how == "value":
            lines[i] = lines[i].split(":", 1)[0] + ": " + draw(st.sampled_from([*ODD_VALUES, "1e24", "2M", "yes"]))
        else:
            lines[i] = draw(st.sampled_from(["", " ", "  ", "\t"])) + lines[i].lstrip()
    return "\n".join(lines) + draw(st.sampled_from(["\n", ""]))


@FUZZ
@given(mutated_lines(fuzz_targets.corpus("profile")))
def test_mutated_profiles_succeed_or_diagnose(text: str) -> None:
    fuzz_targets.profile(text)


@FUZZ
@given(mutated_lines(fuzz_targets.corpus("scan_row")))
def test_mutated_scan_rows_succeed_or_diagnose(text: str) -> None:
    fuzz_targets.scan_row(text)


@pytest.mark.parametrize("kind", fuzz_targets.KINDS)
def test_every_input_in_the_fuzz_corpus_succeeds_or_diagnoses(kind: str, tmp_path: Path) -> None:
    seeds = fuzz_targets.corpus(kind)
    assert seeds, f"tests/fuzz_corpus/{kind}/ is empty"
    for seed in seeds:
        if kind == "policy":
            fuzz_targets.policy(seed, tmp_path)
        else:
            fuzz_targets.TARGETS[kind](seed)
