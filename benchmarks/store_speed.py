"""Store speed: one day of new articles added to a story store that already holds many.

The corpus is built as ``benchmarks/scale.py`` builds it: synthetic ~600-word articles
recombined from real sentences of the development data, with planted copies and planted
stories, one article a minute (``--per-day`` changes the pace), so 100,000 stored articles
span about 69 days; the new articles all carry the day after the last stored one. The
store is filled through the incremental path (:func:`summarize.daily.update_store`), in one
run or in batches of ``--batch`` articles (then stories run across batches). Then, in one
process:

* alone: :func:`cluster.cluster_articles` on the new day's articles only (measured
  before and after the store run; the faster of the two is the baseline);
* store: :func:`summarize.daily.update_store` of the same articles into the full store,
  committed (already-stored check, window and candidate search, clustering with the
  candidate stories, matching of story ids, writes).

It prints both times, their ratio against the target (at most 2x), and how many stored
articles the window held and how many were grouped again. Ingest and summarizing are left
out of both sides: they are the same work with or without a store.

    python benchmarks/store_speed.py                                # 100,000 stored, 10,000 new
    python benchmarks/store_speed.py --per-day 10000                # a store of 10 full days
    python benchmarks/store_speed.py --stored 20000 --new 2000
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from scale import DEFAULT_DATA, Corpus, load_sentences  # noqa: E402

from cluster import cluster_articles  # noqa: E402
from summarize import load_settings  # noqa: E402
from summarize.daily import update_store  # noqa: E402
from summarize.store import SQLiteStore  # noqa: E402

TARGET_RATIO = 2.0
FIRST_DAY = date(2024, 1, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stored", type=int, default=100_000, help="articles in the store before the measured day")
    parser.add_argument("--new", type=int, default=10_000, help="articles of the measured day")
    parser.add_argument("--per-day", type=int, default=1440, help="stored articles per day (scale.py: one a minute)")
    parser.add_argument("--batch", type=int, default=0, help="stored articles added per fill run (0: all in one run)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the development JSONL files")
    parser.add_argument("--processes", type=int, default=None, help="worker processes (engine.processes); default: the setting")
    parser.add_argument("--copy-rate", type=float, default=0.10, help="share of articles that are planted copies (as scale.py)")
    parser.add_argument("--story-rate", type=float, default=0.01, help="chance that an event with 3-4 rewrites is planted (as scale.py)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]

    settings = load_settings()
    if args.processes is not None:
        engine = dataclasses.replace(settings.cluster.engine, processes=args.processes)
        settings = dataclasses.replace(settings, cluster=dataclasses.replace(settings.cluster, engine=engine))

    sentences, counts = load_sentences(args.data.resolve())
    corpus = Corpus(sentences, counts, args.seed, args.copy_rate, args.story_rate)
    generated = list(corpus.articles(args.stored + args.new))
    per_day = args.per_day
    days = -(-args.stored // per_day)

    def dated(article, day: int):  # type: ignore[no-untyped-def]
        return dataclasses.replace(article, published=date.fromordinal(FIRST_DAY.toordinal() + day).isoformat())

    stored = [dated(a, i // per_day) for i, a in enumerate(generated[: args.stored])]
    new = [dated(a, days) for a in generated[args.stored :]]
    window_days = settings.cluster.stories.max_days_apart
    print(f"corpus: {args.stored} stored articles over {days} days ({per_day}/day), {len(new)} new on day {days + 1}; "
          f"window {window_days} days")

    with tempfile.TemporaryDirectory(prefix="store_speed.") as folder:
        store = SQLiteStore(Path(folder) / "news.db")
        started = time.perf_counter()
        step = args.batch or len(stored)
        for start in range(0, len(stored), step):
            batch = stored[start : start + step]
            t = time.perf_counter()
            with store.transaction():
                run = update_store(store, batch, settings)
            print(f"  fill run {run.run:2d}: {len(batch)} articles, {run.reclustered} stored re-clustered, "
                  f"{run.stories_new} new / {run.stories_updated} updated stories, {time.perf_counter() - t:.1f} s")
        articles_in, stories_in = _counts(store)
        print(f"store filled: {articles_in} articles, {stories_in} live stories, {time.perf_counter() - started:.1f} s")

        alone_before = _time_alone(new, settings)
        t = time.perf_counter()
        with store.transaction():
            run = update_store(store, new, settings)
        with_store = time.perf_counter() - t
        alone_after = _time_alone(new, settings)
        alone = min(alone_before, alone_after)
        store.close()

    print(f"clustering {len(new)} new articles alone: {alone:.2f} s (runs: {alone_before:.2f} s, {alone_after:.2f} s)")
    print(f"adding them to the store of {args.stored}: {with_store:.2f} s "
          f"({run.window} stored articles in the window, {run.reclustered} of them grouped again with the new ones; "
          f"{run.stories_new} new, {run.stories_updated} updated stories, {len(run.merged)} merged)")
    ratio = with_store / alone
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"ratio store / alone: {ratio:.2f} (target <= {TARGET_RATIO:.1f}: {verdict})")


def _time_alone(articles, settings) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    cluster_articles(articles, settings.cluster)
    return time.perf_counter() - t


def _counts(store: SQLiteStore) -> tuple[int, int]:
    with store.transaction():
        return store.counts()


if __name__ == "__main__":
    main()
