"""Threads and the program: every program call releases the GIL, so Python
threads share one program, custom Python strategies included, without
deadlocking; the ledger invariant holds afterwards."""

from __future__ import annotations

import faulthandler
import subprocess
import sys
import textwrap
import threading
import time
from fractions import Fraction

import pytest

import loyalty
from conftest import THREADS, run_threads
from programs import DAY, T, available, calc, check_all, check_ledger, cid, enrol, purchase, snap



@pytest.fixture(autouse=True)
def no_hang():
    """A deadlock fails the run with every thread's stack instead of hanging it."""
    faulthandler.dump_traceback_later(120, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def test_eight_threads_share_a_program_with_python_strategies():
    calls = []
    lock = threading.Lock()

    def loyal_bonus(inp):
        """A custom strategy (Python, so it takes the GIL inside the program's lock)."""
        with lock:
            calls.append(1)
        return Fraction(inp.eligible_spend, 1000) if inp.customer.has_tag("vip") else 0

    class EveryTenth:
        def compute(self, inp):
            return 5 if inp.purchase.key.endswith("0") else 0

    c = calc()
    c.add_custom("loyal", "bonus", loyal_bonus)
    c.add_custom("tenth", "bonus", EveryTenth())
    p = loyalty.Program(c, pending_days=0)
    p.add_reward("coffee", 30)
    p.add_reward("mug", 50, stock=20)
    customers = []
    for n in range(2 * THREADS):
        p.enroll(f"enrol-{n}", loyalty.Customer(cid(n), tags=["vip"] if n % 2 else []), at=T(2026, 1, 1))
        customers.append(cid(n))
    outcome = [dict(credited={}, redeemed=0, mugs=0, short=0) for _ in range(THREADS)]
    rounds = 150

    def work(k):
        mine = outcome[k]
        for i in range(rounds):
            at = T(2026, 1, 2) + i * 1000
            # the threads take turns with every customer
            who = customers[(k + i) % len(customers)]
            key = f"o-{(k + i) % len(customers)}-{i}"
            r = p.record_purchase(purchase(who, key, at, 4000 + 100 * (i % 7)))
            mine["credited"][key] = r.credited
            # and all of them send the same purchase: one records it, the others replay it
            shared = p.record_purchase(purchase(customers[i % len(customers)], f"s-{i}", at, 1500))
            mine["credited"][f"s-{i}"] = shared.credited
            mine.setdefault("shared", {})[i] = shared.entry_seq
            if i % 5 == 0:  # a batch, with a bad purchase in it
                out = p.record_purchases([purchase(who, f"b-{k}-{i}", at, 500),
                                          purchase(cid(999), f"x-{k}-{i}", at, 500)])
                assert isinstance(out[1], loyalty.NotFound)
                mine["credited"][f"b-{k}-{i}"] = out[0].credited
            for reward in ("coffee", "mug"):
                try:
                    p.redeem(f"r-{k}-{i}-{reward}", who, reward, at + 1)
                    mine["redeemed"] += 30 if reward == "coffee" else 50
                    mine["mugs"] += reward == "mug"
                except (loyalty.InsufficientPoints, loyalty.OutOfRange):
                    mine["short"] += 1
            # readers interleave with writers
            assert p.get_customer(who).available >= 0
            assert p.progress(who, at + 2).available >= 0
            assert len(p.ledger(who)) >= 2

    start = time.monotonic()
    run_threads(work)
    elapsed = time.monotonic() - start
    credited = {}
    for o in outcome:
        for key, points in o["credited"].items():
            assert credited.setdefault(key, points) == points  # a replay returns the first receipt
    for i in range(rounds):  # the same EARN entry for every thread
        assert len({o["shared"][i] for o in outcome}) == 1
    earned = sum(p.get_customer(x).lifetime_earned for x in customers)
    redeemed = sum(p.get_customer(x).lifetime_redeemed for x in customers)
    assert earned == sum(credited.values())
    assert redeemed == sum(o["redeemed"] for o in outcome)
    assert sum(o["mugs"] for o in outcome) == 20 and p.rewards["mug"].stock == 0
    assert len(calls) >= len(credited)
    check_all(p)
    for x in customers:
        check_ledger(p, x)
    assert elapsed < 60


def test_a_thread_waiting_for_the_program_does_not_hold_the_gil():
    """One thread is inside a purchase whose Python strategy waits; a second
    calls the program and waits for its lock; the main thread keeps running
    Python meanwhile, then lets the strategy finish. Run in a subprocess: a
    binding that kept the GIL would deadlock, and the timeout says so."""
    script = textwrap.dedent("""
        import threading, time, loyalty
        entered, release = threading.Event(), threading.Event()
        def blocking(inp):
            entered.set()
            release.wait(10)
            return 1
        c = loyalty.Calculator("USD")
        c.add("base_rate", "base", "points=1 per=100")
        c.add_custom("block", "bonus", blocking)
        p = loyalty.Program(c)
        ada = p.enroll("e", name="Ada", at=0)
        order = loyalty.Purchase("o", ada, 1, "USD", items=[("s", "t", 1, 1000)])
        got = []
        t1 = threading.Thread(target=lambda: got.append(p.record_purchase(order).credited))
        t1.start()
        assert entered.wait(10)
        t2 = threading.Thread(target=lambda: got.append(p.get_customer(ada).available))
        t2.start()
        time.sleep(0.2)
        ticks = sum(1 for _ in range(100000))  # the GIL is free: this runs
        assert t2.is_alive(), "the reader should wait for the program's lock"
        try:
            order.add_item("s2", "t", 1, 1)
        except loyalty.StateError as e:
            assert "computation is reading" in str(e)
        else:
            raise AssertionError("a purchase being recorded must not change")
        release.set()
        t1.join(10); t2.join(10)
        assert not t1.is_alive() and not t2.is_alive()
        assert got == [11, 11], got
        print("ok", ticks)
    """)
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("deadlock: a thread waited for the program's lock with the GIL held")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok 100000")


def test_a_strategy_cannot_call_the_program_that_runs_it():
    """It would wait for the program's lock, held by its own thread: StateError
    instead, raised out of the purchase; nothing is recorded."""
    box = {}

    def nosy(inp):
        box["count"] = box["program"].customer_count  # raises StateError
        return 0

    c = calc()
    c.add_custom("nosy", "bonus", nosy)
    p = loyalty.Program(c)
    box["program"] = p
    a = enrol(p, 1, T(2026, 1, 1))
    before = snap(p, a)
    with pytest.raises(loyalty.StateError, match="cannot call the program that is running it"):
        p.record_purchase(purchase(a, "o1", T(2026, 1, 2), 1000))
    assert snap(p, a) == before and "count" not in box
    # another program may be used from a strategy
    other = loyalty.Program(calc())
    box["program"] = other
    assert p.record_purchase(purchase(a, "o1", T(2026, 1, 2), 1000)).credited == 10
    assert box["count"] == 0
    check_ledger(p, a)


def test_concurrent_redemptions_spend_the_points_once():
    p = loyalty.Program(calc())
    p.add_reward("blender", 100)
    c = enrol(p, 1, T(2025, 1, 1))
    for rnd in range(10):
        assert p.record_purchase(purchase(c, f"p-{rnd}", T(2025, 5, 1, 10) + rnd, 10000)).credited == 100
        results = [None] * 2

        def race(k, rnd=rnd, results=results):
            try:
                p.redeem(f"race-{rnd}-{k}", c, "blender", T(2025, 6, 1, 12))
                results[k] = "ok"
            except loyalty.InsufficientPoints:
                results[k] = "short"

        run_threads(race, 2)
        assert sorted(results) == ["ok", "short"]
        assert available(p, c) == 0
    assert snap(p, c).redeemed == 1000 and snap(p, c).entries == 1 + 2 * 10
    check_ledger(p, c)


def test_maintenance_and_purchases_from_threads():
    p = loyalty.Program(calc(), pending_days=3, expiry="bucket", expiry_days=10)
    ids = [enrol(p, n, T(2026, 1, 1)) for n in range(THREADS)]
    sweeps = []

    def work(k):
        for day in range(20):
            at = T(2026, 1, 2) + day * DAY
            p.record_purchase(purchase(ids[k], f"k{k}-d{day}", at, 1000 * (k + 1)))
            if k == 0:  # one sweeper, moving forward while the others buy
                sweeps.append(p.maintain(at))

    run_threads(work)
    p.maintain(T(2026, 3, 1))
    for k, x in enumerate(ids):
        s = snap(p, x)
        assert s.earned == 20 * 10 * (k + 1)
        assert s.available + s.pending == 0 and s.expired == s.earned
        check_ledger(p, x)
    check_all(p)
