"""The calculator: an ordered pipeline of strategies that computes receipts."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from . import capi
from ._convert import FractionLike, ParamsLike, check_int, check_text, from_pair, param_pairs, to_pair
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
