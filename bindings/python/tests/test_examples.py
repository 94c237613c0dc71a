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
