"""Turns pydantic's errors into violations with the contract's codes, reading the limits, consts and
enums from the payload's JSON Schema so that each sentence says what the TypeScript one says."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .codes import VIOLATION_SENTENCES
from .errors import Violation, json_text, violation
from .fields import pattern_code, type_words

_TYPE_ERRORS = frozenset(
    {"string_type", "int_type", "list_type", "model_type", "dict_type", "model_attributes_type", "bool_type"}
)
_LIMITS = {
    "string_too_short": ("string.too_short", "min_length"),
    "string_too_long": ("string.too_long", "max_length"),
    "too_short": ("array.too_short", "min_length"),
    "too_long": ("array.too_long", "max_length"),
    "greater_than_equal": ("integer.too_small", "ge"),
    "less_than_equal": ("integer.too_large", "le"),
}


def pointer_of(loc: tuple[int | str, ...]) -> str:
    """`("symbols", 0)` → `/symbols/0`; the names of union members that pydantic adds are left out."""
    if not loc:
        return ""
    return "/" + "/".join([str(loc[0]), *(str(part) for part in loc[1:] if isinstance(part, int))])


def _schema_at(schema: Mapping[str, Any], loc: tuple[int | str, ...]) -> Mapping[str, Any]:
    node: Mapping[str, Any] = schema
    for depth, part in enumerate(loc):
        key = "items" if isinstance(part, int) else "properties"
        if key == "properties" and depth > 0:
            break  # a union member's name, not a field
        inner = node.get(key, {})
        node = cast(Mapping[str, Any], inner.get(part, {}) if key == "properties" else inner)
    return node


def _violation(error: ErrorDetails, schema: Mapping[str, Any]) -> Violation:
    kind, loc = error["type"], error["loc"]
    pointer = pointer_of(loc)
    context: Mapping[str, Any] = error.get("ctx") or {}
    if kind in VIOLATION_SENTENCES:  # raised by fields.py with the sentence already filled in
        return Violation(pointer, kind, error["msg"])
    if kind == "missing":
        return violation(pointer, "field.missing")
    if kind == "extra_forbidden":
        return violation(pointer, "field.unknown")
    node = _schema_at(schema, loc) if loc else schema
    if kind in _TYPE_ERRORS:
        types: str | list[str] = node.get("type", "object")
        names = tuple(types) if isinstance(types, list) else (types,)
        return violation(pointer, "type.mismatch", {"type": type_words(names)})
    if kind == "literal_error":
        if "const" in node:
            return violation(pointer, "value.not_const", {"expected": json_text(node["const"])})
        allowed: list[object] = node.get("enum", [])
        return violation(pointer, "value.not_in_enum", {"allowed": ", ".join(json_text(v) for v in allowed)})
    if kind in _LIMITS:
        code, name = _LIMITS[kind]
        return violation(pointer, code, {"limit": context.get(name)})
    if kind == "string_pattern_mismatch":
        pattern = str(context.get("pattern"))
        return violation(pointer, pattern_code(pattern, str(error["input"])), {"pattern": pattern})
    return violation(pointer, "value.invalid", {"keyword": kind})


def violations_of(error: ValidationError, schema: Mapping[str, Any]) -> list[Violation]:
    """Every violation pydantic found, with the contract's codes and sentences."""
    return [_violation(details, schema) for details in error.errors(include_url=False)]
