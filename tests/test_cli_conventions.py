"""The conventions a user of CLI tools expects, each tried through the CLI."""

from __future__ import annotations

import json
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarize.cli import EXIT_CODES, app
from summarize.settings import Settings, load_settings

from .newsletter_data import RECORDS, write_corpus

runner = CliRunner()
COMMANDS = ("cluster", "summarize", "run", "render", "config")


def run_cli(*args: object, input: str | None = None, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], input=input, env=env, prog_name="storyfold")
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def help_texts() -> dict[str, str]:
    texts = {"storyfold": run_cli("--help")[1]}
    texts.update({command: run_cli(command, "--help")[1] for command in COMMANDS})
    return texts


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_prints_the_package_version(flag: str) -> None:
    code, out, _ = run_cli(flag)
    assert code == 0 and out == f"storyfold {version('storyfold')}\n"


@pytest.mark.parametrize("command", [(), *((c,) for c in COMMANDS)])
def test_dash_h_is_help(command: tuple[str, ...]) -> None:
    code, out, _ = run_cli(*command, "-h")
    assert code == 0 and out.startswith("Usage: storyfold") and out == run_cli(*command, "--help")[1]


def test_usage_lines_read_as_words() -> None:
    texts = help_texts()
    assert "Usage: storyfold run [OPTIONS] INPUT...\n" in texts["run"]
    assert "Usage: storyfold cluster [OPTIONS] INPUT...\n" in texts["cluster"]
    assert "Usage: storyfold summarize [OPTIONS] CLUSTERS_JSON\n" in texts["summarize"]
    assert "Usage: storyfold render [OPTIONS] DIGEST_JSON\n" in texts["render"]
    for name, text in texts.items():
        assert not re.search(r"<[a-z]|\{[A-Za-z]|list\[", text), f"{name} help has a type tag: {text}"


def test_the_exit_code_paragraph_is_printed_once() -> None:
    for name, text in help_texts().items():
        assert text.count("Exit codes:") == 1, name
        assert " ".join(EXIT_CODES.split()) in " ".join(text.split())


def test_help_names_no_repository_file() -> None:
    for name, text in help_texts().items():
        assert "configs/" not in text and "default.toml" not in text and "seeds/" not in text, name


def test_shell_completion_is_enabled() -> None:
    code, out, _ = run_cli("--help")
    assert "--install-completion" in out and "--show-completion" in out
    env = {"_STORYFOLD_COMPLETE": "complete_bash", "COMP_WORDS": "storyfold re", "COMP_CWORD": "1"}
    assert run_cli(env=env)[1].split() == ["render"]
    env = {"_STORYFOLD_COMPLETE": "complete_bash", "COMP_WORDS": "storyfold run --format ", "COMP_CWORD": "3"}
    assert run_cli(env=env)[1].split() == ["json", "html", "md"]


def test_dash_reads_jsonl_from_stdin(tmp_path: Path) -> None:
    lines = "".join(json.dumps(r) + "\n" for r in RECORDS)
    out = tmp_path / "digest.json"
    code, _, stderr = run_cli("run", "-", "-o", out, "--summarizer", "extractive", input=lines)
    assert code == 0, stderr
    data = json.loads(out.read_text("utf-8"))
    assert sorted(i for s in data["stories"] for i in s["article_ids"]) == sorted(r["id"] for r in RECORDS)
    from_file = tmp_path / "from-file.json"
    assert run_cli("run", write_corpus(tmp_path / "in"), "-o", from_file, "--summarizer", "extractive")[0] == 0
    assert out.read_bytes() == from_file.read_bytes()
    code, stdout, _ = run_cli("cluster", "-", "-q", input='{"text": "A record without an id, read from stdin."}\n{bad\n')
    data = json.loads(stdout)
    assert code == 0 and [a["id"] for a in data["articles"]] == ["stdin.jsonl:1"]
    assert data["skipped"][0]["input"] == "stdin.jsonl:2"


def test_dash_twice_is_a_usage_error() -> None:
    code, _, stderr = run_cli("cluster", "-", "-", input="")
    assert code == 2 and "stdin) can be given only once" in stderr


def _max_words(data: dict) -> int:
    return data["generator"]["config"]["summary"]["max_words"]


def test_settings_file_precedence_is_option_then_working_folder_then_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = write_corpus(tmp_path / "in")
    xdg = tmp_path / "xdg"
    (xdg / "storyfold").mkdir(parents=True)
    (xdg / "storyfold" / "config.toml").write_text("[summary]\nmax_words = 41\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)

    def effective(*args: object) -> int:
        code, out, stderr = run_cli("run", corpus, "--summarizer", "extractive", "-q", *args)
        assert code == 0, stderr
        return _max_words(json.loads(out))

    assert effective() == 41  # the user's file
    (work / "storyfold.toml").write_text("[summary]\nmax_words = 42\n")
    assert effective() == 42  # the working folder's file replaces the user's
    explicit = tmp_path / "explicit.toml"
    explicit.write_text("[summary]\nmax_words = 43\n")
    assert effective("--config", explicit) == 43  # --config wins
    assert effective("--config", explicit, "--max-words", "44") == 44  # and options win over files
    code, _, stderr = run_cli("run", corpus, "-v", "--summarizer", "extractive")
    assert "settings: storyfold.toml (the working folder)" in stderr


def test_a_broken_discovered_settings_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "storyfold.toml").write_text("[summary]\nmax_wrds = 40\n")
    code, _, stderr = run_cli("config")
    assert code == 2 and "storyfold.toml" in stderr and "max_wrds" in stderr


def test_config_prints_the_documented_defaults_that_load_back(tmp_path: Path) -> None:
    code, out, _ = run_cli("config")
    assert code == 0
    assert out.startswith("# Settings in effect: built-in defaults")
    assert "# Length budget of the consolidated summary" in out  # the documentation comes along
    saved = tmp_path / "storyfold.toml"
    saved.write_text(out)
    assert load_settings(saved) == Settings()
    tables = tomllib.loads(out)
    assert set(tables) >= {"ingest", "copies", "stories", "engine", "summary", "bart"}


def test_config_shows_the_settings_in_effect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "storyfold.toml").write_text("[summary]\nmax_words = 40\n[copies]\nthreshold = 0.8\n")
    code, out, _ = run_cli("config")
    assert code == 0 and "# Settings in effect: storyfold.toml (the working folder)" in out
    tables = tomllib.loads(out)
    assert tables["summary"]["max_words"] == 40 and tables["copies"]["threshold"] == 0.8
    assert tables["summary"]["min_words"] == Settings().summary.min_words


def test_a_closing_line_says_what_was_written(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in")
    out = tmp_path / "digest.json"
    code, _, stderr = run_cli("run", corpus, "-o", out, "--summarizer", "extractive")
    assert code == 0
    assert re.search(rf"^storyfold: wrote {re.escape(str(out))}: 2 stories from 5 articles, 0 skipped, \d+\.\d s$", stderr.splitlines()[-1])
    code, _, stderr = run_cli("cluster", corpus)
    assert re.fullmatch(r"storyfold: wrote stdout: 2 stories from 5 articles, 0 skipped, \d+\.\d s", stderr.splitlines()[-1])
    code, _, stderr = run_cli("render", out, "-o", tmp_path / "issue.md")
    assert re.fullmatch(rf"storyfold: wrote {re.escape(str(tmp_path / 'issue.md'))}: 2 stories as Markdown, \d+\.\d s", stderr.splitlines()[-1])


def test_quiet_silences_every_notice_and_verbose_adds_detail(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in")
    no_model = ["--summarizer", "auto", "--model", str(tmp_path / "no-such-model")]
    code, _, stderr = run_cli("run", corpus, *no_model)
    assert code == 0
    notice = [line for line in stderr.splitlines() if "no BART weights" in line]
    assert len(notice) == 1 and len(notice[0].replace(no_model[-1], "MODEL")) <= 100 and "(-v says why)" in notice[0]
    code, _, stderr = run_cli("run", corpus, *no_model, "-q")
    assert code == 0 and stderr == ""
    code, _, stderr = run_cli("run", corpus, *no_model, "-v")
    assert code == 0
    assert "because: model folder" in stderr and "settings: built-in defaults" in stderr and "took" in stderr
    code, _, stderr = run_cli("run", corpus, "-q", "-v")
    assert code == 2 and "choose one of --quiet and --verbose" in stderr


def test_quiet_keeps_warnings(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "in").parent
    (folder / "empty.txt").write_text("")
    code, _, stderr = run_cli("cluster", folder, "-q")
    assert code == 0 and stderr.strip().startswith("storyfold: warning: skipped empty.txt")
