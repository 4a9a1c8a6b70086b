"""Drop-in: the generated models, built with the services' constructor arguments, write the bytes the
hand-written models write (test/fixtures/python-seed/python_models.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import python_models as hand
from hypothesis import given, settings
from hypothesis import strategies as st

import trading_platform_events as events

SETTINGS = settings(max_examples=40, derandomize=True, deadline=None, database=None)

ticker = st.from_regex(r"\A[A-Z0-9]{1,5}(\.[A-Z])?\Z")
offsets = st.sampled_from([timezone.utc, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))])
aware = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1), timezones=offsets)
count = st.integers(min_value=0, max_value=2**53 - 1)
quantity = st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1)
strategy_id = st.text(min_size=1, max_size=20)
price = st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False)
signed_price = st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False, allow_infinity=False)


def same_bytes(hand_model: type[Any], generated: type[events.ContractModel], **arguments: Any) -> None:
    assert generated(**arguments).model_dump_json() == hand_model(**arguments).model_dump_json()


@SETTINGS
@given(aware, strategy_id, st.lists(ticker, min_size=1, max_size=4), count, aware.map(lambda t: t.date().isoformat()))
def test_signal_event(timestamp: datetime, strategy: str, symbols: list[str], num: int, as_of: str) -> None:
    same_bytes(hand.SignalEvent, events.SignalEvent, timestamp=timestamp, strategy_id=strategy, symbols=symbols, num_signals=num, as_of_date=as_of)


@SETTINGS
@given(aware, st.uuids().map(str), strategy_id, count, count, count)
def test_order_event(timestamp: datetime, run_id: str, strategy: str, orders: int, accepted: int, rejected: int) -> None:
    same_bytes(hand.OrderEvent, events.OrderEvent, timestamp=timestamp, run_id=run_id, strategy_id=strategy, num_orders=orders, num_accepted=accepted, num_rejected=rejected)


@SETTINGS
@given(aware, ticker, st.sampled_from(["buy", "sell", "fill", "partial_fill"]), quantity, quantity, signed_price, strategy_id)
def test_position_event(timestamp: datetime, symbol: str, action: str, change: int, qty: int, amount: Decimal, strategy: str) -> None:
    same_bytes(hand.PositionEvent, events.PositionEvent, timestamp=timestamp, symbol=symbol, action=action, qty_change=change, new_qty=qty, price=str(amount), strategy_id=strategy)


@SETTINGS
@given(ticker, price, price, st.integers(0, 10**6), st.integers(0, 10**6), st.sampled_from(["V", "Q", "XNAS"]), aware)
def test_price_update_from_quote(symbol: str, bid: Decimal, ask: Decimal, bid_size: int, ask_size: int, exchange: str, at: datetime) -> None:
    """The producer's own construction: `from_quote` (mid price, bid/ask twice, no volume, isoformat())."""
    quote = hand.PriceUpdateEvent.from_quote(symbol, bid, ask, bid_size, ask_size, exchange, at)  # pyright: ignore[reportUnknownMemberType] (the seed is untyped)
    arguments = {name: getattr(quote, name) for name in quote.model_fields_set}
    same_bytes(hand.PriceUpdateEvent, events.PriceUpdateEvent, **arguments)
    address = f"price.updated.{symbol}"
    assert events.to_wire(address, events.PriceUpdateEvent(**arguments)) == quote.model_dump_json().encode()


@SETTINGS
@given(ticker, price, aware, st.one_of(st.none(), st.integers(0, 10**9)))
def test_price_update_with_nulls_and_volume(symbol: str, mid: Decimal, at: datetime, volume: int | None) -> None:
    same_bytes(hand.PriceUpdateEvent, events.PriceUpdateEvent, symbol=symbol, price=mid, timestamp=at.isoformat(), volume=volume)


def test_an_event_id_is_written_only_when_set() -> None:
    at = datetime(2025, 1, 18, 9, tzinfo=timezone.utc)
    arguments: dict[str, Any] = {"timestamp": at, "strategy_id": "s", "symbols": ["AAPL"], "num_signals": 1, "as_of_date": "2025-01-17"}
    assert '"event_id"' not in events.SignalEvent(**arguments).model_dump_json()
    with_id = events.SignalEvent(**arguments, event_id="0f8fad5b-d9cb-469f-a165-70867728950e").model_dump_json()
    assert with_id.endswith(',"event_id":"0f8fad5b-d9cb-469f-a165-70867728950e"}')
