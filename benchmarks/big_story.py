"""Big inputs for the summarize stage: one story of many articles, one very long article.

Each case runs in a fresh process (so its peak resident memory is its own) and calls
``summarize_clustering`` on a clustering of one story, the path ``storyfold summarize``
takes, with the extractive summarizer. Articles are built from real sentences of the
development data (as ``benchmarks/scale.py`` does): a story of N articles is N rewrites
of one event (each keeps two thirds of the event's sentences, drops a fifth of their
words and adds unrelated filler), published by N / 3 outlets; a long article is one
event's sentences followed by sentences drawn at random until it reaches the size.

Prints, per case: seconds, peak RSS, and the growth ratios between sizes (time for
10x the articles, and the 1 -> 5 -> 50 MB article ratios), against the targets of a
1,000-article story in <= 10 s, <= 15x the time from 1,000 to 10,000 articles, and a
50 MB article or a 20,000-article story under 2 GiB.

    python benchmarks/big_story.py                  # stories of 100, 1000, 10000; articles of 1, 5, 50 MB
    python benchmarks/big_story.py --stories 100 1000 10000 20000 --megabytes 1 5 50
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
DEFAULT_DATA = REPO / ".." / "shared" / "data"


def _story(n: int, sentences: list[str], seed: int):  # type: ignore[no-untyped-def]
    import numpy as np

    from cluster import Article

    rng = np.random.default_rng(seed)
    event = [sentences[i] for i in rng.integers(0, len(sentences), 14)]
    articles = []
    for k in range(n):
        keep = sorted(rng.choice(len(event), size=len(event) * 2 // 3, replace=False).tolist())
        body = []
        for index in keep:
            words = event[index].split(" ")
            drop = set(rng.integers(0, len(words), max(1, len(words) // 5)).tolist())
            body.append(" ".join(w for j, w in enumerate(words) if j not in drop))
        body += [sentences[i] for i in rng.integers(0, len(sentences), 6)]
        text = "\n\n".join(" ".join(body[i : i + 3]) for i in range(0, len(body), 3))
        articles.append(Article(f"a{k:06d}", text, title=event[0][:80], source=f"Outlet {k % max(1, n // 3)}"))
    return articles


def _long_article(megabytes: float, sentences: list[str], seed: int):  # type: ignore[no-untyped-def]
    import numpy as np

    from cluster import Article

    rng = np.random.default_rng(seed)
    target = int(megabytes * 2**20)
    parts: list[str] = []
    size = 0
    while size < target:
        picks = rng.integers(0, len(sentences), 3)
        paragraph = " ".join(sentences[i] for i in picks)
        parts.append(paragraph)
        size += len(paragraph) + 2
    return [Article("long", "\n\n".join(parts), title="A very long article", source="Outlet")]


def _case(kind: str, size: float, data: Path) -> dict[str, float]:
    """Run one case in this process; returns seconds and peak RSS in GiB."""
    from scale import load_sentences

    from cluster import Cluster, Clustering
    from summarize import summarize_clustering
    from summarize.settings import Settings

    sentences, _ = load_sentences(data)
    articles = _story(int(size), sentences, 11) if kind == "story" else _long_article(size, sentences, 13)
    clustering = Clustering(articles=tuple(articles), clusters=(Cluster.of([a.id for a in articles]),))
    del sentences
    started = time.perf_counter()
    digest = summarize_clustering(clustering, Settings())
    seconds = time.perf_counter() - started
    story = digest.stories[0]
    return {
        "seconds": seconds,
        "peak_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
        "facts": len(story.facts),
        "sources": story.independent_sources,
    }


def _run(kind: str, size: float, data: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--one", kind, str(size), "--data", str(data)],
        capture_output=True, text=True, check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{kind} {size} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, nargs="*", default=[100, 1000, 10000], help="story sizes in articles")
    parser.add_argument("--megabytes", type=float, nargs="*", default=[1, 5, 50], help="article sizes in MB")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of JSONL files (default ../shared/data)")
    parser.add_argument("--one", nargs=2, metavar=("KIND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    data = args.data.resolve()
    if args.one:
        print(json.dumps(_case(args.one[0], float(args.one[1]), data)))
        return

    print("summarize stage on big inputs (extractive summarizer, one story, fresh process per case)")
    story_times: dict[int, float] = {}
    for n in args.stories:
        result = _run("story", n, data)
        story_times[n] = result["seconds"]
        print(f"  story of {n:>6,} articles: {result['seconds']:8.2f} s  peak RSS {result['peak_gib']:5.2f} GiB"
              f"  ({result['facts']} facts, {result['sources']} independent sources)")
    sizes = sorted(story_times)
    for small, big in zip(sizes, sizes[1:]):
        print(f"    {small:,} -> {big:,} articles ({big / small:.0f}x): time x{story_times[big] / story_times[small]:.1f}")
    article_times: dict[float, float] = {}
    for mb in args.megabytes:
        result = _run("article", mb, data)
        article_times[mb] = result["seconds"]
        print(f"  one article of {mb:g} MB: {result['seconds']:8.2f} s  peak RSS {result['peak_gib']:5.2f} GiB  ({result['facts']} facts)")
    sizes_mb = sorted(article_times)
    for small, big in zip(sizes_mb, sizes_mb[1:]):
        print(f"    {small:g} -> {big:g} MB ({big / small:.0f}x): time x{article_times[big] / article_times[small]:.1f}")
    if 1000 in story_times:
        print(f"  target: a 1,000-article story in <= 10 s: {'MET' if story_times[1000] <= 10 else 'MISSED'} ({story_times[1000]:.1f} s)")
    if 1000 in story_times and 10000 in story_times:
        ratio = story_times[10000] / story_times[1000]
        print(f"  target: 1,000 -> 10,000 articles <= 15x the time: {'MET' if ratio <= 15 else 'MISSED'} (x{ratio:.1f})")


if __name__ == "__main__":
    main()
