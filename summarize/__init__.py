"""storyfold.summarize: facts with independent-source counts and one summary per story.

Example:
    >>> from summarize import load_settings, summarize_clustering, digest_to_dict
"""

from .digest import Digest, Story, digest_to_dict, summarize_cluster, summarize_clustering
from .generation import make_summarizer
from .output import read_clustering, write_json
from .settings import Settings, load_settings
from .types import Fact, StoryInput, Summarizer, Summary

__all__ = [
    "Digest",
    "Story",
    "Fact",
    "StoryInput",
    "Summary",
    "Summarizer",
    "Settings",
    "load_settings",
    "summarize_cluster",
    "summarize_clustering",
    "digest_to_dict",
    "make_summarizer",
    "read_clustering",
    "write_json",
]
