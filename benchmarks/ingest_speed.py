"""Ingest speed: ``load_articles`` on the scale benchmark's JSONL, this tree against another.

usage: python benchmarks/ingest_speed.py N --baseline TREE [--data DIR] [--rounds R] [--processes P]

Writes N synthetic articles as JSONL exactly as ``benchmarks/scale.py`` does (same corpus
generator and seed), then times ``cluster.ingest.load_articles`` on them in a fresh
process for this source tree and for the source tree at TREE (for example an export of
an earlier commit: ``git archive COMMIT | tar -x -C /tmp/base``), alternating the two
``--rounds`` times so that load on a shared machine falls on both alike. Prints the best
and median seconds of each, articles per second and the ratio (this tree / baseline).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import scale  # noqa: E402  (the generator of benchmarks/scale.py)

TIMER = """
import sys, time
sys.path.insert(0, {tree!r})
from cluster.ingest import load_articles
start = time.perf_counter()
ingested = load_articles([{folder!r}], processes={processes})
print(time.perf_counter() - start, len(ingested.articles), len(ingested.skipped))
"""


def time_tree(tree: Path, folder: Path, processes: int) -> tuple[float, int, int]:
    code = TIMER.format(tree=str(tree), folder=str(folder), processes=processes)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=tree).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--baseline", type=Path, required=True, help="another storyfold source tree to compare against")
    parser.add_argument("--data", type=Path, default=scale.DEFAULT_DATA, help="folder of JSONL files (default ../shared/data)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--processes", type=int, default=0, help="ingest worker processes (0: one per core)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    sentences, counts = scale.load_sentences(args.data.resolve())
    corpus = scale.Corpus(sentences, counts, args.seed, 0.10, 0.01)
    this_tree = HERE.parent
    with tempfile.TemporaryDirectory() as folder:
        scale.write_jsonl(corpus.articles(args.n), Path(folder), 0)
        size = sum(p.stat().st_size for p in Path(folder).iterdir())
        print(f"ingest speed: {args.n:,} articles ({size / 2**20:.0f} MiB of JSONL), {args.rounds} rounds, processes={args.processes}")
        times: dict[str, list[float]] = {"this tree": [], "baseline": []}
        counts_seen: dict[str, tuple[int, int]] = {}
        for _ in range(args.rounds):
            for label, tree in (("baseline", args.baseline.resolve()), ("this tree", this_tree)):
                seconds, articles, skipped = time_tree(tree, Path(folder), args.processes)
                times[label].append(seconds)
                counts_seen[label] = (articles, skipped)
    for label in ("baseline", "this tree"):
        best, median = min(times[label]), statistics.median(times[label])
        articles, skipped = counts_seen[label]
        print(f"  {label:<10} best {best:7.2f} s  median {median:7.2f} s  {args.n / best:9,.0f} articles/s  ({articles:,} articles, {skipped:,} skipped)")
    ratio = min(times["this tree"]) / min(times["baseline"])
    print(f"  this tree / baseline (best of {args.rounds}): {ratio:.2f}x the time")


if __name__ == "__main__":
    main()
