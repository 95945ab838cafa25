"""'Did you mean …': one helper for every closed vocabulary and for licence ids."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, candidates: Iterable[str], *, limit: int = 3) -> list[str]:
    """The candidates closest to `word`, best first (case-insensitive), at most `limit`.

    A word that begins a candidate (after an `org/` part, with spaces and underscores read as
    dashes) ranks first, shortest candidate first: `mistral-large` is the start of
    `mistral-large-3-675b-instruct-2512`, which a similarity ratio alone would not offer.
    """
    pool = {c.lower(): c for c in candidates}
    wanted = _normal(word)
    begun = sorted((c for c in pool if len(wanted) >= 4 and _normal(c.rpartition("/")[2]).startswith(wanted)), key=len)
    close = difflib.get_close_matches(word.lower(), list(pool), n=limit, cutoff=0.6)
    return [pool[c] for c in dict.fromkeys([*begun, *close])][:limit]


def _normal(text: str) -> str:
    return text.lower().strip().replace(" ", "-").replace("_", "-")


def hint(word: str, candidates: Iterable[str]) -> str | None:
    """A `help:` line for an unknown word, or None when nothing is close."""
    close = did_you_mean(word, candidates)
    if not close:
        return None
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
