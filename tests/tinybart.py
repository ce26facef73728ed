"""A tiny, randomly initialised BART saved the way real checkpoints are.

The tokenizer is a byte-level BPE trained on the seed articles, so encoding and
decoding are real; the model has BART's architecture at toy size. Its output is
steered towards plain lowercase words (a bias on the final logits), so that generated
text has no names or numbers and passes the hallucination guard; the generated words
are still the model's own.
"""

from __future__ import annotations

from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SPECIAL_TOKENS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]


def train_tokenizer(folder: Path, *, vocab_size: int = 600) -> "object":
    """Train a byte-level BPE on the seed articles, save it in ``folder`` and load it back."""
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartTokenizerFast

    files = sorted(str(p) for p in SEEDS.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no seed articles in {SEEDS} to train the test tokenizer on")
    bpe = ByteLevelBPETokenizer()
    bpe.train(files, vocab_size=vocab_size, min_frequency=2, special_tokens=SPECIAL_TOKENS, show_progress=False)
    folder.mkdir(parents=True, exist_ok=True)
    bpe.save_model(str(folder))
    tokenizer = BartTokenizerFast.from_pretrained(str(folder))
    if len(tokenizer) < 300:
        raise RuntimeError(f"the trained test tokenizer has only {len(tokenizer)} tokens; it did not load the vocabulary")
    return tokenizer


def build_tiny_bart(
    folder: Path, *, max_positions: int = 128, seed: int = 0, init_std: float = 0.5, words: str = "lowercase"
) -> Path:
    """Save a tiny BART (d_model 32, 2+2 layers, 2 heads) and its tokenizer in ``folder``.

    ``words`` steers what it writes: ``"lowercase"`` words, or ``"capitalised"`` ones
    (which read as names to the hallucination guard).
    """
    import torch
    from transformers import BartConfig, BartForConditionalGeneration

    if words not in ("lowercase", "capitalised"):
        raise ValueError(f"words must be 'lowercase' or 'capitalised', got {words!r}")
    tokenizer = train_tokenizer(folder / f"tokenizer-{words}")
    torch.manual_seed(seed)
    config = BartConfig(
        vocab_size=len(tokenizer),
        d_model=32,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=max_positions,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
        forced_eos_token_id=tokenizer.eos_token_id,
        init_std=init_std,
    )
    model = BartForConditionalGeneration(config).eval()
    vocab = tokenizer.get_vocab()
    # Favour tokens that are a whole word with its leading space ("Ġthe" or "ĠMoscow").
    case = str.islower if words == "lowercase" else str.istitle
    allowed = [i for token, i in vocab.items() if token.startswith("Ġ") and token[1:].isalpha() and case(token[1:])]
    bias = torch.full((1, len(tokenizer)), -20.0)
    bias[0, allowed] = 0.0
    bias[0, tokenizer.eos_token_id] = 0.0
    with torch.no_grad():
        model.final_logits_bias.copy_(bias)
    out = folder / f"model-{words}"
    model.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    return out
