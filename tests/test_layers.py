"""The layers import one way: syntax (parser, tree) → model (build, model) → evaluation → CLI.

Checked from the source, so a stray import fails CI rather than a review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "checker"

# What each module must not import (checker modules by name, or third-party packages).
FORBIDDEN = {
    "model": {"lark", "parser", "build", "tree", "evaluate", "catalogue", "cli", "render", "typer", "rich", "yaml"},
    "evaluate": {"lark", "parser", "build", "tree", "catalogue", "cli", "render", "typer", "rich", "yaml"},
    "compiled": {"lark", "parser", "build", "tree", "catalogue", "cli", "render", "typer", "rich", "yaml"},
    "cache": {"lark", "parser", "build", "tree", "cli", "render", "typer", "rich", "yaml"},
    "report": {"lark", "parser", "build", "evaluate", "catalogue", "cli", "render", "policy", "typer", "rich", "yaml"},
    "numbers": {"lark", "parser", "build", "model", "evaluate", "catalogue", "cli", "render", "typer", "rich"},
    "scan": {"lark", "parser", "build", "tree", "cli", "render", "typer", "rich"},
    "verdict": {"lark", "parser", "build", "evaluate", "catalogue", "cli", "render", "typer", "rich"},
    "profile": {"lark", "parser", "build", "evaluate", "catalogue", "cli", "render", "typer", "rich"},
    "wording": {"lark", "parser", "build", "evaluate", "catalogue", "cli", "render", "typer", "rich"},
    "build": {"lark", "parser", "evaluate", "catalogue", "cli", "render", "typer", "rich"},
    "tree": {"lark", "parser", "build", "model", "evaluate", "cli", "render"},
    "render": {"lark", "parser", "build", "evaluate", "catalogue", "cli", "typer"},
    "diagnostics": {"lark", "parser", "build", "model", "evaluate", "catalogue", "cli", "render", "typer", "rich"},
}


def imports(module: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "checker":
                names |= {f"checker.{a.name}" for a in node.names}
    return {n.removeprefix("checker.").split(".")[0] if n.startswith("checker.") else n.split(".")[0] for n in names}


@pytest.mark.parametrize("module", sorted(FORBIDDEN))
def test_module_respects_its_layer(module: str) -> None:
    found = imports(PACKAGE / f"{module}.py") & FORBIDDEN[module]
    assert not found, f"checker/{module}.py imports {sorted(found)}"


def test_only_the_parser_imports_lark() -> None:
    users = sorted(p.stem for p in PACKAGE.glob("*.py") if "lark" in imports(p))
    assert users == ["parser"]
