"""What-if simulation through the binding: the scenario of
tests/unit/test_simulate.c with the same exact figures, every history source,
CSV errors with their line, progress callbacks (a bar, a callable, cancelling
by returning True or by raising) and plain dicts / DataFrames."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from fractions import Fraction

import pytest

import loyalty

from conftest import calculator, customer, ts


def T(month: int, day: int) -> int:
    return ts(2026, month, day, 12, 0)


def M(month: int) -> dt.datetime:
    return dt.datetime(2026, month, 1, tzinfo=dt.timezone.utc)


def program(per_dollar: int, gold: int) -> loyalty.Program:
    """USD, per_dollar points per dollar, silver at $100 and gold at @p gold cents, a 300-point voucher."""
    calc = calculator()
    calc.add("base_rate", "dollar", f"points={per_dollar} per=100")
    p = loyalty.Program(calc)
    p.add_tier("silver", 10000)
    p.add_tier("gold", gold)
    p.add_reward("voucher", 300)
    return p


def base_program() -> loyalty.Program:
    return program(1, 30000)


def alternative_program() -> loyalty.Program:
    return program(2, 20000)


def record_history(p: loyalty.Program) -> None:
    """ada: joins Jan 5, $120 Jan 10, $90 Feb 3, redeems Feb 10; bob: joins Jan 6, $50 Jan 20,
    $20 refunded Feb 1; cy: joins Feb 2, $350 Mar 1 (as record_history in the C test)."""
    for n, ref, day in ((1, "ada", T(1, 5)), (2, "bob", T(1, 6))):
        p.enroll(f"join-{ref}", customer(n, external_ref=ref), at=day)

    def buy(n: int, key: str, at: int, cents: int) -> None:
        p.record_purchase(loyalty.Purchase(key, customer(n), at, "USD", items=[("thing", "goods", 1, cents)]))

    buy(1, "o-1", T(1, 10), 12000)
    buy(2, "o-2", T(1, 20), 5000)
    p.refund("r-1", "o-2", 2000, at=T(2, 1))
    p.enroll("join-cy", customer(3, external_ref="cy"), at=T(2, 2))
    buy(1, "o-3", T(2, 3), 9000)
    p.redeem("x-1", customer(1), "voucher", at=T(2, 10))
    buy(3, "o-4", T(3, 1), 35000)


@pytest.fixture
def history() -> loyalty.History:
    with alternative_program() as live:
        record_history(live)
        return loyalty.History.from_program(live)


def run(history: loyalty.History, **kw) -> loyalty.SimulationReport:
    with base_program() as base, alternative_program() as alt:
        return loyalty.simulate(history, base, alt, point_value=Fraction(1, 2), **kw)


def check_known(r: loyalty.SimulationReport) -> None:
    b, a, d = r.base, r.alternative, r.difference
    assert (b.customers, b.purchases, b.refunds, b.redemptions, b.redemptions_refused) == (3, 4, 1, 0, 1)
    assert (b.issued, b.redeemed, b.expired, b.liability) == (590, 0, 0, 590)
    assert (b.cost, b.liability_value) == (Fraction(295), Fraction(295))
    assert (a.redemptions, a.redemptions_refused) == (1, 0)
    assert (a.issued, a.redeemed, a.expired, a.liability) == (1180, 300, 0, 880)
    assert (a.cost, a.liability_value) == (Fraction(590), Fraction(440))
    assert (d.issued, d.redeemed, d.liability, d.redemptions, d.redemptions_refused) == (590, 300, 290, 1, -1)
    assert (d.cost, d.liability_value) == (Fraction(295), Fraction(145))
    assert r.point_value == Fraction(1, 2)
    assert r.end == M(4)
    assert [(p.end, p.issued, p.redeemed, p.liability) for p in r.series["base"]] == [
        (M(2), 170, 0, 170), (M(3), 240, 0, 240), (M(4), 590, 0, 590)]
    assert [(p.end, p.issued, p.redeemed, p.liability) for p in r.series["alternative"]] == [
        (M(2), 340, 0, 340), (M(3), 480, 300, 180), (M(4), 1180, 300, 880)]
    assert r.tiers == {"base": {None: 1, "silver": 1, "gold": 1}, "alternative": {None: 1, "silver": 0, "gold": 2}}
    assert r.tier_changes == [loyalty.TierChange(customer(1).id, "ada", "silver", "gold")]


def test_known_difference(history):
    assert len(history) == 9
    assert history.counts == {"enrollments": 3, "purchases": 4, "refunds": 1, "redemptions": 1}
    check_known(run(history))


def test_deterministic(history):
    assert run(history).to_dict() == run(history).to_dict()


def test_sources(tmp_path, history):
    # an export
    with alternative_program() as live:
        record_history(live)
        live.export(tmp_path / "shop.lsn")
    check_known(run(loyalty.History.from_export(tmp_path / "shop.lsn")))
    # a directory, read while the live program holds it open
    calc = calculator()
    calc.add("base_rate", "dollar", "points=2 per=100")
    with loyalty.Program.open(tmp_path / "shop", calc, sync="none") as live:
        live.add_tier("silver", 10000)
        live.add_tier("gold", 20000)
        live.add_reward("voucher", 300)
        record_history(live)
        check_known(run(loyalty.History.from_journal(tmp_path / "shop")))
    # built by hand
    h = loyalty.History()
    h.add_purchase(loyalty.Purchase("o-1", customer(1), T(1, 10), "USD", items=[("thing", "goods", 1, 12000)]))
    h.add_enrollment("join-ada", customer(1, external_ref="ada"), at=T(1, 5))
    h.add_refund("r-1", "o-1", 2000, at=T(1, 11))
    h.add_redemption("x-1", customer(1).id, "voucher", at=T(1, 12))
    assert h.counts == {"enrollments": 1, "purchases": 1, "refunds": 1, "redemptions": 1}
    r = run(h)
    assert (r.base.issued, r.alternative.issued, r.base.redemptions_refused, r.alternative.redemptions) == (
        100, 200, 1, 0)
    with pytest.raises(loyalty.NotFound):
        loyalty.History.from_journal(tmp_path / "nothing-here")


def test_csv(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("order,customer,name,date,sku,product_type,quantity,unit_price\n"
                    'o-1,ada,"Lovelace, Ada",2026-01-10,thing,goods,1,120.00\n'
                    "o-2,bob,Bob,2026-01-20T12:00:00Z,thing,goods,2,25\n"
                    'o-3,ada,"Lovelace, Ada",2026-02-03,thing,goods,1,90\n'
                    "o-4,cy,Cy,2026-03-01,thing,goods,1,350.00\n")
    h = loyalty.History.from_csv(path, "USD")
    assert h.counts["purchases"] == 4
    r = run(h)
    assert (r.base.issued, r.alternative.issued) == (610, 1220)
    assert r.tier_changes[0].customer_id == uuid.uuid5(loyalty.History.CSV_NAMESPACE, "ada")
    assert loyalty.History.csv_customer_id("ada") == uuid.uuid5(loyalty.History.CSV_NAMESPACE, "ada")
    bad = tmp_path / "bad.csv"
    bad.write_text("order,customer,date,product_type,quantity,unit_price\no-1,ada,2026-01-10,goods,0,1.00\n")
    with pytest.raises(loyalty.InvalidArgument, match=r"bad\.csv:2: quantity must be a positive integer"):
        loyalty.History.from_csv(bad, "USD")
    with pytest.raises(loyalty.CurrencyError):
        loyalty.History.from_csv(path, "XYZ")


def test_errors(history):
    with base_program() as base, alternative_program() as alt:
        with pytest.raises(loyalty.InvalidArgument):
            loyalty.simulate(history, base, base)
        with pytest.raises(loyalty.InvalidArgument):
            loyalty.simulate(history, base, alt, period="ever")
        with pytest.raises(TypeError):
            loyalty.simulate(history, base, alt, point_value=0.5)
        with pytest.raises(TypeError):
            loyalty.simulate("history", base, alt)
    with alternative_program() as live:
        record_history(live)
        with base_program() as base:
            with pytest.raises(loyalty.StateError):
                loyalty.simulate(history, base, live)


def test_progress_callable_and_cancel(history):
    calls = []
    r = run(history, progress=lambda done, total: calls.append((done, total)))
    check_known(r)
    assert calls[0] == (0, 18) and calls[-1] == (18, 18)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)

    with pytest.raises(loyalty.Canceled):
        run(history, progress=lambda done, total: done > 0)

    class Stop(Exception):
        pass

    def boom(done, total):
        raise Stop("enough")

    with pytest.raises(loyalty.Canceled) as info:
        run(history, progress=boom)
    assert isinstance(info.value.__cause__, Stop)

    with alternative_program() as live:
        record_history(live)
        seen = []
        h = loyalty.History.from_program(live, progress=lambda d, t: seen.append((d, t)))
        assert len(h) == 9 and seen[-1] == (9, 9)
        with pytest.raises(loyalty.Canceled):
            loyalty.History.from_program(live, progress=lambda d, t: True)


def test_progress_bar(history, capsys):
    check_known(run(history, progress=True))  # tqdm when installed, else a line on stderr
    assert "simulating" in capsys.readouterr().err


def test_plain_data_and_dataframes(history):
    r = run(history)
    d = r.to_dict()
    assert d["difference"]["issued"] == 590
    assert d["tier_changes"] == [{"customer_id": customer(1).id, "external_ref": "ada", "base_tier": "silver",
                                  "alternative_tier": "gold"}]
    json.dumps(d, default=str)
    assert "590" in repr(r)
    pd = pytest.importorskip("pandas")
    totals = r.to_dataframe()
    assert list(totals.index) == ["base", "alternative", "difference"]
    assert totals.loc["difference", "issued"] == 590
    series = r.series_dataframe()
    assert list(series[("alternative", "liability")]) == [340, 180, 880]
    assert isinstance(r.tier_changes_dataframe(), pd.DataFrame)


def test_open_and_import_progress(tmp_path):
    calc = calculator()
    calc.add("base_rate", "dollar", "points=2 per=100")
    with loyalty.Program.open(tmp_path / "shop", calc, sync="none") as live:
        live.add_tier("silver", 10000)
        live.add_tier("gold", 20000)
        live.add_reward("voucher", 300)
        record_history(live)
        live.export(tmp_path / "shop.lsn")
        # read_only while the live program holds the directory, with progress
        seen = []

        def fresh():
            c = calculator()
            c.add("base_rate", "dollar", "points=2 per=100")
            return c

        with loyalty.Program.open(tmp_path / "shop", fresh(), read_only=True,
                                  progress=lambda d, t: seen.append((d, t))) as copy:
            assert copy.customer_count == 3
            with pytest.raises(loyalty.StateError):
                copy.add_reward("other", 10)
        assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] > 0
        c = fresh()
        with pytest.raises(loyalty.Canceled):
            loyalty.Program.open(tmp_path / "shop", c, read_only=True, progress=lambda d, t: True)
        assert not c.closed  # the calculator is still ours
        seen.clear()
        with loyalty.Program.import_(tmp_path / "shop.lsn", c, progress=lambda d, t: seen.append((d, t))) as p:
            assert p.customer_count == 3
        assert seen[-1][0] == seen[-1][1] > 0

        class Stop(Exception):
            pass

        def boom(d, t):
            raise Stop()

        with pytest.raises(loyalty.Canceled) as info:
            loyalty.Program.import_(tmp_path / "shop.lsn", fresh(), progress=boom)
        assert isinstance(info.value.__cause__, Stop)
    with pytest.raises(loyalty.NotFound):
        loyalty.Program.open(tmp_path / "nothing", calculator(), read_only=True)
