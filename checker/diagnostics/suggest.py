"""'Did you mean …': one helper for every closed vocabulary and for licence ids."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, candidates: Iterable[str], *, limit: int = 3) -> list[str]:
    """The candidates closest to `word`, best first (case-insensitive), at most `limit`."""
    pool = {c.lower(): c for c in candidates}
    close = difflib.get_close_matches(word.lower(), list(pool), n=limit, cutoff=0.6)
    return [pool[c] for c in close]


def hint(word: str, candidates: Iterable[str]) -> str | None:
    """A `help:` line for an unknown word, or None when nothing is close."""
    close = did_you_mean(word, candidates)
    if not close:
        return None
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
