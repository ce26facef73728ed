"""Seconds per story for BART summaries: the naive path against storyfold's.

Speed does not depend on the weights, so the models are randomly initialised, in
memory, with the exact architecture of facebook/bart-large-cnn (d_model 1024, 12+12
layers, 16 heads, ffn 4096, vocab 50264) and sshleifer/distilbart-cnn-12-6 (12 encoder
and 6 decoder layers, same widths). Both paths generate exactly the same number of
tokens (min_new_tokens = max_new_tokens), with 4 beams:

* baseline: one story at a time, float32, the three articles as input truncated to the
  model's 1,024 tokens (what feeding articles to bart-large-cnn does);
* storyfold: the story's facts as input (consensus-ordered; with --fact-tokens N the
  leading facts that fit N tokens, as bart.fact_tokens does; 0 = every fact, chunked
  and summarized hierarchically), several stories (or chunks) per generate call, int8
  dynamic quantisation, inference_mode.

Input lengths come from the seed story: the articles' words, and the facts (built by
summarize.facts when it is installed, else each article's lead sentences), at 1.3
tokens per word (GPT-2 BPE on news English); token ids are random.

Usage:
    python benchmarks/bart_speed.py                       # both shapes, CPU (and CUDA if present)
    python benchmarks/bart_speed.py --shapes distilbart --stories 4
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SHAPES = {
    "bart-large-cnn": {"encoder_layers": 12, "decoder_layers": 12},
    "distilbart-cnn-12-6": {"encoder_layers": 12, "decoder_layers": 6},
}
TOKENS_PER_WORD = 1.3
MAX_INPUT = 1024


def story_lengths(seeds: Path) -> tuple[int, list[int], str]:
    """Token lengths of the seed story: articles, each fact, and where the facts came from."""
    texts = [p.read_text("utf-8") for p in sorted(seeds.glob("*.txt"))]
    article_tokens = int(sum(len(t.split()) for t in texts) * TOKENS_PER_WORD)
    try:
        from cluster.ingest import load_articles
        from summarize.facts import build_facts
        from cluster.pipeline import cluster_articles
        from summarize.settings import Settings

        settings = Settings()
        loaded = load_articles([seeds], settings.cluster.ingest)
        articles = getattr(loaded, "articles", loaded)
        clustering = cluster_articles(articles, settings.cluster)
        cluster = max(clustering.clusters, key=lambda c: len(c.article_ids))
        members = [a for a in articles if a.id in set(cluster.article_ids)]
        facts = [f.text for f in build_facts(members, cluster.copy_map, settings)]
        source = f"{len(facts)} facts from summarize.facts"
    except Exception:  # the fact pipeline is not available: lead sentences stand in
        facts = []
        for text in texts:
            sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 8]
            facts += sentences[:4]
        source = f"{len(facts)} lead sentences (4 per article)"
    return article_tokens, [max(1, round(len(f.split()) * TOKENS_PER_WORD)) for f in facts], source


def fact_inputs(fact_lengths: list[int], budget: int, new_tokens: int) -> list[list[int]]:
    """Input lengths per generate level, as BartSummarizer builds them for one story.

    ``budget`` > 0 keeps the leading facts that fit it (bart.fact_tokens); 0 keeps every
    fact, packed into chunks of the model's limit, and adds a level that summarizes
    the partial summaries when there is more than one chunk.
    """
    if budget > 0:
        kept, used = [], 0
        for n in fact_lengths:
            if kept and used + n > budget:
                break
            kept.append(n)
            used += n
        fact_lengths = kept
    limit = MAX_INPUT - 2
    pieces = [min(limit, n - start) for n in fact_lengths for start in range(0, n, limit)]
    chunks: list[int] = []
    for n in pieces:
        if chunks and chunks[-1] + n <= limit:
            chunks[-1] += n
        else:
            chunks.append(n)
    levels = [[c + 2 for c in chunks]]
    if len(chunks) > 1:
        levels.append([len(chunks) * min(new_tokens, limit // 3) + 2])
    return levels


def build(shape: str):  # type: ignore[no-untyped-def]
    import torch
    from transformers import BartConfig, BartForConditionalGeneration

    torch.manual_seed(0)
    config = BartConfig(
        vocab_size=50264,
        d_model=1024,
        encoder_attention_heads=16,
        decoder_attention_heads=16,
        encoder_ffn_dim=4096,
        decoder_ffn_dim=4096,
        max_position_embeddings=1024,
        **SHAPES[shape],
    )
    return BartForConditionalGeneration(config).eval()


def time_generate(model, lengths: list[int], batch: int, new_tokens: int, device: str, inference: bool) -> float:  # type: ignore[no-untyped-def]
    """Seconds to generate ``new_tokens`` tokens for inputs of ``lengths``, ``batch`` at a time."""
    import contextlib

    import torch

    gen = torch.Generator().manual_seed(1)
    start = time.perf_counter()
    for i in range(0, len(lengths), batch):
        group = lengths[i : i + batch]
        width = max(group)
        ids = torch.randint(100, 50000, (len(group), width), generator=gen)
        mask = torch.zeros_like(ids)
        for row, n in enumerate(group):
            mask[row, :n] = 1
        ids[mask == 0] = 1
        ctx = torch.inference_mode() if inference else contextlib.nullcontext()
        with ctx:
            model.generate(
                input_ids=ids.to(device),
                attention_mask=mask.to(device),
                num_beams=4,
                min_new_tokens=new_tokens,
                max_new_tokens=new_tokens,
                length_penalty=2.0,
                no_repeat_ngram_size=0,
                early_stopping=True,
            )
    if device == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shapes", nargs="+", choices=sorted(SHAPES), default=sorted(SHAPES))
    parser.add_argument("--stories", type=int, default=4, help="stories in the optimised batch (default 4)")
    parser.add_argument("--new-tokens", type=int, default=142, help="generated tokens per summary, both paths (default 142)")
    parser.add_argument(
        "--fact-tokens", type=int, default=512, help="bart.fact_tokens of the optimised path: 0 = every fact, hierarchically (default 512)"
    )
    parser.add_argument("--repeats", type=int, default=2, help="timed runs of each path, alternated; the best counts (default 2)")
    parser.add_argument("--skip-baseline", action="store_true", help="time only the optimised path")
    parser.add_argument("--seeds", type=Path, default=REPO / "seeds")
    args = parser.parse_args()

    import torch

    article_tokens, fact_lengths, fact_source = story_lengths(args.seeds)
    baseline_len = min(article_tokens, MAX_INPUT - 2) + 2
    levels = fact_inputs(fact_lengths, args.fact_tokens, args.new_tokens)
    print(f"story: 3 articles ~{article_tokens} tokens -> baseline input {baseline_len} tokens (truncated)")
    print(f"facts: {fact_source}, ~{sum(fact_lengths)} tokens; fact_tokens = {args.fact_tokens} -> inputs per level {levels}")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads, 4 beams, {args.new_tokens} new tokens forced")
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    for shape in args.shapes:
        model = build(shape)
        for device in devices:
            print(f"\n{shape} on {device}:")
            base_model = model.to(device)
            if device == "cpu":
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    fast_model = torch.ao.quantization.quantize_dynamic(base_model, {torch.nn.Linear}, dtype=torch.qint8)
                label = "int8"
            else:
                fast_model = copy.deepcopy(base_model).half()
                label = "fp16"
            if not args.skip_baseline:
                time_generate(base_model, [32], 1, 2, device, inference=False)  # warm-up, not timed
            time_generate(fast_model, [32], 1, 2, device, inference=True)  # warm-up, not timed
            # Alternate the two paths and keep each one's best time, so that load from
            # other processes hits both alike and is mostly filtered out.
            base_times, fast_times = [], []
            for _ in range(args.repeats):
                if not args.skip_baseline:
                    base_times.append(time_generate(base_model, [baseline_len], 1, args.new_tokens, device, inference=False))
                total = sum(
                    time_generate(fast_model, sorted(level * args.stories, reverse=True), args.stories, args.new_tokens, device, inference=True)
                    for level in levels
                )
                fast_times.append(total / args.stories)
            fast = min(fast_times)
            if base_times:
                print(f"  baseline  (articles, 1 story/call, fp32):            {min(base_times):7.2f} s/story")
            print(f"  storyfold (facts, {args.stories} stories/call, {label}, inference_mode): {fast:7.2f} s/story")
            if base_times:
                print(f"  speed-up: {min(base_times) / fast:.1f}x")
            del fast_model, base_model
            model = model.to("cpu")
        del model


if __name__ == "__main__":
    main()
