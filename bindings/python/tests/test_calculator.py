"""The calculator: options, pipeline, stacking, rounding once, receipts,
custom strategies, overflow and error paths. A port of
tests/unit/test_calculator.c with the same numbers."""

from __future__ import annotations

import gc
import sys
import weakref
from datetime import timedelta
from fractions import Fraction

import pytest

import loyalty
from conftest import buy, calculator, customer, ts

INT64_MAX = 2**63 - 1


def test_options():
    with pytest.raises(loyalty.CurrencyError):
        loyalty.Calculator("")  # currency required
    with pytest.raises(loyalty.CurrencyError):
        loyalty.Calculator("ZZZ")
    with pytest.raises(loyalty.CurrencyError):
        loyalty.Calculator("EURO")
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.Calculator("EUR", rounding="up")
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.Calculator("EUR", stacking="sideways")
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.Calculator("EUR", utc_offset=-841)
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.Calculator("EUR", utc_offset=timedelta(seconds=30))
    c = loyalty.Calculator("EUR", rounding="half_even", stacking=loyalty.Stacking.COMPOUND, utc_offset=-840)
    assert c.currency == "EUR"
    assert c.rounding is loyalty.Rounding.HALF_EVEN
    assert c.stacking is loyalty.Stacking.COMPOUND
    assert c.utc_offset == -840
    assert loyalty.Calculator("EUR", utc_offset=timedelta(hours=-5)).utc_offset == -300
    assert repr(c) == "<Calculator EUR half_even UTC-14:00 compound []>"


def test_add_errors_change_nothing():
    c = calculator()
    c.add("base_rate", "base", "points=1 per=100")
    with pytest.raises(loyalty.DuplicateKey):
        c.add("base_rate", "base", "points=2 per=100")
    with pytest.raises(loyalty.NotFound):
        c.add("no_such_kind", "x", "")
    with pytest.raises(loyalty.InvalidArgument):
        c.add("base_rate", "bad name", "points=1 per=1")
    with pytest.raises(loyalty.InvalidArgument):
        c.add("base_rate", "", "points=1 per=1")
    with pytest.raises(loyalty.InvalidArgument):
        c.add("base_rate", "x", "points=1 per")
    with pytest.raises(TypeError):
        c.add(None, "x", "")  # type: ignore[arg-type]
    assert len(c) == 1
    info = c.strategy(0)
    assert (info.name, info.kind, info.role, info.params) == ("base", "base_rate", loyalty.Role.BASE,
                                                              "points=1 per=100")
    with pytest.raises(IndexError):
        c.strategy(1)
    c.add("base_rate", "double", [("points", "2"), ("per", 100)])
    assert c.strategy(1).role == "base"
    with pytest.raises(loyalty.OutOfRange):
        c._handle().strategy_role(2)
    # a parse error names the strategy too
    with pytest.raises(loyalty.InvalidArgument, match="base_rate 'late'"):
        c.add("base_rate", "late", "points=1 per")
    assert len(c) == 2
    assert c.strategy(-1).params == "points=2 per=100"


def test_compute_errors_change_nothing():
    c = calculator()
    a, b = customer(1), customer(2)
    eur = buy(a, 0, key="e", currency="EUR")
    usd = buy(a, 0, key="u")
    c.add("base_rate", "base", "points=1 per=100")
    with pytest.raises(loyalty.CurrencyError, match="EUR"):
        c.compute(a, eur)
    with pytest.raises(loyalty.InvalidArgument, match="customer"):
        c.compute(b, usd)
    with pytest.raises(TypeError):
        c.compute(usd, a)  # type: ignore[arg-type]


def test_empty_calculator_and_empty_purchase():
    c = calculator(rounding="ceil")
    a = customer(1)
    p = buy(a, 0, key="nothing")
    r = c.compute(a, p)
    assert (r.points, len(r)) == (0, 0)
    c.add("base_rate", "base", "points=1 per=100")
    r = c.compute(a, p)
    assert (r.points, len(r)) == (0, 1)


def stacking_calc(stacking):
    c = calculator(stacking=stacking)
    c.add("base_rate", "base", "points=1 per=100")
    c.add("tier_multiplier", "tier", "tier.gold=3/2")
    c.add("campaign", "double", "multiplier=2")
    c.add("threshold", "bonus", "min_spend=0 bonus=5")
    return c


def test_stacking_additive_and_compound():
    gold = customer(1, tier="gold")
    p = buy(gold, 0, ("t", 1, 10000), key="k")
    r = stacking_calc("additive").compute(gold, p)  # 100 + 100*(3/2-1) + 100*(2-1) + 5
    assert (r["tier"].points, r["double"].points, r.points) == (50, 100, 255)
    r = stacking_calc("compound").compute(gold, p)  # 100 * 3/2 * 2 + 5
    assert (r["tier"].points, r["double"].points, r.points, r.base_points) == (50, 150, 305, 100)


def test_pipeline_order_matters_for_multipliers():
    c = calculator()
    a = customer(1)
    p = buy(a, 0, ("t", 1, 1000), key="k")
    c.add("campaign", "early", "multiplier=2")
    c.add("base_rate", "base", "points=1 per=100")
    c.add("campaign", "late", "multiplier=3")
    r = c.compute(a, p)
    assert (r["early"].points, r["late"].points, r.points) == (0, 20, 30)


def test_rounding_happens_once():
    c = calculator()
    a = customer(1)
    c.add("base_rate", "base", "points=1 per=300")  # three lines of 1/3 point each
    r = c.compute(a, buy(a, 0, ("t", 1, 100), ("t", 1, 100), ("t", 1, 100), key="k"))
    assert (r.exact_points, r.points, r.rounding_adjustment) == (1, 1, 0)


@pytest.mark.parametrize("mode,cents,expected", [
    ("floor", 500, 2), ("half_up", 500, 3), ("half_even", 500, 2), ("ceil", 500, 3),
    ("half_even", 700, 4), ("half_even", 501, 3), ("floor", 501, 2), ("ceil", 400, 2),
])
def test_each_rounding_mode(mode, cents, expected):
    c = calculator(rounding=mode)
    a = customer(1)
    c.add("base_rate", "base", "points=1 per=200")  # 500 cents = 2.5; 700 = 3.5; 501 = 2.505
    assert c.points(a, buy(a, 0, ("t", 1, cents), key="k")) == expected


@pytest.mark.parametrize("mode,value,expected", [
    ("floor", Fraction(-5, 2), -3), ("half_up", Fraction(-5, 2), -3), ("half_even", Fraction(-5, 2), -2),
    ("ceil", Fraction(-5, 2), -2), ("half_even", Fraction(-7, 2), -4), ("half_up", Fraction(-1, 3), 0),
])
def test_negative_totals_from_a_custom_penalty(mode, value, expected):
    c = calculator(rounding=mode)
    a = customer(1)
    c.add_custom("penalty", "bonus", lambda inp: value)
    assert c.points(a, buy(a, 0, key="k")) == expected
    assert loyalty.round_fraction(value, mode) == expected


# ---- custom strategies ---------------------------------------------------------------


class Probe:
    """An object with a compute method, recording what it saw."""

    def __init__(self, give=Fraction(10)):
        self.calls = 0
        self.give = give
        self.seen = {}

    def compute(self, inp):
        self.calls += 1
        self.seen = dict(
            version=inp.version, customer=inp.customer.id, purchase=inp.purchase.key,
            first=inp.first_purchase, offset=inp.utc_offset, eligible=inp.eligible_spend,
            base=inp.base_points, points=inp.points, items=inp.purchase.items,
        )
        return self.give


def test_custom_strategy_sees_the_pipeline():
    c = calculator(offset=120)
    a = customer(1)
    p = buy(a, 0, key="k")
    p.add_item("s", "t", 1, 1050)
    p.add_item(loyalty.LineItem("g", "gift_card", 1, 5000))
    probe = Probe()
    c.exclude_product_type("gift_card")
    c.add("base_rate", "base", "points=1 per=100")
    c.add("threshold", "bonus", "min_spend=0 bonus=3")
    c.add_custom("probe", loyalty.Role.BASE, probe)
    c.add("campaign", "double", "multiplier=2")
    assert c.strategy(2).kind == "custom" and c.strategy(2).params is None
    r = c.compute(a, p, first_purchase=True)
    assert probe.calls == 1
    assert probe.seen == dict(version=1, customer=a.id, purchase="k", first=True, offset=120, eligible=1050,
                              base=Fraction(21, 2), points=Fraction(27, 2),
                              items=(loyalty.LineItem("s", "t", 1, 1050), loyalty.LineItem("g", "gift_card", 1, 5000)))
    # custom base points are scaled by the later multiplier: (10.5 + 10) * 2 + 3
    assert r["double"].points == Fraction(41, 2)
    assert r.base_points == Fraction(41, 2)
    assert r.points == 44
    assert (r[2].kind, r[2].role, r[2].detail) == ("custom", loyalty.Role.BASE, "custom base")


class PriceListUnavailable(Exception):
    pass


def test_custom_strategy_exception_is_raised_again_with_its_type_and_traceback():
    c = calculator()
    a = customer(1)
    p = buy(a, 0, key="k")
    c.add("base_rate", "base", "points=1 per=100")

    def prices(inp):
        raise PriceListUnavailable("price list unavailable")

    c.add_custom("prices", "bonus", prices)
    with pytest.raises(PriceListUnavailable, match="price list unavailable") as info:
        c.compute(a, p)
    # the traceback reaches into the strategy
    assert any(entry.name == "prices" for entry in info.traceback)
    if sys.version_info >= (3, 11):
        assert any("strategy 'prices' failed" in note for note in info.value.__notes__)
    # the calculator still works after a failure, and a strategy may fail differently each time
    results = iter([ZeroDivisionError, 1])

    def flaky(inp):
        item = next(results)
        if isinstance(item, type):
            return 1 // 0
        return item

    c2 = calculator()
    c2.add_custom("flaky", "bonus", flaky)
    with pytest.raises(ZeroDivisionError):
        c2.compute(a, p)
    assert c2.points(a, p) == 1


@pytest.mark.parametrize("result,error", [
    (1.5, TypeError), ("3", TypeError), (None, TypeError), (True, TypeError),
    (2**63, loyalty.OutOfRange), (Fraction(1, 2**64), loyalty.OutOfRange),
])
def test_custom_strategy_bad_results_fail_the_computation(result, error):
    c = calculator()
    a = customer(1)
    c.add_custom("bad", "bonus", lambda inp: result)
    with pytest.raises(error):
        c.compute(a, buy(a, 0, key="k"))


def test_custom_strategy_results_may_be_int_fraction_or_decimal():
    from decimal import Decimal

    a = customer(1)
    for value, expected in [(7, 7), (Fraction(15, 2), 7), (Decimal("2.75"), 2), (-3, -3)]:
        c = calculator()
        c.add_custom("v", "bonus", lambda inp, v=value: v)
        assert c.points(a, buy(a, 0, key="k")) == expected


def test_without_a_python_exception_a_failed_callback_is_user_callback_error():
    # a raw callback (below the Python layer) returning a zero denominator
    c = calculator()
    a = customer(1)
    c._handle().add_custom("raw", loyalty.Role.BONUS.code, lambda raw: (1, 0))
    with pytest.raises(loyalty.UserCallbackError, match="denominator") as info:
        c.compute(a, buy(a, 0, key="k"))
    assert info.value.code == -10 and info.value.status == "LOYALTY_EUSER"


def test_custom_strategy_is_released_exactly_once():
    a = customer(1)

    class Strategy:
        def __call__(self, inp):
            return 1

    s = Strategy()
    ref = weakref.ref(s)
    c = calculator()
    c.add_custom("s", "bonus", s)
    del s
    gc.collect()
    assert ref() is not None  # the calculator holds it
    assert c.points(a, buy(a, 0, key="k")) == 1
    c.close()
    gc.collect()
    assert ref() is None

    # registration that fails releases it at once
    s = Strategy()
    ref = weakref.ref(s)
    c = calculator()
    c.add("base_rate", "taken", "points=1 per=100")
    for name, role in [("taken", "bonus"), ("bad name", "bonus"), ("x", "nope")]:
        with pytest.raises((loyalty.DuplicateKey, loyalty.InvalidArgument)):
            c.add_custom(name, role, s)
    with pytest.raises(TypeError):
        c.add_custom("x", "bonus", object())
    del s
    gc.collect()
    assert ref() is None
    assert len(c) == 1


def test_custom_multiplier_compounds():
    c = calculator(stacking="compound")
    a = customer(1)
    c.add("base_rate", "base", "points=1 per=100")
    c.add_custom("extra", "multiplier", lambda inp: 30)
    c.add_custom("flat", "bonus", lambda inp: 7)
    c.add("campaign", "double", "multiplier=2")
    r = c.compute(a, buy(a, 0, ("t", 1, 10000), key="k"))
    # compound: (100 + 30) x 2; the bonus 7 is never scaled
    assert (r["double"].points, r.base_points, r.points) == (130, 100, 267)


def test_staff_share_of_the_retailer_example():
    c = calculator("EUR", rounding="half_even")
    c.add("base_rate", "base", "points=1 per=100")
    c.add_custom("staff", "multiplier", lambda inp: inp.base_points / 10 if inp.customer.has_tag("staff") else 0)
    sam, dana = customer(1, tags=["staff"]), customer(2)
    assert c.compute(sam, buy(sam, 0, ("t", 1, 1000), currency="EUR"))["staff"].points == 1
    assert c.compute(dana, buy(dana, 0, ("t", 1, 1000), currency="EUR"))["staff"].points == 0


# ---- overflow ------------------------------------------------------------------------


def test_overflow_at_int64_limits():
    a = customer(1)
    p = buy(a, 0, ("t", 1, INT64_MAX), key="k")
    c = calculator()
    c.add("base_rate", "base", "points=1 per=1")
    assert c.points(a, p) == INT64_MAX
    c.add("first_purchase", "one", "bonus=1")  # one more point overflows the total
    with pytest.raises(loyalty.OutOfRange, match="'one'"):
        c.compute(a, p, first_purchase=True)
    c = calculator()
    c.add("base_rate", "base", "points=1 per=1")
    c.add("campaign", "x2", "multiplier=2")  # a multiplier on INT64_MAX base points
    with pytest.raises(loyalty.OutOfRange, match="'x2'"):
        c.compute(a, p)
    c = calculator()
    c.add("base_rate", "base", f"points={INT64_MAX} per=1")  # a rate that overflows the line
    p2 = buy(a, 0, ("t", 1, 2), key="k2")
    with pytest.raises(loyalty.OutOfRange):
        c.compute(a, p2)
    c = calculator()
    c.add("base_rate", "base", f"points={INT64_MAX} per=2")  # 2 * (2^63-1) / 2 stays exact
    assert c.points(a, p2) == INT64_MAX
    with pytest.raises(loyalty.OutOfRange):
        p2.add_item("s", "t", 1, INT64_MAX)  # the purchase total overflows
    with pytest.raises(loyalty.OutOfRange):
        p2.add_item("s", "t", 2**63, 1)  # does not fit int64 at all
    assert len(p2) == 1


# ---- receipts ------------------------------------------------------------------------


def test_receipt_lines_format_and_copy():
    c = calculator(rounding="half_up")
    a = customer(7)
    p = buy(a, 0, ("t", 1, 2550), key="order-77")
    c.add("base_rate", "base", "points=1 per=100")
    c.add("tier_multiplier", "tiers", "tier.gold=2")
    r = c.compute(a, p)
    assert r.points == 26
    assert r.rounding_adjustment == Fraction(1, 2)
    assert r.rounding is loyalty.Rounding.HALF_UP
    assert (r.purchase_key, r.currency, r.customer_id) == ("order-77", "USD", a.id)
    assert len(r) == 2
    assert r[0] == loyalty.ReceiptLine("base", "base_rate", loyalty.Role.BASE, True, Fraction(51, 2),
                                       "1 per 100 on 2550 eligible")
    assert not r[1].applied and r[1].detail == "customer has no tier"
    with pytest.raises(IndexError):
        r[2]
    with pytest.raises(KeyError):
        r["nope"]
    with pytest.raises(loyalty.OutOfRange):
        r._handle().line_strategy(2)
    text = str(r)
    for needle in ("order-77", "spend USD 25.50, eligible 25.50", "51/2 (25.50)", "points 26", "half_up"):
        assert needle in text
    assert repr(r) == "<Receipt order-77: 26 points (exact 51/2), 2 lines>"
    copy = r.copy()
    r.close()
    c.close()  # receipts outlive their calculator
    del c
    gc.collect()
    assert copy.points == 26
    assert copy[1].strategy == "tiers"
    assert str(copy) == text
    assert copy.spend_decimal == copy.eligible_spend_decimal == loyalty.to_decimal(2550, "USD")


def test_long_lists_stay_canonical():
    c = calculator()
    names = [[f"{chr(ord('a') + v)}{k:03d}" for k in range(50)] for v in range(6)]
    params = [("points", 1), ("per", 100)] + [("exclude", group) for group in names]
    c.add("base_rate", "base", params)
    canonical = c.strategy(0).params
    copy = calculator()
    copy.add("base_rate", "base", canonical)
    assert copy.strategy(0).params == canonical
    assert canonical.count("exclude=") == 6


def test_canonical_params_rebuild_the_same_calculator():
    c = calculator(rounding="half_even", offset=60)
    a = customer(9, tier="gold", birthday=(11, 28))
    c.add("base_rate", "base", "per=100 points=1 exclude=gift_card,voucher")
    c.add("product_type", "types", "mode=multiplier type.electronics=3/2")
    c.add("tier_multiplier", "tiers", "tier.silver=10/8 tier.gold=3/2")
    c.add("campaign", "wk", "weekdays=sat,sun type=coffee,tea multiplier=2 tier=gold")
    c.add("birthday", "bd", "period=week bonus=40")
    c.add("threshold", "big", "bonus=100 min_spend=10000")
    c.add("first_purchase", "hi", "bonus=25")
    copy = calculator(rounding="half_even", offset=60)
    for s in c:
        copy.add(s.kind, s.name, s.params)
    assert c.strategy(0).params == "points=1 per=100 exclude=gift_card,voucher"
    assert c.strategy(2).params == "tier.silver=5/4 tier.gold=3/2"
    for day in range(20, 31):
        p = buy(a, ts(2026, 11, day, 10, 0), ("coffee", 3, 455), ("electronics", 1, 9999), ("voucher", 1, 2000),
                key="k")
        r1, r2 = c.compute(a, p, first_purchase=day == 20), copy.compute(a, p, first_purchase=day == 20)
        assert (r1.points, r1.exact_points, r1.lines) == (r2.points, r2.exact_points, r2.lines)
    assert [s.params for s in c] == [s.params for s in copy]


def test_compute_many_matches_compute():
    c = stacking_calc("additive")
    gold, plain = customer(1, tier="gold"), customer(2)
    ps = [buy(gold if i % 2 else plain, 0, ("t", 1, 100 * i), key=f"k{i}") for i in range(50)]
    custs = [gold if i % 2 else plain for i in range(50)]
    firsts = [i % 3 == 0 for i in range(50)]
    many = c.compute_many(custs, ps, first_purchase=firsts)
    assert [r.points for r in many] == [c.points(cu, p, first_purchase=f) for cu, p, f in zip(custs, ps, firsts)]
    assert [r.points for r in c.compute_many(plain, ps[::2])] == [c.points(plain, p) for p in ps[::2]]
    assert c.compute_many([], []) == []
    with pytest.raises(loyalty.InvalidArgument, match="same length"):
        c.compute_many(custs[:3], ps)
    # the first failure raises, naming the item
    with pytest.raises(loyalty.InvalidArgument, match="item 1:"):
        c.compute_many(plain, ps[:4])
    c.add_custom("boom", "bonus", lambda inp: 1 // 0)
    with pytest.raises(ZeroDivisionError):
        c.compute_many(custs, ps)
