"""Customers: identity, profile, tier, tags and balances."""

from __future__ import annotations

import datetime as _dt
import uuid as _uuid
from typing import Any, Iterable, NamedTuple, Optional, Tuple

from . import capi
from ._convert import IdLike, TimeLike, check_int, check_text, from_ms, to_ms, to_uuid
from ._handle import Expired, Handle

__all__ = ["Birthday", "Customer", "CustomerView"]


class Birthday(NamedTuple):
    month: int
    day: int


def _opt(text: str) -> Optional[str]:
    return text if text else None


class _CustomerFields:
    """Read-only properties shared by Customer and CustomerView."""

    __slots__ = ()

    def _c(self) -> Any:  # the SWIG handle
        raise NotImplementedError

    @property
    def id(self) -> _uuid.UUID:
        return _uuid.UUID(bytes=self._c().id())

    @property
    def external_ref(self) -> Optional[str]:
        """The host's own reference ("crm-000123"), or None."""
        return _opt(self._c().external_ref())

    @property
    def name(self) -> Optional[str]:
        return _opt(self._c().name())

    @property
    def email(self) -> Optional[str]:
        return _opt(self._c().email())

    @property
    def tier(self) -> Optional[str]:
        """The tier's name ("gold"), or None."""
        return _opt(self._c().tier())

    @property
    def birthday(self) -> Optional[Birthday]:
        """(month, day), or None when unknown."""
        c = self._c()
        month = c.birthday_month()
        return Birthday(month, c.birthday_day()) if month else None

    @property
    def joined_at(self) -> _dt.datetime:
        return from_ms(self._c().joined_at())

    @property
    def joined_at_ms(self) -> int:
        return self._c().joined_at()

    @property
    def tags(self) -> Tuple[str, ...]:
        """The tags, in the order they were added."""
        c = self._c()
        return tuple(c.tag(i) for i in range(c.tag_count()))

    def has_tag(self, tag: str) -> bool:
        return bool(self._c().has_tag(check_text(tag, "tag")))

    @property
    def available(self) -> int:
        """Points that can be spent now (maintained by the program)."""
        return self._c().available()

    @property
    def pending(self) -> int:
        return self._c().pending()

    @property
    def lifetime_earned(self) -> int:
        return self._c().lifetime_earned()

    @property
    def lifetime_redeemed(self) -> int:
        return self._c().lifetime_redeemed()

    @property
    def lifetime_expired(self) -> int:
        return self._c().lifetime_expired()

    def __repr__(self) -> str:
        try:
            fields = [f"id={str(self.id)!r}"]
            for attr in ("name", "tier"):
                value = getattr(self, attr)
                if value is not None:
                    fields.append(f"{attr}={value!r}")
            if self.tags:
                fields.append(f"tags={list(self.tags)!r}")
        except Exception:  # closed, or an expired view
            return f"<{type(self).__name__} (closed)>"
        return f"{type(self).__name__}({', '.join(fields)})"


class Customer(Handle, _CustomerFields):
    """A customer. Every keyword sets the field of the same name.

    >>> ada = Customer(name="Ada", tier="gold", birthday=(11, 28), tags=["staff"])
    """

    __slots__ = ()

    def __init__(
        self,
        id: Optional[IdLike] = None,
        *,
        name: Optional[str] = None,
        email: Optional[str] = None,
        external_ref: Optional[str] = None,
        tier: Optional[str] = None,
        birthday: Optional[Tuple[int, int]] = None,
        joined_at: Optional[TimeLike] = None,
        tags: Iterable[str] = (),
    ) -> None:
        raw = None if id is None else to_uuid(id).bytes
        super().__init__(capi.Customer(raw))
        if name is not None:
            self.name = name
        if email is not None:
            self.email = email
        if external_ref is not None:
            self.external_ref = external_ref
        if tier is not None:
            self.tier = tier
        if birthday is not None:
            self.birthday = birthday
        if joined_at is not None:
            self.joined_at = joined_at
        for tag in tags:
            self.add_tag(tag)

    def _c(self) -> Any:
        return self._handle()

    @_CustomerFields.external_ref.setter  # type: ignore[attr-defined]
    def external_ref(self, value: Optional[str]) -> None:
        self._c().set_external_ref(check_text(value, "external_ref", optional=True))

    @_CustomerFields.name.setter  # type: ignore[attr-defined]
    def name(self, value: Optional[str]) -> None:
        self._c().set_name(check_text(value, "name", optional=True))

    @_CustomerFields.email.setter  # type: ignore[attr-defined]
    def email(self, value: Optional[str]) -> None:
        self._c().set_email(check_text(value, "email", optional=True))

    @_CustomerFields.tier.setter  # type: ignore[attr-defined]
    def tier(self, value: Optional[str]) -> None:
        self._c().set_tier(check_text(value, "tier", optional=True))

    @_CustomerFields.birthday.setter  # type: ignore[attr-defined]
    def birthday(self, value: Optional[Tuple[int, int]]) -> None:
        month, day = (0, 0) if value is None else value
        self._c().set_birthday(check_int(month, "birthday month"), check_int(day, "birthday day"))

    @_CustomerFields.joined_at.setter  # type: ignore[attr-defined]
    def joined_at(self, value: TimeLike) -> None:
        self._c().set_joined_at(to_ms(value, "joined_at"))

    def add_tag(self, tag: str) -> None:
        self._c().add_tag(check_text(tag, "tag"))

    def remove_tag(self, tag: str) -> None:
        self._c().remove_tag(check_text(tag, "tag"))

    def clone(self) -> "Customer":
        """A deep copy."""
        copy = Customer.__new__(Customer)
        Handle.__init__(copy, self._c().clone())
        return copy

    __copy__ = clone


class CustomerView(_CustomerFields):
    """The buyer as a custom strategy sees it: read-only, valid during the call."""

    __slots__ = ("_raw", "_token")

    def __init__(self, raw: Any, token: Expired) -> None:
        self._raw = raw
        self._token = token

    def _c(self) -> Any:
        self._token.check("customer view")
        return self._raw
