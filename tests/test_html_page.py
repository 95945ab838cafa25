"""`compare --format html` in a real browser: Playwright drives a Chromium — the system's `chromium`
(Playwright's own browser download is not reachable from every machine), else one Playwright has
installed. Where neither exists, every test here is skipped with a message that says what to install.

What is checked is what a reader meets: up to six licences fit a 1280 px window; the whole catalogue
scrolls inside its frame with the header row and the term column in view; the search box and the
outcome filter; every licence's verdict on the page, equal to the JSON answer; print without the
controls; and no request leaves the file.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

# The flags the machine needs for a headless Chromium started as root, with no network around it.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTH = 1280
PROFILE = ("--mau", "2M", "--commercial", "--serve", "--domicile", "DE", "--use", "chatbot")


def _system_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return os.environ.get("MODELTERMS_CHROMIUM") or None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as driver:
        executable = _system_chromium()
        try:
            launched = driver.chromium.launch(executable_path=executable, args=ARGS)
        except Exception as error:  # no browser at all: Playwright says what is missing
            pytest.skip(
                "no Chromium to run the page in: install the system's (`apt-get install chromium`) or "
                f"Playwright's (`playwright install chromium`); {str(error).splitlines()[0]}"
            )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": WIDTH, "height": 900})
    opened = context.new_page()
    outside: list[str] = []
    opened.route("**/*", lambda route: (outside.append(route.request.url), route.abort()))
    opened.outside = outside
    yield opened
    context.close()


def _compare(tmp_path: Path, name: str, *args: str) -> Path:
    out = tmp_path / name
    run = run_cli("compare", *args, "--format", "html", "--output", str(out))
    assert run.code == 0 and out.is_file(), run.err
    return out


def _open(page: Any, path: Path) -> None:
    page.route("file://**", lambda route: route.continue_())
    page.goto(path.as_uri())
    assert page.outside == [], f"the page asked for {page.outside}: it must be self-contained"


def _scroll_width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


@pytest.mark.parametrize("licences", [["llama-3.1", "gemma", "qwen", "apache-2.0"], ["llama-3.1", "llama-3.2",
                         "gemma", "qwen", "mistral-research", "deepseek"]])  # fmt: skip
def test_up_to_six_licences_fit_1280_px_with_every_column_in_view(
    page: Any, tmp_path: Path, licences: list[str]
) -> None:
    _open(page, _compare(tmp_path, "few.html", *(a for lic in licences for a in ("-l", lic))))
    assert _scroll_width(page) <= WIDTH
    frame = page.locator(".frame")
    assert frame.evaluate("f => f.scrollWidth <= f.clientWidth"), "the table scrolls sideways in its frame"
    heads = page.locator("thead th.licence")
    assert heads.count() == len(licences)
    for i in range(len(licences)):
        box = heads.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (licences[i], box)


def test_the_whole_catalogue_keeps_its_headers_in_view_and_filters(page: Any, tmp_path: Path) -> None:
    _open(page, _compare(tmp_path, "all.html"))
    assert _scroll_width(page) <= WIDTH  # the frame scrolls, not the page
    frame = page.locator(".frame")
    before_corner = page.locator("thead th.corner").bounding_box()
    frame.evaluate("f => { f.scrollLeft = 4000; f.scrollTop = 3000; }")
    corner = page.locator("thead th.corner").bounding_box()
    frame_box = frame.bounding_box()
    assert corner == pytest.approx(before_corner, abs=1), "the corner cell moved with the scroll"
    # A column header still at the frame's top, a row label still at its left edge.
    some_head = page.locator("thead th.licence").nth(20).bounding_box()
    assert some_head is not None and frame_box is not None
    assert abs(some_head["y"] - frame_box["y"]) <= 2, (some_head, frame_box)
    visible_row = page.locator("tbody tr").nth(8).locator("th").bounding_box()
    assert visible_row is not None and abs(visible_row["x"] - frame_box["x"]) <= 2

    page.fill("#filter-licences", "llama")
    shown = page.locator("thead th.licence:not([hidden])")
    ids = [shown.nth(i).inner_text().splitlines()[0] for i in range(shown.count())]
    catalogue = json.loads(run_cli("list", "--format", "json").out)["licenses"]
    wanted = [e["id"] for e in catalogue if "llama" in " ".join((e["id"], e["name"], e["licensor"])).lower()]
    assert wanted and ids == wanted
    # Every row keeps exactly the filtered licences' cells.
    assert page.locator("tbody tr").first.locator("td:not([hidden])").count() == len(wanted)
    assert page.locator(".count").inner_text() == f"{len(wanted)} of {len(catalogue)} licences"
    expected_layout = "fit" if len(wanted) <= 6 else "wide"
    assert expected_layout in (frame.get_attribute("class") or "").split()
    page.fill("#filter-licences", "apache-2.0")
    assert "fit" in (frame.get_attribute("class") or "").split() and _scroll_width(page) <= WIDTH
    assert frame.evaluate("f => f.scrollWidth <= f.clientWidth")

    page.fill("#filter-licences", "")
    page.fill("#filter-terms", "governing law")
    rows = page.locator("tbody tr:not([hidden])")
    assert 1 <= rows.count() < page.locator("tbody tr").count()


def test_every_licence_verdict_is_on_the_page_and_equals_the_json_answer(page: Any, tmp_path: Path) -> None:
    answer = json.loads(run_cli("compare", *PROFILE, "--format", "json").out)
    outcomes = {r["license"]: r["outcome"] for r in answer["results"]}
    _open(page, _compare(tmp_path, "standings.html", *PROFILE))
    assert _scroll_width(page) <= WIDTH
    # Each row's verdict cell, scrolled into view in the browser itself (one call, not five round
    # trips a row): its text, its box, and whether it is what a reader sees at its centre (not
    # hidden, and not covered by the sticky headers).
    seen = page.evaluate(
        """() => [...document.querySelectorAll("tbody tr")].map((row) => {
            const cell = row.querySelector("td");
            cell.scrollIntoView({block: "center", inline: "nearest"});
            const box = cell.getBoundingClientRect();
            const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
            return {
                licence: row.querySelector("th").innerText.split("\\n")[0],
                text: cell.innerText,
                right: box.x + box.width,
                shown: box.width > 0 && box.height > 0 && getComputedStyle(cell).visibility !== "hidden"
                    && top !== null && cell.contains(top),
            };
        })"""
    )
    assert len(seen) == len(outcomes)
    for row in seen:
        assert row["shown"] and row["text"] == outcomes[row["licence"]], row
        assert row["right"] <= WIDTH, row
    # The profile reads as facts, with the flags that give it.
    profile = page.locator(".profile").inner_text()
    assert "Monthly active users" in profile and "2,000,000" in profile and "--domicile DE" in profile
    assert "{" not in profile  # not raw JSON

    page.select_option("#filter-outcome", "conditional")
    shown = page.locator("tbody tr:not([hidden])")
    assert shown.count() == sum(o == "conditional" for o in outcomes.values())
    page.select_option("#filter-outcome", "")
    page.fill("#filter-licences", "gemma")
    names = {r["license"]: r["name"] for r in answer["results"]}
    wanted = [k for k in outcomes if "gemma" in f"{k} {names[k]} {outcomes[k]}".lower()]
    shown = page.locator("tbody tr:not([hidden]) th")
    assert wanted and [shown.nth(i).inner_text().splitlines()[0] for i in range(shown.count())] == wanted


def test_printed_the_controls_go_and_the_frame_unrolls(page: Any, tmp_path: Path) -> None:
    _open(page, _compare(tmp_path, "print.html", "-l", "llama", "-l", "gemma"))
    page.emulate_media(media="print")
    assert not page.locator(".controls").is_visible()
    assert page.locator(".frame").evaluate("f => getComputedStyle(f).overflow") == "visible"
    assert page.locator("thead").evaluate("t => getComputedStyle(t).display") == "table-header-group"
    assert "not legal advice" in page.locator(".disclaimer").inner_text()
