"""Profiles: strict YAML, positions and YAML paths in every error, flags over files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import checker
from checker.inputs.yamlfile import load_yaml


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_1_1_coercions_do_not_happen(tmp_path: Path) -> None:
    profile = checker.load_profile(write(tmp_path, "domicile: NO\nmarkets: [on, DE]\n".replace("on, ", "")))
    assert profile.domicile == "NO"  # Norway, not false
    document = load_yaml("a: on\nb: yes\nc: 2024-06-01\nd: true\n", "x.yaml")
    assert document.data == {"a": "on", "b": "yes", "c": "2024-06-01", "d": True}


def test_a_full_profile_file(tmp_path: Path) -> None:
    profile = checker.load_profile(
        write(
            tmp_path,
            "mau:\n  current: 800_000_000\n  2024-06: 650000000\nrevenue: 12000000\ndomicile: de\n"
            "markets: [DE, US, EU]\nuses: [chatbot, code-assistant]\nmodality: text\ncommercial: true\n"
            "fine-tunes: false\nderivative_name: Llama-Acme\n",
        )
    )
    assert profile.mau is not None and profile.mau.current == 800_000_000
    assert profile.mau.in_month("2024-06") == (650_000_000, False)
    assert profile.mau.in_month("2023-06") == (800_000_000, True)
    assert profile.domicile == "DE"
    assert profile.fine_tunes is False
    assert profile.uses == (checker.UseCase.CHATBOT, checker.UseCase.CODE_ASSISTANT)


def test_errors_name_file_line_column_and_path(tmp_path: Path) -> None:
    path = write(tmp_path, "mau: 10\ndomicile: NO\nmarkets: [DE, XX]\nuses: [chatbot, militry]\ncomercial: true\n")
    with pytest.raises(checker.ProfileError) as caught:
        checker.load_profile(path)
    rendered = caught.value.render()
    assert f"{path}:3:15: error[E210]: markets[1]: unknown region 'XX'" in rendered
    assert f"{path}:4:17: error[E210]: uses[1]: 'militry' is not one of the allowed values" in rendered
    assert "did you mean 'military'?" in rendered
    assert f"{path}:5:1: error[E211]: unknown field 'comercial'" in rendered
    assert "did you mean 'commercial'?" in rendered
    assert rendered.endswith("found 3 errors")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a: 1\na: 2\n", "E202"),
        ("a: [1, 2\nb: 3\n", "E200"),
        ("mau: -5\n", "E210"),
        ("revenue: .nan\n", "E210"),
        ("mau: {2024-13: 5}\n", "E210"),
        ("- just\n- a list\n", "E210"),
    ],
)
def test_bad_profiles_are_diagnosed(tmp_path: Path, text: str, code: str) -> None:
    with pytest.raises(checker.ProfileError) as caught:
        checker.load_profile(write(tmp_path, text))
    assert caught.value.diagnostics[0].code == code


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(checker.ProfileError) as caught:
        checker.load_profile(write(tmp_path, "\n".join(lines) + "\n"))
    assert caught.value.diagnostics[0].code == "E201"


def test_library_check_accepts_a_mapping_and_reports_bad_values() -> None:
    with pytest.raises(checker.ProfileError) as caught:
        checker.check("llama-3.1", {"domicile": "Germany"})
    assert "unknown region 'Germany'" in caught.value.render()


SAMPLES = [
    "mau:\n  current: 800_000_000\n  2024-06: 650000000\nuses: [chatbot, 'x']\ncommercial: true\n",
    "a: &a {b: [1, 2.5, ~, NO]}\nc: *a\n? [k]\n: v\nd: |\n  block\n",
    "- ü: 'ß'\n- \"\\u00e9\"\n",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_the_c_and_python_parsers_give_the_same_document(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    if getattr(yaml, "CSafeLoader", None) is None:
        pytest.skip("PyYAML without libyaml")
    with_c = load_yaml(text, "x.yaml")
    monkeypatch.delattr(yaml, "CSafeLoader")
    pure = load_yaml(text, "x.yaml")
    assert (with_c.data, with_c.spans, with_c.key_spans) == (pure.data, pure.spans, pure.key_spans)
