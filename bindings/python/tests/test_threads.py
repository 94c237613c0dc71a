"""Threads: many Python threads computing on one calculator, the GIL, and
objects changed while a computation reads them."""

from __future__ import annotations

import sys
import threading
import time

import pytest

import loyalty
from conftest import THREADS, buy, calculator, customer, run_threads



def stacking_calc():
    c = calculator()
    c.add("base_rate", "base", "points=1 per=100")
    c.add("tier_multiplier", "tier", "tier.gold=3/2")
    c.add("campaign", "double", "multiplier=2")
    c.add("threshold", "bonus", "min_spend=0 bonus=5")
    return c


def test_eight_threads_compute_on_one_calculator():
    c = stacking_calc()
    gold = customer(1, tier="gold")
    p = buy(gold, 0, *[("t", 1, 500)] * 20, key="k")
    results = [[] for _ in range(THREADS)]

    def work(k):
        for _ in range(1500):
            results[k].append(c.compute(gold, p).points)

    run_threads(work)
    assert all(r == [255] * 1500 for r in results)


def test_eight_threads_with_a_python_strategy():
    c = stacking_calc()
    calls = []
    c.add_custom("count", "bonus", lambda inp: calls.append(1) or 1)
    gold = customer(1, tier="gold")
    p = buy(gold, 0, ("t", 1, 10000), key="k")
    results = [[] for _ in range(THREADS)]

    def work(k):
        mine = customer(100 + k, tier="gold" if k % 2 else None)
        mp = buy(mine, 0, ("t", 1, 10000), key=f"k{k}")
        for _ in range(300):
            results[k].append((c.points(gold, p), c.points(mine, mp)))

    run_threads(work)
    assert len(calls) == THREADS * 600
    for k, r in enumerate(results):
        assert r == [(256, 256 if k % 2 else 206)] * 300


def test_eight_threads_batch():
    c = stacking_calc()
    custs = [customer(i, tier="gold" if i % 2 else None) for i in range(200)]
    ps = [buy(cu, 0, ("t", 1, 100 * i), key=f"k{i}") for i, cu in enumerate(custs)]
    expected = [c.points(cu, p) for cu, p in zip(custs, ps)]
    out = [None] * THREADS

    def work(k):
        got = []
        for _ in range(20):
            got = [r.points for r in c.compute_many(custs, ps)]
        out[k] = got

    run_threads(work)
    assert out == [expected] * THREADS


def test_compute_releases_the_gil():
    """While one thread computes a large purchase in C, another Python thread runs."""
    c = calculator()
    c.add("base_rate", "base", "points=1 per=100")
    c.add("product_type", "types", "mode=multiplier type.t3=2 type.t7=3/2")
    a = customer(1)
    p = buy(a, 0, *[(f"t{i % 10}", 1, 100 + i) for i in range(10000)], key="big")
    ps = [p] * 40
    ticks = []
    done = threading.Event()

    def ticker():
        while not done.is_set():
            ticks.append(1)
            time.sleep(0)

    old = sys.getswitchinterval()
    sys.setswitchinterval(10.0)  # a held GIL would starve the ticker for ten seconds
    try:
        t = threading.Thread(target=ticker)
        t.start()
        time.sleep(0.01)
        before = len(ticks)
        start = time.monotonic()
        c.compute_many(a, ps)
        elapsed = time.monotonic() - start
        during = len(ticks) - before
        done.set()
        t.join()
    finally:
        sys.setswitchinterval(old)
    assert elapsed < 10.0  # shorter than the switch interval, else the ticks prove nothing
    assert during > 0, f"no other thread ran during {elapsed:.3f} s of C work"


def test_changing_an_object_that_a_computation_reads_raises_state_error():
    """A Python strategy blocks the computation; meanwhile another thread tries
    to change the customer, the purchase and the calculator."""
    entered, release = threading.Event(), threading.Event()

    def blocking(inp):
        entered.set()
        release.wait(10)  # releases the GIL
        return 1

    c = calculator()
    c.add_custom("block", "bonus", blocking)
    a = customer(1)
    p = buy(a, 0, ("t", 1, 100))
    result = []
    t = threading.Thread(target=lambda: result.append(c.points(a, p)))
    t.start()
    assert entered.wait(10)
    try:
        for change in (lambda: setattr(a, "name", "x"), lambda: p.add_item("s", "t", 1, 1),
                       lambda: c.add("base_rate", "b", "points=1 per=100"), lambda: a.add_tag("vip"),
                       lambda: setattr(p, "channel", "web"), lambda: c.exclude_product_type("x")):
            with pytest.raises(loyalty.StateError, match="computation is reading"):
                change()
        assert a.name is None  # reading is fine
        other = customer(2)
        other.name = "free"  # other objects are not busy
        # closing drops the Python reference; the computation keeps its own
        a.close(), p.close(), c.close()
    finally:
        release.set()
        t.join(10)
    assert result == [1]
    assert a.closed and p.closed and c.closed
