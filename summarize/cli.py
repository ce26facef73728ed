"""The ``storyfold`` command line: a thin layer over the cluster and summarize APIs.

Exit codes: 0 done; 1 processing error; 2 usage, config or input path error.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer

from cluster.errors import StoryfoldError

EXIT_CODES = """\
Exit codes: 0 done; 1 processing error (a bad clusters.json, a failed invariant);
2 usage, config or input path error (a missing input, a broken --config, BART asked
for with no weights)."""

app = typer.Typer(
    name="storyfold",
    help=(
        "Group news articles into stories and write one neutral, consolidated summary per "
        "story, with facts that say how many independent sources report them.\n\n" + EXIT_CODES
    ),
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

InputsArg = Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively) of .txt, .md, .html, .json, .jsonl.", show_default=False)]
OutputOpt = Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the JSON here (atomically); default: stdout.")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", "-c", help="TOML settings file; see configs/default.toml.")]
CopyThresholdOpt = Annotated[Optional[float], typer.Option("--copy-threshold", help="Shingle Jaccard at or above which two articles are copies (copies.threshold).")]
EngineOpt = Annotated[Optional[str], typer.Option("--engine", help="Where clustering runs: local or ray (engine.name).")]
AddressOpt = Annotated[Optional[str], typer.Option("--address", help="Ray cluster address for --engine ray (engine.address).")]
ProcessesOpt = Annotated[Optional[int], typer.Option("--processes", help="Worker processes for ingest, signatures and stories; 0 = one per core (engine.processes).")]
SummarizerOpt = Annotated[Optional[str], typer.Option("--summarizer", help="auto (BART when weights load, else extractive), bart, or extractive (summary.summarizer).")]
ModelOpt = Annotated[Optional[str], typer.Option("--model", help="BART model id or local folder (bart.model).")]
DeviceOpt = Annotated[Optional[str], typer.Option("--device", help="auto, cpu or cuda (bart.device).")]
MaxWordsOpt = Annotated[Optional[int], typer.Option("--max-words", help="Summary length budget in words (summary.max_words).")]
TimestampOpt = Annotated[bool, typer.Option("--timestamp", help="Add generated_at to the digest (the output then differs between runs).")]
StoreOpt = Annotated[Optional[Path], typer.Option("--store", help="SQLite story store: add the new articles, join them to the stored stories of the last stories.max_days_apart days, keep story ids across runs, and write only new or changed stories.")]
AllStoriesOpt = Annotated[bool, typer.Option("--all-stories", help="With --store: write every live story, not only the new or changed ones.")]
NowOpt = Annotated[Optional[str], typer.Option("--now", help="With --store: the run's day, YYYY-MM-DD (default: the newest article date).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print only warnings and errors on stderr.")]


class _Console:
    """Messages and progress on stderr; progress bars only on a terminal."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()

    def info(self, message: str) -> None:
        if not self.quiet:
            typer.echo(f"storyfold: {message}", err=True)

    def warn(self, message: str) -> None:
        typer.echo(f"storyfold: warning: {message}", err=True)

    @contextlib.contextmanager
    def progress(self, total: int, label: str) -> Iterator[object]:
        if self.tty and not self.quiet and total > 1:
            with typer.progressbar(length=total, label=label, file=sys.stderr) as bar:
                yield bar.update
        else:
            yield lambda n=1: None


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """Turn storyfold's own errors into one line on stderr and their exit code."""
    try:
        yield
    except StoryfoldError as exc:
        typer.echo(f"storyfold: error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None


# Each option that overrides a setting: its flag and the [table] key it sets.
FLAGS: dict[str, tuple[str, str]] = {
    "copy_threshold": ("--copy-threshold", "copies.threshold"),
    "engine": ("--engine", "engine.name"),
    "address": ("--address", "engine.address"),
    "processes": ("--processes", "engine.processes"),
    "summarizer": ("--summarizer", "summary.summarizer"),
    "model": ("--model", "bart.model"),
    "device": ("--device", "bart.device"),
    "max_words": ("--max-words", "summary.max_words"),
}


def _settings(config: Path | None, **options: object):  # type: ignore[no-untyped-def]
    """The settings of ``config`` (or the defaults) with the given options applied.

    An invalid option value is a ConfigError that names the flag: ``--copy-threshold: 1.5
    must be ...``; one that breaks a rule with a key set elsewhere names both.
    """
    from cluster.errors import ConfigError

    from .settings import load_settings

    settings = load_settings(config)
    tables: dict[str, dict[str, tuple[str, object]]] = {}
    for option, value in options.items():
        if value is None:
            continue
        flag, target = FLAGS[option]
        table, key = target.split(".")
        tables.setdefault(table, {})[key] = (flag, value)
    for table, values in tables.items():
        try:
            updated = dataclasses.replace(getattr(settings, table), **{key: value for key, (_, value) in values.items()})
        except ConfigError as exc:
            if exc.key in values:
                flag = values[exc.key][0]
                message = str(exc).split(f"[{table}] {exc.key}: ", 1)[-1]
                raise ConfigError(f"{flag}: {message}", table=table, key=exc.key, value=exc.value) from None
            flags = ", ".join(f"{flag} {value}" for flag, value in values.values())
            source = f" and {config}" if config else ""
            raise ConfigError(f"{flags}{source}: {exc}", table=table, key=exc.key, value=exc.value) from None
        settings = dataclasses.replace(settings, **{table: updated})
    return settings


def _cluster(inputs: list[Path], settings, console: _Console):  # type: ignore[no-untyped-def]
    from cluster.ingest import load_articles
    from cluster.pipeline import cluster_articles

    ingested = load_articles(inputs, settings.ingest, warn=console.warn, processes=settings.cluster.engine.processes)
    console.info(f"read {len(ingested.articles)} articles ({len(ingested.skipped)} inputs skipped)")
    result = cluster_articles(ingested.articles, settings.cluster, skipped=ingested.skipped, progress=console.info)
    console.info(f"{len(result.clusters)} {'story' if len(result.clusters) == 1 else 'stories'}")
    return result


def _summarize(clustering, settings, console: _Console, timestamp: bool):  # type: ignore[no-untyped-def]
    from .digest import digest_to_dict, summarize_clustering
    from .generation import make_summarizer

    summarizer = make_summarizer(settings.summary.summarizer, settings, stderr=sys.stderr)
    with console.progress(len(clustering.clusters), "facts") as update:
        digest = summarize_clustering(clustering, settings, summarizer, progress=update)  # type: ignore[arg-type]
    generated_at = datetime.now(timezone.utc).isoformat(timespec="seconds") if timestamp else None
    console.info(f"{len(digest.stories)} {'story' if len(digest.stories) == 1 else 'stories'} summarized ({summarizer.method})")
    return digest_to_dict(digest, generated_at=generated_at)


def _run_with_store(inputs: list[Path], store: Path, settings, console: _Console, timestamp: bool, now: str | None, all_stories: bool):  # type: ignore[no-untyped-def]
    from cluster.ingest import load_articles

    from .daily import run_with_store
    from .generation import make_summarizer

    ingested = load_articles(inputs, settings.ingest, warn=console.warn, processes=settings.cluster.engine.processes)
    console.info(f"read {len(ingested.articles)} articles ({len(ingested.skipped)} inputs skipped)")
    summarizer = make_summarizer(settings.summary.summarizer, settings, stderr=sys.stderr)
    generated_at = datetime.now(timezone.utc).isoformat(timespec="seconds") if timestamp else None
    data = run_with_store(
        store, ingested.articles, settings, summarizer, skipped=ingested.skipped, now=now,
        all_stories=all_stories, generated_at=generated_at, progress=console.info,
    )
    console.info(f"{len(data['stories'])} {'story' if len(data['stories']) == 1 else 'stories'} written ({summarizer.method})")
    return data


@app.command("cluster", epilog=EXIT_CODES)
def cluster_command(
    inputs: InputsArg,
    output: OutputOpt = None,
    config: ConfigOpt = None,
    copy_threshold: CopyThresholdOpt = None,
    engine: EngineOpt = None,
    address: AddressOpt = None,
    processes: ProcessesOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Group articles into stories and write clusters.json (schema storyfold.clusters/1)."""
    from .output import clustering_to_dict, write_json

    console = _Console(quiet)
    with _errors():
        settings = _settings(config, copy_threshold=copy_threshold, engine=engine, address=address, processes=processes)
        result = _cluster(inputs, settings, console)
        write_json(clustering_to_dict(result), output)


@app.command("summarize", epilog=EXIT_CODES)
def summarize_command(
    clusters: Annotated[Path, typer.Argument(help="A clusters.json written by `storyfold cluster` (or edited by hand).", show_default=False)],
    output: OutputOpt = None,
    config: ConfigOpt = None,
    summarizer: SummarizerOpt = None,
    model: ModelOpt = None,
    device: DeviceOpt = None,
    max_words: MaxWordsOpt = None,
    timestamp: TimestampOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Write digest.json (schema storyfold.digest/2) from a clusters.json."""
    from .output import read_clustering, write_json

    console = _Console(quiet)
    with _errors():
        settings = _settings(config, summarizer=summarizer, model=model, device=device, max_words=max_words)
        clustering = read_clustering(clusters, warn=console.warn)
        write_json(_summarize(clustering, settings, console, timestamp), output)


@app.command("run", epilog=EXIT_CODES)
def run_command(
    inputs: InputsArg,
    output: OutputOpt = None,
    config: ConfigOpt = None,
    copy_threshold: CopyThresholdOpt = None,
    engine: EngineOpt = None,
    address: AddressOpt = None,
    processes: ProcessesOpt = None,
    summarizer: SummarizerOpt = None,
    model: ModelOpt = None,
    device: DeviceOpt = None,
    max_words: MaxWordsOpt = None,
    timestamp: TimestampOpt = False,
    store: StoreOpt = None,
    all_stories: AllStoriesOpt = False,
    now: NowOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Cluster and summarize in one go: INPUT... to digest.json."""
    from .output import write_json

    console = _Console(quiet)
    with _errors():
        settings = _settings(
            config,
            copy_threshold=copy_threshold,
            engine=engine,
            address=address,
            processes=processes,
            summarizer=summarizer,
            model=model,
            device=device,
            max_words=max_words,
        )
        if store is not None:
            write_json(_run_with_store(inputs, store, settings, console, timestamp, now, all_stories), output)
            return
        if all_stories or now is not None:
            from cluster.errors import ConfigError

            raise ConfigError("--all-stories and --now need --store")
        clustering = _cluster(inputs, settings, console)
        write_json(_summarize(clustering, settings, console, timestamp), output)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
