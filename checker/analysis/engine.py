"""Which engine answers the analyses: the solver (`checker.analysis.solver`, on z3) when it is
installed, else the enumeration of `checker.analysis.space` (bounded, and saying so).

z3 is an optional extra (`pip install 'modelterms[solver]'`, ~59 MiB): it is imported only when an
analysis runs, never by `check`. `MODELTERMS_ENGINE=enumeration` forces the enumeration (to compare
the two, or where z3 will not load).
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from functools import cache

ENGINE_ENV = "MODELTERMS_ENGINE"
INSTALL_HINT = "pip install 'modelterms[solver]' for the exact engine"


@dataclass(frozen=True)
class Engine:
    """The engine that answered: its name in words, and whether its answers are complete."""

    name: str
    exact: bool

    @property
    def words(self) -> str:
        return self.name if self.exact else f"{self.name} — {INSTALL_HINT}"


ENUMERATION = Engine("enumeration of the profile space (bounded)", exact=False)


@cache
def _z3_installed() -> bool:
    return importlib.util.find_spec("z3") is not None


def solver_available() -> bool:
    """Whether the exact engine can answer (z3 installed, and not switched off)."""
    return os.environ.get(ENGINE_ENV, "").strip().lower() != "enumeration" and _z3_installed()


@cache
def solver_engine() -> Engine:
    import z3  # noqa: PLC0415 - the solver only for the analyses, never on check's start path

    return Engine(f"solver (z3 {z3.get_version_string()}): exact", exact=True)
