"""Summary quality on NeuS: ROUGE of the extractive digest against neutral references.

Usage:
    python benchmarks/summary_quality.py [DATA_DIR] [--limit N] [--part even|odd] [--config FILE]

DATA_DIR (default: ``../shared/data`` beside the repository) holds ``neus_dev.jsonl``:
one story per line, ``{cluster, articles: [{id, title, text}], neutral_summary}``. The
stories are written as a clusters.json (one cluster per story, no copies) and summarized
by ``storyfold summarize clusters.json -o digest.json --summarizer extractive``; each
story's summary is scored against its neutral reference with ROUGE-1, ROUGE-2 and
ROUGE-Lsum F1 (rouge-score, Porter stemming; the summary and reference are each scored
as one line). In the same run:

* lead-1: the first sentence of each article, concatenated, scored the same way;
* mean words of the summaries, the references and lead-1;
* mean subjectivity (summarize.neutrality) of the summaries against their articles;
* summarization time per story (the CLI's wall time, start-up included, divided by the
  number of stories) and a warm in-process time per story.

``--part even`` / ``--part odd`` score one half of the stories (by file position), so
settings fitted on one half can be checked on the other.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO / ".." / "shared" / "data"
sys.path.insert(0, str(REPO))


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def clusters_document(stories: list[dict]) -> dict:
    """A storyfold.clusters/1 document with one cluster per NeuS story."""
    articles, clusters = [], []
    for story in stories:
        ids = []
        for article in story["articles"]:
            articles.append({"id": article["id"], "title": article.get("title"), "text": article["text"]})
            ids.append(article["id"])
        clusters.append({"id": story["cluster"], "article_ids": sorted(ids), "copies": {}})
    return {"schema": "storyfold.clusters/1", "articles": articles, "clusters": clusters, "skipped": []}


def storyfold_command() -> list[str]:
    exe = shutil.which("storyfold") or str(Path(sys.executable).with_name("storyfold"))
    if Path(exe).exists():
        return [exe]
    return [sys.executable, "-c", "from summarize.cli import main; main()"]


def run_cli(stories: list[dict], workdir: Path, config: Path | None) -> tuple[dict[str, object], float]:
    """Summaries keyed by article id (each article of a story maps to its summary), and the CLI's wall time."""
    clusters_path, digest_path = workdir / "clusters.json", workdir / "digest.json"
    clusters_path.write_text(json.dumps(clusters_document(stories)), encoding="utf-8")
    command = [*storyfold_command(), "summarize", str(clusters_path), "-o", str(digest_path), "--summarizer", "extractive", "--quiet"]
    if config is not None:
        command += ["--config", str(config)]
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=REPO, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    digest = json.loads(digest_path.read_text(encoding="utf-8"))
    return {article_id: s["summary"] for s in digest["stories"] for article_id in s["article_ids"]}, elapsed


def summary_text(summary: object) -> str:
    if isinstance(summary, dict):
        return str(summary.get("text", ""))
    return str(summary or "")


def lead_1(story: dict) -> str:
    """The first sentence of each article (pysbd), concatenated."""
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)
    firsts = []
    for article in story["articles"]:
        sentences = [s.strip() for s in segmenter.segment(article["text"]) if s.strip()]
        if sentences:
            firsts.append(sentences[0])
    return " ".join(firsts)


def rouge(predictions: list[str], references: list[str]) -> tuple[float, float, float]:
    """Mean ROUGE-1, ROUGE-2, ROUGE-Lsum F1 (x100), each text scored as one line."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    totals = [0.0, 0.0, 0.0]
    for prediction, reference in zip(predictions, references):
        scores = scorer.score(" ".join(reference.split()), " ".join(prediction.split()))
        for k, name in enumerate(("rouge1", "rouge2", "rougeLsum")):
            totals[k] += scores[name].fmeasure
    n = max(len(predictions), 1)
    return tuple(100 * t / n for t in totals)  # type: ignore[return-value]


def warm_seconds_per_story(stories: list[dict], config: Path | None, sample: int = 200) -> float:
    """In-process time to build facts and summarize one story, after a warm-up."""
    from cluster.types import Article
    from summarize.extractive import ExtractiveSummarizer
    from summarize.facts import build_facts
    from summarize.settings import load_settings
    from summarize.types import StoryInput

    settings = load_settings(config)
    summarizer = ExtractiveSummarizer(settings=settings.summary)
    chosen = stories[:sample]
    start = None
    for k, story in enumerate([chosen[0]] + chosen):
        if k == 1:
            start = time.perf_counter()
        articles = [Article(id=a["id"], text=a["text"], title=a.get("title")) for a in story["articles"]]
        facts = build_facts(articles, {}, settings)
        summarizer.summarize([StoryInput(story["cluster"], facts, tuple(a.text for a in articles))])
    return (time.perf_counter() - start) / max(len(chosen), 1)  # type: ignore[operator]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA, help="folder holding neus_dev.jsonl")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N stories")
    parser.add_argument(
        "--part",
        choices=("even", "odd"),
        default=None,
        help="score only the stories at even (0, 2, ...) or odd file positions: the two halves settings are fitted and checked on",
    )
    parser.add_argument("--config", type=Path, default=None, help="a storyfold config file passed to the CLI")
    args = parser.parse_args(argv)

    path = args.data / "neus_dev.jsonl"
    if not path.exists():
        print(f"{path} not found: pass the folder holding neus_dev.jsonl", file=sys.stderr)
        return 2
    stories = read_jsonl(path)
    if args.part is not None:
        stories = stories[args.part == "odd" :: 2]
    stories = stories[: args.limit]
    references = [s["neutral_summary"] for s in stories]

    with tempfile.TemporaryDirectory() as tmp:
        by_articles, cli_seconds = run_cli(stories, Path(tmp), args.config)
    summaries = [summary_text(next((by_articles[a["id"]] for a in s["articles"] if a["id"] in by_articles), "")) for s in stories]
    leads = [lead_1(s) for s in stories]

    from summarize.neutrality import subjectivity

    words = lambda texts: statistics.mean(len(t.split()) for t in texts)  # noqa: E731
    article_subjectivity = statistics.mean(statistics.mean(subjectivity(a["text"]) for a in s["articles"]) for s in stories)
    summary_subjectivity = statistics.mean(subjectivity(t) for t in summaries)

    part = f" ({args.part} positions)" if args.part else ""
    print(f"NeuS dev{part}: {len(stories)} stories of {statistics.mean(len(s['articles']) for s in stories):.0f} articles")
    print(f"{'system':<24}{'R1':>7}{'R2':>7}{'RLsum':>7}{'words':>7}")
    for name, predictions in (("storyfold extractive", summaries), ("lead-1 of each article", leads)):
        r1, r2, rl = rouge(predictions, references)
        print(f"{name:<24}{r1:7.2f}{r2:7.2f}{rl:7.2f}{words(predictions):7.1f}")
    print(f"{'reference':<24}{'':>21}{words(references):7.1f}")
    print(f"subjectivity: summaries {summary_subjectivity:.4f}, their articles {article_subjectivity:.4f}")
    print(f"time per story: {cli_seconds / max(len(stories), 1):.3f} s via the CLI (start-up included), "
          f"{warm_seconds_per_story(stories, args.config):.3f} s warm in-process")
    empty = sum(1 for t in summaries if not t.strip())
    if empty:
        print(f"empty summaries: {empty}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
