"""`--format cyclonedx` from check, scan, policy and discover: CycloneDX 1.6 ML-BOMs, each validated
against the official 1.6 JSON schema that cyclonedx-python-lib ships."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from hub_stand_in import SHA, stand_in

PROFILE = ("--mau", "1000000", "--domicile", "US", "--commercial", "--serve", "--no-distribute", "--no-fine-tune",
           "--no-train-on-outputs", "--no-end-user", "--use", "chatbot")  # fmt: skip


def valid(text: str) -> dict[str, Any]:
    """The document, after checking it against the CycloneDX 1.6 schema (strict: no unknown fields)."""
    problem = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert problem is None, problem
    data: dict[str, Any] = json.loads(text)
    assert data["bomFormat"] == "CycloneDX" and data["specVersion"] == "1.6"
    return data


def bom(*args: str, code: int = 0, cwd: Path | None = None, env: dict[str, str] | None = None) -> dict[str, Any]:
    done = run_cli(*args, "--format", "cyclonedx", cwd=cwd, env=env)
    assert done.code == code, done.err
    return valid(done.out)


def components(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {(f"{c['group']}/" if "group" in c else "") + c["name"]: c for c in data["components"]}


def properties(component: dict[str, Any], name: str) -> list[str]:
    return [p["value"] for p in component.get("properties", []) if p["name"] == f"modelterms:{name}"]


def test_check_a_distill_gives_its_licence_its_base_model_and_the_verdicts() -> None:
    data = bom("check", "--model", "deepseek-ai/DeepSeek-R1-Distill-Llama-8B", *PROFILE)
    model = components(data)["deepseek-ai/DeepSeek-R1-Distill-Llama-8B"]
    assert model["type"] == "machine-learning-model"
    assert model["purl"] == "pkg:huggingface/deepseek-ai/DeepSeek-R1-Distill-Llama-8B"
    assert model["licenses"] == [{"expression": "MIT"}]
    (base,) = model["pedigree"]["ancestors"]
    assert base["purl"] == "pkg:huggingface/meta-llama/Llama-3.1-8B"
    assert base["licenses"] == [{"expression": "LicenseRef-scancode-llama-3.1-license-2024"}]
    assert properties(model, "outcome") == ["conditional"]
    assert sorted(properties(model, "verdict")) == ["llama-3.1: conditional", "mit: permitted"]
    assert any("Built with Llama" in o for o in properties(model, "obligation"))
    meta = {p["name"]: p["value"] for p in data["metadata"]["properties"]}
    assert "not legal advice" in meta["modelterms:disclaimer"] and json.loads(meta["modelterms:profile"])["mau"]
    assert data["metadata"]["tools"]["components"][0]["name"] == "modelterms"


def test_licences_spdx_ids_scancode_refs_or_a_name_and_its_address() -> None:
    models = ("-m", "google/gemma-2-9b", "-m", "openai/gpt-oss-20b", "-m", "meta-llama/Llama-3.3-70B-Instruct")
    data = bom("check", *models, "--mau", "800M", code=1)
    found = components(data)
    assert found["google/gemma-2-9b"]["licenses"] == [
        {"license": {"name": "Gemma Terms of Use", "url": "https://ai.google.dev/gemma/terms"}}
    ]
    gpt = found["openai/gpt-oss-20b"]["licenses"]
    assert {"license": {"id": "Apache-2.0"}} in gpt and any(
        e["license"].get("name") == "OpenAI gpt-oss Usage Policy" for e in gpt
    )
    llama = found["meta-llama/Llama-3.3-70B-Instruct"]
    assert properties(llama, "outcome") == ["needs-license"]
    assert any("(additional-commercial-terms)" in c for c in properties(llama, "deciding-clause"))


def test_a_licence_alone_is_no_model() -> None:
    done = run_cli("check", "--license", "mit", "--format", "cyclonedx")
    assert done.code == 2 and "give --model" in done.err


@pytest.fixture(scope="module")
def hub() -> Iterator[tuple[str, Counter[str]]]:
    with stand_in() as server:
        yield server


def test_a_hub_model_has_its_revision_in_the_purl(hub: tuple[str, Counter[str]], records_cache: Path) -> None:
    env = {"HF_ENDPOINT": hub[0], "MODELTERMS_CACHE_DIR": str(records_cache)}
    env |= {"MODELTERMS_HUB_TIMEOUT": "1", "HF_TOKEN": ""}
    data = bom("check", "--model", "acme/llama-ft-gguf", *PROFILE, env=env)
    model = components(data)["acme/llama-ft-gguf"]
    assert model["purl"] == f"pkg:huggingface/acme/llama-ft-gguf@{SHA}"
    ancestors = {a["group"] + "/" + a["name"]: a for a in model["pedigree"]["ancestors"]}
    assert set(ancestors) == {"acme/llama-ft", "meta-llama/Llama-3.1-8B"}
    assert ancestors["acme/llama-ft"]["licenses"] == [{"expression": "LicenseRef-scancode-llama-3.1-license-2024"}]
    assert "licenses" not in model  # a quantized copy names no licence of its own: its base's apply


def test_scan_lists_every_model_with_its_outcome(tmp_path: Path) -> None:
    rows = [
        {"id": "acme/a", "license": "mit"},
        {"id": "acme/b", "license": "llama3.1", "base_model": "meta-llama/Llama-3.1-8B"},
        {"id": "acme/c", "license": "acme-custom"},
    ]
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    data = bom("scan", str(dump), "--mau", "800M", code=1)
    found = components(data)
    assert properties(found["acme/a"], "outcome") == ["conditional"]  # MIT's notice, if it distributes
    assert properties(found["acme/b"], "outcome") == ["needs-license"]
    assert found["acme/b"]["pedigree"]["ancestors"][0]["name"] == "Llama-3.1-8B"
    assert found["acme/c"]["licenses"] == [{"license": {"name": "acme-custom"}}]
    assert properties(found["acme/c"], "outcome") == ["undetermined"]
    assert run_cli("scan", str(dump), "--summary", "--format", "cyclonedx").code == 2


def test_policy_and_discover_put_the_code_that_uses_a_model_in_its_evidence(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text('AutoModel.from_pretrained("google/gemma-2-9b-it")\n', encoding="utf-8")
    (tmp_path / "Modelfile").write_text("FROM llama3.1:8b\n", encoding="utf-8")
    (tmp_path / "modelterms.yaml").write_text(
        "version: 1\nprofile: {commercial: true}\nmodels:\n  - license: mit\ndiscover: [src/, Modelfile]\n", "utf-8"
    )
    data = bom("policy", cwd=tmp_path, code=1)
    found = components(data)
    gemma = found["google/gemma-2-9b-it"]
    assert gemma["evidence"]["occurrences"] == [
        {"location": "src/app.py", "line": 1, "offset": 27, "additionalContext": "from-pretrained"}
    ]
    assert gemma["licenses"][0]["license"]["name"] == "Gemma Terms of Use"
    assert found["llama3.1:8b"]["licenses"] == [{"expression": "LicenseRef-scancode-llama-3.1-license-2024"}]
    assert "mit" in found and properties(found["mit"], "verdict") == ["mit: conditional"]
    discovered = components(bom("discover", "--offline", cwd=tmp_path))
    assert set(discovered) == {"google/gemma-2-9b-it", "llama3.1:8b"}
    assert "modelterms:verdict" not in json.dumps(discovered)  # discover checks no profile


def test_discover_lists_a_model_it_cannot_resolve_with_why(tmp_path: Path) -> None:
    app = ROOT / "tests" / "fixtures" / "discover-app"
    found = components(bom("discover", str(app), "--offline"))
    assert found["meta-llama/Llama-3.1-8B-Instruct"]["licenses"]
    (tmp_path / "app.py").write_text(
        'from transformers import AutoModel\nAutoModel.from_pretrained("acme-labs/not-in-the-index")\n',
        encoding="utf-8",
    )
    unknown = components(bom("discover", str(tmp_path), "--offline"))
    assert properties(unknown["acme-labs/not-in-the-index"], "unresolved")
    uses = found["meta-llama/Llama-3.1-8B-Instruct"]["evidence"]["occurrences"]
    assert len(uses) == 3  # two loader calls and the adapter's base model


def test_without_the_extra_the_format_is_a_clear_error(tmp_path: Path) -> None:
    fake = tmp_path / "cyclonedx"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('not installed')\n", encoding="utf-8")
    done = run_cli("check", "-m", "openai/gpt-oss-20b", "--format", "cyclonedx", env={"PYTHONPATH": str(tmp_path)})
    assert done.code == 2 and "pip install 'modelterms[bom]'" in done.err and "Traceback" not in done.err
