"""coffee_shop - a small coffee shop's loyalty program, with libloyalty's Python binding.

The same program, customers and visits as examples/c/coffee_shop.c, with the
same output:
  - 1 point per dollar spent (base_rate points=1 per=100: prices are cents);
  - gift cards earn nothing (excluded for the whole calculator);
  - double points on Saturdays and Sundays (a campaign with weekdays=);
  - a 50-point birthday treat on the customer's birthday;
  - a 25-point welcome bonus on a customer's first purchase.

Every id and every time is fixed, so the output is the same on every run.
The calculator only computes: it returns a receipt and changes neither the
customer nor the purchase.
"""

from datetime import datetime, timedelta, timezone

import loyalty

# The shop's calendar (weekends, birthdays) is New York winter time, UTC-05:00.
SHOP_TZ = timezone(timedelta(hours=-5))

MEMBERS = [  # id, name, birthday (None: unknown)
    ("6f1d2c3a-0001-4000-8000-000000000001", "Ana Lima", (9, 14)),
    ("6f1d2c3a-0002-4000-8000-000000000002", "Ben Okafor", (2, 8)),
    ("6f1d2c3a-0003-4000-8000-000000000003", "Chloe Martin", None),
]

VISITS = [  # order, member, local time, first purchase, items (sku, type, quantity, cents)
    # Ana joins on a Tuesday: 8.15 dollars, plus the welcome bonus
    ("order-1001", 0, datetime(2026, 2, 3, 8, 15), True,
     [("latte-m", "coffee", 1, 475), ("croissant", "pastry", 1, 340)]),
    # Saturday: double points, but the gift card earns nothing
    ("order-1002", 0, datetime(2026, 2, 7, 10, 30), False,
     [("cappuccino-m", "coffee", 2, 435), ("gift-card-25", "gift_card", 1, 2500)]),
    # Ben's birthday, a Sunday, late at night: 04:45 on Monday in UTC, but the
    # shop's calendar still says Sunday 8 February, so both rewards apply
    ("order-1003", 1, datetime(2026, 2, 8, 23, 45), False,
     [("mocha-l", "coffee", 1, 520), ("cheesecake", "cake", 1, 495)]),
    # Chloe's first visit buys only a gift card: 0 dollars eligible, yet the
    # welcome bonus is a bonus and does not depend on spend
    ("order-1004", 2, datetime(2026, 2, 9, 12, 5), True, [("gift-card-50", "gift_card", 1, 5000)]),
]


def build_calculator() -> loyalty.Calculator:
    """The pipeline runs in the order strategies are added: base points first,
    then the multipliers that scale them, then flat bonuses."""
    calc = loyalty.Calculator("USD", utc_offset=timedelta(hours=-5))  # rounding: floor, once per purchase
    calc.exclude_product_type("gift_card")
    calc.add("base_rate", "dollar", "points=1 per=100")
    calc.add("campaign", "double_weekend", multiplier=2, weekdays=["sat", "sun"])
    calc.add("birthday", "birthday_treat", bonus=50, period="day")
    calc.add("first_purchase", "welcome", {"bonus": 25})
    return calc


def dollars(cents: int) -> str:
    return f"${loyalty.to_decimal(cents, 'USD')}"


def main() -> None:
    print(f"libloyalty {loyalty.version} - coffee shop")
    with build_calculator() as calc:
        members = [loyalty.Customer(id, name=name, birthday=birthday) for id, name, birthday in MEMBERS]
        for order, member, local, first, items in VISITS:
            who = members[member]
            at = local.replace(tzinfo=SHOP_TZ)  # the till's local time
            purchase = loyalty.Purchase(order, who, at, "USD", channel="store", items=items)
            receipt = calc.compute(who, purchase, first_purchase=first)
            print(f"\n{who.name}, {at:%a %Y-%m-%d %H:%M} (UTC-05:00){', first purchase' if first else ''}")
            print(f"  paid {dollars(purchase.total)}, earning on {dollars(receipt.eligible_spend)}")
            print(receipt, end="")
            print(f"=> {who.name} earns {receipt.points} points")


if __name__ == "__main__":
    main()
