"""Scale benchmark: N synthetic ~600-word articles with planted copies and planted stories.

Articles are recombined from real sentences of the development data (JSONL files with
``text`` fields, or ``articles`` lists of them). Planted copies are republications with
small edits (words changed, a sentence dropped or added, other boilerplate) or trimmed
for space (the last 30% of sentences cut, or a dateline added and the last 20% cut); planted
stories are several rewrites of one event. The articles are written as JSONL files and
clustered end to end on the path ``storyfold cluster`` takes: ``load_articles`` (ingest)
then ``cluster_articles`` (copies, stories, assignment). Prints, in one run: seconds and
articles/s of every stage, the end-to-end time and peak resident memory (this process and
its workers together) against the targets, recall/precision on the planted copies and
stories, and the signature speed against datasketch ``MinHash.bulk`` and a hashing floor
measured on a sample in the same run.

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
import tempfile
import threading
import time
import zlib
from dataclasses import replace
from pathlib import Path
from collections import Counter
from typing import Iterator

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import cluster.containment  # noqa: E402
import cluster.copies  # noqa: E402
import cluster.engine  # noqa: E402
import cluster.ingest  # noqa: E402
import cluster.pipeline  # noqa: E402
import cluster.stories  # noqa: E402
from cluster.containment import search_shapes  # noqa: E402
from cluster.settings import ClusterSettings, CopySettings, EngineSettings  # noqa: E402
from cluster.signatures import _worker_count, signature_batch  # noqa: E402
from cluster.text import word_shingles  # noqa: E402
from cluster.types import Article, Clustering  # noqa: E402

TARGET_SECONDS = 15 * 60
TARGET_GIB = 8.0
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
        kind = int(rng.integers(0, 6))
        if kind in (4, 5):
            # Trimmed for space: the last 30% (kind 4), or a dateline and the last 20% cut (kind 5).
            parts = parts[: max(1, len(parts) - int(round((0.3 if kind == 4 else 0.2) * len(parts))))]
            if kind == 5:
                parts[0] = "WASHINGTON (AP) - " + parts[0]
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
        return paragraphs(parts)

    def _rewrite(self, event: list[int]) -> str:
        rng = self.rng
        chosen = sorted(rng.choice(len(event), size=max(3, len(event) * 2 // 3), replace=False).tolist())
        out = []
        for index in chosen:
            words = self.sentences[event[index]].split(" ")
            drop = set(rng.integers(0, len(words), max(1, len(words) // 5)).tolist())
            out.append(" ".join(w for k, w in enumerate(words) if k not in drop))
        filler = self._body(300)
        return paragraphs(out + [self.sentences[i] for i in filler])

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
            yield Article(id=article_id, text=paragraphs([self.sentences[k] for k in picks]), published=published)
            i += 1


def paragraphs(sentences: list[str], size: int = 3) -> str:
    """Sentences as paragraphs of ``size`` sentences (ingest filters boilerplate line by line)."""
    return "\n\n".join(" ".join(sentences[i : i + size]) for i in range(0, len(sentences), size))


def _timestamp(i: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(1_700_000_000 + 60 * i))


def peak_rss_gib() -> tuple[float, float]:
    """Peak resident memory of this process and of the largest child process, in GiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    return own, children


class TreeMemory:
    """Samples the resident memory of this process and all its descendants (Linux ``/proc``).

    Worker processes live at the same time as the main one, so the sum over the process
    tree, sampled every ``interval`` seconds, is the memory the run really needs at once.
    """

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.peak_bytes = 0
        self.stage_peak: dict[str, int] = {}  # label -> peak while a stage of that label ran
        self._active: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @staticmethod
    def _rss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/statm") as handle:
                return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return 0

    @staticmethod
    def _children(pid: int) -> list[int]:
        found: list[int] = []
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            return found
        for task in tasks:
            try:
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    found.extend(int(x) for x in handle.read().split())
            except (OSError, ValueError):
                pass
        return found

    def sample(self) -> int:
        total, stack = 0, [os.getpid()]
        while stack:
            pid = stack.pop()
            total += self._rss(pid)
            stack.extend(self._children(pid))
        with self._lock:
            self.peak_bytes = max(self.peak_bytes, total)
            for label in self._active:
                self.stage_peak[label] = max(self.stage_peak.get(label, 0), total)
        return total

    def enter(self, label: str) -> None:
        with self._lock:
            self._active[label] = self._active.get(label, 0) + 1
        self.sample()

    def leave(self, label: str) -> None:
        self.sample()
        with self._lock:
            self._active[label] -= 1
            if not self._active[label]:
                del self._active[label]

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    @property
    def available(self) -> bool:
        return os.path.exists(f"/proc/{os.getpid()}/statm")


class StageClock:
    """Wall time per stage, measured by wrapping the stage functions the pipeline calls."""

    def __init__(self, memory: TreeMemory) -> None:
        self.seconds: dict[str, float] = {}
        self.memory = memory
        self._undo: list[tuple[object, str, object]] = []

    def wrap(self, module: object, name: str, label: str) -> None:
        original = getattr(module, name)

        def timed_call(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.memory.enter(label)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started
                self.memory.leave(label)

        setattr(module, name, timed_call)
        self._undo.append((module, name, original))

    def restore(self) -> None:
        for module, name, original in reversed(self._undo):
            setattr(module, name, original)
        self._undo.clear()


def line(label: str, seconds: float, n: int, note: str = "", peak: int | None = None) -> None:
    memory = f"  peak {peak / 2**30:5.2f} GiB" if peak else ""
    print(f"  {label:<34} {seconds:9.2f} s  {n / max(seconds, 1e-9):12,.0f} articles/s{memory}{note}", flush=True)


def write_jsonl(articles: Iterator[Article], folder: Path, keep: int, shard_bytes: int = 40_000_000) -> list[str]:
    """Write ``articles`` as JSONL shards (each below the ingest file cap); return the first ``keep`` texts."""
    sample: list[str] = []
    shard, written, handle = 0, 0, None
    try:
        for article in articles:
            if handle is None or written >= shard_bytes:
                if handle is not None:
                    handle.close()
                handle = (folder / f"articles_{shard:05d}.jsonl").open("w", encoding="utf-8")
                shard += 1
                written = 0
            record = {"id": article.id, "text": article.text, "published": article.published}
            written += handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            if len(sample) < keep:
                sample.append(article.text)
    finally:
        if handle is not None:
            handle.close()
    return sample


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


def planted_quality(result: Clustering, corpus: Corpus) -> None:
    """Print recall/precision on the planted copies and the planted stories."""
    copies: dict[str, str] = {}
    story: dict[str, int] = {}
    for k, found in enumerate(result.clusters):
        copies.update(found.copies)
        for article_id in found.article_ids:
            story[article_id] = k

    group = lambda article_id: copies.get(article_id, article_id)  # noqa: E731
    found_copies = sum(1 for c, o in corpus.copy_of.items() if group(c) == group(o))
    recall = found_copies / max(1, len(corpus.copy_of))
    family = lambda article_id: corpus.copy_of.get(article_id, article_id)  # noqa: E731
    correct = sum(1 for c, o in copies.items() if family(c) == family(o))
    precision = correct / max(1, len(copies))
    print(f"  planted-copy recall {recall:.4f} ({found_copies:,}/{len(corpus.copy_of):,}); precision {precision:.4f} ({correct:,}/{len(copies):,})")

    by_event: dict[int, list[str]] = {}
    for article_id, event in corpus.story_of.items():
        by_event.setdefault(event, []).append(article_id)
    pairs = [(a, b) for ids in by_event.values() for i, a in enumerate(ids) for b in ids[i + 1 :]]
    together = sum(1 for a, b in pairs if story.get(a) == story.get(b))
    whole = sum(1 for ids in by_event.values() if len({story.get(a) for a in ids}) == 1)
    # Precision: of the articles a planted rewrite shares a cluster with, the share that are
    # rewrites of its own event (a planted story has no copies, so nothing else belongs).
    shared = same = 0
    for k in sorted({story[a] for a in corpus.story_of}):
        ids = result.clusters[k].article_ids
        events = Counter(corpus.story_of[a] for a in ids if a in corpus.story_of)
        for count in events.values():
            shared += count * (len(ids) - 1)
            same += count * (count - 1)
    # Unrelated articles (not planted rewrites) merged with anything beyond their copy family.
    merged = 0
    unrelated = 0
    for found in result.clusters:
        families = {family(group(a)) for a in found.article_ids if a not in corpus.story_of}
        count = sum(1 for a in found.article_ids if a not in corpus.story_of)
        unrelated += count
        if len(families) > 1 or (families and len(found.article_ids) > count):
            merged += count
    print(
        f"  planted-story pair recall {together / max(1, len(pairs)):.4f} ({together:,}/{len(pairs):,});"
        f" pair precision {same / max(1, shared):.4f} ({same:,}/{shared:,}); events kept whole {whole:,}/{len(by_event):,}"
    )
    print(f"  unrelated articles put in a story with anything but their copies: {merged / max(1, unrelated):.4f} ({merged:,}/{unrelated:,})")


def summarize_stage(result: Clustering, processes: int, n: int) -> tuple[float, int]:
    """Facts and extractive summaries of every story, the digest streamed to a JSON file
    one story at a time, as ``storyfold run`` does after clustering; prints seconds and
    peak RSS and returns the seconds of the whole stage and its peak resident memory in
    bytes (this process and its workers at once)."""
    from summarize.digest import summarize_stories
    from summarize.output import encode_story, write_digest
    from summarize.settings import Settings

    settings = Settings(engine=EngineSettings(processes=processes), summary=replace(Settings().summary, summarizer="extractive"))
    memory = TreeMemory()
    with memory, tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        written = Path(folder) / "digest.json"
        head = write_digest(summarize_stories(result, settings, encode=encode_story), result, settings, written)
        total = time.perf_counter() - started
        size = written.stat().st_size
        memory.sample()
    stories = head["stats"]["stories"]
    print("  summarize stage (extractive, as `storyfold run` after clustering):")
    line(
        "facts + summaries + digest written", total, n,
        f"  ({stories:,} stories; {size / 2**20:.1f} MiB, {size / max(1, n) / 1024:.2f} KB per article)", memory.peak_bytes,
    )
    return total, memory.peak_bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of JSONL files (default ../shared/data)")
    parser.add_argument("--processes", type=int, default=0, help="signature worker processes (0: one per core)")
    parser.add_argument("--engine", choices=("local", "ray"), default="local")
    parser.add_argument("--copy-rate", type=float, default=0.10, help="share of articles that are planted copies")
    parser.add_argument("--story-rate", type=float, default=0.01, help="chance that an event with 3-4 rewrites is planted")
    parser.add_argument("--sample", type=int, default=2000, help="articles in the single-core reference sample")
    parser.add_argument("--workdir", type=Path, default=None, help="folder for the JSONL files (default: a temporary folder, removed after)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--run", action="store_true", help="measure the whole `storyfold run`: also facts, summaries (extractive) and writing the digest")
    args = parser.parse_args()

    settings = ClusterSettings(engine=EngineSettings(name=args.engine, processes=args.processes))
    workers = _worker_count(args.processes)
    n = args.n
    print(
        f"scale benchmark: {n:,} articles, {workers} worker processes, {os.cpu_count()} cores;"
        f" bands x rows (whole text, lead) = {search_shapes(settings.copies)}; load average {os.getloadavg()[0]:.1f} at start"
    )

    started = time.perf_counter()
    sentences, counts = load_sentences(args.data.resolve())
    corpus = Corpus(sentences, counts, args.seed, args.copy_rate, args.story_rate)
    with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
        sample = write_jsonl(corpus.articles(n), Path(folder), args.sample)
        size = sum(p.stat().st_size for p in Path(folder).iterdir())
        line("generate + write JSONL", time.perf_counter() - started, n, f"  ({size / 2**30:.2f} GiB in {len(os.listdir(folder))} files)")
        words = np.mean([len(t.split()) for t in sample]) if sample else 0.0
        print(f"    mean words per article {words:.0f}; planted copies {len(corpus.copy_of):,}; planted story rewrites {len(corpus.story_of):,}")
        gc.collect()

        memory = TreeMemory()
        clock = StageClock(memory)
        clock.wrap(cluster.ingest, "load_articles", "ingest (load_articles)")
        for module, name, label in (
            (cluster.engine, "sketch_texts", "copies: signatures"),
            (cluster.engine, "sketch_candidates", "copies: LSH candidates"),
            (cluster.engine, "verify_copy_pairs", "copies: verification"),
            (cluster.copies, "connected_components", "copies: components + map"),
            (cluster.copies, "choose_originals", "copies: components + map"),
            (cluster.copies, "find_copies", "copies, all stages"),
            (cluster.stories, "story_vectors", "stories: vectors"),
            (cluster.stories, "story_candidate_pairs", "stories: candidates"),
            (cluster.stories, "verified_edges", "stories: verification"),
            (cluster.stories, "average_link", "stories: average link"),
            (cluster.stories, "group_stories", "stories, all stages"),
        ):
            clock.wrap(module, name, label)
        with memory:
            started = time.perf_counter()
            ingested = cluster.ingest.load_articles([folder], settings.ingest)
            ingest_seconds = time.perf_counter() - started
            result = cluster.pipeline.cluster_articles(ingested.articles, settings, skipped=ingested.skipped)
            end_to_end = time.perf_counter() - started
            memory.sample()
        clock.restore()

    print("  end to end (load_articles + cluster_articles, as `storyfold cluster`):")
    peaks = memory.stage_peak
    line("ingest (load_articles)", ingest_seconds, n, f"  ({len(ingested.articles):,} articles, {len(ingested.skipped):,} skipped)", peaks.get("ingest (load_articles)"))
    del ingested
    for label, seconds in clock.seconds.items():
        if label.startswith("copies:"):
            line(label, seconds, n, f"  (= {n / seconds / workers:,.0f} per core)" if label == "copies: signatures" else "", peaks.get(label))
    line("copies, all stages", clock.seconds.get("copies, all stages", 0.0), n, "", peaks.get("copies, all stages"))
    for label, seconds in clock.seconds.items():
        if label.startswith("stories:"):
            line(label, seconds, n, "", peaks.get(label))
    line("stories, all stages", clock.seconds.get("stories, all stages", 0.0), n, "", peaks.get("stories, all stages"))
    assembly = end_to_end - ingest_seconds - clock.seconds.get("copies, all stages", 0.0) - clock.seconds.get("stories, all stages", 0.0)
    line("assembly + accounting", assembly, n)
    line("END TO END", end_to_end, n, f"  = {end_to_end / 60:.1f} min")
    own, children = peak_rss_gib()
    tree = max(memory.peak_bytes / 2**30, own) if memory.available else own + children  # sampling can miss a spike
    print(f"  peak RSS: main process {own:.2f} GiB; main process and its workers at once {tree:.2f} GiB (sampled every {memory.interval} s)")
    meets_time = end_to_end <= TARGET_SECONDS
    meets_memory = tree <= TARGET_GIB
    print(
        f"  target (<= {TARGET_SECONDS / 60:.0f} min, <= {TARGET_GIB:.0f} GiB): time {'MET' if meets_time else 'MISSED'}"
        f" ({end_to_end / 60:.1f} min), memory {'MET' if meets_memory else 'MISSED'} ({tree:.2f} GiB); load average now {os.getloadavg()[0]:.1f}"
    )
    print(f"  {len(result.clusters):,} clusters")
    planted_quality(result, corpus)
    if args.run:
        gc.collect()
        run_seconds, run_peak = summarize_stage(result, args.processes, n)
        clustering_seconds = end_to_end - ingest_seconds
        print(
            f"  whole run (as `storyfold run`): {(end_to_end + run_seconds) / 60:.1f} min; summarize stage / clustering stages"
            f" (copies + stories) = {run_seconds / clustering_seconds:.2f} (target <= 1.00 at 100,000 articles: "
            f"{'MET' if run_seconds <= clustering_seconds else 'MISSED'})"
        )
        whole_peak = max(tree * 2**30, run_peak) / 2**30
        print(
            f"  whole run target (<= 20 min, <= 8 GiB at 1,000,000 articles): time {(end_to_end + run_seconds) / 60:.1f} min,"
            f" peak RSS {whole_peak:.2f} GiB"
        )
    del result
    gc.collect()

    print(f"  single-core reference on {len(sample):,} of these articles (best of 3):")
    rates = reference_rates(sample, settings.copies)
    ours = rates["storyfold signatures (1 core)"]
    for name, value in rates.items():
        ratio = "" if name.startswith("storyfold") else f"  (storyfold = {ours / value:.2f}x)"
        print(f"    {name:<34} {value:10,.0f} articles/s{ratio}")


if __name__ == "__main__":
    main()
