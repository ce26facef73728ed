"""Markdown files: front matter and plain text.

:func:`split_front_matter` reads a YAML (``---``) or TOML (``+++``) front matter block at
the top of a file, as static site generators (Jekyll, Hugo) write it: PyYAML's
``safe_load`` and the standard library's ``tomllib``; dates become ISO 8601 strings.
:func:`markdown_blocks` renders the rest to plain text with markdown-it-py (CommonMark, with
GitHub's tables and strikethrough): emphasis, inline code backticks, code fences, heading
``#`` marks, table pipes, block quote marks and link targets are gone, and each block
(heading, paragraph, code block, table) is one :class:`Block`. Raw HTML stays for
:mod:`cluster.markup` to clean, as in every other input.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_FRONT_MATTER_VALUES", "Block", "split_front_matter", "markdown_blocks"]

_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?(---|\+\+\+)[ \t]*\r?\n(.*?)^(?:\1|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_MD: Any = None


@dataclass(frozen=True, slots=True)
class Block:
    """One block of a Markdown document as plain text: ``kind`` is ``heading`` (with its
    ``level``, 1 to 6), ``paragraph``, ``code``, ``table`` or ``html``."""

    kind: str
    text: str
    level: int = 0


def split_front_matter(text: str) -> tuple[dict[str, Any], str, str | None]:
    """(front matter fields, the text after it, the problem with it or None).

    A block opened by ``---`` (YAML, closed by ``---`` or ``...``) or ``+++`` (TOML, closed
    by ``+++``) on the first line; without a closing line there is no front matter. A block
    that does not parse, or is not a mapping, is still cut from the text, and the problem
    returned (the fields are then empty). Dates and times become ISO 8601 strings.

    Example:
        >>> split_front_matter("---\\ntitle: Bridge approved\\ndate: 2024-03-05\\n---\\nThe council voted.")
        ({'title': 'Bridge approved', 'date': '2024-03-05'}, 'The council voted.', None)
    """
    found = _FRONT_MATTER.match(text)
    if found is None:
        return {}, text, None
    body = text[found.end() :]
    source = found.group(2)
    try:
        if found.group(1) == "+++":
            import tomllib

            data: Any = tomllib.loads(source)
        else:
            import yaml  # lazy: only Markdown with front matter needs it

            data = yaml.safe_load(source)
    except Exception as exc:  # yaml.YAMLError, tomllib.TOMLDecodeError, and YAML constructor errors
        kind = "TOML" if found.group(1) == "+++" else "YAML"
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return {}, body, f"{kind} front matter does not parse ({reason})"
    if data is None:
        return {}, body, None
    if not isinstance(data, dict):
        return {}, body, f"front matter is a {type(data).__name__}, not a mapping of fields"
    budget = [MAX_FRONT_MATTER_VALUES]
    try:
        return {str(key): _plain_value(value, budget) for key, value in data.items()}, body, None
    except OverflowError:
        return {}, body, f"front matter holds more than {MAX_FRONT_MATTER_VALUES} values (YAML aliases expanded)"


#: Most values a front matter may hold once YAML aliases are expanded (``&a [*b, *b]``
#: nested a few levels would otherwise make billions).
MAX_FRONT_MATTER_VALUES = 10_000


def _plain_value(value: Any, budget: list[int]) -> Any:
    """A front matter value as JSON has it: dates and times as ISO 8601 strings.

    Raises:
        OverflowError: more than ``budget[0]`` values in all.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise OverflowError
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain_value(v, budget) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return [_plain_value(v, budget) for v in items]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def markdown_blocks(text: str) -> list[Block]:
    """The blocks of a Markdown text as plain text, in order.

    A numbered list item keeps its number (``1986. A year`` is text that happens to look
    like a list); a bullet list item loses its bullet; a table is one block with a row per
    line and its cells separated by spaces.

    Example:
        >>> [(b.kind, b.text) for b in markdown_blocks("# A **big** day\\n\\nThe `code` and *emphasis* go.")]
        [('heading', 'A big day'), ('paragraph', 'The code and emphasis go.')]
    """
    global _MD
    if _MD is None:
        from markdown_it import MarkdownIt  # lazy: only Markdown inputs need it

        _MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    blocks: list[Block] = []
    number: str | None = None  # the number of the ordered list item being read
    heading = 0  # the level of the heading being read
    in_cell = False
    row: list[str] = []
    rows: list[str] = []
    for token in _MD.parse(text):
        kind = token.type
        if kind == "heading_open":
            heading = int(token.tag[1:])
        elif kind == "heading_close":
            heading = 0
        elif kind == "list_item_open":
            number = f"{token.info}{token.markup} " if token.info else None
        elif kind in ("th_open", "td_open"):
            in_cell = True
        elif kind in ("th_close", "td_close"):
            in_cell = False
        elif kind == "inline":
            inline = _inline_text(token)
            if in_cell:
                row.append(inline)
            elif heading:
                blocks.append(Block("heading", inline, heading))
            else:
                blocks.append(Block("paragraph", (number or "") + inline))
                number = None
        elif kind == "tr_close":
            rows.append(" ".join(cell for cell in row if cell))
            row = []
        elif kind == "table_close":
            blocks.append(Block("table", "\n".join(r for r in rows if r)))
            rows = []
        elif kind in ("fence", "code_block"):
            blocks.append(Block("code", token.content.rstrip("\n")))
        elif kind == "html_block":
            blocks.append(Block("html", token.content.rstrip("\n")))
    return [block for block in blocks if block.text.strip()]


def _inline_text(token: Any) -> str:
    parts: list[str] = []
    for child in token.children or ():
        kind = child.type
        if kind in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "image":
            parts.append(child.content)
    return "".join(parts).strip()
