"""Shared helpers, in the spirit of tests/support/torture.c."""

from __future__ import annotations

import uuid
from typing import Optional, Tuple

import pytest

import loyalty


def customer(n: int, **fields) -> loyalty.Customer:
    """A customer with a fixed id derived from n (as torture_customer)."""
    raw = bytearray(16)
    raw[0] = 0xC0
    raw[12:16] = n.to_bytes(4, "big")
    return loyalty.Customer(uuid.UUID(bytes=bytes(raw)), **fields)


def calculator(currency: str = "USD", rounding: str = "floor", offset: int = 0, **kw) -> loyalty.Calculator:
    return loyalty.Calculator(currency, rounding=rounding, utc_offset=offset, **kw)


def ts(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    """ms since the epoch of a UTC civil time (as torture_time)."""
    return loyalty.time_from_civil(year, month, day, hour, minute)


def buy(cust: loyalty.Customer, at: int, *lines: Tuple[str, int, int], key: str = "p-1",
        currency: str = "USD", channel: Optional[str] = None) -> loyalty.Purchase:
    """A purchase with (product_type, quantity, unit_price) lines."""
    return loyalty.Purchase(key, cust, at, currency, channel=channel,
                            items=[(f"sku-{i + 1}", t, q, p) for i, (t, q, p) in enumerate(lines)])


def pytest_report_header(config):
    return f"loyalty {loyalty.version} from {loyalty.__file__}"


@pytest.fixture
def calc() -> loyalty.Calculator:
    return calculator()


@pytest.fixture
def cust() -> loyalty.Customer:
    return customer(42)
