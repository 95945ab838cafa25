"""The Hugging Face Hub as a source of model facts, for models the index does not list.

A model card's front matter names the model's licence (`license`, a string or a list; `other` with
`license_name` and `license_link`) and what it was built from (`base_model`, a string or a list, with
`base_model_relation`: finetune, adapter, quantized, merge). This module reads those fields through
`huggingface_hub` (which honours `HF_ENDPOINT` and `HF_TOKEN`), imported only when a lookup is
needed, so a check that the index answers starts no slower.

Every answer is kept in the user's cache as JSON (data, never code), sealed as the catalogue's cache
files are (`checker.lookup.cache.write_record`), with the repository's revision,
so a later run answers offline (`--offline` or `HF_HUB_OFFLINE=1`) and `--refresh` asks again. Every
failure — not found, network down, rate limited, a malformed card — is a diagnostic, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from checker.diagnostics import Kind
from checker.errors import UnknownLicenseError
from checker.lookup.cache import read_record, write_record

# The Hub's own limit on repo ids is 96 characters per part; anything else is not worth a request.
_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
_FORMAT = 1  # bump when the layout of a cached answer changes
_KIND = "hub"  # the cache files of Hub answers: <cache folder>/hub/models--ORG--NAME.json
_MAX_NAMES = 64  # licences or base models one card may name; more is not a model card
DEFAULT_TIMEOUT = 10.0  # seconds for one request
RETRIES = 3  # attempts when the Hub answers 429 (rate limited) or 5xx
_MAX_WAIT = 10.0  # seconds, at most, between two attempts, whatever Retry-After says


def offline_by_environment() -> bool:
    """`HF_HUB_OFFLINE` (or `TRANSFORMERS_OFFLINE`) set to a true value, as huggingface_hub reads it."""
    value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return value.strip().lower() in {"1", "on", "yes", "true"}


def _timeout_by_environment() -> float:
    """`MODELTERMS_HUB_TIMEOUT` (seconds for one request), else DEFAULT_TIMEOUT."""
    try:
        value = float(os.environ.get("MODELTERMS_HUB_TIMEOUT", ""))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if 0 < value <= 600 else DEFAULT_TIMEOUT


def looks_like_repo_id(name: str) -> bool:
    return bool(_REPO_ID.match(name.strip()))


def endpoint() -> str:
    return (os.environ.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")


@dataclass(frozen=True)
class HubCard:
    """What a model card on the Hub says about the model's licence and ancestry."""

    repo_id: str
    sha: str | None  # the revision the answer was read at
    licenses: tuple[str, ...]  # `license` (list or string); `other` stands for `license_name` where given
    license_link: str | None
    base_models: tuple[str, ...]
    relation: str | None  # base_model_relation: finetune, adapter, quantized, merge
    gated: bool
    fetched: str  # ISO date-time (UTC) the Hub was asked
    cached: bool = False  # answered from the cache, not the Hub

    @property
    def revision(self) -> str:
        return (self.sha or "unknown")[:12]


class HubError(UnknownLicenseError):
    """A model the Hub could not tell us about; carries the diagnostic (exit 2)."""


def _names(value: Any, field: str, repo_id: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value) and len(value) <= _MAX_NAMES:
        return tuple(v.strip() for v in value if v.strip())
    raise HubError([Kind.CARD_MALFORMED(name=repo_id, problem=f"`{field}` is not a name or a list of names")])


def card_from_data(repo_id: str, sha: str | None, data: dict[str, Any], gated: bool, tags: list[Any]) -> HubCard:
    """The licence fields of a card's metadata (`cardData`); the Hub's `license:` tags stand in for
    a card that gives none."""
    licenses = _names(data.get("license"), "license", repo_id)
    if not licenses:
        licenses = tuple(t.split(":", 1)[1] for t in tags if isinstance(t, str) and t.startswith("license:"))
    named = _names(data.get("license_name"), "license_name", repo_id)
    if "other" in licenses and named:
        licenses = tuple(n for n in licenses if n != "other") + named
    link = data.get("license_link")
    relation = data.get("base_model_relation")
    return HubCard(
        repo_id=repo_id,
        sha=sha,
        licenses=licenses,
        license_link=link if isinstance(link, str) else None,
        base_models=_names(data.get("base_model"), "base_model", repo_id),
        relation=relation if isinstance(relation, str) else None,
        gated=bool(gated),
        fetched=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    )


class Hub:
    """Model cards from the Hub, through the user's cache."""

    def __init__(
        self,
        *,
        offline: bool = False,
        refresh: bool = False,
        cache_folder: Path | None = None,
        timeout: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.offline = offline or offline_by_environment()
        self.refresh = refresh
        self.cache_folder = cache_folder
        self.timeout = timeout if timeout is not None else _timeout_by_environment()
        self._sleep = sleep
        self._seen: dict[str, HubCard] = {}

    def card(self, repo_id: str) -> HubCard:
        """The card of a Hub repository: from this run, the cache, or the Hub. Raises `HubError`."""
        key = repo_id.strip().lower()
        if key in self._seen:
            return self._seen[key]
        found = None if self.refresh else self._read_cached(key)
        if found is None:
            if self.offline:
                raise HubError([Kind.HUB_OFFLINE(name=repo_id)])
            found = self._fetch(repo_id.strip())
            self._write_cached(key, found)
        self._seen[key] = found
        return found

    # ---- the Hub ---------------------------------------------------------------------------

    def _fetch(self, repo_id: str) -> HubCard:
        if not looks_like_repo_id(repo_id):
            raise HubError([Kind.UNKNOWN_MODEL(name=repo_id, suggestion="a Hub model is named ORG/NAME")])
        from huggingface_hub import HfApi  # noqa: PLC0415 - only when a model is not in the index
        from huggingface_hub.errors import (  # noqa: PLC0415
            GatedRepoError,
            HfHubHTTPError,
            OfflineModeIsEnabled,
            RepositoryNotFoundError,
        )

        api = HfApi(endpoint=endpoint())
        where = endpoint()
        for attempt in range(1, RETRIES + 1):
            try:
                info = api.model_info(repo_id, timeout=self.timeout)
            except GatedRepoError:
                raise HubError([Kind.HUB_GATED(name=repo_id, endpoint=where)]) from None
            except RepositoryNotFoundError:
                help_text = "check the repo id (ORG/NAME); `modelterms models` lists the index"
                raise HubError([Kind.HUB_NOT_FOUND(name=repo_id, endpoint=where, suggestion=help_text)]) from None
            except OfflineModeIsEnabled:
                raise HubError([Kind.HUB_OFFLINE(name=repo_id)]) from None
            except HfHubHTTPError as error:
                status = getattr(error.response, "status_code", None)
                if status == 429 or (isinstance(status, int) and status >= 500):
                    if attempt < RETRIES:
                        self._sleep(_wait(error, attempt))
                        continue
                    if status == 429:
                        raise HubError([Kind.HUB_RATE_LIMITED(tries=RETRIES, endpoint=where)]) from None
                raise HubError([Kind.HUB_ERROR(name=repo_id, status=status or "an error", endpoint=where)]) from None
            except Exception as error:
                reason = f"{type(error).__name__}: {error}".strip().rstrip(":")
                raise HubError([Kind.HUB_UNREACHABLE(endpoint=where, reason=reason[:200])]) from None
            data: dict[str, Any] = info.card_data.to_dict() if info.card_data is not None else {}  # type: ignore[no-untyped-call]
            return card_from_data(repo_id, info.sha, data, bool(info.gated), list(info.tags or []))
        raise AssertionError("unreachable")  # pragma: no cover

    # ---- the cache -------------------------------------------------------------------------

    def _read_cached(self, key: str) -> HubCard | None:
        if self.cache_folder is None:
            return None
        data = read_record(self.cache_folder, _KIND, "models--" + key)
        if data is None or data.get("format") != _FORMAT:
            return None
        try:
            card = HubCard(
                repo_id=str(data["repo_id"]),
                sha=data["sha"] if isinstance(data["sha"], str) else None,
                licenses=tuple(data["licenses"]),
                license_link=data["license_link"] if isinstance(data["license_link"], str) else None,
                base_models=tuple(data["base_models"]),
                relation=data["relation"] if isinstance(data["relation"], str) else None,
                gated=bool(data["gated"]),
                fetched=str(data["fetched"]),
                cached=True,
            )
        except (KeyError, TypeError):
            return None
        if card.repo_id.lower() != key or not all(isinstance(n, str) for n in (*card.licenses, *card.base_models)):
            return None
        return card

    def _write_cached(self, key: str, card: HubCard) -> None:
        if self.cache_folder is None:
            return
        record = {"format": _FORMAT, **{k: v for k, v in asdict(card).items() if k != "cached"}}
        write_record(self.cache_folder, _KIND, "models--" + key, record)


def _wait(error: Any, attempt: int) -> float:
    """Seconds before the next attempt: the Hub's Retry-After where it gives one, else backing off."""
    headers = getattr(getattr(error, "response", None), "headers", None) or {}
    try:
        given = float(headers.get("Retry-After", ""))
    except ValueError:
        given = 2.0**attempt / 2
    return max(0.0, min(given, _MAX_WAIT))
