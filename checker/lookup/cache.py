"""The cached catalogue: the bundled licences, parsed once per installation instead of once per start.

The cache is a file in the user's cache folder, named by a key that hashes everything the parsed
catalogue depends on: the cache format, the modelterms, Python and pydantic versions, the source of
the model modules (so an edited checkout never reads objects of an older shape), and the name and
content of every licence file. A changed licence file gives a new key, so a stale cache is never
read. So that a start need not read and hash every licence file to find that key, a small stamp
file records the key of the files' last state on disk (size, mtime, ctime, inode; see
`cached_license_files`). The model index is cached the same way (`cached_index`).

Location: `$MODELTERMS_CACHE_DIR` if set (`off` disables the cache; a relative path is ignored, with
a warning: it would put the cache wherever modelterms is started, inside a cloned repository say),
else the platform's cache folder — `$XDG_CACHE_HOME/modelterms` or `~/.cache/modelterms` on Linux,
`~/Library/Caches/modelterms` on macOS, `%LOCALAPPDATA%\\modelterms\\Cache` on Windows.

**Only the user's own files are read**, as ssh reads `~/.ssh`: the folder must belong to the user
and be writable by no one else, and so must every folder above it (those may belong to root, and a
world-writable one needs the sticky bit, as `/tmp` has); else a warning, once, and modelterms runs
without the cache. A file is opened without following a symbolic link and must be a regular file of
the user's, writable by no one else, of at most `MAX_FILE_BYTES`: a link to `/dev/zero`, a FIFO or a
folder in its place is a damaged file, read no further. (On Windows, which has no such modes, only
the rest holds.)

**Nothing in it can run code**: the files are JSON (`checker.lookup.codec`), not pickle.

**Nor can it lie.** Every file is sealed: its first line is an HMAC-SHA256 of its header and of the
kind and key it is filed under, and the header holds the SHA-256 of every line after it, so the MAC
covers the file's exact bytes. The MAC's key is a secret the folder holds (`secret`: 32 random
bytes, made on first use) together with the device, inode and ctime of that secret file. A file
whose MAC does not match, or a line whose digest does not, is damaged. The ctime is what a cache
brought in from elsewhere cannot fake: a folder restored from a CI cache, copied from another
machine or committed to a repository consists of files created just now, and no tool can set a ctime
back (the fact the stamp relies on too); so a cache doctored elsewhere and brought in whole, its
secret included, does not match and is never believed. (Where the file system keeps ctimes to the
second only — FAT, HFS+, ext3 — the restore's second could be guessed: there this is weaker.) What
no cache can stop is someone who can already write the user's files: they could as well edit
modelterms.

**Damage is repaired, never fatal**: a missing, unreadable, truncated, doctored or foreign file is
ignored — the licences are parsed as without a cache — and written again; so is the file when a
licence's line, read on first use, is damaged or (a bug) cannot be decoded. A folder that cannot
be written (read-only, full) only means the next start parses again. Writing is atomic (a temporary
file, then a rename, which replaces a link or FIFO in the way instead of writing through it). The
folder keeps the `KEEP` most recently used files of each kind, so that two installs or checkouts
sharing it do not evict each other.

Each licence is a line of its own in the file, decoded the first time it is asked for: a
`check --license llama` start materialises the Llama licences, not the whole catalogue.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import hmac
import os
import secrets
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pydantic

from checker._version import __version__
from checker.language.load import read_license_text
from checker.lookup.catalogue import Catalogue, Entry, parse_all
from checker.lookup.codec import Codec, dumps, loads
from checker.terms import model

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from checker.lookup.models import ModelIndex

ENV_DIR = "MODELTERMS_CACHE_DIR"
DISABLED = "off"
KEEP = 4  # files of each kind kept in the folder, most recently used first
MAX_FILE_BYTES = 32 * 1024 * 1024  # the catalogue's file is ≈ 0.5 MB
_PREFIX = "catalogue-"
_INDEX_PREFIX = "models-"
_SUFFIX = ".jsonl"
_LEGACY_SUFFIX = ".pickle"  # the former format's files: removed when the folder is next written
_FORMAT = 2  # bump when the layout of the cache files changes
_MAGIC = b"modelterms-cache"
_SECRET = "secret"
_SECRET_BYTES = 32
_TOUCH_NS = 3600 * 10**9  # a file read and not touched for an hour is touched: "used" is its mtime
_POSIX = os.name == "posix"
_OPEN = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
# The modules whose classes the cache holds instances of, or that read and write it: their source
# is part of the key.
_SHAPE_MODULES = (
    "terms/model.py",
    "diagnostics/span.py",
    "terms/vocabulary.py",
    "lookup/catalogue.py",
    "lookup/models.py",
    "lookup/cache.py",
    "lookup/codec.py",
)


def cache_dir() -> Path | None:
    """The folder the cache lives in, or None when disabled (`MODELTERMS_CACHE_DIR=off`)."""
    override = os.environ.get(ENV_DIR)
    if override is not None:
        if override.strip().lower() in (DISABLED, ""):
            return None
        if os.path.isabs(override):
            return Path(override)
        _warn(f"{ENV_DIR}={override!r} is a relative path: ignored (the cache would follow the working folder)")
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "modelterms" / "Cache" if base else Path.home() / "AppData" / "Local" / "modelterms"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "modelterms"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec: a relative path in $XDG_CACHE_HOME is invalid and is to be ignored.
    return (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache") / "modelterms"


@functools.cache
def _warn(problem: str) -> None:
    """Say it on stderr, once per process."""
    print(f"modelterms: warning: {problem}", file=sys.stderr)


def _versioned() -> hashlib._Hash:
    """A digest fed with the versions every key depends on: the cache format, modelterms, Python, pydantic."""
    digest = hashlib.sha256()
    for part in (str(_FORMAT), __version__, sys.version, pydantic.VERSION):
        digest.update(part.encode() + b"\0")
    return digest


def _shape_files() -> list[tuple[str, Path]]:
    package = Path(__file__).resolve().parent.parent
    return [(name, package / name) for name in _SHAPE_MODULES]


def cache_key(texts: Sequence[tuple[str, str]]) -> str:
    """The hash of everything a parsed catalogue depends on (see the module docstring)."""
    digest = _versioned()
    for name, path in _shape_files():
        try:
            source = path.read_bytes()
        except OSError:  # pragma: no cover - a distribution without sources: its version must do
            source = b""
        digest.update(name.encode() + b"\0" + source + b"\0")
    for shown, text in texts:
        digest.update(shown.encode() + b"\0" + text.encode("utf-8") + b"\0")
    return digest.hexdigest()[:32]


# ---- the folder, and what it may be trusted with ---------------------------------------------


def _open_folder() -> tuple[Path, bytes] | None:
    """The cache folder and the MAC key of its files, or None: the cache is disabled, the folder
    cannot be made or is not the user's alone (said once), or its secret cannot be read or made."""
    folder = cache_dir()
    if folder is None:
        return None
    key = _trusted(folder)
    return (folder, key) if key is not None else None


def _trusted(folder: Path) -> bytes | None:
    """The MAC key of the folder's files, or None: it cannot be made, is not the user's alone
    (said once), or its secret cannot be read or made."""
    try:
        _make(folder)
        found = os.stat(folder)
    except OSError:
        return None  # cannot be created: the next start parses again
    problem = _unsafe(folder, found)
    if problem is not None:
        _warn(f"{problem}: the cache is not used, every start parses the licences")
        return None
    return _mac_key(folder)


def _make(folder: Path) -> None:
    """Create the folder and any missing above it, as only the user may enter them (the XDG spec's
    0700; `Path.mkdir(parents=True)` would give the parents the umask's mode)."""
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        return
    except FileNotFoundError:
        if folder.parent == folder:
            raise
        _make(folder.parent)
        os.mkdir(folder, 0o700)


def _unsafe(folder: Path, found: os.stat_result) -> str | None:
    """Why the folder may not hold the cache (ssh's rule for `~/.ssh`), or None."""
    if not stat.S_ISDIR(found.st_mode):
        return f"the cache folder {folder} is not a folder"
    if not _POSIX:
        return None
    user = os.geteuid()
    if found.st_uid != user:
        return f"the cache folder {folder} belongs to another user"
    if found.st_mode & 0o022:
        return f"the cache folder {folder} is writable by others (chmod go-w {folder})"
    for parent in Path(os.path.realpath(folder)).parents:
        try:
            above = os.stat(parent)
        except OSError:
            return f"{parent}, above the cache folder, cannot be looked at"
        if above.st_uid not in (user, 0):
            return f"{parent}, above the cache folder, belongs to another user"
        if above.st_mode & 0o022 and not above.st_mode & stat.S_ISVTX:
            return f"{parent}, above the cache folder, is writable by others"
    return None


def _read(path: Path, limit: int, *, touch: bool = False) -> tuple[bytes, os.stat_result] | None:
    """A cache file's bytes (and its state), or None: missing, unreadable, a link, not a regular
    file, larger than `limit`, or not the user's alone (said once: it is then replaced)."""
    try:
        handle = os.open(path, _OPEN)
    except OSError:
        return None
    try:
        found = os.fstat(handle)
        if not stat.S_ISREG(found.st_mode) or found.st_size > limit:
            return None
        if _POSIX and (found.st_uid != os.geteuid() or found.st_mode & 0o022):
            _warn(f"{path} belongs to another user or is writable by others: ignored, and written again")
            return None
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(handle, limit + 1 - size):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew since fstat
                return None
        if touch and time.time_ns() - found.st_mtime_ns > _TOUCH_NS and os.utime in os.supports_fd:
            os.utime(handle)
        return b"".join(chunks), found
    except OSError:
        return None
    finally:
        os.close(handle)


def _mac_key(folder: Path) -> bytes | None:
    """The key the folder's files are authenticated with: its secret, bound to the secret file's
    device, inode and ctime (see the module docstring); made when missing or damaged."""
    path = folder / _SECRET
    for _ in range(2):
        found = _read(path, 4 * _SECRET_BYTES)
        if found is not None and len(found[0]) == _SECRET_BYTES:
            secret, facts = found
            bound = f"\0{facts.st_dev}\0{facts.st_ino}\0{facts.st_ctime_ns}".encode()
            return hashlib.sha256(secret + bound).digest()
        _new_secret(folder, path)
    return None


def _new_secret(folder: Path, path: Path) -> None:
    """Put a new secret in place: hard-linked when there is none (a concurrent start that made one
    first wins), renamed over one that is damaged."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(secrets.token_bytes(_SECRET_BYTES))
            try:
                os.link(temporary, path)
            except FileExistsError:
                found = _read(path, 4 * _SECRET_BYTES)
                if found is None or len(found[0]) != _SECRET_BYTES:
                    os.replace(temporary, path)
            except OSError:  # no hard links on this file system
                os.replace(temporary, path)
        finally:
            if os.path.lexists(temporary):
                os.unlink(temporary)
    except OSError:
        return  # read-only or full: no cache this start


# ---- sealed files: a MAC line, a header, then JSON lines ---------------------------------------
# Line 0 holds the MAC of line 1, the header; the header holds the SHA-256 of every line after it.
# A start checks the MAC of the header alone (a few kilobytes) and each licence's digest when it is
# first asked for: a `check --license llama` start hashes the Llama licences, not the catalogue.


def _mac(key: bytes, kind: str, name: str, head: bytes) -> bytes:
    mac = hmac.new(key, f"{kind}\0{name}\0".encode(), "sha256")
    mac.update(head)
    return mac.hexdigest().encode("ascii")


def _seal(key: bytes, kind: str, name: str, header: dict[str, Any], lines: Sequence[bytes]) -> bytes:
    head = dumps({**header, "lines": [hashlib.sha256(line).hexdigest() for line in lines]})
    return b"\n".join([b"%s %d %s" % (_MAGIC, _FORMAT, _mac(key, kind, name, head)), head, *lines])


class _Sealed:
    """A sealed file whose header's MAC matched: the header, and its lines, each checked when read."""

    def __init__(self, header: dict[str, Any], lines: list[bytes]) -> None:
        self.header = header
        self._lines = lines
        self._digests: list[str] = header["lines"]

    def line(self, number: int) -> bytes:
        line = self._lines[number]
        if hashlib.sha256(line).hexdigest() != self._digests[number]:
            raise ValueError(f"line {number + 2} is damaged")
        return line


def _unseal(data: bytes, key: bytes, kind: str, name: str) -> _Sealed | None:
    """The sealed file, or None when it is not one or its MAC does not match."""
    lines = data.split(b"\n")
    parts = lines[0].split(b" ")
    if len(lines) < 2 or len(parts) != 3 or parts[0] != _MAGIC or parts[1] != b"%d" % _FORMAT:
        return None
    if not hmac.compare_digest(parts[2], _mac(key, kind, name, lines[1])):
        return None
    try:
        header = loads(lines[1])
        if not (isinstance(header, dict) and isinstance(header.get("lines"), list)):
            return None
        if len(header["lines"]) != len(lines) - 2:
            return None
    except Exception:  # not what we wrote (a MAC that matches makes this a bug)
        return None
    return _Sealed(header, lines[2:])


def _store(folder: Path, path: Path, prefix: str, data: bytes) -> None:
    """Write a cache file atomically, and keep only the `KEEP` most recently used of its kind; any
    failure is silently a no-op."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
        kept: list[tuple[int, Path]] = []
        for other in folder.glob(f"{prefix}*"):
            if other.suffix == _LEGACY_SUFFIX:
                other.unlink(missing_ok=True)
            elif other.suffix == path.suffix and other != path:
                kept.append((other.lstat().st_mtime_ns, other))
        for _, old in sorted(kept, reverse=True)[KEEP - 1 :]:
            old.unlink(missing_ok=True)
    except OSError:
        return  # read-only or full: the next start parses again


# ---- single records: one sealed JSON object per file (the Hub's answers) ------------------------
# The same seal as the catalogue's, bound to the kind and name the record is filed under, so a
# record planted in the folder, doctored, or copied over another repository's is never believed.

MAX_RECORD_BYTES = 256_000  # a Hub answer is a few hundred bytes; a bigger file is not ours


def _record_path(folder: Path, kind: str, name: str) -> Path:
    return folder / kind / (name.replace("/", "--") + ".json")


def read_record(folder: Path, kind: str, name: str) -> dict[str, Any] | None:
    """The record filed under `kind`/`name` in the cache folder, or None: missing, damaged,
    doctored, not the user's alone, or the folder is not to be trusted."""
    key = _trusted(folder)
    if key is None:
        return None
    found = _read(_record_path(folder, kind, name), MAX_RECORD_BYTES)
    if found is None:
        return None
    sealed = _unseal(found[0], key, kind, name)
    if sealed is None or len(sealed.header["lines"]) != 1:
        return None
    try:
        record = loads(sealed.line(0))
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def write_record(folder: Path, kind: str, name: str, record: dict[str, Any]) -> None:
    """File `record` under `kind`/`name`, sealed; a folder that cannot be written is a no-op."""
    key = _trusted(folder)
    if key is None:
        return
    path = _record_path(folder, kind, name)
    try:
        _make(path.parent)
    except OSError:
        return
    _store(path.parent, path, path.name, _seal(key, kind, name, {}, [dumps(record)]))


# ---- the catalogue ----------------------------------------------------------------------------


def cached_catalogue(texts: Sequence[tuple[str, str]]) -> Catalogue:
    """The catalogue of these licence texts: from the cache when it holds them, else parsed (and cached)."""
    opened = _open_folder()
    if opened is None:
        return Catalogue(parse_all(texts))
    folder, mac_key = opened
    return _cached(folder, mac_key, cache_key(texts), lambda: texts)


Texts = Callable[[], Sequence[tuple[str, str]]]  # the licence texts (shown name, text), read when called


def _cached(folder: Path, mac_key: bytes, key: str, texts: Texts) -> Catalogue:
    found = _read_catalogue(folder, mac_key, key, texts)
    if found is not None:
        return found
    licenses = parse_all(texts())
    _write_catalogue(folder, mac_key, key, licenses)
    return Catalogue(licenses)


@functools.cache
def _codec() -> Codec:
    found: list[type[model.Node]] = []
    pending: list[type[model.Node]] = [model.Node]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending += cls.__subclasses__()
    return Codec(found)


def _catalogue_path(folder: Path, key: str) -> Path:
    return folder / f"{_PREFIX}{key}{_SUFFIX}"


def _write_catalogue(folder: Path, mac_key: bytes, key: str, licenses: list[model.License]) -> None:
    codec = _codec()
    entries = [Entry.of(lic) for lic in licenses]
    header = {
        "key": key,
        "classes": codec.names,
        "entries": [[e.id, e.names, e.families, [e.sort_key[0].isoformat(), e.sort_key[1]], e.applies_with]
                    for e in entries],
    }  # fmt: skip
    try:
        lines = [dumps(codec.encode(lic)) for lic in licenses]
    except Exception:  # pragma: no cover - a model the codec cannot store (the tests write every licence)
        return
    _store(folder, _catalogue_path(folder, key), _PREFIX, _seal(mac_key, "catalogue", key, header, lines))


def _entry(row: list[Any]) -> Entry:
    license_id, names, families, (date, name), applies_with = row
    return Entry(license_id, tuple(names), tuple(families), (dt.date.fromisoformat(date), name), tuple(applies_with))


def _read_catalogue(folder: Path, mac_key: bytes, key: str, texts: Texts) -> Catalogue | None:
    """The cached catalogue, or None when the file is missing, foreign or not what we wrote. A
    licence that cannot be read back when first asked for (its line damaged, or not decoding) is
    parsed, with the rest, from `texts` as they are then, and filed under their key."""
    path = _catalogue_path(folder, key)
    found = _read(path, MAX_FILE_BYTES, touch=True)
    sealed = _unseal(found[0], mac_key, "catalogue", key) if found is not None else None
    if sealed is None:
        return None
    codec = _codec()
    try:
        header = sealed.header
        if header["key"] != key or header["classes"] != codec.names or len(header["entries"]) != len(header["lines"]):
            return None
        entries = [_entry(row) for row in header["entries"]]
        lines = {entry.id: number for number, entry in enumerate(entries)}
    except Exception:  # not what we wrote (a MAC that matches makes this a bug): parse
        return None

    @functools.cache
    def repaired() -> dict[str, model.License]:
        now = texts()  # as they are now: filed under the key of what is parsed, not the key looked up
        licenses = parse_all(now)
        _write_catalogue(folder, mac_key, cache_key(now), licenses)
        return {lic.id: lic for lic in licenses}

    def decoded(license_id: str) -> model.License:
        # A licence's nodes form no reference cycles, so a collection while they are being created
        # frees nothing and walks the whole heap: in a large process that doubles the time.
        collecting = gc.isenabled()
        gc.disable()
        try:
            license = codec.decode(loads(sealed.line(lines[license_id])))
        finally:
            if collecting:
                gc.enable()
        if not (isinstance(license, model.License) and license.id == license_id):
            raise TypeError(f"not the licence {license_id}")
        return license

    def load(license_id: str) -> model.License:
        try:
            return decoded(license_id)
        except Exception:
            return repaired()[license_id]

    try:
        return Catalogue.from_index(entries, load)
    except Exception:
        return None


# ---- the stamp: the content key of files unchanged on disk ------------------------------------
# Hashing the bundled files means reading ~400 KB on every start, most of a warm start's time. The
# stamp records, for one state of the files on disk, the content key they hashed to; a start whose
# files are in that state takes the key from the stamp. The state is each file's size, mtime, ctime,
# inode and device: any write to a file sets its ctime to the present (no tool can set it back, as
# `touch -r` or `rsync -t` can the mtime), and replacing a file changes its inode. The catalogue file
# stays keyed by content; a missing, unreadable or doctored stamp only means hashing the files.

_STAMP_PREFIX = "stamp-"
_STAMP_SUFFIX = ".key"
# A file written less than this long ago is not stamped: on a file system with coarse timestamps
# (1-2 s on FAT, HFS+ or ext3) a second write within the same tick would leave the state unchanged.
SETTLE_NS = 3_000_000_000


def cached_license_files(files: Sequence[tuple[str, Traversable]]) -> Catalogue:
    """The catalogue of these licence files (shown name, file): like `cached_catalogue` of their
    texts, but read and hashed only when they are not in the state a stamp recorded."""
    opened = _open_folder()
    if opened is None:
        return Catalogue(parse_all(_texts(files)))
    folder, mac_key = opened

    stamp, settled = _stamp(folder, files)
    if stamp is not None:
        stamped = _read_stamp(stamp, mac_key)
        if stamped is not None:
            found = _read_catalogue(folder, mac_key, stamped, lambda: _texts(files))
            if found is not None:
                return found
    texts = _texts(files)
    key = cache_key(texts)
    catalogue = _cached(folder, mac_key, key, lambda: texts)
    if stamp is not None and settled:
        _store(folder, stamp, _STAMP_PREFIX, _seal(mac_key, "stamp", stamp.name, {"key": key}, []))
    return catalogue


def _texts(files: Sequence[tuple[str, Traversable]]) -> list[tuple[str, str]]:
    return [(shown, read_license_text(file, shown)) for shown, file in files]


def _read_stamp(stamp: Path, mac_key: bytes) -> str | None:
    found = _read(stamp, 1024, touch=True)
    sealed = _unseal(found[0], mac_key, "stamp", stamp.name) if found is not None else None
    key = sealed.header.get("key") if sealed is not None else None
    return key if isinstance(key, str) and len(key) == 32 and key.isalnum() and key.isascii() else None


def _stamp(folder: Path, files: Sequence[tuple[str, Traversable]]) -> tuple[Path | None, bool]:
    """The stamp file of the files' present state on disk (with everything else the content key
    depends on), and whether every file has settled; (None, False) when a file is not on a file
    system or cannot be looked at."""
    if sys.platform == "win32":
        return None, False  # there st_ctime is the creation time: an in-place write would go unseen
    digest = _versioned()
    newest = 0
    for shown, file in [*files, *_shape_files()]:
        if not isinstance(file, Path):
            return None, False  # e.g. inside a zip archive: no state to record
        try:
            found = file.stat()
        except OSError:
            return None, False
        facts = (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev)
        digest.update(f"{shown}\0{facts}\0".encode())
        newest = max(newest, found.st_mtime_ns, found.st_ctime_ns)
    name = f"{_STAMP_PREFIX}{digest.hexdigest()[:32]}{_STAMP_SUFFIX}"
    return folder / name, time.time_ns() - newest >= SETTLE_NS


# ---- the model index --------------------------------------------------------------------------


def cached_index(text: str, file: str, catalogue: Catalogue) -> ModelIndex:
    """The model index of this `models.yaml` text: from the cache when it holds it, else parsed.

    Keyed like the catalogue, plus the index text and the catalogue's names (the index is checked
    against them when it is built, and is rebuilt from the cached entries with that same check)."""
    from checker.lookup.models import ModelEntry, ModelIndex, ModelPattern, Rename, parse_index  # noqa: PLC0415 - the index sits above

    opened = _open_folder()
    if opened is None:
        return parse_index(text, file, catalogue)
    folder, mac_key = opened
    digest = hashlib.sha256(cache_key([(file, text)]).encode() + b"\0" + "\0".join(catalogue.names()).encode())
    key = digest.hexdigest()[:32]
    path = folder / f"{_INDEX_PREFIX}{key}{_SUFFIX}"
    codec = Codec([ModelEntry, ModelPattern, Rename])
    header = {"key": key, "classes": codec.names}
    found = _read(path, MAX_FILE_BYTES, touch=True)
    sealed = _unseal(found[0], mac_key, "models", key) if found is not None else None
    if sealed is not None:
        try:
            if {**sealed.header, "lines": None} == {**header, "lines": None}:
                entries = [codec.decode(row) for row in loads(sealed.line(0))]
                if all(isinstance(e, ModelEntry | ModelPattern | Rename) for e in entries):  # models, patterns, renames
                    return ModelIndex(entries, catalogue)
        except Exception:  # damaged, or not what we wrote: parse
            pass
    index = parse_index(text, file, catalogue)
    try:
        lines = [dumps([codec.encode(e) for e in index.records])]
    except Exception:  # pragma: no cover - a model the codec cannot store (the tests write the index)
        return index
    _store(folder, path, _INDEX_PREFIX, _seal(mac_key, "models", key, header, lines))
    return index
