"""Durable programs (docs/DURABILITY.md) through the binding: open a
directory, reopen it with everything acknowledged, sync policies, recovery
of a torn tail, salvage, snapshots, export and import, the calculator taken
on success only, and the GIL released while the program writes."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import textwrap
import threading

import pytest

import loyalty
from loyalty import EntryKind, Sync
from programs import DAY, T, buy, calc, check_all, cid, enrol


def history(p: loyalty.Program) -> list:
    """Everything that must survive: the ledger and every customer's balances."""
    entries = [(e.seq, e.id, e.customer_id, e.kind, e.points, e.pending, e.at_ms, e.key, e.memo) for e in p.ledger()]
    customers = sorted((str(x), p.get_customer(x).available, p.get_customer(x).tier) for x in {e[2] for e in entries})
    return [entries, customers]


def fill(p: loyalty.Program, start: int = 0) -> None:
    """Two customers, purchases, a refund, a redemption and a sweep."""
    if start == 0:
        p.add_tier("member", 0)
        p.add_tier("gold", 50000)
        p.add_reward("mug", 30, stock=5)
        enrol(p, 1, T(2026, 1, 1))
        enrol(p, 2, T(2026, 1, 1))
    for i in range(start, start + 5):
        buy(p, cid(1 + i % 2), f"o{i}", T(2026, 1, 2) + i * DAY, 2000 + 1000 * i)
    p.refund(f"rf{start}", f"o{start}", 1000, T(2026, 2, 1))
    p.maintain(T(2026, 2, 1) + start * DAY)
    p.redeem(f"r{start}", cid(1), "mug", T(2026, 2, 2) + start * DAY)


def test_open_creates_then_reopens_with_everything(tmp_path):
    d = tmp_path / "shop"
    c = calc()
    p = loyalty.Program.open(d, c, pending_days=14)  # a pathlib.Path
    assert c.attached and p.calculator is c and p.durable
    assert p.recovery == loyalty.RecoveryInfo(True, p.recovery.snapshot_generation, 0, None, 0)
    assert p.recovery.created
    fill(p)
    before = history(p)
    check_all(p)
    p.close()
    assert c.closed

    again = loyalty.Program.open(str(d), calc())  # the stored options
    r = again.recovery
    assert not r.created and r.records_replayed > 0 and r.torn_offset is None and r.torn_bytes == 0
    assert again.options.pending_days == 14
    assert [t.name for t in again.tiers] == ["member", "gold"] and again.rewards["mug"].stock == 4
    assert history(again) == before
    check_all(again)
    fill(again, 5)  # and it goes on
    after = history(again)
    again.close()
    with loyalty.Program.open(d, calc(), pending_days=14) as third:  # the same options given again
        assert history(third) == after


@pytest.mark.parametrize("sync", ["always", "batch", "none", Sync.BATCH])
def test_each_sync_policy_keeps_what_was_acknowledged(tmp_path, sync):
    d = tmp_path / "d"
    with loyalty.Program.open(d, calc(), sync=sync, batch_ms=1, batch_records=8) as p:
        fill(p)
        before = history(p)
    with loyalty.Program.open(d, calc(), sync=sync) as p:
        assert history(p) == before
    assert [s.code for s in Sync] == [loyalty.capi.LOYALTY_SYNC_ALWAYS, loyalty.capi.LOYALTY_SYNC_BATCH,
                                       loyalty.capi.LOYALTY_SYNC_NONE]


def test_the_calculator_is_taken_on_success_only(tmp_path):
    d = tmp_path / "d"
    loyalty.Program.open(d, calc(), pending_days=3).close()

    other = calc(base="points=2 per=100")  # another calculator: Conflict, and it stays ours
    with pytest.raises(loyalty.Conflict):
        loyalty.Program.open(d, other)
    assert not other.attached
    other.add("first_purchase", "welcome", "bonus=5")  # still ours to change

    same = calc()
    with pytest.raises(loyalty.Conflict):  # other options than the stored ones
        loyalty.Program.open(d, same, pending_days=4)
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.Program.open(d, same, sync="sometimes")
    with pytest.raises(TypeError):
        loyalty.Program.open(d, same, pending_dayz=3)
    assert not same.attached
    with loyalty.Program.open(d, same) as p:
        assert same.attached and p.options.pending_days == 3
        with pytest.raises(loyalty.StateError):  # taken: it cannot change, nor go to a second program
            same.add("first_purchase", "welcome", "bonus=5")
        p.export(tmp_path / "x.lsn")
        with pytest.raises(loyalty.StateError):
            loyalty.Program.import_(tmp_path / "x.lsn", same)
        with pytest.raises(loyalty.StateError):
            loyalty.Program.open(tmp_path / "other", same)
        assert p.calculator is same and same.attached
    assert same.closed
    with pytest.raises(TypeError):
        loyalty.Program.open(d, "not a calculator")  # type: ignore[arg-type]


def test_a_directory_is_open_once(tmp_path):
    d = tmp_path / "d"
    with loyalty.Program.open(d, calc()):
        c = calc()
        with pytest.raises(loyalty.StateError):
            loyalty.Program.open(d, c)
        assert not c.attached
    with loyalty.Program.open(d, calc()):  # closed: free again
        pass


def test_a_torn_tail_is_cut_and_reported(tmp_path):
    d = tmp_path / "d"
    with loyalty.Program.open(d, calc()) as p:
        fill(p)
        before = history(p)
        (journal,) = sorted(d.glob("journal-*.ljr"))
        size = journal.stat().st_size
        buy(p, cid(1), "last", T(2026, 3, 1), 5000)  # its record is written before the call returns
        full = journal.stat().st_size
    assert full > size
    with open(journal, "r+b") as f:  # a crash in the middle of writing it
        f.truncate(full - 5)
    with loyalty.Program.open(d, calc()) as p:
        r = p.recovery
        assert (r.torn_offset, r.torn_bytes) == (size, full - 5 - size)
        assert history(p) == before  # never acknowledged (the call would not have returned)
    assert journal.stat().st_size == size
    assert len(list(d.glob("torn-*.bin"))) == 1


def test_corruption_in_the_middle_needs_salvage(tmp_path):
    d = tmp_path / "d"
    with loyalty.Program.open(d, calc()) as p:
        enrol(p, 1, T(2026, 1, 1))
        for i in range(3):
            buy(p, cid(1), f"o{i}", T(2026, 1, 2), 1000)
    (journal,) = sorted(d.glob("journal-*.ljr"))
    data = bytearray(journal.read_bytes())
    data[16 + 12 + 2] ^= 0xFF  # the first record's payload, with records after it
    journal.write_bytes(bytes(data))
    c = calc()
    with pytest.raises(loyalty.Corrupt) as raised:
        loyalty.Program.open(d, c)
    assert "journal-" in str(raised.value) and "offset" in str(raised.value)
    assert not c.attached
    with loyalty.Program.open(d, c, salvage=True) as p:
        assert p.recovery.torn_offset == 16 and p.recovery.torn_bytes == len(data) - 16
        assert p.customer_count == 0  # what preceded the damage: the definition only


def test_snapshot_compacts_the_journal(tmp_path):
    d = tmp_path / "d"
    with loyalty.Program.open(d, calc()) as p:
        fill(p)
        generation = p.recovery.snapshot_generation
        p.snapshot()
        before = history(p)
        buy(p, cid(2), "after", T(2026, 3, 1), 5000)
        after = history(p)
    assert sorted(f.name for f in d.glob("snapshot-*.lsn")) == [f"snapshot-{generation + 1}.lsn"]
    with loyalty.Program.open(d, calc()) as p:
        assert p.recovery.snapshot_generation == generation + 1 and p.recovery.records_replayed == 1
        assert history(p) == after != before


def test_automatic_snapshots(tmp_path):
    d = tmp_path / "d"
    with loyalty.Program.open(d, calc(), snapshot_bytes=2048) as p:
        fill(p)
        fill(p, 5)
        before = history(p)
    with loyalty.Program.open(d, calc(), snapshot_bytes=2048) as p:
        assert p.recovery.snapshot_generation > 1
        assert history(p) == before


def test_snapshot_needs_a_durable_program(tmp_path):
    p = loyalty.Program(calc())
    assert p.recovery is None and not p.durable
    with pytest.raises(loyalty.StateError):
        p.snapshot()
    p.close()
    with pytest.raises(loyalty.StateError):
        p.export(tmp_path / "x.lsn")


def test_export_and_import(tmp_path):
    p = loyalty.Program(calc(), pending_days=14, expiry="bucket", expiry_months=12)  # in memory
    fill(p)
    before = history(p)
    p.export(tmp_path / "shop.lsn")
    c = calc()
    q = loyalty.Program.import_(tmp_path / "shop.lsn", c)
    assert c.attached and q.recovery is None
    assert history(q) == before and q.options == p.options
    check_all(q)
    q.export(str(tmp_path / "again.lsn"))  # the same state gives the same bytes
    assert (tmp_path / "again.lsn").read_bytes() == (tmp_path / "shop.lsn").read_bytes()
    fill(q, 5)  # an imported program is an ordinary one
    assert len(q.ledger()) > len(before[0])

    with loyalty.Program.open(tmp_path / "d", calc()) as durable:  # a durable one exports the same way
        fill(durable)
        durable.export(tmp_path / "durable.lsn")
        expected = history(durable)
    with loyalty.Program.load(tmp_path / "durable.lsn", calc()) as loaded:
        assert history(loaded) == expected


def test_import_failures_leave_the_calculator(tmp_path):
    p = loyalty.Program(calc())
    fill(p)
    p.export(tmp_path / "shop.lsn")
    c = calc(base="points=3 per=100")
    with pytest.raises(loyalty.Conflict):
        loyalty.Program.import_(tmp_path / "shop.lsn", c)
    with pytest.raises(loyalty.LoyaltyIOError) as raised:
        loyalty.Program.import_(tmp_path / "missing.lsn", c)
    assert "missing.lsn" in str(raised.value)
    (tmp_path / "junk.lsn").write_bytes(b"LOYALTYS" + b"\x00" * 40)
    with pytest.raises(loyalty.LoyaltyError):
        loyalty.Program.import_(tmp_path / "junk.lsn", c)
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.Program.import_("", c)
    with pytest.raises(TypeError):
        loyalty.Program.import_(42, c)  # type: ignore[arg-type]
    assert not c.attached
    c.add("first_purchase", "welcome", "bonus=5")
    with pytest.raises(loyalty.LoyaltyIOError):
        p.export(tmp_path / "no-such-dir" / "x.lsn")


def test_custom_strategies_are_matched_by_name_and_role(tmp_path):
    def staff(inp):
        return inp.base_points / 10

    def build(fn, role="multiplier"):
        c = calc()
        c.add_custom("staff", role, fn)
        return c

    d = tmp_path / "d"
    with loyalty.Program.open(d, build(staff)) as p:
        enrol(p, 1, T(2026, 1, 1))
        assert buy(p, cid(1), "o1", T(2026, 1, 2), 10000).points == 110
    with pytest.raises(loyalty.Conflict):
        loyalty.Program.open(d, build(staff, "bonus"))
    with loyalty.Program.open(d, build(lambda inp: 0)) as p:  # code is not stored: the name and role are
        assert p.get_customer(cid(1)).available == 110
        assert buy(p, cid(1), "o2", T(2026, 1, 3), 10000).points == 100
        assert [e.kind for e in p.ledger(cid(1))] == [EntryKind.ENROLL, EntryKind.EARN, EntryKind.EARN]


def test_threads_share_a_durable_program_with_group_commit(tmp_path):
    d = tmp_path / "d"
    with loyalty.Program.open(d, calc(), sync="batch", batch_ms=1) as p:
        for n in range(8):
            enrol(p, n, T(2026, 1, 1))
        errors = []

        def work(n: int) -> None:
            try:
                for i in range(25):
                    buy(p, cid(n), f"o{n}-{i}", T(2026, 1, 2), 100 * (i + 1))
                    if i % 10 == 0:
                        p.export(tmp_path / f"t{n}.lsn")
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        p.snapshot()
        for t in threads:
            t.join(60)
        assert not errors and not any(t.is_alive() for t in threads)
        before = history(p)
        check_all(p)
    with loyalty.Program.open(d, calc()) as p:
        assert history(p) == before
        assert all(p.get_customer(cid(n)).available == sum(range(1, 26)) for n in range(8))


def test_snapshot_and_export_wait_without_the_gil(tmp_path):
    """A purchase's Python strategy holds the program; snapshot and export
    wait for the program's lock on other threads while the main thread keeps
    running Python. In a subprocess: holding the GIL would deadlock."""
    script = textwrap.dedent(f"""
        import threading, time, loyalty
        entered, release = threading.Event(), threading.Event()
        def blocking(inp):
            entered.set()
            release.wait(10)
            return 1
        c = loyalty.Calculator("USD")
        c.add("base_rate", "base", "points=1 per=100")
        c.add_custom("block", "bonus", blocking)
        p = loyalty.Program.open({str(tmp_path / "d")!r}, c)
        ada = p.enroll("e", name="Ada", at=0)
        order = loyalty.Purchase("o", ada, 1, "USD", items=[("s", "t", 1, 1000)])
        t1 = threading.Thread(target=lambda: p.record_purchase(order))
        t1.start()
        assert entered.wait(10)
        t2 = threading.Thread(target=p.snapshot)
        t3 = threading.Thread(target=lambda: p.export({str(tmp_path / "x.lsn")!r}))
        t2.start(); t3.start()
        time.sleep(0.2)
        ticks = sum(1 for _ in range(100000))
        assert t2.is_alive() and t3.is_alive(), "snapshot and export wait for the program's lock"
        release.set()
        for t in (t1, t2, t3):
            t.join(10)
            assert not t.is_alive()
        p.close()
        c2 = loyalty.Calculator("USD")
        c2.add("base_rate", "base", "points=1 per=100")
        c2.add_custom("block", "bonus", lambda inp: 1)
        q = loyalty.Program.open({str(tmp_path / "d")!r}, c2)
        print("ok", ticks, q.get_customer(ada).available)
    """)
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("deadlock: snapshot or export waited for the program's lock with the GIL held")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ok", "100000", "11"]


def test_paths(tmp_path):
    d = tmp_path / "shop"
    with loyalty.Program.open(os.fsencode(d), calc()) as p:  # bytes paths too
        p.export(pathlib.PurePosixPath(tmp_path / "x.lsn"))  # any os.PathLike
    assert (tmp_path / "x.lsn").exists() and d.is_dir()
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.Program.open("a\0b", calc())
