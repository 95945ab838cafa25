"""The benchmark script runs (a smoke run with tiny sizes; no timing is asserted).

It also checks, before timing anything, that the hand-written function and every installed peer
give the reference evaluator's outcome on every profile it times.
"""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_the_benchmarks_run(cli: object) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--only", "evaluation", "--only", "catalogue"],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "modelterms compiled outcome" in done.stdout
    assert "every licence materialised" in done.stdout
