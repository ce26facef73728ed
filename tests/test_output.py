"""Output paths: refused before any work when they cannot or must not be written; special
files written in place; links resolved; modes like a shell redirect; every write error one line."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarize.cli import app
from summarize.writer import check_output, write_text

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()
ROOT = os.geteuid() == 0


def seeds_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(REPO / "seeds", folder)
    return folder


def storyfold(*args: str, cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process, for real file descriptors and signals."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    return subprocess.run([sys.executable, "-m", "summarize.cli", *args], cwd=cwd, env=env, text=True, timeout=300, **kwargs)  # type: ignore[call-overload]


def assert_refused_before_work(result, message: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "storyfold: read " not in result.stderr and "Traceback" not in result.stderr  # no input was read


# ----------------------------------------------------------------------------- refused before work


@pytest.mark.parametrize("command", ["cluster", "run"])
@pytest.mark.parametrize(
    "output, message",
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("out", "is a folder"),
        ("out/", "names a folder"),
        ("new-folder/", "names a folder"),
        ("missing/digest.json", "does not exist"),
        ("missing/deeper/digest.json", "does not exist"),
        ("plain.txt/digest.json", "is not a folder"),
        ("/proc/digest.json", "cannot create a file"),
        ("/sys/digest.json", "cannot create a file"),
    ],
)
def test_an_output_path_that_cannot_be_written_is_refused_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, output: str, message: str) -> None:
    inputs = seeds_copy(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "plain.txt").write_text("x")
    result = runner.invoke(app, [command, str(inputs), "-o", output])
    assert_refused_before_work(result, message)


@pytest.mark.skipif(ROOT, reason="permissions do not bind root; the /proc and /sys cases cover it there")
@pytest.mark.parametrize("mode", [0o500, 0o555])
def test_an_output_in_a_folder_without_write_permission_is_refused(tmp_path: Path, mode: int) -> None:
    inputs = seeds_copy(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(mode)
    try:
        result = runner.invoke(app, ["cluster", str(inputs), "-o", str(locked / "c.json")])
    finally:
        locked.chmod(0o755)
    assert_refused_before_work(result, "cannot create a file")


def test_a_read_only_output_file_is_refused(tmp_path: Path) -> None:
    if ROOT:
        pytest.skip("root may write any file")
    inputs = seeds_copy(tmp_path)
    target = tmp_path / "c.json"
    target.write_text("keep")
    target.chmod(0o444)
    result = runner.invoke(app, ["cluster", str(inputs), "-o", str(target)])
    assert_refused_before_work(result, "read-only")
    assert target.read_text() == "keep"


def test_summarize_refuses_to_overwrite_its_own_clusters_file(tmp_path: Path) -> None:
    inputs = seeds_copy(tmp_path)
    clusters = tmp_path / "c.json"
    assert runner.invoke(app, ["cluster", str(inputs), "-o", str(clusters)]).exit_code == 0
    before = clusters.read_bytes()
    (tmp_path / "link.json").symlink_to(clusters)
    (tmp_path / "sub").mkdir()
    for output in [str(clusters), str(tmp_path / "sub" / ".." / "c.json"), str(tmp_path / "link.json")]:
        result = runner.invoke(app, ["summarize", str(clusters), "-o", output])
        assert_refused_before_work(result, "is also an input")
    assert clusters.read_bytes() == before


@pytest.mark.parametrize("name", ["000_8c886e1e23791552.txt", "004_35c2f1c2cb9b42c2.txt"])
def test_an_output_naming_an_input_file_is_refused(tmp_path: Path, name: str) -> None:
    inputs = seeds_copy(tmp_path)
    before = (inputs / name).read_bytes()
    result = runner.invoke(app, ["run", str(inputs / name), str(inputs), "-o", str(inputs / name)])
    assert_refused_before_work(result, "input")
    assert (inputs / name).read_bytes() == before


def test_an_output_naming_the_config_file_is_refused(tmp_path: Path) -> None:
    inputs = seeds_copy(tmp_path)
    config = tmp_path / "my.toml"
    config.write_text("[copies]\nthreshold = 0.8\n")
    result = runner.invoke(app, ["cluster", str(inputs), "--config", str(config), "-o", str(config)])
    assert_refused_before_work(result, "is also an input")


@pytest.mark.parametrize("existing", [False, True])
def test_an_output_naming_the_story_store_is_refused(tmp_path: Path, existing: bool) -> None:
    inputs = seeds_copy(tmp_path)
    store = tmp_path / "stories.db"
    if existing:
        assert runner.invoke(app, ["run", str(inputs), "--summarizer", "extractive", "--store", str(store), "-o", str(tmp_path / "d.json")]).exit_code == 0
    before = store.read_bytes() if existing else None
    result = runner.invoke(app, ["run", str(inputs), "--store", str(store), "-o", str(store)])
    assert_refused_before_work(result, "is also an input")
    assert (store.read_bytes() if existing else None) == before


@pytest.mark.parametrize("name", ["digest.json", "a.txt", "sub/deeper/clusters.JSON", "notes.md"])
def test_an_output_the_next_run_would_read_inside_an_input_folder_is_refused(tmp_path: Path, name: str) -> None:
    inputs = seeds_copy(tmp_path)
    (inputs / "sub" / "deeper").mkdir(parents=True)
    result = runner.invoke(app, ["run", str(inputs), "-o", str(inputs / name)])
    assert_refused_before_work(result, "inside input folder")
    assert not (inputs / name).exists()


@pytest.mark.parametrize("name", [".digest.json", "digest.out", ".hidden/digest.json"])
def test_an_output_inside_an_input_folder_that_no_run_reads_is_allowed(tmp_path: Path, name: str) -> None:
    inputs = seeds_copy(tmp_path)
    (inputs / ".hidden").mkdir()
    result = runner.invoke(app, ["cluster", str(inputs), "-o", str(inputs / name)])
    assert result.exit_code == 0, result.output
    assert json.loads((inputs / name).read_text())["stats"]["articles"] == 3


# ----------------------------------------------------------------------------- special files


def read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def reader() -> None:
        with open(path, "rb") as handle:
            into.append(handle.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("via_link", [False, True])
def test_a_fifo_output_is_written_in_place_not_replaced(tmp_path: Path, via_link: bool) -> None:
    inputs = seeds_copy(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    target = fifo
    if via_link:
        target = tmp_path / "link-to-pipe"
        target.symlink_to(fifo)
    received: list[bytes] = []
    thread = read_fifo(fifo, received)
    result = runner.invoke(app, ["cluster", str(inputs), "-o", str(target)])
    thread.join(60)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(received[0])["stats"]["articles"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["in", "pipe"] + (["link-to-pipe"] if via_link else []))


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_character_device_output_is_written_in_place(tmp_path: Path, device: str) -> None:
    inputs = seeds_copy(tmp_path)
    before = os.stat(device)
    result = runner.invoke(app, ["cluster", str(inputs), "-o", device])
    assert result.exit_code == 0, result.output
    after = os.stat(device)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino
    assert not [name for name in os.listdir("/dev") if name.startswith(f".{Path(device).name}.")]


@pytest.mark.parametrize("output", ["/dev/stdout", "/dev/fd/1", "-"])
def test_stdout_names_are_written_to_stdout(tmp_path: Path, output: str) -> None:
    inputs = seeds_copy(tmp_path)
    result = storyfold("cluster", str(inputs), "-q", "-o", output, cwd=tmp_path, capture_output=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["stats"]["articles"] == 3


# ----------------------------------------------------------------------------- links and modes


@pytest.mark.parametrize("hops", [1, 2])
def test_a_symlink_output_replaces_its_target_and_stays_a_link(tmp_path: Path, hops: int) -> None:
    inputs = seeds_copy(tmp_path)
    real = tmp_path / "real" / "c.json"
    real.parent.mkdir()
    real.write_text("old")
    real.chmod(0o640)
    link = real
    for hop in range(hops):
        new_link = tmp_path / f"link{hop}.json"
        new_link.symlink_to(link)
        link = new_link
    result = runner.invoke(app, ["cluster", str(inputs), "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and json.loads(real.read_text())["stats"]["articles"] == 3
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert [p.name for p in real.parent.iterdir()] == ["c.json"]


def test_a_dangling_symlink_output_creates_its_target(tmp_path: Path) -> None:
    inputs = seeds_copy(tmp_path)
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "made.json")
    result = runner.invoke(app, ["cluster", str(inputs), "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and json.loads((tmp_path / "made.json").read_text())["stats"]["articles"] == 3


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_output_file_gets_the_mode_a_shell_redirect_would(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        write_text("{}\n", tmp_path / "new.json")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o664])
def test_a_replaced_output_file_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "old.json"
    target.write_text("old")
    target.chmod(mode)
    old = os.umask(0o077)
    try:
        write_text("{}\n", target)
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == mode and target.read_text() == "{}\n"


# ----------------------------------------------------------------------------- write errors


@pytest.mark.parametrize("output", ["-", None])
def test_stdout_on_a_full_device_is_one_line_and_exit_1(tmp_path: Path, output: str | None) -> None:
    inputs = seeds_copy(tmp_path)
    args = ["cluster", str(inputs), "-q"] + (["-o", output] if output else [])
    with open("/dev/full", "w") as full:
        result = storyfold(*args, cwd=tmp_path, stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["storyfold: error: cannot write to stdout: No space left on device"]


@pytest.mark.parametrize("output", ["/dev/full", "link-to-full"])
def test_an_output_on_a_full_device_is_one_line_naming_it_and_exit_1(tmp_path: Path, output: str) -> None:
    inputs = seeds_copy(tmp_path)
    (tmp_path / "link-to-full").symlink_to("/dev/full")
    result = storyfold("cluster", str(inputs), "-q", "-o", output, cwd=tmp_path, capture_output=True)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"storyfold: error: cannot write {output!r}: No space left on device"]


def _small_file_limit() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))


@pytest.mark.parametrize("command", ["cluster", "run"])
def test_a_write_that_fails_midway_is_one_line_and_leaves_no_temporary_file(tmp_path: Path, command: str) -> None:
    inputs = seeds_copy(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "kept.json").write_text("old")
    extra = ["--summarizer", "extractive"] if command == "run" else []
    result = storyfold(command, str(inputs), "-q", *extra, "-o", "out/kept.json", cwd=tmp_path, capture_output=True, preexec_fn=_small_file_limit)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["storyfold: error: cannot write 'out/kept.json': File too large"]
    assert [p.name for p in out.iterdir()] == ["kept.json"] and (out / "kept.json").read_text() == "old"


def test_check_output_sorts_paths_into_stdout_direct_and_atomic(tmp_path: Path) -> None:
    assert check_output(None).kind == "stdout" and check_output("-").kind == "stdout"
    assert check_output("/dev/null").kind == "direct"
    assert check_output(tmp_path / "x.json").kind == "atomic"


# ----------------------------------------------------------------------------- Ctrl-C


def big_corpus(folder: Path, n: int = 3000) -> Path:
    import random

    rng = random.Random(7)
    words = "storm flood river mayor vote council bridge fire police court budget school rail port market strike".split()
    folder.mkdir()
    with open(folder / "many.jsonl", "w", encoding="utf-8") as handle:
        for i in range(n):
            text = " ".join(rng.choice(words) for _ in range(120)) + "."
            handle.write(json.dumps({"id": f"a{i}", "source": f"s{i % 40}.example", "text": text}) + "\n")
    return folder


@pytest.mark.parametrize("command", ["cluster", "run"])
def test_ctrl_c_prints_one_line_exits_130_and_leaves_no_temporary_file(tmp_path: Path, command: str) -> None:
    inputs = big_corpus(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    extra = ["--summarizer", "extractive"] if command == "run" else []
    process = subprocess.Popen(
        [sys.executable, "-m", "summarize.cli", command, str(inputs), *extra, "-o", str(out / "result.json")],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        # As from a terminal: SIGINT at its default (a suite started as a background job
        # would otherwise hand the child an ignored SIGINT, and Python keeps it ignored).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stderr is not None
    lines = []
    for line in process.stderr:  # Ctrl-C once the articles are read: mid-way through the work
        lines.append(line)
        if line.startswith("storyfold: read "):
            os.killpg(process.pid, signal.SIGINT)  # the whole group, as a terminal does
            break
    rest = process.stderr.read()
    process.wait(120)
    stderr = "".join(lines) + rest
    assert process.returncode == 130, stderr
    assert stderr.rstrip().splitlines()[-1] == "storyfold: interrupted", stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert list(out.iterdir()) == []
