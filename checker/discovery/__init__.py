"""Discovery: the models a codebase uses, found in its code and configuration (`modelterms discover`).

Each reader takes one kind of file — Python modules (`python`), YAML, JSON, TOML and `.env` files
(`configs`), Dockerfiles and shell scripts (`containers`), Ollama Modelfiles (`ollama`) — and gives
`Finding`s with file, line and column; `walk` chooses the files. Discovery reads files only: it never
evaluates a licence and never asks the Hub (the policy and the BOM resolve what it finds).
"""

from __future__ import annotations

from checker.discovery.finding import Discovery, Finding, ReferenceKind
from checker.discovery.walk import discover

__all__ = ["Discovery", "Finding", "ReferenceKind", "discover"]
