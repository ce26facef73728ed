"""Story clustering quality on labelled news, against two baselines.

Usage:
    python benchmarks/cluster_quality.py [DATA_DIR]

DATA_DIR (default: ``../shared/data`` beside the repository) holds ``ecbplus_dev.jsonl`` and
``allsides_dev_articles.jsonl``: one article per line with its gold story in ``cluster``;
and ``neus_dev.jsonl``: one story per line, its ``articles`` (a title and a sentence or
two each, no dates) under the story's ``cluster``, a third check that the settings were
not tuned on (thousands of short, undated reports, many on one theme; skipped when the
file is absent). Each set is written without its labels, and with each article's id
replaced by an opaque hash (the sets' ids name the story), to a temporary JSONL file and
clustered by ``storyfold cluster FILE -o clusters.json``; the clusters are scored with
B-cubed and pairwise precision, recall and F1. In the same run two baselines are scored:

* MinHash LSH (datasketch, 128 permutations, threshold 0.5) over word 5-shingles, with
  connected components of the candidate pairs;
* TF-IDF (sublinear, English stop words) with average-link agglomerative clustering on
  cosine distance, computed over ALL pairs. Its distance threshold is picked by a sweep
  on the very data it is scored on, so its figure is an optimistic upper bound.

A split-half check follows: the gold stories of each set are split in two halves by a
CRC32 of the story's ``topic`` where records have one (ECB+: the two similar events of a
topic stay in one half) or else of its label, so the split is fixed. Each half is
clustered on its own by ``storyfold cluster`` and scored, which shows how much a figure
owes to one particular mix of stories (a half holds fewer stories on one theme, so its
figures tend to run higher than the whole set's).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path
from typing import Sequence

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO / ".." / "shared" / "data"
SETS = (("ECB+", "ecbplus_dev.jsonl"), ("AllSides", "allsides_dev_articles.jsonl"))
EXTRA_SETS = (("NeuS", "neus_dev.jsonl"),)  # scored when present
PUBLIC_FIELDS = ("id", "title", "text", "source", "url", "published")


def read_jsonl(path: Path) -> list[dict]:
    """One record per article: a story record holding ``articles`` gives one per article, labelled with its ``cluster``."""
    records = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            if "articles" in record:
                records.extend({**article, "cluster": record["cluster"]} for article in record["articles"])
            else:
                records.append(record)
    return records


def opaque_id(article_id: str) -> str:
    """An id that says nothing of the story (the sets' own ids embed the gold label)."""
    return "a" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:16]


def bcubed(pred: Sequence[object], gold: Sequence[object]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of predicted labels against gold labels."""
    pred_size, gold_size = Counter(pred), Counter(gold)
    both = Counter(zip(pred, gold))
    n = len(gold)
    precision = sum(both[(p, g)] / pred_size[p] for p, g in zip(pred, gold)) / n
    recall = sum(both[(p, g)] / gold_size[g] for p, g in zip(pred, gold)) / n
    return precision, recall, _f1(precision, recall)


def pairwise(pred: Sequence[object], gold: Sequence[object]) -> tuple[float, float, float]:
    """Precision, recall and F1 over the article pairs put in one cluster."""
    pairs = lambda counts: sum(c * (c - 1) // 2 for c in counts.values())  # noqa: E731
    together = pairs(Counter(zip(pred, gold)))
    predicted, actual = pairs(Counter(pred)), pairs(Counter(gold))
    precision = together / predicted if predicted else 1.0
    recall = together / actual if actual else 1.0
    return precision, recall, _f1(precision, recall)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def labels_from_groups(groups: Sequence[Sequence[str]], ids: Sequence[str], skipped: int = 0) -> list[int]:
    """One label per id; ids in no group (``skipped`` of them are allowed) are scored as singletons."""
    label = {article_id: k for k, group in enumerate(groups) for article_id in group}
    missing = [i for i in ids if i not in label]
    if len(missing) != skipped:
        raise SystemExit(f"clusters.json lacks {len(missing)} articles but reports {skipped} skipped, e.g. {missing[:3]}")
    for k, article_id in enumerate(missing):
        label[article_id] = len(groups) + k
    return [label[i] for i in ids]


def storyfold_groups(records: list[dict], workdir: Path) -> tuple[list[list[str]], int]:
    """Cluster ``records`` (labels stripped) with ``storyfold cluster``: the groups and the count skipped by ingest."""
    data = workdir / "articles.jsonl"
    original = {}
    with data.open("w", encoding="utf-8") as handle:
        for record in records:
            public = {k: record[k] for k in PUBLIC_FIELDS if record.get(k) is not None}
            public["id"] = opaque_id(record["id"])
            original[public["id"]] = record["id"]
            handle.write(json.dumps(public) + "\n")
    out = workdir / "clusters.json"
    command = shutil.which("storyfold", path=str(Path(sys.executable).parent)) or shutil.which("storyfold")
    if command is None:
        raise SystemExit("the storyfold command is not installed; run `pip install -e .` first")
    done = subprocess.run([command, "cluster", str(data), "-o", str(out), "--quiet"], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"storyfold cluster failed (exit {done.returncode}):\n{done.stderr}")
    result = json.loads(out.read_text(encoding="utf-8"))
    return [[original[i] for i in c["article_ids"]] for c in result["clusters"]], len(result["skipped"])


def minhash_groups(records: list[dict], threshold: float = 0.5, num_perm: int = 128) -> list[list[str]]:
    """Baseline: MinHash LSH over word 5-shingles, connected components of candidate pairs."""
    from datasketch import MinHash, MinHashLSH

    from cluster.text import normalize, word_shingles, word_tokens

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes = {}
    for record in records:
        text = normalize(((record.get("title") or "") + "\n" + record["text"]))
        m = MinHash(num_perm=num_perm, seed=1)
        for shingle in set(word_shingles(word_tokens(text), 5)):
            m.update(shingle.encode("utf-8"))
        hashes[record["id"]] = m
        lsh.insert(record["id"], m)
    parent = {i: i for i in hashes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for article_id, m in hashes.items():
        for other in lsh.query(m):
            parent[find(other)] = find(article_id)
    groups: dict[str, list[str]] = {}
    for article_id in hashes:
        groups.setdefault(find(article_id), []).append(article_id)
    return list(groups.values())


def tfidf_average_link_sweep(records: list[dict], gold: list[str]) -> tuple[float, list[int]]:
    """Baseline: TF-IDF + all-pairs average link; the distance threshold with the best B-cubed F1."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_distances

    docs = [(r.get("title") or "") + "\n" + r["text"] for r in records]
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(docs)
    distances = np.clip(cosine_distances(matrix), 0, None)
    np.fill_diagonal(distances, 0)
    tree = linkage(distances[np.triu_indices(len(docs), 1)], "average")
    best: tuple[float, float, list[int]] = (-1.0, 0.0, [])
    for threshold in np.arange(0.50, 0.99, 0.025):
        labels = list(fcluster(tree, threshold, "distance"))
        score = bcubed(labels, gold)[2]
        if score > best[0]:
            best = (score, float(threshold), labels)
    return best[1], best[2]


def split_halves(records: list[dict]) -> tuple[list[dict], list[dict]]:
    """The records whose topic (or, lacking one, story label) has an even CRC32, and the others."""
    parity = [zlib.crc32(str(r.get("topic", r["cluster"])).encode("utf-8")) % 2 for r in records]
    return [r for r, p in zip(records, parity) if p == 0], [r for r, p in zip(records, parity) if p == 1]


def main(argv: Sequence[str]) -> int:
    data_dir = Path(argv[0]) if argv else DEFAULT_DATA
    sys.path.insert(0, str(REPO))
    rows = []
    present_extras = tuple((name, filename) for name, filename in EXTRA_SETS if (data_dir / filename).exists())
    for name, filename in SETS + present_extras:
        path = data_dir / filename
        if not path.exists():
            raise SystemExit(f"{path} does not exist; pass the folder holding {filename} as the first argument")
        records = read_jsonl(path)
        ids = [r["id"] for r in records]
        gold = [str(r["cluster"]) for r in records]
        n_stories = len(set(gold))
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            groups, skipped = storyfold_groups(records, Path(tmp))
        elapsed = time.perf_counter() - start
        note = f"{elapsed:.1f}s" + (f", {skipped} skipped by ingest (scored as singletons)" if skipped else "")
        rows.append((name, "storyfold cluster", labels_from_groups(groups, ids, skipped), gold, note))
        start = time.perf_counter()
        rows.append((name, "MinHashLSH t=0.5, 5-shingles", labels_from_groups(minhash_groups(records), ids), gold, f"{time.perf_counter() - start:.1f}s"))
        threshold, labels = tfidf_average_link_sweep(records, gold)
        rows.append((name, f"TF-IDF avg-link d<={threshold:.3f}*", labels, gold, "all pairs"))
        for half, part in zip("AB", split_halves(records)):
            with tempfile.TemporaryDirectory() as tmp:
                groups, skipped = storyfold_groups(part, Path(tmp))
            part_gold = [str(r["cluster"]) for r in part]
            labels = labels_from_groups(groups, [r["id"] for r in part], skipped)
            note = f"split half {half}: {len(part)} articles, {len(set(part_gold))} stories, clustered alone"
            rows.append((name, f"storyfold cluster, half {half}", labels, part_gold, note))
        print(f"{name}: {len(records)} articles, {n_stories} gold stories", file=sys.stderr)

    header = f"{'set':9} {'method':32} {'groups':>6} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} {'pw P':>6} {'pw R':>6} {'pw F1':>6}  note"
    print(header)
    print("-" * len(header))
    for name, method, labels, gold, note in rows:
        b = bcubed(labels, gold)
        p = pairwise(labels, gold)
        print(f"{name:9} {method:32} {len(set(labels)):6d} {b[0]:6.3f} {b[1]:6.3f} {b[2]:6.3f} {p[0]:6.3f} {p[1]:6.3f} {p[2]:6.3f}  {note}")
    print("* threshold picked by a sweep on the scored data itself (an optimistic bound for that baseline).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
