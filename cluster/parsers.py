"""Per-format parsers: the text of one file (or one JSONL line) in, records out.

Plain functions with no state: :func:`parse_plain` (.txt), :func:`parse_markdown` (.md),
:func:`parse_html` (.html, .htm) and :func:`parse_json` (.json) each take a file's decoded
text and return one record (a ``dict``) or, for a JSON list, the list of its items;
:func:`parse_json_line` reads one JSONL line. :func:`decode_bytes`
(:mod:`cluster.charsets`) turns a file's bytes into text first. A parser that finds nothing to read raises
:class:`~cluster.records.SkipInput` with the reason. Records become articles in
:func:`cluster.records.record_to_article`.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from .charsets import decode_bytes, utf8_lines
from .markdown import markdown_blocks, split_front_matter
from .markup import PlainText
from .records import SkipInput
from .text import STOP_WORDS, word_tokens

__all__ = ["decode_bytes", "utf8_lines", "parse_plain", "parse_markdown", "parse_html", "parse_json", "parse_json_line"]

Warn = Callable[[str], None]

_HEADLINE_WORDS = 20
_SENTENCE_END = tuple(".!:;,\"”")


def parse_plain(text: str) -> dict[str, Any]:
    """A plain-text file: its headline line (see :func:`_headline_index`) is the title, the lines after it the text.

    Both are :class:`~cluster.markup.PlainText`: no tags are stripped from them unless the
    file holds HTML (:func:`cluster.markup.holds_markup`), so "A<B and C>D" stays.

    Raises:
        SkipInput: the file has no non-blank line.

    Example:
        >>> parse_plain("Storm floods Metropolis\\n\\nA storm flooded Metropolis today.")
        {'title': 'Storm floods Metropolis', 'text': '\\nA storm flooded Metropolis today.'}
    """
    record = _plain_record(text, markdown=False)
    return {key: PlainText(value) if isinstance(value, str) else value for key, value in record.items()}


def parse_markdown(text: str, *, where: str | None = None, warn: Warn | None = None) -> dict[str, Any]:
    """A Markdown file: its front matter's fields, a title and the text as plain text.

    YAML (``---``) or TOML (``+++``) front matter (:func:`cluster.markdown.split_front_matter`)
    gives the record's fields (``title``, ``date`` and any other, read as a JSON record's);
    it is never part of the text. A front matter that does not parse is cut from the text
    with a line to ``warn`` naming ``where``. The rest is rendered to plain text
    (:func:`cluster.markdown.markdown_blocks`: no emphasis, code, heading or table marks).
    The title is the front matter's; else the first heading, when it opens the document,
    or the first level-1 heading (short unpunctuated lines above it, a site's name, are
    dropped); else the first line, as in :func:`parse_plain`. A heading taken as the title,
    or repeating the front matter's, is not kept in the text.

    Raises:
        SkipInput: nothing but front matter, or no text at all.

    Example:
        >>> record = parse_markdown("---\\ntitle: Bridge approved\\ndate: 2024-03-05\\n---\\n# Bridge approved\\n\\nThe council **voted** on Monday.")
        >>> record["title"], record["date"], record["text"]
        ('Bridge approved', '2024-03-05', 'The council voted on Monday.')
        >>> parse_markdown("# Storm floods Metropolis\\nA storm flooded Metropolis today.")["title"]
        'Storm floods Metropolis'
    """
    fields, body, problem = split_front_matter(text)
    if problem and warn:
        warn(f"{where or 'Markdown file'}: {problem}; it is left out of the text")
    blocks = markdown_blocks(body)
    if not blocks:
        raise SkipInput("empty file" if not fields and not problem else "no text after the front matter")
    titled = any(key in fields for key in _FRONT_MATTER_TITLES)
    own = next((fields[key] for key in _FRONT_MATTER_TITLES if isinstance(fields.get(key), str) and fields[key].strip()), None)
    heading = None
    if own is not None:
        if blocks[0].kind == "heading" and _same_words(blocks[0].text, own):
            heading = 0
    elif not titled:
        if blocks[0].kind == "heading":
            heading = 0
        else:
            heading = next((i for i, block in enumerate(blocks) if block.kind == "heading" and block.level == 1), None)
    record = dict(fields)
    if heading is not None:
        if own is None:
            record["title"] = blocks[heading].text
        # Short unpunctuated lines above the title heading are a site's name or slogan, as in parse_plain.
        first = heading + 1 if all(_headline_like(b.text) and "\n" not in b.text for b in blocks[:heading]) else 0
        record["text"] = "\n\n".join(block.text for i, block in enumerate(blocks) if i >= first and i != heading)
    elif titled:
        record["text"] = "\n\n".join(block.text for block in blocks)
    else:
        record.update(_plain_record("\n\n".join(block.text for block in blocks), markdown=False))
    if not record["text"].strip():
        raise SkipInput("no text besides the title")
    return record


_FRONT_MATTER_TITLES = ("title", "headline")


def _same_words(one: str, other: str) -> bool:
    return " ".join(one.casefold().split()) == " ".join(other.casefold().split())


def _plain_record(text: str, *, markdown: bool = False) -> dict[str, Any]:
    lines = text.splitlines()
    filled = [index for index, line in enumerate(lines) if line.strip()]
    if not filled:
        raise SkipInput("empty file")
    index = _headline_index(lines, filled[:2])
    title = lines[index].strip()
    if markdown:
        title = title.lstrip("#").strip()
    return {"title": title or None, "text": "\n".join(lines[index + 1 :])}


def parse_html(text: str) -> dict[str, Any]:
    """An HTML page: the main text by trafilatura; title, URL, date and site name from the
    page's metadata (:func:`cluster.pages.page_metadata`).

    Raises:
        SkipInput: lxml cannot parse the page, or trafilatura finds no main text.
    """
    from lxml import html as lxml_html  # lazy: only HTML inputs need it

    try:
        tree = lxml_html.document_fromstring(text)
    except Exception as exc:  # lxml raises several types on hopeless markup
        raise SkipInput(f"unparseable HTML ({type(exc).__name__})") from None

    from .pages import page_metadata

    found = page_metadata(tree, text)
    import trafilatura  # lazy: heavy import

    body = trafilatura.extract(text, include_comments=False, include_tables=False, favor_recall=True)
    if not body:
        raise SkipInput("no main text found in HTML")
    return {"title": found["title"], "text": body, "url": found["url"], "published": found["published"], "source": found["source"]}


def parse_json(text: str) -> dict[str, Any] | list[Any]:
    """A JSON file: one object (the file's one record) or a non-empty list of records.

    Raises:
        SkipInput: malformed JSON, an empty list, or a value that is neither object nor list.

    Example:
        >>> parse_json('[{"text": "Rain."}, {"text": "Snow."}]')
        [{'text': 'Rain.'}, {'text': 'Snow.'}]
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SkipInput(f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise SkipInput("malformed JSON: nested too deeply") from None
    if isinstance(data, dict):
        return data
    if isinstance(data, list):
        if not data:
            raise SkipInput("empty JSON list")
        return data
    raise SkipInput(f"expected a JSON object or a list of objects, got {type(data).__name__}")


def parse_json_line(text: str) -> Any:
    """The JSON value of one JSONL line (checked to be an object later, by the adapter).

    Raises:
        SkipInput: the line is not valid JSON.

    Example:
        >>> parse_json_line('{"text": "Rain."}')
        {'text': 'Rain.'}
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SkipInput(f"bad JSONL line: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise SkipInput("bad JSONL line: nested too deeply") from None


def _headline_index(lines: list[str], first_two: list[int]) -> int:
    """The line of a plain-text file that is its headline: the first non-empty line, unless
    it and the next are both short and unpunctuated (a site's name or slogan above the
    headline) and the next shares more words with the body than the first does.

    Example:
        >>> _headline_index(["Daily Planet", "", "Storm floods Metropolis", "", "A storm flooded Metropolis today."], [0, 2])
        2
        >>> _headline_index(["Storm floods Metropolis", "By Lois Lane", "", "A storm flooded Metropolis today."], [0, 1])
        0
    """
    first = first_two[0]
    if len(first_two) < 2:
        return first
    second = first_two[1]
    if not all(_headline_like(lines[i]) for i in first_two):
        return first
    body = {w for line in lines[second + 1 : second + 60] for w in word_tokens(line)}

    def shared(i: int) -> int:
        words = {w for w in word_tokens(lines[i]) if len(w) > 2 and w.replace("'", "").isalpha()}
        return len((words - STOP_WORDS) & body)

    return second if shared(second) > max(shared(first), 1) else first


def _headline_like(line: str) -> bool:
    words = line.strip().lstrip("#").split()
    return 0 < len(words) <= _HEADLINE_WORDS and not line.rstrip().endswith(_SENTENCE_END)
