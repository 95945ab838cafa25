"""Questions about a path the user gave, answered for any name they may type.

`Path.exists()`, `is_dir()`, `is_file()` and `is_symlink()` raise, on Python 3.11 to 3.13, when the
system cannot even look the name up: a name longer than the file system allows (ENAMETOOLONG),
a folder on the way that cannot be searched. Such a path is not a file or folder modelterms can
read, so these answer False, as `os.path.exists` does, and the command says "no such file" (exit 2)
instead of ending in an internal error (found by benchmarks/fuzz.py: `lint`, `fmt --check`, `scan`,
`discover`, `policy --policy` and `--licenses-dir` with a 300-character name all gave exit 3).
"""

from __future__ import annotations

from pathlib import Path


def exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return False


def is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def is_symlink(path: Path) -> bool:
    try:
        return path.is_symlink()
    except OSError:
        return False
