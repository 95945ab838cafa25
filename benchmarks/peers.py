"""Llama 3.1's rules written by hand: as a Python function, and in each peer's own language.

Every encoding here says what `licenses/llama-3.1.terms` says, for the same profile facts; the
benchmark checks that they all give modelterms' outcome on every profile before it times them.

The peers are given fully known profiles (every fact stated): Cedar, rule-engine and CEL have no
"unknown" truth value, and encoding Kleene logic in them would measure the encoding, not the
engine. The hand-written Python function does handle unknown facts, like modelterms.
"""

from __future__ import annotations

from typing import Any

from checker import Outcome, ServiceProfile

FORBIDDEN_USES = (
    "csam", "harassment", "discrimination", "malware", "military", "weapons", "critical-infrastructure",
    "disinformation",
)  # fmt: skip
# Impersonation is banned only "without consent, authorization, or legal right" (AUP 3.4): an open question.
UNCLEAR_USES = (
    "automated-decisions", "medical-advice", "legal-advice", "financial-advice", "surveillance", "impersonation",
)  # fmt: skip
MAU_CAP = 700_000_000
MONTH = "2024-06"  # the calendar month before the 2024-07-23 release
PREFIX = "Llama"
OTHER_CASES = ("llama", "LLaMA", "LLAMA")

_FORBIDDEN = frozenset(FORBIDDEN_USES)
_UNCLEAR = frozenset(UNCLEAR_USES)


def llama31_by_hand(p: ServiceProfile) -> Outcome:
    """The Llama 3.1 clauses as a programmer would write them, unknown facts included."""
    d, s = p.distributes, p.serves
    ships = True if (d is True or s is True) else (None if (d is None or s is None) else False)
    ft, to = p.fine_tunes, p.trains_on_outputs
    derives = True if (ft is True or to is True) else (None if (ft is None or to is None) else False)
    naming = False if (derives is False or ships is False) else (None if (derives is None or ships is None) else True)
    name = p.derivative_name
    # §1.b.i in another case ("llama-…") is an open question (clause model-name-spelling), and the
    # rule cannot be checked before the name is known.
    other_case = name is not None and name.startswith(OTHER_CASES)
    unmet = name is not None and not other_case and not name.startswith(PREFIX)
    uses = p.uses
    if (uses is not None and not _FORBIDDEN.isdisjoint(uses)) or (naming is True and unmet):
        return Outcome.FORBIDDEN
    mau = p.mau
    figure = None if mau is None else mau.by_month.get(MONTH, mau.current)
    end_user = p.end_user
    if figure is not None and figure > MAU_CAP and end_user is not True:
        return Outcome.NEEDS_LICENSE
    if (
        (figure is None and end_user is not True)
        or uses is None
        or not _UNCLEAR.isdisjoint(uses)
        or (naming is None and unmet)
        or (naming is not False and (name is None or other_case))
    ):
        return Outcome.UNDETERMINED
    return Outcome.CONDITIONAL  # §1.b.iv: the acceptable use policy always applies


def facts(p: ServiceProfile) -> dict[str, Any]:
    """A fully known profile as plain values (what the peers read)."""
    assert p.mau is not None and p.uses is not None and p.derivative_name is not None
    return {
        "mau_2024_06": p.mau.in_month(MONTH)[0],
        "end_user": p.end_user,
        "distributes": p.distributes,
        "serves": p.serves,
        "fine_tunes": p.fine_tunes,
        "trains_on_outputs": p.trains_on_outputs,
        "derivative_name": p.derivative_name,
        "uses": [u.value for u in p.uses],
    }


# ---- Cedar (cedarpy) -------------------------------------------------------------------------
# Each clause is a policy; the authorizer's "determining policies" name the clauses that hold.


def _cedar_any(uses: tuple[str, ...]) -> str:
    return " || ".join(f'context.uses.contains("{u}")' for u in uses)


CEDAR_POLICIES: list[tuple[Outcome | None, str]] = [
    (None, "permit(principal, action, resource);"),  # §1.a grant
    (Outcome.CONDITIONAL, "permit(principal, action, resource);"),  # §1.b.iv acceptable use
    (
        Outcome.NEEDS_LICENSE,
        f"forbid(principal, action, resource) when {{ context.mau_2024_06 > {MAU_CAP} && !context.end_user }};",
    ),
    (
        Outcome.FORBIDDEN,
        "forbid(principal, action, resource) when { (context.fine_tunes || context.trains_on_outputs) && "
        f'(context.distributes || context.serves) && !(context.derivative_name like "{PREFIX}*") }};',
    ),
    *[(Outcome.FORBIDDEN, f'forbid(principal, action, resource) when {{ context.uses.contains("{u}") }};')
      for u in FORBIDDEN_USES],
    (Outcome.UNDETERMINED, f"forbid(principal, action, resource) when {{ {_cedar_any(UNCLEAR_USES[:1])} }};"),
    (Outcome.UNDETERMINED, f"forbid(principal, action, resource) when {{ {_cedar_any(UNCLEAR_USES[1:4])} }};"),
    (Outcome.UNDETERMINED, f"forbid(principal, action, resource) when {{ {_cedar_any(UNCLEAR_USES[4:])} }};"),
]  # fmt: skip


class Cedar:
    def __init__(self) -> None:
        import cedarpy  # noqa: PLC0415 - an optional peer (the bench extra)

        self.cedarpy = cedarpy
        self.policies = cedarpy.PolicySet.from_str("\n".join(text for _, text in CEDAR_POLICIES))
        self.entities = cedarpy.Entities.from_json_str("[]")
        self.effects = {f"policy{i}": effect for i, (effect, _) in enumerate(CEDAR_POLICIES)}

    def request(self, values: dict[str, Any]) -> dict[str, Any]:
        return {"principal": 'User::"service"', "action": 'Action::"use"', "resource": 'Model::"llama"',
                "context": values}  # fmt: skip

    def outcome(self, request: dict[str, Any]) -> Outcome:
        result = self.cedarpy.is_authorized(request, self.policies, self.entities)
        effects = [self.effects[r] for r in result.diagnostics.reasons]
        if not result.allowed:
            return min((e for e in effects if e is not None), key=lambda o: o.severity, default=Outcome.FORBIDDEN)
        return Outcome.CONDITIONAL if Outcome.CONDITIONAL in effects else Outcome.PERMITTED


# ---- rule-engine and CEL: one expression each, the combining rule included -------------------


def _ternary(tests: list[tuple[str, Outcome]], default: Outcome) -> str:
    expression = f'"{default.value}"'
    for test, outcome in reversed(tests):
        expression = f'({test}) ? "{outcome.value}" : {expression}'
    return expression


def _rules(*, cel: bool) -> str:
    orr, andd, nott = (" || ", " && ", "!") if cel else (" or ", " and ", "not ")
    prefix = f'derivative_name.startsWith("{PREFIX}")' if cel else f'derivative_name =~ "^{PREFIX}"'
    uses = lambda names: orr.join(f'"{u}" in uses' for u in names)  # noqa: E731
    naming = f"(fine_tunes{orr}trains_on_outputs){andd}(distributes{orr}serves){andd}{nott}({prefix})"
    tests = [
        (f"{uses(FORBIDDEN_USES)}{orr}({naming})", Outcome.FORBIDDEN),
        (f"mau_2024_06 > {MAU_CAP}{andd}{nott}end_user", Outcome.NEEDS_LICENSE),
        (uses(UNCLEAR_USES), Outcome.UNDETERMINED),
    ]
    return _ternary(tests, Outcome.CONDITIONAL)


class RuleEngine:
    def __init__(self) -> None:
        import rule_engine  # noqa: PLC0415 - an optional peer (the bench extra)

        self.rule = rule_engine.Rule(_rules(cel=False))

    def request(self, values: dict[str, Any]) -> dict[str, Any]:
        return {**values, "uses": tuple(values["uses"])}

    def outcome(self, request: dict[str, Any]) -> Outcome:
        return Outcome(self.rule.evaluate(request))


class Cel:
    def __init__(self) -> None:
        import celpy  # noqa: PLC0415 - an optional peer (the bench extra)

        self.celpy = celpy
        environment = celpy.Environment()
        self.program = environment.program(environment.compile(_rules(cel=True)))

    def request(self, values: dict[str, Any]) -> Any:
        return self.celpy.json_to_cel(values)

    def outcome(self, request: Any) -> Outcome:
        return Outcome(str(self.program.evaluate(request)))
