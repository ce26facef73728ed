"""Which settings file a run reads, and the settings in effect written back as TOML.

One file is read, the first of (precedence, highest first):

1. ``--config FILE`` on the command line;
2. ``storyfold.toml`` in the working folder;
3. the user's file: ``$XDG_CONFIG_HOME/storyfold/config.toml`` (``~/.config/storyfold/config.toml``
   when ``XDG_CONFIG_HOME`` is unset; ``%APPDATA%\\storyfold\\config.toml`` on Windows);
4. none: the built-in defaults.

Keys a file leaves out keep their defaults, and command-line options override the file.
Files are not merged: the project file in the working folder replaces the user's file
entirely, so what a run used is always one file plus options. This is how ruff and black
pick their configuration.

The documented defaults ship with the package (``summarize/default.toml``, the same
text as the repository's ``configs/default.toml``); :func:`settings_toml` writes the
settings in effect into that text, so the comments stay beside their keys.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

__all__ = ["PROJECT_FILE", "ConfigSource", "user_config_path", "find_config", "default_toml", "settings_toml"]

PROJECT_FILE = "storyfold.toml"


@dataclasses.dataclass(frozen=True, slots=True)
class ConfigSource:
    """The settings file a run reads (``path`` None: built-in defaults) and why it was chosen."""

    path: Path | None
    origin: str

    def describe(self) -> str:
        """One line for messages, e.g. ``./storyfold.toml (the working folder)``."""
        if self.path is None:
            return "built-in defaults (no settings file found)"
        from cluster.text import escape_controls

        # undecodable bytes of the name as \xNN, control characters escaped: the line stays one line of UTF-8
        name = escape_controls(os.fsencode(self.path).decode("utf-8", "backslashreplace"))
        return f"{name} ({self.origin})"


def user_config_path(env: Mapping[str, str] | None = None) -> Path:
    """The user's settings file, whether or not it exists.

    Example:
        >>> user_config_path({"XDG_CONFIG_HOME": "/home/ada/.config"}).as_posix()
        '/home/ada/.config/storyfold/config.toml'
    """
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME")
    if not base and sys.platform == "win32" and env.get("APPDATA"):
        base = env["APPDATA"]
    if not base:
        base = str(Path(env.get("HOME") or Path.home()) / ".config")
    return Path(base) / "storyfold" / "config.toml"


def find_config(explicit: str | os.PathLike[str] | None = None, *, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> ConfigSource:
    """The one settings file to read, by the precedence in this module's docstring.

    An explicit path is returned even when it does not exist (reading it then fails
    with a :class:`~cluster.errors.ConfigError` naming it).

    Example:
        >>> find_config("my.toml").origin
        '--config'
    """
    if explicit is not None:
        return ConfigSource(Path(explicit), "--config")
    project = (cwd or Path.cwd()) / PROJECT_FILE
    if project.is_file():
        return ConfigSource(Path(PROJECT_FILE) if cwd is None else project, "the working folder")
    user = user_config_path(env)
    if user.is_file():
        return ConfigSource(user, "the user's settings file")
    return ConfigSource(None, "built-in defaults")


def default_toml() -> str:
    """The documented default settings, as shipped with the package.

    Example:
        >>> default_toml().startswith("# storyfold default settings.")
        True
    """
    return resources.files("summarize").joinpath("default.toml").read_text("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _unwrap(item: Any) -> Any:
    return item.unwrap() if hasattr(item, "unwrap") else item


def settings_toml(settings: Any, *, header: str | None = None) -> str:
    """``settings`` (a :class:`~summarize.settings.Settings`) as TOML in the documented layout.

    Values equal to the defaults keep their text (``50_000_000`` stays as written); others
    replace it, beside the same comment. A ``None`` value (TOML has no null) is left out, which
    reads back as ``None``. The result loads back to equal settings.

    Example:
        >>> from summarize.settings import Settings
        >>> "max_words = 75" in settings_toml(Settings())
        True
    """
    import tomlkit

    doc = tomlkit.parse(default_toml())
    for table_field in dataclasses.fields(settings):
        table_value = getattr(settings, table_field.name)
        if not dataclasses.is_dataclass(table_value):
            continue
        if table_field.name not in doc:
            doc.add(table_field.name, tomlkit.table())
        table = doc[table_field.name]
        for field in dataclasses.fields(table_value):
            value = _plain(getattr(table_value, field.name))
            if field.name in table and _unwrap(table[field.name]) == value:
                continue
            if value is None:
                if field.name in table:
                    del table[field.name]
                continue
            table[field.name] = value
    text = tomlkit.dumps(doc)
    return (header.rstrip("\n") + "\n" + text) if header else text
