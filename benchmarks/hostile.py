"""The hostile inputs of issue 14, each run as a whole `modelterms` process: exit code, time, peak memory.

    python benchmarks/hostile.py                   # every case (a minute or two)
    python benchmarks/hostile.py --only yaml       # cases whose name contains "yaml"
    python benchmarks/hostile.py --timeout 30      # give up on a case after 30 s (default 60)

Each case must end in its expected exit code (2 for bad input, or the verdict's code) within 2 s and
bounded memory; the table says `ok` or what went wrong. `--command 'python -m checker'` runs another
build (e.g. an older checkout on PYTHONPATH) for a before/after comparison. Nothing is asserted on
time in the test suite (tests/test_hostile.py runs the cases for their exit codes and diagnostics).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HEADER = 'license acme-1.0 "Acme"\n  licensor "Acme"\n  source "https://example.com"\n  verified primary "test"\n'
GRANT = "clause grant §1\n  > You may use it.\n  permits\n"


def clause(i: int) -> str:
    return f"clause c{i} §{i + 2}\n  > Words {i}.\n  when mau > {i + 1}M and commercial\n  forbidden\n"


@dataclass
class Case:
    name: str
    setup: Callable[[Path], list[str]]  # writes the inputs into a folder; returns the arguments
    expected: int = 2
    hide_orjson: bool = False


def _write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


Text = Callable[[], str | bytes]  # inputs are made when a case runs, so that the harness stays small


def profile_case(text: Text) -> Callable[[Path], list[str]]:
    return lambda d: ["check", "-l", "mit", "--profile", str(_write(d / "p.yaml", text()))]


def policy_case(text: Text) -> Callable[[Path], list[str]]:
    return lambda d: ["policy", "--policy", str(_write(d / "modelterms.yaml", text()))]


def licence_case(text: Text, command: str = "check") -> Callable[[Path], list[str]]:
    def setup(d: Path) -> list[str]:
        _write(d / "lic" / "acme.terms", text())
        if command == "check":
            return ["check", "-l", "acme-1.0", "--licenses-dir", str(d / "lic")]
        return [*command.split(), str(d / "lic" / "acme.terms")]

    return setup


def card_case(front: Text) -> Callable[[Path], list[str]]:
    def setup(d: Path) -> list[str]:
        _write(d / "models" / "x" / "README.md", "---\n" + str(front()) + "---\n# card\n")
        policy = "version: 1\nprofile: {commercial: true}\nmodels:\n  - card: models/x/README.md\n"
        return ["policy", "--policy", str(_write(d / "modelterms.yaml", policy))]

    return setup


def scan_case(name: str, data: Text, *extra: str) -> Callable[[Path], list[str]]:
    return lambda d: ["scan", str(_write(d / name, data())), "--summary", *extra]


def _clauses(count: int, broken: int = 0) -> str:
    every = count // broken if broken else 0
    return (
        HEADER + GRANT + "".join(clause(i) + ("clause )\n" if every and i % every == 0 else "") for i in range(count))
    )


def _no_clauses_scan(d: Path) -> list[str]:
    _write(d / "lic" / "acme.terms", HEADER)
    rows = _write(d / "rows.jsonl", json.dumps({"id": "x", "license": "acme-1.0"}) + "\n")
    return ["scan", str(rows), "--licenses-dir", str(d / "lic"), "--commercial"]


def _stairs() -> str:
    # Step k: 49 - k negations, then a parenthesis: a count of `not` runs that restarts at each
    # parenthesis sees at most 50 levels, while the condition nests about 1,300.
    condition = "".join("not " * (49 - k) + "(" for k in range(50)) + "commercial" + ")" * 50
    return HEADER + GRANT + f"clause c §2\n  > Words.\n  when {condition}\n  forbidden\n"


def _policy_symlink(d: Path) -> list[str]:
    secret = _write(d / "outside" / "credentials", "https://user:hunter2@example.com\n")
    (d / "repo").mkdir()
    (d / "repo" / "modelterms.yaml").symlink_to(secret)
    return ["policy", "--policy", str(d / "repo" / "modelterms.yaml")]


def _compare_missing(d: Path) -> list[str]:
    return ["compare", "-l", "mit", "-f", "json", "-o", str(d / "missing" / "out.json")]


def _fmt_readonly(d: Path) -> list[str]:
    for name in ("a", "b"):
        _write(d / "lic" / f"{name}.terms", HEADER.replace("acme-1.0", f"acme-{name}") + "\n\n" + GRANT)
    (d / "lic" / "b.terms").chmod(0o444)
    return ["fmt", str(d / "lic")]


def _unknown_names(count: int) -> str:
    return "".join(json.dumps({"id": f"m{i}", "license": f"nonesuch-{i}"}) + "\n" for i in range(count))


def _deep_json(levels: int) -> str:
    return (
        json.dumps({"id": "ok", "license": "mit"})
        + "\n"
        + '{"id": "x", "license": '
        + "[" * levels
        + "]" * levels
        + "}\n"
    )


CASES = [
    Case("(a start, for comparison: check -l mit --commercial)", lambda d: ["check", "-l", "mit", "--commercial"], 0),
    Case("yaml depth: profile nested 500 levels (1 KB)", profile_case(lambda: "mau: " + "[" * 500 + "]" * 500 + "\n")),
    Case(
        "yaml depth: profile nested 10,000 levels", profile_case(lambda: "mau: " + "[" * 10_000 + "]" * 10_000 + "\n")
    ),
    Case(
        "yaml depth: policy nested 500 levels",
        policy_case(lambda: "version: 1\nmodels: " + "[" * 500 + "]" * 500 + "\n"),
    ),
    Case("yaml size: profile, 990 KB flow sequence", profile_case(lambda: "uses: [" + "x, " * 330_000 + "x]\n")),
    Case(
        "yaml size: policy, 990 KB flow sequence",
        policy_case(lambda: "version: 1\nmodels: [" + "x, " * 330_000 + "x]\n"),
    ),
    Case("terms: `not not (` stairs, 1,300 levels", licence_case(_stairs)),
    Case("fmt: 1,000 clauses", licence_case(lambda: _clauses(1_000), "fmt --check"), 1),
    Case("fmt: 2,000 clauses", licence_case(lambda: _clauses(2_000), "fmt --check"), 1),
    Case("fmt: a 1.9 MB licence (22,000 clauses)", licence_case(lambda: _clauses(22_000), "fmt --check"), 1),
    Case("lint: a 1.9 MB licence with 5 syntax errors", licence_case(lambda: _clauses(22_000, broken=5), "lint")),
    Case("compare -o into a missing folder", _compare_missing),
    Case("compare -o onto a folder", lambda d: ["compare", "-l", "mit", "-o", str(d)]),
    Case("profile: mau of 400 digits", profile_case(lambda: "mau: " + "9" * 400 + "\n")),
    Case("profile: mau: 1e24", profile_case(lambda: "mau: 1e24\n")),
    Case("profile: mau: 700000000.00000001", profile_case(lambda: "mau: 700000000.00000001\n")),
    Case("profile: fine_tunes and fine-tunes", profile_case(lambda: "fine_tunes: true\nfine-tunes: false\n")),
    Case("profile: commercial: yes", profile_case(lambda: "commercial: yes\n")),
    Case("profile: commercial: 1", profile_case(lambda: "commercial: 1\n")),
    Case("profile: commercial: 'no'", profile_case(lambda: "commercial: 'no'\n")),
    Case("profile: an empty file", profile_case(lambda: "")),
    Case("profile: mau: 2M (as the command line writes it)", profile_case(lambda: "mau: 2M\ncommercial: true\n"), 0),
    Case("check --commercial --non-commercial", lambda d: ["check", "-l", "mit", "--commercial", "--non-commercial"]),
    Case("check --serve --no-serve", lambda d: ["check", "-l", "mit", "--serve", "--no-serve"]),
    Case(
        "check --mau 2024-06=5 --mau 2024-06=6",
        lambda d: ["check", "-l", "mit", "--mau", "2024-06=5", "--mau", "2024-06=6"],
    ),
    Case("policy: the file a symlink out of the repository", _policy_symlink),
    Case("card: 2 MB front matter", card_case(lambda: "license: mit\ntags:\n" + "  - tag\n" * 260_000)),
    Case("card: 600 levels", card_case(lambda: "license: mit\nx: " + "[" * 600 + "]" * 600 + "\n")),
    Case("scan: a JSON row 5,000 levels deep", scan_case("d.jsonl", lambda: _deep_json(5_000))),
    Case("scan: the same without orjson", scan_case("d.jsonl", lambda: _deep_json(5_000)), hide_orjson=True),
    Case(
        "scan: CSV with a bad field in row 2 of 4",
        scan_case("b.csv", lambda: 'id,license\na,mit\nb,"x"y\nc,mit\nd,mit\n', "-f", "jsonl"),
    ),
    Case(
        "scan: a 200 MB JSON line with no newline",
        scan_case("n.jsonl", lambda: b'{"id": "x", "license": "' + b"a" * 200_000_000),
    ),
    Case("scan: 10,000 unknown licence names", scan_case("u.jsonl", lambda: _unknown_names(10_000)), 1),
    Case("licence with no clauses: check", licence_case(lambda: HEADER)),
    Case("licence with no clauses: scan", _no_clauses_scan),
    Case("fmt into a folder with a read-only file", _fmt_readonly),
]


def run_case(case: Case, command: list[str], timeout: float) -> tuple[str, float, float, str]:
    folder = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        args = case.setup(folder)
        env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
        if case.hide_orjson:
            _write(folder / "no-orjson" / "orjson.py", "raise ImportError('hidden by benchmarks/hostile.py')\n")
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder / "no-orjson"), env.get("PYTHONPATH")]))
        measured = folder / "time.txt"
        start = time.perf_counter()
        # GNU time reports the peak memory of its child alone (this process's own is not counted).
        process = subprocess.Popen(
            ["/usr/bin/time", "-f", "%M", "-o", str(measured), *command, *args], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env, cwd=folder, text=True, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # GNU time and the command under it
            process.communicate()
            return "timeout", time.perf_counter() - start, 0.0, ""
        elapsed = time.perf_counter() - start
        peak = int(measured.read_text().split()[-1]) / 1024 if measured.exists() else 0.0
        first = next((line for line in (err + out).splitlines() if "error[" in line or "warning[" in line), "")
        return str(process.returncode), elapsed, peak, first[:110]
    finally:
        for path in folder.rglob("*"):
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--command", default=f"{shlex.quote(sys.executable)} -m checker")
    options = parser.parse_args()
    command = shlex.split(options.command)
    print(f"{'case':<52} {'exit':>7} {'time':>8} {'peak':>8}  first diagnostic")
    for case in CASES:
        if options.only and not any(word in case.name for word in options.only):
            continue
        code, elapsed, peak, first = run_case(case, command, options.timeout)
        verdict = "ok" if code == str(case.expected) and elapsed < 2.0 else f"expected {case.expected} in 2 s"
        print(f"{case.name:<52} {code:>7} {elapsed:>7.2f}s {peak:>6.0f}MB  {verdict:<16} {first}", flush=True)


if __name__ == "__main__":
    main()
