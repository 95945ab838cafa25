"""A stand-in for the Hugging Face Hub's model API, on 127.0.0.1, for tests that must never touch
the network. It answers `GET /api/models/ORG/NAME` (and `/revision/REV`) in the Hub's shape, from
`MODELS`, and misbehaves on purpose for the repos in `BEHAVIOURS` (not found, gated, 429, 500, slow)."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SHA = "0123456789abcdef0123456789abcdef01234567"

# Repo id → cardData, as the Hub returns a card's YAML front matter. Each is one case of issue 12.
MODELS: dict[str, dict[str, Any] | None] = {
    # A fine-tune naming its licence and its (indexed) base.
    "acme/llama-ft": {
        "license": "llama3.1",
        "base_model": "meta-llama/Llama-3.1-8B",
        "base_model_relation": "finetune",
    },
    # A fine-tune of a fine-tune, neither in the index, each naming only its base.
    "acme/ft-of-ft": {"base_model": "acme/plain-ft"},
    "acme/plain-ft": {"base_model": "meta-llama/Llama-3.1-8B", "base_model_relation": "finetune"},
    # A quantized copy of a fine-tune, and an adapter on an indexed base.
    "acme/llama-ft-gguf": {"base_model": "acme/llama-ft", "base_model_relation": "quantized"},
    "acme/gemma-lora": {"license": "apache-2.0", "base_model": "google/gemma-2-9b", "base_model_relation": "adapter"},
    # A merge of two bases: both licences apply.
    "acme/merge": {"base_model": ["meta-llama/Llama-3.1-8B", "google/gemma-2-9b"], "base_model_relation": "merge"},
    # A licence list, `other` with a known and an unknown `license_name`.
    "acme/dual": {"license": ["apache-2.0", "mit"]},
    "acme/other-known": {"license": "other", "license_name": "deepseek"},
    "acme/other-unknown": {
        "license": "other",
        "license_name": "acme-custom",
        "license_link": "https://acme.example/terms",
    },
    "acme/bare-other": {"license": "other"},
    # No card at all, and a card whose `license` is not a name.
    "acme/no-card": None,
    "acme/malformed": {"license": {"name": "mit"}},
    # A cycle of bases, and a gated repo (its card is still readable).
    "acme/cycle-a": {"base_model": "acme/cycle-b"},
    "acme/cycle-b": {"base_model": "acme/cycle-a"},
    "acme/gated": {"license": "gemma"},
    # Rate-limited twice, then answers.
    "acme/busy": {"license": "mit"},
}
TAGS: dict[str, list[str]] = {"acme/tag-only": ["license:mit", "text-generation"]}
MODELS["acme/tag-only"] = None
GATED = {"acme/gated"}

# Repo id → what goes wrong: "missing" (404), "always-busy" (429 every time), "broken" (500),
# "slow" (answers after SLOW_SECONDS), "busy" (429 twice, then the answer).
BEHAVIOURS = {
    "acme/missing": "missing",
    "acme/always-busy": "always-busy",
    "acme/broken": "broken",
    "acme/slow": "slow",
    "acme/busy": "busy",
}
SLOW_SECONDS = 3.0


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if not path.startswith("/api/models/"):
            return self._send(404, {"error": "not found"}, {"X-Error-Code": "EntryNotFound"})
        parts = path.removeprefix("/api/models/").split("/")
        repo = "/".join(parts[:2])
        self.server.requests[repo] += 1
        behaviour = BEHAVIOURS.get(repo)
        if behaviour == "missing" or (repo not in MODELS and behaviour is None):
            return self._send(404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})
        if behaviour == "always-busy" or (behaviour == "busy" and self.server.requests[repo] <= 2):
            return self._send(429, {"error": "rate limited"}, {"Retry-After": "0"})
        if behaviour == "broken":
            return self._send(500, {"error": "internal error"}, {})
        if behaviour == "slow":
            time.sleep(SLOW_SECONDS)
        body: dict[str, Any] = {"id": repo, "modelId": repo, "sha": SHA, "private": False,
                                "gated": "manual" if repo in GATED else False, "tags": TAGS.get(repo, [])}  # fmt: skip
        card = MODELS.get(repo)
        if card is not None:
            body["cardData"] = card
        return self._send(200, body, {})

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    requests: Counter[str]


@contextmanager
def stand_in() -> Iterator[tuple[str, Counter[str]]]:
    """The stand-in's endpoint (http://127.0.0.1:PORT) and its per-repo request counter."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.requests = Counter()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.requests
    finally:
        server.shutdown()
        server.server_close()
