"""The one canonical layout of a licence file (`modelterms fmt`), proved to keep the meaning.

The layout is rebuilt from the file's own tokens (`checker.language.parser.lex`), so every word, text,
number, section and quote line is written back exactly as it was typed; only the white space
between them changes. The rules, which the bundled catalogue follows:

- `license`, `param` and `clause` start at column 1, with one blank line before each;
- every other line is indented by two spaces: one line per header field (its key padded to
  13 characters), per quote line, for `when` and its whole condition, for the effect, per note;
- tokens on a line are separated by one space, with none inside parentheses and braces and none
  before a comma;
- a comment stays beside the line it was on (aligned at column 33 when it fits) or on a line of
  its own above the next line, keeping its text byte for byte (white space after it is dropped);
  blank lines between comments and items are kept (at most one), blank lines inside an item are
  dropped;
- a quote line is `>`, one space and the quote's words as written (white space around the words
  is layout: the parser ignores it).

`format_text` re-parses its own output and refuses (raises) unless the licence it defines is
equal to the original's (spans excluded) and the comments and quote lines are the same bytes in
the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.diagnostics import Kind
from checker.diagnostics.span import Span
from checker.errors import LicenseFileError
from checker.language.builder import build_recovered
from checker.language.load import gc_paused
from checker.language.parser import EFFECTS, recover_with_lexemes
from checker.language.tree import Lexeme

HEADER_KEYS = frozenset(
    {"licensor", "version", "effective", "released", "source", "family", "alias", "hf-tag", "spdx",
     "governing-law", "verified", "applies-with", "note"}
)  # fmt: skip
_KEY_WIDTH = 13
_COMMENT_COLUMN = 32  # 0-based: comments beside a line start at column 33
_INDENT = "  "
_EFFECTS = frozenset(EFFECTS)
_CLAUSE_NOTES = frozenset({"note", "ambiguous", "unverified"})
_NO_SPACE_AFTER = frozenset({"(", "{"})
_NO_SPACE_BEFORE = frozenset({")", "}", ","})


@dataclass
class _Line:
    """One output line: top-level or indented, its tokens, a comment beside it."""

    top: bool
    tokens: list[Lexeme]
    header_field: bool = False
    comment: Lexeme | None = None
    blank_before: bool = False

    def code(self) -> str:
        parts: list[str] = []
        previous: Lexeme | None = None
        for token in self.tokens:
            text = _quote_line(token.text) if token.kind == "quote" else token.text
            if previous is None:
                parts.append(text)
            elif self.header_field and previous is self.tokens[0]:
                parts.append(" " * max(1, _KEY_WIDTH + 1 - len(previous.text)) + text)
            elif previous.text in _NO_SPACE_AFTER or text in _NO_SPACE_BEFORE:
                parts.append(text)
            else:
                parts.append(" " + text)
            previous = token
        return ("" if self.top else _INDENT) + "".join(parts)

    def render(self) -> str:
        code = self.code()
        if self.comment is None:
            return code
        comment = self.comment.text.rstrip()
        if not self.tokens:
            return comment if self.top else _INDENT + comment
        return (code.ljust(_COMMENT_COLUMN) if len(code) < _COMMENT_COLUMN - 1 else code + "  ") + comment


def _quote_line(text: str) -> str:
    """`>` and the quote's words, kept byte for byte, separated by one space."""
    words = text[1:].strip()
    return "> " + words if words else ">"


def _starts_line(token: Lexeme, previous: Lexeme | None, context: str) -> tuple[bool, str]:
    """Whether `token` begins an output line, and the context (header, param, clause) after it."""
    if token.kind == "keyword":
        if token.text in ("license", "param", "clause") and (context != "clause" or token.text != "license"):
            return True, token.text if token.text != "license" else "header"
        if context == "header" and token.text in HEADER_KEYS:
            return True, context
        if context == "clause" and (token.text == "when" or token.text in _CLAUSE_NOTES):
            return True, context
        # `not` inside `must not endorse` and `license` inside `needs license` follow their keyword;
        # so does the refusal in `unclear "…" if no forbidden`.
        follows = previous is not None and previous.text in ("must", "yes", "no")
        if context == "clause" and token.text in _EFFECTS and not follows:
            return True, context
    if token.kind == "quote":
        return True, context
    if token.kind == "section" and context == "param":
        return True, context
    return False, context


def _layout(text: str, lexemes: tuple[Lexeme, ...]) -> list[_Line]:
    lines: list[_Line] = []
    pending: list[_Line] = []  # comments on lines of their own, placed once the next code is seen
    current: _Line | None = None  # the line code is being added to
    context = ""
    previous: Lexeme | None = None  # the last code token
    last_end = 0  # where the last thing read (token or comment) ends
    for token in lexemes:
        gap = text[last_end : token.start]
        blank = "\n\n" in gap.replace(" ", "").replace("\t", "").replace("\r", "")
        last_end = token.end
        if token.kind == "comment":
            beside = current is not None and previous is not None and previous.line == token.line
            if beside and not pending and current is not None and current.comment is None:
                current.comment = token
                continue
            pending.append(_Line(top=True, tokens=[], comment=token, blank_before=blank))
            continue
        starts, context = _starts_line(token, previous, context)
        if starts or current is None:
            top = token.kind == "keyword" and token.text in ("license", "param", "clause")
            for comment in pending:  # a comment is indented as the line it stands above
                comment.top = top
            lines += pending
            pending = []
            header_field = context == "header" and token.kind == "keyword" and token.text in HEADER_KEYS
            current = _Line(top=top, tokens=[token], header_field=header_field, blank_before=blank)
            lines.append(current)
        else:
            # A construct broken over lines with comments inside (a long condition): the line is
            # joined, and its comments move, in order, to lines of their own above it.
            above = [_Line(top=current.top, tokens=[], comment=current.comment)] if current.comment else []
            above += [_Line(top=current.top, tokens=[], comment=c.comment) for c in pending]
            current.comment, pending = None, []
            lines[-1:-1] = above  # the line being joined is always the last one laid out
            current.tokens.append(token)
        previous = token
    for comment in pending:
        comment.top = True
    return lines + pending


def _render(lines: list[_Line]) -> str:
    out: list[str] = []
    for i, line in enumerate(lines):
        before = lines[i - 1] if i else None
        if before is not None:
            code_top = line.top and bool(line.tokens)
            comment_top = line.top and not line.tokens
            after_comment = not before.tokens and before.top
            # An item gets a blank line before it, unless its own comment stands right above it;
            # a comment block at the top level gets one after code, and keeps one it had.
            item_gap = code_top and not (after_comment and not line.blank_before)
            comment_gap = comment_top and (line.blank_before or bool(before.tokens) or not before.top)
            if item_gap or comment_gap:
                out.append("")
        out.append(line.render())
    return "\n".join(out) + "\n"


def _kept(lexemes: tuple[Lexeme, ...]) -> list[str]:
    """What must survive byte for byte: comments and the words of quote lines (white space around
    them is layout)."""
    return [
        t.text[1:].strip() if t.kind == "quote" else t.text.rstrip() for t in lexemes if t.kind in ("comment", "quote")
    ]


def format_text(text: str, filename: str) -> str:
    """The canonical layout of a valid licence file. Raises `LicenseFileError` when the file has
    mistakes, and when the layout would not mean the same (a bug: nothing is written then)."""
    with gc_paused():
        return _format(text, filename)


def _format(text: str, filename: str) -> str:
    # Each text is parsed once: its tree gives the licence, its tokens the layout.
    recovered, lexemes = recover_with_lexemes(text, filename)
    original = build_recovered(recovered, text, filename)  # raises every mistake of the file
    formatted = _render(_layout(text, lexemes))
    try:
        recovered_again, lexemes_again = recover_with_lexemes(formatted, filename)
        again = build_recovered(recovered_again, formatted, filename)
        same_bytes = _kept(lexemes_again) == _kept(lexemes)
    except LicenseFileError:
        again, same_bytes = None, False
    if again != original or not same_bytes:
        raise LicenseFileError([Kind.FORMAT_CHANGES_MEANING(Span.point(filename, 1, 1), path=filename)], {})
    return formatted
