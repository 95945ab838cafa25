"""No plugin loader in a command that runs without pydantic plugins.

A command sets `PYDANTIC_DISABLE_PLUGINS` (see `checker.cli.app.main`), so pydantic's
`get_plugins()` returns nothing without looking. But the module that holds it,
`pydantic.plugin._loader`, imports `importlib.metadata` (and with it `email`, `zipfile`,
`importlib.resources`...) when the first validator is built: ≈ 5 % of a `check`'s start, for a
function that then returns `()`. So while plugins are off, that module's place is taken by one whose
`get_plugins()` answers as pydantic's does when plugins are off; anything else asked of it — or
`get_plugins()` once plugins are on again — loads pydantic's own module and answers from it.
A pydantic that is laid out otherwise gets its own module on first use: slower, never different.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from typing import Any

_NAME = "pydantic.plugin._loader"
_OFF = ("__all__", "1", "true")  # the values with which pydantic's get_plugins() returns () unread


class _Deferred(types.ModuleType):
    """Stands in for pydantic's plugin loader until something needs the real one."""

    _plugins = None  # as pydantic's before any look-up (tests read it)

    def get_plugins(self) -> Any:
        if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in _OFF:
            return ()
        return _real().get_plugins()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system's questions (`__path__`...): a plain module's answers
            raise AttributeError(name)
        return getattr(_real(), name)


def _real() -> types.ModuleType:
    if isinstance(sys.modules.get(_NAME), _Deferred):
        del sys.modules[_NAME]
    return importlib.import_module(_NAME)


def defer_plugin_loader() -> None:
    """Install the stand-in, if plugins are off and pydantic's loader is not loaded yet."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in _OFF and _NAME not in sys.modules:
        sys.modules[_NAME] = _Deferred(_NAME, __doc__)
