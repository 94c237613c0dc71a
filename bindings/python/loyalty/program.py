"""The loyalty program: customers, their points and tiers over time, rewards,
and the ledger. The rules are docs/PROGRAM.md's."""

from __future__ import annotations

import datetime as _dt
import os as _os
import uuid as _uuid
from array import array as _array
from dataclasses import dataclass
from decimal import Decimal
from typing import (
    Any,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    TypeVar,
    Union,
    cast,
    overload,
)

from . import capi
from ._convert import (
    INT64_MIN,
    FractionLike,
    IdLike,
    MoneyLike,
    TimeLike,
    check_int,
    check_text,
    from_ms,
    to_minor,
    to_ms,
    to_pair,
    to_uuid,
)
from ._enums import Expiry, Period, RefundPolicy, Rounding, Sync, TierMetric, TierWindow, optional_name
from ._handle import Handle
from .calculator import Calculator
from .customer import Customer, _CustomerFields
from .errors import InvalidArgument, LoyaltyError, error_class
from .ledger import Entry, Ledger, _entry_from_value
from .purchase import Purchase, _PurchaseFields, minor_digits
from .receipt import Receipt

__all__ = [
    "Program",
    "ProgramOptions",
    "Tier",
    "Reward",
    "Redemption",
    "RefundResult",
    "MaintenanceReport",
    "Progress",
    "RecoveryInfo",
]

#: a customer: a Customer (its id) or an id
CustomerLike = Union[_CustomerFields, IdLike]


# ---- values ---------------------------------------------------------------------------------------


def _when(ms: Optional[int]) -> Optional[_dt.datetime]:
    return None if ms is None else from_ms(ms)


def _iso(ms: Optional[int]) -> str:
    if ms is None:
        return "None"
    try:
        return from_ms(ms).isoformat()
    except LoyaltyError:
        return f"{ms} ms"


@dataclass(frozen=True)
class ProgramOptions:
    """The policies a program was created with (the keywords of :class:`Program`).
    0 means "off" for the caps, the bonuses and ``referral_max_per_referrer``."""

    pending_days: int = 0
    refund_policy: RefundPolicy = RefundPolicy.NEGATIVE_BALANCE
    cap_per_purchase: int = 0
    cap_per_period: int = 0
    cap_period: Period = Period.NONE
    expiry: Expiry = Expiry.NEVER
    expiry_months: int = 0
    expiry_days: int = 0
    expiry_round_up: Period = Period.NONE
    tier_metric: TierMetric = TierMetric.SPEND
    tier_window: TierWindow = TierWindow.CALENDAR_YEAR
    tier_window_days: int = 0
    tier_grace_days: int = 0
    referrer_bonus: int = 0
    referee_bonus: int = 0
    #: minor units of eligible spend a first purchase needs to pay the referral bonuses
    referral_min_spend: int = 0
    referral_max_per_referrer: int = 0


@dataclass(frozen=True)
class Tier:
    """A tier: customers whose metric reaches ``threshold`` hold it."""

    name: str
    threshold: int
    benefits: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Reward:
    """A reward of the catalog, with its stock as it was when read."""

    id: str
    cost: int
    name: Optional[str] = None
    #: the lowest tier that may redeem it; None: any customer
    min_tier: Optional[str] = None
    #: redeemable from (inclusive), ms since the epoch; None: always
    valid_from_ms: Optional[int] = None
    #: until (exclusive); None: no end
    valid_until_ms: Optional[int] = None
    #: units left; None: unlimited
    stock: Optional[int] = None

    @property
    def valid_from(self) -> Optional[_dt.datetime]:
        return _when(self.valid_from_ms)

    @property
    def valid_until(self) -> Optional[_dt.datetime]:
        return _when(self.valid_until_ms)


@dataclass(frozen=True)
class Redemption:
    """A redemption. Its ``id`` is the coupon code."""

    id: _uuid.UUID
    customer_id: _uuid.UUID
    reward: str
    points: int
    at_ms: int
    cancelled: bool
    #: the REDEEM ledger entry
    entry_seq: int

    @property
    def at(self) -> _dt.datetime:
        return from_ms(self.at_ms)

    def __repr__(self) -> str:
        state = ", cancelled" if self.cancelled else ""
        return (
            f"<Redemption {self.id} of {self.reward!r}: {self.points} points at {_iso(self.at_ms)}, "
            f"entry #{self.entry_seq}{state}>"
        )


@dataclass(frozen=True)
class RefundResult:
    """What a refund did."""

    #: points taken back in all
    clawed_back: int
    #: of which were still pending
    from_pending: int
    #: of which became debt (RefundPolicy.DEBT)
    debt_added: int
    #: minor units refunded on that purchase so far
    refunded_total: int
    #: the REFUND ledger entry
    entry_seq: int


@dataclass(frozen=True)
class MaintenanceReport:
    """What a maintenance sweep did."""

    matured: int
    expired: int
    tier_changes: int
    #: ledger entries written
    entries: int


@dataclass(frozen=True)
class Progress:
    """What a mobile app shows: tier, next tier, balances, next maturity and expiry."""

    tier: Optional[str]
    next_tier: Optional[str]
    #: the tier metric in the current window (minor units or points)
    metric: int
    #: metric still needed for next_tier (0 at the top)
    to_next_tier: int
    available: int
    pending: int
    debt: int
    #: when the next pending points mature (ms), None when nothing is pending
    next_maturity_ms: Optional[int]
    next_maturity_points: int
    #: when the next points expire (ms), None when nothing expires
    next_expiry_ms: Optional[int]
    next_expiry_points: int

    @property
    def next_maturity(self) -> Optional[_dt.datetime]:
        return _when(self.next_maturity_ms)

    @property
    def next_expiry(self) -> Optional[_dt.datetime]:
        return _when(self.next_expiry_ms)


@dataclass(frozen=True)
class RecoveryInfo:
    """What opening a durable program's directory found (``loyalty_recovery_info``)."""

    #: the directory held no program: a new one was created
    created: bool
    #: the generation of the snapshot read
    snapshot_generation: int
    #: journal records applied after the snapshot
    records_replayed: int
    #: the offset of a torn or corrupt tail that was cut off, None if none
    torn_offset: Optional[int]
    #: the bytes cut (copied aside to torn-<generation>-<offset>.bin)
    torn_bytes: int


#: a file or directory name: a str or an os.PathLike
PathLike = Union[str, "_os.PathLike[str]"]


def _path(value: Any, what: str) -> str:
    try:
        path = _os.fspath(value)
    except TypeError:
        raise TypeError(f"{what} must be a str or an os.PathLike, not {type(value).__name__}") from None
    if isinstance(path, bytes):
        path = _os.fsdecode(path)
    if not path or "\0" in path:
        raise InvalidArgument(f"{what} must be a non-empty path without NUL characters", InvalidArgument.CODE)
    return path


def _is_buffer(value: Any) -> bool:
    if isinstance(value, (str, list, tuple)):
        return False
    try:
        memoryview(value).release()
    except TypeError:
        return False
    return True


def _results(items: Iterable[Any]) -> "List[Union[Receipt, BaseException]]":
    """Receipts, or the exception each failed purchase would have raised."""
    out: List[Union[Receipt, BaseException]] = []
    for item in items:
        if isinstance(item, tuple):
            code, message, raised = item
            out.append(raised if raised is not None else error_class(code)(message, code))
        else:
            out.append(Receipt(item))
    return out


def _redemption(raw: Any) -> Redemption:
    return Redemption(
        _uuid.UUID(bytes=raw.id()),
        _uuid.UUID(bytes=raw.customer_id()),
        raw.reward(),
        raw.points(),
        raw.at(),
        bool(raw.cancelled()),
        raw.entry_seq(),
    )


def _nonzero(ms: int) -> Optional[int]:
    return ms if ms else None


# ---- arguments --------------------------------------------------------------------------------------


def _customer_id(value: CustomerLike, what: str = "customer") -> bytes:
    if isinstance(value, _CustomerFields):
        return value.id.bytes
    return to_uuid(value, what).bytes


def _redemption_id(value: Union[Redemption, IdLike]) -> bytes:
    if isinstance(value, Redemption):
        return value.id.bytes
    return to_uuid(value, "redemption").bytes


def _key(value: str) -> str:
    return check_text(value, "key")  # type: ignore[return-value]


def _opt_int(value: Optional[int], what: str, none: int) -> int:
    return none if value is None else check_int(value, what)


def _benefits(benefits: Iterable[str]) -> str:
    if isinstance(benefits, str):
        raise TypeError("benefits must be a sequence of names, not a str")
    names = []
    for b in benefits:
        b = check_text(b, "benefit")  # type: ignore[assignment]
        if not b or any(c.isspace() for c in b):
            raise InvalidArgument(f"benefit {b!r} must be a non-empty name without spaces ([A-Za-z0-9_.-])")
        names.append(b)
    return " ".join(names)


def _customer(handle: Any) -> Customer:
    c = Customer.__new__(Customer)
    Handle.__init__(c, handle)
    return c


# ---- read-only views ---------------------------------------------------------------------------------


_T = TypeVar("_T")


class _Catalog(Sequence[_T]):
    """A read-only view of one of the program's lists, indexed by position, by key (a tier's
    name, a reward's id) or by slice. Subclasses give the length, the item at a position
    (IndexError past the end) and an item's key."""

    __slots__ = ("_program",)
    _what = "item"

    def __init__(self, program: "Program") -> None:
        self._program = program

    def _item(self, i: int) -> _T:
        raise NotImplementedError

    @staticmethod
    def _key(item: Any) -> str:
        raise NotImplementedError

    @overload
    def __getitem__(self, key: int) -> _T: ...
    @overload
    def __getitem__(self, key: str) -> _T: ...
    @overload
    def __getitem__(self, key: slice) -> List[_T]: ...

    def __getitem__(self, key: Union[int, str, slice]) -> Union[_T, List[_T]]:
        if isinstance(key, slice):
            return [self._item(i) for i in range(*key.indices(len(self)))]
        if isinstance(key, str):
            for item in self:
                if self._key(item) == key:
                    return item
            raise KeyError(key)
        if key < 0:
            key += len(self)
        if key < 0:
            raise IndexError(f"{self._what} index out of range")
        return self._item(key)

    def __iter__(self) -> Iterator[_T]:
        for i in range(len(self)):
            yield self._item(i)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return any(self._key(x) == item for x in self)
        return super().__contains__(item)


class Tiers(_Catalog[Tier]):
    """The program's tiers, lowest threshold first; index by position or name."""

    __slots__ = ()
    _what = "tier"

    def __len__(self) -> int:
        return self._program._handle().tier_count()

    def _item(self, i: int) -> Tier:
        h = self._program._handle()
        name = h.tier_name(i)
        if name is None:
            raise IndexError("tier index out of range")
        n = h.tier_benefit_count(name)
        return Tier(name, h.tier_threshold(i), tuple(h.tier_benefit(name, j) for j in range(n)))

    @staticmethod
    def _key(item: Tier) -> str:
        return item.name

    @property
    def names(self) -> Tuple[str, ...]:
        h = self._program._handle()
        return tuple(h.tier_name(i) for i in range(h.tier_count()))

    def __repr__(self) -> str:
        return f"<Tiers {list(self)!r}>"


class Rewards(_Catalog[Reward]):
    """The reward catalog in the order rewards were added; index by position or id."""

    __slots__ = ()
    _what = "reward"

    def __len__(self) -> int:
        return self._program._handle().reward_count()

    def _item(self, i: int) -> Reward:
        try:
            raw = self._program._handle().reward_at(i)
        except (OverflowError, LoyaltyError) as exc:
            if isinstance(exc, LoyaltyError) and exc.code != -7:  # LOYALTY_ERANGE
                raise
            raise IndexError("reward index out of range") from None
        valid_from = raw.valid_from()
        stock = raw.stock()
        return Reward(
            raw.id(),
            raw.cost(),
            optional_name(raw.name()),
            optional_name(raw.min_tier()),
            None if valid_from == INT64_MIN else valid_from,
            _nonzero(raw.valid_until()),
            None if stock < 0 else stock,
        )

    @staticmethod
    def _key(item: Reward) -> str:
        return item.id

    def __repr__(self) -> str:
        return f"<Rewards {[r.id for r in self]!r}>"


# ---- the program --------------------------------------------------------------------------------------


def _calculator_handle(calculator: Calculator) -> Any:
    if not isinstance(calculator, Calculator):
        raise TypeError(f"calculator must be a Calculator, not {type(calculator).__name__}")
    return calculator._handle()


def _program_options(
    ch: Any,
    *,
    pending_days: int = 0,
    refund_policy: Union[str, RefundPolicy] = RefundPolicy.NEGATIVE_BALANCE,
    cap_per_purchase: Optional[int] = None,
    cap_per_period: Optional[int] = None,
    cap_period: Union[str, Period, None] = None,
    expiry: Union[str, Expiry] = Expiry.NEVER,
    expiry_months: int = 0,
    expiry_days: int = 0,
    expiry_round_up: Union[str, Period, None] = None,
    tier_metric: Union[str, TierMetric] = TierMetric.SPEND,
    tier_window: Union[str, TierWindow] = TierWindow.CALENDAR_YEAR,
    tier_window_days: int = 0,
    tier_grace_days: int = 0,
    referrer_bonus: int = 0,
    referee_bonus: int = 0,
    referral_min_spend: MoneyLike = 0,
    referral_max_per_referrer: Optional[int] = None,
) -> Any:
    """The capi.ProgramOptions of Program's keywords (@p ch: the calculator, for its currency)."""
    o = capi.ProgramOptions()
    o.pending_days = check_int(pending_days, "pending_days")
    o.refund_policy = RefundPolicy.of(refund_policy).code
    o.cap_per_purchase = _opt_int(cap_per_purchase, "cap_per_purchase", 0)
    o.cap_per_period = _opt_int(cap_per_period, "cap_per_period", 0)
    o.cap_period = Period.of_optional(cap_period, Period.NONE).code
    o.expiry = Expiry.of(expiry).code
    o.expiry_months = check_int(expiry_months, "expiry_months")
    o.expiry_days = check_int(expiry_days, "expiry_days")
    o.expiry_round_up = Period.of_optional(expiry_round_up, Period.NONE).code
    o.tier_metric = TierMetric.of(tier_metric).code
    o.tier_window = TierWindow.of(tier_window).code
    o.tier_window_days = check_int(tier_window_days, "tier_window_days")
    o.tier_grace_days = check_int(tier_grace_days, "tier_grace_days")
    o.referrer_bonus = check_int(referrer_bonus, "referrer_bonus")
    o.referee_bonus = check_int(referee_bonus, "referee_bonus")
    o.referral_min_spend = to_minor(referral_min_spend, minor_digits(ch.currency()), "referral_min_spend")
    o.referral_max_per_referrer = _opt_int(referral_max_per_referrer, "referral_max_per_referrer", 0)
    return o


class Program(Handle):
    """A loyalty program around a calculator, which it takes over.

    >>> calc = Calculator("USD", utc_offset=-300)
    >>> calc.add("base_rate", "dollar", "points=1 per=100")
    >>> with Program(calc, pending_days=14, expiry="bucket", expiry_months=12) as program:
    ...     program.add_tier("gold", 100000, benefits=["free_delivery"])
    ...     program.add_reward("free-latte", 150, name="A latte on us")
    ...     ada = program.enroll("signup-ada", name="Ada", at=datetime(2026, 1, 10))
    ...     receipt = program.record_purchase(Purchase("order-1", ada, ..., "USD", items=[...]))

    Every call that changes something takes an idempotency key (a purchase's
    is its own) and the time it happens at: the same key with the same
    request returns the first result again and writes nothing; with another
    request it raises :class:`~loyalty.Conflict`. A call that fails raises
    and changes nothing. Times are aware datetimes (naive = UTC) or int ms;
    money is int minor units or a Decimal.

    Any number of threads may share a program: every call releases the GIL
    (the program serialises calls with its own lock), custom strategies of
    the calculator included. Customers, receipts, entries and redemptions
    returned are copies that outlive the program.

    On success the program owns the calculator: the Calculator object stays
    readable (``program.calculator``), refuses changes, and is closed with
    the program. If creation fails, the calculator is still the caller's.

    ``Program(...)`` lives in memory; :meth:`open` keeps a program in a
    directory (a journal and snapshots) that survives crashes, and
    :meth:`export` / :meth:`import_` move one as a single file.
    """

    __slots__ = ("_calculator", "_recovery")

    def __init__(
        self,
        calculator: Calculator,
        *,
        pending_days: int = 0,
        refund_policy: Union[str, RefundPolicy] = RefundPolicy.NEGATIVE_BALANCE,
        cap_per_purchase: Optional[int] = None,
        cap_per_period: Optional[int] = None,
        cap_period: Union[str, Period, None] = None,
        expiry: Union[str, Expiry] = Expiry.NEVER,
        expiry_months: int = 0,
        expiry_days: int = 0,
        expiry_round_up: Union[str, Period, None] = None,
        tier_metric: Union[str, TierMetric] = TierMetric.SPEND,
        tier_window: Union[str, TierWindow] = TierWindow.CALENDAR_YEAR,
        tier_window_days: int = 0,
        tier_grace_days: int = 0,
        referrer_bonus: int = 0,
        referee_bonus: int = 0,
        referral_min_spend: MoneyLike = 0,
        referral_max_per_referrer: Optional[int] = None,
    ) -> None:
        ch = _calculator_handle(calculator)
        o = _program_options(
            ch,
            pending_days=pending_days,
            refund_policy=refund_policy,
            cap_per_purchase=cap_per_purchase,
            cap_per_period=cap_per_period,
            cap_period=cap_period,
            expiry=expiry,
            expiry_months=expiry_months,
            expiry_days=expiry_days,
            expiry_round_up=expiry_round_up,
            tier_metric=tier_metric,
            tier_window=tier_window,
            tier_window_days=tier_window_days,
            tier_grace_days=tier_grace_days,
            referrer_bonus=referrer_bonus,
            referee_bonus=referee_bonus,
            referral_min_spend=referral_min_spend,
            referral_max_per_referrer=referral_max_per_referrer,
        )
        # On success the wrapper stops owning the calculator's handle (the
        # program frees it); on failure it raises and the calculator is untouched.
        super().__init__(capi.Program(ch, o))
        self._calculator = calculator
        self._recovery: Optional[RecoveryInfo] = None
        calculator._attach(self._h)

    @classmethod
    def _adopt(cls, raw: Any, calculator: Calculator, recovery: Optional[RecoveryInfo]) -> "Program":
        """A Program over a new C program that took @p calculator."""
        program = cls.__new__(cls)
        Handle.__init__(program, raw)
        program._calculator = calculator
        program._recovery = recovery
        calculator._attach(raw)
        return program

    # ---- durable programs (docs/DURABILITY.md) -------------------------------------------------

    @classmethod
    def open(
        cls,
        directory: PathLike,
        calculator: Calculator,
        *,
        sync: Union[str, Sync] = Sync.ALWAYS,
        batch_ms: int = 2,
        batch_records: int = 64,
        salvage: bool = False,
        snapshot_bytes: int = 0,
        read_only: bool = False,
        progress: Any = None,
        **program_options: Any,
    ) -> "Program":
        """Open the durable program stored in @p directory, or create it there.

        Every call that changes the program is written to the directory's
        journal before it returns (``sync``: "always" fsyncs first, "batch"
        shares fsyncs between concurrent callers within ``batch_ms`` or
        ``batch_records``, "none" leaves it to the OS), and reopening
        rebuilds exactly what was acknowledged. ``program.recovery`` tells
        what opening found (a torn tail cut off, records replayed).

        A new directory gets a program made from @p calculator and the
        keywords of :class:`Program` (``pending_days=14, ...``; none: the
        defaults). An existing one must be given the same calculator
        (options, exclusions, strategies; custom strategies by name and
        role) and the same program options, or none: otherwise
        :class:`~loyalty.Conflict`. ``salvage`` opens past corruption in the
        middle of the journal, keeping what precedes it; ``snapshot_bytes``
        (> 0) snapshots automatically when the journal grows past it.

        ``read_only`` opens an existing program without locking or writing
        anything (a directory another process has open and keeps writing
        can be read): every change then raises StateError; a directory
        without a program raises NotFound. ``progress`` reports the records
        loaded: ``True`` shows a bar (tqdm when installed), a callable gets
        ``(done, total)`` and cancels by returning a true value or raising
        (:class:`~loyalty.Canceled`; the directory is left as it was).

        As with ``Program(...)``, the program takes the calculator only if
        opening succeeds. The GIL is released while the directory is read.
        Raises LoyaltyIOError, Corrupt, StateError (another process has the
        directory open), Conflict, InvalidArgument, Canceled.
        """
        from .simulate import progress_call
        ch = _calculator_handle(calculator)
        path = _path(directory, "directory")
        code = Sync.of(sync).code
        batch_ms = check_int(batch_ms, "batch_ms")
        batch_records = check_int(batch_records, "batch_records")
        snapshot_bytes = check_int(snapshot_bytes, "snapshot_bytes")

        def attempt(options: Any) -> Any:
            return progress_call(progress, f"opening {path}", lambda p: capi.loyalty_py_program_open(
                path, ch, options, code, batch_ms, batch_records, 1 if salvage else 0, snapshot_bytes,
                1 if read_only else 0, p
            ))

        if program_options:
            result = attempt(_program_options(ch, **program_options))
        elif read_only:  # nothing is created: the stored options
            result = attempt(None)
        else:
            try:  # the stored options
                result = attempt(None)
            except InvalidArgument as exc:
                # a new directory needs options (the C library: "holds no program and no
                # options were given"); the calculator is still ours after a failure
                if "holds no program" not in str(exc):
                    raise
                result = attempt(_program_options(ch))
        raw, (created, generation, replayed, torn_offset, torn_bytes) = result
        recovery = RecoveryInfo(bool(created), generation, replayed, None if torn_offset < 0 else torn_offset,
                                torn_bytes)
        return cls._adopt(raw, calculator, recovery)

    @classmethod
    def import_(cls, path: PathLike, calculator: Calculator, *, progress: Any = None) -> "Program":
        """Load a file written by :meth:`export` into a new in-memory program
        around @p calculator, which must match the exported one (Conflict
        otherwise). Takes the calculator only if it succeeds; the GIL is
        released while the file is read. ``progress`` as for :meth:`open`
        (records loaded). Raises LoyaltyIOError, Corrupt, Conflict, Canceled."""
        from .simulate import progress_call

        ch = _calculator_handle(calculator)
        name = _path(path, "path")
        raw = progress_call(progress, f"importing {name}", lambda p: capi.loyalty_py_program_import(name, ch, p))
        return cls._adopt(raw, calculator, None)

    #: :meth:`import_` under a name that is not a keyword
    load = import_

    @property
    def recovery(self) -> Optional[RecoveryInfo]:
        """What opening the directory found; None for a program that is not durable."""
        self._handle()
        return self._recovery

    @property
    def durable(self) -> bool:
        """Whether the program was opened on a directory (:meth:`open`)."""
        return self.recovery is not None

    def snapshot(self) -> None:
        """Write a snapshot of the whole state and restart the journal
        (compaction: reopening stays fast). StateError for a program that is
        not durable; the GIL is released meanwhile."""
        capi.loyalty_py_program_snapshot(self._handle())

    def export(self, path: PathLike) -> None:
        """Write the whole state and ledger to one file at @p path (written
        aside, fsynced and renamed), durable program or not; load it with
        :meth:`import_`. The GIL is released meanwhile."""
        capi.loyalty_py_program_export(self._handle(), _path(path, "path"))

    def close(self) -> None:
        """Release the program, and with it the calculator (closed too), its
        customers and its ledger. Copies taken from it stay valid."""
        self._h = None
        calc = getattr(self, "_calculator", None)
        if calc is not None:
            calc._h = None
            calc._program = None

    # ---- the program's own properties ----------------------------------------------------------

    @property
    def calculator(self) -> Calculator:
        """The calculator the program owns (read-only now)."""
        self._handle()
        return self._calculator

    @property
    def currency(self) -> str:
        return self.calculator.currency

    @property
    def rounding(self) -> Rounding:
        return self.calculator.rounding

    @property
    def utc_offset(self) -> int:
        """The program's calendar offset (the calculator's), minutes east of UTC."""
        return self.calculator.utc_offset

    @property
    def options(self) -> ProgramOptions:
        o = self._handle().options()
        return ProgramOptions(
            o.pending_days,
            RefundPolicy.from_code(o.refund_policy),  # type: ignore[arg-type]
            o.cap_per_purchase,
            o.cap_per_period,
            Period.from_code(o.cap_period),  # type: ignore[arg-type]
            Expiry.from_code(o.expiry),  # type: ignore[arg-type]
            o.expiry_months,
            o.expiry_days,
            Period.from_code(o.expiry_round_up),  # type: ignore[arg-type]
            TierMetric.from_code(o.tier_metric),  # type: ignore[arg-type]
            TierWindow.from_code(o.tier_window),  # type: ignore[arg-type]
            o.tier_window_days,
            o.tier_grace_days,
            o.referrer_bonus,
            o.referee_bonus,
            o.referral_min_spend,
            o.referral_max_per_referrer,
        )

    def _minor(self, amount: MoneyLike, what: str) -> int:
        if isinstance(amount, Decimal):
            return to_minor(amount, minor_digits(self.currency), what)
        return to_minor(amount, 0, what)

    # ---- definitions ------------------------------------------------------------------------------

    def add_tier(self, name: str, threshold: MoneyLike, benefits: Iterable[str] = ()) -> None:
        """Add a tier above the last one (thresholds strictly increase): minor
        units of eligible spend (an int or a Decimal amount) or points, per
        the tier metric. Before the first enrolment only."""
        if isinstance(threshold, Decimal) and self.options.tier_metric is not TierMetric.SPEND:
            raise TypeError("threshold: a Decimal amount needs tier_metric='spend'; points are an int")
        self._handle().add_tier(check_text(name, "name"), self._minor(threshold, "threshold"), _benefits(benefits))

    @property
    def tiers(self) -> Tiers:
        """The tiers, lowest first (a read-only sequence, also indexed by name)."""
        return Tiers(self)

    def has_benefit(self, tier: Optional[str], benefit: str) -> bool:
        """Whether @p tier carries @p benefit (False for no tier or an unknown one)."""
        if tier is None:
            return False
        return bool(self._handle().tier_has_benefit(check_text(tier, "tier"), check_text(benefit, "benefit")))

    def add_reward(
        self,
        id: str,
        cost: int,
        name: Optional[str] = None,
        min_tier: Optional[str] = None,
        valid_from: Optional[TimeLike] = None,
        valid_until: Optional[TimeLike] = None,
        stock: Optional[int] = None,
    ) -> None:
        """Add a reward to the catalog (at any time): redeemable for @p cost
        points by @p min_tier or higher (None: anyone), in [valid_from,
        valid_until) (None: no limit), @p stock units (None: unlimited)."""
        self._handle().add_reward(
            check_text(id, "id"),
            check_text(name, "name", optional=True),
            check_int(cost, "cost"),
            check_text(min_tier, "min_tier", optional=True),
            INT64_MIN if valid_from is None else to_ms(valid_from, "valid_from"),
            0 if valid_until is None else to_ms(valid_until, "valid_until"),
            _opt_int(stock, "stock", -1),
        )

    @property
    def rewards(self) -> Rewards:
        """The catalog (a read-only sequence, also indexed by reward id)."""
        return Rewards(self)

    def set_reward_stock(self, reward: str, stock: Optional[int]) -> None:
        """Set a reward's stock; None: unlimited."""
        self._handle().set_reward_stock(check_text(reward, "reward"), _opt_int(stock, "stock", -1))

    def add_action(
        self, name: str, points: int, cap_count: int = 0, cap_period: Union[str, Period, None] = None
    ) -> None:
        """Add an engagement action ("review") worth @p points, at most
        @p cap_count times per customer per @p cap_period (0: no cap)."""
        self._handle().add_action(
            check_text(name, "name"),
            check_int(points, "points"),
            check_int(cap_count, "cap_count"),
            Period.of_optional(cap_period, Period.NONE).code,
        )

    def add_partner(self, name: str, rate: FractionLike) -> None:
        """Add a partner whose units convert to points at @p rate (exact, > 0),
        rounded once by the program's rounding."""
        self._handle().add_partner(check_text(name, "name"), to_pair(rate, "rate"))

    # ---- customers ----------------------------------------------------------------------------------

    def enroll(
        self,
        key: str,
        customer: Union[Customer, Mapping[str, Any], None] = None,
        referral_code: Optional[str] = None,
        *,
        at: TimeLike,
        **profile: Any,
    ) -> Customer:
        """Enrol a customer and return a snapshot of them as enrolled.

        The profile is a :class:`~loyalty.Customer` (its id, external
        reference, name, e-mail, birthday and tags; its tier and balances are
        ignored), a mapping of Customer keywords, or those keywords here
        (``enroll("join-1", name="Ada", at=...)``: a fresh UUID unless
        ``id=`` is given). @p referral_code is another customer's code.
        """
        if customer is None:
            customer = Customer(**profile)
        elif isinstance(customer, Mapping):
            customer = Customer(**{**customer, **profile})
        elif profile:
            raise TypeError("enroll: give a Customer or profile keywords, not both")
        if not isinstance(customer, Customer):
            raise TypeError(f"customer must be a Customer or a mapping, not {type(customer).__name__}")
        return _customer(
            self._handle().enroll(
                _key(key), customer._c(), check_text(referral_code, "referral_code", optional=True),
                to_ms(at, "at"),
            )
        )

    def get_customer(self, customer: CustomerLike) -> Customer:
        """A snapshot (profile, tier, balances) of a customer by id; NotFound if unknown."""
        return _customer(self._handle().get_customer(_customer_id(customer)))

    def find_customer(self, external_ref: str) -> Customer:
        """A snapshot of the customer with this external reference; NotFound if none."""
        return _customer(self._handle().find_customer(check_text(external_ref, "external_ref")))

    @property
    def customer_count(self) -> int:
        return self._handle().customer_count()

    def referral_code(self, customer: CustomerLike) -> str:
        """The customer's referral code ("LY-XXXXXXX")."""
        return self._handle().referral_code(_customer_id(customer))

    def debt(self, customer: CustomerLike) -> int:
        """The customer's refund debt (RefundPolicy.DEBT); 0 otherwise."""
        return self._handle().debt(_customer_id(customer))

    # ---- earning ------------------------------------------------------------------------------------

    def record_purchase(self, purchase: _PurchaseFields) -> Receipt:
        """Record a purchase (its key is the idempotency key) and return its
        receipt, with ``credited``, ``capped``, ``pending_until`` and
        ``entry_seq``. A custom strategy's exception is raised again, and
        nothing is recorded."""
        if not isinstance(purchase, _PurchaseFields):
            raise TypeError(f"purchase must be a Purchase, not {type(purchase).__name__}")
        return Receipt(self._handle().record_purchase(purchase._p()))

    def record(self, key: str, customer: CustomerLike, at: TimeLike,
               lines: Sequence[Tuple[str, int, int]]) -> int:
        """Record one purchase given as plain values and return the points
        credited (after caps), nothing else: the lean call for scripts that
        record one purchase at a time. ``lines`` are ``(product_type,
        quantity, unit_price)`` tuples (unit price in minor units; the SKU is
        the product type), the currency is the calculator's. The purchase is
        built in C and recorded in one crossing, without a receipt, exactly
        as :meth:`record_purchase` records it (same points, same idempotency:
        recording the same key and request again records nothing new and
        returns the points credited the first time; the same key with
        another request raises Conflict).

        Raises what :meth:`record_purchase` raises (a LoyaltyError subclass,
        or a custom strategy's exception), and TypeError for lines that are
        not such tuples."""
        return self._handle().record(key, _customer_id(customer), at if type(at) is int else to_ms(at, "at"), lines)

    def record_purchases(self, purchases: Iterable[Purchase]) -> List[Union[Receipt, BaseException]]:
        """Record purchases in order, in one call into C (the GIL is released
        once for the batch). One failure stops nothing: the result has, per
        purchase, its Receipt or the exception it would have raised (a
        LoyaltyError, or what a custom strategy raised). Nothing is raised."""
        handles = []
        for p in purchases:
            if not isinstance(p, _PurchaseFields):
                raise TypeError(f"purchases must be Purchases, not {type(p).__name__}")
            handles.append(p._p())
        return _results(self._handle().record_purchases(handles))

    def record_columns(
        self,
        keys: Sequence[str],
        customers: Union[Sequence[CustomerLike], bytes, bytearray, memoryview, Any],
        at: Union[Sequence[TimeLike], Any],
        product_types: Sequence[str],
        quantities: Union[Sequence[int], Any],
        unit_prices: Union[Sequence[MoneyLike], Any],
        line_offsets: Union[Sequence[int], Any, None] = None,
        *,
        skus: Optional[Sequence[str]] = None,
        currency: Optional[str] = None,
    ) -> List[Union[Receipt, BaseException]]:
        """Record purchases given as columns, in one call into C with the GIL
        released once, as :meth:`record_purchases` does (same result: a
        Receipt or the exception, per purchase; one failure stops nothing).

        Purchase ``i`` has key ``keys[i]``, customer ``customers[i]``, time
        ``at[i]`` and the lines ``line_offsets[i]:line_offsets[i + 1]`` of the
        line columns ``product_types``, ``quantities``, ``unit_prices`` (int
        minor units) and ``skus`` (None: the product types); ``line_offsets``
        has one more element than ``keys``, starts at 0 and ends at the
        number of lines; None means one line per purchase. ``currency``
        defaults to the program's.

        The numeric columns (``at`` in ms, ``quantities``, ``unit_prices``,
        ``line_offsets``) are read in place, without a copy, when they
        support the buffer protocol as contiguous native int64:
        ``array.array('q')``, a numpy ``int64`` array,
        ``memoryview(...).cast('q')``. ``customers`` may likewise be a
        bytes-like buffer of 16-byte ids, one after the other. Plain
        sequences (of datetimes, Decimals, Customers, UUIDs) are converted first.
        """
        def column(values: Any, convert: Any) -> Any:
            if _is_buffer(values):
                return values
            return _array("q", [convert(v) for v in values])

        if _is_buffer(customers):
            ids = customers
        else:
            ids = b"".join(_customer_id(c) for c in cast(Iterable[CustomerLike], customers))
        return _results(
            self._handle().record_columns(
                keys,
                ids,
                column(at, lambda t: to_ms(t, "at")),
                self.currency if currency is None else check_text(currency, "currency"),
                skus,
                product_types,
                column(quantities, lambda q: check_int(q, "quantities")),
                column(unit_prices, lambda u: self._minor(u, "unit_prices")),
                None if line_offsets is None else column(line_offsets, lambda o: check_int(o, "line_offsets")),
            )
        )

    def refund(self, key: str, purchase_key: str, amount: MoneyLike, at: TimeLike) -> RefundResult:
        """Refund @p amount (int minor units or a Decimal) of a recorded
        purchase: its credited points come back in proportion, pending ones first."""
        r = self._handle().refund(
            _key(key), check_text(purchase_key, "purchase_key"), self._minor(amount, "amount"), to_ms(at, "at")
        )
        return RefundResult(r.clawed_back(), r.from_pending(), r.debt_added(), r.refunded_total(), r.entry_seq())

    def record_action(self, key: str, customer: CustomerLike, action: str, at: TimeLike) -> Entry:
        """Record an engagement action; OutOfRange beyond its cap."""
        return _entry_from_value(
            self._handle().record_action(_key(key), _customer_id(customer), check_text(action, "action"),
                                         to_ms(at, "at"))
        )

    def credit_partner(self, key: str, customer: CustomerLike, partner: str, units: int, at: TimeLike) -> Entry:
        """Credit @p units of a partner's currency at the partner's rate."""
        return _entry_from_value(
            self._handle().credit_partner(_key(key), _customer_id(customer), check_text(partner, "partner"),
                                          check_int(units, "units"), to_ms(at, "at"))
        )

    def set_referrer(self, key: str, customer: CustomerLike, referral_code: str, at: TimeLike) -> None:
        """Attach a referrer (by referral code) to a customer who has not purchased yet."""
        self._handle().set_referrer(_key(key), _customer_id(customer), check_text(referral_code, "referral_code"),
                                    to_ms(at, "at"))

    # ---- spending -----------------------------------------------------------------------------------

    def redeem(self, key: str, customer: CustomerLike, reward: str, at: TimeLike) -> Redemption:
        """Spend a reward's cost, soonest-expiring points first. InsufficientPoints,
        OutOfRange (out of stock) or StateError (outside its window, tier too low)
        change nothing."""
        return _redemption(
            self._handle().redeem(_key(key), _customer_id(customer), check_text(reward, "reward"), to_ms(at, "at"))
        )

    def cancel_redemption(self, key: str, redemption: Union[Redemption, IdLike], at: TimeLike) -> Redemption:
        """Cancel a redemption once: the points go back with their expiry, the stock too."""
        return _redemption(self._handle().cancel_redemption(_key(key), _redemption_id(redemption), to_ms(at, "at")))

    def get_redemption(self, redemption: Union[Redemption, IdLike]) -> Redemption:
        """A redemption as it is now, by its id (the coupon code)."""
        return _redemption(self._handle().get_redemption(_redemption_id(redemption)))

    def donate(self, key: str, customer: CustomerLike, cause: str, points: int, at: TimeLike) -> Entry:
        """Donate points to a named cause (spent like a redemption)."""
        return _entry_from_value(
            self._handle().donate(_key(key), _customer_id(customer), check_text(cause, "cause"),
                                  check_int(points, "points"), to_ms(at, "at"))
        )

    def transfer(self, key: str, from_customer: CustomerLike, to_customer: CustomerLike, points: int,
                 at: TimeLike) -> None:
        """Move points between customers (TRANSFER_OUT and TRANSFER_IN, atomically);
        they keep their expiry dates."""
        self._handle().transfer(_key(key), _customer_id(from_customer, "from_customer"),
                                _customer_id(to_customer, "to_customer"), check_int(points, "points"),
                                to_ms(at, "at"))

    def adjust(self, key: str, customer: CustomerLike, points: int, reason: str, at: TimeLike) -> Entry:
        """A manual adjustment (not 0) with a reason; a negative one may not
        exceed the available balance."""
        return _entry_from_value(
            self._handle().adjust(_key(key), _customer_id(customer), check_int(points, "points"),
                                  check_text(reason, "reason"), to_ms(at, "at"))
        )

    # ---- tiers and time -------------------------------------------------------------------------------

    def assign_tier(self, key: str, customer: CustomerLike, tier: str, until: TimeLike, at: TimeLike) -> None:
        """A paid tier: the customer holds at least @p tier until @p until (exclusive)."""
        self._handle().assign_tier(_key(key), _customer_id(customer), check_text(tier, "tier"),
                                   to_ms(until, "until"), to_ms(at, "at"))

    def maintain(self, now: TimeLike) -> MaintenanceReport:
        """The sweep at @p now: mature held points, expire, review tiers. Running
        it again at the same @p now does nothing; @p now may not go back."""
        r = self._handle().maintain(to_ms(now, "now"))
        return MaintenanceReport(r.matured(), r.expired(), r.tier_changes(), r.entries())

    def progress(self, customer: CustomerLike, now: TimeLike) -> Progress:
        """Tier, next tier, balances, next maturity and next expiry at @p now."""
        r = self._handle().progress(_customer_id(customer), to_ms(now, "now"))
        return Progress(
            optional_name(r.tier()),
            optional_name(r.next_tier()),
            r.metric(),
            r.to_next_tier(),
            r.available(),
            r.pending(),
            r.debt(),
            _nonzero(r.next_maturity()),
            r.next_maturity_points(),
            _nonzero(r.next_expiry()),
            r.next_expiry_points(),
        )

    def points_missing(self, customer: CustomerLike, reward: str) -> int:
        """Points the customer still needs for a reward (0: affordable now)."""
        return self._handle().points_missing(_customer_id(customer), check_text(reward, "reward"))

    # ---- the ledger ----------------------------------------------------------------------------------

    def ledger(self, customer: Optional[CustomerLike] = None) -> Ledger:
        """The whole ledger, or a customer's entries (NotFound for an unknown
        customer when read): a live, read-only sequence of :class:`Entry`."""
        if customer is None:
            self._handle()
            return Ledger(self)
        cid = _uuid.UUID(bytes=_customer_id(customer))
        return Ledger(self, cid)

    def __repr__(self) -> str:
        if self._h is None:
            return "<Program (closed)>"
        try:
            calc = self.calculator
            offset = calc.utc_offset
            sign = "+" if offset >= 0 else "-"
            tiers = ", ".join(self.tiers.names)
            return (
                f"<Program {calc.currency} {calc.rounding} UTC{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}: "
                f"{self.customer_count} customers, {len(self.ledger())} entries, tiers [{tiers}], "
                f"{len(self.rewards)} rewards>"
            )
        except Exception:
            return "<Program>"
