"""Exact checks of the contract's formats, the same accept sets as the TypeScript validators'
(scripts/generator/formats.ts): RFC 3339 date-times with a mandatory offset, full dates and UUIDs.
Python's own parsers are looser (pydantic takes a space for `T` and `+0500`)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?"
    r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))"
)
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_HEX = "[0-9A-Fa-f]"
_UUID = re.compile(rf"(?:[Uu][Rr][Nn]:[Uu][Uu][Ii][Dd]:)?{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}")


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _is_date(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)


def is_full_date(text: str) -> bool:
    """`YYYY-MM-DD`, a calendar-valid date (RFC 3339 full-date)."""
    match = _DATE.fullmatch(text)
    return match is not None and _is_date(*(int(part) for part in match.groups()))


def is_uuid(text: str) -> bool:
    """`8-4-4-4-12` hexadecimal digits, either case, optionally after `urn:uuid:`."""
    return _UUID.fullmatch(text) is not None


def is_date_time(text: str) -> bool:
    """RFC 3339 `date-time`: a calendar-valid date, `T`, a time, optional fractions, a required offset."""
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    if not _is_date(year, month, day) or hour > 23 or minute > 59 or second > 60:
        return False
    if match.group(8) is not None:  # Z: a leap second only ends a UTC minute (RFC 3339 section 5.7)
        return second != 60 or minute == 59
    return int(match.group(10)) <= 23 and int(match.group(11)) <= 59


def parse_date_time(text: str) -> datetime | None:
    """The datetime of a valid RFC 3339 date-time, or None when Python cannot hold it (year 0, second 60)."""
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 date-time: {text!r}")
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    if year == 0 or second == 60:
        return None
    micros = int((match.group(7) or "0")[:6].ljust(6, "0"))  # beyond microseconds: truncated
    offset = timedelta(0)
    if match.group(9) is not None:
        offset = timedelta(hours=int(match.group(10)), minutes=int(match.group(11)))
        if match.group(9) == "-":
            offset = -offset
    return datetime(year, month, day, hour, minute, second, micros, tzinfo=timezone(offset))
