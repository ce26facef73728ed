"""Input folders: any depth without recursion, no links out of the folder, one-line names, no silent empty runs."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterator

import pytest
from typer.testing import CliRunner

from cluster.ingest import load_articles
from summarize.cli import app
from .conftest import nest_folders

runner = CliRunner()
STORY = "Rain in Paris\nHeavy rain fell in Paris on Monday, flooding 40 streets, officials said."


def nest(root: Path, depth: int) -> Path:
    """``depth`` nested folders under ``root`` with an article at the bottom; returns ``root``."""
    return nest_folders(root, depth, STORY)


def remove_tree(top: Path) -> None:
    """Remove a folder tree of any depth without recursion (shutil.rmtree, and so pytest's
    cleanup of old temporary folders, fails past about 1,000 levels)."""
    folders, stack = [], [str(top)]
    while stack:
        folder = stack.pop()
        folders.append(folder)
        with os.scandir(folder) as listing:
            for entry in listing:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    os.unlink(entry.path)
    for folder in reversed(folders):
        os.rmdir(folder)


@pytest.fixture
def deep_root(tmp_path: Path) -> Iterator[Path]:
    """A folder for deep trees, removed without recursion after the test."""
    root = tmp_path / "deep"
    root.mkdir()
    try:
        yield root
    finally:
        remove_tree(root)


@pytest.mark.parametrize("depth", [1000, 1800])
def test_deeply_nested_folders_are_walked_without_recursion(deep_root: Path, depth: int) -> None:
    root = nest(deep_root, depth)
    (root / "top.txt").write_text(STORY.replace("Paris", "Lyon"))
    ingested = load_articles([root])
    assert sorted(a.id for a in ingested.articles) == sorted(["top", "d/" * depth + "deep"]) and not ingested.skipped


def test_the_cli_reads_a_deep_folder_in_one_run(tmp_path: Path, deep_root: Path) -> None:
    root = nest(deep_root, 1200)
    result = runner.invoke(app, ["cluster", str(root), "-o", str(tmp_path / "c.json")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "c.json").read_text())["stats"]["articles"] == 1


@pytest.mark.parametrize("target", ["/etc/passwd", "outside/secret.txt", "outside"])
def test_a_symlink_out_of_the_input_folder_is_skipped_with_a_reason(tmp_path: Path, target: str) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("Secret\nThe secret plan was approved on Monday by the board.")
    (root / "ok.txt").write_text(STORY)
    link_target = Path(target) if target.startswith("/") else tmp_path / target
    (root / "link.txt").symlink_to(link_target)
    warnings: list[str] = []
    ingested = load_articles([root], warn=warnings.append)
    assert [a.id for a in ingested.articles] == ["ok"]
    assert len(ingested.skipped) == 1 and ingested.skipped[0].input == "link.txt"
    assert "not followed" in ingested.skipped[0].reason
    assert all("secret" not in a.text and "root:" not in a.text for a in ingested.articles)


def test_links_inside_the_input_folder_are_still_read(tmp_path: Path) -> None:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text(STORY)
    (root / "b.txt").symlink_to(root / "sub" / "a.txt")
    (root / "c.txt").symlink_to(Path("sub") / "a.txt")
    ingested = load_articles([root])
    assert sorted(a.id for a in ingested.articles) == ["b", "c", "sub/a"]


def test_a_file_named_on_the_command_line_is_read_even_through_a_link(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text(STORY)
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    assert [a.id for a in load_articles([tmp_path / "link.txt"]).articles] == ["link"]


@pytest.mark.parametrize("name", ["two\nlines.txt", "carriage\rreturn.json", "escape\x1b[2Jcode.txt", "sep\u2028arator.md"])
def test_a_control_character_in_a_file_name_never_splits_a_message_line(tmp_path: Path, name: str) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / name).write_text("")
    (root / "ok.txt").write_text(STORY)
    result = runner.invoke(app, ["cluster", str(root), "-o", str(tmp_path / "c.json")])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert all(line.startswith("storyfold: ") for line in lines), lines
    assert not any(c in result.stderr for c in "\r\x1b\u2028")
    skipped = json.loads((tmp_path / "c.json").read_text())["skipped"]
    assert len(skipped) == 1 and "\\" in skipped[0]["input"]


@pytest.mark.parametrize("command", ["cluster", "run", "run --store"])
@pytest.mark.parametrize("contents", [{}, {"empty.txt": "", "broken.json": "{oops"}, {".hidden.txt": STORY, "notes.pdf": "x"}])
def test_an_input_with_no_articles_warns_and_exits_0_with_an_empty_output(tmp_path: Path, command: str, contents: dict[str, str]) -> None:
    root = tmp_path / "in"
    root.mkdir()
    for name, text in contents.items():
        (root / name).write_text(text)
    extra = ["--summarizer", "extractive"] if command.startswith("run") else []
    if command == "run --store":
        command, extra = "run", [*extra, "--store", str(tmp_path / "news.db")]
    out = tmp_path / "out.json"
    result = runner.invoke(app, [command, str(root), *extra, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "storyfold: warning: no articles" in result.stderr
    data = json.loads(out.read_text())
    assert data.get("clusters", data.get("stories")) == [] and len(data["skipped"]) == len(contents)


def test_summarize_warns_on_a_clusters_file_with_no_articles(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"schema": "storyfold.clusters/1", "articles": [{"id": "x", "text": " "}], "clusters": []}))
    result = runner.invoke(app, ["summarize", str(path), "--summarizer", "extractive", "-o", str(tmp_path / "d.json")])
    assert result.exit_code == 0 and "no articles" in result.stderr
    assert json.loads((tmp_path / "d.json").read_text())["stories"] == []
