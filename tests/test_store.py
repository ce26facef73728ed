"""The story store: `storyfold run --store` over two days of news, ids for life, atomic runs."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from cluster import Article
from summarize import load_settings
from summarize.cli import app
from summarize import daily
from summarize.daily import candidate_rows, lead_terms, match_stories, run_with_store, update_store
from summarize.output import load_schema
from summarize.store import SQLiteStore, StoreBusyError, StoreError

from .conftest import REPO
from .store_corpus import DAY1, DAY1_DATE, DAY2, DAY2_DATE, write_day

runner = CliRunner()


def run_cli(*args: object) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stderr


def digest_of(path: Path) -> dict:
    data = json.loads(path.read_text("utf-8"))
    jsonschema.validate(data, load_schema("digest"))
    return data


def dump(db: Path) -> list[str]:
    store = SQLiteStore(db)
    try:
        with store.transaction():
            return store.dump()
    finally:
        store.close()


def story_with(data: dict, article_id: str) -> dict:
    return next(s for s in data["stories"] if article_id in s["article_ids"])


@pytest.fixture
def days(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(day 1 folder, day 2 folder, a store holding day 1)."""
    day1 = write_day(tmp_path / "day1", DAY1, DAY1_DATE)
    day2 = write_day(tmp_path / "day2", DAY2, DAY2_DATE)
    db = tmp_path / "news.db"
    code, err = run_cli("run", day1, "--store", db, "--summarizer", "extractive", "-o", tmp_path / "day1.json")
    assert code == 0, err
    return day1, day2, db


def test_day_one_creates_one_new_story_per_event_with_its_dates(tmp_path: Path, days: tuple[Path, Path, Path]) -> None:
    data = digest_of(tmp_path / "day1.json")
    assert sorted(sorted(s["article_ids"]) for s in data["stories"]) == [
        ["chip-dispatch", "chip-techwire"],
        ["cup-sport"],
        ["quake-ap", "quake-bbc", "quake-yahoo"],
        ["vote-guardian", "vote-reuters"],
    ]
    assert {s["status"] for s in data["stories"]} == {"new"}
    assert {(s["first_seen"], s["last_seen"]) for s in data["stories"]} == {("2024-03-04", "2024-03-04")}
    assert all(f["new"] for s in data["stories"] for f in s["facts"])
    assert data["store"]["run"] == 1 and data["store"]["added"] == 8


def test_day_two_keeps_the_ids_of_continuing_stories_and_marks_new_and_updated(tmp_path: Path, days: tuple[Path, Path, Path]) -> None:
    _, day2, db = days
    before = digest_of(tmp_path / "day1.json")
    code, err = run_cli("run", day2, "--store", db, "--summarizer", "extractive", "-o", tmp_path / "day2.json")
    assert code == 0, err
    after = digest_of(tmp_path / "day2.json")

    quake = story_with(after, "quake-ap-2")
    assert quake["id"] == story_with(before, "quake-ap")["id"]
    assert quake["status"] == "updated"
    assert sorted(quake["article_ids"]) == ["quake-ap", "quake-ap-2", "quake-bbc", "quake-reuters-2", "quake-yahoo"]
    assert quake["new_article_ids"] == ["quake-ap-2", "quake-reuters-2"]
    assert quake["new_sources"] == ["Reuters"]  # AP reported on day 1 already
    assert (quake["first_seen"], quake["last_seen"]) == ("2024-03-04", "2024-03-05")
    vote = story_with(after, "vote-ap-2")
    assert vote["id"] == story_with(before, "vote-reuters")["id"] and vote["status"] == "updated"

    for article_id in ("ecb-reuters", "fire-abc"):
        story = story_with(after, article_id)
        assert story["status"] == "new" and story["first_seen"] == "2024-03-05"
        assert story["id"] not in {s["id"] for s in before["stories"]}
        assert story["facts"] and all(f["new"] for f in story["facts"])
    for story in after["stories"]:  # a fact is new exactly when only this run's articles report it
        for fact in story["facts"]:
            assert fact["new"] == (set(fact["article_ids"]) <= set(story["new_article_ids"]))
    # Stories nobody followed up are not in the digest of what changed.
    assert not any("chip-techwire" in s["article_ids"] or "cup-sport" in s["article_ids"] for s in after["stories"])
    assert after["store"]["stories_new"] == 2 and after["store"]["stories_updated"] == 2


def test_all_stories_lists_the_unchanged_live_stories_too(tmp_path: Path, days: tuple[Path, Path, Path]) -> None:
    _, day2, db = days
    code, err = run_cli("run", day2, "--store", db, "--summarizer", "extractive", "--all-stories", "-o", tmp_path / "all.json")
    assert code == 0, err
    data = digest_of(tmp_path / "all.json")
    chip = story_with(data, "chip-techwire")
    assert chip["status"] == "unchanged" and chip["new_article_ids"] == [] and not any(f["new"] for f in chip["facts"])
    assert sorted(s["status"] for s in data["stories"]) == ["new", "new", "unchanged", "unchanged", "updated", "updated"]


def test_articles_already_stored_are_skipped_not_counted_twice(tmp_path: Path, days: tuple[Path, Path, Path]) -> None:
    _, day2, db = days
    run_cli("run", day2, "--store", db, "--summarizer", "extractive", "-o", tmp_path / "day2.json")
    data = digest_of(tmp_path / "day2.json")
    skipped = {s["input"]: s["reason"] for s in data["skipped"]}
    assert skipped["quake-bbc"] == "already in the store (added in run 1)"
    assert skipped["quake-ap-amp"].startswith("already in the store as quake-ap")
    quake = story_with(data, "quake-ap")
    assert "quake-ap-amp" not in quake["article_ids"] and quake["independent_sources"] == 3
    stats = data["stats"]
    assert stats["inputs"] == stats["in_stories"] + stats["skipped"] == len(DAY2)
    assert data["store"]["articles_stored"] == len(DAY1) + len(DAY2) - 2


def test_rerunning_day_two_changes_nothing_and_writes_the_same_digest(tmp_path: Path, days: tuple[Path, Path, Path]) -> None:
    _, day2, db = days
    run_cli("run", day2, "--store", db, "--summarizer", "extractive", "-o", tmp_path / "first.json")
    stored = dump(db)
    code, err = run_cli("run", day2, "--store", db, "--summarizer", "extractive", "-o", tmp_path / "again.json")
    assert code == 0, err
    assert dump(db) == stored
    assert (tmp_path / "again.json").read_bytes() == (tmp_path / "first.json").read_bytes()


def test_rerunning_day_one_after_day_two_adds_nothing_and_lists_no_change(tmp_path: Path, days: tuple[Path, Path, Path]) -> None:
    day1, day2, db = days
    run_cli("run", day2, "--store", db, "--summarizer", "extractive", "-o", tmp_path / "day2.json")
    stored = dump(db)
    code, err = run_cli("run", day1, "--store", db, "--summarizer", "extractive", "-o", tmp_path / "late.json")
    assert code == 0, err
    data = digest_of(tmp_path / "late.json")
    assert dump(db) == stored
    assert data["stories"] == [] and data["stats"]["skipped"] == len(DAY1) and data["stats"]["in_stories"] == 0


_PAUSED_RUN = """
import sys, time
from pathlib import Path
from cluster import load_articles
from summarize import load_settings
from summarize.daily import run_with_store

settings = load_settings()
ingested = load_articles([sys.argv[1]], settings.ingest)

def pause(message):
    if message == "store: committing":  # every write of the run is done, none committed
        Path(sys.argv[3]).write_text("paused")
        time.sleep(300)

run_with_store(sys.argv[2], ingested.articles, settings, skipped=ingested.skipped, progress=pause)
"""


def _wait_for(path: Path, process: subprocess.Popen, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.stderr.read() if process.stderr else "run ended early"
        assert time.monotonic() < deadline, "the run never reached its commit"
        time.sleep(0.05)


def test_a_run_inside_its_transaction_refuses_a_second_run_and_a_kill_leaves_day_one(tmp_path: Path, days: tuple[Path, Path, Path]) -> None:
    _, day2, db = days
    day_one = dump(db)
    marker = tmp_path / "paused"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    process = subprocess.Popen([sys.executable, "-c", _PAUSED_RUN, str(day2), str(db), str(marker)], env=env, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(marker, process)
        code, err = run_cli("run", day2, "--store", db, "--summarizer", "extractive", "-o", tmp_path / "second.json")
        assert code == 1
        assert "store is in use" in err and str(db) in err
        assert not (tmp_path / "second.json").exists()
        assert Path(f"{db}-journal").exists()  # the first run's writes are in the file, undone by its journal
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert dump(db) == day_one
    with sqlite3.connect(db) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    code, err = run_cli("run", day2, "--store", db, "--summarizer", "extractive", "-o", tmp_path / "day2.json")
    assert code == 0, err
    assert digest_of(tmp_path / "day2.json")["store"]["run"] == 2


@pytest.mark.parametrize("delay", [1.0, 2.5, 4.0])
def test_a_run_killed_at_any_point_leaves_the_store_before_or_after_it(tmp_path: Path, days: tuple[Path, Path, Path], delay: float) -> None:
    _, day2, db = days
    day_one = dump(db)
    reference = tmp_path / "reference.db"
    reference.write_bytes(db.read_bytes())
    run_cli("run", day2, "--store", reference, "--summarizer", "extractive", "-o", tmp_path / "reference.json")
    day_two = dump(reference)
    command = [sys.executable, "-m", "summarize.cli", "run", str(day2), "--store", str(db), "--summarizer", "extractive", "-o", str(tmp_path / "out.json")]
    process = subprocess.Popen(command, env=dict(os.environ, PYTHONPATH=str(REPO)), stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert dump(db) in (day_one, day_two)
    with sqlite3.connect(db) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_store_held_by_another_connection_is_in_use(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusyError, match="store is in use"):
            run_with_store(db, [Article("a", "Rain fell in Paris on Monday.")], load_settings())
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_file_that_is_not_a_store_is_refused_with_exit_1(tmp_path: Path, days: tuple[Path, Path, Path]) -> None:
    day1, _, _ = days
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (x)")
    code, err = run_cli("run", day1, "--store", other, "--summarizer", "extractive")
    assert code == 1 and "not a storyfold store" in err
    text = tmp_path / "notes.txt"
    text.write_text("hello, this is not a database at all" * 100)
    code, err = run_cli("run", day1, "--store", text, "--summarizer", "extractive")
    assert code == 1 and "cannot use store" in err


def test_store_options_are_checked(tmp_path: Path, days: tuple[Path, Path, Path]) -> None:
    day1, _, db = days
    code, err = run_cli("run", day1, "--store", db, "--now", "yesterday")
    assert code == 2 and "'yesterday' is not a date" in err
    code, err = run_cli("run", day1, "--all-stories")
    assert code == 2 and "need --store" in err


def test_now_sets_the_day_of_an_undated_run_and_its_window(tmp_path: Path) -> None:
    articles = [Article(a[0], a[4], title=a[3], source=a[1]) for a in DAY1]
    db = tmp_path / "news.db"
    first = run_with_store(db, articles, load_settings(), now="2024-03-04")
    assert {(s["first_seen"], s["last_seen"]) for s in first["stories"]} == {("2024-03-04", "2024-03-04")}
    assert first["store"]["window_from"] == "2024-02-26"
    # Ten days later the day-1 stories are out of the window: a repeat of the quake is a new story.
    later = run_with_store(db, [Article("quake-later", DAY1[0][4], title=DAY1[0][3], source="Other")], load_settings(), now="2024-03-14")
    (story,) = later["stories"]
    assert story["status"] == "new" and story["first_seen"] == "2024-03-14"


def test_merge_keeps_the_older_id_and_a_split_keeps_it_on_the_larger_part() -> None:
    prior = {"a": "old", "b": "old", "c": "young", "d": "young", "e": "young"}
    merged = match_stories([("a", "b", "c", "d", "e", "n")], prior, {"old": 1, "young": 2})
    assert merged.kept == ("old",) and merged.merged == (("young", "old"),) and merged.changed == (True,)
    young = {k: v for k, v in prior.items() if v == "young"}
    split = match_stories([("c",), ("d", "e", "n")], young, {"young": 2})
    assert split.kept[1] == "young" and split.kept[0] is None and split.split_from[0] == "young"
    # "old" lies wholly in the first cluster, "young" mostly in the second.
    both = match_stories([("a", "b", "c"), ("d", "e")], prior, {"old": 1, "young": 2})
    assert both.kept == ("old", "young") and both.merged == () and both.changed == (True, True)
    same = match_stories([("a", "b")], {"a": "old", "b": "old"}, {"old": 1})
    assert same.changed == (False,)


def test_store_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        SQLiteStore(tmp_path / "missing" / "news.db")
    with pytest.raises(StoreError, match="it is a folder"):
        SQLiteStore(tmp_path)


def test_candidate_search_finds_the_stories_followed_up_and_not_the_others() -> None:
    day1 = [Article(a[0], a[4], title=a[3], source=a[1]) for a in DAY1]
    day2 = [Article(a[0], a[4], title=a[3], source=a[1]) for a in DAY2[:7]]
    rows = candidate_rows(lead_terms(day2), lead_terms(day1))
    found = {day1[r].id for r in rows}
    assert found & {"quake-ap", "quake-bbc", "quake-yahoo"} and found & {"vote-reuters", "vote-guardian"}
    assert not found & {"chip-techwire", "chip-dispatch", "cup-sport"}


def test_with_candidate_search_day_two_keeps_the_same_ids(tmp_path: Path, days: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    _, day2, db = days
    reference = tmp_path / "reference.db"
    reference.write_bytes(db.read_bytes())
    run_cli("run", day2, "--store", reference, "--summarizer", "extractive", "-o", tmp_path / "whole.json")
    monkeypatch.setattr(daily, "WHOLE_WINDOW", 0)
    code, err = run_cli("run", day2, "--store", db, "--summarizer", "extractive", "-o", tmp_path / "searched.json")
    assert code == 0, err
    assert "with 5 stored articles of 2 stories out of 8 in the window" in err
    assert digest_of(tmp_path / "searched.json")["stories"] == digest_of(tmp_path / "whole.json")["stories"]
