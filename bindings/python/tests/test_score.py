"""Calculator.score and Calculator.score_columns: points without receipts,
one purchase or a batch given as columns (lists, array.array, numpy arrays
read in place), always exactly the points of Calculator.compute."""

from __future__ import annotations

import random
import threading
from array import array
from datetime import datetime, timedelta, timezone
from fractions import Fraction

import pytest

import loyalty
from conftest import buy, calculator, customer, ts

TYPES = ["grocery", "electronics", "toys", "books", "beauty", "gift_card"]
TIERS = ["bronze", "silver", "gold"]
NOBODY = 2**32 - 1


def workload_calculator(**kw) -> loyalty.Calculator:
    """The program of tests/bench/workload/program.json, plus a welcome bonus."""
    c = calculator(**kw)
    c.exclude_product_type("gift_card")
    c.add("base_rate", "base", "points=1 per=100")
    c.add("product_type", "categories", "mode=multiplier type.electronics=3/2 type.books=2 type.beauty=5/4")
    c.add("tier_multiplier", "tiers", "tier.silver=5/4 tier.gold=3/2")
    c.add("campaign", "double_november", "multiplier=2 start=1793491200000 end=1796083200000 type=electronics,toys")
    c.add("birthday", "birthday_month", "bonus=100 period=month feb29=feb28")
    c.add("threshold", "big_basket", "min_spend=20000 bonus=250")
    c.add("first_purchase", "welcome", "bonus=25")
    return c


class Batch:
    """A seeded batch as columns (lists), with the customers and purchases
    compute needs for the same data."""

    def __init__(self, seed: int = 1, ncustomers: int = 20, npurchases: int = 300) -> None:
        rng = random.Random(seed)
        self.customer_tier = [rng.choice([0, 1, 2, NOBODY]) for _ in range(ncustomers)]
        self.birth_month = [rng.choice([0, 1, 2, 11, 12]) for _ in range(ncustomers)]
        self.birth_day = [0 if m == 0 else rng.randint(1, 28) for m in self.birth_month]
        self.at, self.customer, self.line_start, self.first = [], [], [0], []
        self.line_type, self.quantity, self.unit_price = [], [], []
        for _ in range(npurchases):
            self.at.append(ts(2026, 1, 1) + rng.randrange(365 * 86400000))
            self.customer.append(rng.randrange(ncustomers))
            self.first.append(rng.random() < 0.1)
            for _ in range(rng.randint(0, 5)):
                self.line_type.append(rng.randrange(len(TYPES)))
                self.quantity.append(rng.randint(1, 3))
                self.unit_price.append(rng.randint(0, 20000))
            self.line_start.append(len(self.line_type))

    def customers(self):
        out = []
        for k, (t, m, d) in enumerate(zip(self.customer_tier, self.birth_month, self.birth_day)):
            c = customer(k, tier=None if t == NOBODY else TIERS[t])
            if m:
                c.birthday = (m, d)
            out.append(c)
        return out

    def expected(self, calc: loyalty.Calculator):
        cs = self.customers()
        pts = []
        for i, at in enumerate(self.at):
            c = cs[self.customer[i]]
            lines = [(TYPES[self.line_type[j]], self.quantity[j], self.unit_price[j])
                     for j in range(self.line_start[i], self.line_start[i + 1])]
            pts.append(calc.compute(c, buy(c, at, *lines, key=f"p{i}"), first_purchase=self.first[i]).points)
        return pts

    def kwargs(self, **over):
        kw = dict(type_names=TYPES, customer_tier=self.customer_tier, tier_names=TIERS,
                  birth_month=self.birth_month, birth_day=self.birth_day, first_purchase=self.first)
        kw.update(over)
        return kw

    def args(self):
        return [self.at, self.customer, self.line_start, self.line_type, self.quantity, self.unit_price]


@pytest.fixture(scope="module")
def batch() -> Batch:
    return Batch()


@pytest.fixture(scope="module")
def wcalc() -> loyalty.Calculator:
    return workload_calculator()


@pytest.fixture(scope="module")
def expected(batch, wcalc):
    return batch.expected(wcalc)


# ---- score ------------------------------------------------------------------------------------------


def test_score_equals_compute(batch, wcalc, expected):
    cs = batch.customers()
    for i in range(0, len(batch.at), 7):
        c = cs[batch.customer[i]]
        lines = [(TYPES[batch.line_type[j]], batch.quantity[j], batch.unit_price[j])
                 for j in range(batch.line_start[i], batch.line_start[i + 1])]
        got = wcalc.score(c, buy(c, batch.at[i], *lines, key=f"p{i}"), first_purchase=batch.first[i])
        assert type(got) is int
        assert got == expected[i]


def test_score_rejections(wcalc, cust):
    other = customer(7)
    with pytest.raises(loyalty.InvalidArgument):  # the purchase is another customer's
        wcalc.score(cust, buy(other, ts(2026, 3, 1), ("toys", 1, 100)))
    with pytest.raises(loyalty.CurrencyError):
        wcalc.score(cust, buy(cust, ts(2026, 3, 1), ("toys", 1, 100), currency="EUR"))
    with pytest.raises(loyalty.OutOfRange):
        wcalc.score(cust, buy(cust, ts(2026, 3, 1), ("toys", 2**31, 2**31), ("toys", 2**31, 2**31)))
    with pytest.raises(TypeError):
        wcalc.score("ada", buy(cust, ts(2026, 3, 1)))
    with pytest.raises(TypeError):
        wcalc.score(cust, None)


def test_score_custom_strategy_exception_is_raised_again(cust):
    c = calculator()
    c.add("base_rate", "base", "points=1 per=100")

    class Boom(Exception):
        pass

    def boom(inp):
        raise Boom("no price list")

    c.add_custom("boom", "bonus", boom)
    with pytest.raises(Boom):
        c.score(cust, buy(cust, ts(2026, 3, 1), ("toys", 1, 100)))


# ---- score_columns: the same points from every kind of column -------------------------------------------


def test_score_columns_from_lists(batch, wcalc, expected):
    got = wcalc.score_columns(*batch.args(), **batch.kwargs())
    assert isinstance(got, array) and got.typecode in "lq" and got.itemsize == 8
    assert list(got) == expected


def test_score_columns_from_arrays_in_place(batch, wcalc, expected):
    args = [array("q", batch.at), array("I", batch.customer), array("I", batch.line_start),
            array("I", batch.line_type), array("q", batch.quantity), array("q", batch.unit_price)]
    for a in args:  # already the C types: read in place
        assert loyalty.calculator._native(a, a.typecode if a.typecode != "q" else "l")
    got = wcalc.score_columns(*args, **batch.kwargs(
        customer_tier=array("I", batch.customer_tier), birth_month=bytes(batch.birth_month),
        birth_day=array("B", batch.birth_day), first_purchase=bytes(map(int, batch.first))))
    assert list(got) == expected


def test_score_columns_from_memoryviews_and_datetimes(batch, wcalc, expected):
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    at = [epoch + timedelta(milliseconds=t) if i % 2 else t for i, t in enumerate(batch.at)]
    got = wcalc.score_columns(at, memoryview(array("I", batch.customer)), batch.line_start, batch.line_type,
                              memoryview(array("q", batch.quantity).tobytes()).cast("q"), batch.unit_price,
                              **batch.kwargs())
    assert list(got) == expected


def test_score_columns_from_numpy(batch, wcalc, expected):
    np = pytest.importorskip("numpy")
    # the C types: in place; int64 where uint32 is wanted: converted
    got = wcalc.score_columns(np.array(batch.at, dtype=np.int64), np.array(batch.customer, dtype=np.uint32),
                              np.array(batch.line_start, dtype=np.int64), np.array(batch.line_type, dtype=np.int32),
                              np.array(batch.quantity), np.array(batch.unit_price, dtype=np.int64),
                              **batch.kwargs(customer_tier=np.array(batch.customer_tier, dtype=np.uint32),
                                             birth_month=np.array(batch.birth_month, dtype=np.uint8),
                                             birth_day=np.array(batch.birth_day, dtype=np.int16),
                                             first_purchase=np.array(batch.first, dtype=np.uint8)))
    assert list(got) == expected
    with pytest.raises(loyalty.InvalidArgument, match="customer"):
        wcalc.score_columns(np.array(batch.at, dtype=np.int64), np.array([-1] * len(batch.at)),
                            *batch.args()[2:], **batch.kwargs())


def test_score_columns_optional_columns(wcalc):
    c = customer(1)
    at = ts(2026, 11, 5)
    lines = [("electronics", 1, 10000), ("books", 2, 999)]
    want = wcalc.compute(c, buy(c, at, *lines)).points
    got = wcalc.score_columns([at], [0], [0, 2], [1, 3], [1, 2], [10000, 999], type_names=TYPES)
    assert list(got) == [want]
    # no customer columns: any customer index will do, nobody has a tier or a birthday
    assert list(wcalc.score_columns([at], [123456], [0, 2], [1, 3], [1, 2], [10000, 999], type_names=TYPES)) == [want]
    # first_purchase as bools
    first = wcalc.compute(c, buy(c, at, *lines), first_purchase=True).points
    assert list(wcalc.score_columns([at, at], [0, 0], [0, 2, 4], [1, 3, 1, 3], [1, 2] * 2, [10000, 999] * 2,
                                    type_names=TYPES, first_purchase=[True, False])) == [first, want]


def test_score_columns_empty(wcalc):
    got = wcalc.score_columns([], [], [0], [], [], [], type_names=TYPES)
    assert len(got) == 0


def test_score_columns_custom_strategies_and_threads(batch, expected):
    c = workload_calculator()
    c.add_custom("tenth", "bonus", lambda inp: Fraction(inp.eligible_spend, 1000))
    cs = batch.customers()
    want = []
    for i, at in enumerate(batch.at[:40]):
        cu = cs[batch.customer[i]]
        lines = [(TYPES[batch.line_type[j]], batch.quantity[j], batch.unit_price[j])
                 for j in range(batch.line_start[i], batch.line_start[i + 1])]
        want.append(c.compute(cu, buy(cu, at, *lines), first_purchase=batch.first[i]).points)
    n = 40
    args = [batch.at[:n], batch.customer[:n], batch.line_start[:n + 1]]
    nl = batch.line_start[n]
    args += [batch.line_type[:nl], batch.quantity[:nl], batch.unit_price[:nl]]
    kw = batch.kwargs(first_purchase=batch.first[:n])
    assert list(c.score_columns(*args, **kw)) == want
    # built-in strategies only: the GIL is released, threads score at once
    plain = workload_calculator()
    results = [None] * 4

    def work(k):
        results[k] = list(plain.score_columns(*batch.args(), **batch.kwargs()))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


# ---- score_columns: every rejection ---------------------------------------------------------------


def one(**over):
    """A valid one-purchase batch as (args, kwargs), with fields replaced."""
    cols = dict(at=[ts(2026, 3, 1)], customer=[0], line_start=[0, 1], line_type=[0], quantity=[1],
                unit_price=[100])
    kw = dict(type_names=TYPES, customer_tier=[1], tier_names=TIERS, birth_month=[3], birth_day=[1])
    for k, v in over.items():
        (cols if k in cols else kw)[k] = v
    return list(cols.values()), kw


@pytest.mark.parametrize("over, match", [
    (dict(customer=[0, 0]), "customers"),                      # lengths
    (dict(line_start=[0]), "line start"),
    (dict(line_start=[0, 1, 1]), "line start"),
    (dict(line_type=[0, 0]), "line_type"),
    (dict(quantity=[]), "quantity"),
    (dict(unit_price=[1, 2]), "unit_price"),
    (dict(first_purchase=[True, False]), "first_purchase"),
    (dict(birth_month=[3, 4], birth_day=[1, 1]), "customers"),
    (dict(customer_tier=[1, 1]), "customers"),
    (dict(birth_day=None), "birth_month and birth_day"),
    (dict(line_start=[1, 1], line_type=[], quantity=[], unit_price=[]), "line_start"),  # values, checked in C
    (dict(line_start=[0, 2], line_type=[0, 0], quantity=[1, 1], unit_price=[1, 1], at=[1]), None),
    (dict(customer=[1]), "customer"),
    (dict(line_type=[len(TYPES)]), "line_type"),
    (dict(quantity=[0]), "quantity"),
    (dict(unit_price=[-1]), "unit_price"),
    (dict(customer_tier=[3]), "customer_tier"),
    (dict(birth_month=[13]), "birth_month"),
    (dict(birth_month=[2], birth_day=[30]), "birth_day"),
    (dict(type_names=["grocery", "not a type"], line_type=[0]), "type"),
    (dict(tier_names=["gold", ""]), "tier"),
    (dict(customer=[-1]), "customer"),                         # outside uint32, refused before C
    (dict(line_type=[2**32]), "line_type"),
    (dict(birth_month=[256]), "birth_month"),
])
def test_score_columns_rejects_invalid_columns(wcalc, over, match):
    args, kw = one(**over)
    if match is None:  # the control: a valid batch (two lines)
        wcalc.score_columns(*args, **kw)
        return
    with pytest.raises(loyalty.InvalidArgument, match=match):
        wcalc.score_columns(*args, **kw)


def test_score_columns_decreasing_line_start(wcalc):
    args, kw = one(at=[1, 2], customer=[0, 0], line_start=[0, 2, 1], line_type=[0, 0], quantity=[1, 1],
                   unit_price=[1, 1])
    with pytest.raises(loyalty.InvalidArgument, match="line_start"):
        wcalc.score_columns(*args, **kw)


def test_score_columns_rejects_currency_overflow_and_types(wcalc):
    args, kw = one()
    with pytest.raises(loyalty.CurrencyError):
        wcalc.score_columns(*args, **kw, currency="EUR")
    with pytest.raises(loyalty.CurrencyError):
        wcalc.score_columns(*args, **kw, currency="EURO-LONG")
    big, kw = one(line_start=[0, 2], line_type=[0, 0], quantity=[2**31, 2**31], unit_price=[2**31, 2**31])
    with pytest.raises(loyalty.OutOfRange, match="0"):  # names the purchase
        wcalc.score_columns(*big, **kw)
    args, kw = one(quantity=[1.5])
    with pytest.raises(TypeError):
        wcalc.score_columns(*args, **kw)
    args, kw = one(quantity=array("d", [1.0]))
    with pytest.raises(TypeError):
        wcalc.score_columns(*args, **kw)
    args, kw = one(type_names=["grocery", 7])
    with pytest.raises(TypeError):
        wcalc.score_columns(*args, **kw)
    args, kw = one(quantity=[2**63])
    with pytest.raises(loyalty.OutOfRange):
        wcalc.score_columns(*args, **kw)


def test_score_columns_custom_strategy_exception(cust):
    c = calculator()
    c.add("base_rate", "base", "points=1 per=100")

    def boom(inp):
        raise KeyError("no price list")

    c.add_custom("boom", "bonus", boom)
    args, kw = one()
    with pytest.raises(KeyError):
        c.score_columns(*args, **kw)


def test_score_columns_closed_calculator():
    c = workload_calculator()
    c.close()
    args, kw = one()
    with pytest.raises(Exception):
        c.score_columns(*args, **kw)
