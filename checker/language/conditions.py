"""The conditions of a licence file → the rule model: facts, regions, use cases and choices looked up
in their vocabularies, quantities and dates read, units matched. Every mistake is reported (with
"did you mean …") into the list of the file being built, never raised, so that one run finds them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from checker.diagnostics import Diagnostic, Kind
from checker.diagnostics.suggest import hint
from checker.language import tree
from checker.terms import model
from checker.terms.numbers import MAX_DIGITS, parse_number, too_large
from checker.terms.regions import canonical_region, known_region_names
from checker.terms.vocabulary import FACT_UNITS, Comparator, Fact, FactKind, Modality, Unit, UseCase

_E = TypeVar("_E")


class ConditionBuilder:
    """Builds the conditions, quantities and dates of one file; reports into the file's diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic], params: Mapping[str, model.Parameter]) -> None:
        self.diagnostics = diagnostics
        self.params = params  # the file's parameters, filled in before its clauses are built
        self.released: dt.date | None = None  # the licence's release date, for `in month before release`

    def report(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def lookup(self, word: tree.Word, enum: type[_E], kind: Kind, **extra: str) -> _E | None:
        """The enum member spelt `word`, or None after reporting it with a suggestion."""
        try:
            return enum(word.text)  # type: ignore[call-arg]
        except ValueError:
            values = [str(m.value) for m in enum]  # type: ignore[attr-defined]
            suggestion = hint(word.text, values) or ""
            fields: dict[str, Any] = {"name": word.text, "suggestion": suggestion, **extra}
            self.report(kind(word.span, **fields))
            return None

    def date(self, word: tree.Word) -> dt.date | None:
        try:
            return dt.date.fromisoformat(word.text)
        except ValueError:
            self.report(Kind.BAD_DATE(word.span, text=word.text))
            return None

    def quantity(self, node: tree.Quantity) -> model.Quantity | None:
        if too_large(node.number.text):
            self.report(Kind.NUMBER_TOO_LARGE(node.number.span, text=_shortened(node.number.text), limit=MAX_DIGITS))
            return None
        number = parse_number(node.number.text)
        if number is None:
            self.report(Kind.BAD_NUMBER(node.number.span, text=node.number.text))
            return None
        unit: Unit | None = None
        if node.unit is not None:
            written = node.unit.text
            unit = next((u for u in Unit if u.value.lower() == written.lower()), None)
            if unit is None:
                self.report(Kind.UNKNOWN_UNIT(node.unit.span, name=written))
                return None
        return model.Quantity(value=number, unit=unit, span=node.span)

    def fact(self, word: tree.Word, *kinds: FactKind, usage: str) -> Fact | None:
        fact = self.lookup(word, Fact, Kind.UNKNOWN_FACT)
        if fact is None:
            return None
        if fact.kind not in kinds:
            self.report(Kind.WRONG_FACT_KIND(word.span, fact=fact.value, usage=usage, help=_usage_help(fact)))
            return None
        return fact

    def regions(self, words: Iterable[tree.Word]) -> tuple[str, ...] | None:
        result: list[str] = []
        ok = True
        for word in words:
            region = canonical_region(word.text)
            if region is None:
                suggestion = hint(word.text, known_region_names()) or (
                    "use an ISO 3166-1 alpha-2 code (US, DE) or a group (EU, EEA, EFTA, WORLD)"
                )
                self.report(Kind.UNKNOWN_REGION(word.span, name=word.text, suggestion=suggestion))
                ok = False
            else:
                result.append(region)
        return tuple(result) if ok else None

    def condition(self, node: tree.Condition) -> model.Condition | None:
        match node:
            case tree.Flag(fact=word):
                fact = self.fact(word, FactKind.FLAG, usage="as a yes/no condition")
                return model.FlagIs(fact=fact, span=node.span) if fact else None
            case tree.Comparison():
                return self.comparison(node)
            case tree.LocatedIn(fact=word, names=names):
                fact = self.fact(word, FactKind.REGION, usage="with 'in' (only 'domicile' is one region)")
                regions = self.regions(names)
                if fact is None or regions is None:
                    return None
                return model.InRegion(fact=fact, regions=regions, span=node.span)
            case tree.AnyIn(fact=word, names=names, every=True):
                # Only uses: "every market in EU" has not been needed by any licence text.
                fact = self.fact(word, FactKind.USE_SET, usage="with 'every … in' (only 'use')")
                if fact is not Fact.USE:
                    return None
                uses = [self.lookup(w, UseCase, Kind.UNKNOWN_USE) for w in names]
                if any(u is None for u in uses):
                    return None
                return model.AnyUseIn(uses=tuple(u for u in uses if u), every=True, span=node.span)
            case tree.AnyIn(fact=word, names=names):
                fact = self.fact(word, FactKind.REGION_SET, FactKind.USE_SET, usage="with 'any … in'")
                if fact is Fact.MARKET:
                    regions = self.regions(names)
                    return model.AnyMarketIn(regions=regions, span=node.span) if regions else None
                if fact is Fact.USE:
                    uses = [self.lookup(w, UseCase, Kind.UNKNOWN_USE) for w in names]
                    if any(u is None for u in uses):
                        return None
                    return model.AnyUseIn(uses=tuple(u for u in uses if u), span=node.span)
                return None
            case tree.Equals(fact=word, value=value):
                fact = self.fact(word, FactKind.CHOICE, usage="with 'is'")
                if fact is None:
                    return None
                modality = self.lookup(value, Modality, Kind.UNKNOWN_CHOICE, fact=fact.value)
                return model.IsModality(value=modality, span=node.span) if modality else None
            case tree.StartsWith(fact=word, text=text):
                fact = self.fact(word, FactKind.TEXT, usage="with 'starts with'")
                return model.StartsWith(fact=fact, prefix=text.text, span=node.span) if fact else None
            case tree.Not(item=item):
                inner = self.condition(item)
                return model.NotCondition(item=inner, span=node.span) if inner else None
            case tree.All(items=items) | tree.Any(items=items):
                parts = [self.condition(i) for i in items]
                if any(p is None for p in parts):
                    return None
                kept = tuple(p for p in parts if p is not None)
                if isinstance(node, tree.All):
                    return model.AllOf(items=kept, span=node.span)
                return model.AnyOf(items=kept, span=node.span)
        raise AssertionError(f"unhandled condition {node!r}")  # pragma: no cover

    def comparison(self, node: tree.Comparison) -> model.Compare | None:
        fact = self.fact(node.measure.fact, FactKind.QUANTITY, usage="in a comparison")
        anchor = self.anchor(node.measure, fact)
        comparator = Comparator(node.comparator.text)
        parameter: str | None = None
        if isinstance(node.value, tree.Word):
            parameter = node.value.text
            param = self.params.get(parameter)
            if param is None:
                suggestion = hint(parameter, self.params) or ""
                self.report(Kind.UNKNOWN_PARAMETER(node.value.span, name=parameter, suggestion=suggestion))
                return None
            value: model.Quantity | None = param.value
        else:
            value = self.quantity(node.value)
        if fact is None or value is None or (node.measure.anchor is not None and anchor is None):
            return None
        expected = FACT_UNITS[fact]
        if value.unit is not None and value.unit is not expected:
            self.report(
                Kind.UNIT_MISMATCH(
                    node.value.span, fact=fact.value, expected=expected.value, value=str(value), found=value.unit.value
                )
            )
            return None
        value = model.Quantity(value=value.value, unit=expected, span=value.span)
        return model.Compare(
            fact=fact, anchor=anchor, comparator=comparator, value=value, parameter=parameter, span=node.span
        )

    def anchor(self, measure: tree.Measure, fact: Fact | None) -> model.MonthBefore | None:
        node = measure.anchor
        if node is None:
            return None
        if fact is not None and fact is not Fact.MAU:
            self.report(Kind.ANCHOR_ON_UNDATED_FACT(node.span, fact=fact.value))
            return None
        if node.date is None:
            if self.released is None:
                self.report(Kind.ANCHOR_WITHOUT_RELEASE(node.span))
                return None
            return model.MonthBefore(date=self.released, from_release=True, span=node.span)
        date = self.date(node.date)
        return model.MonthBefore(date=date, from_release=False, span=node.span) if date else None


def _shortened(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}…{text[-10:]}"


def _usage_help(fact: Fact) -> str:
    match fact.kind:
        case FactKind.QUANTITY:
            return f"compare it: `{fact.value} > …`"
        case FactKind.REGION:
            return f"write `{fact.value} in EU` or `{fact.value} in {{US, GB}}`"
        case FactKind.REGION_SET | FactKind.USE_SET:
            return f"write `any {fact.value} in {{…}}`"
        case FactKind.CHOICE:
            return f"write `{fact.value} is …`"
        case FactKind.FLAG:
            return f"write it alone: `{fact.value}` or `not {fact.value}`"
        case FactKind.TEXT:
            return f'write `{fact.value} starts with "…"`'
        case FactKind.LICENSE:
            return f'`{fact.value}` is read by `must share alike under "ID", …`, not in conditions'
