"""storyfold.cluster: read news articles and group them into stories.

Example:
    >>> from cluster import load_articles, cluster_articles
"""

from .ingest import Ingested, iter_articles, load_articles
from .pipeline import cluster_articles
from .errors import ConfigError, InputPathError, InvariantError, ModelUnavailableError, StoryfoldError
from .pools import process_limit
from .settings import ClusterSettings, CopySettings, EngineSettings, IngestSettings, StorySettings, load_cluster_settings
from .types import Article, Cluster, Clustering, Skipped, derive_id

__all__ = [
    "load_articles",
    "iter_articles",
    "Ingested",
    "cluster_articles",
    "Article",
    "Cluster",
    "Clustering",
    "Skipped",
    "derive_id",
    "StoryfoldError",
    "ConfigError",
    "InputPathError",
    "InvariantError",
    "ModelUnavailableError",
    "ClusterSettings",
    "CopySettings",
    "EngineSettings",
    "IngestSettings",
    "StorySettings",
    "load_cluster_settings",
    "process_limit",
]
