"""Shared factories: small articles and a tiny two-story corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from cluster import Article

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


def make_article(id: str, text: str, **fields: Any) -> Article:
    """An Article with only the fields a test cares about."""
    return Article(id=id, text=text, **fields)


QUAKE = [
    ("quake-ap", "AP", "A magnitude 7.1 earthquake struck off the coast of Chile on Tuesday, killing at least 12 people and "
     "destroying hundreds of homes in the port city of Valparaiso. Rescue teams searched collapsed buildings overnight. "
     "President Gabriel Boric declared a state of emergency in the region and sent troops to help. "
     "The quake was felt as far away as Santiago, officials said."),
    ("quake-bbc", "BBC", "At least 12 people died when a powerful 7.1 magnitude earthquake hit Chile's coast near Valparaiso on Tuesday. "
     "Hundreds of homes were destroyed and rescuers dug through rubble through the night. "
     "Chile's President Gabriel Boric announced a state of emergency and deployed the army. "
     "Residents of Santiago also felt strong shaking."),
]
ELECTION = [
    ("vote-reuters", "Reuters", "Voters in Norway elected a new parliament on Monday, handing the Labour Party 48 seats and ending "
     "eight years of Conservative government. Labour leader Jonas Gahr Store is expected to form a coalition. "
     "Turnout reached 77 percent, the electoral commission said."),
    ("vote-guardian", "The Guardian", "Norway's Labour Party won 48 seats in Monday's parliamentary election, ousting the Conservatives "
     "after eight years in power. Jonas Gahr Store will now try to build a coalition government. "
     "The electoral commission put turnout at 77 percent."),
]


@pytest.fixture
def two_story_dir(tmp_path: Path) -> Path:
    """A folder of four JSON articles: two on a Chilean earthquake, two on a Norwegian election."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for article_id, source, text in QUAKE + ELECTION:
        (folder / f"{article_id}.json").write_text(json.dumps({"id": article_id, "source": source, "title": text.split(".")[0], "text": text}))
    return folder


@pytest.fixture(autouse=True)
def no_user_settings_file(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs read no settings file of the machine's user (the CLI picks one up when present)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg-config")))


def read_folder(folder: Path) -> tuple[dict[str, Article], dict[str, str], list[str]]:
    """``load_articles`` of one folder in this process: articles by id, skipped reasons by input, warnings."""
    from cluster.ingest import load_articles

    warnings: list[str] = []
    ingested = load_articles([folder], warn=warnings.append, processes=1)
    return {a.id: a for a in ingested.articles}, {s.input: s.reason for s in ingested.skipped}, warnings


def nest_folders(root: Path, depth: int, text: str) -> Path:
    """``depth`` nested folders under ``root`` (made when missing) with one article holding
    ``text`` at the bottom, made through folder descriptors (no path grows past the system's
    limit, the working folder is untouched); returns ``root``."""
    root.mkdir(exist_ok=True)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
        out = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        with os.fdopen(out, "w", encoding="utf-8") as handle:
            handle.write(text)
    finally:
        os.close(fd)
    return root
