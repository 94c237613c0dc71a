"""The calculator: an ordered pipeline of strategies that computes receipts."""

from __future__ import annotations

import datetime as _dt
from array import array as _array
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from . import capi
from ._convert import FractionLike, ParamsLike, check_int, check_text, from_pair, param_pairs, to_ms, to_pair
from ._enums import Role, Rounding, Stacking
from ._handle import Expired, Handle
from .customer import Customer, CustomerView, _CustomerFields
from .errors import InvalidArgument
from .purchase import Purchase, PurchaseView, _PurchaseFields
from .receipt import Receipt

__all__ = ["Calculator", "StrategyInfo", "StrategyInput", "CustomStrategy"]


class StrategyInput:
    """What a custom strategy sees, valid only during its call.

    Attributes:
        customer: the buyer (read-only :class:`CustomerView`).
        purchase: what was bought (read-only :class:`PurchaseView`).
        first_purchase: whether the host said this is the customer's first.
        eligible_spend: minor units on items the calculator does not exclude.
        base_points: exact base points of the strategies before this one.
        points: exact points of all the strategies before this one.
        utc_offset: the calculator's calendar offset, minutes east of UTC.
    """

    __slots__ = ("_raw", "_token", "_customer", "_purchase")

    def __init__(self, raw: Any, token: Expired) -> None:
        self._raw = raw
        self._token = token
        self._customer: Optional[CustomerView] = None
        self._purchase: Optional[PurchaseView] = None

    def _r(self) -> Any:
        self._token.check("strategy input")
        return self._raw

    @property
    def customer(self) -> CustomerView:
        self._token.check("strategy input")
        if self._customer is None:
            self._customer = CustomerView(self._r().customer(), self._token)
        return self._customer

    @property
    def purchase(self) -> PurchaseView:
        self._token.check("strategy input")
        if self._purchase is None:
            self._purchase = PurchaseView(self._r().purchase(), self._token)
        return self._purchase

    @property
    def first_purchase(self) -> bool:
        return bool(self._r().first_purchase())

    @property
    def eligible_spend(self) -> int:
        return self._r().eligible_spend()

    @property
    def base_points(self) -> Fraction:
        return from_pair(self._r().base_points())

    @property
    def points(self) -> Fraction:
        return from_pair(self._r().points())

    @property
    def utc_offset(self) -> int:
        return self._r().utc_offset_minutes()

    @property
    def version(self) -> int:
        return self._r().version()

    def __repr__(self) -> str:
        if not self._token.alive:
            return "<StrategyInput (expired)>"
        return (
            f"<StrategyInput purchase={self.purchase.key!r} eligible_spend={self.eligible_spend} "
            f"base_points={self.base_points} points={self.points} first_purchase={self.first_purchase}>"
        )


#: A custom strategy: a callable taking a StrategyInput and returning exact
#: points (int, Fraction or exact Decimal), or an object with such a
#: ``compute`` method.
CustomStrategy = Union[Callable[[StrategyInput], FractionLike], Any]


class _Adapter:
    """What the C trampoline calls: builds the input, calls the strategy,
    expires the input, and returns exact points as (num, den)."""

    __slots__ = ("fn", "__weakref__")

    def __init__(self, fn: Callable[[StrategyInput], FractionLike]) -> None:
        self.fn = fn

    def __call__(self, raw: Any) -> Tuple[int, int]:
        token = Expired()
        try:
            result = self.fn(StrategyInput(raw, token))
        finally:
            token.alive = False
        return to_pair(result, "the custom strategy's result")


@dataclass(frozen=True)
class StrategyInfo:
    """One strategy of a calculator's pipeline."""

    name: str
    kind: str
    role: Role
    #: canonical parameter text ("points=1 per=100"), None for custom strategies
    params: Optional[str]


def _offset_minutes(value: Union[int, _dt.timedelta]) -> int:
    if isinstance(value, _dt.timedelta):
        minutes, rest = divmod(value, _dt.timedelta(minutes=1))
        if rest:
            raise InvalidArgument("utc_offset must be whole minutes", InvalidArgument.CODE)
        return int(minutes)
    return check_int(value, "utc_offset")


def _customer_handle(customer: _CustomerFields) -> Any:
    if not isinstance(customer, _CustomerFields):
        raise TypeError(f"customer must be a Customer, not {type(customer).__name__}")
    return customer._c()


def _purchase_handle(purchase: _PurchaseFields) -> Any:
    if not isinstance(purchase, _PurchaseFields):
        raise TypeError(f"purchase must be a Purchase, not {type(purchase).__name__}")
    return purchase._p()


# ---- score_columns: columns of the right type, read in place ---------------------------------------

#: array typecodes of the C column types, with their ranges
_INT64 = ("q", -(2**63), 2**63 - 1)
_UINT32 = ("I", 0, 2**32 - 1)
_UINT8 = ("B", 0, 255)


def _typecode(bits: int, signed: bool) -> str:
    for code in ("bhilq" if signed else "BHILQ"):
        if _array(code).itemsize * 8 == bits:
            return code
    raise RuntimeError(f"no array typecode for {bits}-bit integers")  # pragma: no cover


def _native(values: Any, code: str) -> bool:
    """Whether @p values is a one-dimensional C-contiguous buffer of integers of
    the C type of array @p code in native byte order: then C reads it in place."""
    if isinstance(values, (str, bytes, list, tuple)) and not (code == "B" and isinstance(values, bytes)):
        return False
    try:
        m = memoryview(values)
    except TypeError:
        return False
    with m:
        fmt = m.format.lstrip("@=")
        if m.ndim != 1 or not m.c_contiguous or len(fmt) != 1 or m.itemsize != _array(code).itemsize:
            return False
        return fmt in ("bhilq" if code.islower() else "BHILQ")


def _column(values: Any, spec: Tuple[str, int, int], what: str, convert: Any = None) -> Any:
    """@p values as a buffer C can read in place: itself when it already is one,
    else a converted copy (numpy arrays through astype, sequences item by item)."""
    code, lo, hi = spec
    code = _typecode(_array(code).itemsize * 8, code == "q")
    if _native(values, code):
        return values
    astype = getattr(values, "astype", None)
    dtype = getattr(values, "dtype", None)
    if astype is not None and dtype is not None and getattr(dtype, "kind", "") in "iub":
        if len(values) and (int(values.min()) < lo or int(values.max()) > hi):
            raise InvalidArgument(f"score_columns: {what} has values outside {lo}..{hi}", InvalidArgument.CODE)
        return astype({"q": "int64", "l": "int64", "I": "uint32", "L": "uint32", "B": "uint8"}[code])
    try:  # at C speed; on a failure, the loop below finds the item at fault
        return _array(code, values)
    except (OverflowError, TypeError):
        pass
    out = _array(code)
    try:
        for i, v in enumerate(values):
            v = convert(v) if convert is not None else check_int(v, what)
            if not lo <= v <= hi:
                raise InvalidArgument(f"score_columns: {what}[{i}] is {v}, outside {lo}..{hi}", InvalidArgument.CODE)
            out.append(v)
    except TypeError as e:
        raise TypeError(f"score_columns: {what} must be a sequence of ints or a buffer of integers ({e})") from None
    return out


class Calculator(Handle):
    """An ordered pipeline of strategies for one currency.

    >>> calc = Calculator("USD", rounding="floor", utc_offset=-300)
    >>> calc.exclude_product_type("gift_card")
    >>> calc.add("base_rate", "dollar", "points=1 per=100")
    >>> calc.add("tier_multiplier", "tiers", {"tier.gold": Fraction(3, 2)})
    >>> receipt = calc.compute(customer, purchase, first_purchase=True)

    Build it on one thread, then compute from as many threads as you like:
    ``compute`` releases the GIL unless the calculator has custom (Python)
    strategies. Changing a calculator, customer or purchase while a
    computation reads it raises StateError.

    A :class:`~loyalty.Program` created around the calculator takes it over:
    from then on the calculator is the program's (``attached``), it cannot
    change (StateError), it is freed with the program and closing the
    program closes it. It can still be read, and compute previews.
    """

    __slots__ = ("_program",)

    def __init__(
        self,
        currency: str,
        *,
        rounding: Union[str, Rounding] = Rounding.FLOOR,
        utc_offset: Union[int, _dt.timedelta] = 0,
        stacking: Union[str, Stacking] = Stacking.ADDITIVE,
    ) -> None:
        super().__init__(
            capi.Calculator(
                check_text(currency, "currency"),
                Rounding.of(rounding).code,
                _offset_minutes(utc_offset),
                Stacking.of(stacking).code,
            )
        )
        #: the SWIG handle of the program that owns the C calculator: it keeps
        #: the program (and so the calculator) alive while this object is used
        self._program: Optional[Any] = None

    @property
    def attached(self) -> bool:
        """Whether a Program has taken the calculator over (it can no longer change)."""
        return self._program is not None

    def _attach(self, program_handle: Any) -> None:
        self._program = program_handle

    def close(self) -> None:
        """Release the C calculator, or, when a program owns it, only this
        object's hold on it (the program frees it)."""
        self._h = None
        self._program = None

    # ---- options ------------------------------------------------------------

    @property
    def currency(self) -> str:
        return self._handle().currency()

    @property
    def rounding(self) -> Rounding:
        return Rounding.from_code(self._handle().rounding())  # type: ignore[return-value]

    @property
    def utc_offset(self) -> int:
        """The calendar offset for weekdays and birthdays, minutes east of UTC."""
        return self._handle().utc_offset_minutes()

    @property
    def stacking(self) -> Stacking:
        return Stacking.from_code(self._handle().stacking())  # type: ignore[return-value]

    # ---- building -----------------------------------------------------------

    def exclude_product_type(self, *product_types: str) -> None:
        """Exclude product types from earning and from eligible spend."""
        c = self._handle()
        for t in product_types:
            c.exclude_product_type(check_text(t, "product_type"))

    @property
    def excluded(self) -> Tuple[str, ...]:
        c = self._handle()
        return tuple(c.excluded(i) for i in range(c.excluded_count()))

    def add(self, kind: str, name: str, params: ParamsLike = None, **more: Any) -> None:
        """Append a built-in strategy of @p kind named @p name.

        Parameters are a "k=v k=v" string, a mapping, (key, value) pairs or
        keywords (``tier_gold`` cannot be a keyword: use a mapping for dotted
        keys). Values may be str, int, Fraction, exact Decimal, an aware
        datetime (campaign start/end) or a list (joined with commas).
        """
        c = self._handle()
        kind = check_text(kind, "kind")  # type: ignore[assignment]
        name = check_text(name, "name")  # type: ignore[assignment]
        pairs = param_pairs(params, more)
        if pairs is None:
            c.add(kind, name, check_text(params, "params"))
            return
        plist = capi.Params(None)
        for key, value in pairs:
            plist.add(key, value)
        c.add_params(kind, name, plist)

    def add_custom(self, name: str, role: Union[str, Role], strategy: CustomStrategy) -> None:
        """Append a custom strategy: ``strategy(input)`` (or ``strategy.compute(input)``)
        returns this strategy's exact points for a :class:`StrategyInput`.

        An exception raised by the strategy fails the computation and is
        raised again by ``compute`` with its own type and traceback. The
        calculator holds a reference to the strategy until it is closed or
        collected.
        """
        fn = strategy if callable(strategy) else getattr(strategy, "compute", None)
        if not callable(fn):
            raise TypeError("a custom strategy must be callable or have a compute(input) method")
        self._handle().add_custom(check_text(name, "name"), Role.of(role).code, _Adapter(fn))

    # ---- the pipeline -------------------------------------------------------

    def __len__(self) -> int:
        return self._handle().strategy_count()

    def strategy(self, i: int) -> StrategyInfo:
        c = self._handle()
        n = c.strategy_count()
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("strategy index out of range")
        return StrategyInfo(
            c.strategy_name(i),
            c.strategy_kind(i),
            Role.from_code(c.strategy_role(i)),  # type: ignore[arg-type]
            c.strategy_params(i),
        )

    @property
    def strategies(self) -> Tuple[StrategyInfo, ...]:
        return tuple(self)

    def __iter__(self) -> Iterator[StrategyInfo]:
        for i in range(len(self)):
            yield self.strategy(i)

    def __repr__(self) -> str:
        if self._h is None:
            return "<Calculator (closed)>"
        offset = self.utc_offset
        sign = "+" if offset >= 0 else "-"
        names = ", ".join(s.name for s in self)
        owner = ", in a program" if self.attached else ""
        return (
            f"<Calculator {self.currency} {self.rounding} UTC{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d} "
            f"{self.stacking} [{names}]{owner}>"
        )

    # ---- computing ----------------------------------------------------------

    def compute(self, customer: _CustomerFields, purchase: _PurchaseFields, *, first_purchase: bool = False) -> Receipt:
        """The receipt of what @p purchase earns for @p customer. Changes neither."""
        return Receipt(
            self._handle().compute(_customer_handle(customer), _purchase_handle(purchase), 1 if first_purchase else 0)
        )

    def points(self, customer: _CustomerFields, purchase: _PurchaseFields, *, first_purchase: bool = False) -> int:
        """Just the points of :meth:`compute`."""
        with self.compute(customer, purchase, first_purchase=first_purchase) as r:
            return r.points

    def score(self, customer: _CustomerFields, purchase: _PurchaseFields, *, first_purchase: bool = False) -> int:
        """The points :meth:`compute` would give, without making a receipt (faster);
        the same checks and exceptions. Releases the GIL like compute."""
        return self._handle().score(_customer_handle(customer), _purchase_handle(purchase), 1 if first_purchase else 0)

    def score_columns(
        self,
        at: Any,
        customer: Any,
        line_start: Any,
        line_type: Any,
        quantity: Any,
        unit_price: Any,
        *,
        type_names: Sequence[str],
        customer_tier: Any = None,
        tier_names: Sequence[str] = (),
        birth_month: Any = None,
        birth_day: Any = None,
        first_purchase: Any = None,
        currency: Optional[str] = None,
    ) -> "_array[int]":
        """The points of many purchases given as columns, in one call into C
        with the GIL released (unless the calculator has custom strategies):
        ``result[i]`` is what :meth:`compute` gives purchase ``i``. Returns an
        ``array('q')``.

        Purchase ``i`` happens at ``at[i]`` (ms, or datetimes in a sequence), is
        made by customer number ``customer[i]`` and has the lines
        ``line_start[i]:line_start[i + 1]`` (``line_start`` has one more item,
        starts at 0 and ends at the number of lines) of the line columns
        ``line_type`` (an index into ``type_names``), ``quantity`` and
        ``unit_price`` (int minor units). Customer ``k`` has the tier
        ``tier_names[customer_tier[k]]`` (``2**32 - 1``: none; the column None:
        nobody has a tier) and the birthday ``birth_month[k]``/``birth_day[k]``
        (month 0: none). ``first_purchase[i]`` non-zero marks a customer's first
        purchase. ``currency`` defaults to the calculator's.

        Columns are read in place, without a copy, when they are buffers of
        the C type: int64 for ``at``, ``quantity`` and ``unit_price``
        (``array('q')``, numpy ``int64``); uint32 for ``customer``,
        ``line_start``, ``line_type`` and ``customer_tier`` (``array('I')``,
        numpy ``uint32``); uint8 for ``birth_month``, ``birth_day`` and
        ``first_purchase`` (``array('B')``, ``bytes``, numpy ``uint8``). Other
        numpy arrays and plain sequences are converted first.

        Raises InvalidArgument (a malformed column: the message names it and
        the index), CurrencyError, OutOfRange (an overflow in a purchase), or
        what a custom strategy raised; TypeError for a column that is not
        integers.
        """
        n = len(at)
        cols = (
            _column(at, _INT64, "at", lambda t: to_ms(t, "at")),
            _column(customer, _UINT32, "customer"),
            _column(line_start, _UINT32, "line_start"),
            _column(line_type, _UINT32, "line_type"),
            _column(quantity, _INT64, "quantity"),
            _column(unit_price, _INT64, "unit_price"),
        )
        out = _array(_typecode(64, True), bytes(8 * n))
        return self._handle().score_columns(
            *cols,
            list(type_names),
            None if customer_tier is None else _column(customer_tier, _UINT32, "customer_tier"),
            list(tier_names),
            None if birth_month is None else _column(birth_month, _UINT8, "birth_month"),
            None if birth_day is None else _column(birth_day, _UINT8, "birth_day"),
            None if first_purchase is None else _column(first_purchase, _UINT8, "first_purchase",
                                                        lambda f: 1 if f else 0),
            self.currency if currency is None else check_text(currency, "currency"),
            out,
        )

    def compute_many(
        self,
        customers: Union[Customer, Sequence[Customer]],
        purchases: Sequence[Purchase],
        *,
        first_purchase: Union[bool, Sequence[bool]] = False,
    ) -> List[Receipt]:
        """Receipts for many purchases in one call into C, with the GIL released
        (unless the calculator has custom strategies). @p customers is one
        customer for every purchase, or one per purchase; @p first_purchase is
        one flag or one per purchase. The first failing purchase raises, with
        its index in the message, and no receipt is returned."""
        ps = [_purchase_handle(p) for p in purchases]
        if isinstance(customers, _CustomerFields):
            cs = [_customer_handle(customers)] * len(ps)
        else:
            cs = [_customer_handle(c) for c in customers]
        if isinstance(first_purchase, bool):
            firsts: Optional[List[bool]] = [True] * len(ps) if first_purchase else None
        else:
            firsts = [bool(f) for f in first_purchase]
        return [Receipt(r) for r in self._handle().compute_many(cs, ps, firsts)]


def strategy_kinds() -> Mapping[str, str]:
    """The built-in strategy kinds, each with its parameter help."""
    return {
        capi.loyalty_strategy_kind_name(i): capi.loyalty_strategy_kind_help(capi.loyalty_strategy_kind_name(i))
        for i in range(capi.loyalty_strategy_kind_count())
    }
