"""Sentence splitting: accuracy on the hand-marked gold file and speed per article, beside pysbd.

usage: python benchmarks/sentences.py [DATA_DIR] [--articles N] [--repeat R]

Accuracy is read from ``tests/data/sentences_gold.jsonl`` (passages from the dev sets and
constructed ones for hard-wrapped lines, live-blog stamps and spaceless scripts, each
with its sentences marked by hand): a gold sentence counts as right when the splitter
returns exactly it (whitespace runs compared as one space); a passage is right when
every sentence is. The baseline is the earlier path, pysbd (``clean=False``) over each
line of the text.

Speed is measured on up to N articles of the dev sets in DATA_DIR (ECB+, AllSides and
NeuS; default ``../shared/data``), both splitters over the same texts in the same run,
best of R rounds; the figure is milliseconds per article and the ratio.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path
from typing import Callable

from summarize.segmenter import segment

GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "sentences_gold.jsonl"


def pysbd_split() -> Callable[[str], list[str]]:
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)

    def split(text: str) -> list[str]:
        return [s.strip() for line in text.split("\n") if line.strip() for s in segmenter.segment(line) if s.strip()]

    return split


def _norm(sentence: str) -> str:
    return re.sub(r"\s+", " ", sentence).strip()


def accuracy(split: Callable[[str], list[str]], gold: list[dict]) -> tuple[float, float, int]:
    """(sentence accuracy, passage accuracy, gold sentences) of ``split`` on ``gold``."""
    right = total = passages = 0
    for record in gold:
        expected = [_norm(s) for s in record["sentences"]]
        got = [_norm(s) for s in split(record["text"])]
        remaining = list(got)
        for sentence in expected:
            if sentence in remaining:
                remaining.remove(sentence)
                right += 1
        total += len(expected)
        passages += got == expected
    return right / total, passages / len(gold), total


def dev_texts(data: Path, limit: int) -> list[str]:
    texts: list[str] = []
    for name in ("ecbplus_dev.jsonl", "allsides_dev_articles.jsonl"):
        path = data / name
        if path.exists():
            texts += [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
    path = data / "neus_dev.jsonl"
    if path.exists():
        for line in path.open(encoding="utf-8"):
            texts += [a["text"] for a in json.loads(line)["articles"]]
    return texts[:limit]


def ms_per_article(split: Callable[[str], list[str]], texts: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            split(text)
        best = min(best, time.perf_counter() - start)
    return 1000 * best / max(len(texts), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", default="../shared/data", type=Path)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    gold = [json.loads(line) for line in GOLD.open(encoding="utf-8")]
    baseline = pysbd_split()
    ours_acc = accuracy(segment, gold)
    base_acc = accuracy(baseline, gold)
    print(f"gold: {len(gold)} passages, {ours_acc[2]} sentences ({GOLD.name})")
    print(f"{'splitter':<12} {'sentences right':>16} {'passages right':>15}")
    print(f"{'storyfold':<12} {ours_acc[0]:>16.3f} {ours_acc[1]:>15.3f}")
    print(f"{'pysbd':<12} {base_acc[0]:>16.3f} {base_acc[1]:>15.3f}")

    texts = dev_texts(args.data, args.articles)
    if not texts:
        print(f"speed: no dev data in {args.data}; skipped")
        return
    words = sum(len(t.split()) for t in texts) / len(texts)
    ours = ms_per_article(segment, texts, args.repeat)
    base = ms_per_article(baseline, texts, max(1, args.repeat - 2))
    print(f"speed on {len(texts)} dev articles ({words:.0f} words each on average), best of {args.repeat}:")
    print(f"storyfold {ours:.3f} ms/article, pysbd {base:.3f} ms/article: {base / ours:.1f}x faster")


if __name__ == "__main__":
    main()
