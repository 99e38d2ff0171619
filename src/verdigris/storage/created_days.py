"""Records counted by the day they were created, in `value_counts` (field `created_day`).

A search by a created window alone (`minimum_created_date`, `maximum_created_date`,
`age`) reads its whole days from these counters and counts only the records of its two
partial days through the index (search/created_window.py): a window of 100,000 records
is a few hundred counters and a day's records at each end, not 100,000 index entries.

A day is a UTC day of Unix seconds (floor division, so a second before 1970 is in day
-1). Its counter value is the day shifted to be positive and written in a fixed width,
so that the text order of the values is the order of the days and a window of days is
one range of the counters' primary key, whatever the 64-bit seconds.
"""

from __future__ import annotations

CREATED_DAY = "created_day"
"""The counters' field (leads: also `all:created_day`)."""
DAY = 86_400
_SHIFT = 2**47
"""More than the days of any 64-bit second (2**63 / 86,400 < 2**47), and its double fits
in _WIDTH digits."""
_WIDTH = 15


def day_of(seconds: int) -> int:
    return seconds // DAY


def day_key(day: int) -> str:
    """The counter value of a day (its text order is the days' order)."""
    return str(day + _SHIFT).zfill(_WIDTH)
