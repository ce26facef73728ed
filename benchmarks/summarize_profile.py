"""Where the summarize stage's time goes: the per-sentence text steps against the rest.

usage: python benchmarks/summarize_profile.py [N] [--data DIR] [--rounds R]

Writes N synthetic articles exactly as ``benchmarks/scale.py`` does (same generator and
seed), clusters them once, then summarizes every story in this one process as a
``storyfold run`` worker does (``summarize_cluster`` with the extractive summarizer, then
``encode_story``), with the text steps timed: the functions that read a sentence's
characters one sentence at a time, which a compiled per-sentence core would replace:

- ``split_sentences`` (line filters, the segmenter, datelines, the keep rules);
- ``SentenceRanker._tokens`` (TF-IDF tokens);
- ``sentence_role``, ``_features`` and ``names`` (names, figures, quotations);
- ``_phrasing`` and ``_first_person`` (wording checks of candidate facts);
- ``content_bag``, ``is_truncated`` and ``word_count`` (summary and accounting checks).

Everything else (NumPy work, alignment and salience arithmetic, fact objects, sorting,
the summary's selection, JSON encoding) is "the rest". Each text step is timed only
where no other timed step encloses it, and the timer's own cost (measured on an empty
function in the same run, times the number of timed calls) is taken off, so the text
share is not inflated by the measuring.

Prints, for stories of one article and of several: CPU milliseconds per story (best of
``--rounds``), each text step's share, and the bound Amdahl's law sets on any compiled
core for the text steps: total / rest, the speed-up of the stage if the text steps cost
nothing at all. ``scale.py N --run`` prints how much faster the stage must get (its
summarize / clustering ratio); a bound below that ratio means no per-sentence core
alone can meet the target.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import scale  # noqa: E402  (the generator of benchmarks/scale.py; puts this tree first on sys.path)

import summarize.extractive  # noqa: E402
import summarize.facts  # noqa: E402
import summarize.salience  # noqa: E402
from cluster.ingest import load_articles  # noqa: E402
from cluster.pipeline import cluster_articles  # noqa: E402
from cluster.settings import ClusterSettings  # noqa: E402
from cluster.types import Clustering  # noqa: E402
from summarize.digest import summarize_cluster  # noqa: E402
from summarize.extractive import ExtractiveSummarizer  # noqa: E402
from summarize.output import encode_story  # noqa: E402
from summarize.settings import Settings  # noqa: E402

# (module or class, attribute, label): the text steps, where the stage looks them up
TEXT_STEPS: list[tuple[Any, str, str]] = [
    (summarize.facts, "split_sentences", "split_sentences"),
    (summarize.salience.SentenceRanker, "_tokens", "TF-IDF tokens"),
    (summarize.facts, "sentence_role", "sentence_role"),
    (summarize.facts, "_features", "names, figures, quotes"),
    (summarize.facts, "names", "names"),
    (summarize.facts, "_phrasing", "phrasing"),
    (summarize.facts, "_first_person", "first person"),
    (summarize.extractive, "content_bag", "content_bag"),
    (summarize.extractive, "is_truncated", "is_truncated"),
    (summarize.facts, "word_count", "word_count"),
]


class StepClock:
    """Seconds and calls per label of the outermost timed call (a timed step called
    inside another is counted in the outer one only)."""

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self._inside = False

    def wrap(self, function: Callable[..., Any], label: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self._inside:
                return function(*args, **kwargs)
            self._inside = True
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - began
                self.calls[label] += 1
                self._inside = False

        return timed

    def clear(self) -> None:
        self.seconds.clear()
        self.calls.clear()


def install(clock: StepClock) -> None:
    """Put ``clock``'s timers around every text step, where the stage looks it up."""
    for owner, name, label in TEXT_STEPS:
        function = owner.__dict__[name]
        if isinstance(function, staticmethod):
            setattr(owner, name, staticmethod(clock.wrap(function.__func__, label)))
        else:
            setattr(owner, name, clock.wrap(function, label))


def timer_cost(clock: StepClock, calls: int = 200_000) -> float:
    """Seconds the timer adds to one call: a timed empty function against the bare one."""
    bare = lambda: None  # noqa: E731
    timed = StepClock().wrap(bare, "empty")
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        for _ in range(calls):
            timed()
        with_timer = time.perf_counter() - began
        began = time.perf_counter()
        for _ in range(calls):
            bare()
        best = min(best, (with_timer - (time.perf_counter() - began)) / calls)
    return max(best, 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=5000, help="number of articles (default 5000)")
    parser.add_argument("--data", type=Path, default=scale.DEFAULT_DATA, help="folder of JSONL files (default ../shared/data)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    sentences, counts = scale.load_sentences(args.data.resolve())
    corpus = scale.Corpus(sentences, counts, args.seed, 0.10, 0.01)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        scale.write_jsonl(corpus.articles(args.n), folder, 0)
        cluster_settings = ClusterSettings()
        ingested = load_articles([folder], cluster_settings.ingest)
        result: Clustering = cluster_articles(ingested.articles, cluster_settings, skipped=ingested.skipped)
    articles = result.article_map()
    settings = Settings()
    summarizer = ExtractiveSummarizer(settings=settings.summary)
    groups = {
        "one article": [c for c in result.clusters if len(c.article_ids) == 1],
        "several articles": [c for c in result.clusters if len(c.article_ids) > 1],
    }
    clock = StepClock()
    install(clock)
    overhead = timer_cost(clock)
    print(
        f"summarize profile: {args.n:,} articles, {len(result.clusters):,} stories ({len(groups['one article']):,} of one "
        f"article), best of {args.rounds} rounds; timer cost {overhead * 1e9:.0f} ns per timed call, taken off"
    )
    for group, clusters in groups.items():
        if not clusters:
            continue
        best: tuple[float, Counter[str]] | None = None
        for _ in range(args.rounds):
            clock.clear()
            began = time.perf_counter()
            for cluster in clusters:
                encode_story(summarize_cluster(cluster, articles, settings, summarizer))
            total = time.perf_counter() - began
            steps = Counter({label: seconds - overhead * clock.calls[label] for label, seconds in clock.seconds.items()})
            total -= overhead * sum(clock.calls.values())
            if best is None or total < best[0]:
                best = (total, steps)
        assert best is not None
        total, steps = best
        text = sum(steps.values())
        per_story = 1e3 / len(clusters)
        print(f"  {group} ({len(clusters):,} stories): {total * per_story:.3f} ms/story")
        for label, seconds in steps.most_common():
            print(f"    {label:<24} {seconds * per_story:7.3f} ms  {seconds / total:6.1%}")
        print(f"    {'text steps, all':<24} {text * per_story:7.3f} ms  {text / total:6.1%}")
        print(f"    {'the rest':<24} {(total - text) * per_story:7.3f} ms  {(total - text) / total:6.1%}")
        print(f"    bound on a compiled core for the text steps (total / rest): {total / (total - text):.2f}x")


if __name__ == "__main__":
    main()
