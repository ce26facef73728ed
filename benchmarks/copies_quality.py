"""Copy (reprint) quality: planted reprints of the kinds newsrooms make, found or missed.

English articles are built from the real sentences of the development data (every JSONL
file under DATA, default ``../shared/data``): each article is 7-12 paragraphs of 1-2
sentences, and no sentence is used by two unrelated articles. Chinese articles are
synthetic: this script holds a small grammar (invented place names, officials, agencies,
events, figures and dates, in simplified Chinese written for this benchmark) and composes
sentences from it, written without spaces between words as Chinese is; it is not real
reporting and only stands in for text in a script without word breaks.

For each language, every reprint kind is planted ``--per-kind`` times (each on its own
original article):

==================  =======================================================================
kind                what the reprint does to the original
==================  =======================================================================
headline            same text, a new headline
dateline_credit     an agency dateline before the text and a credit line after it
local_paragraph     a paragraph of local material inserted in the middle
edit_1pct           1% of the words (Chinese: characters) replaced, dropped or added
edit_3pct           3% of the words edited
trim_30pct          the last 30% of the paragraphs cut
dateline_trim_edit  a dateline added, the last 20% of the paragraphs cut, 1% of the words edited
==================  =======================================================================

and two kinds of near miss that must NOT be linked: two articles that share one quoted
paragraph and are otherwise different (``shared_quote``), and an article with half of its
paragraphs rewritten (``half_rewritten``: every other paragraph replaced by one of as many
sentences, the rest kept word for word). The rest of
the corpus is unrelated articles. Printed per kind: reprints found (the reprint lands in
its original's copy group) over planted, and false links (copy links between articles of
different families, near-miss pairs counted by kind), for storyfold's copies with the
given settings and, in the same run, for datasketch ``MinHashLSH(threshold=0.7,
num_perm=128)`` over word 5-shingles (candidates taken as links, as it is commonly used).

    python benchmarks/copies_quality.py                 # ../shared/data, 66 per kind
    python benchmarks/copies_quality.py DATA --per-kind 200 --seed 3
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cluster.containment import search_shapes  # noqa: E402
from cluster.copies import find_copies  # noqa: E402
from cluster.settings import CopySettings, EngineSettings  # noqa: E402
from cluster.types import Article  # noqa: E402

DEFAULT_DATA = REPO / ".." / "shared" / "data"
KINDS = ("headline", "dateline_credit", "local_paragraph", "edit_1pct", "edit_3pct", "trim_30pct", "dateline_trim_edit")
NEAR_MISSES = ("shared_quote", "half_rewritten")
DATELINES_EN = ("WASHINGTON (AP) — ", "LONDON (Reuters) - ", "PARIS (AFP) — ", "NEW YORK (AP) — ", "BERLIN (dpa) - ")
CREDITS_EN = (
    "Associated Press writer Maria Lopez contributed to this report.",
    "Reporting by Tom Hale; Editing by Ann Roy.",
    "(Reporting by the Reuters newsroom; editing by Lee Park)",
    "This story has been corrected to show the meeting was on Tuesday.",
)
DATELINES_ZH = ("新华社北京电 ", "中新网上海电 ", "本报讯 ", "央视新闻客户端消息 ")
CREDITS_ZH = ("（记者 王晓明 李华）", "（责任编辑：张伟）", "来源：新华社", "（本报记者 陈静 报道）")

# --- A small grammar of Chinese news sentences (invented; see the module docstring) ---
_ZH_PLACES = "云岭县 青河市 东川区 北塘镇 南湖县 西峰市 安平县 临江市 白沙镇 石门县 金川区 长宁县 丰华市 柳溪镇 海阳县 平山市 宁远县 清水镇 红星区 古城县".split()
_ZH_BODIES = "省地震台网 市应急管理局 县政府 气象台 交通运输部门 市卫生健康委员会 消防救援支队 市教育局 水利部门 市场监管局 公安机关 供电公司 铁路部门 环保部门 统计局".split()
_ZH_PEOPLE = "王建国 李红梅 张志强 刘海燕 陈立新 杨光明 赵晓东 黄文华 周德胜 吴丽娟 徐振宇 孙国庆".split()
_ZH_ROLES = "局长 副市长 县长 发言人 负责人 专家 主任 站长".split()
_ZH_EVENTS = (
    "发生{m}级地震，震源深度{d}公里",
    "遭遇强降雨，{h}小时降雨量达{n}毫米",
    "一座化工厂发生爆炸，造成{k}人受伤",
    "一辆客车发生侧翻事故，车上共有{n}名乘客",
    "发生大面积停电，约{n}万户居民受到影响",
    "举行第{k}届农业博览会，吸引{n}家企业参展",
    "一处山体发生滑坡，{k}间民房被掩埋",
    "启动老旧小区改造工程，计划投资{n}亿元",
    "出现高温天气，最高气温达到{t}摄氏度",
    "发生一起森林火灾，过火面积约{n}公顷",
    "开通一条新的地铁线路，全长{n}公里",
    "发布新的住房政策，首套房首付比例降至{p}%",
)
_ZH_FOLLOW = (
    "{body}表示，相关部门已经启动{lvl}级应急响应，救援人员正在现场处置。",
    "据{body}通报，截至{day}日{hour}时，事故已造成{k}人死亡、{n}人受伤。",
    "{person}{role}在接受采访时说：“我们将全力保障群众的生命财产安全。”",
    "{body}{person}介绍，目前{place}的交通和通信已经基本恢复正常。",
    "当地居民{person}说，事发时他正在家中休息，感觉房屋明显晃动。",
    "{body}提醒市民注意出行安全，尽量减少不必要的外出。",
    "专家分析认为，这次事件与近期{place}的天气变化有一定关系。",
    "{body}已派出{n}个工作组赶赴{place}，指导开展相关工作。",
    "据了解，{place}去年同期曾发生类似情况，共有{k}户家庭受到影响。",
    "{person}{role}表示，将在{day}日前完成全部排查工作，并向社会公布结果。",
    "目前，{place}已设立{k}个临时安置点，共安置群众{n}人。",
    "{body}称，今年以来全市共投入资金{n}万元，用于基础设施建设。",
    "记者从{body}获悉，相关调查工作正在进行中，具体原因尚待查明。",
    "{place}{n}所学校{day}日停课一天，具体复课时间另行通知。",
    "据统计，{place}今年前{k}个月的旅游收入同比增长{p}%。",
    "{person}强调，各部门要加强值班值守，及时发布预警信息。",
)


def zh_sentence(rng: np.random.Generator, place: str | None = None) -> str:
    """One synthetic Chinese news sentence."""
    pick = lambda seq: seq[int(rng.integers(0, len(seq)))]  # noqa: E731
    place = place or pick(_ZH_PLACES)
    values = dict(
        m=f"{rng.integers(30, 75) / 10:.1f}", d=int(rng.integers(5, 40)), h=int(rng.integers(2, 48)),
        n=int(rng.integers(2, 9000)), k=int(rng.integers(2, 60)), t=int(rng.integers(35, 43)),
        p=int(rng.integers(5, 40)), lvl="一二三四"[int(rng.integers(0, 4))], day=int(rng.integers(1, 29)),
        hour=int(rng.integers(0, 24)), body=pick(_ZH_BODIES), person=pick(_ZH_PEOPLE), role=pick(_ZH_ROLES), place=place,
    )
    if rng.random() < 0.3:
        month = int(rng.integers(1, 13))
        return f"{month}月{values['day']}日{values['hour']}时许，{place}" + pick(_ZH_EVENTS).format(**values) + "。"
    return pick(_ZH_FOLLOW).format(**values)


class SentenceSource:
    """Hands out sentences without reuse (English from the data, Chinese from the grammar)."""

    def __init__(self, language: str, data: Path, rng: np.random.Generator) -> None:
        self.language = language
        self.rng = rng
        self.used: set[str] = set()
        if language == "en":
            self.pool = load_sentences(data)
            rng.shuffle(self.pool)
            self.cursor = 0

    def take(self) -> str:
        if self.language == "en":
            if self.cursor >= len(self.pool):
                raise SystemExit("ran out of distinct sentences; lower --per-kind or --fillers")
            self.cursor += 1
            return self.pool[self.cursor - 1]
        for _ in range(1000):
            sentence = zh_sentence(self.rng)
            if sentence not in self.used:
                self.used.add(sentence)
                return sentence
        raise SystemExit("the Chinese grammar ran out of distinct sentences")


def load_sentences(data: Path) -> list[str]:
    """Distinct sentences of 8-40 words from the ``text`` fields of every JSONL file under ``data``."""
    seen: dict[str, None] = {}
    for path in sorted(data.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                texts = [record.get("text") or ""] + [a.get("text") or "" for a in record.get("articles", [])]
                for text in texts:
                    for sentence in re.split(r"(?<=[.!?])\s+", text):
                        sentence = " ".join(sentence.split())
                        if 8 <= sentence.count(" ") + 1 <= 40:
                            seen.setdefault(sentence, None)
    if len(seen) < 5000:
        raise SystemExit(f"only {len(seen)} usable sentences under {data}; pass the folder of the dev JSONL files")
    return list(seen)


def units(text: str, language: str) -> list[str]:
    """Editable units: words (English) or characters (Chinese)."""
    return text.split(" ") if language == "en" else list(text)


def join(parts: list[str], language: str) -> str:
    return " ".join(parts) if language == "en" else "".join(parts)


class Builder:
    """Builds the corpus of one language with its ground truth."""

    def __init__(self, language: str, data: Path, rng: np.random.Generator) -> None:
        self.language = language
        self.rng = rng
        self.sentences = SentenceSource(language, data, rng)
        self.articles: list[Article] = []
        self.family: dict[str, str] = {}  # article id -> family (original + its reprint, or one near-miss pair)
        self.kind_of: dict[str, str] = {}  # family -> kind
        self.reprint_of: dict[str, str] = {}  # reprint id -> original id
        self.serial = 0

    def paragraph(self, count: int = 0) -> str:
        count = count or int(self.rng.integers(1, 3))
        return join([self.sentences.take() for _ in range(count)], self.language)

    def sentence_count(self, paragraph: str) -> int:
        return max(1, len(re.findall(r"[.!?。](?:\s|$)|。", paragraph))) if self.language == "en" else max(1, paragraph.count("。"))

    def body(self) -> list[str]:
        return [self.paragraph() for _ in range(int(self.rng.integers(7, 13)))]

    def title(self, paragraphs: list[str]) -> str:
        """A headline made of the opening of one of the article's paragraphs."""
        text = paragraphs[int(self.rng.integers(0, len(paragraphs)))]
        return " ".join(text.split(" ")[:9]) if self.language == "en" else text[:18]

    def add(self, family: str, paragraphs: list[str], title: str, published: str | None) -> str:
        self.serial += 1
        article_id = f"{self.language}-{self.serial:05d}"
        text = "\n\n".join(paragraphs)
        self.articles.append(Article(article_id, text, title=title, published=published))
        self.family[article_id] = family
        return article_id

    def edit(self, paragraphs: list[str], share: float) -> list[str]:
        """Edit ``share`` of the units: replace (half), drop (a quarter) or add (a quarter) one unit."""
        split = [units(p, self.language) for p in paragraphs]
        total = sum(len(p) for p in split)
        edits = max(1, int(round(share * total)))
        filler = units(self.sentences.take(), self.language)
        for _ in range(edits):
            k = int(self.rng.integers(0, len(split)))
            if not split[k]:
                continue
            at = int(self.rng.integers(0, len(split[k])))
            word = filler[int(self.rng.integers(0, len(filler)))]
            roll = self.rng.random()
            if roll < 0.5:
                split[k][at] = word
            elif roll < 0.75 and len(split[k]) > 1:
                del split[k][at]
            else:
                split[k].insert(at, word)
        return [join(p, self.language) for p in split]

    def dateline(self, paragraphs: list[str]) -> list[str]:
        lines = DATELINES_EN if self.language == "en" else DATELINES_ZH
        return [lines[int(self.rng.integers(0, len(lines)))] + paragraphs[0], *paragraphs[1:]]

    def credit(self, paragraphs: list[str]) -> list[str]:
        lines = CREDITS_EN if self.language == "en" else CREDITS_ZH
        return [*paragraphs, lines[int(self.rng.integers(0, len(lines)))]]

    def reprint(self, kind: str, paragraphs: list[str]) -> list[str]:
        if kind == "headline":
            return list(paragraphs)
        if kind == "dateline_credit":
            return self.credit(self.dateline(paragraphs))
        if kind == "local_paragraph":
            middle = len(paragraphs) // 2
            return [*paragraphs[:middle], self.paragraph(), *paragraphs[middle:]]
        if kind == "edit_1pct":
            return self.edit(paragraphs, 0.01)
        if kind == "edit_3pct":
            return self.edit(paragraphs, 0.03)
        if kind == "trim_30pct":
            return paragraphs[: len(paragraphs) - int(round(0.3 * len(paragraphs)))]
        if kind == "dateline_trim_edit":
            kept = paragraphs[: len(paragraphs) - int(round(0.2 * len(paragraphs)))]
            return self.edit(self.dateline(kept), 0.01)
        raise ValueError(kind)

    def build(self, per_kind: int, fillers: int) -> None:
        day = 0
        for kind in KINDS:
            for n in range(per_kind):
                family = f"{self.language}/{kind}/{n}"
                self.kind_of[family] = kind
                paragraphs = self.body()
                day += 1
                date = f"2024-{1 + day % 12:02d}-{1 + day % 28:02d}"
                original = self.add(family, paragraphs, self.title(paragraphs), f"{date}T08:00:00Z")
                reprinted = self.reprint(kind, paragraphs)
                title = self.title(reprinted)  # a new headline for every reprint, on what it kept
                copy = self.add(family, reprinted, title, f"{date}T11:30:00Z")
                self.reprint_of[copy] = original
        for n in range(per_kind):
            # Two different articles quoting one statement word for word, in one paragraph.
            quote = self.paragraph()
            for side in range(2):
                paragraphs = self.body()
                paragraphs.insert(int(self.rng.integers(1, len(paragraphs))), quote)
                family = f"{self.language}/shared_quote/{n}/{side}"
                self.kind_of[family] = "shared_quote"
                self.add(family, paragraphs, self.title(paragraphs), None)
            # One article, and another that keeps half its paragraphs and rewrites the rest.
            paragraphs = self.body()
            rewritten = [p if k % 2 == 0 else self.paragraph(self.sentence_count(p)) for k, p in enumerate(paragraphs)]
            for side, version in enumerate((paragraphs, rewritten)):
                family = f"{self.language}/half_rewritten/{n}/{side}"
                self.kind_of[family] = "half_rewritten"
                self.add(family, version, self.title(version), None)
        for n in range(fillers):
            family = f"{self.language}/unrelated/{n}"
            self.kind_of[family] = "unrelated"
            paragraphs = self.body()
            self.add(family, paragraphs, self.title(paragraphs), None)


def groups_from_copies(ids: list[str], copies: dict[str, str]) -> dict[str, str]:
    """Article id -> the root of its copy group."""

    def root(i: str) -> str:
        seen = {i}
        while i in copies and copies[i] not in seen:
            i = copies[i]
            seen.add(i)
        return i

    return {i: root(i) for i in ids}


def datasketch_groups(articles: list[Article]) -> dict[str, str]:
    """Copy groups by datasketch MinHashLSH(0.7, 128) over lower-cased word 5-shingles, candidates as links."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.7, num_perm=128)
    hashes = {}
    for article in articles:
        words = re.findall(r"\w+", article.text.lower())
        shingles = {" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))}
        minhash = MinHash(num_perm=128)
        minhash.update_batch([s.encode("utf-8") for s in shingles])
        hashes[article.id] = minhash
        lsh.insert(article.id, minhash)
    parent = {a.id: a.id for a in articles}

    def find(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for article in articles:
        for other in lsh.query(hashes[article.id]):
            a, b = find(article.id), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {a.id: find(a.id) for a in articles}


def score(builder: Builder, group: dict[str, str]) -> tuple[Counter, Counter]:
    """Found reprints per kind; false links per kind of family involved."""
    found: Counter = Counter()
    for copy, original in builder.reprint_of.items():
        if group[copy] == group[original]:
            found[builder.kind_of[builder.family[copy]]] += 1
    members: dict[str, set[str]] = defaultdict(set)
    for article_id, root in group.items():
        members[root].add(builder.family[article_id])
    false_links: Counter = Counter()
    for families in members.values():
        if len(families) > 1:
            kinds = sorted({builder.kind_of[f] for f in families})
            # Links beyond one family: a group holding f families has f - 1 false links.
            false_links["+".join(kinds) if len(kinds) > 1 else kinds[0]] += len(families) - 1
    return found, false_links


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA, help="folder of the dev JSONL files")
    parser.add_argument("--per-kind", type=int, default=66, help="reprints (and near-miss pairs) planted per kind and language")
    parser.add_argument("--fillers", type=int, default=700, help="unrelated English articles (Chinese: a quarter as many)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=float, default=None, help="copies.threshold for storyfold (default: the setting's default)")
    parser.add_argument("--containment", type=float, default=None, help="copies.containment for storyfold (default: the setting's default)")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    builders = [Builder("en", args.data, rng), Builder("zh", args.data, rng)]
    builders[0].build(args.per_kind, args.fillers)
    builders[1].build(args.per_kind, args.fillers // 4)
    overrides = {k: v for k, v in (("threshold", args.threshold), ("containment", args.containment)) if v is not None}
    settings = CopySettings(**overrides)
    engine = EngineSettings(processes=1)
    shown = ", ".join(f"{k}={getattr(settings, k)}" for k in ("shingle_size", "num_perm", "threshold", "containment", "min_kept", "candidate_similarity", "lead_words", "lead_similarity", "max_miss"))
    print(f"copies_quality: seed {args.seed}, {args.per_kind} per kind; storyfold copies {shown}; band shapes {search_shapes(settings)}")
    totals = {"storyfold": [0, 0, 0], "datasketch": [0, 0, 0]}
    for builder in builders:
        articles = builder.articles
        ids = [a.id for a in articles]
        start = time.perf_counter()
        ours = groups_from_copies(ids, find_copies(articles, settings, engine))
        ours_seconds = time.perf_counter() - start
        start = time.perf_counter()
        theirs = datasketch_groups(articles)
        theirs_seconds = time.perf_counter() - start
        name = {"en": "English (dev-data sentences)", "zh": "Chinese (synthetic sentences, no spaces)"}[builder.language]
        print(f"\n{name}: {len(articles)} articles; storyfold {ours_seconds:.1f} s, datasketch {theirs_seconds:.1f} s")
        print(f"  {'reprint kind':<22} {'storyfold':>12} {'datasketch':>12}")
        (found_ours, false_ours), (found_theirs, false_theirs) = score(builder, ours), score(builder, theirs)
        for kind in KINDS:
            print(f"  {kind:<22} {found_ours[kind]:>5}/{args.per_kind:<6} {found_theirs[kind]:>5}/{args.per_kind:<6}")
        print(f"  {'false links':<22} {'':>12} {'':>12}")
        for kind in sorted(set(false_ours) | set(false_theirs) | set(NEAR_MISSES) | {"unrelated"}):
            print(f"    {kind:<20} {false_ours[kind]:>12} {false_theirs[kind]:>12}")
        for label, found, false in (("storyfold", found_ours, false_ours), ("datasketch", found_theirs, false_theirs)):
            totals[label][0] += sum(found.values())
            totals[label][1] += len(builder.reprint_of)
            totals[label][2] += sum(false.values())
    print()
    for label, (found, planted, false) in totals.items():
        print(f"{label:<10} all reprints found {found}/{planted} ({found / max(1, planted):.4f}); false links {false}")


if __name__ == "__main__":
    main()
