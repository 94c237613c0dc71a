"""The exceptions of libloyalty: one class per ``LOYALTY_E*`` status.

Every failed call raises a subclass of :class:`LoyaltyError` carrying the C
status (``code``, ``status``) and the message of ``loyalty_last_error()``,
which names the argument or parameter at fault. The classes also derive from
the closest built-in exception (``InvalidArgument`` is a ``ValueError``,
``OutOfRange`` an ``OverflowError`` and a ``ValueError``, ``NotFound`` a
``LookupError``, ``OutOfMemory`` a ``MemoryError``), so generic handlers keep
working.

This module imports nothing from the extension: the extension imports it to
raise.
"""

from __future__ import annotations

from typing import Any, ClassVar, Dict, Optional, Tuple, Type

__all__ = [
    "LoyaltyError",
    "InvalidArgument",
    "OutOfMemory",
    "NotFound",
    "DuplicateKey",
    "Conflict",
    "InsufficientPoints",
    "OutOfRange",
    "Corrupt",
    "LoyaltyIOError",
    "UserCallbackError",
    "CurrencyError",
    "StateError",
]


class LoyaltyError(Exception):
    """A libloyalty call failed.

    Attributes:
        code: the C status, a negative ``LOYALTY_E*`` value (``-3``).
        status: its symbolic name (``"LOYALTY_ENOTFOUND"``).
        message: the C message, naming the argument or field at fault.
    """

    code: int = 0
    status: str = "LOYALTY_ERROR"
    #: the C status this class stands for; subclasses set it
    CODE: ClassVar[int] = 0
    STATUS: ClassVar[str] = "LOYALTY_ERROR"

    def __init__(self, message: str = "", code: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = self.CODE if code is None else code
        self.status = _STATUS_NAMES.get(self.code, self.STATUS)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code})"

    def __reduce__(self) -> Tuple[Any, ...]:  # picklable, e.g. across multiprocessing
        return (type(self), (self.message, self.code))


class InvalidArgument(LoyaltyError, ValueError):
    """``LOYALTY_EINVAL``: an invalid argument (empty, malformed, wrong type of value)."""

    CODE = -1
    STATUS = "LOYALTY_EINVAL"


class OutOfMemory(LoyaltyError, MemoryError):
    """``LOYALTY_ENOMEM``: the C library could not allocate memory."""

    CODE = -2
    STATUS = "LOYALTY_ENOMEM"


class NotFound(LoyaltyError, LookupError):
    """``LOYALTY_ENOTFOUND``: an unknown id, key, name or strategy kind."""

    CODE = -3
    STATUS = "LOYALTY_ENOTFOUND"


class DuplicateKey(LoyaltyError):
    """``LOYALTY_EDUPLICATE``: a name, id or key that must be unique already exists."""

    CODE = -4
    STATUS = "LOYALTY_EDUPLICATE"


class Conflict(LoyaltyError):
    """``LOYALTY_ECONFLICT``: an idempotency key reused with a different payload."""

    CODE = -5
    STATUS = "LOYALTY_ECONFLICT"


class InsufficientPoints(LoyaltyError):
    """``LOYALTY_EINSUFFICIENT``: not enough points for the operation."""

    CODE = -6
    STATUS = "LOYALTY_EINSUFFICIENT"


class OutOfRange(LoyaltyError, OverflowError, ValueError):
    """``LOYALTY_ERANGE``: a value out of its range, or an arithmetic overflow."""

    CODE = -7
    STATUS = "LOYALTY_ERANGE"


class Corrupt(LoyaltyError):
    """``LOYALTY_ECORRUPT``: malformed or corrupt encoded data."""

    CODE = -8
    STATUS = "LOYALTY_ECORRUPT"


class LoyaltyIOError(LoyaltyError, OSError):
    """``LOYALTY_EIO``: an operating-system I/O failure."""

    CODE = -9
    STATUS = "LOYALTY_EIO"


class UserCallbackError(LoyaltyError):
    """``LOYALTY_EUSER``: a custom strategy failed.

    A Python strategy that raises makes the computation raise *that*
    exception again, with its own type and traceback (and, on Python 3.11+,
    a note with the C message); this class is for failures without a Python
    exception behind them.
    """

    CODE = -10
    STATUS = "LOYALTY_EUSER"


class CurrencyError(LoyaltyError, ValueError):
    """``LOYALTY_ECURRENCY``: an unknown currency, or amounts in different currencies."""

    CODE = -11
    STATUS = "LOYALTY_ECURRENCY"


class StateError(LoyaltyError, RuntimeError):
    """``LOYALTY_ESTATE``: the object is in a state that forbids the call (closed,
    or being read by a computation)."""

    CODE = -12
    STATUS = "LOYALTY_ESTATE"


class Canceled(LoyaltyError):
    """``LOYALTY_ECANCELED``: a progress callback asked long work (replay,
    import, simulation) to stop; nothing was changed."""

    CODE = -13
    STATUS = "LOYALTY_ECANCELED"


_BY_CODE: Dict[int, Type[LoyaltyError]] = {
    cls.CODE: cls
    for cls in (
        InvalidArgument,
        OutOfMemory,
        NotFound,
        DuplicateKey,
        Conflict,
        InsufficientPoints,
        OutOfRange,
        Corrupt,
        LoyaltyIOError,
        UserCallbackError,
        CurrencyError,
        StateError,
        Canceled,
    )
}
_STATUS_NAMES: Dict[int, str] = {code: cls.STATUS for code, cls in _BY_CODE.items()}


def error_class(code: int) -> Type[LoyaltyError]:
    """The exception class for a ``LOYALTY_E*`` code (:class:`LoyaltyError` if unknown)."""
    return _BY_CODE.get(code, LoyaltyError)


def _error_from_status(code: int, message: str) -> LoyaltyError:
    """Called by the extension module to build the exception it raises."""
    return error_class(code)(message, code)
