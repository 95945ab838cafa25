"""`modelterms policy`: the example through the real console script, waivers, and bad policies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT, run_cli

import checker
from checker.terms.model import quote_hash

EXAMPLE = ROOT / "examples" / "acme-assistant" / "modelterms.yaml"
LLAMA_S2 = "additional-commercial-terms"


def llama_hash() -> str:
    return quote_hash(checker.catalogue().get("llama-3.1").clause(LLAMA_S2).quote)


def test_the_example_policy_passes(cli: object) -> None:
    run = run_cli("policy", "--policy", str(EXAMPLE), "--format", "json")
    assert run.code == 0, run.out + run.err
    data = json.loads(run.out)
    assert data["passed"] is True
    pairs = [(r["entry"], r["license"]) for r in data["results"]]
    assert pairs == [
        ("embeddings (Apache-2.0)", "apache-2.0"),
        ("openai/gpt-oss-20b", "gpt-oss-usage-policy"),
        ("openai/gpt-oss-20b", "apache-2.0"),
        ("meta-llama/Llama-3.1-8B-Instruct", "llama-3.1"),
        ("models/acme-coder/README.md", "llama-3.1"),
    ]
    assert all(r["location"].startswith(str(EXAMPLE)) for r in data["results"])


def test_the_example_policy_runs_from_its_own_folder_by_default(cli: object) -> None:
    run = run_cli("policy", cwd=EXAMPLE.parent)
    assert run.code == 0, run.out + run.err
    assert "policy passed" in run.out and "not legal advice" in run.out


def write_policy(tmp_path: Path, body: str) -> Path:
    (tmp_path / "cards" / "ft").mkdir(parents=True, exist_ok=True)
    (tmp_path / "cards" / "ft" / "README.md").write_text(
        "---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-3.2-11B-Vision-Instruct\n---\n# A fine-tune\n",
        encoding="utf-8",
    )
    path = tmp_path / "modelterms.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


POLICY = """\
    version: 1
    profile:
      mau: 800000000
      domicile: US
      uses: [chatbot]
      commercial: true
      serves: true
      distributes: false
      fine_tunes: false
      trains_on_outputs: false
      end_user: false
    models:
      - license: llama-3.1
      - model: meta-llama/Llama-3.3-70B-Instruct
      - model: gpt-oss-120b
      - license: mit
      - card: cards/ft/README.md
    waivers:
      - license: llama-3.1
        clause: additional-commercial-terms
        reason: separate-license-acquired
        evidence: "Meta agreement 2026-0042"
        owner: legal@acme.example
        expires: 2099-12-31
        quote-sha256: "{hash}"
      - license: llama-3.3
        clause: additional-commercial-terms
        reason: legal-review
        evidence: "review LR-7"
        owner: legal@acme.example
        expires: 2020-01-01
        quote-sha256: "{hash3}"
      - license: gemma
        clause: license-copy
        reason: not-applicable
        evidence: "we do not use Gemma"
        owner: platform@acme.example
        expires: 2099-12-31
        quote-sha256: "{gemma}"
"""


def hashes() -> dict[str, str]:
    cat = checker.catalogue()
    return {
        "hash": llama_hash(),
        "hash3": quote_hash(cat.get("llama-3.3").clause(LLAMA_S2).quote),
        "gemma": quote_hash(cat.get("gemma").clause("license-copy").quote),
    }


def test_waivers_apply_expire_and_go_unused(cli: object, tmp_path: Path) -> None:
    path = write_policy(tmp_path, POLICY.format(**hashes()))
    run = run_cli("policy", "--policy", str(path), "--format", "json")
    assert run.code == 1, run.err  # the expired waiver fails the run, and Llama 3.3 still needs a licence
    data = json.loads(run.out)
    statuses = [(w["license"], w["status"]) for w in data["waivers"]]
    assert statuses == [("llama-3.1", "applied"), ("llama-3.3", "expired"), ("gemma", "unused")]
    by_licence = {(r["entry"], r["license"]): r for r in data["results"]}
    waived = by_licence[("llama-3.1", "llama-3.1")]
    assert waived["outcome"] == "conditional" and waived["waived"] == [LLAMA_S2]
    assert by_licence[("meta-llama/Llama-3.3-70B-Instruct", "llama-3.3")]["outcome"] == "needs-license"
    card = by_licence[("cards/ft/README.md", "llama-3.2")]
    assert card["requested_as"].startswith("cards/ft/README.md via base model")
    assert ("cards/ft/README.md", "apache-2.0") in by_licence
    text = run_cli("policy", "--policy", str(path)).out
    assert "expired on 2020-01-01" in text and "policy FAILED" in text


def test_a_waiver_lapses_when_the_clause_text_changes(cli: object, tmp_path: Path) -> None:
    body = POLICY.format(hash="0" * 64, **{k: v for k, v in hashes().items() if k != "hash"})
    path = write_policy(tmp_path, body)
    data = json.loads(run_cli("policy", "--policy", str(path), "--format", "json").out)
    (first, *_) = data["waivers"]
    assert first["status"] == "stale"
    assert llama_hash() in first["message"]
    results = {(r["entry"], r["license"]): r for r in data["results"]}
    assert results[("llama-3.1", "llama-3.1")]["outcome"] == "needs-license"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("version: 1\nmodels:\n  - license: mit\n  - license: apache-2.0\n  - license: lama-3.1\n",
         ":5:14: error[E210]: models[2].license: unknown licence 'lama-3.1'"),
        ("version: 1\nmodels:\n  - license: mit\n    model: gpt-oss-20b\n",
         "models[0]: give exactly one of license, model or card"),
        ("models:\n  - license: mit\n", "version"),
        ("version: 2\nmodels:\n  - license: mit\n", "unsupported policy version 2"),
        ("version: 1\nmodels:\n  - model: gpt-oss-2b\n", "did you mean 'gpt-oss-20b'"),
        ("version: 1\nmodels:\n  - card: nope/README.md\n", "models[0].card: no model card at 'nope/README.md'"),
        ("version: 1\nmodels:\n  - license: mit\nfail-on: [forbiden]\n", "did you mean 'forbidden'"),
        ("version: 1\nprofile:\n  domicile: Norway\nmodels:\n  - license: mit\n", "profile.domicile"),
        ("version: 1\nmodels:\n  - license: mit\nwaivers:\n  - license: mit\n    clause: grnt\n"
         "    reason: legal-review\n    evidence: x\n    owner: y\n    expires: 2099-01-01\n"
         "    quote-sha256: '0123456789ab'\n",
         "waivers[0].clause: mit has no clause 'grnt'"),
        ("version: 1\nmodels:\n  - license: mit\nwaivers:\n  - license: mit\n    clause: grant\n    reason: because\n"
         "    evidence: x\n    owner: y\n    expires: 2099-01-01\n    quote-sha256: '0123456789ab'\n",
         "waivers[0].reason"),
        ("version: 1\nmodels: [\n", "E200"),
        ("version: 1\nmodels:\n  - license: mit\nwaivers:\n  - license: mit\n    clause: grant\n"
         "    reason: legal-review\n    evidence: x\n    owner: y\n    expires: 2099-01-01\n"
         "    quote-sha256: 123456789012\n",
         "write the hash in quotes"),
    ],
)  # fmt: skip
def test_bad_policies_get_a_line_and_a_yaml_path(cli: object, tmp_path: Path, body: str, expected: str) -> None:
    path = write_policy(tmp_path, body)
    run = run_cli("policy", "--policy", str(path))
    assert run.code == 2, run.out
    assert expected in run.err, run.err
    assert "Traceback" not in run.err


def test_a_missing_policy_file_is_explained(cli: object, tmp_path: Path) -> None:
    run = run_cli("policy", cwd=tmp_path)
    assert run.code == 2
    assert "create modelterms.yaml or give --policy" in run.err


def test_schema_validates_the_example(cli: object) -> None:
    run = run_cli("schema")
    assert run.code == 0
    schema = json.loads(run.out)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": 1, "models": [{"licence": "mit"}]}, schema)


def test_schema_takes_open_obligations_in_fail_on_and_hides_internal_fields(cli: object) -> None:
    schema = json.loads(run_cli("schema").out)
    policy = {"version": 1, "models": [{"license": "mit"}], "fail-on": ["forbidden", "open-obligations"]}
    jsonschema.validate(policy, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**policy, "fail-on": ["open-obligation"]}, schema)
    assert set(schema["properties"]) <= {
        "version",
        "profile",
        "models",
        "discover",
        "licenses",
        "fail-on",
        "waivers",
        "answers",
        "done",
    }


def test_output_file(cli: object, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    run = run_cli("policy", "--policy", str(EXAMPLE), "--format", "json", "--output", str(out))
    assert run.code == 0 and run.out == ""
    assert json.loads(out.read_text(encoding="utf-8"))["passed"] is True


@pytest.mark.parametrize(
    ("front_matter", "licences"),
    [
        ("license: [mit, apache-2.0]\n", ["apache-2.0", "mit"]),
        ("license: other\nlicense_name: gemma\n", ["gemma"]),
        ("license: mit\nbase_model: meta-llama/Llama-3.1-8B\n", ["llama-3.1", "mit"]),
    ],
    ids=["a-list", "other-with-a-name", "with-a-base-model"],
)
def test_a_model_card_is_read_as_scan_reads_it(
    cli: object, tmp_path: Path, front_matter: str, licences: list[str]
) -> None:
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "README.md").write_text(f"---\n{front_matter}---\n# A model\n", encoding="utf-8")
    policy = tmp_path / "modelterms.yaml"
    policy.write_text("version: 1\nprofile:\n  mau: 10\nmodels:\n  - card: cards/README.md\n", encoding="utf-8")
    run = run_cli("policy", "--policy", str(policy), "--format", "json")
    assert run.code in (0, 1), run.err
    assert sorted(r["license"] for r in json.loads(run.out)["results"]) == licences
    scanned = run_cli("scan", str(tmp_path / "cards"), "-f", "jsonl", "--mau", "10")
    assert sorted(json.loads(scanned.out.splitlines()[0])["licenses"]) == licences


def test_a_model_card_field_of_the_wrong_type_is_a_policy_error(cli: object, tmp_path: Path) -> None:
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "README.md").write_text("---\nlicense: 5\n---\n", encoding="utf-8")
    policy = tmp_path / "modelterms.yaml"
    policy.write_text("version: 1\nmodels:\n  - card: cards/README.md\n", encoding="utf-8")
    run = run_cli("policy", "--policy", str(policy))
    assert run.code == 2
    assert "models[0].card: cards/README.md: `license` must be a string or a list of strings, not int" in run.err


COUNT_OPENS = """\
import atexit, os, sys
card, opened = os.path.realpath(sys.argv[1]), []
def hook(event, args):
    if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        if os.path.realpath(os.fsdecode(args[0])) == card:
            opened.append(1)
sys.addaudithook(hook)
atexit.register(lambda: print(f"card opened {len(opened)} times", file=sys.stderr))
sys.argv = ["modelterms", *sys.argv[2:]]
from checker.cli.app import main
main()
"""


def test_each_model_card_is_read_once_per_run(tmp_path: Path) -> None:
    """Issue 14, item 9: a card from a pull request is hostile input and was read three times (when
    the policy was checked, then by each of the two evaluations); now once, however often it is named.
    Counted by the interpreter's audit hook on every `open` of the card's path."""
    policy = write_policy(tmp_path, "version: 1\nmodels:\n  - card: cards/ft/README.md\n  - card: cards/ft/README.md\n")
    card = tmp_path / "cards" / "ft" / "README.md"
    done = subprocess.run(
        [sys.executable, "-c", COUNT_OPENS, str(card), "policy", "--policy", str(policy), "--format", "json"],
        capture_output=True, text=True, timeout=120, check=False, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr  # the profile lacks facts: the policy fails
    assert "card opened 1 times" in done.stderr, done.stderr
    results = json.loads(done.stdout)["results"]
    assert [r["license"] for r in results] == ["apache-2.0", "llama-3.2"] * 2
