"""The program, time side, through the binding: the scenarios of
tests/unit/test_program_time.c with the same numbers (bucket and inactivity
expiry, the maintenance sweep, tiers by calendar year and rolling window,
grace, paid tiers, benefits, progress, time zones)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import loyalty
from loyalty import EntryKind
from programs import (
    DAY,
    L,
    T,
    available,
    buy,
    buy_ok,
    calc,
    check_ledger,
    cid,
    enrol,
    last,
    profile,
    program,
    snap,
    tier,
)


def report(rep: loyalty.MaintenanceReport):
    return (rep.matured, rep.expired, rep.tier_changes, rep.entries)


def sweep(p: loyalty.Program, now) -> tuple:
    return report(p.maintain(now))


def check_entry(e, kind, points, pending, after, at, ref=None, memo=None):
    assert (e.kind, e.points, e.pending, e.debt, e.available_after, e.at_ms) == (
        kind, points, pending, 0, after, at), e
    if ref is not None:
        assert e.ref == ref, e
    if memo is not None:
        assert e.memo == memo, e


def check_expire(e, points, after, at, now, seq):
    check_entry(e, EntryKind.EXPIRE, -points, 0, after, at, "", f"points of entry #{seq}")
    assert e.key == f"maintenance@{now}"


def check_tier(e, frm, to, why, at):
    assert (e.kind, e.points, e.at_ms, e.ref, e.memo) == (EntryKind.TIER, 0, at, to, f"{frm} -> {to} ({why})"), e


def add_tiers(p, silver, gold):
    p.add_tier("silver", silver, benefits=["early_access"])
    p.add_tier("gold", gold, benefits=["early_access", "free_delivery", "member_events"])


# ---- bucket expiry ---------------------------------------------------------------------------------


def test_bucket_expiry_after_fixed_days():
    p = program(expiry="bucket", expiry_days=90)
    x1, x2 = T(2025, 4, 10, 14, 30), T(2025, 5, 2, 9, 0)
    c = enrol(p, 1, T(2025, 1, 1))
    assert buy_ok(p, c, "p1", T(2025, 1, 10, 14, 30), 12000) == 120
    assert buy_ok(p, c, "p2", T(2025, 2, 1, 9, 0), 3000) == 30
    pr = p.progress(c, T(2025, 2, 1, 9, 0))
    assert (pr.next_expiry_ms, pr.next_expiry_points) == (x1, 120)
    assert sweep(p, x1 - 1) == (0, 0, 0, 0) and available(p, c) == 150
    assert sweep(p, x1) == (0, 120, 0, 1)
    check_expire(last(p, c), 120, 30, x1, x1, 2)
    assert snap(p, c).expired == 120
    pr = p.progress(c, x1)
    assert (pr.next_expiry_ms, pr.next_expiry_points) == (x2, 30)
    assert sweep(p, T(2025, 6, 1)) == (0, 30, 0, 1)  # a late sweep still dates it at the expiry
    check_expire(last(p, c), 30, 0, x2, T(2025, 6, 1), 3)
    assert snap(p, c).expired == 150 and p.progress(c, T(2025, 6, 1)).next_expiry is None
    check_ledger(p, c)


@pytest.mark.parametrize("earned, expires", [
    ((2023, 1, 31), (2023, 2, 28)),  # non-leap February
    ((2023, 1, 15), (2023, 2, 15)),
    ((2024, 1, 30), (2024, 2, 29)),
    ((2024, 1, 31), (2024, 2, 29)),  # leap February
    ((2024, 3, 31), (2024, 4, 30)),
    ((2024, 12, 31), (2025, 1, 31)),
])
def test_bucket_expiry_in_months_month_end_rule(earned, expires):
    p = program(expiry="bucket", expiry_months=1)
    c = enrol(p, 1, T(2023, 1, 1))
    assert buy_ok(p, c, "p", T(*earned, 10, 0), 1000) == 10
    x = T(*expires, 10, 0)
    assert p.progress(c, T(2023, 1, 1)).next_expiry_ms == x
    assert sweep(p, x - 1)[1] == 0 and available(p, c) == 10
    assert sweep(p, x)[1] == 10
    e = last(p, c)
    assert (e.kind, e.points, e.at_ms) == (EntryKind.EXPIRE, -10, x)
    check_ledger(p, c)


def test_bucket_expiry_months_and_days_combine_and_leap_years():
    p = program(expiry="bucket", expiry_months=1, expiry_days=1)
    c = enrol(p, 1, T(2023, 1, 1))
    assert buy_ok(p, c, "p", T(2023, 1, 31, 10, 0), 1000) == 10
    assert p.progress(c, T(2023, 2, 1)).next_expiry_ms == T(2023, 3, 1, 10, 0)
    q = program(expiry="bucket", expiry_months=12)  # twelve months from 29 February 2024
    d = enrol(q, 1, T(2024, 1, 1))
    assert buy_ok(q, d, "p", T(2024, 2, 29, 10, 0), 1000) == 10
    assert q.progress(d, T(2024, 3, 1)).next_expiry_ms == T(2025, 2, 28, 10, 0)
    assert sweep(q, T(2025, 2, 28, 10, 0) - 1) == (0, 0, 0, 0)
    assert sweep(q, T(2025, 2, 28, 10, 0)) == (0, 10, 0, 1)
    check_ledger(q, d)


@pytest.mark.parametrize("round_up, local_end", [
    ("day", (2025, 2, 22)),
    ("week", (2025, 2, 24)),
    ("month", (2025, 3, 1)),
    ("quarter", (2025, 4, 1)),
    ("year", (2026, 1, 1)),
    (None, None),
])
def test_bucket_expiry_rounded_up_in_program_offset(round_up, local_end):
    off = 120
    earned = T(2025, 2, 10, 23, 30)
    assert earned == L(2025, 2, 11, 1, 30, off)
    x = L(*local_end, 0, 0, off) if local_end else L(2025, 2, 21, 1, 30, off)
    p = program(offset=off, expiry="bucket", expiry_days=10, expiry_round_up=round_up)
    c = enrol(p, 1, T(2025, 1, 1))
    assert buy_ok(p, c, "p", earned, 4200) == 42
    pr = p.progress(c, earned)
    assert (pr.next_expiry_ms, pr.next_expiry_points) == (x, 42)
    assert sweep(p, x - 1) == (0, 0, 0, 0)
    assert sweep(p, x) == (0, 42, 0, 1)
    check_expire(last(p, c), 42, 0, x, x, 2)
    check_ledger(p, c)


def test_pending_points_start_validity_when_they_mature():
    p = program(pending_days=14, expiry="bucket", expiry_days=30)
    m1, m2 = T(2025, 3, 15, 10, 0), T(2025, 3, 19, 10, 0)
    x1, x2 = T(2025, 4, 14, 10, 0), T(2025, 4, 18, 10, 0)
    c = enrol(p, 1, T(2025, 1, 1))
    r = buy(p, c, "p1", T(2025, 3, 1, 10, 0), 10000)
    assert (r.credited, r.pending_until_ms) == (100, m1)
    e = last(p, c)
    check_entry(e, EntryKind.EARN, 0, 100, 0, T(2025, 3, 1, 10, 0), "p1", "purchase")
    assert e.pending_after == 100
    assert buy_ok(p, c, "p2", T(2025, 3, 5, 10, 0), 5000) == 50
    pr = p.progress(c, T(2025, 3, 6))
    assert (pr.available, pr.pending, pr.next_maturity_ms, pr.next_maturity_points, pr.next_expiry) == (
        0, 150, m1, 100, None)
    assert sweep(p, m1 - 1) == (0, 0, 0, 0)
    assert sweep(p, m1) == (100, 0, 0, 1)
    e = last(p, c)
    check_entry(e, EntryKind.MATURE, 100, -100, 100, m1, "", "held points of entry #2")
    assert e.pending_after == 50
    pr = p.progress(c, m1)
    assert (pr.next_expiry_ms, pr.next_maturity_ms, pr.next_maturity_points) == (x1, m2, 50)
    assert sweep(p, T(2025, 3, 31, 10, 0)) == (50, 0, 0, 1)  # 30 days after earning expires nothing
    assert available(p, c) == 150
    assert sweep(p, x1) == (0, 100, 0, 1)
    check_expire(last(p, c), 100, 50, x1, x1, 2)
    assert sweep(p, x2) == (0, 50, 0, 1)
    check_expire(last(p, c), 50, 0, x2, x2, 3)
    assert (snap(p, c).expired, snap(p, c).earned) == (150, 150)
    check_ledger(p, c)


# ---- inactivity expiry --------------------------------------------------------------------------------


def test_inactivity_expiry_and_what_counts_as_activity():
    p = program(expiry="inactivity", expiry_days=30)
    p.add_action("review", 10)
    p.add_reward("coffee", 30)
    c = enrol(p, 1, T(2025, 1, 1))
    friend = enrol(p, 2, T(2025, 1, 1))
    assert buy_ok(p, c, "p1", T(2025, 1, 5, 12, 0), 10000) == 100
    pr = p.progress(c, T(2025, 1, 5, 12, 0))
    assert (pr.next_expiry_ms, pr.next_expiry_points) == (T(2025, 2, 4, 12, 0), 100)
    p.record_action("rv", c, "review", T(2025, 1, 20, 12, 0))  # an action pushes it back
    assert p.progress(c, T(2025, 1, 20, 12, 0)).next_expiry_ms == T(2025, 2, 19, 12, 0)
    p.redeem("r1", c, "coffee", T(2025, 2, 10, 12, 0))  # so does a redemption
    x = T(2025, 3, 12, 12, 0)
    pr = p.progress(c, T(2025, 2, 10, 12, 0))
    assert (pr.next_expiry_ms, pr.next_expiry_points) == (x, 80)
    # adjustments, incoming transfers and refused calls are not activity
    assert buy_ok(p, friend, "pf", T(2025, 2, 25, 12, 0), 5000) == 50
    p.adjust("a1", c, 5, "goodwill", T(2025, 3, 1, 12, 0))
    p.transfer("t1", friend, c, 20, T(2025, 3, 2, 12, 0))
    with pytest.raises(loyalty.NotFound):
        p.redeem("r2", c, "nope", T(2025, 3, 3, 12, 0))
    p.set_reward_stock("coffee", 0)
    with pytest.raises(loyalty.OutOfRange):
        p.redeem("r3", c, "coffee", T(2025, 3, 3, 12, 0))
    pr = p.progress(c, T(2025, 3, 3, 12, 0))
    assert (pr.next_expiry_ms, pr.next_expiry_points) == (x, 105)
    assert sweep(p, x - 1) == (0, 0, 0, 0) and available(p, c) == 105
    assert sweep(p, x) == (0, 105, 0, 1)
    check_entry(last(p, c), EntryKind.EXPIRE, -105, 0, 0, x, "", "inactivity")
    assert snap(p, c).expired == 105 and p.progress(c, x).next_expiry is None
    assert available(p, friend) == 30
    assert p.progress(friend, x).next_expiry_ms == T(2025, 3, 27, 12, 0)
    assert sweep(p, T(2025, 3, 27, 12, 0)) == (0, 30, 0, 1)
    assert sweep(p, T(2025, 3, 28)) == (0, 0, 0, 0)
    assert buy_ok(p, c, "p2", T(2025, 3, 20, 12, 0), 4000) == 40
    assert sweep(p, T(2025, 4, 19, 12, 0) - 1) == (0, 0, 0, 0)
    assert sweep(p, T(2025, 4, 19, 12, 0)) == (0, 40, 0, 1)
    assert snap(p, c).expired == 145
    check_ledger(p, c)
    check_ledger(p, friend)


def test_inactivity_expiry_is_not_dated_before_the_points_existed():
    p = program(expiry="inactivity", expiry_days=10, pending_days=20)
    c = enrol(p, 1, T(2025, 1, 1))
    f = enrol(p, 2, T(2025, 1, 1))
    assert buy_ok(p, c, "p1", T(2025, 1, 1, 12, 0), 10000) == 100  # deadline 11 Jan, matures 21 Jan
    p.adjust("a1", c, 5, "welcome", T(2025, 1, 2))
    p.adjust("a2", f, 20, "welcome", T(2025, 1, 14))
    p.transfer("t1", f, c, 20, T(2025, 1, 15))
    assert sweep(p, T(2025, 1, 25)) == (100, 125, 0, 4)
    check_entry(last(p, c, 3), EntryKind.MATURE, 100, -100, 125, T(2025, 1, 21, 12, 0), "")
    check_entry(last(p, c, 2), EntryKind.EXPIRE, -5, 0, 120, T(2025, 1, 11, 12, 0), "", "inactivity")
    check_entry(last(p, c, 1), EntryKind.EXPIRE, -20, 0, 100, T(2025, 1, 15), "", "inactivity")
    check_entry(last(p, c), EntryKind.EXPIRE, -100, 0, 0, T(2025, 1, 21, 12, 0), "", "inactivity")
    assert snap(p, c).expired == 125
    assert sweep(p, T(2025, 1, 25)) == (0, 0, 0, 0)
    check_ledger(p, c)
    check_ledger(p, f)


# ---- the maintenance sweep -------------------------------------------------------------------------------


def test_maintenance_order_idempotence_and_report():
    p = program(pending_days=14, expiry="bucket", expiry_days=10)
    p.add_tier("silver", 50000)
    p.add_tier("gold", 100000)
    now = T(2025, 1, 20)
    a = enrol(p, 1, T(2023, 6, 1))
    b = enrol(p, 2, T(2023, 6, 1))
    assert buy_ok(p, a, "a1", T(2023, 7, 1, 12, 0), 100000) == 1000
    check_tier(last(p, a), "none", "gold", "qualified", T(2023, 7, 1, 12, 0))
    assert buy_ok(p, a, "a2", T(2024, 12, 20, 12, 0), 60000) == 600
    assert buy_ok(p, b, "b1", T(2025, 1, 19, 12, 0), 1000) == 10
    assert tier(p, a) == "gold"
    assert sweep(p, now) == (1600, 1600, 1, 5)  # mature, expire, then review
    check_entry(last(p, a, 4), EntryKind.MATURE, 1000, -1000, 1000, T(2023, 7, 15, 12, 0), "",
                "held points of entry #3")
    check_entry(last(p, a, 3), EntryKind.MATURE, 600, -600, 1600, T(2025, 1, 3, 12, 0), "",
                "held points of entry #5")
    check_expire(last(p, a, 2), 1000, 600, T(2023, 7, 25, 12, 0), now, 3)
    check_expire(last(p, a, 1), 600, 0, T(2025, 1, 13, 12, 0), now, 5)
    e = last(p, a)
    check_tier(e, "gold", "silver", "review", now)
    assert e.seq == len(p.ledger())
    assert tier(p, a) == "silver" and snap(p, b).pending == 10
    sa, sb = snap(p, a), snap(p, b)
    assert sweep(p, now) == (0, 0, 0, 0)  # again at the same now: nothing
    for back in (now - 1, T(2024, 1, 1)):  # going back is refused and changes nothing
        with pytest.raises(loyalty.InvalidArgument):
            p.maintain(back)
    assert (snap(p, a), snap(p, b)) == (sa, sb)
    p.maintain(datetime(2025, 2, 2, 12, tzinfo=timezone.utc))  # a datetime works as well as ms
    assert available(p, b) == 10
    check_ledger(p, a)
    check_ledger(p, b)


# ---- tiers ---------------------------------------------------------------------------------------------


def test_tier_upgrade_right_after_the_crossing_purchase():
    c0 = calc()
    c0.add("tier_multiplier", "tiers", "tier.silver=3/2 tier.gold=2")
    p = loyalty.Program(c0)
    add_tiers(p, 50000, 100000)
    c = enrol(p, 1, T(2025, 1, 1))
    assert tier(p, c) is None
    assert buy_ok(p, c, "p1", T(2025, 2, 1, 10, 0), 40000) == 400
    pr = p.progress(c, T(2025, 2, 1, 10, 0))
    assert (pr.tier, pr.next_tier, pr.metric, pr.to_next_tier) == (None, "silver", 40000, 10000)
    assert buy_ok(p, c, "p2", T(2025, 2, 2, 10, 0), 20000) == 200  # earned without a tier, silver right after
    check_entry(last(p, c, 1), EntryKind.EARN, 200, 0, 600, T(2025, 2, 2, 10, 0), "p2", "purchase")
    e = last(p, c)
    check_tier(e, "none", "silver", "qualified", T(2025, 2, 2, 10, 0))
    assert e.key == "p2" and tier(p, c) == "silver"
    assert buy_ok(p, c, "p3", T(2025, 3, 1, 10, 0), 50000) == 750  # at silver (x3/2), gold after
    check_tier(last(p, c), "silver", "gold", "qualified", T(2025, 3, 1, 10, 0))
    assert buy_ok(p, c, "p4", T(2025, 3, 2, 10, 0), 10000) == 200
    assert last(p, c).kind is EntryKind.EARN
    pr = p.progress(c, T(2025, 3, 2, 10, 0))
    assert (pr.tier, pr.next_tier, pr.metric, pr.to_next_tier) == ("gold", None, 120000, 0)
    d = enrol(p, 2, T(2025, 1, 1))  # two tiers at once: one entry
    assert buy_ok(p, d, "d1", T(2025, 4, 1, 10, 0), 150000) == 1500
    check_tier(last(p, d), "none", "gold", "qualified", T(2025, 4, 1, 10, 0))
    assert last(p, d, 1).kind is EntryKind.EARN
    check_ledger(p, c)
    check_ledger(p, d)


def test_tier_by_points():
    p = program(tier_metric="points")
    add_tiers(p, 500, 1000)
    p.add_action("survey", 2000)
    c = enrol(p, 1, T(2025, 1, 1))
    assert buy_ok(p, c, "p1", T(2025, 1, 10, 10, 0), 40099) == 400
    assert p.progress(c, T(2025, 1, 10, 10, 0)).metric == 400
    p.record_action("s1", c, "survey", T(2025, 1, 11, 10, 0))
    p.adjust("a1", c, 5000, "migration", T(2025, 1, 11, 11, 0))
    assert tier(p, c) is None and p.progress(c, T(2025, 1, 11, 11, 0)).metric == 400
    assert buy_ok(p, c, "p2", T(2025, 1, 12, 10, 0), 10000) == 100
    check_tier(last(p, c), "none", "silver", "qualified", T(2025, 1, 12, 10, 0))
    assert buy_ok(p, c, "p3", T(2025, 1, 13, 10, 0), 50000) == 500
    check_tier(last(p, c), "silver", "gold", "qualified", T(2025, 1, 13, 10, 0))
    assert p.progress(c, T(2025, 1, 13, 10, 0)).metric == 1000
    pr = p.progress(c, T(2026, 1, 1))  # a new calendar year starts from zero
    assert (pr.metric, pr.to_next_tier) == (0, 0)
    check_ledger(p, c)


@pytest.mark.parametrize("grace", [0, 30])
def test_year_end_review_with_and_without_grace(grace):
    off = 60
    review = L(2026, 1, 1 + grace, 0, 0, off)
    p = program(offset=off, tier_grace_days=grace)
    add_tiers(p, 50000, 100000)
    c = enrol(p, 1, T(2024, 1, 10))
    assert buy_ok(p, c, "p1", T(2024, 3, 1, 12, 0), 100000) == 1000
    assert tier(p, c) == "gold"
    assert sweep(p, L(2025, 1, 1, 0, 0, off)) == (0, 0, 0, 0)  # 2024 supports gold
    assert sweep(p, L(2025, 3, 1, 0, 0, off)) == (0, 0, 0, 0)
    assert tier(p, c) == "gold"
    assert buy_ok(p, c, "p2", T(2025, 6, 1, 12, 0), 50000) == 500
    assert buy_ok(p, c, "p3", T(2025, 12, 31, 22, 30), 10000) == 100  # 23:30 local on 31 December
    assert p.progress(c, T(2025, 12, 31, 22, 59)).metric == 60000
    assert p.progress(c, T(2025, 12, 31, 23, 0)).metric == 0  # the local new year
    assert sweep(p, L(2026, 1, 1, 0, 0, off) - 1) == (0, 0, 0, 0)
    if grace:
        assert sweep(p, L(2026, 1, 1, 0, 0, off)) == (0, 0, 0, 0)
        assert sweep(p, review - 1) == (0, 0, 0, 0)
    assert tier(p, c) == "gold"
    assert sweep(p, review) == (0, 0, 1, 1)
    check_tier(last(p, c), "gold", "silver", "review", review)
    assert sweep(p, L(2026, 6, 1, 0, 0, off)) == (0, 0, 0, 0)  # once per year
    assert sweep(p, L(2027, 1, 1 + grace, 0, 0, off)) == (0, 0, 1, 1)
    check_tier(last(p, c), "silver", "none", "review", L(2027, 1, 1 + grace, 0, 0, off))
    assert tier(p, c) is None
    check_ledger(p, c)


def test_requalifying_in_the_new_year_keeps_the_tier():
    p = program(tier_grace_days=30)
    add_tiers(p, 50000, 100000)
    review = T(2026, 1, 31)
    cs = [enrol(p, i + 1, T(2024, 1, 1)) for i in range(3)]
    for i, c in enumerate(cs):
        assert buy_ok(p, c, f"old-{i}", T(2024, 5, 1, 12, 0), 100000) == 1000
    assert sweep(p, T(2025, 2, 1)) == (0, 0, 0, 0)
    assert buy_ok(p, cs[0], "new-0", T(2026, 1, 10, 12, 0), 100000) == 1000
    assert last(p, cs[0]).kind is EntryKind.EARN  # already gold: no entry
    assert buy_ok(p, cs[1], "new-1", T(2026, 1, 10, 12, 0), 50000) == 500
    n = len(p.ledger(cs[0]))
    assert sweep(p, review) == (0, 0, 2, 2)
    assert tier(p, cs[0]) == "gold" and len(p.ledger(cs[0])) == n
    check_tier(last(p, cs[1]), "gold", "silver", "review", review)
    check_tier(last(p, cs[2]), "gold", "none", "review", review)
    for c in cs:
        check_ledger(p, c)


def rolling_program() -> loyalty.Program:
    p = program(tier_window="rolling_days", tier_window_days=30, tier_grace_days=7)
    add_tiers(p, 50000, 100000)
    return p


def test_rolling_window_with_grace():
    p = rolling_program()
    d0 = T(2025, 3, 1, 12, 0)
    c = enrol(p, 1, T(2025, 1, 1))
    assert buy_ok(p, c, "p0", d0, 60000) == 600
    check_tier(last(p, c), "none", "silver", "qualified", d0)
    assert buy_ok(p, c, "p10", d0 + 10 * DAY, 50000) == 500
    check_tier(last(p, c), "silver", "gold", "qualified", d0 + 10 * DAY)
    assert p.progress(c, d0 + 30 * DAY - 1).metric == 110000
    assert p.progress(c, d0 + 30 * DAY).metric == 50000
    assert sweep(p, d0 + 29 * DAY) == (0, 0, 0, 0)
    assert sweep(p, d0 + 31 * DAY) == (0, 0, 0, 0)  # below gold, noted: grace until day 38
    assert sweep(p, d0 + 38 * DAY - 1) == (0, 0, 0, 0)
    assert tier(p, c) == "gold"
    assert sweep(p, d0 + 38 * DAY) == (0, 0, 1, 1)
    check_tier(last(p, c), "gold", "silver", "review", d0 + 38 * DAY)
    assert sweep(p, d0 + 41 * DAY) == (0, 0, 0, 0)
    assert sweep(p, d0 + 48 * DAY - 1) == (0, 0, 0, 0)
    assert sweep(p, d0 + 48 * DAY) == (0, 0, 1, 1)
    check_tier(last(p, c), "silver", "none", "review", d0 + 48 * DAY)
    check_ledger(p, c)


def test_rolling_window_recovery_cancels_the_grace():
    p = rolling_program()
    d0 = T(2025, 3, 1, 12, 0)
    c = enrol(p, 1, T(2025, 1, 1))
    assert buy_ok(p, c, "p0", d0, 60000) == 600
    assert buy_ok(p, c, "p10", d0 + 10 * DAY, 50000) == 500
    assert sweep(p, d0 + 31 * DAY) == (0, 0, 0, 0)
    assert buy_ok(p, c, "p32", d0 + 32 * DAY, 60000) == 600
    assert last(p, c).kind is EntryKind.EARN
    assert p.progress(c, d0 + 40 * DAY).metric == 60000
    assert sweep(p, d0 + 41 * DAY) == (0, 0, 0, 0)
    assert tier(p, c) == "gold"
    assert sweep(p, d0 + 48 * DAY - 1) == (0, 0, 0, 0)
    assert sweep(p, d0 + 48 * DAY) == (0, 0, 1, 1)
    check_tier(last(p, c), "gold", "silver", "review", d0 + 48 * DAY)
    check_ledger(p, c)


def test_paid_tier_held_until_then_reviewed():
    p = program()
    add_tiers(p, 50000, 100000)
    until = T(2026, 3, 1)
    c = enrol(p, 1, T(2025, 1, 1))
    g = enrol(p, 2, T(2025, 1, 1))
    assert buy_ok(p, c, "p1", T(2025, 2, 1, 12, 0), 60000) == 600
    assert tier(p, c) == "silver"
    before = snap(p, c)
    with pytest.raises(loyalty.NotFound):
        p.assign_tier("x1", c, "platinum", until, T(2025, 6, 1))
    with pytest.raises(loyalty.NotFound):
        p.assign_tier("x1", cid(0x77777777), "gold", until, T(2025, 6, 1))
    with pytest.raises(loyalty.InvalidArgument):
        p.assign_tier("x1", c, "gold", T(2025, 6, 1), T(2025, 6, 1))
    assert snap(p, c) == before
    p.assign_tier("paid-1", c, "gold", until, T(2025, 6, 1))
    e = last(p, c)
    check_tier(e, "silver", "gold", "paid", T(2025, 6, 1))
    assert e.key == "paid-1"
    before = snap(p, c)
    p.assign_tier("paid-1", c, "gold", until, T(2025, 6, 1))
    assert snap(p, c) == before
    with pytest.raises(loyalty.Conflict):
        p.assign_tier("paid-1", c, "gold", until + 1, T(2025, 6, 1))
    assert buy_ok(p, g, "g1", T(2025, 2, 1, 12, 0), 100000) == 1000
    before = snap(p, g)
    p.assign_tier("paid-2", g, "silver", until, T(2025, 6, 1))  # below the tier held: nothing visible
    assert snap(p, g) == before
    assert sweep(p, T(2026, 1, 1)) == (0, 0, 0, 0)
    assert tier(p, c) == "gold"
    assert sweep(p, until - 1) == (0, 0, 0, 0)
    assert sweep(p, until) == (0, 0, 1, 1)
    check_tier(last(p, c), "gold", "silver", "review", until)
    assert tier(p, g) == "gold"
    assert sweep(p, until + DAY) == (0, 0, 0, 0)
    check_ledger(p, c)
    check_ledger(p, g)


def test_paid_tier_in_a_rolling_window():
    p = rolling_program()
    d0 = T(2025, 3, 1, 12, 0)
    until = d0 + 20 * DAY
    c = enrol(p, 1, T(2025, 1, 1))
    assert buy_ok(p, c, "p0", d0, 60000) == 600
    check_tier(last(p, c), "none", "silver", "qualified", d0)
    p.assign_tier("paid", c, "gold", until, d0 + DAY)
    check_tier(last(p, c), "silver", "gold", "paid", d0 + DAY)
    assert sweep(p, until - 1) == (0, 0, 0, 0)
    assert sweep(p, until) == (0, 0, 0, 0)
    assert sweep(p, until + 7 * DAY - 1) == (0, 0, 0, 0)
    assert tier(p, c) == "gold"
    assert sweep(p, until + 7 * DAY) == (0, 0, 1, 1)
    check_tier(last(p, c), "gold", "silver", "review", until + 7 * DAY)
    assert sweep(p, d0 + 31 * DAY) == (0, 0, 0, 0)
    assert tier(p, c) == "silver"
    assert sweep(p, d0 + 38 * DAY) == (0, 0, 1, 1)
    check_tier(last(p, c), "silver", "none", "review", d0 + 38 * DAY)
    check_ledger(p, c)


def test_tier_benefits():
    p = program()
    add_tiers(p, 50000, 100000)
    assert len(p.tiers) == 2 and p.tiers[0].name == "silver" and p.tiers[1].threshold == 100000
    assert p.has_benefit("gold", "free_delivery") and p.has_benefit("gold", "member_events")
    assert p.has_benefit("silver", "early_access") and not p.has_benefit("silver", "free_delivery")
    assert not p.has_benefit("platinum", "early_access") and not p.has_benefit(None, "early_access")
    assert p.tiers["gold"].benefits == ("early_access", "free_delivery", "member_events")
    assert p.tiers["silver"].benefits == ("early_access",)


@pytest.mark.parametrize("metric", ["spend", "points"])
def test_tier_is_the_metric_not_the_balance(metric):
    p = program(tier_metric=metric)
    add_tiers(p, *((50000, 100000) if metric == "spend" else (500, 1000)))
    p.add_reward("tv", 1000)
    c = enrol(p, 1, T(2025, 1, 1))
    rich = enrol(p, 2, T(2025, 1, 1))
    assert buy_ok(p, c, "p1", T(2025, 2, 1, 12, 0), 100000) == 1000
    assert tier(p, c) == "gold"
    p.redeem("r1", c, "tv", T(2025, 2, 2, 12, 0))
    assert available(p, c) == 0 and tier(p, c) == "gold"
    assert sweep(p, T(2025, 2, 3)) == (0, 0, 0, 0)
    assert sweep(p, T(2026, 1, 1)) == (0, 0, 0, 0)  # 2025 supports gold
    assert tier(p, c) == "gold"
    assert p.progress(c, T(2025, 2, 3)).metric == (100000 if metric == "spend" else 1000)
    p.adjust("a1", rich, 50000, "migration", T(2026, 1, 2))
    assert sweep(p, T(2026, 1, 3)) == (0, 0, 0, 0)
    assert tier(p, rich) is None and p.progress(rich, T(2026, 1, 3)).metric == 0
    check_ledger(p, c)
    check_ledger(p, rich)


# ---- progress ------------------------------------------------------------------------------------------


def test_progress_and_points_missing():
    p = program(pending_days=7, expiry="bucket", expiry_days=30)
    add_tiers(p, 50000, 100000)
    p.add_reward("coffee", 150)
    p.add_reward("blender", 2000)
    c = enrol(p, 1, T(2025, 1, 1))
    ghost = cid(0x12121212)
    pr = p.progress(c, T(2025, 1, 1))
    assert (pr.tier, pr.next_tier, pr.metric, pr.to_next_tier) == (None, "silver", 0, 50000)
    assert (pr.available, pr.pending, pr.debt, pr.next_maturity, pr.next_expiry) == (0, 0, 0, None, None)
    assert buy_ok(p, c, "p1", T(2025, 1, 10, 12, 0), 60000) == 600
    pr = p.progress(c, T(2025, 1, 11))
    assert pr == loyalty.Progress("silver", "gold", 60000, 40000, 0, 600, 0, T(2025, 1, 17, 12, 0), 600, None, 0)
    assert pr.next_maturity == datetime(2025, 1, 17, 12, tzinfo=timezone.utc)
    assert p.points_missing(c, "coffee") == 150  # pending points are not spendable
    assert p.points_missing(c, "blender") == 2000
    assert sweep(p, T(2025, 1, 17, 12, 0)) == (600, 0, 0, 1)
    assert buy_ok(p, c, "p2", T(2025, 1, 20, 12, 0), 10000) == 100
    assert buy_ok(p, c, "p3", T(2025, 1, 20, 12, 0), 5000) == 50
    pr = p.progress(c, T(2025, 1, 20, 12, 0))
    assert (pr.metric, pr.to_next_tier, pr.available, pr.pending) == (75000, 25000, 600, 150)
    assert (pr.next_maturity_ms, pr.next_maturity_points) == (T(2025, 1, 27, 12, 0), 150)
    assert (pr.next_expiry_ms, pr.next_expiry_points) == (T(2025, 2, 16, 12, 0), 600)
    assert (p.points_missing(c, "coffee"), p.points_missing(c, "blender")) == (0, 1400)
    with pytest.raises(loyalty.NotFound):
        p.points_missing(c, "nope")
    with pytest.raises(loyalty.NotFound):
        p.points_missing(ghost, "coffee")
    with pytest.raises(loyalty.NotFound):
        p.progress(ghost, T(2025, 1, 20, 12, 0))
    assert buy_ok(p, c, "p4", T(2025, 1, 21, 12, 0), 25000) == 250
    pr = p.progress(c, T(2025, 1, 21, 12, 0))
    assert (pr.tier, pr.next_tier, pr.to_next_tier, pr.metric) == ("gold", None, 0, 100000)
    check_ledger(p, c)


# ---- regressions ----------------------------------------------------------------------------------------


def test_every_bucket_expires():
    p = program(expiry="bucket", expiry_days=30, pending_days=5, referrer_bonus=70, referee_bonus=30)
    p.add_action("survey", 11)
    p.add_partner("airline", loyalty.parse_fraction("1/2"))
    p.add_reward("mug", 30)
    a = enrol(p, 1, T(2025, 1, 1))
    b = enrol(p, 2, T(2025, 1, 1), code=p.referral_code(a), key="enroll-2")
    assert buy_ok(p, b, "pb", T(2025, 1, 2), 10000) == 100  # held; pays both referral bonuses
    p.record_action("s1", a, "survey", T(2025, 1, 3))
    assert p.credit_partner("f1", a, "airline", 45, T(2025, 1, 4)).points == 22
    p.adjust("a1", a, 9, "goodwill", T(2025, 1, 5))
    p.transfer("t1", a, b, 40, T(2025, 1, 6))
    r = p.redeem("r1", b, "mug", T(2025, 1, 7))
    p.cancel_redemption("c1", r, T(2025, 1, 8))
    assert sweep(p, T(2025, 1, 8)) == (100, 0, 0, 1)
    assert (available(p, a), available(p, b)) == (70 + 11 + 22 + 9 - 40, 30 + 40 + 100)
    assert p.progress(a, T(2025, 1, 8)).next_expiry is not None
    assert p.progress(b, T(2025, 1, 8)).next_expiry is not None
    # b's referral bonus and the points transferred to it expire together: one bucket
    assert sweep(p, T(2025, 2, 6)) == (0, 72 + 170, 0, 4 + 2)
    assert (available(p, a), available(p, b), snap(p, a).expired, snap(p, b).expired) == (0, 0, 72, 170)
    check_ledger(p, a)
    check_ledger(p, b)
    q = program()  # with Expiry.NEVER nothing ever expires
    d = enrol(q, 1, T(2025, 1, 1))
    assert buy_ok(q, d, "p", T(2025, 1, 2), 10000) == 100
    assert q.progress(d, T(2025, 1, 2)).next_expiry is None
    assert sweep(q, T(2100, 1, 1)) == (0, 0, 0, 0) and available(q, d) == 100
    check_ledger(q, d)


def test_expiry_at_local_midnight_west_of_utc():
    p = program(offset=-300, expiry="bucket", expiry_days=1, expiry_round_up="day")
    x = T(2025, 3, 12, 5, 0)
    assert x == L(2025, 3, 12, 0, 0, -300)
    c = enrol(p, 1, T(2025, 3, 1))
    assert buy_ok(p, c, "p1", T(2025, 3, 10, 15, 0), 10000) == 100  # 10:00 local, 10 March
    ny = timezone(timedelta(hours=-5))
    assert buy_ok(p, c, "p2", datetime(2025, 3, 10, 22, 0, tzinfo=ny), 5000) == 50  # 22:00 local, 10 March
    pr = p.progress(c, T(2025, 3, 11, 3, 0))
    assert (pr.next_expiry_ms, pr.next_expiry_points) == (x, 150)
    assert pr.next_expiry.astimezone(ny) == datetime(2025, 3, 12, tzinfo=ny)
    assert sweep(p, T(2025, 3, 12)) == (0, 0, 0, 0)  # UTC midnight: not yet
    assert sweep(p, x - 1) == (0, 0, 0, 0)
    assert sweep(p, x) == (0, 150, 0, 1)  # both expire together: one bucket, one entry
    assert last(p, c).at_ms == x and last(p, c).points == -150
    check_ledger(p, c)


def test_leap_day_birthday_customer():
    c0 = calc(offset=540)
    c0.add("birthday", "bday", "bonus=50 period=day feb29=feb28")
    p = loyalty.Program(c0)
    got = p.enroll("e1", profile(1, birthday=(2, 29)), at=T(2026, 12, 1))
    assert got.birthday == (2, 29) and p.get_customer(cid(1)).birthday == (2, 29)
    c = cid(1)
    for key, at, points in (("a", T(2027, 2, 27, 14, 0), 20), ("b", T(2027, 2, 27, 16, 0), 70),
                            ("c", T(2027, 2, 28, 16, 0), 20), ("d", T(2028, 2, 27, 16, 0), 20),
                            ("e", T(2028, 2, 28, 15, 30), 70), ("f", T(2028, 2, 29, 15, 0), 20)):
        assert buy_ok(p, c, key, at, 2000) == points, key
    assert available(p, c) == 6 * 20 + 2 * 50 and snap(p, c).earned == 220
    check_ledger(p, c)
