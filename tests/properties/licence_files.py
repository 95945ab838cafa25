"""Hypothesis strategies for licence files: valid ones generated from the grammar, and mutations.

A valid file is drawn as a list of tokens (grammar/terms.lark's constructs with names from the
vocabularies, so that it also builds) and laid out with random white space and comments; only a
quote line and a comment must end their line. Mutations work on the tokens of a valid file:
deleted, duplicated and swapped tokens, random bytes, Unicode look-alikes.
"""

from __future__ import annotations

from hypothesis import strategies as st

from checker.errors import LicenseFileError
from checker.language.parser import lex
from checker.terms.vocabulary import Modality, ObligationKind, UseCase, Verification

REGIONS = ["US", "DE", "FR", "GB", "UK", "NO", "CH", "CN", "EU", "EEA", "EFTA", "WORLD", "EU27"]
FLAGS = ["commercial", "distributes", "serves", "fine-tunes", "trains-on-outputs", "end-user"]
USES = [u.value for u in UseCase]

# Text inside double quotes: anything on one line, with \" and \\ escapes now and then.
_plain = st.text(st.characters(blacklist_characters='"\\\n\r', blacklist_categories=("Cs", "Cc")), max_size=30)
strings = st.lists(st.one_of(_plain, st.just('\\"'), st.just("\\\\")), max_size=4).map(lambda p: '"' + "".join(p) + '"')
quote_words = st.text(st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs", "Cc")), max_size=60)
names = st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True)
numbers = st.one_of(
    st.integers(0, 10**12).map(str),
    st.integers(1, 999).map(lambda n: f"{n}M"),
    st.sampled_from(["1.5B", "10K", "700_000_000", "0.5M"]),
)
comments = st.text(st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs", "Cc")), max_size=40).map(
    lambda t: "#" + t
)
QUOTE, COMMENT = "quote", "comment"


@st.composite
def conditions(draw: st.DrawFn, params: dict[str, str], released: bool, depth: int = 0) -> list[str]:
    """Tokens of a condition that builds: facts used as their kind allows."""
    kinds = ["flag", "compare", "domicile", "market", "use", "modality", "name"]
    if depth < 3:
        kinds += ["not", "and", "or", "group"]
    kind = draw(st.sampled_from(kinds))
    if kind == "flag":
        return [draw(st.sampled_from(FLAGS))]
    if kind == "compare":
        fact = draw(st.sampled_from(["mau", "dau", "revenue"]))
        unit = "USD" if fact == "revenue" else "users"
        measure = [fact]
        if fact == "mau" and draw(st.booleans()):
            measure += ["in", "month", "before", "release" if released and draw(st.booleans()) else "2024-07-23"]
        fitting = [n for n, u in params.items() if u == unit]
        if fitting and draw(st.booleans()):
            value = [draw(st.sampled_from(fitting))]
        else:
            number = draw(numbers)
            value = draw(st.sampled_from([[number], [number, "users"] if unit == "users" else ["USD", number]]))
        return [*measure, draw(st.sampled_from([">", ">=", "<", "<=", "==", "!="])), *value]
    if kind in ("domicile", "market"):
        chosen = draw(st.lists(st.sampled_from(REGIONS), min_size=1, max_size=3, unique=True))
        region_set = chosen if len(chosen) == 1 and draw(st.booleans()) else ["{", *_commas(chosen), "}"]
        return ["domicile", "in", *region_set] if kind == "domicile" else ["any", "market", "in", *region_set]
    if kind == "use":
        chosen = draw(st.lists(st.sampled_from(USES), min_size=1, max_size=3, unique=True))
        return ["any", "use", "in", "{", *_commas(chosen), "}"]
    if kind == "modality":
        return ["modality", "is", draw(st.sampled_from([m.value for m in Modality]))]
    if kind == "name":
        return ["derivative-name", "starts", "with", draw(strings)]
    if kind == "not":
        return ["not", *draw(conditions(params, released, depth + 1))]
    if kind == "group":
        return ["(", *draw(conditions(params, released, depth + 1)), ")"]
    left = draw(conditions(params, released, depth + 1))
    right = draw(conditions(params, released, depth + 1))
    # Parenthesised, so that precedence never turns the drawn structure into another one.
    return ["(", *left, ")", kind, "(", *right, ")"]


def _commas(items: list[str]) -> list[str]:
    out: list[str] = []
    for i, item in enumerate(items):
        out += ([","] if i else []) + [item]
    return out


def _effect(draw: st.DrawFn, others: list[str]) -> list[str]:
    kind = draw(st.sampled_from(["permits", "forbidden", "needs", "unclear", "exempts", "must"]))
    if kind == "needs":
        return ["needs", "license", "from", draw(strings)]
    if kind == "unclear":
        return ["unclear", draw(strings)]
    if kind == "exempts":
        if not others:
            return ["forbidden"]
        targets = draw(st.lists(st.sampled_from(others), min_size=1, max_size=2, unique=True))
        return ["exempts", *_commas(targets)]
    if kind == "must":
        duty = draw(st.sampled_from(list(ObligationKind)))
        words = {
            "display": ["display", draw(strings)], "name-prefix": ["prefix", "name", "with", draw(strings)],
            "license-copy": ["provide", "license", "copy"], "notice": ["include", "notice", draw(strings)],
            "mark-modifications": ["mark", "modifications"], "retain-notices": ["retain", "notices"],
            "pass-on-restrictions": ["pass", "on", "restrictions"],
            "comply-with-policy": ["comply", "with", draw(strings)],
            "share-alike": ["share", "alike"], "no-endorsement": ["not", "endorse", "with", "names"],
            "register": ["register", "with", draw(strings)], "provide-source": ["provide", "source"],
        }  # fmt: skip
        return ["must", *words[duty.value]]
    return [kind]


def _section(draw: st.DrawFn) -> list[str]:
    number = "§" + draw(st.from_regex(r"[0-9A-Za-z][0-9A-Za-z.()\-]{0,8}", fullmatch=True))
    return [number, draw(strings)] if draw(st.booleans()) else [number]


def _quote(draw: st.DrawFn) -> list[tuple[str, str]]:
    lines = draw(st.lists(quote_words.filter(lambda t: t.strip() != ""), min_size=1, max_size=3))
    return [(QUOTE, "> " + line.strip()) for line in lines]


@st.composite
def licence_tokens(draw: st.DrawFn) -> list[tuple[str, str]]:
    """A valid licence file as (kind, text) tokens; kind is QUOTE, COMMENT or "" for the rest."""
    released = draw(st.booleans())
    tokens: list[str | tuple[str, str]] = ["license", draw(names), draw(strings)]
    tokens += ["licensor", draw(strings), "source", '"https://example.com/licence"']
    tokens += ["verified", draw(st.sampled_from([v.value for v in Verification])), draw(strings)]
    if released:
        tokens += ["released", "2024-07-23"]
    for key in draw(st.lists(st.sampled_from(["version", "governing-law", "note"]), max_size=3, unique=True)):
        tokens += [key, draw(strings)]
    if draw(st.booleans()):
        tokens += ["family", draw(names)]
    params: dict[str, str] = {}
    for name in draw(st.lists(names.map(lambda n: "p_" + n), max_size=3, unique=True)):
        unit = draw(st.sampled_from(["users", "USD"]))
        number = draw(numbers)
        tokens += ["param", name, "=", *([number, "users"] if unit == "users" else ["USD", number])]
        tokens += [*_section(draw), *_quote(draw)]
        params[name] = unit
    ids = draw(st.lists(names.map(lambda n: "c-" + n), min_size=1, max_size=5, unique=True))
    for i, clause in enumerate(ids):
        tokens += ["clause", clause, *_section(draw), *_quote(draw)]
        if draw(st.booleans()):
            tokens += ["when", *draw(conditions(params, released))]
        tokens += ["permits"] if i == 0 else _effect(draw, [c for c in ids if c != clause])
        for note in draw(st.lists(st.sampled_from(["note", "ambiguous"]), max_size=2)):
            tokens += [note, draw(strings)]
    out: list[tuple[str, str]] = []
    for token in tokens:
        out.append(token if isinstance(token, tuple) else ("", token))
        if draw(st.integers(0, 9)) == 0:
            out.append((COMMENT, draw(comments)))
    return out


separators = st.sampled_from([" ", " ", " ", "\n", "\n  ", "\t", "  ", "\n\n", " \n"])


@st.composite
def laid_out(draw: st.DrawFn, tokens: list[tuple[str, str]]) -> str:
    """The tokens with random white space between them (quote lines and comments end their line)."""
    text = ""
    for kind, token in tokens:
        if text and not text.endswith("\n"):
            text += draw(separators)
        text += token
        if kind in (QUOTE, COMMENT):
            text += "\n"
    return text + "\n"


@st.composite
def licence_texts(draw: st.DrawFn) -> str:
    return draw(laid_out(draw(licence_tokens())))


# ---- mutations ----------------------------------------------------------------------------------

CONFUSABLES = {
    '"': ["\u201c", "\u201d", "\uff02"], ">": ["\u203a", "\uff1e", "\u2265"], "a": ["\u0430"], "e": ["\u0435"],
    "o": ["\u043e", "0"], "-": ["\u2010", "\u2013", "\u2212"], " ": ["\u00a0", "\u2009", "\u200b"],
    "§": ["\u00a7\u0338", "S"], ",": ["\uff0c", "\u201a"], "(": ["\uff08"], "{": ["\uff5b"], "l": ["1", "\u04cf"],
}  # fmt: skip


def _tokens_of(text: str) -> list[tuple[str, str]]:
    return [(t.kind if t.kind in (QUOTE, COMMENT) else "", t.text) for t in lex(text, "valid.terms")]


@st.composite
def mutated_texts(draw: st.DrawFn, base: st.SearchStrategy[str]) -> str:
    """A valid file with one to three token-level or byte-level mutations."""
    text = draw(base)
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["delete", "duplicate", "swap", "bytes", "confusable", "truncate"]))
        if how in ("delete", "duplicate", "swap"):
            try:
                tokens = _tokens_of(text)
            except LicenseFileError:  # lexed once: a text that does not lex is cut into words
                tokens = [("", w) for w in text.split()]
            if len(tokens) < 2:
                continue
            i = draw(st.integers(0, len(tokens) - 2))
            if how == "delete":
                del tokens[i]
            elif how == "duplicate":
                tokens.insert(i, tokens[i])
            else:
                tokens[i], tokens[i + 1] = tokens[i + 1], tokens[i]
            text = draw(laid_out(tokens))
        elif how == "bytes":
            at = draw(st.integers(0, len(text)))
            noise = draw(st.binary(min_size=1, max_size=8)).decode("utf-8", errors="replace")
            text = text[:at] + noise + text[at:]
        elif how == "confusable":
            spots = [i for i, c in enumerate(text) if c in CONFUSABLES]
            if spots:
                at = draw(st.sampled_from(spots))
                text = text[:at] + draw(st.sampled_from(CONFUSABLES[text[at]])) + text[at + 1 :]
        else:
            text = text[: draw(st.integers(0, len(text)))]
    return text
