"""replay_csv - replay a CSV of purchases into a durable loyalty program and
print each customer's statement, with libloyalty's Python binding.

    python examples/python/replay_csv.py [purchases.csv]

Each row of the CSV is one line item: order, customer, name, date
(YYYY-MM-DD), sku, product_type, quantity, unit_price (dollars). Rows of the
same order make one purchase. The default file is purchases.csv beside this
script: four customers of a café-bookshop over a quarter.

The shop pays 1 point per dollar, double on books, nothing on gift cards,
holds points 14 days (the return window) and ranks customers by their spend
in the calendar year. The program is durable: it lives in a directory (a
temporary one here). The orders are replayed a week at a time: the Monday
sweep, then the week's orders recorded in one call from columns (array('q')
buffers read in place by the C library). Then the program is closed and
opened again, and the statements are printed from what was read back.

Ids come from the customer references and times from the file, so the output
is the same on every run.
"""

from __future__ import annotations

import csv
import sys
import tempfile
import uuid
from array import array
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import loyalty

DEFAULT_CSV = Path(__file__).resolve().with_name("purchases.csv")
#: customer ids are derived from the shop's references, so they are the same on every run
SHOP = uuid.UUID("6f1c9a52-0d6e-4b7a-9b51-3f2a7c4e8d10")


def calculator() -> loyalty.Calculator:
    """The shop's rules. Reopening a durable program needs the same calculator again."""
    calc = loyalty.Calculator("USD")
    calc.exclude_product_type("gift_card")
    calc.add("base_rate", "dollar", "points=1 per=100")
    calc.add("product_type", "books", "mode=multiplier type.books=2")
    return calc


def define(program: loyalty.Program) -> None:
    program.add_tier("member", 0)
    program.add_tier("silver", Decimal("150.00"), benefits=["free_delivery"])
    program.add_tier("gold", Decimal("400.00"), benefits=["free_delivery", "early_access"])


def read_orders(path: Path) -> dict:
    """Orders in file order: key -> (customer ref, name, date, [line rows])."""
    orders: dict = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            day = datetime.strptime(row["date"], "%Y-%m-%d").replace(hour=12, tzinfo=timezone.utc)
            order = orders.setdefault(row["order"], (row["customer"], row["name"], day, []))
            if (order[0], order[2]) != (row["customer"], day):
                raise ValueError(f"{path}: order {row['order']} has lines of several customers or dates")
            order[3].append(row)
    return orders


def record(program: loyalty.Program, orders: list, customers: dict) -> tuple:
    """Enrol each new customer at their first order, then record @p orders in
    one call from columns. Returns (orders recorded, points credited)."""
    for key, (ref, name, day, _) in orders:
        if ref not in customers:
            customers[ref] = program.enroll(f"join-{ref}", id=uuid.uuid5(SHOP, ref), external_ref=ref, name=name,
                                            at=day).id
    keys, ids, at, offsets = [], [], array("q"), array("q", [0])
    types, skus, quantities, prices = [], [], array("q"), array("q")
    for key, (ref, _, day, lines) in orders:
        keys.append(key)
        ids.append(customers[ref])
        at.append(loyalty.to_ms(day))
        for line in lines:
            skus.append(line["sku"])
            types.append(line["product_type"])
            quantities.append(int(line["quantity"]))
            prices.append(loyalty.to_minor(Decimal(line["unit_price"]), "USD"))
        offsets.append(len(types))
    results = program.record_columns(keys, ids, at, types, quantities, prices, offsets, skus=skus)
    for key, result in zip(keys, results):
        if isinstance(result, BaseException):
            print(f"{key}: not recorded: {result}")
    receipts = [r for r in results if isinstance(r, loyalty.Receipt)]
    return len(receipts), sum(r.credited for r in receipts)


def replay(program: loyalty.Program, orders: dict, now: datetime) -> None:
    """A week at a time: the Monday sweep (held points mature, tiers are
    reviewed), then that week's orders in one batch; a last sweep at @p now."""
    weeks: dict = {}
    for key, order in orders.items():
        day = order[2]
        monday = (day - timedelta(days=day.weekday())).replace(hour=0)
        weeks.setdefault(monday, []).append((key, order))
    customers: dict = {}
    recorded = points = matured = 0
    for monday in sorted(weeks):
        matured += program.maintain(monday).matured
        n, credited = record(program, weeks[monday], customers)
        recorded += n
        points += credited
    matured += program.maintain(now).matured
    print(f"recorded {recorded} of {len(orders)} orders in {len(weeks)} weekly batches for {len(customers)} "
          f"customers: {points} points, {matured} matured by {now:%Y-%m-%d}")


def statement(program: loyalty.Program, customer: loyalty.Customer, now: datetime) -> None:
    progress = program.progress(customer, now)
    print()
    print(f"{customer.name} ({customer.external_ref})")
    print(f"  tier         {progress.tier}" + (f", {progress.next_tier} at ${loyalty.to_decimal(progress.to_next_tier, 'USD')} more"
                                               if progress.next_tier else ", the top tier"))
    print(f"  points       {progress.available} available, {progress.pending} pending")
    print(f"  {'date':<10}  {'entry':<8} {'points':>7} {'pending':>8} {'balance':>8}  detail")
    for e in program.ledger(customer):
        print(f"  {e.at:%Y-%m-%d}  {e.kind:<8} {e.points:>+7d} {e.pending:>+8d} {e.available_after:>8d}  {e.ref or e.memo}")


def main(argv: list) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_CSV
    orders = read_orders(path)
    last = max(day for _, _, day, _ in orders.values())
    now = last + timedelta(days=15)  # past the return window of the last order
    with tempfile.TemporaryDirectory(prefix="loyalty-replay-") as tmp:
        directory = Path(tmp) / "shop"
        with loyalty.Program.open(directory, calculator(), pending_days=14) as program:
            define(program)
            replay(program, orders, now)
        # everything acknowledged is in the directory: open it again with the same calculator
        with loyalty.Program.open(directory, calculator()) as program:
            r = program.recovery
            print(f"reopened: {program.customer_count} customers, {len(program.ledger())} ledger entries "
                  f"({r.records_replayed} journal records replayed)")
            customers = sorted((program.get_customer(e.customer_id) for e in program.ledger()
                                if e.kind is loyalty.EntryKind.ENROLL), key=lambda c: c.name)
            for customer in customers:
                statement(program, customer, now)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
