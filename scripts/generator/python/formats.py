"""Exact checks of the contract's formats, the same accept sets as the TypeScript validators'
(scripts/generator/formats.ts): RFC 3339 date-times with a mandatory offset, full dates and UUIDs.
Python's own parsers are looser (pydantic takes a space for `T` and `+0500`)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

# The ranges of month, hour, minute, second and offset are in the expressions, so that only a day past
# the 28th and a leap second need Python code: these checks run for every event.
_YMD = r"([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_DATE_TIME = re.compile(
    _YMD + r"[Tt](?:[01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(?:\.([0-9]+))?"
    r"(?:([Zz])|([+-])([01][0-9]|2[0-3]):([0-5][0-9]))"
)
_DATE = re.compile(_YMD)
_HEX = "[0-9A-Fa-f]"
_UUID = re.compile(rf"(?:[Uu][Rr][Nn]:[Uu][Uu][Ii][Dd]:)?{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}")


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _is_date(match: re.Match[str]) -> bool:
    """Month and day are in range already; only the 29th to 31st depend on the month."""
    year, month, day = match.group(1, 2, 3)
    return day < "29" or int(day) <= _days_in_month(int(year), int(month))


def is_full_date(text: str) -> bool:
    """`YYYY-MM-DD`, a calendar-valid date (RFC 3339 full-date)."""
    match = _DATE.fullmatch(text)
    return match is not None and _is_date(match)


def is_uuid(text: str) -> bool:
    """`8-4-4-4-12` hexadecimal digits, either case, optionally after `urn:uuid:`."""
    return _UUID.fullmatch(text) is not None


def is_date_time(text: str) -> bool:
    """RFC 3339 `date-time`: a calendar-valid date, `T`, a time, optional fractions, a required offset."""
    match = _DATE_TIME.fullmatch(text)
    if match is None or not _is_date(match):
        return False
    # A leap second only ends a UTC minute (RFC 3339 section 5.7); with an offset, any local minute may.
    return match.group(5) != "60" or match.group(7) is None or match.group(4) == "59"


def parse_date_time(text: str) -> datetime | None:
    """The datetime of a valid RFC 3339 date-time, or None when Python cannot hold it (year 0, second 60)."""
    try:
        return datetime.fromisoformat(text)  # fast, in C; takes every common form once is_date_time has
    except ValueError:
        pass
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 date-time: {text!r}")
    if match.group(1) == "0000" or match.group(5) == "60":
        return None
    offset = timedelta(0)
    if match.group(8) is not None:
        offset = timedelta(hours=int(match.group(9)), minutes=int(match.group(10)))
        if match.group(8) == "-":
            offset = -offset
    fraction = (match.group(6) or "")[:6].ljust(6, "0")  # beyond microseconds: truncated
    hour = int(text[11:13])
    parts = (int(match.group(1)), int(match.group(2)), int(match.group(3)), hour, int(match.group(4)), int(match.group(5)))
    return datetime(*parts, int(fraction), tzinfo=timezone(offset))
