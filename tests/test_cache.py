"""The cached catalogue: the same licences as parsing, and safe when the cache is missing, stale,
corrupt, truncated, disabled or cannot be written."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checker.lookup import cache
from checker.lookup.bundled import bundled
from checker.lookup.catalogue import Catalogue, parse_all, read_bundled
from checker.lookup.models import parse_index
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


def test_a_missing_cache_is_written_and_then_read(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = cache.cached_catalogue(TEXTS)
    assert len(cache_files(folder)) == 1
    parsed = Catalogue(parse_all(TEXTS))

    def unparsed(*args: object) -> None:
        raise AssertionError("a cached catalogue was parsed again")

    monkeypatch.setattr(cache, "parse_all", unparsed)
    second = cache.cached_catalogue(TEXTS)
    assert second.licenses == parsed.licenses == first.licenses
    # Spans do not count for equality; the cached ones must still point at the same places.
    assert [c.span for c in second.get("llama-3.1").clauses] == [c.span for c in parsed.get("llama-3.1").clauses]
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


# ---- the stamp: files unchanged on disk are not read again ----------------------------------

LICENSES = ROOT / "licenses"


@pytest.fixture
def files(tmp_path: Path) -> list[tuple[str, Path]]:
    """A folder of three licence files of our own, so that a test may change them."""
    where = tmp_path / "licenses"
    where.mkdir()
    chosen = []
    for name in ("mit.terms", "gemma.terms", "llama-3.1.terms"):
        (where / name).write_bytes((LICENSES / name).read_bytes())
        chosen.append((f"licenses/{name}", where / name))
    return chosen


def stamps(folder: Path) -> list[Path]:
    return sorted(folder.glob("stamp-*.key"))


def test_files_unchanged_since_the_stamp_are_not_read_again(
    folder: Path, files: list[tuple[str, Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "SETTLE_NS", 0)  # the files were written just now
    first = cache.cached_license_files(files)
    assert len(stamps(folder)) == 1

    def unread(*args: object) -> str:
        raise AssertionError("a stamped file was read again")

    monkeypatch.setattr(cache, "read_license_text", unread)
    second = cache.cached_license_files(files)
    assert second.licenses == first.licenses == parse_all([(s, f.read_text("utf-8")) for s, f in files])
    assert [c.span for c in second.get("mit").clauses] == [c.span for c in first.get("mit").clauses]


def _rewrite_keeping_size_and_mtime(path: Path, old: str, new: str) -> None:
    """Change a file in place to text of the same size, then set its mtime back (as `rsync -t` or
    `touch -r` would): only its ctime tells that it changed."""
    assert len(old) == len(new)
    before = path.stat()
    text = path.read_text("utf-8")
    assert old in text
    for _ in range(30):  # a file system with coarse timestamps needs a later tick for the ctime to move
        path.write_text(text.replace(old, new), "utf-8")
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        if path.stat().st_ctime_ns != before.st_ctime_ns:
            break
        time.sleep(0.1)
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_a_file_changed_in_place_is_read_again_even_with_its_size_and_mtime_kept(
    folder: Path, files: list[tuple[str, Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "SETTLE_NS", 0)
    assert cache.cached_license_files(files).get("llama-3.1").name == "Llama 3.1 Community License Agreement"
    _, path = files[2]
    _rewrite_keeping_size_and_mtime(
        path, "Llama 3.1 Community License Agreement", "Llama 3.1 Community Licence Agreement"
    )
    assert cache.cached_license_files(files).get("llama-3.1").name == "Llama 3.1 Community Licence Agreement"
    assert len(stamps(folder)) == 1  # the stamp of the old state was replaced


def test_files_written_just_now_are_not_stamped(folder: Path, files: list[tuple[str, Path]]) -> None:
    # Within one timestamp tick of a write, a second write could leave size, mtime and ctime as they
    # were; so a state is stamped only once every file has settled (cache.SETTLE_NS).
    assert cache.cached_license_files(files).get("gemma").id == "gemma"
    assert stamps(folder) == []
    assert len(cache_files(folder)) == 1  # the catalogue itself is cached, keyed by content


@pytest.mark.parametrize("damage", [b"", b"../../etc/passwd", b"0" * 32, "\u00e9".encode() * 16])
def test_a_damaged_stamp_only_costs_hashing_the_files(
    folder: Path, files: list[tuple[str, Path]], monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    monkeypatch.setattr(cache, "SETTLE_NS", 0)
    expected = cache.cached_license_files(files).licenses
    (stamp,) = stamps(folder)
    stamp.write_bytes(damage)
    assert cache.cached_license_files(files).licenses == expected
    assert stamp.read_bytes() != damage  # written again


def test_the_bundled_catalogue_is_stamped_when_its_files_have_settled(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "SETTLE_NS", 0)  # a fresh checkout's files may be seconds old
    assert bundled.__wrapped__().names() == cache.cached_catalogue(TEXTS).names()
    assert len(stamps(folder)) == 1


def test_the_cache_can_be_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
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
from checker.cli.app import main
sys.argv = ["modelterms", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
analyses = ("diff", "flips", "compare", "space")
watched = ("lark", "rich", "yaml", *(f"checker.analysis.{name}" for name in analyses))
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
    # The patterns, the renames and the derived short names come back too: the same names, the same answers.
    assert (second.patterns, second.renamed, second.names()) == (first.patterns, first.renamed, first.names())
    assert second.patterns and second.renamed
    for name in ("Qwen/Qwen2.5-14B-Instruct-AWQ", "CohereForAI/c4ai-command-r-v01", "deepseek-r1-distill-llama-8b"):
        assert second.find(name) == first.find(name) is not None
    path.write_bytes(b"corrupt")
    assert cache.cached_index(text, "licenses/models.yaml", bundled()).entries == first.entries
    changed = text.replace("models:", "models:\n  # a comment changes the key", 1)
    cache.cached_index(changed, "licenses/models.yaml", bundled())
    assert len(sorted(folder.glob("models-*.pickle"))) == 1  # the stale one was replaced
