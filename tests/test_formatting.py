"""`modelterms fmt`: one canonical layout, comments and quotes kept byte for byte, meaning kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

import checker
from checker.language import formatter as formatting
from checker.language.formatter import format_text
from checker.resources import license_files

MESSY = """# Acme's licence, formalised.
license   acme-1.0   "Acme Model License"   licensor "Acme" # who grants it
 source "https://example.com/acme"
  verified   primary "written for the tests"
    alias acme ,acme-model
param mau_cap=700M users §2 "Caps"
      >   greater than 700 million monthly active users\x20\x20\x20
clause grant §1 > You may use the model.
 permits
# The commercial limits.


# (two comments, kept apart)
clause big §2 "Caps" >   If you have more than 700 million monthly active users,
  >you need a licence.
  when ( mau>mau_cap   # users now, not at release
   and commercial ) or any use in { weapons,malware }
  # why the weapons are here
  needs license from "Acme" note "n" ambiguous "a \\"quoted\\" word"
clause credit §3
  > Say “Built with Acme”.
  when not not distributes and derivative-name starts with "Acme" and mau in month before 2024-01-01 >= 5K
  must not endorse with names
# the end
"""

CANONICAL = """# Acme's licence, formalised.
license acme-1.0 "Acme Model License"
  licensor      "Acme"          # who grants it
  source        "https://example.com/acme"
  verified      primary "written for the tests"
  alias         acme, acme-model

param mau_cap = 700M users
  §2 "Caps"
  > greater than 700 million monthly active users

clause grant §1
  > You may use the model.
  permits

# The commercial limits.

# (two comments, kept apart)
clause big §2 "Caps"
  > If you have more than 700 million monthly active users,
  > you need a licence.
  # users now, not at release
  when (mau > mau_cap and commercial) or any use in {weapons, malware}
  # why the weapons are here
  needs license from "Acme"
  note "n"
  ambiguous "a \\"quoted\\" word"

clause credit §3
  > Say “Built with Acme”.
  when not not distributes and derivative-name starts with "Acme" and mau in month before 2024-01-01 >= 5K
  must not endorse with names

# the end
"""


def test_the_canonical_layout() -> None:
    assert format_text(MESSY, "messy.terms") == CANONICAL


def test_fmt_is_idempotent() -> None:
    assert format_text(CANONICAL, "c.terms") == CANONICAL


def test_the_formatted_file_means_the_same() -> None:
    assert checker.parse_license(CANONICAL, "a.terms") == checker.parse_license(MESSY, "b.terms")


def test_comments_inside_many_broken_conditions_stay_above_their_own_line() -> None:
    # Issue 14: joining a condition broken over lines looked the line up with `list.index` (each
    # comparison a dataclass equality): 1,000 clauses took 4 s, 2,000 15 s, 2 MB over 12 minutes.
    # benchmarks/hostile.py times it; here the layout of many joins must be the one of each alone.
    clause = "clause c{i} §{i}\n  > Words.\n  when (mau > {i}M   # users now\n   and commercial)\n  forbidden\n"
    header = CANONICAL.split("\nparam", maxsplit=1)[0]
    grant = "clause grant §1\n  > You may use the model.\n  permits\n"
    many = header + "\n" + grant + "".join(clause.format(i=i) for i in range(2, 600))
    expected = "".join(
        f"\nclause c{i} §{i}\n  > Words.\n  # users now\n  when (mau > {i}M and commercial)\n  forbidden\n"
        for i in range(2, 600)
    )
    assert format_text(many, "many.terms") == header + "\n" + grant + expected


def test_model_equality_ignores_spans_but_not_meaning() -> None:
    one, moved = checker.parse_license(CANONICAL, "a.terms"), checker.parse_license("\n\n" + CANONICAL, "b.terms")
    assert one == moved
    assert one.span != moved.span and one.clauses[0].span != moved.clauses[0].span
    changed = checker.parse_license(CANONICAL.replace(">= 5K", "> 5K"), "a.terms")
    assert changed != one


def test_comments_and_quote_words_are_kept_byte_for_byte() -> None:
    def kept(text: str) -> list[str]:
        lines = [line.strip() for line in text.splitlines()]
        comments = [line[line.index("#") :] for line in lines if "#" in line and not line.startswith(">")]
        quotes = [line[1:].strip() for line in lines if line.startswith(">")]
        return comments + quotes

    assert kept(format_text(MESSY, "m.terms")) == kept(
        MESSY.replace("§1 > You", "§1\n> You").replace('"Caps" >', '"Caps"\n>')
    )


def apply_unified_diff(text: str, diff: str) -> str:
    """Apply a unified diff (as `patch` would) to `text`: a check that the diff `fmt --check`
    prints is a correct one."""
    lines, out, at = text.splitlines(keepends=True), [], 0
    hunks = re.split(r"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@\n", diff, flags=re.MULTILINE)
    for start, length, body in zip(hunks[1::3], hunks[2::3], hunks[3::3], strict=True):
        begin = int(start) - (1 if length != "0" else 0)
        out += lines[at:begin]
        at = begin
        for line in body.splitlines(keepends=True):
            if line[0] in " -":
                assert lines[at] == line[1:], (at, line)
                at += 1
            if line[0] in " +":
                out.append(line[1:])
    return "".join(out + lines[at:])


@pytest.mark.parametrize("clauses", [0, 3, 400])
def test_the_diff_fmt_check_prints_turns_the_file_into_its_layout(tmp_path: Path, clauses: int) -> None:
    # Issue 14: difflib matched the two whole files (2,000 clauses: 15 s); the diff is now made item
    # by item, and must still be one that `patch` applies.
    extra = "".join(
        f"clause c{i} §{i}\n  > W.\n  when mau > {i}M and\n commercial\n  forbidden\n" for i in range(clauses)
    )
    (tmp_path / "m.terms").write_text(MESSY + extra, encoding="utf-8")
    run = run_cli("fmt", "--check", str(tmp_path / "m.terms"))
    assert run.code == 1, run.err
    assert apply_unified_diff(MESSY + extra, run.out) == format_text(MESSY + extra, "m.terms")


@pytest.mark.parametrize("file", license_files(), ids=lambda f: f.name)
def test_every_bundled_licence_is_formatted(file: object) -> None:
    text = file.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    assert format_text(text, f"licenses/{file.name}") == text  # type: ignore[attr-defined]


def test_fmt_check_shows_a_diff_and_exits_1(cli: object, tmp_path: Path) -> None:
    path = tmp_path / "acme.terms"
    path.write_text(MESSY, encoding="utf-8")
    run = run_cli("fmt", "--check", str(path))
    assert run.code == 1
    assert f"--- {path}\n+++ {path} (formatted)\n" in run.out
    assert '+  licensor      "Acme"          # who grants it\n' in run.out
    assert "1 of 1 licence file would be reformatted" in run.err
    assert path.read_text(encoding="utf-8") == MESSY  # --check writes nothing


def test_fmt_writes_the_canonical_layout(cli: object, tmp_path: Path) -> None:
    path = tmp_path / "acme.terms"
    path.write_text(MESSY, encoding="utf-8")
    run = run_cli("fmt", str(tmp_path))
    assert run.code == 0, run.err
    assert f"reformatted {path}" in run.out
    assert path.read_text(encoding="utf-8") == CANONICAL
    again = run_cli("fmt", "--check", str(tmp_path))
    assert again.code == 0 and again.out == ""
    assert "1 licence file already formatted" in again.err


def test_fmt_refuses_a_file_with_mistakes_and_leaves_it_alone(cli: object, tmp_path: Path) -> None:
    broken = CANONICAL.replace("permits\n", "prohibited\n", 1)
    path = tmp_path / "acme.terms"
    path.write_text(broken, encoding="utf-8")
    run = run_cli("fmt", str(path))
    assert run.code == 2
    assert "error[E104]: unknown effect 'prohibited'" in run.err
    assert path.read_text(encoding="utf-8") == broken


def test_fmt_of_the_catalogue_through_the_cli(cli: object) -> None:
    run = run_cli("fmt", "--check", str(ROOT / "licenses"))
    assert run.code == 0, run.out


def test_fmt_refuses_a_layout_that_would_change_the_meaning(monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulate a formatter bug: the layout it produced says `>` where the file says `>=`.
    real = formatting._render
    monkeypatch.setattr(formatting, "_render", lambda lines: real(lines).replace(">= 5K", "> 5K"))
    with pytest.raises(checker.LicenseFileError) as caught:
        format_text(CANONICAL, "c.terms")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "E150"
    assert diagnostic.message == "fmt would change what c.terms means, so it is left as it is"


def test_fmt_refuses_a_layout_that_would_change_a_comment(monkeypatch: pytest.MonkeyPatch) -> None:
    real = formatting._render
    monkeypatch.setattr(formatting, "_render", lambda lines: real(lines).replace("# the end", "# The end"))
    with pytest.raises(checker.LicenseFileError) as caught:
        format_text(CANONICAL, "c.terms")
    assert caught.value.diagnostics[0].code == "E150"


def _unformatted(path: Path) -> str:
    text = (ROOT / "licenses" / "mit.terms").read_text(encoding="utf-8").replace("\nclause ", "\nclause   ", 1)
    path.write_text(text, encoding="utf-8")
    return text


def test_fmt_checks_every_file_before_writing_the_first(tmp_path: Path) -> None:
    """A read-only file or a link out of the folder: exit 2, naming each, and no file is rewritten."""
    folder, outside = tmp_path / "licences", tmp_path / "elsewhere"
    folder.mkdir()
    outside.mkdir()
    first = _unformatted(folder / "a.terms")
    _unformatted(folder / "b.terms")
    (folder / "b.terms").chmod(0o444)
    target_text = _unformatted(outside / "target.terms")
    (folder / "c.terms").symlink_to(outside / "target.terms")
    run = run_cli("fmt", str(folder))
    assert run.code == 2, run.out
    assert "error[E004]: will not write" in run.err and "b.terms: it is read-only" in run.err
    assert "c.terms: it is a symbolic link" in run.err
    assert (folder / "a.terms").read_text(encoding="utf-8") == first  # nothing written before the refusal
    assert (outside / "target.terms").read_text(encoding="utf-8") == target_text
    (folder / "b.terms").chmod(0o644)


def test_fmt_keeps_hard_links_and_the_file_itself(tmp_path: Path) -> None:
    path = tmp_path / "a.terms"
    _unformatted(path)
    twin = tmp_path / "twin.terms.bak"
    twin.hardlink_to(path)
    inode = path.stat().st_ino
    run = run_cli("fmt", str(path))
    assert run.code == 0, run.err
    assert path.stat().st_ino == inode and path.stat().st_nlink == 2
    assert (
        twin.read_text(encoding="utf-8")
        == path.read_text(encoding="utf-8")
        == format_text(path.read_text(encoding="utf-8"), str(path))
    )
