"""How many examples each property test draws.

The budgets written in the tests are the long ones (a release, a benchmark run). The README's test
command runs a tenth of each (at least 5): most properties are parametrised over every licence of the
catalogue (100+), so a tenth is still thousands of examples per law, and the suite stays within
minutes on two cores. The long run:

    MODELTERMS_PROPERTY_BUDGET=1 MODELTERMS_FUZZ_EXAMPLES=5000 python -m pytest -n auto tests/properties
"""

from __future__ import annotations

import os

SCALE = float(os.environ.get("MODELTERMS_PROPERTY_BUDGET", "0.1"))


def examples(long: int) -> int:
    """The examples to draw for a property whose long budget is `long`."""
    return max(5, round(long * SCALE))
