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
