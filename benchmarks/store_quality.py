"""Story grouping through the store over two days, against grouping everything at once.

Usage:
    python benchmarks/store_quality.py [DATA_DIR]

DATA_DIR (default ``../shared/data`` beside the repository) holds ``ecbplus_dev.jsonl`` and
``allsides_dev_articles.jsonl`` (one article per line, gold story in ``cluster``). Each
gold story's articles are ordered by an opaque hash of their id; the first half (rounded
up) is dated day 1, the rest day 2. Then, with ids made opaque as in
``benchmarks/cluster_quality.py``:

* at once: :func:`cluster.cluster_articles` on both days together;
* store: day 1 then day 2 through :func:`summarize.daily.update_store` into a new store,
  and the stories the store holds after day 2 (these windows are small enough that every
  stored story is grouped again);
* store, candidate search: the same with the candidate search forced on (as on windows of
  more than ``summarize.daily.WHOLE_WINDOW`` stored articles).

Both are scored with B-cubed precision, recall and F1 against the gold stories. Also
printed: of the day-2 articles whose gold story had day-1 articles, the share that ended in
the store story of one of those (continuation recall), how many stored articles the
candidate search handed to the day-2 grouping, and how many input articles were not added
because the store held one with the same url or the same text from the same source
(scored as stories of their own).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from cluster_quality import DEFAULT_DATA, PUBLIC_FIELDS, SETS, bcubed, opaque_id, read_jsonl  # noqa: E402

from cluster import Article, cluster_articles  # noqa: E402
from summarize import load_settings  # noqa: E402
from summarize import daily  # noqa: E402
from summarize.daily import WHOLE_WINDOW, update_store  # noqa: E402
from summarize.store import SQLiteStore  # noqa: E402

DAYS = ("2024-03-04", "2024-03-05")


def split_days(records: list[dict]) -> tuple[list[Article], list[Article], dict[str, str]]:
    """Day-1 and day-2 articles (opaque ids, dated) and the gold story of each opaque id."""
    by_story: dict[str, list[dict]] = {}
    for record in records:
        by_story.setdefault(str(record["cluster"]), []).append(record)
    days: tuple[list[Article], list[Article]] = ([], [])
    gold: dict[str, str] = {}
    for story, members in sorted(by_story.items()):
        members.sort(key=lambda r: opaque_id(r["id"]))
        cut = (len(members) + 1) // 2
        for k, record in enumerate(members):
            fields = {f: record[f] for f in PUBLIC_FIELDS if record.get(f) is not None and f not in ("id", "published")}
            article_id = opaque_id(record["id"])
            gold[article_id] = story
            day = 0 if k < cut else 1
            days[day].append(Article(id=article_id, published=DAYS[day], **fields))
    return days[0], days[1], gold


def main(argv: Sequence[str]) -> int:
    data_dir = Path(argv[0]) if argv else DEFAULT_DATA
    settings = load_settings()
    header = f"{'set':9} {'method':28} {'groups':>6} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6}  note"
    print(header)
    print("-" * len(header))
    for name, filename in SETS:
        path = data_dir / filename
        if not path.exists():
            raise SystemExit(f"{path} does not exist; pass the folder holding {filename} as the first argument")
        day1, day2, gold = split_days(read_jsonl(path))
        ids = sorted(gold)
        labels_gold = [gold[i] for i in ids]

        at_once = cluster_articles(day1 + day2, settings.cluster)
        label = {i: k for k, c in enumerate(at_once.clusters) for i in c.article_ids}
        b = bcubed([label[i] for i in ids], labels_gold)
        print(f"{name:9} {'at once (both days)':28} {len(at_once.clusters):6d} {b[0]:6.3f} {b[1]:6.3f} {b[2]:6.3f}  {len(day1)} + {len(day2)} articles")

        for method, whole_window in (("store: day 1, then day 2", daily.WHOLE_WINDOW), ("store, candidate search", 0)):
            daily.WHOLE_WINDOW = whole_window
            story, run, known = through_store(day1, day2, settings)
            story.update({i: f"not added: {i}" for i in ids if i not in story})  # the same url or text as a stored one
            b = bcubed([story[i] for i in ids], labels_gold)
            day1_stories: dict[str, set[str]] = {}
            for article in day1:
                day1_stories.setdefault(gold[article.id], set()).add(story[article.id])
            followups = [a for a in day2 if gold[a.id] in day1_stories]
            joined = sum(1 for a in followups if story[a.id] in day1_stories[gold[a.id]])
            note = (
                f"continuation recall {joined}/{len(followups)} = {joined / max(1, len(followups)):.3f}; "
                f"day 2 grouped with {run.reclustered} of {run.window} stored articles; {known} not added (already stored)"
            )
            print(f"{name:9} {method:28} {len(set(story.values())):6d} {b[0]:6.3f} {b[1]:6.3f} {b[2]:6.3f}  {note}")
        daily.WHOLE_WINDOW = WHOLE_WINDOW
    return 0


def through_store(day1: list[Article], day2: list[Article], settings):  # type: ignore[no-untyped-def]
    """Day 1 then day 2 into a new in-memory store: ``{article id: story id}``, the day-2 run, articles not added."""
    store = SQLiteStore(":memory:")
    try:
        with store.transaction():
            first = update_store(store, day1, settings)
        with store.transaction():
            run = update_store(store, day2, settings)
            members = store.story_members(store.live_stories(None))
    finally:
        store.close()
    return {m.article.id: m.story_id for m in members}, run, len(first.known) + len(run.known)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
