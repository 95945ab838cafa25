"""Strict, safe YAML for profiles: positions for every path, no YAML 1.1 surprises.

PyYAML resolves plain scalars by YAML 1.1 rules: `NO` (Norway) becomes false, `on` becomes true,
`2024-06-01` becomes a date. Here the data is built from the safe parser's events (libyaml's when
PyYAML has it) by YAML 1.2 core-schema rules instead: only true/false are booleans, only null/~ are
null, numbers are numbers, everything else stays the string the user wrote. Duplicate keys are
refused, and so are, while the file is read (never after), a document that expands past a fixed
number of values (alias bombs) or nests deeper than a fixed number of levels: a hostile file costs
at most what a legitimate one of that size does.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from os import PathLike as _PathLike
from typing import TYPE_CHECKING, Any

from checker.diagnostics import Diagnostic, Kind
from checker.diagnostics.span import Span
from checker.errors import ProfileError
from checker.inputs.textfile import NotText, decode_text
from checker.terms.numbers import too_large

if TYPE_CHECKING:
    import yaml  # imported where a document is read: a command that reads none starts without it

# A profile holds tens of values and a policy of a thousand models a few thousand; each value kept costs
# a span, so the cap also bounds the memory an alias bomb can take (about 50 MB at this figure).
MAX_NODES = 20_000
# A profile nests three levels, a policy five, a model card's `model-index` about eight.
MAX_DEPTH = 64
_INT = re.compile(r"^[-+]?[0-9][0-9_]*$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}

Path = tuple[str | int, ...]
PathLike = str | _PathLike[str]


def path_text(path: Path) -> str:
    """`('models', 2, 'license')` → `models[2].license`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


@dataclass
class Document:
    """A YAML document as plain data, with the span of every path in it."""

    data: Any
    file: str
    text: str
    spans: dict[Path, Span] = field(default_factory=dict)
    key_spans: dict[Path, Span] = field(default_factory=dict)

    def span(self, path: Path) -> Span | None:
        """The span of the longest prefix of `path` that exists in the document."""
        for end in range(len(path), -1, -1):
            found = self.spans.get(tuple(path[:end]))
            if found is not None:
                return found
        return None

    def literal(self, path: Path) -> str | None:
        """The text a single-line scalar at `path` was written as (`1e24`, not the float it reads as)."""
        span = self.spans.get(tuple(path))
        if span is None or span.end_line != span.line:
            return None
        lines = self.text.splitlines()
        if not 0 < span.line <= len(lines):
            return None
        return lines[span.line - 1][span.column - 1 : span.end_column - 1].strip() or None


def _span(file: str, event: yaml.Event) -> Span:
    start, end = event.start_mark, event.end_mark
    assert start is not None and end is not None  # every parser event is marked
    return Span(
        file=file, line=start.line + 1, column=start.column + 1, end_line=end.line + 1, end_column=end.column + 1
    )


def _scalar(value: str, style: str | None) -> Any:
    # Quoted and block scalars stay as written; plain ones are resolved by YAML 1.2 core rules
    # instead of PyYAML's YAML 1.1 ones. (A plain scalar's style is None from PyYAML's own parser,
    # "" from libyaml's.)
    if style:
        return value
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if too_large(value):  # Python refuses to convert integers of more than 4,300 digits
        return value  # too long to be a figure: left as text, for validation to refuse where it stands
    if _INT.match(value):
        return int(value.replace("_", ""))
    if _FLOAT.match(value):
        return float(value.replace("_", ""))
    return value


@dataclass
class _Anchor:
    """What an anchor names: its value, the values it holds (counted again at each alias), its depth,
    and the spans recorded inside it (paths relative to where it stands)."""

    value: Any
    count: int
    depth: int
    spans: list[tuple[Path, Span, bool]]
    key: str | None  # a scalar's text as written, for an alias used as a mapping key


@dataclass
class _Open:
    """A mapping or sequence being composed."""

    value: dict[Any, Any] | list[Any]
    path: Path
    span: Span
    anchor: str | None
    count_at_start: int
    recorded_at_start: int
    depth: int  # of this collection (1 for a top-level one); scalars add no level
    deepest: int  # the deepest level of collections reached inside it
    key: Any = None  # a mapping's pending key (None: the next node is a key)
    key_span: Span | None = None
    has_key: bool = False
    lines: dict[Any, int] = field(default_factory=dict)


class _Composer:
    """Builds the document's data straight from the parser's events, without PyYAML's node graph
    and without recursion: the values (an alias counts every value it repeats) and the depth are
    counted while the document is read, so a hostile file stops at the limit, not after it was
    composed whole. A scalar key stays the string it was written as (`1:` is the key "1")."""

    def __init__(self, document: Document, max_nodes: int, max_depth: int) -> None:
        self.document = document
        self.file = document.file
        self.max_nodes = max_nodes
        self.max_depth = max_depth
        self.count = 0
        self.stack: list[_Open] = []
        self.anchors: dict[str, _Anchor] = {}
        self.open_anchors: set[str] = set()
        # Every span recorded, in document order: an anchored collection's own are a slice of it.
        self.recorded: list[tuple[Path, Span, bool]] = []

    def fail(self, diagnostic: Diagnostic) -> ProfileError:
        return ProfileError([diagnostic], {self.file: self.document.text})

    def _record(self, path: Path, span: Span, is_key: bool) -> None:
        self.recorded.append((path, span, is_key))
        (self.document.key_spans if is_key else self.document.spans).setdefault(path, span)

    def _counted(self, values: int, span: Span) -> None:
        self.count += values
        if self.count > self.max_nodes:
            raise self.fail(Kind.YAML_TOO_LARGE(span, what=f"the document has more than {self.max_nodes:,} values"))

    def _deep(self, depth: int, span: Span) -> None:
        if depth > self.max_depth:
            raise self.fail(Kind.YAML_TOO_DEEP(span, limit=self.max_depth))

    def _slot(self) -> tuple[Path, bool]:
        """Where the next node goes: its path, and whether it is a mapping's key."""
        if not self.stack:
            return (), False
        top = self.stack[-1]
        if isinstance(top.value, list):
            return (*top.path, len(top.value)), False
        if not top.has_key:
            return (*top.path, "<key>"), True
        return (*top.path, str(top.key)), False

    def _place(self, value: Any, span: Span, key_text: str | None) -> None:
        """Put a finished value where it belongs (the document, a sequence, a mapping's key or value)."""
        if not self.stack:
            self.document.data = value
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            top.value.append(value)
            return
        if not top.has_key:
            key = key_text if key_text is not None else value
            if isinstance(key, list | dict):
                key = str(key)
            if key in top.value:
                raise self.fail(Kind.YAML_DUPLICATE_KEY(span, key=key, first=top.lines[key]))
            top.key, top.key_span, top.has_key = key, span, True
            top.lines[key] = span.line
            self._record((*top.path, str(key)), span, True)
            return
        top.value[top.key] = value
        top.has_key = False

    def _depth_here(self) -> int:
        return self.stack[-1].depth if self.stack else 0

    def _note_depth(self, depth: int) -> None:
        for frame in reversed(self.stack):
            if frame.deepest >= depth:
                break
            frame.deepest = depth

    def _define(self, anchor: str | None, span: Span) -> None:
        if anchor is None:
            return
        if anchor in self.anchors or anchor in self.open_anchors:
            raise self.fail(Kind.YAML_SYNTAX(span, problem=f"the anchor &{anchor} is defined twice",
                                             help="give each anchor a name of its own"))  # fmt: skip

    def scalar(self, event: yaml.ScalarEvent) -> None:
        span = _span(self.file, event)
        path, is_key = self._slot()
        self._define(event.anchor, span)
        value = _scalar(event.value, event.style)
        if not is_key:
            self._counted(1, span)
            self._record(path, span, False)
        if event.anchor is not None:
            self.anchors[event.anchor] = _Anchor(value, 1, 0, [((), span, False)], event.value)
        self._place(value, span, event.value if is_key else None)

    def start(self, event: yaml.CollectionStartEvent, mapping: bool) -> None:
        span = _span(self.file, event)
        path, _ = self._slot()
        self._define(event.anchor, span)
        depth = self._depth_here() + 1
        self._deep(depth, span)
        self._counted(1, span)
        self._note_depth(depth)
        if event.anchor is not None:
            self.open_anchors.add(event.anchor)
        value: dict[Any, Any] | list[Any] = {} if mapping else []
        self.stack.append(_Open(value, path, span, event.anchor, self.count - 1, len(self.recorded), depth, depth))

    def end(self, event: yaml.CollectionEndEvent) -> None:
        done = self.stack.pop()
        # The collection's span runs to its end, as PyYAML's node's did.
        end = _span(self.file, event)
        span = done.span._replace(end_line=end.end_line, end_column=end.end_column)
        self._record(done.path, span, False)
        if done.anchor is not None:
            self.open_anchors.discard(done.anchor)
            prefix = len(done.path)
            spans = [(p[prefix:], s, k) for p, s, k in self.recorded[done.recorded_at_start :]]
            depth = done.deepest - done.depth + 1
            self.anchors[done.anchor] = _Anchor(done.value, self.count - done.count_at_start, depth, spans, None)
        self._place(done.value, span, None)

    def alias(self, event: yaml.AliasEvent) -> None:
        span = _span(self.file, event)
        name = str(event.anchor)
        if name in self.open_anchors:
            raise self.fail(Kind.YAML_SYNTAX(span, problem=f"the alias *{name} refers to a value that contains it",
                                             help="an alias may only repeat a value that is complete"))  # fmt: skip
        found = self.anchors.get(name)
        if found is None:
            raise self.fail(Kind.YAML_SYNTAX(span, problem=f"found undefined alias *{name}",
                                             help=f"define it first with &{name}"))  # fmt: skip
        path, is_key = self._slot()
        if found.depth:
            depth = self._depth_here() + found.depth
            self._deep(depth, span)
            self._note_depth(depth)
        if is_key and found.key is not None:
            self._place(found.value, span, found.key)
            return
        self._counted(found.count, span)
        for relative, where, key in found.spans:  # each repeated value keeps the anchor's position
            self._record((*path, *relative), where, key)
        self._place(copy.deepcopy(found.value), span, None)


def _compose(text: str, document: Document, max_nodes: int, max_depth: int) -> None:
    import yaml  # noqa: PLC0415 - see the import at the top

    # The C parser (libyaml) when PyYAML was built with it: the same events, many times faster.
    loader_class = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    loader = loader_class(text)
    composer = _Composer(document, max_nodes, max_depth)
    documents = 0
    try:
        while True:
            event = loader.get_event()
            if isinstance(event, yaml.ScalarEvent):
                composer.scalar(event)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                composer.start(event, isinstance(event, yaml.MappingStartEvent))
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                composer.end(event)
            elif isinstance(event, yaml.AliasEvent):
                composer.alias(event)
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise composer.fail(
                        Kind.YAML_SYNTAX(_span(document.file, event), problem="expected a single document in the file",
                                         help="remove the second document (after `---`)")
                    )  # fmt: skip
            elif isinstance(event, yaml.StreamEndEvent):
                return
    finally:
        loader.dispose()


# A policy is a page of YAML (a thousand models fit in 100 KB); a bigger file is refused before it
# is read into memory. A profile is about 1 KB, and so is a model card's front matter: they are held
# to a much smaller size, since they come from wherever a user or a pull request got them.
MAX_BYTES = 1_000_000
MAX_PROFILE_BYTES = 65_536


def read_yaml_text(path: PathLike, missing: str = "no such file", max_bytes: int = MAX_BYTES) -> str:
    """A YAML file's text: UTF-8, at most `max_bytes`. Raises `ProfileError` naming the file."""
    shown = str(path)
    try:
        with open(path, "rb") as stream:
            data = stream.read(max_bytes + 1)
    except FileNotFoundError:
        raise ProfileError([Kind.UNREADABLE(path=shown, reason=missing)]) from None
    except OSError as error:
        raise ProfileError([Kind.UNREADABLE(path=shown, reason=error.strerror or str(error))]) from None
    if len(data) > max_bytes:
        raise ProfileError([Kind.YAML_TOO_LARGE(what=f"{shown} is larger than {max_bytes:,} bytes")])
    try:
        return decode_text(data, shown)
    except NotText as error:
        raise ProfileError([error.diagnostic]) from None


def load_yaml(text: str, file: str, max_depth: int = MAX_DEPTH) -> Document:
    """Parse one YAML document strictly. Raises `ProfileError` with file, line and column."""
    import yaml  # noqa: PLC0415 - see the import at the top

    document = Document(None, file, text)
    try:
        _compose(text, document, MAX_NODES, max_depth)
    except RecursionError:  # pragma: no cover - nothing here recurses; kept as the last line of defence
        raise ProfileError([Kind.YAML_TOO_DEEP(Span.point(file, 1, 1), limit=max_depth)], {file: text}) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        span = Span.point(file, mark.line + 1, mark.column + 1) if mark else None
        if "maximum nesting depth" in str(error.problem):  # libyaml's own limit, met before ours
            raise ProfileError([Kind.YAML_TOO_DEEP(span, limit=max_depth)], {file: text}) from None
        problem = (error.problem or error.context or "invalid YAML").strip()
        help_text = f"{error.context}" if error.context and error.problem else "check the indentation and quoting"
        raise ProfileError([Kind.YAML_SYNTAX(span, problem=problem, help=help_text)], {file: text}) from None
    except yaml.YAMLError as error:
        raise ProfileError([Kind.YAML_SYNTAX(problem=str(error), help="")], {file: text}) from None
    return document


def load_yaml_documents(text: str, file: str) -> list[Document]:
    """Every document of a YAML stream (`---` lines between them, as Kubernetes manifests have), each
    read as strictly and as bounded as `load_yaml` reads one. Each document is read with the lines
    before it blanked, so that every position stays the file's own. Raises `ProfileError`."""
    lines = text.splitlines(keepends=True)
    cuts = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == "---"]
    documents = []
    for start, end in zip([-1, *cuts], [*cuts, len(lines)], strict=True):
        body = "".join(lines[start + 1 : end])
        if body.strip():
            documents.append(load_yaml("\n" * (start + 1) + body, file))
    return documents
