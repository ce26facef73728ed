"""The storyfold CLI: commands, bad inputs, exit codes, contracts and determinism."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from summarize.cli import app
from summarize.output import load_schema

from .conftest import SEEDS

runner = CliRunner()


def run_cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def digest_of(path: Path) -> dict:
    data = json.loads(path.read_text("utf-8"))
    jsonschema.validate(data, load_schema("digest"))
    return data


def accounted(data: dict) -> list[str]:
    """Every article id or skipped input, once per appearance."""
    ids = [i for story in data["stories"] for i in story["article_ids"]]
    return ids + [s["input"] for s in data["skipped"]]


def test_run_on_seeds_gives_one_story_of_three_articles_with_counted_facts(tmp_path: Path) -> None:
    out = tmp_path / "digest.json"
    code, _, _ = run_cli("run", SEEDS, "-o", out, "--summarizer", "extractive")
    assert code == 0
    data = digest_of(out)
    assert len(data["stories"]) == 1
    story = data["stories"][0]
    assert story["article_ids"] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert story["independent_sources"] == 3
    assert story["summary"] and story["summary_method"] == "extractive" and story["model"] is None
    assert max(f["source_count"] for f in story["facts"]) == 3
    text = json.dumps(data["stories"]).lower()
    for junk in ("advertisement", "cookies", "leave a reply", "opt-out"):
        assert junk not in text
    assert data["stats"] == {"inputs": 3, "articles": 3, "in_stories": 3, "skipped": 0, "stories": 1}


def test_two_runs_give_byte_identical_output(tmp_path: Path, two_story_dir: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert run_cli("run", two_story_dir, "-o", first, "--summarizer", "extractive")[0] == 0
    assert run_cli("run", two_story_dir, "-o", second, "--summarizer", "extractive")[0] == 0
    assert first.read_bytes() == second.read_bytes()
    assert "generated_at" not in digest_of(first)


def test_timestamp_is_only_added_on_request(tmp_path: Path, two_story_dir: Path) -> None:
    out = tmp_path / "d.json"
    assert run_cli("run", two_story_dir, "-o", out, "--summarizer", "extractive", "--timestamp")[0] == 0
    assert re.match(r"\d{4}-\d\d-\d\dT", digest_of(out)["generated_at"])


def test_cluster_then_summarize_equals_run(tmp_path: Path, two_story_dir: Path) -> None:
    clusters, via_file, direct = tmp_path / "c.json", tmp_path / "d1.json", tmp_path / "d2.json"
    assert run_cli("cluster", two_story_dir, "-o", clusters)[0] == 0
    jsonschema.validate(json.loads(clusters.read_text()), load_schema("clusters"))
    assert run_cli("summarize", clusters, "-o", via_file, "--summarizer", "extractive")[0] == 0
    assert run_cli("run", two_story_dir, "-o", direct, "--summarizer", "extractive")[0] == 0
    assert via_file.read_bytes() == direct.read_bytes()


def test_two_different_stories_become_two_clusters(tmp_path: Path, two_story_dir: Path) -> None:
    out = tmp_path / "c.json"
    assert run_cli("cluster", two_story_dir, "-o", out)[0] == 0
    groups = sorted(c["article_ids"] for c in json.loads(out.read_text())["clusters"])
    assert groups == [["quake-ap", "quake-bbc"], ["vote-guardian", "vote-reuters"]]


def test_without_output_the_json_goes_to_stdout(two_story_dir: Path) -> None:
    code, stdout, _ = run_cli("cluster", two_story_dir, "-q")
    assert code == 0
    assert json.loads(stdout)["schema"] == "storyfold.clusters/1"


def test_summarize_accepts_articles_with_only_id_and_text(tmp_path: Path) -> None:
    clusters = tmp_path / "edited.json"
    clusters.write_text(json.dumps({
        "schema": "storyfold.clusters/1",
        "articles": [
            {"id": "x", "text": "The city council approved a new budget of 4 million dollars on Monday. The vote was 7 to 2."},
            {"id": "y", "text": "On Monday the city council passed a 4 million dollar budget by a vote of 7 to 2."},
            {"id": "z", "text": ""},
        ],
        "clusters": [{"article_ids": ["x", "y", "z"]}],
    }))
    out = tmp_path / "d.json"
    code, _, stderr = run_cli("summarize", clusters, "-o", out, "--summarizer", "extractive")
    assert code == 0
    data = digest_of(out)
    assert data["stories"][0]["article_ids"] == ["x", "y"]
    assert data["skipped"] == [{"input": "z", "reason": "article has no text"}]
    assert "z" in stderr


def test_hand_edited_cluster_naming_an_unknown_article_is_a_processing_error(tmp_path: Path) -> None:
    clusters = tmp_path / "edited.json"
    clusters.write_text(json.dumps({"schema": "storyfold.clusters/1", "articles": [{"id": "x", "text": "Some text here."}],
                                    "clusters": [{"article_ids": ["x", "nope"]}]}))
    code, _, stderr = run_cli("summarize", clusters)
    assert code == 1
    assert "'nope' is not in 'articles'" in stderr


# -- bad input: each case is skipped with its input and a reason, and the run goes on ----------------

BAD_INPUTS = {
    "empty.txt": (b"", "empty file"),
    "blank.md": (b"\n  \n\t\n", "empty file"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", "binary file"),
    "undecodable.txt": (b"Title\n" + bytes(range(0x80, 0x100)), "undecodable bytes"),
    "malformed.json": (b'{"id": "m", "text": "unterminated', "malformed JSON"),
    "notext.json": (b'{"id": "nt", "title": "Only a title"}', "no text"),
    "dup.json": (b'{"id": "good", "text": "A second article that reuses the id of another one in the corpus."}', "duplicate id"),
}


@pytest.fixture
def bad_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a_good.json").write_text(json.dumps({"id": "good", "text": "Floods closed the main road into the valley town on Friday after three days of rain."}))
    for name, (data, _) in BAD_INPUTS.items():
        (folder / "sub" / name).write_bytes(data)
    (folder / "sub" / "lines.jsonl").write_bytes(
        b'{"id": "l1", "text": "The first line is a fine article about a new bridge opening downtown."}\n'
        b'{"id": "l2", "text": broken}\n'
        b'\n'
        b'{"title": "no id here", "text": "The fourth line has no id, so it is named after its path and line number."}\n'
    )
    (folder / "sub" / "big.txt").write_bytes(b"Big\n" + b"word " * 3000)
    (folder / "sub" / "cp.txt").write_bytes("Caf\u00e9 title\nThe caf\u00e9 reopened on Sunday after a fire gutted its kitchen last spring.".encode("cp1252"))
    return folder


def test_every_bad_input_is_skipped_with_its_path_and_reason(tmp_path: Path, bad_dir: Path) -> None:
    out = tmp_path / "d.json"
    config = tmp_path / "small.toml"
    config.write_text("[ingest]\nmax_file_bytes = 10000\n")
    code, _, stderr = run_cli("run", bad_dir, "-o", out, "--config", config, "--summarizer", "extractive")
    assert code == 0
    data = digest_of(out)
    reasons = {s["input"]: s["reason"] for s in data["skipped"]}
    for name, (_, reason) in BAD_INPUTS.items():
        assert reason in reasons[f"sub/{name}"], name
        assert f"sub/{name}" in stderr
    assert "bad JSONL line" in reasons["sub/lines.jsonl:2"]
    assert "over the cap" in reasons["sub/big.txt"]
    assert "cp1252" in stderr
    ids = {i for s in data["stories"] for i in s["article_ids"]}
    assert ids == {"good", "l1", "sub/lines.jsonl:4", "sub/cp"}
    assert sorted(accounted(data)) == sorted(set(accounted(data)))
    assert data["stats"]["inputs"] == data["stats"]["in_stories"] + data["stats"]["skipped"]


def test_a_missing_input_path_exits_2_naming_it(tmp_path: Path) -> None:
    code, _, stderr = run_cli("run", tmp_path / "nowhere", "-o", tmp_path / "d.json")
    assert code == 2
    assert "nowhere" in stderr and "does not exist" in stderr
    assert not (tmp_path / "d.json").exists()


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[copies]\nthreshhold = 0.5\n", "[copies] threshhold: no such key; did you mean threshold?"),
        ("[copies]\nthreshold = 'high'\n", "[copies] threshold: 'high' must be a finite number from 0 to 1"),
        ("[copies]\nthreshold = 1.5\n", "bad.toml: [copies] threshold: 1.5 must be a finite number from 0 to 1; "),
        ("[nonsense]\nx = 1\n", "bad.toml: [nonsense]: no such table (known: bart, copies"),
        ("x = 1\n", "bad.toml: x: a key outside any table, and no table has such a key"),
        ("threshold = 0.5\n", "bad.toml: threshold: a key outside any table; write it under [copies]"),
        ("[ingest]\ntext_fields = []\n", "bad.toml: [ingest] text_fields: [] must be a list of one or more non-empty strings"),
        ("[copies\nthreshold = 0.5\n", "is not valid TOML"),
    ],
)
def test_a_broken_config_exits_2_naming_the_problem(tmp_path: Path, two_story_dir: Path, toml: str, message: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(toml)
    code, _, stderr = run_cli("run", two_story_dir, "--config", config)
    assert code == 2
    assert message in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_a_bad_option_value_exits_2(two_story_dir: Path) -> None:
    code, _, stderr = run_cli("run", two_story_dir, "--summarizer", "magic")
    assert code == 2
    assert "summarizer" in stderr


def test_every_command_is_documented_with_its_exit_codes() -> None:
    code, stdout, _ = run_cli("--help")
    assert code == 0
    for command in ("cluster", "summarize", "run"):
        assert command in stdout
        sub_code, sub_help, _ = run_cli(command, "--help")
        assert sub_code == 0 and "Exit codes" in sub_help


def test_readme_library_example_runs(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    section = readme.split("## Library", 1)[1]
    code = section.split("```python", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    exec(compile(code, "README.md", "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "3 3"
    assert len(lines) >= 3
