"""`modelterms scan`: many models for one profile, from JSON Lines, CSV, stdin or a folder of cards."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import Run, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checker
from checker import Outcome, ServiceProfile
from checker.ci import rowcodec
from checker.ci.scan import (
    FLUSH_EVERY,
    KEEP_UNKNOWN_NAMES,
    READ_SIZE,
    Output,
    Scanner,
    _from_tags,
    metadata_key,
    scan_jsonl,
)
from checker.lookup.bundled import bundled_index
from checker.lookup.cards import RowError

PROFILE_FLAGS = ("--mau", "800M", "--commercial", "--serve")
PROFILE = ServiceProfile(mau=checker.MonthlyActiveUsers(current=800_000_000), commercial=True, serves=True)


def expected(*names: str, models: tuple[str, ...] = ()) -> Outcome:
    """The worst outcome the reference evaluator gives these licences (and models' licences)."""
    verdicts = checker.check(list(names), PROFILE, models=list(models))
    return min((v.outcome for v in verdicts), key=lambda o: o.severity)


def records(out: str) -> tuple[list[dict[str, object]], dict[str, object]]:
    lines = [json.loads(line) for line in out.splitlines()]
    return lines[:-1], lines[-1]


ROWS = [
    {"id": "meta-llama/Llama-3.1-8B", "license": "llama3.1"},
    {"id": "acme/apache-model", "license": "apache-2.0"},
    {"id": "acme/finetune", "license": "apache-2.0", "base_model": "meta-llama/Llama-3.1-8B"},
    {"id": "acme/custom", "license": "other", "license_name": "acme-custom-licence"},
    {"id": "acme/gemma-tune", "license": "other", "license_name": "gemma"},
    {"id": "acme/nc", "license": ["cc-by-nc-4.0"], "base_model": ["someone/unindexed-base"]},
    {"id": "acme/bare"},
    {"modelId": "acme/api-record", "cardData": {"license": "mit"}},
    {
        "id": "acme/tagged",
        "tags": ["text-generation", "license:apache-2.0", "base_model:finetune:meta-llama/Llama-3.1-8B"],
    },
]


def write_jsonl(path: Path, rows: list[object], extra_lines: tuple[str, ...] = ()) -> Path:
    path.write_text("\n".join([*(json.dumps(r) for r in rows), *extra_lines]) + "\n", encoding="utf-8")
    return path


def test_jsonl_rows_get_the_reference_outcome_of_their_licences(cli: type[Run], tmp_path: Path) -> None:
    done = run_cli("scan", str(write_jsonl(tmp_path / "dump.jsonl", ROWS)), *PROFILE_FLAGS, "-f", "jsonl")
    rows, summary = records(done.out)
    by_model = {r["model"]: r for r in rows}
    assert [r["model"] for r in rows] == [r.get("id", r.get("modelId")) for r in ROWS]
    assert by_model["meta-llama/Llama-3.1-8B"]["outcome"] == expected("llama3.1").value
    assert by_model["acme/apache-model"]["outcome"] == expected("apache-2.0").value
    assert by_model["acme/finetune"]["outcome"] == expected("apache-2.0", models=("meta-llama/Llama-3.1-8B",)).value
    assert by_model["acme/gemma-tune"]["outcome"] == expected("gemma").value
    assert by_model["acme/api-record"]["outcome"] == expected("mit").value
    assert by_model["acme/tagged"]["licenses"] == ["apache-2.0", "llama-3.1"]
    assert by_model["acme/tagged"]["outcome"] == by_model["acme/finetune"]["outcome"]
    # An unknown or absent licence is never permitted; an unindexed base model is named.
    assert by_model["acme/custom"] == {
        "model": "acme/custom", "outcome": "undetermined", "licenses": [], "unknown_licenses": ["acme-custom-licence"]
    }  # fmt: skip
    assert by_model["acme/bare"]["outcome"] == "undetermined"
    assert by_model["acme/nc"]["unchecked_base_models"] == ["someone/unindexed-base"]
    assert summary["summary"]["models"] == len(ROWS)  # type: ignore[index]
    counts = summary["summary"]["by_outcome"]  # type: ignore[index]
    assert counts == {o.value: sum(r["outcome"] == o.value for r in rows) for o in Outcome}
    assert summary["disclaimer"] == checker.DISCLAIMER
    assert done.code == 1  # some outcomes are in the default --fail-on


def test_bad_rows_are_reported_with_their_line_and_the_rest_is_scanned(cli: type[Run], tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_text(
        '{"id": "a/one", "license": "mit"}\n'
        "this is not json\n"
        "\n"
        '["a", "list"]\n'
        '{"license": "mit"}\n'
        '{"id": "a/two", "license": 7}\n'
        '{"id": "a/three", "license": "apache-2.0"}\n',
        encoding="utf-8",
    )
    done = run_cli("scan", str(path), "-f", "jsonl")
    assert done.code == 2
    assert "Traceback" not in done.err
    rows, summary = records(done.out)
    assert [r["model"] for r in rows] == ["a/one", "a/three"]
    assert summary["summary"]["bad_rows"] == 4  # type: ignore[index]
    assert f"{path}:2:1: error[E240]: not JSON" in done.err
    assert f"{path}:4:1: error[E240]: a row must be a JSON object with an `id`, not list" in done.err
    assert f"{path}:5:1: error[E240]: the row has no model id (`id`)" in done.err
    assert f"{path}:6:1: error[E240]: `license` must be a string or a list of strings, not int" in done.err
    assert "found 4 errors" in done.err


def test_csv_text_output_and_summary(cli: type[Run], tmp_path: Path) -> None:
    path = tmp_path / "dump.csv"
    path.write_text(
        "id,license,license_name,base_model\n"
        "acme/a,apache-2.0,,\n"
        "acme/b,llama3.1,,\n"
        'acme/c,other,gemma,"meta-llama/Llama-3.1-8B,someone/else"\n',
        encoding="utf-8",
    )
    done = run_cli("scan", str(path), *PROFILE_FLAGS)
    lines = done.out.splitlines()
    assert lines[0].split() == [expected("apache-2.0").value, "acme/a", "(apache-2.0)"]
    assert lines[1].split()[:2] == [expected("llama3.1").value, "acme/b"]
    worst_c = expected("gemma", models=("meta-llama/Llama-3.1-8B",))
    assert lines[2].startswith(
        f"{worst_c.value:<14}acme/c  (gemma, llama-3.1; base model not in the index: someone/else)"
    )
    assert "scanned 3 models" in done.out
    assert done.out.rstrip().endswith(checker.DISCLAIMER)


@pytest.mark.parametrize(("fail_on", "code"), [("forbidden", 0), ("undetermined", 1)])
def test_summary_only_and_stdin(cli: type[Run], fail_on: str, code: int) -> None:
    data = "".join(json.dumps(r) + "\n" for r in ROWS)
    done = run_cli("scan", "-", "--summary", "-f", "jsonl", "--fail-on", fail_on, stdin=data)
    lines = done.out.splitlines()
    assert len(lines) == 1
    summary = json.loads(lines[0])["summary"]
    assert summary["models"] == len(ROWS)
    counts = summary["by_outcome"]
    assert counts["forbidden"] == 0 and counts["undetermined"] > 0  # no facts given: unknowns, no refusal
    assert done.code == code


def card(path: Path, front_matter: str, body: str = "# A model\n") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front_matter}---\n{body}", encoding="utf-8")


def test_a_folder_of_cards_hugging_face_cache_and_plain_repositories(cli: type[Run], tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    snapshot = hub / "models--acme--tuned" / "snapshots" / "abc123"
    card(snapshot / "README.md", "license: apache-2.0\nbase_model: meta-llama/Llama-3.1-8B\n")
    (hub / "models--acme--tuned" / "refs").mkdir()
    (hub / "models--acme--tuned" / "refs" / "main").write_text("abc123", encoding="utf-8")
    card(hub / "models--acme--nocard" / "snapshots" / "def456" / "config.json", "")  # a model with no card
    card(tmp_path / "repos" / "mine" / "README.md", "license: mit\n")
    (tmp_path / "repos" / "docs").mkdir()
    (tmp_path / "repos" / "docs" / "README.md").write_text("# not a model card\n", encoding="utf-8")
    card(tmp_path / "repos" / "broken" / "README.md", "license: [unclosed\n")

    done = run_cli("scan", str(tmp_path), *PROFILE_FLAGS, "-f", "jsonl")
    rows, summary = records(done.out)
    by_model = {r["model"]: r for r in rows}
    assert set(by_model) == {"acme/tuned", "acme/nocard", "repos/mine"}
    assert by_model["acme/tuned"]["outcome"] == expected("apache-2.0", models=("meta-llama/Llama-3.1-8B",)).value
    assert by_model["acme/nocard"]["outcome"] == "undetermined"
    assert by_model["repos/mine"]["outcome"] == expected("mit").value
    assert summary["summary"]["bad_rows"] == 1  # type: ignore[index]
    assert done.code == 2
    assert "repos/broken/README.md:" in done.err and "Traceback" not in done.err


def test_bad_sources_and_flags_are_exit_2(cli: type[Run], tmp_path: Path) -> None:
    missing = run_cli("scan", str(tmp_path / "nope.jsonl"))
    assert missing.code == 2 and "no file or folder" in missing.err
    bad_flag = run_cli("scan", str(write_jsonl(tmp_path / "d.jsonl", ROWS)), "--use", "militray")
    assert bad_flag.code == 2 and "military" in bad_flag.err
    no_id_column = tmp_path / "d.csv"
    no_id_column.write_text("name,license\nx,mit\n", encoding="utf-8")
    done = run_cli("scan", str(no_id_column))
    assert done.code == 2 and "the CSV header has no `id` column" in done.err


class Endless(io.RawIOBase):
    """A JSON Lines stream that never ends: it fails once `limit` rows have been read."""

    def __init__(self, limit: int) -> None:
        self.served = 0
        self.limit = limit

    def readable(self) -> bool:
        return True

    def read1(self, size: int = -1) -> bytes:  # scan reads what the stream has, a row here
        self.served += 1
        if self.served > self.limit:
            raise RuntimeError("read past the limit")
        return b'{"id": "m/%d", "license": "mit"}\n' % self.served


def test_rows_are_written_while_reading() -> None:
    """Output leaves in blocks as rows are read: nothing waits for the end of the input."""
    out = io.StringIO()
    limit = 2 * FLUSH_EVERY + 10
    scanner = Scanner(PROFILE, checker.catalogue(), bundled_index)
    with pytest.raises(RuntimeError, match="past the limit"):
        scan_jsonl(Endless(limit), "<endless>", scanner, out, output=Output.JSONL)  # type: ignore[arg-type]
    written = out.getvalue().splitlines()
    assert len(written) == 2 * FLUSH_EVERY
    assert json.loads(written[-1])["model"] == f"m/{2 * FLUSH_EVERY}"


def test_the_memo_stays_bounded_and_the_counts_stay_right(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("checker.ci.scan.MEMO_SIZE", 8)
    names = [f"unknown-{i}" for i in range(50)] + ["mit", "apache-2.0"] * 25
    data = "".join(json.dumps({"id": f"m/{i}", "license": n}) + "\n" for i, n in enumerate(names)).encode()
    scanner = Scanner(PROFILE, checker.catalogue(), bundled_index)
    scan_jsonl(io.BytesIO(data), "<rows>", scanner, io.StringIO(), output=Output.NONE)
    assert len(scanner._memo) <= 8
    summary = scanner.summary
    assert summary.models == len(names)
    assert summary.by_outcome == Counter([Outcome.UNDETERMINED] * 50 + [expected("mit"), expected("apache-2.0")] * 25)
    assert sum(summary.unknown_licenses.values()) == 50


def test_the_memo_of_tagged_records_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hub API records are remembered by their licence and base-model tags, boundedly."""
    monkeypatch.setattr("checker.ci.scan.MEMO_SIZE", 8)
    rows = [{"id": f"m/{i}", "tags": [f"dataset:d{i}", f"license:unknown-{i % 30}"]} for i in range(60)]
    data = ("".join(json.dumps(row) + "\n" for row in rows) * 2).encode()
    scanner = Scanner(PROFILE, checker.catalogue(), bundled_index)
    scan_jsonl(io.BytesIO(data), "<rows>", scanner, io.StringIO(), output=Output.NONE)
    assert 0 < len(scanner._tagged) <= 8
    assert scanner.summary.by_outcome == Counter({Outcome.UNDETERMINED: 120})
    assert sum(scanner.summary.unknown_licenses.values()) == 120


_TAG_PIECES = st.sampled_from(["license:", "base_model:", "finetune:", "mit", "a/b", "\n", ":", "x", "license"])


@settings(max_examples=200, deadline=None)
@given(tags=st.lists(st.one_of(st.lists(_TAG_PIECES, max_size=4).map("".join), st.integers()), max_size=8))
def test_tags_are_read_the_same_by_the_fast_search(tags: list[object]) -> None:
    """The licence and base-model tags found by one search over the joined list read as a reading
    of every tag would: a tag with a newline, or one that is no string, included."""
    assert metadata_key(None, None, None, None, tags) == metadata_key(None, None, None, None, [*tags, "y"])
    assert metadata_key(None, None, None, None, tags)[::2] == tuple(v for v in _from_tags(tags))


_RAW_PIECES = st.sampled_from(["license:", "base_model:", "mit", "a/b", ":", '"', "\\", "[", "]", "{", "é", "\n", " "])
_RAW_TAGS = st.lists(
    st.one_of(
        st.lists(_RAW_PIECES, max_size=4).map("".join), st.integers(), st.lists(st.just("license:x"), max_size=1)
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(tags=_RAW_TAGS, ascii_only=st.booleans())
def test_tags_searched_in_the_raw_row_read_as_every_tag(tags: list[object], ascii_only: bool) -> None:
    """The licence and base-model tags found in a row's raw JSON, where the search takes it on,
    read as every tag would; a row of another shape is left to the whole reading."""
    line = json.dumps({"id": "x", "tags": tags}, ensure_ascii=ascii_only).encode()
    raw = rowcodec.block_fields([line])[2][0][rowcodec.VALUES.index("tags")]
    meta = rowcodec.row_meta_tags(raw)
    assert rowcodec.row_tags(raw) == tags
    if meta is not None:
        assert _from_tags(meta) == _from_tags(tags)
        assert meta == rowcodec.meta_tags(tags) or rowcodec.meta_tags(tags) is None


def test_unknown_names_past_the_kept_ones_are_still_counted(cli: type[Run], tmp_path: Path) -> None:
    rows = [{"id": f"m/{i}", "license": f"unknown-{i}"} for i in range(KEEP_UNKNOWN_NAMES + 5)]
    path = write_jsonl(tmp_path / "many.jsonl", rows)
    _, summary = records(run_cli("scan", str(path), "-f", "jsonl").out)
    counted = summary["summary"]  # type: ignore[index]
    assert len(counted["unknown_licenses"]) == KEEP_UNKNOWN_NAMES
    assert counted["unknown_licenses_not_named"] == 5
    assert sum(counted["unknown_licenses"].values()) + 5 == len(rows) == counted["models"]
    text = run_cli("scan", str(path), "--summary").out
    assert "and 5 more rows naming other licences not in the catalogue" in text


@pytest.mark.parametrize("license", checker.catalogue().licenses, ids=lambda lic: lic.id)
def test_each_licence_scans_to_its_reference_outcome(license: checker.License) -> None:
    scanner = Scanner(PROFILE, checker.catalogue(), bundled_index)
    resolved = checker.catalogue().resolve([license.id])
    worst = min((checker.evaluate(r.license, PROFILE).outcome for r in resolved), key=lambda o: o.severity)
    assert scanner.classify((license.id,), ()).outcome is worst
    found = scanner.lookup((license.id, None, None))
    assert not isinstance(found, RowError)
    assert found.outcome is worst


def test_a_row_is_read_the_same_whatever_shape_its_metadata_has() -> None:
    """The loop reads the usual row's key itself; lists, an API record's card, tags and values that
    are no metadata go through `metadata_key`, with the same results as the scanner's own lookup."""
    rows = [
        {"id": "a", "license": "mit"},
        {"id": "b", "license": ["mit"]},  # a list: the same licence, the same outcome
        {"id": "c", "license": "mit", "base_model": ["meta-llama/Llama-3.1-8B"]},
        {"id": "d", "license": "mit", "base_model": "meta-llama/Llama-3.1-8B"},
        {"id": "e", "license": {"name": "mit"}},  # no metadata: a bad row
        {"id": "f", "license": [["mit"]]},  # a nested list: a bad row
        {"id": "g", "license_name": "gemma", "cardData": {"license": "other", "license_name": "gemma"}},
        {"id": "h", "tags": ["license:mit"]},
        {"license": "mit"},  # no id: a bad row
    ]
    data = "".join(json.dumps(r) + "\n" for r in rows).encode()
    scanner = Scanner(PROFILE, checker.catalogue(), bundled_index)
    out = io.StringIO()
    scan_jsonl(io.BytesIO(data), "<rows>", scanner, out, output=Output.JSONL)
    found = {r["model"]: r for r in map(json.loads, out.getvalue().splitlines())}
    assert sorted(found) == ["a", "b", "c", "d", "g", "h"]
    assert found["a"] == {**found["b"], "model": "a"} == {**found["h"], "model": "a"}
    assert found["c"] == {**found["d"], "model": "c"} and found["c"]["licenses"] == ["mit", "llama-3.1"]
    assert found["g"]["licenses"] == ["gemma"]
    assert [p.span.line for p in scanner.summary.problems] == [5, 6, 9]


# The block reader (`read_block`) takes a whole read of rows at once and falls back to one row at a
# time only for the rows it cannot decide: whatever rows a block mixes and wherever the reads cut
# them, it must say of each row what a scan of that row alone says.
ROW_TEXTS = [
    '{"id": "a/mit", "license": "mit"}',
    '{"id": "a/llama", "license": "llama3.1"}',
    '{"modelId": "a/by-model-id", "license": "apache-2.0"}',
    '{"id": "a/tags", "tags": ["license:gemma"]}',
    '{"id": "t", "license_name": "qwen", "tags": ["license:other"]}',
    '{"id": "a/odd-tags", "tags": ["license:mit", 7, ["x"]]}',
    '{"id": "a/card", "cardData": {"license": "qwen"}}',
    '{"id": "a/bare"}',
    '{"id": "a/null-tags", "tags": null}',
    '{"id": "a/bare-name", "license_name": "qwen"}',
    '{"id": "a/listed-name", "license_name": ["qwen"]}',
    '{"id": "a/list", "license": ["mit", "llama3"]}',
    '{"id": "a/base", "base_model": "meta-llama/Llama-3.1-8B"}',
    '{"id": "a/other", "license": "other", "license_name": "qwen"}',
    '{"id": "a/unknown", "license": "no-such-licence"}',
    '{"id": "", "license": "mit"}',
    '{"id": 7, "license": "mit"}',
    '{"license": "mit"}',
    '{"id": "a/dict", "license": {"x": 1}}',
    '{"id": "a/\\u00e9t\\u00e9", "license": "mit"}',
    '{"id": "a/\\"quoted\\", \\"id\\"", "license": "mit"}',
    '{"id": "a/long", "license": "mit", "padding": "' + "x" * 40 + '"}',  # over the 64 bytes a row may have below
    "[1, 2]",
    "not json",
    "",
    "   ",
]


def _scan(data: bytes, scanner: Scanner) -> list[str]:
    out = io.StringIO()
    scan_jsonl(io.BytesIO(data), "rows.jsonl", scanner, out, output=Output.JSONL)
    return out.getvalue().split("\n")[:-1]  # not splitlines: an id may hold U+0085 or U+2028


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.sampled_from(ROW_TEXTS), max_size=30), read_size=st.integers(1, 64), final_newline=st.booleans()
)
def test_a_block_of_rows_reads_as_each_row_alone(
    rows: list[str], read_size: int, final_newline: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("checker.ci.scan.READ_SIZE", read_size)
    monkeypatch.setattr("checker.ci.scan.MAX_ROW_BYTES", 64)
    data = "\n".join(rows).encode() + (b"\n" if final_newline else b"")
    whole = Scanner(PROFILE, checker.catalogue(), bundled_index)
    lines = _scan(data, whole)
    alone, bad_lines = [], []
    for number, row in enumerate(rows, 1):
        one = Scanner(PROFILE, checker.catalogue(), bundled_index)
        alone += _scan(row.encode(), one)
        if one.summary.bad_rows:
            bad_lines.append(number)
    assert lines == alone
    assert [problem.span.line for problem in whole.summary.problems if problem.span] == bad_lines
    assert whole.summary.models == len(alone)


@settings(max_examples=80, deadline=None)
@given(ids=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=20))
def test_any_model_id_is_written_back_as_it_was_read(ids: list[str]) -> None:
    """The JSON Lines output encodes a block's ids in one call and cuts them apart at `","`: an id
    with quotes, commas, backslashes, control or non-ASCII characters must come back unchanged."""
    data = "".join(json.dumps({"id": i, "license": "mit"}) + "\n" for i in ids).encode()
    scanner = Scanner(PROFILE, checker.catalogue(), bundled_index)
    assert [json.loads(line)["model"] for line in _scan(data, scanner)] == ids


MIXED_ROWS = "\n".join(['{"id": "a/api", "license": "mit", "downloads": 3, "tags": ["license:mit"]}', *ROW_TEXTS])


@pytest.mark.parametrize("hidden", [("msgspec",), ("msgspec", "orjson")], ids=["orjson", "json"])
def test_the_scan_reads_the_same_without_msgspec_or_orjson(hidden: tuple[str, ...], tmp_path: Path) -> None:
    """Where msgspec (or orjson too) is missing, the rows are read by the fallback: same output."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    # Blocks of good rows first (read by `block_fields`), then a block with bad rows (row by row).
    good = ROW_TEXTS[: ROW_TEXTS.index('{"id": "", "license": "mit"}')]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(good * 400) + "\n" + MIXED_ROWS + "\n", encoding="utf-8")
    assert path.stat().st_size > 3 * READ_SIZE
    script = (
        "import sys\n"
        "for name in sys.argv[2:]: sys.modules[name] = None\n"
        "from checker.cli.app import main\n"
        "sys.argv = ['modelterms', 'scan', sys.argv[1], '-f', 'jsonl', '--mau', '800M', '--commercial', '--serve']\n"
        "main()\n"
    )
    command = [sys.executable, "-c", script, str(path)]
    fast, fallback = (subprocess.run([*command, *names], capture_output=True, text=True, check=False)
                      for names in ((), hidden))  # fmt: skip
    assert fast.returncode == fallback.returncode == 2, (fast, fallback)  # bad rows
    assert fast.stdout == fallback.stdout
    summary = json.loads(fast.stdout.splitlines()[-1])["summary"]
    mixed = sum(1 for row in MIXED_ROWS.splitlines() if row.strip())
    assert summary["bad_rows"] == 6 and summary["models"] == 400 * len(good) + mixed - 6
    # The bad rows are reported at the same places (the standard library's messages are its own).
    assert re.findall(r"rows.jsonl:\d+:\d+", fast.stderr) == re.findall(r"rows.jsonl:\d+:\d+", fallback.stderr)
    if "orjson" not in hidden:
        assert fast.stderr == fallback.stderr
