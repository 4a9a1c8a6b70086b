"""The base of every generated event model: strict types, no unknown fields, checked assignments."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ContractModel(BaseModel):
    """An event of the contract. Build it as the services build their own models; `to_wire` sends it."""

    model_config = ConfigDict(strict=True, extra="forbid", validate_assignment=True)


def is_none(value: object) -> bool:
    """`exclude_if` for an optional field: left out of the JSON when unset, never written as null."""
    return value is None
