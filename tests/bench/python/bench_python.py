#!/usr/bin/env python3
"""The Python contenders of the peer benchmark (tests/bench/WORKLOAD.md), in one process.

    python bench_python.py DATA_DIR [--sample N] [--runs R]

run with the binding installed (make bench uses build/venv-bench). Contenders,
each checked purchase by purchase against the reference column of
purchases.csv before its RESULT line is printed (a disagreement exits with
status 1, naming the contender and the purchase):

  py.reference              the plain Python loop of workload/reference.py, exact integers, all purchases
  py.score_columns.buffer   Calculator.score_columns on array('q'/'I'/'B') columns, read in place, all purchases
  py.score_columns.numpy    the same on numpy arrays of those dtypes (when numpy is installed)
  py.score_columns.list     the same from plain lists (the conversion to C columns is timed too)
  py.score                  Calculator.score, one call per purchase (Purchase objects built beforehand)
  py.compute                Calculator.compute, one receipt per purchase (likewise)
  py.record_purchase        Program.record_purchase, one recording call per purchase into a program
                            with the customers enrolled and their tiers assigned (likewise)

The per-call contenders evaluate a sample of --sample purchases spread over
the year (every k-th, k = total // N: the same time order as the data set),
each run with a fresh program; the others evaluate every purchase.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
import uuid
from array import array

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "workload"))
import reference as ref  # noqa: E402

import loyalty  # noqa: E402

PROGRAM_JSON = os.path.join(HERE, "..", "workload", "program.json")
BEFORE_2026 = 1767225600000 - 86400000   # enrolment and tier assignment: 2025-12-31
UNTIL_2028 = 1830297600000               # assigned tiers hold until 2028-01-01


def build_calculator(program: dict) -> loyalty.Calculator:
    """The calculator of program.json."""
    calc = loyalty.Calculator(program["currency"], rounding=program["rounding"],
                              utc_offset=program["utc_offset_minutes"], stacking=program["stacking"])
    calc.exclude_product_type(*program["excluded_types"])
    for s in program["strategies"]:
        calc.add(s["kind"], s["name"], s["params"])
    return calc


def sums(points) -> tuple:
    return ref.checksum(points)


def agree(contender: str, got, expected, index) -> None:
    """got[k] must equal expected[index[k]]; exits 1 on the first difference."""
    for k, i in enumerate(index):
        if got[k] != expected[i]:
            print(f"DISAGREEMENT: {contender}: purchase {i} earns {got[k]} points, the reference {expected[i]}",
                  file=sys.stderr)
            sys.exit(1)


def result(contender: str, n: int, stride: int, secs: list, points, note: str) -> None:
    t = statistics.median(secs)
    total, check = sums(points)
    print(f"RESULT {contender} purchases={n} stride={stride} runs={len(secs)} ns_per_purchase={t * 1e9 / n:.1f} "
          f"per_s={n / t:.0f} sum={total} checksum={check} note={note}", flush=True)


def timed(fn, runs: int, check) -> tuple:
    """Run fn() runs times (gc collected before, disabled during each), check
    each result; return (seconds per run, last result)."""
    secs, out = [], None
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            t0 = time.perf_counter()
            out = fn()
            secs.append(time.perf_counter() - t0)
        finally:
            gc.enable()
        check(out)
    return secs, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", help="the directory of customers.csv, purchases.csv, lines.csv")
    ap.add_argument("--sample", type=int, default=30000, help="purchases for the per-call contenders")
    ap.add_argument("--runs", type=int, default=3, help="runs per contender (the median is printed)")
    a = ap.parse_args()
    with open(PROGRAM_JSON) as f:
        program = json.load(f)
    if tuple(program["product_types"]) != ref.PRODUCT_TYPES or tuple(program["tiers"]) != ref.TIERS:
        print("bench_python: program.json and reference.py disagree on the product types or tiers", file=sys.stderr)
        return 2

    t0 = time.perf_counter()
    w = ref.Workload(a.data)
    n = w.npurchases
    everything = range(n)
    print(f"bench_python: {w.ncustomers} customers, {n} purchases, {len(w.line_type)} lines loaded in "
          f"{time.perf_counter() - t0:.1f} s; loyalty {loyalty.version}; Python {sys.version.split()[0]}; "
          f"median of {a.runs} runs", flush=True)

    # ---- the plain Python loop ----------------------------------------------------------------------
    secs, pts = timed(lambda: ref.score_all(w, n), a.runs, lambda p: agree("py.reference", p, w.expected, everything))
    result("py.reference", n, 1, secs, pts, "plain_python_exact_integers")

    # ---- batches: score_columns ------------------------------------------------------------------------
    calc = build_calculator(program)
    kw = dict(type_names=list(program["product_types"]), tier_names=list(program["tiers"]))
    cols = (array("q", w.at), array("I", w.customer), array("I", w.line_start), array("I", w.line_type),
            array("q", w.quantity), array("q", w.unit_price))
    ccols = dict(customer_tier=array("I", w.tier), birth_month=array("B", w.birth_month),
                 birth_day=array("B", w.birth_day))
    secs, pts = timed(lambda: calc.score_columns(*cols, **kw, **ccols), max(a.runs, 5),
                      lambda p: agree("py.score_columns.buffer", p, w.expected, everything))
    result("py.score_columns.buffer", n, 1, secs, pts, "array_columns_in_place")
    try:
        import numpy as np
    except ImportError:
        print("bench_python: numpy is not installed: py.score_columns.numpy skipped")
    else:
        ncols = (np.array(w.at, dtype=np.int64), np.array(w.customer, dtype=np.uint32),
                 np.array(w.line_start, dtype=np.uint32), np.array(w.line_type, dtype=np.uint32),
                 np.array(w.quantity, dtype=np.int64), np.array(w.unit_price, dtype=np.int64))
        nccols = dict(customer_tier=np.array(w.tier, dtype=np.uint32), birth_month=np.array(w.birth_month, dtype=np.uint8),
                      birth_day=np.array(w.birth_day, dtype=np.uint8))
        secs, pts = timed(lambda: calc.score_columns(*ncols, **kw, **nccols), max(a.runs, 5),
                          lambda p: agree("py.score_columns.numpy", p, w.expected, everything))
        result("py.score_columns.numpy", n, 1, secs, pts, "numpy_columns_in_place")
    lcols = (w.at, w.customer, w.line_start, w.line_type, w.quantity, w.unit_price)
    secs, pts = timed(lambda: calc.score_columns(*lcols, **kw, customer_tier=w.tier, birth_month=w.birth_month,
                                                 birth_day=w.birth_day), a.runs,
                      lambda p: agree("py.score_columns.list", p, w.expected, everything))
    result("py.score_columns.list", n, 1, secs, pts, "lists_converted_in_the_call")

    # ---- one call per purchase ----------------------------------------------------------------------------
    count = min(a.sample, n)
    stride = max(1, n // count)
    index = [k * stride for k in range(count)]
    types = ref.PRODUCT_TYPES
    ids = [uuid.UUID(c) for c in w.customer_id]

    def customer(c: int) -> loyalty.Customer:
        m = w.birth_month[c]
        return loyalty.Customer(ids[c], birthday=(m, w.birth_day[c]) if m else None, tier=ref.TIERS[w.tier[c]])

    def purchases() -> list:
        out = []
        for i in index:
            items = [(types[w.line_type[j]], types[w.line_type[j]], w.quantity[j], w.unit_price[j])
                     for j in range(w.line_start[i], w.line_start[i + 1])]
            out.append(loyalty.Purchase(f"p{i}", ids[w.customer[i]], w.at[i], "USD", items=items))
        return out

    ps = purchases()
    needed = sorted({w.customer[i] for i in index})
    custs = {c: customer(c) for c in needed}
    pairs = [(custs[w.customer[i]], p) for i, p in zip(index, ps)]
    secs, pts = timed(lambda: [calc.score(c, p) for c, p in pairs], a.runs,
                      lambda p: agree("py.score", p, w.expected, index))
    result("py.score", count, stride, secs, pts, f"one_call_per_purchase_stride_{stride}")

    def compute_all():
        out = []
        for c, p in pairs:
            with calc.compute(c, p) as r:
                out.append(r.points)
        return out

    secs, pts = timed(compute_all, a.runs, lambda p: agree("py.compute", p, w.expected, index))
    result("py.compute", count, stride, secs, pts, f"one_receipt_per_purchase_stride_{stride}")

    # Program.record_purchase: a fresh program per run, its customers enrolled and
    # their tiers assigned (tier thresholds out of reach, so the CSV tier holds all year)
    record_secs, record_pts = [], None
    for run in range(a.runs):
        prog = loyalty.Program(build_calculator(program))
        for k, name in enumerate(program["tiers"]):
            prog.add_tier(name, 10**15 * (k + 1))
        for c in needed:
            prog.enroll(f"enrol-{c}", custs[c], at=BEFORE_2026)
            if w.tier[c] > 0:
                prog.assign_tier(f"tier-{c}", ids[c], ref.TIERS[w.tier[c]], UNTIL_2028, BEFORE_2026)
        fresh = purchases() if run > 0 else ps
        secs, receipts = timed(lambda: [prog.record_purchase(p) for p in fresh], 1, lambda r: None)
        record_secs += secs
        record_pts = [r.points for r in receipts]
        agree("py.record_purchase", record_pts, w.expected, index)
        prog.close()
    result("py.record_purchase", count, stride, record_secs, record_pts, f"one_recording_call_per_purchase_stride_{stride}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
