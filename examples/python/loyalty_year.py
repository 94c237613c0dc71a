"""loyalty_year - a customer's year in a café-bookshop's loyalty program, with
libloyalty's Python binding.

The same program, customers and story as examples/c/loyalty_year.c, with the
same output, byte for byte. coffee_shop.py and retailer.py only compute
points; this example runs a loyalty.Program, which keeps the customers, their
tiers and the ledger. Paper & Bean (New York, UTC-05:00) pays 1 point per
dollar, double on books, holds points 14 days (the return window), lets them
expire after 12 months, and ranks customers by their spend in the calendar
year. Iris buys, reviews, refers a friend, returns an item, redeems, and opens
the shop's app a year and a half later.

Ids and times are fixed, so the output is the same on every run.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import loyalty
from loyalty import EntryKind, Role

# The shop's calendar (birthdays, months, years) is New York winter time.
SHOP_TZ = timezone(timedelta(hours=-5))


def date(at) -> str:
    """The shop's date of a time (ms or datetime)."""
    when = loyalty.from_ms(at) if isinstance(at, int) else at
    return when.astimezone(SHOP_TZ).strftime("%Y-%m-%d")


def dollars(cents: int) -> str:
    return f"${loyalty.to_decimal(cents, 'USD')}"


def say(at, text: str) -> None:
    """A line of the story: the date, then the text."""
    print(f"{date(at)}  {text}", end="")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHOP_TZ)


def build_program() -> loyalty.Program:
    calc = loyalty.Calculator("USD", utc_offset=timedelta(hours=-5))  # birthdays, months, years
    calc.exclude_product_type("gift_card")
    calc.add("base_rate", "dollar", "points=1 per=100")
    calc.add("product_type", "books", "mode=multiplier type.books=2")
    calc.add("birthday", "birthday", "bonus=100 period=day")
    # the program takes the calculator over (only if it is created: a failure raises and leaves it to us);
    # tiers by spend over the calendar year are the defaults of tier_metric and tier_window
    program = loyalty.Program(calc, pending_days=14, expiry="bucket", expiry_months=12, expiry_round_up="month",
                              referrer_bonus=200, referee_bonus=100, referral_min_spend=Decimal("20.00"))
    # tiers and actions come before the first enrolment; rewards at any time
    program.add_tier("member", 0)
    program.add_tier("silver", Decimal("500.00"), benefits=["free_delivery"])
    program.add_tier("gold", Decimal("1500.00"), benefits=["free_delivery", "early_access"])
    program.add_action("review", 25, cap_count=1, cap_period="month")
    program.add_reward("free-coffee", 150, name="A coffee on us")
    program.add_reward("tote-bag", 250, name="Paper & Bean tote bag", stock=40)
    program.add_reward("signed-edition", 600, name="A signed first edition", min_tier="silver")
    program.add_reward("reading-retreat", 2500, name="A weekend reading retreat", min_tier="gold")
    return program


def print_side_effects(program: loyalty.Program, since: int) -> None:
    """The referral bonuses and tier changes among the ledger entries from index @p since on."""
    for e in program.ledger()[since:]:
        if e.kind is EntryKind.REFERRAL:
            print(f"            {e.points:+d} points: {e.memo}")
        if e.kind is EntryKind.TIER:  # the ref is the new tier
            print(f"            tier {e.memo}, with" + "".join(f" {b}" for b in program.tiers[e.ref].benefits))


class Calendar:
    """The shop's calendar: moving it forward runs the maintenance sweeps due on
    the way, on the 1st of every month at 02:00 (a real shop might sweep nightly)."""

    def __init__(self, program: loyalty.Program, year: int, month: int) -> None:
        self.program = program
        self.year, self.month = year, month  # of the next sweep

    def advance(self, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
        now = local(year, month, day, hour, minute)
        while True:
            sweep = local(self.year, self.month, 1, 2, 0)
            if sweep > now:
                return now  # the library never reads a clock: the caller passes time in
            report = self.program.maintain(sweep)
            if report.entries > 0:
                say(sweep, f"sweep, all accounts: {report.matured} points matured, {report.expired} expired\n")
            self.month = self.month % 12 + 1
            self.year += self.month == 1


def enroll(program: loyalty.Program, uuid: str, name: str, birthday, referral_code, at) -> loyalty.Customer:
    member = program.enroll(uuid, loyalty.Customer(uuid, name=name, birthday=birthday), referral_code, at=at)
    with_code = f" with code {referral_code}" if referral_code else ""
    say(at, f"{name} joins{with_code}; referral code {program.referral_code(member)}\n")
    return member


def buy(program: loyalty.Program, who, order: str, at, channel: str, items) -> None:
    before = len(program.ledger())
    purchase = loyalty.Purchase(order, who, at, "USD", channel=channel, items=items)  # the order number is the key
    receipt = program.record_purchase(purchase)
    extras = "".join(
        f" ({line.strategy} {'+' if line.points > 0 else ''}{line.points})"  # what came on top of the base
        for line in receipt
        if line.role is not Role.BASE and line.points != 0
    )
    say(at, f"{order}, {channel} {dollars(purchase.total)}: {receipt.credited:+d} points{extras}")
    if receipt.entry_seq is not None and receipt.entry_seq <= before:  # an older EARN entry
        print(", the first receipt again: a retry records nothing")
    else:
        print(f", held until {date(receipt.pending_until)}")
    print_side_effects(program, before)


def print_statement(program: loyalty.Program, who, now) -> None:
    """The account screen of the shop's app."""
    pr = program.progress(who, now)
    benefits = program.tiers[pr.tier].benefits if pr.tier is not None else ()
    print(f"\n  tier         {pr.tier or ''}, with" + "".join(f" {b}" for b in benefits), end="")
    if pr.next_tier is not None:
        print(f"\n  next tier    {pr.next_tier}: spend {dollars(pr.to_next_tier)} more this year "
              f"({dollars(pr.metric)} so far)", end="")
    print(f"\n  points       {pr.available} available, {pr.pending} pending")
    if pr.next_expiry is not None:
        print(f"  next expiry  {pr.next_expiry_points} points on {date(pr.next_expiry)}")
    for i, reward in enumerate(program.rewards):
        missing = program.points_missing(who, reward.id)
        line = f"  {'rewards' if i == 0 else '':<12} {reward.name:<26} {reward.cost:>4}  "
        line += f"{missing} points to go" if missing > 0 else "yours to take"
        if reward.min_tier is not None:
            line += f", {reward.min_tier} and up"
        if reward.stock is not None:
            line += f", {reward.stock} left"
        print(line)


def print_ledger(program: loyalty.Program, who) -> None:
    """The ledger in the order it was written. A sweep dates a maturity or an
    expiry when it happened, which may be before entries written earlier."""
    print("\n  date        entry          points  pending  balance  memo")
    for e in program.ledger(who):
        if e.kind in (EntryKind.REDEEM, EntryKind.REDEEM_CANCEL):
            memo = e.ref  # the reward: the memo is the coupon code, a random UUID
        elif e.kind in (EntryKind.EARN, EntryKind.REFUND, EntryKind.ACTION):
            memo = f"{e.memo} {e.ref}"  # the order, the action
        else:
            memo = e.memo
        print(f"  {date(e.at)}  {e.kind:<13} {e.points:6d}  {e.pending:7d}  {e.available_after:7d}  {memo}")


def main() -> None:
    print(f"libloyalty {loyalty.version} - a year at Paper & Bean (dates at UTC-05:00)\n")
    with build_program() as program:  # closing it frees its calculator, customers and ledger
        cal = Calendar(program, 2026, 2)  # the first sweep: 1 February
        iris = enroll(program, "0c0ffee0-b00c-4000-8000-000000000001", "Iris Novak", (6, 12), None,
                      cal.advance(2026, 1, 10, 9, 30))
        buy(program, iris, "order-1001", cal.advance(2026, 1, 10, 9, 35), "store",
            [("latte", "coffee", 1, 475), ("novel", "books", 1, 1800)])
        at = cal.advance(2026, 2, 14, 18, 0)
        for _attempt in range(2):  # the till retries after a timeout
            buy(program, iris, "order-1002", at, "online",
                [("cookbook", "books", 1, 3500), ("gift-card", "gift_card", 1, 2500)])

        at = cal.advance(2026, 3, 8, 20, 0)
        review = program.record_action("review-0308", iris, "review", at)
        say(at, f"a book review: {review.points:+d} points\n")
        at = cal.advance(2026, 3, 9, 8, 0)
        say(at, "another review: ")
        try:
            program.record_action("review-0309", iris, "review", at)
        except loyalty.OutOfRange as refused:  # a failed call changes nothing
            print(f"refused, {refused}")

        # a friend joins with Iris's code: his first purchase of $20 or more pays them both
        tom = enroll(program, "0c0ffee0-b00c-4000-8000-000000000002", "Tom Reyes", None,
                     program.referral_code(iris), cal.advance(2026, 3, 15, 11, 0))
        buy(program, tom, "order-2001", cal.advance(2026, 3, 21, 16, 45), "store",
            [("thriller", "books", 1, 2400), ("mocha", "coffee", 1, 600)])

        buy(program, iris, "order-1003", cal.advance(2026, 4, 18, 10, 15), "store",
            [("beans-1lb", "coffee", 2, 1600), ("scone", "pastry", 1, 375)])
        buy(program, iris, "order-1004", cal.advance(2026, 5, 23, 13, 0), "online",
            [("box-set", "books", 1, 23000), ("espresso-maker", "homeware", 1, 18000)])
        at = cal.advance(2026, 6, 2, 12, 0)  # she returns the espresso maker within 14 days
        refund = program.refund("refund-1004", "order-1004", Decimal("180.00"), at)
        say(at, f"refund of $180.00 on order-1004: {-refund.clawed_back:+d} points "
                f"({refund.from_pending} of them still held)\n")
        buy(program, iris, "order-1005", cal.advance(2026, 6, 12, 8, 10), "store",  # her birthday
            [("latte", "coffee", 1, 475), ("cake", "pastry", 1, 650)])

        at = cal.advance(2026, 7, 4, 15, 0)
        tote = program.redeem("redeem-0704", iris, "tote-bag", at)
        say(at, f"redeems a tote bag: -{tote.points} points\n")
        at = cal.advance(2026, 7, 5, 9, 0)
        tote = program.cancel_redemption("cancel-0705", tote, at)
        say(at, f"cancels it: {tote.points} points back, with their expiry, and the bag back in stock\n")
        say(at, "Tom asks for a signed edition: ")
        try:
            program.redeem("redeem-0705-tom", tom, "signed-edition", at)
        except loyalty.StateError as refused:
            print(f"refused, {refused}")
        book = program.redeem("redeem-0705", iris, "signed-edition", at)
        say(at, f"Iris, silver, redeems one: -{book.points} points\n")

        buy(program, iris, "order-1006", cal.advance(2026, 9, 5, 11, 0), "store",
            [("paperback", "books", 3, 1500), ("latte", "coffee", 1, 450)])
        buy(program, iris, "order-1007", cal.advance(2026, 12, 5, 17, 0), "online",
            [("gift-book", "books", 4, 2800), ("notebook", "stationery", 2, 1200)])
        buy(program, tom, "order-2002", cal.advance(2026, 12, 12, 14, 30), "store",
            [("wall-calendar", "stationery", 1, 1800)])
        # 1 January: $520.25 spent in 2026 keeps her silver for 2027
        buy(program, iris, "order-1008", cal.advance(2027, 3, 13, 10, 0), "store",
            [("poetry", "books", 1, 2200), ("flat-white", "coffee", 1, 500)])

        # a year after the summer, the sweep of 1 July expires what became available last June
        at = cal.advance(2027, 7, 1, 9, 0)
        say(at, "Iris opens the app")
        print_statement(program, iris, at)
        print_ledger(program, iris)


if __name__ == "__main__":
    main()
