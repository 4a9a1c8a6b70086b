"""The one error the wire helpers raise, listing every violation; each violation has a stable code and a
sentence from the table that the TypeScript package shares (codes.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .codes import VIOLATION_SENTENCES

_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Violation:
    """One reason a message breaks the contract."""

    pointer: str
    """JSON pointer to the offending value; "" for the message as a whole."""
    code: str
    """Stable code, the same in TypeScript (`decimal.negative`, `timestamp.naive`)."""
    message: str
    """The code's sentence with this case's values filled in."""

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message} [{self.code}]"


def violation(pointer: str, code: str, values: Mapping[str, object] | None = None) -> Violation:
    """A violation with its code's sentence; `values` fill the sentence's `{name}` slots."""
    filled = values or {}

    def slot(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(filled[name]) if name in filled else match.group(0)

    return Violation(pointer, code, _SLOT.sub(slot, VIOLATION_SENTENCES[code]))


def json_text(value: object) -> str:
    """A value as JSON.stringify writes it in a sentence (no ASCII escaping, no spaces)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class ContractError(ValueError):
    """A message breaks the contract of its channel: raised by `to_wire` and `from_wire`."""

    address: str
    violations: tuple[Violation, ...]

    def __init__(self, address: str, violations: Iterable[Violation]) -> None:
        self.address = address
        self.violations = tuple(violations)
        lines = "\n".join(f"  {v}" for v in self.violations)
        super().__init__(f"invalid message for {address}:\n{lines}")

    @property
    def codes(self) -> tuple[str, ...]:
        """The violations' codes, in order."""
        return tuple(v.code for v in self.violations)
