"""to_wire (strict writer) and from_wire (tolerant reader): every way each refuses, with the codes."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest

import trading_platform_events as events
from trading_platform_events import ContractError, PriceUpdateEvent, SignalEvent, from_wire, to_wire

AT = datetime(2025, 1, 18, 9, tzinfo=timezone.utc)
PRICE: dict[str, Any] = {"event_type": "price.updated", "symbol": "AAPL", "price": "150.25", "timestamp": "2025-01-18T09:00:00+00:00"}
SIGNAL: dict[str, Any] = {"event_type": "signals.generated", "timestamp": "2025-01-18T09:00:00Z", "strategy_id": "a", "symbols": ["AAPL"], "num_signals": 1, "as_of_date": "2025-01-17"}


def codes_of(error: pytest.ExceptionInfo[ContractError]) -> list[tuple[str, str]]:
    return [(v.pointer, v.code) for v in error.value.violations]


def wire(payload: dict[str, Any], **changes: Any) -> bytes:
    return json.dumps({**payload, **changes}).encode()


def test_contract_error_is_a_value_error_that_lists_every_violation() -> None:
    with pytest.raises(ContractError) as error:
        from_wire("signals.generated", wire(SIGNAL, num_signals="1", symbols=[], timestamp="2025-01-18T09:00:00"))
    assert isinstance(error.value, ValueError)
    assert sorted(codes_of(error)) == [("/num_signals", "type.mismatch"), ("/symbols", "array.too_short"), ("/timestamp", "timestamp.naive")]
    assert "/timestamp: has no UTC offset" in str(error.value)
    assert error.value.address == "signals.generated"


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("bad UTF-8", b'{"a":"\xff"}', [("", "message.not_utf8")]),
        ("an array", b"[]", [("", "type.mismatch")]),
        ("a string", b'"x"', [("", "type.mismatch")]),
        ("nothing", b" \n", [("", "message.empty")]),
        ("truncated JSON", b'{"event_type": ', [("", "message.not_json")]),
        ("NaN, which JSON.parse refuses", wire(PRICE)[:-1] + b', "x": NaN}', [("", "message.not_json")]),
        ("a __proto__ key", wire(PRICE, __proto__={}), [("", "message.forbidden_key")]),
        ("an escaped __proto__ key", wire(PRICE)[:-1] + b', "\\u005f_proto__": 1}', [("", "message.forbidden_key")]),
        ("constructor.prototype", wire(PRICE, x={"constructor": {"prototype": {}}}), [("", "message.forbidden_key")]),
        ("another symbol than the address", wire(PRICE, symbol="MSFT"), [("/symbol", "parameter.mismatch")]),
        ("a JSON number for a decimal", wire(PRICE, price=150.25), [("/price", "type.mismatch")]),
        ("a negative price", wire(PRICE, price="-1"), [("/price", "decimal.negative")]),
        ("no event_type", wire({k: v for k, v in PRICE.items() if k != "event_type"}), [("/event_type", "field.missing")]),
        ("an explicit null event_id", wire(PRICE, event_id=None), [("/event_id", "type.mismatch")]),
    ],
)
def test_from_wire_refuses(name: str, data: bytes, expected: list[tuple[str, str]]) -> None:
    with pytest.raises(ContractError) as error:
        from_wire("price.updated.AAPL", data)
    assert codes_of(error) == expected, name


def test_from_wire_refuses_an_over_long_message_before_reading_it() -> None:
    with pytest.raises(ContractError) as error:
        from_wire("price.updated.AAPL", wire(PRICE), max_bytes=20)
    assert codes_of(error) == [("", "message.too_large")]
    assert error.value.violations[0].message == f"is {len(wire(PRICE))} bytes, more than the limit of 20"


def test_from_wire_accepts_unknown_fields_and_what_javascript_reads_as_the_same_json() -> None:
    event = from_wire("price.updated.AAPL", wire(PRICE, conditions=["R"]))
    assert isinstance(event, PriceUpdateEvent) and event.price == Decimal("150.25")
    assert isinstance(from_wire("price.updated.AAPL", b"\xef\xbb\xbf" + wire(PRICE)), PriceUpdateEvent)  # a BOM
    signal = from_wire("signals.generated", wire(SIGNAL)[:-1] + b', "num_signals": 3.0}')
    assert isinstance(signal, SignalEvent) and signal.num_signals == 3
    assert isinstance(from_wire("signals.generated", json.dumps(SIGNAL)), SignalEvent)  # str as well as bytes


def test_from_wire_refuses_unknown_addresses() -> None:
    for address in ["prices.updated.AAPL", "price.updated.{symbol}", "price.updated.AA*", "price.updated."]:
        with pytest.raises(ContractError) as error:
            from_wire(address, wire(PRICE))
        assert codes_of(error) == [("", "channel.unknown")], address


def price_event(**changes: Any) -> PriceUpdateEvent:
    return PriceUpdateEvent(symbol="AAPL", price=Decimal("150.25"), timestamp="2025-01-18T09:00:00+00:00", **changes)


def test_to_wire_writes_the_model_dump_once_the_strict_view_accepts_it() -> None:
    event = price_event(bid=Decimal("150.2"))
    assert to_wire("price.updated.AAPL", event) == event.model_dump_json().encode()


def test_to_wire_refuses_a_symbol_other_than_the_address() -> None:
    with pytest.raises(ContractError) as error:
        to_wire("price.updated.MSFT", price_event())
    assert codes_of(error) == [("/symbol", "parameter.mismatch")]
    assert str(error.value.violations[0]) == '/symbol: must equal the channel\'s symbol "MSFT", not "AAPL" [parameter.mismatch]'


def test_to_wire_refuses_another_channels_model_and_unknown_channels() -> None:
    signal = SignalEvent(timestamp=AT, strategy_id="a", symbols=["AAPL"], num_signals=1, as_of_date="2025-01-17")
    with pytest.raises(ContractError) as error:
        to_wire("price.updated.AAPL", signal)
    assert codes_of(error) == [("", "type.mismatch")]
    with pytest.raises(ContractError) as error:
        to_wire("signals.generatd", signal)
    assert codes_of(error) == [("", "channel.unknown")]


def test_to_wire_refuses_unknown_fields() -> None:
    class WithVenue(PriceUpdateEvent, extra="allow"):
        pass

    with pytest.raises(ContractError) as error:
        extra: dict[str, Any] = {"venue": "XNAS"}
        to_wire("price.updated.AAPL", WithVenue(symbol="AAPL", price=Decimal(1), timestamp="2025-01-18T09:00:00Z", **extra))
    assert codes_of(error) == [("/venue", "field.unknown")]


def test_to_wire_checks_what_construction_skipped() -> None:
    unchecked = PriceUpdateEvent.model_construct(symbol="AAPL", price=Decimal("-1"), timestamp="2025-01-18T09:00:00")
    with pytest.raises(ContractError) as error:
        to_wire("price.updated.AAPL", unchecked)
    assert sorted(codes_of(error)) == [("/price", "decimal.negative"), ("/timestamp", "timestamp.naive")]


def test_the_catalogue_names_every_channel_with_its_parameters() -> None:
    assert sorted(events.CHANNELS) == ["orders.executed", "positions.updated", "price.updated.{symbol}", "signals.generated"]
    price = events.CHANNELS["price.updated.{symbol}"]
    assert price.model is PriceUpdateEvent and price.message == "PriceUpdateEvent"
    assert [(p.name, p.payload_field, p.max_length) for p in price.parameters] == [("symbol", "symbol", 32)]
    assert price.build_address(symbol="BRK.B") == "price.updated.BRK.B"
    assert price.build_address(symbol="AA*") is None
    assert price.parse_address("price.updated.BRK.B") == {"symbol": "BRK.B"}
    assert events.resolve_address("orders.executed")[1] == {}
    assert events.CONTRACT_VERSION == events.__version__


def test_a_message_nested_deeper_than_pythons_recursion_limit_is_not_json() -> None:
    """A known difference: JSON.parse reads any depth, Python's json module about 1,000 levels."""
    deep = b'{"event_type":"price.updated","symbol":"AAPL","price":"1","timestamp":"2025-01-18T09:00:00Z","x":' + b"[" * 5000 + b"]" * 5000 + b"}"
    with pytest.raises(ContractError) as error:
        from_wire("price.updated.AAPL", deep)
    assert codes_of(error) == [("", "message.not_json")]
