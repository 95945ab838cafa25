"""Models the index lacks, looked up on the Hugging Face Hub — here a stand-in on 127.0.0.1
(`tests/hub_stand_in.py`, reached through HF_ENDPOINT), never the network.

Through the real console script: the card's licence and base-model chain, provenance in text and
JSON, the cache (offline answers, --refresh), and every failure as exit 2 with a diagnostic.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Run, run_cli
from hub_stand_in import SHA, stand_in

PROFILE = ("--mau", "1M", "--commercial", "--serve")


@pytest.fixture(scope="module")
def hub() -> Iterator[tuple[str, Counter[str]]]:
    with stand_in() as server:
        yield server


@pytest.fixture
def env(hub: tuple[str, Counter[str]], records_cache: Path) -> dict[str, str]:
    endpoint, _ = hub
    return {
        "HF_ENDPOINT": endpoint,
        "MODELTERMS_CACHE_DIR": str(records_cache),
        "MODELTERMS_HUB_TIMEOUT": "1",
        "HF_HUB_OFFLINE": "",
        "HF_TOKEN": "",
    }


def check(env: dict[str, str], *models: str, extra: tuple[str, ...] = ()) -> Run:
    return run_cli("check", *(a for m in models for a in ("--model", m)), *PROFILE, *extra, env=env)


def licences(run: Run) -> dict[str, dict[str, object]]:
    return {r["license"]: r for r in json.loads(run.out)["results"]}


def test_a_fine_tune_the_index_lacks_gets_its_card_licence_and_its_base_models(env: dict[str, str]) -> None:
    run = check(env, "acme/llama-ft", extra=("--format", "json"))
    assert run.code in (0, 1), run.err
    found = licences(run)
    assert set(found) == {"llama-3.1"}
    assert found["llama-3.1"]["provenance"] == "card"
    assert found["llama-3.1"]["model"] == "acme/llama-ft"
    notes = " ".join(found["llama-3.1"]["assumptions"])  # type: ignore[arg-type]
    assert "acme/llama-ft: licence llama3.1; base model meta-llama/Llama-3.1-8B (finetune)" in notes
    assert f"revision {SHA[:12]}" in notes


def test_a_two_step_chain_of_unknown_fine_tunes_resolves_to_its_base_licence(env: dict[str, str]) -> None:
    run = check(env, "acme/ft-of-ft", extra=("--format", "json"))
    found = licences(run)
    assert set(found) == {"llama-3.1"}
    assert found["llama-3.1"]["provenance"] == "base-model"
    assert found["llama-3.1"]["model_via"] == "meta-llama/Llama-3.1-8B"
    assert found["llama-3.1"]["requested_as"] == "acme/ft-of-ft via base model meta-llama/Llama-3.1-8B"


def test_the_text_output_says_where_each_licence_came_from(env: dict[str, str]) -> None:
    run = check(env, "acme/ft-of-ft")
    text = " ".join(run.out.split())  # the terminal wraps long lines
    assert text.startswith("acme/ft-of-ft: undetermined llama-3.1: undetermined — "), text
    assert "(via base model meta-llama/Llama-3.1-8B)" in text
    full = " ".join(check(env, "acme/ft-of-ft", extra=("--details",)).out.split())
    assert "acme/ft-of-ft via base model meta-llama/Llama-3.1-8B" in full
    assert "from its model card on the Hugging Face Hub" in full


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("acme/llama-ft-gguf", {"llama-3.1"}),  # a quantized copy of a fine-tune
        ("acme/gemma-lora", {"apache-2.0", "gemma"}),  # an adapter: its own licence and its base's
        ("acme/merge", {"llama-3.1", "gemma"}),  # a merge: every base's licence applies
        ("acme/dual", {"apache-2.0", "mit"}),  # a licence list
        ("acme/other-known", {"deepseek"}),  # `other` with a license_name the catalogue knows
        ("acme/tag-only", {"mit"}),  # no card data: the Hub's license: tag
        ("acme/gated", {"gemma"}),  # gated, but its card is readable
        ("acme/busy", {"mit"}),  # rate-limited twice (Retry-After: 0), then answered
    ],
)
def test_each_shape_of_card_resolves(env: dict[str, str], model: str, expected: set[str]) -> None:
    run = check(env, model, extra=("--format", "json"))
    assert run.code in (0, 1), run.err
    assert set(licences(run)) == expected


@pytest.mark.parametrize(
    ("model", "code", "words"),
    [
        ("acme/missing", "E250", "no model 'acme/missing' in the model index or on the Hugging Face Hub"),
        ("acme/always-busy", "E253", "rate-limited (429), 3 times"),
        ("acme/broken", "E254", "answered 500"),
        ("acme/slow", "E251", "not reachable"),
        ("acme/no-card", "E257", "names no licence and no base model"),
        ("acme/malformed", "E256", "`license` is not a name or a list of names"),
        ("acme/other-unknown", "E258", "https://acme.example/terms"),
        ("acme/bare-other", "E258", "`license: other` without a `license_name`"),
        ("acme/cycle-a", "E259", "form a cycle: acme/cycle-a → acme/cycle-b → acme/cycle-a"),
    ],
)
def test_every_failure_is_a_diagnostic_and_exit_2(env: dict[str, str], model: str, code: str, words: str) -> None:
    run = check(env, model)
    assert run.code == 2, (run.out, run.err)
    assert f"error[{code}]" in run.err and words in run.err, run.err
    assert "Traceback" not in run.err


def test_the_hub_down_is_a_clear_error(env: dict[str, str]) -> None:
    run = check({**env, "HF_ENDPOINT": "http://127.0.0.1:9"}, "acme/llama-ft")
    assert run.code == 2 and "error[E251]" in run.err and "run once online" in run.err


def test_what_was_fetched_once_answers_offline(env: dict[str, str], hub: tuple[str, Counter[str]]) -> None:
    _, requests = hub
    first = check(env, "acme/merge", extra=("--format", "json"))
    asked = requests["acme/merge"]
    for offline in ({"HF_HUB_OFFLINE": "1"}, {}):
        again = check({**env, **offline}, "acme/merge", extra=("--format", "json", *(("--offline",) * (not offline))))
        assert again.code == first.code and set(licences(again)) == {"llama-3.1", "gemma"}
        notes = " ".join(licences(again)["gemma"]["assumptions"])  # type: ignore[arg-type]
        assert "cached from" in notes
    assert requests["acme/merge"] == asked  # no request after the first run
    check(env, "acme/merge", extra=("--refresh",))
    assert requests["acme/merge"] == asked + 1


def test_offline_without_a_cached_answer_says_how_to_get_one(
    env: dict[str, str], hub: tuple[str, Counter[str]]
) -> None:
    _, requests = hub
    before = requests["acme/dual"]
    run = check(env, "acme/dual", extra=("--offline",))
    assert run.code == 2 and "error[E252]" in run.err and "run once online" in run.err
    assert requests["acme/dual"] == before


def test_a_doctored_cached_answer_is_not_believed(env: dict[str, str]) -> None:
    check(env, "acme/llama-ft")
    [cached] = (Path(env["MODELTERMS_CACHE_DIR"]) / "hub").glob("*llama-ft*.json")
    cached.write_text("{not json", encoding="utf-8")
    run = check(env, "acme/llama-ft", extra=("--format", "json"))  # asks the Hub again
    assert set(licences(run)) == {"llama-3.1"}
    cached.unlink()
    cached.symlink_to("/dev/zero")
    run = check(env, "acme/llama-ft", extra=("--format", "json", "--offline"))
    assert run.code == 2 and "error[E252]" in run.err


def test_a_cached_answer_edited_to_say_another_licence_is_not_believed(
    env: dict[str, str], hub: tuple[str, Counter[str]]
) -> None:
    """Valid JSON with the licence changed (llama3.1 -> mit), or another repository's sealed file
    copied over this one's: the seal does not match, so the Hub is asked again (or, offline, E252)."""
    _, requests = hub
    check(env, "acme/llama-ft")
    check(env, "acme/dual")
    folder = Path(env["MODELTERMS_CACHE_DIR"]) / "hub"
    [cached] = folder.glob("*llama-ft.json")
    text = cached.read_text(encoding="utf-8")
    assert "llama3.1" in text
    cached.write_text(text.replace("llama3.1", "mit"), encoding="utf-8")
    asked = requests["acme/llama-ft"]
    run = check(env, "acme/llama-ft", extra=("--format", "json"))
    assert set(licences(run)) == {"llama-3.1"} and requests["acme/llama-ft"] == asked + 1
    [dual] = folder.glob("*dual.json")
    cached.write_bytes(dual.read_bytes())
    run = check(env, "acme/llama-ft", extra=("--format", "json", "--offline"))
    assert run.code == 2 and "error[E252]" in run.err, run.out


def test_a_model_the_index_lists_never_asks_the_hub(env: dict[str, str]) -> None:
    run = check({**env, "HF_ENDPOINT": "http://127.0.0.1:9"}, "meta-llama/Llama-3.1-8B", extra=("--format", "json"))
    assert run.code in (0, 1) and set(licences(run)) == {"llama-3.1"}
    assert licences(run)["llama-3.1"]["provenance"] == "index"


def test_a_name_that_is_no_repo_id_is_an_unknown_model_not_a_request(env: dict[str, str]) -> None:
    run = check({**env, "HF_ENDPOINT": "http://127.0.0.1:9"}, "lama-3.1-8b")
    assert run.code == 2 and "error[E221]" in run.err


def test_the_library_looks_up_the_hub_too(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    import checker  # noqa: PLC0415

    [verdict] = checker.check(models="acme/plain-ft", profile={"commercial": True})
    assert verdict.license == "llama-3.1" and verdict.provenance == "base-model"


def test_a_typo_of_an_indexed_model_is_not_found_with_a_suggestion(env: dict[str, str]) -> None:
    # A typo outside every pattern of the index (meta-llama/Llama-3.1-8X would match meta-llama/Llama-3.1-*).
    run = check(env, "meta-llama/Lama-3.1-8B")
    assert run.code == 2 and "error[E250]" in run.err and "did you mean 'meta-llama/Llama-3.1-8B'" in run.err


START = """
import sys
from checker.cli.app import main
sys.argv = ["modelterms", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print("\\nhub loaded:", "huggingface_hub" in sys.modules)
"""


@pytest.mark.parametrize("args", [("--license", "llama"), ("--model", "meta-llama/Llama-3.1-8B")])
def test_a_check_the_index_answers_never_imports_huggingface_hub(env: dict[str, str], args: tuple[str, ...]) -> None:
    import os  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    done = subprocess.run(
        [sys.executable, "-c", START, "check", *args, "--format", "json"],
        capture_output=True, text=True, env={**os.environ, **env}, check=False,
    )  # fmt: skip
    assert done.stdout.rsplit("hub loaded:", 1)[1].split() == ["False"], done.stderr


def test_scan_with_hub_looks_up_the_base_models_the_index_lacks(
    env: dict[str, str], hub: tuple[str, Counter[str]]
) -> None:
    """A row whose base model only the Hub knows: unchecked without --hub; with it, the base's card
    (and its own base, Llama 3.1) decides, each repository asked once for many rows; then offline."""
    _, requests = hub
    rows = "".join(f'{{"id": "acme/row-{n}", "base_model": "acme/plain-ft"}}\n' for n in range(3))
    scan = ("scan", "-", "--mau", "800M", "--commercial", "--serve", "-f", "jsonl")
    without = run_cli(*scan, env=env, stdin=rows)
    assert '"unchecked_base_models": ["acme/plain-ft"]' in without.out, without.out
    asked = requests["acme/plain-ft"]
    run = run_cli(*scan, "--hub", env=env, stdin=rows)
    assert run.code == 1, run.err
    lines = [json.loads(line) for line in run.out.splitlines() if line.startswith('{"model"')]
    assert [row["outcome"] for row in lines] == ["needs-license"] * 3, run.out
    assert all(row["licenses"] == ["llama-3.1"] for row in lines)
    assert requests["acme/plain-ft"] == asked + 1
    offline = run_cli(*scan, "--hub", env={**env, "HF_HUB_OFFLINE": "1"}, stdin=rows)
    assert offline.out.count('"needs-license"') >= 3 and requests["acme/plain-ft"] == asked + 1
