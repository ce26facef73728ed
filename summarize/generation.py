"""Abstractive summaries with BART, and the choice between BART and extractive.

:func:`make_summarizer` picks the summarizer: ``"auto"`` uses BART when its weights
load and the extractive summarizer otherwise (with a one-line notice), ``"bart"``
insists on BART, ``"extractive"`` never loads a model.

:class:`BartSummarizer` turns each story's facts (already ordered by consensus) into
one summary:

1. the facts (all of them, or with ``fact_tokens`` set the leading, best-supported
   ones that fit that many tokens) are encoded once and packed, whole, into chunks that fit the model's input
   (a fact longer than the limit is cut on token windows; nothing is truncated);
2. every chunk of every story is summarized, longest inputs first, ``batch_size`` at a
   time; a story with several chunks has its partial summaries summarized again until
   one text is left (hierarchical summarization);
3. the hallucination guard (:mod:`summarize.guard`) drops generated sentences whose
   names or numbers its articles do not contain; a story that loses every sentence, or
   whose batch failed, gets the extractive summary with the reason in ``Summary.note``.

torch and transformers are imported on first use only; weights are safetensors, and no
code from a model repository is ever run.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence, TextIO
from urllib.parse import urlparse

from cluster.errors import ConfigError, ModelUnavailableError

from .guard import SourceIndex, guard_text
from .settings import BartSettings, SummarySettings
from .types import StoryInput, Summarizer, Summary

if TYPE_CHECKING:
    from .settings import Settings

__all__ = ["BartSummarizer", "Chunk", "chunk_facts", "hub_offline", "make_summarizer"]

INSTALL_HINT = "pip install 'storyfold[bart]'"
WEIGHTS_HINT = (
    "put safetensors weights in the Hugging Face cache (e.g. `huggingface-cli download facebook/bart-large-cnn` "
    "on a machine with network access) or pass --model PATH to a folder saved with save_pretrained"
)
# Models whose config names no input limit get BART's.
DEFAULT_MAX_POSITIONS = 1024
# Hierarchical summarization stops after this many levels; each level packs at least
# two partial summaries per chunk, so real inputs need far fewer.
MAX_LEVELS = 12


# --------------------------------------------------------------------------- choice


def make_summarizer(
    choice: str, settings: "Settings", *, stderr: TextIO | None = None, notice: Callable[[str, str], None] | None = None
) -> Summarizer:
    """Return the summarizer for ``choice``: ``"auto"``, ``"bart"`` or ``"extractive"``.

    ``"auto"`` loads BART when the weights are already here (a local folder or the
    Hugging Face cache; it never opens a network connection) and otherwise returns the
    extractive summarizer after one line on ``stderr`` (or, when ``notice`` is given, a call
    ``notice(message, reason)``, so a caller decides how much to show). ``"bart"`` is an explicit request:
    it also downloads from the hub when ``HF_HUB_OFFLINE`` is unset and the hub answers,
    and raises :class:`ModelUnavailableError` (exit code 2) when the model cannot be loaded.

    Example:
        >>> from summarize.settings import Settings
        >>> make_summarizer("extractive", Settings()).method
        'extractive'
    """
    if choice not in ("auto", "bart", "extractive"):
        raise ConfigError(f"summarizer {choice!r} is not one of 'auto', 'bart', 'extractive'")
    if choice == "extractive":
        return _extractive(settings.summary)
    if choice == "bart":
        return BartSummarizer(settings=settings.bart, summary=settings.summary)
    try:
        return BartSummarizer(settings=settings.bart, summary=settings.summary, allow_download=False)
    except ModelUnavailableError as exc:
        if notice is not None:
            notice(f"no BART weights for {settings.bart.model}; using the extractive summarizer", " ".join(str(exc).split()))
        elif stderr is not None:
            reason = " ".join(str(exc).split())
            if len(reason) > 240:
                reason = reason[:237] + "..."
            print(
                f"storyfold: no BART weights for {settings.bart.model} ({reason}); using the extractive summarizer. "
                "Install storyfold[bart] and put weights in the HF cache or pass --model PATH.",
                file=stderr,
            )
        return _extractive(settings.summary)


def _extractive(summary: SummarySettings) -> Summarizer:
    from .extractive import ExtractiveSummarizer

    return ExtractiveSummarizer(settings=summary)


# --------------------------------------------------------------------------- chunking


@dataclass(frozen=True, slots=True)
class Chunk:
    """Consecutive facts (or pieces of one long fact) that fit the model's input together.

    ``token_ids`` are the facts' tokens, concatenated, without special tokens: the
    model's input is exactly these plus the tokenizer's begin and end markers.
    """

    texts: tuple[str, ...]
    token_ids: tuple[int, ...]

    @property
    def token_count(self) -> int:
        return len(self.token_ids)


@dataclass(frozen=True, slots=True)
class _Piece:
    text: str
    ids: tuple[int, ...]


def _encode(texts: Sequence[str], tokenizer: Any) -> list[tuple[str, list[int], list[tuple[int, int]]]]:
    """Encode each text with a leading space, so that concatenated encodings read as prose."""
    spaced = [" " + " ".join(t.split()) for t in texts]
    if not spaced:
        return []
    encoded = tokenizer(spaced, add_special_tokens=False, return_offsets_mapping=True)
    return [(s, list(ids), list(offsets)) for s, ids, offsets in zip(spaced, encoded["input_ids"], encoded["offset_mapping"])]


def _split_long(text: str, ids: list[int], offsets: list[tuple[int, int]], max_tokens: int) -> list[_Piece]:
    """Cut one over-long encoded text into windows of at most ``max_tokens`` tokens.

    Cuts fall before a token that starts a word when one lies in the window's last
    quarter; each piece's text is the exact span of its tokens, so the pieces together
    are the whole text.
    """
    pieces: list[_Piece] = []
    start = 0
    while start < len(ids):
        end = min(start + max_tokens, len(ids))
        if end < len(ids):
            for cut in range(end, start + max(1, (3 * max_tokens) // 4), -1):
                begin = offsets[cut][0]
                if text[begin : begin + 1].isspace() or (begin > 0 and text[begin - 1].isspace()):
                    end = cut
                    break
        first_char = offsets[start][0]
        last_char = offsets[end][0] if end < len(ids) else len(text)
        pieces.append(_Piece(text[first_char:last_char].strip(), tuple(ids[start:end])))
        start = end
    return pieces


def _pieces(texts: Sequence[str], tokenizer: Any, max_tokens: int) -> list[_Piece]:
    pieces: list[_Piece] = []
    for text, ids, offsets in _encode(texts, tokenizer):
        if len(ids) <= max_tokens:
            pieces.append(_Piece(text.strip(), tuple(ids)))
        else:
            pieces.extend(_split_long(text, ids, offsets, max_tokens))
    return [p for p in pieces if p.ids]


def _pack(pieces: Sequence[_Piece], max_tokens: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    texts: list[str] = []
    ids: list[int] = []
    for piece in pieces:
        if ids and len(ids) + len(piece.ids) > max_tokens:
            chunks.append(Chunk(tuple(texts), tuple(ids)))
            texts, ids = [], []
        texts.append(piece.text)
        ids.extend(piece.ids)
    if ids:
        chunks.append(Chunk(tuple(texts), tuple(ids)))
    return chunks


def chunk_facts(facts: Sequence[str], tokenizer: Any, max_tokens: int) -> list[Chunk]:
    """Pack facts, in order and whole, into chunks of at most ``max_tokens`` tokens.

    A fact longer than ``max_tokens`` on its own is cut into consecutive pieces on token
    windows. No text is dropped: the chunks' texts, in order, are the facts.

    Example:
        >>> chunks = chunk_facts(["Talks began.", "They ended."], tokenizer, max_tokens=1024)  # doctest: +SKIP
        >>> [c.texts for c in chunks]  # doctest: +SKIP
        [('Talks began.', 'They ended.')]
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be >= 1, got {max_tokens}")
    return _pack(_pieces(facts, tokenizer, max_tokens), max_tokens)


# --------------------------------------------------------------------------- loading


# Read by huggingface_hub and transformers when they are imported (and by some of their
# helpers at call time); HF_HUB_DISABLE_TELEMETRY stops usage pings as well.
_OFFLINE_VARS = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY")


def _offline() -> bool:
    return any(os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on") for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def _set_offline_flags(offline: bool) -> None:
    """Set the offline flags that already-imported hub libraries read at call time."""
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None and hasattr(constants, "HF_HUB_OFFLINE"):
        constants.HF_HUB_OFFLINE = offline
    hub = sys.modules.get("transformers.utils.hub")
    if hub is not None and hasattr(hub, "_is_offline_mode"):  # transformers before 4.50 kept its own flag
        hub._is_offline_mode = offline


@contextlib.contextmanager
def hub_offline() -> Iterator[None]:
    """Keep the Hugging Face libraries from opening any network connection inside the block.

    Sets ``HF_HUB_OFFLINE``, ``TRANSFORMERS_OFFLINE``, ``HF_DATASETS_OFFLINE`` and
    ``HF_HUB_DISABLE_TELEMETRY`` (read when the libraries are imported) and, when they are
    already imported, the offline flags they read at call time. Without this, even a
    ``local_files_only`` load asks the hub for an agent registry when building its
    user-agent header. Everything is restored on exit, so an explicit download later in
    the same process still can.

    Example:
        >>> with hub_offline():
        ...     os.environ["HF_HUB_OFFLINE"]
        '1'
    """
    saved = {name: os.environ.get(name) for name in _OFFLINE_VARS}
    os.environ.update(dict.fromkeys(_OFFLINE_VARS, "1"))
    _set_offline_flags(True)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        _set_offline_flags(_offline())


def _hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the hub's host accepts a connection within ``timeout`` seconds."""
    url = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    host = url.hostname or "huggingface.co"
    port = url.port or (80 if url.scheme == "http" else 443)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _looks_like_path(name: str) -> bool:
    return name.startswith(("/", ".", "~")) or os.sep in name.strip("/").replace("/", "", 1) or Path(name).is_absolute()


def _import_backend() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise ModelUnavailableError(
            f"the BART summarizer needs torch and transformers ({exc.name or exc} is not installed); "
            f"install them with: {INSTALL_HINT}"
        ) from None
    return torch, transformers


def _from_pretrained(transformers: Any, name: str, *, local_only: bool) -> tuple[Any, Any]:
    common = {"local_files_only": local_only, "trust_remote_code": False}
    tokenizer = transformers.AutoTokenizer.from_pretrained(name, **common)
    model = transformers.AutoModelForSeq2SeqLM.from_pretrained(name, use_safetensors=True, **common)
    return tokenizer, model


def _load(name: str, *, allow_download: bool = True) -> tuple[Any, Any]:
    """Load tokenizer and model: local folder, then the HF cache, then (online, when allowed) the hub."""
    with hub_offline():  # the local lookups must not touch the network
        _, transformers = _import_backend()
        transformers.utils.logging.disable_progress_bar()
        path = Path(name).expanduser()
        if path.is_dir():
            try:
                return _from_pretrained(transformers, str(path), local_only=True)
            except Exception as exc:  # a folder that is not a safetensors seq2seq model
                raise ModelUnavailableError(
                    f"model folder {path} holds no loadable safetensors BART model ({type(exc).__name__}: {exc}); "
                    f"{WEIGHTS_HINT}"
                ) from None
        if _looks_like_path(name):
            raise ModelUnavailableError(f"model folder {name} does not exist; {WEIGHTS_HINT}")
        try:
            return _from_pretrained(transformers, name, local_only=True)
        except Exception as exc:
            cache_error = f"{type(exc).__name__}: {exc}"
    if not allow_download:
        raise ModelUnavailableError(f"{name} is not in the Hugging Face cache ({cache_error}); {WEIGHTS_HINT}")
    if _offline():
        raise ModelUnavailableError(
            f"{name} is not in the Hugging Face cache and HF_HUB_OFFLINE is set ({cache_error}); {WEIGHTS_HINT}"
        )
    if not _hub_reachable():
        raise ModelUnavailableError(f"{name} is not in the Hugging Face cache and the hub cannot be reached; {WEIGHTS_HINT}")
    try:
        return _from_pretrained(transformers, name, local_only=False)
    except Exception as exc:
        raise ModelUnavailableError(f"{name} could not be downloaded ({type(exc).__name__}: {exc}); {WEIGHTS_HINT}") from None


# --------------------------------------------------------------------------- summarizer


@dataclass(slots=True)
class _Job:
    story: int
    ids: list[int]


class BartSummarizer:
    """Summarize stories with a BART-style sequence-to-sequence model.

    The model is loaded once, when the summarizer is made; :class:`ModelUnavailableError`
    says why it could not be. ``generate_calls`` counts the model's generate calls so far
    (one per batch of chunks), which shows the batching and the chunking at work.

    Example:
        >>> summarizer = BartSummarizer(settings=BartSettings(model="path/to/bart"))  # doctest: +SKIP
        >>> summarizer.summarize([story])[0].method  # doctest: +SKIP
        'bart'
    """

    method = "bart"

    def __init__(self, *, settings: BartSettings, summary: SummarySettings | None = None, allow_download: bool = True) -> None:
        self.settings = settings
        self.summary_settings = summary or SummarySettings()
        self.model = settings.model
        self.generate_calls = 0
        with hub_offline():  # importing transformers must not go online either
            torch, _ = _import_backend()
        self._torch = torch
        self.device = self._pick_device(torch)
        self.tokenizer, model = _load(settings.model, allow_download=allow_download)
        if not getattr(model.config, "is_encoder_decoder", False):
            raise ModelUnavailableError(f"model {settings.model} is not an encoder-decoder (seq2seq) model; use a BART checkpoint")
        model.eval()
        if self.device == "cuda":
            model = model.to("cuda")
            if settings.fp16:
                model = model.half()
        elif settings.quantize:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self._model = model
        positions = getattr(model.config, "max_position_embeddings", None) or DEFAULT_MAX_POSITIONS
        self.max_input_tokens = int(positions)
        specials = self.tokenizer.num_special_tokens_to_add(pair=False)
        self.chunk_tokens = self.max_input_tokens - specials
        if self.chunk_tokens < 8:
            raise ModelUnavailableError(f"model {settings.model} takes only {self.max_input_tokens} input tokens; too few to summarize")
        self._extractive: Summarizer | None = None

    def _pick_device(self, torch: Any) -> str:
        if self.settings.device == "cpu":
            return "cpu"
        available = torch.cuda.is_available()
        if self.settings.device == "cuda" and not available:
            raise ModelUnavailableError("bart.device is 'cuda' but torch sees no CUDA device; set --device cpu or auto")
        return "cuda" if available else "cpu"

    # ----------------------------------------------------------------- public

    def chunks(self, story: StoryInput) -> list[Chunk]:
        """The first-level chunks of a story's facts for this model's input limit."""
        return chunk_facts([f.text for f in story.facts], self.tokenizer, self.chunk_tokens)

    def summarize(self, stories: Sequence[StoryInput]) -> list[Summary]:
        """Return one summary per story, in order (see the module docstring for the steps)."""
        results: dict[int, Summary] = {}
        failures: dict[int, str] = {}
        texts: dict[int, list[str]] = {}
        for i, story in enumerate(stories):
            facts = self._leading_facts([f.text for f in story.facts if f.text.strip()])
            if facts:
                texts[i] = facts
            else:
                failures[i] = "the story has no facts to summarize"
        final_text: dict[int, str] = {}
        for _level in range(MAX_LEVELS):
            if not texts:
                break
            chunked = {i: chunk_facts(t, self.tokenizer, self.chunk_tokens) for i, t in sorted(texts.items())}
            outputs, errors = self._generate(
                [_Job(i, list(c.token_ids)) for i, cs in chunked.items() for c in cs],
                partial={i for i, cs in chunked.items() if len(cs) > 1},
            )
            next_texts: dict[int, list[str]] = {}
            for i, cs in chunked.items():
                if i in errors:
                    failures[i] = errors[i]
                elif len(cs) == 1:
                    final_text[i] = outputs[i][0]
                else:
                    next_texts[i] = outputs[i]
            texts = next_texts
        for i in texts:
            failures[i] = f"hierarchical summarization needed more than {MAX_LEVELS} levels"
        guard_fallback: dict[int, int] = {}
        for i, text in sorted(final_text.items()):
            if not self.settings.guard:
                results[i] = Summary(text=text.strip(), method="bart", model=self.model)
                continue
            sources = stories[i].source_texts or tuple(f.text for f in stories[i].facts)
            checked = guard_text(text, SourceIndex.build(sources))
            if checked.kept:
                results[i] = Summary(text=checked.text, method="bart", model=self.model, dropped_sentences=len(checked.dropped))
            else:
                guard_fallback[i] = len(checked.dropped)
                failures[i] = (
                    f"all {len(checked.dropped)} generated sentences named people, places or numbers "
                    "not in the articles (hallucination guard)"
                )
        if failures:
            order = sorted(failures)
            fallback = self._fallback().summarize([stories[i] for i in order])
            for i, summary in zip(order, fallback):
                note = f"BART summary not used: {failures[i]}; extractive summary instead"
                results[i] = Summary(
                    text=summary.text,
                    method=summary.method,
                    model=summary.model,
                    dropped_sentences=guard_fallback.get(i, 0),
                    note=note,
                )
        return [results[i] for i in range(len(stories))]

    # ----------------------------------------------------------------- internals

    def _leading_facts(self, facts: list[str]) -> list[str]:
        """All facts, or with ``fact_tokens`` set, the leading ones that fit that many tokens."""
        budget = self.settings.fact_tokens
        if budget <= 0 or not facts:
            return facts
        kept: list[str] = []
        used = 0
        for text, ids, _ in _encode(facts, self.tokenizer):
            if kept and used + len(ids) > budget:
                break
            kept.append(facts[len(kept)])
            used += len(ids)
        return kept

    def _fallback(self) -> Summarizer:
        if self._extractive is None:
            self._extractive = _extractive(self.summary_settings)
        return self._extractive

    def _generation_kwargs(self, partial: bool) -> dict[str, Any]:
        s = self.settings
        max_new = min(s.max_new_tokens, self.max_input_tokens - 2)
        if partial:
            # Two partial summaries must fit one chunk, so every level shortens the input.
            max_new = max(1, min(max_new, self.chunk_tokens // 3))
        kwargs: dict[str, Any] = {
            "max_new_tokens": max_new,
            "min_new_tokens": min(s.min_new_tokens, max_new),
            "num_beams": s.num_beams,
            "no_repeat_ngram_size": s.no_repeat_ngram_size,
            "do_sample": False,
        }
        if s.num_beams > 1:
            kwargs.update(length_penalty=s.length_penalty, early_stopping=True)
        return kwargs

    def _generate(self, jobs: list[_Job], *, partial: set[int]) -> tuple[dict[int, list[str]], dict[int, str]]:
        """Run generate over all jobs in length-sorted batches.

        Returns each story's outputs (in its chunk order) and, for stories that had a
        chunk in a failed batch, the reason.
        """
        torch = self._torch
        outputs: dict[int, dict[int, str]] = {}
        errors: dict[int, str] = {}
        order = sorted(range(len(jobs)), key=lambda j: (-len(jobs[j].ids), j))
        bos, eos = self.tokenizer.bos_token_id, self.tokenizer.eos_token_id
        size = self.settings.batch_size
        for start in range(0, len(order), size):
            batch = [j for j in order[start : start + size] if jobs[j].story not in errors]
            if not batch:
                continue
            # Partial and final summaries differ in length; a batch mixes them only
            # when a story's chunks straddle a boundary, so split by kind.
            for kind in (True, False):
                group = [j for j in batch if (jobs[j].story in partial) is kind]
                if not group:
                    continue
                inputs = [[t for t in (bos,) if t is not None] + jobs[j].ids + [t for t in (eos,) if t is not None] for j in group]
                try:
                    texts = self._run(torch, inputs, partial=kind)
                except Exception as exc:  # any failure of the model: fall back for these stories only
                    reason = f"generation failed ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})"
                    for j in group:
                        errors.setdefault(jobs[j].story, reason)
                    continue
                for j, text in zip(group, texts):
                    outputs.setdefault(jobs[j].story, {})[j] = text
        ordered = {story: [texts[j] for j in sorted(texts)] for story, texts in outputs.items() if story not in errors}
        return ordered, errors

    def _run(self, torch: Any, inputs: list[list[int]], *, partial: bool) -> list[str]:
        self.generate_calls += 1
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        width = max(len(x) for x in inputs)
        input_ids = torch.tensor([x + [pad] * (width - len(x)) for x in inputs], dtype=torch.long, device=self.device)
        mask = torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x in inputs], dtype=torch.long, device=self.device)
        with torch.inference_mode():
            generated = self._model.generate(input_ids=input_ids, attention_mask=mask, **self._generation_kwargs(partial))
        decoded = self.tokenizer.batch_decode(generated, skip_special_tokens=True, clean_up_tokenization_spaces=False)
        return [" ".join(text.split()) for text in decoded]
