"""retailer - a department store's loyalty program, with libloyalty's Python binding.

The same program, customers and sales as examples/c/retailer.c, with the
same output. Currency EUR, calendar at UTC+01:00, half_even rounding, and in
pipeline order:
  rates       product_type: 2 points per euro on electronics, 1 on the rest;
  tiers       tier_multiplier: silver x5/4, gold x3/2;
  tech_week   campaign: x2 on electronics from Monday 23 to Monday 30
              November 2026, its window given as datetimes;
  staff       a custom strategy in Python: staff earn an extra 10% of their
              base points;
  big_basket  threshold: 500 points when eligible spend reaches 200.00 EUR.

Multipliers stack additively (the default): each scales the base points.
"""

import weakref
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import loyalty

STORE_TZ = timezone(timedelta(hours=1))


class StaffRule:
    """A custom strategy as an object with a compute method. The calculator
    holds it until it is closed; the finalizer shows when that happens."""

    def __init__(self, tag: str, percent: int) -> None:
        self.tag = tag
        self.percent = percent
        weakref.finalize(self, print, "(staff strategy: user data released)")

    def compute(self, inp: loyalty.StrategyInput) -> Fraction:
        """percent/100 of the base points the strategies before this one earned, exactly."""
        if not inp.customer.has_tag(self.tag):
            return Fraction(0)  # not staff: nothing
        return inp.base_points * self.percent / 100


def build_calculator() -> loyalty.Calculator:
    calc = loyalty.Calculator("EUR", rounding="half_even", utc_offset=60)
    # base points first: the strategies after them scale or read them
    calc.add("product_type", "rates", "mode=rate per=100 type.electronics=2 type.groceries=1 default=1")
    calc.add("tier_multiplier", "tiers", {"tier.silver": Fraction(5, 4), "tier.gold": Fraction(3, 2)})
    # the campaign as data, the way a program would load it from a file:
    # the window is [start, end), given here as aware datetimes
    calc.add("campaign", "tech_week", {
        "multiplier": 2,
        "start": datetime(2026, 11, 23, tzinfo=STORE_TZ),  # inclusive
        "end": datetime(2026, 11, 30, tzinfo=STORE_TZ),  # exclusive
        "type": "electronics",
    })
    calc.add_custom("staff", "multiplier", StaffRule("staff", 10))
    calc.add("threshold", "big_basket", min_spend=20000, bonus=500)
    return calc


def fraction_text(f: Fraction) -> str:
    """ "25812/25 = 1032.48": the exact fraction, then its decimal value when
    that has at most 4 places."""
    text = str(f)
    if f.denominator != 1 and 10000 % f.denominator == 0:
        text += f" = {Decimal(f.numerator) / Decimal(f.denominator)}"
    return text


def print_receipt(r: loyalty.Receipt) -> None:
    """One line per strategy, in pipeline order."""
    for line in r:
        points = fraction_text(line.points) if line.applied else "-"  # "-": conditions did not hold
        print(f"  {line.strategy:<11} {line.role:<10} {points}  ({line.detail})")
    print(f"  exact {fraction_text(r.exact_points)}, {r.rounding} rounding adds "
          f"{fraction_text(r.rounding_adjustment)} -> {r.points} points")


MEMBERS = [  # id, name, tier, staff
    ("0c7a5e10-0000-4000-8000-00000000000a", "Sam", "silver", True),  # works here
    ("0c7a5e10-0000-4000-8000-00000000000b", "Grace", "gold", False),
    ("0c7a5e10-0000-4000-8000-00000000000c", "Dana", None, False),
]

SALES = [  # key, member, November 2026 store time, (sku, type, euros) x 2
    # the first minute of tech week: the start is inclusive
    ("S-1", 0, (23, 0, 0), [("headphones", "electronics", "89.99"), ("milk-6", "groceries", "10.01")]),
    ("S-2", 1, (27, 14, 10), [("tv-55", "electronics", "499.99"), ("coffee-1kg", "groceries", "32.50")]),
    # the same basket the minute tech week ends: the end is exclusive
    ("S-3", 0, (30, 0, 0), [("headphones", "electronics", "89.99"), ("milk-6", "groceries", "10.01")]),
    # books earn the default rate; 12.5 points is a tie, and half_even gives 12
    ("S-4", 2, (30, 17, 45), [("novel", "books", "11.00"), ("bread", "groceries", "1.50")]),
]


def main() -> None:
    calc = build_calculator()
    print("pipeline (name, kind, canonical parameters):")
    # each strategy's canonical parameters: adding the same kind with this
    # text rebuilds the same strategy, so this is what a program would save
    for i, s in enumerate(calc, 1):
        print(f"{i}. {s.name:<11} {s.kind:<16} {s.params or '(custom code)'}")
    members = [loyalty.Customer(id, name=name, tier=tier, tags=["staff"] if staff else [])
               for id, name, tier, staff in MEMBERS]
    for key, member, (day, hour, minute), items in SALES:
        who = members[member]
        at = datetime(2026, 11, day, hour, minute, tzinfo=STORE_TZ)
        with loyalty.Purchase(key, who, at, "EUR") as p:
            for sku, product_type, euros in items:
                p.add_item(sku, product_type, 1, Decimal(euros))  # exact: 89.99 EUR is 8999 cents
            r = calc.compute(who, p)  # not a first purchase
            staff = ", staff" if who.has_tag("staff") else ""
            print(f"\n{key}  {at:%Y-%m-%d %H:%M}  {who.name}, tier '{who.tier or ''}'{staff}, "
                  f"EUR {p.total_decimal}")
            print_receipt(r)
    print()
    calc.close()  # releases the staff strategy, once


if __name__ == "__main__":
    main()
