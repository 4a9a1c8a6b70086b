"""What a channel of the catalogue is: its address (with parameters), message model and payload schema."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import ContractModel


@dataclass(frozen=True)
class ChannelParameter:
    """A part of the address taken from a payload field (`{symbol}` from `symbol`)."""

    name: str
    payload_field: str
    pattern: str
    min_length: int
    max_length: int

    def accepts(self, value: str) -> bool:
        """Whether `value` may stand in the address: the payload field's own constraints."""
        return self.min_length <= len(value) <= self.max_length and re.fullmatch(self.pattern, value) is not None


@dataclass(frozen=True, eq=False)
class Channel:
    """One channel of the contract."""

    address: str
    """The address as the spec writes it, `price.updated.{symbol}` for a parameterised one."""
    message: str
    model: type[ContractModel]
    parameters: tuple[ChannelParameter, ...]
    payload_schema: Mapping[str, Any]
    """The payload's JSON Schema, as in the spec."""
    required_with_default: tuple[str, ...] = field(init=False, repr=False)
    """Required fields that the model gives a default (event_type): pydantic fills them in when missing."""
    _address_pattern: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        parts = re.split(r"(\{[^}]*\})", self.address)
        source = "".join("(.+)" if part.startswith("{") else re.escape(part) for part in parts)
        object.__setattr__(self, "_address_pattern", re.compile(source, re.DOTALL))
        required: list[str] = self.payload_schema.get("required", [])
        defaulted = tuple(name for name in required if not self.model.model_fields[name].is_required())
        object.__setattr__(self, "required_with_default", defaulted)

    def build_address(self, **parameters: str) -> str | None:
        """The concrete address for these parameters, or None when one is missing or invalid."""
        address = self.address
        for parameter in self.parameters:
            value = parameters.get(parameter.name)
            if value is None or not parameter.accepts(value):
                return None
            address = address.replace("{" + parameter.name + "}", value)
        return address

    def parse_address(self, address: str) -> dict[str, str] | None:
        """The parameters of a concrete address of this channel, or None when it is not one."""
        match = self._address_pattern.fullmatch(address)
        if match is None:
            return None
        values = dict(zip((p.name for p in self.parameters), match.groups()))
        return values if all(p.accepts(values[p.name]) for p in self.parameters) else None
