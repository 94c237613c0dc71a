"""Receipts: the points a purchase earns, explained line by line."""

from __future__ import annotations

import uuid as _uuid
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterator, Optional, Tuple, Union, overload

from ._convert import from_pair, to_decimal
from ._enums import Role, Rounding
from ._handle import Handle
from .purchase import minor_digits

__all__ = ["Receipt", "ReceiptLine"]


@dataclass(frozen=True)
class ReceiptLine:
    """One strategy's part of a receipt."""

    strategy: str
    kind: str
    role: Role
    applied: bool
    points: Fraction
    detail: str


class Receipt(Handle):
    """An immutable receipt. It holds copies of everything it reports, so it
    stays valid after its calculator, customer and purchase are gone.

    Lines are in pipeline order: iterate, index by position, or look one up
    by strategy name (``receipt["welcome"]``). ``str(receipt)`` is the
    library's readable text.
    """

    __slots__ = ("_lines",)

    def __init__(self, handle: Any) -> None:
        super().__init__(handle)
        self._lines: Optional[Tuple[ReceiptLine, ...]] = None

    @property
    def points(self) -> int:
        """The points earned: the exact total, rounded once."""
        return self._handle().points()

    @property
    def exact_points(self) -> Fraction:
        return from_pair(self._handle().exact_points())

    @property
    def base_points(self) -> Fraction:
        """The exact sum of the base lines."""
        return from_pair(self._handle().base_points())

    @property
    def rounding_adjustment(self) -> Fraction:
        """points - exact_points: what rounding added (> 0) or removed (< 0)."""
        return from_pair(self._handle().rounding_adjustment())

    @property
    def rounding(self) -> Rounding:
        return Rounding.from_code(self._handle().rounding())  # type: ignore[return-value]

    @property
    def spend(self) -> int:
        """The purchase total, in minor units."""
        return self._handle().spend()

    @property
    def eligible_spend(self) -> int:
        """The part of the spend that may earn (excluded product types left out), in minor units."""
        return self._handle().eligible_spend()

    @property
    def spend_decimal(self) -> Decimal:
        return to_decimal(self.spend, minor_digits(self.currency))

    @property
    def eligible_spend_decimal(self) -> Decimal:
        return to_decimal(self.eligible_spend, minor_digits(self.currency))

    @property
    def purchase_key(self) -> str:
        return self._handle().purchase_key()

    @property
    def currency(self) -> str:
        return self._handle().currency()

    @property
    def customer_id(self) -> _uuid.UUID:
        return _uuid.UUID(bytes=self._handle().customer_id())

    @property
    def lines(self) -> Tuple[ReceiptLine, ...]:
        if self._lines is None:
            r = self._handle()
            self._lines = tuple(
                ReceiptLine(
                    r.line_strategy(i),
                    r.line_kind(i),
                    Role.from_code(r.line_role(i)),  # type: ignore[arg-type]
                    bool(r.line_applied(i)),
                    from_pair(r.line_points(i)),
                    r.line_detail(i),
                )
                for i in range(r.line_count())
            )
        return self._lines

    def __len__(self) -> int:
        return len(self.lines)

    def __iter__(self) -> Iterator[ReceiptLine]:
        return iter(self.lines)

    @overload
    def __getitem__(self, key: int) -> ReceiptLine: ...
    @overload
    def __getitem__(self, key: str) -> ReceiptLine: ...

    def __getitem__(self, key: Union[int, str]) -> ReceiptLine:
        if isinstance(key, str):
            for line in self.lines:
                if line.strategy == key:
                    return line
            raise KeyError(key)
        return self.lines[key]

    def text(self) -> str:
        """The library's readable multi-line rendering."""
        return self._handle().format()

    def __str__(self) -> str:
        return self.text() if self._h is not None else repr(self)

    def __repr__(self) -> str:
        if self._h is None:
            return "<Receipt (closed)>"
        return f"<Receipt {self.purchase_key}: {self.points} points (exact {self.exact_points}), {len(self)} lines>"

    def copy(self) -> "Receipt":
        return Receipt(self._handle().clone())

    __copy__ = copy
