"""The cached catalogue: the same licences as parsing, and safe when the cache is missing, stale,
corrupt, truncated, disabled or cannot be written."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from checker import cache
from checker.catalogue import bundled, parse_all, read_bundled
from checker.models import parse_index
from checker.resources import models_text

ROOT = Path(__file__).resolve().parent.parent

TEXTS = read_bundled()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_DIR, str(where))
    return where


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("catalogue-*.pickle"))


def test_a_missing_cache_is_written_and_then_read(folder: Path) -> None:
    first = cache.cached_catalogue(TEXTS)
    assert len(cache_files(folder)) == 1
    second = cache.cached_catalogue(TEXTS)
    parsed = parse_all(TEXTS)
    assert second.licenses == parsed == first.licenses
    # Spans do not count for equality; the cached ones must still point at the same places.
    assert [c.span for c in second.get("llama-3.1").clauses] == [c.span for c in parsed[22].clauses]
    assert second.names() == first.names()
    assert [lic.id for lic in second.families["llama"]] == [lic.id for lic in first.families["llama"]]


def test_a_stale_cache_is_not_read_and_is_replaced(folder: Path) -> None:
    cache.cached_catalogue(TEXTS)
    (old,) = cache_files(folder)
    changed = [(shown, text.replace('"Llama 3.1 Community License Agreement"', '"Llama 3.1 Licence X"'))
               for shown, text in TEXTS]  # fmt: skip
    catalogue = cache.cached_catalogue(changed)
    assert catalogue.get("llama-3.1").name == "Llama 3.1 Licence X"
    (new,) = cache_files(folder)
    assert new != old
    assert cache.cached_catalogue(TEXTS).get("llama-3.1").name == "Llama 3.1 Community License Agreement"


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not a pickle at all",
        pickle.dumps({"something": "else"}),
        pickle.dumps((1, "wrong key", [], {})),
        pickle.dumps(("a", "tuple", "of", "strings")),
    ],
    ids=["empty", "garbage", "other-object", "wrong-key", "wrong-shape"],
)
def test_a_corrupt_cache_is_ignored_and_rewritten(folder: Path, damage: bytes) -> None:
    cache.cached_catalogue(TEXTS)
    (path,) = cache_files(folder)
    path.write_bytes(damage)
    assert cache.cached_catalogue(TEXTS).licenses == parse_all(TEXTS)
    assert path.read_bytes() != damage


def test_a_truncated_cache_is_ignored(folder: Path) -> None:
    cache.cached_catalogue(TEXTS)
    (path,) = cache_files(folder)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert cache.cached_catalogue(TEXTS).get("gemma").id == "gemma"


def test_a_cache_folder_that_cannot_be_created_only_costs_a_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.ENV_DIR, str(blocker / "cache"))
    assert cache.cached_catalogue(TEXTS).licenses == parse_all(TEXTS)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can write a read-only folder")
def test_a_read_only_cache_folder_only_costs_a_parse(folder: Path) -> None:
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert cache.cached_catalogue(TEXTS).licenses == parse_all(TEXTS)
        assert cache_files(folder) == []
    finally:
        folder.chmod(0o700)


def test_a_read_only_cache_file_is_still_read(folder: Path) -> None:
    cache.cached_catalogue(TEXTS)
    (path,) = cache_files(folder)
    path.chmod(0o400)
    assert cache.cached_catalogue(TEXTS).get("mit").id == "mit"


def test_the_cache_can_be_disabled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV_DIR, "off")
    assert cache.cache_dir() is None
    assert cache.cached_catalogue(TEXTS).licenses == parse_all(TEXTS)


def test_the_default_folder_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cache.ENV_DIR, raising=False)
    if sys.platform in ("win32", "darwin"):
        pytest.skip("XDG applies on Linux and other Unix systems")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "modelterms"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # invalid by the spec: ignored
    assert cache.cache_dir() == Path.home() / ".cache" / "modelterms"


START = """
import sys
from checker.cli import main
sys.argv = ["modelterms", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
watched = ("lark", "rich", "yaml", "checker.changes", "checker.flips", "checker.compare", "checker.space")
print("\\nloaded:", " ".join(sorted(m for m in watched if m in sys.modules)))
"""


def _start(folder: Path, *args: str) -> str:
    env = {**os.environ, cache.ENV_DIR: str(folder)}
    done = subprocess.run(
        [sys.executable, "-c", START, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    return done.stdout.rsplit("loaded:", 1)[1].split()


def test_a_start_from_a_valid_cache_imports_neither_lark_nor_yaml_nor_the_analyses(folder: Path) -> None:
    args = ("check", "--license", "llama", "--mau", "800000000")
    assert "lark" in _start(folder, *args)  # the first start parses and writes the cache
    assert _start(folder, *args) == ["rich"]
    assert _start(folder, *args, "--format", "json") == []


def test_the_model_index_is_cached_too(folder: Path) -> None:
    text = models_text()
    first = cache.cached_index(text, "licenses/models.yaml", bundled())
    (path,) = sorted(folder.glob("models-*.pickle"))
    second = cache.cached_index(text, "licenses/models.yaml", bundled())
    assert second.entries == first.entries == parse_index(text, "licenses/models.yaml", bundled()).entries
    path.write_bytes(b"corrupt")
    assert cache.cached_index(text, "licenses/models.yaml", bundled()).entries == first.entries
    changed = text.replace("models:", "models:\n  # a comment changes the key", 1)
    cache.cached_index(changed, "licenses/models.yaml", bundled())
    assert len(sorted(folder.glob("models-*.pickle"))) == 1  # the stale one was replaced
