"""Shared helpers: the real console script, and the bundled catalogue."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

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
    """Run the installed `modelterms` console script, colourless and wide: a process of its own
    each time, forked from a process that has already imported what a start imports (see
    `_Forks`), or started afresh with MODELTERMS_TEST_FRESH_PROCESSES=1 or where there is no fork."""
    script = shutil.which("modelterms")
    command = [script] if script else [sys.executable, "-m", "checker"]
    environment = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    if script and _Forks.usable(environment):
        return _Forks.run(script, list(args), str(cwd or ROOT), environment, stdin)
    done = subprocess.run(
        [*command, *args], input=stdin, capture_output=True, text=True, cwd=cwd or ROOT, env=environment,
        timeout=120, check=False,
    )  # fmt: skip
    return Run(done.returncode, done.stdout, done.stderr)


# The fork server: a process that imports `checker.cli.app` (what every start imports before it reads
# its command line: typer, pydantic, the rule model — ≈ 0.25 s of CPU) once, then forks a child per
# command. The child is the console script from there on: it takes the command's environment, folder,
# standard streams and argv[0], and calls the script's own entry point, `checker.cli.app:run`. Nothing
# a test could change reaches it from the test process (it was started before any test ran, from a
# clean interpreter), and nothing is shared between commands (each child is a copy, discarded).
# What a fresh start alone shows — which modules a start imports, the script's own file, the wheel —
# is tested with real processes (test_cache, test_cli's quick exit and `python -m checker`, test_wheel).
_FORK_SERVER = r"""
import json, os, select, signal, sys, traceback
import checker.cli.app

def child(request):
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    for fd, name in enumerate(("stdin", "out", "err")):
        os.dup2(os.open(request[name], os.O_RDONLY if fd == 0 else os.O_WRONLY), fd)
    # Standard streams as a fresh interpreter opens them on files (none of the server's buffers).
    sys.stdin = open(0, "r", encoding="utf-8", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", buffering=1, closefd=False)
    sys.argv = [request["script"], *request["args"]]
    try:
        checker.cli.app.run()  # ends the process itself, or raises SystemExit
        code = 0
    except SystemExit as done:
        code = done.code
        if code is not None and not isinstance(code, int):
            print(code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)

for line in sys.stdin.buffer:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        child(request)
    handle = os.pidfd_open(pid)
    if not select.select([handle], [], [], request["timeout"])[0]:
        os.kill(pid, signal.SIGKILL)
    os.close(handle)
    sys.stdout.write(json.dumps(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])) + "\n")
    sys.stdout.flush()
"""


class _Forks:
    server: ClassVar[subprocess.Popen[str] | None] = None
    started_with: ClassVar[dict[str, str]] = {}

    @classmethod
    def usable(cls, env: dict[str, str]) -> bool:
        """Where fork exists and the command's environment starts an interpreter as the server's did
        (a `PYTHONPATH` of the test's own, say, must be a fresh process)."""
        if not hasattr(os, "fork") or not hasattr(os, "pidfd_open") or env.get("MODELTERMS_TEST_FRESH_PROCESSES"):
            return False
        server = cls.started_with if cls.server is not None else os.environ
        names = {k for k in (*env, *server) if k.startswith("PYTHON")}
        return all(env.get(k) == server.get(k) for k in names)

    @classmethod
    def stop(cls) -> None:
        """End the server (its requests end) and wait for it."""
        if cls.server is not None and cls.server.stdin is not None:
            cls.server.stdin.close()
            cls.server.wait(timeout=60)

    @classmethod
    def run(cls, script: str, args: list[str], cwd: str, env: dict[str, str], stdin: str | None) -> Run:
        if cls.server is None or cls.server.poll() is not None:
            cls.started_with = dict(os.environ)
            cls.server = subprocess.Popen(
                [sys.executable, "-c", _FORK_SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                cwd=ROOT, env={**os.environ, "NO_COLOR": "1"},
            )  # fmt: skip
            atexit.register(cls.stop)
        with tempfile.TemporaryDirectory(prefix="modelterms-run-") as folder:
            paths = {name: Path(folder, name) for name in ("stdin", "out", "err")}
            paths["stdin"].write_text(stdin or "", encoding="utf-8")
            paths["out"].touch()
            paths["err"].touch()
            request = {"script": script, "args": args, "cwd": cwd, "env": env, "timeout": 120}
            request |= {name: str(path) for name, path in paths.items()}
            assert cls.server.stdin is not None and cls.server.stdout is not None
            cls.server.stdin.write(json.dumps(request) + "\n")
            cls.server.stdin.flush()
            code = json.loads(cls.server.stdout.readline())
            out, err = (paths[n].read_bytes().decode("utf-8", "replace") for n in ("out", "err"))
        # As `subprocess.run(text=True)` reads them: universal newlines.
        return Run(code, *(t.replace("\r\n", "\n").replace("\r", "\n") for t in (out, err)))


@pytest.fixture(scope="session")
def cli() -> type[Run]:
    if shutil.which("modelterms") is None:
        pytest.fail("the modelterms console script is not installed: run `pip install -e '.[test]'` first")
    return Run


@pytest.fixture(scope="session")
def _warm_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder holding the parsed catalogue and model index, one per test process."""
    folder = tmp_path_factory.mktemp("warm") / "cache"
    args = ("check", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--mau", "5", "--format", "json")
    done = run_cli(*args, env={"MODELTERMS_CACHE_DIR": str(folder)})
    assert done.code in (0, 1) and any(folder.glob("models-*")), done.err
    return folder


@pytest.fixture
def records_cache(_warm_cache_folder: Path) -> Path:
    """A cache folder with no Hub answers in it, as on a first lookup, but with the catalogue already
    parsed: a test of the Hub's records does not pay a cold start (≈ 0.7 s of CPU) each time. The
    catalogue's own cache is tested in tests/test_cache.py, from empty folders."""
    for entry in _warm_cache_folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)  # the records: one folder per kind (`hub/`)
    return _warm_cache_folder


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


# The longest tests (a pre-commit environment, the wheel and its venv, the browser page, the Hub
# stand-in's timeouts) go first: xdist hands tests out in order, and one of them started last keeps
# a worker busy after the rest is done (≈ 30 s of a 3½-minute run on two cores).
_FIRST = (
    "tests/test_integrations.py::test_pre_commit",
    "tests/test_wheel.py",
    "tests/test_html_page.py",
    "tests/test_bom.py",
    "tests/test_hub.py",
    "tests/test_cache.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return next((i for i, prefix in enumerate(_FIRST) if item.nodeid.startswith(prefix)), len(_FIRST))

    items.sort(key=rank)  # stable: the order within each group is the collection's
