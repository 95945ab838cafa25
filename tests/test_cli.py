"""The command line, through the real console script: output, exit codes, bad input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORE_LICENSES, run_cli

import checker


def test_done_criterion_every_llama_version_needs_a_license(cli: object) -> None:
    run = run_cli("check", "--license", "llama", "--mau", "800000000")
    assert run.code == 1, run.err
    llama = checker.catalogue().families["llama"]
    assert len(llama) >= 6
    for license in llama:
        assert re.search(rf"^{re.escape(license.id)}: needs-license — ", run.out, re.MULTILINE), run.out
    assert "not legal advice" in run.out
    full = run_cli("check", "--license", "llama", "--mau", "800000000", "--details")
    for license in llama:
        assert re.search(rf"│ {re.escape(license.id)}\s+│ needs-license\s+│", full.out), full.out
        clause = license.clause("additional-commercial-terms")
        assert clause.quote[:60] in " ".join(full.out.split())
    assert "not legal advice" in full.out


def test_json_contract(cli: object) -> None:
    run = run_cli("check", "--license", "llama", "--mau", "800000000", "--format", "json")
    assert run.code == 1
    data = json.loads(run.out)
    assert data["schema_version"] == 1
    assert data["disclaimer"] == checker.DISCLAIMER
    for result in data["results"]:
        assert result["outcome"] == "needs-license"
        assert result["license"].startswith("llama-")
        (reason,) = result["reasons"]
        assert {"clause", "section", "quote"} <= set(reason)
        assert reason["section"] == "2"
        assert "greater than 700 million monthly active users" in reason["quote"]
        assert isinstance(result["obligations"], list)
        assert isinstance(result["missing_facts"], list)
        assert any("taken to hold in" in a for a in result["assumptions"])


def test_gemma_is_not_refused_on_mau_grounds(cli: object) -> None:
    run = run_cli("check", "--license", "gemma", "--mau", "800000000", "--format", "json")
    (result,) = json.loads(run.out)["results"]
    assert result["outcome"] not in ("forbidden", "needs-license")
    assert all("mau" not in json.dumps(r["facts"]) for r in result["reasons"])


def test_mistral_research_refuses_commercial_use_with_the_mrl_quote(cli: object) -> None:
    run = run_cli("check", "--license", "mistral-research", "--commercial", "--format", "json")
    assert run.code == 1
    (result,) = json.loads(run.out)["results"]
    assert result["outcome"] in ("forbidden", "needs-license")
    assert any("Research Purposes" in r["quote"] for r in result["reasons"])


def test_unknown_license_gets_did_you_mean_and_exit_2(cli: object) -> None:
    run = run_cli("check", "--license", "lama-3.1", "--mau", "5")
    assert run.code == 2
    assert "unknown licence 'lama-3.1'" in run.err
    assert "did you mean 'llama-3.1'" in run.err
    assert "Traceback" not in run.err + run.out


def test_bad_flags_and_values_exit_2_with_a_message(cli: object) -> None:
    for args, message in [
        (["--mau", "lots"], "--mau: 'lots' is not a whole number"),
        (["--use", "militry"], "did you mean 'military'?"),
        (["--domicile", "Germany"], "unknown region 'Germany'"),
        (["--modality", "video"], "video"),
        (["--no-such-flag"], "error[E230]: no such option: --no-such-flag"),
        (["--revenue", "a lot"], "--revenue: 'a lot' is not an amount"),
    ]:
        run = run_cli("check", "--license", "llama-3.1", *args)
        assert run.code == 2, (args, run.out, run.err)
        assert message in run.err, (args, run.err)
        assert "Traceback" not in run.err


def test_missing_profile_file_exits_2(cli: object, tmp_path: Path) -> None:
    run = run_cli("check", "--license", "mit", "--profile", str(tmp_path / "nope.yaml"))
    assert run.code == 2
    assert "cannot read" in run.err


def test_profile_file_and_flags_override(cli: object, tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text("mau: 800000000\nend_user: false\n", encoding="utf-8")
    assert run_cli("check", "-l", "llama-3.1", "--profile", str(profile), "--format", "json").code == 1
    run = run_cli("check", "-l", "llama-3.1", "--profile", str(profile), "--mau", "5", "--format", "json")
    (result,) = json.loads(run.out)["results"]
    assert result["outcome"] != "needs-license"


def test_fail_on_chooses_the_failing_outcomes(cli: object) -> None:
    args = ["check", "-l", "llama-3.1", "--mau", "800000000"]
    assert run_cli(*args).code == 1
    assert run_cli(*args, "--fail-on", "forbidden").code == 0


def test_permissive_licence_exits_0(cli: object) -> None:
    run = run_cli("check", "-l", "apache-2.0", "--no-distribute", "--no-fine-tune")
    assert run.code == 0, run.out
    assert "permitted" in run.out


def test_no_color_means_no_escape_codes(cli: object) -> None:
    run = run_cli("check", "-l", "llama-3.1", "--mau", "1")
    assert "\x1b[" not in run.out


def test_python_dash_m_checker_is_the_same_program(cli: object) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "checker", "check", "-l", "mit", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert json.loads(done.stdout)["results"][0]["license"] == "mit"


DEFERRED_LOADER = """
import os, sys
os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
from checker.cli.plugins import defer_plugin_loader
defer_plugin_loader()
from pydantic import BaseModel
class M(BaseModel):
    x: int
assert M(x=1).x == 1
from pydantic.plugin._loader import get_plugins
print("off:", list(get_plugins()), "importlib.metadata" in sys.modules)
os.environ["PYDANTIC_DISABLE_PLUGINS"] = ""
print("on:", list(get_plugins()) == [], "importlib.metadata" in sys.modules)
from pydantic.plugin import _loader
print("real:", _loader.PYDANTIC_ENTRY_POINT_GROUP, type(_loader).__name__)
"""


def test_with_plugins_off_pydantic_plugin_loader_is_not_imported_until_asked_for_more() -> None:
    """The stand-in answers `get_plugins()` as pydantic does with plugins off, without importing
    importlib.metadata; with plugins on again, or asked anything else, pydantic's own module answers."""
    done = subprocess.run([sys.executable, "-c", DEFERRED_LOADER], capture_output=True, text=True, check=False)
    assert done.stdout.splitlines() == ["off: [] False", "on: True True", "real: pydantic module"], done.stderr


QUICK_EXIT = """
import atexit, sys, threading
from checker.cli.app import run
atexit.register(lambda: print("atexit ran", file=sys.stderr))
if sys.argv[1] == "thread":
    threading.Thread(target=lambda: (threading.Event().wait(0.3), print("thread done", file=sys.stderr))).start()
sys.argv = ["modelterms", *sys.argv[2:]]
run()
"""


@pytest.mark.parametrize("thread", ["thread", "none"])
@pytest.mark.parametrize(("args", "code"), [(("-l", "mit"), 0), (("-l", "llama-3.1", "--mau", "800000000"), 1)])
def test_the_console_script_exits_quickly_as_an_exit_would(thread: str, args: tuple[str, ...], code: int) -> None:
    """`run` skips the interpreter's teardown: the exit status, the whole (buffered) output and the
    atexit handlers are as with an ordinary exit; a thread still running is waited for."""
    command = [sys.executable, "-c", QUICK_EXIT, thread, "check", *args, "--format", "json"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == code, done.stderr
    assert json.loads(done.stdout)["results"][0]["license"] == args[1]
    assert done.stderr.splitlines() == (["thread done", "atexit ran"] if thread == "thread" else ["atexit ran"])


def test_licenses_and_uses_commands(cli: object) -> None:
    run = run_cli("licenses", "--format", "json")
    assert run.code == 0
    data = json.loads(run.out)
    ids = {row["id"] for row in data["licenses"]}
    assert ids >= CORE_LICENSES
    assert "llama" in data["families"]
    uses = run_cli("uses")
    for word in ("chatbot", "military", "csam", "automated-decisions"):
        assert word in uses.out


def test_own_licence_folder(cli: object, tmp_path: Path) -> None:
    (tmp_path / "acme.terms").write_text(
        'license acme-1.0 "Acme"\n  licensor "Acme"\n  source "https://example.com"\n  verified primary "test"\n'
        "clause grant §1\n  > You may use it.\n  permits\n"
        "clause research §2\n  > Research only.\n  when commercial\n  forbidden\n",
        encoding="utf-8",
    )
    run = run_cli("check", "-l", "acme-1.0", "--licenses-dir", str(tmp_path), "--commercial", "--format", "json")
    assert run.code == 1
    assert json.loads(run.out)["results"][0]["outcome"] == "forbidden"
    (tmp_path / "broken.terms").write_text('license broken "B"\n  licensor "B"\nclause\n', encoding="utf-8")
    run = run_cli("check", "-l", "acme-1.0", "--licenses-dir", str(tmp_path))
    assert run.code == 2
    assert "broken.terms:3:7: error[E102]: the file ends too early" in run.err  # just after `clause`


def test_version_help_and_a_bare_command_answer_as_users_expect() -> None:
    import checker  # noqa: PLC0415

    for flag in ("--version", "-V"):
        run = run_cli(flag)
        assert (run.code, run.out.strip()) == (0, checker.__version__)
    bare = run_cli()
    assert bare.code == 0 and "Usage: modelterms" in bare.out and "check" in bare.out
    for args in (("-h",), ("check", "-h"), ("compare", "-h"), ("scan", "-h")):
        run = run_cli(*args)
        assert run.code == 0 and run.out.startswith("Usage: modelterms"), args


def test_the_small_commands_take_format_json_too() -> None:
    import checker  # noqa: PLC0415

    uses = json.loads(run_cli("uses", "--format", "json").out)["uses"]
    assert {u["use"] for u in uses} == {u.value for u in checker.UseCase}
    assert json.loads(run_cli("version", "--format", "json").out) == {"version": checker.__version__}
    assert json.loads(run_cli("schema", "--format", "json").out)["title"] == "modelterms policy file"


def test_plain_str_and_bool_options_share_one_coercer_and_others_keep_their_own() -> None:
    """The start-up lever of checker.cli.coercion: built once per type, and only for plain types."""
    from pathlib import Path  # noqa: PLC0415

    from typer import _adapters  # noqa: PLC0415
    from typer.models import OptionInfo  # noqa: PLC0415

    from checker.cli.coercion import share_plain_adapters  # noqa: PLC0415

    share_plain_adapters()
    share_plain_adapters()  # idempotent: wrapped once
    build = _adapters.build_leaf_adapter
    assert build(str, OptionInfo()) is build(str, OptionInfo())
    assert build(bool, OptionInfo()) is build(bool, OptionInfo())
    assert build(Path, OptionInfo()) is not build(Path, OptionInfo())
    assert build(str, OptionInfo(parser=str.upper)) is not build(str, OptionInfo(parser=str.upper))
    assert build(str, OptionInfo()).validate_python("x") == "x"


def test_names_with_brackets_are_text_not_rich_markup() -> None:
    listed = run_cli("list")
    assert listed.code == 0
    assert "FLUX.1 [dev] Non-Commercial License" in listed.out
    checked = run_cli("check", "-l", "flux-1-dev-non-commercial", "--commercial")
    assert "FLUX.1 [dev] Non-Commercial License" in checked.out


def test_several_models_each_get_a_heading_with_their_worst_outcome_then_their_licences() -> None:
    models = ("openai/gpt-oss-20b", "google/gemma-3-4b-it", "Qwen/Qwen2.5-7B-Instruct")
    run = run_cli("check", *(a for m in models for a in ("-m", m)), "--commercial", env={"COLUMNS": "80"})
    lines = run.out.splitlines()
    headings = [i for i, line in enumerate(lines) if line.split(":")[0] in models]
    assert [lines[i].split(":")[0] for i in headings] == list(models), run.out
    assert lines[headings[0]].startswith("openai/gpt-oss-20b: conditional (the worst of its 2 licences)")
    assert lines[headings[1]].startswith("google/gemma-3-4b-it: undetermined")
    assert lines[headings[2]].startswith("Qwen/Qwen2.5-7B-Instruct: conditional")
    # each model's licences follow it, indented, before the next model's heading
    assert lines[headings[0] + 1].startswith("  gpt-oss-usage-policy: conditional")
    assert any(line.startswith("  apache-2.0: conditional") for line in lines[headings[0] : headings[1]])
    assert lines[headings[1] + 1].startswith("  gemma: undetermined")
    assert lines[headings[2] + 1].startswith("  apache-2.0: conditional")


def test_the_default_answer_is_short_and_details_gives_every_clause() -> None:
    args = ("check", "--license", "llama", "--mau", "800000000")
    short = run_cli(*args, env={"COLUMNS": "80"})
    full = run_cli(*args, "--details", env={"COLUMNS": "80"})
    assert short.code == full.code == 1
    assert len(short.out.splitlines()) < 40 < len(full.out.splitlines())
    assert "--details for every clause" in short.out
    assert short.out.rstrip().endswith("it is not legal advice.")
    # the deciding clause is quoted once; the others point to it
    assert short.out.count("you must request a license from Meta") == 1
    assert short.out.count("§2 Additional Commercial Terms: as for llama-2 above") == 5
    # a missing fact is asked once, for every licence it concerns
    assert short.out.count("Is the model used only as an end user") == 1
    assert "source:" not in short.out and "source:" in full.out


def test_without_use_the_use_question_is_asked_once() -> None:
    run = run_cli("check", "--license", "llama-3.1", "--commercial", "--serve", env={"COLUMNS": "80"})
    assert run.out.count("What does the service use the model for") == 1, run.out
    # Seven questions (MAU, end user, fine-tuning, outputs, the derived model's name, uses, distribution).
    assert len(run.out.splitlines()) < 44


def test_the_short_answer_names_the_facts_each_version_read(cli: object) -> None:
    """ "As for llama-2 above" must not hide that each Llama version measures its own month."""
    run = run_cli("check", "--license", "llama", "--mau", "800000000")
    assert run.code == 1
    for month in ("2023-06", "2024-03", "2024-06", "2024-08", "2024-11"):
        assert f"mau in {month}: 800,000,000" in run.out, month


PLUGINS = """
import sys
from checker.cli.app import main
sys.argv = ["modelterms", "check", "--license", "llama", "--mau", "800000000", "--format", "json"]
try:
    main()
except SystemExit:
    pass
from pydantic.plugin import _loader
print("\\nplugins looked up:", _loader._plugins is not None)
"""


@pytest.mark.parametrize(("setting", "looked_up"), [(None, "False"), ("", "True")])
def test_a_command_does_not_look_for_pydantic_plugins_unless_the_user_asks(setting: str | None, looked_up: str) -> None:
    """The entry-point scan costs a start ≈ 12 ms; a value the user set is kept (here: empty = plugins on)."""
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if setting is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = setting
    done = subprocess.run([sys.executable, "-c", PLUGINS], capture_output=True, text=True, env=env, check=False)
    assert done.stdout.rsplit("plugins looked up:", 1)[1].split() == [looked_up], done.stderr


def test_every_command_help_has_examples_and_metavars_as_typed_at_80_columns() -> None:
    from checker.cli.app import full_app  # noqa: PLC0415

    registered = full_app().registered_commands
    commands = sorted(c.name or c.callback.__name__ for c in registered if c.callback and not c.hidden)
    assert len(commands) >= 15
    top = run_cli("--help", env={"COLUMNS": "80"})
    assert top.code == 0
    assert "..." not in top.out.split("Commands:")[1], top.out  # summaries wrap, never cut
    for name in commands:
        run = run_cli(name, "--help", env={"COLUMNS": "80"})
        assert run.code == 0, name
        assert "Examples:\n    modelterms " + name in run.out, run.out
        assert not re.search(r"<[a-z][^>]*>|\{[a-z]+\}", run.out), run.out  # not `<list[str]>`, `{before}`
        assert max(len(line) for line in run.out.splitlines()) <= 80, name
    assert "--mau N|YYYY-MM=N" in run_cli("check", "--help", env={"COLUMNS": "80"}).out
    assert "Usage: modelterms diff [OPTIONS] BEFORE AFTER" in run_cli("diff", "--help").out


def test_explain_and_compare_take_models_like_check() -> None:
    explained = run_cli("explain", "-m", "openai/gpt-oss-20b", "--commercial", "--format", "json")
    assert explained.code == 0, explained.err
    assert {e["license"] for e in json.loads(explained.out)} == {"gpt-oss-usage-policy", "apache-2.0"}
    # a model's stated modality fills in an unknown one, as in `check --model`
    vision = json.loads(run_cli("explain", "-m", "meta-llama/Llama-3.2-11B-Vision-Instruct", "--format", "json").out)
    assert vision["profile"]["modality"] == "multimodal"
    compared = run_cli("compare", "-m", "google/gemma-3-4b-it", "-m", "Qwen/Qwen2.5-7B-Instruct", "--format", "csv")
    assert compared.code == 0 and compared.out.splitlines()[0] == "term,gemma,apache-2.0"


def test_a_model_name_that_begins_index_names_is_suggested() -> None:
    for command in ("check", "explain", "compare"):
        run = run_cli(command, "-m", "mistral-large")
        assert run.code == 2 and "error[E221]: unknown model 'mistral-large'" in run.err, run.err
        assert "'mistral-large-3-675b-instruct-2512'" in run.err


def test_an_empty_model_search_says_so() -> None:
    run = run_cli("models", "no-such-model-anywhere")
    assert run.code == 0
    assert "no model or pattern in the index matches 'no-such-model-anywhere'" in run.out


def test_a_value_outside_the_choices_is_a_diagnostic() -> None:
    run = run_cli("list", "--format", "xml")
    assert run.code == 2
    assert run.err.startswith("error[E230]: --format: 'xml' is not one of text, json\n  = help: choose one of"), run.err
    assert "Invalid value" not in run.err and "Traceback" not in run.err
    typo = run_cli("check", "-l", "mit", "--format", "jsn")
    assert typo.code == 2 and "did you mean 'json'?" in typo.err


def test_a_command_line_click_cannot_parse_is_a_diagnostic_with_did_you_mean() -> None:
    """Unknown options and commands, an option without its value, a missing argument: E230 and
    exit 2 like any bad input, naming the help to read, never click's usage block."""
    for args, first, help_line in [
        (
            ["check", "-l", "llama-3.1", "--no-commercial"],
            "error[E230]: no such option: --no-commercial",
            "  = help: did you mean '--non-commercial' or '--commercial'? (see 'modelterms check -h')",
        ),
        (["chek"], "error[E230]: no such command: 'chek'", "  = help: did you mean 'check'"),
        (["zzzz"], "error[E230]: no such command: 'zzzz'", "  = help: see 'modelterms -h'"),
        (["--bogus"], "error[E230]: no such option: --bogus", "  = help: see 'modelterms -h'"),
        (["check", "--mau"], "error[E230]: option '--mau' requires an argument", "  = help: see 'modelterms check -h'"),
        (["diff", "llama-3"], "error[E230]: missing argument 'AFTER'", "  = help: see 'modelterms diff -h'"),
        (["policy", "--polcy", "x"], "error[E230]: no such option: --polcy", "  = help: did you mean '--policy'?"),
    ]:
        run = run_cli(*args)
        assert run.code == 2, (args, run.err)
        lines = run.err.splitlines()
        assert lines[0] == first, (args, run.err)
        assert lines[1].startswith(help_line), (args, run.err)
        assert "Usage:" not in run.err and "Traceback" not in run.err and run.out == "", (args, run.err)


def test_a_model_search_at_80_columns_keeps_a_fitting_id_whole() -> None:
    """The kind column is as wide as its widest entry, so a 45-character id fits on its line."""
    run = run_cli("models", "Mistral Large", env={"COLUMNS": "80"})
    assert run.code == 0, run.err
    assert any("mistralai/Mistral-Large-3-675B-Instruct-2512 " in line for line in run.out.splitlines()), run.out
    assert max(len(line) for line in run.out.splitlines()) <= 80
