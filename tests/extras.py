"""Skip guards keyed on what can actually be missing: an optional extra of storyfold.

A test that needs ``transformers`` and ``torch`` says ``@requires_extra("bart")``; it is
skipped only when a distribution that extra lists in ``pyproject.toml`` is not installed.
The core packages (``cluster``, ``summarize``) and core dependencies are never guarded: a
renamed module or a missing core dependency fails the tests instead of skipping them. An
extra name that ``pyproject.toml`` does not declare is an error, not a skip.
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def extra_requirements(extra: str) -> list[Requirement]:
    """The requirements ``pyproject.toml`` lists for optional extra ``extra``.

    Raises:
        KeyError: when the project declares no such extra.
    """
    extras = tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]["optional-dependencies"]
    if extra not in extras:
        raise KeyError(f"pyproject.toml declares no extra {extra!r} (it has: {', '.join(sorted(extras))})")
    return [Requirement(text) for text in extras[extra]]


def missing_from_extra(extra: str) -> list[str]:
    """Distributions of ``extra`` that are not installed (empty when the extra is complete)."""
    missing = []
    for requirement in extra_requirements(extra):
        try:
            metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            missing.append(requirement.name)
    return missing


def requires_extra(extra: str) -> pytest.MarkDecorator:
    """A skip mark for tests that need storyfold's optional extra ``extra``."""
    missing = missing_from_extra(extra)
    return pytest.mark.skipif(bool(missing), reason=f"needs storyfold[{extra}] ({', '.join(missing)} not installed): pip install 'storyfold[{extra}]'")


def skip_without_extra(extra: str) -> None:
    """Inside a test: skip it when the optional extra ``extra`` is not installed."""
    missing = missing_from_extra(extra)
    if missing:
        pytest.skip(f"needs storyfold[{extra}] ({', '.join(missing)} not installed): pip install 'storyfold[{extra}]'")
