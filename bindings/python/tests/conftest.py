"""Shared helpers, in the spirit of tests/support/torture.c."""

from __future__ import annotations

import gc
import os
import threading
import time
import uuid
from typing import Callable, Optional, Tuple

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


# ---- helpers shared by the thread and memory tests -------------------------------------------------

#: LOYALTY_LONG_TESTS=1 runs the memory loops to their full length (minutes)
LONG = os.environ.get("LOYALTY_LONG_TESTS") == "1"
THREADS = 8


def run_threads(target: Callable[[int], None], n: int = THREADS) -> None:
    """Run target(k) for k in 0..n-1 on n threads released together; re-raise the first failure."""
    errors = []
    barrier = threading.Barrier(n)

    def wrapper(k):
        try:
            barrier.wait()
            target(k)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=wrapper, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    if errors:
        raise errors[0]


def rss_kib() -> int:
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def assert_no_growth(cycle: Callable[[int], None], *, warmup: int, minimum: int, target: int, long_target: int,
                     seconds: float, what: str = "cycles") -> None:
    """Run cycle(i) warmup times, then at least @p minimum times whatever the machine's load and
    up to @p seconds more (or @p long_target times with LOYALTY_LONG_TESTS=1), and assert that the
    process's resident set did not grow by 2 MiB. Speed is not asserted."""
    for i in range(warmup):  # caches, allocator arenas
        cycle(i)
    gc.collect()
    before = rss_kib()
    start = time.monotonic()
    goal = long_target if LONG else target
    n = 0
    while n < goal and (LONG or n < minimum or time.monotonic() - start < seconds):
        cycle(n)
        n += 1
    gc.collect()
    grown = rss_kib() - before
    print(f"\n{n} {what} in {time.monotonic() - start:.1f} s, RSS {before} KiB -> +{grown} KiB")
    assert n >= min(minimum, goal) and (n == goal or not LONG)
    assert grown < 2048, f"RSS grew by {grown} KiB over {n} {what}"
