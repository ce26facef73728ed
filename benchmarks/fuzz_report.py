"""How many bad inputs were tried against ingest, clusters.json and -o, and whether any was lost.

Runs the fuzz suite's generators (tests/test_fuzz.py) outside pytest, in three parts:

1. ingest: N generated folders of hostile entries (random bytes, truncated UTF-8, NUL and
   control characters, right-to-left and zero-width text, huge lines, deep JSON, empty
   files, hostile HTML, malformed records, symlink loops, links out of the folder, 400
   nested folders, FIFOs, unreadable files, odd file names). Each folder is ingested and
   checked: every entry yields an article or a skipped record naming it, the folder total
   equals the entries' totals, and the clusters.json written from it is strict JSON, valid
   against the schema, relative and markup-free.
2. clusters.json: M hand edits (renamed and unknown keys, skipped entries that are not
   objects, inputs skipped twice or also articles, copy pairs that cannot apply, 4,400-digit
   numbers, NaN, Infinity, lone surrogates, colliding ids, markup in titles). Each is read
   and summarized: a one-line contract error, or a digest that holds every article and
   skipped input once, with distinct story ids and no markup.
3. -o: every kind of output path (empty, a folder, a missing folder, an input, a path in an
   input folder, /dev/null, /dev/full, a FIFO, links) through the CLI's check and writer:
   refused before work, written, or one-line write error.

Any other exception is a traceback and is reported.

    python benchmarks/fuzz_report.py            # 2000 folders, 300 clusters.json edits
    python benchmarks/fuzz_report.py -n 500 --edits 200 --seed-free   # random instead of derandomised
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--examples", type=int, default=2000, help="generated folders to try (default 2000)")
    parser.add_argument("--edits", type=int, default=300, help="hand-edited clusters.json files to try (default 300)")
    parser.add_argument("--seed-free", action="store_true", help="random examples instead of the fixed, derandomised ones")
    args = parser.parse_args()

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from tests.test_fuzz import FUZZ, INGEST_SETTINGS, check_clusters_json, check_folder, entries, materialise, schema_validator

    per_category: collections.Counter[str] = collections.Counter()
    outcome = collections.Counter()
    failures: list[str] = []
    validator = schema_validator("clusters")

    options = dict(FUZZ, derandomize=not args.seed_free)

    @settings(max_examples=args.examples, **options)
    @given(items=entries(), ingest=INGEST_SETTINGS)
    def run(items, ingest) -> None:  # type: ignore[no-untyped-def]
        outcome["folders"] += 1
        for entry in items:
            per_category[entry.category] += 1
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "in put"
            root.mkdir()
            out = Path(tmp) / "out"
            out.mkdir()
            materialise(root, items)
            try:
                ingested, per_entry = check_folder(root, items, ingest)
                check_clusters_json(root, ingested, validator, out)
            except Exception as exc:  # report every failure; do not stop at the first
                failures.append(f"{type(exc).__name__}: {exc} :: {[(e.name, e.category) for e in items]}"[:400])
                return
            outcome["entries"] += len(items)
            outcome["articles"] += len(ingested.articles)
            outcome["skipped"] += len(ingested.skipped)
            outcome["balanced"] += 1

    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start

    total_entries = sum(per_category.values())
    print(f"fuzz report: {outcome['folders']} generated folders, {total_entries} bad inputs, {seconds:.1f} s")
    print(f"{'category':<24}{'inputs':>8}")
    for category, count in sorted(per_category.items()):
        print(f"{category:<24}{count:>8}")
    print(f"articles read: {outcome['articles']}; skipped with a reason: {outcome['skipped']}")
    lost = outcome["folders"] - outcome["balanced"]
    print(
        f"invariant (every input -> >=1 article or named skip; folder items = sum of entries' items; valid clusters.json): "
        f"{'held' if not failures else 'FAILED'} for {outcome['balanced']}/{outcome['folders']} folders; folders with an input lost: {lost}"
    )
    for failure in failures[:10]:
        print("  " + failure)

    edit_failures = report_clusters_edits(args.edits, options)
    output_failures = report_output_paths()
    tracebacks = len(failures) + len(edit_failures) + len(output_failures)
    print(f"overall: {'none lost, no traceback' if not tracebacks else f'{tracebacks} FAILED'}")
    return 1 if tracebacks else 0


def report_clusters_edits(examples: int, options: dict) -> list[str]:  # type: ignore[type-arg]
    """Part 2: hand-edited clusters.json files, read and summarized."""
    from hypothesis import given, settings

    from tests.test_fuzz import check_clusters_edit, clusters_edits

    per_mutation: collections.Counter[str] = collections.Counter()
    outcome: collections.Counter[str] = collections.Counter()
    failures: list[str] = []

    @settings(max_examples=examples, **options)
    @given(edit=clusters_edits())
    def run(edit) -> None:  # type: ignore[no-untyped-def]
        text, mutations = edit
        for mutation in mutations or ["none (a valid file)"]:
            per_mutation[mutation] += 1
        with tempfile.TemporaryDirectory() as tmp:
            try:
                outcome[check_clusters_edit(text, Path(tmp))] += 1
            except Exception as exc:
                failures.append(f"{type(exc).__name__}: {exc} :: {mutations}"[:400])

    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    print(f"\nclusters.json: {sum(outcome.values()) + len(failures)} hand edits, {seconds:.1f} s")
    print(f"{'edit':<24}{'files':>8}")
    for mutation, count in sorted(per_mutation.items()):
        print(f"{mutation:<24}{count:>8}")
    print(
        f"read whole (every article and skipped input once, distinct story ids): {outcome['read']}; "
        f"refused with a one-line contract error: {outcome['refused']}; lost or traceback: {len(failures)}"
    )
    for failure in failures[:10]:
        print("  " + failure)
    return failures


def report_output_paths() -> list[str]:
    """Part 3: every kind of -o through the CLI's check and the writer."""
    import os
    import threading

    from cluster.errors import OutputPathError, OutputWriteError
    from summarize.writer import check_output, write_text

    failures: list[str] = []
    outcome: collections.Counter[str] = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        inputs = base / "inputs"
        inputs.mkdir()
        (inputs / "a.txt").write_text("Headline\nBody.")
        (base / "folder").mkdir()
        (base / "old.json").write_text("old")
        os.symlink(base / "old.json", base / "link.json")
        os.symlink(base / "link.json", base / "link2.json")
        os.symlink(base / "made.json", base / "dangling.json")
        os.symlink("/dev/full", base / "link-to-full")
        os.mkfifo(base / "fifo")
        cases = [
            "", " ", str(base / "folder"), str(base / "folder") + "/", str(base / "missing" / "x.json"),
            str(base / "old.json" / "x.json"), "/proc/x.json", "/sys/x.json", str(inputs / "a.txt"),
            str(inputs / "digest.json"), str(inputs / ".digest.json"), "/dev/null", "/dev/full", str(base / "link-to-full"),
            str(base / "fifo"), str(base / "link.json"), str(base / "link2.json"), str(base / "dangling.json"),
            str(base / "new.json"), str(base / "new\nline.json"), str(base / "x\x1b[2J.json"), "-",
        ]
        for case in cases:
            reader = None
            if case.endswith("fifo"):
                reader = threading.Thread(target=lambda: Path(case).read_bytes(), daemon=True)
                reader.start()
            try:
                destination = check_output(case, [inputs])
                if destination.kind == "stdout":
                    outcome["written (stdout)"] += 1
                    continue
                write_text('{"schema": "x"}\n', destination)
                outcome[f"written ({destination.kind})"] += 1
            except OutputPathError as exc:
                outcome["refused before work (exit 2)"] += 1
                if "\n" in str(exc):
                    failures.append(f"{case!r}: message is not one line: {exc!r}")
            except OutputWriteError as exc:
                outcome["write error, one line (exit 1)"] += 1
                if "\n" in str(exc):
                    failures.append(f"{case!r}: message is not one line: {exc!r}")
            except Exception as exc:
                failures.append(f"{case!r}: {type(exc).__name__}: {exc}"[:300])
            finally:
                if reader is not None:
                    reader.join(10)
        leftovers = [p.name for p in base.rglob(".*.tmp")]
        if leftovers:
            failures.append(f"temporary files left: {leftovers}")
    print(f"\n-o: {len(cases)} output paths")
    for kind, count in sorted(outcome.items()):
        print(f"{kind:<36}{count:>4}")
    print(f"traceback or temporary file left: {len(failures)}")
    for failure in failures[:10]:
        print("  " + failure)
    return failures


if __name__ == "__main__":
    raise SystemExit(main())
