"""Validators of the generated models' fields that pydantic has no exact equivalent for: decimals,
timestamps, dates and UUIDs. Each accepts what the TypeScript validators accept and raises a pydantic
error whose type is the violation code and whose message is the code's sentence."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import cast

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError
from typing_extensions import LiteralString

from .codes import NAIVE_DATE_TIME_PATTERN, PATTERN_CODES, SIGNED_DECIMAL_PATTERN, TYPE_WORDS
from .errors import violation
from .formats import is_date_time, is_full_date, is_uuid, parse_date_time

_NAIVE_DATE_TIME = re.compile(NAIVE_DATE_TIME_PATTERN)
_SIGNED_DECIMAL = re.compile(SIGNED_DECIMAL_PATTERN)


def fail(code: str, values: Mapping[str, object] | None = None) -> PydanticCustomError:
    """A pydantic error carrying a violation code and its sentence."""
    # pydantic types both as LiteralString to keep user input out of templates; these come from codes.py.
    message = violation("", code, values).message
    return PydanticCustomError(cast(LiteralString, code), cast(LiteralString, message))


def type_words(types: tuple[str, ...]) -> str:
    """`("string", "null")` → "a string or null", as TypeScript names them."""
    return " or ".join(TYPE_WORDS.get(name, name) for name in types)


def pattern_code(pattern: str, text: str) -> str:
    """The code for `text` failing `pattern`: the contract's patterns have their own codes."""
    code = PATTERN_CODES.get(pattern, "pattern.mismatch")
    if code == "decimal.negative" and _SIGNED_DECIMAL.fullmatch(text) is None:
        return "decimal.invalid"  # only a well-formed negative decimal is "negative"
    return code


def not_null(type_name: str) -> BeforeValidator:
    """An optional field that may be left out but, when present, is never null."""

    def check(value: object) -> object:
        if value is None:
            raise fail("type.mismatch", {"type": type_name})
        return value

    return BeforeValidator(check)


def decimal_value(*, pattern: str, max_length: int, nullable: bool) -> BeforeValidator:
    """A `Decimal` (or its text) whose `str()` is the wire form: the spec's pattern and length."""
    types = ("string", "null") if nullable else ("string",)
    compiled = re.compile(pattern)

    def check(value: object) -> Decimal | None:
        if value is None and nullable:
            return None
        if isinstance(value, Decimal):
            text = str(value)
        elif isinstance(value, str):
            text = value
        else:
            raise fail("type.mismatch", {"type": type_words(types)})
        if len(text) > max_length:
            raise fail("string.too_long", {"limit": max_length})
        if compiled.fullmatch(text) is None:
            raise fail(pattern_code(pattern, text), {"pattern": pattern})
        return value if isinstance(value, Decimal) else Decimal(text)

    return BeforeValidator(check)


def _checked_date_time(value: object) -> str:
    if not isinstance(value, str):
        raise fail("type.mismatch", {"type": type_words(("string",))})
    if not is_date_time(value):
        raise fail("timestamp.naive" if _NAIVE_DATE_TIME.fullmatch(value) else "timestamp.invalid")
    return value


def timestamp_value() -> BeforeValidator:
    """An aware `datetime`, or its RFC 3339 text (with an offset) as it comes off the wire."""

    def check(value: object) -> datetime:
        if isinstance(value, datetime):
            if value.tzinfo is None or value.utcoffset() is None:
                raise fail("timestamp.naive")
            return value
        parsed = parse_date_time(_checked_date_time(value))
        if parsed is None:
            raise fail("timestamp.unrepresentable")
        return parsed

    return BeforeValidator(check)


def timestamp_text() -> BeforeValidator:
    """RFC 3339 text with an offset, kept as the producer wrote it (`isoformat()` of an aware time)."""
    return BeforeValidator(_checked_date_time)


def date_text() -> BeforeValidator:
    """`YYYY-MM-DD`, a calendar-valid date."""

    def check(value: object) -> str:
        if not isinstance(value, str):
            raise fail("type.mismatch", {"type": type_words(("string",))})
        if not is_full_date(value):
            raise fail("date.invalid")
        return value

    return BeforeValidator(check)


def uuid_text() -> BeforeValidator:
    """A UUID as text (either case, optionally `urn:uuid:`); an optional one may be left out, not null."""

    def check(value: object) -> str:
        if not isinstance(value, str):
            raise fail("type.mismatch", {"type": type_words(("string",))})
        if not is_uuid(value):
            raise fail("uuid.invalid")
        return value

    return BeforeValidator(check)
