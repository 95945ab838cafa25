"""The model index: every entry sourced and resolvable; --model checks a model's licences."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

import checker
from checker.lookup.bundled import bundled_index

INDEX = bundled_index()


@pytest.mark.parametrize("entry", INDEX.entries, ids=[e.id for e in INDEX.entries])
def test_every_entry_is_sourced_and_every_name_resolves_to_it(entry: checker.ModelEntry) -> None:
    assert entry.source.strip()
    for name in (entry.id, *entry.names, entry.id.upper()):
        assert INDEX.get(name) == entry
    for item in INDEX.licenses_of(entry.id):
        checker.catalogue().get(item.license_id)


def test_the_vision_model_finds_the_eu_clause(cli: object) -> None:
    run = run_cli(
        "check", "--model", "meta-llama/Llama-3.2-11B-Vision-Instruct", "--domicile", "DE", "--format", "json"
    )
    assert run.code == 1
    (result,) = json.loads(run.out)["results"]
    assert (result["license"], result["outcome"], result["model"]) == (
        "llama-3.2",
        "forbidden",
        "meta-llama/Llama-3.2-11B-Vision-Instruct",
    )
    assert [r["clause"] for r in result["reasons"]] == ["eu-multimodal"]
    assert any("modality 'multimodal' from the model index" in a for a in result["assumptions"])


def test_the_text_model_of_the_same_release_is_not_withheld() -> None:
    (verdict,) = checker.check(models="meta-llama/Llama-3.2-3B-Instruct", profile={"domicile": "DE"})
    assert verdict.outcome is not checker.Outcome.FORBIDDEN


def test_an_r1_distill_of_llama_is_checked_against_mit_and_llama() -> None:
    verdicts = checker.check(models="deepseek-ai/DeepSeek-R1-Distill-Llama-8B", profile={"mau": 800_000_000})
    assert [(v.license, v.model_via) for v in verdicts] == [
        ("mit", "deepseek-ai/DeepSeek-R1-Distill-Llama-8B"),
        ("llama-3.1", "meta-llama/Llama-3.1-8B"),
    ]
    assert verdicts[1].outcome is checker.Outcome.NEEDS_LICENSE
    assert verdicts[1].requested_as == "deepseek-ai/DeepSeek-R1-Distill-Llama-8B via base model meta-llama/Llama-3.1-8B"


def test_the_user_modality_wins_over_the_index() -> None:
    (verdict,) = checker.check(
        models="meta-llama/Llama-3.2-11B-Vision-Instruct", profile={"domicile": "DE", "modality": "text"}
    )
    assert verdict.outcome is not checker.Outcome.FORBIDDEN


@pytest.mark.parametrize(
    ("model", "licences"),
    [
        ("gpt-oss-120b", ["gpt-oss-usage-policy", "apache-2.0"]),
        ("mistralai/Mistral-Small-Instruct-2409", ["mistral-research"]),
        ("mistralai/Mistral-Small-24B-Instruct-2501", ["apache-2.0"]),
        ("mistralai/Codestral-22B-v0.1", ["mistral-non-production"]),
        ("deepseek-ai/DeepSeek-V3", ["deepseek"]),
        ("deepseek-ai/DeepSeek-R1", ["mit"]),
    ],
)
def test_models_map_to_their_licences(model: str, licences: list[str]) -> None:
    assert [v.license for v in checker.check(models=model)] == licences


def test_unknown_model_gets_did_you_mean(cli: object) -> None:
    run = run_cli("check", "--model", "llama-3.2-11b-vison")
    assert run.code == 2
    assert "unknown model 'llama-3.2-11b-vison'" in run.err
    assert "did you mean 'llama-3.2-11b-vision'" in run.err


def test_check_needs_a_licence_or_a_model(cli: object) -> None:
    run = run_cli("check", "--mau", "5")
    assert run.code == 2
    assert "give at least one --license or --model" in run.err


def test_models_and_list_commands(cli: object) -> None:
    run = run_cli("models", "vision", "--format", "json")
    ids = [m["id"] for m in json.loads(run.out)["models"]]
    assert "meta-llama/Llama-3.2-90B-Vision-Instruct" in ids
    assert all("vision" in i.lower() for i in ids)
    run = run_cli("models", "--license", "mistral-research", "--format", "json")
    assert {m["id"] for m in json.loads(run.out)["models"]} >= {"mistralai/Ministral-8B-Instruct-2410"}
    run = run_cli("list", "--family", "llama", "--format", "json")
    assert [r["id"] for r in json.loads(run.out)["licenses"]] == [
        "llama-2", "llama-3", "llama-3.1", "llama-3.2", "llama-3.3", "llama-4"
    ]  # fmt: skip
    run = run_cli("list", "--non-commercial", "--format", "json")
    non_commercial = {r["id"] for r in json.loads(run.out)["licenses"]}
    assert {"mistral-research", "mistral-non-production"} <= non_commercial
    assert "apache-2.0" not in non_commercial


def test_a_model_given_as_a_licence_and_back_is_pointed_out(cli: object) -> None:
    run = run_cli("check", "--license", "meta-llama/Llama-3.3-70B-Instruct")
    assert run.code == 2
    assert "is a model: use --model meta-llama/Llama-3.3-70B-Instruct" in run.err
    run = run_cli("check", "--model", "gemma")
    assert "'gemma' is a licence: use --license gemma" in run.err
    run = run_cli("check", "--license", "gema-3-4b-it")
    assert "did you mean 'gemma-3-4b-it' (a model)" in run.err


def test_model_names_and_licence_names_do_not_overlap() -> None:
    licence_names = {n.lower() for n in checker.catalogue().names()}
    overlap = sorted(n for n in INDEX.names() if n.lower() in licence_names)
    assert not overlap, f"model names that are also licence names: {overlap}"


def test_a_derived_model_takes_its_modality_from_the_nearest_base_that_states_one() -> None:
    verdicts = checker.check(models="deepseek-ai/DeepSeek-R1-Distill-Llama-70B", profile={"domicile": "DE"})
    llama = next(v for v in verdicts if v.license == "llama-3.3")
    assert "eu-multimodal" not in [r.clause for r in llama.reasons]
    assert any("of its base model meta-llama/Llama-3.3-70B-Instruct" in a for a in llama.assumptions)


def test_the_resolver_says_where_each_licence_of_a_model_comes_from() -> None:
    from checker.diagnostics import Diagnostic  # noqa: PLC0415
    from checker.lookup.bundled import bundled  # noqa: PLC0415
    from checker.lookup.resolver import FoundModel, Provenance, Resolver  # noqa: PLC0415

    resolver = Resolver(bundled(), bundled_index)
    found = resolver.model("deepseek-ai/DeepSeek-R1-Distill-Llama-8B")
    assert isinstance(found, FoundModel)
    where = {f.license.id: (f.provenance, f.via) for f in found.licenses}
    assert where["mit"] == (Provenance.INDEX, "deepseek-ai/DeepSeek-R1-Distill-Llama-8B")
    assert where["llama-3.1"] == (Provenance.BASE_MODEL, "meta-llama/Llama-3.1-8B")
    assert [e.id for e in found.chain] == ["deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "meta-llama/Llama-3.1-8B"]
    named = resolver.license("llama")
    assert isinstance(named, list)
    assert {f.provenance for f in named} == {Provenance.NAMED}
    assert len(named) == len(checker.catalogue().families["llama"])
    unknown = resolver.license("meta-llama/Llama-3.1-8B")
    assert isinstance(unknown, Diagnostic)
    assert unknown.code == "E220" and "use --model" in (unknown.help or "")


# ---- patterns, renames, short names, search --------------------------------------------------

SMALL_INDEX = """\
models:
- id: Acme/Acme-2-7B
  licenses: [mit]
  source: test
- id: Acme/Acme-2-72B
  licenses: [llama-3.1]
  source: test
patterns:
- match: Acme/Acme-2-*
  licenses: [apache-2.0]
  except:
  - Acme/Acme-2-*-3B*
  - Acme/Acme-2-3B*
  source: test
- match: Acme/Acme-2-Coder-*
  licenses: [gemma]
  except: [Acme/Acme-2-Coder-3B*]
  source: test
- match: Acme/Acme-2-3B*
  licenses: [cc-by-nc-4.0]
  source: test
renamed:
- from: AcmeOld
  to: Acme
  source: test
- from: someone/acme-mirror
  to: Acme/Acme-2-7B
  source: test
"""


def small_index(text: str = SMALL_INDEX) -> checker.ModelIndex:
    from checker.lookup.bundled import bundled  # noqa: PLC0415
    from checker.lookup.models import parse_index  # noqa: PLC0415

    return parse_index(text, "models.yaml", bundled())


@pytest.mark.parametrize(
    ("name", "licences"),
    [
        ("Acme/Acme-2-7B", ["mit"]),  # an entry wins over the patterns that match it
        ("acme/ACME-2-72b", ["llama-3.1"]),  # case does not count
        ("Acme/Acme-2-14B-Instruct", ["apache-2.0"]),
        ("Acme/Acme-2-Coder-7B", ["gemma"]),  # the more specific pattern
        ("Acme/Acme-2-3B-Instruct", ["cc-by-nc-4.0"]),  # excepted from the first, matched by the third
        ("AcmeOld/Acme-2-14B", ["apache-2.0"]),  # a renamed organisation, then the pattern
        ("AcmeOld/Acme-2-7B", ["mit"]),  # a renamed organisation, then the entry
        ("someone/acme-mirror", ["mit"]),  # a moved repo
        ("acme-2-72b", ["llama-3.1"]),  # the repo name part as a short name
    ],
)
def test_a_name_resolves_by_entry_rename_and_the_most_specific_pattern(name: str, licences: list[str]) -> None:
    index = small_index()
    assert [i.license_id for i in index.licenses_of(name)] == licences


@pytest.mark.parametrize(
    "name", ["Acme/Acme-2-Coder-3B", "Acme/Acme-2-VL-3B-Instruct", "Acme/Acme-3-7B", "Other/Acme-2-7B"]
)
def test_what_the_patterns_except_or_do_not_cover_is_unknown(name: str) -> None:
    assert small_index().find(name) is None


def test_a_pattern_match_says_which_pattern_answered() -> None:
    entry = small_index().get("Acme/Acme-2-Coder-7B")
    assert entry.id == "Acme/Acme-2-Coder-7B"
    assert entry.note and "Acme/Acme-2-Coder-*" in entry.note


@pytest.mark.parametrize(
    ("change", "message", "line"),
    [
        (
            ("match: Acme/Acme-2-Coder-*", "match: '*/Acme-2-Coder-*'"),
            "the owner in '*/Acme-2-Coder-*' is not literal",
            15,
        ),
        (("match: Acme/Acme-2-3B*", "match: Acme/Acme-2-3B"), "'Acme/Acme-2-3B' has no wildcard", 19),
        (("match: Acme/Acme-2-3B*", "match: Acme/Acme-2-*"), "the pattern 'Acme/Acme-2-*' is given twice", 19),
        (
            ("- Acme/Acme-2-3B*", "- Other/Acme-2-3B*"),
            "'Other/Acme-2-3B*' is not under the pattern 'Acme/Acme-2-*'",
            13,
        ),
        (("licenses: [gemma]", "licenses: [gemmma]"), "unknown licence 'gemmma'", 16),
        (("from: AcmeOld", "from: Acme/Acme-2-7B"), "'Acme/Acme-2-7B' is a name in the index", 23),
        (("to: Acme/Acme-2-7B", "to: Acme/Acme-9"), "'Acme/Acme-9' is not in the index", 27),
    ],
)
def test_a_mistake_in_the_index_file_is_reported_where_it_stands(
    change: tuple[str, str], message: str, line: int
) -> None:
    with pytest.raises(checker.DiagnosticError) as raised:
        small_index(SMALL_INDEX.replace(*change, 1))
    (found,) = [d for d in raised.value.diagnostics if message in d.message]
    assert found.code == "E210"
    assert found.span is not None and found.span.line == line


def test_an_unknown_field_in_a_pattern_is_reported_with_a_suggestion() -> None:
    with pytest.raises(checker.DiagnosticError) as raised:
        small_index(SMALL_INDEX.replace("  except: [Acme/Acme-2-Coder-3B*]", "  exept: [Acme/Acme-2-Coder-3B*]"))
    (found,) = raised.value.diagnostics
    assert "exept" in found.message and "except" in (found.help or "")
    assert found.span is not None and found.span.line == 17


def test_a_short_name_shared_by_two_repos_is_not_derived() -> None:
    text = SMALL_INDEX.replace("- id: Acme/Acme-2-72B", "- id: AcmeLabs/Acme-2-7B")
    index = small_index(text)
    assert index.find("acme-2-7b") is None
    assert index.find("AcmeLabs/Acme-2-7B") is not None


def test_the_bundled_index_answers_to_derived_short_names_and_renamed_organisations() -> None:
    assert INDEX.get("deepseek-r1-distill-llama-8b") == INDEX.get("r1-distill-llama-8b")
    assert INDEX.get("CohereForAI/c4ai-command-r-v01").id == "CohereLabs/c4ai-command-r-v01"
    assert INDEX.get("THUDM/glm-4-9b-chat").id == "zai-org/glm-4-9b-chat"
    assert INDEX.get("runwayml/stable-diffusion-v1-5").id == "stable-diffusion-v1-5/stable-diffusion-v1-5"


@pytest.mark.parametrize(
    ("model", "licence"),
    [
        ("Qwen/Qwen2.5-3B-Instruct-AWQ", "qwen-research"),
        ("Qwen/Qwen2.5-7B-Instruct-GGUF", "apache-2.0"),
        ("Qwen/Qwen2.5-72B-Instruct-AWQ", "qwen"),
    ],
)
def test_the_qwen2_5_patterns_keep_the_3b_and_72b_exceptions(model: str, licence: str) -> None:
    assert [i.license_id for i in INDEX.licenses_of(model)] == [licence]


def test_models_search_treats_spaces_dashes_and_underscores_alike(cli: object) -> None:
    run = run_cli("models", "Mistral Large", "--format", "json")
    found = json.loads(run.out)
    assert "mistralai/Mistral-Large-Instruct-2411" in [m["id"] for m in found["models"]]
    run = run_cli("models", "meta-llama/Llama-3.1-8B-Instruct-FP8", "--format", "json")
    assert "meta-llama/Llama-3.1-*" in [p["match"] for p in json.loads(run.out)["patterns"]]


def test_models_lists_patterns_and_renames(cli: object) -> None:
    run = run_cli("models")
    assert run.code == 0
    assert "patterns: every repo whose id matches" in run.out
    assert "CohereForAI → CohereLabs" in run.out
    listed = json.loads(run_cli("models", "--format", "json").out)
    assert {"models", "patterns", "renamed"} <= set(listed)
    assert all({"match", "licenses", "source"} <= set(p) for p in listed["patterns"])


def test_a_licence_found_by_pattern_says_which_pattern(cli: object) -> None:
    run = run_cli("check", "--model", "Qwen/Qwen2.5-14B-Instruct-AWQ", "--format", "json")
    (result,) = json.loads(run.out)["results"]
    assert (result["license"], result["provenance"]) == ("apache-2.0", "index")
    assert result["requested_as"] == "Qwen/Qwen2.5-14B-Instruct-AWQ (by the index's pattern Qwen/Qwen2.5-*)"
    (listed,) = checker.check(models="meta-llama/Llama-3.1-8B-Instruct")
    assert listed.requested_as == "meta-llama/Llama-3.1-8B-Instruct"  # an entry, not a pattern
