"""Each model's happy paths: a validator for the constructor (Python input) and one for the reader (JSON).
They accept what the model's own validator accepts, or less, and give the same values; with no violation
to name they check each format in one step, and leave a `Decimal`'s length to the constructor's loop
(model.py). What they refuse goes to the model's own validator, which accepts it or names every
violation (test/python/test_happy_path.py holds them to it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any, Literal, NamedTuple, NotRequired, TypedDict, cast

from pydantic_core import CoreSchema, SchemaValidator

_KEY = "trading_platform_events.happy_path"


Mode = Literal["python", "json"]


class HappyPath(TypedDict):
    """A field's schemas on the happy path, kept in its core schema's metadata."""

    python: CoreSchema
    json: CoreSchema
    decimal_max_length: NotRequired[int]
    """A `Decimal` field: its `str()` may have at most this many characters (checked per model)."""


def with_happy_path(schema: CoreSchema, happy: HappyPath) -> CoreSchema:
    """`schema`, carrying its happy-path schemas."""
    metadata = {**schema.get("metadata", {}), _KEY: happy}
    return cast(CoreSchema, {**schema, "metadata": metadata})


class ConstructorPath(NamedTuple):
    """The constructor's happy path: a validator, and what it leaves to the constructor, that each
    decimal argument is a `Decimal` (not a subclass, which may write itself otherwise) whose `str()`, the
    text on the wire, is short enough. pydantic-core checks that it is finite and its sign, but has no
    schema for the length of a Decimal's text, and a call from it to Python for each field costs more
    than a loop in the constructor."""

    validator: SchemaValidator | None
    """None where pydantic-core cannot build one (see _validator): the model's own validator does it all."""
    decimals: Callable[[dict[str, Any]], tuple[Any, ...]] | None
    """The decimal arguments (a KeyError when one is left out), or None when there are none."""
    decimal_names: tuple[str, ...]
    decimal_max_length: int
    """The shortest length limit of the decimal fields (a conservative bound for all)."""


def constructor_validator(model: CoreSchema) -> ConstructorPath:
    """The constructor's happy path. Unknown arguments are ignored, not refused: pydantic-core finds them
    by hashing every key, and the constructor finds them for less by counting the fields set."""
    decimals: list[tuple[str, int]] = []
    schema = _happy_model(model, "python", required=(), decimals=decimals)
    cast(dict[str, Any], schema["schema"])["extra_behavior"] = "ignore"
    names = [name for name, _ in decimals]
    # itemgetter of one name gives the value itself, of two or more a tuple.
    pick = (itemgetter(*names) if len(names) > 1 else itemgetter(*names, *names)) if names else None
    limit = min((length for _, length in decimals), default=0)
    return ConstructorPath(_validator(cast(CoreSchema, schema)), pick, tuple(names), limit)


def reader_validator(model: CoreSchema, required: Iterable[str]) -> SchemaValidator | None:
    """The reader's happy path (JSON): unknown fields refused, and the `required` fields that the model gives
    a default (event_type) required on the wire. None where pydantic-core cannot build one."""
    return _validator(cast(CoreSchema, _happy_model(model, "json", required=frozenset(required), decimals=[])))


def _happy_model(model: CoreSchema, mode: Mode, *, required: Iterable[str], decimals: list[tuple[str, int]]) -> dict[str, Any]:
    fields_schema = cast(dict[str, Any], model.get("schema"))
    if model["type"] != "model" or fields_schema.get("type") != "model-fields":
        raise TypeError(f"a happy path needs a complete model schema, not {model['type']!r}")
    fields: dict[str, Any] = {}
    for name, field in cast(dict[str, dict[str, Any]], fields_schema["fields"]).items():
        field = _replaced(field, mode, lambda limit, name=name: decimals.append((name, limit)))
        if name in required and field["schema"]["type"] == "default":
            field = {**field, "schema": field["schema"]["schema"]}
        fields[name] = field
    return {**cast(dict[str, Any], model), "schema": {**fields_schema, "fields": fields}}


def _replaced(node: Any, mode: Mode, on_decimal: Callable[[int], object]) -> Any:
    """A copy of `node` with each schema that has a happy path replaced by it."""
    if isinstance(node, dict):
        mapping = cast(dict[str, Any], node)
        metadata = cast(dict[str, Any], mapping.get("metadata") or {})
        happy = cast(HappyPath | None, metadata.get(_KEY))
        if happy is not None:
            if mode == "python" and "decimal_max_length" in happy:
                on_decimal(happy["decimal_max_length"])
            return happy[mode]
        return {key: _replaced(value, mode, on_decimal) for key, value in mapping.items()}
    if isinstance(node, list):
        return [_replaced(item, mode, on_decimal) for item in cast(list[Any], node)]
    return node


def _validator(schema: CoreSchema) -> SchemaValidator | None:
    """A validator of `schema` itself. pydantic-core (since 2.29) reuses a complete model class's own
    validator for any schema of that class, unless told not to, which it can be since pydantic 2.13."""
    try:
        return SchemaValidator(schema, _use_prebuilt=False)
    except TypeError:  # an older pydantic-core: no happy path, the model's own validator does it all
        return None
