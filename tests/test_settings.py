"""Settings: the shipped default config, validation and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from cluster import ConfigError, load_cluster_settings
from summarize.settings import Settings, load_settings

DEFAULT = Path(__file__).resolve().parents[1] / "configs" / "default.toml"


def test_the_shipped_default_config_equals_the_built_in_defaults() -> None:
    assert load_settings(DEFAULT) == Settings()
    assert load_cluster_settings(DEFAULT) == Settings().cluster


def test_a_partial_config_keeps_the_other_defaults(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[summary]\nmax_words = 40\n")
    settings = load_settings(path)
    assert settings.summary.max_words == 40
    assert settings.copies == Settings().copies


def test_an_unknown_key_names_the_file_table_and_key(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[summary]\nmax_wrods = 40\n")
    with pytest.raises(ConfigError, match=r"c\.toml: \[summary\] max_wrods: no such key; did you mean max_words\?"):
        load_settings(path)


def test_a_wrong_type_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[ingest]\nmax_file_bytes = '10MB'\n")
    with pytest.raises(ConfigError, match=r"c\.toml: \[ingest\] max_file_bytes: '10MB' must be an integer from 1 to 2\*\*40; "):
        load_settings(path)


def test_an_invalid_boilerplate_pattern_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[ingest]\nboilerplate_patterns = ['(unclosed']\n")
    with pytest.raises(ConfigError, match=r"c\.toml: \[ingest\] boilerplate_patterns: '\(unclosed' must be a valid regular expression \(missing \)"):
        load_settings(path)


def test_process_limit_caps_usable_cores_and_the_tighter_limit_wins() -> None:
    from cluster.pools import process_limit, usable_cores

    cores = usable_cores()
    with process_limit(1):
        assert usable_cores() == 1
        with process_limit(0):  # "one per core" inside a limit keeps the limit
            assert usable_cores() == 1
        with process_limit(4):
            assert usable_cores() == 1
    assert usable_cores() == cores
    with pytest.raises(ConfigError, match="engine.processes"):
        with process_limit(-1):
            pass


def test_one_process_starts_no_worker_pool_in_any_stage(tmp_path, monkeypatch) -> None:
    # With --processes 1 no stage may start a worker pool, however large its input.
    import json
    import multiprocessing

    from typer.testing import CliRunner

    import cluster.ingest as ingest_module
    import cluster.vectors as vectors_module
    from summarize.cli import app

    monkeypatch.setattr(ingest_module, "_PARALLEL_CLEAN_FROM", 1)
    monkeypatch.setattr(vectors_module, "_PARALLEL_FROM", 1)
    started = []
    real_context = multiprocessing.get_context

    def spy(method=None):  # type: ignore[no-untyped-def]
        started.append(method)
        return real_context(method)

    monkeypatch.setattr(multiprocessing, "get_context", spy)
    lines = [json.dumps({"id": f"a{i}", "text": f"Storm number {i} hit the coast of Chile on day {i}. Rescue teams searched the area."}) for i in range(40)]
    (tmp_path / "in.jsonl").write_text("\n".join(lines), encoding="utf-8")
    result = CliRunner().invoke(app, ["cluster", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "c.json"), "--processes", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    assert started == []


# --- Declared rules: every key has one, every message names file, table, key and range ---

import dataclasses  # noqa: E402
import re  # noqa: E402
import typing  # noqa: E402

from typer.testing import CliRunner  # noqa: E402

from cluster.constraints import Bounds, rule_of  # noqa: E402
from summarize.cli import app  # noqa: E402

TABLES = {f.name: type(getattr(Settings(), f.name)) for f in dataclasses.fields(Settings)}
KEYS = [(table, f) for table, cls in TABLES.items() for f in dataclasses.fields(cls)]


def _write(tmp_path: Path, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / "c.toml"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_every_settings_class_names_its_table_and_declares_a_rule_for_every_key() -> None:
    for table, cls in TABLES.items():
        assert cls.TABLE == table
        for f in dataclasses.fields(cls):
            assert rule_of(cls, f.name) is not None, f"[{table}] {f.name} declares no rule"
            assert f.metadata["fix"].strip() and ";" not in f.metadata["fix"], f"[{table}] {f.name}: the fix is one clause"


def test_the_default_config_documents_every_key_and_its_range() -> None:
    lines = DEFAULT.read_text("utf-8").splitlines()
    table = None
    documented: dict[tuple[str, str], str] = {}
    for index, line in enumerate(lines):
        if match := re.match(r"^\[(\w+)\]$", line):
            table = match.group(1)
        elif (match := re.match(r"^(?:# )?(\w+) = ", line)) and table:
            documented[(table, match.group(1))] = lines[index - 1]
    for table, f in KEYS:
        rule = rule_of(TABLES[table], f.name)
        assert documented.get((table, f.name)) == f"# Allowed: {rule.describe()}.", f"[{table}] {f.name}"


FLOAT_KEYS = [(t, f.name) for t, f in KEYS if f.type in ("float", float)]


@pytest.mark.parametrize(("table", "key"), FLOAT_KEYS, ids=[f"{t}.{k}" for t, k in FLOAT_KEYS])
@pytest.mark.parametrize("literal", ["nan", "inf", "-inf"])
def test_nan_and_infinity_are_refused_in_every_float_key(tmp_path: Path, table: str, key: str, literal: str) -> None:
    path = _write(tmp_path, f"[{table}]\n{key} = {literal}\n")
    with pytest.raises(ConfigError, match=rf"c\.toml: \[{table}\] {key}: {literal} must be a finite number"):
        load_settings(path)


INT_BOUNDS = [
    (t, f.name, rule_of(TABLES[t], f.name))
    for t, f in KEYS
    if isinstance(rule_of(TABLES[t], f.name), Bounds) and rule_of(TABLES[t], f.name).kind == "integer"
]


@pytest.mark.parametrize(("table", "key", "rule"), INT_BOUNDS, ids=[f"{t}.{k}" for t, k, _ in INT_BOUNDS])
def test_every_integer_key_refuses_values_past_its_documented_range(tmp_path: Path, table: str, key: str, rule: Bounds) -> None:
    outside = []
    if isinstance(rule.low, int):
        outside.append(rule.low - 1)
    if isinstance(rule.high, int):
        outside.append(rule.high + 1)
    else:  # bounded by another key: past that key's default
        outside.append(getattr(TABLES[table](), rule.high) + 1)
    for value in outside:
        path = _write(tmp_path, f"[{table}]\n{key} = {value}\n")
        with pytest.raises(ConfigError, match=rf"c\.toml: \[{table}\] {key}: {value} must be an integer from .* to .*; \w"):
            load_settings(path)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[copies]\nseed = 4294967296\n", r"\[copies\] seed: 4294967296 must be an integer from 0 to 2\*\*32 - 1; "),
        ("[copies]\nseed = -1\n", r"\[copies\] seed: -1 must be an integer from 0 to 2\*\*32 - 1; "),
        ("[copies]\nnum_perm = 1000000000\n", r"\[copies\] num_perm: 1000000000 must be an integer from 1 to 4096; memory grows"),
        ("[stories]\nmax_words = 9223372036854775807\n", r"\[stories\] max_words: 9223372036854775807 must be an integer from 1 to 20_000; "),
        ("[sentences]\nmax_chars = 0\n", r"\[sentences\] max_chars: 0 must be an integer from 100 to 1_000_000; "),
        ("[facts]\nnumbers_must_agree = 'yes'\n", r"\[facts\] numbers_must_agree: 'yes' must be true or false; "),
        ("[bart]\nmodel = '  '\n", r"\[bart\] model: '  ' must be a non-empty string; name a Hugging Face model id"),
        ("[summary]\nmax_words = 40\nmin_words = 50\n", r"\[summary\] min_words: 50 must be an integer from 1 to max_words \(40\); lower min_words"),
        ("[salience]\ntitle_weight = 1e400\n", r"\[salience\] title_weight: inf must be a finite number at least 0"),
        ("[copies]\ncandidate_similarity = 0\n", r"\[copies\] candidate_similarity: 0.0 must be a finite number above 0 and at most 1; "),
        ("[ingest]\nmax_articles = 1.5\n", r"\[ingest\] max_articles: 1.5 must be an integer from 1 to 2\*\*32; "),
        ("[sumary]\nmax_words = 40\n", r"\[sumary\]: no such table; did you mean \[summary\]\?"),
        ("summary = 3\n", r"summary: 3 must be a table; write \[summary\] on a line of its own"),
    ],
)
def test_a_bad_value_in_a_file_names_the_file_table_key_and_range(tmp_path: Path, toml: str, message: str) -> None:
    with pytest.raises(ConfigError, match=rf"c\.toml: {message}"):
        load_settings(_write(tmp_path, toml))


def test_a_bad_value_from_the_library_names_the_table_and_key_without_a_file() -> None:
    from cluster import CopySettings
    from summarize.settings import SentenceSettings

    with pytest.raises(ConfigError, match=r"^\[copies\] seed: 4294967296 must be an integer from 0 to 2\*\*32 - 1; ") as caught:
        CopySettings(seed=2**32)
    assert (caught.value.table, caught.value.key, caught.value.value) == ("copies", "seed", 2**32)
    with pytest.raises(ConfigError, match=r"^\[sentences\] max_chars: 0 must be an integer from 100 "):
        SentenceSettings(max_chars=0)


def test_a_toml_file_with_a_byte_order_mark_reads_like_one_without(tmp_path: Path) -> None:
    with_bom = load_settings(_write(tmp_path, "[summary]\nmax_words = 40\n", bom=True))
    assert with_bom.summary.max_words == 40
    assert load_settings(_write(tmp_path, DEFAULT.read_text("utf-8"), bom=True)) == Settings()
    assert load_cluster_settings(_write(tmp_path, "[copies]\nseed = 7\n", bom=True)).copies.seed == 7


def _cli(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--copy-threshold", "1.5"], r"--copy-threshold: 1.5 must be a finite number from 0 to 1; lower finds"),
        (["--copy-threshold", "nan"], r"--copy-threshold: nan must be a finite number from 0 to 1; "),
        (["--processes", "-1"], r"--processes: -1 must be an integer from 0 to 4096; 0 means one per core"),
        (["--engine", "spark"], r"--engine: 'spark' must be one of \"local\", \"ray\"; "),
        (["--max-words", "20000"], r"--max-words: 20000 must be an integer from 5 to 10_000; "),
        (["--max-words", "4"], r"--max-words: 4 must be an integer from 5 to 10_000; "),
        (["--now", "2024-13-45"], r"--now: '2024-13-45' is not a date; give it as YYYY-MM-DD"),
        (["--summarizer", "magic"], r"--summarizer: 'magic' must be one of \"auto\", \"bart\", \"extractive\"; "),
        (["--device", "tpu"], r"--device: 'tpu' must be one of \"auto\", \"cpu\", \"cuda\"; "),
    ],
)
def test_a_bad_option_names_the_flag_and_stops_before_any_work(tmp_path: Path, two_story_dir: Path, monkeypatch, args: list[str], message: str) -> None:
    import cluster.ingest

    def no_work(*a, **k):  # type: ignore[no-untyped-def]
        raise AssertionError("articles were read before the settings were checked")

    monkeypatch.setattr(cluster.ingest, "load_articles", no_work)
    out = tmp_path / "d.json"
    code, stderr = _cli("run", two_story_dir, "-o", out, *args)
    assert code == 2
    assert re.fullmatch(rf"storyfold: error: {message}.*\n", stderr), stderr
    assert not out.exists()


def test_a_bad_config_file_stops_the_cli_before_any_work_with_exit_2(tmp_path: Path, two_story_dir: Path, monkeypatch) -> None:
    import cluster.ingest

    monkeypatch.setattr(cluster.ingest, "load_articles", lambda *a, **k: pytest.fail("articles were read"))
    config = _write(tmp_path, "[copies]\nnum_perm = 1000000000\n")
    for command in ("cluster", "run"):
        code, stderr = _cli(command, two_story_dir, "--config", config, "-o", tmp_path / "out.json")
        assert code == 2
        assert stderr.startswith(f"storyfold: error: {config}: [copies] num_perm: 1000000000 must be an integer from 1 to 4096; ")
    clusters = tmp_path / "c.json"
    clusters.write_text('{"articles": [], "clusters": []}')
    code, stderr = _cli("summarize", clusters, "--config", _write(tmp_path, "[sentences]\nmax_chars = 0\n"), "-o", tmp_path / "out.json")
    assert code == 2 and "[sentences] max_chars: 0 must be an integer from 100 to 1_000_000; " in stderr
    assert not (tmp_path / "out.json").exists()


def test_a_bom_config_runs_the_cli_like_one_without(tmp_path: Path, two_story_dir: Path) -> None:
    plain, bom = tmp_path / "plain", tmp_path / "bom"
    plain.mkdir(), bom.mkdir()
    text = "[summary]\nsummarizer = 'extractive'\nmax_words = 40\n"
    (plain / "c.toml").write_text(text)
    (bom / "c.toml").write_bytes(b"\xef\xbb\xbf" + text.encode())
    for folder in (plain, bom):
        code, stderr = _cli("run", two_story_dir, "--config", folder / "c.toml", "-o", folder / "d.json", "-q")
        assert code == 0, stderr
    assert (plain / "d.json").read_bytes() == (bom / "d.json").read_bytes()
