"""The README's catalogue table is the catalogue: regenerated with MODELTERMS_UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
import re

from conftest import ROOT

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
        if lic.family:
            also = (also + ", " if also else "") + f"family `{lic.family}`"
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
