"""Strict, safe YAML for profiles: positions for every path, no YAML 1.1 surprises.

PyYAML resolves plain scalars by YAML 1.1 rules: `NO` (Norway) becomes false, `on` becomes true,
`2024-06-01` becomes a date. Here the node tree is composed with the safe loader and converted by
YAML 1.2 core-schema rules instead: only true/false are booleans, only null/~ are null, numbers are
numbers, everything else stays the string the user wrote. Duplicate keys are refused, and so is a
document that expands past a fixed number of nodes (alias bombs).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from os import PathLike as _PathLike
from typing import TYPE_CHECKING, Any

from checker.diagnostics import Kind
from checker.diagnostics.span import Span
from checker.errors import ProfileError
from checker.inputs.textfile import NotText, decode_text
from checker.terms.numbers import too_large

if TYPE_CHECKING:
    import yaml  # imported where a document is read: a command that reads none starts without it

# A profile holds tens of values and a policy of a thousand models a few thousand; each value kept costs
# a span, so the cap also bounds the memory an alias bomb can take (about 50 MB at this figure).
MAX_NODES = 20_000
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


def _span(file: str, node: yaml.Node) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(
        file=file, line=start.line + 1, column=start.column + 1, end_line=end.line + 1, end_column=end.column + 1
    )


def _scalar(node: yaml.ScalarNode) -> Any:
    value: str = node.value
    # Quoted and block scalars stay as written; plain ones are resolved by YAML 1.2 core rules
    # instead of PyYAML's YAML 1.1 ones.
    if node.style is not None:
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


class _Converter:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.count = 0

    def convert(self, node: yaml.Node, path: Path) -> Any:
        import yaml  # noqa: PLC0415 - see the import at the top

        self.count += 1
        if self.count > MAX_NODES:
            raise ProfileError(
                [
                    Kind.YAML_TOO_LARGE(
                        _span(self.document.file, node), what=f"the document has more than {MAX_NODES:,} values"
                    )
                ],
                {self.document.file: self.document.text},
            )
        self.document.spans.setdefault(path, _span(self.document.file, node))
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            lines: dict[Any, int] = {}
            for key_node, value_node in node.value:
                key = (
                    self.convert(key_node, (*path, "<key>"))
                    if not isinstance(key_node, yaml.ScalarNode)
                    else (key_node.value)
                )
                if isinstance(key, list | dict):
                    key = str(key)
                if key in result:
                    raise ProfileError(
                        [Kind.YAML_DUPLICATE_KEY(_span(self.document.file, key_node), key=key, first=lines[key])],
                        {self.document.file: self.document.text},
                    )
                lines[key] = key_node.start_mark.line + 1
                self.document.key_spans.setdefault((*path, str(key)), _span(self.document.file, key_node))
                result[key] = self.convert(value_node, (*path, str(key)))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return _scalar(node)


# A profile or policy is a page of YAML; a bigger file is refused before it is read into memory
# (PyYAML would take minutes over 50 MB).
MAX_BYTES = 1_000_000


def read_yaml_text(path: PathLike, missing: str = "no such file") -> str:
    """A YAML file's text: UTF-8, at most MAX_BYTES. Raises `ProfileError` naming the file."""
    shown = str(path)
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ProfileError([Kind.UNREADABLE(path=shown, reason=missing)]) from None
    except OSError as error:
        raise ProfileError([Kind.UNREADABLE(path=shown, reason=error.strerror or str(error))]) from None
    if len(data) > MAX_BYTES:
        raise ProfileError([Kind.YAML_TOO_LARGE(what=f"{shown} is larger than {MAX_BYTES:,} bytes")])
    try:
        return decode_text(data, shown)
    except NotText as error:
        raise ProfileError([error.diagnostic]) from None


def load_yaml(text: str, file: str) -> Document:
    """Parse one YAML document strictly. Raises `ProfileError` with file, line and column."""
    import yaml  # noqa: PLC0415 - see the import at the top

    document = Document(None, file, text)
    node = _composed(text, file, lambda: [yaml.compose(text, Loader=yaml.SafeLoader)])[0]
    if node is not None:
        document.data = _Converter(document).convert(node, ())
    return document


def load_yaml_documents(text: str, file: str) -> list[Document]:
    """Every document of a YAML stream (`---` between them, as Kubernetes manifests have), each read
    as strictly as `load_yaml` reads one. Raises `ProfileError` with file, line and column."""
    import yaml  # noqa: PLC0415 - see the import at the top

    documents = []
    for node in _composed(text, file, lambda: list(yaml.compose_all(text, Loader=yaml.SafeLoader))):
        document = Document(None, file, text)
        if node is not None:
            document.data = _Converter(document).convert(node, ())
        documents.append(document)
    return documents


def _composed(text: str, file: str, compose: Callable[[], list[yaml.Node | None]]) -> list[yaml.Node | None]:
    import yaml  # noqa: PLC0415 - see the import at the top

    try:
        return compose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        span = Span.point(file, mark.line + 1, mark.column + 1) if mark else None
        problem = (error.problem or error.context or "invalid YAML").strip()
        help_text = f"{error.context}" if error.context and error.problem else "check the indentation and quoting"
        raise ProfileError([Kind.YAML_SYNTAX(span, problem=problem, help=help_text)], {file: text}) from None
    except yaml.YAMLError as error:
        raise ProfileError([Kind.YAML_SYNTAX(problem=str(error), help="")], {file: text}) from None
