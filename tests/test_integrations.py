"""The CI integrations: the pre-commit hook under the real pre-commit, and the GitHub Action's script.

The pre-commit test installs this repository into a hook environment the way a team's
`.pre-commit-config.yaml` would (`pre-commit try-repo` also takes uncommitted changes), so it
needs the package index that `pip install` uses; it takes a minute on a cold cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from test_policy import POLICY, hashes, write_policy

PASSING = "version: 1\nprofile: {commercial: true, distributes: false}\nmodels:\n  - license: mit\n"


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


def pre_commit(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "200", "PRE_COMMIT_COLOR": "never"}
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "modelterms-policy", "--all-files"]
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env, timeout=900, check=False)


def test_the_hook_definition_runs_the_policy_command() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "modelterms-policy"
    assert hook["entry"] == "modelterms policy" and hook["language"] == "python"
    assert hook["pass_filenames"] is False


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_runs_the_policy_and_fails_with_it(tmp_path: Path) -> None:
    home = tmp_path / "pre-commit-home"
    repo = tmp_path / "service"
    repo.mkdir()
    git(repo, "init", "-q")
    write_policy(repo, POLICY.format(**hashes()))  # expired waiver, Llama 3.3 needs a licence: fails
    git(repo, "add", "-A")
    failed = pre_commit(repo, home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "modelterms policy (model licences)" in failed.stdout and "Failed" in failed.stdout
    assert "llama-3.3" in failed.stdout and "expired on 2020-01-01" in failed.stdout

    (repo / "modelterms.yaml").write_text(PASSING, encoding="utf-8")
    git(repo, "add", "-A")
    passed = pre_commit(repo, home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout


def action_script() -> tuple[dict[str, object], str]:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    (step,) = [s for s in action["runs"]["steps"] if s.get("id") == "policy"]
    return action, step["run"]


def run_action(tmp_path: Path, policy_body: str) -> tuple[subprocess.CompletedProcess[str], Path, Path, Path]:
    """The action's policy step as GitHub runs it: bash, inputs in the environment, from the repo root."""
    _, script = action_script()
    write_policy(tmp_path, policy_body)
    summary, outputs, sarif = tmp_path / "summary.md", tmp_path / "outputs.txt", tmp_path / "out.sarif"
    env = {
        **os.environ,
        "MODELTERMS_POLICY": "modelterms.yaml",
        "MODELTERMS_SARIF": str(sarif),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "NO_COLOR": "1",
    }
    done = subprocess.run(
        ["bash", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    return done, summary, outputs, sarif


def test_the_action_installs_from_its_own_checkout() -> None:
    action, _ = action_script()
    steps = action["runs"]["steps"]  # type: ignore[index]
    install = next(s for s in steps if s.get("name") == "Install modelterms")
    assert '"$GITHUB_ACTION_PATH"' in install["run"]
    assert set(action["inputs"]) == {"policy", "sarif-file", "python-version"}  # type: ignore[arg-type]


def test_the_action_fails_annotates_and_summarises(tmp_path: Path) -> None:
    done, summary, outputs, sarif = run_action(tmp_path, POLICY.format(**hashes()))
    assert done.returncode == 1, done.stdout + done.stderr
    assert any(line.startswith("::error file=modelterms.yaml,line=") for line in done.stdout.splitlines())
    assert summary.read_text(encoding="utf-8").startswith("## modelterms policy ❌ failed")
    assert outputs.read_text(encoding="utf-8") == "exit-code=1\n"
    assert json.loads(sarif.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_the_action_passes_a_passing_policy(tmp_path: Path) -> None:
    done, summary, outputs, _ = run_action(tmp_path, PASSING)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "✅ passed" in summary.read_text(encoding="utf-8")
    assert outputs.read_text(encoding="utf-8") == "exit-code=0\n"


def test_the_action_reports_a_bad_policy_as_bad_input(tmp_path: Path) -> None:
    done, _, outputs, _ = run_action(tmp_path, "version: 1\nmodels:\n  - license: lama-3.1\n")
    assert done.returncode == 2
    assert "models[0].license: unknown licence 'lama-3.1'" in done.stderr and "Traceback" not in done.stderr
    assert outputs.read_text(encoding="utf-8") == "exit-code=2\n"
