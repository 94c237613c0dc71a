"""Analytics: the metrics of a period, retention cohorts, survey scores.

>>> m = program.metrics(datetime(2026, 3, 1), datetime(2026, 4, 1), point_value=Fraction(1, 2), margin=Fraction(1, 4))
>>> m.retention_rate, m.churn_rate, m.average_order_value
(Fraction(2, 3), Fraction(1, 3), Fraction(5000, 1))
>>> percent(m.retention_rate)
'66.67'
>>> m.to_dict()["tier_mix"]
{'': 3, 'silver': 2, 'gold': 0}

Every figure is exact: counts and sums are ints, rates and averages are
``fractions.Fraction`` (ratios: 2/3, not 66.67), and a rate whose denominator
is zero (no customers at the start, no orders, nothing issued, no answers) is
``None``. :func:`percent` renders a ratio as the C library does, rounded
half-even once. The definitions, their sources and the edge cases are in
docs/ANALYTICS.md; the C API is ``loyalty/analytics.h``.

The results are plain values computed under the program's lock in one C call
(the GIL is released meanwhile): they outlive the program.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import capi
from ._convert import FractionLike, TimeLike, check_int, from_ms, to_fraction, to_ms, to_pair
from .errors import InvalidArgument
from .program import Program

__all__ = [
    "ActionCount",
    "Cohort",
    "CohortTable",
    "METRIC_NAMES",
    "Metrics",
    "ces",
    "csat",
    "percent",
]

#: the scalar metrics, in the C library's order (``loyalty_metric``)
METRIC_NAMES: Tuple[str, ...] = tuple(capi.loyalty_metric_name(i) for i in range(capi.LOYALTY_METRIC_COUNT))
_INTEGER = frozenset(
    name for i, name in enumerate(METRIC_NAMES) if capi.loyalty_swig_metric_kind(i) == capi.LOYALTY_METRIC_KIND_INTEGER
)


def _value(pair: Tuple[int, int]) -> Optional[Fraction]:
    num, den = pair
    return None if den == 0 else Fraction(num, den)


def _pandas(what: str) -> Any:
    try:
        import pandas  # type: ignore[import-not-found]
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(f"{what}.to_dataframe() needs pandas (pip install pandas); to_dict() does not") from e
    return pandas


def percent(ratio: Optional[FractionLike], decimals: int = 2) -> Optional[str]:
    """A ratio as a percentage with @p decimals places (0..6), rounded half-even
    once by the C library (``loyalty_percent_format``): ``percent(Fraction(2, 3))
    == "66.67"``. None (an undefined rate) gives None."""
    if ratio is None:
        return None
    return capi.loyalty_swig_percent(to_pair(ratio, "ratio"), check_int(decimals, "decimals"))


@dataclass(frozen=True)
class ActionCount:
    """Engagement actions of one kind in the period: how many, and the points they credited."""

    count: int
    points: int


@dataclass(frozen=True)
class Metrics:
    """The metrics of the period [start, end) (C: ``loyalty_metrics``).

    Integer figures are ints; ratios and amounts are Fractions, or None when
    undefined (a zero denominator). ``tier_mix`` maps each tier name to the
    members holding it at end ("" = no tier), in threshold order;
    ``actions_by_kind`` maps each engagement action the program defines to an
    ActionCount (``actions`` is their total). Money
    is in minor units; lifespan and CLV are in periods of this length.
    """

    start: _dt.datetime
    end: _dt.datetime
    #: minor units per point (None: not declared), margin, lifespan cap (0: none)
    point_value: Optional[Fraction]
    margin: Fraction
    max_lifespan: int
    members_start: int
    members_end: int
    new_members: int
    active_members: int
    customers_start: int
    customers_end: int
    retained: int
    reactivated: int
    retention_rate: Optional[Fraction]
    churn_rate: Optional[Fraction]
    orders: int
    revenue: int
    purchasers: int
    repeat_purchasers: int
    repeat_purchase_rate: Optional[Fraction]
    average_order_value: Optional[Fraction]
    purchase_frequency: Optional[Fraction]
    expected_lifespan: Optional[Fraction]
    customer_lifetime_value: Optional[Fraction]
    points_issued: int
    points_clawed_back: int
    points_redeemed: int
    points_expired: int
    redemption_rate: Optional[Fraction]
    breakage_rate: Optional[Fraction]
    liability_points: int
    liability_value: Optional[Fraction]
    referrals: int
    referral_conversions: int
    #: engagement actions in the period, all kinds
    actions: int
    tier_mix: Dict[str, int] = field(default_factory=dict)
    actions_by_kind: Dict[str, ActionCount] = field(default_factory=dict)

    @classmethod
    def _from_handle(cls, h: Any) -> "Metrics":
        values: Dict[str, Any] = {}
        for i, name in enumerate(METRIC_NAMES):
            v = _value(h.value(i))
            if name in _INTEGER:
                v = int(v) if v is not None else 0
            values[name] = v
        tiers = {h.tier_name(r): h.tier_members(r) for r in range(h.tier_rows())}
        by_kind = {
            h.action_name(r): ActionCount(h.action_count(r), h.action_points(r)) for r in range(h.action_rows())
        }
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in values.items() if k in known}  # metrics newer than this module stay in C
        return cls(
            start=from_ms(h.start()),
            end=from_ms(h.end()),
            point_value=_value(h.point_value()),
            margin=Fraction(*h.margin()),
            max_lifespan=h.max_lifespan(),
            tier_mix=tiers,
            actions_by_kind=by_kind,
            **values,
        )

    def to_dict(self) -> Dict[str, Any]:
        """A plain dict: the period, the options, every metric by its C name,
        ``"tier_mix"`` and ``"actions_by_kind"``
        (``{"review": {"count": 2, "points": 10}}``)."""
        d: Dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "point_value": self.point_value,
            "margin": self.margin,
            "max_lifespan": self.max_lifespan,
        }
        for name in METRIC_NAMES:
            d[name] = getattr(self, name)
        d["tier_mix"] = dict(self.tier_mix)
        d["actions_by_kind"] = {k: {"count": a.count, "points": a.points} for k, a in self.actions_by_kind.items()}
        return d

    def to_dataframe(self) -> Any:
        """A one-row pandas DataFrame indexed by the period's start: the scalar
        metrics as columns, then ``tier:<name>`` ("tier:" for no tier) and
        ``action:<name>`` / ``action_points:<name>``. Rows of several periods
        concatenate (``pandas.concat``). Raises ImportError without pandas."""
        pd = _pandas("Metrics")
        row: Dict[str, Any] = {"end": self.end}
        for name in METRIC_NAMES:
            row[name] = getattr(self, name)
        for tier, n in self.tier_mix.items():
            row[f"tier:{tier}"] = n
        for name, a in self.actions_by_kind.items():
            row[f"action:{name}"] = a.count
            row[f"action_points:{name}"] = a.points
        return pd.DataFrame([row], index=pd.Index([self.start], name="start"))


@dataclass(frozen=True)
class Cohort:
    """The members enrolled in one month and how many were active in each month since.

    ``active[k]`` counts the members active in month ``k`` after the
    enrolment month (``active[0] == size``); ``rates[k]`` is ``active[k] /
    size``, None for an empty cohort.
    """

    year: int
    month: int
    size: int
    active: Tuple[int, ...]
    rates: Tuple[Optional[Fraction], ...]

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class CohortTable:
    """Retention by enrolment month (C: ``loyalty_cohorts``): a triangle of
    cohorts, months in the program's UTC offset. Iterable over its cohorts."""

    cohorts: Tuple[Cohort, ...]

    @classmethod
    def _from_handle(cls, h: Any) -> "CohortTable":
        rows: List[Cohort] = []
        for r in range(h.rows()):
            n = h.month_number(r)
            width = h.width(r)
            rows.append(
                Cohort(
                    year=n // 12,
                    month=n % 12 + 1,
                    size=h.size(r),
                    active=tuple(h.active(r, k) for k in range(width)),
                    rates=tuple(_value(h.rate(r, k)) for k in range(width)),
                )
            )
        return cls(tuple(rows))

    def __iter__(self):
        return iter(self.cohorts)

    def __len__(self) -> int:
        return len(self.cohorts)

    def __getitem__(self, i: int) -> Cohort:
        return self.cohorts[i]

    def to_dict(self) -> Dict[str, Dict[str, Any]]:
        """``{"2026-02": {"size": 2, "active": [2, 2, 0], "rates": [Fraction(1), ...]}, ...}``"""
        return {c.label: {"size": c.size, "active": list(c.active), "rates": list(c.rates)} for c in self.cohorts}

    def to_dataframe(self, values: str = "active") -> Any:
        """A pandas DataFrame, one row per cohort ("YYYY-MM"), a ``size`` column,
        then one column per month since enrolment (0, 1, ...) holding the active
        counts (``values="active"``, nullable Int64) or the rates as Fractions
        (``values="rate"``); cells after the range are missing. Raises ImportError without pandas."""
        if values not in ("active", "rate"):
            raise InvalidArgument(f'values must be "active" or "rate", not {values!r}', InvalidArgument.CODE)
        pd = _pandas("CohortTable")
        width = len(self.cohorts)
        data = []
        for c in self.cohorts:
            cells: Sequence[Any] = c.active if values == "active" else c.rates
            data.append([c.size] + list(cells) + [None] * (width - len(cells)))
        df = pd.DataFrame(
            data,
            index=pd.Index([c.label for c in self.cohorts], name="cohort"),
            columns=["size"] + list(range(width)),
            dtype=object,
        )
        if values == "active":  # counts stay integers: missing cells are <NA>, not NaN floats
            df = df.astype("Int64")
        return df


# ---- the program's methods ------------------------------------------------------------------


def _metrics(
    self: Program,
    start: TimeLike,
    end: TimeLike,
    *,
    point_value: Optional[FractionLike] = None,
    margin: FractionLike = 1,
    max_lifespan: int = 0,
) -> Metrics:
    """The metrics of the period [start, end) (docs/ANALYTICS.md).

    @p point_value: minor units one point is worth (an int, Fraction or
    Decimal >= 0) for the liability's value; None leaves it undefined.
    @p margin: between 0 and 1, applied to the lifetime value. @p max_lifespan:
    a cap in periods on the expected lifespan (0: none, so a churn of 0 leaves
    lifespan and CLV undefined). Run :meth:`maintain` up to @p end first.
    Raises InvalidArgument (end <= start, a bad option), OutOfRange (overflow).
    """
    pv = (0, 0) if point_value is None else to_pair(point_value, "point_value")
    h = capi.loyalty_swig_program_metrics(
        self._handle(),
        to_ms(start, "start"),
        to_ms(end, "end"),
        pv,
        to_pair(margin, "margin"),
        check_int(max_lifespan, "max_lifespan"),
    )
    return Metrics._from_handle(h)


def _cohorts(self: Program, from_year: int, from_month: int, months: int) -> CohortTable:
    """Retention by enrolment month over @p months calendar months from
    @p from_year-@p from_month (1..1200 months), in the program's UTC offset."""
    h = capi.loyalty_swig_program_cohorts(
        self._handle(), check_int(from_year, "from_year"), check_int(from_month, "from_month"),
        check_int(months, "months"))
    return CohortTable._from_handle(h)


# Program is defined in program.py; its analytics methods live here, with the rest of analytics.
Program.metrics = _metrics  # type: ignore[attr-defined]
Program.cohorts = _cohorts  # type: ignore[attr-defined]


# ---- surveys ---------------------------------------------------------------------------------


def _counts(counts: Union[Sequence[int], Mapping[int, int]], scale: Optional[int]) -> Tuple[int, List[int]]:
    if isinstance(counts, Mapping):
        if scale is None:
            raise InvalidArgument("a mapping of score -> count needs scale=5 or scale=10", InvalidArgument.CODE)
        out = [0] * scale
        for score, n in counts.items():
            s = check_int(score, "score")
            if not 1 <= s <= scale:
                raise InvalidArgument(f"score {s} outside 1..{scale}", InvalidArgument.CODE)
            out[s - 1] = check_int(n, f"count of {s}")
        return scale, out
    seq = [check_int(n, "count") for n in counts]
    if scale is None:
        scale = len(seq)
    if len(seq) != scale:
        raise InvalidArgument(f"{len(seq)} counts for a scale of {scale}", InvalidArgument.CODE)
    return scale, seq


def _survey(ces_: int, counts: Union[Sequence[int], Mapping[int, int]], scale: Optional[int]) -> Optional[Fraction]:
    scale, seq = _counts(counts, scale)
    padded = (seq + [0] * 10)[:10]  # the C call checks the scale
    return _value(capi.loyalty_swig_survey(ces_, scale, *padded))


def csat(counts: Union[Sequence[int], Mapping[int, int]], scale: Optional[int] = None) -> Optional[Fraction]:
    """CSAT: the share of the top two answers (4-5 of 5, 9-10 of 10), exact.

    @p counts: answers per score, ``[n1, n2, ..., n5]`` (the scale is the
    length, 5 or 10), or a mapping ``{score: count}`` with @p scale. None when
    there are no answers. ``csat([1, 2, 3, 4, 10]) == Fraction(7, 10)``.
    """
    return _survey(0, counts, scale)


def ces(counts: Union[Sequence[int], Mapping[int, int]], scale: Optional[int] = None) -> Optional[Fraction]:
    """CES: the share of the top two answers ("it was easy": 4-5 of 5, 9-10 of
    10), computed as :func:`csat`."""
    return _survey(1, counts, scale)
