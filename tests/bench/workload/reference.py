"""The reference rule of the benchmark workload, in plain Python and exact integers.

tests/bench/WORKLOAD.md states the rule; this module is its executable form,
used by gen.py (to write the reference points of purchases.csv) and by the
Python benchmark (as the "plain Python loop" contender). No floats anywhere:
line weights are whole quarters, so a purchase's points are one integer
division of an integer sum.
"""

from __future__ import annotations

import csv
import os
from typing import Dict, List, Sequence, Tuple

#: the 12 product types, in the order of program.json (a type's index is its id in the CSV-free columns)
PRODUCT_TYPES: Tuple[str, ...] = (
    "grocery", "beverages", "bakery", "household", "electronics", "toys",
    "books", "clothing", "beauty", "sports", "garden", "gift_card",
)
TIERS: Tuple[str, ...] = ("bronze", "silver", "gold")
GIFT_CARD = PRODUCT_TYPES.index("gift_card")

#: (multiplier - 1) in quarters, per product type and per tier
TYPE_EXTRA_Q: Tuple[int, ...] = tuple(
    {"electronics": 2, "books": 4, "beauty": 1, "sports": 2}.get(t, 0) for t in PRODUCT_TYPES)
TIER_EXTRA_Q: Tuple[int, ...] = (0, 1, 2)
CAMPAIGN_START = 1793491200000  # 2026-11-01T00:00Z, inclusive
CAMPAIGN_END = 1796083200000    # 2026-12-01T00:00Z, exclusive
CAMPAIGN_TYPES = frozenset(PRODUCT_TYPES.index(t) for t in ("electronics", "toys"))
BIRTHDAY_BONUS = 100
THRESHOLD_SPEND = 20000
THRESHOLD_BONUS = 250
MS_PER_DAY = 86400000

def _weights() -> List[List[List[int]]]:
    """w[campaign][tier][type] in quarters: 4 + 4*(mtype-1) + 4*(mtier-1) + 4*campaign(type)."""
    w = []
    for campaign in (0, 1):
        per_tier = []
        for tr in range(len(TIERS)):
            row = []
            for ty in range(len(PRODUCT_TYPES)):
                if ty == GIFT_CARD:
                    row.append(0)  # excluded: earns nothing
                    continue
                row.append(4 + TYPE_EXTRA_Q[ty] + TIER_EXTRA_Q[tr]
                           + (4 if campaign and ty in CAMPAIGN_TYPES else 0))
            per_tier.append(row)
        w.append(per_tier)
    return w


#: WEIGHTS[campaign][tier][type], quarters (gift_card: 0)
WEIGHTS = _weights()


def month_of(at_ms: int) -> int:
    """The UTC calendar month (1-12) of an instant in ms (Howard Hinnant's civil_from_days)."""
    z = at_ms // MS_PER_DAY + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    return mp + 3 if mp < 10 else mp - 9


def points(at_ms: int, tier: int, birth_month: int, types: Sequence[int], quantities: Sequence[int],
           unit_prices: Sequence[int], lo: int, hi: int) -> int:
    """The points of one purchase: lines [lo, hi) of the line columns; tier an index
    into TIERS; birth_month 1-12, or 0 for a customer without a birthday."""
    w = WEIGHTS[1 if CAMPAIGN_START <= at_ms < CAMPAIGN_END else 0][tier]
    weighted = 0
    eligible = 0
    for j in range(lo, hi):
        ty = types[j]
        if ty != GIFT_CARD:
            total = quantities[j] * unit_prices[j]
            eligible += total
            weighted += total * w[ty]
    pts = weighted // 400
    if birth_month and month_of(at_ms) == birth_month:
        pts += BIRTHDAY_BONUS
    if eligible >= THRESHOLD_SPEND:
        pts += THRESHOLD_BONUS
    return pts


def score_all(d: "Workload", n: int) -> List[int]:
    """The plain Python loop: the points of the first n purchases, in order."""
    at, cust, first = d.at, d.customer, d.line_start
    tier, bmonth = d.tier, d.birth_month
    types, qty, price = d.line_type, d.quantity, d.unit_price
    out = [0] * n
    for i in range(n):
        c = cust[i]
        out[i] = points(at[i], tier[c], bmonth[c], types, qty, price, first[i], first[i + 1])
    return out


# ---- checks every contender reports -------------------------------------------------

CHECKSUM_MOD = 2147483647  # 2^31 - 1
CHECKSUM_MUL = 1000003


def checksum(pts: Sequence[int]) -> Tuple[int, int]:
    """(sum, checksum) of points in purchase order: c = (c * 1000003 + p + 1) mod (2^31 - 1).
    Every intermediate stays below 2^52, so JavaScript numbers compute it exactly."""
    c = 0
    for p in pts:
        c = (c * CHECKSUM_MUL + p + 1) % CHECKSUM_MOD
    return sum(pts), c


# ---- the CSV files --------------------------------------------------------------------

class Workload:
    """The columns of the three CSV files (tests/bench/WORKLOAD.md), as lists of ints."""

    def __init__(self, directory: str) -> None:
        tier_index: Dict[str, int] = {t: i for i, t in enumerate(TIERS)}
        type_index: Dict[str, int] = {t: i for i, t in enumerate(PRODUCT_TYPES)}
        self.directory = directory
        self.customer_id: List[str] = []
        self.tier: List[int] = []
        self.birth_month: List[int] = []
        self.birth_day: List[int] = []
        with open(os.path.join(directory, "customers.csv"), newline="") as f:
            rows = csv.reader(f)
            next(rows)
            for _, cid, tier, month, day in rows:
                self.customer_id.append(cid)
                self.tier.append(tier_index[tier])
                self.birth_month.append(int(month) if month else 0)
                self.birth_day.append(int(day) if day else 0)
        self.at: List[int] = []
        self.customer: List[int] = []
        self.line_start: List[int] = []
        self.expected: List[int] = []
        with open(os.path.join(directory, "purchases.csv"), newline="") as f:
            rows = csv.reader(f)
            next(rows)
            for _, cust, at, first, _n, pts in rows:
                self.customer.append(int(cust))
                self.at.append(int(at))
                self.line_start.append(int(first))
                self.expected.append(int(pts))
        self.line_type: List[int] = []
        self.quantity: List[int] = []
        self.unit_price: List[int] = []
        with open(os.path.join(directory, "lines.csv"), newline="") as f:
            rows = csv.reader(f)
            next(rows)
            for _, ty, q, u in rows:
                self.line_type.append(type_index[ty])
                self.quantity.append(int(q))
                self.unit_price.append(int(u))
        self.line_start.append(len(self.line_type))

    @property
    def npurchases(self) -> int:
        return len(self.at)

    @property
    def ncustomers(self) -> int:
        return len(self.tier)


def first_difference(got: Sequence[int], expected: Sequence[int]) -> int:
    """The index of the first purchase whose points differ, or -1."""
    for i, (g, e) in enumerate(zip(got, expected)):
        if g != e:
            return i
    return -1 if len(got) <= len(expected) else len(expected)
