"""Rounding modes, stacking modes, strategy roles and the program's options
by name; the kinds of ledger entries as an IntEnum."""

from __future__ import annotations

from enum import Enum, IntEnum
from typing import Optional, Union

from .errors import InvalidArgument

__all__ = [
    "Rounding",
    "Stacking",
    "Role",
    "RefundPolicy",
    "Expiry",
    "Period",
    "TierMetric",
    "TierWindow",
    "Sync",
    "EntryKind",
]


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
    def of_optional(cls, value: Union[str, "_Named", None], default: "_Named") -> "_Named":
        """Like of(), with None meaning @p default."""
        return default if value is None else cls.of(value)

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


class RefundPolicy(_Named):
    """What a refund does when the points to claw back were already spent."""

    #: the available balance goes negative; later earnings fill it first
    NEGATIVE_BALANCE = ("negative_balance", 0)
    #: the balance stops at 0 and the rest becomes a debt repaid by later earnings
    DEBT = ("debt", 1)


class Expiry(_Named):
    """How points expire."""

    NEVER = ("never", 0)
    #: each earning expires a fixed time after it became available
    BUCKET = ("bucket", 1)
    #: all points expire after expiry_days without activity
    INACTIVITY = ("inactivity", 2)


class Period(_Named):
    """Calendar periods, in the program's UTC offset (caps, expiry rounding)."""

    NONE = ("none", 0)
    DAY = ("day", 1)
    WEEK = ("week", 2)  # ISO week, Monday to Sunday
    MONTH = ("month", 3)
    QUARTER = ("quarter", 4)
    YEAR = ("year", 5)
    EVER = ("ever", 6)  # caps only: one period for all time


class TierMetric(_Named):
    """What qualifies a customer for a tier."""

    #: eligible spend in minor units, net of refunds
    SPEND = ("spend", 0)
    #: points earned by purchases, net of refunds
    POINTS = ("points", 1)


class TierWindow(_Named):
    """Over which window the tier metric is summed."""

    CALENDAR_YEAR = ("calendar_year", 0)
    ROLLING_DAYS = ("rolling_days", 1)


class Sync(_Named):
    """When a durable program's call is acknowledged (docs/DURABILITY.md)."""

    #: the journal record is written and fsynced before the call returns
    ALWAYS = ("always", 0)
    #: group commit: one fsync covers the records written within batch_ms or batch_records
    BATCH = ("batch", 1)
    #: written to the operating system, never forced: a power loss can lose recent calls
    NONE = ("none", 2)


class EntryKind(IntEnum):
    """What a ledger entry records; the values are the C ABI's and ``str()``
    is the library's name ("earn", "redeem_cancel")."""

    ENROLL = 0
    EARN = 1
    MATURE = 2
    REFUND = 3
    REDEEM = 4
    REDEEM_CANCEL = 5
    EXPIRE = 6
    ADJUST = 7
    TRANSFER_OUT = 8
    TRANSFER_IN = 9
    PARTNER = 10
    ACTION = 11
    REFERRAL = 12
    DONATE = 13
    TIER = 14
    DEBT_REPAY = 15

    def __str__(self) -> str:
        return self.name.lower()

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    @classmethod
    def of(cls, value: Union[int, str, "EntryKind"]) -> "EntryKind":
        """A kind from its value, its name ("earn") or itself."""
        if isinstance(value, str):
            try:
                return cls[value.upper()]
            except KeyError:
                raise InvalidArgument(f"unknown entry kind {value!r}", InvalidArgument.CODE) from None
        return cls(value)


def optional_name(text: str) -> Optional[str]:
    """None for the C library's "" (no tier, no name)."""
    return text if text else None
