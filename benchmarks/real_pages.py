"""Dates and publisher names storyfold reads from real news pages.

usage: python benchmarks/real_pages.py PAGES_DIR [--list]

PAGES_DIR holds saved news pages (``.html``/``.htm``), for example the test pages of
trafilatura (``tests/cache``) and newspaper4k (``tests/data/html``); none ship with
storyfold. Every page is read as ``storyfold`` reads it (``load_articles``), and the script
prints:

* dates: how many pages carry a publication date in their metadata, and of those how
  many get ``published``. "Carries a date" is judged by this script on its own, not by
  the reader: a ``<meta>`` whose name, property or itemprop names a publication or
  creation date (``article:published_time``, ``datePublished``, ``date``, ``pubdate``,
  ``DC.date.issued``, ``sailthru.date``, ...), a JSON-LD ``datePublished``/``dateCreated``,
  or a ``<time datetime>``, holding a year from 1990 to 2039;
* publishers: every publisher name given to a page, grouped by the registrable domain of
  the page's URL (canonical link or ``og:url``), with the count of domains that got more
  than one name and of names that are a URL, a section label or a file id (each should be 0).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cluster.ingest import load_articles  # noqa: E402
from cluster.publishers import is_section_name, name_key, registrable_domain  # noqa: E402

_DATE_META = re.compile(
    r"<meta\b[^>]*(?:name|property|itemprop)\s*=\s*[\"']?(?:article:published_time|og:published_time|og:article:published_time|datePublished|dateCreated|date|pubdate|publishdate|publish-date|publication_date|parsely-pub-date|sailthru\.date|DC\.date\.issued|dc\.date\.issued|dcterms\.issued|dcterms\.created|DC\.date|dc\.date|article\.published|OriginalPublicationDate)[\"'\s][^>]*>",
    re.I,
)
_CONTENT_YEAR = re.compile(r"content\s*=\s*[\"'][^\"']*\b(199\d|20[0-3]\d)", re.I)
_LD_DATE = re.compile(r"\"(?:datePublished|dateCreated)\"\s*:\s*\"[^\"]*\b(199\d|20[0-3]\d)")
_TIME = re.compile(r"<time\b[^>]*\bdatetime\s*=\s*[\"'][^\"']*\b(199\d|20[0-3]\d)", re.I)
_URLISH = re.compile(r"://|^www\.|\.(?:com|org|net|de|fr|co\.uk|html?)\b", re.I)


def carries_date(html: str) -> bool:
    """True when the page's metadata names a publication date (see the module docstring)."""
    if _LD_DATE.search(html) or _TIME.search(html):
        return True
    return any(_CONTENT_YEAR.search(m.group(0)) for m in _DATE_META.finditer(html))


def previous_reading(html: str) -> bool:
    """Whether the reader storyfold had before this script (three metadata lookups, ISO
    8601 only downstream) found a date: the baseline."""
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(html)
    except Exception:  # noqa: BLE001
        return False
    for xpath in ("//meta[@property='article:published_time']/@content", "//meta[@name='date']/@content", "//time/@datetime"):
        for value in tree.xpath(xpath):
            if str(value).strip():
                return bool(re.match(r"\d{4}-\d{2}-\d{2}", str(value).strip()))
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", type=Path, help="folder of saved news pages (.html/.htm)")
    parser.add_argument("--list", action="store_true", help="print every page with its date and publisher")
    args = parser.parse_args()
    pages = sorted(p for p in args.pages.rglob("*") if p.suffix.lower() in (".html", ".htm"))
    if not pages:
        sys.exit(f"no .html/.htm pages under {args.pages}")

    start = time.perf_counter()
    ingested = load_articles([args.pages], processes=1)
    seconds = time.perf_counter() - start
    by_id = {a.id: a for a in ingested.articles}
    skipped = {s.input: s.reason for s in ingested.skipped}

    dated = got = before = 0
    missed: list[str] = []
    names: dict[str, set[str]] = defaultdict(set)
    bad_names: list[tuple[str, str]] = []
    unnamed = 0
    for page in pages:
        rel = page.relative_to(args.pages).as_posix()
        article_id = rel[: -len(page.suffix)]
        article = by_id.get(article_id)
        html = page.read_text("utf-8", errors="replace")
        has_date = carries_date(html)
        if has_date:
            dated += 1
            before += previous_reading(html)
            if article is not None and article.published:
                got += 1
            else:
                missed.append(rel)
        if article is None:
            if args.list:
                print(f"  {rel}: skipped ({skipped.get(rel, '?')})")
            continue
        if args.list:
            print(f"  {rel}: published {article.published!r} (metadata date: {has_date}); publisher {article.source!r}")
        if article.source is None:
            unnamed += 1
            continue
        domain = registrable_domain(article.url) if article.url else None
        names[domain or "(no url)"].add(article.source)
        if is_section_name(article.source) or article.source.casefold() in (article_id.casefold(), Path(article_id).name.casefold()):
            bad_names.append((rel, article.source))
        elif _URLISH.search(article.source) and registrable_domain(article.source) != article.source:
            bad_names.append((rel, article.source))  # a URL or host, not a registrable domain

    print(f"real pages: {len(pages)} read in {seconds:.1f} s ({len(ingested.articles)} articles, {len(ingested.skipped)} skipped)")
    print(f"dates: {dated} pages carry a date in their metadata; {got} of them get `published` ({got / max(dated, 1):.1%}); "
          f"the previous reader (three metadata lookups, ISO 8601 only): {before} ({before / max(dated, 1):.1%})")
    if missed:
        print("  without `published`: " + ", ".join(missed))
    multi = {d: sorted(n) for d, n in names.items() if len({name_key(x) for x in n}) > 1 and d != "(no url)"}
    print(f"publishers: {len(names)} registrable domains, {sum(len(n) for n in names.values())} names; "
          f"domains with more than one name: {len(multi)}; URL, section label or file id as a name: {len(bad_names)}; "
          f"pages with no publisher name: {unnamed}")
    for domain, found in sorted(multi.items()):
        print(f"  {domain}: {json.dumps(found, ensure_ascii=False)}")
    for rel, name in bad_names:
        print(f"  bad name {name!r} on {rel}")
    if args.list:
        for domain, found in sorted(names.items()):
            print(f"  {domain}: {json.dumps(sorted(found), ensure_ascii=False)}")


if __name__ == "__main__":
    main()
