"""Character encodings: a file's bytes to text, in the order a browser would decide.

:func:`decode_bytes` reads, in this order:

1. a byte order mark: UTF-8, UTF-16 or UTF-32 (little or big endian); the mark decides;
2. NUL bytes in the first 8 KiB of a file with no mark: a binary file, skipped;
3. valid UTF-8: UTF-8 (a page that declares another charset but is valid UTF-8 was
   saved as UTF-8; its declaration is wrong);
4. text that is UTF-8 apart from a few stray bytes (more valid multi-byte UTF-8
   characters than invalid bytes, or a page declaring UTF-8): UTF-8, with only the stray
   bytes read as cp1252 (text in a legacy code page has far more invalid bytes than
   chance UTF-8 sequences);
5. an HTML or XML page's own declaration in its first 8 KiB (``<meta charset>``,
   ``<meta http-equiv="Content-Type" content="…; charset=…">``, ``<?xml … encoding=…?>``),
   with the labels browsers treat as supersets read as those (``iso-8859-1`` and
   ``us-ascii`` as windows-1252, ``shift_jis`` as cp932, ``gb2312``/``gbk`` as gb18030,
   ``euc-kr`` as cp949; WHATWG Encoding Standard);
6. otherwise the encoding charset_normalizer detects, with windows-1252 preferred when
   it fits the bytes as well as the best guess (charset_normalizer ranks several
   Latin code pages alike on Western text), and when the detector recognises no language
   (a text with only a few non-ASCII bytes).

Steps 1, 3 and 5 are silent; 4 and 6 give one warning line naming the file and what was
done. Bytes that no step can read raise :class:`~cluster.records.SkipInput`.
"""

from __future__ import annotations

import codecs
import re
from typing import IO, Any, Callable

from .records import SkipInput

__all__ = ["LineDecoder", "decode_bytes", "declared_charset", "utf8_lines"]

Warn = Callable[[str], None]

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE mark.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_SNIFF_BYTES = 8192
_DECLARATION = re.compile(
    rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)|<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)",
    re.I,
)
# Labels whose superset browsers decode instead (WHATWG Encoding Standard), by Python's codec name.
_SUPERSETS = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "shift_jis": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
}
# Each byte that is not valid UTF-8 (decoded with surrogateescape as U+DC80..U+DCFF) as cp1252.
_STRAY_AS_CP1252 = {0xDC00 + b: bytes([b]).decode("cp1252", "replace") for b in range(0x80, 0x100)}
_STRAY = re.compile("[\udc80-\udcff]")
_NOT_ASCII = re.compile("[^\x00-\x7f]")
# How much worse than charset_normalizer's best match windows-1252 may score and still be chosen.
_CP1252_TOLERANCE = 0.02


def decode_bytes(data: bytes, where: str, warn: Warn | None = None, *, html: bool = False,
                 memo: "LineDecoder | None" = None) -> str:
    """``data`` as text, by the steps in this module's docstring; ``html`` reads the page's
    declared charset. A line naming ``where`` goes to ``warn`` when the text was guessed.

    Args:
        data: a file's bytes (or one JSONL line's).
        where: the file (or ``file:line``) named in warnings.
        warn: receives one line per guess; None to stay quiet.
        html: look for a ``<meta charset>`` / ``http-equiv`` / XML declaration.
        memo: a :class:`LineDecoder` whose earlier detection is tried before detecting again.

    Returns:
        The text (str), without its byte order mark.

    Raises:
        SkipInput: NUL bytes in the first 8 KiB of the text (a binary file), or bytes no
            encoding reads.

    Example:
        >>> decode_bytes("Café".encode("utf-16"), "a.txt")
        'Café'
        >>> decode_bytes("Café au lait, déjà vu: 5".encode() + b"\\x80", "b.txt", print)
        b.txt: not valid UTF-8 at 1 byte (offset 27); read as UTF-8 with that byte decoded as cp1252
        'Café au lait, déjà vu: 5€'
    """
    for mark, codec, name in _BOMS:
        if data.startswith(mark):
            return _with_bom(data[len(mark) :], codec, name, where, warn)
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise SkipInput("binary file (NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    escaped = data.decode("utf-8", "surrogateescape")
    strays = len(_STRAY.findall(escaped))
    label = declared_charset(data) if html else None
    codec = _codec_of(label) if label else None
    if codec == "utf-8" or len(_NOT_ASCII.findall(escaped)) - strays > strays:
        return _utf8_with_strays(escaped, strays, where, warn, declared=codec == "utf-8")
    if codec is not None:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    if memo is not None and memo.codec is not None:
        try:
            text = data.decode(memo.codec)
        except UnicodeDecodeError:
            pass
        else:
            if warn:
                warn(f"{where}: not valid UTF-8; decoded as {memo.codec}, as earlier lines of the file")
            return text
    text, used = _detected(data, where, warn, label, codec)
    if memo is not None:
        memo.codec = used
    return text


class LineDecoder:
    """:func:`decode_bytes` for the lines of one file (JSONL): the encoding detected on one
    line is tried first on the lines after it, so a long file in a legacy code page is
    detected once, not line by line.

    Example:
        >>> decoder = LineDecoder()
        >>> decoder("Café".encode("cp1252"), "f.jsonl:1"), decoder.codec
        ('Café', 'cp1252')
    """

    def __init__(self, warn: Warn | None = None) -> None:
        self.warn = warn
        self.codec: str | None = None

    def __call__(self, line: bytes, where: str) -> str:
        """The text of one line (see :func:`decode_bytes`; raises SkipInput as it does)."""
        return decode_bytes(line, where, self.warn, memo=self)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML or XML page declares in its first 8 KiB (the label as written), or None.

    Example:
        >>> declared_charset(b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">')
        'ISO-8859-1'
    """
    found = _DECLARATION.search(data[:_SNIFF_BYTES])
    if found is None:
        return None
    return (found.group(1) or found.group(2)).decode("ascii")


def utf8_lines(handle: IO[bytes]) -> Any:
    """``handle`` (a binary file opened for reading) as one whose ``readline`` gives UTF-8:
    a file that starts with a UTF-16 or UTF-32 byte order mark is decoded (bytes that do
    not fit become U+FFFD), any other is returned as it is. For line-by-line reading
    (JSONL), where the line ends of UTF-16 are not ``b"\\n"``. A UTF-16 line's
    ``readline(size)`` counts ``size`` in characters.

    Example:
        >>> import io
        >>> utf8_lines(io.BufferedReader(io.BytesIO('{"a": "é"}\\n'.encode("utf-16")))).readline()
        b'{"a": "\\xc3\\xa9"}\\n'
    """
    peek = getattr(handle, "peek", None)
    start = peek(4)[:4] if peek is not None else b""
    for mark, codec, name in _BOMS:
        if name != "UTF-8" and start.startswith(mark):
            import io

            handle.read(len(mark))
            return _Recoded(io.TextIOWrapper(handle, encoding=codec, errors="replace", newline=""))  # type: ignore[arg-type]
    return handle


class _Recoded:
    """A text stream read line by line as UTF-8 bytes."""

    def __init__(self, text: Any) -> None:
        self.text = text

    def readline(self, size: int = -1) -> bytes:
        return self.text.readline(size).encode("utf-8", "surrogatepass")


def _with_bom(data: bytes, codec: str, name: str, where: str, warn: Warn | None) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        text = data.decode(codec, "replace")
        if warn:
            warn(f"{where}: not valid {name} after its byte order mark (first at offset {exc.start}); the bad bytes replaced with U+FFFD")
    if "\x00" in text[:_SNIFF_BYTES]:
        raise SkipInput("binary file (NUL characters)")
    return text


def _codec_of(label: str) -> str | None:
    """Python's codec for a declared charset label (a browser's superset where it uses one), or None when unknown.

    A declared UTF-16 or UTF-32 without a byte order mark is read as UTF-8, as browsers do.
    """
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith(("utf-16", "utf-32")) or name in ("utf-8", "utf-8-sig"):
        return "utf-8"
    return _SUPERSETS.get(name, name)


def _utf8_with_strays(escaped: str, strays: int, where: str, warn: Warn | None, *, declared: bool = False) -> str:
    """UTF-8 (``escaped``: decoded with surrogateescape) with each invalid byte read as
    cp1252 (U+FFFD for the five bytes cp1252 leaves undefined)."""
    first = _STRAY.search(escaped)
    offset = len(escaped[: first.start() if first else 0].encode("utf-8", "surrogateescape"))
    if warn:
        which = "that byte" if strays == 1 else "those bytes"
        said = " (declared UTF-8)" if declared else ""
        plural = "" if strays == 1 else "s"
        warn(f"{where}: not valid UTF-8{said} at {strays} byte{plural} (offset {offset}); read as UTF-8 with {which} decoded as cp1252")
    return escaped.translate(_STRAY_AS_CP1252)


def _detected(data: bytes, where: str, warn: Warn | None, label: str | None, codec: str | None) -> tuple[str, str]:
    """The text in the encoding charset_normalizer finds (windows-1252 on a tie or no evidence), and that encoding."""
    from charset_normalizer import from_bytes  # lazy: only non-UTF-8 inputs need it

    try:
        cp1252: str | None = data.decode("cp1252")
    except UnicodeDecodeError:
        cp1252 = None
    matches = from_bytes(data)
    best = matches.best()
    if best is not None and best.encoding != "cp1252":
        if cp1252 is not None and (best.coherence == 0 or any(_rivals(m, best) for m in matches)):
            best = None
    if best is None and cp1252 is None:
        raise SkipInput("undecodable bytes: not UTF-8, and no encoding reads them as text")
    why = ""
    if label and codec is None:
        why = f"; its declared charset {label!r} is unknown"
    elif label:
        why = f"; its declared charset {label!r} does not fit its bytes"
    if best is None:
        if warn:
            warn(f"{where}: not valid UTF-8{why}; decoded as cp1252")
        return cp1252, "cp1252"  # type: ignore[return-value]
    if warn:
        warn(f"{where}: not valid UTF-8{why}; decoded as {best.encoding} (detected by charset_normalizer)")
    return str(best), best.encoding


def _rivals(match: Any, best: Any) -> bool:
    """Whether ``match`` reads as windows-1252 and scores about as well as ``best``."""
    return (
        "cp1252" in match.could_be_from_charset
        and match.chaos <= best.chaos + _CP1252_TOLERANCE
        and match.coherence >= best.coherence - _CP1252_TOLERANCE
    )
