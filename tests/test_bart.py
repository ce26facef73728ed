"""The BART summarizer on a tiny real model: loading, chunking, batching, guard, fallbacks.

The model is a randomly initialised BART at toy size with a tokenizer trained on the
seed articles (tests/tinybart.py), saved with save_pretrained and loaded back through
the same path users take. Its input limit is 128 tokens, so a few facts already need
chunking.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from cluster.errors import ConfigError, ModelUnavailableError
from summarize.generation import BartSummarizer, chunk_facts, make_summarizer
from summarize.guard import SourceIndex, find_names, find_numbers, guard_text, split_sentences, unsupported_terms
from summarize.settings import BartSettings, Settings
from summarize.types import Fact, StoryInput

from .conftest import SEEDS
from .tinybart import build_tiny_bart

SOURCES = (
    "Top diplomats from the United States and Russia met on Thursday in Bali. Antony Blinken spoke with "
    "Sergei Lavrov for about 20 minutes, officials said. The talks touched on grain exports and a prisoner swap.",
    "Blinken told reporters the meeting lasted 20 minutes. Lavrov did not comment on the 2,000 tonnes of grain.",
)
FACT_TEXTS = [
    "Top diplomats from the United States and Russia met on Thursday in Bali.",
    "Antony Blinken spoke with Sergei Lavrov for about 20 minutes, officials said.",
    "The talks touched on grain exports and a prisoner swap.",
    "Lavrov did not comment on the 2,000 tonnes of grain.",
]


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tinybart")
    return {words: build_tiny_bart(folder, words=words) for words in ("lowercase", "capitalised")}


@pytest.fixture(scope="session")
def tiny_model(tiny_models: dict[str, Path]) -> Path:
    return tiny_models["lowercase"]


def settings_for(model: Path | str, **bart: object) -> Settings:
    values: dict[str, object] = {"num_beams": 2, "min_new_tokens": 4, "max_new_tokens": 8, "batch_size": 8}
    values.update(bart)
    return replace(Settings(), bart=BartSettings(model=str(model), **values))  # type: ignore[arg-type]


def make_fact(text: str) -> Fact:
    return Fact(text=text, article_ids=("a1",), sources=("Wire",), independent_ids=("a1",))


def make_story(story_id: str, texts: list[str], sources: tuple[str, ...] = SOURCES) -> StoryInput:
    return StoryInput(story_id=story_id, facts=tuple(make_fact(t) for t in texts), source_texts=sources)


def seed_sentences() -> list[str]:
    sentences = []
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text("utf-8").splitlines():
            sentences += [s for s in split_sentences(line) if len(s.split()) >= 8]
    return sentences


@pytest.fixture(scope="session")
def summarizer(tiny_model: Path) -> BartSummarizer:
    result = make_summarizer("bart", settings_for(tiny_model))
    assert isinstance(result, BartSummarizer)
    return result


# ----------------------------------------------------------------------------- loading


def test_bart_loads_a_saved_folder_and_labels_its_summaries(summarizer: BartSummarizer, tiny_model: Path) -> None:
    (summary,) = summarizer.summarize([make_story("s1", FACT_TEXTS[:2])])
    assert summary.method == "bart"
    assert summary.model == str(tiny_model)
    assert summary.note is None
    assert summary.text.strip()
    assert summarizer.method == "bart" and summarizer.model == str(tiny_model)
    assert summarizer.max_input_tokens == 128


def test_auto_uses_bart_when_the_weights_load(tiny_model: Path) -> None:
    stderr = io.StringIO()
    assert make_summarizer("auto", settings_for(tiny_model), stderr=stderr).method == "bart"
    assert stderr.getvalue() == ""


def test_bart_with_a_missing_folder_raises_model_unavailable_with_the_fix(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelUnavailableError, match=r"no-such-model does not exist.*--model PATH") as info:
        make_summarizer("bart", settings_for(missing))
    assert info.value.exit_code == 2


def test_bart_with_an_uncached_hub_id_offline_fails_without_the_network(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    with pytest.raises(ModelUnavailableError, match=r"storyfold-test/absent-model is not in the Hugging Face cache and HF_HUB_OFFLINE is set"):
        make_summarizer("bart", settings_for("storyfold-test/absent-model"))


def test_a_folder_without_safetensors_weights_is_refused(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bart"}), "utf-8")
    with pytest.raises(ModelUnavailableError, match=r"holds no loadable safetensors BART model"):
        make_summarizer("bart", settings_for(tmp_path))


def test_auto_with_a_missing_model_falls_back_to_extractive_with_a_one_line_notice(tmp_path: Path) -> None:
    stderr = io.StringIO()
    result = make_summarizer("auto", settings_for(tmp_path / "absent"), stderr=stderr)
    assert result.method == "extractive" and result.model is None
    lines = stderr.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("storyfold: no BART weights for ") and "using the extractive summarizer" in lines[0]
    assert "--model PATH" in lines[0]


def test_unknown_summarizer_choice_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"'abstractive' is not one of"):
        make_summarizer("abstractive", Settings())


def test_bart_settings_reject_min_length_above_max() -> None:
    with pytest.raises(ConfigError, match=r"\[bart\] min_new_tokens: 200 must be an integer from 0 to max_new_tokens \(142\); lower min_new_tokens"):
        BartSettings(min_new_tokens=200)


# ----------------------------------------------------------------------------- chunking


def test_facts_past_the_input_limit_are_split_on_fact_boundaries_without_loss(summarizer: BartSummarizer) -> None:
    facts = seed_sentences()[:12]
    chunks = chunk_facts(facts, summarizer.tokenizer, summarizer.chunk_tokens)
    assert len(chunks) > 1
    assert all(0 < c.token_count <= summarizer.chunk_tokens for c in chunks)
    assert [t for c in chunks for t in c.texts] == [" ".join(f.split()) for f in facts]


def test_a_single_fact_longer_than_the_limit_is_cut_into_windows_that_keep_every_word(summarizer: BartSummarizer) -> None:
    long_fact = " ".join(seed_sentences()[:8])
    chunks = chunk_facts(["Short opening fact.", long_fact], summarizer.tokenizer, summarizer.chunk_tokens)
    assert len(chunks) >= 3
    assert all(c.token_count <= summarizer.chunk_tokens for c in chunks)
    texts = [t for c in chunks for t in c.texts]
    assert texts[0] == "Short opening fact."
    assert "".join(texts[1:]).replace(" ", "") == long_fact.replace(" ", "")
    assert all(len(t.split()) > 3 for t in texts[1:])


def test_a_long_story_is_summarized_in_two_levels(summarizer: BartSummarizer) -> None:
    story = make_story("long", seed_sentences()[:10], sources=tuple(seed_sentences()))
    first_level = summarizer.chunks(story)
    assert 1 < len(first_level) <= summarizer.settings.batch_size
    before = summarizer.generate_calls
    (summary,) = summarizer.summarize([story])
    # One batch holds every first-level chunk; one more call summarizes their summaries.
    assert summarizer.generate_calls - before == 2
    assert summary.method == "bart" and summary.text


def test_fact_tokens_keeps_only_the_leading_facts_in_one_pass(tiny_model: Path, summarizer: BartSummarizer) -> None:
    facts = seed_sentences()[:10]
    story = make_story("long", facts, sources=tuple(seed_sentences()))
    budget = chunk_facts(facts[:2], summarizer.tokenizer, 1000)[0].token_count
    bart = make_summarizer("bart", settings_for(tiny_model, fact_tokens=budget))
    assert isinstance(bart, BartSummarizer)
    (summary,) = bart.summarize([story])
    assert bart.generate_calls == 1
    assert summary.method == "bart"
    # The two leading facts alone give the same summary: the rest were left out.
    assert summary.text == bart.summarize([make_story("two", facts[:2], sources=tuple(seed_sentences()))])[0].text


def test_a_short_story_takes_one_generate_call(summarizer: BartSummarizer) -> None:
    story = make_story("short", FACT_TEXTS[:2])
    assert len(summarizer.chunks(story)) == 1
    before = summarizer.generate_calls
    summarizer.summarize([story])
    assert summarizer.generate_calls - before == 1


# ----------------------------------------------------------------------------- batching


def test_batched_and_one_by_one_give_the_same_summaries_in_order(tiny_model: Path, summarizer: BartSummarizer) -> None:
    sentences = seed_sentences()
    stories = [make_story(f"s{i}", sentences[2 * i : 2 * i + 1], sources=tuple(sentences)) for i in range(4)]
    one_by_one = make_summarizer("bart", settings_for(tiny_model, batch_size=1))
    assert isinstance(one_by_one, BartSummarizer)
    before = summarizer.generate_calls
    batched = summarizer.summarize(stories)
    assert summarizer.generate_calls - before == 1
    single = one_by_one.summarize(stories)
    assert one_by_one.generate_calls == 4
    assert [s.text for s in batched] == [s.text for s in single]
    assert len({s.text for s in batched}) > 1, "different stories should get different summaries"


def test_a_failing_batch_falls_back_for_its_stories_only(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bart = make_summarizer("bart", settings_for(tiny_model, batch_size=1))
    assert isinstance(bart, BartSummarizer)
    stories = [make_story("ok-1", FACT_TEXTS[:1]), make_story("bad", FACT_TEXTS[2:3]), make_story("ok-2", FACT_TEXTS[3:4])]
    poisoned = tuple(chunk_facts(FACT_TEXTS[2:3], bart.tokenizer, bart.chunk_tokens)[0].token_ids)
    real_generate = bart._model.generate

    def generate(input_ids, **kwargs):  # type: ignore[no-untyped-def]
        for row in input_ids.tolist():
            if tuple(row[1 : 1 + len(poisoned)]) == poisoned:
                raise RuntimeError("out of memory")
        return real_generate(input_ids=input_ids, **kwargs)

    monkeypatch.setattr(bart._model, "generate", generate)
    summaries = bart.summarize(stories)
    assert [s.method for s in summaries] == ["bart", "extractive", "bart"]
    assert summaries[1].note is not None and "RuntimeError: out of memory" in summaries[1].note
    assert summaries[1].text
    assert summaries[0].note is None and summaries[2].note is None


def test_quantized_model_on_cpu_still_summarizes(tiny_model: Path) -> None:
    bart = make_summarizer("bart", settings_for(tiny_model, quantize=True, device="cpu"))
    assert isinstance(bart, BartSummarizer)
    assert "DynamicQuantizedLinear" in repr(bart._model)
    (summary,) = bart.summarize([make_story("q", FACT_TEXTS[:2])])
    assert summary.method == "bart" and summary.text


# ----------------------------------------------------------------------------- guard


def test_guard_drops_a_sentence_with_an_invented_name() -> None:
    result = guard_text("Blinken met Lavrov in Bali. Vladimir Putin joined the talks.", SOURCES)
    assert result.kept == ("Blinken met Lavrov in Bali.",)
    assert result.dropped == ("Vladimir Putin joined the talks.",)


def test_guard_drops_a_sentence_with_an_invented_number() -> None:
    result = guard_text("The talks lasted 20 minutes. Lavrov said 3,000 tonnes of grain were stuck.", SOURCES)
    assert result.kept == ("The talks lasted 20 minutes.",)
    assert len(result.dropped) == 1


def test_guard_catches_a_mixed_up_full_name() -> None:
    index = SourceIndex.build(SOURCES)
    assert unsupported_terms("Sergei Blinken spoke for 20 minutes.", index) == ["Sergei Blinken"]
    assert unsupported_terms("Antony Blinken spoke with Sergei Lavrov.", index) == []


def test_guard_accepts_numbers_written_without_separators_and_common_openers() -> None:
    index = SourceIndex.build(SOURCES)
    assert unsupported_terms("Meanwhile 2000 tonnes of grain waited.", index) == []
    assert find_numbers("About 2,000 tonnes, 40% more, in 2022.") == ["2,000", "40", "2022"]
    assert find_names("The United States and Russia's Lavrov met.", index) == [("United", "States"), ("Russia",), ("Lavrov",)]


def test_all_sentences_dropped_falls_back_to_extractive_with_a_note(tiny_models: dict[str, Path]) -> None:
    bart = make_summarizer("bart", settings_for(tiny_models["capitalised"]))
    sources = ("the talks went on for a while and then ended without any result at all.",)
    story = make_story("names", ["the talks went on for a while and then ended without any result at all."], sources=sources)
    (summary,) = bart.summarize([story])
    assert summary.method == "extractive"
    assert summary.dropped_sentences >= 1
    assert summary.note is not None and "hallucination guard" in summary.note
    assert summary.text


# ----------------------------------------------------------------------------- CLI


def test_cli_run_with_a_bart_folder_writes_bart_summaries(tiny_model: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from summarize.cli import app

    out = tmp_path / "digest.json"
    config = tmp_path / "fast.toml"
    config.write_text("[bart]\nnum_beams = 1\nmin_new_tokens = 4\nmax_new_tokens = 8\n", "utf-8")
    result = CliRunner().invoke(app, ["run", str(SEEDS), "-o", str(out), "--config", str(config), "--summarizer", "bart", "--model", str(tiny_model)])
    assert result.exit_code == 0, result.output
    stories = json.loads(out.read_text("utf-8"))["stories"]
    assert stories and all(s["summary_method"] == "bart" and s["model"] == str(tiny_model) for s in stories)


def test_cli_bart_with_a_missing_model_exits_2(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from summarize.cli import app

    result = CliRunner().invoke(app, ["run", str(SEEDS), "-o", str(tmp_path / "d.json"), "--summarizer", "bart", "--model", str(tmp_path / "absent")])
    assert result.exit_code == 2
    assert "absent does not exist" in result.stderr
