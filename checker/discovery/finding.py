"""What discovery reports — a model reference at a place in a file — and the one rule for which
strings name a model.

A string names a model only where the code or configuration uses it as one (the model argument of a
loader, a configuration key such as `base_model`, `huggingface-cli download`, `FROM` in a Modelfile),
and only if it looks like a Hub repo id (`ORG/NAME`) or is a name modelterms knows (a short name of
the model index, a legacy Hub name that now redirects, an Ollama library name). Comments, docstrings
and other strings are never read as models; a name computed at run time is reported as `dynamic`,
never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from checker.diagnostics.span import Span
from checker.discovery.ollama_names import ollama_license
from checker.lookup.hub import looks_like_repo_id


class ReferenceKind(StrEnum):
    """How a file refers to a model (the `kind` of a finding)."""

    FROM_PRETRAINED = "from-pretrained"  # AutoModel…, DiffusionPipeline…, PeftModel.from_pretrained
    PIPELINE = "pipeline"  # transformers.pipeline(model=…)
    HUB_DOWNLOAD = "hub-download"  # hf_hub_download / snapshot_download(repo_id=…)
    SENTENCE_TRANSFORMERS = "sentence-transformers"  # SentenceTransformer / CrossEncoder
    VLLM = "vllm"  # vllm.LLM(model=…), EngineArgs(model=…)
    INFERENCE_CLIENT = "inference-client"  # huggingface_hub.InferenceClient(model=…)
    LANGCHAIN = "langchain"  # LangChain's HuggingFace* classes
    LITELLM = "litellm"  # litellm.completion(model="huggingface/ORG/NAME")
    ARGUMENT = "model-argument"  # another call's `model=` argument, or a `"model":` entry of a dict
    ASSIGNMENT = "assignment"  # a model-named variable (`MODEL_ID = "ORG/NAME"`) no loader reads in its module
    CONFIG = "config"  # a YAML, JSON or TOML key (`model`, `model_name_or_path`, `base_model`, `_name_or_path`)
    ADAPTER_CONFIG = "adapter-config"  # PEFT adapter_config.json `base_model_name_or_path`
    ENVIRONMENT = "environment"  # MODEL=… in a Dockerfile, a compose file, a manifest or a .env file
    CLI_DOWNLOAD = "cli-download"  # huggingface-cli download / hf download / git clone of a Hub URL
    CLI_ARGUMENT = "cli-argument"  # --model ORG/NAME, vllm serve ORG/NAME
    OLLAMA = "ollama"  # FROM in a Modelfile, `ollama pull`, litellm's "ollama/…"
    OLLAMA_ADAPTER = "ollama-adapter"  # ADAPTER in a Modelfile
    DYNAMIC = "dynamic"  # a loader given a name computed at run time: reported, not guessed


@dataclass(frozen=True)
class Finding:
    """One model reference: where it stands, how it refers, and the model it names."""

    model: str | None  # a Hub repo id, or an Ollama name; None for a dynamic reference
    file: str
    line: int
    column: int
    kind: ReferenceKind
    written: str | None = None  # the text as written, when the model id differs (a short or legacy name)
    license: str | None = None  # an Ollama library name: the licence modelterms maps it to
    detail: str | None = None  # the call, key or command; for a dynamic reference, the expression

    @property
    def span(self) -> Span:
        return Span.point(self.file, self.line, self.column, max(1, len(self.written or self.model or "?")))

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "model": self.model,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "kind": self.kind.value,
        }
        for key in ("written", "license", "detail"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass
class Discovery:
    """Everything one discovery found, and the files it could not read (which never fail it)."""

    findings: list[Finding] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    files: int = 0  # files read

    @property
    def models(self) -> list[str]:
        """The models found, each once, in order of first appearance."""
        return list(dict.fromkeys(f.model for f in self.findings if f.model is not None))


@dataclass(frozen=True)
class Named:
    """What a string names: a model id (or Ollama name), as written, and a licence for an Ollama name."""

    model: str
    written: str
    license: str | None = None
    ollama: bool = False


# Names the Hub still answers to, each redirected to the organisation that now holds it (the Hub
# moved its first, organisation-less models under organisations; the old names keep working).
LEGACY_NAMES = {
    "gpt2": "openai-community/gpt2",
    "gpt2-medium": "openai-community/gpt2-medium",
    "gpt2-large": "openai-community/gpt2-large",
    "gpt2-xl": "openai-community/gpt2-xl",
    "distilgpt2": "distilbert/distilgpt2",
    "bert-base-uncased": "google-bert/bert-base-uncased",
    "bert-base-cased": "google-bert/bert-base-cased",
    "bert-large-uncased": "google-bert/bert-large-uncased",
    "bert-large-cased": "google-bert/bert-large-cased",
    "bert-base-multilingual-cased": "google-bert/bert-base-multilingual-cased",
    "bert-base-multilingual-uncased": "google-bert/bert-base-multilingual-uncased",
    "distilbert-base-uncased": "distilbert/distilbert-base-uncased",
    "distilbert-base-cased": "distilbert/distilbert-base-cased",
    "distilbert-base-uncased-finetuned-sst-2-english": "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
    "roberta-base": "FacebookAI/roberta-base",
    "roberta-large": "FacebookAI/roberta-large",
    "xlm-roberta-base": "FacebookAI/xlm-roberta-base",
    "xlm-roberta-large": "FacebookAI/xlm-roberta-large",
    "t5-small": "google-t5/t5-small",
    "t5-base": "google-t5/t5-base",
    "t5-large": "google-t5/t5-large",
    "albert-base-v2": "albert/albert-base-v2",
}

# Prefixes that say "this is a Hub repo": litellm's provider prefix, and the Hub's own addresses.
_HUB_PREFIXES = (
    "huggingface/",
    "hosted_vllm/",
    "https://huggingface.co/",
    "http://huggingface.co/",
    "huggingface.co/",
    "https://hf.co/",
    "hf.co/",
)
_OLLAMA_PREFIXES = ("ollama/", "ollama_chat/")
# File names are not repos: a string ending so is a path to a file.
_FILE_SUFFIX = re.compile(
    r"\.(json|jsonl|ya?ml|toml|txt|csv|tsv|md|py|sh|bin|pt|pth|ckpt|safetensors|gguf|ggml|onnx|h5|pkl|pickle|"
    r"npz|npy|zip|tar|gz|tgz|parquet|arrow|model|msgpack|png|jpe?g|wav|mp3|log|cfg|ini)$",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"^[0-9._-]+$")
_OLLAMA_NAME = re.compile(r"^(?:[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*(?::[A-Za-z0-9._-]+)?$")

Known = Callable[[str], str | None]
"""A short name → the model id it stands for (the model index), or None."""
Local = Callable[[str], bool]
"""Whether a string is a path that exists beside the file (a local checkpoint, not a Hub repo)."""


def _hub_repo(value: str) -> str | None:
    """`ORG/NAME` from a Hub repo id, a Hub address (`https://huggingface.co/ORG/NAME/…`) or
    litellm's `huggingface/ORG/NAME`; None for anything else."""
    for prefix in _HUB_PREFIXES:
        if value.lower().startswith(prefix):
            parts = value[len(prefix) :].split("/")
            if len(parts) < 2 or parts[0] in {"datasets", "spaces", "api", "docs", "blog"}:
                return None
            value = "/".join(parts[:2]).split(":", 1)[0]  # hf.co/ORG/NAME:Q4_K_M (Ollama's form) names the repo
            break
    if not looks_like_repo_id(value) or _FILE_SUFFIX.search(value):
        return None
    org, name = value.split("/")
    if _NUMERIC.match(org) or _NUMERIC.match(name):
        return None  # "2024/01", "1.5/2": not repos
    return value


def is_path(value: str) -> bool:
    return value.startswith(("./", "../", "/", "~", ".\\")) or "\\" in value or (len(value) > 1 and value[1] == ":")


def ollama_name(value: str) -> Named | None:
    """An Ollama model name (`llama3.1:8b`, `library/llama3.1`, `hf.co/ORG/NAME:TAG`)."""
    written = value = value.strip()
    for prefix in _OLLAMA_PREFIXES:
        value = value.removeprefix(prefix)
    if value.lower().startswith(("hf.co/", "huggingface.co/")):
        repo = _hub_repo(value)
        return Named(repo, written) if repo else None
    shown = value.removeprefix("registry.ollama.ai/").removeprefix("library/")
    if is_path(value) or _FILE_SUFFIX.search(value) or not _OLLAMA_NAME.match(shown):
        return None
    return Named(shown, written, ollama_license(shown), ollama=True)


def model_name(value: Any, *, strong: bool, known: Known, local: Local) -> Named | None:
    """What a string used as a model names, or None when it names none.

    `strong`: the string is the model argument of a loader (`from_pretrained`, `pipeline(model=)`),
    where a legacy Hub name (`gpt2`) is a model too; elsewhere only `ORG/NAME` and the index's short
    names count. `local`: the string is a path that exists beside the file (a local checkpoint)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 200 or any(c.isspace() for c in text) or is_path(text):
        return None
    if text.startswith(_OLLAMA_PREFIXES):
        return ollama_name(text)
    repo = _hub_repo(text)
    if repo is not None:
        return None if local(text) else Named(repo, text)
    if "/" in text or local(text):
        return None
    found = known(text)
    if found is not None:
        return Named(found, text)
    if strong and text.lower() in LEGACY_NAMES:
        return Named(LEGACY_NAMES[text.lower()], text)
    return None


# Organisations of API providers that litellm and proxy configurations put before a model name
# (`groq/llama-3.1-8b-instant`): a name so prefixed is served by that provider, not a Hub repo.
# Read only where the string is not a loader's argument.
_PROVIDERS = {
    "ai21", "anthropic", "anyscale", "azure", "azure_ai", "bedrock", "cerebras", "cloudflare", "cohere",
    "cohere_chat", "custom_openai", "deepinfra", "deepseek", "fireworks_ai", "friendliai", "gemini", "github",
    "groq", "jina_ai", "litellm_proxy", "mistral", "nvidia_nim", "openrouter", "perplexity", "replicate",
    "sagemaker", "text-completion-openai", "together_ai", "vertex_ai", "vertex_ai_beta", "voyage", "watsonx", "xai",
}  # fmt: skip
# OpenAI's API models, which litellm names `openai/…` — unlike the Hub's openai/ repos (gpt-oss, whisper-large).
_OPENAI_API = re.compile(r"^(gpt-[345]|o\d|chatgpt|text-|dall-e|tts-|whisper-1$|davinci|babbage|omni-|computer-use)")


def weak_name(value: Any, known: Known, local: Local) -> Named | None:
    """What a string names where only its key or keyword says it is a model (`model=`, `base_model:`,
    `MODEL_ID=`): a Hub repo id or a short name of the index, not an API provider's model."""
    named = model_name(value, strong=False, known=known, local=local)
    if named is None or named.ollama or "/" not in named.written:
        return named
    org, _, rest = named.written.partition("/")
    if org.lower() in _PROVIDERS or (org.lower() == "openai" and _OPENAI_API.match(rest.lower())):
        return None
    return named


# Names of variables, keys and environment variables that hold a model: `model`, `MODEL_ID`,
# `base_model`, `embedding_model_name`, `checkpoint`, `_name_or_path`…
_MODEL_KEY = re.compile(
    r"(?:^|[_.-])(?:model|checkpoint)s?(?:[_-]?(?:id|ids|name|names|name_or_path|path|repo|repo_id))?$", re.IGNORECASE
)
_MODEL_KEYS = {"_name_or_path", "base_model_name_or_path", "adapter_name_or_path", "pretrained_model_name_or_path"}
# Keys that name a model this project *makes*, not one it uses.
_OUTPUT_KEYS = re.compile(r"(?:^|[_-])(?:hub|output|push|save|saved|export)[_-]", re.IGNORECASE)


def is_model_key(name: str) -> bool:
    """A key, variable or environment variable that, by its name, holds a model it uses."""
    lowered = name.lower()
    if lowered in _MODEL_KEYS:
        return True
    return bool(_MODEL_KEY.search(name)) and not _OUTPUT_KEYS.search(name) and "served" not in lowered


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1
