"""Languages: each article's language, and which scripts write words without spaces.

The language is detected offline by CLD2 (Google's Compact Language Detector 2, through
``pycld2``; its model is compiled into the package), on the title and the opening of the
text. The answer is an ISO 639-1 code such as ``en``, ``zh`` (simplified
or traditional) or ``ja``, or None when CLD2 is not reliable on so little text.

Chinese, Japanese, Thai, Lao, Khmer and Burmese write words without spaces between them;
:func:`unspaced_script` tells such text apart (the stages that use words then tokenise it by
characters, and split sentences at ``。！？``).
"""

from __future__ import annotations

import re

__all__ = ["SAMPLE_CHARS", "UNSPACED_LANGUAGES", "detect_language", "unspaced_script"]

#: Characters of text read to detect the language (the title is read too). CLD2 is sure of
#: a language within a few sentences; reading less keeps ingest fast on long articles.
SAMPLE_CHARS = 240

#: Languages written without spaces between words (ISO 639-1; zh covers zh-Hant).
UNSPACED_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo"})

# Han, kana, Thai, Lao, Khmer, Myanmar, Tibetan: scripts written without word spaces.
_UNSPACED = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f\u0e80-\u0eff\u1780-\u17ff\u1000-\u109f\u0f00-\u0fff]"
)


def detect_language(text: str, title: str | None = None) -> str | None:
    """ISO 639-1 code of the language of an article; None when not reliably known.

    Example:
        >>> detect_language("Storm Helmi hit the southern coast on Monday, killing 4 people.")
        'en'
        >>> detect_language("大手通信会社の携帯電話回線で3日朝から大規模な通信障害が発生した。")
        'ja'
    """
    import pycld2  # the model is compiled in: no files, no network

    sample = f"{title}\n{text[:SAMPLE_CHARS]}" if title else text[:SAMPLE_CHARS]
    if not sample.strip():
        return None
    data = sample.encode("utf-8", "replace")
    try:
        reliable, _, details = pycld2.detect(data, isPlainText=True)
    except pycld2.error:  # invalid UTF-8 or characters CLD2 refuses
        return None
    code = details[0][1]
    if not reliable or code in ("un", "xxx"):
        return _by_script(sample)
    return {"zh-Hant": "zh", "iw": "he", "in": "id", "jw": "jv"}.get(code, code)


def _by_script(sample: str) -> str | None:
    """A short text CLD2 is unsure of: its script names the language when only one language uses it."""
    if re.search("[\u3040-\u30ff]", sample):
        return "ja"
    if re.search("[\uac00-\ud7af]", sample):
        return "ko"
    if re.search("[\u0e00-\u0e7f]", sample):
        return "th"
    if re.search("[\u4e00-\u9fff]", sample):
        return "zh"
    return None


def unspaced_script(text: str) -> bool:
    """True when ``text`` is mostly in a script written without spaces between words.

    Example:
        >>> unspaced_script("四川发生5.8级地震。"), unspaced_script("Rain in Paris")
        (True, False)
    """
    if text.isascii():
        return False
    sample = text[:SAMPLE_CHARS]
    letters = sum(1 for ch in sample if ch.isalpha())
    return bool(letters) and len(_UNSPACED.findall(sample)) * 2 >= letters
