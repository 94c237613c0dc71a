"""The program's ledger: entries, and a read-only view over them."""

from __future__ import annotations

import datetime as _dt
import uuid as _uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, List, Optional, Sequence, Tuple, Union, overload

from . import capi
from ._convert import from_ms
from ._enums import EntryKind

if TYPE_CHECKING:  # pragma: no cover
    from .program import Program

__all__ = ["Entry", "Ledger", "EntryKind"]

#: entries copied per crossing into C while iterating
_CHUNK = 512


@dataclass(frozen=True)
class Entry:
    """One ledger entry: a change to a customer's balances.

    ``points``, ``pending`` and ``debt`` are the changes to the available,
    pending and debt balances; ``available_after`` and ``pending_after`` the
    balances after it. ``key`` is the idempotency key of the operation that
    wrote it, ``ref`` what it refers to (a purchase key, a reward, a partner),
    ``memo`` a readable detail. Entries are values: they outlive the program.
    """

    seq: int
    id: _uuid.UUID
    customer_id: _uuid.UUID
    kind: EntryKind
    points: int
    pending: int
    debt: int
    available_after: int
    pending_after: int
    #: when it took effect, ms since the epoch (see ``at``)
    at_ms: int
    key: str
    ref: str
    memo: str

    @property
    def at(self) -> _dt.datetime:
        """When it took effect (a sweep dates maturity and expiry when they happened)."""
        return from_ms(self.at_ms)

    def __repr__(self) -> str:
        try:
            when = self.at.isoformat()
        except Exception:  # outside datetime's years
            when = f"{self.at_ms} ms"
        changes = " ".join(
            f"{name}={value:+d}" for name, value in (("points", self.points), ("pending", self.pending),
                                                     ("debt", self.debt)) if value
        )
        return (
            f"<Entry #{self.seq} {self.kind} {when} {changes or 'no points'}, after {self.available_after}"
            f"/{self.pending_after}, key={self.key!r}, ref={self.ref!r}, memo={self.memo!r}>"
        )


def _entry(t: Tuple[Any, ...]) -> Entry:
    seq, eid, cid, kind, points, pending, debt, avail, pend, at, key, ref, memo = t
    return Entry(seq, _uuid.UUID(bytes=eid), _uuid.UUID(bytes=cid), EntryKind(kind), points, pending, debt, avail,
                 pend, at, key, ref, memo)


def _entry_from_value(raw: Any) -> Entry:
    """An Entry from the SWIG value class (capi.Entry)."""
    return Entry(
        raw.seq(),
        _uuid.UUID(bytes=raw.id()),
        _uuid.UUID(bytes=raw.customer_id()),
        EntryKind(raw.kind()),
        raw.points(),
        raw.pending(),
        raw.debt(),
        raw.available_after(),
        raw.pending_after(),
        raw.at(),
        raw.key(),
        raw.ref(),
        raw.memo(),
    )


class Ledger(Sequence[Entry]):
    """The ledger of a program, or of one of its customers, oldest first
    (in ``seq`` order, the order of record).

    A live view: ``len()`` and iteration see entries appended meanwhile.
    Iteration copies entries from C in chunks, with the GIL released.
    """

    __slots__ = ("_program", "_customer")

    def __init__(self, program: "Program", customer: Optional[_uuid.UUID] = None) -> None:
        self._program = program
        self._customer = customer

    @property
    def customer_id(self) -> Optional[_uuid.UUID]:
        """The customer whose entries these are; None for the whole ledger."""
        return self._customer

    def _raw(self) -> Optional[bytes]:
        return None if self._customer is None else self._customer.bytes

    def __len__(self) -> int:
        h = self._program._handle()
        return h.entry_count() if self._customer is None else h.customer_entry_count(self._customer.bytes)

    def _chunk(self, start: int, count: int) -> List[Entry]:
        return [_entry(t) for t in self._program._handle().entries(self._raw(), start, count)]

    def __iter__(self) -> Iterator[Entry]:
        start = 0
        while True:
            chunk = self._chunk(start, _CHUNK)
            yield from chunk
            if len(chunk) < _CHUNK:
                return
            start += len(chunk)

    @overload
    def __getitem__(self, index: int) -> Entry: ...
    @overload
    def __getitem__(self, index: slice) -> List[Entry]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[Entry, List[Entry]]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            out: List[Entry] = []
            while start < stop:
                chunk = self._chunk(start, min(stop - start, _CHUNK))
                if not chunk:
                    break
                out.extend(chunk)
                start += len(chunk)
            return out
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"ledger indices must be int or slice, not {type(index).__name__}")
        if index < 0:
            index += len(self)
        got = self._chunk(index, 1) if index >= 0 else []
        if not got:
            raise IndexError("ledger index out of range")
        return got[0]

    def __repr__(self) -> str:
        whose = "the program" if self._customer is None else f"customer {self._customer}"
        try:
            return f"<Ledger of {whose}: {len(self)} entries>"
        except Exception:
            return f"<Ledger of {whose} (closed)>"


def entry_kind_name(kind: int) -> Optional[str]:
    """The C library's name of an entry kind ("earn"), None for an unknown one."""
    return capi.loyalty_entry_kind_name(kind)
