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
    with pytest.raises(ConfigError, match=r"c\.toml: unknown key 'max_wrods' in table \[summary\]"):
        load_settings(path)


def test_a_wrong_type_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[ingest]\nmax_file_bytes = '10MB'\n")
    with pytest.raises(ConfigError, match=r"\[ingest\] max_file_bytes: expected an integer"):
        load_settings(path)


def test_an_invalid_boilerplate_pattern_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[ingest]\nboilerplate_patterns = ['(unclosed']\n")
    with pytest.raises(ConfigError, match="not a valid regular expression"):
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
    import cluster.stories as stories_module
    from summarize.cli import app

    monkeypatch.setattr(ingest_module, "_PARALLEL_CLEAN_FROM", 1)
    monkeypatch.setattr(stories_module, "_PARALLEL_FROM", 1)
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
