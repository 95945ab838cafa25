"""The symbolic engine (`checker.analysis.solver`) agrees with the reference evaluator.

- Its copy of the combining rule, folded on a concrete profile, gives the evaluator's outcome on
  random partial profiles, for every licence of the catalogue and for small generated licences
  (three-valued: unknown facts stay unknown).
- On pairs of small generated licences, the solver finds exactly the pairs of outcomes that a
  brute-force enumeration of the whole profile space finds, each with a model that evaluates to it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, assume, given, settings

import checker
from checker import ServiceProfile
from checker.analysis.solver import (
    CompleteState,
    Engine,
    ProfileState,
    Solver,
    Variables,
    constant_outcome,
    is_set,
    profile_of,
    scalar_value,
    set_value,
    values_of,
)
from checker.analysis.space import Axis, Space, space_of
from checker.terms import model
from checker.terms.vocabulary import Outcome

from .budget import examples
from .strategies import profiles, small_licences

CATALOGUE = checker.catalogue()
LICENSES = CATALOGUE.licenses
IDS = [lic.id for lic in LICENSES]
ENGINES = {lic.id: Engine(space_of([lic])) for lic in LICENSES}


def folded(engine: Engine, license: model.License, profile: ServiceProfile) -> Outcome:
    return constant_outcome(engine.decide(license, ProfileState(engine.space, profile)))


@pytest.mark.parametrize("license", LICENSES, ids=IDS)
@settings(max_examples=examples(150), deadline=None)
@given(profile=profiles())
def test_the_engine_gives_the_evaluators_outcome(license: checker.License, profile: ServiceProfile) -> None:
    assert folded(ENGINES[license.id], license, profile) is checker.evaluate(license, profile).outcome


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(license=small_licences(), profile=profiles())
def test_the_engine_gives_the_evaluators_outcome_on_small_licences(
    license: model.License, profile: ServiceProfile
) -> None:
    engine = Engine(space_of([license]))
    assert folded(engine, license, profile) is checker.evaluate(license, profile).outcome


def complete_profiles(space: Space) -> Iterator[ServiceProfile]:
    """Every complete profile of the space, one per combination of classes (brute force)."""
    options: list[list[object]] = []
    for axis in space.axes:
        if is_set(axis):
            n = len(axis.classes)
            options.append([set_value(axis, bits) for bits in itertools.product([False, True], repeat=n)])
        else:
            options.append([scalar_value(axis, i) for i in range(len(axis.classes))])
    for combination in itertools.product(*options):
        yield profile_of(space, dict(zip((a.axis for a in space.axes), combination, strict=True)))


def space_size(space: Space) -> int:
    size = 1
    for axis in space.axes:
        size *= 2 ** len(axis.classes) if is_set(axis) else len(axis.classes)
    return size


@settings(
    max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(a=small_licences("a"), b=small_licences("b"))
def test_the_solver_finds_exactly_the_outcome_pairs_of_the_whole_space(a: model.License, b: model.License) -> None:
    space = space_of([a, b])
    assume(space_size(space) <= 4096)
    brute = {(checker.evaluate(a, p).outcome, checker.evaluate(b, p).outcome) for p in complete_profiles(space)}
    variables = Variables(space)
    state = CompleteState(variables)
    engine = Engine(space)
    decided_a, decided_b = engine.decide(a, state), engine.decide(b, state)
    solver = Solver(variables)
    found = set()
    for first, second in itertools.product(Outcome, repeat=2):
        m = solver.check(decided_a.outcomes[first], decided_b.outcomes[second])
        if m is None:
            continue
        found.add((first, second))
        witness = profile_of(space, values_of(variables, m, space.axes))
        assert (checker.evaluate(a, witness).outcome, checker.evaluate(b, witness).outcome) == (first, second)
    assert found == brute


def test_a_month_left_out_stays_unknown() -> None:
    space = space_of([CATALOGUE.get("llama-3.1")])
    profile = profile_of(space, {Axis(checker.Fact.MAU, "2024-06"): 5})
    assert profile.mau is not None and profile.mau.current is None and profile.mau.by_month == {"2024-06": 5}
