"""The program, spending side, through the binding: the scenarios of
tests/unit/test_program_spend.c with the same numbers (the catalog,
redemptions soonest-expiry first, refusals that change nothing, replays,
cancellations that restore expiry, donations, transfers, adjustments)."""

from __future__ import annotations

import uuid

import pytest

import loyalty
from loyalty import EntryKind
from programs import T, available, buy_ok, check_ledger, enrol, entry_is, last, program, snap


def stock_of(p: loyalty.Program, reward: str):
    return p.rewards[reward].stock


def spent(e: loyalty.Entry, kind: EntryKind, points: int, after: int, at: int, key=None, ref=None, memo=None):
    entry_is(e, kind, points, 0, 0, after, e.pending_after)
    assert e.at_ms == at, e
    for name, want in (("key", key), ("ref", ref), ("memo", memo)):
        if want is not None:
            assert getattr(e, name) == want, e


# ---- the reward catalog ---------------------------------------------------------------------------------


def test_reward_catalog_add_list_and_stock():
    p = program()
    p.add_tier("silver", 0)
    p.add_tier("gold", 100000, benefits=["free_delivery"])
    p.add_reward("coffee", 150, name="Free coffee")
    p.add_reward("mug", 500, min_tier="silver", valid_from=T(2025, 1, 1), valid_until=T(2025, 7, 1), stock=3)
    with pytest.raises(loyalty.DuplicateKey):
        p.add_reward("coffee", 99)
    assert len(p.rewards) == 2
    coffee, mug = p.rewards
    assert coffee == loyalty.Reward("coffee", 150, "Free coffee", None, None, None, None)
    assert (coffee.valid_from, coffee.valid_until) == (None, None)
    assert mug == loyalty.Reward("mug", 500, None, "silver", T(2025, 1, 1), T(2025, 7, 1), 3)
    assert mug.valid_until == loyalty.from_ms(T(2025, 7, 1))
    assert p.rewards["mug"] == mug and "mug" in p.rewards and p.rewards[-1] == mug
    with pytest.raises(IndexError):
        p.rewards[2]
    with pytest.raises(KeyError):
        p.rewards["nope"]
    assert repr(p.rewards) == "<Rewards ['coffee', 'mug']>"
    p.set_reward_stock("mug", 7)
    assert stock_of(p, "mug") == 7
    p.set_reward_stock("mug", None)
    assert stock_of(p, "mug") is None
    p.set_reward_stock("mug", 2)
    with pytest.raises(loyalty.NotFound):
        p.set_reward_stock("nope", 1)
    with pytest.raises(loyalty.InvalidArgument):
        p.set_reward_stock("mug", -2)
    assert stock_of(p, "mug") == 2
    c = enrol(p, 1, T(2025, 2, 1, 9, 0))
    p.add_reward("tote", 40, stock=0)  # rewards may come after customers (tiers may not)
    assert len(p.rewards) == 3
    with pytest.raises(loyalty.StateError):
        p.add_tier("platinum", 200000)
    assert buy_ok(p, c, "p1", T(2025, 2, 2, 10, 0), 70000) == 700
    p.redeem("r1", c, "mug", T(2025, 2, 3, 10, 0))
    assert stock_of(p, "mug") == 1
    p.redeem("r2", c, "coffee", T(2025, 2, 3, 11, 0))
    assert stock_of(p, "coffee") is None
    with pytest.raises(loyalty.OutOfRange):
        p.redeem("r3", c, "tote", T(2025, 2, 3, 12, 0))
    p.set_reward_stock("tote", 1)
    p.redeem("r3", c, "tote", T(2025, 2, 3, 12, 0))
    assert stock_of(p, "tote") == 0
    assert available(p, c) == 700 - 500 - 150 - 40
    check_ledger(p, c)


# ---- redemption ------------------------------------------------------------------------------------------


def test_redeem_spends_soonest_expiry_first():
    p = program(expiry="bucket", expiry_months=1)
    p.add_reward("coffee", 50)
    c = enrol(p, 1, T(2025, 1, 1))
    assert buy_ok(p, c, "p-jan28", T(2025, 1, 28, 12, 0), 10000) == 100  # expires Feb 28 12:00
    assert buy_ok(p, c, "p-jan31", T(2025, 1, 31, 10, 0), 6000) == 60  # expires Feb 28 10:00
    pr = p.progress(c, T(2025, 2, 1))
    assert (pr.next_expiry_ms, pr.next_expiry_points) == (T(2025, 2, 28, 10, 0), 60)
    r = p.redeem("r1", c, "coffee", T(2025, 2, 1, 9, 0))
    assert isinstance(r.id, uuid.UUID) and r.id.int != 0
    assert (r.customer_id, r.reward, r.points, r.at_ms, r.cancelled) == (c, "coffee", 50, T(2025, 2, 1, 9, 0), False)
    e = last(p, c)
    assert r.entry_seq == e.seq
    spent(e, EntryKind.REDEEM, -50, 110, T(2025, 2, 1, 9, 0), "r1", "coffee", str(r.id))
    assert snap(p, c).redeemed == 50
    again = p.get_redemption(r.id)  # by its UUID, the coupon code
    assert again == r and p.get_redemption(str(r.id)) == r and p.get_redemption(r) == r
    with pytest.raises(loyalty.NotFound):
        p.get_redemption(uuid.UUID(bytes=b"\x5a" * 16))
    # the 31 January bucket lost 50: 10 left expire at 10:00, then the 100 at 12:00
    pr = p.progress(c, T(2025, 2, 1, 9, 0))
    assert (pr.next_expiry, pr.next_expiry_points) == (loyalty.from_ms(T(2025, 2, 28, 10, 0)), 10)
    rep = p.maintain(T(2025, 2, 28, 9, 59))
    assert (rep.expired, rep.entries) == (0, 0)
    rep = p.maintain(T(2025, 2, 28, 10, 0))
    assert (rep.expired, rep.entries) == (10, 1)
    spent(last(p, c), EntryKind.EXPIRE, -10, 100, T(2025, 2, 28, 10, 0))
    assert p.maintain(T(2025, 2, 28, 12, 0)).expired == 100
    spent(last(p, c), EntryKind.EXPIRE, -100, 0, T(2025, 2, 28, 12, 0))
    assert snap(p, c).expired == 110
    assert buy_ok(p, c, "p-mar", T(2025, 3, 1, 10, 0), 5000) == 50
    r2 = p.redeem("r2", c, "coffee", T(2025, 3, 1, 11, 0))
    assert r2.id != r.id and r2.entry_seq == last(p, c).seq
    assert available(p, c) == 0
    check_ledger(p, c)


def test_redeem_refusals_change_nothing():
    p = program()
    p.add_tier("silver", 0)
    p.add_tier("gold", 100000)
    p.add_reward("lamp", 200)
    p.add_reward("cap", 100, stock=0)
    p.add_reward("lounge", 50, min_tier="gold", stock=5)
    p.add_reward("spring", 50, valid_from=T(2025, 3, 1), valid_until=T(2025, 4, 1), stock=5)
    c = enrol(p, 1, T(2025, 1, 1))
    gold = enrol(p, 2, T(2025, 1, 1))
    assert buy_ok(p, c, "p1", T(2025, 2, 1, 10, 0), 12000) == 120
    assert snap(p, c).tier == "silver"
    before = snap(p, c)
    at = T(2025, 3, 2, 10, 0)
    for key, reward, when, error in (
        ("k-lamp", "lamp", at, loyalty.InsufficientPoints),
        ("k-cap", "cap", at, loyalty.OutOfRange),
        ("k-lounge", "lounge", at, loyalty.StateError),
        ("k-early", "spring", T(2025, 3, 1) - 1, loyalty.StateError),
        ("k-late", "spring", T(2025, 4, 1), loyalty.StateError),
        ("k-none", "no-such", at, loyalty.NotFound),
        ("bad key", "spring", at, loyalty.InvalidArgument),
        ("", "spring", at, loyalty.InvalidArgument),
    ):
        with pytest.raises(error):
            p.redeem(key, c, reward, when)
        assert snap(p, c) == before
    with pytest.raises(loyalty.NotFound):
        p.redeem("k-ghost", uuid.UUID(bytes=b"\x11" * 16), "lamp", at)
    assert (stock_of(p, "cap"), stock_of(p, "lounge"), stock_of(p, "spring")) == (0, 5, 5)
    # the window's own edges are inside
    p.redeem("k-first", c, "spring", T(2025, 3, 1))
    p.redeem("k-lastms", c, "spring", T(2025, 4, 1) - 1)
    assert available(p, c) == 20 and stock_of(p, "spring") == 3
    # a failed call records nothing: its key can be retried once the points are there
    assert buy_ok(p, c, "p2", T(2025, 3, 2, 9, 0), 18000) == 180
    assert p.redeem("k-lamp", c, "lamp", at).points == 200
    assert available(p, c) == 0
    assert buy_ok(p, gold, "g1", T(2025, 3, 3, 10, 0), 100000) == 1000
    assert snap(p, gold).tier == "gold"
    p.redeem("k-gold", gold, "lounge", T(2025, 3, 4, 10, 0))
    assert stock_of(p, "lounge") == 4 and available(p, gold) == 950
    check_ledger(p, c)
    check_ledger(p, gold)


def test_redeem_replay_and_conflict():
    p = program()
    p.add_reward("coffee", 30, stock=10)
    p.add_reward("tea", 20)
    c = enrol(p, 1, T(2025, 1, 1))
    assert buy_ok(p, c, "p1", T(2025, 1, 2, 10, 0), 10000) == 100
    r1 = p.redeem("k1", c, "coffee", T(2025, 1, 3, 10, 0))
    before = snap(p, c)
    assert before.available == 70 and stock_of(p, "coffee") == 9
    assert p.redeem("k1", c, "coffee", T(2025, 1, 3, 10, 0)) == r1  # the same redemption, nothing written
    assert snap(p, c) == before and stock_of(p, "coffee") == 9
    for call in (lambda: p.redeem("k1", c, "tea", T(2025, 1, 3, 10, 0)),
                 lambda: p.redeem("k1", c, "coffee", T(2025, 1, 3, 10, 1)),
                 lambda: p.donate("k1", c, "charity", 30, T(2025, 1, 3, 10, 0)),
                 lambda: p.adjust("k1", c, -30, "x", T(2025, 1, 3, 10, 0)),
                 lambda: p.redeem("p1", c, "coffee", T(2025, 1, 3, 10, 0))):
        with pytest.raises(loyalty.Conflict):
            call()
    assert snap(p, c) == before and stock_of(p, "coffee") == 9
    # replayed after a cancellation: still the same redemption, reported as it is now
    assert p.cancel_redemption("cancel-k1", r1, T(2025, 1, 4, 10, 0)).cancelled
    before = snap(p, c)
    again = p.redeem("k1", c, "coffee", T(2025, 1, 3, 10, 0))
    assert (again.id, again.entry_seq, again.cancelled) == (r1.id, r1.entry_seq, True)
    assert snap(p, c) == before and available(p, c) == 100 and stock_of(p, "coffee") == 10
    check_ledger(p, c)


# ---- cancellation ---------------------------------------------------------------------------------------


def test_cancel_restores_buckets_with_original_expiry():
    p = program(expiry="bucket", expiry_days=30)
    p.add_reward("headphones", 120, stock=5)
    c = enrol(p, 1, T(2025, 1, 1))
    assert buy_ok(p, c, "p1", T(2025, 1, 1, 12, 0), 10000) == 100  # expires 31 Jan 12:00
    assert buy_ok(p, c, "p2", T(2025, 1, 10, 12, 0), 5000) == 50  # expires 9 Feb 12:00
    r = p.redeem("r1", c, "headphones", T(2025, 1, 15, 12, 0))
    assert available(p, c) == 30 and stock_of(p, "headphones") == 4 and snap(p, c).redeemed == 120
    pr = p.progress(c, T(2025, 1, 15, 12, 0))
    assert (pr.next_expiry_ms, pr.next_expiry_points) == (T(2025, 2, 9, 12, 0), 30)
    c1 = p.cancel_redemption("c1", r.id, T(2025, 1, 20, 12, 0))
    assert (c1.id, c1.cancelled, c1.points, c1.entry_seq) == (r.id, True, 120, r.entry_seq)
    spent(last(p, c), EntryKind.REDEEM_CANCEL, 120, 150, T(2025, 1, 20, 12, 0), "c1", "headphones", str(r.id))
    assert stock_of(p, "headphones") == 5 and snap(p, c).redeemed == 0
    assert p.get_redemption(r).cancelled
    assert "cancelled" in repr(c1)
    pr = p.progress(c, T(2025, 1, 20, 12, 0))  # the restored points carry their old expiry
    assert (pr.next_expiry_ms, pr.next_expiry_points) == (T(2025, 1, 31, 12, 0), 100)
    before = snap(p, c)
    with pytest.raises(loyalty.StateError):  # once only
        p.cancel_redemption("c2", r, T(2025, 1, 21, 12, 0))
    assert p.cancel_redemption("c1", r, T(2025, 1, 20, 12, 0)).cancelled  # a replay
    with pytest.raises(loyalty.Conflict):
        p.cancel_redemption("c1", r, T(2025, 1, 20, 12, 1))
    with pytest.raises(loyalty.NotFound):
        p.cancel_redemption("c3", uuid.UUID(bytes=b"\x33" * 16), T(2025, 1, 21, 12, 0))
    assert snap(p, c) == before and stock_of(p, "headphones") == 5
    # proof by expiry: the restored 100 expire at the original date
    assert p.maintain(T(2025, 1, 31, 12, 0) - 1).expired == 0
    rep = p.maintain(T(2025, 1, 31, 12, 0))
    assert (rep.expired, rep.entries) == (100, 1)
    spent(last(p, c), EntryKind.EXPIRE, -100, 50, T(2025, 1, 31, 12, 0))
    assert p.maintain(T(2025, 2, 9, 12, 0) - 1).expired == 0
    n = len(p.ledger(c))
    rep = p.maintain(T(2025, 2, 9, 12, 0))
    assert rep.expired == 50
    tail = p.ledger(c)[n:]
    assert len(tail) == rep.entries and sum(e.points for e in tail) == -50
    assert all(e.kind is EntryKind.EXPIRE and e.at_ms == T(2025, 2, 9, 12, 0) for e in tail)
    assert available(p, c) == 0 and snap(p, c).expired == 150
    check_ledger(p, c)


@pytest.mark.parametrize("policy", ["negative_balance", "debt"])
def test_cancel_after_refund_fills_the_hole_or_repays_the_debt(policy):
    p = program(refund_policy=policy, expiry="bucket", expiry_days=30)
    p.add_reward("kettle", 100)
    c = enrol(p, 1, T(2025, 1, 1))
    assert buy_ok(p, c, "p1", T(2025, 1, 1, 12, 0), 10100) == 101
    r = p.redeem("r1", c, "kettle", T(2025, 1, 2, 12, 0))
    rr = p.refund("f1", "p1", 10100, T(2025, 1, 3, 12, 0))
    assert rr.clawed_back == 101
    s = snap(p, c)
    if policy == "debt":
        assert (s.available, s.debt, rr.debt_added) == (0, 100, 100)
    else:
        assert (s.available, s.debt) == (-100, 0)
    p.cancel_redemption("c1", r, T(2025, 1, 4, 12, 0))
    s = snap(p, c)
    assert (s.available, s.debt, s.redeemed) == (0, 0, 0)
    if policy == "debt":
        spent(last(p, c, 1), EntryKind.REDEEM_CANCEL, 100, 100, T(2025, 1, 4, 12, 0), "c1", "kettle")
        entry_is(last(p, c), EntryKind.DEBT_REPAY, -100, 0, -100, 0, 0)
    else:
        spent(last(p, c), EntryKind.REDEEM_CANCEL, 100, 0, T(2025, 1, 4, 12, 0), "c1", "kettle")
    assert p.progress(c, T(2025, 1, 4, 12, 0)).next_expiry is None  # nothing was left in a bucket
    p.maintain(T(2026, 1, 1))
    assert snap(p, c).expired == 0
    check_ledger(p, c)


def test_cancel_after_the_points_expired():
    p = program(expiry="bucket", expiry_days=30)
    p.add_reward("kettle", 100)
    c = enrol(p, 1, T(2025, 1, 1))
    assert buy_ok(p, c, "p1", T(2025, 1, 1, 12, 0), 10000) == 100  # expires 31 Jan 12:00
    r = p.redeem("r1", c, "kettle", T(2025, 1, 15, 12, 0))
    assert p.maintain(T(2025, 2, 1)).expired == 0
    p.cancel_redemption("c1", r, T(2025, 2, 5, 12, 0))
    assert available(p, c) == 100
    pr = p.progress(c, T(2025, 2, 5, 12, 0))
    assert (pr.next_expiry_ms, pr.next_expiry_points) == (T(2025, 2, 5, 12, 0), 100)
    assert p.maintain(T(2025, 2, 6)).expired == 100
    spent(last(p, c), EntryKind.EXPIRE, -100, 0, T(2025, 2, 5, 12, 0))
    s = snap(p, c)
    assert (s.expired, s.redeemed) == (100, 0)
    check_ledger(p, c)


# ---- donations, transfers, adjustments --------------------------------------------------------------------


def test_donation_to_a_named_cause():
    p = program()
    c = enrol(p, 1, T(2025, 1, 1))
    assert buy_ok(p, c, "p1", T(2025, 1, 2, 10, 0), 20000) == 200
    e = p.donate("d1", c, "red-cross", 75, T(2025, 1, 3, 10, 0))
    spent(e, EntryKind.DONATE, -75, 125, T(2025, 1, 3, 10, 0), "d1", "red-cross", "donation")
    assert last(p, c) == e
    assert (snap(p, c).redeemed, snap(p, c).earned) == (75, 200)
    before = snap(p, c)
    with pytest.raises(loyalty.InsufficientPoints):
        p.donate("d2", c, "red-cross", 126, T(2025, 1, 3, 11, 0))
    for cause, points in (("bad cause", 5), ("", 5), ("unicef", 0), ("unicef", -5)):
        with pytest.raises(loyalty.InvalidArgument):
            p.donate("d3", c, cause, points, T(2025, 1, 3, 11, 0))
    with pytest.raises(loyalty.NotFound):
        p.donate("d3", uuid.UUID(bytes=b"\x44" * 16), "unicef", 5, T(2025, 1, 3, 11, 0))
    assert snap(p, c) == before
    assert p.donate("d1", c, "red-cross", 75, T(2025, 1, 3, 10, 0)) == e  # a replay: the same entry
    for cause, points in (("red-cross", 76), ("unicef", 75)):
        with pytest.raises(loyalty.Conflict):
            p.donate("d1", c, cause, points, T(2025, 1, 3, 10, 0))
    assert snap(p, c) == before
    e = p.donate("d4", c, "unicef", 125, T(2025, 1, 4, 10, 0))
    spent(e, EntryKind.DONATE, -125, 0, T(2025, 1, 4, 10, 0), "d4", "unicef", "donation")
    assert snap(p, c).redeemed == 200
    check_ledger(p, c)


def test_transfer_is_two_entries_or_nothing():
    p = program()
    a = enrol(p, 1, T(2025, 1, 1))
    b = enrol(p, 2, T(2025, 1, 1))
    assert buy_ok(p, a, "pa", T(2025, 1, 2, 10, 0), 30000) == 300
    assert buy_ok(p, b, "pb", T(2025, 1, 2, 10, 0), 2000) == 20
    all_before = len(p.ledger())
    p.transfer("t1", a, b, 120, T(2025, 1, 3, 10, 0))
    assert len(p.ledger()) == all_before + 2
    out, into = last(p, a), last(p, b)
    spent(out, EntryKind.TRANSFER_OUT, -120, 180, T(2025, 1, 3, 10, 0), "t1", str(b), "transfer")
    spent(into, EntryKind.TRANSFER_IN, 120, 140, T(2025, 1, 3, 10, 0), "t1", str(a), "transfer")
    assert into.seq == out.seq + 1
    sa, sb = snap(p, a), snap(p, b)
    assert (sa.earned, sa.redeemed, sb.earned, sb.redeemed) == (300, 0, 20, 0)  # neither earning nor redeeming
    ghost = uuid.UUID(bytes=b"\x55" * 16)
    for frm, to, points, error in ((a, b, 181, loyalty.InsufficientPoints), (a, a, 10, loyalty.InvalidArgument),
                                   (a, b, 0, loyalty.InvalidArgument), (a, b, -10, loyalty.InvalidArgument),
                                   (a, ghost, 10, loyalty.NotFound), (ghost, b, 10, loyalty.NotFound)):
        with pytest.raises(error):
            p.transfer("t2", frm, to, points, T(2025, 1, 4, 10, 0))
    assert (snap(p, a), snap(p, b)) == (sa, sb)
    p.transfer("t1", a, b, 120, T(2025, 1, 3, 10, 0))  # a replay
    for frm, to, points in ((a, b, 121), (b, a, 120)):
        with pytest.raises(loyalty.Conflict):
            p.transfer("t1", frm, to, points, T(2025, 1, 3, 10, 0))
    assert (snap(p, a), snap(p, b)) == (sa, sb)
    p.transfer("t2", b, a, 140, T(2025, 1, 5, 10, 0))
    assert (available(p, a), available(p, b)) == (320, 0)
    check_ledger(p, a)
    check_ledger(p, b)


def test_adjustments_with_a_reason():
    p = program()
    c = enrol(p, 1, T(2025, 1, 1))
    assert buy_ok(p, c, "p1", T(2025, 1, 2, 10, 0), 10000) == 100
    first = p.adjust("a1", c, 25, "goodwill: late delivery", T(2025, 1, 3, 10, 0))
    spent(first, EntryKind.ADJUST, 25, 125, T(2025, 1, 3, 10, 0), "a1", "", "goodwill: late delivery")
    e = p.adjust("a2", c, -40, "duplicate credit", T(2025, 1, 3, 11, 0))
    spent(e, EntryKind.ADJUST, -40, 85, T(2025, 1, 3, 11, 0), "a2", "", "duplicate credit")
    assert (snap(p, c).earned, snap(p, c).redeemed) == (100, 0)
    before = snap(p, c)
    with pytest.raises(loyalty.InsufficientPoints):
        p.adjust("a3", c, -86, "too much", T(2025, 1, 4, 10, 0))
    for points, reason in ((10, ""), (10, "two\nlines"), (0, "nothing"), (10, "r" * 128)):
        with pytest.raises(loyalty.InvalidArgument):
            p.adjust("a3", c, points, reason, T(2025, 1, 4, 10, 0))
    with pytest.raises(loyalty.NotFound):
        p.adjust("a3", uuid.UUID(bytes=b"\x66" * 16), 10, "x", T(2025, 1, 4, 10, 0))
    assert snap(p, c) == before
    assert p.adjust("a1", c, 25, "goodwill: late delivery", T(2025, 1, 3, 10, 0)) == first
    with pytest.raises(loyalty.Conflict):
        p.adjust("a1", c, 25, "another reason", T(2025, 1, 3, 10, 0))
    assert snap(p, c) == before
    e = p.adjust("a3", c, -85, "r" * 127, T(2025, 1, 4, 10, 0))  # 127 bytes are fine, down to exactly 0
    assert (e.memo, e.available_after) == ("r" * 127, 0)
    check_ledger(p, c)


def test_every_spend_takes_the_soonest_expiry_first():
    p = program(expiry="bucket", expiry_months=1)
    sink = enrol(p, 99, T(2025, 1, 1))
    cs = [enrol(p, i + 1, T(2025, 1, 1)) for i in range(3)]
    for i, c in enumerate(cs):
        assert buy_ok(p, c, f"a{i}", T(2025, 1, 28, 12, 0), 10000) == 100
        assert buy_ok(p, c, f"b{i}", T(2025, 1, 31, 10, 0), 6000) == 60
    p.donate("s0", cs[0], "food-bank", 50, T(2025, 2, 1, 9, 0))
    p.transfer("s1", cs[1], sink, 50, T(2025, 2, 1, 9, 0))
    p.adjust("s2", cs[2], -50, "correction", T(2025, 2, 1, 9, 0))
    rep = p.maintain(T(2025, 2, 28, 10, 0))  # the sink's 50 keep c[1]'s 31 January expiry
    assert (rep.expired, rep.entries) == (30 + 50, 4)
    spent(last(p, sink), EntryKind.EXPIRE, -50, 0, T(2025, 2, 28, 10, 0))
    for c in cs:
        spent(last(p, c), EntryKind.EXPIRE, -10, 100, T(2025, 2, 28, 10, 0), f"maintenance@{T(2025, 2, 28, 10, 0)}",
              "")
    assert p.maintain(T(2025, 2, 28, 12, 0)).expired == 300
    assert available(p, sink) == 0
    for c in cs:
        assert available(p, c) == 0
        check_ledger(p, c)
    check_ledger(p, sink)


def test_transferred_points_keep_their_expiry():
    p = program(expiry="bucket", expiry_days=30)
    a = enrol(p, 1, T(2025, 1, 1))
    b = enrol(p, 2, T(2025, 1, 1))
    assert buy_ok(p, a, "p1", T(2025, 1, 1, 12, 0), 10000) == 100  # expires 31 Jan 12:00
    assert buy_ok(p, a, "p2", T(2025, 1, 20, 12, 0), 5000) == 50  # expires 19 Feb 12:00
    p.transfer("t1", a, b, 120, T(2025, 1, 25, 12, 0))
    pr = p.progress(b, T(2025, 1, 25, 12, 0))
    assert (pr.available, pr.next_expiry_ms, pr.next_expiry_points) == (120, T(2025, 1, 31, 12, 0), 100)
    spent(last(p, b), EntryKind.TRANSFER_IN, 120, 120, T(2025, 1, 25, 12, 0), "t1", None, "transfer")
    p.transfer("t2", b, a, 120, T(2025, 1, 30, 12, 0))  # and back again
    assert available(p, a) == 150
    rep = p.maintain(T(2025, 1, 31, 12, 0))
    assert (rep.expired, rep.entries) == (100, 1)
    spent(last(p, a), EntryKind.EXPIRE, -100, 50, T(2025, 1, 31, 12, 0))
    assert p.maintain(T(2025, 2, 19, 12, 0)).expired == 50
    assert (available(p, a), available(p, b), snap(p, a).expired, snap(p, b).expired) == (0, 0, 150, 0)
    check_ledger(p, a)
    check_ledger(p, b)


def test_transfer_to_a_customer_in_debt():
    p = program(refund_policy="debt", expiry="bucket", expiry_days=30)
    a = enrol(p, 1, T(2025, 1, 1))
    b = enrol(p, 2, T(2025, 1, 1))
    assert buy_ok(p, a, "pa", T(2025, 1, 1, 12, 0), 10000) == 100
    assert buy_ok(p, b, "pb", T(2025, 1, 2, 12, 0), 3000) == 30
    p.donate("d1", b, "unicef", 30, T(2025, 1, 3, 12, 0))
    assert p.refund("f1", "pb", 3000, T(2025, 1, 4, 12, 0)).debt_added == 30
    assert snap(p, b).debt == 30
    p.transfer("t1", a, b, 50, T(2025, 1, 5, 12, 0))
    spent(last(p, b, 1), EntryKind.TRANSFER_IN, 50, 50, T(2025, 1, 5, 12, 0), "t1", str(a), "transfer")
    e = last(p, b)
    entry_is(e, EntryKind.DEBT_REPAY, -30, 0, -30, 20, 0)
    assert e.key == "t1"
    assert (snap(p, b).debt, available(p, a)) == (0, 50)
    p.maintain(T(2025, 1, 31, 12, 0))  # the 20 left came from a's bucket: they expire with it
    assert (available(p, b), snap(p, b).expired) == (0, 20)
    check_ledger(p, a)
    check_ledger(p, b)
