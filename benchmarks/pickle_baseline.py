"""The former cache format, kept only as the benchmarks' baseline: the catalogue as a pickle.

modelterms itself no longer reads or writes pickle (issue 14: whoever could write the cache folder
ran code as its users). This module reproduces the former read path — an index of entries, each
licence a pickle of its own, unpickled on first use, nodes restored by setting their field dict
with garbage collection off — so that benchmarks/run.py can time the JSON cache against it in the
same run. It reads only the file the benchmark has just written into its own temporary folder.
"""

from __future__ import annotations

import gc
import io
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checker.lookup.catalogue import Catalogue, Entry
from checker.terms import model

_new = object.__new__
_set = object.__setattr__


def _restore(cls: type[Any], fields: dict[str, Any], fields_set: set[str]) -> Any:
    obj = _new(cls)
    _set(obj, "__dict__", fields)
    _set(obj, "__pydantic_fields_set__", fields_set)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


def _reduce_node(obj: model.Node) -> tuple[Any, ...]:
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
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = dict.fromkeys(_node_classes(), _reduce_node)  # type: ignore[assignment]
    pickler.dump(license)
    return buffer.getvalue()


def write(path: Path, licenses: Sequence[model.License]) -> None:
    entries = [Entry.of(lic) for lic in licenses]
    bodies = {lic.id: _dumps(lic) for lic in licenses}
    path.write_bytes(pickle.dumps((1, "key", entries, bodies), protocol=pickle.HIGHEST_PROTOCOL))


def load(path: Path) -> Catalogue:
    _, _, entries, bodies = pickle.loads(path.read_bytes())

    def one(license_id: str) -> model.License:
        collecting = gc.isenabled()
        gc.disable()
        try:
            license: model.License = pickle.loads(bodies[license_id])
        finally:
            if collecting:
                gc.enable()
        return license

    return Catalogue.from_index(entries, one)
