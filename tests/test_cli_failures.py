"""Failures a user can cause from the command line: each is one line on stderr and a documented exit code, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarize.cli import app

from .newsletter_data import full_digest

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


def run_cli(*args: object, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], input=input, prog_name="storyfold")
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback the user would have seen
    return result.exit_code, result.stdout, result.stderr


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("storyfold: error: "), stderr
    return lines[0].removeprefix("storyfold: error: ")


def run_closed(*args: object, close: int, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real entry point in a process started with file descriptor ``close`` closed (``>&-``, ``<&-``)."""
    code = "import sys; from summarize.cli import main; sys.argv[0] = 'storyfold'; main()"
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CONFIG_HOME": str(cwd)}
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], cwd=cwd, env=env, text=True, timeout=120,
        stdin=subprocess.DEVNULL, stdout=None if close == 1 else subprocess.DEVNULL, stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(close),
    )


@pytest.fixture
def digest_file(tmp_path: Path) -> Path:
    path = tmp_path / "d.json"
    path.write_text(json.dumps(full_digest()), "utf-8")
    return path


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading any input fails the test: a check must stop the command before it."""
    import cluster.ingest
    import summarize.output

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("inputs were read before the options were checked")

    monkeypatch.setattr(cluster.ingest, "load_articles", refuse)
    monkeypatch.setattr(summarize.output, "read_clustering", refuse)


# ----------------------------------------------------------------------------- closed streams


@pytest.mark.parametrize("command", [["config"], ["render", "d.json"], ["cluster", "corpus"], ["summarize", "c.json"], ["run", "corpus", "-q"]])
def test_a_closed_stdout_is_one_line_and_exit_2_before_any_work(tmp_path: Path, digest_file: Path, two_story_dir: Path, command: list[str]) -> None:
    done = run_closed(*command, close=1, cwd=tmp_path)
    assert "Traceback" not in done.stderr
    assert done.returncode == 2, done.stderr
    assert one_error_line(done.stderr).startswith("cannot write to stdout: it is closed; give -o FILE")


def test_with_stdout_closed_an_output_file_is_still_written(tmp_path: Path, digest_file: Path) -> None:
    done = run_closed("render", digest_file, "-o", tmp_path / "issue.md", close=1, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "issue.md").read_text("utf-8").startswith("# ")


@pytest.mark.parametrize(("command", "message"), [
    (["run", "-", "-o", "d2.json"], "input - reads stdin, but stdin is closed"),
    (["render", "-", "-o", "i.html"], "digest - reads stdin, but stdin is closed"),
])
def test_a_closed_stdin_for_input_dash_is_one_line_and_exit_2(tmp_path: Path, command: list[str], message: str) -> None:
    done = run_closed(*command, close=0, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert one_error_line(done.stderr).startswith(message)


def test_a_closed_stderr_does_not_stop_a_run(tmp_path: Path, digest_file: Path) -> None:
    done = run_closed("render", digest_file, "-o", tmp_path / "issue.html", close=2, cwd=tmp_path)
    assert done.returncode == 0
    assert "<html" in (tmp_path / "issue.html").read_text("utf-8")


# ----------------------------------------------------------------------------- templates


@pytest.mark.parametrize(("template", "problem"), [
    ("{{ 1/0 }}", "line 1: ZeroDivisionError: division by zero"),
    ("{% for s in issue.stories %}\n{{ s.title + 5 }}\n{% endfor %}", 'line 2: TypeError: can only concatenate str (not "int") to str'),
    ("{{ digest.stories[0].missing.deeper }}", "line 1: 'dict object' has no attribute 'missing'"),
    ("{% macro again() %}{{ again() }}{% endmacro %}{{ again() }}", "calls itself without end (maximum recursion depth exceeded)"),
])
def test_a_template_that_fails_while_rendering_is_one_line_naming_it(tmp_path: Path, digest_file: Path, template: str, problem: str) -> None:
    path = tmp_path / "mine.j2"
    path.write_text(template, "utf-8")
    code, out, stderr = run_cli("render", digest_file, "--template", path)
    assert code == 1 and out == ""
    assert one_error_line(stderr) == f"template {path}: {problem}"


@pytest.mark.parametrize(("content", "problem"), [
    (None, "does not exist"),
    ("{% for s in issue.stories %}", "line 1: Unexpected end of template"),
    (b"\xff\xfe{{ issue.title }}", "not UTF-8 text (byte 0"),
    ("folder", "is not a file"),
])
@pytest.mark.parametrize("command", ["run", "summarize", "render"])
def test_a_missing_or_broken_template_stops_every_command_before_any_work(
    tmp_path: Path, two_story_dir: Path, digest_file: Path, no_work: None, command: str, content: str | bytes | None, problem: str
) -> None:
    template = tmp_path / "mine.j2"
    if content == "folder":
        template.mkdir()
    elif isinstance(content, bytes):
        template.write_bytes(content)
    elif content is not None:
        template.write_text(content, "utf-8")
    first = {"run": two_story_dir, "summarize": tmp_path / "c.json", "render": digest_file}[command]
    out = tmp_path / "issue.html"
    code, _, stderr = run_cli(command, first, "--template", template, "-o", out)
    assert code == 2 and not out.exists()
    message = one_error_line(stderr)
    assert message.startswith("template ") and problem in message


def test_a_template_it_extends_or_includes_is_checked_before_any_work_too(tmp_path: Path, two_story_dir: Path, no_work: None) -> None:
    (tmp_path / "broken.j2").write_text("{% if issue %}", "utf-8")
    cases = {"extends.j2": ('{% extends "nosuch.j2" %}', "template {}: the template 'nosuch.j2' it uses does not exist"),
             "includes.j2": ('{% include "broken.j2" %}', "template {}: line 1: Unexpected end of template")}
    for name, (text, message) in cases.items():
        (tmp_path / name).write_text(text, "utf-8")
        code, _, stderr = run_cli("run", two_story_dir, "--template", tmp_path / name, "-o", tmp_path / "i.md")
        shown = tmp_path / name if name == "extends.j2" else tmp_path / "broken.j2"
        assert code == 2 and one_error_line(stderr).startswith(message.format(shown)), stderr


def test_a_template_whose_output_cannot_be_written_is_one_line(tmp_path: Path, digest_file: Path) -> None:
    template = tmp_path / "mine.j2"
    template.write_text('{{ "\\udcff" }}', "utf-8")
    code, _, stderr = run_cli("render", digest_file, "--template", template, "-o", tmp_path / "i.html")
    assert code == 1 and one_error_line(stderr) == f"template {template}: its output is not valid text (a lone surrogate at character 0)"


@pytest.mark.parametrize("command", ["run", "summarize"])
def test_a_template_for_json_output_is_refused_before_any_work(tmp_path: Path, two_story_dir: Path, no_work: None, command: str) -> None:
    template = tmp_path / "mine.j2"
    template.write_text("{{ issue.title }}", "utf-8")
    first = two_story_dir if command == "run" else tmp_path / "c.json"
    code, _, stderr = run_cli(command, first, "--template", template, "-o", tmp_path / "d.json")
    assert code == 2
    assert "a template only applies to --format html|md, and this output is JSON" in one_error_line(stderr)


def test_summarize_writes_an_issue_with_a_user_template(tmp_path: Path, two_story_dir: Path) -> None:
    clusters = tmp_path / "c.json"
    assert run_cli("cluster", two_story_dir, "-q", "-o", clusters)[0] == 0
    template = tmp_path / "list.md.j2"
    template.write_text("{% for s in issue.stories %}* {{ s.title }} ({{ s.independent_sources }})\n{% endfor %}", "utf-8")
    code, md, stderr = run_cli("summarize", clusters, "--summarizer", "extractive", "-q", "-f", "md", "--template", template)
    assert code == 0, stderr
    assert md.count("* ") == 2 and "(2)" in md


# ----------------------------------------------------------------------------- inputs given twice


def _cluster_bytes(*inputs: object) -> tuple[str, str]:
    code, out, stderr = run_cli("cluster", *inputs, "-q")
    assert code == 0, stderr
    return out, stderr


def test_the_same_folder_given_twice_is_read_once_under_its_usual_ids(two_story_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(two_story_dir.parent)
    once, quiet = _cluster_bytes("corpus")
    assert quiet == ""
    (two_story_dir.parent / "link").symlink_to(two_story_dir)
    for inputs in (["corpus", "./corpus/"], ["corpus", str(two_story_dir)], ["corpus", "link"]):
        twice, stderr = _cluster_bytes(*inputs)
        assert twice == once, inputs
        assert stderr.count("was given twice") == 1 and len(stderr.strip().splitlines()) == 1, stderr
    data = json.loads(once)
    assert data["stats"]["inputs"] == 4
    assert sorted(a["id"] for a in data["articles"]) == ["quake-ap", "quake-bbc", "vote-guardian", "vote-reuters"]


def test_a_folder_and_a_file_inside_it_read_the_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    feed = tmp_path / "t1" / "sub" / "feed.jsonl"
    feed.parent.mkdir(parents=True)
    feed.write_text(json.dumps({"title": "Quake", "text": "A strong earthquake struck the coast on Tuesday and damaged many homes, officials said."}) + "\n")
    monkeypatch.chdir(tmp_path)
    once, _ = _cluster_bytes("t1")
    for inputs in (["t1", "t1/sub/feed.jsonl"], ["t1/sub/feed.jsonl", "t1"], ["t1/sub", "t1"]):
        twice, stderr = _cluster_bytes(*inputs)
        data = json.loads(twice)
        assert [a["id"] for a in data["articles"]] == ["sub/feed.jsonl:1"], inputs  # the id t1 alone gives, in any order
        assert data["stats"]["inputs"] == 1 and data["skipped"] == []
        assert twice == once and "given twice" in stderr


def test_two_files_that_map_to_one_id_are_told_apart_in_the_skip_reason(tmp_path: Path) -> None:
    (tmp_path / "lt.txt").write_text("Fire in the old town\n\nA fire burned four houses in the old town on Monday night, firefighters said.\n")
    (tmp_path / "lt.json").write_text(json.dumps({"title": "School opens", "text": "A new school opened in the east district on Friday with 400 pupils."}))
    code, out, stderr = run_cli("cluster", tmp_path, "-q")
    assert code == 0
    data = json.loads(out)
    assert data["stats"]["inputs"] == 2 and [a["id"] for a in data["articles"]] == ["lt"]
    (skip,) = data["skipped"]
    assert skip["input"] == "lt.txt"
    assert skip["reason"].startswith("duplicate id 'lt': files lt.json and lt.txt map to the same id")
    assert "give it an \"id\" field" in skip["reason"] and "first seen" not in stderr


# ----------------------------------------------------------------------------- options and messages


def test_max_words_below_min_words_lowers_min_words(tmp_path: Path, two_story_dir: Path) -> None:
    out = tmp_path / "d.json"
    code, _, stderr = run_cli("run", two_story_dir, "--summarizer", "extractive", "--max-words", "10", "-q", "-o", out)
    assert code == 0, stderr
    summary = json.loads(out.read_text("utf-8"))["generator"]["config"]["summary"]
    assert (summary["max_words"], summary["min_words"]) == (10, 10)
    config = tmp_path / "c.toml"
    config.write_text("[summary]\nmin_words = 30\n")
    code, _, stderr = run_cli("run", two_story_dir, "-c", config, "--summarizer", "extractive", "--max-words", "40", "-q", "-o", out)
    assert code == 0, stderr
    summary = json.loads(out.read_text("utf-8"))["generator"]["config"]["summary"]
    assert (summary["max_words"], summary["min_words"]) == (40, 30)  # a budget above the floor leaves it alone


def test_counts_in_messages_agree_with_their_nouns(tmp_path: Path) -> None:
    (tmp_path / "good.json").write_text(json.dumps({"text": "Floods closed the main road into the valley town on Friday after three days of rain."}))
    (tmp_path / "bad.json").write_text("{not json")
    code, _, stderr = run_cli("run", tmp_path, "--summarizer", "extractive", "-o", tmp_path.parent / "one.json")
    assert code == 0
    assert "read 1 article (1 input skipped)" in stderr
    assert "from 1 article, 1 skipped" in stderr


@pytest.mark.parametrize("command", ["summarize", "render"])
def test_an_undecodable_input_file_is_exit_1_in_summarize_and_render(tmp_path: Path, command: str) -> None:
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"\xff\xfe\x00junk")
    code, _, stderr = run_cli(command, junk, "-o", tmp_path / ("d.json" if command == "summarize" else "i.html"))
    assert code == 1
    assert "not UTF-8 text (byte 0" in one_error_line(stderr)


def test_a_title_that_is_not_utf8_is_refused_in_one_line(tmp_path: Path, digest_file: Path) -> None:
    code, _, stderr = run_cli("render", digest_file, "--title", "News \udcff", "-o", tmp_path / "i.html")
    assert code == 2
    assert one_error_line(stderr) == "--title: 'News \\xff' is not valid UTF-8 text; give it in UTF-8"


def test_a_config_file_name_that_is_not_utf8_is_shown_escaped(tmp_path: Path) -> None:
    config = tmp_path / "\udcff.toml"
    config.write_text("[summary]\nmax_words = 40\n")
    code, out, stderr = run_cli("config", "-c", config)
    assert code == 0, stderr
    assert out.startswith(f"# Settings in effect: {tmp_path}/\\xff.toml (--config).")


@pytest.mark.parametrize("command", ["render", "config"])
def test_verbose_help_of_render_and_config_says_what_they_print(command: str) -> None:
    help_text = " ".join(run_cli(command, "--help")[1].split())
    verbose = help_text.split("-v, --verbose", 1)[1].split(" -h, --help", 1)[0]
    assert "details" in verbose and "BART" not in verbose
