"""The happy paths (happy_path.py) give the verdicts of the models' own validators: the constructor the
verdict, error types and sentences, values and bytes that pydantic's own validation of the same arguments
gives; the reader's happy path accepts only what the model's own JSON validation accepts, with the same
values. And they are taken: the ordinary events never reach the models' own validators."""

from __future__ import annotations

import inspect
import json
from datetime import datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from trading_platform_events import CHANNELS, ContractModel, OrderEvent, PositionEvent, PriceUpdateEvent, SignalEvent
from trading_platform_events.happy_path import reader_validator

AT = datetime(2025, 1, 18, 9, 30, 5, 123456, tzinfo=timezone.utc)
SIGNAL: dict[str, Any] = {"timestamp": AT, "strategy_id": "a", "symbols": ["AAPL", "BRK.B"], "num_signals": 2, "as_of_date": "2025-01-17"}
ORDER: dict[str, Any] = {"timestamp": AT, "run_id": "550e8400-e29b-41d4-a716-446655440000", "strategy_id": "a", "num_orders": 3, "num_accepted": 2, "num_rejected": 1}
POSITION: dict[str, Any] = {"timestamp": AT, "symbol": "AAPL", "action": "buy", "qty_change": -5, "new_qty": 10, "price": "150.25", "strategy_id": "a"}
QUOTE = {"bid": Decimal("410.50"), "ask": Decimal("410.51"), "bid_price": Decimal("410.50"), "ask_price": Decimal("410.51")}
PRICE: dict[str, Any] = {"symbol": "MSFT", "price": Decimal("410.505"), "timestamp": AT.isoformat(), **QUOTE, "bid_size": 3, "ask_size": 5, "exchange": "V"}
ORDINARY: list[tuple[type[ContractModel], dict[str, Any]]] = [(SignalEvent, SIGNAL), (OrderEvent, ORDER), (PositionEvent, POSITION), (PriceUpdateEvent, PRICE)]


class Sub(Decimal):
    """A Decimal subclass: the model keeps it as it is, so the happy path (which would not) leaves it."""


class Loud(Decimal):
    def __str__(self) -> str:
        return "1" * 70


class NoOffset(tzinfo):
    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None


class Moment(datetime):
    pass


def outcome(build: Any) -> tuple[str, Any]:
    """("ok", (dict, fields set, JSON)) or ("error", [(type, location, message)])."""
    try:
        event = build()
    except ValidationError as error:
        return "error", [(e["type"], e["loc"], e["msg"]) for e in error.errors(include_url=False)]
    values: dict[str, tuple[type[Any], Any]] = {name: (type(value), value) for name, value in event.__dict__.items()}
    return "ok", (values, event.__pydantic_fields_set__, BaseModel.model_dump_json(event))


def own(model: type[ContractModel], arguments: dict[str, Any]) -> tuple[str, Any]:
    """What the model's own validator makes of the arguments: the constructor without its happy path."""
    return outcome(lambda: model.__pydantic_validator__.validate_python(arguments))


def digits(count: int) -> str:
    return "1" * count


def scientific(sign: str, coefficient: int, exponent: int) -> Decimal:
    return Decimal(f"{sign}{coefficient}E{exponent}")


CONSTRUCTOR_CASES: list[tuple[str, type[ContractModel], dict[str, Any]]] = [
    ("64 characters", PriceUpdateEvent, {**PRICE, "price": Decimal(digits(64))}),
    ("65 characters", PriceUpdateEvent, {**PRICE, "price": Decimal(digits(65))}),
    ("65 characters, a quote field", PriceUpdateEvent, {**PRICE, "ask_price": Decimal(digits(65))}),
    ("64 characters with a point", PriceUpdateEvent, {**PRICE, "bid": Decimal("-" + digits(61) + ".1")}),
    ("65 characters of trailing zeros", PriceUpdateEvent, {**PRICE, "price": Decimal("1." + "0" * 63)}),
    ("-0", PriceUpdateEvent, {**PRICE, "price": Decimal("-0")}),
    ("-0E-8", PriceUpdateEvent, {**PRICE, "price": Decimal("-0E-8")}),
    ("0E-8", PriceUpdateEvent, {**PRICE, "price": Decimal("0E-8")}),
    ("an exponent", PriceUpdateEvent, {**PRICE, "price": Decimal("1.5E+3"), "bid": Decimal("1E-100")}),
    ("a negative price", PriceUpdateEvent, {**PRICE, "price": Decimal("-0.01")}),
    ("a negative bid", PriceUpdateEvent, {**PRICE, "bid": Decimal("-0.01")}),
    ("NaN", PriceUpdateEvent, {**PRICE, "price": Decimal("NaN")}),
    ("sNaN", PriceUpdateEvent, {**PRICE, "bid": Decimal("sNaN")}),
    ("Infinity", PriceUpdateEvent, {**PRICE, "ask": Decimal("Infinity")}),
    ("-Infinity", PriceUpdateEvent, {**PRICE, "bid": Decimal("-Infinity")}),
    ("a Decimal subclass", PriceUpdateEvent, {**PRICE, "price": Sub("1.5")}),
    ("a Decimal subclass that writes itself long", PriceUpdateEvent, {**PRICE, "bid": Loud("1.5")}),
    ("a decimal as text", PriceUpdateEvent, {**PRICE, "price": "1.5"}),
    ("a float for a decimal", PriceUpdateEvent, {**PRICE, "price": 1.5}),
    ("an int for a decimal", PriceUpdateEvent, {**PRICE, "bid": 1}),
    ("null quote fields", PriceUpdateEvent, {**PRICE, "bid": None, "ask": None, "bid_size": None}),
    ("the four fields of contract 0.1.0", PriceUpdateEvent, {"symbol": "MSFT", "price": Decimal("1"), "timestamp": AT.isoformat()}),
    ("a null price", PriceUpdateEvent, {**PRICE, "price": None}),
    ("no price", PriceUpdateEvent, {key: value for key, value in PRICE.items() if key != "price"}),
    ("an isoformat() without offset", PriceUpdateEvent, {**PRICE, "timestamp": "2025-01-18T09:00:00"}),
    ("a leap second as text", PriceUpdateEvent, {**PRICE, "timestamp": "2016-12-31T23:59:60Z"}),
    ("another symbol form", PriceUpdateEvent, {**PRICE, "symbol": "AA*"}),
    ("a naive datetime", SignalEvent, {**SIGNAL, "timestamp": datetime(2025, 1, 18, 9)}),
    ("a fixed offset", SignalEvent, {**SIGNAL, "timestamp": datetime(2025, 1, 18, 9, tzinfo=timezone(timedelta(hours=5, minutes=30)))}),
    ("an offset in seconds", SignalEvent, {**SIGNAL, "timestamp": datetime(2025, 1, 18, 9, tzinfo=timezone(timedelta(seconds=-3601)))}),
    ("a zone", OrderEvent, {**ORDER, "timestamp": datetime(2025, 1, 18, 9, tzinfo=ZoneInfo("America/New_York"))}),
    ("a tzinfo without offset", OrderEvent, {**ORDER, "timestamp": datetime(2025, 1, 18, 9, tzinfo=NoOffset())}),
    ("a datetime subclass", PositionEvent, {**POSITION, "timestamp": Moment(2025, 1, 18, 9, tzinfo=timezone.utc)}),
    ("a timestamp as text", PositionEvent, {**POSITION, "timestamp": "2025-01-18T09:00:00.1234567z"}),
    ("a leap second for a datetime", SignalEvent, {**SIGNAL, "timestamp": "2016-12-31T23:59:60Z"}),
    ("year 0", SignalEvent, {**SIGNAL, "timestamp": "0000-01-01T00:00:00Z"}),
    ("an unknown argument", SignalEvent, {**SIGNAL, "venue": "X"}),
    ("an unknown argument and a bad field", SignalEvent, {**SIGNAL, "venue": "X", "num_signals": -1}),
    ("an event_id", OrderEvent, {**ORDER, "event_id": "URN:UUID:550E8400-E29B-41D4-A716-446655440000"}),
    ("a null event_id", OrderEvent, {**ORDER, "event_id": None}),
    ("a run_id that is no UUID", OrderEvent, {**ORDER, "run_id": "run-1"}),
    ("an explicit event_type", OrderEvent, {**ORDER, "event_type": "orders.executed"}),
    ("another event_type", OrderEvent, {**ORDER, "event_type": "signals.generated"}),
    ("an impossible date", SignalEvent, {**SIGNAL, "as_of_date": "2025-02-29"}),
    ("a leap day", SignalEvent, {**SIGNAL, "as_of_date": "2024-02-29"}),
    ("no symbols", SignalEvent, {**SIGNAL, "symbols": []}),
    ("a bool for a count", OrderEvent, {**ORDER, "num_orders": True}),
    ('an action of "short"', PositionEvent, {**POSITION, "action": "short"}),
    ("a price in exponent form", PositionEvent, {**POSITION, "price": "1.5E+3"}),
]


@pytest.mark.parametrize(("name", "model", "arguments"), CONSTRUCTOR_CASES, ids=[case[0] for case in CONSTRUCTOR_CASES])
def test_the_constructor_gives_the_verdict_of_the_models_own_validator(name: str, model: type[ContractModel], arguments: dict[str, Any]) -> None:
    assert outcome(lambda: model(**arguments)) == own(model, arguments), name


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(
    st.sampled_from(["price", "bid", "ask_price"]),
    st.one_of(
        st.decimals(allow_nan=True, allow_infinity=True),
        st.builds(scientific, st.sampled_from(["", "-"]), st.integers(0, 10**70), st.integers(-80, 80)),
    ),
)
def test_any_decimal_gets_the_verdict_of_the_models_own_validator(field: str, value: Decimal) -> None:
    arguments: dict[str, Any] = {**PRICE, field: value}
    assert outcome(lambda: PriceUpdateEvent(**arguments)) == own(PriceUpdateEvent, arguments)


@pytest.mark.parametrize(("model", "arguments"), ORDINARY)
def test_the_ordinary_events_take_the_constructors_happy_path(model: type[ContractModel], arguments: dict[str, Any]) -> None:
    happy = model.__contract_constructor__.validator
    assert happy is not None
    happy.validate_python(arguments)  # accepted: the model's own validator is not called
    assert not model.__pydantic_custom_init__  # model_validate_json keeps its JSON path
    assert list(inspect.signature(model).parameters) == list(model.model_fields)


def test_model_dump_json_writes_what_pydantics_writes() -> None:
    for model, arguments in ORDINARY:
        event = model(**arguments, event_id="550e8400-e29b-41d4-a716-446655440000")
        assert event.model_dump_json() == BaseModel.model_dump_json(event)
        assert event.model_dump_json(indent=2, exclude={"event_id"}) == BaseModel.model_dump_json(event, indent=2, exclude={"event_id"})
        assert '"event_id"' not in model(**arguments).model_dump_json()


def readers() -> list[tuple[str, type[ContractModel], Any]]:
    return [(c.address, c.model, reader_validator(c.model.__pydantic_core_schema__, c.required_with_default)) for c in CHANNELS.values()]


def body(model: type[ContractModel], arguments: dict[str, Any], **changes: Any) -> bytes:
    return json.dumps({**json.loads(model(**arguments).model_dump_json()), **changes}).encode()


READER_CASES: list[tuple[str, type[ContractModel], bytes]] = [
    ("ordinary", SignalEvent, body(SignalEvent, SIGNAL)),
    ("ordinary", OrderEvent, body(OrderEvent, ORDER, event_id="550e8400-e29b-41d4-a716-446655440000")),
    ("ordinary", PositionEvent, body(PositionEvent, POSITION)),
    ("ordinary", PriceUpdateEvent, body(PriceUpdateEvent, PRICE)),
    ("no event_type", SignalEvent, json.dumps({k: v for k, v in json.loads(body(SignalEvent, SIGNAL)).items() if k != "event_type"}).encode()),
    ("an unknown field", SignalEvent, body(SignalEvent, SIGNAL, venue="X")),
    ("a leap second", SignalEvent, body(SignalEvent, SIGNAL, timestamp="2016-12-31T23:59:60Z")),
    ("a local leap second", SignalEvent, body(SignalEvent, SIGNAL, timestamp="2016-12-31T12:34:60+05:00")),
    ("year 0", OrderEvent, body(OrderEvent, ORDER, timestamp="0000-01-01T00:00:00Z")),
    ("year 0, 29 February", OrderEvent, body(OrderEvent, ORDER, timestamp="0000-02-29T00:00:00Z")),
    ("year 400, 29 February", OrderEvent, body(OrderEvent, ORDER, timestamp="0400-02-29T00:00:00Z")),
    ("year 1900, 29 February", OrderEvent, body(OrderEvent, ORDER, timestamp="1900-02-29T00:00:00Z")),
    ("lowercase t and z", PositionEvent, body(PositionEvent, POSITION, timestamp="2025-01-18t09:00:00.1234567z")),
    ("a naive timestamp", PositionEvent, body(PositionEvent, POSITION, timestamp="2025-01-18T09:00:00")),
    ("an offset of 23:59", SignalEvent, body(SignalEvent, SIGNAL, timestamp="2025-01-18T09:00:00-23:59")),
    ("a leap second as text", PriceUpdateEvent, body(PriceUpdateEvent, PRICE, timestamp="2016-12-31T23:59:60Z")),
    ("64 characters", PriceUpdateEvent, body(PriceUpdateEvent, PRICE, price=digits(64))),
    ("65 characters", PriceUpdateEvent, body(PriceUpdateEvent, PRICE, bid=digits(65))),
    ("-0", PriceUpdateEvent, body(PriceUpdateEvent, PRICE, price="-0.00E-8")),
    ("a negative price", PriceUpdateEvent, body(PriceUpdateEvent, PRICE, price="-1")),
    ("NaN as text", PriceUpdateEvent, body(PriceUpdateEvent, PRICE, ask="NaN")),
    ("a number for a decimal", PriceUpdateEvent, body(PriceUpdateEvent, PRICE, price=1.5)),
    ("null quote fields", PriceUpdateEvent, body(PriceUpdateEvent, PRICE, bid=None, ask_size=None)),
    ("a null event_id", OrderEvent, body(OrderEvent, ORDER, event_id=None)),
]


@pytest.mark.parametrize(("name", "model", "data"), READER_CASES, ids=[f"{case[1].__name__}: {case[0]}" for case in READER_CASES])
def test_the_readers_happy_path_accepts_only_what_the_models_own_validator_accepts(name: str, model: type[ContractModel], data: bytes) -> None:
    reader = next(happy for _, owner, happy in readers() if owner is model)
    happy = outcome(lambda: reader.validate_json(data))
    if happy[0] == "ok":
        assert happy == outcome(lambda: model.model_validate_json(data)), name
    if name == "ordinary":
        assert happy[0] == "ok"
    if name in {"no event_type", "an unknown field"}:
        assert happy[0] == "error"  # the event_type that pydantic would fill in, the unknown field that would hide NaN
