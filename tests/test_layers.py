"""The layers import one way: syntax (parser, tree) → model (build, model) → evaluation → CLI.

Checked from the source, so a stray import fails CI rather than a review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "checker"

# What an analysis (compare, diff, explain) must not import: no syntax, no catalogue, no output.
ANALYSIS = {"lark", "parser", "build", "tree", "catalogue", "cli", "render", "render_terms", "typer", "rich"}

# What each module must not import (checker modules by name, or third-party packages).
FORBIDDEN = {
    "model": {"lark", "parser", "build", "tree", "evaluate", "catalogue", "cli", "render", "typer", "rich", "yaml"},
    "evaluate": {"lark", "parser", "build", "tree", "catalogue", "cli", "render", "typer", "rich", "yaml"},
    "compiled": {"lark", "parser", "build", "tree", "catalogue", "cli", "render", "typer", "rich", "yaml"},
    "cache": {"lark", "parser", "build", "tree", "cli", "render", "typer", "rich", "yaml"},
    "report": {"lark", "parser", "build", "evaluate", "catalogue", "cli", "render", "policy", "typer", "rich", "yaml"},
    "textfile": {"lark", "parser", "build", "model", "evaluate", "catalogue", "cli", "render", "typer", "rich", "yaml"},
    "numbers": {"lark", "parser", "build", "model", "evaluate", "catalogue", "cli", "render", "typer", "rich"},
    "scan": {"lark", "parser", "build", "tree", "cli", "render", "typer", "rich"},
    "verdict": {"lark", "parser", "build", "evaluate", "catalogue", "cli", "render", "typer", "rich"},
    "profile": {"lark", "parser", "build", "evaluate", "catalogue", "cli", "render", "typer", "rich"},
    "wording": {"lark", "parser", "build", "evaluate", "catalogue", "cli", "render", "typer", "rich"},
    "build": {"lark", "parser", "evaluate", "catalogue", "cli", "render", "typer", "rich"},
    "tree": {"lark", "parser", "build", "model", "evaluate", "cli", "render"},
    "render": {"lark", "parser", "build", "evaluate", "catalogue", "cli", "typer"},
    "diagnostics": {"lark", "parser", "build", "model", "evaluate", "catalogue", "cli", "render", "typer", "rich"},
    # The analyses of compare, diff and explain: pure, over the model and the evaluator.
    "space": {"lark", "parser", "build", "tree", "evaluate", "catalogue", "cli", "render", "typer", "rich", "yaml"},
    "flips": ANALYSIS | {"yaml"},
    "changes": ANALYSIS | {"yaml"},
    "compare": ANALYSIS,
    # Their renderers decide nothing: they never evaluate, and know no command line.
    # The policy report's CI formats: rendering only, and no rich (the terminal view is render's).
    "policy_formats": {"lark", "parser", "build", "tree", "evaluate", "cli", "render", "typer", "rich"},
    "render_terms": {"lark", "parser", "build", "evaluate", "catalogue", "cli", "cli_terms", "typer"},
    "cli_profile": {"lark", "parser", "evaluate", "render", "render_terms"},
    # Tools for licence authors sit beside the catalogue: they read files, they never print.
    "formatting": {"lark", "evaluate", "cli", "cli_authoring", "render", "typer", "rich", "yaml"},
    "lint": {"lark", "parser", "tree", "cli", "cli_authoring", "render", "typer", "rich", "yaml"},
    "styling": {"lark", "parser", "build", "model", "evaluate", "catalogue", "cli", "render", "typer", "yaml"},
    "cli_authoring": {"lark", "parser", "tree", "build", "evaluate", "render"},
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
