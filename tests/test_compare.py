"""`modelterms compare` and `show`, and `checker.terms_matrix` / `checker.standings`: every cell comes
from a clause (its quote is the clause's), the Llama version changes show in the matrix, results
are best first, and each format is well-formed."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import run_cli

import checker
from checker.analysis.compare import Cell, Term
from checker.terms.vocabulary import Outcome

CATALOGUE = checker.catalogue()
LLAMAS = ["llama-2", "llama-3", "llama-3.1", "llama-3.2"]
PROFILE_FLAGS = [
    "--mau", "800M", "--domicile", "DE", "--use", "chatbot", "--commercial", "--serve", "--no-distribute",
    "--no-fine-tune", "--no-train-on-outputs", "--no-end-user", "--modality", "multimodal",
]  # fmt: skip


def cells(term: Term, licenses: list[str]) -> dict[str, Cell]:
    matrix = checker.terms_matrix([CATALOGUE.get(x) for x in licenses])
    row = dict(matrix.rows)[term]
    return {lic.id: cell for lic, cell in zip(matrix.licenses, row, strict=True)}


def test_matrix_shows_the_llama_version_changes() -> None:
    attribution = cells(Term.ATTRIBUTION, LLAMAS)
    assert attribution["llama-2"].items == ()  # Llama 2 has no display duty
    assert "“Built with Meta Llama 3”" in attribution["llama-3"].summary
    assert "“Built with Llama”" in attribution["llama-3.1"].summary
    naming = cells(Term.NAMING, LLAMAS)
    assert naming["llama-2"].items == ()
    assert naming["llama-3"].summary.startswith("§1.b.i: “Llama 3” when fine-tunes")
    assert naming["llama-3.1"].summary.startswith("§1.b.i: “Llama” when (fine-tunes or trains-on-outputs)")
    outputs = cells(Term.OUTPUTS, LLAMAS)
    assert "forbidden when trains-on-outputs" in outputs["llama-3"].summary
    assert "forbidden" not in outputs["llama-3.1"].summary
    domicile = cells(Term.DOMICILE, LLAMAS)
    assert domicile["llama-3.1"].items == ()
    assert "domicile in EU" in domicile["llama-3.2"].summary
    users = cells(Term.USERS, LLAMAS)
    assert "(measured in June 2024)" in users["llama-3.1"].summary
    assert "(measured in August 2024)" in users["llama-3.2"].summary
    assert "700,000,000" in users["llama-2"].summary


def test_every_cell_quote_is_its_clauses_quote() -> None:
    matrix = checker.terms_matrix(CATALOGUE.licenses)
    for _, row in matrix.rows:
        for license, cell in zip(matrix.licenses, row, strict=True):
            for item in cell.items:
                if item.clause is not None:
                    clause = license.clause(item.clause)
                    assert item.quote == clause.quote and item.section == clause.section


def test_matrix_commercial_scope_and_governing_law() -> None:
    commercial = cells(Term.COMMERCIAL, ["mistral-research", "apache-2.0", "cc-by-nc-4.0"])
    assert "when commercial" in commercial["mistral-research"].summary
    assert commercial["apache-2.0"].items == ()
    assert commercial["cc-by-nc-4.0"].items
    law = cells(Term.GOVERNING_LAW, ["llama-3.1", "mistral-research"])
    assert law["llama-3.1"].summary == CATALOGUE.get("llama-3.1").governing_law


def test_standings_are_best_first_and_flips_flip() -> None:
    profile = checker.ServiceProfile.model_validate(
        {"mau": 800_000_000, "domicile": "DE", "uses": ["chatbot"], "commercial": True, "serves": True,
         "distributes": False, "fine_tunes": False, "trains_on_outputs": False, "end_user": False,
         "modality": "multimodal"}
    )  # fmt: skip
    ranked = checker.standings(CATALOGUE.licenses, profile)
    severities = [s.verdict.outcome.severity for s in ranked]
    assert severities == sorted(severities, reverse=True)
    assert len(ranked) == len(CATALOGUE)
    by_id = {s.license.id: s for s in ranked}
    assert by_id["llama-3.1"].verdict.outcome is Outcome.NEEDS_LICENSE
    assert by_id["llama-3.2"].verdict.outcome is Outcome.FORBIDDEN
    for standing in ranked:
        if standing.flip is not None:
            assert checker.evaluate(standing.license, standing.flip.profile).outcome is standing.flip.outcome
            assert standing.flip.outcome is not standing.verdict.outcome


def test_cli_compare_matrix_text(cli: object) -> None:
    done = run_cli("compare", "--license", "llama-3", "--license", "llama-3.1")
    assert done.code == 0, done.err
    text = " ".join(done.out.split())
    assert "Built with Meta Llama 3" in text and "Built with Llama" in text
    assert checker.DISCLAIMER in done.out


def test_cli_compare_family_and_unknown(cli: object) -> None:
    data = json.loads(run_cli("compare", "-l", "llama", "-f", "json").out)
    assert [x["id"] for x in data["licenses"]] == [lic.id for lic in CATALOGUE.families["llama"]]
    done = run_cli("compare", "-l", "lama-3")
    assert done.code == 2 and "did you mean" in done.err


def test_cli_compare_markdown(cli: object) -> None:
    out = run_cli("compare", "-l", "llama-3.1", "-l", "llama-3.2", "-f", "markdown").out
    lines = out.splitlines()
    assert lines[0] == "| term | `llama-3.1` | `llama-3.2` |"
    assert lines[1] == "|---|---|---|"
    rows = [line for line in lines if line.startswith("| ")]
    assert len(rows) == 1 + len(Term)
    assert all(line.count(" | ") >= 2 for line in rows)
    assert checker.DISCLAIMER in out


def test_cli_compare_csv(cli: object) -> None:
    out = run_cli("compare", "-l", "llama-3.1", "-l", "apache-2.0", "-f", "csv").out
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["term", "llama-3.1", "apache-2.0"]
    assert [r[0] for r in rows[1:]] == [t.value for t in Term]
    attribution = next(r for r in rows if r[0] == "attribution")
    assert "Built with Llama" in attribution[1] and attribution[2] == ""


class _Assets(HTMLParser):
    """Collects what a page would fetch: scripts from elsewhere, stylesheets, images, frames (an
    inline script, which fetches nothing, is not counted)."""

    def __init__(self) -> None:
        super().__init__()
        self.fetches: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if (
            tag in ("iframe", "img", "link")
            or names.get("src")
            or names.get("href", "#").split(":")[0] in ("http", "https")
        ):
            self.fetches.append(tag)


@pytest.mark.parametrize("with_profile", [False, True])
def test_cli_compare_html_is_one_self_contained_page(cli: object, with_profile: bool) -> None:
    args = ["compare", "-l", "llama-3.1", "-l", "llama-3.2", "-f", "html"]
    page = run_cli(*args, *(PROFILE_FLAGS if with_profile else [])).out
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    parser = _Assets()
    parser.feed(page)
    assert parser.fetches == []
    assert "url(" not in page and "@import" not in page
    assert "fetch(" not in page and "XMLHttpRequest" not in page and "http://" not in page.split("<script>")[-1]
    # The quotes are beside the cells.
    quote = CATALOGUE.get("llama-3.2").clause("eu-multimodal").quote
    assert f"<blockquote>“{quote}”</blockquote>" in page
    assert checker.DISCLAIMER in page


def test_cli_compare_with_a_profile(cli: object) -> None:
    done = run_cli("compare", "-l", "llama", "-l", "apache-2.0", *PROFILE_FLAGS)
    assert done.code == 0, done.err
    order = re.findall(r"│ (llama-[0-9.]+|apache-2\.0)\s+│ ([a-z-]+)", done.out)
    assert order[0] == ("apache-2.0", "permitted")
    assert ("llama-3.1", "needs-license") in order
    assert "at mau in 2024-06 ≤ 700,000,000" in " ".join(done.out.split())
    data = json.loads(run_cli("compare", "-l", "llama-3.2", *PROFILE_FLAGS, "-f", "json").out)
    (result,) = data["results"]
    assert result["outcome"] == "forbidden"
    assert result["deciding"][0]["section"] == "AUP"
    assert result["flip"]["changes"][0]["fact"] == "domicile"
    assert data["profile"]["domicile"] == "DE"


def test_cli_compare_output_file(cli: object, tmp_path: Path) -> None:
    target = tmp_path / "terms.html"
    done = run_cli("compare", "-l", "gemma", "-f", "html", "-o", str(target))
    assert done.code == 0 and done.out == ""
    assert "Gemma" in target.read_text(encoding="utf-8")


def test_cli_show(cli: object) -> None:
    done = run_cli("show", "llama3.2")
    assert done.code == 0, done.err
    license = CATALOGUE.get("llama-3.2")
    text = " ".join(done.out.split())
    assert text.startswith("llama-3.2 — Llama 3.2 Community License Agreement")
    for clause in license.clauses:
        assert f"[{clause.id}]" in done.out
        assert " ".join(clause.quote.split())[:80] in text
    assert "meaning: forbidden when the model is multimodal and the licensee is domiciled in EU" in text
    assert "mau_cap = 700,000,000 users (§2)" in text
    assert checker.DISCLAIMER in done.out


def test_cli_show_json_and_unknown(cli: object) -> None:
    data = json.loads(run_cli("show", "apache-2.0", "-f", "json").out)
    assert data["license"]["id"] == "apache-2.0"
    assert all("meaning" in c and "words" in c for c in data["license"]["clauses"])
    done = run_cli("show", "apache-2")
    assert done.code == 2 and "unknown licence 'apache-2'" in done.err and "Traceback" not in done.err
