"""Two days of news for the story store tests: day 1, then day 2 with follow-ups and new stories."""

from __future__ import annotations

import json
from pathlib import Path

# (id, source, url, title, text)
DAY1_DATE = "2024-03-04T09:00:00+00:00"
DAY2_DATE = "2024-03-05T09:00:00+00:00"

QUAKE_AP = (
    "A magnitude 7.1 earthquake struck off the coast of Chile on Monday, killing at least 12 people and destroying "
    "hundreds of homes in the port city of Valparaiso. Rescue teams searched collapsed buildings overnight. "
    "President Gabriel Boric declared a state of emergency in the Valparaiso region and sent troops to help. "
    "The quake was felt as far away as Santiago, officials said."
)

DAY1 = [
    ("quake-ap", "AP", "https://apnews.com/2024/03/04/chile-earthquake-valparaiso", "Chile earthquake kills 12 in Valparaiso", QUAKE_AP),
    ("quake-yahoo", "Yahoo News", "https://news.yahoo.com/chile-earthquake-kills-12", "Chile earthquake kills 12 in Valparaiso", QUAKE_AP),
    ("quake-bbc", "BBC", "https://www.bbc.co.uk/news/world-latin-america-chile-quake",
     "Deadly 7.1 earthquake hits Chile's coast near Valparaiso",
     "At least 12 people died when a powerful 7.1 magnitude earthquake hit Chile's coast near Valparaiso on Monday. "
     "Hundreds of homes were destroyed and rescuers dug through rubble through the night. "
     "Chile's President Gabriel Boric announced a state of emergency and deployed the army. "
     "Residents of Santiago also felt strong shaking."),
    ("vote-reuters", "Reuters", "https://www.reuters.com/world/europe/norway-election-labour-wins-2024-03-04/",
     "Norway's Labour wins election, ending Conservative rule",
     "Voters in Norway elected a new parliament on Monday, handing the Labour Party 48 seats and ending eight years of "
     "Conservative government. Labour leader Jonas Gahr Store is expected to form a coalition. "
     "Turnout reached 77 percent, the electoral commission said."),
    ("vote-guardian", "The Guardian", "https://www.theguardian.com/world/2024/mar/04/norway-election-labour",
     "Labour ousts Conservatives in Norway's parliamentary election",
     "Norway's Labour Party won 48 seats in Monday's parliamentary election, ousting the Conservatives after eight years "
     "in power. Jonas Gahr Store will now try to build a coalition government. "
     "The electoral commission put turnout at 77 percent."),
    ("chip-techwire", "TechWire", "https://techwire.example.com/2024/03/04/intel-ohio-delay",
     "Intel delays Ohio chip factory to 2027",
     "Intel said on Monday it would delay the opening of its $20 billion semiconductor factory near Columbus, Ohio, "
     "until 2027, citing slower demand for chips and uncertainty over federal subsidies. The plant had been due to "
     "start production in 2025. Intel said construction would continue at a slower pace."),
    ("chip-dispatch", "Columbus Dispatch", "https://www.dispatch.com/2024/03/04/intel-new-albany-plant-delayed",
     "Intel pushes back New Albany chip plant opening",
     "The $20 billion Intel semiconductor plant in New Albany near Columbus will not open before 2027, the company said "
     "Monday, two years later than planned. Intel blamed weaker demand for chips and the slow arrival of federal subsidies. "
     "Work on the site will continue, but more slowly."),
    ("cup-sport", "Sport Daily", "https://sportdaily.example.com/2024/03/04/league-cup-final",
     "Liverpool beat Chelsea 1-0 to win the League Cup",
     "Virgil van Dijk headed the only goal in extra time as Liverpool beat Chelsea 1-0 in the League Cup final at Wembley "
     "on Sunday. Jurgen Klopp's injury-hit side, fielding several teenagers, lifted the trophy for a record tenth time."),
]

DAY2 = [
    ("quake-ap-2", "AP", "https://apnews.com/2024/03/05/chile-earthquake-death-toll",
     "Death toll in Chile earthquake rises to 31",
     "The death toll from Monday's magnitude 7.1 earthquake in Chile rose to 31 on Tuesday as rescuers in Valparaiso "
     "pulled more bodies from collapsed buildings. President Gabriel Boric visited the port city and promised to rebuild "
     "the hundreds of homes destroyed. A state of emergency remains in force in the Valparaiso region."),
    ("quake-reuters-2", "Reuters", "https://www.reuters.com/world/americas/chile-quake-toll-rises-2024-03-05/",
     "Chile quake toll climbs to 31 as Boric visits Valparaiso",
     "Rescuers in Valparaiso found more victims of Monday's 7.1 magnitude earthquake, raising the death toll to 31, "
     "Chilean officials said on Tuesday. President Gabriel Boric toured the destroyed neighbourhoods of the port city "
     "and said the state of emergency in the Valparaiso region would stay in place."),
    ("vote-ap-2", "AP", "https://apnews.com/2024/03/05/norway-labour-coalition-talks",
     "Norway's Labour opens coalition talks after election win",
     "Jonas Gahr Store, whose Labour Party won 48 seats in Norway's parliamentary election, opened coalition talks on "
     "Tuesday with the Centre Party and the Socialist Left. Store said he hoped to form a government within weeks, "
     "ending eight years of Conservative rule."),
    ("ecb-reuters", "Reuters", "https://www.reuters.com/markets/europe/ecb-holds-rates-2024-03-05/",
     "ECB holds interest rates at record high of 4 percent",
     "The European Central Bank kept its deposit rate at a record high of 4 percent on Tuesday and said inflation in the "
     "euro zone was falling faster than expected. ECB President Christine Lagarde said it was too early to discuss "
     "cutting interest rates, but economists expect a first cut in June."),
    ("ecb-ft", "Financial Times", "https://www.ft.com/content/ecb-rates-lagarde-2024-03-05",
     "Lagarde says too early to cut as ECB keeps rates on hold",
     "Christine Lagarde said on Tuesday it was too early for the European Central Bank to cut interest rates, after "
     "policymakers left the deposit rate at a record 4 percent. Inflation in the euro zone is falling faster than "
     "expected, the ECB said, and markets now bet on a first cut in June."),
    ("fire-abc", "ABC News", "https://www.abc.net.au/news/2024-03-05/victoria-bushfire-grampians",
     "Bushfire in Victoria's Grampians forces thousands to evacuate",
     "A bushfire burning through the Grampians National Park in western Victoria forced thousands of residents to leave "
     "their homes on Tuesday. Firefighters said the blaze had burned more than 50,000 hectares and destroyed at least "
     "six houses near the town of Pomonal."),
    ("fire-guardian", "Guardian Australia", "https://www.theguardian.com/australia-news/2024/mar/05/grampians-fire-pomonal",
     "Grampians bushfire destroys homes near Pomonal as thousands flee",
     "Thousands of people fled the Grampians region of western Victoria on Tuesday as a bushfire that has burned more "
     "than 50,000 hectares destroyed at least six houses in Pomonal. Firefighters warned the blaze in the Grampians "
     "National Park could spread further as winds strengthen."),
    # The BBC article fetched again, and the AP article again under another id (its AMP page, same url).
    DAY1[2],
    ("quake-ap-amp", "AP", "https://apnews.com/2024/03/04/chile-earthquake-valparaiso", "Chile earthquake kills 12 in Valparaiso", QUAKE_AP),
]


def write_day(folder: Path, articles: list[tuple[str, str, str, str, str]], published: str) -> Path:
    """The articles as one JSONL file in ``folder``; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for article_id, source, url, title, text in articles:
        day = DAY1_DATE if article_id in {a[0] for a in DAY1} else published
        lines.append(json.dumps({"id": article_id, "source": source, "url": url, "title": title, "text": text, "published": day}))
    (folder / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
