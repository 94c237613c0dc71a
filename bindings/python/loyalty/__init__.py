"""libloyalty for Python: exact loyalty points from a C engine.

>>> import loyalty
>>> from datetime import datetime, timezone
>>> calc = loyalty.Calculator("USD")
>>> calc.add("base_rate", "dollar", "points=1 per=100")
>>> ada = loyalty.Customer(name="Ada", tier="gold")
>>> order = loyalty.Purchase("order-1", ada, datetime(2026, 11, 28, tzinfo=timezone.utc), "USD",
...                          items=[("latte", "coffee", 2, 455)])
>>> calc.compute(ada, order).points
9

A :class:`loyalty.Program` takes the calculator over and keeps customers,
their points and tiers over time, rewards and the ledger;
``loyalty.Program.open(directory, calculator)`` keeps them on disk as well
(a journal and snapshots), and ``export`` / ``Program.import_`` move them as
one file. ``program.metrics(start, end)`` and ``program.cohorts(...)`` measure
it (retention, CLV, redemption, liability, ...), and ``loyalty.survey`` scores
CES and CSAT answers (:mod:`loyalty.analytics`).

Failures raise subclasses of :class:`loyalty.LoyaltyError`; see
:mod:`loyalty.errors`. Times are aware datetimes (naive means UTC) or int
milliseconds, money is int minor units or an exact Decimal, points and rates
are exact Fractions.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as _Fraction
from typing import Union as _Union

from . import capi
from ._convert import (
    FractionLike,
    IdLike,
    MoneyLike,
    ParamsLike,
    TimeLike,
    check_text as _check_text,
    from_ms,
    from_pair as _from_pair,
    to_decimal as _to_decimal,
    to_minor as _to_minor,
    to_ms,
    to_pair as _to_pair,
)
from ._enums import EntryKind, Expiry, Period, RefundPolicy, Role, Rounding, Stacking, Sync, TierMetric, TierWindow
from .calculator import Calculator, CustomStrategy, StrategyInfo, StrategyInput, strategy_kinds
from .customer import Birthday, Customer, CustomerView
from .errors import (
    Conflict,
    Corrupt,
    CurrencyError,
    DuplicateKey,
    InsufficientPoints,
    InvalidArgument,
    LoyaltyError,
    LoyaltyIOError,
    NotFound,
    OutOfMemory,
    OutOfRange,
    StateError,
    UserCallbackError,
    Canceled,
)
from .ledger import Entry, Ledger
from .program import (
    MaintenanceReport,
    Program,
    ProgramOptions,
    Progress,
    RecoveryInfo,
    Redemption,
    RefundResult,
    Reward,
    Rewards,
    Tier,
    Tiers,
)
from .purchase import LineItem, Purchase, PurchaseView, minor_digits
from .receipt import Receipt, ReceiptLine
from .simulate import History, SimulationPeriod, SimulationReport, SimulationTotals, TierChange, simulate
from .analytics import ActionCount, Cohort, CohortTable, Metrics, percent
from . import survey

#: the version of the C library compiled into this module ("0.1.0")
version: str = capi.loyalty_version_string()
__version__ = version


def is_currency(code: str) -> bool:
    """Whether @p code is an active ISO 4217 alphabetic code ("EUR")."""
    return bool(capi.loyalty_currency_is_valid(_check_text(code, "currency")))


def to_minor(amount: MoneyLike, currency: str) -> int:
    """Minor units of an amount: int minor units as they are, a Decimal in the
    major unit exactly (``to_minor(Decimal("4.55"), "USD") == 455``; more
    places than the currency has is InvalidArgument)."""
    return _to_minor(amount, minor_digits(currency))


def to_decimal(minor: int, currency: str) -> Decimal:
    """The Decimal amount of @p minor minor units (``Decimal("4.55")``)."""
    return _to_decimal(minor, minor_digits(currency))


def time_from_civil(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, utc_offset: int = 0
) -> int:
    """Milliseconds since the epoch of a civil time at a fixed UTC offset in minutes
    (``loyalty_time_from_civil``)."""
    return capi.loyalty_swig_time_from_civil(year, month, day, hour, minute, second, utc_offset)


def round_fraction(value: FractionLike, rounding: _Union[str, Rounding] = Rounding.FLOOR) -> int:
    """Round exactly as the calculator does (``loyalty_fraction_round``)."""
    return capi.loyalty_swig_fraction_round(_to_pair(value), Rounding.of(rounding).code)


def parse_fraction(text: str) -> _Fraction:
    """Parse "3/2", "2", "-7/4" as the library does (``loyalty_fraction_parse``)."""
    return _from_pair(capi.loyalty_swig_fraction_parse(_check_text(text, "text")))

__all__ = [
    "ActionCount",
    "Birthday",
    "Calculator",
    "Conflict",
    "Corrupt",
    "CurrencyError",
    "CustomStrategy",
    "Customer",
    "CustomerView",
    "DuplicateKey",
    "Entry",
    "EntryKind",
    "Expiry",
    "FractionLike",
    "IdLike",
    "InsufficientPoints",
    "InvalidArgument",
    "Ledger",
    "LineItem",
    "LoyaltyError",
    "LoyaltyIOError",
    "MaintenanceReport",
    "MoneyLike",
    "NotFound",
    "OutOfMemory",
    "OutOfRange",
    "ParamsLike",
    "Period",
    "Program",
    "ProgramOptions",
    "Progress",
    "Purchase",
    "PurchaseView",
    "Receipt",
    "ReceiptLine",
    "RecoveryInfo",
    "Redemption",
    "RefundPolicy",
    "RefundResult",
    "Reward",
    "Rewards",
    "Role",
    "Rounding",
    "Stacking",
    "StateError",
    "Canceled",
    "Cohort",
    "CohortTable",
    "Metrics",
    "StrategyInfo",
    "StrategyInput",
    "Sync",
    "Tier",
    "TierMetric",
    "TierWindow",
    "Tiers",
    "TimeLike",
    "UserCallbackError",
    "History",
    "SimulationPeriod",
    "SimulationReport",
    "SimulationTotals",
    "TierChange",
    "simulate",
    "from_ms",
    "is_currency",
    "minor_digits",
    "parse_fraction",
    "percent",
    "round_fraction",
    "strategy_kinds",
    "survey",
    "time_from_civil",
    "to_decimal",
    "to_minor",
    "to_ms",
    "version",
]
