"""storyfold.summarize: facts with independent-source counts and one summary per story.

Names are imported on first use, so ``import summarize`` (and ``storyfold --help``) stay
fast and scikit-learn, text2num or transformers load only when needed.

Example:
    >>> from summarize import load_settings, summarize_clustering, digest_to_dict
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Digest": "digest",
    "Story": "digest",
    "digest_to_dict": "output",
    "summarize_cluster": "digest",
    "summarize_clustering": "digest",
    "summarize_stories": "digest",
    "make_summarizer": "generation",
    "read_clustering": "output",
    "write_json": "output",
    "write_digest": "output",
    "Settings": "settings",
    "load_settings": "settings",
    "Fact": "types",
    "StoryInput": "types",
    "Summarizer": "types",
    "Summary": "types",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'summarize' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
