"""Numbers as licence files and the command line write them: `700_000_000`, `700M`, `1.5B`, `10K`.

Apart from the model builder so that the command line reads `--mau 800M` without loading it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_SUFFIXES = {"K": Decimal(1_000), "M": Decimal(1_000_000), "B": Decimal(1_000_000_000)}


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
