"""Dates in text and questions as periods: "May 2025" is the whole month, "2022" the whole year.

A question's period is compared with an article's publication date and with the dates its quote
mentions; both sides are periods, so "in May 2025" matches a passage dated 16 May 2025 or one that
says "in May 2025", and "last summer" is read relative to the newest article.
"""

from __future__ import annotations

import re
from calendar import month_name, monthrange
from dataclasses import dataclass
from datetime import date, timedelta

# The longest a day-or-month period lasts, in days past its first: a yearless day meets only such periods.
DAY_OR_MONTH_DAYS = 31
# Raised whenever `periods_in` reads dates it did not before, or `numbers_in` numbers: cached articles' dates and
# numbers are then read anew.
DATES_VERSION = 4  # 2: Russian and Ukrainian dates; 3: numbers with their unit written on ("$50bn", "30km");
# 4: days of one month written together ("October 28 and 29, 2023")
# Russian and Ukrainian month names: a stem and the endings dates give it ("16 мая", "в мае 2025", "3 березня").
_CYRILLIC_MONTHS = (
    (("январ", "ь я е"), ("січ", "ень ня ні")),
    (("феврал", "ь я е"), ("лют", "ий ого ому")),
    (("март", " а е"), ("берез", "ень ня ні")),
    (("апрел", "ь я е"), ("квіт", "ень ня ні")),
    (("ма", "й я е"), ("трав", "ень ня ні")),
    (("июн", "ь я е"), ("черв", "ень ня ні")),
    (("июл", "ь я е"), ("лип", "ень ня ні")),
    (("август", " а е"), ("серп", "ень ня ні")),
    (("сентябр", "ь я е"), ("верес", "ень ня ні")),
    (("октябр", "ь я е"), ("жовт", "ень ня ні")),
    (("ноябр", "ь я е"), ("листопад", " а і")),
    (("декабр", "ь я е"), ("груд", "ень ня ні")),
)
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
} | {
    stem + ending: number
    for number, forms in enumerate(_CYRILLIC_MONTHS, start=1)
    for stem, endings in forms
    for ending in endings.split(" ")
}
# The month names of MONTHS, factored by their first letters (much faster to scan for than a flat list); texts
# are scanned in small letters. Russian and Ukrainian put the day first ("16 мая"): "мая 30" is no date.
_ENGLISH_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_CYRILLIC_MONTH = "|".join(
    f"{stem}(?:{'|'.join(endings.split(' '))})" for forms in _CYRILLIC_MONTHS for stem, endings in forms
)
_MONTH_FIRST = rf"(?P<month>{_ENGLISH_MONTH})\.?"
_MONTH = rf"(?P<month>{_ENGLISH_MONTH}|{_CYRILLIC_MONTH})\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
# Most specific first; each match is removed before the next pattern looks.
# A second day of the same month: a range ("28-29", "5 to 7", «с 5 по 7»), or, after "and", the next day ("28 and 29";
# "May 5 and 12" are two days, not the week between).
_AND_DAY = r"\s*(?P<joint>-|–|—|to|through|по|and|и|і|та)\s*(?P<last>[0-3]?\d)(?:st|nd|rd|th)?"
_PATTERNS = [
    re.compile(r"\b(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})\b"),
    # Days of one month: "October 28 and 29, 2023", "28–29 October 2023", «28–29 октября 2023 года». Otherwise read
    # as one day, "October 28", and a whole year, "2023", which meets any month of 2023 a question asks of.
    re.compile(rf"\b{_MONTH_FIRST}\s+{_DAY}{_AND_DAY},?\s+{_YEAR}\b"),
    re.compile(rf"\b{_DAY}{_AND_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b"),
    re.compile(rf"\b{_MONTH_FIRST}\s+{_DAY},?\s+{_YEAR}\b"),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b"),
    re.compile(rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}\b"),
    re.compile(rf"\b{_MONTH_FIRST}\s+{_DAY}\b(?!\s*(?:,\s*)?\d)"),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b"),
    re.compile(rf"(?<![\d,.-]){_YEAR}(?![\d-])"),
]
_DIGIT = re.compile(r"\d")
_SEASONS = {"winter": (12, 2), "spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11)}
_RELATIVE = re.compile(r"\b(last|this|past)\s+(year|month|week|winter|spring|summer|autumn|fall)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """A span of days, both ends included, with the words it was written as.

    A day written without its year ("on March 3") is `yearless`: its year is the latest one by the text's
    reference, and it meets its day in any year.
    """

    start: date
    end: date
    text: str
    yearless: bool = False

    def overlaps(self, other: Period, slack_days: int = 0) -> bool:
        """Whether the two periods share a day, allowing `slack_days` after this one's end."""
        return self.start <= other.end and other.start <= self.end + timedelta(days=slack_days)

    @property
    def whole_year(self) -> bool:
        """Whether the period is one calendar year, 1 January to 31 December."""
        return self.start == date(self.start.year, 1, 1) and self.end == date(self.start.year, 12, 31)

    def meets(self, other: Period, slack_days: int = 0) -> bool:
        """`overlaps`, where a yearless day is its day in any year of a day or a month `other` is (a whole year
        says nothing of a day: it meets only the year the day was read in)."""
        if not self.yearless or (other.end - other.start).days > DAY_OR_MONTH_DAYS:
            return self.overlaps(other, slack_days)
        return any(
            day is not None and day.overlaps(other, slack_days)
            for day in (self.in_year(year) for year in range(other.start.year - 1, other.end.year + 1))
        )

    def in_year(self, year: int) -> Period | None:
        """A yearless day in another year (None where it has none: 29 February)."""
        try:
            day = self.start.replace(year=year)
        except ValueError:
            return None
        return Period(day, day, self.text)

    @property
    def label(self) -> str:
        """The period in words: '16 May 2025', '16 May' (written without its year), 'May 2025' or '2025'."""
        if self.yearless:
            return f"{self.start.day} {month_name[self.start.month]}"
        if self.start == self.end:
            return f"{self.start.day} {month_name[self.start.month]} {self.start.year}"
        if self.whole_year:
            return str(self.start.year)
        if self.start.day == 1 and self.start.month == self.end.month and self.start.year == self.end.year:
            return f"{month_name[self.start.month]} {self.start.year}"
        return self.text


def small_letters(text: str) -> str:
    """The text in small letters, character for character: a letter whose small form is longer ("İ") stays as it
    is, so positions and word boundaries are the text's."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def periods_in(text: str, reference: date | None = None) -> list[Period]:
    """Every date the text writes, most specific first; a day without a year is the latest one by `reference`."""
    found: list[Period] = []
    if not _DIGIT.search(text):  # every date has a digit
        return found
    scanned = small_letters(text)
    for pattern in _PATTERNS:
        taken = []
        for m in pattern.finditer(scanned):
            period = _period(m, text[m.start() : m.end()], reference)
            if period is not None:
                found.append(period)
                taken.append(m.span())
        for start, end in taken:
            scanned = f"{scanned[:start]}{' ' * (end - start)}{scanned[end:]}"
    return found


def relative_periods(text: str, today: date) -> list[Period]:
    """'last year', 'this month', 'last summer'… as periods, relative to `today` (the newest article's date)."""
    found = []
    for which, unit in (m.groups() for m in _RELATIVE.finditer(text)):
        back = which.lower() in ("last", "past")
        unit = unit.lower()
        words = f"{which} {unit}"
        if unit == "year":
            year = today.year - back
            found.append(Period(date(year, 1, 1), date(year, 12, 31), words))
        elif unit == "month":
            first = today.replace(day=1)
            if back:
                first = (first - timedelta(days=1)).replace(day=1)
            found.append(_month(first.year, first.month, words))
        elif unit == "week":
            end = today if not back else today - timedelta(days=today.weekday() + 1)
            found.append(Period(end - timedelta(days=6), end, words))
        else:
            found.append(_season(unit, back, today, words))
    return found


def _season(name: str, last: bool, today: date, words: str) -> Period:
    """The season named: 'last' is the latest one that has ended, 'this' the one of this year (or under way)."""
    first, final = _SEASONS[name]
    # The season's end year: winter (December to February) ends in the year after it starts.
    end_year = today.year
    if last and (today.month, today.day) <= (final, 31) or (not last and first == 12 and today.month == 12):
        end_year = today.year - 1 if last else today.year + 1
    start_year = end_year - 1 if first == 12 else end_year
    return Period(date(start_year, first, 1), _month(end_year, final, words).end, words)


def placed_in_year(periods: list[Period]) -> list[Period]:
    """A question's periods, a day asked without its year put in the one year it also names: "on February 24 in
    2022", "on May 16 last year" (that year then goes: it said only which February 24)."""
    years = [p for p in periods if p.whole_year]
    days = [p for p in periods if p.yearless]
    if len(years) != 1 or not days or any(d.in_year(years[0].start.year) is None for d in days):
        return periods  # no day to place, or one that year has not (29 February 2023): all as asked
    year = years[0].start.year
    return [(p.in_year(year) or p) if p.yearless else p for p in periods if p is not years[0]]


def published_period(published: str | None) -> Period | None:
    """An article's ISO publication date as a one-day period."""
    if not published:
        return None
    try:
        day = date.fromisoformat(published[:10])
    except ValueError:
        return None
    return Period(day, day, published[:10])


def _period(m: re.Match[str], written: str, reference: date | None) -> Period | None:
    groups = m.groupdict()
    year = int(groups["year"]) if groups.get("year") else (reference.year if reference else None)
    if year is None:
        return None
    month = int(groups["mnum"]) if groups.get("mnum") else MONTHS.get((groups.get("month") or "").lower())
    try:
        if month is None:
            return Period(date(year, 1, 1), date(year, 12, 31), written)
        if groups.get("day"):
            if groups.get("year"):
                day = date(year, month, int(groups["day"]))
                last = date(year, month, int(groups["last"])) if groups.get("last") else day
                consecutive = groups.get("joint") not in ("and", "и", "і", "та") or (last - day).days == 1
                if last < day or not consecutive:
                    return None  # "31 and 1 May", "May 5 and 12": read by the patterns after, as days of their own
                return Period(day, last, written)
            day = _latest(month, int(groups["day"]), year)
            if reference is not None and day > reference + timedelta(days=7):
                day = _latest(month, day.day, day.year - 1)  # "on December 28" in a January article: the last one
            return Period(day, day, written, yearless=True)
        return _month(year, month, written)
    except ValueError:  # 31 February and the like
        return None


def _latest(month: int, day: int, year: int) -> date:
    """The day in `year`, or in the latest year before it that has it (29 February); ValueError if none does."""
    for back in range(8):  # leap years are at most 8 years apart
        try:
            return date(year - back, month, day)
        except ValueError:
            if (month, day) != (2, 29):
                raise
    raise ValueError(f"no {day}/{month} before {year}")


def _month(year: int, month: int, text: str) -> Period:
    return Period(date(year, month, 1), date(year, month, monthrange(year, month)[1]), text)
