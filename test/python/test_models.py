"""The models hold every constraint of the spec: what the hand-written models let through in lax mode
is refused at construction, with the contract's codes as the pydantic error types."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from trading_platform_events import OrderEvent, PositionEvent, PriceUpdateEvent, SignalEvent

AT = datetime(2025, 1, 18, 9, tzinfo=timezone.utc)
SIGNAL: dict[str, Any] = {"timestamp": AT, "strategy_id": "a", "symbols": ["AAPL"], "num_signals": 1, "as_of_date": "2025-01-17"}
ORDER: dict[str, Any] = {"timestamp": AT, "run_id": "550e8400-e29b-41d4-a716-446655440000", "strategy_id": "a", "num_orders": 1, "num_accepted": 1, "num_rejected": 0}
POSITION: dict[str, Any] = {"timestamp": AT, "symbol": "AAPL", "action": "buy", "qty_change": 1, "new_qty": 1, "price": "1.5", "strategy_id": "a"}
PRICE: dict[str, Any] = {"symbol": "AAPL", "price": Decimal("1.5"), "timestamp": "2025-01-18T09:00:00+00:00"}


@pytest.mark.parametrize(
    ("name", "model", "arguments", "error_type"),
    [
        ('"1" for an integer', SignalEvent, {**SIGNAL, "num_signals": "1"}, "int_type"),
        ("a float for a decimal", PriceUpdateEvent, {**PRICE, "price": 1.5}, "type.mismatch"),
        ("a negative mid price", PriceUpdateEvent, {**PRICE, "price": Decimal("-0.01")}, "decimal.negative"),
        ("NaN", PriceUpdateEvent, {**PRICE, "bid": Decimal("NaN")}, "decimal.invalid"),
        ("a run_id that is no UUID", OrderEvent, {**ORDER, "run_id": "run-1"}, "uuid.invalid"),
        ('an action of "short"', PositionEvent, {**POSITION, "action": "short"}, "literal_error"),
        ("a naive datetime", SignalEvent, {**SIGNAL, "timestamp": datetime(2025, 1, 18, 9)}, "timestamp.naive"),
        ("an isoformat() without offset", PriceUpdateEvent, {**PRICE, "timestamp": "2025-01-18T09:00:00"}, "timestamp.naive"),
        ("a space for T", PriceUpdateEvent, {**PRICE, "timestamp": "2025-01-18 09:00:00Z"}, "timestamp.invalid"),
        ("an offset without colon", SignalEvent, {**SIGNAL, "timestamp": "2025-01-18T09:00:00+0500"}, "timestamp.invalid"),
        ("no symbols", SignalEvent, {**SIGNAL, "symbols": []}, "too_short"),
        ("a glob in a ticker", SignalEvent, {**SIGNAL, "symbols": ["AA*"]}, "string_pattern_mismatch"),
        ("an impossible date", SignalEvent, {**SIGNAL, "as_of_date": "2025-02-30"}, "date.invalid"),
        ("a count past 2^53-1", OrderEvent, {**ORDER, "num_orders": 2**53}, "less_than_equal"),
        ("a bool for an integer", OrderEvent, {**ORDER, "num_orders": True}, "int_type"),
        ("another event_type", SignalEvent, {**SIGNAL, "event_type": "orders.executed"}, "literal_error"),
        ("a field the contract does not define", SignalEvent, {**SIGNAL, "venue": "X"}, "extra_forbidden"),
        ("an exchange of 33 characters", PriceUpdateEvent, {**PRICE, "exchange": "X" * 33}, "string_too_long"),
        ("a price in exponent form with a lowercase e", PositionEvent, {**POSITION, "price": "1.5e3"}, "string_pattern_mismatch"),
    ],
)
def test_construction_refuses(name: str, model: type[Any], arguments: dict[str, Any], error_type: str) -> None:
    with pytest.raises(ValidationError) as error:
        model(**arguments)
    assert [e["type"] for e in error.value.errors()] == [error_type], name


def test_assignment_is_checked_too() -> None:
    event = PriceUpdateEvent(**PRICE)
    with pytest.raises(ValidationError):
        event.price = Decimal("-1")


def changed(arguments: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**arguments, **changes}


def test_the_forms_the_contract_allows_are_accepted() -> None:
    zero = PriceUpdateEvent(**changed(PRICE, price=Decimal("-0"), bid=Decimal("-1E-8")))
    assert zero.model_dump_json().startswith('{"event_type":"price.updated","symbol":"AAPL","price":"-0",')
    assert SignalEvent(**changed(SIGNAL, timestamp="2025-01-18T09:00:00.1234567z")).timestamp.microsecond == 123456
    assert OrderEvent(**changed(ORDER, run_id="URN:UUID:550E8400-E29B-41D4-A716-446655440000")).run_id.startswith("URN")
