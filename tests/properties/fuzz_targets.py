"""One fuzz target per input kind, shared by tests/properties/test_fuzz.py (short budget) and
benchmarks/fuzz.py (long budget). Each target takes one generated input and returns normally when
modelterms answered or diagnosed it; anything else (exit 3, an exception that is not a diagnostic)
raises. The seed inputs, including every crash found so far, are under tests/fuzz_corpus/<kind>/.
"""

from __future__ import annotations

import functools
import io
import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import typer
import typer.core
import typer.main
from typer.testing import CliRunner

import checker
from checker.ci.scan import Output, Scanner, scan_jsonl
from checker.cli.app import full_app
from checker.cli.coercion import share_plain_adapters
from checker.errors import CheckerError
from checker.evaluation.profile import ServiceProfile
from checker.evaluation.profile_file import profile_from_data
from checker.inputs.yamlfile import load_yaml
from checker.lookup.bundled import bundled, bundled_index

CORPUS = Path(__file__).resolve().parent.parent / "fuzz_corpus"
EXAMPLE_CARD = CORPUS.parent.parent / "examples" / "acme-assistant" / "models" / "acme-coder" / "README.md"
KINDS = ("licence", "profile", "policy", "scan_row", "cli")


def corpus(kind: str) -> list[str]:
    """The seed inputs of a kind (for `cli`, one command line per line)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((CORPUS / kind).iterdir()) if p.is_file()]
    if kind == "cli":
        return [line for text in texts for line in text.splitlines() if line.strip()]
    return texts


def licence(text: str) -> None:
    try:
        checker.parse_license(text, "fuzz.terms")
    except checker.LicenseFileError as error:
        assert error.diagnostics and "Traceback" not in error.render()


def profile(text: str) -> None:
    try:
        document = load_yaml(text, "p.yaml")
        profile_from_data(document.data if document.data is not None else {}, document)
    except CheckerError as error:
        assert getattr(error, "diagnostics", True)


_SCANNER: list[Scanner] = []


def scan_row(text: str) -> None:
    if not _SCANNER:
        _SCANNER.append(Scanner(ServiceProfile(commercial=True, serves=True), bundled(), bundled_index))
    out = io.StringIO()
    scan_jsonl(io.BytesIO(text.encode("utf-8", "surrogatepass")), "rows.jsonl", _SCANNER[0], out, output=Output.JSONL)


_RUNNER = CliRunner()
_ENV = {"NO_COLOR": "1", "COLUMNS": "200", "HF_HUB_OFFLINE": "1"}  # a fuzzed `--model` never asks the Hub


@functools.cache
def _command() -> typer.core.TyperGroup:
    """The command group `modelterms` runs, built once. Typer builds it from the signature and type
    hints of every command on each invocation (≈ 50 ms, nine tenths of a policy input's time in
    `CliRunner.invoke`); the group is the same every time, only the argument list changes. Built
    as the console script builds it (`checker.cli.app.main`: typer's shared plain adapters)."""
    share_plain_adapters()
    return typer.main.get_command(full_app())  # type: ignore[return-value]


@functools.cache
def _workdir() -> Path:
    """The folder command lines run in: a copy of the checkout's licences (so `licenses/mit.terms`
    names a file), where a command that writes (`compare -oX`, `--output=X`: found writing into
    the checkout) writes into a scratch folder instead."""
    folder = scratch_folder("cli")
    shutil.copytree(CORPUS.parent.parent / "licenses", folder / "licenses")
    return folder


def cli_args(args: list[str]) -> int:
    """Run one command line as `modelterms` does, in-process (stdout and stderr captured by typer's
    runner, in `_workdir()`): only exit 0, 1 or 2 is an answer; an exception that escapes, exit 3,
    a traceback or the words "internal error" are a crash."""
    here = os.getcwd()
    os.chdir(_workdir())
    try:
        with _RUNNER.isolation(env=_ENV) as (_, _, output):
            try:
                _command().main(args=args, prog_name="modelterms")
                code: object = 0
            except SystemExit as exit_:
                code = 0 if exit_.code is None else exit_.code
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            said = output.getvalue().decode("utf-8", "replace")
    finally:
        os.chdir(here)
    assert "internal error" not in said and "Traceback" not in said, said
    assert code in (0, 1, 2), (shlex.join(args), code)
    return int(code)  # type: ignore[call-overload]


def cli(text: str) -> None:
    try:
        args = shlex.split(text)
    except ValueError:
        args = text.split()
    if "fmt" in args and "--check" not in args:  # commands that write files: only their read-only forms
        args = [a for a in args if a != "fmt"]
    if "-o" in args or "--output" in args:
        args = [a for a in args if a not in ("-o", "--output")]
    cli_args(args)


def scratch_folder(kind: str) -> Path:
    """A fresh folder for a target's files: in memory (/dev/shm) where there is one. Rewriting a
    policy file on an ext4 disk costs ≈ 3.5 ms an input, more than `modelterms policy` itself; on
    tmpfs 0.03 ms. The command still reads the policy from a path, as a user's run does."""
    shm = Path("/dev/shm")
    memory = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    folder = Path(tempfile.mkdtemp(prefix=f"modelterms-fuzz-{kind}-", dir=memory))
    if kind == "policy":  # the example policy's model card, so that a mutated `card:` entry is read
        (folder / "models" / "acme-coder").mkdir(parents=True)
        (folder / "models" / "acme-coder" / "README.md").write_bytes(EXAMPLE_CARD.read_bytes())
    return folder


def policy(text: str, folder: Path) -> None:
    (folder / "modelterms.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    cli_args(["policy", "--policy", str(folder / "modelterms.yaml")])


TARGETS: dict[str, Callable[..., None]] = {
    "licence": licence,
    "profile": profile,
    "policy": policy,
    "scan_row": scan_row,
    "cli": cli,
}
