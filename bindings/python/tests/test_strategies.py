"""Every built-in strategy alone: exact points, parameters, edges.
A port of tests/unit/test_strategies.c with the same numbers."""

from __future__ import annotations

from fractions import Fraction

import pytest

import loyalty
from conftest import buy, calculator, ts


def points(calc, cust, purchase, first=False):
    return calc.compute(cust, purchase, first_purchase=first).points


# ---- base_rate ---------------------------------------------------------------


def test_base_rate(calc, cust):
    p = buy(cust, 0, ("coffee", 2, 455), ("beans", 1, 1799), ("gift_card", 1, 5000))
    calc.add("base_rate", "dollar", "points=1 per=100 exclude=gift_card")
    r = calc.compute(cust, p)
    assert r.points == 27  # 2709 cents earn 27.09
    assert r.exact_points == Fraction(2709, 100)
    assert r.base_points == Fraction(2709, 100)
    assert r.rounding_adjustment == Fraction(-9, 100)
    assert r["dollar"].points == Fraction(2709, 100)
    assert r["dollar"].applied
    assert r.spend == 7709
    assert r.eligible_spend == 7709  # only the calculator excludes from eligibility


def test_base_rate_fractional_rate_and_calculator_exclusion(calc, cust):
    p = buy(cust, 0, ("coffee", 2, 455), ("beans", 1, 1799), ("gift_card", 1, 5000))
    calc.exclude_product_type("gift_card")
    with pytest.raises(loyalty.DuplicateKey):
        calc.exclude_product_type("gift_card")
    with pytest.raises(loyalty.InvalidArgument):
        calc.exclude_product_type("gift card")
    assert calc.excluded == ("gift_card",)
    calc.add("base_rate", "rate", points=Fraction(3, 2), per=100)
    r = calc.compute(cust, p)
    assert r.exact_points == Fraction(8127, 200)  # 2709 * 3/200 = 40.635
    assert r.points == 40
    assert r.eligible_spend == 2709


BAD_BASE_RATE = [
    ("points=1", loyalty.InvalidArgument, "'per' is required"),
    ("per=100", loyalty.InvalidArgument, "'points' is required"),
    ("points=1 per=0", loyalty.OutOfRange, "'per'"),
    ("points=-1 per=100", loyalty.OutOfRange, "'points'"),
    ("points=1 per=100 per=10", loyalty.InvalidArgument, "given twice"),
    ("points=1 per=100 colour=red", loyalty.InvalidArgument, "unknown parameter 'colour'"),
    ("points=x per=100", loyalty.InvalidArgument, "'points'"),
    ("points=1 per=1.5", loyalty.InvalidArgument, "'per'"),
    ("points=1 per=99999999999999999999", loyalty.OutOfRange, "'per'"),
    ("points=1 per=100 exclude=a,,b", loyalty.InvalidArgument, "exclude"),
    ("points=1 per=100 exclude=a exclude=a", loyalty.InvalidArgument, "twice"),
    ("points=1 per=100 exclude=a,", loyalty.InvalidArgument, "exclude"),
]


@pytest.mark.parametrize("params,error,needle", BAD_BASE_RATE)
def test_base_rate_rejects_bad_parameters(calc, params, error, needle):
    with pytest.raises(error) as info:
        calc.add("base_rate", "b", params)
    assert needle in info.value.message
    assert "base_rate 'b'" in str(info.value)
    assert info.value.code == error.CODE
    assert len(calc) == 0


# ---- product_type ---------------------------------------------------------------


def test_product_type_rates(calc, cust):
    calc.add("product_type", "types", "mode=rate per=100 type.electronics=2 type.groceries=1 default=1/2")
    # electronics 10000 -> 200, groceries 550 -> 5.5, books 1000 at default 1/2 -> 5
    assert points(calc, cust, buy(cust, 0, ("electronics", 1, 10000), ("groceries", 2, 275), ("books", 1, 1000))) == 210


def test_product_type_without_default_earns_nothing_for_others(calc, cust):
    calc.add("product_type", "types", {"per": 100, "type.electronics": 2})
    assert points(calc, cust, buy(cust, 0, ("electronics", 1, 10000), ("books", 1, 1000))) == 200
    assert calc.strategy(0).params == "mode=rate per=100 type.electronics=2"


def test_product_type_multiplier(calc, cust):
    p = buy(cust, 0, ("electronics", 1, 10000), ("groceries", 2, 275), ("books", 1, 1000))
    calc.add("base_rate", "base", "points=1 per=100")
    calc.add("product_type", "x2", "mode=multiplier type.electronics=2 type.books=0")
    r = calc.compute(cust, p)
    # base 115.5; electronics +100; books x0 = -10
    assert r["x2"].points == 90
    assert r.exact_points == Fraction(411, 2)
    assert r.points == 205
    for bad in ("mode=multiplier per=100 type.a=2", "mode=rate per=100", "mode=sideways type.a=1",
                "per=100 type.=1", "per=100 type.a=1 type.a=2"):
        with pytest.raises(loyalty.InvalidArgument):
            calc.add("product_type", "y", bad)
    assert len(calc) == 2


# ---- tier_multiplier ---------------------------------------------------------------


def test_tier_multiplier(calc, cust):
    calc.add("base_rate", "base", "points=1 per=100")
    calc.add("tier_multiplier", "tiers", "tier.gold=3/2 tier.silver=5/4")
    p = buy(cust, 0, ("books", 1, 11550))
    assert points(calc, cust, p) == 115  # no tier: x1
    assert not calc.compute(cust, p)["tiers"].applied
    cust.tier = "gold"
    r = calc.compute(cust, p)
    assert r["tiers"].points == Fraction(231, 4)  # 115.5 / 2
    assert r["tiers"].applied
    assert r.points == 173  # 173.25
    cust.tier = "silver"
    assert points(calc, cust, p) == 144  # 144.375
    cust.tier = "bronze"
    assert points(calc, cust, p) == 115
    with pytest.raises(loyalty.InvalidArgument):
        calc.add("tier_multiplier", "t2", "")
    with pytest.raises(loyalty.OutOfRange):
        calc.add("tier_multiplier", "t2", "tier.gold=-1")
    with pytest.raises(loyalty.InvalidArgument):
        calc.add("tier_multiplier", "t2", "gold=2")


# ---- campaign ----------------------------------------------------------------------


def test_campaign_window_start_inclusive_end_exclusive(calc, cust):
    t0, t1 = ts(2026, 11, 27), ts(2026, 11, 30)
    calc.add("base_rate", "base", "points=1 per=100")
    calc.add("campaign", "black-friday", multiplier=2, start=t0, end=t1)
    assert points(calc, cust, buy(cust, t0 - 1, ("toys", 1, 1000))) == 10
    assert points(calc, cust, buy(cust, t0, ("toys", 1, 1000))) == 20
    assert points(calc, cust, buy(cust, t1 - 1, ("toys", 1, 1000))) == 20
    assert points(calc, cust, buy(cust, t1, ("toys", 1, 1000))) == 10
    with pytest.raises(loyalty.InvalidArgument):
        calc.add("campaign", "backwards", f"multiplier=2 start={t1} end={t0}")
    with pytest.raises(loyalty.InvalidArgument):
        calc.add("campaign", "empty", f"multiplier=2 start={t0} end={t0}")


def test_campaign_window_from_datetimes(calc, cust):
    from datetime import datetime, timedelta, timezone

    plus1 = timezone(timedelta(hours=1))
    start, end = datetime(2026, 11, 23, tzinfo=plus1), datetime(2026, 11, 30, tzinfo=plus1)
    calc.add("base_rate", "base", "points=1 per=100")
    calc.add("campaign", "week", {"multiplier": 2, "start": start, "end": end})
    assert calc.strategy(1).params == f"multiplier=2 start={loyalty.time_from_civil(2026, 11, 23, utc_offset=60)} " \
                                      f"end={loyalty.time_from_civil(2026, 11, 30, utc_offset=60)}"
    assert points(calc, cust, buy(cust, start, ("toys", 1, 1000))) == 20
    assert points(calc, cust, buy(cust, end, ("toys", 1, 1000))) == 10


def test_campaign_weekdays_use_the_calculator_offset(calc, cust):
    plus1 = calculator(offset=60)
    # Friday 2026-11-27 23:30 UTC is Saturday 00:30 at UTC+01:00
    p = buy(cust, ts(2026, 11, 27, 23, 30), ("toys", 1, 1000))
    calc.add("base_rate", "base", "points=1 per=100")
    calc.add("campaign", "weekend", "multiplier=2 weekdays=sat,sun")
    plus1.add("base_rate", "base", "points=1 per=100")
    plus1.add("campaign", "weekend", [("weekdays", "sun"), ("weekdays", "sat"), ("multiplier", 2)])
    assert points(calc, cust, p) == 10
    assert points(plus1, cust, p) == 20
    assert plus1.strategy(1).params == "multiplier=2 weekdays=sat,sun"  # canonical order
    with pytest.raises(loyalty.InvalidArgument):
        plus1.add("campaign", "x", "multiplier=2 weekdays=funday")


def test_campaign_filters(calc, cust):
    calc.add("base_rate", "base", "points=1 per=100")
    calc.add("campaign", "coffee-x3", "multiplier=3 type=coffee")
    calc.add("campaign", "app-bonus", {"bonus": 50, "channel": ["app", "web"]})
    calc.add("campaign", "gold-bonus", "bonus=7 tier=gold")
    calc.add("campaign", "big-tea", "bonus=11 type=tea min_spend=2000")

    p = buy(cust, 0, ("coffee", 2, 500), ("tea", 1, 1999), ("cake", 1, 301))
    r = calc.compute(cust, p)
    assert r.base_points == 33  # coffee 10 base points x3 -> +20
    assert r["coffee-x3"].points == 20 and r["coffee-x3"].applied
    assert not r["app-bonus"].applied
    assert not r["gold-bonus"].applied
    assert not r["big-tea"].applied  # 1999 < 2000
    assert r.points == 53

    p.channel = "app"
    cust.tier = "gold"
    assert points(calc, cust, p) == 53 + 50 + 7

    r = calc.compute(cust, buy(cust, 0, ("tea", 1, 2000)))
    assert not r["coffee-x3"].applied  # no coffee lines
    assert r["big-tea"].points == 11 and r["big-tea"].applied
    assert r.points == 20 + 7 + 11

    with pytest.raises(loyalty.InvalidArgument):
        calc.add("campaign", "x", "multiplier=2 bonus=3")
    with pytest.raises(loyalty.InvalidArgument):
        calc.add("campaign", "x", "type=coffee")
    with pytest.raises(loyalty.OutOfRange):
        calc.add("campaign", "x", "bonus=-3")
    with pytest.raises(loyalty.OutOfRange):
        calc.add("campaign", "x", "bonus=3 min_spend=-1")
    assert len(calc) == 5


def test_campaign_min_spend_ignores_excluded_types(calc, cust):
    calc.exclude_product_type("gift_card")
    calc.add("campaign", "spend50", "bonus=100 min_spend=5000")
    assert points(calc, cust, buy(cust, 0, ("gift_card", 1, 5000), ("toys", 1, 4999))) == 0
    assert points(calc, cust, buy(cust, 0, ("gift_card", 1, 5000), ("toys", 1, 5000))) == 100


# ---- birthday ----------------------------------------------------------------------


def birthday_points(calc, cust, y, m, d):
    return points(calc, cust, buy(cust, ts(y, m, d, 12, 0), ("toys", 1, 1000)))


def test_birthday_day(calc, cust):
    plus1 = calculator(offset=60)
    calc.add("base_rate", "base", "points=1 per=100")
    calc.add("birthday", "bday", "multiplier=2")
    assert birthday_points(calc, cust, 2026, 11, 28) == 10  # no birthday set
    cust.birthday = (11, 28)
    assert birthday_points(calc, cust, 2026, 11, 28) == 20
    assert birthday_points(calc, cust, 2026, 11, 27) == 10
    assert birthday_points(calc, cust, 2026, 11, 29) == 10
    assert birthday_points(calc, cust, 2030, 11, 28) == 20
    # 23:30 UTC on the 27th is the 28th at UTC+01:00
    plus1.add("birthday", "bday", "bonus=5")
    p = buy(cust, ts(2026, 11, 27, 23, 30), ("toys", 1, 1000))
    assert points(plus1, cust, p) == 5
    assert points(calc, cust, p) == 10


def test_birthday_month(calc, cust):
    calc.add("birthday", "bday", "bonus=100 period=month")
    cust.birthday = (1, 31)
    assert birthday_points(calc, cust, 2026, 1, 1) == 100
    assert birthday_points(calc, cust, 2026, 1, 31) == 100
    assert birthday_points(calc, cust, 2026, 2, 1) == 0
    assert birthday_points(calc, cust, 2025, 12, 31) == 0


@pytest.mark.parametrize("birthday,days", [
    # 2025-12-31 is a Wednesday: its week runs Monday 29 Dec to Sunday 4 Jan 2026
    ((12, 31), [((2025, 12, 28), 0), ((2025, 12, 29), 100), ((2026, 1, 2), 100), ((2026, 1, 4), 100),
                ((2026, 1, 5), 0)]),
    # 2026-03-01 is a Sunday: its week starts Monday 23 February
    ((3, 1), [((2026, 2, 22), 0), ((2026, 2, 23), 100), ((2026, 3, 1), 100), ((2026, 3, 2), 0)]),
    # 2027-01-01 is a Friday: its week starts Monday 28 December 2026
    ((1, 1), [((2026, 12, 27), 0), ((2026, 12, 28), 100), ((2027, 1, 3), 100), ((2027, 1, 4), 0)]),
])
def test_birthday_week_across_month_and_year_ends(calc, cust, birthday, days):
    calc.add("birthday", "bday", "bonus=100 period=week")
    cust.birthday = birthday
    for (y, m, d), expected in days:
        assert birthday_points(calc, cust, y, m, d) == expected, (y, m, d)


def test_birthday_29_february(calc, cust):
    mar1 = calculator()
    days = [((2026, 2, 28), 100, 0), ((2026, 3, 1), 0, 100), ((2028, 2, 28), 0, 0), ((2028, 2, 29), 100, 100),
            ((2028, 3, 1), 0, 0), ((2100, 2, 28), 100, 0), ((2000, 2, 29), 100, 100)]  # 2100 is not leap
    calc.add("birthday", "bday", "bonus=100")
    mar1.add("birthday", "bday", "bonus=100 feb29=mar1")
    assert calc.strategy(0).params == "bonus=100 period=day feb29=feb28"
    cust.birthday = (2, 29)
    for (y, m, d), feb28, on_mar1 in days:
        p = buy(cust, ts(y, m, d, 9, 0), ("toys", 1, 1))
        assert points(calc, cust, p) == feb28, (y, m, d)
        assert points(mar1, cust, p) == on_mar1, (y, m, d)
    for bad in ("bonus=1 feb29=never", "bonus=1 period=year", "period=day"):
        with pytest.raises(loyalty.InvalidArgument):
            calc.add("birthday", "b2", bad)


# ---- threshold and first purchase ---------------------------------------------------


def test_threshold(calc, cust):
    calc.exclude_product_type("gift_card")
    calc.add("threshold", "big", "min_spend=5000 bonus=200")
    assert points(calc, cust, buy(cust, 0, ("toys", 1, 4999))) == 0
    assert points(calc, cust, buy(cust, 0, ("toys", 1, 5000))) == 200
    assert points(calc, cust, buy(cust, 0, ("toys", 1, 4999), ("gift_card", 1, 10000))) == 0
    with pytest.raises(loyalty.InvalidArgument):
        calc.add("threshold", "t", "min_spend=5000")
    with pytest.raises(loyalty.OutOfRange):
        calc.add("threshold", "t", "min_spend=5000 bonus=-1")


def test_first_purchase(calc, cust):
    p = buy(cust, 0, ("toys", 1, 100))
    calc.add("first_purchase", "welcome", "bonus=500")
    assert points(calc, cust, p) == 0
    assert points(calc, cust, p, first=True) == 500
    with pytest.raises(loyalty.InvalidArgument):
        calc.add("first_purchase", "w2", "bonus=five")


def test_registry():
    kinds = loyalty.strategy_kinds()
    assert list(kinds) == ["base_rate", "product_type", "tier_multiplier", "campaign", "birthday", "threshold",
                           "first_purchase"]
    assert all(kinds.values())
    assert loyalty.capi.loyalty_strategy_kind_name(7) is None
    assert loyalty.capi.loyalty_strategy_kind_help("nope") is None
    assert loyalty.capi.loyalty_strategy_role_name(loyalty.Role.MULTIPLIER.code) == "multiplier"
    assert loyalty.capi.loyalty_strategy_role_name(3) is None
