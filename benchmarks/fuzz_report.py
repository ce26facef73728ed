"""How many bad inputs were tried against ingest, and whether any was lost.

Runs the fuzz suite's generators (tests/test_fuzz.py) outside pytest: N generated
folders of hostile entries (random bytes, truncated UTF-8, NUL and control characters,
right-to-left and zero-width text, huge lines, deep JSON, empty files, hostile HTML,
malformed records, symlink loops, FIFOs, unreadable files, odd file names). Each folder
is ingested and checked: every entry yields an article or a skipped record naming it,
the folder total equals the entries' totals, and the clusters.json written from it is
strict JSON, valid against the schema, relative and markup-free.

    python benchmarks/fuzz_report.py            # 2000 folders
    python benchmarks/fuzz_report.py -n 500 --seed-free   # random instead of derandomised
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
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
