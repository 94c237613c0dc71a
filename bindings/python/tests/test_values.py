"""Values crossing the boundary: time, money, fractions, ids, parameters,
customers and purchases."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import pytest

import loyalty
from conftest import calculator, customer


def test_versions():
    assert loyalty.version == loyalty.__version__ == loyalty.capi.loyalty_version_string()
    major, minor, patch = map(int, loyalty.version.split("."))
    assert loyalty.capi.loyalty_version_number() == major * 10000 + minor * 100 + patch


def test_time_from_civil_and_datetimes():
    assert loyalty.time_from_civil(2026, 12, 24, 18, 30, 0, 60) == 1798133400000
    plus1 = timezone(timedelta(hours=1))
    assert loyalty.to_ms(datetime(2026, 12, 24, 18, 30, tzinfo=plus1)) == 1798133400000
    # naive is UTC; microseconds below the millisecond are dropped
    assert loyalty.to_ms(datetime(1970, 1, 1, 0, 0, 1, 999)) == 1000
    assert loyalty.to_ms(datetime(1969, 12, 31, 23, 59, 59, 999999)) == -1
    assert loyalty.from_ms(1798133400000) == datetime(2026, 12, 24, 17, 30, tzinfo=timezone.utc)
    with pytest.raises(loyalty.OutOfRange):
        loyalty.from_ms(2**62)
    with pytest.raises(TypeError):
        loyalty.to_ms(date(2026, 1, 1))
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.time_from_civil(2026, 1, 1, 24)
    a = customer(1)
    p = loyalty.Purchase("k", a, datetime(2026, 12, 24, 18, 30, tzinfo=plus1), "USD")
    assert p.at_ms == 1798133400000
    assert p.at == datetime(2026, 12, 24, 17, 30, tzinfo=timezone.utc)


def test_money_as_minor_units_or_exact_decimals():
    assert loyalty.minor_digits("EUR") == 2 and loyalty.minor_digits("JPY") == 0 and loyalty.minor_digits("KWD") == 3
    assert loyalty.to_minor(Decimal("4.55"), "USD") == 455
    assert loyalty.to_minor(Decimal("4.5"), "USD") == 450
    assert loyalty.to_minor(Decimal("1980"), "JPY") == 1980
    assert loyalty.to_minor(Decimal("1.234"), "KWD") == 1234
    assert loyalty.to_minor(Decimal("4.550000"), "USD") == 455
    assert loyalty.to_minor(Decimal("-0.01"), "USD") == -1
    assert loyalty.to_minor(Decimal("1E+3"), "USD") == 100000
    assert loyalty.to_minor(455, "USD") == 455
    for inexact in (Decimal("4.555"), Decimal("19.5")):
        with pytest.raises(loyalty.InvalidArgument, match="decimal places"):
            loyalty.to_minor(inexact, "JPY" if inexact == Decimal("19.5") else "USD")
    for bad in (Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises(loyalty.InvalidArgument):
            loyalty.to_minor(bad, "USD")
    with pytest.raises(TypeError, match="float"):
        loyalty.to_minor(4.55, "USD")  # type: ignore[arg-type]
    with pytest.raises(loyalty.OutOfRange):
        loyalty.to_minor(Decimal("92233720368547758.08"), "USD")
    assert loyalty.to_decimal(455, "USD") == Decimal("4.55")
    assert str(loyalty.to_decimal(1980, "JPY")) == "1980"

    a = customer(1)
    p = loyalty.Purchase("k", a, 0, "USD", items=[loyalty.LineItem("latte", "coffee", 2, Decimal("4.55"))])
    p.add_item("bun", "pastry", 1, Decimal("3.40"))
    assert [i.unit_price for i in p] == [455, 340]
    assert p.total == 1250 and p.total_decimal == Decimal("12.50")
    with pytest.raises(loyalty.InvalidArgument):
        p.add_item("x", "y", 1, Decimal("0.001"))
    assert len(p) == 2
    with pytest.raises(loyalty.InvalidArgument, match="decimal places"):
        loyalty.Purchase("j", a, 0, "JPY").add_item("x", "y", 1, Decimal("19.5"))


def test_fractions():
    assert loyalty.parse_fraction("4/6") == Fraction(2, 3)
    assert loyalty.parse_fraction("3/-2") == Fraction(-3, 2)
    assert loyalty.parse_fraction("07") == 7
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.parse_fraction("3/0")
    table = {Fraction(5, 2): (2, 3, 2, 3), Fraction(7, 2): (3, 4, 4, 4), Fraction(-5, 2): (-3, -3, -2, -2),
             Fraction(-1, 2): (-1, -1, 0, 0), Fraction(12, 5): (2, 2, 2, 3), Fraction(13, 5): (2, 3, 3, 3),
             Fraction(-13, 5): (-3, -3, -3, -2)}
    for value, expected in table.items():
        assert tuple(loyalty.round_fraction(value, m) for m in ("floor", "half_up", "half_even", "ceil")) == expected
    assert loyalty.round_fraction(Decimal("2.5"), loyalty.Rounding.HALF_EVEN) == 2
    with pytest.raises(TypeError):
        loyalty.round_fraction(2.5)  # type: ignore[arg-type]


def test_customer_fields():
    cid = uuid.UUID("6f1d2c3a-0001-4000-8000-000000000001")
    joined = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    a = loyalty.Customer(str(cid), name="Ana Lima", email="ana@example.com", external_ref="crm-1", tier="gold",
                         birthday=(9, 14), joined_at=joined, tags=["vip", "staff"])
    assert a.id == cid
    assert (a.name, a.email, a.external_ref, a.tier) == ("Ana Lima", "ana@example.com", "crm-1", "gold")
    assert a.birthday == (9, 14) and a.birthday.month == 9
    assert a.joined_at == joined and a.joined_at_ms == loyalty.to_ms(joined)
    assert a.tags == ("vip", "staff") and a.has_tag("vip") and not a.has_tag("nope")
    assert (a.available, a.pending, a.lifetime_earned, a.lifetime_redeemed, a.lifetime_expired) == (0, 0, 0, 0, 0)
    a.remove_tag("vip")
    a.tier = None
    a.birthday = None
    a.email = None
    assert (a.tags, a.tier, a.birthday, a.email) == (("staff",), None, None, None)
    assert repr(a) == "Customer(id='6f1d2c3a-0001-4000-8000-000000000001', name='Ana Lima', tags=['staff'])"
    with pytest.raises(loyalty.InvalidArgument):
        a.birthday = (2, 30)
    with pytest.raises(loyalty.InvalidArgument):
        a.tier = "not a tier"
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.Customer(uuid.UUID(int=0))  # the nil id
    copy = a.clone()
    copy.name = "Copy"
    assert a.name == "Ana Lima" and copy.id == a.id
    b = loyalty.Customer()
    assert b.id.version == 4 and b.id != loyalty.Customer().id
    assert loyalty.Customer(cid.bytes).id == cid
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.Customer("not-a-uuid")


def test_purchase_fields():
    a = customer(1)
    p = loyalty.Purchase("order-1", a.id, 1000, "USD", channel="store",
                         items=[("latte", "coffee", 2, 455), loyalty.LineItem("gc", "gift_card", 1, 2500)])
    assert (p.key, p.customer_id, p.at_ms, p.currency, p.channel) == ("order-1", a.id, 1000, "USD", "store")
    assert len(p) == 2 and p.total == 3410
    assert p[0] == loyalty.LineItem("latte", "coffee", 2, 455) and p[0].line_total == 910
    assert p[-1].sku == "gc" and list(p) == list(p.items)
    with pytest.raises(IndexError):
        p[2]
    p.channel = None
    assert p.channel is None
    assert "Purchase('order-1'" in repr(p) and "USD 34.10" in repr(p)
    q = p.clone()
    q.add_item("x", "y", 1, 1)
    assert (len(p), len(q)) == (2, 3)
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.Purchase("has space", a, 0, "USD")
    with pytest.raises(loyalty.InvalidArgument):
        p.add_item("s", "t", 1, -1)


def test_parameters_as_text_mappings_pairs_and_keywords():
    from datetime import datetime as dt

    start = dt(2026, 11, 23, tzinfo=timezone(timedelta(hours=1)))
    c = calculator()
    c.add("base_rate", "a", "points=3/2 per=100")
    c.add("base_rate", "b", {"points": Fraction(3, 2), "per": 100, "exclude": ["gift_card", "voucher"]})
    c.add("base_rate", "c", [("points", Decimal("1.5")), ("per", "100"), ("exclude", "gift_card"),
                             ("exclude", "voucher")])
    c.add("base_rate", "d", points=Fraction(6, 4), per=100, exclude={"voucher", "gift_card"})
    c.add("base_rate", "e", "points=3/2", per=100)
    c.add("campaign", "f", {"multiplier": 2, "start": start})
    assert [s.params for s in c][:5] == ["points=3/2 per=100"] + ["points=3/2 per=100 exclude=gift_card,voucher"] * 3 \
        + ["points=3/2 per=100"]
    assert c.strategy(5).params == f"multiplier=2 start={loyalty.to_ms(start)}"
    for bad in ({"points": 1.5, "per": 100}, {"points": True, "per": 100}, {"points": 1, "per": object()}):
        with pytest.raises(TypeError):
            c.add("base_rate", "x", bad)
    with pytest.raises(loyalty.InvalidArgument):
        c.add("base_rate", "x", {"points": 1, "per": 100, "exclude": []})
    with pytest.raises(loyalty.InvalidArgument):
        c.add("base_rate", "x", {"points": "1 per=100"})  # a space is no way to smuggle a pair
    assert len(c) == 6


def test_currencies():
    assert loyalty.is_currency("EUR") and not loyalty.is_currency("usd") and not loyalty.is_currency("XAU")
