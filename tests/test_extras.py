"""The skip guards: only a missing optional extra skips a test; a rename fails it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .extras import extra_requirements, missing_from_extra, requires_extra

TESTS = Path(__file__).resolve().parent


def test_a_guard_names_an_extra_the_project_declares() -> None:
    assert [r.name for r in extra_requirements("bart")][:2] == ["transformers", "torch"]
    with pytest.raises(KeyError, match=r"pyproject.toml declares no extra 'bert' \(it has: bart, dev, ray\)"):
        requires_extra("bert")


def test_a_complete_extra_does_not_skip_and_a_missing_distribution_does(monkeypatch) -> None:
    from importlib import metadata

    real = metadata.version
    assert {"pytest", "hypothesis"}.isdisjoint(missing_from_extra("dev"))  # they run this very test

    def without_ray(name: str) -> str:
        if name == "ray":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(metadata, "version", without_ray)
    mark = requires_extra("ray")
    assert mark.args == (True,)
    assert mark.kwargs["reason"] == "needs storyfold[ray] (ray not installed): pip install 'storyfold[ray]'"


def test_no_test_is_skipped_on_a_module_name() -> None:
    # Skips keyed on whether a storyfold module exists hide a rename; only extras may skip.
    pattern = re.compile(r"find_spec\(|importorskip\(\s*[\"'](?:cluster|summarize)\b|_ready\(|PIPELINE_READY")
    offenders = [
        f"{path.name}:{number}"
        for path in sorted(TESTS.glob("*.py"))
        if path.name != Path(__file__).name
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
