"""`compare --format html`: one self-contained page (no network: its CSS and script are inline) that
people can share — the terms matrix, or a profile's standings.

What the page is built to do, and `tests/test_html_page.py` checks in a real browser: up to
`FIT_COLUMNS` licences fit a 1280 px window with no horizontal scrolling (the columns share the width,
long words and URLs wrap); more licences scroll inside a frame whose header row and term column stay
in view (sticky, both ways); a search box filters the licences (and the matrix's terms), switching back
to the fitted layout once few enough are left; the profile reads as a list of facts, with the `check`
flags that give it; and printed, the controls go and the frames unroll, the header row repeated on
every page.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from checker.analysis.compare import Standing, TermsMatrix
from checker.analysis.space import Axis
from checker.evaluation.profile import MonthlyActiveUsers, ServiceProfile
from checker.terms.verdict import DISCLAIMER
from checker.terms.vocabulary import Fact

FIT_COLUMNS = 6
"""Licences shown side by side in the window's width; more scroll sideways in the frame."""

_CSS = """
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 0 1.5rem; color: #1b1b1b; }
h1 { font-size: 1.35rem; margin: 1rem 1.25rem .4rem; }
.lead, .disclaimer, .profile, .controls { margin: .4rem 1.25rem; }
.disclaimer { color: #555; }
.controls { display: flex; flex-wrap: wrap; gap: .6rem 1.2rem; align-items: center; }
.controls input, .controls select { font: inherit; padding: .25em .45em; }
.controls input[type=search] { width: 16rem; max-width: 100%; }
.count { color: #555; }
.profile dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .3rem 0; }
.profile dt { font-weight: 600; } .profile dd { margin: 0; }
.profile .open { color: #777; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
.frame { margin: .6rem 1.25rem 0; overflow: auto; max-height: calc(100vh - 1.5rem); border: 1px solid #c8c8c8; }
table { border-collapse: separate; border-spacing: 0; table-layout: fixed; }
.fit table { width: 100%; }
.wide table { width: max-content; }
.wide td, .wide thead th.licence { width: 17rem; }
th, td { border: solid #c8c8c8; border-width: 0 1px 1px 0; padding: .45em .6em; vertical-align: top;
  text-align: left; overflow-wrap: anywhere; background: #fff; }
thead th { background: #f0f0f0; position: sticky; top: 0; z-index: 2; }
tbody th[scope=row] { background: #fafafa; position: sticky; left: 0; z-index: 1; width: 11rem; }
thead th.corner { left: 0; z-index: 3; width: 11rem; }
table.standings th.outcome { width: 8.5rem; }
table.standings th.corner { width: 12rem; }
small { color: #555; font-weight: normal; }
.item { margin-bottom: .6em; }
.sec { font-weight: 600; }
blockquote { margin: .25em 0 0; padding-left: .6em; border-left: 3px solid #bbb; color: #444; font-style: italic; }
.none { color: #888; }
.o-forbidden { color: #b00020; font-weight: 700; } .o-needs-license { color: #8a1c7c; font-weight: 700; }
.o-undetermined { color: #8a6d00; font-weight: 700; } .o-conditional { color: #00607a; font-weight: 700; }
.o-permitted { color: #1b7a1b; font-weight: 700; }
[hidden] { display: none !important; }
@media print {
  body { font-size: 9.5pt; margin: 0; }
  .controls { display: none; }
  .frame { overflow: visible; max-height: none; border: 0; margin: 0; }
  .wide table, .fit table { width: 100%; }
  .wide td, .wide thead th.licence { width: auto; }
  thead th, tbody th[scope=row] { position: static; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  blockquote { color: #000; }
}
"""

# Filters the licences (columns of the matrix, rows of the standings) and the matrix's terms; with
# few enough licences left, the fitted layout comes back. Plain DOM, no library: the page is offline.
_SCRIPT = """
(function () {
  var frame = document.querySelector('.frame'), table = frame.querySelector('table');
  var byLicence = document.getElementById('filter-licences'), byTerm = document.getElementById('filter-terms');
  var byOutcome = document.getElementById('filter-outcome'), count = document.querySelector('.count');
  var fit = %(fit)d, matrix = table.classList.contains('terms');
  function norm(s) { return (s || '').toLowerCase(); }
  function apply() {
    var q = norm(byLicence.value).trim(), shown = 0, total = 0;
    if (matrix) {
      var keep = [];
      table.querySelectorAll('thead th.licence').forEach(function (th) {
        var ok = !q || norm(th.dataset.search).indexOf(q) >= 0;
        th.hidden = !ok; keep.push(ok); total++; if (ok) shown++;
      });
      var t = byTerm ? norm(byTerm.value).trim() : '';
      table.querySelectorAll('tbody tr').forEach(function (tr) {
        tr.querySelectorAll('td').forEach(function (td, i) { td.hidden = !keep[i]; });
        tr.hidden = !!t && norm(tr.textContent).indexOf(t) < 0;
      });
    } else {
      var o = byOutcome ? byOutcome.value : '';
      table.querySelectorAll('tbody tr').forEach(function (tr) {
        var ok = (!q || norm(tr.dataset.search).indexOf(q) >= 0) && (!o || tr.dataset.outcome === o);
        tr.hidden = !ok; total++; if (ok) shown++;
      });
    }
    count.textContent = shown === total ? total + ' licences' : shown + ' of ' + total + ' licences';
    if (matrix) { frame.classList.toggle('fit', shown <= fit); frame.classList.toggle('wide', shown > fit); }
  }
  [byLicence, byTerm, byOutcome].forEach(function (el) { if (el) el.addEventListener('input', apply); });
  apply();
})();
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _page(title: str, lead: str, body: str, script: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>{_e(title)}</h1>\n"
        f'<p class="disclaimer">{_e(DISCLAIMER)}</p>\n<p class="lead">{lead}</p>\n{body}\n'
        f"<script>{script}</script>\n</body>\n</html>\n"
    )


def _quoted(section: str | None, text: str, quote: str | None) -> str:
    head = f'<span class="sec">§{_e(section)}</span> ' if section else ""
    block = f"<blockquote>“{_e(quote)}”</blockquote>" if quote else ""
    return f'<div class="item">{head}{_e(text)}{block}</div>'


def _search_text(*parts: str | None) -> str:
    return _e(" ".join(p for p in parts if p).lower())


def matrix_html(matrix: TermsMatrix) -> str:
    """Terms as rows, licences as columns; every cell read from the clauses, quotes beside them."""
    heads = "".join(
        f'<th scope="col" class="licence" data-search="{_search_text(lic.id, lic.name, lic.licensor)}">'
        f"{_e(lic.id)}<br><small>{_e(lic.name)}</small></th>"
        for lic in matrix.licenses
    )
    rows = []
    for term, cells in matrix.rows:
        tds = []
        for cell in cells:
            if cell.items:
                tds.append("<td>" + "".join(_quoted(i.section, i.text, i.quote) for i in cell.items) + "</td>")
            elif cell.summary:
                tds.append(f"<td>{_e(cell.summary)}</td>")
            else:
                tds.append('<td class="none">— no clause</td>')
        rows.append(f'<tr><th scope="row">{_e(term.heading)}</th>{"".join(tds)}</tr>')
    layout = "fit" if len(matrix.licenses) <= FIT_COLUMNS else "wide"
    controls = (
        '<div class="controls">'
        '<label>Licences <input type="search" id="filter-licences" placeholder="id, name or licensor"></label>'
        '<label>Terms <input type="search" id="filter-terms" placeholder="words in a row"></label>'
        f'<span class="count">{len(matrix.licenses)} licences</span></div>'
    )
    table = (
        f'<div class="frame {layout}"><table class="terms">\n<thead><tr><th scope="col" class="corner">term</th>'
        f"{heads}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table></div>"
    )
    lead = "Every cell is read from the licence's clauses, each beside its section and verbatim quote."
    return _page("modelterms compare", lead, controls + "\n" + table, _SCRIPT % {"fit": FIT_COLUMNS})


def _fact_value(value: object) -> str:
    match value:
        case MonthlyActiveUsers(current=current, by_month=by_month):
            parts = [f"{current:,}"] if current is not None else []
            parts += [f"{users:,} in {month}" for month, users in by_month.items()]
            return "; ".join(parts)
        case bool():
            return "yes" if value else "no"
        case tuple():
            return ", ".join(str(v) for v in value) or "none"
        case int():
            return f"{value:,}"
        case _:
            return str(value)


def _described(fact: Fact) -> str:
    """The profile field's own description of a fact ("Monthly active users."), else its name."""
    name = fact.value.replace("-", "_")
    for field in (name, name + "s"):
        info = ServiceProfile.model_fields.get(field)
        if info is not None and info.description and info.description[0].isupper():
            return info.description.rstrip(".")
    return Axis(fact).label


def profile_html(profile: ServiceProfile, flags: str) -> str:
    """The profile as facts in words, the facts left open named, and the flags that give it."""
    given, open_facts = [], []
    for fact in Fact:
        axis = Axis(fact)
        value = profile.value_of(fact)
        if value is None:
            open_facts.append(axis.label)
        else:
            given.append(f"<dt>{_e(_described(fact))}</dt><dd>{_e(_fact_value(value))}</dd>")
    rows = "".join(given) or "<dt>no facts given</dt><dd></dd>"
    left = f'<p class="open">Not given (a clause that needs one says so): {_e(", ".join(open_facts))}.</p>'
    return (
        f'<section class="profile"><h2>Profile</h2><dl>{rows}</dl>{left if open_facts else ""}'
        f"<p>As flags: <code>modelterms check {_e(flags)}</code></p></section>"
    )


def standings_html(
    standings: Sequence[Standing],
    profile: ServiceProfile,
    *,
    deciding: Sequence[Sequence[tuple[str, str, str]]],
    duties: Sequence[Sequence[tuple[str, str, str]]],
    flips: Sequence[str],
    flags: str,
) -> str:
    """One row per licence, best outcome first: outcome, deciding clauses, obligations, flip point."""
    rows = []
    outcomes: dict[str, None] = {}
    for s, reasons, obligations, flip in zip(standings, deciding, duties, flips, strict=True):
        outcome = s.verdict.outcome.value
        outcomes[outcome] = None
        decided = "".join(_quoted(sec, words, q) for sec, words, q in reasons) or "—"
        owed = "".join(_quoted(sec, words, q) for sec, words, q in obligations) or "—"
        rows.append(
            f'<tr data-outcome="{_e(outcome)}" data-search="{_search_text(s.license.id, s.license.name, outcome)}">'
            f'<th scope="row">{_e(s.license.id)}<br><small>{_e(s.license.name)}</small></th>'
            f'<td class="o-{_e(outcome)}">{_e(outcome)}</td><td>{decided}</td><td>{owed}</td><td>{_e(flip)}</td></tr>'
        )
    choices = "".join(f'<option value="{_e(o)}">{_e(o)}</option>' for o in outcomes)
    controls = (
        '<div class="controls">'
        '<label>Licences <input type="search" id="filter-licences" placeholder="id, name or outcome"></label>'
        f'<label>Outcome <select id="filter-outcome"><option value="">any</option>{choices}</select></label>'
        f'<span class="count">{len(standings)} licences</span></div>'
    )
    heads = (
        '<th scope="col" class="corner">licence</th><th scope="col" class="outcome">outcome</th>'
        '<th scope="col">deciding clause</th><th scope="col">obligations</th><th scope="col">nearest flip point</th>'
    )
    table = (
        f'<div class="frame fit"><table class="standings">\n<thead><tr>{heads}</tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody>\n</table></div>"
    )
    body = profile_html(profile, flags) + "\n" + controls + "\n" + table
    return _page("modelterms compare", "Each licence for this profile, best outcome first.", body, _SCRIPT % {"fit": 0})
