"""Summarize speed per story: this tree's fact and summary code against another tree's, in one process.

usage: python benchmarks/summarize_speed.py --baseline TREE [N] [--data DIR] [--rounds R]

Writes N synthetic articles exactly as ``benchmarks/scale.py`` does (same generator and
seed), clusters them once with this tree, then summarizes every story with this tree's
``summarize`` package and with the one at TREE (for example an export of an earlier
commit: ``git archive COMMIT | tar -x -C /tmp/base``), loaded side by side in this one
process under another name. The baseline's ``summarize`` runs with this tree's
``cluster`` package. Each story is timed as ``storyfold run`` does it in a worker:
``summarize_cluster`` with the extractive summarizer, then ``encode_story``.

The two are interleaved in slices of stories, the order alternating from slice to
slice, for ``--rounds`` rounds: on a shared or throttled machine the speed drifts by tens
of percent within minutes, which falls on both alike here, while timings from separate
processes run one after the other do not. Prints, for stories of one article and of
several articles, each tree's CPU milliseconds per story in its best round and the ratio
(this tree / baseline), and checks that both trees wrote every story byte for byte alike.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import scale  # noqa: E402  (the generator of benchmarks/scale.py; puts this tree first on sys.path)

from cluster.ingest import load_articles  # noqa: E402
from cluster.pipeline import cluster_articles  # noqa: E402
from cluster.settings import ClusterSettings  # noqa: E402
from cluster.types import Article, Cluster, Clustering  # noqa: E402

SLICE = 100  # stories per timed slice


def load_package(tree: Path, name: str, folder: Path) -> Any:
    """The ``summarize`` package of ``tree``, imported as ``name`` (its modules import one
    another relatively, and ``cluster`` absolutely)."""
    shutil.copytree(tree / "summarize", folder / name)
    sys.path.insert(0, str(folder))
    return importlib.import_module(name)


def story_worker(package: str) -> Callable[[Cluster, dict[str, Article]], bytes]:
    """What a worker does for one story with ``package``: facts, summary, encoded story."""
    digest = importlib.import_module(f"{package}.digest")
    output = importlib.import_module(f"{package}.output")
    settings = importlib.import_module(f"{package}.settings").Settings()
    summarizer = importlib.import_module(f"{package}.extractive").ExtractiveSummarizer(settings=settings.summary)

    def work(cluster: Cluster, articles: dict[str, Article]) -> bytes:
        story = digest.summarize_cluster(cluster, articles, settings, summarizer)
        return output.encode_story(story).json

    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=5000, help="number of articles (default 5000)")
    parser.add_argument("--baseline", type=Path, required=True, help="another storyfold source tree to compare against")
    parser.add_argument("--data", type=Path, default=scale.DEFAULT_DATA, help="folder of JSONL files (default ../shared/data)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not (args.baseline / "summarize" / "digest.py").is_file():
        parser.error(f"--baseline {args.baseline}: no summarize/digest.py there (give a storyfold source tree)")

    sentences, counts = scale.load_sentences(args.data.resolve())
    corpus = scale.Corpus(sentences, counts, args.seed, 0.10, 0.01)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "jsonl").mkdir()
        scale.write_jsonl(corpus.articles(args.n), folder / "jsonl", 0)
        settings = ClusterSettings()
        ingested = load_articles([folder / "jsonl"], settings.ingest)
        result: Clustering = cluster_articles(ingested.articles, settings, skipped=ingested.skipped)
        articles = result.article_map()
        load_package(args.baseline.resolve(), "summarize_baseline", folder / "packages")
        workers = {"baseline": story_worker("summarize_baseline"), "this tree": story_worker("summarize")}
        groups = {
            "one article": [c for c in result.clusters if len(c.article_ids) == 1],
            "several articles": [c for c in result.clusters if len(c.article_ids) > 1],
        }
        print(
            f"summarize speed: {args.n:,} articles, {len(result.clusters):,} stories "
            f"({len(groups['one article']):,} of one article), {args.rounds} rounds, interleaved in slices of {SLICE}"
        )
        differ = sum(
            workers["baseline"](c, articles) != workers["this tree"](c, articles) for c in result.clusters
        )  # also warms both up
        best: dict[tuple[str, str], float] = {}
        for _ in range(args.rounds):
            spent: dict[tuple[str, str], float] = {}
            for group, clusters in groups.items():
                for k, start in enumerate(range(0, len(clusters), SLICE)):
                    part = clusters[start : start + SLICE]
                    for label in ("baseline", "this tree") if k % 2 == 0 else ("this tree", "baseline"):
                        work = workers[label]
                        began = time.process_time()
                        for cluster in part:
                            work(cluster, articles)
                        spent[(group, label)] = spent.get((group, label), 0.0) + time.process_time() - began
            for key, seconds in spent.items():
                best[key] = min(best.get(key, seconds), seconds)
    for group, clusters in groups.items():
        if not clusters:
            continue
        base, this = best[(group, "baseline")], best[(group, "this tree")]
        print(
            f"  {group:<17} baseline {base * 1e3 / len(clusters):6.3f} ms/story   this tree {this * 1e3 / len(clusters):6.3f} ms/story"
            f"   this tree / baseline {this / base:.3f}x the time"
        )
    base = sum(v for (g, label), v in best.items() if label == "baseline")
    this = sum(v for (g, label), v in best.items() if label == "this tree")
    print(f"  all stories       this tree / baseline {this / base:.3f}x the time (best of {args.rounds} rounds, CPU time)")
    print(f"  output: {'every story byte for byte alike' if not differ else f'{differ:,} stories DIFFER'}")


if __name__ == "__main__":
    main()
