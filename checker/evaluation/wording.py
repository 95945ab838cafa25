"""Conditions and facts in words: the clause language's own syntax for conditions, and the question
that would supply each missing fact."""

from __future__ import annotations

import datetime as dt

from checker.terms import model
from checker.terms.regions import countries
from checker.terms.vocabulary import Comparator, Fact


def condition_text(condition: model.Condition, *, nested: bool = False, values: bool = False) -> str:
    """The condition as the clause language writes it (`(distributes or serves) and fine-tunes`).

    With `values`, a parameter is followed by its value: `mau_cap (700,000,000 users)`.
    """
    match condition:
        case model.FlagIs(fact=fact):
            return fact.value
        case model.Compare():
            anchor = ""
            if condition.anchor is not None:
                date = "release" if condition.anchor.from_release else condition.anchor.date.isoformat()
                anchor = f" in month before {date}"
            value = condition.parameter or str(condition.value)
            if values and condition.parameter:
                value += f" ({condition.value})"
            return f"{condition.fact.value}{anchor} {condition.comparator.value} {value}"
        case model.InRegion(fact=fact, regions=regions):
            return f"{fact.value} in {_names(regions)}"
        case model.AnyMarketIn(regions=regions):
            return f"any market in {_names(regions)}"
        case model.AnyUseIn(uses=uses, every=every):
            return f"{'every' if every else 'any'} use in {_names([u.value for u in uses])}"
        case model.IsModality(value=value):
            return f"modality is {value.value}"
        case model.StartsWith(fact=fact, prefix=prefix):
            return f'{fact.value} starts with "{prefix}"'
        case model.NotCondition(item=item):
            return f"not {condition_text(item, nested=True, values=values)}"
        case model.AllOf(items=items) | model.AnyOf(items=items):
            word = " and " if isinstance(condition, model.AllOf) else " or "
            text = word.join(condition_text(i, nested=True, values=values) for i in items)
            return f"({text})" if nested else text
    raise AssertionError(f"unhandled condition {condition!r}")  # pragma: no cover


def effect_text(effect: model.Effect) -> str:
    """What a clause does, in words: `forbidden`, `needs a separate licence from Meta`."""
    match effect:
        case model.Permits():
            return "the licence grants the use"
        case model.Forbidden():
            return "forbidden"
        case model.NeedsLicense(licensor=licensor):
            return f"needs a separate licence from {licensor}"
        case model.Unclear():
            return "the licence text leaves this open"
        case model.Terminates(licensor=None):
            return "the licence terminates"
        case model.Terminates(licensor=licensor):
            return (
                f"the patent licence terminates (the copyright licence stays): needs a patent licence from {licensor}"
            )
        case model.Exempts(clauses=clauses):
            return "exempts from " + ", ".join(clauses)
        case model.Obligation(duty=duty, text=text):
            return f"obligation: {duty.value}" + (f" “{text}”" if text else "")
    raise AssertionError(f"unhandled effect {effect!r}")  # pragma: no cover


def _names(names: tuple[str, ...] | list[str]) -> str:
    return names[0] if len(names) == 1 else "{" + ", ".join(names) + "}"


def month_name(month: str) -> str:
    """'2024-06' → 'June 2024'."""
    return dt.date.fromisoformat(month + "-01").strftime("%B %Y")


def question(fact: Fact, detail: str | None = None) -> str:
    """The question whose answer supplies a missing fact."""
    match fact:
        case Fact.MAU:
            if detail:
                return f"How many monthly active users did the service have in {month_name(detail)}?"
            return "How many monthly active users does the service have?"
        case Fact.DAU:
            return "How many daily active users do the licensee's services have?"
        case Fact.REVENUE:
            return "What is the licensee's annual revenue, in US dollars?"
        case Fact.DOMICILE:
            if detail:
                return f"In which country of {detail} is the licensee domiciled?"
            return "Where is the licensee domiciled (its principal place of business)?"
        case Fact.MARKET:
            return "Where are the service's end users?"
        case Fact.USE:
            return "What does the service use the model for (its complete list of use cases)?"
        case Fact.MODALITY:
            return "Is the model text-only or multimodal?"
        case Fact.COMMERCIAL:
            return "Is the model used in connection with a commercial activity?"
        case Fact.DISTRIBUTES:
            return "Does the licensee distribute the weights or a derivative of them?"
        case Fact.SERVES:
            return "Is the model offered to others as a hosted service or API?"
        case Fact.FINE_TUNES:
            return "Is the model fine-tuned or otherwise modified?"
        case Fact.TRAINS_ON_OUTPUTS:
            return "Are the model's outputs used to train or improve another model?"
        case Fact.END_USER:
            return "Is the model used only as an end user of a third party's product that integrates it?"
        case Fact.DERIVATIVE_NAME:
            return "What is the derived model called?"
        case Fact.DERIVATIVE_LICENSE:
            return "Under which licence is the derivative released?"
        case Fact.SUED_OVER_PATENTS:
            return (
                "Have you brought a patent claim (against anyone) alleging that the model, or a part of it, "
                "infringes a patent?"
            )
        case Fact.SUED_OVER_IP:
            return (
                "Have you brought a claim (against the licensor or anyone) alleging that the model or its outputs "
                "infringe your intellectual property or other rights?"
            )


def region_name(code: str) -> str:
    name = countries().get(code)
    return f"{code} ({name})" if name else code


FLAG_WORDS: dict[Fact, tuple[str, str]] = {
    Fact.COMMERCIAL: ("used commercially", "not used commercially"),
    Fact.DISTRIBUTES: ("distributes the weights or a derivative", "does not distribute the weights"),
    Fact.SERVES: ("offers the model as a hosted service", "does not offer a hosted service"),
    Fact.FINE_TUNES: ("fine-tunes or modifies the model", "does not fine-tune the model"),
    Fact.TRAINS_ON_OUTPUTS: ("uses outputs to train another model", "does not use outputs to train another model"),
    Fact.END_USER: (
        "only an end user of a third party's integrated product",
        "not only an end user of an integrated product",
    ),
    Fact.SUED_OVER_PATENTS: (
        "has sued claiming the model infringes a patent",
        "has not sued claiming the model infringes a patent",
    ),
    Fact.SUED_OVER_IP: (
        "has sued claiming the model infringes its IP or other rights",
        "has not sued claiming the model infringes its IP or other rights",
    ),
}
"""Each yes/no fact in words, for yes and for no."""

COMPARATOR_WORDS = {
    Comparator.GT: "more than",
    Comparator.GE: "at least",
    Comparator.LT: "less than",
    Comparator.LE: "at most",
}
"""The bounds in words (`==` and `!=` are shown as written)."""


def condition_words(condition: model.Condition, *, nested: bool = False) -> str:
    """A condition in plain words: `the service uses outputs to train another model`."""
    match condition:
        case model.FlagIs(fact=fact):
            return FLAG_WORDS[fact][0]
        case model.Compare():
            what = {Fact.MAU: "monthly active users", Fact.DAU: "daily active users"}.get(
                condition.fact, "annual revenue"
            )
            if condition.anchor is not None:
                when = "the release" if condition.anchor.from_release else condition.anchor.date.isoformat()
                what += f" in the month before {when} ({month_name(condition.anchor.month)})"
            words = COMPARATOR_WORDS.get(condition.comparator)
            comparator = f"is {words}" if words else condition.comparator.value
            named = f" ({condition.parameter})" if condition.parameter else ""
            return f"{what} {comparator} {condition.value}{named}"
        case model.InRegion(regions=regions):
            return f"the licensee is domiciled in {_names(regions)}"
        case model.AnyMarketIn(regions=regions):
            return f"some end users are in {_names(regions)}"
        case model.AnyUseIn(uses=uses, every=True):
            return "the service is used only for " + " or ".join(u.value for u in uses)
        case model.AnyUseIn(uses=uses):
            return "the service is used for " + " or ".join(u.value for u in uses)
        case model.IsModality(value=value):
            return f"the model is {value.value}"
        case model.StartsWith(prefix=prefix):
            return f"the derived model's name starts with “{prefix}”"
        case model.NotCondition(item=model.FlagIs(fact=fact)):
            return FLAG_WORDS[fact][1]
        case model.NotCondition(item=item):
            return f"not {condition_words(item, nested=True)}"
        case model.AllOf(items=items) | model.AnyOf(items=items):
            word = " and " if isinstance(condition, model.AllOf) else " or "
            text = word.join(condition_words(i, nested=True) for i in items)
            return f"({text})" if nested else text
    raise AssertionError(f"unhandled condition {condition!r}")  # pragma: no cover


def clause_meaning(clause: model.Clause) -> str:
    """A clause's formal meaning in the clause language's words, with the month a threshold is
    measured in: `needs a separate licence from Meta when mau in month before release > mau_cap
    (700,000,000 users) (measured in June 2024)`."""
    words = effect_text(clause.effect)
    if clause.condition is None:
        return words
    words += f" when {condition_text(clause.condition, values=True)}"
    months = dict.fromkeys(
        a.anchor.month for a in model.atoms(clause.condition) if isinstance(a, model.Compare) and a.anchor is not None
    )
    if months:
        words += " (measured in " + ", ".join(month_name(m) for m in months) + ")"
    return words
