"""Dockerfiles and shell scripts, and the commands of compose files and manifests.

A command names a model when it downloads one (`huggingface-cli download ORG/NAME`, `hf download`,
`git clone https://huggingface.co/ORG/NAME`), serves one (`vllm serve ORG/NAME`, `--model ORG/NAME`,
`--model-id …`), pulls one with Ollama (`ollama pull llama3.1`), or sets a model-named environment
variable (`ENV MODEL_ID=ORG/NAME`, `MODEL=… python app.py`). A variable reference (`$MODEL`) is not
followed: the variable's own assignment is what is reported.
"""

from __future__ import annotations

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

_SEPARATORS = {";", "&&", "||", "|", "&"}
_DOWNLOADERS = {"huggingface-cli", "hf"}
# Options of `huggingface-cli download` / `hf download` that take a value (the repo id is not one).
_VALUE_OPTIONS = {"--repo-type", "--revision", "--local-dir", "--cache-dir", "--token", "--max-workers"}
_MODEL_OPTIONS = {
    "--model", "--model-id", "--model_id", "--model-name-or-path", "--model_name_or_path", "--base-model",
    "--base_model", "--pretrained-model-name-or-path", "--model-path", "--model_path",
}  # fmt: skip


def shell_tokens(text: str) -> list[tuple[str, int]]:
    """The words of a shell text with the offset each starts at: quotes removed, `\\`-newline joined,
    `#` comments dropped, `;` `&&` `||` `|` `&` as words of their own."""
    tokens: list[tuple[str, int]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] == "\n":
            i += 2
            continue
        if c.isspace():
            i += 1
            continue
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if c in ";&|":
            operator = text[i : i + 2] if text[i : i + 2] in {"&&", "||"} else c
            tokens.append((operator, i))
            i += len(operator)
            continue
        start, word = i, []
        while i < n and not text[i].isspace() and text[i] not in ";&|":
            c = text[i]
            if c == "\\" and i + 1 < n:
                if text[i + 1] != "\n":
                    word.append(text[i + 1])
                i += 2
            elif c in "'\"":
                end = text.find(c, i + 1)
                end = n if end < 0 else end
                word.append(text[i + 1 : end].replace('\\"', '"') if c == '"' else text[i + 1 : end])
                i = end + 1
            else:
                word.append(c)
                i += 1
        tokens.append(("".join(word), start))
    return tokens


def environment_finding(key: str, value: str, known: Known, local: Local) -> tuple[Named, ReferenceKind] | None:
    """A model-named environment variable's value (`MODEL_ID=ORG/NAME`, `OLLAMA_MODEL=llama3.1`)."""
    if not is_model_key(key) or value.startswith("$"):
        return None
    if "ollama" in key.lower():
        named = ollama_name(value)
        return (named, ReferenceKind.OLLAMA) if named else None
    named = weak_name(value, known, local)
    if named is None:
        return None
    return named, (ReferenceKind.OLLAMA if named.ollama else ReferenceKind.ENVIRONMENT)


def _finding(file: str, named: Named, kind: ReferenceKind, line: int, column: int, *, detail: str) -> Finding:
    written = named.written if named.written != named.model else None
    if named.ollama and kind is not ReferenceKind.OLLAMA_ADAPTER:
        kind = ReferenceKind.OLLAMA
    return Finding(named.model, file, line, column, kind, written, named.license, detail)


def _offset_of(token: str, raw: str) -> int:
    """Where a token's text stands inside its raw word (past a quote or `--model=`)."""
    found = raw.find(token)
    return max(found, 0)


def command_findings(tokens: list[tuple[str, int, int]], file: str, *, known: Known, local: Local) -> list[Finding]:
    """Findings in a command's words, each given with its line and column."""
    out: list[Finding] = []
    words = [t for t, _, _ in tokens]

    def at(i: int, named: Named | None, kind: ReferenceKind, detail: str, skip: int = 0) -> None:
        if named is not None:
            _, line, column = tokens[i]
            out.append(_finding(file, named, kind, line, column + skip, detail=detail))

    for i, word in enumerate(words):
        base = word.rsplit("/", 1)[-1]
        following = words[i + 1] if i + 1 < len(words) else ""
        if base in _DOWNLOADERS and following == "download":
            j, repo, repo_type = i + 2, None, None
            while j < len(words) and words[j] not in _SEPARATORS:
                current = words[j]
                if current in _VALUE_OPTIONS and j + 1 < len(words):
                    repo_type = words[j + 1] if current == "--repo-type" else repo_type
                    j += 2
                    continue
                if current.startswith("--repo-type="):
                    repo_type = current.split("=", 1)[1]
                elif not current.startswith("-") and repo is None:
                    repo = j
                j += 1
            if repo is not None and repo_type in (None, "model"):
                at(repo, model_name(words[repo], strong=True, known=known, local=local), ReferenceKind.CLI_DOWNLOAD,
                   f"{base} download")  # fmt: skip
        elif base == "vllm" and following == "serve" and i + 2 < len(words) and not words[i + 2].startswith("-"):
            at(i + 2, model_name(words[i + 2], strong=True, known=known, local=local), ReferenceKind.CLI_ARGUMENT,
               "vllm serve")  # fmt: skip
        elif base == "ollama" and following in {"pull", "run"} and i + 2 < len(words):
            at(i + 2, ollama_name(words[i + 2]), ReferenceKind.OLLAMA, f"ollama {following}")
        elif base == "git" and following == "clone":
            for j in range(i + 2, len(words)):
                if words[j] in _SEPARATORS:
                    break
                if "huggingface.co/" in words[j] or "hf.co/" in words[j]:
                    at(j, model_name(words[j], strong=True, known=known, local=local), ReferenceKind.CLI_DOWNLOAD,
                       "git clone")  # fmt: skip
                    break
        elif word in _MODEL_OPTIONS and following and not following.startswith(("-", "$")):
            at(i + 1, weak_name(following, known, local), ReferenceKind.CLI_ARGUMENT, word)
        elif word.startswith("--") and "=" in word and word.split("=", 1)[0] in _MODEL_OPTIONS:
            option, value = word.split("=", 1)
            if not value.startswith("$"):
                at(i, weak_name(value, known, local), ReferenceKind.CLI_ARGUMENT, option, len(option) + 1)
        elif "=" in word and not word.startswith("-"):
            key, value = word.split("=", 1)
            found = environment_finding(key, value, known, local)
            if found is not None:
                at(i, found[0], found[1], key, len(key) + 1)
    return out


def _tokens_at(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """The words of `text[start:end]`, each with its line and column in `text`."""
    out = []
    for word, offset in shell_tokens(text[start:end]):
        line, column = line_column(text, start + offset)
        raw = text[start + offset : end]
        column += _offset_of(word[:1], raw) if raw[:1] in {"'", '"'} else 0
        out.append((word, line, column))
    return out


def read_shell(text: str, file: str, *, known: Known, local: Local) -> list[Finding]:
    return command_findings(_tokens_at(text, 0, len(text)), file, known=known, local=local)


def _instructions(text: str) -> list[tuple[str, int, int]]:
    """A Dockerfile's instructions: (keyword, offset of the arguments, end offset), continuation
    lines joined and comment lines skipped."""
    out: list[tuple[str, int, int]] = []
    offset, lines = 0, text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        line = lines[i]
        start = offset
        offset += len(line)
        i += 1
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        while line.rstrip("\r\n").endswith("\\") and i < len(lines):
            line = lines[i]
            offset += len(line)
            i += 1
        keyword = stripped.split(None, 1)[0]
        out.append((keyword.upper(), start + text[start:].find(keyword) + len(keyword), offset))
    return out


def read_dockerfile(text: str, file: str, *, known: Known, local: Local) -> list[Finding]:
    out: list[Finding] = []
    for keyword, start, end in _instructions(text):
        if keyword in {"ENV", "ARG"}:
            tokens = _tokens_at(text, start, end)
            if len(tokens) >= 2 and "=" not in tokens[0][0]:  # the old form: ENV KEY VALUE
                key, (value, line, column) = tokens[0][0], tokens[1]
                found = environment_finding(key, value, known, local)
                if found is not None:
                    out.append(_finding(file, found[0], found[1], line, column, detail=key))
                continue
            out += command_findings(tokens, file, known=known, local=local)
        elif keyword in {"RUN", "CMD", "ENTRYPOINT"}:
            body = text[start:end].strip()
            if body.startswith("["):  # the exec form: a JSON array of words
                out += _exec_form(text, start, end, file, known=known, local=local)
            else:
                out += command_findings(_tokens_at(text, start, end), file, known=known, local=local)
    return out


def _exec_form(text: str, start: int, end: int, file: str, *, known: Known, local: Local) -> list[Finding]:
    import json  # noqa: PLC0415

    try:
        words = json.loads(text[start:end].replace("\\\n", " "))
    except ValueError:
        return []
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        return []
    tokens, cursor = [], start
    for word in words:
        found = text.find(f'"{word}"', cursor, end)
        found = cursor if found < 0 else found + 1
        cursor = found + len(word)
        line, column = line_column(text, found)
        tokens.append((word, line, column))
    return command_findings(tokens, file, known=known, local=local)
