"""Scale benchmark: N synthetic ~600-word articles with planted copies and planted stories.

Articles are recombined from real sentences of the development data (JSONL files with
``text`` fields, or ``articles`` lists of them). Planted copies are republications with
small edits (words changed, a sentence dropped or added, other boilerplate); planted
stories are several rewrites of one event. Prints, in one run: articles/s of every stage,
peak RSS, the signature speed against datasketch ``MinHash.bulk`` and against a hashing
floor measured on a sample in the same run, and recall/precision on the planted copies.

    python benchmarks/scale.py 100000
    python benchmarks/scale.py 1000000 --processes 0
    python benchmarks/scale.py 20000 --engine ray
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import resource
import sys
import time
import zlib
from pathlib import Path
from typing import Iterator

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cluster.copies import article_signatures, band_shape, copy_map  # noqa: E402
from cluster.lsh import candidate_pairs, connected_components, verify_pairs  # noqa: E402
from cluster.settings import CopySettings, EngineSettings, StorySettings  # noqa: E402
from cluster.signatures import _worker_count, empty_signature_rows, signature_batch  # noqa: E402
from cluster.text import word_shingles  # noqa: E402
from cluster.types import Article  # noqa: E402

DEFAULT_DATA = REPO / ".." / "shared" / "data"
ASCII_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-", "…": "...", "\u00a0": " "})
BOILERPLATE = [
    "Advertisement.",
    "Sign up for our newsletter to get the latest news.",
    "Copyright Example Wire Services. All rights reserved.",
    "Follow us on social media for updates.",
    "This article originally appeared on a partner site.",
    "Reporting by staff; editing by the news desk.",
]


def load_sentences(data: Path) -> tuple[list[str], np.ndarray]:
    """Distinct sentences (6-45 words, Latin-1 after folding quotes) from every JSONL file in ``data``."""
    seen: dict[str, None] = {}
    for path in sorted(data.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                texts = [record.get("text") or ""] + [a.get("text") or "" for a in record.get("articles", [])]
                for text in texts:
                    for sentence in re.split(r"(?<=[.!?])\s+", text.translate(ASCII_FOLD)):
                        sentence = " ".join(sentence.split())
                        if 6 <= sentence.count(" ") + 1 <= 45 and max(sentence, default="a") <= "\xff":
                            seen.setdefault(sentence, None)
    sentences = list(seen)
    if len(sentences) < 1000:
        raise SystemExit(f"only {len(sentences)} usable sentences under {data}; pass --data with the JSONL folder")
    return sentences, np.array([s.count(" ") + 1 for s in sentences])


class Corpus:
    """Deterministic article generator with ground truth for planted copies and stories."""

    def __init__(self, sentences: list[str], counts: np.ndarray, seed: int, copy_rate: float, story_rate: float) -> None:
        self.sentences = sentences
        self.counts = counts
        self.rng = np.random.default_rng(seed)
        self.copy_rate = copy_rate
        self.story_rate = story_rate
        self.copy_of: dict[str, str] = {}  # planted copy -> planted original
        self.story_of: dict[str, int] = {}  # planted rewrite -> event number
        self.recent: list[tuple[str, list[int]]] = []

    def _body(self, words: int = 600) -> list[int]:
        picks = self.rng.integers(0, len(self.sentences), 60)
        total = np.cumsum(self.counts[picks])
        return picks[: int(np.searchsorted(total, words)) + 1].tolist()

    def _edit(self, picks: list[int]) -> str:
        rng = self.rng
        parts = [self.sentences[i] for i in picks]
        kind = int(rng.integers(0, 4))
        if kind == 0 or rng.random() < 0.3:
            for _ in range(int(rng.integers(1, 5))):
                k = int(rng.integers(0, len(parts)))
                words = parts[k].split(" ")
                words[int(rng.integers(0, len(words)))] = self.sentences[int(rng.integers(0, len(self.sentences)))].split(" ")[0]
                parts[k] = " ".join(words)
        if kind == 1:
            del parts[int(rng.integers(0, len(parts)))]
        if kind == 2:
            parts.insert(int(rng.integers(0, len(parts))), self.sentences[int(rng.integers(0, len(self.sentences)))])
        if kind == 3:
            parts = [BOILERPLATE[int(rng.integers(0, len(BOILERPLATE)))]] + parts + [BOILERPLATE[int(rng.integers(0, len(BOILERPLATE)))]]
        return " ".join(parts)

    def _rewrite(self, event: list[int]) -> str:
        rng = self.rng
        chosen = sorted(rng.choice(len(event), size=max(3, len(event) * 2 // 3), replace=False).tolist())
        out = []
        for index in chosen:
            words = self.sentences[event[index]].split(" ")
            drop = set(rng.integers(0, len(words), max(1, len(words) // 5)).tolist())
            out.append(" ".join(w for k, w in enumerate(words) if k not in drop))
        filler = self._body(300)
        return " ".join(out + [self.sentences[i] for i in filler])

    def articles(self, n: int) -> Iterator[Article]:
        rng = self.rng
        i = 0
        events = 0
        while i < n:
            published = _timestamp(i)
            roll = rng.random()
            if roll < self.copy_rate and self.recent:
                original_id, picks = self.recent[int(rng.integers(0, len(self.recent)))]
                article_id = f"a{i:07d}"
                self.copy_of[article_id] = original_id
                yield Article(id=article_id, text=self._edit(picks), published=published)
                i += 1
                continue
            if roll < self.copy_rate + self.story_rate and n - i >= 4:
                event = self._body(250)
                for _ in range(int(rng.integers(3, 5))):
                    article_id = f"a{i:07d}"
                    self.story_of[article_id] = events
                    yield Article(id=article_id, text=self._rewrite(event), published=_timestamp(i))
                    i += 1
                events += 1
                continue
            picks = self._body()
            article_id = f"a{i:07d}"
            self.recent.append((article_id, picks))
            if len(self.recent) > 2000:
                self.recent = self.recent[-1000:]
            yield Article(id=article_id, text=" ".join(self.sentences[k] for k in picks), published=published)
            i += 1


def _timestamp(i: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(1_700_000_000 + 60 * i))


def peak_rss_gib() -> tuple[float, float]:
    """Peak resident memory of this process and of the largest child process, in GiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    return own, children


def timed(label: str, n: int, started: float, results: dict[str, float]) -> float:
    elapsed = time.perf_counter() - started
    results[label] = elapsed
    print(f"  {label:<26} {elapsed:9.2f} s  {n / max(elapsed, 1e-9):12,.0f} articles/s", flush=True)
    return elapsed


def reference_rates(texts: list[str], settings: CopySettings) -> dict[str, float]:
    """Single-core articles/s on a sample: storyfold, datasketch bulk, rensa, and the hashing floor."""
    rates: dict[str, float] = {}

    def rate(fn) -> float:  # best of three, to damp noise from a shared machine
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - started)
        return len(texts) / best

    rates["storyfold signatures (1 core)"] = rate(
        lambda: [
            signature_batch(texts[i : i + 2048], shingle_size=settings.shingle_size, num_perm=settings.num_perm, seed=settings.seed)
            for i in range(0, len(texts), 2048)
        ]
    )

    # The references go from text to signature like storyfold, with the cheapest shingling.
    def shingles_of(text: str) -> list[str]:
        return word_shingles(text.lower().split(), settings.shingle_size)

    def floor() -> None:
        for text in texts:
            shingles = shingles_of(text)
            np.fromiter(map(zlib.crc32, map(str.encode, shingles)), dtype=np.uint32, count=len(shingles))

    rates["hashing floor (split, crc32)"] = rate(floor)
    try:
        from datasketch import MinHash

        rates["datasketch MinHash.bulk"] = rate(
            lambda: MinHash.bulk(
                ([s.encode("utf-8") for s in shingles_of(t)] for t in texts), num_perm=settings.num_perm, seed=settings.seed
            )
        )
    except ImportError:
        pass
    try:
        from rensa import RMinHash

        def run_rensa() -> None:
            for text in texts:
                m = RMinHash(num_perm=settings.num_perm, seed=settings.seed)
                m.update(shingles_of(text))
                m.digest()

        rates["rensa RMinHash"] = rate(run_rensa)
    except ImportError:
        pass
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of JSONL files (default ../shared/data)")
    parser.add_argument("--processes", type=int, default=0, help="signature worker processes (0: one per core)")
    parser.add_argument("--engine", choices=("local", "ray"), default="local")
    parser.add_argument("--copy-rate", type=float, default=0.10, help="share of articles that are planted copies")
    parser.add_argument("--story-rate", type=float, default=0.01, help="chance that an event with 3-4 rewrites is planted")
    parser.add_argument("--sample", type=int, default=2000, help="articles in the single-core reference sample")
    parser.add_argument("--stories-budget", type=float, default=900.0, help="skip story grouping when a 20k-article trial extrapolates past this many seconds")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    settings = CopySettings()
    engine = EngineSettings(name=args.engine, processes=args.processes)
    workers = _worker_count(args.processes)
    n = args.n
    results: dict[str, float] = {}
    print(f"scale benchmark: {n:,} articles, {workers} signature processes, {os.cpu_count()} cores; bands x rows = {band_shape(settings)}")

    started = time.perf_counter()
    sentences, counts = load_sentences(args.data.resolve())
    corpus = Corpus(sentences, counts, args.seed, args.copy_rate, args.story_rate)
    articles = list(corpus.articles(n))
    timed("generate", n, started, results)
    words = np.mean([a.text.count(" ") + 1 for a in articles[:2000]])
    print(f"    mean words per article {words:.0f}; planted copies {len(corpus.copy_of):,}; planted story rewrites {len(corpus.story_of):,}")

    if args.engine == "ray":
        from cluster.copies import find_copies

        started = time.perf_counter()
        copies = find_copies(articles, settings, engine)
        timed("copies (ray, all stages)", n, started, results)
    else:
        started = time.perf_counter()
        signatures = article_signatures((a.text for a in articles), settings, engine)
        elapsed = timed("signatures", n, started, results)
        print(f"    = {n / elapsed / workers:,.0f} articles/s per core")
        started = time.perf_counter()
        bands, rows = band_shape(settings)
        candidates = candidate_pairs(signatures, bands, rows, exclude=empty_signature_rows(signatures))
        timed("candidate search", n, started, results)
        print(f"    {len(candidates):,} candidate pairs")
        started = time.perf_counter()
        verified = verify_pairs(signatures, candidates, settings.threshold)
        labels = connected_components(n, verified)
        copies = copy_map([a.id for a in articles], [a.published for a in articles], labels)
        timed("verification+components", n, started, results)
        del signatures, candidates, labels
        gc.collect()
    copies_total = sum(results.values()) - results["generate"]
    print(f"  {'copies, all stages':<26} {copies_total:9.2f} s  {n / copies_total:12,.0f} articles/s")

    # Quality on the planted copies.
    group = lambda article_id: copies.get(article_id, article_id)  # noqa: E731
    found = sum(1 for c, o in corpus.copy_of.items() if group(c) == group(o))
    recall = found / max(1, len(corpus.copy_of))
    family = lambda article_id: corpus.copy_of.get(article_id, article_id)  # noqa: E731
    correct = sum(1 for c, o in copies.items() if family(c) == family(o))
    precision = correct / max(1, len(copies))
    print(f"  planted-copy recall {recall:.4f} ({found:,}/{len(corpus.copy_of):,}); precision {precision:.4f} ({correct:,}/{len(copies):,})")

    try:
        from cluster.stories import group_stories
    except ImportError:
        group_stories = None
        print("  stories: cluster.stories.group_stories not available; skipped")
    if group_stories is not None:
        trial_n = min(n, 20_000)
        trial_ids = {a.id for a in articles[:trial_n]}
        started = time.perf_counter()
        groups = group_stories(articles[:trial_n], {c: o for c, o in copies.items() if c in trial_ids and o in trial_ids}, StorySettings())
        trial = time.perf_counter() - started
        projected = trial * n / trial_n
        if trial_n < n and projected <= args.stories_budget:
            started = time.perf_counter()
            groups = group_stories(articles, copies, StorySettings())
            trial_n = n
            trial = time.perf_counter() - started
        if trial_n == n:
            results["stories"] = trial
            print(f"  {'stories (group_stories)':<26} {trial:9.2f} s  {n / trial:12,.0f} articles/s")
            story = {article_id: k for k, members in enumerate(groups) for article_id in members}
            by_event: dict[int, list[str]] = {}
            for article_id, event in corpus.story_of.items():
                by_event.setdefault(event, []).append(article_id)
            pairs = [(a, b) for ids in by_event.values() for i, a in enumerate(ids) for b in ids[i + 1 :]]
            together = sum(1 for a, b in pairs if story.get(a) == story.get(b))
            print(f"    planted-story pair recall {together / max(1, len(pairs)):.3f} ({together:,}/{len(pairs):,})")
        else:
            results["stories (projected)"] = projected
            print(
                f"  stories (group_stories): {trial_n:,}-article trial took {trial:.1f} s ({trial_n / trial:,.0f} articles/s);"
                f" projected {projected:,.0f} s for {n:,} > budget {args.stories_budget:.0f} s, so not run at full size"
            )
        del groups

    end_to_end = sum(v for k, v in results.items())
    own, children = peak_rss_gib()
    print(f"  end to end (generate + copies + stories): {end_to_end:,.1f} s = {end_to_end / 60:.1f} min")
    print(f"  peak RSS: main process {own:.2f} GiB; largest worker {children:.2f} GiB")

    sample = [a.text for a in articles[: args.sample]]
    del articles
    gc.collect()
    print(f"  single-core reference on {len(sample):,} of these articles (best of 3):")
    rates = reference_rates(sample, settings)
    ours = rates["storyfold signatures (1 core)"]
    for name, value in rates.items():
        ratio = "" if name.startswith("storyfold") else f"  (storyfold = {ours / value:.2f}x)"
        print(f"    {name:<34} {value:10,.0f} articles/s{ratio}")


if __name__ == "__main__":
    main()
