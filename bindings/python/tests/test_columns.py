"""Program.record_columns: purchases from columnar buffers (the buffer
protocol: array('q'), memoryview, numpy int64 arrays when numpy is
installed), read in place, with the same results as record_purchases."""

from __future__ import annotations

import sys
from array import array
from decimal import Decimal

import pytest

import loyalty
from programs import DAY, T, calc, check_all, cid, enrol, program


def columns_program(**options) -> loyalty.Program:
    c = calc()
    c.add("product_type", "books", "mode=multiplier type.books=2")
    p = loyalty.Program(c, **options)
    for n in range(3):
        enrol(p, n, T(2026, 1, 1))
    return p


# three purchases: two lines, one line, three lines
KEYS = ["o1", "o2", "o3"]
CUSTOMERS = [cid(0), cid(1), cid(0)]
AT = [T(2026, 1, 2), T(2026, 1, 3), T(2026, 1, 4)]
TYPES = ["coffee", "books", "books", "coffee", "gift", "books"]
SKUS = ["latte", "novel", "atlas", "espresso", "card", "poems"]
QUANTITIES = [2, 1, 1, 3, 1, 2]
PRICES = [455, 1999, 3500, 300, 2500, 850]
OFFSETS = [0, 2, 3, 6]


def expected_by_purchases() -> list:
    """The same purchases recorded one by one."""
    p = columns_program()
    out = []
    for i, key in enumerate(KEYS):
        items = [(SKUS[j], TYPES[j], QUANTITIES[j], PRICES[j]) for j in range(OFFSETS[i], OFFSETS[i + 1])]
        out.append(p.record_purchase(loyalty.Purchase(key, CUSTOMERS[i], AT[i], "USD", items=items)))
    return [(r.points, r.exact_points, r.credited, r.entry_seq, r.purchase_key, r.text()) for r in out]


def summary(results) -> list:
    return [(r.points, r.exact_points, r.credited, r.entry_seq, r.purchase_key, r.text()) for r in results]


def test_columns_from_arrays_match_purchase_objects():
    p = columns_program()
    results = p.record_columns(
        KEYS, b"".join(c.bytes for c in CUSTOMERS), array("q", AT), TYPES, array("q", QUANTITIES),
        array("q", PRICES), array("q", OFFSETS), skus=SKUS,
    )
    assert summary(results) == expected_by_purchases()
    assert [r.points for r in results] == [49, 70, 68]
    check_all(p)
    # the lines are the columns' (skus given)
    first = p.ledger(cid(0))[1]
    assert first.key == "o1" and first.points == 49


def test_columns_from_plain_sequences_are_converted():
    p = columns_program()
    results = p.record_columns(
        tuple(KEYS), CUSTOMERS, [loyalty.from_ms(t) for t in AT], TYPES, QUANTITIES,
        [Decimal(c) / 100 for c in PRICES], OFFSETS, skus=SKUS,
    )
    assert summary(results) == expected_by_purchases()


def test_one_line_per_purchase_by_default_and_product_types_as_skus():
    p = columns_program()
    results = p.record_columns(["a", "b"], [cid(1), cid(2)], array("q", [T(2026, 2, 1)] * 2), ["books", "tea"],
                               array("q", [1, 4]), array("q", [1000, 250]))
    assert [r.points for r in results] == [20, 10]
    assert [len(r.lines) for r in results] == [2, 2]  # base and books lines of the pipeline
    assert p.get_customer(cid(2)).available == 10


def test_memoryview_columns_and_ids_are_read_in_place():
    p = columns_program()
    at = bytearray(array("q", [T(2026, 3, 1)]).tobytes())
    results = p.record_columns(["m"], memoryview(cid(1).bytes), memoryview(at).cast("q"), ["books"],
                               memoryview(bytearray(array("q", [3]).tobytes())).cast("q"),
                               array("l", [1000]) if array("l").itemsize == 8 else array("q", [1000]))
    assert [r.points for r in results] == [60]


def test_each_failure_is_returned_and_stops_nothing():
    p = columns_program()
    p.record_columns(["dup"], [cid(0)], array("q", [T(2026, 1, 5)]), ["x"], array("q", [1]), array("q", [100]))
    results = p.record_columns(
        ["ok", "badqty", "dup", "unknown", "ok2"],
        [cid(0), cid(0), cid(0), cid(99), cid(1)],
        array("q", [T(2026, 1, 6)] * 5),
        ["x", "x", "x", "x", "x"],
        array("q", [1, 0, 2, 1, 1]),
        array("q", [100, 100, 100, 100, 300]),
    )
    assert [type(r).__name__ for r in results] == ["Receipt", "InvalidArgument", "Conflict", "NotFound", "Receipt"]
    assert "quantity" in str(results[1]) and "badqty" not in [r.key for r in p.ledger(cid(0))]
    assert [r.points for r in results if isinstance(r, loyalty.Receipt)] == [1, 3]
    # the same key with the same request: the first result again
    again = p.record_columns(["ok"], [cid(0)], array("q", [T(2026, 1, 6)]), ["x"], array("q", [1]), array("q", [100]))
    assert again[0].entry_seq == results[0].entry_seq
    check_all(p)


def test_a_custom_strategy_exception_is_returned_per_purchase():
    class Nope(Exception):
        pass

    def picky(inp):
        if inp.purchase.key == "boom":
            raise Nope("not this one")
        return 1

    c = calc()
    c.add_custom("picky", "bonus", picky)
    p = loyalty.Program(c)
    enrol(p, 1, 0)
    results = p.record_columns(["fine", "boom"], [cid(1)] * 2, array("q", [1, 2]), ["t", "t"], array("q", [1, 1]),
                               array("q", [100, 100]))
    assert results[0].points == 2 and isinstance(results[1], Nope) and results[1].__traceback__ is not None


@pytest.mark.parametrize(
    "change, error",
    [
        ({"at": array("i", [0, 0, 0])}, TypeError),  # 4-byte items
        ({"at": array("d", [0.0, 0.0, 0.0])}, TypeError),
        ({"at": array("Q", [0, 0, 0])}, TypeError),  # unsigned
        ({"quantities": memoryview(bytes(48)).cast("q", (2, 3))}, TypeError),  # two dimensions
        ({"unit_prices": memoryview(bytearray(array("q", PRICES * 2).tobytes())).cast("q")[::2]}, TypeError),
        ({"customers": b"short"}, ValueError),
        ({"at": array("q", AT[:2])}, ValueError),
        ({"quantities": array("q", QUANTITIES[:5])}, ValueError),
        ({"line_offsets": array("q", [0, 2, 3])}, ValueError),
        ({"line_offsets": array("q", [1, 2, 3, 6])}, ValueError),
        ({"line_offsets": array("q", [0, 3, 2, 6])}, ValueError),
        ({"line_offsets": array("q", [0, 2, 3, 5])}, ValueError),
        ({"line_offsets": None}, ValueError),
        ({"skus": SKUS[:2]}, ValueError),
        ({"product_types": TYPES[:5] + [5]}, TypeError),
        ({"keys": KEYS[:2] + ["a\0b"]}, ValueError),
        ({"keys": 7}, TypeError),
    ],
)
def test_malformed_columns_raise_before_anything_is_recorded(change, error):
    p = columns_program()
    args = {
        "keys": KEYS, "customers": b"".join(c.bytes for c in CUSTOMERS), "at": array("q", AT),
        "product_types": TYPES, "quantities": array("q", QUANTITIES), "unit_prices": array("q", PRICES),
        "line_offsets": array("q", OFFSETS), "skus": SKUS,
    }
    args.update(change)
    entries = len(p.ledger())
    with pytest.raises(error):
        p.record_columns(**args)
    assert len(p.ledger()) == entries


def test_an_exported_column_cannot_be_resized_meanwhile_and_is_released_after():
    p = columns_program()
    at = array("q", [T(2026, 2, 1)])
    p.record_columns(["k"], [cid(1)], at, ["t"], array("q", [1]), array("q", [100]))
    at.append(0)  # the buffer was released: the array may change again
    assert sys.getrefcount(at) == 2


def test_numpy_columns():
    np = pytest.importorskip("numpy")
    p = columns_program()
    results = p.record_columns(
        np.array(KEYS), np.frombuffer(b"".join(c.bytes for c in CUSTOMERS), dtype=np.uint8),
        np.array(AT, dtype=np.int64), TYPES, np.array(QUANTITIES, dtype=np.int64),
        np.array(PRICES, dtype="<i8"), np.array(OFFSETS, dtype=np.int64), skus=SKUS,
    )
    assert summary(results) == expected_by_purchases()
    with pytest.raises(TypeError):  # not int64
        p.record_columns(["z"], [cid(1)], np.array([0], dtype=np.int32), ["t"], np.array([1]), np.array([1]))
    with pytest.raises(TypeError):  # not contiguous
        p.record_columns(["z"], [cid(1)], np.arange(4, dtype=np.int64)[::2], ["t"], np.array([1]), np.array([1]))
    with pytest.raises(TypeError):  # another byte order
        p.record_columns(["z"], [cid(1)], np.array([0], dtype=">i8" if sys.byteorder == "little" else "<i8"),
                         ["t"], np.array([1]), np.array([1]))


def test_columns_into_a_durable_program(tmp_path):
    d = tmp_path / "d"
    with loyalty.Program.open(d, calc(), sync="batch") as p:
        enrol(p, 1, 0)
        n = 200
        results = p.record_columns([f"o{i}" for i in range(n)], [cid(1)] * n,
                                   array("q", [DAY + i for i in range(n)]), ["t"] * n, array("q", [1] * n),
                                   array("q", [100 * (i % 7 + 1) for i in range(n)]))
        assert all(isinstance(r, loyalty.Receipt) for r in results)
        total = p.get_customer(cid(1)).available
    with loyalty.Program.open(d, calc()) as p:
        assert p.get_customer(cid(1)).available == total == sum(i % 7 + 1 for i in range(200))


def test_closed_program():
    p = program()
    p.close()
    with pytest.raises(loyalty.StateError):
        p.record_columns([], [], array("q"), [], array("q"), array("q"))
