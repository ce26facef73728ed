"""Text encodings: byte order marks, declared HTML charsets, stray bytes and legacy code pages come out readable."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cluster.ingest import load_articles
from summarize.cli import app

RU_TITLE = "Центробанк повысил ставку"
RU_TEXT = ("Банк России в пятницу повысил ключевую ставку на 100 базисных пунктов, до 16 процентов годовых, "
           "сообщила пресс-служба регулятора. Решение принято на фоне ускорения инфляции.")
JA_TITLE = "日銀、マイナス金利解除"
JA_TEXT = "日本銀行は19日の金融政策決定会合で、マイナス金利政策の解除を決めた。17年ぶりの利上げとなる。植田和男総裁は記者会見で、賃金と物価の好循環が強まっていると述べた。"
FR_TITLE = "Réforme des retraites"
FR_TEXT = "Le président a annoncé mardi une réforme très contestée, qui suscite la colère des syndicats à Genève et à Zürich."
DE_TEXT = "Die Straße zwischen Köln und Düsseldorf bleibt nach dem Unfall gesperrt, teilte die Polizei am Montag mit. Große Schäden."
EN_TITLE = "Budget approved"
EN_TEXT = "The council approved the annual budget on Tuesday, which rises by five percent to cover new teachers."


def page(title: str, text: str, head: str) -> str:
    return (f"<html><head>{head}<title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{text}</p><p>{text}</p></article></body></html>")


def read(folder: Path) -> tuple[dict[str, object], dict[str, str], list[str]]:
    warnings: list[str] = []
    ingested = load_articles([folder], warn=warnings.append)
    return {a.id: a for a in ingested.articles}, {s.input: s.reason for s in ingested.skipped}, warnings


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32", "utf-32-be", "utf-8-sig"])
def test_a_file_with_a_byte_order_mark_is_read_in_its_encoding_not_called_binary(tmp_path: Path, codec: str) -> None:
    text = f"{FR_TITLE}\n\n{FR_TEXT}\n"
    data = text.encode(codec)
    if codec.endswith("-be"):  # Python writes no mark for an explicit byte order
        data = ("\ufeff" + text).encode(codec)
    (tmp_path / "post.txt").write_bytes(data)
    articles, skipped, warnings = read(tmp_path)
    assert not skipped and not warnings
    assert articles["post"].title == FR_TITLE and articles["post"].text == FR_TEXT


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_a_utf16_jsonl_file_is_read_line_by_line(tmp_path: Path, codec: str) -> None:
    lines = [{"id": "u1", "title": EN_TITLE, "text": EN_TEXT}, {"id": "u2", "title": FR_TITLE, "text": FR_TEXT}]
    (tmp_path / "feed.jsonl").write_bytes("".join(json.dumps(r, ensure_ascii=False) + "\r\n" for r in lines).encode(codec))
    articles, skipped, warnings = read(tmp_path)
    assert not skipped and not warnings
    assert sorted(articles) == ["u1", "u2"] and articles["u2"].text == FR_TEXT


def test_nul_bytes_without_a_byte_order_mark_are_still_a_binary_file(tmp_path: Path) -> None:
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00")
    (tmp_path / "nul16.txt").write_bytes("Title\n\x00\x00 binary".encode("utf-16"))
    _, skipped, _ = read(tmp_path)
    assert skipped["image.txt"] == "binary file (NUL bytes)"
    assert skipped["nul16.txt"].startswith("binary file")


@pytest.mark.parametrize(
    "title, text, codec, head",
    [
        (RU_TITLE, RU_TEXT, "cp1251", '<meta charset="windows-1251">'),
        (JA_TITLE, JA_TEXT, "shift_jis", "<meta charset='Shift_JIS'>"),
        (FR_TITLE, FR_TEXT, "cp1252", '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'),
        (RU_TITLE, RU_TEXT, "koi8-r", '<meta http-equiv="content-type" content="text/html;charset=koi8-r">'),
        (DE_TEXT[:30], DE_TEXT, "iso-8859-15", '<META CHARSET=iso-8859-15>'),
        ("中国经济增长五点二", "国家统计局周三公布的数据显示，今年一季度国内生产总值同比增长百分之五点二，高于市场预期。", "gbk", '<meta charset="gb2312">'),
    ],
)
def test_an_html_page_is_read_in_the_charset_it_declares(tmp_path: Path, title: str, text: str, codec: str, head: str) -> None:
    (tmp_path / "page.html").write_bytes(page(title, text, head).encode(codec))
    articles, skipped, warnings = read(tmp_path)
    assert not skipped and not warnings
    assert articles["page"].title == title
    assert unicodedata.normalize("NFKC", text) in articles["page"].text  # NFKC, as all text


def test_a_valid_utf8_page_that_declares_latin1_is_read_as_utf8(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(page(FR_TITLE, FR_TEXT, '<meta charset="iso-8859-1">').encode("utf-8"))
    articles, _, warnings = read(tmp_path)
    assert articles["page"].title == FR_TITLE and not warnings


def test_a_utf8_page_with_a_stray_byte_stays_utf8_whatever_it_declares(tmp_path: Path) -> None:
    data = page(FR_TITLE, FR_TEXT + " Prix: 5\x00.", '<meta charset="iso-8859-1">').encode().replace(b"\x00", b"\x80")
    (tmp_path / "page.html").write_bytes(data)
    articles, _, warnings = read(tmp_path)
    assert articles["page"].title == FR_TITLE and f"{FR_TEXT} Prix: 5€." in articles["page"].text
    assert len(warnings) == 1 and "read as UTF-8 with those bytes decoded as cp1252" in warnings[0]


@pytest.mark.parametrize("stray", [b"\x80", b"\x92", b"\xe9", b"\x81"])
def test_utf8_with_a_stray_byte_keeps_its_utf8_and_replaces_only_that_byte(tmp_path: Path, stray: bytes) -> None:
    (tmp_path / "stray.txt").write_bytes(f"{FR_TITLE}\n\n{FR_TEXT} Prix: 5".encode() + stray + b".\n")
    articles, _, warnings = read(tmp_path)
    expected = stray.decode("cp1252", "replace")
    assert articles["stray"].title == FR_TITLE
    assert articles["stray"].text == f"{FR_TEXT} Prix: 5{expected}."
    assert warnings == [f"stray.txt: not valid UTF-8 at 1 byte (offset {len(FR_TITLE.encode()) + len(FR_TEXT.encode()) + 10}); "
                        "read as UTF-8 with that byte decoded as cp1252"]


@pytest.mark.parametrize(
    "title, text, codec, detected",
    [
        (RU_TITLE, RU_TEXT, "cp1251", "cp1251"),
        (JA_TITLE, JA_TEXT, "shift_jis", "cp932"),
        (FR_TITLE, FR_TEXT, "cp1252", "cp1252"),
        ("Straßensperre in Köln", DE_TEXT, "latin-1", "cp1252"),
        ("Καύσωνας στην Αθήνα", "Η θερμοκρασία έφτασε τους 43 βαθμούς Κελσίου στην Αθήνα την Τετάρτη, ανακοίνωσε η μετεωρολογική υπηρεσία.", "cp1253", "cp1253"),
    ],
)
def test_legacy_text_that_declares_nothing_is_detected_and_says_so(tmp_path: Path, title: str, text: str, codec: str, detected: str) -> None:
    (tmp_path / "old.txt").write_bytes(f"{title}\n\n{text}\n".encode(codec))
    articles, skipped, warnings = read(tmp_path)
    assert not skipped
    assert (articles["old"].title, articles["old"].text) == (title, text)
    assert len(warnings) == 1 and warnings[0].startswith("old.txt: not valid UTF-8") and f"decoded as {detected}" in warnings[0]


def test_a_legacy_jsonl_file_is_detected_once_and_every_line_read(tmp_path: Path) -> None:
    lines = [{"id": f"r{i}", "title": RU_TITLE, "text": f"{RU_TEXT} {i}"} for i in range(4)]
    (tmp_path / "feed.jsonl").write_bytes("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines).encode("cp1251"))
    articles, skipped, warnings = read(tmp_path)
    assert not skipped and [articles[f"r{i}"].text for i in range(4)] == [f"{RU_TEXT} {i}" for i in range(4)]
    assert warnings[0] == "feed.jsonl:1: not valid UTF-8; decoded as cp1251 (detected by charset_normalizer)"
    assert warnings[1:] == [f"feed.jsonl:{i}: not valid UTF-8; decoded as cp1251, as earlier lines of the file" for i in (2, 3, 4)]


def test_bytes_no_encoding_reads_are_skipped_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "junk.txt").write_bytes(b"Title\n" + bytes(range(0x80, 0x100)))
    articles, skipped, _ = read(tmp_path)
    assert not articles
    assert skipped["junk.txt"].startswith("undecodable bytes")


def test_the_cli_reads_mixed_encodings_as_one_readable_folder(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ru.html").write_bytes(page(RU_TITLE, RU_TEXT, '<meta charset="windows-1251">').encode("cp1251"))
    (folder / "ja.html").write_bytes(page(JA_TITLE, JA_TEXT, '<meta charset="shift_jis">').encode("shift_jis"))
    (folder / "utf16.txt").write_bytes(f"{EN_TITLE}\n\n{EN_TEXT}\n".encode("utf-16"))
    (folder / "utf16.jsonl").write_bytes((json.dumps({"id": "u16", "text": FR_TEXT}) + "\n").encode("utf-16"))
    (folder / "stray.txt").write_bytes(f"{FR_TITLE}\n\n{FR_TEXT} ".encode() + b"Prix: 5\x80.\n")
    out = tmp_path / "clusters.json"
    result = CliRunner().invoke(app, ["cluster", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["skipped"] == []
    articles = {a["id"]: a for a in data["articles"]}
    assert sorted(articles) == ["ja", "ru", "stray", "u16", "utf16"]
    assert articles["ru"]["title"] == RU_TITLE and articles["ru"]["language"] == "ru"
    assert articles["ja"]["title"] == JA_TITLE and articles["ja"]["language"] == "ja"
    assert articles["stray"]["title"] == FR_TITLE and articles["stray"]["text"].endswith("Prix: 5€.")
    assert articles["u16"]["text"] == FR_TEXT
    assert result.output.count("not valid UTF-8") == 1
