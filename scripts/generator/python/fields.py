"""Validators of the generated models' fields that pydantic has no exact equivalent for: decimals,
timestamps, dates and UUIDs. Each accepts what the TypeScript validators accept and raises a pydantic
error whose type is the violation code and whose message is the code's sentence.

Speed: what pydantic-core can check natively runs there (its Rust regex engine, custom error types),
and Python code only where it cannot: an aware `datetime` and a `Decimal` built by a producer. The
patterns below spell formats.py's checks (calendar days, leap years, the leap-second rule) as regular
expressions; test/python/test_fields.py holds them to formats.py."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, cast

from pydantic import BeforeValidator, GetCoreSchemaHandler
from pydantic_core import CoreSchema, PydanticCustomError, core_schema
from typing_extensions import LiteralString

from .codes import NAIVE_DATE_TIME_PATTERN, PATTERN_CODES, SIGNED_DECIMAL_PATTERN, TYPE_WORDS
from .errors import violation
from .formats import is_date_time, parse_date_time
from .happy_path import HappyPath, with_happy_path

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


# formats.py's accept sets as Rust regular expressions (`$` is the end of the text there, as in JavaScript).
_LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_MONTH_DAY = "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
_CALENDAR_DATE = "(?:[0-9]{4}-" + _MONTH_DAY + "|" + _LEAP_YEAR + "-02-29)"
# The same without year 0, which Python's datetime cannot hold.
_YEAR_FROM_1 = "(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"
_LEAP_YEAR_FROM_1 = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][48]|[2468]0|[13579][26])00)"
_CALENDAR_DATE_FROM_1 = "(?:" + _YEAR_FROM_1 + "-" + _MONTH_DAY + "|" + _LEAP_YEAR_FROM_1 + "-02-29)"
_FRACTION = r"(?:\.[0-9]+)?"
_NUMERIC_OFFSET = "[+-](?:[01][0-9]|2[0-3]):[0-5][0-9]"
# A leap second (60) only ends a UTC minute; with a numeric offset any local minute may end with one.
_TIME = (
    "[Tt](?:[01][0-9]|2[0-3]):(?:[0-5][0-9]:(?:[0-5][0-9]" + _FRACTION + "(?:[Zz]|" + _NUMERIC_OFFSET + ")|60"
    + _FRACTION + _NUMERIC_OFFSET + ")|59:60" + _FRACTION + "[Zz])"
)
DATE_PATTERN = "^" + _CALENDAR_DATE + "$"
"""formats.is_full_date."""
DATE_TIME_PATTERN = "^" + _CALENDAR_DATE + _TIME + "$"
"""formats.is_date_time."""
DATE_TIME_OR_NAIVE_PATTERN = "^(?:" + _CALENDAR_DATE + _TIME + "|" + NAIVE_DATE_TIME_PATTERN[1:-1] + ")$"
"""A date-time, or what only lacks its offset: anything else is `timestamp.invalid`."""
REPRESENTABLE_PATTERN = "^" + _YEAR_FROM_1 + "-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5]"
"""A valid date-time that Python's datetime holds: not year 0, not a leap second (a prefix match)."""
REPRESENTABLE_DATE_TIME_PATTERN = (
    "^" + _CALENDAR_DATE_FROM_1 + "[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]" + _FRACTION + "(?:[Zz]|" + _NUMERIC_OFFSET + ")$"
)
"""Both at once: a date-time (DATE_TIME_PATTERN) that Python's datetime holds (REPRESENTABLE_PATTERN)."""
_HEX = "[0-9A-Fa-f]"
UUID_PATTERN = f"^(?:[Uu][Rr][Nn]:[Uu][Uu][Ii][Dd]:)?{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}$"
"""formats.is_uuid."""


def _coded(schema: CoreSchema, code: str, values: Mapping[str, object] | None = None) -> CoreSchema:
    """`schema`, whose every error becomes the violation `code` with its sentence (as `fail` gives it)."""
    message = violation("", code, values).message
    return core_schema.custom_error_schema(schema, custom_error_type=code, custom_error_message=message)


def _matching(pattern: str, code: str, values: Mapping[str, object] | None = None) -> CoreSchema:
    return _coded(core_schema.str_schema(pattern=pattern), code, values)


def _one_step(pattern: str) -> HappyPath:
    """The happy path of a text field: a string that matches, in one step."""
    schema = core_schema.str_schema(strict=True, pattern=pattern)
    return {"python": schema, "json": schema}


def _text(types: tuple[str, ...], *steps: CoreSchema) -> CoreSchema:
    """A string (else `type.mismatch`) that passes each step in turn, all inside pydantic-core."""
    text = _coded(core_schema.str_schema(strict=True), "type.mismatch", {"type": type_words(types)})
    return core_schema.chain_schema([text, *steps])


class _Native:
    """Annotated metadata that gives a field a core schema of its own: `json` in pydantic-core for JSON
    input (model_validate_json; when None, the Python schema), and for Python input either `python`, or
    `json` again, or with `wrap_python` a Python check before the field's own schema. `happy` is the
    field's happy path (happy_path.py)."""

    def __init__(
        self,
        json: CoreSchema | None,
        *,
        python: CoreSchema | None = None,
        wrap_python: BeforeValidator | None = None,
        happy: HappyPath | None = None,
    ) -> None:
        self.json, self.python, self.wrap_python, self.happy = json, python, wrap_python, happy

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        python = self.python
        if self.wrap_python is not None:
            python = self.wrap_python.__get_pydantic_core_schema__(source, handler)
        if python is None:
            assert self.json is not None
            schema = self.json
        elif self.json is None:
            schema = python
        else:
            schema = core_schema.json_or_python_schema(json_schema=self.json, python_schema=python)
        return schema if self.happy is None else with_happy_path(schema, self.happy)


def _checked(check: Any, serialization: Any) -> CoreSchema:
    """A Python check that gives the field's value itself (no second validation of what it returns),
    serialised as the field's type is."""
    return core_schema.no_info_plain_validator_function(check, serialization=serialization)


def decimal_value(*, pattern: str, max_length: int, nullable: bool) -> _Native:
    """A `Decimal` (or its text) whose `str()` is the wire form: the spec's pattern and length."""
    types = ("string", "null") if nullable else ("string",)
    compiled = re.compile(pattern)
    # A finite Decimal's str() always has the signed form, so for the contract's two decimal patterns a
    # Decimal needs no regular expression: only a negative one (not -0) fails zero-or-more.
    any_sign = pattern == SIGNED_DECIMAL_PATTERN
    zero_or_more = PATTERN_CODES.get(pattern) == "decimal.negative"

    def check(value: object) -> Decimal | None:
        if value is None and nullable:
            return None
        if type(value) is Decimal and (any_sign or zero_or_more):
            text = str(value)
            if len(text) <= max_length and value.is_finite() and (any_sign or not value.is_signed() or value.is_zero()):
                return value
        elif isinstance(value, Decimal):
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

    python = BeforeValidator(check)
    if not (any_sign or zero_or_more):
        return _Native(None, wrap_python=python)  # another pattern: Python checks JSON input too
    steps = [_coded(core_schema.str_schema(max_length=max_length), "string.too_long", {"limit": max_length})]
    steps.append(_matching(SIGNED_DECIMAL_PATTERN, "decimal.invalid", {"pattern": SIGNED_DECIMAL_PATTERN}))
    if zero_or_more:
        steps.append(_matching(pattern, "decimal.negative", {"pattern": pattern}))
    json = _text(types, *steps, core_schema.decimal_schema(strict=False))
    # JSON writes a Decimal as its str(), as pydantic's decimal serializer does.
    checked = _checked(check, core_schema.to_string_ser_schema(when_used="json"))
    # The happy path: finite and the sign in pydantic-core, the length in the model's __init__ (model.py).
    happy_python = core_schema.decimal_schema(strict=True, allow_inf_nan=False, ge=Decimal(0) if zero_or_more else None)
    happy_json = core_schema.chain_schema(
        [core_schema.str_schema(strict=True, max_length=max_length, pattern=pattern), core_schema.decimal_schema(strict=False)]
    )
    if nullable:
        json, checked = core_schema.nullable_schema(json), core_schema.nullable_schema(checked)
        happy_python, happy_json = core_schema.nullable_schema(happy_python), core_schema.nullable_schema(happy_json)
    happy: HappyPath = {"python": happy_python, "json": happy_json, "decimal_max_length": max_length}
    return _Native(json, python=checked, happy=happy)


def _checked_date_time(value: object) -> str:
    if not isinstance(value, str):
        raise fail("type.mismatch", {"type": type_words(("string",))})
    if not is_date_time(value):
        raise fail("timestamp.naive" if _NAIVE_DATE_TIME.fullmatch(value) else "timestamp.invalid")
    return value


# Past the first step the text is a date-time or naive: then an offset at the end tells them apart.
_OFFSET_AT_END_PATTERN = "(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$"
_DATE_TIME_STEPS = (
    _matching(DATE_TIME_OR_NAIVE_PATTERN, "timestamp.invalid"),
    _matching(_OFFSET_AT_END_PATTERN, "timestamp.naive"),
)


def timestamp_value() -> _Native:
    """An aware `datetime`, or its RFC 3339 text (with an offset) as it comes off the wire."""

    def check(value: object) -> datetime:
        if type(value) is datetime and type(value.tzinfo) is timezone:
            return value  # what producers build (`datetime.now(timezone.utc)`): a fixed offset, aware
        if isinstance(value, datetime):
            if value.tzinfo is None or value.utcoffset() is None:
                raise fail("timestamp.naive")
            return value
        parsed = parse_date_time(_checked_date_time(value))
        if parsed is None:
            raise fail("timestamp.unrepresentable")
        return parsed

    representable = _matching(REPRESENTABLE_PATTERN, "timestamp.unrepresentable")
    json = _text(("string",), *_DATE_TIME_STEPS, representable, core_schema.datetime_schema(strict=False))
    happy: HappyPath = {
        # A datetime whose utcoffset() is not None, as the check's second branch takes it.
        "python": core_schema.datetime_schema(strict=True, tz_constraint="aware"),
        "json": core_schema.chain_schema(
            [
                core_schema.str_schema(strict=True, pattern=REPRESENTABLE_DATE_TIME_PATTERN),
                core_schema.datetime_schema(strict=False),
            ]
        ),
    }
    return _Native(json, python=_checked(check, core_schema.simple_ser_schema("datetime")), happy=happy)


def timestamp_text() -> _Native:
    """RFC 3339 text with an offset, kept as the producer wrote it (`isoformat()` of an aware time)."""
    return _Native(_text(("string",), *_DATE_TIME_STEPS), happy=_one_step(DATE_TIME_PATTERN))


def date_text() -> _Native:
    """`YYYY-MM-DD`, a calendar-valid date."""
    return _Native(_text(("string",), _matching(DATE_PATTERN, "date.invalid")), happy=_one_step(DATE_PATTERN))


def uuid_text() -> _Native:
    """A UUID as text (either case, optionally `urn:uuid:`); an optional one may be left out, not null."""
    return _Native(_text(("string",), _matching(UUID_PATTERN, "uuid.invalid")), happy=_one_step(UUID_PATTERN))
