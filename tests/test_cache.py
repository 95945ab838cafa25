"""The cached catalogue: the same licences as parsing, and safe when the cache is missing, stale,
corrupt, truncated, disabled or cannot be written."""

from __future__ import annotations

import functools
import json
import os
import pickle
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli, same_nodes

from checker.lookup import cache
from checker.lookup.bundled import bundled
from checker.lookup.catalogue import Catalogue, parse_all, read_bundled
from checker.lookup.models import parse_index
from checker.resources import models_text
from checker.terms import model

ROOT = Path(__file__).resolve().parent.parent

TEXTS = read_bundled()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_DIR, str(where))
    return where


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("catalogue-*.jsonl"))


@functools.cache
def parsed() -> list[model.License]:
    """The bundled licences parsed, once: what a catalogue read back must equal."""
    return parse_all(TEXTS)


def unparsed(*args: object) -> None:
    raise AssertionError("a cached catalogue was parsed again")


def test_a_missing_cache_is_written_and_then_read(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = cache.cached_catalogue(TEXTS)
    assert len(cache_files(folder)) == 1
    parsed = Catalogue(parse_all(TEXTS))
    monkeypatch.setattr(cache, "parse_all", unparsed)
    second = cache.cached_catalogue(TEXTS)
    assert second.licenses == parsed.licenses == first.licenses
    assert same_nodes(second.licenses, parsed.licenses)
    # Spans do not count for equality; the cached ones must still point at the same places.
    assert [c.span for c in second.get("llama-3.1").clauses] == [c.span for c in parsed.get("llama-3.1").clauses]
    assert second.names() == first.names()
    assert [lic.id for lic in second.families["llama"]] == [lic.id for lic in first.families["llama"]]


def test_a_stale_cache_is_not_read_and_the_last_few_are_kept(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache.cached_catalogue(TEXTS)
    changed = [(shown, text.replace('"Llama 3.1 Community License Agreement"', '"Llama 3.1 Licence X"'))
               for shown, text in TEXTS]  # fmt: skip
    assert cache.cached_catalogue(changed).get("llama-3.1").name == "Llama 3.1 Licence X"
    assert len(cache_files(folder)) == 2
    # Two installs (or checkouts) sharing the folder: each finds its own catalogue, parsing nothing.
    monkeypatch.setattr(cache, "parse_all", unparsed)
    for _ in range(2):
        assert cache.cached_catalogue(TEXTS).get("llama-3.1").name == "Llama 3.1 Community License Agreement"
        assert cache.cached_catalogue(changed).get("llama-3.1").name == "Llama 3.1 Licence X"
    monkeypatch.undo()
    monkeypatch.setenv(cache.ENV_DIR, str(folder))
    small = [(shown, text) for shown, text in TEXTS if shown.endswith(("/mit.terms", "/apache-2.0.terms"))]
    assert len(small) == 2  # a catalogue of two licences is a catalogue file like any: cheap to parse six times
    for n in range(cache.KEEP + 2):
        cache.cached_catalogue([(shown, text + f"\n# variant {n}\n") for shown, text in small])
    assert len(cache_files(folder)) == cache.KEEP


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
    assert cache.cached_catalogue(TEXTS).licenses == parsed()
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
    assert cache.cached_catalogue(TEXTS).licenses == parsed()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can write a read-only folder")
def test_a_read_only_cache_folder_only_costs_a_parse(folder: Path) -> None:
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert cache.cached_catalogue(TEXTS).licenses == parsed()
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
    assert len(stamps(folder)) == 2  # the new state's stamp beside the old one's


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
    assert cache.cached_catalogue(TEXTS).licenses == parsed()


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
analyses = ("diff", "flips", "compare", "space", "solver", "engine", "lint")
stages = ("checker.ci.policy", "checker.discovery", "checker.inputs.yamlfile", "huggingface_hub")  # a check needs none
plugins = ("importlib.metadata",)  # pydantic's plugin loader imports it: the check runs with plugins off
watched = ("lark", "rich", "yaml", "z3", *plugins, *stages, *(f"checker.analysis.{name}" for name in analyses))
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
    (path,) = sorted(folder.glob("models-*.jsonl"))
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
    assert cache.cached_index(changed, "licenses/models.yaml", bundled()).entries == first.entries
    assert len(sorted(folder.glob("models-*.jsonl"))) == 2  # the stale one is kept, not read


READ_ALL = """
import json, sys
from checker.lookup.bundled import bundled, bundled_index
licenses = bundled().licenses
entries = bundled_index().entries
print(json.dumps({
    "parsed": [m for m in ("lark", "yaml") if m in sys.modules],
    "licenses": [repr(lic) for lic in licenses],
    "spans": [[c.span for c in lic.clauses] for lic in licenses],
    "models": [repr(e) for e in entries],
}))
"""


def _read_all(folder: Path) -> dict[str, Any]:
    env = {**os.environ, cache.ENV_DIR: str(folder)}
    done = subprocess.run([sys.executable, "-c", READ_ALL], capture_output=True, text=True, env=env, cwd=ROOT,
                          check=True, timeout=120)  # fmt: skip
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def test_a_fresh_process_reads_every_licence_and_model_back_as_parsed(folder: Path) -> None:
    # In a fresh process no validator has been built and no forward reference resolved: the cache
    # must read back the same values, of the same types (repr shows them), with the same spans.
    cold = _read_all(folder)
    assert cold["parsed"] == ["lark", "yaml"]
    written = {p: p.stat().st_mtime_ns for p in folder.iterdir()}
    warm = _read_all(folder)
    assert warm["parsed"] == []
    assert warm == {**cold, "parsed": []}
    assert {p: p.stat().st_mtime_ns for p in folder.iterdir()} == written  # read, not repaired


# ---- hostile caches, through the command line ---------------------------------------------------
# Whoever can write a cache folder must not be able to run code as its users, nor change a verdict.
# Each test doctors a warm cache and asks for a verdict that §2 of Llama 3.1 decides: needs-license,
# exit 1, at 800M monthly active users.

CHECK = ("check", "--license", "llama-3.1", "--mau", "800M", "--format", "json")
MODEL = ("check", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--mau", "800M", "--format", "json")


def verdict(folder: Path, args: tuple[str, ...] = CHECK, **env: str) -> tuple[int, str | None, str]:
    """Exit code, llama-3.1's outcome, stderr."""
    run = run_cli(*args, env={cache.ENV_DIR: str(folder), **env})
    results = json.loads(run.out)["results"] if run.out.strip().startswith("{") else []
    outcome = next((r["outcome"] for r in results if r["license"] == "llama-3.1"), None)
    return run.code, outcome, run.err


RIGHT = (1, "needs-license", "")


@pytest.fixture(scope="module")
def warmed_by_the_command(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder the command itself has warmed: the catalogue, its stamp, the model index."""
    folder = tmp_path_factory.mktemp("warmed") / "cache"
    assert verdict(folder) == RIGHT
    if not stamps(folder):  # a fresh checkout: files written less than cache.SETTLE_NS ago are not stamped
        time.sleep(cache.SETTLE_NS / 1e9)
        assert verdict(folder) == RIGHT
    assert verdict(folder, MODEL) == RIGHT  # the model index too
    assert {p.name.split("-")[0] for p in folder.iterdir()} == {"catalogue", "models", "secret", "stamp"}
    return folder


_SEALED = {"catalogue-": "catalogue", "models-": "models", "stamp-": "stamp"}  # file name prefix: kind


def _sealed_here(source: Path, folder: Path) -> None:
    """`source`'s cache files written into `folder` as a start there would have written them: each
    file's header and lines unchanged, sealed under `folder`'s own secret. (A plain copy is not
    believed: a folder's seal is bound to its secret file. That is what makes a warm folder cost a
    cold start per test, ≈ 1 s, where this costs a few milliseconds.)"""
    source_key, key = cache._mac_key(source), (cache._make(folder), cache._mac_key(folder))[1]
    assert source_key is not None and key is not None
    for path in sorted(source.iterdir()):
        prefix, kind = next(((p, k) for p, k in _SEALED.items() if path.name.startswith(p)), ("", ""))
        if not kind:
            continue  # the secret: the folder has its own
        name = path.name if kind == "stamp" else path.name.removeprefix(prefix).removesuffix(".jsonl")
        sealed = cache._unseal(path.read_bytes(), source_key, kind, name)
        assert sealed is not None, path
        header = {k: v for k, v in sealed.header.items() if k != "lines"}
        target = folder / path.name
        target.write_bytes(
            cache._seal(key, kind, name, header, [sealed.line(i) for i in range(len(sealed.header["lines"]))])
        )
        target.chmod(0o600)


@pytest.fixture
def warm(folder: Path, warmed_by_the_command: Path) -> Path:
    _sealed_here(warmed_by_the_command, folder)
    written = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert verdict(folder) == RIGHT
    assert verdict(folder, MODEL) == RIGHT
    # Believed as the command's own: read, not one file written again.
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == written
    return folder


def catalogue_file(folder: Path) -> Path:
    (path,) = cache_files(folder)
    return path


def _without_section_2(license: model.License) -> model.License:
    kept = tuple(c for c in license.clauses if c.section != "2")
    assert len(kept) == len(license.clauses) - 1
    return license.model_copy(update={"clauses": kept})


def _doctored_lines(path: Path) -> list[bytes]:
    """The catalogue file's lines with Llama 3.1's §2 removed, in the file's own format."""
    codec = cache._codec()
    lines = path.read_bytes().split(b"\n")
    for i, line in enumerate(lines[2:], start=2):
        license = codec.decode(json.loads(line))
        if license.id == "llama-3.1":
            lines[i] = json.dumps(codec.encode(_without_section_2(license))).encode()
            return lines
    raise AssertionError("llama-3.1 is not in the cache")


def test_a_doctored_licence_is_detected_and_parsed_again(warm: Path) -> None:
    path = catalogue_file(warm)
    doctored = b"\n".join(_doctored_lines(path))  # the MAC and the header kept as they were
    path.write_bytes(doctored)
    assert verdict(warm) == RIGHT
    assert path.read_bytes() != doctored  # written again
    assert verdict(warm) == RIGHT


def test_a_cache_doctored_elsewhere_and_brought_in_whole_is_not_believed(
    warm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The doctored catalogue is written into its folder as modelterms writes, under the true key and
    # with a MAC that matches there: what an attacker can make in a folder of their own (a CI job
    # whose cache a later job restores, a folder committed to a repository).
    monkeypatch.setenv(cache.ENV_DIR, str(warm))
    opened = cache._open_folder()
    assert opened is not None
    licenses = [_without_section_2(lic) if lic.id == "llama-3.1" else lic for lic in parse_all(TEXTS)]
    cache._write_catalogue(*opened, cache.cache_key(TEXTS), licenses)
    _, outcome, _ = verdict(warm)
    assert outcome != "needs-license"  # in its own folder it is believed: the doctoring works
    brought_in = tmp_path / "restored"
    shutil.copytree(warm, brought_in)  # as a cache restore or a checkout makes them: files created now
    assert verdict(brought_in) == RIGHT
    assert verdict(brought_in) == RIGHT


def test_a_damaged_licence_in_a_file_that_otherwise_matches_is_repaired(
    warm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A body that cannot be decoded although the MAC matches (a bug, say): parsed when first asked for.
    monkeypatch.setenv(cache.ENV_DIR, str(warm))
    opened = cache._open_folder()
    assert opened is not None
    path = catalogue_file(warm)
    _, head, *bodies = path.read_bytes().split(b"\n")
    header = json.loads(head)
    del header["lines"]  # the digests of the lines: sealed again below, with the damaged line's
    bodies[[entry[0] for entry in header["entries"]].index("llama-3.1")] = b"[9999]"
    key = path.name.removeprefix("catalogue-").removesuffix(".jsonl")
    damaged = cache._seal(opened[1], "catalogue", key, header, bodies)
    path.write_bytes(damaged)
    assert verdict(warm) == RIGHT  # exit 1, not 3
    assert path.read_bytes() != damaged
    assert verdict(warm) == RIGHT


class _Payload:
    """A pickle that creates a file when it is loaded: what a pickle cache would run."""

    def __init__(self, target: Path) -> None:
        self.target = str(target)

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (self.target, "w"))


def test_a_pickle_in_the_cache_runs_no_code(warm: Path, tmp_path: Path) -> None:
    proof = tmp_path / "proof"
    pickle.loads(pickle.dumps(_Payload(proof))).close()  # the payload is live
    assert proof.exists()
    target = tmp_path / "pwned"
    payload = pickle.dumps(_Payload(target))
    legacy = [warm / p.name.replace(".jsonl", ".pickle") for p in warm.glob("*.jsonl")]  # the former names
    for path in [*warm.iterdir(), *legacy]:
        path.write_bytes(payload)
    assert verdict(warm) == RIGHT
    assert verdict(warm, MODEL) == RIGHT
    assert not target.exists()
    assert not any(p.exists() for p in legacy)  # the former format's files are removed


HOSTILE = ["catalogue-*.jsonl", "stamp-*.key", "secret", "models-*.jsonl"]


def _replace(folder: Path, pattern: str, how: str) -> Path:
    (path,) = folder.glob(pattern)
    path.unlink()
    if how == "link-to-dev-zero":
        path.symlink_to("/dev/zero")
    elif how == "fifo":
        os.mkfifo(path)
    elif how == "huge":
        with path.open("wb") as out:
            out.truncate(cache.MAX_FILE_BYTES + 1)  # sparse: nothing is written
    else:
        path.mkdir()
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and /dev/zero are POSIX")
@pytest.mark.parametrize("how", ["link-to-dev-zero", "fifo", "huge", "folder"])
@pytest.mark.parametrize("pattern", HOSTILE)
def test_a_link_fifo_or_huge_file_in_the_cache_neither_hangs_nor_is_read(warm: Path, pattern: str, how: str) -> None:
    path = _replace(warm, pattern, how)
    args = MODEL if pattern.startswith("models") else CHECK
    started = time.monotonic()
    assert verdict(warm, args) == RIGHT
    assert time.monotonic() - started < 60
    if how != "folder":  # a rename cannot replace a folder: that cache file is only never read
        assert path.is_file() and not path.is_symlink() and path.stat().st_size < 1_000_000
        assert verdict(warm, args) == RIGHT


POSIX_MODES = pytest.mark.skipif(os.name != "posix", reason="file modes and owners are POSIX")
ROOT_ONLY = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")


@POSIX_MODES
@pytest.mark.parametrize("mode", [0o777, 0o770, 0o722])
def test_a_cache_folder_others_can_write_is_not_used(folder: Path, mode: int) -> None:
    folder.mkdir()
    folder.chmod(mode)
    code, outcome, err = verdict(folder)
    assert (code, outcome) == RIGHT[:2]
    assert err.count("warning:") == 1 and f"the cache folder {folder} is writable by others" in err
    assert list(folder.iterdir()) == []  # nothing read, nothing written


@POSIX_MODES
def test_a_cache_folder_under_a_folder_others_can_write_is_not_used(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    code, outcome, err = verdict(shared / "cache")
    assert (code, outcome) == RIGHT[:2]
    assert f"{shared}, above the cache folder, is writable by others" in err
    shared.chmod(0o1777)  # with the sticky bit, as /tmp: no one can rename or replace what is ours
    assert verdict(shared / "cache") == RIGHT


@POSIX_MODES
@ROOT_ONLY
def test_a_cache_folder_of_another_user_is_not_used(folder: Path) -> None:
    folder.mkdir()
    os.chown(folder, 54321, 54321)
    code, outcome, err = verdict(folder)
    assert (code, outcome) == RIGHT[:2]
    assert f"the cache folder {folder} belongs to another user" in err
    assert list(folder.iterdir()) == []


@POSIX_MODES
@pytest.mark.parametrize("pattern", HOSTILE)
def test_a_cache_file_others_can_write_is_not_read_and_is_replaced(warm: Path, pattern: str) -> None:
    (path,) = warm.glob(pattern)
    path.chmod(0o666)
    args = MODEL if pattern.startswith("models") else CHECK
    code, outcome, err = verdict(warm, args)
    assert (code, outcome) == RIGHT[:2]
    assert f"{path} belongs to another user or is writable by others" in err
    assert verdict(warm, args) == RIGHT
    assert stat.S_IMODE(next(warm.glob(pattern)).stat().st_mode) == 0o600


@POSIX_MODES
@ROOT_ONLY
def test_a_cache_file_of_another_user_is_not_read_and_is_replaced(warm: Path) -> None:
    path = catalogue_file(warm)
    doctored = b"\n".join(_doctored_lines(path))
    path.write_bytes(doctored)
    os.chown(path, 54321, 54321)
    code, outcome, err = verdict(warm)
    assert (code, outcome) == RIGHT[:2]
    assert "belongs to another user" in err
    assert catalogue_file(warm).stat().st_uid == os.geteuid()


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the default folder follows XDG on Linux")
def test_a_relative_cache_folder_is_ignored(tmp_path: Path) -> None:
    repository = tmp_path / "cloned-repository"
    repository.mkdir()
    xdg = tmp_path / "xdg"
    run = run_cli(*CHECK, cwd=repository, env={cache.ENV_DIR: ".cache", "XDG_CACHE_HOME": str(xdg)})
    assert run.code == 1 and json.loads(run.out)["results"][0]["outcome"] == "needs-license"
    assert "MODELTERMS_CACHE_DIR='.cache' is a relative path: ignored" in run.err
    assert not (repository / ".cache").exists()
    assert cache_files(xdg / "modelterms")
