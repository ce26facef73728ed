"""Publication dates as feeds and scrapers write them, read into ISO 8601.

:func:`parse_published` turns a date value into ISO 8601: a datetime with its UTC offset
(``2024-03-07T08:30:00-05:00``) or, when only the day is known, a plain date
(``2024-03-07``). A time given without a zone is taken as UTC. Forms read:

* ISO 8601 / RFC 3339 (``2024-03-07T08:30:00Z``, ``2024-03-07 08:30``, ``20240307``);
* RFC 822 / 1123 / 2822, the RSS form, with numeric zones or zone names
  (``Thu, 07 Mar 2024 08:30:00 EST``; names in :data:`ZONE_OFFSETS`);
* slashes and dots (``2024/3/7 08:30:00``, ``3/7/2024``; a day-first order is a setting);
* written-out months (``March 7, 2024``, ``7 March 2024 8:30 am PDT``);
* epoch seconds and milliseconds, as numbers or digit strings (``1709818200``,
  ``1709818200000``);
* CJK dates (``2024年3月7日 8時30分``).

Everything past the ISO and RFC 822 fast paths is read by python-dateutil's parser. A value
without a year or a day (``March 2024``, ``Thursday``) or outside the years
:data:`MIN_YEAR`..:data:`MAX_YEAR` is unreadable: :func:`parse_published` raises
:class:`UnreadableDate`, and ingest keeps the article undated with a warning.
"""

from __future__ import annotations

import email.utils
import functools
import math
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

__all__ = ["ZONE_OFFSETS", "MIN_YEAR", "MAX_YEAR", "UnreadableDate", "parse_published"]

MIN_YEAR = 1900
MAX_YEAR = 2200

#: Zone names news feeds write, as hours from UTC: RFC 822's own (UT, GMT, EST...PDT) and
#: common ones of news sites. Ambiguous names take their most common news use (IST: India).
ZONE_OFFSETS: dict[str, float] = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "IST": 5.5,
    "CET": 1, "CEST": 2, "MET": 1, "MEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5,
    "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "PHT": 8, "WIB": 7, "ICT": 7, "PKT": 5,
    "AEST": 10, "AEDT": 11, "ACST": 9.5, "ACDT": 10.5, "AWST": 8, "NZST": 12, "NZDT": 13,
    "SAST": 2, "CAT": 2, "EAT": 3, "WAT": 1, "BRT": -3, "ART": -3,
    # US sites' zone without daylight saving ("2:15 p.m. ET"): standard time, so a summer
    # time is an hour off; the day is what grouping reads.
    "ET": -5, "CT": -6, "MT": -7, "PT": -8,
}


class UnreadableDate(ValueError):
    """A date value that names no day (the message says why)."""


_ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}")
_DIGITS = re.compile(r"[+-]?\d+(?:\.\d+)?")
_CJK = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\D{0,6}?(\d{1,2})\s*[:：時时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?"
)
# RFC 822 zone names past what email.utils reads, and all-caps names in free text.
_ZONE_NAME = re.compile(r"\b([A-Z]{2,5})\b")
_NOON = re.compile(r"\b(?:noon|midday)\b", re.I)
_DOTTED_DAY_FIRST = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}\b")  # 07.03.2024: written day first wherever dots are used


def parse_published(value: Any, *, dayfirst: bool = False) -> str | None:
    """ISO 8601 of a publication date value; None for a missing or empty one.

    Args:
        value: a string, or a number of epoch seconds (milliseconds past 1e11), as a
            record holds it; None and "" give None.
        dayfirst: read ``07/03/2024`` as 7 March (else as July 3).

    Returns:
        ``YYYY-MM-DDTHH:MM:SS±HH:MM`` (seconds fraction kept when given) or ``YYYY-MM-DD``.

    Raises:
        UnreadableDate: the value names no day (garbage, no year or day, a year out of range).

    Example:
        >>> parse_published("Thu, 07 Mar 2024 08:30:00 EST")
        '2024-03-07T08:30:00-05:00'
        >>> parse_published("2024/3/7 08:30:00"), parse_published("March 7, 2024")
        ('2024-03-07T08:30:00+00:00', '2024-03-07')
        >>> parse_published(1709818200), parse_published("1709818200000")
        ('2024-03-07T13:30:00+00:00', '2024-03-07T13:30:00+00:00')
    """
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise UnreadableDate(f"{value!r} is not a date")
    if isinstance(value, (int, float)):
        return _epoch(float(value))
    if not isinstance(value, str):
        raise UnreadableDate(f"expected a string or a number, got {type(value).__name__}")
    text = value.strip()
    if not text:
        return None
    if _ISO_START.match(text):  # fast path: ISO 8601 / RFC 3339
        try:
            return _format(datetime.fromisoformat(text.replace("z", "Z")), has_time=len(text) > 10)
        except ValueError:
            pass
    if _DIGITS.fullmatch(text):
        return _digits(text)
    cjk = _CJK.search(text)
    if cjk:
        return _cjk(cjk)
    if "," in text[:5] or text[:3].isalpha():  # RFC 822 / 2822, the RSS form
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            moment = None
        if moment is not None and _zone_is_known(text, moment):
            return _format(moment, has_time=True)
    return _dateutil(text, dayfirst)


def _format(moment: datetime | date, *, has_time: bool) -> str:
    if isinstance(moment, datetime) and not (MIN_YEAR <= moment.year <= MAX_YEAR):
        raise UnreadableDate(f"year {moment.year} is outside {MIN_YEAR}..{MAX_YEAR}")
    if not isinstance(moment, datetime):
        if not (MIN_YEAR <= moment.year <= MAX_YEAR):
            raise UnreadableDate(f"year {moment.year} is outside {MIN_YEAR}..{MAX_YEAR}")
        return moment.isoformat()
    if not has_time:
        return moment.date().isoformat()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.isoformat()


def _epoch(number: float) -> str:
    if not math.isfinite(number) or number < 0:
        raise UnreadableDate(f"{number!r} is not an epoch time")
    seconds = number / 1000 if number >= 1e11 else number
    try:
        moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise UnreadableDate(f"{number!r} is not an epoch time") from None
    return _format(moment.replace(microsecond=0) if seconds == int(seconds) else moment, has_time=True)


def _digits(text: str) -> str:
    if len(text) == 8 and text.isdigit():  # 20240307
        try:
            return _format(date(int(text[:4]), int(text[4:6]), int(text[6:])), has_time=False)
        except ValueError:
            pass
    if len(text) == 14 and text.isdigit():  # 20240307083000
        try:
            return _format(datetime.strptime(text, "%Y%m%d%H%M%S"), has_time=True)
        except ValueError:
            pass
    number = float(text)
    if number < 1e8:  # under 1973-03-03 as seconds: a count, not a date
        raise UnreadableDate(f"{text!r} is not a date")
    return _epoch(number)


def _cjk(match: re.Match[str]) -> str:
    year, month, day, hour, minute, second = match.groups()
    try:
        if hour is None:
            return _format(date(int(year), int(month), int(day)), has_time=False)
        # CJK news sites write local time without a zone; it stays without one (UTC assumed, as for any naive time).
        return _format(datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0)), has_time=True)
    except ValueError as exc:
        raise UnreadableDate(str(exc)) from None


def _zone_is_known(text: str, moment: datetime) -> bool:
    """email.utils reads an unknown zone name as -0000 (UTC, "no zone"): accept that only
    when the text names UTC or no zone at all."""
    if moment.utcoffset() != timedelta(0):
        return True
    names = [n for n in _ZONE_NAME.findall(text) if n not in _MONTHS_DAYS]
    return not names or all(ZONE_OFFSETS.get(n) == 0 for n in names)


_MONTHS_DAYS = frozenset("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC MON TUE WED THU FRI SAT SUN AM PM".split())


@functools.lru_cache(maxsize=1)
def _parser_setup() -> tuple[Any, dict[str, Any], datetime, datetime]:
    from dateutil import parser, tz  # lazy: only dates past the fast paths need it

    tzinfos = {name: tz.tzoffset(name, int(hours * 3600)) for name, hours in ZONE_OFFSETS.items()}
    # Two defaults that differ in every field: a field the text leaves out differs between them.
    return parser.parser(), tzinfos, datetime(2000, 1, 1, 0, 0, 0), datetime(2001, 2, 2, 1, 1, 1)


def _dateutil(text: str, dayfirst: bool) -> str:
    """dateutil's reading, strict first, then fuzzy (skipping words such as "Updated:")."""
    import warnings

    parser, tzinfos, first, second = _parser_setup()
    cleaned = _NOON.sub("12:00", text)
    dayfirst = dayfirst or bool(_DOTTED_DAY_FIRST.match(cleaned))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an unknown zone name: the time is read as UTC
        for fuzzy in (False, True):
            try:
                a = parser.parse(cleaned, default=first, tzinfos=tzinfos, dayfirst=dayfirst, fuzzy=fuzzy)
                b = parser.parse(cleaned, default=second, tzinfos=tzinfos, dayfirst=dayfirst, fuzzy=fuzzy)
                break
            except (ValueError, OverflowError, TypeError) as exc:
                error = exc
        else:
            raise UnreadableDate("not a date form storyfold reads") from error
    if a.year != b.year:
        raise UnreadableDate("no year")
    if a.day != b.day or a.month != b.month:
        raise UnreadableDate("no day")
    if a.hour != b.hour:
        return _format(a, has_time=False)
    if a.tzinfo is not None:
        a = a.astimezone(timezone(a.utcoffset()))  # type: ignore[arg-type]
    return _format(a, has_time=True)
