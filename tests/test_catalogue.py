"""The bundled catalogue: literate, sourced, and every name resolves."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import CORE_LICENSES, run_cli

import checker

CATALOGUE = checker.catalogue()
LICENSES = CATALOGUE.licenses
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("license", LICENSES, ids=[lic.id for lic in LICENSES])
def test_every_clause_is_sourced_and_quoted(license: checker.License) -> None:
    assert license.sources and all(s.startswith("https://") for s in license.sources)
    assert license.verification_note.strip()
    for clause in license.clauses:
        assert clause.section.strip(), clause.id
        assert len(clause.quote.split()) >= 3, f"{license.id}/{clause.id}: the quote is too short to be a quote"
        assert len(clause.quote.split()) <= 150, f"{license.id}/{clause.id}: quote a short passage, not the text"
    for parameter in license.parameters:
        assert parameter.section and parameter.quote


@pytest.mark.parametrize("license", LICENSES, ids=[lic.id for lic in LICENSES])
def test_every_parameter_is_used(license: checker.License) -> None:
    text = (ROOT / "licenses" / f"{license.id}.terms").read_text(encoding="utf-8")
    for parameter in license.parameters:
        uses = re.findall(rf"\b{re.escape(parameter.name)}\b", text)
        assert len(uses) >= 2, f"{license.id}: parameter {parameter.name} is never used"


def test_file_names_are_the_licence_ids() -> None:
    files = {p.stem for p in (ROOT / "licenses").glob("*.terms")}
    assert files == {lic.id for lic in LICENSES}


def test_the_issue_catalogue_is_present() -> None:
    ids = {lic.id for lic in LICENSES}
    assert ids >= CORE_LICENSES


def test_family_resolves_to_every_version_oldest_first() -> None:
    resolved = [r.license.id for r in CATALOGUE.resolve(["llama"])]
    assert resolved == ["llama-2", "llama-3", "llama-3.1", "llama-3.2", "llama-3.3", "llama-4"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("llama3.1", ["llama-3.1"]),
        ("LLAMA3.2", ["llama-3.2"]),
        ("llama4", ["llama-4"]),
        ("Apache-2.0", ["apache-2.0"]),
        ("MIT", ["mit"]),
        ("gpt-oss", ["gpt-oss-usage-policy", "apache-2.0"]),
        ("mrl", ["mistral-research"]),
        ("mnpl", ["mistral-non-production"]),
        ("deepseek-license-1.0", ["deepseek"]),
        ("deepseek-license", ["deepseek"]),
        ("opt", ["opt-175b"]),
        ("health-ai-developer-foundations", ["health-ai-developer-foundations"]),
        ("HAI-DEF", ["health-ai-developer-foundations"]),
        ("modified-mit", ["kimi-k2-modified-mit", "minimax-m2-modified-mit"]),
        ("internlm", ["internlm"]),
        ("lfm1.0", ["lfm-open-1.0"]),
        (
            "tencent-hunyuan-community",
            [
                "tencent-hunyuan-community-2024-05",
                "tencent-hunyuan-community-2024-12",
                "tencent-hunyuan-video",
                "tencent-hunyuan-3d-2.1",
            ],
        ),
        ("gpl", ["gpl-2.0", "gpl-3.0"]),
        ("lgpl", ["lgpl-2.1", "lgpl-3.0"]),
        ("GPL-3.0-or-later", ["gpl-3.0"]),
        ("AGPL-3.0-only", ["agpl-3.0"]),
        ("LGPLLR", ["lgpl-lr"]),
        ("gfdl", ["gfdl-1.3"]),
        ("eupl-1.2", ["eupl-1.2"]),
        ("epl", ["epl-1.0", "epl-2.0"]),
        ("bsd", ["bsd-2-clause", "bsd-3-clause", "bsd-3-clause-clear"]),
        ("Zlib", ["zlib"]),
    ],
)
def test_names_resolve(name: str, expected: list[str]) -> None:
    assert [r.license.id for r in CATALOGUE.resolve([name])] == expected


def test_a_licence_named_twice_is_checked_once() -> None:
    assert [r.license.id for r in CATALOGUE.resolve(["llama-3.1", "llama3.1"])] == ["llama-3.1"]


def test_unknown_names_are_all_reported_with_suggestions() -> None:
    with pytest.raises(checker.UnknownLicenseError) as caught:
        CATALOGUE.resolve(["gema", "lama-3.1", "mit"])
    rendered = caught.value.render()
    assert "unknown licence 'gema'" in rendered and "did you mean 'gemma'" in rendered
    assert "unknown licence 'lama-3.1'" in rendered and "'llama-3.1'" in rendered
    assert rendered.endswith("found 2 errors")


def test_duplicate_ids_across_folders_are_refused(tmp_path: Path) -> None:
    (tmp_path / "mine.terms").write_text(
        'license my-mit "Mine"\n  licensor "Me"\n  alias MIT\n  source "https://example.com"\n'
        '  verified primary "t"\nclause grant §1\n  > You may use it.\n  permits\n',
        encoding="utf-8",
    )
    with pytest.raises(checker.LicenseFileError) as caught:
        checker.catalogue(tmp_path)
    assert "licence id or alias 'MIT' is used twice" in caught.value.render()


def test_readme_library_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(.*?)```", readme, re.S)
    exec(compile(example, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "llama-3.1 needs-license" in out
    assert "apache-2.0" in out


def test_a_licence_may_belong_to_a_wider_family(tmp_path: Path) -> None:
    for version in ("1.0", "2.0"):
        (tmp_path / f"x-by-{version}.terms").write_text(
            f'license x-by-{version} "X BY {version}"\n  licensor "X"\n  family x-by, x\n'
            f'  effective 202{version[0]}-01-01\n  source "https://example.com"\n  verified primary "t"\n'
            "clause grant §1\n  > You may use it.\n  permits\n",
            encoding="utf-8",
        )
    (tmp_path / "x-nc-1.0.terms").write_text(
        'license x-nc-1.0 "X NC"\n  licensor "X"\n  family x-nc, x\n  effective 2025-01-01\n'
        '  source "https://example.com"\n  verified primary "t"\nclause grant §1\n  > You may use it.\n  permits\n',
        encoding="utf-8",
    )
    catalogue = checker.catalogue(tmp_path)
    assert [r.license.id for r in catalogue.resolve(["x"])] == ["x-by-1.0", "x-by-2.0", "x-nc-1.0"]
    assert [r.license.id for r in catalogue.resolve(["x-by"])] == ["x-by-1.0", "x-by-2.0"]
    assert catalogue.get("x-nc-1.0").family == "x-nc"
    listed = run_cli("list", "--licenses-dir", str(tmp_path), "--family", "x", "--format", "json")
    assert {row["id"] for row in json.loads(listed.out)["licenses"]} == {"x-by-1.0", "x-by-2.0", "x-nc-1.0"}
