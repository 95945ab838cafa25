"""`modelterms diff` and `checker.diff`: the known Llama version changes, a licence against itself,
and witnesses that evaluate to what the diff claims."""

from __future__ import annotations

import json
import shlex
from functools import cache
from pathlib import Path

import pytest
from conftest import run_cli

import checker
from checker.analysis.diff import ChangeKind, LicenseDiff
from checker.terms import model
from checker.terms.regions import EU
from checker.terms.vocabulary import Fact, Outcome

CATALOGUE = checker.catalogue()


@cache
def diffed(before: str, after: str) -> LicenseDiff:
    return checker.diff(CATALOGUE.get(before), CATALOGUE.get(after))


def duty_text(result: LicenseDiff, clause: str, side: str) -> str | None:
    found = next(c for c in result.clauses if c.clause == clause)
    chosen = found.before if side == "before" else found.after
    assert chosen is not None
    assert isinstance(chosen.effect, model.Obligation)
    return chosen.effect.text


def test_llama_2_to_3_adds_the_attribution_and_the_naming_rule() -> None:
    result = diffed("llama-2", "llama-3")
    kinds = {c.clause: c.kind for c in result.clauses}
    assert kinds["built-with"] is ChangeKind.ADDED
    assert kinds["model-name"] is ChangeKind.ADDED
    assert duty_text(result, "built-with", "after") == "Built with Meta Llama 3"
    assert duty_text(result, "model-name", "after") == "Llama 3"
    # Both ban training other models on outputs: that clause changes only in its quote.
    outputs = next(c for c in result.clauses if c.clause == "outputs-ban")
    assert outputs.kind is ChangeKind.CHANGED
    assert "quote" in outputs.fields and "effect" not in outputs.fields and "condition" not in outputs.fields


def test_llama_3_to_3_1_changes_attribution_naming_and_allows_output_training() -> None:
    result = diffed("llama-3", "llama-3.1")
    assert duty_text(result, "built-with", "before") == "Built with Meta Llama 3"
    assert duty_text(result, "built-with", "after") == "Built with Llama"
    assert duty_text(result, "model-name", "before") == "Llama 3"
    assert duty_text(result, "model-name", "after") == "Llama"
    removed = next(c for c in result.clauses if c.clause == "outputs-ban")
    assert removed.kind is ChangeKind.REMOVED
    # A region where training on outputs was forbidden by §1.b.v and no longer is.
    region = next(
        r
        for r in result.regions
        if r.outcomes[0] is Outcome.FORBIDDEN
        and r.outcomes[1] is Outcome.CONDITIONAL
        and "§1.b.v outputs-ban" in r.deciding[0]
    )
    # The region is keyed by its outcomes: the naming rule forbids there too, each with a case of its own.
    assert "§1.b.i model-name" in region.deciding[0]
    case = next(c for c in region.cubes if "outputs-ban" in {r.clause for r in c.verdicts[0].reasons})
    assert any(c.axis.fact is Fact.TRAINS_ON_OUTPUTS and c.value is True for c in case.fixed)
    assert case.witness.trains_on_outputs is True
    assert checker.evaluate(CATALOGUE.get("llama-3"), case.witness).outcome is Outcome.FORBIDDEN
    assert checker.evaluate(CATALOGUE.get("llama-3.1"), case.witness).outcome is Outcome.CONDITIONAL


def test_llama_3_to_3_1_naming_prefix_region_has_a_name_witness() -> None:
    """A derivative named "Llama-…" meets 3.1's rule but not 3's "Llama 3" prefix."""
    result = diffed("llama-3", "llama-3.1")
    region = next(r for r in result.regions if "§1.b.i model-name" in r.deciding[0] and r.outcomes[0].refuses)
    case = next(c for c in region.cubes if "model-name" in {r.clause for r in c.verdicts[0].reasons})
    name = case.witness.derivative_name
    assert name is not None and name.startswith("Llama") and not name.startswith("Llama 3")


def test_llama_3_1_to_3_2_adds_the_eu_carve_out() -> None:
    result = diffed("llama-3.1", "llama-3.2")
    added = {c.clause for c in result.clauses if c.kind is ChangeKind.ADDED}
    assert {"eu-multimodal", "eu-end-users"} <= added
    eu = [r for r in result.regions if r.outcomes[1] is Outcome.FORBIDDEN and "§AUP eu-multimodal" in r.deciding[1]]
    assert eu, "no region where 3.2's EU paragraph forbids what 3.1 did not"
    # A region groups every case with the same pair of outcomes (3.2's new safety-circumvention item
    # forbids too): the EU paragraph's own cases are those it decides.
    cases = [
        (region, cube)
        for region in eu
        for cube in region.cubes
        if "eu-multimodal" in {r.clause for r in cube.verdicts[1].reasons}
    ]
    assert cases
    for region, cube in cases:
        facts = {c.axis.fact: c for c in cube.fixed}
        assert facts[Fact.MODALITY].value is checker.Modality.MULTIMODAL
        assert facts[Fact.DOMICILE].words == "in EU"
        assert facts[Fact.END_USER].value is False
        witness = cube.witness
        assert witness.domicile in EU
        assert checker.evaluate(CATALOGUE.get("llama-3.2"), witness).outcome is Outcome.FORBIDDEN
        assert checker.evaluate(CATALOGUE.get("llama-3.1"), witness).outcome is region.outcomes[0]


def test_llama_3_1_to_3_2_measures_users_in_a_later_month() -> None:
    """Same 700M cap, other release date: users are measured in August 2024, not June."""
    result = diffed("llama-3.1", "llama-3.2")
    region = next(
        r
        for r in result.regions
        if r.outcomes == (Outcome.CONDITIONAL, Outcome.NEEDS_LICENSE)
        and "§2 additional-commercial-terms" in r.deciding[1]
    )
    assert region.witness.mau is not None
    assert region.witness.mau.by_month == {"2024-06": 700_000_000, "2024-08": 700_000_001}
    terms = next(c for c in result.clauses if c.clause == "additional-commercial-terms")
    assert "condition" in terms.fields


@pytest.mark.parametrize("license", [lic.id for lic in CATALOGUE.licenses])
def test_a_licence_diffed_with_itself_shows_no_difference(license: str) -> None:
    result = diffed(license, license)
    assert result.identical
    assert not result.clauses and not result.fields and not result.regions
    assert result.exploration.engine.exact and not result.exploration.bounded  # proved, not sampled


def test_every_witness_evaluates_to_the_outcomes_claimed() -> None:
    for before, after in [("llama-2", "llama-3"), ("llama-3", "llama-3.1"), ("llama-3.1", "llama-3.2")]:
        result = diffed(before, after)
        for region in result.regions:
            for cube in region.cubes:
                a = checker.evaluate(CATALOGUE.get(before), cube.witness).outcome
                b = checker.evaluate(CATALOGUE.get(after), cube.witness).outcome
                assert (a, b) == region.outcomes
                assert a is not b


def test_diff_reads_only_the_facts_the_licences_use() -> None:
    facts = {a.axis.fact for a in diffed("apache-2.0", "mit").space.axes}
    assert Fact.MAU not in facts and Fact.DOMICILE not in facts
    assert {a.axis.label for a in diffed("llama-3.1", "llama-3.2").space.axes} >= {"mau in 2024-06", "mau in 2024-08"}


def test_cli_diff_text(cli: object) -> None:
    done = run_cli("diff", "llama-3", "llama-3.1")
    assert done.code == 0, done.err
    assert "- removed §1.b.v outputs-ban" in done.out
    assert "“Built with Meta Llama 3”" in done.out and "“Built with Llama”" in done.out
    text = " ".join(done.out.split())
    assert "forbidden under llama-3 (§1.b.i model-name, §1.b.v outputs-ban) → conditional under llama-3.1" in text
    assert "witness (§1.b.v outputs-ban):" in text and "--train-on-outputs" in text
    assert "engine: solver (z3" in done.out and "bounded" not in done.out
    assert checker.DISCLAIMER in done.out


def test_cli_diff_of_a_licence_with_itself(cli: object) -> None:
    done = run_cli("diff", "llama-3.1", "llama3.1")  # an id and its Hugging Face tag
    assert done.code == 0, done.err
    assert "No difference" in done.out
    data = json.loads(run_cli("diff", "llama-3.1", "llama-3.1", "--format", "json").out)
    assert data["identical"] is True and data["regions"] == [] and data["clauses"] == []


def test_cli_diff_json(cli: object) -> None:
    done = run_cli("diff", "llama-3.1", "llama-3.2", "--format", "json")
    assert done.code == 0, done.err
    data = json.loads(done.out)
    assert data["schema_version"] == 1 and data["disclaimer"] == checker.DISCLAIMER
    assert data["before"] == "llama-3.1" and data["after"] == "llama-3.2" and data["identical"] is False
    added = {c["clause"] for c in data["clauses"] if c["change"] == "added"}
    assert "eu-multimodal" in added
    eu = next(r for r in data["regions"] if "§AUP eu-multimodal" in r["deciding"]["after"])
    witness = checker.ServiceProfile.model_validate(eu["witness"])
    assert checker.evaluate(CATALOGUE.get("llama-3.2"), witness).outcome.value == eu["after_outcome"] == "forbidden"
    assert any({"fact": "domicile", "class": "in EU", "value": "DE"} in case for case in eu["cases"])


def test_cli_diff_unknown_licence(cli: object) -> None:
    done = run_cli("diff", "llama-3.1", "lama-3.2")
    assert done.code == 2
    assert "unknown licence 'lama-3.2'" in done.err and "did you mean" in done.err
    assert "Traceback" not in done.err


def test_name_prefix_duties_are_part_of_the_space() -> None:
    space = diffed("llama-3", "llama-3.1").space
    names = next(a for a in space.axes if a.axis.fact is Fact.DERIVATIVE_NAME)
    # The prefixes come from the name-prefix duties of the two licences, and from the name conditions
    # of llama-3's model-name-spelling (other spellings of "Llama 3" are an open question there).
    spellings = {"Llama-3-Acme", "Llama_3-Acme", "Llama3-Acme", "llama-Acme", "LLaMA-Acme", "LLAMA-Acme"}
    assert {c.value for c in names.choices} == {None, "Llama 3-Acme", "Llama-Acme", "Acme", *spellings}


def test_cli_witness_flags_reproduce_the_outcomes(cli: object) -> None:
    """The witness is printed as `check` flags: pasted into `check`, it gives the two outcomes."""
    out = run_cli("diff", "llama-3", "llama-3.1", env={"COLUMNS": "400"}).out
    lines = out.splitlines()
    claim = "forbidden under llama-3 (§1.b.i model-name, §1.b.v outputs-ban) → conditional"
    index = next(i for i, line in enumerate(lines) if claim in line)
    case = next(line for line in lines[index:] if "witness (§1.b.v outputs-ban):" in line)
    witness = case.split("):", 1)[1].strip()
    done = run_cli("check", "-l", "llama-3", "-l", "llama-3.1", *shlex.split(witness), "--format", "json")
    outcomes = {r["license"]: r["outcome"] for r in json.loads(done.out)["results"]}
    assert outcomes == {"llama-3": "forbidden", "llama-3.1": "conditional"}


# ---- a difference hidden in a combination of facts -------------------------------------------

HEADER = """license {id} "{id}"
  licensor      "Example Licensor"
  source        "https://example.org/{id}"
  verified      primary "example.org/{id}"

clause grant §1 "Grant"
  > You may use the model.
  permits
"""
USES = ["chatbot", "code-assistant", "content-generation", "research", "surveillance", "automated-decisions",
        "medical-advice", "legal-advice", "financial-advice", "impersonation"]  # fmt: skip


def hidden_pair(folder: Path, uses: int, quantities: bool = False) -> None:
    """Two licences that differ only when a service has `uses` particular uses at once (and, with
    `quantities`, more than 10M users in June 2024 and more than USD 1M of revenue)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hidden-a.terms").write_text(HEADER.format(id="hidden-a"), encoding="utf-8")
    condition = " and ".join(f"any use in {{{u}}}" for u in USES[:uses])
    if quantities:
        condition += " and mau in month before 2024-07-23 > 10M users and revenue > USD 1M"
    combination = f"""
clause combination §2 "Combination"
  > You may not use the model for all of these purposes at once.
  when {condition}
  forbidden
"""
    (folder / "hidden-b.terms").write_text(HEADER.format(id="hidden-b") + combination, encoding="utf-8")


@pytest.mark.parametrize("uses", [3, 7, 10])
@pytest.mark.parametrize("quantities", [False, True], ids=["uses", "uses+users+revenue"])
def test_cli_diff_finds_a_difference_hidden_in_a_combination(
    cli: object, tmp_path: Path, uses: int, quantities: bool
) -> None:
    hidden_pair(tmp_path, uses, quantities)
    done = run_cli("diff", "hidden-a", "hidden-b", "--licenses-dir", str(tmp_path), "--format", "json")
    assert done.code == 0, done.err
    data = json.loads(done.out)
    assert data["explored"]["exact"] is True and data["explored"]["bounded"] == []
    (region,) = data["regions"]
    assert (region["before_outcome"], region["after_outcome"]) == ("permitted", "forbidden")
    assert region["deciding"]["after"] == ["§2 combination"]
    witness = checker.ServiceProfile.model_validate(region["witness"])
    assert set(USES[:uses]) <= {u.value for u in witness.uses or ()}
    if quantities:
        assert witness.mau is not None and witness.mau.by_month["2024-06"] > 10_000_000
        assert witness.revenue is not None and witness.revenue > 1_000_000
    text = run_cli("diff", "hidden-a", "hidden-b", "--licenses-dir", str(tmp_path), env={"COLUMNS": "400"}).out
    assert "nowhere" not in text and "permitted under hidden-a" in text and "forbidden under hidden-b" in text
    line = next(x for x in text.splitlines() if "witness:" in x).strip().removeprefix("witness: ")
    check = run_cli("check", "-l", "hidden-a", "-l", "hidden-b", "--licenses-dir", str(tmp_path),
                    *shlex.split(line), "--format", "json")  # fmt: skip
    assert {r["license"]: r["outcome"] for r in json.loads(check.out)["results"]} == {
        "hidden-a": "permitted",
        "hidden-b": "forbidden",
    }


def test_cli_diff_of_equal_licences_is_proved_to_be_nowhere(cli: object, tmp_path: Path) -> None:
    hidden_pair(tmp_path, 7)
    (tmp_path / "hidden-c.terms").write_text(HEADER.format(id="hidden-c"), encoding="utf-8")
    done = run_cli("diff", "hidden-a", "hidden-c", "--licenses-dir", str(tmp_path))
    assert done.code == 0, done.err
    assert "nowhere: every profile gets the same outcome under both (proved by the solver)" in done.out


def test_cli_diff_without_the_solver_says_it_enumerated_and_was_bounded(cli: object, tmp_path: Path) -> None:
    """MODELTERMS_ENGINE=enumeration stands for an install without z3: the old enumeration, which
    misses the combination, and says so rather than claiming there is no difference."""
    hidden_pair(tmp_path, 7)
    env = {"MODELTERMS_ENGINE": "enumeration", "COLUMNS": "400"}
    done = run_cli("diff", "hidden-a", "hidden-b", "--licenses-dir", str(tmp_path), env=env)
    assert done.code == 0, done.err
    assert "engine: enumeration of the profile space (bounded)" in done.out
    assert "pip install 'modelterms[solver]'" in done.out
    assert "bounded: use: combinations of at most" in done.out
    assert "nowhere" not in done.out and "none found by the enumeration, which was bounded" in done.out


def test_diff_opens_with_a_three_line_summary(cli: object) -> None:
    run = run_cli("diff", "llama-3", "llama-3.1", env={"COLUMNS": "80"})
    assert run.code == 0
    lines = run.out.splitlines()
    assert lines[0] == "modelterms diff llama-3 → llama-3.1"
    assert lines[1] == "header: name, version, released, sources"
    assert lines[2].startswith("clauses: ") and "changed" in lines[2]
    assert lines[3].startswith("the outcome differs in ") and "regions of profiles" in lines[3]
