"""Syntax tree → rule model, checking every name against the vocabularies.

Permissive grammar, strict model: here a fact, region, use case, parameter or clause name is
looked up, units are matched, and every mistake in the file is collected (with "did you mean …")
before one `LicenseFileError` reports them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from checker.diagnostics import Diagnostic, Kind
from checker.diagnostics.suggest import hint
from checker.errors import LicenseFileError
from checker.language import tree
from checker.terms import model
from checker.terms.numbers import MAX_DIGITS, parse_number, too_large
from checker.terms.regions import canonical_region, known_region_names
from checker.terms.vocabulary import (
    FACT_UNITS,
    Comparator,
    Fact,
    FactKind,
    Modality,
    ObligationKind,
    Unit,
    UseCase,
    Verification,
)

_SINGLE_FIELDS = ("licensor", "version", "effective", "released", "family", "spdx", "governing-law", "verified")
_MULTI_FIELDS = ("source", "alias", "hf-tag", "applies-with", "header-note")
_E = TypeVar("_E")


class _Builder:
    """Collects diagnostics while it converts; one instance per file."""

    def __init__(self, file: tree.LicenseFile) -> None:
        self.file = file
        self.diagnostics: list[Diagnostic] = []
        self.released: dt.date | None = None
        self.params: dict[str, model.Parameter] = {}

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

    # ---- header -------------------------------------------------------------------------

    def header(self) -> dict[str, list[tree.Word]]:
        fields: dict[str, list[tree.Word]] = {}
        seen: dict[str, tree.HeaderField] = {}
        for field in self.file.header.fields:
            if field.key in _SINGLE_FIELDS and field.key in seen:
                self.report(Kind.DUPLICATE_HEADER(field.span, field=field.key))
                continue
            seen[field.key] = field
            fields.setdefault(field.key, []).extend(field.values)
        for required, help_text in (
            ("licensor", 'add `licensor "…"`: who grants the licence'),
            ("source", 'add `source "https://…"`: where the licence text was read'),
            ("verified", 'add `verified primary "…"`: how the text was checked (primary, copy, secondary, unverified)'),
        ):
            if required not in fields:
                self.report(Kind.MISSING_HEADER(self.file.header.span, field=required, help=help_text))
        return fields

    def date(self, word: tree.Word) -> dt.date | None:
        try:
            return dt.date.fromisoformat(word.text)
        except ValueError:
            self.report(Kind.BAD_DATE(word.span, text=word.text))
            return None

    # ---- quantities and parameters -------------------------------------------------------

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

    def parameter(self, node: tree.Param) -> None:
        if node.name.text in self.params:
            first = self.params[node.name.text].span
            self.report(Kind.DUPLICATE_PARAMETER(node.name.span, name=node.name.text, first=first))
            return
        value = self.quantity(node.quantity)
        if value is not None:
            self.params[node.name.text] = model.Parameter(
                name=node.name.text,
                value=value,
                section=node.section.number,
                heading=node.section.heading,
                quote=node.quote.text,
                span=node.span,
            )

    # ---- conditions ----------------------------------------------------------------------

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

    # ---- effects and clauses -------------------------------------------------------------

    def effect(self, node: tree.Effect) -> model.Effect:
        text = node.args[0].text if node.args else None
        match node.kind:
            case "permits":
                return model.Permits(span=node.span)
            case "forbidden":
                return model.Forbidden(span=node.span)
            case "needs-license":
                return model.NeedsLicense(licensor=text or "", span=node.span)
            case "unclear":
                return model.Unclear(question=text or "", span=node.span)
            case "exempts":
                return model.Exempts(clauses=tuple(a.text for a in node.args), span=node.span)
        return model.Obligation(duty=ObligationKind(node.kind), text=text, span=node.span)

    def clause(self, node: tree.Clause) -> model.Clause | None:
        if not node.quote.text:
            self.report(Kind.EMPTY_QUOTE(node.name.span, name=node.name.text))
        condition = self.condition(node.condition) if node.condition is not None else None
        if node.condition is not None and condition is None:
            return None
        return model.Clause(
            id=node.name.text,
            section=node.section.number,
            heading=node.section.heading,
            quote=node.quote.text,
            condition=condition,
            effect=self.effect(node.effect),
            notes=tuple(n.text.text for n in node.notes if n.kind == "note"),
            ambiguities=tuple(n.text.text for n in node.notes if n.kind == "ambiguous"),
            unverified=tuple(n.text.text for n in node.notes if n.kind == "unverified"),
            span=node.span,
        )

    def check_clauses(self, clauses: list[model.Clause]) -> None:
        # Every clause name written counts as defined, so that a clause dropped for another mistake
        # does not make its references look dangling too.
        written = {c.name.text for c in self.file.clauses}
        first: dict[str, model.Clause] = {}
        for clause in clauses:
            if clause.id in first:
                self.report(Kind.DUPLICATE_CLAUSE(clause.span, name=clause.id, first=first[clause.id].span))
            first.setdefault(clause.id, clause)
        for clause in clauses:
            if isinstance(clause.effect, model.Exempts):
                for target in clause.effect.clauses:
                    if target == clause.id:
                        self.report(Kind.SELF_EXEMPTION(clause.effect.span, name=target))
                    elif target not in written:
                        suggestion = hint(target, written) or ""
                        self.report(Kind.UNKNOWN_CLAUSE(clause.effect.span, name=target, suggestion=suggestion))
        # A companion document (`applies-with`) may have no grant of its own: the licence it
        # accompanies grants the use.
        companion = any(f.key == "applies-with" for f in self.file.header.fields)
        if clauses and not companion and not any(isinstance(c.effect, model.Permits) for c in clauses):
            self.report(Kind.NO_GRANT(self.file.header.span))

    # ---- the whole file ------------------------------------------------------------------

    def license(self) -> model.License | None:
        fields = self.header()

        def one(key: str, convert: Callable[[tree.Word], _E | None] = lambda w: w.text) -> _E | None:  # type: ignore[assignment,return-value]
            words = fields.get(key)
            return convert(words[0]) if words else None

        def many(key: str) -> tuple[str, ...]:
            return tuple(w.text for w in fields.get(key, []))

        self.released = one("released", self.date)
        effective = one("effective", self.date)
        verified = fields.get("verified", [])
        verification = self.lookup(verified[0], Verification, Kind.UNKNOWN_VERIFICATION) if verified else None
        for param in self.file.params:
            self.parameter(param)
        clauses = [c for c in (self.clause(n) for n in self.file.clauses) if c is not None]
        self.check_clauses(clauses)
        if self.diagnostics or verification is None:
            return None
        return model.License(
            id=self.file.header.license_id.text,
            name=self.file.header.name.text,
            licensor=one("licensor") or "",
            version=one("version"),
            effective=effective,
            released=self.released,
            sources=many("source"),
            families=many("family"),
            aliases=many("alias"),
            hf_tags=many("hf-tag"),
            spdx=one("spdx"),
            governing_law=one("governing-law"),
            verification=verification,
            verification_note=verified[1].text,
            applies_with=many("applies-with"),
            notes=many("header-note"),
            parameters=tuple(self.params.values()),
            clauses=tuple(clauses),
            span=self.file.span,
        )


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


def build_license(file: tree.LicenseFile, text: str) -> model.License:
    """The licence a parsed file defines. Raises `LicenseFileError` listing every mistake."""
    builder = _Builder(file)
    result = builder.license()
    if result is None:
        raise LicenseFileError(builder.diagnostics, {file.span.file: text})
    return result


# What a skipped (syntactically broken) item may leave behind in the rest of the file: these
# would be artefacts of the skip, not mistakes of their own, so they wait for the next run.
_SKIP_ARTEFACTS = frozenset({Kind.UNKNOWN_CLAUSE.code, Kind.UNKNOWN_PARAMETER.code, Kind.NO_GRANT.code})


def build_recovered(recovered: tree.Recovered, text: str, filename: str) -> model.License:
    """The licence of a file read past its syntax errors: raises every syntax error together with
    the mistakes found in the rest of the file, in the order they stand, or returns the licence."""
    if not recovered.diagnostics and recovered.file is not None:
        return build_license(recovered.file, text)
    found = list(recovered.diagnostics)
    if recovered.file is not None:
        builder = _Builder(recovered.file)
        builder.license()
        found += [
            d
            for d in builder.diagnostics
            if not (recovered.skipped and d.code in _SKIP_ARTEFACTS)
            and not (recovered.header_cut and d.code == Kind.MISSING_HEADER.code)
        ]
    found.sort(key=lambda d: (d.span.line, d.span.column) if d.span else (0, 0))
    raise LicenseFileError(found, {filename: text})
