"""The program and object lifetimes: the program takes the calculator on
success only, everything it returns outlives it, objects may be dropped in
any order, and create/record/free cycles do not grow the process.

The memory loops run a few seconds' worth of cycles by default; with
LOYALTY_LONG_TESTS=1 in the environment the program loop runs the issue's one
million create/record/free cycles, and the durable loop 100,000 (minutes)."""

from __future__ import annotations

import gc
import itertools
import os
import shutil
import weakref
from array import array

import pytest

import loyalty
from conftest import assert_no_growth
from programs import T, calc, cid, enrol, purchase

#: LOYALTY_LONG_TESTS=1: the memory loops run to their full size instead of a few seconds' worth


def build():
    c = calc()
    c.add("tier_multiplier", "tiers", "tier.gold=3/2")
    c.add_custom("staff", "multiplier", lambda inp: inp.base_points / 10 if inp.customer.has_tag("staff") else 0)
    p = loyalty.Program(c, pending_days=14)
    p.add_tier("silver", 0)
    p.add_tier("gold", 100000)
    p.add_reward("mug", 10)
    ada = p.enroll("join", loyalty.Customer(cid(1), name="Ada", tags=["staff"]), at=T(2026, 1, 1))
    r = p.record_purchase(purchase(ada, "o1", T(2026, 1, 2), 10000))
    p.maintain(T(2026, 2, 1))
    return c, p, ada, r


def test_the_program_takes_the_calculator_on_success_only():
    c = calc()
    h = c._h
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.Program(c, expiry="bucket")  # no validity: refused, the calculator stays ours
    assert h.thisown and not c.attached
    p = loyalty.Program(c)
    assert not h.thisown and c.attached
    # the raw SWIG layer behaves the same: the argout typemap disowns after success only
    raw = loyalty.capi.Calculator("USD", 0, 0, 0)
    bad = loyalty.capi.ProgramOptions()
    bad.pending_days = -1
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.capi.Program(raw, bad)
    assert raw.thisown
    prog = loyalty.capi.Program(raw, loyalty.capi.ProgramOptions())
    assert not raw.thisown
    del raw, prog, bad, p
    gc.collect()  # each C object freed once (valgrind/ASan would say otherwise)
    assert c.currency == "USD"  # the calculator object keeps its program alive


# the calculator, the program, the receipt and a ledger view in every order;
# the customer snapshot goes first, in the middle or last
@pytest.mark.parametrize("order", [(4, *o) if i % 3 == 0 else (*o[:2], 4, *o[2:]) if i % 3 == 1 else (*o, 4)
                                   for i, o in enumerate(itertools.permutations((0, 1, 3, 2)))])
def test_objects_freed_in_any_order(order):
    c, p, ada, r = build()
    ledger = p.ledger(ada)
    objects = [c, p, ledger, r, ada]
    del c, p, ada, r, ledger
    survivors = list(objects)
    del objects
    for i in order:
        survivors[i] = None  # freed at once by reference counting (nothing here is in a cycle)
        c, p, ledger, r, ada = survivors
        if c is not None:
            assert c.currency == "USD" and len(c) == 3 and c.attached
            assert c.points(loyalty.Customer(cid(9), tier="gold"), purchase(cid(9), "x", 0, 1000)) == 15
        if p is not None:
            assert p.customer_count == 1 and p.get_customer(cid(1)).available == 110
        if ada is not None:
            assert ada.name == "Ada" and ada.tier == "silver"
        if r is not None:
            assert (r.points, r.credited, r.entry_seq) == (110, 110, 3)
        if ledger is not None:
            assert [e.kind for e in ledger] == [loyalty.EntryKind.ENROLL, loyalty.EntryKind.TIER,
                                                loyalty.EntryKind.EARN, loyalty.EntryKind.MATURE]
        del c, p, ada, r, ledger
    gc.collect()


def test_closing_the_program_closes_its_calculator_and_values_survive():
    c, p, ada, r = build()
    entries = list(p.ledger())
    redemption = p.redeem("r1", ada, "mug", T(2026, 2, 2))
    view = p.ledger()
    tiers = p.tiers
    with p:
        assert p.calculator is c
    assert p.closed and c.closed
    for use in (lambda: p.customer_count, lambda: len(view), lambda: list(tiers), lambda: c.currency,
                lambda: p.record_purchase(purchase(ada, "o2", T(2026, 2, 3), 100))):
        with pytest.raises(loyalty.StateError, match="closed"):
            use()
    assert repr(p) == "<Program (closed)>" and repr(c) == "<Calculator (closed)>"
    gc.collect()
    # copies outlive the program
    assert r.credited == 110 and ada.available == 0 and redemption.points == 10
    assert entries[2].kind is loyalty.EntryKind.EARN and entries[2].points == 0 and entries[2].pending == 110
    p.close()  # twice is harmless


def test_a_strategy_is_released_with_the_program():
    class Strategy:
        def __call__(self, inp):
            return 1

    s = Strategy()
    gone = weakref.ref(s)
    c = calc()
    c.add_custom("s", "bonus", s)
    p = loyalty.Program(c)
    a = enrol(p, 1, T(2026, 1, 1))
    assert p.record_purchase(purchase(a, "o", T(2026, 1, 2), 100)).credited == 2
    del s
    gc.collect()
    assert gone() is not None
    del c  # the program holds the calculator, which holds the strategy
    gc.collect()
    assert gone() is not None
    del p
    gc.collect()
    assert gone() is None


def test_reprs_are_readable():
    c, p, ada, r = build()
    assert repr(p) == ("<Program USD floor UTC+00:00: 1 customers, 4 entries, tiers [silver, gold], 1 rewards>")
    e = p.ledger(ada)[2]
    assert repr(e) == ("<Entry #3 earn 2026-01-02T00:00:00+00:00 pending=+110, after 0/110, key='o1', ref='o1', "
                       "memo='purchase'>")
    assert str(e.kind) == "earn" and f"{e.kind:>6}" == "  earn" and e.kind == 1
    assert repr(p.ledger(ada)) == f"<Ledger of customer {cid(1)}: 4 entries>"
    assert repr(r).endswith("credited 110, held until 2026-01-16T00:00:00+00:00, entry #3>")
    red = p.redeem("r1", ada, "mug", T(2026, 2, 2))
    assert repr(red).startswith(f"<Redemption {red.id} of 'mug': 10 points at 2026-02-02T00:00:00+00:00, entry #5")
    assert repr(p.tiers) == ("<Tiers [Tier(name='silver', threshold=0, benefits=()), "
                             "Tier(name='gold', threshold=100000, benefits=())]>")


def test_entry_kinds_are_the_c_librarys():
    for kind in loyalty.EntryKind:
        assert str(kind) == loyalty.capi.loyalty_entry_kind_name(kind.value)
        assert getattr(loyalty.capi, f"LOYALTY_ENTRY_{kind.name}") == kind.value
        assert loyalty.EntryKind.of(str(kind)) is kind
    assert loyalty.capi.loyalty_entry_kind_name(16) is None
    for enum, prefix in ((loyalty.Period, "LOYALTY_PERIOD_"), (loyalty.Expiry, "LOYALTY_EXPIRY_")):
        for member in enum:
            assert getattr(loyalty.capi, prefix + member.name) == member.code


def test_ledger_view_indexing():
    c, p, ada, r = build()
    view = p.ledger()
    assert len(view) == 4 and [e.seq for e in view] == [1, 2, 3, 4]
    assert view[-1].seq == 4 and [e.seq for e in view[1:3]] == [2, 3] and [e.seq for e in view[::2]] == [1, 3]
    with pytest.raises(IndexError):
        view[4]
    with pytest.raises(IndexError):
        view[-5]
    with pytest.raises(loyalty.NotFound):
        len(p.ledger(cid(77)))
    # a long ledger is read in chunks
    for i in range(1200):
        p.adjust(f"a{i}", ada, 1, "x", T(2026, 3, 1) + i)
    assert len(view) == 1204 and [e.seq for e in view] == list(range(1, 1205))
    assert [e.seq for e in view[500:1100]] == list(range(501, 1101))
    assert sum(e.points for e in p.ledger(ada)) == p.get_customer(ada).available == 1310


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
def test_memory_does_not_grow_over_program_cycles():
    def cycle(i: int) -> None:
        c = calc()
        c.add_custom("bonus", "bonus", lambda inp: 1)
        p = loyalty.Program(c, pending_days=1, expiry="bucket", expiry_days=30)
        p.add_reward("mug", 5)
        a = p.enroll(f"e{i}", name="Somebody", at=0)
        receipts = p.record_purchases([purchase(a, f"o{i}-{k}", 1 + k, 1000) for k in range(3)])
        p.maintain(2 * 86_400_000)
        p.redeem(f"r{i}", a, "mug", 2 * 86_400_000)
        list(p.ledger())
        try:
            loyalty.Program(calc(), pending_days=-1)
        except loyalty.InvalidArgument:
            pass
        del receipts
        if i % 2:
            p.close()

    assert_no_growth(cycle, warmup=500, minimum=500, target=20000, long_target=1_000_000, seconds=4,
                     what="program cycles")


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
def test_memory_does_not_grow_over_durable_program_cycles(tmp_path):
    """Open a durable program, enrol, record purchases (objects and columns),
    snapshot, export, import, free everything, and fail to open with another
    calculator: the process must not grow."""
    d = tmp_path / "d"
    exported = tmp_path / "x.lsn"

    def cycle(i: int) -> None:
        p = loyalty.Program.open(d, calc(), sync="none", pending_days=1)
        a = p.enroll(f"e{i}", name="Somebody", at=0)
        order = purchase(a, f"o{i}", 1, 2500)
        assert p.record_purchase(order).credited == 25
        del order
        results = p.record_columns([f"c{i}-{k}" for k in range(4)], [a] * 4, array("q", [2, 3, 4, 5]),
                                   ["t", "u", "t", "u"], array("q", [1, 2, 1, 2]), array("q", [100, 200, 300, 400]))
        assert [r.credited for r in results] == [1, 4, 3, 8]
        p.maintain(2 * 86_400_000)
        p.snapshot()
        p.export(exported)
        p.close()
        try:
            loyalty.Program.open(d, calc(base="points=2 per=100"))
        except loyalty.Conflict:
            pass
        q = loyalty.Program.import_(exported, calc())
        assert q.get_customer(a).available == 41
        list(q.ledger())
        del q, a, results
        shutil.rmtree(d)

    assert_no_growth(cycle, warmup=100, minimum=200, target=5000, long_target=100_000, seconds=4,
                     what="durable program cycles")
