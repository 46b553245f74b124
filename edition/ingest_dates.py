"""Dates, times and places as typed in memoranda → ISO values (and the local offset, where known)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS = {m[:3].lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August",
     "September", "October", "November", "December"], start=1)}
_MONTH = r"(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
DATE_PATTERNS = [
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2}),?\s+(?P<year>(?:19|20)\d\d)", re.I),   # May 31, 1988
    re.compile(r"(?P<day>\d{1,2})\s+" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)", re.I),  # 31 May 1988
    re.compile(r"(?P<year>(?:19|20)\d\d)-(?P<mm>\d\d)-(?P<day>\d\d)"),  # 1988-05-31
]
NUMERIC_DATE = re.compile(r"(?<![\d/])(?P<mm>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{2}|\d{4})(?![\d/])")
_CLOCK = r"(?P<{h}>\d{{1,2}})(?:[:.](?P<{m}>\d\d))?\s*(?P<{ap}>[ap]\.?\s?m\.?(?![a-z]))?"
TIME_RANGE = re.compile(
    _CLOCK.format(h="h1", m="m1", ap="ap1") + r"\s*(?:-|–|to)\s*" + _CLOCK.format(h="h2", m="m2", ap="ap2"), re.I)
TIME_SINGLE = re.compile(r"(?P<h1>\d{1,2})[:.](?P<m1>\d\d)\s*(?P<ap1>[ap]\.?\s?m\.?(?![a-z]))?", re.I)

# Where a memo was written → the IANA zone that gives the local offset of that day.
PLACE_ZONES = [
    (re.compile(r"\b(Kremlin|Moscow)\b", re.I), "Moscow", "Europe/Moscow"),
    (re.compile(r"\b(White House|Oval Office|Cabinet Room|Situation Room|Executive Office Building|Washington)\b", re.I),
     "Washington", "America/New_York"),
    (re.compile(r"\bNew York\b", re.I), "New York", "America/New_York"),
    (re.compile(r"\bGeneva\b", re.I), "Geneva", "Europe/Zurich"),
    (re.compile(r"\bReykjavik\b", re.I), "Reykjavik", "Atlantic/Reykjavik"),
    (re.compile(r"\bLondon\b", re.I), "London", "Europe/London"),
    (re.compile(r"\bParis\b", re.I), "Paris", "Europe/Paris"),
    (re.compile(r"\bBonn\b", re.I), "Bonn", "Europe/Berlin"),
]


@dataclass(frozen=True)
class Found:
    """A value recognised in a string, with its span there."""

    value: str
    start: int
    end: int


@dataclass(frozen=True)
class TimeRange:
    start: str  # hh:mm:ss
    end: str | None
    span: tuple[int, int]


def find_date(text: str) -> Found | None:
    """First written date in *text* → ISO: ``"May 31, 1988"`` → ``"1988-05-31"``."""
    for pattern in DATE_PATTERNS:
        match = pattern.search(text)
        if match and (iso := _iso(match)):
            return Found(iso, match.start(), match.end())
    return None


def find_numeric_date(text: str) -> Found | None:
    """A stamp date ``8/29/00`` → ``2000-08-29`` (two-digit years: 00–29 are 20xx)."""
    match = NUMERIC_DATE.search(text)
    if not match:
        return None
    year = int(match["year"])
    if year < 100:
        year += 2000 if year < 30 else 1900
    iso = _valid(year, int(match["mm"]), int(match["day"]))
    return Found(iso, match.start(), match.end()) if iso else None


def find_time(text: str) -> TimeRange | None:
    """``"10:08 - 11:07 a.m."`` → 10:08:00–11:07:00; a single ``"3:15 p.m."`` → start only."""
    match = TIME_RANGE.search(text)
    if match and (match["m1"] or match["m2"] or match["ap1"] or match["ap2"]):
        h1, h2 = _hour(match["h1"], match["ap1"] or match["ap2"]), _hour(match["h2"], match["ap2"])
        if match["ap1"] is None and h1 > h2 and h1 >= 12:
            h1 -= 12  # "11:30 - 12:15 p.m.": the start is still morning
        start, end = _clock(h1, match["m1"]), _clock(h2, match["m2"])
        if start and end:
            return TimeRange(start, end, (match.start(), match.end()))
    match = TIME_SINGLE.search(text)
    if match and (start := _clock(_hour(match["h1"], match["ap1"]), match["m1"])):
        return TimeRange(start, None, (match.start(), match.end()))
    return None


def place_zone(place: str) -> tuple[str, str] | None:
    """The city and IANA zone of a known meeting place, else None."""
    for pattern, city, zone in PLACE_ZONES:
        if pattern.search(place):
            return city, zone
    return None


def local_offset(day: str, clock: str, zone: str) -> str | None:
    """``("1988-05-31", "10:08:00", "Europe/Moscow")`` → ``"+04:00"``; None without tz data."""
    try:
        moment = datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return None
    seconds = int(moment.utcoffset().total_seconds())
    sign, seconds = ("+" if seconds >= 0 else "-"), abs(seconds)
    return f"{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def human_date(iso: str) -> str:
    """``"1988-05-31"`` → ``"31 May 1988"``."""
    day = date.fromisoformat(iso)
    return f"{day.day} {day.strftime('%B')} {day.year}"


def _iso(match) -> str | None:
    month = int(match["mm"]) if "mm" in match.groupdict() and match["mm"] else MONTHS[match["month"][:3].lower()]
    return _valid(int(match["year"]), month, int(match["day"]))


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _hour(hour: str, meridiem: str | None) -> int:
    h = int(hour)
    if meridiem and meridiem[0].lower() == "p" and h < 12:
        return h + 12
    if meridiem and meridiem[0].lower() == "a" and h == 12:
        return 0
    return h


def _clock(hour: int, minute: str | None) -> str | None:
    m = int(minute or 0)
    return f"{hour:02d}:{m:02d}:00" if 0 <= hour < 24 and 0 <= m < 60 else None
