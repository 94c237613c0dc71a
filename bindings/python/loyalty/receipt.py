"""Receipts: the points a purchase earns, explained line by line."""

from __future__ import annotations

import datetime as _dt
import uuid as _uuid
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterator, Optional, Tuple, Union, overload

from ._convert import from_ms, from_pair, to_decimal
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
    stays valid after its calculator, customer and purchase (and the program
    that recorded it) are gone. A receipt from ``Program.record_purchase``
    also says what the program did: ``credited``, ``capped``,
    ``pending_until`` and ``entry_seq``.

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

    # ---- filled when a program recorded the purchase ----------------------

    @property
    def recorded(self) -> bool:
        """Whether a program recorded the purchase (``Program.record_purchase``);
        False for a receipt the calculator computed alone."""
        return bool(self._handle().recorded())

    @property
    def credited(self) -> int:
        """Points credited to the customer: ``points`` less what the program's
        caps removed (``points`` itself for a receipt not recorded)."""
        return self._handle().credited()

    @property
    def capped(self) -> int:
        """Points the program's earning caps removed (0 when none applied)."""
        return self._handle().capped()

    @property
    def pending_until(self) -> Optional[_dt.datetime]:
        """When the credited points become available, or None when they were
        available at once (or nothing was credited)."""
        ms = self._handle().pending_until()
        return from_ms(ms) if ms else None

    @property
    def pending_until_ms(self) -> Optional[int]:
        ms = self._handle().pending_until()
        return ms if ms else None

    @property
    def entry_seq(self) -> Optional[int]:
        """The seq of the EARN ledger entry; None when nothing was credited or
        the receipt was not recorded by a program."""
        seq = self._handle().entry_seq()
        return seq if seq else None

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
        recorded = ""
        if self.recorded:
            recorded = f", credited {self.credited}"
            if self.capped:
                recorded += f" (capped by {self.capped})"
            if self.pending_until_ms is not None:
                recorded += f", held until {self.pending_until.isoformat()}"  # type: ignore[union-attr]
            if self.entry_seq is not None:
                recorded += f", entry #{self.entry_seq}"
        return (
            f"<Receipt {self.purchase_key}: {self.points} points (exact {self.exact_points}), "
            f"{len(self)} lines{recorded}>"
        )

    def copy(self) -> "Receipt":
        return Receipt(self._handle().clone())

    __copy__ = copy
