"""A randomized comparison (hypothesis) of the binding with a plain-Python
reference of the built-in strategies: base_rate, tier_multiplier, campaign
(window, multiplier or bonus), threshold and first_purchase, under every
rounding mode and both stackings."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Dict, List, Optional, Tuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import loyalty
from conftest import calculator, customer

TYPES = ["coffee", "tea", "books", "gift_card"]
TIERS = ["gold", "silver", "bronze"]
T0 = 1_795_000_000_000


def round_ref(x: Fraction, mode: str) -> int:
    if mode == "floor":
        return math.floor(x)
    if mode == "ceil":
        return math.ceil(x)
    if mode == "half_even":
        return round(x)  # Fraction.__round__ is half-even
    sign = -1 if x < 0 else 1  # half_up: halves away from zero
    return sign * math.floor(abs(x) + Fraction(1, 2))


@dataclass
class Strategy:
    kind: str
    params: Dict[str, object]

    def text(self) -> Dict[str, object]:
        return self.params


@dataclass
class Case:
    rounding: str
    stacking: str
    excluded: List[str]
    strategies: List[Strategy]
    tier: Optional[str]
    lines: List[Tuple[str, int, int]]
    at: int
    first: bool
    notes: List[str] = field(default_factory=list)


fractions = st.builds(Fraction, st.integers(0, 12), st.integers(1, 8))

base_rate = st.builds(
    lambda points, per, exclude: Strategy("base_rate", {"points": points, "per": per,
                                                        **({"exclude": sorted(exclude)} if exclude else {})}),
    fractions, st.integers(1, 1000), st.sets(st.sampled_from(TYPES), max_size=2))
tier_multiplier = st.builds(
    lambda tiers: Strategy("tier_multiplier", {f"tier.{t}": m for t, m in tiers.items()}),
    st.dictionaries(st.sampled_from(TIERS), fractions, min_size=1, max_size=3))


def _campaign(kind_value, start, length):
    kind, value = kind_value
    params: Dict[str, object] = {kind: value}
    if start is not None:
        params["start"] = T0 + start
    if length is not None:
        params["end"] = T0 + (start or 0) + length
    return Strategy("campaign", params)


campaign = st.builds(
    _campaign,
    st.one_of(st.tuples(st.just("multiplier"), fractions), st.tuples(st.just("bonus"), st.integers(0, 500))),
    st.one_of(st.none(), st.sampled_from([-1000, 0, 1000])),
    st.one_of(st.none(), st.sampled_from([1000, 2000])),
)
threshold = st.builds(lambda m, b: Strategy("threshold", {"min_spend": m, "bonus": b}),
                      st.integers(0, 200000), st.integers(0, 1000))
first_purchase = st.builds(lambda b: Strategy("first_purchase", {"bonus": b}), st.integers(0, 1000))

cases = st.builds(
    Case,
    rounding=st.sampled_from(["floor", "half_up", "half_even", "ceil"]),
    stacking=st.sampled_from(["additive", "compound"]),
    excluded=st.lists(st.sampled_from(TYPES), unique=True, max_size=2),
    # usually a base strategy somewhere, so that multipliers have something to scale
    strategies=st.builds(
        lambda first, rest, where: rest[:where] + first + rest[where:],
        st.lists(base_rate, max_size=2),
        st.lists(st.one_of(base_rate, tier_multiplier, tier_multiplier, campaign, campaign, threshold,
                           first_purchase), max_size=6),
        st.integers(0, 6)),
    tier=st.one_of(st.none(), st.sampled_from(TIERS + ["platinum"])),
    lines=st.lists(st.tuples(st.sampled_from(TYPES), st.integers(1, 5), st.integers(0, 50000)), max_size=6),
    at=st.just(T0),  # drawn again by the test, at the edges of the campaign windows
    first=st.booleans(),
)


def reference(case: Case) -> Tuple[List[Tuple[bool, Fraction]], Fraction, Fraction, int]:
    """Per strategy (applied, points), the exact total, base points, rounded points."""
    eligible = [(t, q * p) for t, q, p in case.lines if t not in case.excluded]
    eligible_spend = sum(total for _, total in eligible)
    base = Fraction(0)  # base points so far
    current = Fraction(0)  # base points as multipliers left them (compound)
    out: List[Tuple[bool, Fraction]] = []

    def multiply(m: Fraction) -> Fraction:
        nonlocal current
        if case.stacking == "additive":
            return base * (m - 1)
        extra = current * (m - 1)
        current *= m
        return extra

    for s in case.strategies:
        p = s.params
        if s.kind == "base_rate":
            excl = p.get("exclude", [])
            pts = sum((Fraction(total) * p["points"] / p["per"] for t, total in eligible if t not in excl),
                      Fraction(0))
            base += pts
            current += pts
            out.append((True, pts))
        elif s.kind == "tier_multiplier":
            m = p.get(f"tier.{case.tier}") if case.tier else None
            out.append((True, multiply(m)) if m is not None else (False, Fraction(0)))
        elif s.kind == "campaign":
            inside = p.get("start", case.at) <= case.at and ("end" not in p or case.at < p["end"])
            if not inside:
                out.append((False, Fraction(0)))
            elif "multiplier" in p:
                out.append((True, multiply(p["multiplier"])))
            else:
                out.append((True, Fraction(p["bonus"])))
        elif s.kind == "threshold":
            ok = eligible_spend >= p["min_spend"]
            out.append((ok, Fraction(p["bonus"]) if ok else Fraction(0)))
        elif s.kind == "first_purchase":
            out.append((case.first, Fraction(p["bonus"]) if case.first else Fraction(0)))
    exact = sum((pts for _, pts in out), Fraction(0))
    return out, exact, base, round_ref(exact, case.rounding)


def window_edges(case: Case) -> List[int]:
    edges = {T0 - 1, T0}
    for s in case.strategies:
        for key in ("start", "end"):
            if key in s.params:
                t = int(s.params[key])  # type: ignore[call-overload]
                edges.update((t - 1, t, t + 1))
    return sorted(edges)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases, st.data())
def test_binding_matches_the_reference(case: Case, data):
    case.at = data.draw(st.sampled_from(window_edges(case)), label="at")
    calc = calculator(rounding=case.rounding, stacking=case.stacking)
    if case.excluded:
        calc.exclude_product_type(*case.excluded)
    for i, s in enumerate(case.strategies):
        calc.add(s.kind, f"s{i}", s.params)
    cust = customer(7, tier=case.tier)
    purchase = loyalty.Purchase("k", cust, case.at, "USD", items=[(f"sku{i}", t, q, p)
                                                                  for i, (t, q, p) in enumerate(case.lines)])
    lines, exact, base, points = reference(case)
    r = calc.compute(cust, purchase, first_purchase=case.first)
    assert [(line.applied, line.points) for line in r] == lines
    assert r.exact_points == exact
    assert r.base_points == base
    assert r.points == points
    assert r.rounding_adjustment == points - exact
    assert r.spend == sum(q * p for _, q, p in case.lines)
    assert r.eligible_spend == sum(q * p for t, q, p in case.lines if t not in case.excluded)
    # canonical parameters rebuild the same calculator
    again = calculator(rounding=case.rounding, stacking=case.stacking)
    if case.excluded:
        again.exclude_product_type(*case.excluded)
    for info in calc:
        again.add(info.kind, info.name, info.params)
    assert again.compute(cust, purchase, first_purchase=case.first).lines == r.lines


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.fractions(min_value=-1000, max_value=1000, max_denominator=1000),
                 st.integers(-2000, 2000).map(lambda n: Fraction(n, 2))),  # halves, where modes differ
       st.sampled_from(["floor", "half_up", "half_even", "ceil"]))
def test_rounding_matches_the_reference(value: Fraction, mode: str):
    assert loyalty.round_fraction(value, mode) == round_ref(value, mode)
