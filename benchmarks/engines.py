"""z3 against binary decision diagrams (`dd`) on the question `diff` asks: for each pair of outcomes of
two licences, is there a profile that gets it? The formulas are the engine's own
(`checker.analysis.solver`), translated once into BDDs; the time to decide every pair (and to pick
one profile of each) is measured for z3 and for each `dd` backend installed. Not part of run.py:
`dd` is no dependency of modelterms (`pip install dd`; its CUDD backend ships only as a Linux x86-64
wheel). Run it by hand: `python benchmarks/engines.py`.
"""

from __future__ import annotations

import importlib
import itertools
import subprocess
import sys
import time
from typing import Any

import z3

import checker
from checker.analysis import solver as s
from checker.analysis.space import space_of
from checker.terms.vocabulary import Outcome

PAIRS = [("llama-2", "llama-3"), ("llama-3", "llama-3.1"), ("llama-3.1", "llama-3.2"), ("llama-3.2", "llama-3.3"),
         ("llama-3.3", "llama-4"), ("gemma", "llama-3.1"), ("apache-2.0", "mit")]  # fmt: skip


def to_bdd(bdd: Any, formula: Any, memo: dict[int, Any]) -> Any:
    """A z3 Boolean formula of the engine (and, or, not, variables, exactly-one) as a BDD."""
    if isinstance(formula, bool):
        return bdd.true if formula else bdd.false
    key = formula.get_id()
    if key in memo:
        return memo[key]
    if z3.is_const(formula) and formula.decl().kind() == z3.Z3_OP_UNINTERPRETED:
        name = f"v{formula.get_id()}"
        bdd.declare(name)
        found = bdd.var(name)
    elif z3.is_true(formula):
        found = bdd.true
    elif z3.is_false(formula):
        found = bdd.false
    else:
        kids = [to_bdd(bdd, k, memo) for k in formula.children()]
        kind = formula.decl().kind()
        if kind == z3.Z3_OP_AND:
            found = bdd.true
            for k in kids:
                found &= k
        elif kind == z3.Z3_OP_OR:
            found = bdd.false
            for k in kids:
                found |= k
        elif kind == z3.Z3_OP_NOT:
            found = ~kids[0]
        elif kind == z3.Z3_OP_PB_EQ:  # exactly one of the classes of an axis
            found = bdd.false
            for i, k in enumerate(kids):
                term = k
                for j, other in enumerate(kids):
                    if j != i:
                        term &= ~other
                found |= term
        else:
            raise NotImplementedError(formula.decl().name())
    memo[key] = found
    return found


def formulas(before: str, after: str) -> tuple[s.Variables, list[Any]]:
    catalogue = checker.catalogue()
    a, b = catalogue.get(before), catalogue.get(after)
    space = space_of([a, b])
    variables = s.Variables(space)
    state = s.CompleteState(variables)
    engine = s.Engine(space)
    da, db = engine.decide(a, state), engine.decide(b, state)
    regions = [s.all_of([da.outcomes[x], db.outcomes[y]]) for x, y in itertools.product(Outcome, repeat=2) if x != y]
    return variables, regions


def with_z3(variables: s.Variables, regions: list[Any]) -> tuple[float, int]:
    start = time.perf_counter()
    solver = s.Solver(variables)
    found = sum(solver.check(solver.literal(r)) is not None for r in regions)
    return time.perf_counter() - start, found


def with_dd(module: str, variables: s.Variables, regions: list[Any]) -> tuple[float, int]:
    backend = importlib.import_module(module)
    start = time.perf_counter()
    bdd = backend.BDD()
    memo: dict[int, Any] = {}
    domain = bdd.true
    for constraint in variables.domain:
        domain &= to_bdd(bdd, constraint, memo)
    found = 0
    for region in regions:
        u = to_bdd(bdd, region, memo) & domain
        if u != bdd.false:
            found += 1
            bdd.pick(u)
    return time.perf_counter() - start, found


def main() -> None:
    backends = [m for m in ("dd.cudd", "dd.autoref") if importlib.util.find_spec(m.split(".")[0])]
    print("deciding every pair of outcomes of a diff (and picking a profile of each), the formulas built once:")
    for module in ["z3", *backends]:
        done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                              capture_output=True, text=True, check=True)  # fmt: skip
        cumulative = int(done.stderr.strip().splitlines()[-1].split("|")[1])
        print(f"import {module}: {cumulative / 1e3:.0f} ms (a fresh process, -X importtime)")
    for before, after in PAIRS:
        variables, regions = formulas(before, after)
        line = f"{before} → {after}: "
        seconds, found = with_z3(variables, regions)
        line += f"z3 {seconds * 1e3:.0f} ms ({found} regions)"
        for module in backends:
            seconds, found = with_dd(module, variables, regions)
            line += f"; {module} {seconds * 1e3:.0f} ms ({found})"
        print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
