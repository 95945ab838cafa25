"""Syntax tree → rule model, checking every name against the vocabularies.

Permissive grammar, strict model: here a fact, region, use case, parameter or clause name is
looked up, units are matched, and every mistake in the file is collected (with "did you mean …")
before one `LicenseFileError` reports them all. The header, parameters, effects and clauses are built
here; the conditions (facts, regions, quantities, dates) in `checker.language.conditions`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from checker.diagnostics import Diagnostic, Kind
from checker.diagnostics.suggest import hint
from checker.errors import LicenseFileError
from checker.language import tree
from checker.language.conditions import ConditionBuilder
from checker.terms import model
from checker.terms.vocabulary import (
    ObligationKind,
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
        self.params: dict[str, model.Parameter] = {}
        self.terms = ConditionBuilder(self.diagnostics, self.params)

    def report(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

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

    # ---- parameters (their quantities and the clauses' conditions: `conditions.py`) ------

    def parameter(self, node: tree.Param) -> None:
        if node.name.text in self.params:
            first = self.params[node.name.text].span
            self.report(Kind.DUPLICATE_PARAMETER(node.name.span, name=node.name.text, first=first))
            return
        value = self.terms.quantity(node.quantity)
        if value is not None:
            self.params[node.name.text] = model.Parameter(
                name=node.name.text,
                value=value,
                section=node.section.number,
                heading=node.section.heading,
                quote=node.quote.text,
                span=node.span,
            )

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
                if node.answer is None or node.refusal is None:
                    return model.Unclear(question=text or "", span=node.span)
                refusal = self.effect(node.refusal)
                assert isinstance(refusal, model.Forbidden | model.NeedsLicense)  # the grammar allows no other
                return model.Unclear(
                    question=text or "", refusing_answer=node.answer.text == "yes", refusal=refusal, span=node.span
                )
            case "terminates":
                return model.Terminates(licensor=text, span=node.span)
            case "share-alike":
                accepted = tuple(a.text.lower() for a in node.args)
                return model.Obligation(duty=ObligationKind.SHARE_ALIKE, accepted=accepted, span=node.span)
            case "exempts":
                return model.Exempts(clauses=tuple(a.text for a in node.args), span=node.span)
        return model.Obligation(duty=ObligationKind(node.kind), text=text, span=node.span)

    def clause(self, node: tree.Clause) -> model.Clause | None:
        if not node.quote.text:
            self.report(Kind.EMPTY_QUOTE(node.name.span, name=node.name.text))
        condition = self.terms.condition(node.condition) if node.condition is not None else None
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
        # accompanies grants the use. A file with no clauses at all grants nothing either (issue 14:
        # it used to build as `permitted` for everyone).
        companion = any(f.key == "applies-with" for f in self.file.header.fields)
        if not companion and not any(isinstance(c.effect, model.Permits) for c in clauses):
            self.report(Kind.NO_GRANT(self.file.header.span))

    # ---- the whole file ------------------------------------------------------------------

    def license(self) -> model.License | None:
        fields = self.header()

        def one(key: str, convert: Callable[[tree.Word], _E | None] = lambda w: w.text) -> _E | None:  # type: ignore[assignment,return-value]
            words = fields.get(key)
            return convert(words[0]) if words else None

        def many(key: str) -> tuple[str, ...]:
            return tuple(w.text for w in fields.get(key, []))

        released = self.terms.released = one("released", self.terms.date)
        effective = one("effective", self.terms.date)
        verified = fields.get("verified", [])
        verification = self.terms.lookup(verified[0], Verification, Kind.UNKNOWN_VERIFICATION) if verified else None
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
            released=released,
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
