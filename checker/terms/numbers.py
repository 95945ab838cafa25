"""Numbers as licence files and the command line write them: `700_000_000`, `700M`, `1.5B`, `10K`.

Apart from the model builder so that the command line reads `--mau 800M` without loading it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_SUFFIXES = {"K": Decimal(1_000), "M": Decimal(1_000_000), "B": Decimal(1_000_000_000)}

# More digits than any count of users or dollars needs (10^24 is a trillion trillion); longer
# numbers are refused rather than carried into arithmetic and output.
MAX_DIGITS = 24


def too_large(text: str) -> bool:
    """Whether a number as written has more than MAX_DIGITS digits."""
    return sum(c.isdigit() for c in text) > MAX_DIGITS


def parse_number(text: str) -> Decimal | None:
    """`700_000_000`, `700M`, `1.5B`, `10K` → Decimal; None when it is not such a number."""
    match = re.fullmatch(r"([0-9][0-9_]*(?:\.[0-9]+)?)([KMB]?)", text)
    if not match:
        return None
    try:
        number = Decimal(match.group(1).replace("_", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        return None
    return number * _SUFFIXES.get(match.group(2), Decimal(1))
