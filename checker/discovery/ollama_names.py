"""Ollama library names and the licences their models ship under.

Only names whose every tag ships under one licence modelterms holds: the name itself names the model
family (`llama3.1` is Llama 3.1, under the Llama 3.1 Community License), and each library page
(https://ollama.com/library/NAME) shows the licence file it ships. Names whose tags differ in licence
are left out on purpose — `qwen2.5` (its 3B and 72B models have Qwen licences of their own, the others
Apache 2.0), `deepseek-r1` (distills of Llama and of Qwen) — as is everything not checked: a
Modelfile naming one of them is reported without a licence, and a policy asks for it to be named.
"""

from __future__ import annotations

# library name → the licence, as the catalogue names it (an id, alias or family member)
OLLAMA_LICENSES = {
    "llama2": "llama-2",
    "codellama": "llama-2",  # Code Llama was released under the Llama 2 Community License
    "llama3": "llama-3",
    "llama3.1": "llama-3.1",
    "llama3.2": "llama-3.2",
    "llama3.2-vision": "llama-3.2",
    "llama3.3": "llama-3.3",
    "llama4": "llama-4",
    "gemma": "gemma",
    "gemma2": "gemma",
    "gemma3": "gemma",
    "codegemma": "gemma",
    "mistral": "apache-2.0",  # Mistral 7B
    "mixtral": "apache-2.0",  # Mixtral 8x7B and 8x22B
    "phi3": "mit",
    "phi4": "mit",
    "gpt-oss": "gpt-oss",  # Apache 2.0 with OpenAI's usage policy
    "falcon3": "tii-falcon-license-3",
    "starcoder2": "bigcode-openrail-m",
}


def ollama_license(name: str) -> str | None:
    """The licence of an Ollama library model (`llama3.1:8b`, `llama3.1`), if the table holds it.
    A user's namespace (`someone/llama3.1`) is not the library's model: it has no licence here."""
    if "/" in name:
        return None
    return OLLAMA_LICENSES.get(name.split(":", 1)[0].lower())
