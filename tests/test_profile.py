"""Profiles: strict YAML, positions and YAML paths in every error, flags over files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import run_cli

import checker
from checker.inputs.yamlfile import load_yaml


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_1_1_coercions_do_not_happen(tmp_path: Path) -> None:
    profile = checker.load_profile(write(tmp_path, "domicile: NO\nmarkets: [on, DE]\n".replace("on, ", "")))
    assert profile.domicile == "NO"  # Norway, not false
    document = load_yaml("a: on\nb: yes\nc: 2024-06-01\nd: true\n", "x.yaml")
    assert document.data == {"a": "on", "b": "yes", "c": "2024-06-01", "d": True}


def test_a_full_profile_file(tmp_path: Path) -> None:
    profile = checker.load_profile(
        write(
            tmp_path,
            "mau:\n  current: 800_000_000\n  2024-06: 650000000\nrevenue: 12000000\ndomicile: de\n"
            "markets: [DE, US, EU]\nuses: [chatbot, code-assistant]\nmodality: text\ncommercial: true\n"
            "fine-tunes: false\nderivative_name: Llama-Acme\n",
        )
    )
    assert profile.mau is not None and profile.mau.current == 800_000_000
    assert profile.mau.in_month("2024-06") == (650_000_000, False)
    assert profile.mau.in_month("2023-06") == (800_000_000, True)
    assert profile.domicile == "DE"
    assert profile.fine_tunes is False
    assert profile.uses == (checker.UseCase.CHATBOT, checker.UseCase.CODE_ASSISTANT)


def test_errors_name_file_line_column_and_path(tmp_path: Path) -> None:
    path = write(tmp_path, "mau: 10\ndomicile: NO\nmarkets: [DE, XX]\nuses: [chatbot, militry]\ncomercial: true\n")
    with pytest.raises(checker.ProfileError) as caught:
        checker.load_profile(path)
    rendered = caught.value.render()
    assert f"{path}:3:15: error[E210]: markets[1]: unknown region 'XX'" in rendered
    assert f"{path}:4:17: error[E210]: uses[1]: 'militry' is not one of the allowed values" in rendered
    assert "did you mean 'military'?" in rendered
    assert f"{path}:5:1: error[E211]: unknown field 'comercial'" in rendered
    assert "did you mean 'commercial'?" in rendered
    assert rendered.endswith("found 3 errors")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a: 1\na: 2\n", "E202"),
        ("a: [1, 2\nb: 3\n", "E200"),
        ("mau: -5\n", "E210"),
        ("revenue: .nan\n", "E210"),
        ("mau: {2024-13: 5}\n", "E210"),
        ("- just\n- a list\n", "E210"),
    ],
)
def test_bad_profiles_are_diagnosed(tmp_path: Path, text: str, code: str) -> None:
    with pytest.raises(checker.ProfileError) as caught:
        checker.load_profile(write(tmp_path, text))
    assert caught.value.diagnostics[0].code == code


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(checker.ProfileError) as caught:
        checker.load_profile(write(tmp_path, "\n".join(lines) + "\n"))
    assert caught.value.diagnostics[0].code == "E201"


def test_library_check_accepts_a_mapping_and_reports_bad_values() -> None:
    with pytest.raises(checker.ProfileError) as caught:
        checker.check("llama-3.1", {"domicile": "Germany"})
    assert "unknown region 'Germany'" in caught.value.render()


SAMPLES = [
    "mau:\n  current: 800_000_000\n  2024-06: 650000000\nuses: [chatbot, 'x']\ncommercial: true\n",
    "a: &a {b: [1, 2.5, ~, NO]}\nc: *a\n? [k]\n: v\nd: |\n  block\n",
    "- ü: 'ß'\n- \"\\u00e9\"\n",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_the_c_and_python_parsers_give_the_same_document(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    if getattr(yaml, "CSafeLoader", None) is None:
        pytest.skip("PyYAML without libyaml")
    with_c = load_yaml(text, "x.yaml")
    monkeypatch.delattr(yaml, "CSafeLoader")
    pure = load_yaml(text, "x.yaml")
    assert (with_c.data, with_c.spans, with_c.key_spans) == (pure.data, pure.spans, pure.key_spans)


# ---- litigation: sued_over_patents / sued_over_ip (issue 13 part 2) ------------------------

LLAMA_FLAGS = ["--use", "chatbot", "--commercial", "--no-distribute", "--serve", "--no-fine-tune"]
LLAMA_FLAGS += ["--no-train-on-outputs", "--no-end-user", "--domicile", "US", "--mau", "10", "--modality", "text"]


def test_a_patent_claim_ends_a_licence_that_ends_on_any_ip_claim() -> None:
    llama = checker.catalogue().get("llama-3.1")
    patent = checker.evaluate(llama, checker.ServiceProfile(sued_over_patents=True))
    assert patent.outcome is checker.Outcome.FORBIDDEN
    assert [r.clause for r in patent.reasons] == ["litigation-termination"]
    no_ip = checker.evaluate(llama, checker.ServiceProfile(sued_over_ip=False))
    assert [t.clause for t in no_ip.terminations] == ["litigation-termination"]  # patents still asked
    both_no = checker.evaluate(llama, checker.ServiceProfile(sued_over_ip=False, sued_over_patents=False))
    assert not both_no.terminations


def test_suing_over_the_model_ends_the_llama_licence_through_the_cli() -> None:
    sued = run_cli("check", "-l", "llama-3.1", *LLAMA_FLAGS, "--sued-over-patents")
    assert sued.code == 1, sued.out + sued.err
    assert "llama-3.1: forbidden" in sued.out and "§5.c" in sued.out and "shall terminate" in sued.out
    clean = run_cli("check", "-l", "llama-3.1", *LLAMA_FLAGS, "--not-sued-over-ip", "--not-sued-over-patents")
    assert clean.code == 0 and "llama-3.1: conditional" in clean.out and "ends if" not in clean.out


def test_an_unknown_litigation_fact_is_listed_with_its_flag_and_decides_nothing(tmp_path: Path) -> None:
    text = run_cli("check", "-l", "llama-3.1", *LLAMA_FLAGS)
    assert "llama-3.1: conditional" in text.out
    assert "ends if (not given):" in text.out and "--sued-over-ip/--not-sued-over-ip" in text.out
    data = json.loads(run_cli("check", "-l", "llama-3.1", *LLAMA_FLAGS, "--format", "json").out)
    (result,) = data["results"]
    assert result["outcome"] == "conditional"
    (ending,) = result["terminations"]
    assert ending["clause"] == "litigation-termination" and ending["outcome"] == "forbidden"
    assert [m["fact"] for m in ending["missing_facts"]] == ["sued-over-ip", "sued-over-patents"]
    assert "sued-over-ip" not in [m["fact"] for m in result.get("missing_facts", [])]
    profile = write(tmp_path, "sued_over_ip: true\n")
    from_file = run_cli("check", "-l", "llama-3.1", *LLAMA_FLAGS, "--profile", str(profile))
    assert from_file.code == 1 and "llama-3.1: forbidden" in from_file.out


def test_apache_patent_litigation_ends_only_the_patent_licence() -> None:
    profile = checker.ServiceProfile(distributes=True, serves=False, fine_tunes=False, sued_over_patents=True)
    verdict = checker.evaluate(checker.catalogue().get("apache-2.0"), profile)
    assert verdict.outcome is checker.Outcome.NEEDS_LICENSE
    (reason,) = verdict.reasons
    assert reason.clause == "patent-termination" and "copyright licence stays" in reason.explanation
    unknown = checker.ServiceProfile(distributes=True, serves=False, fine_tunes=False)
    kept = checker.evaluate(checker.catalogue().get("apache-2.0"), unknown)
    assert kept.outcome is not checker.Outcome.UNDETERMINED  # a question, listed, never a silent "no"
    assert [t.clause for t in kept.terminations] == ["patent-termination"]


def test_the_profile_schema_describes_the_litigation_facts() -> None:
    properties = checker.ServiceProfile.model_json_schema()["properties"]
    assert "Apache-2.0 §3" in properties["sued_over_patents"]["description"]
    assert "Llama §5.c" in properties["sued_over_ip"]["description"]


# ---- the licence a derivative is released under (issue 13 part 2) ---------------------------

ADAPTS = ["--fine-tune", "--distribute", "--no-serve", "--commercial", "--no-train-on-outputs", "--no-end-user"]


def test_a_share_alike_licence_checks_the_licence_a_derivative_is_released_under() -> None:
    other = run_cli("check", "-l", "cc-by-sa-4.0", *ADAPTS, "--derivative-license", "mit")
    assert other.code == 1 and "cc-by-sa-4.0: forbidden" in other.out
    assert "released under mit, but adaptations must be licensed under cc-by-sa-4.0 or gpl-3.0" in other.out
    same = run_cli("check", "-l", "cc-by-sa-4.0", *ADAPTS, "--derivative-license", "gpl-3.0")
    assert same.code == 0 and "cc-by-sa-4.0: conditional" in same.out
    untold = run_cli("check", "-l", "cc-by-sa-4.0", *ADAPTS)
    assert untold.code == 0 and "cc-by-sa-4.0: conditional" in untold.out  # the duty is listed, not guessed
    later = checker.ServiceProfile(fine_tunes=True, distributes=True, derivative_license="cc-by-sa-4.0")
    assert checker.evaluate(checker.catalogue().get("cc-by-sa-3.0"), later).outcome is checker.Outcome.CONDITIONAL


def test_an_unknown_derivative_licence_is_refused_with_did_you_mean(tmp_path: Path) -> None:
    typo = run_cli("check", "-l", "gpl-3.0", *ADAPTS, "--derivative-license", "cc-by-sa-9")
    assert typo.code == 2 and "E220" in typo.err and "did you mean 'cc-by-sa-4.0'" in typo.err
    alias = run_cli("check", "-l", "gpl-3.0", *ADAPTS, "--derivative-license", "GPL-3.0-only")
    assert alias.code == 2 and "write 'gpl-3.0'" in alias.err and "Traceback" not in alias.err
    profile = write(tmp_path, "derivative_license: apache2\n")
    from_file = run_cli("check", "-l", "gpl-3.0", "--profile", str(profile))
    assert from_file.code == 2 and "E220" in from_file.err


def test_a_share_alike_duty_naming_an_unknown_licence_is_a_catalogue_error() -> None:
    text = checker.catalogue().get("cdla-sharing-1.0")
    broken = text.model_copy(
        update={
            "clauses": tuple(
                c.model_copy(update={"effect": c.effect.model_copy(update={"accepted": ("cdla-sharing-9",)})})
                if c.id == "share-alike"
                else c
                for c in text.clauses
            )
        }
    )
    with pytest.raises(checker.CheckerError, match="names no licence in the catalogue"):
        checker.Catalogue([broken])


def test_removing_the_safety_measures_is_a_use_case_the_policies_refuse() -> None:
    flags = [*LLAMA_FLAGS[2:], "--use", "chatbot", "--use", "safety-circumvention"]
    llama = run_cli("check", "-l", "llama-3.2", *flags, "--not-sued-over-ip")
    assert llama.code == 1 and "llama-3.2: forbidden" in llama.out and "§AUP-1.8" in llama.out
    nvidia = run_cli("check", "-l", "nvidia-open-model-2025-04", *flags, "--not-sued-over-ip")
    assert nvidia.code == 1 and "forbidden" in nvidia.out and "automatically terminate" in nvidia.out
    kept = run_cli("check", "-l", "llama-3.2", *LLAMA_FLAGS, "--not-sued-over-ip")
    assert kept.code == 0 and "llama-3.2: conditional" in kept.out  # --use chatbot only: safeguards kept
    assert "safety-circumvention" in run_cli("uses").out


def test_an_assumed_derivative_licence_is_checked_as_a_given_one() -> None:
    wrong = run_cli("explain", "-l", "cc-by-sa-4.0", *ADAPTS, "--assume", "derivative-license=foo")
    assert wrong.code == 2 and "E220" in wrong.err and "Traceback" not in wrong.err
    other = run_cli("explain", "-l", "cc-by-sa-4.0", *ADAPTS, "--assume", "derivative-license=mit")
    assert other.code == 0 and "cc-by-sa-4.0: forbidden" in other.out
    assert "if the derivative is released under cc-by-sa-4.0 it would be conditional" in other.out


def test_diff_finds_where_the_derivative_licence_decides() -> None:
    result = checker.diff(checker.catalogue().get("cc-by-sa-3.0"), checker.catalogue().get("cc-by-sa-4.0"))
    released = {
        cube.witness.derivative_license: region.outcomes
        for region in result.regions
        for cube in region.cubes
        if cube.witness.derivative_license
    }
    forbidden, conditional = checker.Outcome.FORBIDDEN, checker.Outcome.CONDITIONAL
    assert released.get("gpl-3.0") == (forbidden, conditional)  # 4.0 accepts GPL-3.0, 3.0 does not
    assert released.get("cc-by-sa-3.0") == (conditional, forbidden)  # 4.0 wants "this version or later"
