"""Analytics through the binding: the history of tests/unit/test_analytics.c
(docs/ANALYTICS.md, "Worked example") with the same hand-computed values,
the edge cases, errors, cohort tables, survey scores and percent rendering,
to_dict and to_dataframe."""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from decimal import Decimal
from fractions import Fraction

import pytest

import loyalty
from conftest import calculator, customer


def T(y: int, mo: int, d: int, h: int = 12) -> datetime:
    return datetime(y, mo, d, h, tzinfo=timezone.utc)


A, B, C, D, E = (customer(n) for n in range(1, 6))


def program(offset: int = 0) -> loyalty.Program:
    calc = calculator(offset=offset)
    calc.add("base_rate", "base", "points=1 per=100")
    p = loyalty.Program(calc, expiry="bucket", expiry_days=40, referee_bonus=10, referrer_bonus=20)
    p.add_tier("silver", 10000)
    p.add_tier("gold", 50000)
    p.add_action("review", 5)
    p.add_action("survey", 3)
    p.add_reward("coffee", 100)
    return p


def buy(p: loyalty.Program, who: loyalty.Customer, key: str, at: datetime, cents: int) -> None:
    p.record_purchase(loyalty.Purchase(key, who, at, "USD", items=[("sku-1", "general", 1, cents)]))


def history() -> loyalty.Program:
    p = program()
    p.enroll("enroll-4", D, at=T(2025, 12, 1))
    p.enroll("enroll-3", C, at=T(2026, 1, 5))
    buy(p, C, "c1", T(2026, 2, 1), 2000)
    p.enroll("enroll-1", A, at=T(2026, 2, 1))
    buy(p, A, "a1", T(2026, 2, 10), 5000)
    p.enroll("enroll-5", E, at=T(2026, 2, 20))
    p.record_action("e-survey", E, "survey", T(2026, 2, 25))
    buy(p, E, "e1", T(2026, 2, 26), 10000)
    p.refund("e1-refund", "e1", 5000, T(2026, 3, 2))
    p.record_action("e-review", E, "review", T(2026, 3, 3))
    p.enroll("enroll-2", B, p.referral_code(A), at=T(2026, 3, 3))
    buy(p, A, "a2", T(2026, 3, 5), 12000)
    buy(p, B, "b1", T(2026, 3, 8), 4000)
    p.record_action("b-review", B, "review", T(2026, 3, 9))
    r = p.redeem("r1", A, "coffee", T(2026, 3, 10))
    p.cancel_redemption("r1-cancel", r, T(2026, 3, 12))
    p.redeem("r2", A, "coffee", T(2026, 3, 15))
    buy(p, A, "a3", T(2026, 3, 20), 3000)
    buy(p, D, "d1", T(2026, 3, 25), 1000)
    p.maintain(T(2026, 4, 1, 0))
    return p


@pytest.fixture(scope="module")
def hist():
    p = history()
    yield p
    p.close()


MARCH = dict(
    members_start=4, members_end=5, new_members=1, active_members=4,
    customers_start=3, customers_end=3, retained=2, reactivated=1,
    retention_rate=Fraction(2, 3), churn_rate=Fraction(1, 3),
    orders=4, revenue=20000, purchasers=3, repeat_purchasers=1,
    repeat_purchase_rate=Fraction(1, 3), average_order_value=Fraction(5000),
    purchase_frequency=Fraction(4, 3), expected_lifespan=Fraction(3),
    customer_lifetime_value=Fraction(5000),
    points_issued=190, points_clawed_back=50, points_redeemed=100, points_expired=20,
    redemption_rate=Fraction(10, 19), breakage_rate=Fraction(2, 19),
    liability_points=243, liability_value=Fraction(243, 2),
    referrals=1, referral_conversions=1, actions=2,
)


def test_every_metric_of_march(hist):
    m = hist.metrics(T(2026, 3, 1, 0), T(2026, 4, 1, 0), point_value=Fraction(1, 2), margin=Fraction(1, 4))
    for name, want in MARCH.items():
        got = getattr(m, name)
        assert got == want and type(got) is type(want), (name, got, want)
    assert m.tier_mix == {"": 3, "silver": 2, "gold": 0}
    assert list(m.tier_mix) == ["", "silver", "gold"]
    assert m.actions_by_kind == {"review": loyalty.ActionCount(2, 10), "survey": loyalty.ActionCount(0, 0)}
    assert m.start == T(2026, 3, 1, 0) and m.end == T(2026, 4, 1, 0)
    assert (m.point_value, m.margin, m.max_lifespan) == (Fraction(1, 2), Fraction(1, 4), 0)
    assert loyalty.percent(m.retention_rate) == "66.67"
    assert loyalty.percent(m.redemption_rate) == "52.63"
    assert loyalty.percent(m.breakage_rate, 1) == "10.5"
    d = m.to_dict()
    assert set(loyalty.analytics.METRIC_NAMES) <= set(d)
    assert {k: d[k] for k in MARCH} == MARCH
    assert d["tier_mix"] == {"": 3, "silver": 2, "gold": 0}
    assert d["actions_by_kind"] == {"review": {"count": 2, "points": 10}, "survey": {"count": 0, "points": 0}}
    assert d["start"] == T(2026, 3, 1, 0) and d["point_value"] == Fraction(1, 2)
    with pytest.raises(Exception):
        m.orders = 5  # frozen


def test_february_churn_zero_and_the_lifespan_cap(hist):
    feb = (T(2026, 2, 1, 0), T(2026, 3, 1, 0))
    m = hist.metrics(*feb, point_value=Decimal("0.01"), margin=Fraction(1, 4))
    assert (m.members_start, m.members_end, m.new_members, m.active_members) == (2, 4, 2, 3)
    assert (m.customers_start, m.retained, m.customers_end, m.reactivated) == (1, 1, 3, 0)
    assert (m.retention_rate, m.churn_rate) == (1, 0)
    assert (m.orders, m.revenue, m.purchasers, m.repeat_purchasers) == (3, 17000, 3, 0)
    assert (m.repeat_purchase_rate, m.average_order_value, m.purchase_frequency) == (0, Fraction(17000, 3), 1)
    assert m.expected_lifespan is None and m.customer_lifetime_value is None
    assert (m.points_issued, m.points_redeemed, m.points_expired) == (173, 0, 0)
    assert (m.redemption_rate, m.breakage_rate) == (0, 0)
    assert (m.liability_points, m.liability_value) == (173, Fraction(173, 100))
    assert m.tier_mix == {"": 3, "silver": 1, "gold": 0}
    assert m.actions_by_kind["survey"] == loyalty.ActionCount(1, 3)
    capped = hist.metrics(*feb, point_value=Fraction(1, 100), margin=Fraction(1, 4), max_lifespan=12)
    assert (capped.expected_lifespan, capped.customer_lifetime_value) == (12, 17000)
    march = hist.metrics(T(2026, 3, 1, 0), T(2026, 4, 1, 0), max_lifespan=12)
    assert (march.expected_lifespan, march.customer_lifetime_value) == (3, 20000)
    assert march.liability_value is None and march.point_value is None and march.margin == 1


def test_empty_period_and_empty_program(hist):
    m = hist.metrics(T(2030, 1, 1, 0), T(2030, 2, 1, 0), point_value=1)
    assert (m.members_start, m.members_end, m.active_members, m.customers_start) == (5, 5, 0, 0)
    for name in ("retention_rate", "churn_rate", "repeat_purchase_rate", "average_order_value",
                 "purchase_frequency", "expected_lifespan", "customer_lifetime_value", "redemption_rate",
                 "breakage_rate"):
        assert getattr(m, name) is None, name
    assert (m.liability_points, m.liability_value) == (243, 243)
    assert loyalty.percent(m.retention_rate) is None
    with program() as p:
        e = p.metrics(0, 1)
        for name in loyalty.analytics.METRIC_NAMES:
            assert getattr(e, name) in (0, None), name
        assert e.tier_mix == {"": 0, "silver": 0, "gold": 0}


def test_errors(hist):
    start, end = T(2026, 3, 1), T(2026, 4, 1)
    with pytest.raises(loyalty.InvalidArgument, match="end"):
        hist.metrics(end, start)
    with pytest.raises(loyalty.InvalidArgument):
        hist.metrics(start, start)
    with pytest.raises(loyalty.InvalidArgument, match="point_value"):
        hist.metrics(start, end, point_value=Fraction(-1, 2))
    with pytest.raises(loyalty.InvalidArgument, match="margin"):
        hist.metrics(start, end, margin=Fraction(5, 4))
    with pytest.raises(loyalty.InvalidArgument):
        hist.metrics(start, end, max_lifespan=-1)
    with pytest.raises(TypeError):
        hist.metrics(start, end, margin=0.5)  # inexact
    with pytest.raises(loyalty.OutOfRange):
        hist.metrics(-(2**63) + 10, -(2**63) + 110)
    with pytest.raises(loyalty.InvalidArgument):
        hist.cohorts(2026, 13, 1)
    with pytest.raises(loyalty.InvalidArgument):
        hist.cohorts(2026, 1, 0)
    p = program()
    p.close()
    with pytest.raises(loyalty.StateError):
        p.metrics(start, end)


def test_cohorts(hist):
    t = hist.cohorts(2025, 11, 6)
    assert len(t) == 6
    assert [c.label for c in t] == ["2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04"]
    assert [c.size for c in t] == [0, 1, 1, 2, 1, 0]
    assert [c.active for c in t] == [(0,) * 6, (1, 0, 0, 1, 0), (1, 1, 0, 0), (2, 2, 0), (1, 0), (0,)]
    assert t[0].rates == (None,) * 6
    assert t[3].rates == (1, 1, 0)
    assert t.to_dict()["2026-01"] == {"size": 1, "active": [1, 1, 0, 0], "rates": [1, 1, 0, 0]}
    with program(60) as p:  # UTC+01:00: 23:30 UTC on 01-31 is February there
        p.enroll("a", A, at=datetime(2026, 1, 31, 23, 30, tzinfo=timezone.utc))
        p.enroll("b", B, at=T(2026, 2, 10))
        p.enroll("c", C, at=T(2026, 2, 11))
        buy(p, A, "a1", datetime(2026, 2, 28, 23, 30, tzinfo=timezone.utc), 100)  # March there
        t = p.cohorts(2026, 2, 2)
        assert (t[0].size, t[0].active, t[0].rates) == (3, (3, 1), (1, Fraction(1, 3)))


def test_survey_scores():
    assert loyalty.survey.csat([1, 2, 3, 4, 10]) == Fraction(7, 10)
    assert loyalty.survey.ces([0, 0, 0, 0, 1, 1, 1, 0, 2, 1]) == Fraction(1, 2)
    assert loyalty.survey.ces({9: 2, 10: 1, 5: 1, 6: 1, 7: 1}, scale=10) == Fraction(1, 2)
    assert loyalty.survey.ces([2, 0, 1, 0, 0]) == 0
    assert loyalty.survey.csat([0] * 5) is None
    assert loyalty.percent(loyalty.survey.csat([1, 2, 3, 4, 10])) == "70.00"
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.survey.csat([1, 2, 3])  # scale 3
    with pytest.raises(loyalty.InvalidArgument, match="negative"):
        loyalty.survey.csat([1, 2, 3, 4, -1])
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.survey.csat({1: 1})  # a mapping needs the scale
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.survey.csat({6: 1}, scale=5)
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.survey.csat([1, 2, 3, 4, 5, 6, 7])


def test_percent():
    assert loyalty.percent(Fraction(1, 8), 0) == "12"
    assert loyalty.percent(Fraction(3, 8), 0) == "38"
    assert loyalty.percent(Fraction(-1, 3)) == "-33.33"
    assert loyalty.percent(1) == "100.00"
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.percent(Fraction(1, 3), 7)


def test_threads_share_a_program(hist):
    results = []

    def work():
        results.append(hist.metrics(T(2026, 3, 1, 0), T(2026, 4, 1, 0)).retention_rate)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [Fraction(2, 3)] * 8


def test_to_dataframe(hist):
    m = hist.metrics(T(2026, 3, 1, 0), T(2026, 4, 1, 0), point_value=Fraction(1, 2), margin=Fraction(1, 4))
    t = hist.cohorts(2025, 12, 4)
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pandas"):
            m.to_dataframe()
        with pytest.raises(ImportError, match="pandas"):
            t.to_dataframe()
        return
    df = m.to_dataframe()
    assert df.shape[0] == 1 and df.index[0] == T(2026, 3, 1, 0)
    assert df.loc[df.index[0], "retention_rate"] == Fraction(2, 3)
    assert df.loc[df.index[0], "tier:silver"] == 2
    assert df.loc[df.index[0], "action:review"] == 2
    cf = t.to_dataframe()
    assert list(cf.index) == ["2025-12", "2026-01", "2026-02", "2026-03"]
    assert list(cf["size"]) == [1, 1, 2, 1]
    assert cf.loc["2025-12", 3] == 1
    assert t.to_dataframe("rate").loc["2026-02", 1] == 1
    with pytest.raises(loyalty.InvalidArgument):
        t.to_dataframe("share")
