"""The closed catalogue of diagnostics: a table, one kind per line.

Each kind declares its stable code, its message template and its help next to itself. Renderers
never invent wording: everything a user reads about a mistake in a licence file, a profile or a
command line comes from this table. A fourth element gives the severity when it is not an error.
"""

# ruff: noqa: E501 - one kind per line, however long its wording

from __future__ import annotations

from enum import Enum
from typing import Any

from checker.diagnostics.diagnostic import Diagnostic, Severity
from checker.diagnostics.span import Span


class Kind(Enum):
    """(code, message template, help template[, severity]). Templates use `str.format` fields."""

    # fmt: off
    # Reading and parsing the clause language.
    UNREADABLE = ("E001", "cannot read {path}: {reason}", None)
    NOT_UTF8 = ("E002", "{path} is not UTF-8 text", "modelterms reads UTF-8 text; re-save the file as UTF-8")
    NOT_TEXT = ("E003", "{path} is {found}, not UTF-8 text", "modelterms reads UTF-8 text; re-save the file as UTF-8")
    UNWRITABLE = ("E004", "will not write {path}: {reason}", "{suggestion}")
    UNEXPECTED_TOKEN = ("E100", "unexpected {found}", "expected {expected}")
    UNEXPECTED_CHARACTER = ("E101", "unexpected character {found}", "expected {expected}")
    UNEXPECTED_EOF = ("E102", "the file ends too early", "expected {expected}")
    UNKNOWN_EFFECT = ("E104", "unknown effect '{found}'", "{suggestion}an effect is one of: permits, forbidden, needs license from \"…\", unclear \"…\", terminates, exempts …, must …")
    MISSING_QUOTE = ("E105", "the quote is missing: {found} stands where the licence's words should be", "after the section, quote the licence text it formalises on lines starting with '>'")
    MISSING_SECTION = ("E118", "the section number is missing: {found} stands where '§…' should be", "before the quote, give the licence's own section the words come from: `§2.b \"Heading\"`")
    NUMBER_WITH_COMMAS = ("E106", "'{text}' is written with commas", "write {suggestion}: in this language commas separate names, and underscores group digits")
    BAD_COMPARATOR = ("E107", "'{found}' is not a comparison here", "write {suggestion}")
    TOO_DEEP = ("E108", "the condition is nested more than {limit} levels deep", "split it into several clauses")
    TOO_LARGE = ("E109", "{path} is larger than the {limit} a licence file may have", "is it a licence file?")
    FORMAT_CHANGES_MEANING = ("E150", "fmt would change what {path} means, so it is left as it is", "this is a bug in modelterms fmt; please report it with the file")
    BAD_STRING = ("E103", "text must be written in double quotes", "write \"…\" (a double quote inside the text is written \\\")")
    # Building the model: vocabulary and references.
    UNKNOWN_FACT = ("E110", "unknown fact '{name}'", "{suggestion}")
    UNKNOWN_REGION = ("E111", "unknown region '{name}'", "{suggestion}")
    UNKNOWN_USE = ("E112", "unknown use case '{name}'", "{suggestion}")
    UNKNOWN_PARAMETER = ("E113", "unknown parameter '{name}'", "{suggestion}")
    UNKNOWN_CLAUSE = ("E114", "'{name}' names no clause of this licence", "{suggestion}")
    UNKNOWN_CHOICE = ("E115", "'{name}' is not a value of {fact}", "{suggestion}")
    UNKNOWN_VERIFICATION = ("E116", "unknown verification level '{name}'", "{suggestion}")
    WRONG_FACT_KIND = ("E120", "'{fact}' cannot be used {usage}", "{help}")
    UNIT_MISMATCH = ("E121", "'{fact}' is measured in {expected}, but {value} is in {found}", "compare {fact} with a value in {expected}")
    ANCHOR_WITHOUT_RELEASE = ("E122", "the condition is measured before the release date, but the licence has no 'released' date", "add `released YYYY-MM-DD` to the licence header")
    ANCHOR_ON_UNDATED_FACT = ("E123", "only 'mau' can be measured at a date, not '{fact}'", None)
    NUMBER_TOO_LARGE = ("E127", "'{text}' is too large: more than {limit} digits", "no user count or amount needs that many; check the number")
    BAD_NUMBER = ("E124", "'{text}' is not a number", "write numbers as 700_000_000, 700M, 1.5B or USD 1M")
    UNKNOWN_UNIT = ("E126", "unknown unit '{name}'", "quantities are written `700M users` or `USD 1M`")
    BAD_DATE = ("E125", "'{text}' is not a date", "write dates as YYYY-MM-DD")
    DUPLICATE_CLAUSE = ("E130", "clause '{name}' is defined twice", "the first definition is at {first}")
    DUPLICATE_PARAMETER = ("E131", "parameter '{name}' is defined twice", "the first definition is at {first}")
    DUPLICATE_HEADER = ("E132", "'{field}' is given twice in the header", "give it once")
    MISSING_HEADER = ("E133", "the licence header has no '{field}'", "{help}")
    NO_GRANT = ("E134", "the licence has no clause that 'permits'", "add the grant clause: `clause grant §… \"…\" > quote … permits`")
    EMPTY_QUOTE = ("E135", "clause '{name}' has no quote", "every clause quotes the licence text it formalises, on lines starting with '>'")
    SELF_EXEMPTION = ("E136", "clause '{name}' exempts itself", None)
    DUPLICATE_LICENSE = ("E140", "licence id or alias '{name}' is used twice", "also at {first}")
    UNKNOWN_COMPANION = ("E141", "'{name}' names no licence in the catalogue", "{suggestion}")
    # `modelterms lint`: what the language accepts but a reviewer would not. A fourth element
    # gives the severity when it is not an error.
    UNUSED_PARAMETER = ("L301", "parameter '{name}' is defined but never used", "compare a fact with it (`mau > {name}`) or remove it", Severity.WARNING)
    INLINE_THRESHOLD = ("L302", "the threshold {value} is typed inline", "name it once with its source: `param NAME = …` with its section and quote, and compare with NAME", Severity.WARNING)
    NEVER_APPLIES = ("L303", "clause '{name}' can never apply: no service makes its condition hold", "check the condition for a contradiction (e.g. `commercial and not commercial`, `mau > 10M and mau < 1M`)")
    CONTRADICTION = ("L304", "clause '{name}' refuses everything that clause '{grant}' permits, so the grant never takes effect", "narrow the refusal's condition, or check that the grant's condition is right")
    BOUNDARY_WORDING = ("L305", "the quote says '{phrase}' ({meaning}), but the condition compares with '{comparator}'", "check the boundary: at exactly the threshold, '{phrase}' and '{comparator}' give different answers", Severity.WARNING)
    QUOTE_CHANGED = ("L306", "the quote of clause '{name}' no longer matches the hash recorded in {file} ({recorded}…)", "if the licence text changed on purpose, review it and run `modelterms lint --record-hashes`")
    QUOTE_NOT_RECORDED = ("L307", "clause '{name}' has no quote hash in {file}", "run `modelterms lint --record-hashes` to record it", Severity.WARNING)
    NAME_CLASH = ("L308", "'{name}' is already a name of licence '{owner}' ({where})", "give this licence an id and aliases of its own")
    SOURCE_NOT_URL = ("L309", "source '{source}' is not a web address", "give the address where the licence text was read: `source \"https://…\"`", Severity.WARNING)
    INTERNAL_REFERENCE = ("L310", "'{found}' is an internal reference, not a public source", "cite what a reader can open: the licensor's URL, a repository and path at a commit, or an archive date")
    # Profiles and policies (YAML) and the command line.
    YAML_SYNTAX = ("E200", "{problem}", "{help}")
    YAML_TOO_LARGE = ("E201", "{what}", "keep the file small and without deep aliases")
    YAML_DUPLICATE_KEY = ("E202", "key '{key}' is given twice", "the first is on line {first}")
    EMPTY_PROFILE = ("E204", "the profile file is empty", "write facts such as `commercial: true`, or leave out --profile")
    YAML_TOO_DEEP = ("E203", "the document is nested more than {limit} levels deep", "a profile or policy needs a few levels; flatten the file")
    INVALID_VALUE = ("E210", "{path}: {message}", "{help}")
    UNKNOWN_FIELD = ("E211", "unknown field '{name}'{where}", "{suggestion}")
    UNKNOWN_LICENSE = ("E220", "unknown licence '{name}'", "{suggestion}")
    UNKNOWN_MODEL = ("E221", "unknown model '{name}'", "{suggestion}")
    UNKNOWN_QUESTION = ("E222", "unknown question '{name}'{where}", "{suggestion}")
    UNKNOWN_OBLIGATION = ("E223", "unknown obligation '{name}'{where}", "{suggestion}")
    BAD_OPTION = ("E230", "{message}", "{help}")
    # Scanning model metadata (`modelterms scan`): a row is skipped, the scan goes on.
    BAD_ROW = ("E240", "{message}", "the row is skipped; the scan goes on")
    # Models looked up on the Hugging Face Hub (`--model ORG/NAME` not in the index).
    HUB_NOT_FOUND = ("E250", "no model '{name}' in the model index or on the Hugging Face Hub ({endpoint})", "{suggestion}")
    HUB_UNREACHABLE = ("E251", "the Hugging Face Hub is not reachable at {endpoint} ({reason})", "use --license with the model's licence, or run once online so that the answer is cached")
    HUB_OFFLINE = ("E252", "'{name}' is not in the model index, and offline there is no cached answer for it", "run once online (without --offline or HF_HUB_OFFLINE=1) to cache it, or use --license")
    HUB_RATE_LIMITED = ("E253", "the Hugging Face Hub refused the request as rate-limited (429), {tries} times", "wait a minute and run again; a token (HF_TOKEN) raises the limit")
    HUB_ERROR = ("E254", "the Hugging Face Hub answered {status} for '{name}' ({endpoint})", "try again later, or use --license with the model's licence")
    HUB_GATED = ("E255", "'{name}' is gated on the Hugging Face Hub and its card could not be read ({endpoint})", "accept its terms on the Hub and set HF_TOKEN, or use --license")
    CARD_MALFORMED = ("E256", "the model card of '{name}': {problem}", "check the card's front matter, or use --license")
    CARD_NO_LICENSE = ("E257", "the model card of '{name}' names no licence and no base model", "find the model's licence yourself and use --license")
    CARD_UNKNOWN_LICENSE = ("E258", "the model card of '{model}' names licence '{name}', which modelterms does not know", "{suggestion}")
    BASE_CHAIN = ("E259", "the base models of '{name}' {problem}", "check the cards' base_model fields, or use --license")
    # Models a policy's `discover:` found in the code.
    DISCOVERED_UNKNOWN = ("E260", "the code uses Ollama model '{name}', whose licence modelterms does not know", "{help}")
    # fmt: on

    @property
    def code(self) -> str:
        return str(self.value[0])

    @property
    def severity(self) -> Severity:
        return self.value[3] if len(self.value) > 3 else Severity.ERROR

    def __call__(self, span: Span | None = None, **fields: Any) -> Diagnostic:
        """Build a diagnostic of this kind. Empty help (e.g. no suggestion) is dropped."""
        message, help_template = self.value[1], self.value[2]
        help_text = help_template.format(**fields) if help_template else None
        return Diagnostic(
            code=self.code,
            severity=self.severity,
            message=message.format(**fields),
            help=help_text or None,
            span=span,
        )
