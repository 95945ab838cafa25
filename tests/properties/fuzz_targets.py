"""One fuzz target per input kind, shared by tests/properties/test_fuzz.py (short budget) and
benchmarks/fuzz.py (long budget). Each target takes one generated input and returns normally when
modelterms answered or diagnosed it; anything else (exit 3, an exception that is not a diagnostic)
raises. The seed inputs, including every crash found so far, are under tests/fuzz_corpus/<kind>/.
"""

from __future__ import annotations

import io
import shlex
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

import checker
from checker.ci.scan import Output, Scanner, scan_jsonl
from checker.cli.app import full_app
from checker.errors import CheckerError
from checker.evaluation.profile import ServiceProfile
from checker.evaluation.profile_file import profile_from_data
from checker.inputs.yamlfile import load_yaml
from checker.lookup.bundled import bundled, bundled_index

CORPUS = Path(__file__).resolve().parent.parent / "fuzz_corpus"
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


def cli_args(args: list[str]) -> int:
    result = _RUNNER.invoke(full_app(), args, catch_exceptions=True, env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "internal error" not in result.output, result.output
    assert result.exit_code in (0, 1, 2), (shlex.join(args), result.exit_code)
    return result.exit_code


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
