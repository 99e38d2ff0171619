"""Calendar dates as Copper writes them ("M/D/YYYY", an opportunity's `close_date`), and
the Unix seconds they are filtered and sorted by."""

from __future__ import annotations

import calendar
import re
from datetime import date

_US = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*")
_ISO = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})\s*")


def parse_date(text: object) -> date | None:
    """The date of "M/D/YYYY" (zero padding optional) or "YYYY-MM-DD" text, else None."""
    if not isinstance(text, str):
        return None
    found = _US.fullmatch(text)
    if found:
        month, day, year = (int(part) for part in found.groups())
    else:
        found = _ISO.fullmatch(text)
        if not found:
            return None
        year, month, day = (int(part) for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def copper_date(day: date) -> str:
    """How Copper shows a date: "1/15/2018"."""
    return f"{day.month}/{day.day}/{day.year}"


def date_seconds(text: object) -> int | None:
    """Unix seconds at midnight UTC of a date written as `parse_date` reads it, else None."""
    day = parse_date(text)
    return None if day is None else calendar.timegm(day.timetuple())
