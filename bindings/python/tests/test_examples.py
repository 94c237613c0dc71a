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
