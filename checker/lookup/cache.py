"""The cached catalogue: the bundled licences, parsed once per installation instead of once per start.

The cache is one file in the user's cache folder, named by a key that hashes everything the parsed
catalogue depends on: the modelterms version, the Python and pydantic versions, the source of the
model modules (so an edited checkout never reads objects of an older shape), and the name and
content of every licence file. A changed licence file gives a new key, so a stale cache is never
read; the old file is removed when the new one is written. So that a start need not read and hash
every licence file to find that key, a small stamp file records the key of the files' last state
on disk (size, mtime, ctime, inode; see `cached_license_files`).

Location: `$MODELTERMS_CACHE_DIR` if set (`off` disables the cache), else the platform's cache
folder — `$XDG_CACHE_HOME/modelterms` or `~/.cache/modelterms` on Linux, `~/Library/Caches/modelterms`
on macOS, `%LOCALAPPDATA%\\modelterms\\Cache` on Windows.

Safe by construction: a missing, unreadable, truncated or corrupt cache file is ignored (the
licences are parsed as without a cache) and rewritten; a folder that cannot be written (read-only,
full) only means the next start parses again. Writing is atomic (a temporary file, then rename),
so a concurrent start never reads half a file. The file is a pickle: it is read only from the
user's own cache folder, which only the user (or someone who already runs code as the user) can
write — the same trust pip and Python's own `__pycache__` place in it.

Each licence is stored as its own pickle inside the file, and unpickled the first time it is asked
for: a `check --license llama` start materialises the Llama licences, not the whole catalogue.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pydantic

from checker._version import __version__
from checker.language.load import read_license_text
from checker.lookup.catalogue import Catalogue, Entry, parse_all
from checker.terms import model

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from checker.lookup.models import ModelIndex

ENV_DIR = "MODELTERMS_CACHE_DIR"
DISABLED = "off"
_PREFIX = "catalogue-"
_INDEX_PREFIX = "models-"
_SUFFIX = ".pickle"
_FORMAT = 1  # bump when the layout of the cache file changes
# The modules whose classes the cache holds instances of: their source is part of the key.
_SHAPE_MODULES = (
    "terms/model.py",
    "diagnostics/span.py",
    "terms/vocabulary.py",
    "lookup/catalogue.py",
    "lookup/models.py",
    "lookup/cache.py",
)


def cache_dir() -> Path | None:
    """The folder the cache lives in, or None when disabled (`MODELTERMS_CACHE_DIR=off`)."""
    override = os.environ.get(ENV_DIR)
    if override is not None:
        return None if override.strip().lower() in (DISABLED, "") else Path(override)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "modelterms" / "Cache" if base else Path.home() / "AppData" / "Local" / "modelterms"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "modelterms"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec: a relative path in $XDG_CACHE_HOME is invalid and is to be ignored.
    return (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache") / "modelterms"


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


def cached_catalogue(texts: Sequence[tuple[str, str]]) -> Catalogue:
    """The catalogue of these licence texts: from the cache when it holds them, else parsed (and cached)."""
    folder = cache_dir()
    if folder is None:
        return Catalogue(parse_all(texts))
    return _cached(folder, texts, cache_key(texts))


def _cached(folder: Path, texts: Sequence[tuple[str, str]], key: str) -> Catalogue:
    path = folder / f"{_PREFIX}{key}{_SUFFIX}"
    found = _read(path, key)
    if found is not None:
        return found
    licenses = parse_all(texts)
    _write(folder, path, key, licenses)
    return Catalogue(licenses)


# ---- the stamp: the content key of files unchanged on disk ------------------------------------
# Hashing the bundled files means reading ~400 KB on every start, most of a warm start's time. The
# stamp records, for one state of the files on disk, the content key they hashed to; a start whose
# files are in that state takes the key from the stamp. The state is each file's size, mtime, ctime,
# inode and device: any write to a file sets its ctime to the present (no tool can set it back, as
# `touch -r` or `rsync -t` can the mtime), and replacing a file changes its inode. The catalogue file
# stays keyed by content; a missing or unreadable stamp only means hashing the files.

_STAMP_PREFIX = "stamp-"
_STAMP_SUFFIX = ".key"
# A file written less than this long ago is not stamped: on a file system with coarse timestamps
# (1-2 s on FAT, HFS+ or ext3) a second write within the same tick would leave the state unchanged.
SETTLE_NS = 3_000_000_000


def cached_license_files(files: Sequence[tuple[str, Traversable]]) -> Catalogue:
    """The catalogue of these licence files (shown name, file): like `cached_catalogue` of their
    texts, but read and hashed only when they are not in the state a stamp recorded."""
    folder = cache_dir()
    if folder is None:
        return Catalogue(parse_all(_texts(files)))
    stamp, settled = _stamp(folder, files)
    if stamp is not None:
        found = _read_stamped(folder, stamp)
        if found is not None:
            return found
    texts = _texts(files)
    key = cache_key(texts)
    catalogue = _cached(folder, texts, key)
    if stamp is not None and settled:
        _store(folder, stamp, _STAMP_PREFIX, key.encode("ascii"))
    return catalogue


def _texts(files: Sequence[tuple[str, Traversable]]) -> list[tuple[str, str]]:
    return [(shown, read_license_text(file, shown)) for shown, file in files]


def _read_stamped(folder: Path, stamp: Path) -> Catalogue | None:
    try:
        key = stamp.read_text(encoding="ascii")
    except (OSError, ValueError):
        return None
    if not (len(key) == 32 and key.isalnum()):  # a content key, nothing that could leave the folder
        return None
    return _read(folder / f"{_PREFIX}{key}{_SUFFIX}", key)


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


def cached_index(text: str, file: str, catalogue: Catalogue) -> ModelIndex:
    """The model index of this `models.yaml` text: from the cache when it holds it, else parsed.

    Keyed like the catalogue, plus the index text and the catalogue's names (the index is checked
    against them when it is built, and is rebuilt from the cached entries with that same check)."""
    from checker.lookup.models import ModelIndex, Record, parse_index  # noqa: PLC0415 - the index sits above

    folder = cache_dir()
    if folder is None:
        return parse_index(text, file, catalogue)
    digest = hashlib.sha256(cache_key([(file, text)]).encode() + b"\0" + "\0".join(catalogue.names()).encode())
    key = digest.hexdigest()[:32]
    path = folder / f"{_INDEX_PREFIX}{key}{_SUFFIX}"
    try:
        stored = pickle.loads(path.read_bytes())  # our own file in the user's cache folder (see above)
        if isinstance(stored, tuple) and stored[:2] == (_FORMAT, key) and isinstance(stored[2], list):
            entries = stored[2]
            if all(isinstance(e, Record) for e in entries):  # models, patterns, renames
                return ModelIndex(entries, catalogue)
    except Exception:
        pass
    index = parse_index(text, file, catalogue)
    _store(folder, path, _INDEX_PREFIX, pickle.dumps((_FORMAT, key, index.records), protocol=pickle.HIGHEST_PROTOCOL))
    return index


# ---- the file --------------------------------------------------------------------------------


def _read(path: Path, key: str) -> Catalogue | None:
    """The cached catalogue, or None when the file is missing, unreadable or not what we wrote."""
    try:
        data = path.read_bytes()
        stored = pickle.loads(data)
        if not (isinstance(stored, tuple) and len(stored) == 4 and stored[:2] == (_FORMAT, key)):
            return None
        entries, bodies = stored[2], stored[3]
        if not (isinstance(entries, list) and isinstance(bodies, dict)):
            return None
        if not all(isinstance(e, Entry) for e in entries) or {e.id for e in entries} != set(bodies):
            return None
    except Exception:
        return None

    def load(license_id: str) -> model.License:
        # A licence's nodes form no reference cycles, so a collection while they are being created
        # frees nothing and walks the whole heap: in a large process that doubles the time.
        collecting = gc.isenabled()
        gc.disable()
        try:
            license = pickle.loads(bodies[license_id])
        finally:
            if collecting:
                gc.enable()
        if not isinstance(license, model.License):  # pragma: no cover - the outer check guards this
            raise TypeError(f"cache file {path} is damaged; delete it")
        return license

    try:
        return Catalogue.from_index(entries, load)
    except Exception:
        return None


def _write(folder: Path, path: Path, key: str, licenses: list[model.License]) -> None:
    entries = [Entry.of(lic) for lic in licenses]
    bodies = {lic.id: _dumps(lic) for lic in licenses}
    _store(folder, path, _PREFIX, pickle.dumps((_FORMAT, key, entries, bodies), protocol=pickle.HIGHEST_PROTOCOL))


def _store(folder: Path, path: Path, prefix: str, data: bytes) -> None:
    """Write a cache file atomically, and remove older ones; any failure is silently a no-op."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=_SUFFIX, dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
        for old in folder.glob(f"{prefix}*{path.suffix}"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        return  # read-only or full: the next start parses again


# ---- a lean pickle for model nodes ------------------------------------------------------------
# Pydantic's own pickling stores four attributes per object and restores them in Python; a
# catalogue holds about two thousand nodes. This reducer stores the field dict and restores with
# object.__setattr__, which halves the time to unpickle. (Spans are named tuples: pickle
# restores those in C.)

_new = object.__new__
_set = object.__setattr__


def _restore(cls: type[Any], fields: dict[str, Any], fields_set: set[str]) -> Any:
    obj = _new(cls)
    _set(obj, "__dict__", fields)
    _set(obj, "__pydantic_fields_set__", fields_set)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


def _reduce_node(obj: pydantic.BaseModel) -> tuple[Any, ...]:
    return _restore, (type(obj), obj.__dict__, obj.__pydantic_fields_set__)


def _node_classes() -> list[type[model.Node]]:
    found: list[type[model.Node]] = []
    pending: list[type[model.Node]] = [model.Node]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending += cls.__subclasses__()
    return found


def _dumps(license: model.License) -> bytes:
    import io  # noqa: PLC0415 - only when writing the cache

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    table: dict[type[Any], Any] = dict.fromkeys(_node_classes(), _reduce_node)
    pickler.dispatch_table = table
    pickler.dump(license)
    return buffer.getvalue()
