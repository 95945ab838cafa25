"""Configuration files: YAML (compose files and manifests among them), JSON, TOML and `.env` files.

Each is read with its parser first — a file that does not parse is skipped, never guessed at. A
value counts when its key names a model (`model`, `model_name_or_path`, `base_model`, `_name_or_path`,
`MODEL_ID`…; PEFT's `adapter_config.json` has `base_model_name_or_path`) and it looks like one.
Environment entries (`environment:` of a compose file, `env:` of a manifest) and commands
(`command:`, `args:`, `entrypoint:`) are read as the container reader reads a Dockerfile's.

Positions: YAML's come from its parser (`checker.inputs.yamlfile`); JSON's and TOML's parsers give
none, so the key and value are found in the text by a pattern, and a match counts only if the
parsed document holds that same key and value.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from typing import Any

from checker.discovery.containers import command_findings, environment_finding
from checker.discovery.finding import (
    Finding,
    Known,
    Local,
    Named,
    ReferenceKind,
    is_model_key,
    line_column,
    model_name,
    ollama_name,
    weak_name,
)
from checker.inputs.yamlfile import Document, load_yaml_documents

# Keys that the Hugging Face libraries write for a model's own name or its base: a legacy name
# (`gpt2`) in them is a model too.
_HF_KEYS = {
    "_name_or_path",
    "model_name_or_path",
    "base_model_name_or_path",
    "pretrained_model_name_or_path",
    "base_model",
}
_COMMAND_KEYS = {"command", "args", "entrypoint"}


class ConfigReader:
    def __init__(self, file: str, name: str, *, known: Known, local: Local) -> None:
        self.file = file
        self.name = name.lower()  # the file's own name: adapter_config.json is PEFT's
        self.known = known
        self.local = local

    def value(self, key: str, value: str) -> tuple[Named, ReferenceKind] | None:
        """What a key's string value names, and how."""
        if not is_model_key(key):
            return None
        if "ollama" in key.lower():
            named = ollama_name(value)
            return (named, ReferenceKind.OLLAMA) if named else None
        named = weak_name(value, self.known, self.local)
        if named is None and key.lower() in _HF_KEYS:
            named = model_name(value, strong=True, known=self.known, local=self.local)
        if named is None:
            return None
        if named.ollama:
            return named, ReferenceKind.OLLAMA
        if self.name == "adapter_config.json" and key == "base_model_name_or_path":
            return named, ReferenceKind.ADAPTER_CONFIG
        return named, (ReferenceKind.ENVIRONMENT if key.isupper() else ReferenceKind.CONFIG)

    def finding(self, named: Named, kind: ReferenceKind, line: int, column: int, detail: str) -> Finding:
        written = named.written if named.written != named.model else None
        return Finding(named.model, self.file, line, column, kind, written, named.license, detail)

    # ---- YAML ----------------------------------------------------------------------------------

    def yaml(self, text: str) -> list[Finding]:
        out: list[Finding] = []
        for document in load_yaml_documents(text, self.file):
            out += self._yaml_node(document, document.data, ())
        return out

    def _yaml_node(self, document: Document, data: Any, path: tuple[str | int, ...]) -> list[Finding]:
        out: list[Finding] = []
        if isinstance(data, dict):
            pairs = {k: v for k, v in data.items() if isinstance(k, str)}
            # A manifest's environment entry: `- name: MODEL_ID` / `value: ORG/NAME`.
            name, value = pairs.get("name"), pairs.get("value")
            if isinstance(name, str) and isinstance(value, str):
                found = self.value(name, value)
                if found is not None:
                    out.append(self._at(document, (*path, "value"), value, *found, key=name))
            for key, item in pairs.items():
                where = (*path, key)
                if isinstance(item, str):
                    if key.lower() in _COMMAND_KEYS:
                        out += self._command(document, [(item, where)], key)
                        continue
                    found = self.value(key, item)
                    if found is not None:
                        out.append(self._at(document, where, item, *found, key=key))
                elif isinstance(item, list) and key.lower() in _COMMAND_KEYS:
                    out += self._command(document, [(v, (*where, i)) for i, v in enumerate(item)], key)
                elif isinstance(item, list) and key.lower() == "environment":
                    for i, entry in enumerate(item):
                        if isinstance(entry, str) and "=" in entry:
                            out += self._env_item(document, (*where, i), entry)
                    out += self._yaml_node(document, item, where)
                elif isinstance(item, list) and is_model_key(key):
                    for i, entry in enumerate(item):
                        found = self.value(key, entry) if isinstance(entry, str) else None
                        if found is not None:
                            out.append(self._at(document, (*where, i), entry, *found, key=key))
                        elif not isinstance(entry, str):
                            out += self._yaml_node(document, entry, (*where, i))
                else:
                    out += self._yaml_node(document, item, where)
        elif isinstance(data, list):
            for i, item in enumerate(data):
                out += self._yaml_node(document, item, (*path, i))
        return out

    def _position(self, document: Document, path: tuple[str | int, ...], text: str) -> tuple[int, int]:
        """Where a value's text starts: its node's position, past the quote of a quoted scalar."""
        span = document.spans.get(path)
        if span is None:
            return 1, 1
        lines = document.text.splitlines()
        line = lines[span.line - 1] if span.line <= len(lines) else ""
        found = line.find(text, span.column - 1)
        return span.line, (found + 1 if found >= 0 else span.column)

    def _at(
        self, document: Document, path: tuple[str | int, ...], text: str, named: Named, kind: ReferenceKind, *, key: str
    ) -> Finding:
        line, column = self._position(document, path, text.strip())
        return self.finding(named, kind, line, column, key)

    def _env_item(self, document: Document, path: tuple[str | int, ...], entry: str) -> list[Finding]:
        key, _, value = entry.partition("=")
        found = self.value(key.strip(), value.strip())
        if found is None:
            return []
        return [self._at(document, path, value.strip(), found[0], ReferenceKind.ENVIRONMENT, key=key.strip())]

    def _command(self, document: Document, items: list[tuple[Any, tuple[str | int, ...]]], key: str) -> list[Finding]:
        """A command as a string (a shell line) or a list of arguments, each with its position."""
        tokens: list[tuple[str, int, int]] = []
        for item, where in items:
            if not isinstance(item, str):
                continue
            line, column = self._position(document, where, item.strip()[:1] or item)
            if len(items) == 1:
                from checker.discovery.containers import shell_tokens  # noqa: PLC0415 - a local helper

                for token, offset in shell_tokens(item):
                    dl, dc = line_column(item, offset)
                    tokens.append((token, line + dl - 1, (column + dc - 1) if dl == 1 else dc))
            else:
                tokens.append((item, line, column))
        return [
            Finding(f.model, self.file, f.line, f.column, f.kind, f.written, f.license, f.detail or key)
            for f in command_findings(tokens, self.file, known=self.known, local=self.local)
        ]

    # ---- JSON ----------------------------------------------------------------------------------

    def json(self, text: str) -> list[Finding]:
        data = json.loads(text)
        pairs = set(_pairs(data))
        out: list[Finding] = []
        for match in _JSON_PAIR.finditer(text):
            key, raw = json.loads(match.group(1)), match.group(2)
            values = _json_strings(raw, match.start(2))
            for value, offset in values:
                if (key, value) not in pairs:
                    continue
                found = self.value(key, value)
                if found is not None:
                    line, column = line_column(text, offset)
                    out.append(self.finding(*found, line, column, key))
        return out

    # ---- TOML ----------------------------------------------------------------------------------

    def toml(self, text: str) -> list[Finding]:
        pairs = set(_pairs(tomllib.loads(text)))
        out: list[Finding] = []
        for match in _TOML_PAIR.finditer(text):
            key = match.group(1).strip("\"'").rsplit(".", 1)[-1]
            for value, offset in _toml_strings(match.group(2), match.start(2)):
                if (key, value) not in pairs:
                    continue
                found = self.value(key, value)
                if found is not None:
                    line, column = line_column(text, offset)
                    out.append(self.finding(*found, line, column, key))
        return out

    # ---- .env ----------------------------------------------------------------------------------

    def env(self, text: str) -> list[Finding]:
        out: list[Finding] = []
        for number, line in enumerate(text.splitlines(), 1):
            match = _ENV_LINE.match(line)
            if match is None:
                continue
            value = match.group(2).strip()
            quoted = value[:1] in {'"', "'"} and value.endswith(value[:1]) and len(value) > 1
            value = value[1:-1] if quoted else value.split(" #", 1)[0].strip()
            found = environment_finding(match.group(1), value, self.known, self.local)
            if found is not None:
                column = line.find(value, match.start(2)) + 1
                out.append(self.finding(found[0], found[1], number, column, match.group(1)))
        return out


def _pairs(data: Any) -> Iterator[tuple[str, str]]:
    """Every (key, string value) of a parsed document, list items under their list's key."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str):
                yield str(key), value
            elif isinstance(value, list):
                yield from ((str(key), v) for v in value if isinstance(v, str))
                for v in value:
                    yield from _pairs(v)
            else:
                yield from _pairs(value)
    elif isinstance(data, list):
        for item in data:
            yield from _pairs(item)


_JSON_STRING = r'"(?:[^"\\\n]|\\.)*"'
_JSON_PAIR = re.compile(rf"(?<!\\)({_JSON_STRING})\s*:\s*({_JSON_STRING}|\[[^\]]*\])")


def _json_strings(raw: str, start: int) -> list[tuple[str, int]]:
    """The strings of a JSON value (a string, or an array of them), each with the offset of its text."""
    out = []
    for match in re.finditer(_JSON_STRING, raw):
        try:
            out.append((json.loads(match.group(0)), start + match.start() + 1))
        except ValueError:
            continue
    return out


_TOML_PAIR = re.compile(
    r"""(?:^|(?<=[{,]))[ \t]*((?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')(?:\.(?:[A-Za-z0-9_-]+|"[^"\n]*"))*)[ \t]*=[ \t]*"""
    r"""("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|\[[^\]]*\])""",
    re.MULTILINE,
)


def _toml_strings(raw: str, start: int) -> list[tuple[str, int]]:
    out = []
    for match in re.finditer(r""""(?:[^"\\\n]|\\.)*"|'[^'\n]*'""", raw):
        text = match.group(0)
        try:
            value = tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            continue
        out.append((value, start + match.start() + 1))
    return out


_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$")
