"""Faults: accounting that cannot silently fail, interrupted writes, broken configs, failing model batches."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from cluster.errors import InvariantError
from cluster.pipeline import check_accounting
from cluster.types import Article, Cluster, Clustering, Skipped
from summarize.cli import app
from summarize.output import load_schema, write_json

from .conftest import ELECTION, QUAKE
from .extras import skip_without_extra

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


def articles(*ids: str) -> tuple[Article, ...]:
    return tuple(Article(id=i, text=f"Text of {i}.") for i in ids)


# ----------------------------------------------------------------------------- accounting


def test_accounting_passes_when_every_article_is_in_exactly_one_cluster() -> None:
    check_accounting(Clustering(articles=articles("a", "b", "c"), clusters=(Cluster.of(["a", "b"]), Cluster.of(["c"]))))


def test_an_article_in_no_cluster_fails_accounting_loudly() -> None:
    lost = Clustering(articles=articles("a", "b", "c"), clusters=(Cluster.of(["a", "b"]),))
    with pytest.raises(InvariantError, match=r"in no cluster: \['c'\]"):
        check_accounting(lost)


def test_an_article_in_two_clusters_fails_accounting_loudly() -> None:
    twice = Clustering(articles=articles("a", "b"), clusters=(Cluster.of(["a", "b"]), Cluster.of(["b"])))
    with pytest.raises(InvariantError, match=r"in two clusters: \['b'\]"):
        check_accounting(twice)


def test_a_cluster_naming_an_unknown_article_fails_accounting_loudly() -> None:
    ghost = Clustering(articles=articles("a"), clusters=(Cluster.of(["a", "ghost"]),))
    with pytest.raises(InvariantError, match=r"unknown ids: \['ghost'\]"):
        check_accounting(ghost)


def two_story_clustering() -> Clustering:
    arts = tuple(Article(id=i, text=t, source=s, title=t.split(".")[0]) for i, s, t in QUAKE + ELECTION)
    clusters = (Cluster.of([i for i, _, _ in QUAKE]), Cluster.of([i for i, _, _ in ELECTION]))
    return Clustering(articles=arts, clusters=clusters, skipped=(Skipped("broken.json", "malformed JSON: Expecting value at line 1 column 1"),))


def test_the_digest_records_that_articles_in_equal_articles_in_stories_plus_skipped() -> None:
    from summarize.digest import summarize_clustering
    from summarize.output import digest_to_dict

    data = digest_to_dict(summarize_clustering(two_story_clustering()))
    jsonschema.validate(data, load_schema("digest"))
    assert data["stats"] == {"inputs": 5, "articles": 4, "in_stories": 4, "skipped": 1, "stories": 2}


def test_a_summarizer_that_loses_a_story_fails_the_run_loudly() -> None:
    from summarize.digest import summarize_clustering
    from summarize.extractive import ExtractiveSummarizer
    from summarize.settings import SummarySettings

    class LosesOne:
        method = "extractive"
        model = None

        def summarize(self, stories):  # type: ignore[no-untyped-def]
            return ExtractiveSummarizer(settings=SummarySettings()).summarize(stories)[:-1]

    with pytest.raises(InvariantError, match=r"returned 1 summaries for 2 stories"):
        summarize_clustering(two_story_clustering(), summarizer=LosesOne())  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- interrupted writes

WRITER = textwrap.dedent(
    """
    import sys
    from summarize.output import write_json
    target, size = sys.argv[1], int(sys.argv[2])
    generation = 0
    while True:
        generation += 1
        payload = {"schema": "test", "generation": generation, "rows": ["x" * 1000] * size, "end": True}
        write_json(payload, target)
        print(generation, flush=True)
    """
)


def assert_old_or_complete(target: Path, rows: int) -> int:
    """The target is absent, or a complete JSON written by one whole write; return its generation (0 if absent)."""
    if not target.exists():
        return 0
    data = json.loads(target.read_text("utf-8"))
    assert data["end"] is True and len(data["rows"]) == rows
    return data["generation"]


def test_killing_a_writer_at_random_moments_leaves_the_old_file_or_the_new_one(tmp_path: Path) -> None:
    target = tmp_path / "digest.json"
    rows = 20_000  # about 20 MB per write, so a kill often lands mid-write
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    seen = []
    for _ in range(8):
        before = assert_old_or_complete(target, rows)
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target), str(rows)], env=env, cwd=tmp_path, stdout=subprocess.PIPE)
        assert proc.stdout is not None
        proc.stdout.readline()  # one whole write has landed; the kill comes during a later one
        time.sleep(rng.uniform(0.0, 0.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        seen.append((before, assert_old_or_complete(target, rows)))
    assert any(after > 0 for _, after in seen), f"no write ever completed: {seen}"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "digest.json"]
    assert all(name.startswith(".digest.json.") and name.endswith(".tmp") for name in leftovers), leftovers
    # A half-written temporary file is hidden, and the next write still lands whole.
    write_json({"schema": "test", "generation": -1, "rows": [], "end": True}, target)
    assert json.loads(target.read_text("utf-8"))["generation"] == -1


def test_a_killed_run_leaves_no_state_that_breaks_the_next_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(300):
        article_id, source, text = (QUAKE + ELECTION)[n % 4]
        (folder / f"{n:04d}.json").write_text(json.dumps({"id": f"{article_id}-{n}", "source": f"{source} {n}", "text": f"{text} Update {n}."}))
    target = tmp_path / "digest.json"
    target.write_text('{"old": true}\n')
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "summarize.cli", "run", str(folder), "-o", str(target), "--summarizer", "extractive", "-q"]
    proc = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    text = target.read_text("utf-8")
    assert text == '{"old": true}\n' or json.loads(text)["schema"] == "storyfold.digest/2"
    finished = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    data = json.loads(target.read_text("utf-8"))
    assert data["stats"]["articles"] == 300 and data["stats"]["in_stories"] == 300


# ----------------------------------------------------------------------------- broken configs


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ("[copies]\nthresold = 0.5\n", r"\[copies\] thresold: no such key; did you mean threshold\?"),
        ('[copies]\nthreshold = "high"\n', r"\[copies\] threshold: 'high' must be a finite number from 0 to 1; "),
        ("[ingest]\nmax_file_bytes = -1\n", r"\[ingest\] max_file_bytes: -1 must be an integer from 1 to 2\*\*40; "),
        ("[ingest]\nmax_articles = 1.5\n", r"\[ingest\] max_articles: 1.5 must be an integer from 1 to 2\*\*32; "),
        ("[summary]\nsummarizer = 'magic'\n", r"\[summary\] summarizer: 'magic' must be one of \"auto\", \"bart\", \"extractive\"; "),
        ("[nonsense]\nx = 1\n", r"\[nonsense\]: no such table \(known: "),
        ("[copies\nthreshold = 0.5\n", r"is not valid TOML"),
        ("threshold = = 0.5\n", r"is not valid TOML"),
    ],
)
@pytest.mark.parametrize("command", ["cluster", "run"])
def test_a_corrupt_config_exits_2_and_names_the_problem(tmp_path: Path, toml: str, named: str, command: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(toml)
    (tmp_path / "a.txt").write_text("Rain\nRain fell in Paris on Monday, officials said.")
    out = tmp_path / "out.json"
    result = runner.invoke(app, [command, str(tmp_path / "a.txt"), "-c", str(config), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert str(config) in result.stderr
    import re

    assert re.search(named, result.stderr), result.stderr
    assert not out.exists()


def test_a_config_that_is_not_utf8_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_bytes(b"[copies]\nthreshold = 0.5 # \xff\xfe\n")
    (tmp_path / "a.txt").write_text("Rain\nRain fell.")
    result = runner.invoke(app, ["cluster", str(tmp_path / "a.txt"), "-c", str(config)])
    assert result.exit_code == 2 and str(config) in result.stderr


# ----------------------------------------------------------------------------- failing model batch


@pytest.fixture(scope="module")
def tiny_bart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    skip_without_extra("bart")
    from .tinybart import build_tiny_bart

    return build_tiny_bart(tmp_path_factory.mktemp("faults-bart"))


def test_a_failing_model_batch_falls_back_to_extractive_for_its_story_only(
    tiny_bart: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    folder = tmp_path / "in"
    folder.mkdir()
    for article_id, source, text in QUAKE + ELECTION:
        (folder / f"{article_id}.json").write_text(json.dumps({"id": article_id, "source": source, "title": text.split(".")[0], "text": text}))
    config = tmp_path / "bart.toml"
    config.write_text("[bart]\nbatch_size = 1\nnum_beams = 1\nmin_new_tokens = 2\nmax_new_tokens = 8\nguard = false\n")

    # The first forward pass of any module fails the way an out-of-memory error does: the
    # first batch (one story, batch_size 1) must fall back, the other must not notice.
    armed = {"on": True}

    def fail_once(module, args):  # type: ignore[no-untyped-def]
        if armed["on"]:
            armed["on"] = False
            raise RuntimeError("CUDA out of memory (simulated)")

    out = tmp_path / "digest.json"
    handle = torch.nn.modules.module.register_module_forward_pre_hook(fail_once)
    try:
        result = runner.invoke(app, ["run", str(folder), "-o", str(out), "-c", str(config), "--summarizer", "bart", "--model", str(tiny_bart), "-q"])
    finally:
        handle.remove()
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text("utf-8"))
    jsonschema.validate(data, load_schema("digest"))
    methods = sorted((s["summary_method"], s["note"] or "") for s in data["stories"])
    assert len(methods) == 2
    assert methods[0][0] == "bart" and methods[0][1] == ""
    assert methods[1][0] == "extractive" and "generation failed (RuntimeError: CUDA out of memory (simulated))" in methods[1][1]
    assert all(s["summary"].strip() for s in data["stories"])
    assert data["stats"]["in_stories"] == data["stats"]["articles"] == 4
