"""The fields' native checks (pydantic-core's Rust regular expressions, custom error types) give the
verdicts of formats.py and of the Python checks they stand in for: the same error type and sentence, and
on JSON input (model_validate_json, the reader's fast path) the value that Python input gives."""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from trading_platform_events.codes import PATTERN_CODES, SIGNED_DECIMAL_PATTERN
from trading_platform_events.fields import (
    DATE_TIME_PATTERN,
    REPRESENTABLE_DATE_TIME_PATTERN,
    REPRESENTABLE_PATTERN,
    date_text,
    decimal_value,
    timestamp_text,
    timestamp_value,
    uuid_text,
)
from trading_platform_events.formats import is_date_time, is_full_date, is_uuid

ZERO_OR_MORE = next(pattern for pattern, code in PATTERN_CODES.items() if code == "decimal.negative")
DATE_TIME: TypeAdapter[Any] = TypeAdapter(Annotated[datetime, timestamp_value()], config={"strict": True})
DATE_TIME_TEXT: TypeAdapter[Any] = TypeAdapter(Annotated[str, timestamp_text()], config={"strict": True})
DATE: TypeAdapter[Any] = TypeAdapter(Annotated[str, date_text()], config={"strict": True})
UUID: TypeAdapter[Any] = TypeAdapter(Annotated[str, uuid_text()], config={"strict": True})
DECIMALS: list[TypeAdapter[Any]] = [
    TypeAdapter(Annotated[Decimal, decimal_value(pattern=ZERO_OR_MORE, max_length=64, nullable=False)], config={"strict": True}),
    TypeAdapter(Annotated[Decimal | None, decimal_value(pattern=SIGNED_DECIMAL_PATTERN, max_length=64, nullable=True)], config={"strict": True}),
]

digits = st.text("0123456789", min_size=1, max_size=3)
# Near misses: every part of a date-time drawn from a little more than its range, with the separators,
# fractions and offsets RFC 3339 allows and some that it does not.
near_date = st.builds(
    "{}-{}-{}".format,
    st.sampled_from(["0000", "0001", "1900", "2000", "2023", "2024", "2100", "2400", "9999", "199", "20245"]),
    st.sampled_from(["00", "01", "02", "04", "06", "09", "11", "12", "13", "1"]),
    st.sampled_from(["00", "01", "28", "29", "30", "31", "32", "9"]),
)
near_time = st.builds(
    "{}{}:{}:{}{}{}".format,
    st.sampled_from(["T", "t", " ", "_"]),
    st.sampled_from(["00", "09", "23", "24", "7"]),
    st.sampled_from(["00", "58", "59", "60"]),
    st.sampled_from(["00", "59", "60", "61"]),
    st.sampled_from(["", ".", ".1", ".123456", ".1234567", ".999999999"]),
    st.sampled_from(["", "Z", "z", "+00:00", "-00:00", "+05:30", "-23:59", "+24:00", "+0500", "+05", "Z\n", "\n"]),
)
plausible_date_time = st.builds(
    "{:04d}-{:02d}-{:02d}{}{:02d}:{:02d}:{:02d}{}{}".format,
    st.integers(0, 9999),
    st.integers(1, 12),
    st.integers(1, 31),
    st.sampled_from(["T", "t"]),
    st.integers(0, 23),
    st.sampled_from([0, 30, 58, 59]),
    st.sampled_from([0, 1, 59, 60]),
    st.sampled_from(["", ".5", ".123456", ".1234567", ".999999999"]),
    st.sampled_from(["Z", "z", "+00:00", "-00:00", "+05:30", "-23:59", "+14:00", ""]),
)
near_date_time = st.one_of(st.builds(str.__add__, near_date, near_time), plausible_date_time, st.text(max_size=30))
near_decimal = st.one_of(
    st.builds(
        "{}{}{}{}".format,
        st.sampled_from(["", "-", "+", " "]),
        digits,
        st.sampled_from(["", ".", ".0", ".5", ".00", ".25"]),
        st.sampled_from(["", "E+3", "E-8", "e3", "E3", "E+"]),
    ),
    st.sampled_from(["NaN", "-NaN", "Infinity", "-Infinity", "sNaN", "1" * 64, "1" * 65, "0." + "0" * 70]),
    st.text(max_size=10),
)


def outcome(adapter: TypeAdapter[Any], value: object, *, as_json: bool) -> tuple[str, object]:
    """("ok", value) or ("error", [(type, message), ...])."""
    try:
        result = adapter.validate_json(json.dumps(value)) if as_json else adapter.validate_python(value)
    except ValidationError as error:
        return "error", [(e["type"], e["msg"]) for e in error.errors(include_url=False)]
    return "ok", result


def same(python: tuple[str, object], native: tuple[str, object]) -> None:
    assert python[0] == native[0], (python, native)
    if python[0] == "error":
        assert python == native
        return
    left, right = python[1], native[1]
    if isinstance(left, datetime) and isinstance(right, datetime):
        assert (left, left.utcoffset(), left.microsecond) == (right, right.utcoffset(), right.microsecond)
    else:
        assert (type(left), str(left)) == (type(right), str(right))


@settings(max_examples=1500, derandomize=True, deadline=None, database=None)
@given(near_date_time)
def test_date_times(text: str) -> None:
    valid = is_date_time(text)
    assert (outcome(DATE_TIME_TEXT, text, as_json=False)[0] == "ok") == valid
    same(outcome(DATE_TIME_TEXT, text, as_json=False), outcome(DATE_TIME_TEXT, text, as_json=True))
    # A datetime from text: the Python check (constructor, exact path) and the native one (JSON) agree.
    same(outcome(DATE_TIME, text, as_json=False), outcome(DATE_TIME, text, as_json=True))


@settings(max_examples=1500, derandomize=True, deadline=None, database=None)
@given(st.one_of(near_date_time, st.sampled_from(["0000-02-29T00:00:00Z", "0400-02-29T00:00:00Z", "2000-02-29T23:59:60Z"])))
def test_the_happy_paths_date_time_pattern_is_both_patterns_at_once(text: str) -> None:
    both = re.search(DATE_TIME_PATTERN, text) is not None and re.search(REPRESENTABLE_PATTERN, text) is not None
    assert (re.search(REPRESENTABLE_DATE_TIME_PATTERN, text) is not None) == both


@settings(max_examples=600, derandomize=True, deadline=None, database=None)
@given(st.one_of(near_date, st.text(max_size=12)))
def test_dates(text: str) -> None:
    assert (outcome(DATE, text, as_json=False)[0] == "ok") == is_full_date(text)
    assert outcome(DATE, text, as_json=True)[0] == outcome(DATE, text, as_json=False)[0]


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(st.one_of(st.uuids().map(str), st.uuids().map(lambda u: "urn:uuid:" + str(u).upper()), st.text(max_size=40)))
def test_uuids(text: str) -> None:
    assert (outcome(UUID, text, as_json=False)[0] == "ok") == is_uuid(text)


@settings(max_examples=1000, derandomize=True, deadline=None, database=None)
@given(near_decimal)
def test_decimals_as_text_and_as_decimal(text: str) -> None:
    for adapter in DECIMALS:
        from_text = outcome(adapter, text, as_json=False)
        same(from_text, outcome(adapter, text, as_json=True))
        try:
            value = Decimal(text)
        except ArithmeticError:
            continue
        # A Decimal's fast path gives the verdict of its text (str()), as the pattern sees it.
        same(outcome(adapter, str(value), as_json=False), outcome(adapter, value, as_json=False))


def test_the_other_json_types() -> None:
    values: tuple[object, ...] = (None, 1, 1.5, True, [], {})
    adapters: list[TypeAdapter[Any]] = [DATE_TIME, DATE_TIME_TEXT, DATE, UUID, *DECIMALS]
    for value in values:
        for adapter in adapters:
            same(outcome(adapter, value, as_json=False), outcome(adapter, value, as_json=True))
