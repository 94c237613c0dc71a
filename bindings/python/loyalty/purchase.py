"""Purchases (orders) and their line items."""

from __future__ import annotations

import datetime as _dt
import uuid as _uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Iterator, Optional, Tuple, Union

from . import capi
from ._convert import (
    IdLike,
    MoneyLike,
    TimeLike,
    check_int,
    check_text,
    from_ms,
    to_decimal,
    to_minor,
    to_ms,
    to_uuid,
)
from ._handle import Expired, Handle
from .customer import _CustomerFields

__all__ = ["LineItem", "Purchase", "PurchaseView", "minor_digits"]


def minor_digits(currency: str) -> int:
    """The minor-unit digits of an ISO 4217 currency (2 for EUR, 0 for JPY)."""
    return capi.loyalty_swig_currency_minor_digits(check_text(currency, "currency"))


@dataclass(frozen=True)
class LineItem:
    """One line of a purchase. ``unit_price`` is int minor units (cents) or an
    exact ``Decimal`` in the currency's major unit; items read back from a
    purchase always hold minor units."""

    sku: str
    product_type: str
    quantity: int = 1
    unit_price: MoneyLike = 0

    @property
    def line_total(self) -> int:
        """quantity * unit_price, for an item in minor units."""
        if isinstance(self.unit_price, Decimal):
            raise TypeError("line_total needs the unit price in minor units")
        return self.quantity * self.unit_price


ItemLike = Union[LineItem, Tuple[str, str, int, MoneyLike]]


class _PurchaseFields:
    __slots__ = ()

    def _p(self) -> Any:
        raise NotImplementedError

    @property
    def key(self) -> str:
        """The idempotency key (the order number)."""
        return self._p().key()

    @property
    def customer_id(self) -> _uuid.UUID:
        return _uuid.UUID(bytes=self._p().customer_id())

    @property
    def at(self) -> _dt.datetime:
        """When it happened, as an aware UTC datetime."""
        return from_ms(self._p().time())

    @property
    def at_ms(self) -> int:
        """When it happened, in ms since the epoch."""
        return self._p().time()

    @property
    def currency(self) -> str:
        return self._p().currency()

    @property
    def channel(self) -> Optional[str]:
        """The sales channel ("store", "online"), or None."""
        return self._p().channel() or None

    @property
    def total(self) -> int:
        """The sum of the line totals, in minor units."""
        return self._p().total()

    @property
    def total_decimal(self) -> Decimal:
        """The total in the currency's major unit (Decimal("33.70"))."""
        return to_decimal(self.total, minor_digits(self.currency))

    def item(self, i: int) -> LineItem:
        p = self._p()
        if i < 0:
            i += p.item_count()
        if i < 0:
            raise IndexError("line item index out of range")
        try:
            return LineItem(p.item_sku(i), p.item_product_type(i), p.item_quantity(i), p.item_unit_price(i))
        except OverflowError:
            raise IndexError("line item index out of range") from None

    @property
    def items(self) -> Tuple[LineItem, ...]:
        return tuple(self)

    def __len__(self) -> int:
        return self._p().item_count()

    def __iter__(self) -> Iterator[LineItem]:
        for i in range(len(self)):
            yield self.item(i)

    def __getitem__(self, i: int) -> LineItem:
        return self.item(i)

    def __repr__(self) -> str:
        try:
            channel = f", channel={self.channel!r}" if self.channel else ""
            return (
                f"{type(self).__name__}({self.key!r}, customer={str(self.customer_id)!r}, "
                f"at={self.at.isoformat()!r}, {self.currency} {self.total_decimal}{channel}, {len(self)} items)"
            )
        except Exception:
            return f"<{type(self).__name__} (closed)>"


class Purchase(Handle, _PurchaseFields):
    """A purchase of @p customer (a Customer or its id) at @p at.

    >>> order = Purchase("order-1001", ada, datetime(2026, 11, 28, 15, 0), "USD",
    ...                  items=[LineItem("latte", "coffee", 2, 455)])
    """

    __slots__ = ()

    def __init__(
        self,
        key: str,
        customer: Union[_CustomerFields, IdLike],
        at: TimeLike,
        currency: str,
        *,
        channel: Optional[str] = None,
        items: Iterable[ItemLike] = (),
    ) -> None:
        cid = customer.id if isinstance(customer, _CustomerFields) else to_uuid(customer, "customer")
        super().__init__(
            capi.Purchase(check_text(key, "key"), cid.bytes, to_ms(at, "at"), check_text(currency, "currency"))
        )
        if channel is not None:
            self.channel = channel
        self.add_items(items)

    def _p(self) -> Any:
        return self._handle()

    @_PurchaseFields.channel.setter  # type: ignore[attr-defined]
    def channel(self, value: Optional[str]) -> None:
        self._p().set_channel(check_text(value, "channel", optional=True))

    def add_item(
        self, sku: Union[str, LineItem], product_type: Optional[str] = None, quantity: int = 1, unit_price: MoneyLike = 0
    ) -> None:
        """Append a line: ``add_item("latte", "coffee", 2, 455)`` or ``add_item(LineItem(...))``.
        A Decimal price is converted exactly with the currency's minor digits."""
        if isinstance(sku, LineItem):
            item = sku
            sku, product_type, quantity, unit_price = item.sku, item.product_type, item.quantity, item.unit_price
        p = self._p()
        if isinstance(unit_price, Decimal):
            unit_price = to_minor(unit_price, minor_digits(p.currency()), "unit_price")
        p.add_item(
            check_text(sku, "sku"),
            check_text(product_type, "product_type"),
            check_int(quantity, "quantity"),
            check_int(unit_price, "unit_price"),
        )

    def add_items(self, items: Iterable[ItemLike]) -> None:
        """Append LineItems or (sku, product_type, quantity, unit_price) sequences."""
        for item in items:
            if isinstance(item, LineItem):
                self.add_item(item)
            else:
                self.add_item(*item)

    def clone(self) -> "Purchase":
        copy = Purchase.__new__(Purchase)
        Handle.__init__(copy, self._p().clone())
        return copy

    __copy__ = clone


class PurchaseView(_PurchaseFields):
    """The purchase as a custom strategy sees it: read-only, valid during the call."""

    __slots__ = ("_raw", "_token")

    def __init__(self, raw: Any, token: Expired) -> None:
        self._raw = raw
        self._token = token

    def _p(self) -> Any:
        self._token.check("purchase view")
        return self._raw

