"""Ollama Modelfiles: `FROM` names the model an Ollama model is built on, `ADAPTER` an adapter.

`FROM llama3.1:8b` is a model of Ollama's library, mapped to its licence where the table of
`checker.discovery.ollama_names` holds the name; `FROM hf.co/ORG/NAME:TAG` is a Hub repo; a path
(`FROM ./model.gguf`, `ADAPTER ./lora`) is a local file, not a model reference.
"""

from __future__ import annotations

import re

from checker.discovery.finding import Finding, Local, ReferenceKind, ollama_name

_INSTRUCTION = re.compile(r"^[ \t]*(FROM|ADAPTER)[ \t]+(\S+)", re.IGNORECASE | re.MULTILINE)
_WEIGHTS = re.compile(r"\.(gguf|ggml|bin|safetensors)$", re.IGNORECASE)


def read_modelfile(text: str, file: str, *, local: Local) -> list[Finding]:
    out = []
    for match in _INSTRUCTION.finditer(text):
        value = match.group(2).strip("\"'")
        if _WEIGHTS.search(value) or local(value):
            continue
        named = ollama_name(value)
        if named is None:
            continue
        line = text.count("\n", 0, match.start(2)) + 1
        column = match.start(2) - (text.rfind("\n", 0, match.start(2)) + 1) + 1
        column += 1 if match.group(2)[:1] in {'"', "'"} else 0
        kind = ReferenceKind.OLLAMA_ADAPTER if match.group(1).upper() == "ADAPTER" else ReferenceKind.OLLAMA
        written = named.written if named.written != named.model else None
        out.append(Finding(named.model, file, line, column, kind, written, named.license, match.group(1).upper()))
    return out
