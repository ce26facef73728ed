"""The ``storyfold`` command line: a thin layer over the cluster and summarize APIs.

Exit codes: 0 done; 1 processing error or failed write; 2 usage, config or path error
(before any work); 130 interrupted.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Iterator, Optional

import typer
from typer.core import TyperCommand

from cluster.errors import StoryfoldError

EXIT_CODES = """\
Exit codes: 0 done; 1 processing error (a bad clusters.json, a failed invariant, a
template that fails while rendering, a failed write); 2 usage, config or path error,
before any work (a missing input, a broken --config or --template, a refused -o or a
closed stdout, BART asked for with no weights); 130 interrupted."""

CONFIG_HELP = """\
Settings come from one TOML file, the first found of: --config FILE; ./storyfold.toml;
the user's file ($XDG_CONFIG_HOME/storyfold/config.toml, by default
~/.config/storyfold/config.toml). Options override the file, and keys it leaves out keep
their defaults. `storyfold config` prints the settings in effect, documented."""


class _Command(TyperCommand):
    """Help that reads as words: ``INPUT...`` in the usage line, arguments without type tags."""

    @staticmethod
    def _argument_name(param: Any) -> str:
        name = param.metavar or (param.name or "").upper()
        return name + ("..." if param.nargs != 1 else "")

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = self._argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                arguments.append((self._argument_name(param), getattr(param, "help", None) or ""))
            else:
                options.append(record)
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


app = typer.Typer(
    name="storyfold",
    help=(
        "Group news articles into stories and write one neutral, consolidated summary per "
        "story, with facts that say how many independent sources report them.\n\n" + CONFIG_HELP
    ),
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from .output import package_version

        typer.echo(f"storyfold {package_version()}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        Optional[bool], typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = None,
) -> None:
    """Group news articles into stories and write one neutral, consolidated summary per story."""


InputsArg = Annotated[
    list[Path],
    typer.Argument(
        metavar="INPUT",
        help="Files or folders (searched recursively) of .txt, .md, .html, .json, .jsonl; - reads JSONL from stdin.",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Optional[str],
    typer.Option("--output", "-o", metavar="FILE", help="Write here (atomically; a FIFO or a device such as /dev/null directly); - or default: stdout."),
]
ConfigOpt = Annotated[
    Optional[Path], typer.Option("--config", "-c", metavar="FILE", help="TOML settings file (wins over ./storyfold.toml and the user's file).")
]
CopyThresholdOpt = Annotated[Optional[float], typer.Option("--copy-threshold", metavar="J", help="Shingle Jaccard at or above which two articles are copies (copies.threshold).")]
EngineOpt = Annotated[Optional[str], typer.Option("--engine", metavar="NAME", help="Where the stages run: local or ray (engine.name).")]
AddressOpt = Annotated[Optional[str], typer.Option("--address", metavar="HOST:PORT", help="Ray cluster address for --engine ray (engine.address).")]
ProcessesOpt = Annotated[Optional[int], typer.Option("--processes", metavar="N", help="Worker processes for ingest, signatures, stories and facts; 0 = one per core (engine.processes).")]
SummarizerOpt = Annotated[Optional[str], typer.Option("--summarizer", metavar="NAME", help="auto (BART when weights load, else extractive), bart, or extractive (summary.summarizer).")]
ModelOpt = Annotated[Optional[str], typer.Option("--model", metavar="NAME", help="BART model id or local folder (bart.model).")]
DeviceOpt = Annotated[Optional[str], typer.Option("--device", metavar="DEVICE", help="auto, cpu or cuda (bart.device).")]
MaxWordsOpt = Annotated[
    Optional[int],
    typer.Option(
        "--max-words",
        metavar="N",
        help="Summary length budget in words, 5 to 10000 (summary.max_words); below summary.min_words it lowers min_words to N too.",
    ),
]
FactsOpt = Annotated[
    Optional[str],
    typer.Option(
        "--facts",
        metavar="N|all",
        help="Single-source facts listed per story: a number, or 'all' (facts.max_single_source; multi-source facts are always listed).",
    ),
]
TimestampOpt = Annotated[bool, typer.Option("--timestamp", help="Add generated_at to the digest (the output then differs between runs).")]
StoreOpt = Annotated[Optional[Path], typer.Option("--store", metavar="FILE", help="SQLite story store: add the new articles, join them to the stored stories of the last stories.max_days_apart days, keep story ids across runs, and write only new or changed stories.")]
AllStoriesOpt = Annotated[bool, typer.Option("--all-stories", help="With --store: write every live story, not only the new or changed ones.")]
NowOpt = Annotated[Optional[str], typer.Option("--now", metavar="DAY", help="With --store: the run's day, YYYY-MM-DD (default: the newest article date).")]
FormatOpt = Annotated[
    Optional[str],
    typer.Option("--format", "-f", metavar="FORMAT", autocompletion=lambda: ["json", "html", "md"], help="json (the digest), html or md (a newsletter issue); default: from the -o suffix (.html, .md), else json."),
]
IssueFormatOpt = Annotated[
    Optional[str], typer.Option("--format", "-f", metavar="FORMAT", autocompletion=lambda: ["html", "md"], help="html or md; default: from the -o suffix, else html.")
]
TemplateOpt = Annotated[
    Optional[Path],
    typer.Option(
        "--template",
        metavar="FILE",
        help="A Jinja2 template to use instead of the built-in one (it may extend newsletter.html.j2 or newsletter.md.j2); checked before any work; only for html or md output.",
    ),
]
TitleOpt = Annotated[Optional[str], typer.Option("--title", metavar="TEXT", help="The issue's heading (default: The day's stories).")]
MaxFactsOpt = Annotated[int, typer.Option("--max-facts", metavar="N", help="Facts shown per story, most sources first; 0 shows all.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print only warnings and errors on stderr.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Also print details (the settings file read, timings, why BART is not used).")]
RenderVerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Also print details (the digest read: its schema and story count).")]
ConfigVerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Also print details (the settings file read).")]


class _Console:
    """Messages and progress on stderr; progress bars only on a terminal.

    ``quiet``: warnings and errors only. ``verbose``: details as well.
    """

    def __init__(self, quiet: bool, verbose: bool = False) -> None:
        if quiet and verbose:
            raise typer.BadParameter("choose one of --quiet and --verbose")
        self.quiet = quiet
        self.verbose = verbose
        self.tty = sys.stderr is not None and sys.stderr.isatty()  # None: stderr closed (2>&-)
        self.started = time.perf_counter()

    def info(self, message: str) -> None:
        if not self.quiet:
            typer.echo(f"storyfold: {message}", err=True)

    def detail(self, message: str) -> None:
        if self.verbose:
            typer.echo(f"storyfold: {message}", err=True)

    def warn(self, message: str) -> None:
        typer.echo(f"storyfold: warning: {message}", err=True)

    def notice(self, message: str, reason: str) -> None:
        """A notice with a reason shown only under --verbose."""
        self.info(message if self.verbose else f"{message} (-v says why)")
        self.detail(f"  because: {reason}")

    def closing(self, output: Path | None, data: Any) -> None:
        """The last line: what was written where, with counts and seconds."""
        target = "stdout" if output is None or str(output) == "-" else str(output)
        seconds = time.perf_counter() - self.started
        if isinstance(data, dict):
            stats = data.get("stats", {})
            count = stats.get("stories", len(data.get("stories", data.get("clusters", []))))
            unit = "story" if count == 1 else "stories"
            articles = stats.get("articles", 0)
            self.info(f"wrote {target}: {count} {unit} from {plural(articles, 'article')}, {stats.get('skipped', 0)} skipped, {seconds:.1f} s")
        else:
            self.info(f"wrote {target}: {data}, {seconds:.1f} s")

    @contextlib.contextmanager
    def progress(self, total: int, label: str) -> Iterator[object]:
        if self.tty and not self.quiet and total > 1:
            with typer.progressbar(length=total, label=label, file=sys.stderr) as bar:
                yield bar.update
        else:
            yield lambda n=1: None


def plural(count: int, word: str) -> str:
    """``1 article``, ``2 articles``, ``0 articles``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """Turn storyfold's own errors into one line on stderr and their exit code."""
    try:
        yield
    except StoryfoldError as exc:
        typer.echo(f"storyfold: error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:  # Ctrl-C: no traceback; temporary files are removed on the way out
        typer.echo(("\n" if sys.stderr is not None and sys.stderr.isatty() else "") + "storyfold: interrupted", err=True)
        raise typer.Exit(130) from None


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
    "facts": ("--facts", "facts.max_single_source"),
}


def _settings(config: Path | None, console: "_Console | None" = None, **options: object):  # type: ignore[no-untyped-def]
    """The settings of ``config`` (else the settings file found, else the defaults) with the given options applied.

    An invalid option value is a ConfigError that names the flag: ``--copy-threshold: 1.5
    must be ...``; one that breaks a rule with a key set elsewhere names both.
    """
    from cluster.errors import ConfigError

    from .config_files import find_config
    from .settings import load_settings

    source = find_config(config)
    if console is not None:
        console.detail(f"settings: {source.describe()}")
    settings = load_settings(source.path)
    tables: dict[str, dict[str, tuple[str, object]]] = {}
    for option, value in options.items():
        if value is None:
            continue
        flag, target = FLAGS[option]
        if isinstance(value, str):
            _check_text(flag, value)
        table, key = target.split(".")
        tables.setdefault(table, {})[key] = (flag, value)
    summary = tables.get("summary", {})
    if "max_words" in summary and isinstance(summary["max_words"][1], int) and summary["max_words"][1] < settings.summary.min_words:
        # --max-words N below min_words asks for shorter summaries: the floor follows the budget down
        summary["min_words"] = ("--max-words", summary["max_words"][1])
        if console is not None:
            console.detail(f"--max-words {summary['max_words'][1]} is below summary.min_words ({settings.summary.min_words}): min_words is lowered to it")
    for table, values in tables.items():
        try:
            updated = dataclasses.replace(getattr(settings, table), **{key: value for key, (_, value) in values.items()})
        except ConfigError as exc:
            if exc.key in values:
                flag = values[exc.key][0]
                message = str(exc).split(f"[{table}] {exc.key}: ", 1)[-1]
                raise ConfigError(f"{flag}: {message}", table=table, key=exc.key, value=exc.value) from None
            flags = ", ".join(f"{flag} {value}" for flag, value in values.values())
            where = f" and {source.path}" if source.path is not None else ""
            raise ConfigError(f"{flags}{where}: {exc}", table=table, key=exc.key, value=exc.value) from None
        settings = dataclasses.replace(settings, **{table: updated})
    return settings


def _check_text(flag: str, value: str | None) -> None:
    """A text option must be UTF-8: bytes the terminal's encoding could not decode (kept by
    Python as surrogates) would make the output unwritable. Exit 2, before any work."""
    if value is None:
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        from cluster.errors import ConfigError

        shown = os.fsencode(value).decode("utf-8", "backslashreplace")
        raise ConfigError(f"{flag}: '{shown}' is not valid UTF-8 text; give it in UTF-8") from None


def _facts_limit(value: str | None) -> int | None:
    """``--facts``: ``all`` is -1 (every fact), a number is itself; anything else is a usage error."""
    if value is None:
        return None
    if value.strip().lower() == "all":
        return -1
    if value.strip().isdigit():
        return int(value)
    raise typer.BadParameter(f"{value!r} is not a number or 'all'", param_hint="--facts")


@contextlib.contextmanager
def _stdin_inputs(inputs: list[Path]) -> Iterator[list[Path]]:
    """Inputs with ``-`` replaced by a file holding stdin, read as JSONL named ``stdin.jsonl``."""
    if not any(str(path) == "-" for path in inputs):
        yield inputs
        return
    if sum(str(path) == "-" for path in inputs) > 1:
        raise typer.BadParameter("- (stdin) can be given only once", param_hint="INPUT")
    if sys.stdin is None:
        from cluster.errors import InputPathError

        raise InputPathError("input - reads stdin, but stdin is closed; give a file instead, or pipe JSONL into it")
    with tempfile.TemporaryDirectory(prefix="storyfold-stdin-") as folder:
        spooled = Path(folder) / "stdin.jsonl"
        try:
            with spooled.open("wb") as handle:
                shutil.copyfileobj(sys.stdin.buffer, handle)
        except OSError as exc:  # stdin is a folder (< /), or no room for its copy
            from cluster.errors import InputPathError

            raise InputPathError(f"input - (stdin) cannot be read: {exc.strerror or exc}") from None
        yield [spooled if str(path) == "-" else path for path in inputs]


def _cluster(inputs: list[Path], settings, console: _Console):  # type: ignore[no-untyped-def]
    from cluster.ingest import load_articles
    from cluster.pipeline import cluster_articles

    started = time.perf_counter()
    with _stdin_inputs(inputs) as paths:
        ingested = load_articles(paths, settings.ingest, warn=console.warn, processes=settings.cluster.engine.processes)
    console.info(f"read {plural(len(ingested.articles), 'article')} ({plural(len(ingested.skipped), 'input')} skipped)")
    _warn_if_no_articles(len(ingested.articles), len(ingested.skipped), console)
    console.detail(f"ingest took {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    result = cluster_articles(ingested.articles, settings.cluster, skipped=ingested.skipped, progress=console.info)
    console.info(f"{len(result.clusters)} {'story' if len(result.clusters) == 1 else 'stories'}")
    console.detail(f"copies and stories took {time.perf_counter() - started:.1f} s")
    return result


def _warn_if_no_articles(articles: int, skipped: int, console: _Console) -> None:
    """No articles is not an error (exit 0, an empty digest), but it is never silent."""
    if articles == 0:
        inputs = (
            ("the 1 input was skipped" if skipped == 1 else f"all {skipped} inputs were skipped") + " (listed in 'skipped')"
            if skipped
            else "the inputs hold no files to read"
        )
        console.warn(f"no articles: {inputs}; the output has no stories")


def _summarize_and_write(clustering, settings, console: _Console, timestamp: bool, destination, fmt: str, template: Path | None = None) -> None:  # type: ignore[no-untyped-def]
    """The digest of ``clustering`` written to ``destination``: as JSON, streamed one story
    at a time (:func:`summarize.output.write_digest`); as an issue, rendered whole."""
    from .digest import summarize_clustering, summarize_stories
    from .generation import make_summarizer
    from .output import digest_to_dict, encode_story, write_digest

    started = time.perf_counter()
    summarizer = make_summarizer(settings.summary.summarizer, settings, notice=console.notice)
    generated_at = datetime.now(timezone.utc).isoformat(timespec="seconds") if timestamp else None
    with console.progress(len(clustering.clusters), "facts") as update:
        if fmt == "json":
            stories = summarize_stories(clustering, settings, summarizer, progress=update, encode=encode_story)  # type: ignore[arg-type]
            data = write_digest(stories, clustering, settings, destination, generated_at=generated_at)
        else:
            digest = summarize_clustering(clustering, settings, summarizer, progress=update)  # type: ignore[arg-type]
            data = digest_to_dict(digest, generated_at=generated_at)
    count = data["stats"]["stories"]
    console.info(f"{count} {'story' if count == 1 else 'stories'} summarized ({summarizer.method})")
    console.detail(f"facts and summaries took {time.perf_counter() - started:.1f} s")
    if fmt == "json":
        console.closing(destination, data)
    else:
        _write(data, destination, fmt, console, template)


def _run_with_store(inputs: list[Path], store: Path, settings, console: _Console, timestamp: bool, now: str | None, all_stories: bool):  # type: ignore[no-untyped-def]
    from cluster.ingest import load_articles

    from .daily import run_with_store
    from .generation import make_summarizer

    with _stdin_inputs(inputs) as paths:
        ingested = load_articles(paths, settings.ingest, warn=console.warn, processes=settings.cluster.engine.processes)
    console.info(f"read {plural(len(ingested.articles), 'article')} ({plural(len(ingested.skipped), 'input')} skipped)")
    _warn_if_no_articles(len(ingested.articles), len(ingested.skipped), console)
    summarizer = make_summarizer(settings.summary.summarizer, settings, notice=console.notice)
    generated_at = datetime.now(timezone.utc).isoformat(timespec="seconds") if timestamp else None
    data = run_with_store(
        store, ingested.articles, settings, summarizer, skipped=ingested.skipped, now=now,
        all_stories=all_stories, generated_at=generated_at, progress=console.info,
    )
    console.info(f"{len(data['stories'])} {'story' if len(data['stories']) == 1 else 'stories'} written ({summarizer.method})")
    return data


def _check_template(template: Path | None, fmt: str) -> None:
    """Refuse ``--template`` for JSON output, and load and compile it for html or md, before any work (exit 2)."""
    if template is None:
        return
    if fmt == "json":
        from cluster.errors import ConfigError

        raise ConfigError(
            f"--template {template}: a template only applies to --format html|md, and this output is JSON; "
            "add --format html or --format md (or give -o a name ending in .html or .md), or drop --template"
        )
    from .render import check_template

    check_template(template, fmt)


def _check_now(now: str | None) -> None:
    """``--now``: a YYYY-MM-DD day, checked before any work (exit 2)."""
    if now is None:
        return
    from cluster.errors import ConfigError

    from .daily import parse_day

    try:
        parse_day(now)
    except ConfigError:
        raise ConfigError(f"--now: {now!r} is not a date; give it as YYYY-MM-DD") from None


def _issue_format(fmt: str | None, output: Path | None, default: str) -> str:
    from .render import FORMATS, format_for_path

    chosen = fmt or format_for_path(output) or default
    allowed = ("json", *FORMATS) if default == "json" else FORMATS
    if chosen not in allowed:
        raise typer.BadParameter(f"{chosen!r} is not one of {', '.join(allowed)}", param_hint="--format")
    return chosen


def _write(data: dict[str, Any], output: Path | None, fmt: str, console: _Console, template: Path | None = None) -> None:
    """Write the digest as JSON, or rendered as an issue, then the closing line."""
    from .output import write_json

    if fmt == "json":
        write_json(data, output)
        console.closing(output, data)
        return
    from .render import render_digest

    write_json(render_digest(data, fmt, template=template), output)
    console.closing(output, data)


@app.command("cluster", cls=_Command, epilog=EXIT_CODES)
def cluster_command(
    inputs: InputsArg,
    output: OutputOpt = None,
    config: ConfigOpt = None,
    copy_threshold: CopyThresholdOpt = None,
    engine: EngineOpt = None,
    address: AddressOpt = None,
    processes: ProcessesOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Group articles into stories and write clusters.json (schema storyfold.clusters/1)."""
    from .output import clustering_to_dict, write_json

    from .writer import check_output

    console = _Console(quiet, verbose)
    with _errors():
        destination = check_output(output, [*inputs, config])
        settings = _settings(config, console, copy_threshold=copy_threshold, engine=engine, address=address, processes=processes)
        result = _cluster(inputs, settings, console)
        data = clustering_to_dict(result)
        write_json(data, destination)
        console.closing(output, data)


@app.command("summarize", cls=_Command, epilog=EXIT_CODES)
def summarize_command(
    clusters: Annotated[Path, typer.Argument(metavar="CLUSTERS_JSON", help="A clusters.json written by `storyfold cluster` (or edited by hand).", show_default=False)],
    output: OutputOpt = None,
    config: ConfigOpt = None,
    summarizer: SummarizerOpt = None,
    model: ModelOpt = None,
    device: DeviceOpt = None,
    max_words: MaxWordsOpt = None,
    facts: FactsOpt = None,
    timestamp: TimestampOpt = False,
    fmt: FormatOpt = None,
    template: TemplateOpt = None,
    engine: EngineOpt = None,
    address: AddressOpt = None,
    processes: ProcessesOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Write digest.json (schema storyfold.digest/2) from a clusters.json (or, with --format, a newsletter issue)."""
    from .output import read_clustering
    from .writer import check_output

    console = _Console(quiet, verbose)
    chosen = _issue_format(fmt, output, "json")
    with _errors():
        destination = check_output(output, [clusters, config, template])
        settings = _settings(
            config, console, summarizer=summarizer, model=model, device=device, max_words=max_words,
            facts=_facts_limit(facts), engine=engine, address=address, processes=processes,
        )
        _check_template(template, chosen)
        clustering = read_clustering(clusters, warn=console.warn)
        _warn_if_no_articles(len(clustering.articles), len(clustering.skipped), console)
        _summarize_and_write(clustering, settings, console, timestamp, destination, chosen, template)


@app.command("run", cls=_Command, epilog=EXIT_CODES)
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
    facts: FactsOpt = None,
    timestamp: TimestampOpt = False,
    store: StoreOpt = None,
    all_stories: AllStoriesOpt = False,
    now: NowOpt = None,
    fmt: FormatOpt = None,
    template: TemplateOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Cluster and summarize in one go: INPUT... to digest.json (or, with --format, a newsletter issue)."""
    from .writer import check_output

    console = _Console(quiet, verbose)
    chosen = _issue_format(fmt, output, "json")
    with _errors():
        destination = check_output(output, [*inputs, config, store, template])
        settings = _settings(
            config,
            console,
            copy_threshold=copy_threshold,
            engine=engine,
            address=address,
            processes=processes,
            summarizer=summarizer,
            model=model,
            device=device,
            max_words=max_words,
            facts=_facts_limit(facts),
        )
        _check_template(template, chosen)
        _check_now(now)
        if store is not None:
            _write(_run_with_store(inputs, store, settings, console, timestamp, now, all_stories), destination, chosen, console, template)
            return
        if all_stories or now is not None:
            from cluster.errors import ConfigError

            raise ConfigError("--all-stories and --now need --store")
        clustering = _cluster(inputs, settings, console)
        _summarize_and_write(clustering, settings, console, timestamp, destination, chosen, template)


@app.command("render", cls=_Command, epilog=EXIT_CODES)
def render_command(
    digest: Annotated[Path, typer.Argument(metavar="DIGEST_JSON", help="A digest.json written by `storyfold run` or `summarize`; - reads it from stdin.", show_default=False)],
    output: OutputOpt = None,
    fmt: IssueFormatOpt = None,
    template: TemplateOpt = None,
    title: TitleOpt = None,
    max_facts: MaxFactsOpt = 5,
    quiet: QuietOpt = False,
    verbose: RenderVerboseOpt = False,
) -> None:
    """Render a digest as a newsletter issue: one self-contained HTML file, or Markdown."""
    from .output import write_json
    from .render import read_digest, render_digest

    console = _Console(quiet, verbose)
    chosen = _issue_format(fmt, output, "html")
    if max_facts < 0:
        raise typer.BadParameter("must be 0 (all) or more", param_hint="--max-facts")
    from .writer import check_output

    with _errors():
        destination = check_output(output, [digest, template])
        _check_text("--title", title)
        _check_template(template, chosen)
        data = read_digest(digest)
        console.detail(f"digest {digest}: schema {data.get('schema')}, {len(data['stories'])} stories")
        text = render_digest(data, chosen, template=template, title=title, max_facts=max_facts or None)
        write_json(text, destination)
        count = len(data["stories"])
        console.closing(output, f"{count} {'story' if count == 1 else 'stories'} as {chosen.upper() if chosen == 'html' else 'Markdown'}")


@app.command("config", cls=_Command, epilog=EXIT_CODES)
def config_command(
    config: ConfigOpt = None,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
    verbose: ConfigVerboseOpt = False,
) -> None:
    """Print the settings in effect as documented TOML (the defaults when no settings file is found).

    The output is a complete settings file: save it as storyfold.toml and edit it.
    """
    from .config_files import find_config, settings_toml
    from .output import write_json

    from .writer import check_output

    console = _Console(quiet, verbose)
    with _errors():
        destination = check_output(output, [config])
        source = find_config(config)
        settings = _settings(config, console)
        text = settings_toml(settings, header=f"# Settings in effect: {source.describe()}.\n#")
        write_json(text, destination)
        if output is not None and str(output) != "-":
            console.closing(output, "settings")


def _reserve_standard_streams() -> None:
    """Point a standard descriptor (0, 1, 2) that was closed at start-up (``>&-``) at
    /dev/null, so that no file the run opens gets its number (a later write to "stderr"
    would land in it). ``sys.stdout`` and the others stay None: a command that needs
    stdout or stdin says that it is closed."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def main() -> None:
    """Console-script entry point."""
    _reserve_standard_streams()
    app()


if __name__ == "__main__":
    main()
