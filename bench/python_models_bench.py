"""Section 8 of `npm run bench`: the generated Pydantic models against the services' hand-written ones
(test/fixtures/python-seed), same arguments, same bytes, in one process. Per channel: validate + dump
(construct and model_dump_json, what a producer runs), to_wire (the same with the strict check), and
reading the producer's message back (the hand-written model's model_validate_json against from_wire).
Each round runs both sides back to back, the first one alternating; each side's median over the rounds (ns per call)
and the median and spread of the rounds' ratios are printed as JSON."""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import python_models as hand

import trading_platform_events as events

AT = datetime(2025, 1, 18, 14, 30, 5, 123456, tzinfo=timezone.utc)
ARGUMENTS: dict[str, tuple[str, type[Any], type[events.ContractModel], dict[str, Any]]] = {
    "signals.generated": ("signals.generated", hand.SignalEvent, events.SignalEvent, {"timestamp": AT, "strategy_id": "alpha_baseline", "symbols": ["AAPL", "MSFT", "GOOGL"], "num_signals": 3, "as_of_date": "2025-01-17"}),
    "orders.executed": ("orders.executed", hand.OrderEvent, events.OrderEvent, {"timestamp": AT, "run_id": "550e8400-e29b-41d4-a716-446655440000", "strategy_id": "alpha_baseline", "num_orders": 5, "num_accepted": 3, "num_rejected": 2}),
    "positions.updated": ("positions.updated", hand.PositionEvent, events.PositionEvent, {"timestamp": AT, "symbol": "AAPL", "action": "buy", "qty_change": 100, "new_qty": 100, "price": "150.25", "strategy_id": "alpha_baseline"}),
    "price.updated.{symbol}": ("price.updated.MSFT", hand.PriceUpdateEvent, events.PriceUpdateEvent, {"symbol": "MSFT", "price": Decimal("410.505"), "timestamp": AT.isoformat(), "bid": Decimal("410.50"), "ask": Decimal("410.51"), "bid_price": Decimal("410.50"), "ask_price": Decimal("410.51"), "bid_size": 3, "ask_size": 5, "exchange": "V"}),
}


def per_call_ns(work: Callable[[], object], calls: int) -> float:
    started = time.perf_counter_ns()
    for _ in range(calls):
        work()
    return (time.perf_counter_ns() - started) / calls


def measure(pairs: dict[str, tuple[Callable[[], object], Callable[[], object]]], rounds: int, calls: int) -> dict[str, dict[str, float]]:
    """Per pair: each side's median ns per call, and the median, lowest and highest of the rounds' ratios
    (generated ÷ hand-written), each round's ratio taken from two runs back to back, the first side alternating."""
    samples: dict[str, dict[str, list[float]]] = {name: {"hand": [], "generated": [], "ratio": []} for name in pairs}
    for round_index in range(rounds):
        for name, (hand_work, generated_work) in pairs.items():
            sides = {"hand": hand_work, "generated": generated_work}
            order = ("hand", "generated") if round_index % 2 == 0 else ("generated", "hand")
            timing = {side: per_call_ns(sides[side], calls) for side in order}
            hand, generated = timing["hand"], timing["generated"]
            samples[name]["hand"].append(hand)
            samples[name]["generated"].append(generated)
            samples[name]["ratio"].append(generated / hand)
    return {
        name: {
            "hand": statistics.median(sides["hand"]),
            "generated": statistics.median(sides["generated"]),
            "ratio": statistics.median(sides["ratio"]),
            "ratio_min": min(sides["ratio"]),
            "ratio_max": max(sides["ratio"]),
        }
        for name, sides in samples.items()
    }


def main() -> None:
    rounds, calls = int(sys.argv[1]), int(sys.argv[2])
    results: dict[str, Any] = {}
    for channel, (address, hand_model, model, arguments) in ARGUMENTS.items():
        body = model(**arguments).model_dump_json().encode()
        assert body == hand_model(**arguments).model_dump_json().encode(), channel  # the same bytes
        results[channel] = measure(
            {
                "validate + dump": (lambda: hand_model(**arguments).model_dump_json(), lambda: model(**arguments).model_dump_json()),
                "validate + to_wire": (lambda: hand_model(**arguments).model_dump_json(), lambda: events.to_wire(address, model(**arguments))),
                "read the message": (lambda: hand_model.model_validate_json(body), lambda: events.from_wire(address, body)),
            },
            rounds,
            calls,
        )
    print(json.dumps({"python": sys.version.split()[0], "results": results}))


if __name__ == "__main__":
    main()
