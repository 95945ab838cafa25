"""A policy's `discover:`: the models its code uses are checked like listed ones, and every format
points at the line of code that uses a model — SARIF and GitHub annotations on that line."""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from conftest import run_cli
from test_policy_formats import sarif_schema

VISION = "meta-llama/Llama-3.2-11B-Vision-Instruct"  # multimodal: forbidden to an EU company (Llama 3.2 AUP)
PROFILE = """\
    profile: {mau: 1000000, domicile: DE, markets: [DE], uses: [chatbot], commercial: true, serves: true,
              distributes: false, fine_tunes: false, trains_on_outputs: false, end_user: false}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "ollama").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "src" / "vision.py").write_text(
        "from transformers import AutoModelForVision2Seq\n\n\n"
        f'MODEL = AutoModelForVision2Seq.from_pretrained("{VISION}")\n',
        encoding="utf-8",
    )
    (tmp_path / "src" / "chat.py").write_text(
        "from transformers import AutoModelForCausalLM\n\n"
        "def load(args):\n"
        '    chat = AutoModelForCausalLM.from_pretrained("openai/gpt-oss-20b")\n'
        "    return chat, AutoModelForCausalLM.from_pretrained(args.model)\n",
        encoding="utf-8",
    )
    (tmp_path / "ollama" / "Modelfile").write_text("FROM gemma2:9b\n", encoding="utf-8")
    (tmp_path / "tests" / "test_x.py").write_text('AutoModel.from_pretrained("fixture/model")\n', encoding="utf-8")
    write(tmp_path, "models:\n  - license: mit\ndiscover: [src/, ollama/]\n")
    return tmp_path


def write(root: Path, body: str) -> Path:
    path = root / "modelterms.yaml"
    path.write_text("version: 1\n" + textwrap.dedent(PROFILE) + body, encoding="utf-8")
    return path


def policy(root: Path, *args: str, code: int = 1) -> str:
    done = run_cli("policy", *args, cwd=root)
    assert done.code == code, done.out + done.err
    assert "Traceback" not in done.err
    return done.out if code != 2 else done.err


def test_a_forbidden_model_found_in_code_fails_and_sarif_points_at_its_line(repo: Path) -> None:
    log = json.loads(policy(repo, "--format", "sarif"))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    results = log["runs"][0]["results"]
    failing = [r for r in results if r["level"] == "error"]
    assert failing and all(r["properties"]["model"] == VISION for r in failing)
    for result in failing:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "src/vision.py"
        assert location["region"] == {"startLine": 4, "startColumn": 48}
        assert result["properties"]["outcome"] == "forbidden"
    assert any(r["ruleId"].startswith("llama-3.2/") for r in failing)
    # The model named at run time is a warning on its own line; the test fixture is not read.
    dynamic = [r for r in results if r["ruleId"] == "modelterms/dynamic-model"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in dynamic] == [5]
    assert "fixture/model" not in json.dumps(log)


def test_github_annotations_and_junit_sit_on_the_code_lines(repo: Path) -> None:
    github = policy(repo, "--format", "github").splitlines()
    assert any(line.startswith("::error file=src/vision.py,line=4,col=48,") for line in github)
    assert any(line.startswith("::notice file=ollama/Modelfile,line=1,col=6,") for line in github)
    assert any(line.startswith("::warning file=src/chat.py,line=5,") for line in github)
    suite = ET.fromstring(policy(repo, "--format", "junit"))
    failed = [c for c in suite.iter("testcase") if c.find("failure") is not None]
    assert {(c.get("file"), c.get("line")) for c in failed} == {("src/vision.py", "4")}


def test_json_text_and_markdown_name_the_places(repo: Path) -> None:
    data = json.loads(policy(repo, "--format", "json"))
    by_entry = {(r["entry"], r["license"]): r for r in data["results"]}
    vision = by_entry[(VISION, "llama-3.2")]
    assert vision["outcome"] == "forbidden" and vision["location"] == "src/vision.py:4"
    assert vision["occurrences"] == [
        {"model": VISION, "file": "src/vision.py", "line": 4, "column": 48, "kind": "from-pretrained",
         "detail": "AutoModelForVision2Seq.from_pretrained"}
    ]  # fmt: skip
    assert by_entry[("gemma2:9b", "gemma")]["occurrences"][0]["license"] == "gemma"
    assert ("openai/gpt-oss-20b", "apache-2.0") in by_entry and ("mit", "mit") in by_entry
    assert [d["line"] for d in data["discovered"]["dynamic"]] == [5]
    text = policy(repo)
    assert "used at src/vision.py:4:48" in text and "models named at run time" in text
    assert "Used at: `src/vision.py:4:48` (from-pretrained)" in policy(repo, "--format", "markdown")


def test_a_model_listed_and_found_is_checked_once_at_both_places(repo: Path) -> None:
    write(repo, f"models:\n  - model: {VISION}\ndiscover: [src/]\n")
    data = json.loads(policy(repo, "--format", "json"))
    assert [r["entry"] for r in data["results"] if r["license"] == "llama-3.2"] == [VISION]
    github = policy(repo, "--format", "github")
    assert "::error file=modelterms.yaml,line=5," in github and "::error file=src/vision.py,line=4," in github


def test_discover_alone_and_its_long_form(repo: Path) -> None:
    write(repo, "discover:\n  paths: [src/]\n  exclude: [vision.py]\n")
    data = json.loads(policy(repo, "--format", "json", code=0))
    assert {r["entry"] for r in data["results"]} == {"openai/gpt-oss-20b"}
    write(repo, "discover:\n  paths: [.]\n  include-tests: true\n")
    done = run_cli("policy", "--offline", cwd=repo)
    assert done.code == 2 and "fixture/model" in done.err  # a test fixture, read when asked, offline unknown


def test_an_ollama_name_without_a_known_licence_is_bad_input_at_its_line_until_named(repo: Path) -> None:
    (repo / "ollama" / "Modelfile").write_text("# ours\nFROM qwen2.5:7b\n", encoding="utf-8")
    err = policy(repo, code=2)
    assert "ollama/Modelfile:2:6: error[E260]: the code uses Ollama model 'qwen2.5:7b'" in err
    assert "FROM qwen2.5:7b" in err and "name: qwen2.5:7b" in err
    write(repo, "models:\n  - license: apache-2.0\n    name: qwen2.5:7b\ndiscover: [src/, ollama/]\n")
    data = json.loads(policy(repo, "--format", "json"))
    named = next(r for r in data["results"] if r["entry"] == "qwen2.5:7b")
    assert named["license"] == "apache-2.0" and named["occurrences"][0]["file"] == "ollama/Modelfile"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("discover: [../]\n", "leads outside the repository"),
        ("discover: [nowhere/]\n", "no file or folder 'nowhere/'"),
        ("fail-on: [forbidden]\n", "give the models in use (`models:`), where to find them (`discover:`), or both"),
        ("discover: {paths: []}\n", "discover"),
    ],
)
def test_bad_discover_entries(repo: Path, body: str, message: str) -> None:
    write(repo, body)
    assert message in policy(repo, code=2)


def test_a_symlink_out_of_the_repository_is_refused(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (repo / "linked").symlink_to(elsewhere, target_is_directory=True)
    write(repo, "discover: [linked]\n")
    assert "through a symlink" in policy(repo, code=2)
