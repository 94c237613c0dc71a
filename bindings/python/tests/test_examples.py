"""The Python examples run and earn what the C examples earn."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "python"


def run(name: str) -> str:
    script = EXAMPLES / name
    if not script.exists():
        pytest.skip(f"{script} not found (tests run outside the repository)")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_coffee_shop():
    out = run("coffee_shop.py")
    # the numbers of examples/c/coffee_shop.c
    assert re.findall(r"=> (.+) earns (\d+) points", out) == [
        ("Ana Lima", "33"), ("Ana Lima", "17"), ("Ben Okafor", "70"), ("Chloe Martin", "25")]
    assert "exact 87/5 (17.40), rounded floor by -2/5 (-0.40)" in out


def test_retailer():
    out = run("retailer.py")
    # the numbers of examples/c/retailer.c
    assert re.findall(r"-> (\d+) points", out) == ["436", "3049", "256", "12"]
    assert "3. tech_week   campaign         multiplier=2 start=1795388400000 end=1795993200000 type=electronics" in out
    assert out.rstrip().endswith("(staff strategy: user data released)")


C_EXAMPLES = Path(__file__).resolve().parents[3] / "build" / "dev" / "examples" / "c"


def test_loyalty_year():
    out = run("loyalty_year.py")
    # the numbers of examples/c/loyalty_year.c
    assert re.findall(r"(order-\d+), \w+ \$[\d.]+: ([+-]\d+) points", out) == [
        ("order-1001", "+40"), ("order-1002", "+70"), ("order-1002", "+70"), ("order-2001", "+54"),
        ("order-1003", "+35"), ("order-1004", "+640"), ("order-1005", "+111"), ("order-1006", "+94"),
        ("order-1007", "+248"), ("order-2002", "+18"), ("order-1008", "+49")]
    assert "2026-06-02  refund of $180.00 on order-1004: -280 points (280 of them still held)\n" in out
    assert "  next tier    gold: spend $1473.00 more this year ($27.00 so far)\n" in out
    assert "  points       391 available, 0 pending\n" in out
    assert out.endswith("  2027-07-01  expire          -241        0      391  points of entry #15\n")
    # byte for byte the C program's output, when it was built (make build)
    c_program = C_EXAMPLES / "loyalty_year"
    if c_program.exists():
        done = subprocess.run([str(c_program)], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert out == done.stdout


def test_replay_csv():
    out = run("replay_csv.py")
    assert out.startswith("recorded 21 of 21 orders in 11 weekly batches for 4 customers: 1463 points, "
                          "1463 matured by 2026-04-08\n")
    assert "reopened: 4 customers, 50 ledger entries" in out
    # statements in name order, with what was read back from the directory
    assert re.findall(r"^(\w[\w ]+) \((C\d+)\)$", out, re.M) == [
        ("Ada Lovelace", "C001"), ("Alan Turing", "C003"), ("Grace Hopper", "C002"), ("Katherine Johnson", "C004")]
    assert re.findall(r"^  points       (\d+) available, (\d+) pending$", out, re.M) == [
        ("562", "0"), ("247", "0"), ("469", "0"), ("185", "0")]
    assert "  tier         silver, gold at $91.76 more\n" in out
    # A-1001: 2 lattes and a novel, $28.09: 28 points + 18.99 doubled on books = 47
    assert "  2026-01-05  earn          +0      +47        0  A-1001\n" in out
    assert "  2026-02-03  tier          +0       +0       51  silver\n" in out
    assert run("replay_csv.py") == out  # deterministic


def test_replay_csv_reads_the_file_it_is_given(tmp_path):
    script = EXAMPLES / "replay_csv.py"
    if not script.exists():
        pytest.skip(f"{script} not found (tests run outside the repository)")
    csv = tmp_path / "two.csv"
    csv.write_text("order,customer,name,date,sku,product_type,quantity,unit_price\n"
                   "X-1,K9,Kim,2026-05-04,atlas,books,1,35.00\n"
                   "X-2,K9,Kim,2026-05-05,card,gift_card,1,10.00\n"
                   "X-3,K9,Kim,2026-05-06,latte,coffee,0,4.55\n")
    done = subprocess.run([sys.executable, str(script), str(csv)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "X-3: not recorded: loyalty_purchase_add_item: quantity must be positive (got 0)\n" in done.stdout
    assert "recorded 2 of 3 orders in 1 weekly batches for 1 customers: 70 points" in done.stdout
    assert "  2026-05-18  mature       +70      -70       70  held points of entry #3\n" in done.stdout
    assert "X-2" not in done.stdout  # a gift card earns nothing: no ledger entry
