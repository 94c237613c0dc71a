"""Rounding modes, stacking modes and strategy roles, by name."""

from __future__ import annotations

from enum import Enum
from typing import Union

from .errors import InvalidArgument

__all__ = ["Rounding", "Stacking", "Role"]


class _Named(str, Enum):
    """A str enum whose members also know their C value (``.code``)."""

    code: int

    def __new__(cls, value: str, code: int) -> "_Named":
        member = str.__new__(cls, value)
        member._value_ = value
        member.code = code
        return member

    def __str__(self) -> str:
        return self.value

    @classmethod
    def of(cls, value: Union[str, "_Named"]) -> "_Named":
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            try:
                return cls(value)  # type: ignore[call-arg]
            except ValueError:
                pass
        names = ", ".join(repr(m.value) for m in cls)
        raise InvalidArgument(f"unknown {cls.__name__.lower()} {value!r} (one of {names})", InvalidArgument.CODE)

    @classmethod
    def from_code(cls, code: int) -> "_Named":
        for member in cls:
            if member.code == code:
                return member
        raise InvalidArgument(f"unknown {cls.__name__.lower()} code {code}", InvalidArgument.CODE)


class Rounding(_Named):
    """How the exact total becomes whole points, once per purchase."""

    FLOOR = ("floor", 0)
    HALF_UP = ("half_up", 1)
    HALF_EVEN = ("half_even", 2)
    CEIL = ("ceil", 3)


class Stacking(_Named):
    """How several multipliers on the same points combine."""

    ADDITIVE = ("additive", 0)
    COMPOUND = ("compound", 1)


class Role(_Named):
    """What a strategy's contribution means."""

    BASE = ("base", 0)
    MULTIPLIER = ("multiplier", 1)
    BONUS = ("bonus", 2)
