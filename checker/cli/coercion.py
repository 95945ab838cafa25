"""One value coercer per type, not per option.

Typer (0.2x) coerces every option's value through a pydantic `TypeAdapter` that it builds for that
option on every run: `check` has 22 options, so a start built 22 adapters (≈ 1 ms each) although
17 of them are plain `str` or `bool` options, whose adapter does not depend on the option at all
(typer's `build_leaf_adapter` looks at nothing but the type for them, once no custom parser is
given). Building those once per type is what this module does; every other option goes through
typer as before. It wraps a private function of typer: where that is missing (a typer that works
otherwise), nothing is wrapped and typer behaves as shipped — slower, never different.
"""

from __future__ import annotations

import functools
from typing import Any


def share_plain_adapters() -> None:
    """Memoise typer's adapter for options typed plain `str` or `bool` (idempotent)."""
    try:
        from typer import _adapters  # noqa: PLC0415 - private: see the module docstring
    except ImportError:  # pragma: no cover - a typer without the adapter layer
        return
    build = getattr(_adapters, "build_leaf_adapter", None)
    if build is None or getattr(build, "_modelterms_shared", False):
        return
    shared: dict[type, Any] = {}

    @functools.wraps(build)
    def build_leaf_adapter(annotation: Any, parameter_info: Any) -> Any:
        if annotation in (str, bool) and getattr(parameter_info, "parser", None) is None:
            adapter = shared.get(annotation)
            if adapter is None:
                adapter = shared[annotation] = build(annotation, parameter_info)
            return adapter
        return build(annotation, parameter_info)

    build_leaf_adapter._modelterms_shared = True  # type: ignore[attr-defined]
    _adapters.build_leaf_adapter = build_leaf_adapter
