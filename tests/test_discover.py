"""`modelterms discover`: the model references of a sample application (tests/fixtures/discover-app),
found with the right line and column and nothing else — no comment, docstring, other string, test or
fixture — in every format; and the rules for Python, configuration files, Dockerfiles and Modelfiles
one by one."""

from __future__ import annotations

import json
import shutil
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import ROOT, run_cli
from test_policy_formats import sarif_schema

APP = ROOT / "tests" / "fixtures" / "discover-app"
EXPECTED = [tuple(row) for row in json.loads((APP.parent / "discover-app.expected.json").read_text(encoding="utf-8"))]


def findings(path: Path, *extra: str, cwd: Path | None = None) -> list[tuple[Any, ...]]:
    done = run_cli("discover", str(path), "--format", "json", *extra, cwd=cwd)
    assert done.code == 0, done.err
    data = json.loads(done.out)
    prefix = path.as_posix().rstrip("/") + "/"
    return [(f["file"].removeprefix(prefix), f["line"], f["column"], f["kind"], f["model"]) for f in data["findings"]]


def test_the_sample_application_gives_exactly_its_model_references() -> None:
    found = findings(APP)
    missing = sorted(set(EXPECTED) - set(found))
    extra = sorted(set(found) - set(EXPECTED))
    assert not missing and not extra, (missing, extra)
    assert len(found) == len(EXPECTED) == 29


def test_the_json_contract() -> None:
    done = run_cli("discover", "tests/fixtures/discover-app", "-f", "json")
    data = json.loads(done.out)
    assert data["schema_version"] == 1 and "not legal advice" in data["disclaimer"]
    first = next(f for f in data["findings"] if f["file"].endswith("src/acme/chat.py"))
    assert set(first) >= {"model", "file", "line", "column", "kind"}
    assert first["file"] == "tests/fixtures/discover-app/src/acme/chat.py"
    assert "meta-llama/Llama-3.1-8B-Instruct" in data["models"] and len(data["models"]) == len(set(data["models"]))
    ollama = next(f for f in data["findings"] if f["kind"] == "ollama" and f["model"] == "llama3.1:8b")
    assert ollama["license"] == "llama-3.1" and ollama["detail"] == "FROM"
    dynamic = next(f for f in data["findings"] if f["kind"] == "dynamic")
    assert dynamic["model"] is None and "settings.model_name" in dynamic["detail"]
    litellm = next(f for f in data["findings"] if f["kind"] == "litellm")
    assert litellm["written"] == "huggingface/meta-llama/Llama-3.3-70B-Instruct"


def test_tests_and_fixtures_are_read_only_when_asked() -> None:
    found = {(f[0], f[4]) for f in findings(APP, "--include-tests")}
    assert ("tests/check_chat.py", "hf-internal-testing/tiny-random-gpt2") in found
    assert ("fixtures/request.json", "fixture/never-used") in found
    # A file named on the command line is always read.
    assert findings(APP / "tests" / "check_chat.py")[0][4] == "hf-internal-testing/tiny-random-gpt2"


def test_gitignore_exclude_virtual_environments_and_node_modules_are_skipped(tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(APP, app)
    use = 'from transformers import AutoModel\nAutoModel.from_pretrained("acme/{}")\n'
    (app / ".gitignore").write_text("outputs/\n*.local.py\n", encoding="utf-8")
    places = [("outputs", "a.py"), ("src", "x.local.py"), (".venv/lib", "b.py"), ("node_modules/pkg", "c.py"),
              ("env/lib", "d.py"), ("__pycache__", "e.py")]  # fmt: skip
    for folder, name in places:
        (app / folder).mkdir(parents=True, exist_ok=True)
        (app / folder / name).write_text(use.format(name), encoding="utf-8")
    (app / ".venv" / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")
    (app / "env" / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")
    (app / "src" / "kept.py").write_text(use.format("kept"), encoding="utf-8")
    found = findings(app, "--exclude", "src/acme/images.py", "--exclude", "scripts/")
    models = {f[4] for f in found}
    assert "acme/kept" in models
    assert not {"acme/a.py", "acme/x.local.py", "acme/b.py", "acme/c.py", "acme/d.py", "acme/e.py"} & models
    assert "stabilityai/stable-diffusion-xl-base-1.0" not in models  # --exclude
    assert "black-forest-labs/FLUX.1-schnell" not in models


def test_a_gitignore_above_the_folder_given_applies(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("generated/\n", encoding="utf-8")
    (tmp_path / "src" / "generated").mkdir(parents=True)
    (tmp_path / "src" / "generated" / "a.py").write_text('AutoModel.from_pretrained("acme/generated")\n', "utf-8")
    (tmp_path / "src" / "b.py").write_text('AutoModel.from_pretrained("acme/kept")\n', "utf-8")
    assert {f[4] for f in findings(tmp_path / "src")} == {"acme/kept"}


def test_files_that_do_not_parse_are_skipped_and_listed_never_fatal(tmp_path: Path) -> None:
    (tmp_path / "old.py").write_text('print "python 2"\nAutoModel.from_pretrained("acme/old")\n', encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("model: [unclosed\n", encoding="utf-8")
    (tmp_path / "bad.json").write_text('{"model": "acme/x",}', encoding="utf-8")
    (tmp_path / "blob.toml").write_bytes(b"\x00\x01model = 'acme/y'")
    (tmp_path / "ok.py").write_text('AutoModel.from_pretrained("acme/ok")\n', encoding="utf-8")
    done = run_cli("discover", str(tmp_path), "-f", "json")
    assert done.code == 0 and "Traceback" not in done.err
    data = json.loads(done.out)
    assert [f["model"] for f in data["findings"]] == ["acme/ok"]
    assert {Path(s["file"]).name for s in data["skipped"]} == {"old.py", "bad.yaml", "bad.json", "blob.toml"}
    text = run_cli("discover", str(tmp_path))
    assert "skipped" in text.out and "old.py" in text.out


def test_a_missing_path_is_bad_input() -> None:
    done = run_cli("discover", "no/such/folder")
    assert done.code == 2 and "no file or folder" in done.err and "Traceback" not in done.err


# ---- the formats ---------------------------------------------------------------------------------


def test_text_is_a_table_with_a_tally() -> None:
    done = run_cli("discover", "src", cwd=APP)
    assert done.code == 0
    assert "meta-llama/Llama-3.1-8B-Instruct" in done.out and "from-pretrained" in done.out
    assert "acme/chat.py:14:47" in done.out
    assert "references to" in done.out and "1 named at run time" in done.out and "not legal advice" in done.out


def test_sarif_validates_and_locates_each_use_at_its_line() -> None:
    done = run_cli("discover", ".", "-f", "sarif", cwd=APP)
    log = json.loads(done.out)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    results = log["runs"][0]["results"]
    assert len(results) == len(EXPECTED)
    chat = [
        r for r in results if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/acme/chat.py"
    ]
    regions = {(r["locations"][0]["physicalLocation"]["region"]["startLine"], r["level"]) for r in chat}
    assert (14, "note") in regions and (27, "warning") in regions  # the dynamic one is a warning


def test_github_markdown_and_junit() -> None:
    github = run_cli("discover", ".", "-f", "github", cwd=APP).out.splitlines()
    assert (
        "::notice file=src/acme/images.py,line=4,col=42,title=model stabilityai/stable-diffusion-xl-base-1.0::"
        in (next(line for line in github if "images.py" in line).split("uses")[0])
    )
    assert any(line.startswith("::warning file=src/acme/chat.py,line=27,") for line in github)
    markdown = run_cli("discover", ".", "-f", "markdown", cwd=APP).out
    assert "| `microsoft/phi-4` | hub-download | `src/acme/serving.py:13:35` |" in markdown
    junit = ET.fromstring(run_cli("discover", ".", "-f", "junit", cwd=APP).out)
    cases = list(junit.iter("testcase"))
    assert len(cases) == len(EXPECTED) and sum(c.find("skipped") is not None for c in cases) == 1


def test_output_goes_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "found.json"
    done = run_cli("discover", str(APP), "-f", "json", "-o", str(target))
    assert done.code == 0 and done.out == ""
    assert len(json.loads(target.read_text(encoding="utf-8"))["findings"]) == len(EXPECTED)


# ---- the rules one by one ------------------------------------------------------------------------


def one_file(tmp_path: Path, name: str, text: str) -> list[tuple[int, int, str, str | None]]:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return [(f[1], f[2], f[3], f[4]) for f in findings(path)]


PYTHON_CASES = [
    # A name followed through assignments, and where it is not.
    ('M = "acme/a"\nN = M\nAutoModel.from_pretrained(N)\n', [(3, 27, "from-pretrained", "acme/a")]),
    ("from config import M\nAutoModel.from_pretrained(M)\n", [(2, 27, "dynamic", None)]),
    (
        'def f(n="acme/default"):\n    return AutoModel.from_pretrained(n)\n',
        [(2, 38, "from-pretrained", "acme/default")],
    ),
    ("def f(n):\n    return AutoModel.from_pretrained(n)\n", [(2, 38, "dynamic", None)]),
    ('import os\nAutoModel.from_pretrained(os.environ["M"])\n', [(2, 27, "dynamic", None)]),
    (
        'import os\nm = os.environ.get("M", "acme/env-default")\nx = AutoModel.from_pretrained(m)\n',
        [(3, 31, "from-pretrained", "acme/env-default")],
    ),
    (
        'for m in ("acme/a", "acme/b"):\n    snapshot_download(m)\n',
        [(2, 23, "hub-download", "acme/a"), (2, 23, "hub-download", "acme/b")],
    ),
    # Aliased imports and module attributes.
    ('import transformers as tf\ntf.pipeline("summarization", model="acme/sum")\n', [(2, 36, "pipeline", "acme/sum")]),
    ('from vllm import LLM as Engine\nEngine("acme/served")\n', [(2, 8, "vllm", "acme/served")]),
    ("import vllm\nvllm.LLM(model=name)\n", [(2, 16, "dynamic", None)]),
    # Objects are not names: pipeline(model=model) passes a loaded model.
    (
        'model = AutoModel.from_pretrained("acme/m")\npipe = pipeline("text-generation", model=model)\n',
        [(1, 35, "from-pretrained", "acme/m")],
    ),
    # Legacy names the Hub redirects, and sentence-transformers' own organisation.
    (
        'AutoTokenizer.from_pretrained("bert-base-uncased")\n',
        [(1, 31, "from-pretrained", "google-bert/bert-base-uncased")],
    ),
    (
        'SentenceTransformer("all-mpnet-base-v2")\n',
        [(1, 21, "sentence-transformers", "sentence-transformers/all-mpnet-base-v2")],
    ),
    # Model-named variables, fields, options and dict entries.
    ('DEFAULT_MODEL = "acme/unused"\n', [(1, 17, "assignment", "acme/unused")]),
    ('class Args:\n    model_name_or_path: str = field(default="acme/field")\n', [(2, 45, "assignment", "acme/field")]),
    ('parser.add_argument("--model", default="acme/option")\n', [(1, 40, "model-argument", "acme/option")]),
    ('requests.post(url, json={"model": "acme/api"})\n', [(1, 35, "model-argument", "acme/api")]),
    # Not models: an output repo, a dataset, an API provider's model, a path, a file, a short name, prose.
    ('model.push_to_hub("acme/ours")\nTrainingArguments(hub_model_id="acme/ours")\n', []),
    ('hf_hub_download(repo_id="acme/data", repo_type="dataset", filename="x.csv")\n', []),
    ('completion(model="anthropic/claude-3-5-sonnet")\nlitellm.completion(model="groq/llama3-8b")\n', []),
    ('AutoModel.from_pretrained("./checkpoints/last")\nAutoModel.from_pretrained("/data/model")\n', []),
    ('model_file = "weights/model.safetensors"\nmodel_name = "my-model"\n', []),
    ('"""Uses acme/docstring."""\n# AutoModel.from_pretrained("acme/comment")\nprint("acme/printed")\n', []),
]


@pytest.mark.parametrize(("source", "expected"), PYTHON_CASES)
def test_python(tmp_path: Path, source: str, expected: list[tuple[int, int, str, str | None]]) -> None:
    assert one_file(tmp_path, "mod.py", source) == expected


def test_a_local_folder_that_looks_like_a_repo_id_is_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "outputs" / "checkpoint-500").mkdir(parents=True)
    assert one_file(tmp_path, "train.py", 'AutoModel.from_pretrained("outputs/checkpoint-500")\n') == []


CONFIG_CASES = [
    (
        "k8s.yaml",
        """\
        apiVersion: v1
        kind: Pod
        spec:
          containers:
            - name: server
              args: ["--model", "acme/served", "--port", "80"]
              env:
                - name: MODEL_ID
                  value: acme/from-env
        ---
        kind: ConfigMap
        data:
          base_model: acme/second-document
        """,
        [
            (6, 26, "cli-argument", "acme/served"),
            (9, 18, "environment", "acme/from-env"),
            (13, 15, "config", "acme/second-document"),
        ],
    ),
    (
        "config.json",
        '{"_name_or_path": "acme/saved", "architectures": ["LlamaForCausalLM"]}\n',
        [(1, 20, "config", "acme/saved")],
    ),
    (
        "pyproject.toml",
        '[tool.x]\nmodels = ["acme/one", "acme/two"]\nname = "acme/not-a-key"\n',
        [(2, 12, "config", "acme/one"), (2, 24, "config", "acme/two")],
    ),
    ("run.env", 'export MODEL_NAME="acme/quoted"\nOUTPUT_MODEL=acme/ours\n', [(1, 20, "environment", "acme/quoted")]),
    (
        "Dockerfile",
        "FROM python:3\nENV MODEL acme/old-form\nRUN git clone https://huggingface.co/acme/cloned\n",
        [(2, 11, "environment", "acme/old-form"), (3, 15, "cli-download", "acme/cloned")],
    ),
    ("Modelfile", "FROM hf.co/acme/gguf-model:Q4_K_M\n", [(1, 6, "ollama", "acme/gguf-model")]),
    ("proxy.yaml", "model_list:\n  - litellm_params:\n      model: ollama/mistral\n", [(3, 14, "ollama", "mistral")]),
]


@pytest.mark.parametrize(("name", "text", "expected"), CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_configuration(tmp_path: Path, name: str, text: str, expected: list[tuple[int, int, str, str | None]]) -> None:
    assert one_file(tmp_path, name, text) == expected
