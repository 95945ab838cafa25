"""The library API, pinned: `checker.__all__`, what each name is, and each function's signature.

A change here is a change for every program that imports modelterms: make it on purpose (and say
so in the README), never as a side effect of moving code.
"""

from __future__ import annotations

import inspect
import subprocess
import sys

import checker

CLASSES = {
    "Catalogue", "CheckerError", "CompiledLicense", "DiagnosticError", "Fact", "License", "LicenseFileError",
    "LicenseVerdict", "MissingFact", "Modality", "ModelEntry", "ModelIndex", "MonthlyActiveUsers",
    "ObligationItem", "ObligationKind", "Outcome", "ProfileError", "Reason", "ServiceProfile",
    "UnknownLicenseError", "UseCase",
}  # fmt: skip
STRINGS = {"DISCLAIMER", "__version__"}
SIGNATURES = {
    "catalogue": "(*folders: 'str | Path', bundled: 'bool' = True) -> 'Catalogue'",
    "check": "(licenses: 'str | Sequence[str]' = (), profile: 'ServiceProfile | Mapping[str, Any] | None' = None, "
    "*, models: 'str | Sequence[str]' = (), within: 'Catalogue | None' = None) -> 'list[LicenseVerdict]'",
    "compile_license": "(license: 'model.License') -> 'CompiledLicense'",
    "diff": "(before: 'model.License', after: 'model.License', budget: 'int' = 40000) -> 'LicenseDiff'",
    "evaluate": "(license: 'model.License', profile: 'ServiceProfile') -> 'LicenseVerdict'",
    "explain": "(license: 'model.License', profile: 'ServiceProfile') -> 'Explanation'",
    "flip_points": "(license: 'model.License', profile: 'ServiceProfile', *, space: 'Space | None' = None, "
    "verdict: 'LicenseVerdict | None' = None, max_changes: 'int | None' = None) -> 'tuple[Flip, ...]'",
    "load_license_file": "(path: 'str | Path') -> 'model.License'",
    "load_license_folder": "(path: 'str | Path') -> 'list[model.License]'",
    "load_profile": "(path: 'str | Path') -> 'ServiceProfile'",
    "parse_license": "(text: 'str', filename: 'str' = '<text>') -> 'model.License'",
    "standings": "(licenses: 'Sequence[model.License]', profile: 'ServiceProfile') -> 'tuple[Standing, ...]'",
    "terms_matrix": "(licenses: 'Sequence[model.License]', terms: 'Sequence[Term]' = (...)) -> 'TermsMatrix'",
}


def _signature(name: str) -> str:
    text = str(inspect.signature(getattr(checker, name)))
    # terms_matrix's default is every Term: its members are the Term enum's business, not the API's.
    return text if name != "terms_matrix" else text.split(" = (", maxsplit=1)[0] + " = (...)) -> 'TermsMatrix'"


def test_the_public_names_are_exactly_these() -> None:
    assert sorted(checker.__all__) == sorted(CLASSES | STRINGS | set(SIGNATURES))


def test_each_public_name_is_what_it_was() -> None:
    assert {n for n in CLASSES if not inspect.isclass(getattr(checker, n))} == set()
    assert {n for n in STRINGS if not isinstance(getattr(checker, n), str)} == set()
    assert {n: _signature(n) for n in SIGNATURES} == SIGNATURES


def test_the_lazy_names_load_on_first_use_only() -> None:
    # `import checker` must stay lean: the analyses and the model index load when first asked for.
    code = (
        "import sys, checker\n"
        "heavy = ('checker.analysis.compare', 'checker.analysis.flips', 'checker.lookup.models', 'yaml', 'lark')\n"
        "before = [m for m in heavy if m in sys.modules]\n"
        "checker.explain, checker.ModelIndex\n"
        "print(before, 'checker.analysis.flips' in sys.modules, 'checker.lookup.models' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "True", "True"]


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        checker.no_such_thing  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as error:
        assert "no_such_thing" in str(error)
    else:
        raise AssertionError("checker.no_such_thing resolved")
