"""No network unless asked: default runs open no connection, even with the hub libraries installed.

Each command runs in a fresh process (so no earlier import or environment of the test
session hides anything) with the offline variables unset, an empty Hugging Face cache
and ``HF_ENDPOINT`` pointing at a local listener. A ``sitecustomize`` module, loaded by
every Python process of the run, makes each TCP connect and name lookup fail and logs
it; the listener catches clients that bypass Python's sockets.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .extras import requires_extra

REPO = Path(__file__).resolve().parents[1]

# The no-network promise is about the hub libraries: without them nothing could go online.
pytestmark = requires_extra("bart")

SITECUSTOMIZE = textwrap.dedent(
    """
    import os, socket

    _LOG = os.environ["STORYFOLD_TEST_NET_LOG"]

    def _refuse(what, *args):
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {what} {args!r}\\n")
        raise OSError(101, f"network blocked by the test: {what} {args!r}")

    _connect = socket.socket.connect
    _connect_ex = socket.socket.connect_ex

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _refuse("connect", address)
        return _connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _refuse("connect_ex", address)
        return _connect_ex(self, address)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = lambda *a, **k: _refuse("getaddrinfo", *a)
    socket.gethostbyname = lambda *a, **k: _refuse("gethostbyname", *a)
    socket.gethostbyname_ex = lambda *a, **k: _refuse("gethostbyname_ex", *a)
    socket.create_connection = lambda *a, **k: _refuse("create_connection", *a)
    """
)

PAGE = (
    "<html><head><title>Storm floods the valley</title>"
    "<link rel=canonical href='https://news.example.org/2024/05/02/storm'></head><body><article>"
    "<p>A storm flooded the valley on Thursday, forcing 300 families from their homes, officials said.</p>"
    "<p>Rescue crews worked through the night as the river rose two metres above its banks.</p>"
    "<p>The regional governor asked for army help and opened three shelters in schools.</p>"
    "</article></body></html>"
)


@pytest.fixture
def guarded_env(tmp_path: Path) -> tuple[dict[str, str], Path, socket.socket]:
    """Environment for a child run: offline variables unset, empty HF cache, blocked sockets."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / "net.log"
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_", "HUGGINGFACE_"))}
    env.update(
        PYTHONPATH=os.pathsep.join([str(hooks), str(REPO)]),
        STORYFOLD_TEST_NET_LOG=str(log),
        HF_HOME=str(tmp_path / "hf-home"),
        HF_ENDPOINT=f"http://127.0.0.1:{listener.getsockname()[1]}",
    )
    yield env, log, listener
    listener.close()


def mixed_inputs(folder: Path) -> Path:
    folder.mkdir()
    for seed in sorted((REPO / "seeds").iterdir()):
        shutil.copy(seed, folder / seed.name)
    (folder / "storm.html").write_text(PAGE, encoding="utf-8")
    (folder / "storm.json").write_text(
        json.dumps({"id": "storm-wire", "url": "https://www.wire.example.com/world/storm-valley-2024-05-02",
                    "text": "A storm flooded the valley on Thursday and 300 families left their homes. "
                            "The river rose two metres above its banks, officials said."}),
        encoding="utf-8",
    )
    return folder


def run_guarded(env: dict[str, str], log: Path, listener: socket.socket, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "summarize.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    attempts = log.read_text(encoding="utf-8") if log.exists() else ""
    assert attempts == "", f"network access attempted:\n{attempts}\nstderr:\n{result.stderr}"
    try:
        connection, peer = listener.accept()
    except BlockingIOError:
        pass
    else:
        connection.close()
        pytest.fail(f"a client outside Python's sockets connected to HF_ENDPOINT from {peer}")
    return result


def test_default_run_makes_no_network_connection(tmp_path: Path, guarded_env: tuple[dict[str, str], Path, socket.socket]) -> None:
    env, log, listener = guarded_env
    inputs = mixed_inputs(tmp_path / "inputs")
    result = run_guarded(env, log, listener, ["run", str(inputs), "-o", str(tmp_path / "digest.json")], tmp_path)
    digest = json.loads((tmp_path / "digest.json").read_text(encoding="utf-8"))
    assert digest["stats"]["articles"] == 5 and {s["summary_method"] for s in digest["stories"]} == {"extractive"}
    assert "no BART weights" in result.stderr


def test_default_summarize_makes_no_network_connection(tmp_path: Path, guarded_env: tuple[dict[str, str], Path, socket.socket]) -> None:
    env, log, listener = guarded_env
    clusters = {
        "schema": "storyfold.clusters/1",
        "articles": [
            {"id": "a", "text": "The mayor of Lyon opened a new bridge on Friday. It cost 40 million euros.", "source": "lyon.example"},
            {"id": "b", "text": "Lyon's mayor opened the 40 million euro bridge on Friday, the city said.", "source": "news.example"},
        ],
        "clusters": [{"id": "x", "article_ids": ["a", "b"], "copies": {}}],
        "skipped": [],
    }
    (tmp_path / "clusters.json").write_text(json.dumps(clusters), encoding="utf-8")
    run_guarded(env, log, listener, ["summarize", "clusters.json", "-o", "digest.json"], tmp_path)
    assert json.loads((tmp_path / "digest.json").read_text(encoding="utf-8"))["stats"]["stories"] == 1


def test_a_local_model_folder_loads_with_no_network_connection(tmp_path: Path, guarded_env: tuple[dict[str, str], Path, socket.socket]) -> None:
    from .tinybart import build_tiny_bart

    env, log, listener = guarded_env
    model = build_tiny_bart(tmp_path / "model")
    inputs = mixed_inputs(tmp_path / "inputs")
    args = ["run", str(inputs), "-o", "digest.json", "--model", str(model)]
    run_guarded(env, log, listener, args, tmp_path)
    digest = json.loads((tmp_path / "digest.json").read_text(encoding="utf-8"))
    assert {s["model"] for s in digest["stories"]} == {str(model)}
