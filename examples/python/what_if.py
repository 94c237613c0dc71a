"""what_if - what would a change to the loyalty program have cost last year?

    python examples/python/what_if.py [chart.png] [--customers N] [--purchases N]

A café-bookshop generates (seeded, so every run is the same) a year of
purchases for 100,000 customers: 300,000 orders by default (each customer
buys at least once, a few heavy buyers make most of the rest), written to a CSV file and read back as a
loyalty.History. Its current program pays 1 point per dollar, x5/4 for
silver and x3/2 for gold members (tiers by points earned in the calendar
year), holds points 14 days and lets them expire after 12 months.

Two proposals are replayed against the same year, each next to the current
program, by loyalty.simulate:
  - "double points weekends": a campaign doubling points on Saturdays and Sundays;
  - "richer tier multipliers": x3/2 for silver and x2 for gold.
It prints what each would have issued and cost (a point costs one cent), the
outstanding liability, the tier mix and how many customers would hold
another tier, and draws the liability month by month for the three programs
(matplotlib) into chart.png (default: build/what_if.png).

The number of orders keeps the demo around a minute: each simulation records
every order twice (once per program).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path

import loyalty

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CHART = ROOT / "build" / "what_if.png"

#: (sku, product type, price range in cents)
CATALOG = [
    ("latte", "coffee", 350, 550),
    ("espresso", "coffee", 250, 350),
    ("croissant", "bakery", 250, 450),
    ("novel", "books", 1200, 2800),
    ("atlas", "books", 3000, 6000),
    ("notebook", "stationery", 300, 1500),
    ("gift-25", "gift_card", 2500, 2500),
]


def generate(path: Path, customers: int, orders: int, seed: int = 2026) -> None:
    """A year of orders as CSV lines (order, customer, date, sku, product_type, quantity, unit_price)."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["order", "customer", "date", "sku", "product_type", "quantity", "unit_price"])
        for i in range(orders):
            # everyone buys once, then a few heavy buyers buy most of the rest
            who = i if i < customers else int(customers * rng.random() ** 3)
            at = start + timedelta(days=rng.randrange(365), hours=rng.randrange(7, 21), minutes=rng.randrange(60))
            stamp = at.strftime("%Y-%m-%dT%H:%M:00Z")
            for _ in range(1 + int(rng.random() ** 2 * 3)):
                sku, kind, low, high = CATALOG[rng.randrange(len(CATALOG))]
                cents = rng.randrange(low, high + 1, 5)
                out.writerow([f"A-{i:07d}", f"C{who:06d}", stamp, sku, kind, rng.choice((1, 1, 1, 2)),
                              f"{cents // 100}.{cents % 100:02d}"])


def program(weekends: bool = False, silver: str = "5/4", gold: str = "3/2") -> loyalty.Program:
    """The shop's program; a sandbox for the simulator (no customers yet)."""
    calc = loyalty.Calculator("USD")
    calc.exclude_product_type("gift_card")
    calc.add("base_rate", "dollar", "points=1 per=100")
    calc.add("tier_multiplier", "tiers", {"tier.silver": silver, "tier.gold": gold})
    if weekends:
        calc.add("campaign", "weekends", "multiplier=2 weekdays=sat,sun")
    p = loyalty.Program(calc, pending_days=14, expiry="bucket", expiry_months=12, tier_metric="points")
    p.add_tier("silver", 150)
    p.add_tier("gold", 500)
    return p


def dollars(amount: Fraction) -> str:
    return f"${float(amount) / 100:,.2f}"


def table(current: loyalty.SimulationTotals, tiers: dict, rows: list) -> None:
    print()
    print(f"{'program':<26}{'points issued':>15}{'expired':>10}{'liability':>12}{'cost':>15}"
          f"{'silver':>8}{'gold':>7}{'tier changes':>14}")
    line = "{:<26}{:>15,}{:>10,}{:>12,}{:>15}{:>8,}{:>7,}{:>14}"
    print(line.format("current", current.issued, current.expired, current.liability, dollars(current.cost),
                      tiers["silver"], tiers["gold"], "-"))
    for name, report in rows:
        a, d = report.alternative, report.difference
        alt_tiers = report.tiers["alternative"]
        print(line.format(name, a.issued, a.expired, a.liability, dollars(a.cost), alt_tiers["silver"],
                          alt_tiers["gold"], f"{len(report.tier_changes):,}"))
        print(f"{'':<26}{d.issued:>+15,}{d.expired:>+10,}{d.liability:>+12,}{'+' + dollars(d.cost):>15}")


def chart(path: Path, current: list, rows: list) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"\nmatplotlib is not installed: no chart (pip install matplotlib)")
        return
    fig, ax = plt.subplots(figsize=(9, 5))
    ax.plot([p.end for p in current], [p.liability for p in current], marker="o", label="current program")
    for name, report in rows:
        series = report.series["alternative"]
        ax.plot([p.end for p in series], [p.liability for p in series], marker="o", label=name)
    ax.set_title("Outstanding points (liability) at each month end, 2026")
    ax.set_ylabel("points")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v / 1e6:.1f}M"))
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.autofmt_xdate()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    print(f"\nchart: {path}")


def main(argv: list) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chart", nargs="?", type=Path, default=DEFAULT_CHART)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--purchases", type=int, default=300_000)
    args = parser.parse_args(argv[1:])

    with tempfile.TemporaryDirectory(prefix="loyalty-what-if-") as tmp:
        path = Path(tmp) / "year.csv"
        t = time.monotonic()
        generate(path, args.customers, args.purchases)
        history = loyalty.History.from_csv(path, "USD", progress=True)
    counts = history.counts
    print(f"a year of {counts['purchases']:,} orders of {counts['enrollments']:,} customers "
          f"(generated and read in {time.monotonic() - t:.1f} s)")

    proposals = [("double points weekends", dict(weekends=True)),
                 ("richer tier multipliers", dict(silver="3/2", gold="2"))]
    rows = []
    for name, definition in proposals:
        t = time.monotonic()
        with program() as current, program(**definition) as proposal:
            report = loyalty.simulate(history, current, proposal, point_value=1, progress=True)
        print(f"{name}: simulated in {time.monotonic() - t:.1f} s")
        rows.append((name, report))
    base = rows[0][1]  # the current program's side is the same in every report (deterministic)
    assert all(r.base == base.base for _, r in rows)
    table(base.base, base.tiers["base"], rows)
    chart(args.chart, base.series["base"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
