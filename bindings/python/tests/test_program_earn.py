"""The program, earning side, through the binding: the scenarios of
tests/unit/test_program_earn.c with the same numbers (definitions, enrolment,
purchases, the batch, pending points, refunds, caps, referrals, actions,
partners, regressions). Each ends with the ledger invariant."""

from __future__ import annotations

import gc
import re
import uuid
import weakref
from decimal import Decimal
from fractions import Fraction

import pytest

import loyalty
from loyalty import EntryKind
from programs import (
    DAY,
    T,
    balances,
    buy,
    buy_ok,
    calc,
    check_ledger,
    cid,
    day_of,
    enrol,
    entry_is,
    last,
    profile,
    program,
    purchase,
    snap,
)

# ---- definitions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, names",
    [
        ({"pending_days": -1}, "pending_days"),
        ({"pending_days": 3661}, "pending_days"),
        ({"cap_per_purchase": -1}, "cap_per_purchase"),
        ({"cap_per_period": 10}, "cap_period"),
        ({"expiry_months": -1}, "expiry_months"),
        ({"expiry": "bucket"}, "expiry"),
        ({"expiry": "inactivity"}, "expiry_days"),
        ({"expiry_round_up": "month"}, "expiry_round_up"),
        ({"tier_window": "rolling_days"}, "tier_window_days"),
        ({"tier_grace_days": -1}, "tier_grace_days"),
        ({"referrer_bonus": -1}, "referrer_bonus"),
        ({"referral_min_spend": -1}, "referral_min_spend"),
        ({"referral_max_per_referrer": -1}, "referral_max_per_referrer"),
    ],
)
def test_every_invalid_option_is_rejected_with_its_name(options, names):
    c = calc()
    with pytest.raises(loyalty.InvalidArgument, match=names):
        loyalty.Program(c, **options)
    # the failed creation left the calculator with us, still mutable
    assert not c.attached and c._h.thisown
    c.add("threshold", "early", "min_spend=0 bonus=2")


def test_enum_options_by_name_or_member():
    with pytest.raises(loyalty.InvalidArgument, match="unknown refundpolicy 'sometimes'"):
        program(refund_policy="sometimes")
    p = program(refund_policy=loyalty.RefundPolicy.DEBT, expiry="bucket", expiry_months=12, expiry_round_up="month",
                tier_metric="points", tier_window="rolling_days", tier_window_days=30, cap_per_period=5,
                cap_period=loyalty.Period.WEEK, referral_min_spend=Decimal("20.00"))
    o = p.options
    assert o.refund_policy is loyalty.RefundPolicy.DEBT
    assert (o.expiry, o.expiry_months, o.expiry_round_up) == (loyalty.Expiry.BUCKET, 12, loyalty.Period.MONTH)
    assert (o.tier_metric, o.tier_window, o.tier_window_days) == ("points", "rolling_days", 30)
    assert (o.cap_per_period, o.cap_period, o.referral_min_spend) == (5, loyalty.Period.WEEK, 2000)
    assert program().options == loyalty.ProgramOptions()  # the C defaults are the dataclass's


def test_a_refund_dated_before_its_purchase_is_einval():
    p = program()
    a = enrol(p, 1, day_of(3, 1))
    assert buy_ok(p, a, "p1", day_of(3, 10), 1000) == 10
    with pytest.raises(loyalty.InvalidArgument):
        p.refund("r1", "p1", 500, day_of(3, 9))
    assert p.refund("r1", "p1", 500, day_of(3, 10)).clawed_back == 5
    check_ledger(p, a)


def test_tier_thresholds_must_strictly_increase():
    p = program()
    p.add_tier("silver", 1000)
    for name, threshold in (("gold", 1000), ("gold", 999), ("gold", -1)):
        with pytest.raises(loyalty.InvalidArgument):
            p.add_tier(name, threshold)
    with pytest.raises(loyalty.DuplicateKey):
        p.add_tier("silver", 2000)
    with pytest.raises(loyalty.InvalidArgument, match="without spaces"):
        p.add_tier("gold", 2000, benefits=["free delivery"])
    with pytest.raises(loyalty.DuplicateKey, match="listed twice"):
        p.add_tier("gold", 2000, benefits=["ok", "ok"])
    p.add_tier("gold", 2000, benefits=("free_delivery", "lounge"))
    assert [(t.name, t.threshold, t.benefits) for t in p.tiers] == [
        ("silver", 1000, ()), ("gold", 2000, ("free_delivery", "lounge"))]
    assert p.tiers["gold"].benefits == ("free_delivery", "lounge") and "gold" in p.tiers
    assert p.tiers[-1].name == "gold" and p.tiers.names == ("silver", "gold")
    with pytest.raises(IndexError):
        p.tiers[2]
    with pytest.raises(KeyError):
        p.tiers["platinum"]


def test_reward_definition_rejects_bad_cost_tier_and_window():
    p = program()
    p.add_tier("silver", 1000)
    for kwargs in ({"cost": 0}, {"cost": -5}, {"cost": 10, "stock": -2}, {"cost": 10, "min_tier": "platinum"},
                   {"cost": 10, "valid_from": T(2025, 1, 1), "valid_until": T(2025, 1, 1)}):
        with pytest.raises(loyalty.InvalidArgument):
            p.add_reward("bad", **kwargs)
    with pytest.raises(loyalty.InvalidArgument):
        p.add_reward("bad id", 10)
    assert len(p.rewards) == 0


class Probe:
    """A custom strategy object: mode 0 gives `give`, 1 raises, 2 gives -500."""

    def __init__(self, give=1):
        self.mode = 0
        self.give = give

    def compute(self, inp):
        if self.mode == 1:
            raise LookupError("price list unavailable")
        return -500 if self.mode == 2 else self.give


def test_program_owns_its_calculator():
    c = calc("half_even", 90)
    probe = Probe()
    gone = weakref.ref(probe)
    c.add_custom("probe", "bonus", probe)
    handle = c._h
    # a failed creation leaves the calculator with the caller, still mutable and owned
    with pytest.raises(loyalty.InvalidArgument, match="pending_days"):
        loyalty.Program(c, pending_days=-3)
    assert handle.thisown and not c.attached
    c.add("threshold", "early", "min_spend=0 bonus=2")
    p = loyalty.Program(c)
    # attached: the program owns the C calculator, the object stays readable
    assert not handle.thisown and c.attached and p.calculator is c
    with pytest.raises(loyalty.StateError, match="belongs to a program"):
        c.add("threshold", "late", "min_spend=0 bonus=1")
    with pytest.raises(loyalty.StateError):
        c.exclude_product_type("gift_card")
    late = Probe()
    late_gone = weakref.ref(late)
    with pytest.raises(loyalty.StateError):
        c.add_custom("late", "bonus", late)
    del late
    gc.collect()
    assert late_gone() is None  # a failed add_custom releases the strategy at once
    assert len(c) == 3 and c.excluded == ()
    # a calculator already owned cannot be given to a second program
    with pytest.raises(loyalty.StateError, match="already belongs to a program"):
        loyalty.Program(c)
    # the program's rounding and offset are the calculator's
    assert (p.rounding, p.utc_offset, p.currency) == (loyalty.Rounding.HALF_EVEN, 90, "USD")
    assert "in a program" in repr(c)
    del probe
    gc.collect()
    assert gone() is not None  # the calculator still holds the strategy
    p.close()  # frees the calculator with the program, closing the object
    assert c.closed and p.closed
    gc.collect()
    assert gone() is None


def test_definitions_are_fixed_after_the_first_enrolment():
    p = program()
    p.add_tier("silver", 1000)
    p.add_action("review", 20, 2, "month")
    with pytest.raises(loyalty.DuplicateKey):
        p.add_action("review", 5)
    for args in (("survey", 0), ("survey", 5, 1, None), ("survey", 5, -1, "day")):
        with pytest.raises(loyalty.InvalidArgument):
            p.add_action(*args)
    p.add_partner("airline", Fraction(3, 2))
    with pytest.raises(loyalty.DuplicateKey):
        p.add_partner("airline", Fraction(3, 2))
    for rate in (0, Fraction(-1, 2)):
        with pytest.raises(loyalty.InvalidArgument):
            p.add_partner("hotel", rate)
    a = enrol(p, 1, day_of(1, 5))
    with pytest.raises(loyalty.StateError, match="definitions are fixed"):
        p.add_tier("gold", 5000)
    with pytest.raises(loyalty.StateError):
        p.add_action("survey", 5)
    with pytest.raises(loyalty.StateError):
        p.add_partner("hotel", Fraction(3, 2))
    assert len(p.tiers) == 1
    p.add_reward("mug", 100)  # rewards may be added at any time
    assert len(p.rewards) == 1
    check_ledger(p, a)


# ---- enrolment -------------------------------------------------------------------------------------


def test_enrolment_gives_a_fresh_uuid_and_unique_references():
    p = program()
    c = loyalty.Customer(external_ref="crm-000123", name="Ada", tier="gold")  # the tier is ignored
    d = loyalty.Customer()
    assert c.id != d.id and c.id.int != 0
    out = p.enroll("join-ada", c, at=day_of(1, 5))
    assert out.id == c.id and out.tier is None and out.joined_at_ms == day_of(1, 5) and out.available == 0
    assert out.name == "Ada" and out.external_ref == "crm-000123"
    assert p.customer_count == 1
    e = p.ledger(c)[0]
    entry_is(e, EntryKind.ENROLL, 0, 0, 0, 0, 0, "")
    assert (e.seq, e.at_ms, e.key, e.memo) == (1, day_of(1, 5), "join-ada", "joined") and e.id.int != 0
    before = snap(p, c.id)
    # the external reference is unique, and so is the id whatever the key
    d.external_ref = "crm-000123"
    with pytest.raises(loyalty.DuplicateKey, match="crm-000123"):
        p.enroll("join-other", d, at=day_of(1, 6))
    with pytest.raises(loyalty.DuplicateKey):
        p.enroll("join-ada-again", c, at=day_of(1, 6))
    assert p.customer_count == 1 and snap(p, c.id) == before
    # the failed keys are free: a failed call records nothing
    d.external_ref = "crm-000124"
    p.enroll("join-other", d, at=day_of(1, 6))
    assert p.customer_count == 2
    found = p.find_customer("crm-000123")
    assert found.id == c.id and found.name == "Ada"
    assert p.get_customer(d).external_ref == "crm-000124"
    assert p.get_customer(str(d.id)).id == d.id  # an id as text, a UUID or a Customer
    for ref in ("crm-999", ""):
        with pytest.raises(loyalty.NotFound):
            p.find_customer(ref)
    with pytest.raises(loyalty.NotFound):
        p.get_customer(cid(99))
    # profile keywords instead of a Customer: a fresh UUID
    e = p.enroll("join-kw", name="Kay", email="kay@example.com", tags=["staff"], at=day_of(1, 7))
    assert e.name == "Kay" and e.tags == ("staff",) and e.id not in (c.id, d.id)
    assert p.enroll("join-map", {"id": cid(7), "name": "Map"}, at=day_of(1, 7)).id == cid(7)
    check_ledger(p, c.id)
    check_ledger(p, d)


def test_enrolment_gives_the_first_tier_when_its_threshold_is_zero():
    p, q = program(), program()
    p.add_tier("bronze", 0)
    p.add_tier("silver", 10000)
    a = enrol(p, 1, day_of(1, 5))
    assert snap(p, a).tier == "bronze"
    entry_is(p.ledger(a)[0], EntryKind.ENROLL, 0, 0, 0, 0, 0, "")
    e = p.ledger(a)[1]
    entry_is(e, EntryKind.TIER, 0, 0, 0, 0, 0, "bronze")
    assert (e.seq, e.key, e.memo) == (2, "enrol-1", "none -> bronze (enrolment)")
    q.add_tier("silver", 500)
    b = enrol(q, 1, day_of(1, 5))
    assert snap(q, b).tier is None and snap(q, b).entries == 1
    check_ledger(p, a)
    check_ledger(q, b)


def test_referral_codes_have_the_documented_format_and_resolve():
    p = program()
    a = enrol(p, 1, day_of(1, 5), email="ada@example.com")
    b = enrol(p, 2, day_of(1, 5))
    code_a, code_b = p.referral_code(a), p.referral_code(b)
    assert re.fullmatch(r"LY-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{7}", code_a) and code_a != code_b
    with pytest.raises(loyalty.NotFound):
        p.referral_code(cid(4))
    c = enrol(p, 3, day_of(1, 6), code=code_a)
    entry_is(p.ledger(c)[0], EntryKind.ENROLL, 0, 0, 0, 0, 0, code_a)
    count = p.customer_count
    d = profile(4)
    with pytest.raises(loyalty.NotFound, match="LY-NOPE"):
        p.enroll("enrol-4", d, "LY-NOPE", at=day_of(1, 7))
    d.email = "ada@example.com"
    with pytest.raises(loyalty.InvalidArgument, match="self-referral"):
        p.enroll("enrol-4", d, code_a, at=day_of(1, 7))
    assert p.customer_count == count
    p.enroll("enrol-4", d, at=day_of(1, 7))
    assert p.customer_count == count + 1
    for x in (a, b, c, d):
        check_ledger(p, x)


def test_enrolment_is_idempotent_by_key():
    p = program()
    c = profile(1, name="Ada", birthday=(5, 5))
    p.enroll("join-1", c, at=day_of(1, 5))
    before = snap(p, c.id)
    again = p.enroll("join-1", c, at=day_of(1, 5))  # the first result, nothing written
    assert again.id == c.id and again.name == "Ada"
    assert p.customer_count == 1 and snap(p, c.id) == before
    c.name = "Ada L."
    with pytest.raises(loyalty.Conflict, match="join-1"):
        p.enroll("join-1", c, at=day_of(1, 5))
    c.name = "Ada"
    with pytest.raises(loyalty.Conflict):
        p.enroll("join-1", c, at=day_of(1, 6))
    c.birthday = (5, 6)
    with pytest.raises(loyalty.Conflict):
        p.enroll("join-1", c, at=day_of(1, 5))
    assert p.customer_count == 1 and snap(p, c.id) == before
    check_ledger(p, c)


# ---- recording a purchase ------------------------------------------------------------------------------


def test_purchase_credits_balance_lifetime_ledger_and_receipt():
    p = program()
    a = enrol(p, 1, day_of(3, 1))
    r = buy(p, a, "order-1", day_of(3, 2), 2599)
    # 2599 cents at 1 per 100: 2599/100, floor 25
    assert r.recorded and r.points == 25 and r.exact_points == Fraction(2599, 100)
    assert (r.credited, r.capped, r.pending_until, r.entry_seq) == (25, 0, None, 2)
    assert (r.purchase_key, r.spend, r.customer_id) == ("order-1", 2599, a)
    assert repr(r) == "<Receipt order-1: 25 points (exact 2599/100), 1 lines, credited 25, entry #2>"
    e = p.ledger(a)[1]
    entry_is(e, EntryKind.EARN, 25, 0, 0, 25, 0, "order-1")
    assert (e.seq, e.key, e.at_ms, e.at) == (2, "order-1", day_of(3, 2), loyalty.from_ms(day_of(3, 2)))
    s = snap(p, a)
    assert (s.available, s.pending, s.earned, s.entries) == (25, 0, 25, 2)
    assert buy(p, a, "order-2", day_of(3, 3), 1000).entry_seq == 3
    entry_is(p.ledger(a)[2], EntryKind.EARN, 10, 0, 0, 35, 0, "order-2")
    assert snap(p, a).earned == 35
    # a receipt the calculator computed alone is not recorded
    alone = p.calculator.compute(profile(1), purchase(a, "k", day_of(3, 3), 1000))
    assert not alone.recorded and alone.entry_seq is None and alone.credited == 10
    check_ledger(p, a)


def test_purchase_earns_at_the_tier_held_before_it_and_upgrades_after():
    c = calc()
    c.add("tier_multiplier", "tiers", "tier.silver=2")
    c.add("first_purchase", "welcome", "bonus=10")
    p = loyalty.Program(c)
    p.add_tier("bronze", 0)
    p.add_tier("silver", 10000)
    a = enrol(p, 1, day_of(3, 1))
    r = buy(p, a, "p1", day_of(3, 2), 15000)
    assert (r.points, r.entry_seq) == (160, 3)
    e = p.ledger(a)[2]
    entry_is(e, EntryKind.EARN, 160, 0, 0, 160, 0, "p1")
    e = p.ledger(a)[3]  # the upgrade comes right after the EARN entry
    entry_is(e, EntryKind.TIER, 0, 0, 0, 160, 0, "silver")
    assert (e.seq, e.at_ms, e.key, e.memo) == (4, day_of(3, 2), "p1", "bronze -> silver (qualified)")
    assert snap(p, a).tier == "silver"
    assert buy(p, a, "p2", day_of(3, 3), 1000).points == 20  # at silver, not a first purchase
    entry_is(last(p, a), EntryKind.EARN, 20, 0, 0, 180, 0, "p2")
    assert snap(p, a).entries == 5
    check_ledger(p, a)


def test_replayed_purchase_returns_the_same_receipt_and_writes_nothing():
    p = program()
    a = enrol(p, 1, day_of(3, 1))
    pu = loyalty.Purchase("order-1", a, day_of(3, 2), "USD", channel="store",
                          items=[("sku-1", "goods", 1, 2599), ("sku-2", "goods", 2, 700)])
    first = p.record_purchase(pu)
    assert first.credited == 39
    before = snap(p, a)
    second = p.record_purchase(pu.clone())  # a retry: a new object, the same content
    assert (second.credited, second.entry_seq, str(second), second.exact_points) == (
        first.credited, first.entry_seq, str(first), first.exact_points)
    assert snap(p, a) == before and before.available == 39
    check_ledger(p, a)


def test_purchase_key_reused_with_another_payload_conflicts():
    p = program()
    a = enrol(p, 1, day_of(3, 1))
    b = enrol(p, 2, day_of(3, 1))

    def order(customer=a, at=day_of(3, 2), cents=2599, channel="store"):
        return loyalty.Purchase("order-1", customer, at, "USD", channel=channel, items=[("sku-1", "goods", 1, cents)])

    p.record_purchase(order())
    before_a, before_b = snap(p, a), snap(p, b)
    for other in (order(cents=2600), order(at=day_of(3, 2) + 1), order(channel="online"), order(channel=None),
                  order(customer=b)):
        with pytest.raises(loyalty.Conflict, match="order-1"):
            p.record_purchase(other)
    # keys share one namespace across operations
    with pytest.raises(loyalty.Conflict):
        p.refund("order-1", "order-1", 100, day_of(3, 3))
    with pytest.raises(loyalty.Conflict):
        p.adjust("order-1", a, 5, "goodwill", day_of(3, 3))
    with pytest.raises(loyalty.Conflict):
        buy(p, a, "enrol-2", day_of(3, 3), 100)
    assert snap(p, a) == before_a and snap(p, b) == before_b and before_a.available == 25
    check_ledger(p, a)
    check_ledger(p, b)


def test_purchase_by_an_unknown_customer_or_in_another_currency_records_nothing():
    p = program()
    a = enrol(p, 1, day_of(3, 1))
    entries = len(p.ledger())
    with pytest.raises(loyalty.NotFound, match="loyalty_program_record_purchase"):
        buy(p, cid(99), "order-1", day_of(3, 2), 1000)
    with pytest.raises(loyalty.CurrencyError, match="EUR"):
        p.record_purchase(purchase(a, "order-1", day_of(3, 2), 1000, currency="EUR"))
    assert len(p.ledger()) == entries and p.customer_count == 1
    assert buy_ok(p, a, "order-1", day_of(3, 2), 1000) == 10  # the key was not taken
    assert balances(p, a) == (10, 0, 0)
    check_ledger(p, a)


def test_failing_custom_strategy_raises_its_exception_and_records_nothing():
    c = calc()
    probe = Probe(give=3)
    c.add_custom("pricing", "bonus", probe)
    c.add("first_purchase", "welcome", "bonus=10")
    p = loyalty.Program(c)
    a = enrol(p, 1, day_of(3, 1))
    before = snap(p, a)
    probe.mode = 1
    with pytest.raises(LookupError, match="price list unavailable") as info:
        buy(p, a, "order-1", day_of(3, 2), 1000)
    assert info.type is LookupError  # the strategy's own exception, with its traceback
    assert any("compute" in str(tb.name) for tb in info.traceback)
    assert snap(p, a) == before
    # a total below 0 cannot take points away
    probe.mode = 2
    with pytest.raises(loyalty.OutOfRange, match="-480"):
        buy(p, a, "order-1", day_of(3, 2), 1000)
    assert snap(p, a) == before
    # the strategy recovers: same key, recorded, still the first purchase (+10)
    probe.mode = 0
    assert buy_ok(p, a, "order-1", day_of(3, 2), 1000) == 23
    assert balances(p, a) == (23, 0, 0)
    check_ledger(p, a)


def test_a_purchase_that_credits_nothing_writes_no_earn_entry():
    p = program(cap_per_period=100, cap_period="month")
    a = enrol(p, 1, day_of(3, 1))
    assert buy_ok(p, a, "p1", day_of(3, 2), 10000) == 100
    before = snap(p, a)
    r = buy(p, a, "p2", T(2026, 3, 31, 23, 59), 1000)
    assert r.recorded and (r.points, r.credited, r.capped, r.entry_seq, r.pending_until) == (10, 0, 10, None, None)
    assert snap(p, a) == before
    assert buy_ok(p, a, "p2", T(2026, 3, 31, 23, 59), 1000) == 0
    with pytest.raises(loyalty.Conflict):
        buy(p, a, "p2", T(2026, 3, 31, 23, 59), 1001)
    assert p.refund("r2", "p2", 1000, day_of(4, 2)).clawed_back == 0
    assert balances(p, a) == (100, 0, 0)
    entry_is(last(p, a), EntryKind.REFUND, 0, 0, 0, 100, 0, "p2")
    check_ledger(p, a)
    # with a hold: nothing is held either
    q = program(pending_days=14)
    b = enrol(q, 1, day_of(3, 1))
    r = buy(q, b, "p1", day_of(3, 2), 99)
    assert (r.points, r.pending_until, r.entry_seq) == (0, None, None)
    assert snap(q, b).entries == 1
    # three 1/3-point lines in one purchase: rounded once, exactly 1
    f = program(base="points=1 per=300")
    c = enrol(f, 1, day_of(3, 1))
    for i in range(30):
        assert buy_ok(f, c, f"tiny-{i}", day_of(3, 2) + i, 100) == 0
    assert snap(f, c).entries == 1
    thirds = loyalty.Purchase("thirds", c, day_of(3, 3), "USD", items=[(f"sku-{i}", "goods", 1, 100) for i in range(3)])
    r = f.record_purchase(thirds)
    assert r.exact_points == 1 and r.credited == 1
    assert balances(f, c) == (1, 0, 0)
    check_ledger(f, c)


# ---- the batch ---------------------------------------------------------------------------------------------


def test_batch_reports_each_purchase_and_bad_ones_change_nothing():
    p = program()
    a = enrol(p, 1, day_of(3, 1))
    b = enrol(p, 2, day_of(3, 1))
    batch = [
        purchase(a, "b-1", day_of(3, 2), 1000),  # good: 10
        purchase(a, "b-1", day_of(3, 2), 2000),  # same key, another amount
        purchase(cid(99), "b-2", day_of(3, 2), 500),  # unknown customer
        purchase(b, "b-3", day_of(3, 2), 3000),  # good: 30
        purchase(a, "b-1", day_of(3, 2), 1000),  # a retry of the first
    ]
    out = p.record_purchases(batch)
    assert [type(x) for x in out] == [loyalty.Receipt, loyalty.Conflict, loyalty.NotFound, loyalty.Receipt,
                                      loyalty.Receipt]
    assert "b-1" in str(out[1]) and out[1].code == loyalty.Conflict.CODE
    assert "no customer" in str(out[2])  # each failure with its own message
    assert (out[0].credited, out[0].entry_seq, out[3].credited, out[3].entry_seq) == (10, 3, 30, 4)
    assert (out[4].credited, out[4].entry_seq, str(out[4])) == (10, 3, str(out[0]))
    assert len(p.ledger()) == 4  # two ENROLL and two EARN entries, nothing else
    assert balances(p, a) == (10, 0, 0) and balances(p, b) == (30, 0, 0)
    # the failed keys are free; an empty batch is fine
    assert p.record_purchases([purchase(b, "b-2", day_of(3, 3), 700)])[0].credited == 7
    assert p.record_purchases([]) == []
    with pytest.raises(TypeError):
        p.record_purchases([None])
    assert balances(p, b) == (37, 0, 0)
    check_ledger(p, a)
    check_ledger(p, b)


def test_batch_with_a_failing_custom_strategy_returns_its_exception():
    class Boom(Exception):
        pass

    def strategy(inp):
        if inp.purchase.total == 666:
            raise Boom(f"no points for {inp.purchase.key}")
        return 1

    c = calc()
    c.add_custom("bonus", "bonus", strategy)
    p = loyalty.Program(c)
    a = enrol(p, 1, day_of(3, 1))
    out = p.record_purchases([purchase(a, "k1", day_of(3, 2), 1000), purchase(a, "k2", day_of(3, 2), 666),
                              purchase(a, "k3", day_of(3, 2), 500)])
    assert isinstance(out[1], Boom) and str(out[1]) == "no points for k2" and out[1].__traceback__ is not None
    assert [out[0].credited, out[2].credited] == [11, 6]
    assert balances(p, a) == (17, 0, 0)
    with pytest.raises(loyalty.NotFound):  # k2 recorded nothing
        p.refund("r", "k2", 1, day_of(3, 3))
    check_ledger(p, a)


# ---- pending points --------------------------------------------------------------------------------------


def test_pending_points_are_held_then_matured_by_the_sweep():
    p = program(pending_days=14)
    t1 = T(2026, 3, 2, 10, 0)
    t2 = t1 + 3 * DAY
    a = enrol(p, 1, day_of(3, 1))
    r = buy(p, a, "p1", t1, 3000)
    assert (r.credited, r.pending_until_ms, r.entry_seq) == (30, t1 + 14 * DAY, 2)
    assert r.pending_until == loyalty.from_ms(t1 + 14 * DAY)
    entry_is(p.ledger(a)[1], EntryKind.EARN, 0, 30, 0, 0, 30, "p1")
    assert buy_ok(p, a, "p2", t2, 1000) == 10
    entry_is(p.ledger(a)[2], EntryKind.EARN, 0, 10, 0, 0, 40, "p2")
    assert balances(p, a) == (0, 40, 0) and snap(p, a).earned == 40
    pr = p.progress(a, t1 + DAY)
    assert (pr.available, pr.pending, pr.next_maturity_ms, pr.next_maturity_points) == (0, 40, t1 + 14 * DAY, 30)
    with pytest.raises(loyalty.InsufficientPoints):  # pending points cannot be spent
        p.adjust("spend", a, -1, "test", t1 + DAY)
    rep = p.maintain(t1 + 14 * DAY - 1)
    assert (rep.matured, rep.entries) == (0, 0)
    rep = p.maintain(t1 + 14 * DAY)
    assert rep == loyalty.MaintenanceReport(matured=30, expired=0, tier_changes=0, entries=1)
    e = p.ledger(a)[3]
    entry_is(e, EntryKind.MATURE, 30, -30, 0, 30, 10, "")
    assert e.at_ms == t1 + 14 * DAY
    pr = p.progress(a, t1 + 14 * DAY)
    assert (pr.next_maturity_ms, pr.next_maturity_points) == (t2 + 14 * DAY, 10)
    assert p.maintain(t1 + 14 * DAY).entries == 0  # the same sweep again changes nothing
    rep = p.maintain(t2 + 40 * DAY)  # a late sweep dates the maturity when it happened
    assert rep.matured == 10
    e = p.ledger(a)[4]
    entry_is(e, EntryKind.MATURE, 10, -10, 0, 40, 0, "")
    assert e.at_ms == t2 + 14 * DAY
    pr = p.progress(a, t2 + 40 * DAY)
    assert (pr.next_maturity, pr.next_maturity_points) == (None, 0)
    assert balances(p, a) == (40, 0, 0) and snap(p, a).earned == 40
    check_ledger(p, a)


def test_refund_inside_the_return_window_cancels_pending_points():
    p = program(pending_days=14)
    t1 = T(2026, 3, 2, 10, 0)
    a = enrol(p, 1, day_of(3, 1))
    assert buy_ok(p, a, "p1", t1, 3000) == 30
    assert buy_ok(p, a, "p2", t1, 1000) == 10
    res = p.refund("r1", "p1", 3000, t1 + 2 * DAY)
    assert res == loyalty.RefundResult(clawed_back=30, from_pending=30, debt_added=0, refunded_total=3000,
                                       entry_seq=4)
    e = p.ledger(a)[3]
    entry_is(e, EntryKind.REFUND, 0, -30, 0, 0, 10, "p1")
    assert (e.key, e.at_ms) == ("r1", t1 + 2 * DAY)
    res = p.refund("r2", "p2", 500, t1 + 2 * DAY)
    assert (res.clawed_back, res.from_pending) == (5, 5)
    assert balances(p, a) == (0, 5, 0) and snap(p, a).earned == 5
    assert p.maintain(t1 + 30 * DAY).matured == 5
    entry_is(last(p, a), EntryKind.MATURE, 5, -5, 0, 5, 0, "")
    res = p.refund("r3", "p2", 500, t1 + 31 * DAY)
    assert (res.clawed_back, res.from_pending) == (5, 0)
    assert balances(p, a) == (0, 0, 0) and snap(p, a).earned == 0
    check_ledger(p, a)


def test_maturing_points_repay_a_debt_or_fill_a_negative_balance_first():
    t1 = T(2026, 3, 2, 10, 0)
    p = program(pending_days=14, refund_policy="debt")
    q = program(pending_days=14, refund_policy="negative_balance")
    a = enrol(p, 1, day_of(3, 1))
    b = enrol(q, 1, day_of(3, 1))
    for prog, who in ((p, a), (q, b)):
        assert buy_ok(prog, who, "p1", t1, 5000) == 50
        prog.maintain(t1 + 14 * DAY)
        prog.adjust("spend", who, -40, "spent", t1 + 15 * DAY)
    assert p.refund("r1", "p1", 5000, t1 + 16 * DAY).debt_added == 40
    assert q.refund("r1", "p1", 5000, t1 + 16 * DAY).debt_added == 0
    assert balances(p, a) == (0, 0, 40) and p.debt(a) == 40
    assert balances(q, b) == (-40, 0, 0) and q.debt(b) == 0
    # pending earnings repay nothing while they are held
    assert buy_ok(p, a, "p2", t1 + 17 * DAY, 3000) == 30
    entry_is(last(p, a), EntryKind.EARN, 0, 30, 0, 0, 30, "p2")
    assert buy_ok(q, b, "p2", t1 + 17 * DAY, 3000) == 30
    assert balances(p, a) == (0, 30, 40) and balances(q, b) == (-40, 30, 0)
    # when they mature: MATURE, then DEBT_REPAY, both dated at maturity
    rep = p.maintain(t1 + 40 * DAY)
    assert (rep.matured, rep.entries) == (30, 2)
    e = last(p, a, 1)
    entry_is(e, EntryKind.MATURE, 30, -30, 0, 30, 0, "")
    assert e.at_ms == t1 + 31 * DAY
    e = last(p, a)
    entry_is(e, EntryKind.DEBT_REPAY, -30, 0, -30, 0, 0, "")
    assert e.at_ms == t1 + 31 * DAY
    assert balances(p, a) == (0, 0, 10)
    assert q.maintain(t1 + 40 * DAY).entries == 1  # or they fill the hole
    entry_is(last(q, b), EntryKind.MATURE, 30, -30, 0, -10, 0, "")
    assert balances(q, b) == (-10, 0, 0)
    assert snap(p, a).earned == 30 and snap(q, b).earned == 30
    check_ledger(p, a)
    check_ledger(q, b)


# ---- refunds ---------------------------------------------------------------------------------------------


def test_full_refund_takes_back_exactly_what_was_credited_bonuses_included():
    c = calc()
    c.add("campaign", "spring", "multiplier=3/2")
    c.add("threshold", "big", "min_spend=1000 bonus=5")
    c.add("first_purchase", "welcome", "bonus=10")
    p = loyalty.Program(c)
    a = enrol(p, 1, day_of(3, 1))
    r = buy(p, a, "p1", day_of(3, 2), 1999)  # 1999/100 x 3/2 + 5 + 10 = 8997/200, floor 44
    assert (r.exact_points, r.credited) == (Fraction(8997, 200), 44)
    assert buy_ok(p, a, "p2", day_of(3, 3), 1000) == 20
    assert balances(p, a) == (64, 0, 0)
    res = p.refund("r1", "p1", 1999, day_of(3, 4))
    assert (res.clawed_back, res.refunded_total) == (44, 1999)
    e = last(p, a)
    entry_is(e, EntryKind.REFUND, -44, 0, 0, 20, 0, "p1")
    assert e.memo == "refund of 1999 of 1999"
    assert balances(p, a) == (20, 0, 0) and snap(p, a).earned == 20
    with pytest.raises(loyalty.OutOfRange):  # nothing is left to refund
        p.refund("r2", "p1", 1, day_of(3, 4))
    check_ledger(p, a)


def test_partial_refunds_are_cumulative_and_never_drift():
    # floor: per-refund rounding would give 3 + 3 + 3 = 9 of 10
    p = program()
    a = enrol(p, 1, day_of(3, 1))
    assert buy_ok(p, a, "p1", day_of(3, 2), 1000) == 10
    left, refunded = 10, 0
    for i, (amount, claw) in enumerate(zip((333, 333, 334), (3, 3, 4))):
        res = p.refund(f"r{i}", "p1", amount, day_of(3, 3 + i))
        refunded += amount
        left -= claw
        assert (res.clawed_back, res.refunded_total, res.from_pending) == (claw, refunded, 0)
        e = last(p, a)
        entry_is(e, EntryKind.REFUND, -claw, 0, 0, left, 0, "p1")
        assert (e.seq, e.key) == (res.entry_seq, f"r{i}")
        check_ledger(p, a)
    assert balances(p, a) == (0, 0, 0) and snap(p, a).earned == 0
    # half-even, in Decimal dollars: per-refund rounding would give 2 + 2 + 2 + 2 = 8 of 10
    q = program(rounding="half_even")
    b = enrol(q, 1, day_of(3, 1))
    assert buy_ok(q, b, "p1", day_of(3, 2), 1000) == 10
    left = 10
    for i, claw in enumerate((2, 3, 3, 2)):
        res = q.refund(f"r{i}", "p1", Decimal("2.50"), day_of(3, 3 + i))
        left -= claw
        assert (res.clawed_back, res.refunded_total) == (claw, 250 * (i + 1))
        assert balances(q, b) == (left, 0, 0)
    with pytest.raises(loyalty.InvalidArgument, match="decimal places"):
        q.refund("r9", "p1", Decimal("0.001"), day_of(3, 9))
    check_ledger(q, b)


def test_refunding_more_than_was_bought_is_erange():
    p = program()
    a = enrol(p, 1, day_of(3, 1))
    assert buy_ok(p, a, "p1", day_of(3, 2), 1000) == 10
    with pytest.raises(loyalty.OutOfRange):
        p.refund("r0", "p1", 1001, day_of(3, 3))
    assert p.refund("r1", "p1", 600, day_of(3, 3)).clawed_back == 6
    before = snap(p, a)
    with pytest.raises(loyalty.OutOfRange, match="400 left"):
        p.refund("r2", "p1", 500, day_of(3, 4))
    assert snap(p, a) == before
    res = p.refund("r2", "p1", 400, day_of(3, 4))  # the failed key is free
    assert (res.clawed_back, res.refunded_total) == (4, 1000)
    before = snap(p, a)
    for amount in (1, 2**63 - 1):
        with pytest.raises(loyalty.OutOfRange):
            p.refund("r3", "p1", amount, day_of(3, 5))
    for key, amount in (("r3", 0), ("r3", -100), ("r 3", 1), ("", 1)):
        with pytest.raises(loyalty.InvalidArgument):
            p.refund(key, "p1", amount, day_of(3, 5))
    assert snap(p, a) == before and balances(p, a) == (0, 0, 0)
    check_ledger(p, a)


def test_refund_of_an_unknown_purchase_is_enotfound():
    p = program()
    a = enrol(p, 1, day_of(3, 1))
    assert buy_ok(p, a, "p1", day_of(3, 2), 1000) == 10
    before = snap(p, a)
    with pytest.raises(loyalty.NotFound, match="p-unknown"):
        p.refund("r1", "p-unknown", 100, day_of(3, 3))
    with pytest.raises(loyalty.CurrencyError):
        p.record_purchase(purchase(a, "p-eur", day_of(3, 2), 1000, currency="EUR"))
    with pytest.raises(loyalty.NotFound):  # never recorded, so not refundable
        p.refund("r1", "p-eur", 100, day_of(3, 3))
    assert snap(p, a) == before
    assert p.refund("r1", "p1", 100, day_of(3, 3)).clawed_back == 1
    assert balances(p, a) == (before.available - 1, 0, 0)
    check_ledger(p, a)


def test_refund_is_idempotent_and_conflicts_on_another_payload():
    p = program()
    a = enrol(p, 1, day_of(3, 1))
    assert buy_ok(p, a, "p1", day_of(3, 2), 1000) == 10
    assert buy_ok(p, a, "p2", day_of(3, 2), 2000) == 20
    res = p.refund("r1", "p1", 400, day_of(3, 3))
    assert res.clawed_back == 4
    before = snap(p, a)
    assert p.refund("r1", "p1", 400, day_of(3, 3)) == res
    assert snap(p, a) == before
    for args in (("r1", "p1", 300, day_of(3, 3)), ("r1", "p1", 400, day_of(3, 4)), ("r1", "p2", 400, day_of(3, 3)),
                 ("p2", "p2", 400, day_of(3, 3))):
        with pytest.raises(loyalty.Conflict):
            p.refund(*args)
    with pytest.raises(loyalty.Conflict):
        buy(p, a, "r1", day_of(3, 3), 400)
    assert snap(p, a) == before and balances(p, a) == (26, 0, 0)
    check_ledger(p, a)


def test_refund_after_spending_goes_negative_by_default_and_later_earning_fills_the_hole():
    p = program()
    assert p.options.refund_policy is loyalty.RefundPolicy.NEGATIVE_BALANCE  # the default
    a = enrol(p, 1, day_of(3, 1))
    assert buy_ok(p, a, "p1", day_of(3, 2), 5000) == 50
    p.adjust("spend-40", a, -40, "spent at the counter", day_of(3, 3))
    assert balances(p, a) == (10, 0, 0)
    res = p.refund("r1", "p1", 5000, day_of(3, 4))
    assert (res.clawed_back, res.debt_added) == (50, 0)
    entry_is(last(p, a), EntryKind.REFUND, -50, 0, 0, -40, 0, "p1")
    pr = p.progress(a, day_of(3, 4))
    assert (pr.available, pr.debt) == (-40, 0)
    with pytest.raises(loyalty.InsufficientPoints):
        p.adjust("spend-1", a, -1, "x", day_of(3, 4))
    assert buy(p, a, "p2", day_of(3, 5), 3000).credited == 30
    entry_is(last(p, a), EntryKind.EARN, 30, 0, 0, -10, 0, "p2")
    assert buy_ok(p, a, "p3", day_of(3, 6), 2500) == 25
    entry_is(last(p, a), EntryKind.EARN, 25, 0, 0, 15, 0, "p3")
    with pytest.raises(loyalty.InsufficientPoints):
        p.adjust("spend-16", a, -16, "x", day_of(3, 7))
    p.adjust("spend-15", a, -15, "x", day_of(3, 7))
    assert balances(p, a) == (0, 0, 0) and snap(p, a).earned == 55
    check_ledger(p, a)


def test_refund_after_spending_with_the_debt_policy_records_a_debt_repaid_by_later_earning():
    p = program(refund_policy="debt")
    a = enrol(p, 1, day_of(3, 1))
    assert buy_ok(p, a, "p1", day_of(3, 2), 5000) == 50
    p.adjust("spend-40", a, -40, "spent", day_of(3, 3))
    res = p.refund("r1", "p1", 5000, day_of(3, 4))
    assert (res.clawed_back, res.from_pending, res.debt_added) == (50, 0, 40)
    entry_is(last(p, a), EntryKind.REFUND, -10, 0, 40, 0, 0, "p1")
    assert balances(p, a) == (0, 0, 40) and p.debt(a) == 40
    pr = p.progress(a, day_of(3, 4))
    assert (pr.available, pr.debt) == (0, 40) and snap(p, a).earned == 0
    r = buy(p, a, "p2", day_of(3, 5), 3000)
    assert r.credited == 30 and r.entry_seq == last(p, a, 1).seq
    entry_is(last(p, a, 1), EntryKind.EARN, 30, 0, 0, 30, 0, "p2")
    e = last(p, a)
    entry_is(e, EntryKind.DEBT_REPAY, -30, 0, -30, 0, 0, "p2")
    assert e.key == "p2"
    assert balances(p, a) == (0, 0, 10)
    assert buy_ok(p, a, "p3", day_of(3, 6), 2500) == 25
    entry_is(last(p, a, 1), EntryKind.EARN, 25, 0, 0, 25, 0, "p3")
    entry_is(last(p, a), EntryKind.DEBT_REPAY, -10, 0, -10, 15, 0, "p3")
    assert buy_ok(p, a, "p4", day_of(3, 7), 100) == 1
    entry_is(last(p, a), EntryKind.EARN, 1, 0, 0, 16, 0, "p4")
    p.adjust("spend-16", a, -16, "spent", day_of(3, 8))
    assert snap(p, a).earned == 56
    check_ledger(p, a)


def test_refund_takes_the_refunded_share_off_the_tier_metric():
    p = program()
    p.add_tier("bronze", 0)
    p.add_tier("silver", 10000)
    a = enrol(p, 1, day_of(3, 1))
    assert buy_ok(p, a, "p1", day_of(3, 2), 8000) == 80
    pr = p.progress(a, day_of(3, 2))
    assert (pr.metric, pr.to_next_tier, pr.next_tier) == (8000, 2000, "silver")
    p.refund("r1", "p1", 3000, day_of(3, 3))
    assert p.progress(a, day_of(3, 3)).metric == 5000
    assert buy_ok(p, a, "p2", day_of(3, 4), 4000) == 40
    assert snap(p, a).tier == "bronze" and last(p, a).kind is EntryKind.EARN
    pr = p.progress(a, day_of(3, 4))
    assert (pr.metric, pr.to_next_tier) == (9000, 1000)
    assert buy_ok(p, a, "p3", day_of(3, 5), 1000) == 10
    assert snap(p, a).tier == "silver"
    entry_is(last(p, a), EntryKind.TIER, 0, 0, 0, 100, 0, "silver")
    p.refund("r3", "p3", 1000, day_of(3, 6))  # a refund never lowers the tier at once
    assert snap(p, a).tier == "silver" and p.progress(a, day_of(3, 6)).metric == 9000
    check_ledger(p, a)
    q = program(tier_metric="points")  # by points: the metric loses the clawed-back points
    q.add_tier("silver", 100)
    b = enrol(q, 1, day_of(3, 1))
    assert buy_ok(q, b, "p1", day_of(3, 2), 8000) == 80
    q.refund("r1", "p1", 3000, day_of(3, 3))
    assert q.progress(b, day_of(3, 3)).metric == 50
    assert buy_ok(q, b, "p2", day_of(3, 4), 4000) == 40
    assert snap(q, b).tier is None
    pr = q.progress(b, day_of(3, 4))
    assert (pr.metric, pr.to_next_tier) == (90, 10)
    check_ledger(q, b)


# ---- caps ------------------------------------------------------------------------------------------------


def test_cap_per_purchase_limits_the_credit_and_the_receipt_says_so():
    p = program(cap_per_purchase=50)
    a = enrol(p, 1, day_of(3, 1))
    r = buy(p, a, "p1", day_of(3, 2), 8000)
    assert (r.points, r.credited, r.capped) == (80, 50, 30)
    assert "capped by 30" in repr(r)
    entry_is(last(p, a), EntryKind.EARN, 50, 0, 0, 50, 0, "p1")
    r = buy(p, a, "p2", day_of(3, 2), 2000)
    assert (r.credited, r.capped) == (20, 0)
    # a refund takes back a share of what was credited, not of what was computed
    assert p.refund("r1", "p1", 4000, day_of(3, 3)).clawed_back == 25
    assert p.refund("r2", "p1", 4000, day_of(3, 3)).clawed_back == 25
    assert balances(p, a) == (20, 0, 0)
    check_ledger(p, a)


def test_cap_per_period_is_shared_by_the_purchases_of_a_month():
    p = program(cap_per_period=100, cap_period="month")
    a = enrol(p, 1, day_of(3, 1))
    assert buy_ok(p, a, "p1", day_of(3, 2), 6000) == 60
    r = buy(p, a, "p2", day_of(3, 15), 6000)
    assert (r.points, r.credited, r.capped) == (60, 40, 20)
    entry_is(last(p, a), EntryKind.EARN, 40, 0, 0, 100, 0, "p2")
    r = buy(p, a, "p4", T(2026, 4, 1, 0, 0), 6000)  # a new month, a new allowance
    assert (r.credited, r.capped) == (60, 0)
    assert balances(p, a) == (160, 0, 0)
    p.refund("r2", "p2", 6000, day_of(4, 2))  # refunds what it credited: 40 of the 60 computed
    assert balances(p, a) == (120, 0, 0)
    check_ledger(p, a)


def test_cap_period_follows_the_program_offset():
    p = program(offset=120, cap_per_period=100, cap_period="month")
    a = enrol(p, 1, day_of(3, 1))
    assert buy_ok(p, a, "p1", day_of(3, 10), 9000) == 90
    assert buy_ok(p, a, "p2", T(2026, 3, 31, 21, 59), 5000) == 10  # 23:59 local: still March
    assert buy_ok(p, a, "p3", T(2026, 3, 31, 22, 30), 5000) == 50  # 00:30 local on 1 April
    assert balances(p, a) == (150, 0, 0)
    check_ledger(p, a)


def test_late_purchases_and_actions_count_against_their_own_period_cap():
    p = program(cap_per_period=100, cap_period="month")
    a = enrol(p, 1, day_of(1, 1))
    assert buy_ok(p, a, "mar-1", day_of(3, 10), 10000) == 100
    assert buy_ok(p, a, "feb-1", day_of(2, 10), 5000) == 50  # a late February receipt
    assert buy_ok(p, a, "mar-2", day_of(3, 11), 5000) == 0
    check_ledger(p, a)
    q = program()
    q.add_action("review", 20, 1, "month")
    b = enrol(q, 1, day_of(1, 1))
    q.record_action("mar-1", b, "review", day_of(3, 10))
    q.record_action("feb-1", b, "review", day_of(2, 10))
    with pytest.raises(loyalty.OutOfRange):
        q.record_action("mar-2", b, "review", day_of(3, 11))
    check_ledger(q, b)


# ---- referrals ---------------------------------------------------------------------------------------------


def referral_program(max_per_referrer: int = 0) -> loyalty.Program:
    return program(referrer_bonus=100, referee_bonus=50, referral_min_spend=2000,
                   referral_max_per_referrer=max_per_referrer)


def test_referral_bonuses_are_paid_once_on_the_first_qualifying_purchase():
    p = referral_program()
    a = enrol(p, 1, day_of(3, 1), email="ada@example.com")
    b = enrol(p, 2, day_of(3, 2), email="bob@example.com", code=p.referral_code(a))
    assert buy_ok(p, b, "b1", day_of(3, 3), 1999) == 19  # below referral_min_spend: no bonus
    assert (snap(p, b).entries, snap(p, a).entries) == (2, 1)
    assert buy_ok(p, b, "b2", day_of(3, 4), 3000) == 30
    entry_is(p.ledger(b)[2], EntryKind.EARN, 30, 0, 0, 49, 0, "b2")
    e = p.ledger(b)[3]
    entry_is(e, EntryKind.REFERRAL, 50, 0, 0, 99, 0, "referee")
    assert e.key == "b2"
    e = p.ledger(a)[1]
    entry_is(e, EntryKind.REFERRAL, 100, 0, 0, 100, 0, str(b))
    assert (e.key, e.seq) == ("b2", p.ledger(b)[3].seq + 1)
    assert snap(p, a).earned == 100
    assert buy_ok(p, b, "b3", day_of(3, 5), 5000) == 50  # once only
    assert (snap(p, b).entries, snap(p, a).entries) == (5, 2)
    assert balances(p, b) == (149, 0, 0)
    assert p.refund("r2", "b2", 3000, day_of(3, 6)).clawed_back == 30  # the bonuses stay
    assert balances(p, b) == (119, 0, 0) and balances(p, a) == (100, 0, 0)
    check_ledger(p, a)
    check_ledger(p, b)


def test_referral_max_per_referrer_stops_only_the_referrer_bonus():
    p = referral_program(1)
    a = enrol(p, 1, day_of(3, 1))
    code = p.referral_code(a)
    b = enrol(p, 2, day_of(3, 2), code=code)
    c = enrol(p, 3, day_of(3, 2), code=code)
    assert buy_ok(p, b, "b1", day_of(3, 3), 2000) == 20  # exactly the minimum qualifies
    assert buy_ok(p, c, "c1", day_of(3, 3), 2500) == 25
    assert [balances(p, x)[0] for x in (a, b, c)] == [100, 70, 75]
    assert snap(p, a).entries == 2
    entry_is(last(p, c), EntryKind.REFERRAL, 50, 0, 0, 75, 0, "referee")
    for x in (a, b, c):
        check_ledger(p, x)


def test_set_referrer_after_enrolment_checks_self_second_and_purchased():
    p = referral_program()
    a = enrol(p, 1, day_of(3, 1), email="ada@example.com")
    b = enrol(p, 2, day_of(3, 1), email="bob@example.com")
    c = enrol(p, 3, day_of(3, 1))
    d = enrol(p, 4, day_of(3, 1), email="ada@example.com")  # Ada's second account
    code_a, code_b, code_c = (p.referral_code(x) for x in (a, b, c))
    before = snap(p, b)
    with pytest.raises(loyalty.InvalidArgument, match="self-referral"):
        p.set_referrer("s1", b, code_b, day_of(3, 2))
    with pytest.raises(loyalty.InvalidArgument):
        p.set_referrer("s1", d, code_a, day_of(3, 2))
    with pytest.raises(loyalty.NotFound):
        p.set_referrer("s1", b, "LY-NOPE", day_of(3, 2))
    with pytest.raises(loyalty.NotFound):
        p.set_referrer("s1", cid(99), code_a, day_of(3, 2))
    assert snap(p, b) == before
    p.set_referrer("s1", b, code_a, day_of(3, 2))
    e = last(p, b)
    entry_is(e, EntryKind.REFERRAL, 0, 0, 0, 0, 0, code_a)
    assert e.key == "s1"
    before = snap(p, b)
    p.set_referrer("s1", b, code_a, day_of(3, 2))  # a replay
    with pytest.raises(loyalty.Conflict):
        p.set_referrer("s1", b, code_c, day_of(3, 2))
    with pytest.raises(loyalty.DuplicateKey):
        p.set_referrer("s2", b, code_c, day_of(3, 2))
    assert snap(p, b) == before
    assert buy_ok(p, c, "c1", day_of(3, 3), 100) == 1
    before = snap(p, c)
    with pytest.raises(loyalty.StateError):  # after a purchase it is too late
        p.set_referrer("s3", c, code_a, day_of(3, 4))
    assert snap(p, c) == before
    assert buy_ok(p, b, "b1", day_of(3, 5), 2000) == 20
    assert balances(p, b) == (70, 0, 0) and balances(p, a) == (100, 0, 0)
    for x in (a, b, c, d):
        check_ledger(p, x)


# ---- engagement and partners ---------------------------------------------------------------------------------


def test_engagement_actions_pay_points_within_their_cap_and_not_toward_tiers():
    p = program(tier_metric="points")
    p.add_tier("bronze", 0)
    p.add_tier("silver", 50)
    p.add_action("review", 20, 2, "month")
    p.add_action("survey", 5)
    a = enrol(p, 1, day_of(3, 1))
    e = p.record_action("a1", a, "review", day_of(3, 3))
    entry_is(e, EntryKind.ACTION, 20, 0, 0, 20, 0, "review")
    assert (e.key, e.at_ms) == ("a1", day_of(3, 3)) and last(p, a) == e
    p.record_action("a2", a, "review", day_of(3, 20))
    before = snap(p, a)
    with pytest.raises(loyalty.OutOfRange, match="review"):
        p.record_action("a3", a, "review", day_of(3, 31))
    assert snap(p, a) == before
    assert p.record_action("a1", a, "review", day_of(3, 3)) == e  # a retry is the first again, cap or not
    with pytest.raises(loyalty.Conflict):
        p.record_action("a1", a, "survey", day_of(3, 3))
    with pytest.raises(loyalty.NotFound, match="tweet"):
        p.record_action("a9", a, "tweet", day_of(3, 3))
    with pytest.raises(loyalty.NotFound):
        p.record_action("a9", cid(99), "review", day_of(3, 3))
    assert snap(p, a) == before
    entry_is(p.record_action("a3", a, "review", day_of(4, 1)), EntryKind.ACTION, 20, 0, 0, 60, 0, "review")
    for i in range(3):
        p.record_action(f"s{i}", a, "survey", day_of(4, 2))
    assert balances(p, a) == (75, 0, 0) and snap(p, a).earned == 75
    assert snap(p, a).tier == "bronze"  # none of it from purchases
    pr = p.progress(a, day_of(4, 2))
    assert (pr.metric, pr.to_next_tier) == (0, 50)
    assert buy_ok(p, a, "p1", day_of(4, 3), 1000) == 10
    assert p.progress(a, day_of(4, 3)).metric == 10
    check_ledger(p, a)


def test_partner_units_convert_at_the_exact_rate_rounded_once():
    p, q = program(), program(rounding="half_up")
    p.add_partner("airline", Fraction(3, 2))
    p.add_partner("hotel", Fraction(2, 6))
    q.add_partner("airline", Decimal("1.5"))  # an exact Decimal is a rate too
    q.add_partner("hotel", Fraction(1, 3))
    a, b = enrol(p, 1, day_of(3, 1)), enrol(q, 1, day_of(3, 1))
    e = p.credit_partner("x1", a, "airline", 5, day_of(3, 2))  # floor: 7.5 -> 7
    entry_is(e, EntryKind.PARTNER, 7, 0, 0, 7, 0, "airline")
    assert e.memo == "5 units at 3/2"
    e = p.credit_partner("x2", a, "hotel", 10, day_of(3, 2))  # 10/3 -> 3
    entry_is(e, EntryKind.PARTNER, 3, 0, 0, 10, 0, "hotel")
    assert e.memo == "10 units at 1/3"
    entry_is(q.credit_partner("x1", b, "airline", 5, day_of(3, 2)), EntryKind.PARTNER, 8, 0, 0, 8, 0, "airline")
    entry_is(q.credit_partner("x2", b, "hotel", 5, day_of(3, 2)), EntryKind.PARTNER, 2, 0, 0, 10, 0, "hotel")
    before = snap(p, a)
    again = p.credit_partner("x1", a, "airline", 5, day_of(3, 2))
    assert (again.seq, again.points) == (p.ledger(a)[1].seq, 7)
    with pytest.raises(loyalty.Conflict):
        p.credit_partner("x1", a, "airline", 6, day_of(3, 2))
    with pytest.raises(loyalty.NotFound, match="train"):
        p.credit_partner("x3", a, "train", 5, day_of(3, 2))
    for units in (0, -5):
        with pytest.raises(loyalty.InvalidArgument):
            p.credit_partner("x3", a, "airline", units, day_of(3, 2))
    with pytest.raises(loyalty.NotFound):
        p.credit_partner("x3", cid(99), "airline", 5, day_of(3, 2))
    with pytest.raises(TypeError):
        p.add_partner("boat", 1.5)  # no floats: exact rates only
    assert snap(p, a) == before and snap(p, a).earned == 10
    check_ledger(p, a)
    check_ledger(q, b)


# ---- regressions -----------------------------------------------------------------------------------------------


def test_regression_a_retried_purchase_is_not_awarded_twice():
    p = program()
    a = enrol(p, 1, day_of(3, 1))
    for _ in range(5):  # a till that times out and retries with a freshly built request
        assert buy_ok(p, a, "pos-4711", day_of(3, 2), 4200) == 42
    assert balances(p, a) == (42, 0, 0) and snap(p, a).entries == 2
    pu = purchase(a, "pos-4712", day_of(3, 3), 1000)
    out = p.record_purchases([pu, pu, pu])  # the same purchase three times in one batch
    assert all(str(r) == str(out[0]) and r.entry_seq == out[0].entry_seq for r in out)
    assert balances(p, a) == (52, 0, 0) and snap(p, a).entries == 3 and snap(p, a).earned == 52
    check_ledger(p, a)


def test_regression_a_refund_takes_the_points_back_exactly_once():
    p = program()
    a = enrol(p, 1, day_of(3, 1))
    assert buy_ok(p, a, "p1", day_of(3, 2), 4200) == 42
    assert buy_ok(p, a, "p2", day_of(3, 2), 1000) == 10
    for _ in range(5):
        assert p.refund("rma-1", "p1", 4200, day_of(3, 5)).clawed_back == 42
        assert balances(p, a) == (10, 0, 0)
    with pytest.raises(loyalty.OutOfRange):
        p.refund("rma-2", "p1", 4200, day_of(3, 6))
    assert balances(p, a) == (10, 0, 0) and snap(p, a).entries == 4 and snap(p, a).earned == 10
    check_ledger(p, a)


def test_regression_fractional_points_do_not_drift():
    p = program(base="points=1 per=10")
    a = enrol(p, 1, day_of(3, 1))
    dimes = loyalty.Purchase("dimes", a, day_of(3, 2), "USD", items=[("sku-1", "goods", 1, 1)] * 10)
    r = p.record_purchase(dimes)  # ten lines of 1 cent: exactly 1 point (0.1 x 10 in floats floors to 0)
    assert (r.exact_points, r.credited) == (1, 1)
    q = program(rounding="ceil", base="points=1 per=300")
    b = enrol(q, 1, day_of(3, 1))
    for i in range(100):
        r = buy(q, b, f"tiny-{i}", day_of(3, 2) + i, 100)
        assert (r.exact_points, r.credited) == (Fraction(1, 3), 1)
    assert balances(q, b) == (100, 0, 0) and snap(q, b).earned == 100
    q.refund("tiny-0-back", "tiny-0", 50, day_of(3, 4))  # ceil(1 x 50/100) = 1
    assert balances(q, b) == (99, 0, 0)
    check_ledger(p, a)
    check_ledger(q, b)


def test_regression_a_birthday_counts_on_the_program_local_date():
    c = calc(offset=60)
    c.add("birthday", "bday", "bonus=40 period=day")
    p = loyalty.Program(c)
    p.enroll("join", profile(1, birthday=(5, 5)), at=day_of(1, 10))
    a = cid(1)
    r = buy(p, a, "p1", T(2026, 5, 4, 23, 30), 1000)  # 00:30 on 5 May at UTC+01:00
    assert r["bday"].applied and r.credited == 50
    r = buy(p, a, "p2", T(2026, 5, 5, 23, 30), 1000)  # 6 May local
    assert not r["bday"].applied and r.credited == 10
    assert buy_ok(p, a, "p3", T(2026, 5, 4, 22, 59), 1000) == 10  # 23:59 on 4 May local
    assert balances(p, a) == (70, 0, 0)
    check_ledger(p, a)


def test_regression_the_tier_follows_the_qualifying_metric_not_the_balance():
    p = program()
    p.add_tier("silver", 10000)
    a = enrol(p, 1, day_of(3, 1))
    p.adjust("goodwill", a, 100000, "migration", day_of(3, 2))
    assert buy_ok(p, a, "p1", day_of(3, 3), 100) == 1
    assert snap(p, a).tier is None
    assert buy_ok(p, a, "p2", day_of(3, 4), 9900) == 99
    assert snap(p, a).tier == "silver"
    p.adjust("spend-all", a, -100100, "spent", day_of(3, 5))
    assert balances(p, a) == (0, 0, 0)
    assert buy_ok(p, a, "p3", day_of(3, 6), 100) == 1
    assert snap(p, a).tier == "silver"
    check_ledger(p, a)


def test_ids_in_every_form():
    p = program()
    a = enrol(p, 1, day_of(3, 1))
    assert buy_ok(p, a, "p1", day_of(3, 2), 1000) == 10
    for form in (a, str(a), a.bytes, p.get_customer(a)):
        assert p.get_customer(form).available == 10
    with pytest.raises(loyalty.InvalidArgument):
        p.get_customer("not-a-uuid")
    with pytest.raises(TypeError):
        p.get_customer(42)
    assert isinstance(uuid.UUID(str(a)), uuid.UUID)
