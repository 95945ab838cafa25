"""The installed wheel, run from outside the checkout: what an editable install cannot show.

From a wheel the bundled licences live in site-packages, not in the checkout; a rule that matched
them by path (lint's name clashes once did) only fails there. One wheel and one virtual environment
serve the whole session (every xdist worker of it); building needs the build backend and the
dependencies from the package index, so without a network the tests skip, saying why.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow  # ~1 min once per session: a wheel, a venv, the dependencies

# What pip prints when it cannot reach an index: the only failures that skip rather than fail.
_OFFLINE = re.compile(
    r"Could not find a version that satisfies|No matching distribution found|Failed to establish a new connection"
    r"|Network is unreachable|Temporary failure in name resolution|Name or service not known|Max retries exceeded"
    r"|ConnectTimeout|ReadTimeout|ProxyError",
    re.IGNORECASE,
)


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900, check=False)


def _build(where: Path) -> str:
    """Build the wheel and install it into a fresh venv under `where`; '' when done, else why not."""
    dist, venv = where / "dist", where / "venv"
    steps = [
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        [sys.executable, "-m", "venv", str(venv)],
    ]
    for command in steps:
        done = _run(command, where)
        if done.returncode != 0:
            return _failure(command, done)
    (wheel,) = dist.glob("modelterms-*.whl")
    command = [str(_bin(venv) / "python"), "-m", "pip", "install", "-q", str(wheel)]
    done = _run(command, where)
    return _failure(command, done) if done.returncode != 0 else ""


def _failure(command: list[str], done: subprocess.CompletedProcess[str]) -> str:
    output = (done.stdout + done.stderr).strip()
    kind = "offline" if _OFFLINE.search(output) else "failed"
    return f"{kind}: {' '.join(command[2:4])} exited {done.returncode}: {output[-1500:]}"


def _bin(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin")


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bin folder of a venv with the wheel installed, built once per session."""
    base = tmp_path_factory.getbasetemp()
    # Under xdist every worker has its own base folder inside the session's: build in that one, once.
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    where = shared / "wheel"
    where.mkdir(exist_ok=True)
    with (shared / "wheel.lock").open("a+") as lock:
        try:
            import fcntl  # noqa: PLC0415 - POSIX; elsewhere each worker builds its own

            fcntl.flock(lock, fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - Windows
            where = base / "wheel"
            where.mkdir(exist_ok=True)
        outcome = where / "outcome.txt"
        if not outcome.exists():
            outcome.write_text(_build(where), encoding="utf-8")
        why = outcome.read_text(encoding="utf-8")
    if why.startswith("offline"):
        pytest.skip(f"could not build and install the wheel without a network ({why[:300]})")
    if why:
        pytest.fail(f"building or installing the wheel failed: {why}")
    yield _bin(where / "venv")


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A working folder outside the checkout."""
    where = tmp_path / "work"
    where.mkdir()
    return where


def modelterms(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(NO_COLOR="1", COLUMNS="200", MODELTERMS_CACHE_DIR=str(cwd / "cache"))
    script = shutil.which("modelterms", path=str(bin_dir)) or str(bin_dir / "modelterms")
    return subprocess.run([script, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_the_wheel_runs_its_own_copy_with_the_bundled_files(wheel_venv: Path, outside: Path) -> None:
    where = subprocess.run(
        [str(wheel_venv / "python"), "-c", "import checker; print(checker.__file__, len(checker.catalogue()))"],
        cwd=outside, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    file, count = where.stdout.split()
    assert not Path(file).resolve().is_relative_to(ROOT)
    assert int(count) == len(list((ROOT / "licenses").glob("*.terms")))


def test_lint_of_the_checkout_licences_from_the_wheel(wheel_venv: Path, outside: Path) -> None:
    # The files stand in for their bundled twins: no "'X' is already a name of licence 'X'".
    run = modelterms(wheel_venv, "lint", str(ROOT / "licenses"), "--format", "json", cwd=outside)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr
    assert [f for f in json.loads(run.stdout)["findings"] if f["severity"] == "error"] == []
    assert modelterms(wheel_venv, "fmt", "--check", str(ROOT / "licenses"), cwd=outside).returncode == 0


def test_check_from_the_wheel(wheel_venv: Path, outside: Path) -> None:
    args = ("check", "--license", "llama-3.1", "--mau", "800M", "--format", "json")
    for _ in range(2):  # cold, then from the cache the first run wrote
        run = modelterms(wheel_venv, *args, cwd=outside)
        assert run.returncode == 1, run.stdout + run.stderr
        assert json.loads(run.stdout)["results"][0]["outcome"] == "needs-license"
    assert any((outside / "cache").iterdir())


def test_policy_from_the_wheel(wheel_venv: Path, outside: Path) -> None:
    shutil.copytree(ROOT / "examples" / "acme-assistant", outside / "acme")
    run = modelterms(wheel_venv, "policy", "--format", "json", cwd=outside / "acme")
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert report["passed"] is True
