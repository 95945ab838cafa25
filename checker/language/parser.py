"""Text → syntax tree. The only module that imports Lark.

The Transformer builds `checker.language.tree` nodes and nothing else; it runs after `parse()` so that
positions are propagated. Every Lark error becomes a diagnostic from the catalogue, worded with
the user's words, never with grammar token names.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
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

from checker.diagnostics import Diagnostic, Kind
from checker.diagnostics.span import Span
from checker.diagnostics.suggest import hint
from checker.errors import LicenseFileError
from checker.language import tree
from checker.resources import grammar_text

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
EFFECTS = ("permits", "forbidden", "needs", "unclear", "terminates", "exempts", "must")
"""The words that begin an effect."""
_EFFECT_WORDS = {f"'{w}'" for w in EFFECTS}
# Words people write for an effect, and the effect they mean.
_EFFECT_SYNONYMS = {
    **dict.fromkeys(("prohibited", "prohibits", "forbids", "forbid", "denied", "denies", "banned"), "forbidden"),
    **dict.fromkeys(("permitted", "permit", "allowed", "allows", "allow", "grants", "granted"), "permits"),
    **dict.fromkeys(("requires", "required", "shall", "should"), "must"),
}
_EFFECT_SYNONYMS = {word: f"did you mean '{effect}'?" for word, effect in _EFFECT_SYNONYMS.items()}


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
    """Just after the last thing written (trailing blank lines would show the user nothing)."""
    lines = text.rstrip().split("\n")
    return Span.point(filename, len(lines), len(lines[-1]) + 1)


def _syntax_diagnostic(error: UnexpectedInput, text: str, filename: str) -> Diagnostic:
    if isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END"):
        expected = (error.accepts if isinstance(error, UnexpectedToken) else None) or error.expected
        return Kind.UNEXPECTED_EOF(_end_of(text, filename), expected=_describe_expected(set(expected)))
    if isinstance(error, UnexpectedToken):
        token = error.token
        width = max(1, len(str(token.value).split("\n")[0]))
        span = Span.point(filename, token.line, token.column, width)
        commas = _number_with_commas(text, int(token.start_pos or 0)) if token.type == "COMMA" else None
        if commas is not None:
            return commas(filename)
        if token.value == "=" and "COMPARATOR" in error.expected:
            return Kind.BAD_COMPARATOR(span, found="=", suggestion="'==' to compare for equality, or >, >=, <, <=")
        if set(error.expected) == {"SECTION"} or (token.type == "QUOTE_LINE" and _param_without_section(text, token)):
            return Kind.MISSING_SECTION(span, found=_describe_token(token))
        if "QUOTE_LINE" in error.expected and not {"WHEN", "PERMITS"} & set(error.expected):
            return Kind.MISSING_QUOTE(span, found=_describe_token(token))
        if (
            token.type in ("NAME", "LICENSE_ID")
            and {_terminal_words().get(n, "") for n in error.expected} >= _EFFECT_WORDS
        ):
            close = _EFFECT_SYNONYMS.get(str(token.value).lower()) or hint(str(token.value), EFFECTS)
            return Kind.UNKNOWN_EFFECT(span, found=token.value, suggestion=f"{close} " if close else "")
        return Kind.UNEXPECTED_TOKEN(
            span, found=_describe_token(token), expected=_describe_expected(set(error.expected))
        )
    if isinstance(error, UnexpectedCharacters):
        span = Span.point(filename, error.line, error.column)
        position = error.pos_in_stream or 0
        char = text[position] if position < len(text) else ""
        if char in ("'", "\u2018", "\u2019", "\u201c", "\u201d"):
            line_end = text.find("\n", position)
            rest = text[position + 1 : line_end if line_end >= 0 else len(text)]
            closing = min((i for i in (rest.find(c) for c in "'\u2019\u201d") if i >= 0), default=-1)
            width = closing + 2 if closing >= 0 else 1
            return Kind.BAD_STRING(Span.point(filename, error.line, error.column, width))
        if char in _UNICODE_COMPARATORS:
            return Kind.BAD_COMPARATOR(span, found=char, suggestion=f"'{_UNICODE_COMPARATORS[char]}'")
        return Kind.UNEXPECTED_CHARACTER(span, found=repr(char), expected=_describe_expected(set(error.allowed or ())))
    raise AssertionError(f"unhandled Lark error {type(error).__name__}")  # pragma: no cover


_UNICODE_COMPARATORS = {"\u2265": ">=", "\u2264": "<=", "\u2260": "!=", "\u226b": ">", "\u226a": "<"}


def _param_without_section(text: str, token: Token) -> bool:
    """A quote line right after `param NAME = QUANTITY`: its section is missing (the parser, which
    shares that state with comparisons, would otherwise list what may follow a quantity)."""
    before = text[: int(token.start_pos or 0)]
    starts = list(_ITEM_START.finditer(before))
    return bool(starts) and starts[-1].group(1) == "param" and "§" not in before[starts[-1].start() :]


def _parse_suffixless(digits: str) -> int | None:
    return int(digits) if digits.isdigit() and len(digits) <= 30 else None


def _number_with_commas(text: str, comma: int) -> Callable[[str], Diagnostic] | None:
    """`700,000,000` read as the number 700 and a stray comma: the whole number, and how to write it."""
    start = comma
    while start > 0 and (text[start - 1].isdigit() or text[start - 1] in ",._"):
        start -= 1
    end = comma
    while end < len(text) and (text[end].isdigit() or text[end] in ",._"):
        end += 1
    written = text[start:end].rstrip(",.")
    if not (start < comma < end - 1 and text[comma + 1].isdigit() and written[:1].isdigit()):
        return None
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    suggestion = f"`{written.replace(',', '_')}`"
    number = _parse_suffixless(written.replace(",", ""))
    for suffix, size in (("B", 10**9), ("M", 10**6), ("K", 10**3)):
        if number is not None and number >= size and number % size == 0:
            suggestion += f" or `{number // size}{suffix}`"
            break

    def build(filename: str) -> Diagnostic:
        span = Span.point(filename, line, column, len(written))
        return Kind.NUMBER_WITH_COMMAS(span, text=written, suggestion=suggestion)

    return build


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


# The grammar's rules for effects (`needs_license` is the effect `needs-license`) and clause notes.
_EFFECTS = frozenset(
    {
        "permits", "forbidden", "needs_license", "unclear", "terminates", "exempts", "display", "name_prefix",
        "license_copy", "notice", "mark_modifications", "retain_notices", "pass_on_restrictions", "comply_with_policy",
        "share_alike", "no_endorsement", "register", "provide_source",
    }
)  # fmt: skip
_NOTES = {"note": "note", "ambiguity": "ambiguous", "unverified": "unverified"}


@v_args(meta=True)
class _ToTree(Transformer[Token, AnyType]):
    """Builds `checker.language.tree` nodes; each method is one construct of grammar/terms.lark."""

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

    def __default__(self, data: Token, children: list[AnyType], meta: AnyType) -> AnyType:
        # The header fields, clause notes and effects: one node each, named by the rule (the
        # rule's name with dashes is the field's key and the effect's kind).
        rule, span = str(data), _span(self.filename, meta)
        words = tuple(self._word(t) for t in children)
        if rule in _EFFECTS:
            return tree.Effect(rule.replace("_", "-"), words, span)
        if rule in _NOTES:
            return tree.ClauseNote(_NOTES[rule], words[0], span)
        assert rule in _HEADER_FIELDS, rule
        return tree.HeaderField(rule.replace("_", "-"), words, span)

    def unclear(self, meta: AnyType, children: list[AnyType]) -> tree.Effect:
        question, *rest = children
        span = _span(self.filename, meta)
        if not rest:
            return tree.Effect("unclear", (self._word(question),), span)
        answer, refusal = rest
        return tree.Effect("unclear", (self._word(question),), span, self._word(answer), refusal)

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

    def every_in(self, meta: AnyType, children: list[AnyType]) -> tree.AnyIn:
        return tree.AnyIn(self._word(children[0]), children[1], _span(self.filename, meta), every=True)

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


# Conditions deeper than this are refused before the (recursive) Transformer sees them: no licence
# nests more than a handful of levels, and a hostile file with 10,000 must get an error, not a crash.
MAX_NESTING = 50
# After this many syntax errors in one file, the rest is not worth reading.
MAX_SYNTAX_ERRORS = 20
# Items start on their own line with these keywords: where reading resumes after a syntax error.
_ITEM_START = re.compile(r"^[ \t]*(clause|param)\b", re.MULTILINE)


def _blank(text: str, start: int, end: int) -> str:
    """`text` with `[start, end)` replaced by spaces, line breaks kept: every position stays put."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def _error_offset(error: UnexpectedInput, text: str) -> int:
    if isinstance(error, UnexpectedToken) and error.token.type != "$END":
        return int(error.token.start_pos or 0)
    if isinstance(error, UnexpectedCharacters):
        return int(error.pos_in_stream or 0)
    return len(text)


def _parse_tokens(text: str, filename: str) -> tuple[AnyType, list[Token]]:
    """Parse, keeping the tokens read; refuses conditions nested deeper than MAX_NESTING."""
    interactive = _lark().parse_interactive(text)
    tokens: list[Token] = []
    # The depth of the condition's tree: each open parenthesis stands inside the negations written
    # before it, so a `not not … (` staircase nests as deep as all its steps together. `opened`
    # holds, per open parenthesis, the levels it added (its negations and itself).
    opened: list[int] = []
    depth = nots = 0
    for token in interactive.iter_parse():
        tokens.append(token)
        kind = token.type
        if kind == "NOT":
            nots += 1
        elif kind == "LPAR":
            opened.append(nots + 1)
            depth, nots = depth + nots + 1, 0
        elif kind == "RPAR":
            depth, nots = depth - (opened.pop() if opened else 0), 0
        else:
            nots = 0
        if depth + nots > MAX_NESTING:
            span = Span.point(filename, token.line or 1, token.column or 1)
            raise LicenseFileError([Kind.TOO_DEEP(span, limit=MAX_NESTING)], {filename: text})
    try:
        # Lark leaves feed_eof unannotated; it returns the parse tree.
        return interactive.feed_eof(tokens[-1] if tokens else None), tokens  # type: ignore[no-untyped-call]
    except UnexpectedToken as error:
        # What LALR's table expects at the end of the file includes terminals that only a later
        # reduction would refuse (an effect, inside an open parenthesis); a parser stopped just
        # before the end knows exactly what may follow. Built only on this error path.
        at_end = _lark().parse_interactive(text)
        for _ in at_end.iter_parse():
            pass
        error.interactive_parser = at_end
        raise


def parse_recovering(text: str, filename: str) -> tree.Recovered:
    """Parse a licence file, reading past syntax errors so that every one of them is reported."""
    recovered, _ = _recovering(text, filename)
    return recovered


def _recovering(text: str, filename: str) -> tuple[tree.Recovered, list[Token]]:
    """`parse_recovering`, with the tokens of the text that parsed (the file's own when it has no
    syntax error).

    After a syntax error the broken item is blanked out (positions stay put) and reading resumes
    at the next item. The items before it are not read again: the parser's state after the header
    and any number of whole items is the same, so they are blanked out of the next attempt too and
    each attempt reads only what no attempt has read. Finding every error thus costs about one
    reading of the file, and building the tree of what remained one more.
    """
    diagnostics: list[Diagnostic] = []
    current, skipped, header_cut, last = text, False, False, -1
    first_item = next((m.start(1) for m in _ITEM_START.finditer(text)), len(text))
    resume = first_item  # the items in [first_item, resume) parsed, or were blanked out
    while len(diagnostics) < MAX_SYNTAX_ERRORS:
        attempt = _blank(current, first_item, resume) if resume > first_item else current
        try:
            parsed, tokens = _parse_tokens(attempt, filename)
        except UnexpectedInput as error:
            diagnostics.append(_syntax_diagnostic(error, text, filename))
            offset = _error_offset(error, attempt)
            starts = [m.start(1) for m in _ITEM_START.finditer(current)]
            before = [s for s in starts if s < offset]
            after = [s for s in starts if s > offset]
            if offset >= len(current) or offset <= last or (not before and offset in starts):
                break  # nothing left to skip to, or no progress: stop rather than cascade
            start = before[-1] if before else offset
            skipped, header_cut = skipped or bool(before), header_cut or not before
            end = after[0] if after else len(current)
            current, last = _blank(current, start, end), offset
            resume = max(resume, end) if before else resume
            continue
        if attempt is not current:
            try:
                parsed, tokens = _parse_tokens(current, filename)  # the whole of what remained, once
            except UnexpectedInput:
                # The items blanked out of the attempt read differently in full (a broken header
                # leaves the parser in another state, found by fuzzing): read it all again, without
                # that shortcut; each such round reports an error or stops, so it ends.
                resume = first_item
                continue
        return tree.Recovered(_to_tree(parsed, filename), tuple(diagnostics), skipped, header_cut), tokens
    return tree.Recovered(None, tuple(diagnostics), skipped, header_cut), []


def recover_with_lexemes(text: str, filename: str) -> tuple[tree.Recovered, tuple[tree.Lexeme, ...]]:
    """`parse_recovering`, with `lex`'s tokens when the file has no syntax error (none when it has):
    a formatter reads a file once."""
    recovered, tokens = _recovering(text, filename)
    return recovered, (() if recovered.diagnostics else _lexemes(text, tokens))


def _to_tree(parsed: AnyType, filename: str) -> tree.LicenseFile:
    try:
        result: tree.LicenseFile = _ToTree(filename).transform(parsed)
    except VisitError as error:  # pragma: no cover - the transformer raises nothing by design
        raise error.orig_exc from None
    return result


def parse_text(text: str, filename: str) -> tree.LicenseFile:
    """Parse one licence file's text. Raises `LicenseFileError` listing every syntax error."""
    recovered = parse_recovering(text, filename)
    if recovered.diagnostics or recovered.file is None:
        raise LicenseFileError(recovered.diagnostics, {filename: text})
    return recovered.file


_LEXEME_KINDS = {
    "LICENSE_ID": "license-id",
    "NAME": "name",
    "STRING": "string",
    "QUOTE_LINE": "quote",
    "NUMBER": "number",
    "DATE": "date",
    "SECTION": "section",
    "COMPARATOR": "comparator",
    "RELEASE": "keyword",
}
_COMMENT = re.compile(r"#[^\n]*")


def lex(text: str, filename: str) -> tuple[tree.Lexeme, ...]:
    """Every token of a valid licence file, comments included, in order.

    The tokens come from the parser itself (so `>` is told apart as a quote or a comparison the
    way the parser tells it); comments are what lies between tokens other than white space, since
    comments and white space are all the grammar ignores. Raises `LicenseFileError` when the file
    does not parse.
    """
    recovered, lexemes = recover_with_lexemes(text, filename)
    if recovered.diagnostics or recovered.file is None:
        raise LicenseFileError(recovered.diagnostics, {filename: text})
    return lexemes


def _lexemes(text: str, tokens: list[Token]) -> tuple[tree.Lexeme, ...]:
    lexemes: list[tree.Lexeme] = []
    position = 0
    lines = _line_starts(text)

    def comments_until(end: int) -> None:
        for match in _COMMENT.finditer(text, position, end):
            line = bisect.bisect_right(lines, match.start())
            column = match.start() - lines[line - 1] + 1
            lexemes.append(tree.Lexeme("comment", match.group(), match.start(), match.end(), line, column))

    for token in tokens:
        start = int(token.start_pos or 0)
        comments_until(start)
        kind = _LEXEME_KINDS.get(token.type) or ("keyword" if str(token).isalpha() or "-" in str(token) else "punct")
        end = int(token.end_pos or start)
        lexemes.append(tree.Lexeme(kind, str(token), start, end, token.line or 1, token.column or 1))
        position = end
    comments_until(len(text))
    return tuple(lexemes)


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]
