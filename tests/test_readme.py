"""The README's catalogue table is the catalogue: regenerated with MODELTERMS_UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

from conftest import ROOT, run_cli

import checker

START, END = "<!-- catalogue:start -->", "<!-- catalogue:end -->"
LEVEL = {
    "primary": "licensor's own text",
    "copy": "verbatim copy",
    "secondary": "**secondary only — results undetermined**",
    "unverified": "**unverified — results undetermined**",
}


def catalogue_table() -> str:
    rows = ["| id | licence | licensor | also answers to | verified from |", "|---|---|---|---|---|"]
    for lic in sorted(checker.catalogue().licenses, key=lambda x: (x.family or x.id, x.id)):
        names = sorted({*lic.aliases, *lic.hf_tags, *([lic.spdx] if lic.spdx else [])} - {lic.id})
        also = ", ".join(f"`{n}`" for n in names)
        if lic.families:
            word = "family" if len(lic.families) == 1 else "families"
            also = (also + ", " if also else "") + f"{word} " + ", ".join(f"`{f}`" for f in lic.families)
        rows.append(f"| `{lic.id}` | {lic.name} | {lic.licensor} | {also} | {LEVEL[lic.verification.value]} |")
    return "\n".join(rows)


def test_readme_lists_the_catalogue() -> None:
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    block = f"{START}\n{catalogue_table()}\n{END}"
    if os.environ.get("MODELTERMS_UPDATE_GOLDEN"):
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
        path.write_text(text, encoding="utf-8")
    assert block in text, "README.md's catalogue table is out of date: run with MODELTERMS_UPDATE_GOLDEN=1"


def test_readme_shows_a_diagnostic_as_users_see_it(tmp_path: Path) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- diagnostic:start -->\n```console\n", 1)[1].split("```\n<!-- diagnostic:end -->", 1)[0]
    command, expected = block.split("\n", 1)
    assert command == "$ modelterms check --licenses-dir licenses/ -l acme-1.0"
    (tmp_path / "licenses").mkdir()
    example = (ROOT / "tests" / "golden" / "readme-example.terms").read_text(encoding="utf-8")
    (tmp_path / "licenses" / "acme.terms").write_text(example, encoding="utf-8")
    run = run_cli(*shlex.split(command)[2:], cwd=tmp_path)  # the command as printed, without `$ modelterms`
    assert run.code == 2
    assert run.err == expected
