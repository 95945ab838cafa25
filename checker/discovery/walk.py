"""Which files discovery reads, and with which reader.

A tree is walked without following symlinks out of it. Skipped: version-control folders, virtual
environments (any folder holding `pyvenv.cfg` or `conda-meta`), `node_modules`, caches; whatever the
`.gitignore` files from the repository's top down to each folder ignore; the `--exclude` patterns
(gitignore syntax, relative to each path given); and — unless tests are included — test code and
its fixtures: folders named `tests`, `test`, `testing`, `__tests__`, `testdata` or `fixtures`, and
`test_*.py`, `*_test.py`, `conftest.py`. A file named on the command line is always read. Notebooks
(`.ipynb`) are not read. A file that cannot be read or parsed is skipped and listed, never fatal.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path

from checker.discovery.configs import ConfigReader
from checker.discovery.containers import read_dockerfile, read_shell
from checker.discovery.finding import Discovery, Finding, Known
from checker.discovery.ollama import read_modelfile
from checker.discovery.python import read_python
from checker.errors import DiagnosticError
from checker.inputs.textfile import NotText, decode_text

MAX_BYTES = 1_000_000  # a source or configuration file is far smaller; a bigger one is data
SKIP_FOLDERS = {
    ".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints", "site-packages", ".eggs", ".cache", ".terraform",
}  # fmt: skip
TEST_FOLDERS = {"tests", "test", "testing", "__tests__", "testdata", "fixtures"}


class FileKind(StrEnum):
    PYTHON = "python"
    YAML = "yaml"
    JSON = "json"
    TOML = "toml"
    ENV = "env"
    DOCKERFILE = "dockerfile"
    SHELL = "shell"
    MODELFILE = "modelfile"


def file_kind(name: str) -> FileKind | None:
    """The reader for a file, by its name."""
    lowered = name.lower()
    suffix = lowered.rsplit(".", 1)[-1] if "." in lowered else ""
    if lowered in {"dockerfile", "containerfile"} or lowered.startswith("dockerfile.") or suffix == "dockerfile":
        return FileKind.DOCKERFILE
    if lowered == "modelfile" or lowered.startswith("modelfile.") or suffix == "modelfile":
        return FileKind.MODELFILE
    if lowered == ".env" or lowered.startswith(".env.") or suffix == "env":
        return FileKind.ENV
    return {
        "py": FileKind.PYTHON,
        "yaml": FileKind.YAML,
        "yml": FileKind.YAML,
        "json": FileKind.JSON,
        "toml": FileKind.TOML,
        "sh": FileKind.SHELL,
        "bash": FileKind.SHELL,
    }.get(suffix)


def is_test_file(name: str) -> bool:
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py")


def _is_environment(folder: Path) -> bool:
    return (folder / "pyvenv.cfg").is_file() or (folder / "conda-meta").is_dir()


class _Ignores:
    """The .gitignore files that apply to a tree, from the repository's top down, and --exclude."""

    def __init__(self, root: Path, exclude: Sequence[str]) -> None:
        from pathspec import GitIgnoreSpec  # noqa: PLC0415 - only when a tree is walked

        self._spec = GitIgnoreSpec.from_lines
        self.root = root
        self.exclude = GitIgnoreSpec.from_lines(exclude) if exclude else None
        self.specs: list[tuple[Path, object]] = []
        absolute = root.resolve()
        top = next((p for p in (absolute, *absolute.parents) if (p / ".git").exists()), absolute)
        for folder in reversed([p for p in absolute.parents if p.is_relative_to(top)]):
            self.add(folder, absolute=True)

    def add(self, folder: Path, *, absolute: bool = False) -> None:
        """Read a folder's .gitignore (`absolute`: a folder above the tree, given resolved)."""
        ignore = folder / ".gitignore"
        if ignore.is_file():
            try:
                lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                return
            self.specs.append((folder if absolute else folder.resolve(), self._spec(lines)))

    def ignored(self, path: Path, *, folder: bool) -> bool:
        suffix = "/" if folder else ""
        if self.exclude is not None and self.exclude.match_file(path.relative_to(self.root).as_posix() + suffix):
            return True
        absolute = path.parent.resolve() / path.name
        for base, spec in self.specs:
            inside = absolute.is_relative_to(base) and absolute != base
            if inside and spec.match_file(absolute.relative_to(base).as_posix() + suffix):  # type: ignore[attr-defined]
                return True
        return False


def _files(root: Path, exclude: Sequence[str], include_tests: bool, skipped: list[tuple[str, str]]) -> Iterator[Path]:
    ignores = _Ignores(root, exclude)
    top = root.resolve()
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        ignores.add(here)
        kept = []
        for name in sorted(dirs):
            path = here / name
            if name in SKIP_FOLDERS or name.endswith(".egg-info") or path.is_symlink() or _is_environment(path):
                continue
            if not include_tests and name in TEST_FOLDERS:
                continue
            if ignores.ignored(path, folder=True):
                continue
            kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            path = here / name
            if file_kind(name) is None or name.endswith(".ipynb") or (not include_tests and is_test_file(name)):
                continue
            if ignores.ignored(path, folder=False):
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(top):
                skipped.append((path.as_posix(), "a symlink to a file outside the folder"))
                continue
            yield path


def discover(
    paths: Iterable[str | Path],
    *,
    exclude: Sequence[str] = (),
    include_tests: bool = False,
    known: Known | None = None,
) -> Discovery:
    """Every model reference in the files and folders given, in path order.

    `known` maps a short name to a model id (default: the bundled model index). Raises nothing for a
    file it cannot read: it is listed in `Discovery.skipped`."""
    if known is None:
        known = _index_names()
    result = Discovery()
    for given in paths:
        root = Path(given)
        files = [root] if root.is_file() else _files(root, exclude, include_tests, result.skipped)
        for path in files:
            found = read_file(path, known=known, skipped=result.skipped, root=root if root.is_dir() else None)
            if found is not None:
                result.files += 1
                result.findings += found
    return result


def _index_names() -> Known:
    from checker.lookup.bundled import bundled_index  # noqa: PLC0415 - the index only when discovery runs

    index = bundled_index()

    def known(name: str) -> str | None:
        entry = index.find(name)
        return entry.id if entry is not None else None

    return known


def _local_to(path: Path, root: Path | None) -> Callable[[str], bool]:
    """Whether a string is a path beside the file or under the folder given (a local checkpoint)."""
    folders = [path.parent] + ([root] if root is not None else [])

    def local(value: str) -> bool:
        try:
            return any((folder / value).exists() for folder in folders)
        except (OSError, ValueError):
            return False

    return local


def read_file(
    path: Path, *, known: Known, skipped: list[tuple[str, str]], root: Path | None = None
) -> list[Finding] | None:
    """The findings of one file, or None (and a line in `skipped`) when it cannot be read or parsed."""
    shown = path.as_posix()
    kind = file_kind(path.name) or FileKind.PYTHON
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        skipped.append((shown, f"cannot read it: {error.strerror or error}"))
        return None
    if len(data) > MAX_BYTES:
        skipped.append((shown, f"larger than {MAX_BYTES:,} bytes"))
        return None
    try:
        text = decode_text(data, shown)
    except NotText as error:
        skipped.append((shown, error.diagnostic.message))
        return None
    local = _local_to(path, root)
    try:
        match kind:
            case FileKind.PYTHON:
                return read_python(text, shown, known=known, local=local)
            case FileKind.DOCKERFILE:
                return read_dockerfile(text, shown, known=known, local=local)
            case FileKind.SHELL:
                return read_shell(text, shown, known=known, local=local)
            case FileKind.MODELFILE:
                return read_modelfile(text, shown, local=local)
            case FileKind.YAML:
                return ConfigReader(shown, path.name, known=known, local=local).yaml(text)
            case FileKind.JSON:
                return ConfigReader(shown, path.name, known=known, local=local).json(text)
            case FileKind.TOML:
                return ConfigReader(shown, path.name, known=known, local=local).toml(text)
            case FileKind.ENV:
                return ConfigReader(shown, path.name, known=known, local=local).env(text)
    except SyntaxError as error:
        skipped.append((shown, f"not valid Python (line {error.lineno}): {error.msg}"))
    except DiagnosticError as error:  # YAML that does not parse, or is too large
        skipped.append((shown, error.diagnostics[0].message))
    except (ValueError, RecursionError, MemoryError) as error:  # JSON, TOML; a NUL byte; absurd nesting
        skipped.append((shown, f"does not parse: {str(error)[:120]}"))
    return None
