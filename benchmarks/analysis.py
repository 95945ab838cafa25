"""How long the analyses of `diff`, `explain` and `compare` take, and how much of the profile space
`diff` explores (evaluations against the size of the full enumeration). Not a test: run it by hand,
alone on the machine: `python benchmarks/analysis.py`."""

from __future__ import annotations

import time

import checker
from checker.analysis.space import space_of

PAIRS = [
    ("llama-2", "llama-3"),
    ("llama-3", "llama-3.1"),
    ("llama-3.1", "llama-3.2"),
    ("llama-3.2", "llama-3.3"),
    ("llama-3.3", "llama-4"),
    ("llama-3.1", "llama-3.1"),
    ("gemma", "llama-3.1"),
    ("tencent-hunyuan-community-2024-05", "tencent-hunyuan-community-2024-12"),
]


def main() -> None:
    catalogue = checker.catalogue()
    profile = checker.ServiceProfile()
    start = time.perf_counter()
    for _ in range(200):
        checker.evaluate(catalogue.get("llama-3.2"), profile)
    per_evaluation = (time.perf_counter() - start) / 200
    print(f"one evaluation of llama-3.2: {per_evaluation * 1e6:.0f} µs")
    for before, after in PAIRS:
        a, b = catalogue.get(before), catalogue.get(after)
        start = time.perf_counter()
        result = checker.diff(a, b)
        took = time.perf_counter() - start
        full = space_of([a, b]).size * 2
        print(
            f"diff {before} {after}: {took:.2f} s, {result.exploration.evaluations:,} evaluations "
            f"(full enumeration: {full:,}), {len(result.regions)} regions"
        )
    service = checker.ServiceProfile.model_validate(
        {"mau": 800_000_000, "domicile": "DE", "uses": ["chatbot"], "commercial": True, "serves": True,
         "distributes": False, "fine_tunes": False, "trains_on_outputs": False, "end_user": False}
    )  # fmt: skip
    start = time.perf_counter()
    checker.standings(catalogue.licenses, service)
    print(f"compare, whole catalogue ({len(catalogue)} licences) with a profile: {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    checker.explain(catalogue.get("llama-3.2"), checker.ServiceProfile())
    print(f"explain llama-3.2 on an empty profile (questions of up to 3 facts): {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
