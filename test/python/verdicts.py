"""One verdict in two languages: how a Python verdict is taken and compared with a TypeScript one. The
Vitest side (test/python/python-package.test.ts) compares the same way (sameVerdict)."""

from __future__ import annotations

from typing import TypedDict

from trading_platform_events import ContractError, from_wire

# The one known difference: RFC 3339 allows a leap second and year 0, which TypeScript accepts and
# Python's datetime cannot hold; the three datetime fields refuse them with this code.
KNOWN_DIFFERENCE = "timestamp.unrepresentable"


class Verdict(TypedDict):
    ok: bool
    violations: list[list[str]]


def python_verdict(address: str, data: bytes, *, strict: bool) -> Verdict:
    try:
        from_wire(address, data, strict=strict)
    except ContractError as error:
        return {"ok": False, "violations": [[v.pointer, v.code] for v in error.violations]}
    return {"ok": True, "violations": []}


def disagreement(typescript: Verdict, python: Verdict) -> str | None:
    """None when the verdicts agree: both valid, or both invalid on the same pointers with each Python code
    among TypeScript's for that pointer (Ajv may report two rules where pydantic reports the first).
    Python's violations of the known difference are left out first."""
    py_pairs = {(pointer, code) for pointer, code in python["violations"] if code != KNOWN_DIFFERENCE}
    python_ok = python["ok"] or not py_pairs
    if typescript["ok"] != python_ok:
        return f"TypeScript ok={typescript['ok']}, Python ok={python_ok}: {python['violations']}"
    ts_pairs = {(pointer, code) for pointer, code in typescript["violations"]}
    if {p for p, _ in ts_pairs} != {p for p, _ in py_pairs}:
        return f"pointers differ: TypeScript {sorted(ts_pairs)}, Python {sorted(py_pairs)}"
    if not py_pairs <= ts_pairs:
        return f"codes differ: TypeScript {sorted(ts_pairs)}, Python {sorted(py_pairs)}"
    return None
