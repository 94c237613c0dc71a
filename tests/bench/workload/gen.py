#!/usr/bin/env python3
"""Generate the benchmark workload (tests/bench/WORKLOAD.md): seeded, byte-identical per seed.

    python3 tests/bench/workload/gen.py --customers 100000 --purchases 1000000 --seed 7 --out DIR

writes DIR/customers.csv, DIR/purchases.csv (with the reference points of
reference.py) and DIR/lines.csv, then DIR/SUMMARY (counts, sum and checksum
of the points). Only the standard library; every draw is an integer taken
from random.Random(seed) in the order WORKLOAD.md lists.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference as ref  # noqa: E402

YEAR_START = 1767225600000  # 2026-01-01T00:00Z
YEAR_END = 1798761600000    # 2027-01-01T00:00Z
#: unit price bands in cents (each drawn with the same probability, then uniform within)
PRICE_BANDS = ((50, 999), (1000, 4999), (5000, 20000))
OTHER_TYPES = [i for i in range(len(ref.PRODUCT_TYPES)) if i != ref.GIFT_CARD]


def generate(ncustomers: int, npurchases: int, seed: int, out: str) -> None:
    rng = random.Random(seed)
    rand = rng.random
    rbits = rng.getrandbits

    def below(n: int) -> int:  # uniform in [0, n): the standard library's rejection method
        return rng.randrange(n)

    # ---- customers ---------------------------------------------------------------------
    tier = [0] * ncustomers
    bmonth = [0] * ncustomers
    rows = ["customer,id,tier,birth_month,birth_day\n"]
    for i in range(ncustomers):
        u = rbits(128)
        u = (u & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48)  # version 4, RFC 4122 variant
        h = f"{u:032x}"
        r = below(100)
        t = 0 if r < 60 else 1 if r < 90 else 2
        tier[i] = t
        if below(100) < 5:
            month = day = ""
        else:
            m = 1 + below(12)
            bmonth[i] = m
            month, day = str(m), str(1 + below(28))
        rows.append(f"{i},{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]},{ref.TIERS[t]},{month},{day}\n")
    with open(os.path.join(out, "customers.csv"), "w", newline="") as f:
        f.writelines(rows)

    # ---- purchases and lines -----------------------------------------------------------
    span = YEAR_END - YEAR_START
    at = sorted(YEAR_START + below(span) for _ in range(npurchases))
    names = ref.PRODUCT_TYPES
    types: list = []
    qty: list = []
    price: list = []
    prow = ["purchase,customer,at_ms,first_line,nlines,points\n"]
    lrow = ["purchase,product_type,quantity,unit_price\n"]
    pts_all = []
    nother = len(OTHER_TYPES)
    for i in range(npurchases):
        c = below(ncustomers)
        n = 1 + below(5)
        lo = len(types)
        for _ in range(n):
            ty = ref.GIFT_CARD if below(100) < 5 else OTHER_TYPES[below(nother)]
            q = 1 + below(3)
            band_lo, band_hi = PRICE_BANDS[below(3)]
            u = band_lo + below(band_hi - band_lo + 1)
            types.append(ty)
            qty.append(q)
            price.append(u)
            lrow.append(f"{i},{names[ty]},{q},{u}\n")
        p = ref.points(at[i], tier[c], bmonth[c], types, qty, price, lo, lo + n)
        pts_all.append(p)
        prow.append(f"{i},{c},{at[i]},{lo},{n},{p}\n")
    with open(os.path.join(out, "purchases.csv"), "w", newline="") as f:
        f.writelines(prow)
    with open(os.path.join(out, "lines.csv"), "w", newline="") as f:
        f.writelines(lrow)
    total, check = ref.checksum(pts_all)
    with open(os.path.join(out, "SUMMARY"), "w") as f:
        f.write(f"customers={ncustomers} purchases={npurchases} lines={len(types)} seed={seed} "
                f"points_sum={total} checksum={check}\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--customers", type=int, default=100000)
    ap.add_argument("--purchases", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", required=True, help="directory to write the CSV files into (created)")
    a = ap.parse_args()
    if a.customers < 1 or a.purchases < 0:
        ap.error("--customers must be >= 1 and --purchases >= 0")
    os.makedirs(a.out, exist_ok=True)
    t0 = time.perf_counter()
    generate(a.customers, a.purchases, a.seed, a.out)
    with open(os.path.join(a.out, "SUMMARY")) as f:
        summary = f.read().strip()
    print(f"gen.py: {a.out}: {summary} ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
