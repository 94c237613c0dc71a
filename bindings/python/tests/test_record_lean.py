"""Program.record: one purchase from plain values, the credited points back
(the lean call), exactly what Program.record_purchase credits, and every
rejection as the same LoyaltyError subclass."""

from __future__ import annotations

import random

import pytest

import loyalty
import uuid
from datetime import datetime, timezone

from programs import T, check_ledger, enrol, program, snap

TYPES = ["grocery", "electronics", "toys", "books", "gift_card"]


def rich_program() -> loyalty.Program:
    c = loyalty.Calculator("USD")
    c.exclude_product_type("gift_card")
    c.add("base_rate", "base", "points=1 per=100")
    c.add("product_type", "categories", "mode=multiplier type.electronics=3/2 type.books=2")
    c.add("campaign", "double_november", "multiplier=2 start=1793491200000 end=1796083200000 type=electronics,toys")
    c.add("birthday", "birthday_month", "bonus=100 period=month")
    c.add("threshold", "big_basket", "min_spend=20000 bonus=250")
    c.add("first_purchase", "welcome", "bonus=25")
    p = loyalty.Program(c, cap_per_purchase=900)
    p.add_tier("silver", 2000)
    return p


def test_record_credits_exactly_what_record_purchase_credits():
    rng = random.Random(7)
    lean, slow = rich_program(), rich_program()
    people = []
    for n in range(1, 9):
        people.append(enrol(lean, n, T(2026, 1, 1)))
        assert enrol(slow, n, T(2026, 1, 1)) == people[-1]
    for i in range(300):
        who = rng.choice(people)
        at = T(2026, 1, 2) + rng.randrange(360 * 86400000)
        lines = [(rng.choice(TYPES), rng.randint(1, 3), rng.randint(0, 20000)) for _ in range(rng.randint(0, 5))]
        got = lean.record(f"p{i}", who, at, lines)
        receipt = slow.record_purchase(loyalty.Purchase(f"p{i}", who, at, "USD",
                                                        items=[(t, t, q, u) for t, q, u in lines]))
        assert isinstance(got, int)
        assert got == receipt.credited, (i, lines)
    for who in people:
        assert snap(lean, who) == snap(slow, who)
        check_ledger(lean, who)


def test_record_accepts_customer_objects_ids_and_datetimes():
    p = program()
    a = enrol(p, 1, T(2026, 3, 1))
    assert p.record("k1", a, T(2026, 3, 2), [("food", 2, 500)]) == 10
    assert p.record("k2", loyalty.Customer(a), T(2026, 3, 2), (("food", 1, 250),)) == 2
    assert p.record("k3", str(a), datetime(2026, 3, 3, tzinfo=timezone.utc), []) == 0
    assert snap(p, a).available + snap(p, a).pending == 12
    check_ledger(p, a)


def test_record_replay_and_conflict():
    p = program()
    a = enrol(p, 1, T(2026, 3, 1))
    assert p.record("k1", a, T(2026, 3, 2), [("food", 2, 500)]) == 10
    entries = len(p.ledger())
    p.record("k1", a, T(2026, 3, 2), [("food", 2, 500)])  # the same request: a replay, nothing new
    assert len(p.ledger()) == entries
    with pytest.raises(loyalty.Conflict):
        p.record("k1", a, T(2026, 3, 2), [("food", 3, 500)])
    assert len(p.ledger()) == entries


@pytest.mark.parametrize(
    "args, error",
    [
        (("", 1, [("food", 1, 100)]), loyalty.InvalidArgument),            # empty key
        (("k", 1, [("food", 0, 100)]), loyalty.InvalidArgument),           # quantity < 1
        (("k", 1, [("food", 1, -1)]), loyalty.InvalidArgument),            # negative price
        (("k", 1, [("bad type", 1, 100)]), loyalty.InvalidArgument),       # malformed product type
        (("k", 1, [("food", 2, 2**62)]), loyalty.OutOfRange),              # line total beyond int64
        (("k", 1, [("food", 1, 2**70)]), loyalty.OutOfRange),              # not an int64
        (("k", 99, [("food", 1, 100)]), loyalty.NotFound),                 # not enrolled
    ],
)
def test_record_rejections_raise_what_record_purchase_raises(args, error):
    p = program()
    a = enrol(p, 1, T(2026, 3, 1))
    key, who, lines = args
    customer = a if who == 1 else uuid.UUID(int=who)
    entries = len(p.ledger())
    with pytest.raises(error):
        p.record(key, customer, T(2026, 3, 2), lines)
    with pytest.raises(error):  # the slow path says the same
        p.record_purchase(loyalty.Purchase(key or "k", customer, T(2026, 3, 2), "USD",
                                           items=[(t, t, q, u) for t, q, u in lines])) if key else \
            p.record(key, customer, T(2026, 3, 2), lines)
    assert len(p.ledger()) == entries


@pytest.mark.parametrize("lines", [[("food", 1)], [["food", 1, 100]], [("food", "1", 100)], [(3, 1, 100)], 5,
                                   [("food", True, 100)]])
def test_record_rejects_lines_that_are_not_tuples_of_a_str_and_two_ints(lines):
    p = program()
    a = enrol(p, 1, T(2026, 3, 1))
    with pytest.raises(TypeError):
        p.record("k", a, T(2026, 3, 2), lines)


def test_record_raises_a_custom_strategys_exception():
    c = loyalty.Calculator("USD")

    def boom(inp):
        raise LookupError("price list unavailable")

    c.add_custom("boom", "bonus", boom)
    p = loyalty.Program(c)
    a = enrol(p, 1, T(2026, 3, 1))
    with pytest.raises(LookupError, match="price list unavailable"):
        p.record("k", a, T(2026, 3, 2), [("food", 1, 100)])
