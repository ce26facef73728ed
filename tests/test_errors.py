"""Errors: one module holds every StoryfoldError, and every exit code is documented."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import cluster
import summarize
from cluster.errors import StoryfoldError

REPO = Path(__file__).resolve().parents[1]


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _all_subclasses(sub)
    return found


def _storyfold_errors() -> set[type]:
    for package in (cluster, summarize):
        for module in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
    return {c for c in _all_subclasses(StoryfoldError) if c.__module__.split(".")[0] in ("cluster", "summarize")}


def _readme_exit_codes() -> set[int]:
    text = (REPO / "README.md").read_text("utf-8")
    table = text.split("Exit codes:", 1)[1].split("\n\n", 2)[1]
    return {int(code) for code in re.findall(r"^\| (\d+) \|", table, flags=re.M)}


def test_every_storyfold_error_is_defined_in_the_errors_module() -> None:
    errors = _storyfold_errors()
    assert {c.__name__ for c in errors} >= {"ConfigError", "ContractError", "InvariantError", "RayUnavailableError", "StoreError"}
    assert sorted(c.__name__ for c in errors if c.__module__ != "cluster.errors") == []


def test_every_exit_code_in_the_code_is_in_the_readme_table() -> None:
    codes = {c.exit_code for c in _storyfold_errors()} | {StoryfoldError.exit_code}
    literal = re.compile(r"(?:Exit|sys\.exit|SystemExit)\((\d+)\)|exit_code\s*=\s*(\d+)")
    for path in sorted([*(REPO / "cluster").glob("*.py"), *(REPO / "summarize").glob("*.py")]):
        for match in literal.finditer(path.read_text("utf-8")):
            codes.add(int(match.group(1) or match.group(2)))
    readme = _readme_exit_codes()
    assert 0 in readme and 1 in readme and 2 in readme
    assert codes - readme == set(), f"exit codes used but not in the README table: {sorted(codes - readme)}"


def test_the_errors_module_docstring_lists_every_error_with_its_exit_code() -> None:
    import cluster.errors

    doc = cluster.errors.__doc__ or ""
    for error in _storyfold_errors():
        assert re.search(rf"^{error.__name__}\s+{error.exit_code}\s", doc, flags=re.M), error.__name__


def test_using_a_ranker_before_fit_is_a_programming_error_not_a_user_error() -> None:
    from summarize.salience import NotFittedError, SentenceRanker

    assert not issubclass(NotFittedError, StoryfoldError)
    with pytest.raises(NotFittedError, match=r"SentenceRanker is not fitted yet: call fit\(documents\) before score\(\) or transform\(\)"):
        SentenceRanker().transform(["Rain fell in Paris."])
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)


def test_errors_moved_to_the_errors_module_are_still_importable_where_they_were() -> None:
    from cluster.engine_ray import RayUnavailableError
    from cluster.errors import ContractError as Contract
    from summarize.neutrality import LexiconUnavailableError
    from summarize.output import ContractError
    from summarize.store import StoreBusyError

    assert ContractError is Contract
    assert {RayUnavailableError.__module__, LexiconUnavailableError.__module__, StoreBusyError.__module__} == {"cluster.errors"}
