"""A policy file: the service profile, the models in use, and waivers, checked in CI.

`modelterms.yaml` at the repository root (see README, "The policy file"). Read strictly: every
error names the file, line, column and YAML path. Nothing in the user's files is ever rewritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from checker.ci.report import OPEN_OBLIGATIONS, open_obligations
from checker.diagnostics import Diagnostic, Kind
from checker.diagnostics.span import Span
from checker.diagnostics.suggest import hint
from checker.discovery import Discovery, Finding, ReferenceKind, discover
from checker.errors import ProfileError, UnknownLicenseError
from checker.evaluation.profile import Answer, Done, ServiceProfile
from checker.evaluation.profile_file import exact_figures, profile_duplicates, validation_diagnostics
from checker.inputs.paths import is_file, is_symlink
from checker.inputs.yamlfile import Document, load_yaml, read_yaml_text
from checker.lookup.bundled import bundled, bundled_index
from checker.lookup.cards import RowError, card_names, read_model_card
from checker.lookup.catalogue import Catalogue, load_license_folder
from checker.lookup.hub import Hub, looks_like_repo_id
from checker.lookup.models import ModelIndex
from checker.lookup.request import run_check
from checker.terms import model
from checker.terms.verdict import LicenseVerdict
from checker.terms.vocabulary import Outcome

POLICY_VERSION = 1
DEFAULT_POLICY = "modelterms.yaml"


class WaiverReason(StrEnum):
    """Why a clause may be set aside: a closed list, so that reports can be audited."""

    SEPARATE_LICENSE = "separate-license-acquired"
    LEGAL_REVIEW = "legal-review"
    NOT_APPLICABLE = "not-applicable"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)


class ModelRef(_Strict):
    """One model in use: exactly one of a licence id, a model from the index, or a local model card."""

    license: str | None = Field(default=None, description="A licence id, alias, tag or family.")
    model: str | None = Field(default=None, description="A Hugging Face repo id or short name from the model index.")
    card: str | None = Field(
        default=None,
        description="Path (relative to the policy file) of a model card: README.md with YAML front matter.",
    )
    name: str | None = Field(default=None, description="A label for reports.")
    answers: dict[str, Answer] | None = Field(
        default=None, description="Answers to open questions for this model only, by question id."
    )
    done: dict[str, Done] | None = Field(
        default=None, description="Obligations done for this model only: ids, or id → {evidence: …}."
    )

    @model_validator(mode="before")
    @classmethod
    def _done_list(cls, data: Any) -> Any:
        return _done_as_mapping(data)

    @model_validator(mode="after")
    def _exactly_one(self) -> ModelRef:
        given = [k for k in ("license", "model", "card") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError("give exactly one of license, model or card")
        return self

    @property
    def label(self) -> str:
        return self.name or self.license or self.model or self.card or "?"


class Waiver(_Strict):
    """Sets one clause of one licence aside, for a reason, until a date, while its text is unchanged."""

    license: str = Field(description="The licence id.")
    clause: str = Field(description="The clause id within that licence.")
    reason: WaiverReason
    evidence: str = Field(min_length=1, description="E.g. a contract reference.")
    owner: str = Field(min_length=1, description="Who answers for the waiver.")
    expires: dt.date = Field(description="The waiver stops applying after this date (YYYY-MM-DD).")
    quote_sha256: str = Field(
        alias="quote-sha256",
        pattern=r"^[0-9a-f]{12,64}$",
        description="SHA-256 (or a prefix of at least 12 hex digits) of the clause's quote, as `check --format json` "
        "reports it: the waiver lapses when the licence text changes.",
    )

    @field_validator("quote_sha256", mode="before")
    @classmethod
    def _quoted(cls, value: Any) -> Any:
        if isinstance(value, int | float):
            raise ValueError('write the hash in quotes (quote-sha256: "…"): unquoted, YAML reads it as a number')
        return value


class DiscoverSpec(_Strict):
    """Where to look for the models the code uses, and what to leave out."""

    paths: tuple[str, ...] = Field(min_length=1, description="Files and folders, relative to the policy file.")
    exclude: tuple[str, ...] = Field(default=(), description="gitignore-style patterns, relative to each path.")
    include_tests: bool = Field(
        default=False, alias="include-tests", description="Also read test code and fixtures (skipped by default)."
    )


def _fail_on_schema(schema: dict[str, Any]) -> None:
    schema["items"] = {"anyOf": [schema["items"], {"const": OPEN_OBLIGATIONS}]}


class PolicyFile(_Strict):
    """The policy file's schema (`modelterms schema` prints it as JSON Schema)."""

    version: int = Field(description=f"The policy format version: {POLICY_VERSION}.")
    profile: ServiceProfile = Field(default_factory=ServiceProfile, description="The service profile.")
    models: tuple[ModelRef, ...] = Field(default=(), description="The models in use.")
    discover: tuple[str, ...] | DiscoverSpec | None = Field(
        default=None,
        description="Folders (or files) whose code and configuration name the models in use, relative to the "
        "policy file (`discover: [src/, configs/]`), or `{paths: […], exclude: […], include-tests: false}`: "
        "every model found there is checked like a listed one, and reported where the code uses it.",
    )
    licenses: tuple[str, ...] = Field(
        default=(), description="Folders of your own .terms licence files, relative to the policy file."
    )
    fail_on: tuple[Outcome, ...] = Field(
        default=(Outcome.FORBIDDEN, Outcome.NEEDS_LICENSE, Outcome.UNDETERMINED),
        alias="fail-on",
        description="Outcomes that fail the run; `open-obligations` also fails while an obligation is not "
        "reported done.",
        # The file takes one word besides the outcomes; the validator below moves it to its own field.
        json_schema_extra=_fail_on_schema,
    )
    waivers: tuple[Waiver, ...] = ()
    answers: dict[str, Answer] | None = Field(
        default=None, description="Answers to the questions licences leave open, by question id (every model)."
    )
    done: dict[str, Done] | None = Field(
        default=None, description="Obligations reported done (every model): ids, or id → {evidence: …}."
    )
    fail_on_open_obligations: SkipJsonSchema[bool] = Field(
        default=False,
        exclude=True,
        description="`open-obligations` in fail-on: fail while an obligation is not reported done.",
    )

    @model_validator(mode="before")
    @classmethod
    def _fail_on_words(cls, data: Any) -> Any:
        data = _done_as_mapping(data)
        if isinstance(data, dict) and isinstance(data.get("fail-on"), list) and OPEN_OBLIGATIONS in data["fail-on"]:
            rest = [v for v in data["fail-on"] if v != OPEN_OBLIGATIONS]
            data = {**data, "fail_on_open_obligations": True}
            if rest:
                data["fail-on"] = rest
            else:
                del data["fail-on"]  # only open obligations named: the default outcomes still fail
        return data

    def profile_for(self, entry: ModelRef) -> ServiceProfile:
        """The profile one model is checked with: the profile, the policy's answers and done reports,
        then the model's own."""
        answers = {**(self.profile.answers or {}), **(self.answers or {}), **(entry.answers or {})}
        done = {**(self.profile.done or {}), **(self.done or {}), **(entry.done or {})}
        return self.profile.model_copy(update={"answers": answers or None, "done": done or None})

    @model_validator(mode="after")
    def _known_version(self) -> PolicyFile:
        if self.version != POLICY_VERSION:
            raise ValueError(
                f"unsupported policy version {self.version}; this modelterms reads version {POLICY_VERSION}"
            )
        if not self.models and not self.discover:
            raise ValueError("give the models in use (`models:`), where to find them (`discover:`), or both")
        return self

    @property
    def discover_spec(self) -> DiscoverSpec | None:
        if self.discover is None or isinstance(self.discover, DiscoverSpec):
            return self.discover
        return DiscoverSpec(paths=self.discover) if self.discover else None


class WaiverStatus(StrEnum):
    APPLIED = "applied"
    EXPIRED = "expired"
    STALE = "stale"
    UNUSED = "unused"


@dataclass(frozen=True)
class WaiverResult:
    waiver: Waiver
    status: WaiverStatus
    message: str
    location: str
    span: Span | None = None


@dataclass(frozen=True)
class PolicyFinding:
    """One licence's verdict for one model of the policy, after waivers."""

    entry: ModelRef
    location: str
    verdict: LicenseVerdict
    span: Span | None = None  # where the policy names the model: SARIF, JUnit and GitHub point there
    original: LicenseVerdict | None = None  # the verdict before waivers, when a waiver changed it
    waivers: tuple[Waiver, ...] = ()  # the waivers applied to this result
    occurrences: tuple[Finding, ...] = ()  # where the code uses the model (`discover:`)

    @property
    def waived(self) -> tuple[str, ...]:
        """The clauses set aside by waivers."""
        return tuple(w.clause for w in self.waivers)

    @property
    def places(self) -> list[Span]:
        """Every place the report points at: the policy's line naming the model, then each line of
        code that uses it."""
        return ([self.span] if self.span else []) + [f.span for f in self.occurrences]


@dataclass
class PolicyReport:
    path: str
    profile: ServiceProfile
    fail_on: tuple[Outcome, ...]
    findings: list[PolicyFinding] = field(default_factory=list)
    waivers: list[WaiverResult] = field(default_factory=list)
    dynamic: list[Finding] = field(default_factory=list)  # models the code names at run time: not checkable
    discovery: Discovery | None = None  # what `discover:` found, if the policy has it

    fail_on_open_obligations: bool = False

    @property
    def failed(self) -> bool:
        return (
            any(f.verdict.outcome in self.fail_on for f in self.findings)
            or any(w.status is WaiverStatus.EXPIRED for w in self.waivers)
            or (self.fail_on_open_obligations and any(open_obligations(f.verdict) for f in self.findings))
        )


@dataclass(frozen=True)
class LoadedPolicy:
    policy: PolicyFile
    document: Document
    catalogue: Catalogue
    index: ModelIndex
    base: Path
    hub: Hub | None = None  # models the index lacks are looked up here (None: the index alone)
    discovery: Discovery | None = None  # what `discover:` found
    cards: Mapping[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    """Licence names and base models of each `card:`, read once while the policy was checked
    (issue 14: a card is hostile input, and was read three times per run)."""


def _span_text(document: Document, path: tuple[str | int, ...]) -> str:
    span = document.span(path)
    return f"{span.file}:{span.line}" if span else document.file


def load_policy(path: str | Path, hub: Hub | None = None) -> LoadedPolicy:
    """Read and check a policy file. Raises `ProfileError` listing every problem with its YAML path.

    With a `hub`, a model (or a card's base model) the index lacks is not a mistake: it is looked up
    on the Hub when the policy is evaluated."""
    path = Path(path)
    if is_symlink(path) and _outside(path.absolute().parent, path):
        # Issue 14: a pull request that turns modelterms.yaml into a link to ~/.git-credentials
        # would make CI quote that file's lines in its diagnostics. Refused before it is read.
        raise ProfileError(
            [
                Kind.BAD_OPTION(
                    message=f"the policy file '{path}' is a symlink that leads outside its folder",
                    help="a policy reads only files in the folder of the policy file and below",
                )
            ]
        )
    text = read_yaml_text(path, missing="no such file (create modelterms.yaml or give --policy)")
    document = load_yaml(text, str(path))
    sources = {str(path): text}
    data = document.data if isinstance(document.data, dict) else {}
    if isinstance(data.get("profile"), dict):
        twice = profile_duplicates(data["profile"], document, ("profile",))
        if twice:
            raise ProfileError(twice, sources)
        data = {**data, "profile": exact_figures(data["profile"], document, ("profile",))}
    try:
        policy = PolicyFile.model_validate(data)
    except ValidationError as error:
        fields = [f.alias or n for n, f in PolicyFile.model_fields.items()]
        raise ProfileError(validation_diagnostics(error, document, fields), sources) from None
    base = path.parent
    problems: list[Diagnostic] = []
    licenses = list(bundled().licenses)
    for i, folder in enumerate(policy.licenses):
        escape = _outside(base, base / folder, *sorted((base / folder).glob("*.terms")))
        if escape is not None:
            problems.append(_outside_diagnostic(document, ("licenses", i), f"licenses[{i}]", folder, escape))
            continue
        try:
            licenses += load_license_folder(base / folder)
        except Exception as error:  # a LicenseFileError: report it where the policy names the folder
            message = getattr(error, "diagnostics", [Kind.UNREADABLE(path=folder, reason=str(error))])
            problems += [
                Kind.INVALID_VALUE(
                    document.span(("licenses", i)), path=f"licenses[{i}]", message=d.message, help=d.help or ""
                )
                for d in message
            ]
    catalogue = Catalogue(licenses) if len(licenses) != len(bundled().licenses) else bundled()
    index = bundled_index()
    cards: dict[str, tuple[list[str], list[str]]] = {}
    problems += _check_references(policy, document, catalogue, index, base, cards=cards, online=hub is not None)
    problems += _check_ids(policy, document, catalogue)
    found: Discovery | None = None
    if policy.discover_spec is not None:
        found, more, code = _discover(policy, policy.discover_spec, document, index, base, online=hub is not None)
        problems += more
        sources.update(code)
    if problems:
        raise ProfileError(problems, sources)
    return LoadedPolicy(policy, document, catalogue, index, base, hub, found, cards)


def _discover(
    policy: PolicyFile, spec: DiscoverSpec, document: Document, index: ModelIndex, base: Path, *, online: bool
) -> tuple[Discovery | None, list[Diagnostic], dict[str, str]]:
    """Run `discover:` and check that each model found can be checked: a Hub repo (online), a model
    of the index, or an Ollama name whose licence is known or that an entry of `models:` names."""
    field_path: tuple[str | int, ...] = ("discover",) if isinstance(policy.discover, tuple) else ("discover", "paths")
    problems: list[Diagnostic] = []
    targets = []
    for i, given in enumerate(spec.paths):
        where, shown = (*field_path, i), "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in (*field_path, i))
        target = base / given
        escape = _outside(base, target)
        if escape is not None:
            problems.append(_outside_diagnostic(document, where, shown.lstrip("."), given, escape))
        elif not target.exists():
            message = f"no file or folder '{given}'"
            problems.append(Kind.INVALID_VALUE(document.span(where), path=shown.lstrip("."), message=message,
                                               help="the path is relative to the policy file"))  # fmt: skip
        else:
            targets.append(target)
    if problems:
        return None, problems, {}

    def known(name: str) -> str | None:
        entry = index.find(name)
        return entry.id if entry is not None else None

    found = discover(targets, exclude=spec.exclude, include_tests=spec.include_tests, known=known)
    named = {n.lower() for e in policy.models for n in (e.name, e.model) if n}
    sources: dict[str, str] = {}
    for finding in found.findings:
        if finding.model is None or finding.model.lower() in named:
            continue
        problem: Diagnostic | None = None
        if _is_ollama_name(finding) and finding.license is None:
            name_it = f"name its licence in models: (`- license: …` with `name: {finding.model}`)"
            problem = Kind.DISCOVERED_UNKNOWN(finding.span, name=finding.model, help=f"{name_it}, or exclude the file")
        elif not _is_ollama_name(finding) and index.find(finding.model) is None and not online:
            problem = Kind.UNKNOWN_MODEL(
                finding.span, name=finding.model, suggestion="offline, only the model index answers: run online, "
                f"or name its licence in models: (`- license: …` with `name: {finding.model}`)",
            )  # fmt: skip
        if problem is not None:
            problems.append(problem)
            sources.setdefault(finding.file, _text(finding.file))
    return found, problems, sources


def _is_ollama_name(finding: Finding) -> bool:
    return finding.kind in (ReferenceKind.OLLAMA, ReferenceKind.OLLAMA_ADAPTER) and "/" not in (finding.model or "/")


def _text(file: str) -> str:
    try:
        return Path(file).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _check_references(
    policy: PolicyFile,
    document: Document,
    catalogue: Catalogue,
    index: ModelIndex,
    base: Path,
    *,
    cards: dict[str, tuple[list[str], list[str]]],
    online: bool,
) -> list[Diagnostic]:
    """Every name the policy uses must be known; each card read is kept in `cards`, by its path."""
    problems: list[Diagnostic] = []
    names = catalogue.names()
    for i, entry in enumerate(policy.models):
        if entry.license and entry.license.lower() not in {n.lower() for n in names}:
            problems.append(_unknown(document, ("models", i, "license"), "licence", entry.license, names))
        if entry.model and index.find(entry.model) is None and not (online and looks_like_repo_id(entry.model)):
            problems.append(_unknown(document, ("models", i, "model"), "model", entry.model, index.names()))
        if entry.card:
            problems += _check_card(entry.card, base, document, i, cards=cards, names=names, index=index, online=online)
    for i, waiver in enumerate(policy.waivers):
        try:
            license = catalogue.get(waiver.license)
        except UnknownLicenseError:
            problems.append(_unknown(document, ("waivers", i, "license"), "licence", waiver.license, names))
            continue
        ids = [c.id for c in license.clauses]
        if waiver.clause not in ids:
            problems.append(
                Kind.INVALID_VALUE(
                    document.span(("waivers", i, "clause")),
                    path=f"waivers[{i}].clause",
                    message=f"{license.id} has no clause '{waiver.clause}'",
                    help=hint(waiver.clause, ids) or "`check --format json` shows clause ids",
                )
            )
    return problems


def _check_ids(policy: PolicyFile, document: Document, catalogue: Catalogue) -> list[Diagnostic]:
    """Every answer and done report must name a question or obligation of the catalogue."""
    sources: list[tuple[tuple[str | int, ...], ServiceProfile]] = [
        (("profile",), policy.profile),
        ((), ServiceProfile(answers=policy.answers, done=policy.done)),
    ]
    sources += [(("models", i), ServiceProfile(answers=m.answers, done=m.done)) for i, m in enumerate(policy.models)]
    found: list[Diagnostic] = []
    for prefix, profile in sources:
        for key, name, diagnostic in catalogue.unknown_ids(profile):
            span = document.key_spans.get((*prefix, key, name)) or document.span((*prefix, key))
            found.append(diagnostic.model_copy(update={"span": span}))
    return found


def _outside(root: Path, *paths: Path) -> Path | None:
    """The first path that lies outside `root` once `..` and symlinks are resolved, if any.

    A policy reads files of its own repository only (the folder it stands in and below): a licence
    folder or model card reached through `../` or a symlink to elsewhere is refused, so that a
    policy cannot make CI read (and show) files from outside the checkout.
    """
    top = root.resolve()
    for path in paths:
        if not path.resolve().is_relative_to(top):
            return path
    return None


def _outside_diagnostic(
    document: Document, path: tuple[str | int, ...], where: str, given: str, escape: Path
) -> Diagnostic:
    via = "a symlink" if ".." not in Path(given).parts else "'..'"
    return Kind.INVALID_VALUE(
        document.span(path),
        path=where,
        message=f"'{given}' leads outside the repository through {via} ({escape} is {escape.resolve()})",
        help="a policy reads only files in the folder of the policy file and below",
    )


def _check_card(
    card: str,
    base: Path,
    document: Document,
    i: int,
    *,
    cards: dict[str, tuple[list[str], list[str]]],
    names: Sequence[str],
    index: ModelIndex,
    online: bool,
) -> list[Diagnostic]:
    span, where = document.span(("models", i, "card")), f"models[{i}].card"
    if card in cards:  # the same card named again: read once, its names checked at each entry
        licences, bases = cards[card]
    else:
        path = base / card
        escape = _outside(base, path)
        if escape is not None:
            return [_outside_diagnostic(document, ("models", i, "card"), where, card, escape)]
        if not is_file(path):  # a name too long for the file system is no file (found by benchmarks/fuzz.py)
            return [Kind.INVALID_VALUE(span, path=where, message=f"no model card at '{card}'",
                                       help="the path is relative to the policy file")]  # fmt: skip
        try:
            licences, bases = cards[card] = card_names(read_model_card(path))
        except (OSError, UnicodeDecodeError) as error:
            return [Kind.INVALID_VALUE(span, path=where, message=f"cannot read '{card}': {error}", help="")]
        except RowError as error:
            return [Kind.INVALID_VALUE(span, path=where, message=f"{card}: {error}", help="")]
    problems: list[Diagnostic] = []
    if not licences and not bases:
        problems.append(
            Kind.INVALID_VALUE(span, path=where, message=f"'{card}' names no licence and no base_model",
                               help="its YAML front matter needs `license:` (or `license: other` and `license_name:`)")
        )  # fmt: skip
    known = {n.lower() for n in names}
    for name in licences:
        if name.lower() not in known:
            problems.append(
                Kind.INVALID_VALUE(
                    span,
                    path=where,
                    message=f"{card}: unknown licence '{name}'",
                    help=hint(name, names) or "`modelterms list` lists the catalogue",
                )
            )
    for name in bases:
        if index.find(name) is None and not (online and looks_like_repo_id(name)):
            message = f"{card}: base_model '{name}' is not in the model index"
            help_text = hint(name, index.names()) or "`modelterms models` lists the index"
            problems.append(Kind.INVALID_VALUE(span, path=where, message=message, help=help_text))
    return problems


def _unknown(document: Document, path: tuple[str | int, ...], what: str, name: str, names: Sequence[str]) -> Diagnostic:
    suggestion = hint(name, names) or f"`modelterms {'models' if what == 'model' else 'list'}` lists them"
    dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return Kind.INVALID_VALUE(document.span(path), path=dotted, message=f"unknown {what} '{name}'", help=suggestion)


def evaluate_policy(loaded: LoadedPolicy, today: dt.date | None = None) -> PolicyReport:
    """Every model's licences under the profile, with waivers applied.

    Each model is evaluated twice: against the catalogue as it is, to see which clauses decide its
    results (and so which waivers are used), and against the catalogue with the clauses of the
    active waivers (not expired, quote unchanged) set aside. A result decided by a waived clause
    is reported from the second evaluation, with the waived clauses named.
    """
    policy, document = loaded.policy, loaded.document
    today = today or dt.date.today()
    report = PolicyReport(document.file, policy.profile, policy.fail_on)
    report.fail_on_open_obligations = policy.fail_on_open_obligations
    active = [
        (i, w) for i, w in enumerate(policy.waivers)
        if w.expires >= today and _matches(w, loaded.catalogue.get(w.license).clause(w.clause))
    ]  # fmt: skip
    waived_catalogue = _without(loaded.catalogue, [w for _, w in active])
    used: set[int] = set()
    listed, found = _placed(loaded)
    report.discovery = loaded.discovery
    report.dynamic = [f for f in loaded.discovery.findings if f.model is None] if loaded.discovery else []
    entries: list[tuple[ModelRef, str, Span | None, tuple[Finding, ...]]] = [
        (entry, _span_text(document, ("models", i)), document.span(("models", i)), listed.get(i, ()))
        for i, entry in enumerate(policy.models)
    ]
    entries += [(entry, uses[0].where.rsplit(":", 1)[0], None, uses) for entry, uses in found]
    for i, (entry, location, span, uses) in enumerate(entries):
        try:
            before = _verdicts(entry, loaded, loaded.catalogue)
            after = _verdicts(entry, loaded, waived_catalogue)
        except UnknownLicenseError as error:  # a model the Hub could not tell us about: point at its entry
            if uses and span is None:  # found in code: point at the first line that uses it
                placed = [d.model_copy(update={"span": uses[0].span}) for d in error.diagnostics]
                raise ProfileError(placed, {uses[0].file: _text(uses[0].file)}) from None
            field = ("models", i, "model" if entry.model else "card")
            placed = [d.model_copy(update={"span": document.span(field)}) for d in error.diagnostics]
            raise ProfileError(placed, {document.file: document.text}) from None
        for original, waived_verdict in zip(before, after, strict=True):
            deciding = {r.clause for r in original.reasons}
            hits = [
                (j, w) for j, w in active
                if loaded.catalogue.get(w.license).id == original.license and w.clause in deciding
            ]  # fmt: skip
            used.update(j for j, _ in hits)
            if hits:
                finding = PolicyFinding(
                    entry, location, waived_verdict, span, original, tuple(w for _, w in hits), occurrences=uses
                )
            else:
                finding = PolicyFinding(entry, location, original, span, occurrences=uses)
            report.findings.append(finding)
    for i, waiver in enumerate(policy.waivers):
        report.waivers.append(_waiver_status(i, waiver, loaded, today, used))
    return report


def _placed(
    loaded: LoadedPolicy,
) -> tuple[dict[int, tuple[Finding, ...]], list[tuple[ModelRef, tuple[Finding, ...]]]]:
    """The models `discover:` found, grouped by model: those an entry of `models:` names (by its
    model or its `name`) go with that entry; each other one becomes an entry of its own — a model,
    or an Ollama name's licence."""
    if loaded.discovery is None:
        return {}, []
    index = loaded.index
    keys: dict[str, int] = {}
    for i, entry in enumerate(loaded.policy.models):
        for name in (entry.name, entry.model):
            if name:
                known = index.find(name)
                keys.setdefault((known.id if known else name).lower(), i)
                keys.setdefault(name.lower(), i)
    listed: dict[int, list[Finding]] = {}
    groups: dict[str, list[Finding]] = {}
    for finding in loaded.discovery.findings:
        if finding.model is None:
            continue
        known = None if _is_ollama_name(finding) else index.find(finding.model)
        key = (known.id if known else finding.model).lower()
        if key in keys or finding.model.lower() in keys:
            listed.setdefault(keys.get(key, keys.get(finding.model.lower(), 0)), []).append(finding)
        else:
            groups.setdefault(key, []).append(finding)
    found = []
    for uses in groups.values():
        first = uses[0]
        assert first.model is not None
        if _is_ollama_name(first):
            entry = ModelRef(license=first.license, name=first.model)
        else:
            known = index.find(first.model)
            entry = ModelRef(model=known.id if known else first.model)
        found.append((entry, tuple(uses)))
    return {i: tuple(v) for i, v in listed.items()}, found


def _without(catalogue: Catalogue, waivers: list[Waiver]) -> Catalogue:
    """The catalogue with the waived clauses removed (a licence's grant is never removed)."""
    if not waivers:
        return catalogue
    drop: dict[str, set[str]] = {}
    for waiver in waivers:
        drop.setdefault(catalogue.get(waiver.license).id, set()).add(waiver.clause)
    licenses = []
    for license in catalogue.licenses:
        gone = drop.get(license.id, set())
        kept = tuple(c for c in license.clauses if c.id not in gone or isinstance(c.effect, model.Permits))
        licenses.append(license.model_copy(update={"clauses": kept}) if gone else license)
    return Catalogue(licenses)


def _done_as_mapping(data: Any) -> Any:
    """`done: [id, …]` as `done: {id: {}, …}`."""
    if isinstance(data, dict) and isinstance(data.get("done"), list):
        return {**data, "done": {str(item): {} for item in data["done"]}}
    return data


def _verdicts(entry: ModelRef, loaded: LoadedPolicy, catalogue: Catalogue) -> list[LicenseVerdict]:
    profile, hub = loaded.policy.profile_for(entry), loaded.hub
    if entry.license:
        return run_check([entry.license], [], profile, catalogue, lambda: loaded.index)
    if entry.model:
        return run_check([], [entry.model], profile, catalogue, lambda: loaded.index, hub=hub)
    card = entry.card or ""
    names, bases = loaded.cards[card] if card in loaded.cards else card_names(read_model_card(loaded.base / card))
    verdicts = run_check(names, [], profile, catalogue, lambda: loaded.index) if names else []
    seen = {v.license for v in verdicts}
    for base_model in bases:
        for verdict in run_check([], [base_model], profile, catalogue, lambda: loaded.index, hub=hub):
            if verdict.license in seen:
                continue  # the card's own licence is also its base model's: report it once
            seen.add(verdict.license)
            via = f"{entry.card} via base model {verdict.model_via or base_model}"
            verdicts.append(verdict.model_copy(update={"requested_as": via}))
    return verdicts


def _matches(waiver: Waiver, clause: model.Clause) -> bool:
    return model.quote_hash(clause.quote).startswith(waiver.quote_sha256)


def _waiver_status(i: int, waiver: Waiver, loaded: LoadedPolicy, today: dt.date, used: set[int]) -> WaiverResult:
    location, span = _span_text(loaded.document, ("waivers", i)), loaded.document.span(("waivers", i))
    clause = loaded.catalogue.get(waiver.license).clause(waiver.clause)
    if waiver.expires < today:
        status, message = WaiverStatus.EXPIRED, f"expired on {waiver.expires.isoformat()}"
    elif not _matches(waiver, clause):
        status, message = (
            WaiverStatus.STALE,
            "the clause's text has changed since the waiver was written, so it no longer applies; "
            f"review the clause and pin quote-sha256: {model.quote_hash(clause.quote)}",
        )
    elif i in used:
        status, message = WaiverStatus.APPLIED, "applied"
    else:
        status, message = WaiverStatus.UNUSED, "no result of this policy was decided by this clause"
    return WaiverResult(waiver, status, message, location, span)
