"""The cache's data format: frozen pydantic models (the rule model, the model index) as JSON values.

A model is a JSON array: its class's number in the codec's table, a bit mask of the fields given
when it was built (pydantic's `model_fields_set`), then every field's value in declaration order,
the span included. Each value is written and read as its field's annotation says: a `Decimal` as a
string, a date in ISO form, an enum member by its value, a tuple as an array, a span as an array of
its five numbers, a nested model as an array again.

Reading runs no code the data names, which is the point of it (the cache it replaced was pickle):
the data is JSON, and decoding builds only the classes of the table the codec was made with, and
only values of the types their annotations give; a class number outside the table, an array of the
wrong length or a value of the wrong form raises (`ValueError`, `KeyError`, `TypeError`,
`IndexError`), which the cache takes for a damaged file. Decoding does not re-validate what it
builds: the cache reads only files it wrote itself, checked by a MAC (`checker.lookup.cache`).

Why not `model_dump(mode="json")` and `model_validate`: a dump leaves spans out (they are excluded
from dumps, and a cached licence must point at its source lines as a parsed one does), and
validating builds every model's validator on the first start (the models defer it) and then
re-checks what was checked when the cache was written; setting the field dict, as pickle did,
is faster (benchmarks/README.md, section 4).
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
import types
import typing
from collections.abc import Callable, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any, ForwardRef

from pydantic import BaseModel

try:  # the `fast` extra: about twice as fast to read as the standard library's json
    import orjson

    def dumps(value: Any) -> bytes:
        """JSON in UTF-8, compact, one line (a newline in a string is escaped)."""
        return orjson.dumps(value)

    loads: Callable[[bytes], Any] = orjson.loads
except ImportError:  # pragma: no cover - exercised by the benchmarks with orjson hidden
    import json

    def dumps(value: Any) -> bytes:
        """JSON in UTF-8, compact, one line (a newline in a string is escaped)."""
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    loads = json.loads


Convert = Callable[[Any], Any] | None  # None: the value is written and read as it is
_new = object.__new__
_set = object.__setattr__


class _Plan:
    """How one class's fields are written and read."""

    def __init__(self, names: list[str], encoders: list[Convert], decoders: list[Convert]) -> None:
        self.names = names
        self.encoders = encoders
        # Only the fields whose JSON value is not already the value are converted when read.
        self.converted = [(n, d) for n, d in zip(names, decoders, strict=True) if d is not None]
        self.width = len(names) + 2
        self.sets: dict[int, frozenset[str]] = {}  # the fields set, by mask

    def fields_set(self, mask: int) -> frozenset[str]:
        if not (type(mask) is int and 0 <= mask < 1 << len(self.names)):
            raise ValueError("not a field mask")
        found = self.sets[mask] = frozenset(n for i, n in enumerate(self.names) if mask >> i & 1)
        return found


class Codec:
    """Models of the given classes (and the values their fields hold) to JSON values and back."""

    def __init__(self, classes: Sequence[type[BaseModel]]) -> None:
        self._classes = tuple(sorted(classes, key=lambda c: (c.__module__, c.__qualname__)))
        self._numbers = {cls: number for number, cls in enumerate(self._classes)}
        self._plans: dict[type[BaseModel], _Plan] = {}
        self._table: list[tuple[type[BaseModel], _Plan] | None] = [None] * len(self._classes)  # by number

    @property
    def names(self) -> list[str]:
        """The table, by qualified class name: a file records the one it was written with."""
        return [f"{c.__module__}.{c.__qualname__}" for c in self._classes]

    def encode(self, obj: BaseModel) -> list[Any]:
        cls = type(obj)
        plan = self._plan(cls)
        given = obj.model_fields_set
        mask = sum(1 << i for i, name in enumerate(plan.names) if name in given)
        fields = obj.__dict__
        values = [fields[name] for name in plan.names]
        return [
            self._numbers[cls],
            mask,
            *(v if e is None or v is None else e(v) for e, v in zip(plan.encoders, values, strict=True)),
        ]

    def decode(self, data: Any) -> Any:
        # About two thousand nodes per catalogue: every step here counts (benchmarks/README.md, 4).
        number = data[0]
        if not (type(number) is int and number >= 0):
            raise ValueError("not a class number")
        cls, plan = self._table[number] or self._entry(number)
        if len(data) != plan.width:
            raise ValueError(f"{cls.__name__} takes {plan.width - 2} fields")
        fields = dict(zip(plan.names, data[2:]))  # noqa: B905 - the width is checked above
        for name, convert in plan.converted:
            value = fields[name]
            if value is not None:
                fields[name] = convert(value)
        obj = _new(cls)
        _set(obj, "__dict__", fields)
        given = plan.sets.get(data[1]) or plan.fields_set(data[1])
        _set(obj, "__pydantic_fields_set__", set(given))  # a set of its own, as pydantic gives each model
        _set(obj, "__pydantic_extra__", None)
        _set(obj, "__pydantic_private__", None)
        return obj

    # ---- plans, from the annotations ------------------------------------------------------------

    def _entry(self, number: int) -> tuple[type[BaseModel], _Plan]:
        cls = self._classes[number]
        found = self._table[number] = (cls, self._plan(cls))
        return found

    def _plan(self, cls: type[BaseModel]) -> _Plan:
        found = self._plans.get(cls)
        if found is None:
            if cls not in self._numbers:
                raise TypeError(f"{cls.__qualname__} is not in the codec's table")
            if cls.__private_attributes__ or cls.model_config.get("extra") == "allow":
                raise TypeError(f"{cls.__qualname__} keeps state outside its fields")
            names = list(cls.model_fields)
            pairs = [self._convert(cls.model_fields[n].annotation, cls) for n in names]
            found = self._plans[cls] = _Plan(names, [p[0] for p in pairs], [p[1] for p in pairs])
        return found

    def _convert(self, annotation: Any, owner: type[BaseModel]) -> tuple[Convert, Convert]:
        """(encode, decode) of a value of this annotation; None where the JSON value is the value."""
        annotation = _resolve(annotation, owner)
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            return self._convert(typing.get_args(annotation)[0], owner)
        if origin in (typing.Union, types.UnionType):
            members = [_resolve(a, owner) for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) == 1:  # X | None: None is written as null and read back as None
                return self._convert(members[0], owner)
            if all(isinstance(m, type) and m in self._numbers for m in members):
                return self.encode, self.decode  # a model says its own class
            raise TypeError(f"{owner.__qualname__}: cannot store {annotation}")
        if origin is tuple:
            item, rest = typing.get_args(annotation)
            if rest is not Ellipsis:
                raise TypeError(f"{owner.__qualname__}: only tuple[X, ...] is stored, not {annotation}")
            encode, decode = self._convert(item, owner)
            if decode is None:
                return None, tuple
            return _each(encode), _each_tuple(decode)
        if origin is typing.Literal or annotation in (str, int, bool):
            return None, None
        if isinstance(annotation, type):
            return self._convert_type(annotation, owner)
        raise TypeError(f"{owner.__qualname__}: cannot store {annotation}")

    def _convert_type(self, cls: type[Any], owner: type[BaseModel]) -> tuple[Convert, Convert]:
        if cls in self._numbers:
            return self.encode, self.decode
        if issubclass(cls, Enum):
            return _value, cls._value2member_map_.__getitem__
        if cls is Decimal:
            return str, Decimal
        if cls is dt.date:
            return dt.date.isoformat, dt.date.fromisoformat
        if issubclass(cls, tuple) and hasattr(cls, "_fields"):  # a named tuple of plain values (Span)
            kinds = {getattr(a, "__forward_arg__", a) for a in cls.__annotations__.values()}
            if not kinds <= {str, int, "str", "int"}:
                raise TypeError(f"{owner.__qualname__}: cannot store {cls.__qualname__}")
            # orjson writes no tuple subclass; read back in C (`_make` is a Python-level classmethod).
            return list, functools.partial(tuple.__new__, cls)
        raise TypeError(f"{owner.__qualname__}: cannot store {cls.__qualname__}")


def _resolve(annotation: Any, owner: type[BaseModel]) -> Any:
    """A forward reference (`items: tuple[Condition, ...]`, written before `Condition` is), evaluated
    in the owner's module as `typing.get_type_hints` would: an annotation of our own source, never
    anything a cache file holds. (Pydantic resolves them only when it builds the model's validator,
    which a start from the cache never does.)"""
    if isinstance(annotation, ForwardRef):
        annotation = annotation.__forward_arg__
    if isinstance(annotation, str):
        return eval(annotation, vars(sys.modules[owner.__module__]))  # our own source code, never the data
    return annotation


def _value(member: Enum) -> Any:
    return member.value


def _each(encode: Convert) -> Callable[[Any], list[Any]]:
    if encode is None:
        return list
    return lambda values: [encode(v) for v in values]


def _each_tuple(decode: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, ...]]:
    return lambda values: tuple(map(decode, values))
