"""Shared helpers: the real console script, and the bundled catalogue."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from checker.terms import model

ROOT = Path(__file__).resolve().parent.parent

# No test touches the network: a model the index lacks would be looked up on the Hugging Face Hub,
# so the Hub is a closed port unless a test points HF_ENDPOINT at its stand-in (tests/hub_stand_in.py).
os.environ["HF_ENDPOINT"] = "http://127.0.0.1:9"
os.environ.pop("HF_HUB_OFFLINE", None)

# The licences issue 2 asks the catalogue to hold.
CORE_LICENSES = frozenset(
    {"llama-2", "llama-3", "llama-3.1", "llama-3.2", "llama-3.3", "llama-4", "gemma", "apache-2.0", "mit",
     "deepseek", "mistral-research", "mistral-non-production"}
)  # fmt: skip


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None) -> Run:
    """Run the installed `modelterms` console script, colourless and wide."""
    script = shutil.which("modelterms")
    command = [script] if script else [sys.executable, "-m", "checker"]
    environment = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    done = subprocess.run(
        [*command, *args], input=stdin, capture_output=True, text=True, cwd=cwd or ROOT, env=environment,
        timeout=120, check=False,
    )  # fmt: skip
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="session")
def cli() -> type[Run]:
    if shutil.which("modelterms") is None:
        pytest.fail("the modelterms console script is not installed: run `pip install -e '.[test]'` first")
    return Run


def same_nodes(read: object, parsed: object) -> bool:
    """Equal to the last detail equality leaves out: every value of the same type, every span, the
    fields given when it was built."""
    if isinstance(parsed, model.Node):
        assert type(read) is type(parsed)
        assert isinstance(read, model.Node)
        assert read.span == parsed.span and read.model_fields_set == parsed.model_fields_set
        return all(same_nodes(getattr(read, name), getattr(parsed, name)) for name in type(parsed).model_fields)
    if isinstance(parsed, list | tuple):
        assert isinstance(read, type(parsed))
        return all(same_nodes(r, p) for r, p in zip(read, parsed, strict=True))
    assert type(read) is type(parsed) and read == parsed, (read, parsed)
    return True
