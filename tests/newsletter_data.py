"""Small inputs for the newsletter tests: a JSONL corpus with links and dates, and a
digest with every field a rendered issue can show (publishers, evidence, disputes, status)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

QUAKE_TEXT = (
    "A magnitude 7.1 earthquake struck off the coast of Chile on Tuesday, killing at least 12 people and destroying "
    "hundreds of homes in the port city of Valparaiso. Rescue teams searched collapsed buildings overnight. President "
    "Gabriel Boric declared a state of emergency in the region and sent troops to help. The quake was felt as far away "
    "as Santiago, officials said."
)
RECORDS: list[dict[str, Any]] = [
    {"id": "quake-ap", "source": "AP", "url": "https://apnews.example/chile-quake", "published": "2024-03-05T09:00:00Z",
     "title": "Magnitude 7.1 quake kills 12 in Chile", "text": QUAKE_TEXT},
    {"id": "quake-herald", "source": "Valley Herald", "url": "https://herald.example/world/chile-quake", "published": "2024-03-05T11:00:00Z",
     "title": "Magnitude 7.1 quake kills 12 in Chile", "text": QUAKE_TEXT},
    {"id": "quake-bbc", "source": "BBC", "url": "https://bbc.example/news/chile-quake", "published": "2024-03-06T08:00:00Z",
     "title": "Chile earthquake: at least 12 dead near Valparaiso",
     "text": "At least 12 people died when a powerful 7.1 magnitude earthquake hit Chile's coast near Valparaiso on Tuesday. "
             "Hundreds of homes were destroyed and rescuers dug through rubble through the night. Chile's President Gabriel "
             "Boric announced a state of emergency and deployed the army. Residents of Santiago also felt strong shaking."},
    {"id": "vote-reuters", "source": "Reuters", "url": "https://reuters.example/norway-vote", "published": "2024-03-04T20:00:00Z",
     "title": "Norway's Labour wins 48 seats, ending Conservative rule",
     "text": "Voters in Norway elected a new parliament on Monday, handing the Labour Party 48 seats and ending eight years of "
             "Conservative government. Labour leader Jonas Gahr Store is expected to form a coalition. Turnout reached 77 "
             "percent, the electoral commission said."},
    {"id": "vote-guardian", "source": "The Guardian", "url": "https://guardian.example/world/norway-election", "published": "2024-03-05T07:30:00Z",
     "title": "Labour ousts Conservatives in Norway election",
     "text": "Norway's Labour Party won 48 seats in Monday's parliamentary election, ousting the Conservatives after eight "
             "years in power. Jonas Gahr Store will now try to build a coalition government. The electoral commission put "
             "turnout at 77 percent."},
]


def write_corpus(folder: Path) -> Path:
    """The records as one JSONL file in ``folder``; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "news.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), "utf-8")
    return path


def _article(article_id: str, publisher: str, url: str, published: str, title: str) -> dict[str, Any]:
    return {"id": article_id, "title": title, "url": url, "published": published, "publisher": publisher, "language": "en"}


def full_digest() -> dict[str, Any]:
    """A digest with publishers, copies, evidence, disputes and store status."""
    return {
        "schema": "storyfold.digest/2",
        "stories": [
            {
                "id": "story-blast",
                "title": "Blast at Harbor Street fuel depot",
                "status": "new",
                "first_seen": "2024-03-06T00:00:00Z",
                "last_seen": "2024-03-06T00:00:00Z",
                "article_ids": ["blast-a", "blast-b", "blast-c"],
                "copies": {"blast-c": "blast-a"},
                "sources": ["Coast Times", "Metro Daily", "Port Gazette"],
                "independent_sources": 2,
                "summary": "An explosion at a fuel depot on Harbor Street injured 40 people on Wednesday.",
                "summary_method": "extractive",
                "articles": [
                    _article("blast-a", "Metro Daily", "https://metro.example/blast", "2024-03-06T08:00:00Z", "Depot blast kills 12"),
                    _article("blast-b", "Coast Times", "https://coast.example/news/blast", "2024-03-07T09:00:00Z", "Fuel depot explosion: 15 dead"),
                    _article("blast-c", "Port Gazette", "https://gazette.example/blast-copy", "2024-03-06T10:00:00Z", "Depot blast kills 12"),
                ],
                "facts": [
                    {"text": "The explosion injured 40 people.", "source_count": 2, "article_ids": ["blast-a", "blast-b"],
                     "sources": ["Coast Times", "Metro Daily"], "salience": 0.8,
                     "evidence": [{"article_id": "blast-a", "source": "Metro Daily", "text": "40 people were injured."},
                                  {"article_id": "blast-b", "source": "Coast Times", "text": "It injured 40."}]},
                    {"text": "Firefighters put out the blaze by noon.", "source_count": 1, "article_ids": ["blast-b"],
                     "sources": ["Coast Times"], "salience": 0.4},
                ],
                "disputes": [
                    {"about": "The death toll",
                     "sides": [{"claim": "killed 12", "article_ids": ["blast-a"], "sources": ["Metro Daily"]},
                               {"claim": "killed 15", "article_ids": ["blast-b"], "sources": ["Coast Times"]}]},
                ],
            },
            {
                "id": "story-ferry",
                "title": "Ferry service resumes after storm",
                "status": "updated",
                "first_seen": "2024-03-05T00:00:00Z",
                "last_seen": "2024-03-07T00:00:00Z",
                "article_ids": ["ferry-a"],
                "copies": {},
                "sources": ["Island Post"],
                "independent_sources": 1,
                "summary": "Ferries between the islands run again after two days of storm.",
                "articles": [_article("ferry-a", "Island Post", "http://islandpost.example/ferry", "2024-03-07T06:00:00Z", "Ferries run again")],
                "facts": [{"text": "Ferries run again after two days.", "source_count": 1, "article_ids": ["ferry-a"], "sources": ["Island Post"]}],
            },
        ],
        "skipped": [],
        "stats": {"inputs": 4, "articles": 4, "in_stories": 4, "skipped": 0, "stories": 2},
    }


def hostile_digest() -> dict[str, Any]:
    """A digest whose every text tries to become markup, script or a dangerous link."""
    script = "<script>document.title='pwned'</script>"
    image = '<img src=x onerror="document.title=\'pwned\'">'
    return {
        "schema": "storyfold.digest/2",
        "stories": [
            {
                "id": 'x" onmouseover="alert(1)',
                "title": f"Title {script} *bold* [link](javascript:alert(1))",
                "summary": f"Summary {image} <a href='javascript:alert(1)'>click</a> ![img](https://evil.example/x.png)",
                "article_ids": ["a", "b"],
                "copies": {"b": "a"},
                "independent_sources": 1,
                "articles": [
                    {"id": "a", "title": f"Headline {script}", "url": "javascript:alert(document.cookie)", "publisher": f"Pub {image}"},
                    {"id": "b", "title": "Copy", "url": "data:text/html,<script>alert(1)</script>", "publisher": "Reprinter <b>bold</b>"},
                ],
                "facts": [{"text": f"Fact {script} | cell | break", "source_count": 1, "article_ids": ["a"], "sources": [f"Pub {image}"]}],
                "disputes": [{"about": f"About {image}", "sides": [{"claim": f"one {script}", "sources": ["<i>x</i>"]},
                                                                   {"claim": "two ` code `", "sources": ["y"]}]}],
            }
        ],
    }
