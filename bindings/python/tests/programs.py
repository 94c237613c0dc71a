"""Helpers for the program tests, in the spirit of the C scenario tests'
(tests/unit/test_program_*.c): programs at 1 point per dollar, customers with
fixed ids, one-line purchases, snapshots, and the ledger invariant."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Optional

import loyalty
from loyalty import EntryKind

DAY = 86_400_000


def T(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    """ms of a UTC civil time (torture_time)."""
    return loyalty.time_from_civil(year, month, day, hour, minute)


def L(year: int, month: int, day: int, hour: int, minute: int, offset: int) -> int:
    """ms of a local civil time at @p offset minutes east of UTC."""
    return loyalty.time_from_civil(year, month, day, hour, minute, 0, offset)


def day_of(month: int, day: int) -> int:
    """Noon UTC of a day of 2026 (test_program_earn.c)."""
    return T(2026, month, day, 12, 0)


def cid(n: int) -> uuid.UUID:
    """The fixed id of torture_customer(n)."""
    raw = bytearray(16)
    raw[0] = 0xC0
    raw[12:16] = n.to_bytes(4, "big")
    return uuid.UUID(bytes=bytes(raw))


def profile(n: int, **fields) -> loyalty.Customer:
    return loyalty.Customer(cid(n), **fields)


def calc(rounding: str = "floor", offset: int = 0, base: Optional[str] = "points=1 per=100") -> loyalty.Calculator:
    c = loyalty.Calculator("USD", rounding=rounding, utc_offset=offset)
    if base is not None:
        c.add("base_rate", "base", base)
    return c


def program(offset: int = 0, rounding: str = "floor", base: Optional[str] = "points=1 per=100",
            **options) -> loyalty.Program:
    """A USD program earning 1 point per 100 cents unless told otherwise."""
    return loyalty.Program(calc(rounding, offset, base), **options)


def enrol(p: loyalty.Program, n: int, at: int, email: Optional[str] = None, code: Optional[str] = None,
          key: Optional[str] = None) -> uuid.UUID:
    """Enrol customer n under the key "enrol-n"; returns the id."""
    fields = {"email": email} if email else {}
    p.enroll(key or f"enrol-{n}", profile(n, **fields), code, at=at)
    return cid(n)


def purchase(customer, key: str, at: int, cents: int, currency: str = "USD",
             product_type: str = "goods") -> loyalty.Purchase:
    return loyalty.Purchase(key, customer, at, currency, items=[("sku-1", product_type, 1, cents)])


def buy(p: loyalty.Program, customer, key: str, at: int, cents: int) -> loyalty.Receipt:
    return p.record_purchase(purchase(customer, key, at, cents))


def buy_ok(p: loyalty.Program, customer, key: str, at: int, cents: int) -> int:
    """Record a purchase that must succeed; the credited points."""
    r = buy(p, customer, key, at, cents)
    assert r.recorded
    return r.credited


@dataclass(frozen=True)
class Snap:
    available: int
    pending: int
    debt: int
    earned: int
    redeemed: int
    expired: int
    tier: Optional[str]
    entries: int  # the customer's
    all: int  # the program's


def snap(p: loyalty.Program, customer) -> Snap:
    c = p.get_customer(customer)
    return Snap(c.available, c.pending, p.debt(customer), c.lifetime_earned, c.lifetime_redeemed,
                c.lifetime_expired, c.tier, len(p.ledger(customer)), len(p.ledger()))


def balances(p: loyalty.Program, customer):
    s = snap(p, customer)
    return (s.available, s.pending, s.debt)


def tier(p: loyalty.Program, customer) -> Optional[str]:
    return p.get_customer(customer).tier


def available(p: loyalty.Program, customer) -> int:
    return p.get_customer(customer).available


def last(p: loyalty.Program, customer, back: int = 0) -> loyalty.Entry:
    """The customer's entry @p back from the end (0: the last)."""
    return p.ledger(customer)[-1 - back]


def entry_is(e: loyalty.Entry, kind: EntryKind, points: int, pending: int, debt: int, available_after: int,
             pending_after: int, ref: Optional[str] = None) -> None:
    got = (e.kind, e.points, e.pending, e.debt, e.available_after, e.pending_after)
    assert got == (kind, points, pending, debt, available_after, pending_after), e
    if ref is not None:
        assert e.ref == ref, e


EARNING = {EntryKind.EARN, EntryKind.ACTION, EntryKind.PARTNER, EntryKind.REFERRAL}
SPENDING = {EntryKind.REDEEM, EntryKind.DONATE, EntryKind.REDEEM_CANCEL}


def check_ledger(p: loyalty.Program, customer) -> None:
    """The ledger invariant (docs/PROGRAM.md): walking the customer's entries,
    available = sum(points), pending = sum(pending), debt = sum(debt); each
    entry's balances-after are the running sums; seqs increase; each entry is
    the same in the program-wide ledger; the lifetime figures follow from the
    kinds; ENROLL and TIER entries carry no points."""
    cust = customer.id if isinstance(customer, loyalty.Customer) else customer
    s = snap(p, cust)
    everything = p.ledger()
    points = pending = debt = earned = redeemed = expired = 0
    last_seq = 0
    entries = list(p.ledger(cust))
    assert len(entries) == s.entries
    for e in entries:
        assert e.customer_id == cust
        assert e.seq > last_seq
        last_seq = e.seq
        assert everything[e.seq - 1] == e
        points += e.points
        pending += e.pending
        debt += e.debt
        assert (e.available_after, e.pending_after) == (points, pending), e
        if e.kind in EARNING:
            earned += e.points + e.pending
        elif e.kind is EntryKind.REFUND:
            earned += e.points + e.pending - e.debt
        elif e.kind in SPENDING:
            redeemed -= e.points
        elif e.kind is EntryKind.EXPIRE:
            expired -= e.points
        elif e.kind in (EntryKind.ENROLL, EntryKind.TIER):
            assert (e.points, e.pending, e.debt) == (0, 0, 0), e
    assert (points, pending, debt) == (s.available, s.pending, s.debt)
    assert (earned, redeemed, expired) == (s.earned, s.redeemed, s.expired)


def check_all(p: loyalty.Program) -> None:
    """The invariant for every customer in the whole ledger, in one pass."""
    sums = {}
    for e in p.ledger():
        a = sums.setdefault(e.customer_id, [0, 0, 0])
        a[0] += e.points
        a[1] += e.pending
        a[2] += e.debt
        assert (e.available_after, e.pending_after) == (a[0], a[1]), e
    assert len(sums) == p.customer_count
    for customer, (points, pending, debt) in sums.items():
        c = p.get_customer(customer)
        assert (c.available, c.pending, p.debt(customer)) == (points, pending, debt)
