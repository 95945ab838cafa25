"""An AI bill of materials: CycloneDX 1.6 JSON (an ML-BOM), built and validated with
`cyclonedx-python-lib` (`pip install 'modelterms[bom]'`), for `check`, `scan`, `policy` and `discover`.

One `machine-learning-model` component per model: its `purl` (`pkg:huggingface/ORG/NAME`, with the
revision where a Hub card gave one), its licences — SPDX ids where the licence has one, else
ScanCode's `LicenseRef-scancode-…` key where one exists for that very text, else its name and the
address of its text —, its base models in `pedigree.ancestors`, where the code uses it
(`evidence.occurrences`), and, when a profile was checked, the verdict, the deciding clauses and the
open obligations as `modelterms:` properties. Every document is validated against the CycloneDX 1.6
schema the library ships before it is written: one that does not validate is a bug (exit 3).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from checker.errors import CheckerError
from checker.terms.verdict import DISCLAIMER, LicenseVerdict
from checker.terms.vocabulary import Outcome

if TYPE_CHECKING:
    from checker.ci.policy import PolicyReport
    from checker.ci.report import Report
    from checker.lookup.resolver import FoundModel, Resolver
    from checker.terms.model import License

# Our licence id → ScanCode LicenseDB key, only where the key is for the same text: the version and
# date in the key match the licence file's (Llama 2 of 2023-07-18, NVIDIA's of 2025-04-28 …). Left
# out on purpose: gemma (ScanCode's key is the Gemma Terms of 2024-04-01, ours are of 2025-03-24),
# llama-3 and llama-4 (no key, or two keys for one version), and every licence whose version a key
# does not name. Each key is used only if the installed license-expression ships it.
SCANCODE_KEYS = {
    "llama-2": "llama-2-license-2023",
    "llama-3.1": "llama-3.1-license-2024",
    "llama-3.2": "llama-3.2-license-2024",
    "llama-3.3": "llama-3.3-license-2024",
    "deepseek": "deepseek-la-1.0",  # DeepSeek License Agreement, Version 1.0
    "falcon-2-11b-tii-1.0": "falcon-2-11b-1.0",
    "nvidia-open-model-2025-04": "nvidia-open-model-2025-04-28",
    "stability-ai-community": "stability-ai-community-2024",
    "bigcode-openrail-m": "bigcode-open-rail-m-v1",
    "bigscience-bloom-rail-1.0": "bigscience-rail-1.0",
    "flux-1-dev-non-commercial": "flux-1-nc",
}
PROPERTY = "modelterms"  # the namespace of every property name


class MissingExtra(CheckerError):
    """`--format cyclonedx` without `cyclonedx-python-lib` installed."""


@dataclass(frozen=True)
class BomLicense:
    id: str  # the catalogue id, or the name a card gives for a licence modelterms does not hold
    title: str | None = None
    spdx: str | None = None
    url: str | None = None

    @classmethod
    def of(cls, license: License) -> BomLicense:
        return cls(license.id, license.name, license.spdx, license.primary_source)


@dataclass
class BomModel:
    """One model as the BOM shows it."""

    name: str
    repo: str | None = None  # a Hub repo id: the purl
    revision: str | None = None
    licenses: list[BomLicense] = field(default_factory=list)
    ancestors: list[BomModel] = field(default_factory=list)
    properties: list[tuple[str, str]] = field(default_factory=list)
    occurrences: list[tuple[str, int, int, str]] = field(default_factory=list)  # file, line, column, kind

    def add_license(self, license: BomLicense) -> None:
        if all(existing.id != license.id for existing in self.licenses):
            self.licenses.append(license)


def verdict_properties(verdicts: Sequence[LicenseVerdict]) -> list[tuple[str, str]]:
    """The outcome (the worst of the licences'), each licence's verdict, its deciding clauses and
    the obligations still open (conditional, or not yet met)."""
    if not verdicts:
        return []
    worst = min((v.outcome for v in verdicts), key=lambda o: o.severity)
    out = [(f"{PROPERTY}:outcome", worst.value)]
    for verdict in verdicts:
        out.append((f"{PROPERTY}:verdict", f"{verdict.license}: {verdict.outcome.value}"))
        for reason in verdict.deciding_reasons:
            heading = f" {reason.heading}" if reason.heading else ""
            out.append(
                (f"{PROPERTY}:deciding-clause", f"{verdict.license} §{reason.section}{heading} ({reason.clause})")
            )
        if verdict.outcome is Outcome.CONDITIONAL or not verdict.outcome.refuses:
            for item in verdict.obligations:
                if item.met is True:
                    continue
                text = f" “{item.text}”" if item.text else ""
                when = f" (applies if {item.condition})" if item.applies is None and item.condition else ""
                out.append(
                    (f"{PROPERTY}:obligation", f"{verdict.license} §{item.section} {item.duty.value}{text}{when}")
                )
    return out


def _imports() -> Any:
    try:
        import cyclonedx  # noqa: F401, PLC0415 - an optional extra, imported only for this format
    except ImportError:
        raise MissingExtra("--format cyclonedx needs cyclonedx-python-lib: pip install 'modelterms[bom]'") from None
    return True


@cache
def _scancode_refs() -> frozenset[str]:
    """The ScanCode keys the installed license-expression ships (an empty set if it is missing)."""
    try:
        from license_expression import get_license_index  # noqa: PLC0415
    except ImportError:  # pragma: no cover - a dependency of cyclonedx-python-lib
        return frozenset()
    return frozenset(str(e.get("license_key")) for e in get_license_index() if not e.get("is_deprecated"))


def _licenses(entries: Sequence[BomLicense]) -> list[Any]:
    from cyclonedx.model import XsUri  # noqa: PLC0415
    from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression  # noqa: PLC0415
    from cyclonedx.spdx import fixup_id  # noqa: PLC0415

    ids: list[str] = []
    for entry in entries:
        spdx = fixup_id(entry.spdx) if entry.spdx else None
        key = SCANCODE_KEYS.get(entry.id)
        if spdx:
            ids.append(spdx)
        elif key and key in _scancode_refs():
            ids.append(f"LicenseRef-scancode-{key}")
        else:
            break
    else:
        if ids:  # every licence has an identifier: one expression, all of them applying together
            return [LicenseExpression(" AND ".join(dict.fromkeys(ids)))]
    out: list[Any] = []
    for entry in entries:
        spdx = fixup_id(entry.spdx) if entry.spdx else None
        if spdx:
            out.append(DisjunctiveLicense(id=spdx))
        else:
            url = XsUri(entry.url) if entry.url and entry.url.startswith(("http://", "https://")) else None
            out.append(DisjunctiveLicense(name=entry.title or entry.id, url=url))
    return out


def _purl(model: BomModel) -> Any:
    from packageurl import PackageURL  # noqa: PLC0415

    if model.repo is None or "/" not in model.repo:
        return None
    namespace, name = model.repo.split("/", 1)
    # The purl spec for huggingface: the version is the model's revision, a commit hash, lower-cased.
    return PackageURL(
        type="huggingface", namespace=namespace, name=name, version=(model.revision or None) and model.revision.lower()
    )


def _component(model: BomModel, refs: set[str]) -> Any:
    from cyclonedx.model import Property  # noqa: PLC0415
    from cyclonedx.model.component import Component, ComponentType, Pedigree  # noqa: PLC0415
    from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence  # noqa: PLC0415

    base = f"model:{model.repo or model.name}"
    ref, n = base, 1
    while ref in refs:
        n += 1
        ref = f"{base}#{n}"
    refs.add(ref)
    component = Component(
        type=ComponentType.MACHINE_LEARNING_MODEL,
        name=model.repo or model.name,
        bom_ref=ref,
        version=model.revision,
        purl=_purl(model),
        licenses=_licenses(model.licenses),
        properties=[Property(name=n_, value=v) for n_, v in model.properties],
    )
    if model.repo and model.repo.count("/") == 1:
        component.group = model.repo.split("/", 1)[0]
        component.name = model.repo.split("/", 1)[1]
    if model.ancestors:
        component.pedigree = Pedigree(ancestors=[_component(a, refs) for a in model.ancestors])
    if model.occurrences:
        component.evidence = ComponentEvidence(
            occurrences=[
                Occurrence(location=file, line=line, offset=column, additional_context=kind)
                for file, line, column, kind in model.occurrences
            ]
        )
    return component


def cyclonedx(models: Iterable[BomModel], version: str, properties: Sequence[tuple[str, str]] = ()) -> str:
    """The CycloneDX 1.6 JSON document for the models, validated. Raises `MissingExtra` when
    cyclonedx-python-lib is not installed."""
    _imports()
    from cyclonedx.model import Property  # noqa: PLC0415
    from cyclonedx.model.bom import Bom  # noqa: PLC0415
    from cyclonedx.model.component import Component, ComponentType  # noqa: PLC0415
    from cyclonedx.output.json import JsonV1Dot6  # noqa: PLC0415
    from cyclonedx.schema import SchemaVersion  # noqa: PLC0415
    from cyclonedx.validation.json import JsonStrictValidator  # noqa: PLC0415

    bom = Bom()
    bom.metadata.tools.components.add(
        Component(type=ComponentType.APPLICATION, name="modelterms", version=version, group=None)
    )
    bom.metadata.properties.add(Property(name=f"{PROPERTY}:disclaimer", value=DISCLAIMER))
    for name, value in properties:
        bom.metadata.properties.add(Property(name=name, value=value))
    refs: set[str] = set()
    for model in models:
        bom.components.add(_component(model, refs))
    text: str = JsonV1Dot6(bom).output_as_string(indent=2)
    problem = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if problem is not None:  # pragma: no cover - a bug: what we build must be valid
        raise AssertionError(f"the CycloneDX document does not validate: {problem}")
    return text + "\n"


def profile_property(profile: Any) -> tuple[str, str]:
    """The service profile the verdicts were computed for, as one property (JSON)."""
    data = profile.model_dump(mode="json", exclude_none=True)
    return f"{PROPERTY}:profile", json.dumps(data, sort_keys=True, ensure_ascii=False)


# ---- what each command gives --------------------------------------------------------------


def found_model_bom(found: FoundModel, name: str | None = None) -> BomModel:
    """A model the resolver found: its own licences, and each model of its base chain as an ancestor."""
    own = found.id.lower()
    card = next((c for c in found.cards if c.repo_id.lower() == own), None)
    model = BomModel(name or found.id, repo=found.id if "/" in found.id else None, revision=card.sha if card else None)
    ancestors: dict[str, BomModel] = {}
    for entry in found.chain:
        if entry.id.lower() != own:
            ancestors.setdefault(entry.id.lower(), BomModel(entry.id, repo=entry.id))
    for other in found.cards:
        if other.repo_id.lower() != own:
            ancestors.setdefault(other.repo_id.lower(), BomModel(other.repo_id, repo=other.repo_id, revision=other.sha))
    for item in found.licenses:
        via = (item.via or found.id).lower()
        target = model if via == own else ancestors.setdefault(via, BomModel(item.via or via, repo=item.via))
        target.add_license(BomLicense.of(item.license))
    model.ancestors = list(ancestors.values())
    return model


def check_bom(report: Report, models: Sequence[str], resolver: Resolver, version: str) -> str:
    """`check --format cyclonedx`: each --model with its verdicts; the verdicts of licences named
    with --license are properties of the document."""
    from checker.diagnostics import Diagnostic  # noqa: PLC0415

    out = []
    for name in dict.fromkeys(models):
        found = resolver.model(name)
        if isinstance(found, Diagnostic):  # pragma: no cover - the check itself has raised it already
            continue
        model = found_model_bom(found)
        model.properties = verdict_properties([v for v in report.results if v.model == found.id])
        out.append(model)
    properties = [profile_property(report.profile)]
    properties += [
        (f"{PROPERTY}:license-verdict", f"{v.license}: {v.outcome.value}") for v in report.results if v.model is None
    ]
    return cyclonedx(out, version, properties)


def policy_bom(report: PolicyReport, resolver: Resolver, version: str) -> str:
    """`policy --format cyclonedx`: one component per entry of the policy and per model `discover:`
    found, with its verdicts (after waivers) and the places in the code that use it."""
    from checker.diagnostics import Diagnostic  # noqa: PLC0415

    groups: dict[int, list[Any]] = {}
    entries: dict[int, Any] = {}
    for finding in report.findings:
        groups.setdefault(id(finding.entry), []).append(finding)
        entries[id(finding.entry)] = finding.entry
    out = []
    for key, findings in groups.items():
        entry = entries[key]
        verdicts = [f.verdict for f in findings]
        model: BomModel
        found = resolver.model(entry.model) if entry.model else None
        if found is not None and not isinstance(found, Diagnostic):
            model = found_model_bom(found)
        else:
            model = BomModel(entry.label)
            for verdict in verdicts:
                via = verdict.model_via
                if via and entry.card:
                    ancestor = next((a for a in model.ancestors if a.name.lower() == via.lower()), None)
                    if ancestor is None:
                        ancestor = BomModel(via, repo=via if "/" in via else None)
                        model.ancestors.append(ancestor)
                    ancestor.add_license(BomLicense.of(resolver.catalogue.get(verdict.license)))
                else:
                    model.add_license(BomLicense.of(resolver.catalogue.get(verdict.license)))
        model.properties = verdict_properties(verdicts)
        model.properties += [(f"{PROPERTY}:waived", f"{f.verdict.license}: {c}") for f in findings for c in f.waived]
        model.occurrences = [(_relative(o.file), o.line, o.column, o.kind.value) for o in findings[0].occurrences]
        out.append(model)
    properties = [profile_property(report.profile), (f"{PROPERTY}:policy", _relative(report.path))]
    properties.append((f"{PROPERTY}:passed", "false" if report.failed else "true"))
    return cyclonedx(out, version, properties)


def scan_bom(
    rows: Iterable[tuple[str, tuple[str, ...], tuple[str, ...], Outcome]], resolver: Resolver, version: str
) -> str:
    """`scan --format cyclonedx`: each model with its own licences, its base models as ancestors
    (with their licences where the index knows them) and its outcome."""
    out = []
    for model_id, licences, bases, outcome in rows:
        model = BomModel(model_id, repo=model_id if "/" in model_id else None)
        for name in licences:
            ids = resolver.license_ids(name)
            if ids is None:
                model.add_license(BomLicense(name))
            else:
                for licence_id in ids:
                    model.add_license(BomLicense.of(resolver.catalogue.get(licence_id)))
        for base in bases:
            ancestor = BomModel(base, repo=base if "/" in base else None)
            for licence_id in resolver.base_model_license_ids(base) or []:
                ancestor.add_license(BomLicense.of(resolver.catalogue.get(licence_id)))
            model.ancestors.append(ancestor)
        model.properties = [(f"{PROPERTY}:outcome", outcome.value)]
        out.append(model)
    return cyclonedx(out, version)


def _relative(path: str) -> str:
    from checker.ci.formats import relative_path  # noqa: PLC0415

    return relative_path(path)
