"""What-if simulation: replay a recorded history under another program
definition and compare (docs/SIMULATION.md).

>>> history = loyalty.History.from_journal("shop-data", progress=True)   # while the shop runs
>>> report = loyalty.simulate(history, current_program(), proposed_program(),
...                           point_value=Fraction(1, 2), progress=True)
>>> report.difference.issued, report.difference.cost      # exact ints and Fractions
>>> report.to_dict()                                      # plain data (json.dumps-able with default=str)
>>> report.to_dataframe(), report.series_dataframe()      # with pandas installed

The two programs are sandboxes built by the caller with the current and the
proposed definitions and no customers; the simulation fills them (inspect
them afterwards, e.g. a customer's ledger under the proposal).

Progress (``progress=``): ``True`` shows a bar (tqdm when it is installed, a
plain line on stderr otherwise); a callable is called with ``(done, total)``,
and returning a true value, or raising, cancels: the call then raises
:class:`~loyalty.Canceled` (chained from what the callable raised).
With progress given, Ctrl-C cancels too, raising ``KeyboardInterrupt``. The GIL is released while
the C library works.
"""

from __future__ import annotations

import datetime as _dt
import sys as _sys
import uuid as _uuid
from dataclasses import asdict, dataclass, fields
from fractions import Fraction
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

from . import capi
from ._convert import FractionLike, TimeLike, check_int, check_text, from_ms, to_ms, to_pair
from ._enums import Period
from ._handle import Handle
from .customer import Customer
from .errors import Canceled, InvalidArgument
from .program import CustomerLike, PathLike, Program, _customer_id, _key, _path
from .purchase import Purchase

__all__ = [
    "History",
    "simulate",
    "SimulationReport",
    "SimulationTotals",
    "SimulationPeriod",
    "TierChange",
    "ProgressLike",
]

#: what ``progress=`` accepts
ProgressLike = Union[None, bool, Callable[[int, int], Any]]

_SIDES = ("base", "alternative")


# ---- progress -------------------------------------------------------------------------------------


class _TextBar:
    """A progress line on stderr, for when tqdm is not installed."""

    def __init__(self, desc: str) -> None:
        self.desc = desc
        self.shown = -1

    def __call__(self, done: int, total: int) -> bool:
        percent = done * 100 // total if total else 100
        if percent != self.shown and (self.shown < 0 or percent - self.shown >= 5 or done == total):
            self.shown = percent
            end = "\n" if total and done >= total else ""
            _sys.stderr.write(f"\r{self.desc}: {percent:3d}% ({done:,}/{total:,})" + end)
            _sys.stderr.flush()
        return False

    def close(self) -> None:
        pass


class _TqdmBar:
    def __init__(self, desc: str, tqdm: Any) -> None:
        self.bar = tqdm(desc=desc, total=0, unit="", unit_scale=True, leave=True)

    def __call__(self, done: int, total: int) -> bool:
        if total and self.bar.total != total:
            self.bar.total = total
            self.bar.refresh()
        self.bar.update(done - self.bar.n)
        return False

    def close(self) -> None:
        self.bar.close()


class _Progress:
    """Wraps what the caller gave: keeps what a callable raises (the C trampoline
    only sees True: stop), so that it can be chained to Canceled."""

    def __init__(self, progress: ProgressLike, desc: str) -> None:
        self.error: Optional[BaseException] = None
        self.bar: Any = None
        if progress is True:
            try:
                from tqdm.auto import tqdm  # type: ignore[import-not-found]
            except ImportError:
                self.bar = _TextBar(desc)
            else:
                self.bar = _TqdmBar(desc, tqdm)
            self.fn: Optional[Callable[[int, int], Any]] = self.bar
        elif progress is None or progress is False:
            self.fn = None
        elif callable(progress):
            self.fn = progress
        else:
            raise TypeError(f"progress must be True, a callable (done, total) or None, not {type(progress).__name__}")

    def arg(self) -> Any:
        return None if self.fn is None else self

    def __call__(self, done: int, total: int) -> bool:
        assert self.fn is not None
        try:
            return bool(self.fn(done, total))
        except Exception as exc:  # noqa: BLE001 - kept and chained to Canceled
            self.error = exc
            return True

    def run(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except Canceled as exc:
            if self.error is not None:
                raise Canceled(f"{exc} (the progress callback raised {type(self.error).__name__}: {self.error})",
                               Canceled.CODE) from self.error
            raise
        finally:
            if self.bar is not None:
                self.bar.close()


def progress_call(progress: ProgressLike, desc: str, call: Callable[[Any], Any]) -> Any:
    """Run ``call(arg)`` where arg is what the C wrapper takes for @p progress
    (for the other modules' long calls)."""
    p = _Progress(progress, desc)
    return p.run(lambda: call(p.arg()))


# ---- histories ------------------------------------------------------------------------------------------


class History(Handle):
    """A list of recorded events (enrolments, purchases, refunds, redemptions)
    to replay: from a program, an export, a program's directory (read while it
    is open elsewhere), a CSV file, or added one by one in any order (the
    simulation replays them in time order).

    ``len(history)`` is the number of events; :attr:`counts` per kind.
    """

    __slots__ = ()

    def __init__(self, _raw: Any = None) -> None:
        super().__init__(_raw if _raw is not None else capi.History())

    # ---- sources

    @classmethod
    def from_program(cls, program: Program, *, progress: ProgressLike = None) -> "History":
        """The history of @p program (read, never changed; its lock is held meanwhile)."""
        if not isinstance(program, Program):
            raise TypeError(f"program must be a Program, not {type(program).__name__}")
        raw = program._handle()
        return cls(progress_call(progress, "reading the program",
                                 lambda p: capi.loyalty_py_history_from_program(raw, p)))

    @classmethod
    def from_export(cls, path: PathLike, *, progress: ProgressLike = None) -> "History":
        """The history in a file written by :meth:`Program.export` (no calculator needed)."""
        name = _path(path, "path")
        return cls(progress_call(progress, "reading the export",
                                 lambda p: capi.loyalty_py_history_from_export(name, p)))

    @classmethod
    def from_journal(cls, directory: PathLike, *, progress: ProgressLike = None) -> "History":
        """The history of a durable program's directory, which may be open
        meanwhile (in this process or another): it is copied aside and read
        there, never locked or written. No calculator is needed."""
        name = _path(directory, "directory")
        return cls(progress_call(progress, "reading the journal",
                                 lambda p: capi.loyalty_py_history_from_journal(name, p)))

    @classmethod
    def from_csv(cls, path: PathLike, currency: str, *, progress: ProgressLike = None) -> "History":
        """A history from a CSV file of purchase lines (columns order,
        customer, date, product_type, quantity, unit_price; optional sku,
        name, email, channel; prices in @p currency's major units). Each
        customer is enrolled at their first order with the id
        :meth:`csv_customer_id` gives. Errors name the line."""
        name = _path(path, "path")
        code = check_text(currency, "currency")
        return cls(progress_call(progress, "reading the CSV",
                                 lambda p: capi.loyalty_py_history_from_csv(name, code, p)))

    @staticmethod
    def csv_customer_id(reference: str) -> _uuid.UUID:
        """The id the CSV reader gives the customer @p reference: ``uuid.uuid5(NAMESPACE, reference)``."""
        return _uuid.UUID(bytes=capi.loyalty_swig_csv_customer_id(check_text(reference, "reference")))

    #: the namespace of :meth:`csv_customer_id`
    CSV_NAMESPACE = _uuid.UUID("3d5e7a4c-9b1f-5c2d-8e6f-0a1b2c3d4e5f")

    # ---- building

    def add_enrollment(
        self,
        key: str,
        customer: Union[Customer, Mapping[str, Any], None] = None,
        referral_code: Optional[str] = None,
        *,
        at: TimeLike,
        **profile: Any,
    ) -> None:
        """Add an enrolment, as :meth:`Program.enroll` takes it."""
        if customer is None:
            customer = Customer(**profile)
        elif isinstance(customer, Mapping):
            customer = Customer(**{**customer, **profile})
        elif profile:
            raise TypeError("add_enrollment: give a Customer or profile keywords, not both")
        if not isinstance(customer, Customer):
            raise TypeError(f"customer must be a Customer or a mapping, not {type(customer).__name__}")
        self._handle().add_enrollment(_key(key), customer._c(),
                                      check_text(referral_code, "referral_code", optional=True), to_ms(at, "at"))

    def add_purchase(self, purchase: Purchase) -> None:
        """Add a purchase (copied)."""
        if not isinstance(purchase, Purchase):
            raise TypeError(f"purchase must be a Purchase, not {type(purchase).__name__}")
        self._handle().add_purchase(purchase._p())

    def add_refund(self, key: str, purchase_key: str, amount: int, *, at: TimeLike) -> None:
        """Add a refund of @p amount minor units of the purchase @p purchase_key."""
        self._handle().add_refund(_key(key), check_text(purchase_key, "purchase_key"),
                                  check_int(amount, "amount"), to_ms(at, "at"))

    def add_redemption(self, key: str, customer: CustomerLike, reward: str, *, at: TimeLike) -> None:
        """Add a redemption of @p reward by @p customer."""
        self._handle().add_redemption(_key(key), _customer_id(customer), check_text(reward, "reward"),
                                      to_ms(at, "at"))

    # ---- reading

    def __len__(self) -> int:
        return int(self._handle().count(-1))

    @property
    def counts(self) -> Dict[str, int]:
        """Events per kind: enrollments, purchases, refunds, redemptions."""
        h = self._handle()
        return {name: int(h.count(i)) for i, name in enumerate(("enrollments", "purchases", "refunds",
                                                                  "redemptions"))}

    def __repr__(self) -> str:
        if self.closed:
            return "<History closed>"
        return "History(" + ", ".join(f"{k}={v}" for k, v in self.counts.items()) + ")"


# ---- the report ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimulationTotals:
    """One side's figures at the end (or the difference, alternative minus base)."""

    customers: int
    purchases: int
    refunds: int
    redemptions: int
    redemptions_refused: int
    #: earned by purchases, actions, partners, referrals, net of refund clawbacks
    issued: int
    redeemed: int
    expired: int
    #: available + pending balances of every customer
    liability: int
    #: issued x point value, minor units (exact)
    cost: Fraction
    #: liability x point value, minor units (exact)
    liability_value: Fraction

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SimulationPeriod:
    """Cumulative figures of one side at the end of a period."""

    end: _dt.datetime
    issued: int
    redeemed: int
    expired: int
    liability: int

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TierChange:
    """A customer whose tier at the end differs between the two programs (None: no tier)."""

    customer_id: _uuid.UUID
    external_ref: Optional[str]
    base_tier: Optional[str]
    alternative_tier: Optional[str]

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)


def _totals(get: Callable[[int], int]) -> SimulationTotals:
    v = [int(get(i)) for i in range(13)]
    return SimulationTotals(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], Fraction(v[9], v[10]),
                            Fraction(v[11], v[12]))


def _opt(text: Optional[str]) -> Optional[str]:
    return text or None


class SimulationReport:
    """What :func:`simulate` found: a value that owns nothing in C.

    ``base``, ``alternative`` and ``difference`` are :class:`SimulationTotals`;
    ``series`` maps "base" and "alternative" to a list of
    :class:`SimulationPeriod` (one per period end, for charts); ``tiers`` maps
    them to ``{tier or None: customers}`` (every tier of that program, zeros
    included); ``tier_changes`` lists :class:`TierChange` in enrolment order.
    """

    __slots__ = ("point_value", "end", "base", "alternative", "difference", "series", "tiers", "tier_changes")

    def __init__(self, raw: Any) -> None:
        self.point_value: Fraction = Fraction(*raw.point_value())
        self.end: _dt.datetime = from_ms(raw.end())
        self.base = _totals(lambda f: raw.total(0, f))
        self.alternative = _totals(lambda f: raw.total(1, f))
        self.difference = _totals(raw.difference)
        n = raw.period_count()
        self.series: Dict[str, List[SimulationPeriod]] = {
            name: [SimulationPeriod(from_ms(raw.period(side, i, 0)), *(int(raw.period(side, i, f)) for f in (1, 2, 3, 4)))
                   for i in range(n)]
            for side, name in enumerate(_SIDES)
        }
        self.tiers: Dict[str, Dict[Optional[str], int]] = {
            name: {_opt(raw.tier_name(side, i)): int(raw.tier_customers(side, i)) for i in range(raw.tier_count(side))}
            for side, name in enumerate(_SIDES)
        }
        self.tier_changes: List[TierChange] = [
            TierChange(_uuid.UUID(bytes=raw.change_customer(i)), _opt(raw.change_text(i, 0)),
                       _opt(raw.change_text(i, 1)), _opt(raw.change_text(i, 2)))
            for i in range(raw.change_count())
        ]

    def to_dict(self) -> Dict[str, Any]:
        """Plain data: ints, Fractions, datetimes, UUIDs, str and None in dicts and lists."""
        return {
            "point_value": self.point_value,
            "end": self.end,
            "base": self.base.to_dict(),
            "alternative": self.alternative.to_dict(),
            "difference": self.difference.to_dict(),
            "series": {side: [p.to_dict() for p in points] for side, points in self.series.items()},
            "tiers": {side: dict(rows) for side, rows in self.tiers.items()},
            "tier_changes": [c.to_dict() for c in self.tier_changes],
        }

    @staticmethod
    def _pandas() -> Any:
        try:
            import pandas  # type: ignore[import-not-found]
        except ImportError:
            raise ImportError("SimulationReport.to_dataframe needs pandas (pip install pandas)") from None
        return pandas

    def to_dataframe(self) -> Any:
        """The totals as a pandas DataFrame: rows base, alternative, difference."""
        pd = self._pandas()
        rows = {"base": self.base, "alternative": self.alternative, "difference": self.difference}
        return pd.DataFrame([t.to_dict() for t in rows.values()], index=list(rows))

    def series_dataframe(self) -> Any:
        """The series as a pandas DataFrame: one row per period end, columns
        (side, figure): ("base", "liability"), ("alternative", "issued"), ..."""
        pd = self._pandas()
        frames = {side: pd.DataFrame([p.to_dict() for p in points]).set_index("end")
                  for side, points in self.series.items()}
        return pd.concat(frames, axis=1)

    def tier_changes_dataframe(self) -> Any:
        """The tier changes as a pandas DataFrame."""
        pd = self._pandas()
        names = [f.name for f in fields(TierChange)]
        return pd.DataFrame([c.to_dict() for c in self.tier_changes], columns=names)

    def __repr__(self) -> str:
        d = self.difference
        sign = "+" if d.cost >= 0 else ""
        return (f"SimulationReport(issued {self.base.issued} -> {self.alternative.issued} ({d.issued:+d}), "
                f"liability {self.base.liability} -> {self.alternative.liability} ({d.liability:+d}), "
                f"cost {sign}{d.cost} at {self.point_value} per point, {len(self.tier_changes)} tier changes)")


def simulate(
    history: History,
    base: Program,
    alternative: Program,
    *,
    point_value: FractionLike = 1,
    period: Union[str, Period] = Period.MONTH,
    end: Optional[TimeLike] = None,
    progress: ProgressLike = None,
    threads: int = 0,
) -> SimulationReport:
    """Replay @p history into @p base and @p alternative (programs built with
    the current and the proposed definitions, and no customers: StateError
    otherwise) and compare them.

    ``point_value``: what a point costs in minor units (an int, Fraction or
    Decimal; default 1). ``period``: "day", "week", "month", "quarter" or
    "year": the sweeps and the series. ``end``: the last sweep (default: the
    end of the period of the last event). ``threads``: 1 replays one side
    after the other, 2 both at once (the alternative on a second thread),
    0 (default) 2 from 8,192 events. The same inputs always give the
    same report. After a failure (Canceled included) the programs hold a
    partial replay: close them.
    """
    if not isinstance(history, History):
        raise TypeError(f"history must be a History, not {type(history).__name__}")
    for what, program in (("base", base), ("alternative", alternative)):
        if not isinstance(program, Program):
            raise TypeError(f"{what} must be a Program, not {type(program).__name__}")
    pv = to_pair(point_value, "point_value")
    code = Period.of(period).code
    end_ms = 0 if end is None else to_ms(end, "end")
    if end is not None and end_ms == 0:
        raise InvalidArgument("end must not be the epoch itself (0 means: the end of the last period)",
                              InvalidArgument.CODE)
    nthreads = check_int(threads, "threads")
    h, b, a = history._handle(), base._handle(), alternative._handle()
    raw = progress_call(progress, "simulating", lambda p: capi.loyalty_py_simulate(h, b, a, pv, code, end_ms, nthreads, p))
    return SimulationReport(raw)
