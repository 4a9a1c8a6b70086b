"""The wire helpers: `to_wire` is the strict writer (what a producer sends), `from_wire` the tolerant
reader (what a consumer accepts). Both give the verdict the TypeScript package gives for the same
bytes, and raise ContractError with every violation."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from pydantic import ValidationError

from .catalogue import Channel
from .channels import CHANNELS
from .errors import ContractError, Violation, violation
from .happy_path import reader_validator
from .model import ContractModel
from .pydantic_errors import violations_of

DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024
"""1 MiB, as in TypeScript: larger than any event of the contract by orders of magnitude."""

# Bytes that send a message to the exact path: JSON that pydantic's parser reads differently from
# JSON.parse (NaN, Infinity), escapes that could spell a forbidden key, and the forbidden keys.
_EXACT_PATH_MARKERS = (b"NaN", b"Infinity", b"\\u", b"__proto__", b"prototype")
# What JavaScript's String.prototype.trim() removes: the TypeScript side's test for an empty message.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_JS_WHITESPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def resolve_address(address: str) -> tuple[Channel, dict[str, str]]:
    """The channel of a concrete address and its parameters; ContractError `channel.unknown` otherwise."""
    route = _route(address)
    return route.channel, dict(route.parameters)


@dataclass(frozen=True, slots=True)
class _Route:
    """What reading a message on one concrete address needs, worked out once per address."""

    channel: Channel
    parameters: dict[str, str]
    required_with_default: tuple[str, ...]
    """Required fields with a default (event_type): pydantic fills them in when missing."""
    expected: tuple[tuple[str, str], ...]
    """(payload field, value) for each address parameter: `symbol` must be the address's symbol."""
    read_json: Callable[..., ContractModel]
    """The reader's happy path (happy_path.py): unknown fields refused, required fields required. Where
    pydantic cannot build one, the model's own validate_json."""
    unread_defaults: tuple[str, ...]
    """The required fields with a default that read_json does not require itself (none on the happy path)."""


_ROUTES: dict[str, _Route] = {}
_READERS: dict[type[ContractModel], tuple[Callable[..., ContractModel], tuple[str, ...]]] = {}


def _route(address: str) -> _Route:
    route = _ROUTES.get(address)
    if route is not None:
        return route
    for channel in CHANNELS.values():
        parameters = channel.parse_address(address)
        if parameters is not None:
            expected = tuple((p.payload_field, parameters[p.name]) for p in channel.parameters)
            route = _Route(channel, parameters, channel.required_with_default, expected, *_reader(channel))
            if len(_ROUTES) >= 4096:  # a service publishes and reads the same few addresses over and over
                _ROUTES.clear()
            _ROUTES[address] = route
            return route
    raise ContractError(address, [violation("", "channel.unknown")])


def _reader(channel: Channel) -> tuple[Callable[..., ContractModel], tuple[str, ...]]:
    reader = _READERS.get(channel.model)
    if reader is None:
        happy = reader_validator(channel.model.__pydantic_core_schema__, channel.required_with_default)
        if happy is None:
            reader = (channel.model.__pydantic_validator__.validate_json, channel.required_with_default)
        else:
            reader = (happy.validate_json, ())
        _READERS[channel.model] = reader
    return reader


def to_wire(address: str, event: ContractModel) -> bytes:
    """The bytes to publish on `address`: `event.model_dump_json()`, once the strict view accepts them."""
    route = _route(address)
    if not isinstance(event, route.channel.model):
        raise ContractError(address, [violation("", "type.mismatch", {"type": f"a {route.channel.message}"})])
    body = event.model_dump_json().encode()
    _read(route, address, body, strict=True, max_bytes=DEFAULT_MAX_MESSAGE_BYTES)
    return body


def from_wire(
    address: str, data: bytes | str, *, strict: bool = False, max_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
) -> ContractModel:
    """The event in a message received on `address`. Unknown fields are accepted and left out, unless
    `strict` (the producer's view, as `to_wire` checks): then they are violations."""
    route = _ROUTES.get(address) or _route(address)
    if type(data) is bytes and len(data) <= max_bytes:  # what _read does first, without the calls
        try:
            event = route.read_json(data)  # no cast(): a call each message
        except ValidationError:
            pass
        else:  # _complete, inline
            for name in route.unread_defaults:
                if name not in event.__pydantic_fields_set__:
                    break
            else:
                for name, expected in route.expected:
                    if getattr(event, name) != expected:
                        break
                else:
                    return event
    return _read(route, address, data, strict=strict, max_bytes=max_bytes)


def _read(route: _Route, address: str, data: bytes | str, *, strict: bool, max_bytes: int) -> ContractModel:
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise ContractError(address, [violation("", "message.too_large", {"size": len(raw), "limit": max_bytes})])
    # First, pydantic's own JSON validation with the model as it is (no unknown fields, on the happy path):
    # everything it accepts, the contract accepts alike. Unknown fields are where NaN, Infinity and
    # __proto__ could hide from it, and the only fields it reads differently from JSON.parse are none of
    # the model's.
    try:
        event = route.read_json(raw)
    except ValidationError:
        pass
    else:
        if _complete(route, event):
            return event
    if not strict and not _has_exact_path_marker(raw):
        event = _read_fast(route, raw)
        if event is not None and _complete(route, event):
            return event
    return _read_exactly(route.channel, route.parameters, address, data, strict)


def _complete(route: _Route, event: ContractModel) -> bool:
    """The required fields that pydantic would fill in were on the wire, and the address agrees."""
    fields_set = event.__pydantic_fields_set__
    for name in route.required_with_default:
        if name not in fields_set:
            return False
    for name, expected in route.expected:
        if getattr(event, name) != expected:
            return False
    return True


def _has_exact_path_marker(raw: bytes) -> bool:
    nan, infinity, escape, proto, prototype = _EXACT_PATH_MARKERS
    return nan in raw or infinity in raw or escape in raw or proto in raw or prototype in raw


def _read_fast(route: _Route, raw: bytes) -> ContractModel | None:
    """pydantic's own JSON validation, unknown fields ignored (the tolerant reader), once no marker of
    JSON that it reads differently from JSON.parse is in the bytes; None when it refuses them."""
    try:
        return route.read_json(raw, extra="ignore")
    except ValidationError:
        return None


def _read_exactly(
    channel: Channel, parameters: dict[str, str], address: str, data: bytes | str, strict: bool
) -> ContractModel:
    """The slow path, step by step as the TypeScript side does it, naming every violation."""
    parsed = _parse(data)
    if isinstance(parsed, Violation):
        raise ContractError(address, [parsed])
    if not isinstance(parsed, dict):
        raise ContractError(address, [violation("", "type.mismatch", {"type": "an object"})])
    wire = _as_model_input(channel.payload_schema, cast(dict[str, Any], parsed), strict)
    problems = [violation(f"/{name}", "field.missing") for name in channel.payload_schema.get("required", []) if name not in wire]
    try:
        event = channel.model.model_validate(wire)
    except ValidationError as error:
        problems += [v for v in violations_of(error, channel.payload_schema) if v not in problems]
        raise ContractError(address, problems) from None
    problems += _mismatched_parameters(channel, parameters, event)
    if problems:
        raise ContractError(address, problems)
    return event


def _parse(data: bytes | str) -> object:
    """JSON.parse as secure-json-parse runs it: strict UTF-8, one BOM dropped, no NaN, no __proto__."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return violation("", "message.not_utf8")
        text = text.removeprefix("\ufeff")  # TextDecoder drops a leading BOM
    else:
        text = data
    if text.strip(_JS_WHITESPACE) == "":
        return violation("", "message.empty")
    try:
        value = json.loads(text.removeprefix("\ufeff"), parse_constant=_refuse_constant, parse_int=_js_integer)
    except (ValueError, RecursionError):
        return violation("", "message.not_json")
    return violation("", "message.forbidden_key") if _has_forbidden_key(value) else value


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _js_integer(digits: str) -> int | float:
    # Past Python's limit on digits JavaScript still reads a number (a float): so do we.
    return int(digits) if len(digits) <= 4000 else float(digits)


def _has_forbidden_key(value: object) -> bool:
    if isinstance(value, dict):
        items: dict[str, object] = value  # type: ignore[assignment]
        if "__proto__" in items:
            return True
        constructor = items.get("constructor")
        if isinstance(constructor, dict) and "prototype" in constructor:
            return True
        return any(_has_forbidden_key(inner) for inner in items.values())
    if isinstance(value, list):
        return any(_has_forbidden_key(inner) for inner in value)  # type: ignore[misc]
    return False


def _as_model_input(schema: Mapping[str, Any], parsed: dict[str, Any], strict: bool) -> dict[str, Any]:
    """The parsed message as JavaScript holds it, in terms pydantic takes: unknown fields dropped (tolerant),
    integral floats made ints (JSON's `3.0` is JavaScript's 3), lone surrogates (`"\\ud800"`, which a
    JavaScript string holds and pydantic refuses) made U+FFFD: one character, in no pattern, format or
    const of the contract, so every check gives the verdict it gives the original."""
    properties: Mapping[str, Any] = schema.get("properties", {})
    wire: dict[str, Any] = {}
    for name, value in parsed.items():
        if name not in properties and not strict:
            continue
        types = properties.get(name, {}).get("type")
        if isinstance(value, float) and value.is_integer() and ("integer" == types or (isinstance(types, list) and "integer" in types)):
            value = int(value)
        wire[name] = _without_lone_surrogates(value)
    return wire


def _without_lone_surrogates(value: object) -> object:
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in cast(list[object], value)]
    return value


def _mismatched_parameters(channel: Channel, parameters: dict[str, str], event: ContractModel) -> list[Violation]:
    problems: list[Violation] = []
    for parameter in channel.parameters:
        expected, actual = parameters[parameter.name], getattr(event, parameter.payload_field)
        if actual != expected:
            values = {"name": parameter.name, "expected": json.dumps(expected, ensure_ascii=False), "actual": json.dumps(actual, ensure_ascii=False)}
            problems.append(violation("/" + parameter.payload_field, "parameter.mismatch", values))
    return problems
