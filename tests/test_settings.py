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
