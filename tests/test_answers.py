"""Questions a licence leaves open, answered by the user (`--answer`, `answers:`), and obligations
reported done (`--done`, `done:`): through the library API, the command line and policy files."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from conftest import run_cli

import checker
from checker import Outcome, ServiceProfile
from checker.terms import model
from checker.terms.regions import members

CATALOGUE = checker.catalogue()
IMPERSONATION = "llama-3.1/aup-impersonation"
SERVICE = {
    "uses": ["impersonation"],
    "commercial": True,
    "distributes": False,
    "serves": True,
    "fine_tunes": False,
    "trains_on_outputs": False,
    "domicile": "US",
    "markets": ["US"],
    "mau": 10,
}
FLAGS = ["--use", "impersonation", "--commercial", "--no-distribute", "--serve", "--no-fine-tune"]
FLAGS += ["--no-train-on-outputs", "--domicile", "US", "--market", "US", "--mau", "10"]


def _reason(verdict: checker.LicenseVerdict, clause: str) -> checker.Reason | None:
    return next((r for r in verdict.reasons if r.clause == clause), None)


# ---- question ids -----------------------------------------------------------------------------


def test_an_open_question_carries_its_id() -> None:
    (verdict,) = checker.check("llama-3.1", SERVICE)
    assert verdict.outcome is Outcome.UNDETERMINED
    reason = _reason(verdict, "aup-impersonation")
    assert reason is not None and reason.question_id == IMPERSONATION and reason.answered is None


def test_the_text_and_json_show_the_question_id() -> None:
    text = run_cli("check", "-l", "llama-3.1", *FLAGS)  # the short answer: how to answer it
    assert text.code == 1 and f"--answer {IMPERSONATION}=yes|no" in text.out
    full = run_cli("check", "-l", "llama-3.1", *FLAGS, "--details")
    assert f"[{IMPERSONATION}]" in full.out and f"--answer {IMPERSONATION}=yes|no" in full.out
    data = json.loads(run_cli("check", "-l", "llama-3.1", *FLAGS, "--format", "json").out)
    ids = [r.get("question_id") for r in data["results"][0]["reasons"]]
    assert IMPERSONATION in ids
    explained = run_cli("explain", "-l", "llama-3.1", *FLAGS)
    assert explained.code == 0 and IMPERSONATION in explained.out


# ---- answers decide ---------------------------------------------------------------------------


def test_answering_yes_decides_the_clause_as_its_refusal() -> None:
    profile = {**SERVICE, "answers": {IMPERSONATION: "yes", "llama-3.1/aup-human-generated": "no"}}
    (verdict,) = checker.check("llama-3.1", profile)
    assert verdict.outcome is Outcome.FORBIDDEN
    reason = _reason(verdict, "aup-impersonation")
    assert reason is not None and reason.answered == "yes" and reason.question_id == IMPERSONATION
    assert reason.quote.startswith("Impersonating another individual")  # the licence's words, unchanged


def test_answering_no_switches_the_clause_off() -> None:
    profile = {**SERVICE, "answers": {IMPERSONATION: "no", "llama-3.1/aup-human-generated": {"answer": "no"}}}
    (verdict,) = checker.check("llama-3.1", profile)
    assert verdict.outcome is Outcome.CONDITIONAL
    assert _reason(verdict, "aup-impersonation") is None


def test_an_answer_is_shown_as_the_users_with_its_reason(tmp_path: Any) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        "answers:\n"
        f"  {IMPERSONATION}:\n    answer: yes\n    reason: the persona imitates a living actor\n"
        "  llama-3.1/aup-human-generated: no\n"
    )
    run = run_cli("check", "-l", "llama-3.1", *FLAGS, "--profile", str(profile))
    assert run.code == 1
    assert "answered by you: yes — the persona imitates a living actor" in " ".join(run.out.split())
    # A flag overrides the profile file's answer for the same id.
    run = run_cli("check", "-l", "llama-3.1", *FLAGS, "--profile", str(profile), "--answer", f"{IMPERSONATION}=no")
    assert run.code == 0, run.out


@pytest.mark.parametrize("command", ["check", "explain", "compare"])
def test_an_unknown_question_id_is_exit_2_with_a_suggestion(command: str) -> None:
    run = run_cli(command, "-l", "llama-3.1", "--answer", "llama-3.1/aup-impersonaton=yes")
    assert run.code == 2
    assert "error[E222]: unknown question 'llama-3.1/aup-impersonaton'" in run.err
    assert f"did you mean '{IMPERSONATION}'" in run.err


def test_a_malformed_answer_is_exit_2() -> None:
    run = run_cli("check", "-l", "llama-3.1", "--answer", f"{IMPERSONATION}=maybe")
    assert run.code == 2 and "error[E230]" in run.err


def test_an_unknown_question_id_through_the_library_names_it() -> None:
    with pytest.raises(checker.ProfileError) as raised:
        checker.check("llama-3.1", {"answers": {"llama-3.1/nope": "yes"}})
    assert "unknown question 'llama-3.1/nope'" in str(raised.value)


def test_a_missing_fact_names_the_flag_and_the_profile_key() -> None:
    (verdict,) = checker.check("llama-3.1", {})
    missing = {m.fact: m for m in verdict.missing_facts}
    assert missing["use"].flag == "--use" and missing["use"].profile_key == "uses:"
    run = run_cli("check", "-l", "llama-3.1")
    assert "(use: give --use or uses:; llama-3.1)" in " ".join(run.out.split())
    run = run_cli("check", "-l", "llama-3.1", "--details")
    assert "(give --use or uses:)" in " ".join(run.out.split())


# ---- every question of the catalogue is answerable ----------------------------------------------


def _outside(regions: tuple[str, ...]) -> str:
    target = frozenset().union(*(members(r) for r in regions))
    return next(c for c in ("US", "CN", "JP", "BR", "DE", "AQ") if not members(c) & target)


def _make(condition: model.Condition, want: bool) -> dict[str, Any]:
    """Facts under which a condition has the wanted truth (a simple witness: enough for the catalogue)."""
    match condition:
        case model.FlagIs(fact=fact):
            return {fact.value: want}
        case model.Compare(fact=fact, comparator=comparator, value=value):
            low, high = value.value - 1, value.value + 1
            candidates = [max(Decimal(0), low), value.value, high]
            chosen = next(v for v in candidates if comparator.holds(v, value.value) is want)
            return {fact.value: int(chosen) if fact.value in ("mau", "dau") else chosen}
        case model.InRegion(fact=fact, regions=regions):
            return {fact.value: regions[0] if want else _outside(regions)}
        case model.AnyMarketIn(regions=regions):
            return {"markets": [regions[0]] if want else [_outside(regions)]}
        case model.AnyUseIn(uses=uses):
            other_use = next(u for u in checker.UseCase if u not in uses)
            return {"uses": [uses[0].value] if want else [other_use.value]}
        case model.IsModality(value=value):
            other = next(m for m in checker.Modality if m is not value)
            return {"modality": value.value if want else other.value}
        case model.StartsWith(fact=fact, prefix=prefix):
            return {fact.value: prefix + "-x" if want else "zz-" + prefix}
        case model.NotCondition(item=item):
            return _make(item, not want)
        case model.AllOf(items=items):
            return _merge([_make(i, True) for i in items]) if want else _make(items[0], False)
        case model.AnyOf(items=items):
            return _make(items[0], True) if want else _merge([_make(i, False) for i in items])
    raise AssertionError(condition)


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if key in ("uses", "markets") and key in merged:
                merged[key] = sorted({*merged[key], *value})
            else:
                merged[key] = value
    return merged


QUESTIONS = [
    (lic, clause) for lic in CATALOGUE.licenses for clause in lic.clauses if isinstance(clause.effect, model.Unclear)
]


def test_the_catalogue_asks_questions() -> None:
    assert len(QUESTIONS) >= 150


@pytest.mark.parametrize(("license", "clause"), QUESTIONS, ids=[f"{lic.id}/{c.id}" for lic, c in QUESTIONS])
def test_every_question_answered_yes_or_no_leaves_its_clause_decided(
    license: checker.License, clause: model.Clause
) -> None:
    """Under facts that make the clause's condition hold, each answer decides it: the refusing
    answer refuses (unless the term is unverified), the other leaves the clause out of the reasons."""
    assert isinstance(clause.effect, model.Unclear)
    qid = f"{license.id}/{clause.id}"
    facts = _make(clause.condition, True) if clause.condition is not None else {}
    facts = {k.replace("-", "_"): v for k, v in facts.items()}
    open_verdict = checker.evaluate(license, ServiceProfile.model_validate(facts))
    open_reason = _reason(open_verdict, clause.id)
    assert open_verdict.outcome.refuses or (open_reason is not None and open_reason.question_id == qid)
    for answer in (True, False):
        profile = ServiceProfile.model_validate({**facts, "answers": {qid: answer}})
        verdict = checker.evaluate(license, profile)
        reason = _reason(verdict, clause.id)
        assert reason is None or reason.answered is not None, (answer, reason)
        if answer is clause.effect.refusing_answer:
            doubted = clause.unverified or license.verification.value in ("secondary", "unverified")
            assert verdict.outcome.refuses or doubted, verdict.outcome
        else:
            assert reason is None


# ---- obligations reported done ----------------------------------------------------------------

APACHE_DUTIES = ["apache-2.0/license-copy", "apache-2.0/modified-files", "apache-2.0/retain-notices"]
APACHE_DUTIES += ["apache-2.0/trademarks"]


def test_obligations_carry_ids_and_done_reports() -> None:
    profile = {"distributes": True, "commercial": True, "done": {"apache-2.0/license-copy": {"evidence": "LICENSE"}}}
    (verdict,) = checker.check("apache-2.0", profile)
    items = {o.obligation_id: o for o in verdict.obligations}
    assert sorted(items) == sorted(APACHE_DUTIES)
    assert items["apache-2.0/license-copy"].done and items["apache-2.0/license-copy"].evidence == "LICENSE"
    assert not items["apache-2.0/retain-notices"].done


def test_check_fails_on_open_obligations_until_all_are_done() -> None:
    base = ["check", "-l", "apache-2.0", "--distribute", "--commercial", "--fail-on", "open-obligations"]
    assert run_cli(*base[:-2]).code == 0  # conditional: passes by default
    open_run = run_cli(*base)
    assert open_run.code == 1 and "obligations (open):" in open_run.out
    done = [a for duty in APACHE_DUTIES for a in ("--done", duty)]
    assert run_cli(*base, *done).code == 0
    data = json.loads(run_cli(*base, *done[:-2], "--format", "json").out)
    assert data["results"][0]["open_obligations"] == ["apache-2.0/trademarks"]
    assert len(data["results"][0]["done_obligations"]) == 3


def test_an_unknown_obligation_id_is_exit_2_with_a_suggestion() -> None:
    run = run_cli("check", "-l", "apache-2.0", "--done", "apache-2.0/licence-copy")
    assert run.code == 2 and "error[E223]: unknown obligation 'apache-2.0/licence-copy'" in run.err
    assert "did you mean 'apache-2.0/license-copy'" in run.err


def _policy(tmp_path: Any, done: str) -> Any:
    path = tmp_path / "modelterms.yaml"
    path.write_text(
        "version: 1\n"
        "profile: {distributes: true, commercial: true}\n"
        "fail-on: [forbidden, needs-license, undetermined, open-obligations]\n"
        "done:\n  apache-2.0/retain-notices: {evidence: NOTICE}\n"
        f"models:\n  - license: apache-2.0\n    done: [{done}]\n"
    )
    return path


def test_a_policy_with_every_obligation_done_passes(tmp_path: Any) -> None:
    done = "apache-2.0/license-copy, apache-2.0/modified-files, apache-2.0/trademarks"
    run = run_cli("policy", "--policy", str(_policy(tmp_path, done)))
    assert run.code == 0, run.out
    assert "fails on: forbidden, needs-license, undetermined, open-obligations" in run.out


def test_a_policy_with_one_obligation_open_fails(tmp_path: Any) -> None:
    run = run_cli("policy", "--policy", str(_policy(tmp_path, "apache-2.0/license-copy, apache-2.0/modified-files")))
    assert run.code == 1 and "apache-2.0/trademarks" in run.out


def test_a_policy_answers_per_model_and_names_an_unknown_id_where_it_stands(tmp_path: Any) -> None:
    path = tmp_path / "modelterms.yaml"
    facts = "{uses: [impersonation], commercial: true, distributes: false, serves: true, fine-tunes: false, "
    facts += "trains-on-outputs: false, domicile: US, markets: [US], mau: 10}"
    path.write_text(
        f"version: 1\nprofile: {facts}\n"
        f"answers:\n  llama-3.1/aup-human-generated: no\n"
        "models:\n  - license: llama-3.1\n    answers:\n"
        f"      {IMPERSONATION}: {{answer: no, reason: licensed voice}}\n"
    )
    assert run_cli("policy", "--policy", str(path)).code == 0
    path.write_text(path.read_text().replace(IMPERSONATION, "llama-3.1/aup-impersonate"))
    run = run_cli("policy", "--policy", str(path))
    assert run.code == 2 and "modelterms.yaml:8:7: error[E222]" in run.err and IMPERSONATION in run.err


def test_a_question_whose_no_refuses_is_decided_by_no() -> None:
    """`unclear "Is this use non-commercial research …?" if no forbidden`: no refuses, yes does not."""
    qid = "opt-175b/research-only"
    clause = CATALOGUE.get("opt-175b").clause("research-only")
    assert isinstance(clause.effect, model.Unclear) and clause.effect.refusing_answer is False
    facts = ["-l", "opt-175b", "--non-commercial", "--no-serve", "--no-distribute", "--use", "chatbot"]
    no = run_cli("check", *facts, "--answer", f"{qid}=no", "--format", "json")
    yes = run_cli("check", *facts, "--answer", f"{qid}=yes", "--format", "json")
    assert json.loads(no.out)["results"][0]["outcome"] == "forbidden", no.out
    answered_yes = json.loads(yes.out)["results"][0]
    assert "research-only" not in [r["clause"] for r in answered_yes["reasons"]]
    assert answered_yes["outcome"] != "forbidden"


def test_every_policy_format_shows_the_open_obligation_that_fails_the_run(tmp_path: Any) -> None:
    import xml.etree.ElementTree as ET  # noqa: PLC0415

    policy = str(_policy(tmp_path, "apache-2.0/license-copy, apache-2.0/modified-files"))
    sarif = json.loads(run_cli("policy", "--policy", policy, "--format", "sarif").out)
    results = sarif["runs"][0]["results"]
    by_id = {r["properties"].get("obligation_id"): r for r in results}
    assert by_id["apache-2.0/trademarks"]["level"] == "error"  # open, and open obligations fail the run
    assert by_id["apache-2.0/trademarks"]["properties"]["done"] is False
    assert by_id["apache-2.0/retain-notices"]["level"] == "note"  # reported done: never what fails
    assert "Reported done (NOTICE)" in by_id["apache-2.0/retain-notices"]["message"]["text"]

    root = ET.fromstring(run_cli("policy", "--policy", policy, "--format", "junit").out)
    (failure,) = root.iter("failure")
    assert failure.get("type") == "open-obligations"
    assert "Open obligations: [apache-2.0/trademarks]" in (failure.text or "")
    assert "[apache-2.0/retain-notices] (NOTICE)" in (failure.text or "")
    fail_on = next(p for p in root.iter("property") if p.get("name") == "fail-on")
    assert fail_on.get("value") == "forbidden,needs-license,undetermined,open-obligations"

    markdown = run_cli("policy", "--policy", policy, "--format", "markdown").out
    opened, done = markdown.split("Obligations (open):")[1].split("Obligations (done):")
    assert "`apache-2.0/trademarks`" in opened and "`apache-2.0/retain-notices`" not in opened
    assert "`apache-2.0/retain-notices`" in done and "evidence: NOTICE" in done

    github = run_cli("policy", "--policy", policy, "--format", "github").out
    assert github.startswith("::error ") and "Open obligations: [apache-2.0/trademarks]" in github


def test_without_open_obligations_in_fail_on_an_open_duty_is_only_a_note(tmp_path: Any) -> None:
    path = _policy(tmp_path, "apache-2.0/license-copy")
    path.write_text(path.read_text().replace(", open-obligations", ""))
    run = run_cli("policy", "--policy", str(path), "--format", "sarif")
    assert run.code == 0
    levels = {r["properties"].get("obligation_id"): r["level"] for r in json.loads(run.out)["runs"][0]["results"]}
    assert levels["apache-2.0/trademarks"] == "note"
