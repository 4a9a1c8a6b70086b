"""The base of every generated event model: strict types, no unknown fields, checked assignments."""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from operator import is_
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Final

from pydantic import BaseModel, ConfigDict
from pydantic_core import ValidationError

from .happy_path import ConstructorPath, constructor_validator


class ContractModel(BaseModel):
    """An event of the contract. Build it as the services build their own models; `to_wire` sends it."""

    model_config = ConfigDict(strict=True, extra="forbid", validate_assignment=True)

    __contract_constructor__: ClassVar[ConstructorPath]
    """The constructor's happy path (happy_path.py)."""

    if not TYPE_CHECKING:  # to type checkers, pydantic's own signature

        def model_dump_json(self, **options: Any) -> str:
            """pydantic's: called without arguments, as producers call it, it gives its serializer no
            keyword arguments to read (each call of pydantic's passes fifteen, all defaults)."""
            if options:
                return super().model_dump_json(**options)
            return self.__pydantic_serializer__.to_json(self).decode()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.__contract_constructor__ = constructor_validator(cls.__pydantic_core_schema__)
        if "__init__" not in cls.__dict__:  # a subclass's own __init__ stays its own
            cls.__init__ = _constructor(cls)


def _constructor(model: type[ContractModel]) -> Callable[..., None]:
    """The model's __init__: validates as pydantic's does, the happy path first, and for what it refuses
    (or an unknown argument, which it ignores) the model's own validator, which names every violation.
    One for each model, with its happy path at hand: looking it up on the class costs more."""
    happy, decimals, decimal_names, decimal_max_length = model.__contract_constructor__

    def __init__(self: ContractModel, /, **data: Any) -> None:
        __tracebackhide__ = True
        if happy is not None and type(self) is model:  # a subclass has a happy path of its own
            try:
                happy.validate_python(data, self_instance=self)
            except ValidationError:
                pass
            else:
                if len(self.__pydantic_fields_set__) == len(data):  # no unknown argument
                    if decimals is None:
                        return
                    try:
                        values = decimals(data)
                    except KeyError:  # an optional decimal left out
                        values = tuple(map(data.get, decimal_names))
                    for value in values:
                        if type(value) is Decimal:
                            if len(str(value)) > decimal_max_length:
                                break
                        elif value is not None:
                            break
                    else:
                        return
        self.__pydantic_validator__.validate_python(data, self_instance=self)

    # Not a custom __init__ to pydantic, which would otherwise call it for model_validate_json too (as
    # RootModel marks its own).
    __init__.__pydantic_base_init__ = True  # pyright: ignore[reportFunctionMemberAccess]
    return __init__

is_none: Final = partial(is_, None)
"""`exclude_if` for an optional field: left out of the JSON when unset, never written as null. In C: no
Python frame each time a model is written."""
