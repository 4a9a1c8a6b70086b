"""One verdict in two languages. The TypeScript cases (python-wire fixtures, fast-check payloads, raw
JSON edge cases) arrive with TypeScript's verdicts; the hypothesis cases leave with Python's, and the
Vitest runner checks them against TypeScript's after this run."""

from __future__ import annotations

import base64
import json
import os
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from verdicts import KNOWN_DIFFERENCE, Verdict, disagreement, python_verdict

import trading_platform_events as events

TS_CASES = Path(os.environ.get("TS_CASES", "ts-cases.jsonl"))
PY_CASES = Path(os.environ.get("PY_CASES", "py-cases.jsonl"))


def ts_cases() -> list[dict[str, Any]]:
    return [json.loads(line) for line in TS_CASES.read_text("utf-8").splitlines()]


def test_the_typescript_cases_arrived() -> None:
    cases = ts_cases()
    assert len(cases) >= 200
    assert {c["tolerant"]["ok"] for c in cases} == {True, False}


@pytest.mark.parametrize("view", ["strict", "tolerant"])
def test_every_typescript_case_gets_the_same_verdict_in_python(view: str) -> None:
    problems: list[str] = []
    for case in ts_cases():
        python = python_verdict(case["address"], base64.b64decode(case["wire"]), strict=view == "strict")
        problem = disagreement(case[view], python)
        if problem:
            problems.append(f"{case['id']} on {case['address']}: {problem}")
    assert problems == []


def test_the_known_difference_is_only_the_unrepresentable_timestamp() -> None:
    leap = b'{"event_type":"signals.generated","timestamp":"2016-12-31T23:59:60Z","strategy_id":"s","symbols":["A"],"num_signals":1,"as_of_date":"2016-12-31"}'
    assert python_verdict("signals.generated", leap, strict=True)["violations"] == [["/timestamp", KNOWN_DIFFERENCE]]
    price = b'{"event_type":"price.updated","symbol":"A","price":"1","timestamp":"2016-12-31T23:59:60Z"}'
    assert python_verdict("price.updated.A", price, strict=True)["ok"]  # kept as text: no difference


# Hypothesis: payloads from each channel's JSON Schema, one mutation each.
ODD_VALUES: list[object] = [
    "", "x", "-1", "-0", "1.5e3", "1E+2", "2025-01-18T09:00:00", "2025-01-18T09:00:00+05:00", "2025-13-01", "short", "AA*", 0, -1, 2.5, 4.0, 2**53, True, None, [], {}]
ODD = st.sampled_from(ODD_VALUES)


def string_of(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    offsets = st.sampled_from([timezone.utc, timezone(timedelta(hours=-5)), timezone(timedelta(minutes=345))])
    formats: dict[str, st.SearchStrategy[str]] = {
        "date-time": st.datetimes(timezones=offsets).map(lambda t: t.isoformat()),
        "date": st.dates().map(lambda d: d.isoformat()),
        "uuid": st.uuids().map(str),
    }
    if schema.get("format") in formats:
        return formats[schema["format"]]
    if "pattern" in schema:
        limit: int = schema.get("maxLength", 64)
        pattern: str = schema["pattern"]
        texts: st.SearchStrategy[str] = st.from_regex(pattern.replace("^", r"\A", 1).removesuffix("$") + r"\Z")
        return texts.filter(lambda text: len(text) <= limit)
    return st.text(min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 20), 20))


def value_of(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    declared: str | list[str] = schema["type"]
    types = declared if isinstance(declared, list) else [declared]
    base = next(name for name in types if name != "null")
    inner: st.SearchStrategy[Any]
    if base == "string":
        inner = string_of(schema)
    elif base == "integer":
        inner = st.integers(schema.get("minimum"), schema.get("maximum"))
    else:
        inner = st.lists(value_of(schema["items"]), min_size=schema.get("minItems", 0), max_size=3)
    return st.one_of(st.none(), inner) if "null" in types else inner


@st.composite
def wire_cases(draw: st.DrawFn, channel: events.Channel) -> tuple[str, bytes]:
    schema = channel.payload_schema
    required = set(schema["required"])
    payload = {name: draw(value_of(field)) for name, field in schema["properties"].items() if name in required or draw(st.booleans())}
    kind = draw(st.sampled_from(["none", "set", "set", "drop", "add"]))
    name = draw(st.sampled_from(sorted(schema["properties"])))
    if kind == "set":
        payload[name] = draw(ODD)
    elif kind == "drop":
        payload.pop(name, None)
    elif kind == "add":
        payload[draw(st.text(max_size=6))] = draw(ODD)
    symbol = payload.get("symbol") if isinstance(payload.get("symbol"), str) and draw(st.booleans()) else "MSFT"
    address = channel.build_address(symbol=str(symbol)) or channel.build_address(symbol="MSFT") or channel.address
    return address, json.dumps(payload, ensure_ascii=draw(st.booleans())).encode()


RECORDED: list[dict[str, Any]] = []


@pytest.mark.parametrize("channel", sorted(events.CHANNELS))
def test_hypothesis_cases_are_recorded_with_pythons_verdicts(channel: str) -> None:
    @settings(max_examples=40, derandomize=True, deadline=None, database=None)
    @given(wire_cases(events.CHANNELS[channel]))
    def record(case: tuple[str, bytes]) -> None:
        address, data = case
        strict: Verdict = python_verdict(address, data, strict=True)
        tolerant: Verdict = python_verdict(address, data, strict=False)
        RECORDED.append({"address": address, "wire": base64.b64encode(data).decode(), "strict": strict, "tolerant": tolerant})

    record()
    lines = [json.dumps(case) for case in RECORDED]
    PY_CASES.write_text("\n".join(lines) + "\n", "utf-8")
    assert len(RECORDED) >= 40
