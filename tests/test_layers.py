"""The stages import one way (ARCHITECTURE.md), and no module imports itself back through others.

Checked from the source, so a stray import fails CI rather than a review. Imports inside functions
count: a lazy import that climbs a layer is still a climb.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "checker"

# The stages, lowest first. A module may import its own stage and the stages below it, never above.
# The top-level modules are foundations (`_version`, `resources`, `errors`) or the entry points.
STAGES = [
    ("_version", "resources", "diagnostics"),
    ("errors",),
    ("terms",),
    ("inputs",),
    ("language",),
    ("evaluation",),
    ("lookup",),
    ("analysis",),
    ("discovery",),
    ("ci",),
    ("cli",),
    ("__init__", "__main__"),
]
RANK = {name: rank for rank, names in enumerate(STAGES) for name in names}

# What an analysis (compare, diff, explain) must not import: no syntax, no catalogue, no output.
ANALYSIS = {"lark", "language", "lookup", "cli", "typer", "rich"}
CODE = {"pickle", "marshal", "shelve"}  # formats that run what a file names: the cache reads data only

# Finer rules inside the stages: what each module (or every module of a package) must not import,
# as checker modules or packages (dotted, below `checker`) or third-party packages.
FORBIDDEN = {
    "diagnostics": {"lark", "terms", "language", "evaluation", "lookup", "cli", "typer", "rich", "yaml"},
    "terms": {"lark", "inputs", "language", "evaluation", "lookup", "typer", "rich"},
    "terms.model": {"yaml"},
    "inputs.textfile": {"terms.model", "yaml"},
    "language.tree": {"language.parser", "language.builder", "terms.model"},
    "language.builder": {"language.parser"},
    "language.formatter": {"yaml"},
    "evaluation": {"lark", "language", "typer", "rich"},
    "evaluation.evaluate": {"yaml"},
    "evaluation.compiled": {"yaml"},
    "evaluation.profile": {"evaluation.evaluate"},
    "evaluation.wording": {"evaluation.evaluate"},
    # A start from a valid cache never parses: the cache reads licence texts, never the parser. And
    # it is data, never code: no pickle (issue 14).
    "lookup.cache": {"lark", "language.parser", "language.builder", "language.tree", "typer", "rich", "yaml"} | CODE,
    # The cache's data format: JSON and the models' own annotations, nothing that reads a file or
    # runs what a file names (no pickle), and none of the models it stores (the cache gives it those).
    "lookup.codec": {"lark", "language", "evaluation", "lookup.catalogue", "lookup.models", "yaml", "typer"} | CODE,
    # The analyses of compare, diff and explain: pure, over the model and the evaluator.
    "analysis.space": ANALYSIS | {"evaluation.evaluate", "yaml"},
    "analysis.flips": ANALYSIS | {"yaml"},
    "analysis.diff": ANALYSIS | {"yaml"},
    "analysis.compare": ANALYSIS,
    # The exact engine: the rule model as formulas. Pure, and never the cache's or the syntax's.
    "analysis.solver": ANALYSIS | {"yaml", "analysis.diff", "analysis.flips", "analysis.lint"},
    # Which engine answers: decided without loading the engine (z3 is imported only to name its version).
    "analysis.engine": ANALYSIS | {"analysis.solver", "evaluation", "terms", "yaml"},
    # A tool for licence authors: it reads files, it never prints.
    "analysis.lint": {"lark", "language.parser", "language.tree", "typer", "rich", "yaml"},
    # Discovery reads files: it never evaluates a licence, never asks the Hub, never prints.
    "discovery": {"lark", "language", "evaluation", "analysis", "huggingface_hub", "typer", "rich"},
    "ci": {"lark", "language", "typer", "rich"},
    # The report's JSON contract needs neither the evaluator, the catalogue nor the policy machinery.
    "ci.report": {"evaluation.evaluate", "lookup", "ci.policy", "yaml"},
    # The policy report's CI formats: rendering only (the terminal view is the CLI's).
    "ci.formats": {"evaluation.evaluate"},
    # The renderers decide nothing: they never evaluate, and know no command line.
    "cli.render": {"lark", "language", "evaluation.evaluate", "lookup.catalogue", "typer"},
    "cli.render_terms": {"lark", "language", "evaluation.evaluate", "lookup.catalogue", "cli.terms", "typer"},
    "cli.styling": {
        "lark",
        "language",
        "terms.model",
        "evaluation",
        "lookup",
        "cli.app",
        "cli.render",
        "typer",
        "yaml",
    },
    "cli.profile_flags": {"lark", "language.parser", "evaluation.evaluate", "cli.render", "cli.render_terms"},
    "cli.authoring": {"lark", "language.parser", "language.tree", "language.builder", "evaluation.evaluate"},
}


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


MODULES = {_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@cache
def imports(module: str, *, typing_only: bool = True) -> frozenset[str]:
    """What a module imports: checker modules (dotted, below `checker`) and third-party top-level names.

    With `typing_only=False`, imports under `if TYPE_CHECKING:` are left out (they never run)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    skipped: set[int] = set()
    if not typing_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped |= {id(n) for n in ast.walk(node)}
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                names.add(full if full.removeprefix("checker.") in MODULES else node.module)
    return frozenset(
        n.removeprefix("checker.") if n.startswith("checker.") else n.split(".")[0] for n in names if n != "checker"
    )


def _stage(module: str) -> str:
    return module.split(".", maxsplit=1)[0]


def _matches(name: str, rule: str) -> bool:
    return name == rule or name.startswith(rule + ".")


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_its_own_stage_and_the_stages_below(module: str) -> None:
    above = sorted(n for n in imports(module) if n.split(".")[0] in RANK and RANK[_stage(n)] > RANK[_stage(module)])
    assert not above, f"checker/{module} imports {above}, a later stage"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_respects_the_rules_of_its_stage(module: str) -> None:
    rules = set().union(*(r for key, r in FORBIDDEN.items() if _matches(module, key)))
    found = sorted(n for n in imports(module) if any(_matches(n, rule) for rule in rules))
    assert not found, f"checker/{module} imports {found}"


def test_every_rule_names_a_module_that_exists() -> None:
    # A rule for a module that was renamed away would pass forever.
    assert not [key for key in FORBIDDEN if not any(_matches(m, key) for m in MODULES)]


def test_no_module_imports_itself_back_through_others() -> None:
    graph = {m: {n for n in imports(m, typing_only=False) if n in MODULES and n != m} for m in MODULES}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for dep in sorted(graph[module]):
            if state.get(dep) == 1:
                cycles.append([*path[path.index(dep) :], dep])
            elif dep not in state:
                visit(dep)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert not cycles, "import circles: " + "; ".join(" → ".join(c) for c in cycles)


def test_only_the_parser_imports_lark() -> None:
    assert sorted(m for m in MODULES if "lark" in imports(m)) == ["language.parser"]


def test_only_the_command_line_imports_typer_and_rich() -> None:
    users = sorted(m for m in MODULES if {"typer", "rich"} & imports(m))
    assert users and all(m.startswith("cli.") for m in users), users


def test_the_top_of_the_package_holds_at_most_six_modules() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 6, top


def test_every_stage_is_a_module_or_a_package() -> None:
    missing = [n for n in RANK if not (PACKAGE / f"{n}.py").exists() and not (PACKAGE / n / "__init__.py").exists()]
    assert not missing
