"""Text → syntax tree. The only module that imports Lark.

The Transformer builds `checker.tree` nodes and nothing else; it runs after `parse()` so that
positions are propagated. Every Lark error becomes a diagnostic from the catalogue, worded with
the user's words, never with grammar token names.
"""

from __future__ import annotations

from functools import cache
from typing import Any as AnyType

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)
from lark.lexer import PatternStr

from checker import tree
from checker.diagnostics import Diagnostic, Kind
from checker.errors import LicenseFileError
from checker.resources import grammar_text
from checker.span import Span
from checker.suggest import hint

# What each named terminal is, in the words of grammar/README.md.
_TERMINAL_WORDS = {
    "NAME": "a name",
    "LICENSE_ID": "a licence id",
    "STRING": 'a text in double quotes ("…")',
    "QUOTE_LINE": "a quote line starting with '>'",
    "NUMBER": "a number",
    "DATE": "a date (YYYY-MM-DD)",
    "SECTION": "a section number (§…)",
    "COMPARATOR": "a comparison (>, >=, <, <=, ==, !=)",
    "RELEASE": "'release'",
    "$END": "the end of the file",
}


# An unexpected name where these keywords may stand is a mistyped effect.
_EFFECTS = ("permits", "forbidden", "needs", "unclear", "exempts", "must")
_EFFECT_WORDS = {f"'{w}'" for w in _EFFECTS}


@cache
def _lark() -> Lark:
    return Lark(grammar_text(), parser="lalr", lexer="contextual", propagate_positions=True)


@cache
def _terminal_words() -> dict[str, str]:
    words = dict(_TERMINAL_WORDS)
    for terminal in _lark().terminals:
        if isinstance(terminal.pattern, PatternStr):
            words[terminal.name] = f"'{terminal.pattern.value}'"
    return words


def _describe_expected(names: set[str] | frozenset[str]) -> str:
    words = sorted({_terminal_words().get(n, n.lower()) for n in names if n not in ("WS", "COMMENT")})
    if len(words) > 8:
        return ", ".join(words[:8]) + f" or {len(words) - 8} more"
    return " or ".join(words) if len(words) <= 2 else ", ".join(words[:-1]) + " or " + words[-1]


def _describe_token(token: Token) -> str:
    if token.type == "$END":
        return "end of file"
    word = _terminal_words().get(token.type)
    if word and word.startswith("'"):
        return f"keyword {word}"
    return f"'{token.value}'" if len(str(token.value)) <= 40 else f"'{str(token.value)[:37]}…'"


def _end_of(text: str, filename: str) -> Span:
    lines = text.split("\n")
    return Span.point(filename, len(lines), len(lines[-1]) + 1)


def _syntax_diagnostic(error: UnexpectedInput, text: str, filename: str) -> Diagnostic:
    if isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END"):
        expected = error.expected
        return Kind.UNEXPECTED_EOF(_end_of(text, filename), expected=_describe_expected(set(expected)))
    if isinstance(error, UnexpectedToken):
        token = error.token
        width = max(1, len(str(token.value).split("\n")[0]))
        span = Span.point(filename, token.line, token.column, width)
        if (
            token.type in ("NAME", "LICENSE_ID")
            and {_terminal_words().get(n, "") for n in error.expected} >= _EFFECT_WORDS
        ):
            close = hint(str(token.value), _EFFECTS)
            return Kind.UNKNOWN_EFFECT(span, found=token.value, suggestion=f"{close} " if close else "")
        return Kind.UNEXPECTED_TOKEN(
            span, found=_describe_token(token), expected=_describe_expected(set(error.expected))
        )
    if isinstance(error, UnexpectedCharacters):
        span = Span.point(filename, error.line, error.column)
        position = error.pos_in_stream or 0
        char = text[position] if position < len(text) else ""
        if char in ("'", "\u2018", "\u2019", "\u201c", "\u201d"):
            return Kind.BAD_STRING(span)
        return Kind.UNEXPECTED_CHARACTER(span, found=repr(char), expected=_describe_expected(set(error.allowed or ())))
    raise AssertionError(f"unhandled Lark error {type(error).__name__}")  # pragma: no cover


def _span(filename: str, meta: AnyType) -> Span:
    return Span(
        file=filename,
        line=meta.line,
        column=meta.column,
        end_line=meta.end_line,
        end_column=meta.end_column,
    )


def _unquote(token: Token) -> str:
    body = str(token)[1:-1]
    out, i = [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            out.append(body[i + 1])
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


_HEADER_FIELDS = frozenset(
    {
        "licensor",
        "version",
        "effective",
        "released",
        "source",
        "family",
        "alias",
        "hf_tag",
        "spdx",
        "governing_law",
        "verified",
        "applies_with",
        "header_note",
    }
)


@v_args(meta=True)
class _ToTree(Transformer[Token, AnyType]):
    """Builds `checker.tree` nodes; each method is one construct of grammar/terms.lark."""

    def __init__(self, filename: str) -> None:
        super().__init__()
        self.filename = filename

    def _word(self, token: Token) -> tree.Word:
        text = _unquote(token) if token.type == "STRING" else str(token)
        return tree.Word(text, _span(self.filename, token))

    def start(self, meta: AnyType, children: list[AnyType]) -> tree.LicenseFile:
        header, *items = children
        params = tuple(i for i in items if isinstance(i, tree.Param))
        clauses = tuple(i for i in items if isinstance(i, tree.Clause))
        return tree.LicenseFile(header, params, clauses, _span(self.filename, meta))

    def header(self, meta: AnyType, children: list[AnyType]) -> tree.Header:
        license_id, name, *fields = children
        return tree.Header(self._word(license_id), self._word(name), tuple(fields), _span(self.filename, meta))

    def __default__(self, data: Token, children: list[AnyType], meta: AnyType) -> tree.HeaderField:
        assert str(data) in _HEADER_FIELDS, data
        words = tuple(self._word(t) for t in children)
        return tree.HeaderField(str(data).replace("_", "-"), words, _span(self.filename, meta))

    def param(self, meta: AnyType, children: list[AnyType]) -> tree.Param:
        name, quantity, section, *quotes = children
        return tree.Param(self._word(name), quantity, section, self._quote(quotes), _span(self.filename, meta))

    def quantity(self, meta: AnyType, children: list[Token]) -> tree.Quantity:
        number = next(t for t in children if t.type == "NUMBER")
        unit = next((t for t in children if t.type == "NAME"), None)
        return tree.Quantity(self._word(number), self._word(unit) if unit else None, _span(self.filename, meta))

    def section(self, meta: AnyType, children: list[Token]) -> tree.Section:
        number = str(children[0])[1:].strip()
        heading = _unquote(children[1]) if len(children) > 1 else None
        return tree.Section(number, heading, _span(self.filename, meta))

    def quote_line(self, meta: AnyType, children: list[Token]) -> tree.Word:
        return self._word(children[0])

    def _quote(self, lines: list[tree.Word]) -> tree.Quote:
        parts = [w.text[1:].strip() for w in lines]
        first, last = lines[0].span, lines[-1].span
        span = Span(
            file=first.file,
            line=first.line,
            column=first.column,
            end_line=last.end_line,
            end_column=last.end_column,
        )
        return tree.Quote(" ".join(p for p in parts if p), span)

    def clause(self, meta: AnyType, children: list[AnyType]) -> tree.Clause:
        name, section, *rest = children
        quotes = [c for c in rest if isinstance(c, tree.Word)]
        condition = next((c for c in rest if isinstance(c, _CONDITIONS)), None)
        effect = next(c for c in rest if isinstance(c, tree.Effect))
        notes = tuple(c for c in rest if isinstance(c, tree.ClauseNote))
        return tree.Clause(
            self._word(name), section, self._quote(quotes), condition, effect, notes, _span(self.filename, meta)
        )

    def condition_part(self, meta: AnyType, children: list[tree.Condition]) -> tree.Condition:
        return children[0]

    def note(self, meta: AnyType, children: list[Token]) -> tree.ClauseNote:
        return tree.ClauseNote("note", self._word(children[0]), _span(self.filename, meta))

    def ambiguity(self, meta: AnyType, children: list[Token]) -> tree.ClauseNote:
        return tree.ClauseNote("ambiguous", self._word(children[0]), _span(self.filename, meta))

    def unverified(self, meta: AnyType, children: list[Token]) -> tree.ClauseNote:
        return tree.ClauseNote("unverified", self._word(children[0]), _span(self.filename, meta))

    # Effects: the rule's alias is the effect's kind.
    def _effect(self, kind: str, meta: AnyType, children: list[Token]) -> tree.Effect:
        return tree.Effect(kind, tuple(self._word(t) for t in children), _span(self.filename, meta))

    def permits(self, meta: AnyType, children: list[Token]) -> tree.Effect:
        return self._effect("permits", meta, children)

    def forbidden(self, meta: AnyType, children: list[Token]) -> tree.Effect:
        return self._effect("forbidden", meta, children)

    def needs_license(self, meta: AnyType, children: list[Token]) -> tree.Effect:
        return self._effect("needs-license", meta, children)

    def unclear(self, meta: AnyType, children: list[Token]) -> tree.Effect:
        return self._effect("unclear", meta, children)

    def exempts(self, meta: AnyType, children: list[Token]) -> tree.Effect:
        return self._effect("exempts", meta, children)

    def display(self, meta: AnyType, children: list[Token]) -> tree.Effect:
        return self._effect("display", meta, children)

    def name_prefix(self, meta: AnyType, children: list[Token]) -> tree.Effect:
        return self._effect("name-prefix", meta, children)

    def license_copy(self, meta: AnyType, children: list[Token]) -> tree.Effect:
        return self._effect("license-copy", meta, children)

    def notice(self, meta: AnyType, children: list[Token]) -> tree.Effect:
        return self._effect("notice", meta, children)

    def mark_modifications(self, meta: AnyType, children: list[Token]) -> tree.Effect:
        return self._effect("mark-modifications", meta, children)

    def retain_notices(self, meta: AnyType, children: list[Token]) -> tree.Effect:
        return self._effect("retain-notices", meta, children)

    def pass_on_restrictions(self, meta: AnyType, children: list[Token]) -> tree.Effect:
        return self._effect("pass-on-restrictions", meta, children)

    def comply_with_policy(self, meta: AnyType, children: list[Token]) -> tree.Effect:
        return self._effect("comply-with-policy", meta, children)

    def share_alike(self, meta: AnyType, children: list[Token]) -> tree.Effect:
        return self._effect("share-alike", meta, children)

    def no_endorsement(self, meta: AnyType, children: list[Token]) -> tree.Effect:
        return self._effect("no-endorsement", meta, children)

    def register(self, meta: AnyType, children: list[Token]) -> tree.Effect:
        return self._effect("register", meta, children)

    # Conditions.
    def disjunction(self, meta: AnyType, children: list[tree.Condition]) -> tree.Any:
        return tree.Any(tuple(children), _span(self.filename, meta))

    def conjunction(self, meta: AnyType, children: list[tree.Condition]) -> tree.All:
        return tree.All(tuple(children), _span(self.filename, meta))

    def negation(self, meta: AnyType, children: list[tree.Condition]) -> tree.Not:
        return tree.Not(children[0], _span(self.filename, meta))

    def flag(self, meta: AnyType, children: list[Token]) -> tree.Flag:
        return tree.Flag(self._word(children[0]), _span(self.filename, meta))

    def comparison(self, meta: AnyType, children: list[AnyType]) -> tree.Comparison:
        measure, comparator, value = children
        return tree.Comparison(measure, self._word(comparator), value, _span(self.filename, meta))

    def measure(self, meta: AnyType, children: list[AnyType]) -> tree.Measure:
        anchor = children[1] if len(children) > 1 else None
        return tree.Measure(self._word(children[0]), anchor, _span(self.filename, meta))

    def anchor(self, meta: AnyType, children: list[Token]) -> tree.Anchor:
        token = children[0]
        date = self._word(token) if token.type == "DATE" else None
        return tree.Anchor(date, _span(self.filename, meta))

    def param_ref(self, meta: AnyType, children: list[Token]) -> tree.Word:
        return self._word(children[0])

    def located_in(self, meta: AnyType, children: list[AnyType]) -> tree.LocatedIn:
        return tree.LocatedIn(self._word(children[0]), children[1], _span(self.filename, meta))

    def any_in(self, meta: AnyType, children: list[AnyType]) -> tree.AnyIn:
        return tree.AnyIn(self._word(children[0]), children[1], _span(self.filename, meta))

    def equals(self, meta: AnyType, children: list[Token]) -> tree.Equals:
        return tree.Equals(self._word(children[0]), self._word(children[1]), _span(self.filename, meta))

    def starts_with(self, meta: AnyType, children: list[Token]) -> tree.StartsWith:
        return tree.StartsWith(self._word(children[0]), self._word(children[1]), _span(self.filename, meta))

    def single_name(self, meta: AnyType, children: list[Token]) -> tuple[tree.Word, ...]:
        return (self._word(children[0]),)

    def name_list(self, meta: AnyType, children: list[Token]) -> tuple[tree.Word, ...]:
        return tuple(self._word(t) for t in children)


_CONDITIONS = (
    tree.Flag,
    tree.Comparison,
    tree.LocatedIn,
    tree.AnyIn,
    tree.Equals,
    tree.StartsWith,
    tree.Not,
    tree.All,
    tree.Any,
)


def parse_text(text: str, filename: str) -> tree.LicenseFile:
    """Parse one licence file's text. Raises `LicenseFileError` with a positioned diagnostic."""
    try:
        parsed = _lark().parse(text)
    except UnexpectedInput as error:
        raise LicenseFileError([_syntax_diagnostic(error, text, filename)], {filename: text}) from None
    try:
        result: tree.LicenseFile = _ToTree(filename).transform(parsed)
    except VisitError as error:  # pragma: no cover - the transformer raises nothing by design
        raise error.orig_exc from None
    return result
